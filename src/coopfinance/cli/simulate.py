"""``coopfinance simulate``: a Monte Carlo of milk price and yield shocks on loans collected from
milk payments (:mod:`coopfinance.linked`)."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from coopfinance.cli._options import add_format, add_output, chosen_format, console, csv_text, emit
from coopfinance.errors import E_, InvalidValue

__all__ = ["LIMITS", "MAX_CELLS", "register"]

LIMITS = {"scenarios": 1_000_000, "farmers": 100_000, "periods": 1_300}
"""The most each size option takes (1,300 fortnights: fifty years)."""
MAX_CELLS = 2_000_000_000
"""The most farmer-fortnights a run simulates (scenarios × farmers × periods): about ten minutes."""


def register(subparsers: Any) -> None:
    """Add ``simulate``."""
    p = subparsers.add_parser(
        "simulate",
        help="Monte Carlo of milk price and yield shocks on loans collected from milk payments",
        description="Simulate price and yield shocks on a co-op of small suppliers whose loan "
        "installments are collected at source (capped share of each fortnight's milk value): "
        "repayment time, arrears over 30 days, collected vs due, the co-op's effective yield. "
        f"Limits: scenarios ≤ {LIMITS['scenarios']:,}, farmers ≤ {LIMITS['farmers']:,}, "
        f"periods ≤ {LIMITS['periods']:,}, scenarios × farmers × periods ≤ {MAX_CELLS:,}.",
    )
    p.add_argument("--scenarios", type=int, default=1000, help="scenarios (default 1000)")
    p.add_argument("--farmers", type=int, default=200, help="farmers (default 200)")
    p.add_argument("--periods", type=int, default=48, help="fortnights (default 48)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--price-sd", default="0.10", help="sd of the log price shock per fortnight")
    p.add_argument("--yield-sd", default="0.15", help="sd of the log yield shock per fortnight")
    p.add_argument(
        "--price-persistence", default="0", metavar="RHO", help="AR(1) ρ of price shocks (0..1)"
    )
    p.add_argument("--price", default="1.30", help="expected price per litre (default S/ 1.30)")
    p.add_argument("--loan-per-cow", default="1200", help="amount lent per cow (default 1200)")
    p.add_argument("--rate", default="18%", help="TEA of the loans (default 18%%)")
    p.add_argument(
        "--loan-cap", default="30%", help="installments at most this share of gross (default 30%%)"
    )
    add_format(p, ("table", "csv", "json"), default="table")
    add_output(p, metavar="FILE")
    p.set_defaults(handler=_simulate)


def _check_size(ns: argparse.Namespace) -> None:
    """Refuse a simulation beyond :data:`LIMITS` or :data:`MAX_CELLS`, naming the option."""
    for name, hi in LIMITS.items():
        value = getattr(ns, name)
        if not 1 <= value <= hi:
            raise InvalidValue(
                E_(
                    "'--%(name)s' must be between 1 and %(hi)s (got %(value)s).",
                    name=name,
                    hi=format(hi, ","),
                    value=format(value, ","),
                ),
                field=name,
                value=value,
            )
    if not 0 <= ns.seed < 2**63:
        raise InvalidValue(
            E_(
                "'--seed' must be a whole number from 0 to %(value)s (got %(seed)s).",
                value=format(2**63 - 1, ","),
                seed=format(ns.seed, ","),
            ),
            field="seed",
            value=ns.seed,
        )
    cells = ns.scenarios * ns.farmers * ns.periods
    if cells > MAX_CELLS:
        raise InvalidValue(
            E_(
                "'--scenarios' × '--farmers' × '--periods' is %(cells)s, above the "
                "limit of %(max_cells)s farmer-fortnights per run; ask for fewer "
                "scenarios.",
                cells=format(cells, ","),
                max_cells=format(MAX_CELLS, ","),
            ),
            field="scenarios",
            value=ns.scenarios,
        )


def _simulate(ns: argparse.Namespace, out: TextIO) -> int:
    from coopfinance.linked import Portfolio, simulate

    _check_size(ns)
    c = console(ns)
    fmt = chosen_format(ns)
    portfolio = Portfolio.example(
        ns.farmers,
        ns.periods,
        seed=ns.seed,
        price=ns.price,
        loan_per_cow=ns.loan_per_cow,
        rate=ns.rate,
        loan_cap=ns.loan_cap,
    )
    with c.progress(ns.scenarios, c.t("scenarios"), unit="sc") as bar:
        seen = [0]

        def progress(done: int, _total: int) -> None:
            bar.update(done - seen[0])
            seen[0] = done

        result = simulate(
            portfolio,
            scenarios=ns.scenarios,
            seed=ns.seed,
            price_sd=ns.price_sd,
            yield_sd=ns.yield_sd,
            price_persistence=ns.price_persistence,
            progress=progress,
        )
    summary = result.summary()
    if fmt == "json":
        return emit(ns, out, json.dumps(summary, indent=2) + "\n")
    if fmt == "csv":
        return emit(ns, out, csv_text(("figure", "value"), _flat(summary)))
    from coopfinance.documents import render

    context = {"summary": summary, "options": vars(ns)}
    return emit(ns, out, render("simulation", context, lang=ns.lang, fmt="txt"))


def _flat(data: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """``{"a": {"b": 1}}`` as ``[("a.b", 1)]``: the summary as figure,value lines."""
    if isinstance(data, dict):
        rows: list[tuple[str, Any]] = []
        for key, value in data.items():
            rows.extend(_flat(value, f"{prefix}.{key}" if prefix else str(key)))
        return rows
    if isinstance(data, list | tuple):
        return [(prefix, json.dumps(data))]
    return [(prefix, data)]
