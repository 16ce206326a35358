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
    choices,
    chosen_format,
    csv_text,
    emit,
    loan_terms,
    write_document,
)
from coopfinance.cost import TimeBasis
from coopfinance.servicing import LateFeeBasis

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
    c.add_argument(
        "--time-basis",
        default="calendar",
        choices=choices(TimeBasis),
        help="how the APRC measures time: calendar days, the EU 'equal-months' basis, or act/365",
    )
    c.add_argument(
        "--equal-last",
        action="store_true",
        help="take the last installment equal to the others in the APRC (representative examples)",
    )
    c.add_argument(
        "--late-fee-basis",
        default=None,
        choices=choices(LateFeeBasis),
        help="key-facts sheet: what a percentage --late-fee (e.g. 5%%) is of",
    )
    c.add_argument(
        "--late-fee-every",
        type=int,
        default=None,
        metavar="DAYS",
        help="key-facts sheet: the late fee is charged again for every started DAYS of delay",
    )
    c.add_argument("--late-fee-cap", default=None, help="key-facts sheet: most late fee per cuota")
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
    cost = cost_of_credit(terms, **includes, time_basis=ns.time_basis, equal_last=ns.equal_last)
    fmt = chosen_format(ns)
    if fmt in DOCUMENT_FORMATS:
        from coopfinance.documents import KeyFacts, key_facts_context

        detailed = (ns.late_fee_basis, ns.late_fee_every, ns.late_fee_cap) != (None, None, None)
        if detailed:  # the sheet states the account's late policy, percentage fee included
            from coopfinance.servicing import LatePolicy

            policy: dict[str, Any] = {
                "late_fee": ns.late_fee or "0",
                "late_fee_basis": ns.late_fee_basis,
                "late_fee_every": ns.late_fee_every,
                "late_fee_cap": ns.late_fee_cap,
            }
            if ns.moratorium_rate is not None:
                policy["moratorium"] = ns.moratorium_rate
            facts = KeyFacts.from_loan(
                terms,
                borrower=ns.borrower,
                lender=ns.lender,
                product=ns.product,
                late=LatePolicy(**policy),
            )
        else:
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
