"""Issue 22: the cheap ways of making terms and their calendar, each against the exact path.

- the calendar's shared period prices and annuity sums per sequence of period lengths
  (``_builder._PATTERNS``) give the schedule built with nothing shared, byte for byte;
- the level annuity sum by C loops is the one-by-one loop's, digit for digit;
- ``Money.parse`` skips the symbol/code search only where none can be (text that starts and ends
  with a digit) and gives what the search gives;
- ``LoanTerms`` validates under the library's context without switching to it: a caller's
  3-digit context still accepts a principal of 12 digits and still refuses sub-céntimo amounts;
  floats are still refused.
"""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import loan_terms

from coopfinance import Amortization, LoanTerms, Money, Rate
from coopfinance import _builder as builder
from coopfinance._decimal import CONTEXT, ONE, ZERO, parse_number
from coopfinance._money import _symbol_or_code
from coopfinance.errors import InvalidLoanTerms, WrongType


def _fresh(terms: LoanTerms) -> str:
    """The schedule of ``terms`` with no calendar, price or pattern shared with any other loan."""
    builder._calendar_part.cache_clear()
    builder._PATTERNS.clear()
    builder._PRICED.clear()
    return builder.build_schedule(terms).to_json()


@given(
    loan_terms(methods=[Amortization.LEVEL, Amortization.WEIGHTED], max_installments=72),
    st.integers(min_value=1, max_value=3000),
)
def test_a_shared_pattern_gives_the_schedule_built_alone(terms: LoanTerms, shift: int) -> None:
    """A loan whose period lengths were met before (by the same terms disbursed ``shift`` days
    later, built first) takes the shared prices and annuity sums: its schedule is the one built
    with nothing shared."""
    alone = _fresh(terms)
    other = terms.evolve(
        disbursed=terms.disbursed + dt.timedelta(days=shift),
        first_due=None if terms.first_due is None else terms.first_due + dt.timedelta(days=shift),
        due_dates=None
        if terms.due_dates is None
        else [d + dt.timedelta(days=shift) for d in terms.due_dates],
    )
    builder._calendar_part.cache_clear()
    builder.build_schedule(other)  # may leave the same lengths' pattern behind
    builder.build_schedule(terms)  # may leave its own behind
    builder._calendar_part.cache_clear()  # a new calendar, from the shared pattern
    assert builder.build_schedule(terms).to_json() == alone


def test_two_dates_of_one_month_share_one_pattern() -> None:
    """Disbursed on the 3rd and the 20th of March 2026: the same month lengths, one pattern."""
    rate = Rate.effective_annual("35%")
    builder._PATTERNS.clear()
    builder._calendar_part.cache_clear()
    for day in (3, 20):
        LoanTerms(
            principal="5000", rate=rate, installments=12, disbursed=dt.date(2026, 3, day)
        ).schedule()
    assert len(builder._PATTERNS) == 1


@given(st.lists(st.decimals(min_value="0.5", max_value="1", places=34), max_size=60))
def test_annuity_sum_by_c_loops_is_the_loop(discounts: list[Decimal]) -> None:
    """``Σ_k Π_{j≤k} d_j`` by ``accumulate``/``sum`` against the loop it replaced, in 34 digits."""
    from itertools import accumulate
    from operator import mul

    with decimal.localcontext(CONTEXT):
        v, want = ONE, ZERO
        for d in discounts:
            v *= d
            want += v
        got = sum(accumulate(discounts, mul), ZERO)
    assert str(got) == str(want)


@given(
    st.integers(min_value=0, max_value=10**12),
    st.integers(min_value=0, max_value=99),
    st.booleans(),
    st.sampled_from(["", " ", "  "]),
)
def test_money_parse_of_plain_numbers_skips_nothing(
    whole: int, cents: int, grouped: bool, pad: str
) -> None:
    """Text that starts and ends with a digit has no symbol or code: the search finds none, and
    the amount is the plain number's, in soles."""
    digits = f"{whole:,}" if grouped else str(whole)
    text = f"{pad}{digits}.{cents:02d}{pad}"
    assert _symbol_or_code(text.strip()) == (None, text.strip())
    got = Money.parse(text)
    assert got == Money(parse_number(text.strip(), field="amount"), "PEN")
    assert got.amount == Decimal(whole) + Decimal(cents) / 100


