"""``coopfinance settle``: a period's milk settlement with check-off deductions (liquidación), as a
table, JSON, a farmer's statement or the co-op's summary."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from coopfinance.cli._console import Rows
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
    write_document,
)
from coopfinance.errors import E_, EN_, InvalidDelivery, InvalidValue

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add ``settle``."""
    p = subparsers.add_parser(
        "settle",
        help="settle a period's milk payments with check-off deductions (liquidación)",
        description="Settle one period: gross milk value per farmer, deductions in priority order "
        "within caps and above the floor, net pay and arrears.",
    )
    p.add_argument(
        "--deliveries",
        required=True,
        metavar="FILE.csv|xlsx",
        help="deliveries: farmer,date,litres[,total_solids,fat,bacterial_count,cooled,route]; "
        ".xlsx needs openpyxl (coopfinance[xlsx]); '-' reads CSV from standard input",
    )
    p.add_argument("--prices", required=True, metavar="FILE.toml|json", help="milk price schedule")
    p.add_argument(
        "--period",
        required=True,
        metavar="START..END",
        help="settlement period, e.g. 2026-01-01..2026-01-15",
    )
    p.add_argument(
        "--select-period",
        action="store_true",
        help="the files hold more than this period (a season): settle only the deliveries dated "
        "in it and the obligations due in it (says how many were left out); without it, a "
        "delivery outside the period is an error",
    )
    p.add_argument(
        "--obligations",
        default=None,
        metavar="FILE.csv",
        help="amounts due: farmer,kind,amount[,loan_id,priority,reference]",
    )
    p.add_argument(
        "--loan-cap",
        default=None,
        metavar="SHARE",
        help="loan installments at most this share of gross (default 30%%)",
    )
    p.add_argument(
        "--floor-share",
        default="0",
        metavar="SHARE",
        help="the farmer keeps at least this share of gross (default 0)",
    )
    p.add_argument(
        "--floor-price",
        default="0",
        metavar="PER_LITRE",
        help="the farmer keeps at least this much per litre (default 0)",
    )
    add_format(p, ("table", "csv", "json", "md", "html", "pdf"), default="table")
    g = p.add_argument_group(
        "documents (--farmer or --summary; the format follows the extension of -o: .md, .html or "
        ".pdf; Markdown on standard output without -o)"
    )
    g.add_argument(
        "--farmer", default=None, metavar="ID", help="write this farmer's statement (liquidación)"
    )
    g.add_argument(
        "--summary", action="store_true", help="write the co-op's period summary, reconciled"
    )
    g.add_argument("--farmer-name", default=None, help="the farmer's name (default: the ID)")
    g.add_argument("--coop-name", default=None, help="the co-op's name on the document")
    add_lang(g, help="language of the table and documents")
    add_templates(g)
    add_output(g, help="FILE.md, FILE.html or FILE.pdf", metavar="FILE")
    p.set_defaults(handler=_settle)


def _settle(ns: argparse.Namespace, out: TextIO) -> int:
    from coopfinance.dairy import (
        MilkPriceSchedule,
        Period,
        SettlementPolicy,
        obligations_from_file,
        settle,
    )

    c = console(ns)
    period = Period.parse(ns.period)
    path = input_path(ns, ns.deliveries, suffix=".csv")
    prices = MilkPriceSchedule.from_file(ns.prices)
    obligations = obligations_from_file(ns.obligations) if ns.obligations else ()
    policy = SettlementPolicy(
        caps=SettlementPolicy().caps if ns.loan_cap is None else {"loan-installment": ns.loan_cap},
        floor_share=ns.floor_share,
        floor_price_per_litre=ns.floor_price,
    )
    # a bar of the rows read (CSV and .xlsx are both streamed), kept while the period is settled
    with c.rows(c.t("reading %(file)s", file=ns.deliveries)) as progress:
        deliveries, left_out = _deliveries(ns, path, period, progress)
        if ns.select_period:
            read = len(deliveries) + left_out
            deliveries = deliveries.within(period)
            every = len(obligations)
            obligations = tuple(
                ob for ob in obligations if ob.due is None or period.contains(ob.due)
            )
        if c.bars():
            farmers = len({d.farmer for d in deliveries})
            progress.describe(c.t("settling %(farmers)s farmers", farmers=f"{farmers:,}"))
        result = settle(deliveries, prices, period, obligations, policy)
    if ns.select_period:
        c.info(
            c.t(
                "%(period)s: kept %(kept)s of %(deliveries)s deliveries and %(due)s of "
                "%(obligations)s obligations; the others fall outside the period",
                period=str(period),
                kept=f"{len(deliveries):,}",
                deliveries=f"{read:,}",
                due=f"{len(obligations):,}",
                obligations=f"{every:,}",
            )
        )
    if ns.farmer is not None or ns.summary:
        return _document(ns, out, result)
    ns.formats = ("table", "csv", "json")
    fmt = chosen_format(ns)
    if fmt in ("md", "html", "pdf"):
        raise InvalidValue(
            E_(
                "'--format' %(fmt)s makes a document: pass --farmer ID (a farmer's "
                "liquidación) or --summary (the co-op's).",
                fmt=fmt,
            ),
            field="format",
            value=fmt,
        )
    if fmt == "json":
        return emit(ns, out, json.dumps(result.to_dict(), indent=2) + "\n")
    if fmt == "csv":
        return emit(ns, out, _csv(result))
    from coopfinance.documents import render

    return emit(ns, out, render("settlement_table", {"result": result}, lang=ns.lang, fmt="txt"))


