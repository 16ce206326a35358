"""Financial properties of the cost-of-credit rates, checked on generated loans."""

from __future__ import annotations

import datetime as dt
import decimal
import math
from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from coopfinance import LoanTerms, Rate
from coopfinance._calendar import add_months
from coopfinance._decimal import CONTEXT
from coopfinance.cost import apr, aprc, irr, npv, tcea, xirr, xnpv

START = dt.date(2026, 1, 15)

cents = st.integers(min_value=1, max_value=10**9).map(lambda c: Decimal(c).scaleb(-2))


@st.composite
def loans(draw: st.DrawFn) -> tuple[list[tuple[dt.date, Decimal]], list[tuple[dt.date, Decimal]]]:
    """A single advance on START and 1–40 payments 7–95 days apart, totalling 1 % to 150 %
    more than it (at most 1 % per 10 days of term, so the rate stays below 1,000,000 % a year)."""
    n = draw(st.integers(min_value=1, max_value=40))
    gaps = draw(st.lists(st.integers(min_value=7, max_value=95), min_size=n, max_size=n))
    principal = draw(st.integers(min_value=100, max_value=10**7))
    markup = draw(st.integers(min_value=1, max_value=max(1, min(150, sum(gaps) // 10))))
    weights = draw(st.lists(st.integers(min_value=1, max_value=5), min_size=n, max_size=n))
    total = Decimal(principal) * (100 + markup) / 100
    pays, day = [], START
    for g, w in zip(gaps, weights, strict=True):
        day += dt.timedelta(days=g)
        pays.append((day, (total * w / sum(weights)).quantize(Decimal("0.01"))))
    return [(START, Decimal(principal))], pays


def _signed(
    adv: list[tuple[dt.date, Decimal]], pay: list[tuple[dt.date, Decimal]]
) -> list[tuple[dt.date, Decimal]]:
    return [*adv, *[(d, -a) for d, a in pay]]


def _bisect_xirr(flows: list[tuple[dt.date, Decimal]]) -> float:
    """An independent plain bisection for the ACT/365 XIRR, in float."""
    d0 = flows[0][0]
    ts = [(d - d0).days / 365 for d, _ in flows]
    cs = [float(a) for _, a in flows]

    def f(r: float) -> float:
        return sum(c * (1 + r) ** -t for c, t in zip(cs, ts, strict=True))

    lo, hi = -0.99, 10000.0
    flo = f(lo)
    for _ in range(200):
        mid = (lo + hi) / 2
        fm = f(mid)
        if (fm > 0) == (flo > 0):
            lo, flo = mid, fm
        else:
            hi = mid
    return (lo + hi) / 2


@settings(max_examples=60, deadline=None)
@given(loans())
def test_xnpv_is_zero_at_the_xirr(loan: tuple[list, list]) -> None:
    """The present value at the solved rate is zero to ~1e-20 of the amounts."""
    flows = _signed(*loan)
    rate = xirr(flows)
    scale = sum(abs(a) for _, a in flows)
    assert abs(xnpv(rate, flows)) <= scale * Decimal("1e-18")


@settings(max_examples=60, deadline=None)
@given(loans())
def test_xirr_agrees_with_plain_bisection(loan: tuple[list, list]) -> None:
    """xirr equals an independent float bisection of the same equation to 1e-9 (relative)."""
    flows = _signed(*loan)
    assert math.isclose(float(xirr(flows)), _bisect_xirr(flows), rel_tol=1e-9, abs_tol=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=60),
    st.integers(min_value=20, max_value=100),
)
@example([1, 1], 100)
def test_npv_is_zero_at_the_irr(payments: list[int], percent_lent: int) -> None:
    """npv(irr(v), v) is zero to ~1e-18 of the amounts, for a loan of 20 %–100 % of the payments."""
    values = [-(sum(payments) * percent_lent // 100) or -1, *payments]
    rate = irr(values)
    assert abs(npv(rate, values)) <= sum(map(abs, values)) * Decimal("1e-18")


@settings(max_examples=40, deadline=None)
@given(loans(), st.integers(min_value=2, max_value=10**6))
def test_apr_and_aprc_do_not_depend_on_the_currency_unit(loan: tuple[list, list], k: int) -> None:
    """Multiplying every amount by the same factor leaves the APR and the APRC unchanged."""
    adv, pay = loan
    scaled_adv = [(d, a * k) for d, a in adv]
    scaled_pay = [(d, a * k) for d, a in pay]
    assert abs(apr(adv, pay) - apr(scaled_adv, scaled_pay)) < Decimal("1e-15")
    assert abs(aprc(adv, pay) - aprc(scaled_adv, scaled_pay)) < Decimal("1e-15")


@settings(max_examples=40, deadline=None)
@given(loans(), cents)
def test_a_fee_never_lowers_the_rate(loan: tuple[list, list], fee: Decimal) -> None:
    """A fee (up to 2 % of the loan) — withheld from the advance, or added to the first payment —
    never lowers the TCEA, the APR or the APRC; being positive, it raises them."""
    adv, pay = loan
    principal = adv[0][1]
    fee = min(fee, principal / 50)
    withheld = [(adv[0][0], principal - fee)]
    first_dearer = [(pay[0][0], pay[0][1] + fee), *pay[1:]]
    base_tcea = tcea(_signed(adv, pay))
    assert tcea(_signed(withheld, pay)) > base_tcea
    assert tcea(_signed(adv, first_dearer)) > base_tcea
    assert apr(withheld, pay) > apr(adv, pay)
    assert apr(adv, first_dearer) > apr(adv, pay)
    assert aprc(withheld, pay) > aprc(adv, pay)
    assert aprc(adv, first_dearer) > aprc(adv, pay)


tea_values = st.integers(min_value=1, max_value=20000).map(lambda bp: Decimal(bp).scaleb(-4))


@settings(max_examples=40, deadline=None)
@given(tea_values, st.integers(min_value=1, max_value=60), st.integers(min_value=0, max_value=27))
def test_tcea_equals_tea_without_charges_on_exact_flows(tea: Decimal, n: int, day: int) -> None:
    """Level installments computed exactly (34 digits, not rounded to céntimos) from a TEA on
    actual days / 360 give back that TEA as TCEA to 1e-15: no charge, no difference."""
    first = START + dt.timedelta(days=day)
    dates = [add_months(first, k) for k in range(1, n + 1)]
    with decimal.localcontext(CONTEXT):
        factors = [(1 + tea) ** (-Decimal((d - first).days) / 360) for d in dates]
        c = Decimal(10000) / sum(factors)
    flows = [(first, Decimal(10000)), *[(d, -c) for d in dates]]
    assert abs(tcea(flows) - tea) < Decimal("1e-15")


@settings(max_examples=30, deadline=None)
@given(
    tea_values,
    st.integers(min_value=1, max_value=48),
    st.integers(min_value=100_000, max_value=100_000_000),
)
def test_tcea_equals_tea_on_a_schedule_up_to_cent_rounding(
    tea: Decimal, n: int, soles: int
) -> None:
    """A LoanTerms schedule without charges has TCEA = TEA except for rounding rows to céntimos.

    Bound: each row's interest is rounded by at most half a céntimo and the last row takes the
    residue, so the installments' present value at the TEA is within n·0.005 of the principal;
    the rate then moves by at most that over the slope Σ tₖ·Cₖ·vₖ/(1 + TEA) (doubled for safety).
    """
    terms = LoanTerms(
        principal=Decimal(soles),
        rate=Rate.effective_annual(f"{tea * 100}%"),
        installments=n,
        disbursed=START,
    )
    schedule = terms.schedule()
    r = float(tea)
    slope = sum(
        (row.due_date - START).days
        / 360
        * float(row.total)
        * (1 + r) ** (-(row.due_date - START).days / 360)
        / (1 + r)
        for row in schedule
    )
    bound = 2 * (n * 0.005 + 0.005) / slope
    assert abs(float(tcea(schedule) - tea)) <= bound


def test_tcea_equals_tea_within_1e9_on_a_large_loan() -> None:
    """S/ 50 million over 36 months at TEA 35 %: the céntimo rounding moves the TCEA by < 1e-9."""
    schedule = LoanTerms(
        principal="50000000", rate=Rate.effective_annual("35%"), installments=36, disbursed=START
    ).schedule()
    assert abs(tcea(schedule) - Decimal("0.35")) < Decimal("1e-9")


def test_received_and_charges_raise_the_tcea_of_a_schedule() -> None:
    """A fee withheld (``received``) or a charge on a row raises the TCEA of a schedule."""
    schedule = LoanTerms(
        principal="5000", rate=Rate.effective_annual("35%"), installments=12, disbursed=START
    ).schedule()
    base = tcea(schedule)
    assert tcea(schedule, received="4950") > base
    charged = LoanTerms(
        principal="5000",
        rate=Rate.effective_annual("35%"),
        installments=12,
        disbursed=START,
        charges=["installment:5.00"],
    ).schedule()
    assert charged[0].fees == Decimal("5.00")
    assert tcea(charged) > base
