"""``coopfinance settle``: a period's milk settlement with check-off deductions (liquidación), as a
table, JSON, a farmer's statement or the co-op's summary."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from coopfinance.cli._options import (
    add_lang,
    add_output,
    add_templates,
    output_format,
    write_document,
)
from coopfinance.errors import InvalidValue

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
        ".xlsx needs openpyxl (coopfinance[xlsx])",
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
    p.add_argument("--format", default="table", choices=("table", "json"), help="output format")
    g = p.add_argument_group(
        "documents (the format follows the extension of -o: .md, .html or .pdf; Markdown on "
        "standard output without -o)"
    )
    g.add_argument(
        "--farmer", default=None, metavar="ID", help="write this farmer's statement (liquidación)"
    )
    g.add_argument(
        "--summary", action="store_true", help="write the co-op's period summary, reconciled"
    )
    g.add_argument("--farmer-name", default=None, help="the farmer's name (default: the ID)")
    g.add_argument("--coop-name", default=None, help="the co-op's name on the document")
    add_lang(g, default="es", help="language (default es)")
    add_templates(g)
    add_output(g, help="FILE.md, FILE.html or FILE.pdf", metavar="FILE")
    p.set_defaults(handler=_settle)


def _settle(ns: argparse.Namespace, out: TextIO) -> int:
    from coopfinance.dairy import (
        Deliveries,
        MilkPriceSchedule,
        Period,
        SettlementPolicy,
        obligations_from_file,
        settle,
    )

    period = Period.parse(ns.period)
    strict = None if ns.select_period else period
    try:
        if str(ns.deliveries).lower().endswith(".xlsx"):
            deliveries = Deliveries.from_xlsx(ns.deliveries, period=strict)
        else:
            deliveries = Deliveries.from_file(ns.deliveries, period=strict)
        prices = MilkPriceSchedule.from_file(ns.prices)
        obligations = obligations_from_file(ns.obligations) if ns.obligations else ()
    except OSError as exc:
        raise InvalidValue(
            f"cannot read {exc.filename!r}: {exc.strerror}.", field="file", value=exc.filename
        ) from None
    if ns.select_period:
        kept = deliveries.within(period)
        due = [ob for ob in obligations if ob.due is None or period.contains(ob.due)]
        sys.stderr.write(
            f"{period}: kept {len(kept)} of {len(deliveries)} deliveries and {len(due)} of "
            f"{len(obligations)} obligations; the others fall outside the period\n"
        )
        deliveries, obligations = kept, tuple(due)
    policy = SettlementPolicy(
        caps=SettlementPolicy().caps if ns.loan_cap is None else {"loan-installment": ns.loan_cap},
        floor_share=ns.floor_share,
        floor_price_per_litre=ns.floor_price,
    )
    result = settle(deliveries, prices, period, obligations, policy)
    if ns.farmer is not None or ns.summary:
        return _document(ns, out, result)
    if ns.format == "json":
        out.write(json.dumps(result.to_dict(), indent=2) + "\n")
        return 0
    from coopfinance.documents import render

    out.write(render("settlement_table", {"result": result}, lang="en", fmt="txt"))
    return 0


def _document(ns: argparse.Namespace, out: TextIO, result: Any) -> int:
    """``--farmer ID`` (the farmer's statement) or ``--summary`` (the co-op's), as md/html/pdf."""
    from coopfinance.documents import settlement_context, settlement_summary_context

    if ns.farmer is not None and ns.summary:
        raise InvalidValue(
            "'--farmer' and '--summary' make different documents; give one of them.",
            field="farmer",
            value=ns.farmer,
        )
    fmt = output_format(ns)
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
