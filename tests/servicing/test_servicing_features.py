"""Servicing features one by one: allocation orders, credit, late policy, charges, waivers,
tranches, rescheduling, write-off and recovery."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from coopfinance import LoanTerms, Rate
from coopfinance.servicing import (
    AccountStatus,
    AllocationStrategy,
    ChargeApplied,
    Disbursement,
    ItemKind,
    LatePolicy,
    LoanAccount,
    Overpayment,
    Payment,
    Recovery,
    Reschedule,
    Waiver,
    WriteOff,
)

D = Decimal
TERMS = LoanTerms(
    principal="5000", rate=Rate.effective_annual("35%"), installments=3, disbursed="2026-01-15"
)
# rows: 1 2026-02-15 1,620.90 + 130.90; 2 2026-03-15 1,672.00 + 79.80; 3 2026-04-15 1,707.10 + 44.69


def test_horizontal_pays_the_oldest_installment_first_vertical_all_interest_first() -> None:
    events = [Payment(date="2026-03-20", amount="300", id="p")]
    late = LatePolicy.none()
    h = LoanAccount(terms=TERMS, events=events, late=late).state(dt.date(2026, 3, 20))
    v = LoanAccount(
        terms=TERMS, events=events, late=late, allocation=AllocationStrategy(vertical=True)
    ).state(dt.date(2026, 3, 20))
    assert h.allocations[0].applied.interest == D("130.90")
    assert h.allocations[0].applied.principal == D("169.10")
    assert v.allocations[0].applied.interest == D("210.70")  # both installments' interest
    assert v.allocations[0].applied.principal == D("89.30")


def test_interest_principal_order_leaves_penalties_for_last() -> None:
    events = [Payment(date="2026-03-01", amount="1751.80", id="p")]
    light = LatePolicy.light()  # no late compensatory interest, so the payment covers the cuota
    default = LoanAccount(terms=TERMS, events=events, late=light).state(dt.date(2026, 3, 1))
    ip = LoanAccount(terms=TERMS, events=events, allocation="interest-principal", late=light).state(
        dt.date(2026, 3, 1)
    )
    assert default.allocations[0].applied.penalties > 0
    assert ip.allocations[0].applied.penalties == 0
    assert ip.principal_overdue == 0 < ip.penalties_due


def test_an_advance_is_held_and_applied_on_the_next_due_date() -> None:
    account = LoanAccount(terms=TERMS, events=[Payment(date="2026-02-15", amount="2000", id="p")])
    before = account.state(dt.date(2026, 3, 14))
    assert before.credit == D("248.20")
    after = account.state(dt.date(2026, 3, 15))
    assert after.credit == 0
    assert after.arrears == D("1503.60")
    assert after.allocations[-1].source == "credit"


def test_overpayment_can_reduce_the_installment_instead() -> None:
    account = LoanAccount(
        terms=TERMS,
        overpayment=Overpayment.REDUCE_INSTALLMENT,
        events=[Payment(date="2026-02-15", amount="2000", id="p")],
    )
    state = account.state(dt.date(2026, 2, 15))
    assert state.credit == 0
    assert state.principal_outstanding == D("3379.10") - D("248.20")
    assert state.installment_amount < D("1751.80")


def test_more_than_the_payoff_is_kept_as_credit() -> None:
    quote = LoanAccount(terms=TERMS).payoff(dt.date(2026, 1, 25))
    state = LoanAccount(
        terms=TERMS, events=[Payment(date="2026-01-25", amount=quote.total + 100, id="p")]
    ).state(dt.date(2026, 6, 1))
    assert state.status is AccountStatus.CLOSED
    assert state.credit == 100
    assert quote.interest == D("41.86")  # 5,000 × (1.35^(10/360) − 1) = 5,000 × 0.0083711


def test_late_fee_and_grace_days() -> None:
    for kind in ("franchise", "tolerance"):
        late = LatePolicy(late_fee="15", grace_days=3, grace_kind=kind, base="principal")
        on_grace = LoanAccount(
            terms=TERMS, late=late, events=[Payment(date="2026-02-18", amount="1751.80", id="p")]
        )
        assert on_grace.state(dt.date(2026, 2, 18)).penalties_due == 0
        assert on_grace.state(dt.date(2026, 2, 18)).owed == D("3379.10")
    franchise = LatePolicy(late_fee="15", grace_days=3, grace_kind="franchise", base="principal")
    after = LoanAccount(terms=TERMS, late=franchise).state(dt.date(2026, 2, 25))
    # a franchise: 15.00 fee + 1,620.90 × (1.19^(7/360) − 1), from day 3 of grace on = 5.49
    assert after.penalties_due == D("15") + D("5.49")
    tolerance = LatePolicy(late_fee="15", grace_days=3, base="principal")
    after = LoanAccount(terms=TERMS, late=tolerance).state(dt.date(2026, 2, 25))
    # a tolerance, once passed: every day from the due date, 1,620.90 × (1.19^(10/360) − 1) = 7.85
    assert after.penalties_due == D("15") + D("7.85")


def test_charge_and_waiver() -> None:
    account = LoanAccount(
        terms=TERMS,
        events=[
            ChargeApplied(date="2026-02-20", amount="25", id="visit", description="cobranza"),
            Waiver(date="2026-02-21", id="w1", component="fees"),
            Waiver(date="2026-02-21", id="w2", component="penalties"),
        ],
    )
    state = account.state(dt.date(2026, 2, 21))
    assert state.fees_due == 0
    assert state.penalties_due == 0
    assert state.waived.fees == 25
    assert any(i.kind is ItemKind.CHARGE for i in state.items)


def test_a_second_tranche_reamortizes_the_remaining_installments() -> None:
    terms = TERMS.evolve(principal="8000")
    account = LoanAccount(
        terms=terms,
        events=[
            Disbursement(date="2026-01-15", amount="5000", id="d1"),
            Payment(date="2026-02-15", amount="1751.80", id="p1"),
            Disbursement(date="2026-02-20", amount="3000", id="d2"),
        ],
    )
    state = account.state(dt.date(2026, 2, 20))
    assert state.disbursed == 8000
    assert state.principal_outstanding == D("3379.10") + 3000
    future = [i for i in state.installments if i.due_date > state.as_of]
    assert [i.number for i in future] == [2, 3]
    assert sum(i.due.principal for i in future) == D("6379.10")
    # the interest of 02-15..02-20 on the old balance is carried into installment 2
    assert future[0].due.interest > account.state(dt.date(2026, 2, 20)).interest_accrued


def test_reschedule_moves_the_balance_to_a_new_schedule_keeping_history() -> None:
    new = LoanTerms(
        principal="1", rate=Rate.effective_annual("30%"), installments=6, disbursed="2026-05-01"
    )
    account = LoanAccount(
        terms=TERMS,
        events=[
            Payment(date="2026-02-15", amount="1751.80", id="p1"),
            Reschedule(date="2026-05-01", id="r", terms=new),
        ],
    )
    before = account.state(dt.date(2026, 4, 30))
    state = account.state(dt.date(2026, 5, 1))
    assert state.arrears == 0
    assert state.days_past_due == 0
    # everything owed on that day (after maturity, so no interest accrues) becomes principal
    same_day = LoanAccount(terms=TERMS, events=account.events[:1]).state(dt.date(2026, 5, 1))
    assert state.principal_outstanding == same_day.owed > before.owed
    assert [i.number for i in state.installments] == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert state.installments[0].paid.total == D("1751.80")  # history kept
    assert state.installments[1].closed.principal == D("1672.00")
    assert len(state.installments) == 9
    final = account.with_events(
        *[
            Payment(date=i.due_date, amount=i.due.total, id=f"n{i.number}")
            for i in state.installments[3:]
        ]
    ).state(state.installments[-1].due_date)
    assert final.status is AccountStatus.CLOSED


def test_write_off_and_recovery() -> None:
    account = LoanAccount(
        terms=TERMS,
        events=[
            Payment(date="2026-02-15", amount="1751.80", id="p1"),
            WriteOff(date="2026-08-01", id="w"),
            Recovery(date="2026-09-01", amount="1000", id="r1"),
            Payment(date="2026-10-01", amount="5000", id="r2"),
        ],
    )
    state = account.state(dt.date(2026, 10, 1))
    assert state.status is AccountStatus.WRITTEN_OFF
    assert state.owed == 0
    assert state.written_off.principal == D("3379.10")
    assert state.recovered == state.written_off.total
    assert state.credit == D("6000") - state.written_off.total
    assert state.days_past_due == 0
