"""The pure engines' promises of issue 16: delivery identity (farmer + date + shift), deliveries
outside the periods refused, check-off collected and paid on the pay date, a warning when a loan's
due dates are not pay dates, and no late charge for a farmer whose milk covers every deduction."""

from __future__ import annotations

import datetime as dt
import warnings
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopfinance import LoanTerms, Rate
from coopfinance.dairy import (
    Deliveries,
    Delivery,
    MilkPriceSchedule,
    ObligationKind,
    Period,
    Quality,
    SettlementFrequency,
    loan_obligations,
    off_calendar,
    pay_dates_of,
    periods_between,
    run_checkoff,
    settle,
)
from coopfinance.errors import DueDateWarning, InvalidDelivery, InvalidSettlement
from coopfinance.servicing import LoanAccount

D = dt.date
PRICES = MilkPriceSchedule.flat("1.30", "2026-01-01", "2026-12-31")
PERIODS = tuple(periods_between(D(2026, 1, 1), D(2026, 4, 30), SettlementFrequency.SEMI_MONTHLY))


def test_two_rows_with_the_same_identity_are_reported_with_both_lines() -> None:
    text = (
        "farmer,date,shift,litres,receipt\n"
        "F01,2026-01-01,am,30,R-1\nF01,2026-01-01,pm,28,R-2\nF01,2026-01-01,AM,30,R-1\n"
    )
    with pytest.raises(InvalidDelivery) as info:
        Deliveries.from_csv(text)
    assert info.value.problems == (
        (
            4,
            "identity",
            "delivery F01 2026-01-01 am is also on line 2; give each collection its own 'shift'.",
        ),
    )
    got = Deliveries.from_csv(text.rsplit("F01,2026-01-01,AM", 1)[0])
    assert [(d.shift, d.receipt) for d in got] == [("am", "R-1"), ("pm", "R-2")]


def test_without_a_shift_column_one_collection_a_day() -> None:
    with pytest.raises(InvalidDelivery, match=r"line 3: delivery F01 2026-01-01 \(no shift\)"):
        Deliveries.from_csv("farmer,date,litres\nF01,2026-01-01,30\nF01,2026-01-01,30\n")


@given(
    litres=st.decimals(min_value=0, max_value=10_000, places=3),
    shift=st.sampled_from(["", "am", "pm", "2"]),
    ts=st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=2)),
)
def test_the_trusted_constructor_equals_the_validated_one(
    litres: Decimal, shift: str, ts: Decimal | None
) -> None:
    """The fast path builds exactly the value the converters build from the same checked values."""
    quality = None if ts is None else Quality(total_solids=ts, cooled=True)
    slow = Delivery(
        farmer="F01", date="2026-01-05", litres=str(litres), quality=quality, shift=shift
    )
    fast = Delivery.trusted(slow.farmer, slow.date, slow.litres, quality, shift=shift)
    assert fast == slow
    assert repr(fast) == repr(slow)
    period = Period.parse("2026-01-01..2026-01-15")
    assert settle([fast] * 3, PRICES, period) == settle([slow] * 3, PRICES, period)


def _terms(first_due: str, n: int = 6, frequency: str = "semimonthly") -> LoanTerms:
    return LoanTerms(
        principal="1500",
        rate=Rate.effective_annual("18%"),
        installments=n,
        disbursed="2026-01-01",
        first_due=first_due,
        frequency=frequency,
    )


def test_deliveries_outside_the_periods_are_refused_with_each_listed() -> None:
    milk = [Delivery(farmer="F01", date=D(2026, 1, d), litres=30) for d in (2, 20)]
    with pytest.raises(InvalidSettlement, match=r"delivery 2: 'F01' on 2026-01-20 \(30 L\)"):
        run_checkoff(milk, PRICES, {}, PERIODS[:1])


