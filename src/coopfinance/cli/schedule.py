"""``coopfinance schedule``: a loan's repayment schedule (cronograma) as a table, CSV, JSON, the
loan's terms, or a document."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from coopfinance.cli._options import (
    DOCUMENT_FORMATS,
    add_document_options,
    add_format,
    add_lang,
    add_loan_options,
    chosen_format,
    emit,
    loan_terms,
    write_document,
)

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add ``schedule``."""
    p = subparsers.add_parser(
        "schedule",
        help="print a loan's repayment schedule (cronograma)",
        description="Print the repayment schedule of a loan. What --format json prints (or "
        "--format terms, the inputs alone) can be given back as --terms.",
    )
    add_loan_options(p)
    add_format(
        p,
        ("table", "csv", "json", "terms", *DOCUMENT_FORMATS),
        default="table",
        help="output format (terms: the loan's inputs as JSON, for --terms)",
    )
    add_lang(p, help="language of the table headers and documents")
    add_document_options(p)
    p.set_defaults(handler=_schedule)


def _schedule(ns: argparse.Namespace, out: TextIO) -> int:
    terms = loan_terms(ns)
    fmt = chosen_format(ns)
    if fmt == "terms":
        return emit(ns, out, json.dumps(terms.to_dict(), indent=2, ensure_ascii=False) + "\n")
    schedule = terms.schedule()
    if fmt in DOCUMENT_FORMATS:
        from coopfinance.documents import rate_label, schedule_context

        context = schedule_context(
            schedule,
            borrower=ns.borrower,
            lender=ns.lender,
            rate_label=rate_label(terms.rate, ns.lang),
        )
        return write_document(ns, out, "schedule", context, fmt)
    if fmt == "json":
        data = json.loads(schedule.to_json())
        data["terms"] = terms.to_dict()  # so that the output can be given back as --terms
        return emit(ns, out, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    if fmt == "csv":
        return emit(ns, out, schedule.to_csv())
    from coopfinance.documents import schedule_text

    return emit(ns, out, schedule_text(schedule, lang=ns.lang, terms=terms) + "\n")
