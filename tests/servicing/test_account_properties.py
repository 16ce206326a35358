"""Properties of replaying a loan account (issue 4, §3)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from hypothesis import example, given
from hypothesis import strategies as st
from tests.strategies import ALLOCATIONS as STRATEGIES
from tests.strategies import account_terms as loan_terms
from tests.strategies import payments

from coopfinance import LoanTerms, Rate
from coopfinance.servicing import (
    AccountStatus,
    AllocationStrategy,
    ChargeApplied,
    LoanAccount,
    Overpayment,
    Payment,
    Prepayment,
    PrepaymentChoice,
    statement,
)

ZERO = Decimal(0)


def _received(account: LoanAccount, as_of: dt.date) -> Decimal:
    return sum(
        (
            e.amount
            for e in account.events
            if isinstance(e, Payment | Prepayment) and e.date <= as_of
        ),
        ZERO,
    )


@given(terms=loan_terms())
def test_paying_every_installment_on_its_due_date_leaves_nothing_owed(terms: LoanTerms) -> None:
    schedule = terms.schedule()
    events = [
        Payment(date=r.due_date, amount=r.total, id=f"p{r.number}") for r in schedule.installments
    ]
    state = LoanAccount(terms=terms, events=events).state(schedule.maturity)
    assert state.owed == 0
    assert state.arrears == 0
    assert state.penalties_due == 0
    assert state.credit == 0
    assert state.days_past_due == 0
    assert state.status is AccountStatus.CLOSED
    assert state.paid.principal == schedule.total_principal - sum(
        (r.capitalized for r in schedule.installments), ZERO
    )


@given(
    terms=loan_terms(),
    data=st.data(),
    strategy=st.sampled_from(STRATEGIES),
    overpayment=st.sampled_from(list(Overpayment)),
)
def test_money_is_conserved_to_the_cent(
    terms: LoanTerms, data: st.DataObject, strategy: object, overpayment: Overpayment
) -> None:
    """Every payment is allocated in full (components + credit); the ledger balances."""
    events = data.draw(payments(terms))
    account = LoanAccount(
        terms=terms,
        events=events,
        allocation=strategy,
        overpayment=overpayment,  # type: ignore[arg-type]
    )
    as_of = terms.schedule().maturity + dt.timedelta(days=150)
    state = account.state(as_of)
    for a in state.allocations:
        if a.source != "credit":
            assert a.amount == a.applied.total + a.to_credit + a.recovered
        assert (
            min(a.applied.principal, a.applied.interest, a.applied.fees, a.applied.penalties) >= 0
        )
    assert _received(account, as_of) == state.paid.total + state.credit + state.recovered
    owed = sum((m.amounts.total for m in state.movements), ZERO)
    assert owed == state.owed
    assert sum((m.credit for m in state.movements), ZERO) == state.credit
    assert statement(account, as_of).lines[-1].balance == state.owed
    for item in state.items:
        for part in ("principal", "interest", "fees", "penalties"):
            assert getattr(item.outstanding, part) >= 0


@given(terms=loan_terms(), data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_the_order_events_are_given_in_does_not_matter(
    terms: LoanTerms, data: st.DataObject, seed: int
) -> None:
    events = data.draw(payments(terms))
    if events:  # same-day events of several kinds
        day = events[0].date
        events += [
            ChargeApplied(date=day, amount="5.00", id="fee-visit"),
            Payment(date=day, amount="10.00", id="p-same-day"),
        ]
    shuffled = list(events)
    random.Random(seed).shuffle(shuffled)
    as_of = terms.schedule().maturity + dt.timedelta(days=30)
    assert LoanAccount(terms=terms, events=events).state(as_of) == LoanAccount(
        terms=terms, events=shuffled
    ).state(as_of)


@st.composite
def _with_an_extra_payment(draw: st.DrawFn) -> tuple[LoanTerms, list[Payment], Payment]:
    terms = draw(loan_terms())
    events = draw(payments(terms, max_size=3))
    extra = draw(payments(terms, max_size=1).filter(bool))[0]
    return terms, events, Payment(date=extra.date, amount=extra.amount, id="extra")


def _day(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


# Found by hypothesis in CI: an extra payment that paid the scheduled interest left the later
# S/ 0.01 payment to late interest only, which did not restart the moratorium period while, without
# the extra payment, the same S/ 0.01 lowered the base and did: +S/ 0.87 of moratorium (issue 20).
# A payment that touches an installment now always closes its accrual period (docs/servicing.md).
_ONE_INSTALLMENT = LoanTerms(
    principal=Decimal("6000.50"),
    rate=Rate.effective_annual(Decimal("0.0001")),
    installments=1,
    disbursed=_day("2024-01-01"),
)


@example(
    case=(
        _ONE_INSTALLMENT,
        [
            Payment(date=_day("2024-01-01"), amount=Decimal("0.01"), id="p0"),
            Payment(date=_day("2024-01-01"), amount=Decimal("0.01"), id="p1"),
            Payment(date=_day("2024-02-04"), amount=Decimal("0.01"), id="p2"),
        ],
        Payment(date=_day("2024-01-01"), amount=Decimal("0.03"), id="extra"),
    ),
    strategy=AllocationStrategy.INTEREST_PRINCIPAL,
    as_of=_day("2024-08-19"),
)
@given(
    case=_with_an_extra_payment(),
    strategy=st.sampled_from(STRATEGIES),
    as_of=st.none(),
)
def test_a_payment_never_increases_what_is_owed(
    case: tuple[LoanTerms, list[Payment], Payment], strategy: object, as_of: dt.date | None
) -> None:
    terms, events, extra = case
    without = LoanAccount(terms=terms, events=events, allocation=strategy)  # type: ignore[arg-type]
    with_ = without.with_events(extra)
    dates = (extra.date, terms.schedule().maturity + dt.timedelta(days=200))
    for day in dates if as_of is None else (as_of,):
        if day < extra.date:
            continue
        a, b = with_.state(day), without.state(day)
        assert a.payoff.total <= b.payoff.total
        assert a.owed <= b.owed


@given(terms=loan_terms(), data=st.data())
def test_replaying_a_prefix_equals_the_state_at_that_date(
    terms: LoanTerms, data: st.DataObject
) -> None:
    events = data.draw(payments(terms))
    maturity = terms.schedule().maturity
    cut = terms.disbursed + dt.timedelta(
        days=data.draw(st.integers(0, (maturity - terms.disbursed).days + 60))
    )
    full = LoanAccount(terms=terms, events=events)
    prefix = LoanAccount(terms=terms, events=[e for e in events if e.date <= cut])
    assert full.state(cut) == prefix.state(cut)


@given(terms=loan_terms(), data=st.data())
def test_paying_the_payoff_quote_closes_the_loan(terms: LoanTerms, data: st.DataObject) -> None:
    events = data.draw(payments(terms, max_size=3))
    account = LoanAccount(terms=terms, events=events)
    last = max((e.date for e in events), default=terms.disbursed)
    day = last + dt.timedelta(days=data.draw(st.integers(0, 400)))
    quote = account.payoff(day)
    if quote.total == 0:
        return
    state = account.with_events(Payment(date=day, amount=quote.total, id="payoff")).state(day)
    assert state.owed == 0
    assert state.status is AccountStatus.CLOSED
    assert state.credit == 0


@given(terms=loan_terms(), data=st.data())
def test_prepayment_choices_leave_the_same_principal(terms: LoanTerms, data: st.DataObject) -> None:
    """Both choices cut the principal alike; reducing the term never lengthens it or raises the
    installment, reducing the installment keeps the due dates."""
    schedule = terms.schedule()
    if len(schedule) < 3:
        return
    first = schedule.installments[0]
    day = first.due_date + dt.timedelta(days=data.draw(st.integers(1, 10)))
    if day >= schedule.installments[1].due_date:
        return
    amount = data.draw(st.decimals(min_value=Decimal("1"), max_value=first.balance / 2, places=2))
    base = [Payment(date=first.due_date, amount=first.total, id="p1")]
    states = {}
    for choice in PrepaymentChoice:
        account = LoanAccount(
            terms=terms, events=[*base, Prepayment(date=day, amount=amount, id="pp", choice=choice)]
        )
        states[choice] = account.state(day)
    a = states[PrepaymentChoice.REDUCE_INSTALLMENT]
    b = states[PrepaymentChoice.REDUCE_TERM]
    assert a.principal_outstanding == b.principal_outstanding
    assert a.principal_outstanding <= first.balance - amount + a.paid.interest
    assert len(b.installments) <= len(a.installments) == len(schedule)
    assert [i.due_date for i in a.installments] == [r.due_date for r in schedule.installments]