@pytest.mark.parametrize(
    ("text", "amount", "code"),
    [
        ("S/ 1,250.50", "1250.50", "PEN"),
        ("1250.50 USD", "1250.50", "USD"),
        ("PEN 12", "12", "PEN"),
        ("US$ 3", "3", "USD"),
        ("7", "7", "PEN"),
        ("7 ", "7", "PEN"),
    ],
)
def test_money_parse_still_reads_symbols_and_codes(text: str, amount: str, code: str) -> None:
    got = Money.parse(text)
    assert (got.amount, got.currency.code) == (Decimal(amount), code)


def test_terms_validate_in_the_library_context_whatever_the_callers() -> None:
    """Validation names the library's context for its remainders: a caller's 3-digit context does
    not turn a 12-digit principal into an error (a remainder needs the quotient's digits), nor let
    a sub-céntimo one through."""
    rate = Rate.effective_annual("35%")
    with decimal.localcontext(decimal.Context(prec=3, traps=[decimal.InvalidOperation])):
        terms = LoanTerms(
            principal="123456789012.34", rate=rate, installments=12, disbursed="2026-01-15"
        )
        with pytest.raises(InvalidLoanTerms, match="whole number of PEN"):
            LoanTerms(principal="123456789.125", rate=rate, installments=12, disbursed="2026-01-15")
        with pytest.raises(InvalidLoanTerms, match="'charges' amount"):
            LoanTerms(
                principal="5000",
                rate=rate,
                installments=12,
                disbursed="2026-01-15",
                charges=["upfront:10.005"],
            )
    assert terms.principal.amount == Decimal("123456789012.34")


def test_floats_are_still_refused() -> None:
    rate = Rate.effective_annual("35%")
    with pytest.raises(WrongType):
        LoanTerms(principal=5000.0, rate=rate, installments=12, disbursed="2026-01-15")  # type: ignore[arg-type]


def test_shared_defaults_are_equal_to_new_ones() -> None:
    """The default calendar, grace and rounding are one shared instance each, equal to new ones."""
    from coopfinance import Grace, HolidayCalendar, RoundingPolicy

    a = LoanTerms(
        principal="5000", rate=Rate.effective_annual("35%"), installments=12, disbursed="2026-01-15"
    )
    b = LoanTerms(
        principal="5000",
        rate=Rate.effective_annual("35%"),
        installments=12,
        disbursed="2026-01-15",
        holidays=HolidayCalendar.peru(),
        grace=Grace(),
        rounding=RoundingPolicy(),
    )
    assert a == b
    assert hash(a) == hash(b)
    assert (
        a.holidays
        is LoanTerms(principal="1", rate=a.rate, installments=1, disbursed="2026-01-15").holidays
    )


@given(
    st.dates(min_value=dt.date(1890, 1, 1), max_value=dt.date(2310, 12, 31)),
    st.sampled_from(["monthly", "bimonthly", "quarterly", "semiannual", "annual"]),
    st.integers(min_value=1, max_value=120),
)
def test_the_calendars_month_table_path_gives_calendar_dates(
    disbursed: dt.date, frequency: str, count: int
) -> None:
    """The builder's calendar takes month-based, unadjusted dates straight from the month table
    as ordinals: the dates and days of :func:`calendar_dates`, inside the table and beyond it."""
    from coopfinance._calendar import BusinessDay, DayCount, Frequency, calendar_dates
    from coopfinance._terms import _PERU

    freq = Frequency.parse(frequency)
    want = calendar_dates(disbursed, freq, count, None, None, BusinessDay.UNADJUSTED, _PERU)
    if want[-1].year > 9000:  # pragma: no cover - not reached with these bounds
        return
    rate = Rate.effective_annual("35%")
    for dc in (DayCount.ACT_360, DayCount.THIRTY_360):
        builder._calendar_part.cache_clear()
        cal = builder._calendar_part(
            disbursed, freq, count, None, None, BusinessDay.UNADJUSTED, _PERU, rate, dc
        )
        assert list(cal.dates) == want
        starts = [disbursed, *want[:-1]]
        assert list(cal.days) == [(b - a).days for a, b in zip(starts, want, strict=True)]
