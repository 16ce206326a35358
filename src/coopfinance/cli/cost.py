"""``coopfinance cost``: a loan's cost of credit (TEA, TCEA, APR, APRC, EIR and totals) or its
key-facts sheet (hoja resumen)."""

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
    csv_text,
    emit,
    loan_terms,
    write_document,
)

__all__ = ["register"]

_INCLUDES = ("tcea", "apr", "aprc", "eir")  # the figures whose charges can be chosen


def register(subparsers: Any) -> None:
    """Add ``cost``."""
    c = subparsers.add_parser(
        "cost",
        help="print a loan's cost of credit: TEA, TCEA, APR, APRC, EIR and totals",
        description="Print the cost-of-credit figures of a loan, with what each one includes.",
    )
    add_loan_options(c)
    for figure in _INCLUDES:
        c.add_argument(
            f"--{figure}-includes",
            default=None,
            metavar="LIST",
            help=f"charges the {figure.upper()} counts: comma-separated fees,insurance,taxes "
            "(empty for none; default per regulator)",
        )
    add_format(
        c,
        ("table", "csv", "json", *DOCUMENT_FORMATS),
        default="table",
        help="output format; md, html and pdf give the key-facts sheet (hoja resumen)",
    )
    add_lang(c, help="language of the table and documents")
    add_document_options(c, key_facts=True)
    c.set_defaults(handler=_cost)


def _cost(ns: argparse.Namespace, out: TextIO) -> int:
    from coopfinance.cost import cost_of_credit

    terms = loan_terms(ns)
    includes: dict[str, Any] = {}
    for figure in _INCLUDES:
        value = getattr(ns, f"{figure}_includes")
        includes[f"{figure}_includes"] = (
            None if value is None else [v.strip() for v in value.split(",") if v.strip()]
        )
    cost = cost_of_credit(terms, **includes)
    fmt = chosen_format(ns)
    if fmt in DOCUMENT_FORMATS:
        from coopfinance.documents import KeyFacts, key_facts_context

        facts = KeyFacts.from_loan(
            terms,
            borrower=ns.borrower,
            lender=ns.lender,
            product=ns.product,
            moratorium_rate=ns.moratorium_rate,
            late_fee=ns.late_fee,
        )
        return write_document(ns, out, "key_facts", key_facts_context(facts), fmt)
    data = cost.to_dict()
    if fmt == "json":
        return emit(ns, out, json.dumps(data, indent=2) + "\n")
    if fmt == "csv":
        rows = [(k, json.dumps(v) if isinstance(v, dict | list) else v) for k, v in data.items()]
        return emit(ns, out, csv_text(("figure", "value"), rows))
    from coopfinance.documents import render

    context = {"cost": cost, "currency": terms.principal.currency}
    return emit(ns, out, render("cost", context, lang=ns.lang, fmt="txt"))
