"""Interest on the actual balance (issue 15 §9): Fineract's interest recalculation, the Peruvian
cajas' *interés compensatorio* on actual balances, selectable per loan.

Worked example (computed by hand from the Peruvian formula sheets' interest-to-date formula,
``saldo × ((1 + TEA)^(días/360) − 1)``; no published recalculation example with numbers was
found in the stored corpus): S/ 5,000 at 35 % TEA, 3 monthly installments of 1,751.80 from
2026-01-15. Installment 1 is paid on 2026-02-15; on 2026-03-01 the borrower pays 1,751.80, 14
days before installment 2 is due: interest to the date 3,379.10 × 0.0117391 = 39.67, principal
1,712.13, balance 1,666.97, and the last two dates are re-derived on it: i₁ (14 days) =
0.0117391, i₂ (31 days) = 0.0261792, C = 1,666.97 / (0.988397 + 0.963186) = 854.16.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from coopfinance import LoanTerms, Rate
from coopfinance.servicing import InterestMethod, LoanAccount, Payment, statement

D = Decimal
TERMS = LoanTerms(
    principal="5000", rate=Rate.effective_annual("35%"), installments=3, disbursed="2026-01-15"
)


def test_an_early_payment_is_applied_to_the_balance_on_its_date() -> None:
    events = [
        Payment(date="2026-02-15", amount="1751.80", id="p1"),
        Payment(date="2026-03-01", amount="1751.80", id="p2"),
    ]
    account = LoanAccount(terms=TERMS, events=events, interest="actual-balance")
    state = account.state(dt.date(2026, 3, 1))
    alloc = state.allocations[-1].applied
    assert (alloc.interest, alloc.principal) == (D("39.67"), D("1712.13"))
    assert state.principal_outstanding == D("1666.97")
    rows = [i for i in state.installments if i.due_date > state.as_of]
    assert rows[0].due.total == D("854.16")
    assert sum(r.due.principal for r in rows) == D("1666.97")
    assert state.payoff.total == D("1666.97")
    # the statement and payoff follow the re-derived schedule
    assert (
        statement(account, dt.date(2026, 3, 1)).to_dict()["next_installment"]["amount"] == "854.16"
    )
    # on the fixed schedule the same money waits as a credit for installment 2
    fixed = LoanAccount(terms=TERMS, events=events).state(dt.date(2026, 3, 1))
    assert fixed.credit == D("1751.80")


def _total_interest(account: LoanAccount) -> Decimal:
    end = account.terms.schedule().maturity + dt.timedelta(days=1)
    return account.state(end).paid.interest


@settings(max_examples=40, deadline=None)
@given(st.integers(3, 24), st.integers(10, 60).map(lambda p: f"{p}%"))
def test_an_on_time_payer_pays_the_schedules_interest(n: int, tea: str) -> None:
    terms = LoanTerms(
        principal="8000", rate=Rate.effective_annual(tea), installments=n, disbursed="2026-01-15"
    )
    s = terms.schedule()
    pays = [Payment(date=r.due_date, amount=r.total, id=f"p{r.number}") for r in s]
    account = LoanAccount(terms=terms, events=pays, interest=InterestMethod.ACTUAL_BALANCE)
    assert _total_interest(account) == s.total_interest


@settings(max_examples=40, deadline=None)
@given(st.integers(3, 12), st.integers(1, 25), st.integers(0, 11))
def test_paying_early_never_costs_more(n: int, early: int, k: int) -> None:
    terms = LoanTerms(
        principal="8000", rate=Rate.effective_annual("40%"), installments=n, disbursed="2026-01-15"
    )
    s = terms.schedule()
    k = min(k, n - 2)
    on_time = [Payment(date=r.due_date, amount=r.total, id=f"p{r.number}") for r in s]
    base = LoanAccount(terms=terms, events=on_time, interest="actual-balance")
    # pay installment k+1 early, then whatever each later installment asks, on its date
    row = s.installments[k]
    day = max(row.due_date - dt.timedelta(days=early), terms.disbursed + dt.timedelta(days=1))
    events = [*on_time[:k], Payment(date=day, amount=row.total, id="early")]
    account = LoanAccount(terms=terms, events=events, interest="actual-balance")
    for later in s.installments[k + 1 :]:
        st_ = account.state(later.due_date)
        owed = st_.arrears
        if owed > 0:
            account = account.with_events(
                Payment(date=later.due_date, amount=owed, id=f"q{later.number}")
            )
    assert _total_interest(account) <= _total_interest(base)
    assert account.state(s.maturity + dt.timedelta(days=1)).owed == 0
