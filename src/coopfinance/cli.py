"""The ``coopfinance`` command: argv → domain values → library → output. The only module that prints.

Domain errors print ``Error: …`` on stderr and exit 1; usage errors exit 2 (argparse).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TextIO

from coopfinance.__about__ import __version__
from coopfinance._interchange import terms_from_mapping
from coopfinance.errors import CoopFinanceError

__all__ = ["main", "run"]

_FORMATS = ("table", "csv", "json")


def _add_loan_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("loan")
    g.add_argument("--principal", required=True, help="amount lent, e.g. 5000 or 'S/ 5,000'")
    g.add_argument("--currency", default=None, help="ISO 4217 code (default PEN)")
    g.add_argument("--rate", required=True, help="rate as '35%%' or '0.35'")
    g.add_argument(
        "--rate-type",
        default="effective-annual",
        choices=[
            "effective-annual",
            "nominal-annual",
            "effective-monthly",
            "effective-daily",
            "flat-monthly",
            "flat-annual",
        ],
        help="how the rate is quoted (default effective-annual, Peru's TEA)",
    )
    g.add_argument(
        "--installments",
        type=int,
        default=None,
        help="number of installments, grace periods included",
    )
    g.add_argument(
        "--frequency",
        default="monthly",
        help="weekly|biweekly|semimonthly|monthly|bimonthly|quarterly|semiannual|"
        "annual|<N>d (default monthly)",
    )
    g.add_argument("--disbursed", required=True, help="disbursement date, YYYY-MM-DD")
    g.add_argument("--first-due", default=None, help="first due date, YYYY-MM-DD")
    g.add_argument(
        "--due-dates",
        default=None,
        help="explicit due dates, comma-separated YYYY-MM-DD (replaces --frequency)",
    )
    g.add_argument(
        "--method",
        default=None,
        choices=["level", "constant-principal", "flat", "bullet", "interest-only", "weighted"],
        help="amortization (default level; flat for a flat rate)",
    )
    g.add_argument(
        "--weights",
        default=None,
        help="weighted method: one positive weight per installment after grace, comma-separated",
    )
    g.add_argument(
        "--day-count",
        default=None,
        choices=["act/360", "act/365", "act/act", "30/360", "30e/360", "per-period"],
        help="day count (default act/360; per-period for flat rates)",
    )
    g.add_argument("--grace", type=int, default=0, help="grace periods (default 0)")
    g.add_argument(
        "--grace-type",
        default="capitalize",
        choices=["capitalize", "pay-interest", "waive"],
        help="interest during grace (default capitalize)",
    )
    g.add_argument(
        "--rounding",
        default="half-up",
        choices=["half-up", "half-even"],
        help="rounding mode (default half-up)",
    )
    g.add_argument(
        "--rounding-unit",
        default=None,
        help="round every amount to a multiple of this (default: the currency's minor unit)",
    )
    g.add_argument(
        "--multiple",
        default=None,
        help="round the installment to a multiple of this step, e.g. 0.10 or 1",
    )
    g.add_argument(
        "--holidays",
        default="none",
        help="PE (Peru's public holidays; due dates roll to the next business day) or "
        "none (default)",
    )
    g.add_argument(
        "--charge",
        action="append",
        default=[],
        metavar="KIND:VALUE[:OPTION]",
        help="a charge, repeatable: upfront:1%%:withheld, upfront:100:financed, "
        "installment:10.00, installment:1%%:principal, insurance:0.10%%:balance, "
        "insurance:0.0675%%:original, tax:0.005%% (see docs/charges.md)",
    )
    g.add_argument("--down-payment", default=None, help="share due at disbursement, e.g. 25%%")
    g.add_argument(
        "--level-includes-insurance",
        action="store_true",
        help="keep principal + interest + insurance on the balance level",
    )
    g.add_argument(
        "--business-day",
        default=None,
        choices=["none", "following", "modified-following", "preceding"],
        help="rolling rule with --holidays (default following)",
    )


def _terms_mapping(ns: argparse.Namespace) -> dict[str, Any]:
    holidays = ns.holidays
    business_day = ns.business_day
    if holidays.strip().lower() == "none" and business_day is None:
        business_day = "none"
    return {
        "principal": ns.principal,
        "currency": ns.currency,
        "rate": ns.rate,
        "rate_type": ns.rate_type,
        "disbursed": ns.disbursed,
        "installments": ns.installments,
        "frequency": ns.frequency if ns.due_dates is None else None,
        "first_due": ns.first_due,
        "due_dates": ns.due_dates,
        "amortization": ns.method,
        "weights": ns.weights,
        "day_count": ns.day_count,
        "grace": ns.grace,
        "grace_type": ns.grace_type,
        "rounding": ns.rounding,
        "rounding_unit": ns.rounding_unit,
        "installment_multiple": ns.multiple,
        "business_day": business_day,
        "holidays": holidays if holidays.strip().lower() != "none" else "none",
        "charges": ns.charge,
        "down_payment": ns.down_payment,
        "level_includes_insurance": ns.level_includes_insurance,
    }


def _cmd_schedule(ns: argparse.Namespace, out: TextIO) -> int:
    terms = terms_from_mapping(_terms_mapping(ns))
    schedule = terms.schedule()
    if ns.format == "json":
        out.write(schedule.to_json() + "\n")
    elif ns.format == "csv":
        out.write(schedule.to_csv())
    else:
        out.write(
            f"{terms.principal} · {terms.rate} · {terms.day_count.value} · "
            f"{terms.amortization.value}\n"
        )
        out.write(schedule.to_table(ns.lang) + "\n")
    return 0


_FIGURES = ("tea", "tcea", "apr", "aprc", "eir")


def _cmd_cost(ns: argparse.Namespace, out: TextIO) -> int:
    from coopfinance.cost import cost_of_credit

    terms = terms_from_mapping(_terms_mapping(ns))
    includes = {}
    for figure in ("tcea", "apr", "aprc", "eir"):
        value = getattr(ns, f"{figure}_includes")
        includes[f"{figure}_includes"] = (
            None if value is None else [v.strip() for v in value.split(",") if v.strip()]
        )
    cost = cost_of_credit(terms, **includes)
    if ns.format == "json":
        out.write(json.dumps(cost.to_dict(), indent=2) + "\n")
        return 0
    money = terms.principal.currency.symbol
    names = {"tea": "TEA", "tcea": "TCEA", "apr": "APR (US)", "aprc": "APRC (EU)", "eir": "EIR"}
    for figure in _FIGURES:
        rate = getattr(cost, figure)
        shown = (rate * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
        included = cost.includes.get(figure)
        note = "" if included is None else f"  (includes: {', '.join(included) or 'no charges'})"
        out.write(f"{names[figure]:<10} {shown:>9} %{note}\n")
    for label, amount in (
        ("amount received", cost.net_disbursement),
        ("total interest", cost.total_interest),
        ("total fees", cost.total_fees),
        ("total insurance", cost.total_insurance),
        ("total taxes", cost.total_taxes),
        ("total to pay", cost.total_to_pay),
    ):
        out.write(f"{label:<16} {money} {amount:>12,.{terms.principal.currency.minor_unit}f}\n")
    return 0


# -- statement (loan servicing) -------------------------------------------------------------------
def _read_text(path: str, field: str) -> str:
    from coopfinance.errors import ParseError

    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError as exc:
        raise ParseError(
            f"{field!r} file cannot be read ({exc.strerror}): {path!r}.", field=field, value=path
        ) from None


def _cmd_statement(ns: argparse.Namespace, out: TextIO) -> int:
    import datetime as dt

    from coopfinance.errors import ParseError
    from coopfinance.servicing import (
        LatePolicy,
        LoanAccount,
        events_from_csv,
        events_from_json,
        statement,
    )

    try:
        terms_data = json.loads(_read_text(ns.terms, "terms"))
    except json.JSONDecodeError as exc:
        raise ParseError(
            f"'terms' must be a JSON object ({exc.msg} at line {exc.lineno}).",
            field="terms",
            value=ns.terms,
        ) from None
    if not isinstance(terms_data, dict):
        raise ParseError("'terms' must be a JSON object.", field="terms", value=ns.terms)
    terms = terms_from_mapping(terms_data)
    text = _read_text(ns.events, "events")
    events = (
        events_from_json(text) if ns.events.lower().endswith(".json") else events_from_csv(text)
    )
    try:
        as_of = dt.date.fromisoformat(ns.as_of)
    except ValueError:
        raise ParseError(
            f"'as_of' must be a date such as '2026-01-15' (got {ns.as_of!r}).",
            field="as_of",
            value=ns.as_of,
        ) from None
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
    if ns.format == "json":
        out.write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(result.to_text(ns.lang) + "\n")
    return 0


def _add_statement_parser(sub: Any) -> None:
    p = sub.add_parser(
        "statement",
        help="print a loan's account statement (estado de cuenta) from its terms and events",
        description="Replay a loan's events on its terms and print the statement as of a date.",
    )
    p.add_argument("--terms", required=True, help="loan terms as a JSON object (LoanTerms keys)")
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
        choices=["next-installments", "reduce-installment", "reduce-term"],
        help="what money beyond what is due does (default next-installments)",
    )
    p.add_argument("--moratorium", default="19%", help="moratorium TEA, or none (default 19%%)")
    p.add_argument(
        "--late-base",
        default="principal",
        choices=["principal", "installment"],
        help="what moratorium interest is charged on (default principal)",
    )
    p.add_argument("--late-fee", default="0", help="fixed fee per late installment (default 0)")
    p.add_argument("--grace-days", type=int, default=0, help="days before lateness costs (0)")
    p.add_argument("--format", default="text", choices=("text", "json"), help="output format")
    p.add_argument("--lang", default="en", choices=["en", "es"], help="statement language")
    p.set_defaults(handler=_cmd_statement)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``coopfinance`` command."""
    parser = argparse.ArgumentParser(
        prog="coopfinance",
        description="Exact loan schedules and cost of credit for dairy cooperatives.",
    )
    parser.add_argument("--version", action="version", version=f"coopfinance {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser(
        "schedule",
        help="print a loan's repayment schedule (cronograma)",
        description="Print the repayment schedule of a loan.",
    )
    _add_loan_options(p)
    p.add_argument("--format", default="table", choices=_FORMATS, help="output format")
    p.add_argument("--lang", default="en", choices=["en", "es"], help="table headers language")
    p.set_defaults(handler=_cmd_schedule)
    c = sub.add_parser(
        "cost",
        help="print a loan's cost of credit: TEA, TCEA, APR, APRC, EIR and totals",
        description="Print the cost-of-credit figures of a loan, with what each one includes.",
    )
    _add_loan_options(c)
    for figure in ("tcea", "apr", "aprc", "eir"):
        c.add_argument(
            f"--{figure}-includes",
            default=None,
            metavar="LIST",
            help=f"charges the {figure.upper()} counts: comma-separated fees,insurance,taxes "
            "(empty for none; default per regulator)",
        )
    c.add_argument("--format", default="table", choices=("table", "json"), help="output format")
    c.set_defaults(handler=_cmd_cost)
    _add_statement_parser(sub)
    return parser


def main(
    argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the command line with ``argv``; return the exit code (0 ok, 1 domain error, 2 usage)."""
    stdout = out if out is not None else sys.stdout
    stderr = err if err is not None else sys.stderr
    parser = build_parser()
    try:
        ns = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:  # argparse: usage errors exit 2, --help/--version exit 0
        return int(exc.code) if isinstance(exc.code, int) else 2
    try:
        handler: Any = ns.handler
        return int(handler(ns, stdout))
    except CoopFinanceError as exc:
        stderr.write(f"Error: {exc}\n")
        return 1


def run() -> None:  # pragma: no cover - the console-script entry point
    """Entry point of the ``coopfinance`` console script."""
    raise SystemExit(main())
