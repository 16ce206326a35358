"""Frequencies, due dates, day counts and business-day rolling."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import dates

from coopfinance import BusinessDay, DayCount, Frequency, HolidayCalendar, LoanTerms, Rate
from coopfinance._calendar import add_months, due_dates

d = dt.date


@given(dates, st.integers(0, 600))
def test_add_months_matches_dateutil_relativedelta(anchor: dt.date, months: int) -> None:
    assert add_months(anchor, months) == anchor + relativedelta(months=months)


def test_month_end_anchor_does_not_drift() -> None:
    assert due_dates(d(2023, 12, 31), Frequency.MONTHLY, 4) == [
        d(2024, 1, 31),
        d(2024, 2, 29),
        d(2024, 3, 31),
        d(2024, 4, 30),
    ]


def test_explicit_first_due_date_anchors_the_rest() -> None:
    assert due_dates(d(2026, 1, 20), Frequency.MONTHLY, 3, first_due=d(2026, 3, 5)) == [
        d(2026, 3, 5),
        d(2026, 4, 5),
        d(2026, 5, 5),
    ]


@pytest.mark.parametrize(
    ("disbursed", "expected"),
    [
        (d(2026, 1, 3), [d(2026, 1, 15), d(2026, 1, 31), d(2026, 2, 15), d(2026, 2, 28)]),
        (d(2026, 1, 10), [d(2026, 1, 31), d(2026, 2, 15), d(2026, 2, 28), d(2026, 3, 15)]),
        (d(2024, 2, 10), [d(2024, 2, 29), d(2024, 3, 15), d(2024, 3, 31), d(2024, 4, 15)]),
    ],
)
def test_semi_monthly_falls_on_the_15th_and_month_end(
    disbursed: dt.date, expected: list[dt.date]
) -> None:
    assert due_dates(disbursed, Frequency.SEMI_MONTHLY, 4) == expected


def test_semi_monthly_with_another_anchor_keeps_15_days_apart() -> None:
    assert due_dates(d(2026, 1, 1), Frequency.SEMI_MONTHLY, 4, first_due=d(2026, 1, 10)) == [
        d(2026, 1, 10),
        d(2026, 1, 25),
        d(2026, 2, 10),
        d(2026, 2, 25),
    ]


@pytest.mark.parametrize(
    ("freq", "expected"),
    [
        (Frequency.WEEKLY, [d(2026, 1, 8), d(2026, 1, 15)]),
        (Frequency.BIWEEKLY, [d(2026, 1, 15), d(2026, 1, 29)]),
        (Frequency.days(10), [d(2026, 1, 11), d(2026, 1, 21)]),
        (Frequency.QUARTERLY, [d(2026, 4, 1), d(2026, 7, 1)]),
        (Frequency.SEMIANNUAL, [d(2026, 7, 1), d(2027, 1, 1)]),
        (Frequency.ANNUAL, [d(2027, 1, 1), d(2028, 1, 1)]),
        (Frequency.BIMONTHLY, [d(2026, 3, 1), d(2026, 5, 1)]),
    ],
)
def test_frequencies(freq: Frequency, expected: list[dt.date]) -> None:
    assert due_dates(d(2026, 1, 1), freq, 2) == expected


@pytest.mark.parametrize(
    ("text", "freq"),
    [
        ("monthly", Frequency.MONTHLY),
        ("quincenal", Frequency.SEMI_MONTHLY),
        ("semimonthly", Frequency.SEMI_MONTHLY),
        ("14d", Frequency.days(14)),
        ("trimestral", Frequency.QUARTERLY),
        ("WEEKLY", Frequency.WEEKLY),
    ],
)
def test_frequency_parse(text: str, freq: Frequency) -> None:
    assert Frequency.parse(text) == freq
    assert Frequency.parse(freq.label) == freq


@pytest.mark.parametrize(
    ("dc", "d0", "d1", "expected"),
    [
        (DayCount.ACT_360, d(2026, 1, 15), d(2026, 2, 15), Fraction(31, 360)),
        (DayCount.ACT_365F, d(2024, 2, 1), d(2024, 3, 1), Fraction(29, 365)),
        # ISDA 2006 §4.16(b): 2003-11-01 → 2004-05-01 is 61/365 + 121/366
        (
            DayCount.ACT_ACT_ISDA,
            d(2003, 11, 1),
            d(2004, 5, 1),
            Fraction(61, 365) + Fraction(121, 366),
        ),
        (DayCount.THIRTY_360, d(2026, 1, 31), d(2026, 3, 31), Fraction(60, 360)),
        (DayCount.THIRTY_360, d(2026, 1, 30), d(2026, 3, 31), Fraction(60, 360)),
        (DayCount.THIRTY_360, d(2026, 1, 15), d(2026, 3, 31), Fraction(76, 360)),
        (DayCount.THIRTY_E_360, d(2026, 1, 15), d(2026, 3, 31), Fraction(75, 360)),
        (DayCount.THIRTY_360, d(2026, 2, 28), d(2026, 3, 31), Fraction(33, 360)),
    ],
)
def test_year_fractions(dc: DayCount, d0: dt.date, d1: dt.date, expected: Fraction) -> None:
    assert dc.year_fraction(d0, d1) == expected


@pytest.mark.parametrize(
    ("freq", "expected"),
    [
        (Frequency.MONTHLY, Fraction(1, 12)),
        (Frequency.WEEKLY, Fraction(1, 52)),
        (Frequency.SEMI_MONTHLY, Fraction(1, 24)),
        (Frequency.days(30), Fraction(30, 360)),
        (Frequency.QUARTERLY, Fraction(1, 4)),
    ],
)
def test_per_period_ignores_calendar_length(freq: Frequency, expected: Fraction) -> None:
    assert DayCount.PER_PERIOD.year_fraction(d(2026, 1, 1), d(2026, 3, 1), freq) == expected


@given(dates, st.integers(1, 800))
def test_act_act_isda_is_additive_over_year_ends(start: dt.date, days: int) -> None:
    end = start + dt.timedelta(days=days)
    mid = start + dt.timedelta(days=days // 2)
    dc = DayCount.ACT_ACT_ISDA
    assert dc.year_fraction(start, mid) + dc.year_fraction(mid, end) == dc.year_fraction(start, end)


def test_peru_holidays_roll_due_dates() -> None:
    """28 Jul 2026 (Fiestas Patrias, a Tuesday) and 29 Jul are Peruvian public holidays."""
    cal = HolidayCalendar.peru()
    assert not cal.is_business_day(d(2026, 7, 28))
    assert not cal.is_business_day(d(2026, 7, 29))
    assert cal.roll(d(2026, 7, 28), BusinessDay.FOLLOWING) == d(2026, 7, 30)
    assert cal.roll(d(2026, 7, 28), BusinessDay.PRECEDING) == d(2026, 7, 27)
    # 31 Oct 2026 is a Saturday: modified following stays in October
    assert cal.roll(d(2026, 10, 31), BusinessDay.FOLLOWING) == d(2026, 11, 2)
    assert cal.roll(d(2026, 10, 31), BusinessDay.MODIFIED_FOLLOWING) == d(2026, 10, 30)
    assert cal.roll(d(2026, 7, 28), BusinessDay.UNADJUSTED) == d(2026, 7, 28)


def test_extra_closing_days_and_weekends() -> None:
    cal = HolidayCalendar(extra=[d(2026, 3, 2)], weekend={6})
    assert cal.is_business_day(d(2026, 2, 28))  # a Saturday counts when only Sunday is off
    assert not cal.is_business_day(d(2026, 3, 1))
    assert cal.roll(d(2026, 3, 1), BusinessDay.FOLLOWING) == d(2026, 3, 3)


def test_rolled_dates_are_used_for_interest() -> None:
    """A due date rolled from Tue 28 Jul to Thu 30 Jul 2026 accrues two more days of interest, and
    the next period two fewer."""
    base = LoanTerms(
        principal="5000",
        rate=Rate.effective_annual("35%"),
        installments=3,
        disbursed=d(2026, 6, 28),
    )
    rolled = base.evolve(business_day="following")
    assert [r.days for r in base.schedule()] == [30, 31, 31]
    assert [r.due_date for r in rolled.schedule()][:1] == [d(2026, 7, 30)]
    assert [r.days for r in rolled.schedule()][:2] == [32, 29]
    assert rolled.schedule()[0].interest > base.schedule()[0].interest


@given(
    st.dates(min_value=dt.date(1850, 1, 1), max_value=dt.date(2350, 12, 31)),
    st.sampled_from([1, 2, 3, 4, 6, 12]),
    st.integers(min_value=0, max_value=600),
)
def test_monthly_dates_from_the_table_equal_the_arithmetic(
    first: dt.date, months: int, count: int
) -> None:
    """The month-ordinal table (1900-2299; issue 22) gives the dates of the one-by-one
    arithmetic, inside the table, across its edges and beyond it (where the arithmetic answers),
    and both are ``first + relativedelta(months=months·k)``."""
    from coopfinance._calendar import _monthly, _monthly_loop

    last = first + relativedelta(months=months * max(count - 1, 0))
    if last.year > 9999:  # pragma: no cover - not reached with these bounds
        return
    want = _monthly_loop(first, months, count)
    assert _monthly(first, months, count) == want
    assert want == [first + relativedelta(months=months * k) for k in range(count)]
