"""``coopfinance statement``: a loan's account statement (estado de cuenta) from its terms and
events."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from coopfinance import LoanTerms
from coopfinance._fields import to_date
from coopfinance._files import read_text
from coopfinance.cli._options import (
    DOCUMENT_FORMATS,
    add_document_options,
    add_lang,
    choices,
    read_terms_file,
    write_document,
)
from coopfinance.errors import ParseError
from coopfinance.servicing import LateBase, Overpayment

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add ``statement``."""
    p = subparsers.add_parser(
        "statement",
        help="print a loan's account statement (estado de cuenta) from its terms and events",
        description="Replay a loan's events on its terms and print the statement as of a date.",
    )
    p.add_argument(
        "--terms",
        required=True,
        help="loan terms as a JSON object, or a .toml file (LoanTerms keys)",
    )
    p.add_argument("--events", required=True, help="events file: .json, or CSV otherwise")
    p.add_argument("--as-of", required=True, help="statement date, YYYY-MM-DD")
    p.add_argument("--id", default="", help="account id shown on the statement")
    p.add_argument(
        "--allocation",
        default="default",
        help="payment allocation: default, interest-principal or a component list, with an "
        "optional :vertical (default: penalties,fees,interest,principal horizontal)",
    )
    p.add_argument(
        "--overpayment",
        default="next-installments",
        choices=choices(Overpayment),
        help="what money beyond what is due does (default next-installments)",
    )
    p.add_argument("--moratorium", default="19%", help="moratorium TEA, or none (default 19%%)")
    p.add_argument(
        "--late-base",
        default="principal",
        choices=choices(LateBase),
        help="what moratorium interest is charged on (default principal)",
    )
    p.add_argument("--late-fee", default="0", help="fixed fee per late installment (default 0)")
    p.add_argument("--grace-days", type=int, default=0, help="days before lateness costs (0)")
    p.add_argument(
        "--format",
        default="text",
        choices=("text", "json", *DOCUMENT_FORMATS),
        help="output format; md, html and pdf give the printable statement",
    )
    add_lang(p, default="en", help="statement language")
    add_document_options(p)
    p.set_defaults(handler=_statement)


def _statement(ns: argparse.Namespace, out: TextIO) -> int:
    from coopfinance.servicing import (
        LatePolicy,
        LoanAccount,
        events_from_csv,
        events_from_json,
        statement,
    )

    terms = LoanTerms.from_dict(read_terms_file(ns.terms))
    text = read_text(ns.events, field="events", error=ParseError)
    events = (
        events_from_json(text) if ns.events.lower().endswith(".json") else events_from_csv(text)
    )
    as_of = to_date(ns.as_of, field="as_of", error=ParseError)
    late = LatePolicy(
        moratorium=None if ns.moratorium.strip().lower() == "none" else ns.moratorium,
        base=ns.late_base,
        late_fee=ns.late_fee,
        grace_days=ns.grace_days,
    )
    account = LoanAccount(
        terms=terms,
        events=events,
        id=ns.id,
        allocation=ns.allocation,
        overpayment=ns.overpayment,
        late=late,
    )
    result = statement(account, as_of)
    if ns.format in DOCUMENT_FORMATS:
        from coopfinance.documents import statement_context

        context = statement_context(result, borrower=ns.borrower, lender=ns.lender, lang=ns.lang)
        return write_document(ns, out, "statement", context, ns.format)
    if ns.format == "json":
        out.write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        from coopfinance.documents import statement_text

        out.write(statement_text(result, lang=ns.lang) + "\n")
    return 0
