"""Portfolio quality: PAR, aging, repayment rate, write-offs, SBS categories and provisions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopfinance import LoanTerms, Rate
from coopfinance._decimal import CONTEXT
from coopfinance.portfolio import (
    SBS_MICRO,
    Category,
    Exposure,
    ProvisionPolicy,
    aging,
    classify,
    exposure,
    outstanding,
    par,
    report,
)
from coopfinance.servicing import AccountStatus, accounts_from_csv

exposures = st.lists(
    st.builds(
        Exposure,
        loan_id=st.text(max_size=3),
        principal_outstanding=st.decimals(min_value=0, max_value=100_000, places=2),
        days_past_due=st.integers(0, 400),
        status=st.sampled_from([AccountStatus.ACTIVE, AccountStatus.CLOSED]),
        fallen_due=st.just(Decimal(0)),
        paid_of_due=st.just(Decimal(0)),
        written_off=st.just(Decimal(0)),
        recovered=st.just(Decimal(0)),
    ),
    max_size=40,
)


@pytest.mark.parametrize(
    ("days", "category"),
    [
        (0, Category.NORMAL),
        (8, Category.NORMAL),
        (9, Category.CPP),
        (30, Category.CPP),
        (31, Category.DEFICIENTE),
        (60, Category.DEFICIENTE),
        (61, Category.DUDOSO),
        (120, Category.DUDOSO),
        (121, Category.PERDIDA),
        (2000, Category.PERDIDA),
    ],
)
def test_sbs_micro_enterprise_categories(days: int, category: Category) -> None:
    """Res. SBS 11356-2008: micro-enterprise debtors by days past due (≤8, 9–30, 31–60,
    61–120, >120)."""
    assert SBS_MICRO.category(days) is category


@given(exposures)
def test_buckets_and_categories_add_up_to_the_portfolio(rows: list[Exposure]) -> None:
    total = outstanding(rows)
    assert sum(b.principal for b in aging(rows)) == total
    assert sum(b.count for b in aging(rows)) == len(rows)
    assert sum(c.principal for c in classify(rows)) == total
    assert 0 <= par(rows, 90) <= par(rows, 30) <= par(rows, 1) <= 1


def test_report_of_a_small_portfolio() -> None:
    terms = LoanTerms(
        principal="1000", rate=Rate.effective_annual("20%"), installments=4, disbursed="2026-01-15"
    )
    events = (
        "loan_id,type,date,id,amount\n"
        "A,payment,2026-02-15,a1,261.03\n"
        "A,payment,2026-03-15,a2,261.03\n"
        "B,payment,2026-02-15,b1,261.03\n"
        "D,write-off,2026-04-01,d1,\n"
    )
    accounts = accounts_from_csv(dict.fromkeys("ABCD", terms), events)
    as_of = dt.date(2026, 3, 20)
    states = {k: a.state(as_of) for k, a in accounts.items()}
    assert [states[k].days_past_due for k in "ABCD"] == [0, 5, 33, 33]
    r = report([exposure(s, k) for k, s in states.items()])
    assert (r.accounts, r.active, r.written_off_count) == (4, 4, 0)
    assert r.outstanding == sum(s.principal_outstanding for s in states.values())
    c = states["C"].principal_outstanding + states["D"].principal_outstanding
    assert r.par[30] == CONTEXT.divide(c, r.outstanding)
    cats = {line.category: line for line in r.categories}
    assert cats[Category.DEFICIENTE].principal == c
    assert cats[Category.DEFICIENTE].provision == (c * Decimal("0.25")).quantize(Decimal("0.01"))
    assert r.repayment_rate < 1
    later = {k: a.state(dt.date(2026, 4, 1)) for k, a in accounts.items()}
    r2 = report(later.values())
    assert r2.written_off_count == 1
    assert r2.written_off == later["D"].written_off.total
    assert later["D"].status is AccountStatus.WRITTEN_OFF


def test_a_custom_policy() -> None:
    policy = ProvisionPolicy(bounds=(30, 60, 90, 180), rates=("0", "0.1", "0.3", "0.5", "1"))
    rows = [Exposure(loan_id="x", principal_outstanding=Decimal("100"), days_past_due=45)]
    assert classify(rows, policy)[1].provision == Decimal("10.00")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: ProvisionPolicy(bounds=(8, 30, 30, 120)), r"'bounds' must be 4 increasing"),
        (
            lambda: ProvisionPolicy(rates=("0.01", "0.05", "0.25", "0.6", "1.5")),
            r"'rates' must be 5 shares between 0 and 1",
        ),
        (lambda: aging([], bounds=(30, 10)), r"'bounds' must be increasing whole days"),
        (lambda: outstanding([object()]), r"'accounts' must hold AccountState or Exposure"),
    ],
)
def test_bad_portfolio_input(make: object, message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        make()  # type: ignore[operator]
