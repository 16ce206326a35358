"""The disclosed rate prices time as the schedule does (issue 15 §5).

- SBS: the TCEA solves ``Σ Fⱼ(1 + TCEA)^(−dⱼ/360) = monto recibido``; with equal 30-day periods
  the same figure is ``TCEA = (1 + TCEM)^12 − 1`` with the TCEM the periodic IRR (Res. SBS
  8181-2012, now 3274-2017; see /work/shared/reference/cost-of-credit.md §1.4). A fee-free loan
  has TCEA = TEA "exactly": here for every day count.
- EU CCD 2008/48/EC Annex I remark (c) and the Commission's guidelines SWD(2012) 128 §4.1.1:
  time may be measured in years, months (each 1/12 year) and days; on the equal-months basis the
  APRC of a monthly plan does not depend on the day of the month it starts.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from coopfinance import DayCount, Frequency, LoanTerms, Rate
from coopfinance.cost import TimeBasis, aprc, cost_of_credit, tcea
from coopfinance.cost._solver import solve_power

D = Decimal


def _terms(day_count: DayCount, tea: str, n: int, start: dt.date, **kw: object) -> LoanTerms:
    return LoanTerms(
        principal="10000",
        rate=Rate.effective_annual(tea),
        installments=n,
        disbursed=start,
        day_count=day_count,
        **kw,  # type: ignore[arg-type]
    )


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(list(DayCount)),
    st.integers(5, 90).map(lambda p: f"{p}%"),
    st.integers(1, 36),
    st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31)),
    st.sampled_from([Frequency.MONTHLY, Frequency.parse("biweekly"), Frequency.parse("quarterly")]),
)
def test_no_fees_means_tcea_equals_tea_for_every_day_count(
    dc: DayCount, tea: str, n: int, start: dt.date, freq: Frequency
) -> None:
    terms = _terms(dc, tea, n, start, frequency=freq)
    c = cost_of_credit(terms)
    # rounding the rows to céntimos moves the rate by far less than 0.005 points (2 dp in %)
    assert abs(c.tcea - c.tea) < D("0.00005"), (dc, c.tcea, c.tea)
    assert (c.tcea * 100).quantize(D("0.01")) == (c.tea * 100).quantize(D("0.01"))


def test_thirty_360_tcea_is_the_tcem_annualized_as_the_sbs_states() -> None:
    """30/360: every month is 30 days, the TCEM (periodic IRR) to the 12th power."""
    terms = _terms(DayCount.THIRTY_360, "35%", 12, dt.date(2026, 1, 15), charges=["installment:10"])
    s = terms.schedule()
    tcem = solve_power([-s.principal, *(r.total for r in s)], list(range(13)))
    want = (1 + tcem) ** 12 - 1
    got = cost_of_credit(terms).tcea
    assert got == want.quantize(D("1e-10"))  # the TCEA's stated precision: 10 places
    # the bare schedule (no day count known) counts actual days, as before: a different figure
    assert abs(tcea(s) - want) > D("0.0001")


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 27), st.integers(1, 12), st.integers(6, 36))
def test_equal_months_aprc_does_not_move_with_the_disbursement_day(
    day: int, month: int, n: int
) -> None:
    """A 30/360 monthly plan with a fee: the same flows month by month, whatever the start;
    on the equal-months basis the same APRC (the calendar basis moves with the dates). Day 28
    is left out: counted back from 28 February, a month-end, the guidelines land on 31 January."""
    base = _terms(DayCount.THIRTY_360, "24%", n, dt.date(2026, 1, 1), charges=["upfront:2%"])
    other = base.evolve(disbursed=dt.date(2027, month, day))
    assert [r.total for r in base.schedule()] == [r.total for r in other.schedule()]
    a = cost_of_credit(base, time_basis="equal-months").aprc
    b = cost_of_credit(other, time_basis=TimeBasis.EQUAL_MONTHS).aprc
    assert abs(a - b) < D("1e-12")


def test_equal_last_installment_assumption() -> None:
    """The representative example assumes equal installments: with ``equal_last`` the APRC is
    the one of n equal installments, computed here with the low-level solver."""
    terms = _terms(DayCount.ACT_360, "20%", 12, dt.date(2026, 1, 15), charges=["upfront:100"])
    s = terms.schedule()
    assert s.installments[-1].total != s.installment_amount  # the rounding residue is there
    flows = [(r.due_date, s.installment_amount) for r in s]
    want = aprc([(s.disbursed, s.principal - s.fees_withheld)], flows)
    assert cost_of_credit(terms, equal_last=True).aprc == want
    assert cost_of_credit(terms).aprc != want
