"""``coopfinance simulate``: a Monte Carlo of milk price and yield shocks on loans collected from
milk payments (:mod:`coopfinance.linked`)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add ``simulate``."""
    p = subparsers.add_parser(
        "simulate",
        help="Monte Carlo of milk price and yield shocks on loans collected from milk payments",
        description="Simulate price and yield shocks on a co-op of small suppliers whose loan "
        "installments are collected at source (capped share of each fortnight's milk value): "
        "repayment time, arrears over 30 days, collected vs due, the co-op's effective yield.",
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
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.add_argument("--format", default="table", choices=("table", "json"), help="output format")
    p.set_defaults(handler=_simulate)


def _progress(done: int, total: int) -> None:
    sys.stderr.write(f"\rsimulated {done:,}/{total:,} scenarios")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _simulate(ns: argparse.Namespace, out: TextIO) -> int:
    from coopfinance.linked import Portfolio, simulate

    portfolio = Portfolio.example(
        ns.farmers,
        ns.periods,
        seed=ns.seed,
        price=ns.price,
        loan_per_cow=ns.loan_per_cow,
        rate=ns.rate,
        loan_cap=ns.loan_cap,
    )
    result = simulate(
        portfolio,
        scenarios=ns.scenarios,
        seed=ns.seed,
        price_sd=ns.price_sd,
        yield_sd=ns.yield_sd,
        price_persistence=ns.price_persistence,
        progress=None if ns.quiet else _progress,
    )
    summary = result.summary()
    if ns.format == "json":
        out.write(json.dumps(summary, indent=2) + "\n")
        return 0
    from coopfinance.documents import render

    context = {"summary": summary, "options": vars(ns)}
    out.write(render("simulation", context, lang="en", fmt="txt"))
    return 0
