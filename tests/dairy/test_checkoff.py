"""Check-off: installments collected from the milk settlement become payments on the loan account,
and what is short stays on the account as arrears for the next settlement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from coopfinance import LoanAccount, LoanTerms, Rate
from coopfinance.dairy import (
    Delivery,
    MilkPriceSchedule,
    ObligationKind,
    Period,
    SettlementPolicy,
    loan_obligations,
    periods_between,
    run_checkoff,
)
from coopfinance.dairy._periods import SettlementFrequency

PRICES = MilkPriceSchedule.flat("1.30", "2026-01-01", "2026-12-31")
TERMS = LoanTerms(
    principal="3000",
    rate=Rate.effective_annual("18%"),
    installments=6,
    disbursed="2026-01-01",
    first_due="2026-01-15",
    frequency="semimonthly",
)


def milk(farmer: str, litres: int, start: dt.date, days: int) -> list[Delivery]:
    return [
        Delivery(farmer=farmer, date=start + dt.timedelta(days=k), litres=litres)
        for k in range(days)
    ]


def season(litres_per_day: int) -> tuple[object, list[Period]]:
    periods = periods_between(
        dt.date(2026, 1, 1), dt.date(2026, 4, 30), SettlementFrequency.SEMI_MONTHLY
    )
    deliveries = milk("F01", litres_per_day, dt.date(2026, 1, 1), 120)
    accounts = {"F01": [LoanAccount(terms=TERMS, id="L1")]}
    result = run_checkoff(
        deliveries,
        PRICES,
        accounts,
        periods,
        policy=SettlementPolicy(caps={"loan-installment": "0.30"}),
    )
    return result, periods


def test_enough_milk_pays_every_installment_from_the_settlement() -> None:
    """120 L a day × S/ 1.30 × 13 days (16–28 Feb, the shortest fortnight) = S/ 2,028 gross;
    30 % is S/ 608.40, more than the S/ 511.95 installment, so every installment is collected."""
    result, _ = season(120)
    account = result.accounts["F01"][0]
    state = account.state(dt.date(2026, 4, 30))
    assert state.principal_outstanding == 0
    assert state.arrears == 0
    collected = result.collected_for_loans()["L1"]
    assert collected == sum((p.amount for p in account.events), Decimal(0))
    assert collected == TERMS.schedule().total_payments


def test_a_short_fortnight_leaves_arrears_that_are_due_again() -> None:
    result, _ = season(40)  # 30 % of S/ 780 = S/ 234 a fortnight: less than the installment
    first, second = result.settlements[0], result.settlements[1]
    c1 = first.statement("F01").collections[0]
    assert c1.obligation.kind is ObligationKind.LOAN_INSTALLMENT
    assert c1.collected == Decimal("234.00")
    assert c1.short > 0
    due_next = second.statement("F01").collections[0].obligation.amount
    # the next obligation is the account's arrears at the end of the second fortnight: the first
    # shortfall (plus late charges) and the second installment, never the shortfall twice
    installments = TERMS.schedule()
    assert due_next > c1.short + installments[1].total - Decimal("0.01")
    assert due_next < c1.short + installments[1].total + Decimal("5")


@given(st.integers(10, 200))
def test_collected_plus_short_equals_due_and_payments_match(litres: int) -> None:
    result, _ = season(litres)
    for s in result.settlements:
        for st_ in s.statements:
            for c in st_.collections:
                assert c.collected + c.short == c.obligation.amount
                assert c.collected <= st_.gross * Decimal("0.30")
    account = result.accounts["F01"][0]
    assert sum((p.amount for p in account.events), Decimal(0)) == result.collected_for_loans().get(
        "L1", Decimal(0)
    )


def test_loan_obligations_skip_loans_not_yet_disbursed() -> None:
    later = LoanAccount(terms=TERMS.evolve(disbursed="2026-03-01", first_due=None), id="L2")
    period = Period.parse("2026-01-01..2026-01-15")
    assert loan_obligations({"F01": [later]}, period) == []
