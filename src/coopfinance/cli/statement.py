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
    add_format,
    add_lang,
    choices,
    chosen_format,
    csv_text,
    emit,
    input_path,
    read_terms_file,
    write_document,
)
from coopfinance.errors import ParseError
from coopfinance.servicing import (
    GraceDays,
    InterestMethod,
    LateBase,
    LateFeeBasis,
    Overpayment,
    Proration,
)

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
        help="loan terms: a .json or .toml file (LoanTerms keys; what `schedule --format json` "
        "prints too); '-' reads standard input",
    )
    p.add_argument(
        "--events", required=True, help="events file: .json, or CSV otherwise ('-': stdin, CSV)"
    )
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
        default="installment",
        choices=choices(LateBase),
        help="what moratorium interest is charged on (default installment, as Peruvian sheets)",
    )
    p.add_argument(
        "--no-compensatory",
        action="store_true",
        help="no compensatory interest at the contract rate on overdue amounts (default: charged)",
    )
    p.add_argument(
        "--late-fee",
        default="0",
        help="late fee per overdue installment: an amount (S/ 10) or a percentage (5%%) (default 0)",
    )
    p.add_argument(
        "--late-fee-basis",
        default=None,
        choices=choices(LateFeeBasis),
        help="what a percentage late fee is of (default installment)",
    )
    p.add_argument(
        "--late-fee-every",
        type=int,
        default=None,
        metavar="DAYS",
        help="charge the late fee again for every started DAYS of delay (default once)",
    )
    p.add_argument("--late-fee-cap", default=None, help="most late fee per installment")
    p.add_argument("--grace-days", type=int, default=0, help="days before lateness costs (0)")
    p.add_argument(
        "--grace-kind",
        default="tolerance",
        choices=choices(GraceDays),
        help="tolerance: nothing if paid within the grace days, else every day; franchise: only "
        "the days beyond them (default tolerance)",
    )
    p.add_argument(
        "--interest",
        default="schedule",
        choices=choices(InterestMethod),
        help="interest as the schedule fixed it, or on the actual balance by the days elapsed",
    )
    p.add_argument(
        "--proration",
        default=None,
        choices=choices(Proration),
        help="payoff interest: accrual by the day count, or the period's interest × days elapsed "
        "÷ days in the period (default per rate: accrual for TEA, period share for flat)",
    )
    add_format(
        p,
        ("text", "csv", "json", *DOCUMENT_FORMATS),
        default="text",
        help="output format; md, html and pdf give the printable statement; csv its lines",
    )
    add_lang(p, help="statement language")
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

    fmt = chosen_format(ns)
    terms = LoanTerms.from_dict(read_terms_file(ns.terms, ns))
    events_path = input_path(ns, ns.events, suffix=".csv")
    text = read_text(events_path, field="events", error=ParseError)
    events = (
        events_from_json(text) if ns.events.lower().endswith(".json") else events_from_csv(text)
    )
    as_of = to_date(ns.as_of, field="as_of", error=ParseError)
    late = LatePolicy(
        moratorium=None if ns.moratorium.strip().lower() == "none" else ns.moratorium,
        base=ns.late_base,
        compensatory=not ns.no_compensatory,
        late_fee=ns.late_fee,
        late_fee_basis=ns.late_fee_basis,
        late_fee_every=ns.late_fee_every,
        late_fee_cap=ns.late_fee_cap,
        grace_days=ns.grace_days,
        grace_kind=ns.grace_kind,
    )
    account = LoanAccount(
        terms=terms,
        events=events,
        id=ns.id,
        allocation=ns.allocation,
        overpayment=ns.overpayment,
        late=late,
        interest=ns.interest,
        proration=ns.proration,
    )
    result = statement(account, as_of)
    if fmt in DOCUMENT_FORMATS:
        from coopfinance.documents import statement_context

        context = statement_context(result, borrower=ns.borrower, lender=ns.lender, lang=ns.lang)
        return write_document(ns, out, "statement", context, fmt)
    data = result.to_dict()
    if fmt == "json":
        return emit(ns, out, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    if fmt == "csv":
        return emit(ns, out, _csv(data))
    from coopfinance.documents import statement_text

    return emit(ns, out, statement_text(result, lang=ns.lang) + "\n")


def _csv(data: dict[str, Any]) -> str:
    """The statement's lines (the first list of tables in its data) as CSV, formula-safe."""
    for key in ("lines", "installments", "rows", "events"):
        rows = data.get(key)
        if isinstance(rows, list) and rows and isinstance(rows[0], dict):
            header = list(rows[0])
            return csv_text(header, ([_cell(r.get(h)) for h in header] for r in rows))
    scalars = [(k, _cell(v)) for k, v in data.items()]
    return csv_text(("field", "value"), scalars)


def _cell(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
