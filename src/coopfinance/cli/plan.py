"""``coopfinance plan``: a business plan's indicators (NPV, IRR, B/C, payback, break-even, DSCR,
sensitivity), or its document."""

from __future__ import annotations

import argparse
import io
import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TextIO

from coopfinance.cli._options import (
    add_format,
    add_lang,
    add_output,
    add_templates,
    chosen_format,
    console,
    csv_text,
    emit,
    input_path,
)

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
        "file",
        help="the plan: .toml, .json, .yaml or .yml (see examples/plan-alfalfa.toml); '-' reads "
        "TOML from standard input",
    )
    add_format(
        p,
        ("table", "csv", "json", "md", "html", "pdf"),
        default="table",
        help="table, csv or json: the indicators; md, html or pdf: the business-plan document",
    )
    d = p.add_argument_group("the plan document (-o plan.html, plan.md or plan.pdf)")
    add_output(
        d,
        metavar="FILE",
        help="write the business-plan document to FILE; its suffix (.md, .html, .pdf) sets the "
        "format (PDF needs WeasyPrint)",
    )
    add_lang(d, help="language of the document")
    add_templates(d, sandbox_note=True)
    p.set_defaults(handler=_plan)


def _write_document(rep: Any, ns: argparse.Namespace, out: TextIO, fmt: str) -> int:
    from coopfinance.documents import render_plan

    document = render_plan(rep, lang=ns.lang, fmt=fmt, template_dirs=ns.templates)
    return emit(ns, out, document)


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

    fmt = chosen_format(ns)
    rep = report(BusinessPlan.from_file(input_path(ns, ns.file, suffix=".toml")))
    if fmt in ("md", "html", "pdf"):
        return _write_document(rep, ns, out, fmt)
    if fmt == "json":
        return emit(ns, out, json.dumps(rep.indicators(), indent=2, ensure_ascii=False) + "\n")
    if fmt == "csv":
        rows = [
            (k, json.dumps(v, default=str) if isinstance(v, dict | list) else v)
            for k, v in rep.indicators().items()
        ]
        return emit(ns, out, csv_text(("indicator", "value"), rows))
    buffer = io.StringIO()
    _table(rep, buffer, console(ns))
    return emit(ns, out, buffer.getvalue())


def _table(rep: Any, out: TextIO, c: Any) -> None:
    """The indicators as terminal text, in the command's language."""
    t = c.t
    plan = rep.plan
    money = plan.currency.symbol
    basis = t("incremental (with − without plan)") if plan.incremental else t("with plan")
    out.write(f"{plan.title or plan.enterprise.name}\n")
    out.write(
        t(
            "%(start)s to %(end)s · COK %(cok)s · %(basis)s",
            start=plan.start.isoformat(),
            end=plan.end.isoformat(),
            cok=_pct(plan.cok),
            basis=basis,
        )
        + "\n\n"
    )
    e, f = rep.economic, rep.financial
    rows = (
        (t("NPV (%(money)s)", money=money), _num(e.npv), _num(f.npv)),
        (t("IRR"), _pct(e.irr), _pct(f.irr)),
        (t("benefit/cost"), _num(e.benefit_cost), _num(f.benefit_cost)),
        (t("payback (years)"), _num(e.payback_years), _num(f.payback_years)),
        (
            t("discounted payback (years)"),
            _num(e.discounted_payback_years),
            _num(f.discounted_payback_years),
        ),
    )
    width = max(28, *(len(label) + 2 for label, _, _ in rows))
    out.write(f"{'':<{width}}{t('economic'):>16}{t('financial'):>16}\n")
    for label, a, b in rows:
        out.write(f"{label:<{width}}{a:>16}{b:>16}\n")
    for ev in (e, f):
        if ev.irr_problem:
            out.write(t("note: %(note)s", note=ev.irr_problem) + "\n")
    out.write(
        f"\n{t('year'):<6}{t('break-even L/day'):>18}{t('planned L/day'):>15}"
        f"{t('break-even price'):>18}\n"
    )
    for be in rep.break_even:
        out.write(
            f"{be.year:<6}{_num(be.litres_per_day, 1):>18}{_num(be.litres_per_day_planned, 1):>15}"
            f"{_num(be.price_per_litre, 4):>18}\n"
        )
    d = rep.debt
    if d.yearly:
        out.write(
            "\n"
            + t(
                "DSCR minimum %(minimum)s (year %(year)s); monthly minimum %(monthly)s "
                "(month %(month)s)",
                minimum=_num(d.minimum),
                year=d.minimum_year,
                monthly=_num(d.minimum_monthly),
                month=d.minimum_month,
            )
            + "\n"
        )
        verdict = (
            t("within the %(limit)s limit", limit=_pct(d.limit))
            if d.within_limit
            else t("above the %(limit)s limit", limit=_pct(d.limit))
        )
        out.write(
            t(
                "repayment capacity: debt service takes %(share)s of the cash available "
                "(%(verdict)s)",
                share=_pct(d.repayment_ratio),
                verdict=verdict,
            )
            + "\n"
        )
    gap = rep.sources_and_uses.gap
    if gap:
        out.write(t("funding gap at year 0: %(money)s %(gap)s", money=money, gap=_num(gap)) + "\n")
    for sv in (rep.sensitivity.switching_economic, rep.sensitivity.switching_financial):
        kind = t(str(sv.kind))
        if sv.factor is None:
            out.write(t("switching price (%(kind)s): %(note)s", kind=kind, note=sv.note) + "\n")
        else:
            line = t(
                "switching price (%(kind)s): %(money)s %(price)s per litre (%(change)s from the "
                "plan)",
                kind=kind,
                money=money,
                price=_num(sv.price_per_litre, 4),
                change=_pct(sv.change),
            )
            out.write(line + (f"; {sv.note}" if sv.note else "") + "\n")