def test_checkoff_is_due_and_paid_on_the_pay_date() -> None:
    """Paid 5 days after each fortnight: an installment due on the 20th is collected by the close
    of 1–15 January and paid on its due date, so the account is never late."""
    milk = [
        Delivery(farmer="F01", date=D(2026, 1, 1) + dt.timedelta(days=k), litres=60)
        for k in range(120)
    ]
    terms = _terms("2026-01-20", frequency="semimonthly")
    pays = pay_dates_of(PERIODS, pay_delay_days=5)
    due_dates = set(terms.dates())
    assert due_dates <= set(pays.values())  # 20th and 5th: pay dates
    accounts = {"F01": [LoanAccount(terms=terms, id="L1")]}
    first = loan_obligations(accounts, PERIODS[0], pay_date=pays[PERIODS[0]])
    assert [o.reference for o in first] == ["due 2026-01-20"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        season = run_checkoff(milk, PRICES, accounts, PERIODS, pay_delay_days=5)
    payments = season.accounts["F01"][0].events
    assert [p.date for p in payments][:2] == [D(2026, 1, 20), D(2026, 2, 5)]
    state = season.accounts["F01"][0].state(D(2026, 5, 5))
    assert state.principal_outstanding == 0
    assert state.paid.penalties == 0
    assert state.days_past_due == 0


def test_due_dates_off_the_pay_dates_are_warned_about() -> None:
    accounts = {"F01": [LoanAccount(terms=_terms("2026-01-10"), id="L1")]}
    pays = pay_dates_of(PERIODS)
    assert off_calendar(accounts, pays) == [("L1", D(2026, 1, 10), D(2026, 1, 15))]
    with pytest.warns(DueDateWarning, match="loan 'L1' falls due on 2026-01-10"):
        run_checkoff([], PRICES, accounts, PERIODS)


def test_pay_dates_must_be_given_whole_and_in_order() -> None:
    with pytest.raises(InvalidSettlement, match="not both"):
        pay_dates_of(PERIODS, {}, 5)
    with pytest.raises(InvalidSettlement, match="has no pay date"):
        pay_dates_of(PERIODS, {PERIODS[0]: D(2026, 1, 15)})
    with pytest.raises(InvalidSettlement, match="must be 0 to 6"):
        pay_dates_of(PERIODS, pay_delay_days=9)
    with pytest.raises(InvalidSettlement, match="from its last day"):
        pay_dates_of(PERIODS[:1], {PERIODS[0]: D(2026, 1, 14)})


@settings(max_examples=25, deadline=None)
@given(
    delay=st.integers(0, 6),
    litres=st.lists(st.integers(0, 120), min_size=120, max_size=120),
    n=st.integers(1, 6),
    principal=st.integers(100, 3000),
)
def test_a_farmer_whose_milk_covers_every_deduction_is_never_charged_late(
    delay: int, litres: list[int], n: int, principal: int
) -> None:
    """Over generated seasons (pay delay, daily litres, loan size): due dates taken from the pay
    dates; whenever every deduction of a season was collected in full, the account shows no late
    interest, no late fee and no day past due."""
    pays = pay_dates_of(PERIODS, pay_delay_days=delay)
    calendar = sorted(pays.values())
    terms = LoanTerms(
        principal=str(principal),
        rate=Rate.effective_annual("18%"),
        disbursed="2026-01-01",
        due_dates=calendar[:n],
    )
    milk = [
        Delivery(farmer="F01", date=D(2026, 1, 1) + dt.timedelta(days=k), litres=x)
        for k, x in enumerate(litres)
    ]
    accounts = {"F01": [LoanAccount(terms=terms, id="L1")]}
    season = run_checkoff(milk, PRICES, accounts, PERIODS, pay_delay_days=delay)
    covered = all(
        c.short == 0 for s in season.settlements for f in s.statements for c in f.collections
    )
    state = season.accounts["F01"][0].state(calendar[-1])
    if covered:
        assert state.paid.penalties == 0
        assert state.penalties_due == 0
        assert state.fees_due == 0
        assert state.days_past_due == 0
    loans = [
        c
        for s in season.settlements
        for f in s.statements
        for c in f.collections
        if c.obligation.kind is ObligationKind.LOAN_INSTALLMENT
    ]
    assert all(c.collected + c.short == c.obligation.amount for c in loans)