def _deliveries(ns: argparse.Namespace, path: str, period: Any, progress: Rows) -> tuple[Any, int]:
    """The deliveries file read row by row (CSV or ``.xlsx``), and how many rows
    ``--select-period`` left out (0 without it: a delivery outside the period is an error that
    names the flag)."""
    from coopfinance.dairy import Deliveries

    if ns.select_period:
        return Deliveries.select_from_file(path, period, progress=progress)
    try:
        if str(path).lower().endswith(".xlsx"):
            return Deliveries.from_xlsx(path, period=period, progress=progress), 0
        return Deliveries.from_file(path, period=period, progress=progress), 0
    except InvalidDelivery as exc:
        outside = [
            line for line, field, text in exc.problems if field == "date" and "outside" in text
        ]
        if outside:
            raise InvalidDelivery(
                EN_(
                    "%(num)s delivery falls outside %(period)s (at line %(first)s): pass "
                    "--select-period to settle only the ones dated in it. %(message)s",
                    "%(num)s deliveries fall outside %(period)s (the first at line %(first)s): "
                    "pass --select-period to settle only the ones dated in it. %(message)s",
                    len(outside),
                    num=format(len(outside), ","),
                    period=period,
                    first=outside[0],
                    message=exc.message,
                ),
                field="select_period",
                value=ns.deliveries,
                problems=exc.problems,
            ) from None
        raise


def _csv(result: Any) -> str:
    """One line per farmer: litres, gross, each deduction kind, net, arrears (formula-safe)."""
    kinds = [k for k, _ in result.summary.deductions_by_kind]
    header = ["farmer", "litres", "gross", *(str(k.value) for k in kinds), "net", "arrears"]
    rows = (
        [
            f.farmer,
            f.litres,
            f.gross,
            *(f.by_kind(k)[0] for k in kinds),
            f.net,
            f.arrears,
        ]
        for f in result.statements
    )
    return csv_text(header, rows)


def _document(ns: argparse.Namespace, out: TextIO, result: Any) -> int:
    """``--farmer ID`` (the farmer's statement) or ``--summary`` (the co-op's), as md/html/pdf."""
    from coopfinance.documents import settlement_context, settlement_summary_context

    if ns.farmer is not None and ns.summary:
        raise InvalidValue(
            E_("'--farmer' and '--summary' make different documents; give one of them."),
            field="farmer",
            value=ns.farmer,
        )
    ns.formats, ns.default_format = ("md", "html", "pdf"), "md"
    fmt = chosen_format(ns)
    if fmt not in ("md", "html", "pdf"):
        raise InvalidValue(
            E_(
                "'--format' %(fmt)s: --farmer and --summary write a document (md, html or pdf).",
                fmt=fmt,
            ),
            field="format",
            value=fmt,
        )
    coop = ns.coop_name or ("Cooperativa" if ns.lang == "es" else "Co-op")
    if ns.summary:
        return write_document(
            ns,
            out,
            "settlement_summary",
            settlement_summary_context(result, coop_name=coop),
            fmt,
        )
    context = settlement_context(
        result.statement(ns.farmer),
        result,
        farmer_name=ns.farmer_name or ns.farmer,
        coop_name=coop,
    )
    return write_document(ns, out, "settlement", context, fmt)
