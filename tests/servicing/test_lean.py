"""Late accounts replayed without per-item objects (``servicing/_lean.py``) give exactly the
figures of the replay: compared by ``repr`` with ``exposure(account.state(as_of))`` (even the
Decimal exponents), on generated accounts (payments on, before and after due dates, short and
long, skipped; every late-interest rule without late fees; every allocation order) and on the
benchmark's portfolio. Accounts it does not take go to the replay: ``lean_figures`` is None."""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.servicing.test_figures import benchmark_book, varied_terms
from tests.servicing.test_replay_equivalence import _dates, accounts

from coopfinance import LoanTerms, Rate
from coopfinance._decimal import CONTEXT
from coopfinance.errors import CoopFinanceError
from coopfinance.portfolio import Exposure, exposure
from coopfinance.servicing import (
    ChargeApplied,
    InterestMethod,
    LatePolicy,
    LoanAccount,
    Overpayment,
    Payment,
)
from coopfinance.servicing import _figures as figures_room
from coopfinance.servicing._lean import lean_figures

LEAN_LATE = [
    LatePolicy(),
    LatePolicy(compensatory=False),
    LatePolicy(moratorium=None),
    LatePolicy(moratorium="40%", base="principal"),
    LatePolicy(grace_days=5),
    LatePolicy(grace_days=3, grace_kind="franchise"),
    LatePolicy(moratorium="120%", grace_days=8, base="installment", compensatory=False),
]


def _lean(account: LoanAccount, as_of: dt.date) -> str | None:
    with decimal.localcontext(CONTEXT):
        got = lean_figures(account, as_of)
    return None if got is None else repr(Exposure(account.id, *got))


def _want(account: LoanAccount, as_of: dt.date) -> str:
    return repr(exposure(account.state(as_of), account.id))


@given(data=st.data())
def test_lean_replay_equals_the_replay_on_payments(data: st.DataObject) -> None:
    try:
        account = data.draw(accounts(plain=True))
        account = attrs.evolve(
            account,
            late=data.draw(st.sampled_from(LEAN_LATE)),
            overpayment=Overpayment.NEXT_INSTALLMENTS,
        )
    except CoopFinanceError:
        return
    for as_of in _dates(data.draw, account):
        try:
            want = _want(account, as_of)
        except CoopFinanceError:
            return
        got = _lean(account, as_of)
        if got is not None:
            assert got == want
        assert repr(Exposure(account.id, *account.figures(as_of))) == want


@st.composite
def late_accounts(draw: st.DrawFn) -> tuple[LoanAccount, dt.date]:
    """Terms with grace, charges and every amortization; each installment paid on its due date,
    late, short, long or not at all."""
    terms = draw(varied_terms())
    try:
        rows = terms.schedule().installments
    except CoopFinanceError:
        from hypothesis import assume

        assume(False)
        raise  # pragma: no cover
    events = []
    for r in rows:
        how = draw(st.sampled_from(["exact", "late", "late", "short", "long", "skip"]))
        if how == "skip" or not r.total:
            continue
        day, amount = r.due_date, r.total
        if how == "late":
            day += dt.timedelta(days=draw(st.integers(1, 70)))
        elif how == "short":
            amount = max(Decimal("0.01"), (amount * Decimal("0.55")).quantize(Decimal("0.01")))
        elif how == "long":
            amount += Decimal(draw(st.integers(1, 30000))) / 100
        events.append(Payment(date=day, amount=amount, id=f"p{r.number}"))
    account = LoanAccount(
        terms=terms,
        events=events,
        late=draw(st.sampled_from(LEAN_LATE)),
        allocation=draw(st.sampled_from(["default", "default:vertical", "interest-principal"])),
    )
    as_of = rows[-1].due_date + dt.timedelta(days=draw(st.integers(-400, 120)))
    return account, max(as_of, terms.disbursed)


@given(case=late_accounts())
def test_lean_replay_equals_the_replay_on_late_accounts(case: tuple[LoanAccount, dt.date]) -> None:
    account, as_of = case
    want = _want(account, as_of)
    got = _lean(account, as_of)
    if got is not None:
        assert got == want
    assert repr(Exposure(account.id, *figures_room.many_figures([account], as_of)[0])) == want


@pytest.mark.parametrize("as_of", [dt.date(2026, 9, 20), dt.date(2027, 3, 1)])
def test_the_benchmark_portfolio_late_accounts_are_all_taken_and_equal(as_of: dt.date) -> None:
    book = benchmark_book(250, seed=9)
    late = [a for a in book if figures_room.on_time_figures(a, as_of) is None]
    assert len(late) > 40
    for account in late:
        got = _lean(account, as_of)
        assert got is not None, account.id
        assert got == _want(account, as_of), account.id


TERMS = LoanTerms(
    principal="3000", rate=Rate.effective_annual("30%"), installments=6, disbursed="2026-01-10"
)
ROWS = TERMS.schedule().installments
AS_OF = dt.date(2026, 6, 1)
LATE = [Payment(date=r.due_date + dt.timedelta(days=9), amount=r.total, id=f"p{r.number}")
        for r in ROWS[:4]]  # fmt: skip


@pytest.mark.parametrize(
    "account",
    [
        LoanAccount(terms=TERMS, events=[*LATE, ChargeApplied(date=AS_OF, amount="9", id="c")]),
        LoanAccount(terms=TERMS, events=LATE, late=LatePolicy(late_fee="15")),
        LoanAccount(terms=TERMS, events=LATE, overpayment=Overpayment.REDUCE_TERM),
        LoanAccount(terms=TERMS, events=LATE, interest=InterestMethod.ACTUAL_BALANCE),
        LoanAccount(terms=TERMS, events=[*LATE, Payment(date=AS_OF, amount="3000", id="all")]),
    ],
    ids=["a charge", "a late fee", "reduce-term", "actual balance", "may pay off"],
)
def test_accounts_it_does_not_take_go_to_the_replay(account: LoanAccount) -> None:
    assert _lean(account, AS_OF) is None
    got = figures_room.many_figures([account], AS_OF)[0]
    assert repr(Exposure(account.id, *got)) == _want(account, AS_OF)


def test_late_accounts_are_taken() -> None:
    account = LoanAccount(terms=TERMS, events=LATE[:3])
    assert _lean(account, AS_OF) == _want(account, AS_OF)
    stopped = LoanAccount(terms=TERMS)
    assert _lean(stopped, AS_OF) == _want(stopped, AS_OF)
