"""``coopfinance plan``: a business plan's indicators (NPV, IRR, B/C, payback, break-even, DSCR,
sensitivity), or its document."""

from __future__ import annotations

import argparse
import json
import pathlib
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TextIO

from coopfinance.cli._options import add_lang, add_output, add_templates, output_format

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add ``plan``."""
    p = subparsers.add_parser(
        "plan",
        help="evaluate a business plan: NPV, IRR, B/C, payback, break-even, DSCR, sensitivity",
        description="Evaluate a business plan file (TOML, JSON, or YAML with PyYAML) and print "
        "its indicators.",
    )
    p.add_argument(
        "file", help="the plan: .toml, .json, .yaml or .yml (see examples/plan-alfalfa.toml)"
    )
    p.add_argument("--format", default="table", choices=("table", "json"), help="output format")
    d = p.add_argument_group("the plan document (-o plan.html, plan.md or plan.pdf)")
    add_output(
        d,
        metavar="FILE",
        help="write the business-plan document to FILE; its suffix (.md, .html, .pdf) sets the "
        "format (PDF needs WeasyPrint)",
    )
    add_lang(d, default="es", help="document language (es)")
    add_templates(d, sandbox_note=True)
    p.set_defaults(handler=_plan)


def _write_document(rep: Any, ns: argparse.Namespace, out: TextIO) -> int:
    from coopfinance.documents import render_plan

    path = pathlib.Path(ns.output)
    fmt = output_format(ns)
    document = render_plan(rep, lang=ns.lang, fmt=fmt, template_dirs=ns.templates)
    if isinstance(document, bytes):
        path.write_bytes(document)
    else:
        path.write_text(document, encoding="utf-8")
    out.write(f"wrote {path} ({fmt}, {ns.lang})\n")
    return 0


def _pct(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{(value * 100).quantize(Decimal('0.01'), ROUND_HALF_UP)} %"


def _num(value: Decimal | None, places: int = 2) -> str:
    if value is None:
        return "—"
    return f"{value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):,}"


def _plan(ns: argparse.Namespace, out: TextIO) -> int:
    from coopfinance.plans import BusinessPlan, report

    rep = report(BusinessPlan.from_file(ns.file))
    if ns.output is not None:
        return _write_document(rep, ns, out)
    if ns.format == "json":
        out.write(json.dumps(rep.indicators(), indent=2, ensure_ascii=False) + "\n")
        return 0
    plan = rep.plan
    money = plan.currency.symbol
    basis = "incremental (with − without plan)" if plan.incremental else "with plan"
    out.write(f"{plan.title or plan.enterprise.name}\n")
    out.write(
        f"{plan.start.isoformat()} to {plan.end.isoformat()} · COK {_pct(plan.cok)} · {basis}\n\n"
    )
    out.write(f"{'':<28}{'economic':>16}{'financial':>16}\n")
    e, f = rep.economic, rep.financial
    for label, a, b in (
        (f"NPV ({money})", _num(e.npv), _num(f.npv)),
        ("IRR", _pct(e.irr), _pct(f.irr)),
        ("benefit/cost", _num(e.benefit_cost), _num(f.benefit_cost)),
        ("payback (years)", _num(e.payback_years), _num(f.payback_years)),
        (
            "discounted payback (years)",
            _num(e.discounted_payback_years),
            _num(f.discounted_payback_years),
        ),
    ):
        out.write(f"{label:<28}{a:>16}{b:>16}\n")
    for ev in (e, f):
        if ev.irr_problem:
            out.write(f"note: {ev.irr_problem}\n")
    out.write(
        f"\n{'year':<6}{'break-even L/day':>18}{'planned L/day':>15}{'break-even price':>18}\n"
    )
    for be in rep.break_even:
        out.write(
            f"{be.year:<6}{_num(be.litres_per_day, 1):>18}{_num(be.litres_per_day_planned, 1):>15}"
            f"{_num(be.price_per_litre, 4):>18}\n"
        )
    d = rep.debt
    if d.yearly:
        out.write(
            f"\nDSCR minimum {_num(d.minimum)} (year {d.minimum_year}); monthly minimum "
            f"{_num(d.minimum_monthly)} (month {d.minimum_month})\n"
        )
        verdict = "within" if d.within_limit else "above"
        out.write(
            f"repayment capacity: debt service takes {_pct(d.repayment_ratio)} of the cash "
            f"available ({verdict} the {_pct(d.limit)} limit)\n"
        )
    gap = rep.sources_and_uses.gap
    if gap:
        out.write(f"funding gap at year 0: {money} {_num(gap)}\n")
    for sv in (rep.sensitivity.switching_economic, rep.sensitivity.switching_financial):
        if sv.factor is None:
            out.write(f"switching price ({sv.kind}): {sv.note}\n")
        else:
            out.write(
                f"switching price ({sv.kind}): {money} {_num(sv.price_per_litre, 4)} per litre "
                f"({_pct(sv.change)} from the plan){'; ' + sv.note if sv.note else ''}\n"
            )
    return 0
