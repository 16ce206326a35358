"""``coopfinance schedule``: a loan's repayment schedule (cronograma) as a table, CSV, JSON or a
document."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from coopfinance.cli._options import (
    DOCUMENT_FORMATS,
    add_document_options,
    add_lang,
    add_loan_options,
    loan_terms,
    write_document,
)

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add ``schedule``."""
    p = subparsers.add_parser(
        "schedule",
        help="print a loan's repayment schedule (cronograma)",
        description="Print the repayment schedule of a loan.",
    )
    add_loan_options(p)
    p.add_argument(
        "--format",
        default="table",
        choices=("table", "csv", "json", *DOCUMENT_FORMATS),
        help="output format",
    )
    add_lang(p, default="en", help="language of the table headers and documents")
    add_document_options(p)
    p.set_defaults(handler=_schedule)


def _schedule(ns: argparse.Namespace, out: TextIO) -> int:
    terms = loan_terms(ns)
    schedule = terms.schedule()
    if ns.format in DOCUMENT_FORMATS:
        from coopfinance.documents import rate_label, schedule_context

        context = schedule_context(
            schedule,
            borrower=ns.borrower,
            lender=ns.lender,
            rate_label=rate_label(terms.rate, ns.lang),
        )
        return write_document(ns, out, "schedule", context, ns.format)
    if ns.format == "json":
        out.write(schedule.to_json() + "\n")
    elif ns.format == "csv":
        out.write(schedule.to_csv())
    else:
        from coopfinance.documents import schedule_text

        out.write(schedule_text(schedule, lang=ns.lang, terms=terms) + "\n")
    return 0
