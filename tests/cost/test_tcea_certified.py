"""The TCEA to 10 places, certified: the float root rounded and proved by two signs, against the
exact (20-place decimal) solver rounded to 10 places.

:func:`solve_power_rounded` answers from :func:`_certified_power` when the certificate holds and
from ``solve_power(…).quantize(q)`` otherwise; both must give the same figure. The certificate is
tested hardest where it could lie: roots at, or within 1e-15 of, a rounding boundary
``k·10⁻¹⁰ + 5·10⁻¹¹``, built from flows whose root is known exactly.
"""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal

from hypothesis import example, given
from hypothesis import strategies as st
from tests.cost.test_fast_path import loan_flows
from tests.strategies import loan_terms

from coopfinance import LoanTerms, Rate
from coopfinance.cost import tcea
from coopfinance.cost._components import components, schedule_flows
from coopfinance.cost._solver import _certified_power, solve_power, solve_power_rounded
from coopfinance.errors import NoSolution

D = Decimal
Q = D("1e-10")


def _exact(amounts: list[Decimal], times: list[int], unit: int, places: int = 10) -> Decimal:
    return solve_power(amounts, times, unit).quantize(D(1).scaleb(-places))


@given(loan_flows(), st.sampled_from([4, 6, 10, 12, 15]))
@example(([D("-100"), D("148.50"), D("49.50")], [0, 1, 26], 1), 10)
@example(([D("-56807046"), *[D("46581777.72")] * 3], [0, 2, 4, 99], 1), 10)
@example(([D("-100"), D("103.33"), D("20.67")], [0, 1, 96], 360), 10)  # beyond the bracket
def test_rounded_rate_is_the_exact_rate_rounded(
    flows: tuple[list[Decimal], list[int], int], places: int
) -> None:
    """Whichever path answers, the figure is the exact solver's rounded to ``places``; when the
    exact solver refuses (no root in range), so does the rounded one (the certificate declines)."""
    amounts, days, unit = flows
    try:
        want = _exact(amounts, days, unit, places)
    except NoSolution:
        assert _certified_power(amounts, days, unit, places) is None
        return
    assert solve_power_rounded(amounts, days, unit, places=places) == want
    certified = _certified_power(amounts, days, unit, places)
    assert certified is None or certified == want


def _flows_with_root(x: Decimal, periods: int, unit: int, principal: int) -> list[Decimal]:
    """``−P`` now and ``P·(1 + x)^(periods/unit)`` after ``periods`` units, with ``periods`` a
    multiple of ``unit``: the root is exactly ``x``."""
    with decimal.localcontext(decimal.Context(prec=400)):
        back = principal * (1 + x) ** (periods // unit)
    return [D(-principal), back]


@given(
    k=st.integers(min_value=-9_000_000_000, max_value=20_000_000_000),
    offset=st.sampled_from(
        [D(0), D("1e-18"), D("-1e-18"), D("1e-16"), D("-1e-16"), D("1e-15"), D("-1e-15")]
    ),
    years=st.integers(min_value=1, max_value=3),
    unit=st.sampled_from([1, 12, 360]),
    principal=st.integers(min_value=1, max_value=10**9),
)
@example(k=3_500_000_000, offset=D(0), years=1, unit=1, principal=100)
def test_a_root_at_or_beside_a_rounding_boundary(
    k: int, offset: Decimal, years: int, unit: int, principal: int
) -> None:
    """Root ``x = k·10⁻¹⁰ + 5·10⁻¹¹ + δ``, ``|δ| ≤ 10⁻¹⁵``: the certificate must decline or
    give the true rounding (down for δ < 0, up for δ > 0, half to even at δ = 0)."""
    x = D(k) * Q + D("5e-11") + offset
    amounts = _flows_with_root(x, years * unit, unit, principal)
    times = [0, years * unit]
    if offset < 0:
        want = D(k) * Q
    elif offset > 0:
        want = D(k + 1) * Q
    else:
        want = (D(k) * Q + D("5e-11")).quantize(Q)  # half to even
    certified = _certified_power(amounts, times, unit, 10)
    assert certified is None or certified == want, (certified, want, x)
    if offset == 0:
        assert certified is None  # a tie can never be certified
    if abs(offset) >= D("1e-16"):  # the 20-place exact solver resolves these
        assert solve_power_rounded(amounts, times, unit, places=10) == want


@given(
    x=st.decimals(min_value=D("-0.9"), max_value=D("50"), places=10),
    years=st.integers(min_value=1, max_value=4),
)
def test_a_root_on_the_grid_is_returned_exactly(x: Decimal, years: int) -> None:
    """A root that is itself a multiple of 10⁻¹⁰ is returned as it is, and certified (it is as
    far as can be from both ends of its interval) unless it is within 1e-8 of 0, where the float
    stage leaves a possible rate of exactly 0 to the exact solver."""
    amounts = _flows_with_root(x, years * 360, 360, 1000)
    times = [0, years * 360]
    assert solve_power_rounded(amounts, times, 360, places=10) == x
    if abs(x) > D("1e-8"):
        assert _certified_power(amounts, times, 360, 10) == x


@given(loan_terms(max_installments=48))
def test_tcea_of_random_terms_is_the_exact_rate_rounded(terms: LoanTerms) -> None:
    """``tcea(schedule)`` on wide random terms: the exact solver's root on the same flows, to 10
    places (the extraction is tested against ``schedule_flows`` in test_fast_path.py)."""
    schedule = terms.schedule()
    net, paid = schedule_flows(schedule, components(None, "tcea"))
    start = schedule.disbursed
    amounts = [-net, *(a for _, a in paid)]
    days = [0, *((d - start).days for d, _ in paid)]
    try:
        want = _exact(amounts, days, 360)
    except NoSolution:
        return
    if net <= 0:
        return
    assert tcea(schedule) == want


def test_the_sbs_example_and_the_docstring_figures_stand() -> None:
    """Res. SBS 8181-2012 style example in tcea's docstring: 5,000 at TEA 35 % in 12 monthly
    installments — TCEA = TEA (35.00 %), and 40.35 % with S/ 100 withheld."""
    s = LoanTerms(
        principal="5000", rate=Rate.effective_annual("35%"), installments=12, disbursed="2026-01-15"
    ).schedule()
    assert tcea(s).quantize(D("0.0001")) == D("0.3500")
    assert tcea(s, received="4900").quantize(D("0.0001")) == D("0.4035")
    assert tcea(s).as_tuple().exponent == -10
    flows = [(dt.date(2026, 1, 1), D("10000.00")), (dt.date(2026, 1, 31), D("-10598.11"))]
    assert tcea(flows) == ((D("10598.11") / D("10000")) ** 12 - 1).quantize(Q)
