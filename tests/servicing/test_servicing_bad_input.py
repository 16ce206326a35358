"""Bad input: clear errors with the field and value, nothing silently dropped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from coopfinance import LoanTerms, Rate
from coopfinance.errors import (
    FloatNotAllowed,
    InvalidEvent,
    InvalidValue,
    ParseError,
    UnknownLoan,
)
from coopfinance.servicing import (
    AllocationStrategy,
    ChargeApplied,
    Disbursement,
    LatePolicy,
    LoanAccount,
    Payment,
    Reschedule,
    Waiver,
    WriteOff,
    accounts_from_csv,
    events_from_csv,
    events_from_json,
)

TERMS = LoanTerms(
    principal="5000", rate=Rate.effective_annual("35%"), installments=3, disbursed="2026-01-15"
)


def _account(*events: Any) -> LoanAccount:
    return LoanAccount(terms=TERMS, events=events)


CASES: list[tuple[str, Callable[[], object], type[Exception], str]] = [
    (
        "payment before disbursement",
        lambda: _account(Payment(date="2026-01-10", amount="100", id="p1")),
        InvalidEvent,
        r"'date' of payment 'p1' must not be before the disbursement on 2026-01-15 "
        r"\(got 2026-01-10\)",
    ),
    (
        "negative amount",
        lambda: Payment(date="2026-02-15", amount="-5", id="p1"),
        InvalidEvent,
        r"'amount' must be positive \(got -5\)",
    ),
    (
        "zero amount",
        lambda: Payment(date="2026-02-15", amount="0", id="p1"),
        InvalidEvent,
        r"'amount' must be positive \(got 0\)",
    ),
    (
        "float amount",
        lambda: Payment(date="2026-02-15", amount=1.5, id="p1"),
        FloatNotAllowed,
        r"'amount' must not be a float \(got 1.5\)",
    ),
    (
        "sub-céntimo amount",
        lambda: _account(Payment(date="2026-02-15", amount="1.005", id="p")),
        InvalidEvent,
        r"'amount' of payment 'p' must be a multiple of 0.01 \(got 1.005\)",
    ),
    (
        "empty id",
        lambda: Payment(date="2026-02-15", amount="1", id=" "),
        InvalidEvent,
        r"'id' must not be empty \(got ' '\)",
    ),
    (
        "bad date",
        lambda: Payment(date="15/02/2026", amount="1", id="p"),
        ParseError,
        r"'date' must be a date such as '2026-01-15' \(got '15/02/2026'\)",
    ),
    (
        "same id, different events",
        lambda: _account(
            Payment(date="2026-02-15", amount="1", id="p"),
            Payment(date="2026-02-16", amount="1", id="p"),
        ),
        InvalidEvent,
        r"two different events have the id 'p'",
    ),
    (
        "charge after write-off",
        lambda: _account(
            WriteOff(date="2026-06-01", id="w"),
            ChargeApplied(date="2026-06-02", amount="10", id="c"),
        ),
        InvalidEvent,
        r"only recoveries and payments may follow the write-off 'w' of 2026-06-01 "
        r"\(got charge 'c' of 2026-06-02\)",
    ),
    (
        "waiver after write-off",
        lambda: _account(
            WriteOff(date="2026-06-01", id="w"),
            Waiver(date="2026-06-03", id="v", component="penalties"),
        ),
        InvalidEvent,
        r"only recoveries and payments may follow the write-off 'w'",
    ),
    (
        "first tranche not on the terms' date",
        lambda: _account(Disbursement(date="2026-01-20", amount="5000", id="d")),
        InvalidEvent,
        r"'date' of the first disbursement 'd' must be the terms' disbursement date "
        r"2026-01-15 \(got 2026-01-20\)",
    ),
    (
        "tranches over the principal",
        lambda: _account(
            Disbursement(date="2026-01-15", amount="3000", id="d1"),
            Disbursement(date="2026-02-01", amount="3000", id="d2"),
        ),
        InvalidEvent,
        r"must add up to at most the principal 5000 \(got 6000\)",
    ),
    (
        "waive principal",
        lambda: Waiver(date="2026-02-15", id="w", component="principal"),
        InvalidEvent,
        r"'component' of a waiver must be interest, fees or penalties",
    ),
    (
        "waive more than due",
        lambda: _account(
            Waiver(date="2026-02-15", id="w", component="interest", amount="500")
        ).state(dt.date(2026, 2, 15)),
        InvalidEvent,
        r"'amount' of waiver 'w' must be at most the interest due on 2026-02-15, "
        r"130.90 \(got 500\)",
    ),
    (
        "state before disbursement",
        lambda: _account().state(dt.date(2026, 1, 1)),
        InvalidValue,
        r"'as_of' must not be before the disbursement on 2026-01-15",
    ),
    (
        "unknown allocation component",
        lambda: AllocationStrategy.parse("interest,capital"),
        InvalidEvent,
        r"'component' must be one of principal, interest, fees, penalties "
        r"\(got 'capital'\)",
    ),
    (
        "allocation missing a component",
        lambda: AllocationStrategy.parse("interest,principal"),
        InvalidValue,
        r"'order' must list each of principal, interest, fees, penalties once",
    ),
    (
        "negative late fee",
        lambda: LatePolicy(late_fee="-1"),
        InvalidValue,
        r"'late_fee' must not be negative \(got -1\)",
    ),
    (
        "negative grace days",
        lambda: LatePolicy(grace_days=-2),
        InvalidValue,
        r"'grace_days' must be at least 0 \(got -2\)",
    ),
    (
        "tranche after maturity",
        lambda: _account(
            Disbursement(date="2026-01-15", amount="4000", id="d1"),
            Disbursement(date="2026-05-01", amount="1000", id="d2"),
        ).state(dt.date(2026, 5, 1)),
        InvalidEvent,
        r"no installment falls due after 2026-05-01",
    ),
    (
        "reschedule with a first due date before the reschedule",
        lambda: _account(
            Reschedule(
                date="2026-03-01",
                id="r",
                terms=TERMS.evolve(installments=6, first_due="2026-02-20"),
            )
        ).state(dt.date(2026, 3, 1)),
        InvalidEvent,
        r"reschedule 'r': 'first_due' must be after the disbursement date 2026-03-01",
    ),
    (
        "CSV: unknown event type on line 3",
        lambda: events_from_csv(
            "type,date,id,amount\npayment,2026-02-15,p1,10\nrefund,2026-02-16,x,1\n"
        ),
        ParseError,
        r"line 3: 'type' must be one of disbursement, payment",
    ),
    (
        "CSV: negative amount on line 2",
        lambda: events_from_csv("type,date,id,amount\npayment,2026-02-15,p1,-10\n"),
        InvalidEvent,
        r"line 2: 'amount' must be positive \(got -10\)",
    ),
    (
        "CSV: missing amount",
        lambda: events_from_csv("type,date,id,amount\npayment,2026-02-15,p1,\n"),
        ParseError,
        r"line 2: a payment event needs 'amount'",
    ),
    (
        "CSV: unknown column",
        lambda: events_from_csv("type,date,id,monto\n"),
        ParseError,
        r"line 1: the events CSV header has an unknown column 'monto'",
    ),
    (
        "CSV: extra cells",
        lambda: events_from_csv("type,date,id,amount\npayment,2026-02-15,p1,10,20\n"),
        ParseError,
        r"line 2: more cells than columns",
    ),
    (
        "portfolio: unknown loan id",
        lambda: accounts_from_csv(
            {"L1": TERMS},
            "loan_id,type,date,id,amount\nL1,payment,2026-02-15,p1,10\n"
            "L9,payment,2026-02-15,p2,10\n",
        ),
        UnknownLoan,
        r"line 3: 'loan_id' 'L9' has no loan terms \(known: L1\)",
    ),
    (
        "portfolio: payment before disbursement names the loan",
        lambda: accounts_from_csv(
            {"L1": TERMS}, "loan_id,type,date,id,amount\nL1,payment,2026-01-02,p1,10\n"
        ),
        InvalidEvent,
        r"loan 'L1': 'date' of payment 'p1' must not be before",
    ),
    (
        "JSON: bad event position",
        lambda: events_from_json(
            '[{"type": "payment", "date": "2026-02-15", "id": "p", '
            '"amount": "1"}, {"type": "payment", "id": "q", "amount": "1"}]'
        ),
        ParseError,
        r"event 2: a payment event needs 'date'",
    ),
    (
        "JSON: unknown field",
        lambda: events_from_json(
            '[{"type": "write-off", "date": "2026-02-15", "id": "w", "amount": "1"}]'
        ),
        ParseError,
        r"event 1: 'amount' is not a field of a write-off event",
    ),
    ("JSON: not JSON", lambda: events_from_json("[{"), ParseError, r"'events' must be JSON"),
]


@pytest.mark.parametrize(
    ("make", "error", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_is_refused_with_a_clear_message(
    make: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        make()


def test_a_payment_after_a_write_off_is_a_recovery_not_an_error() -> None:
    state = _account(
        WriteOff(date="2026-06-01", id="w"), Payment(date="2026-07-01", amount="100", id="p")
    ).state(dt.date(2026, 7, 1))
    assert state.recovered == 100
    assert state.allocations[-1].source == "recovery"


def test_a_reschedule_on_the_write_off_date_comes_first() -> None:
    """Same-day rule: reschedule ranks before write-off, so this is not an error."""
    state = _account(
        WriteOff(date="2026-06-01", id="w"),
        Reschedule(date="2026-06-01", id="r", terms=TERMS.evolve(installments=6)),
    ).state(dt.date(2026, 6, 1))
    assert state.written_off.principal > 5000  # the rescheduled balance, interest capitalized


def test_the_same_event_twice_is_applied_once() -> None:
    p = Payment(date="2026-02-15", amount="1751.80", id="p1")
    once = _account(p).state(dt.date(2026, 3, 1))
    assert _account(p, p).state(dt.date(2026, 3, 1)) == once
    assert len(once.allocations) == 1
