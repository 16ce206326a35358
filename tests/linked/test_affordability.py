"""Affordability (capacity ratio of net milk income per period) and the SACCO loan limit.

Sources: reference dairy-and-coop.md §8 — installment ≤ 30 % of net income (Gestión; 20 % low
income, 40 % max); Centenary SACCO "Kamua" loan: at most 9× the average monthly milk proceeds over
3 months, at least 3 months of deliveries
(https://www.centenarysacco.org/web/index.php/fosa-services/loans/agricultural-loans/kamua-loan).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from coopfinance.errors import InvalidLinkedPlan
from coopfinance.linked import affordability, loan_limit

incomes = st.lists(st.integers(150, 4000).map(Decimal), min_size=1, max_size=30)


@given(
    income=incomes,
    method=st.sampled_from(["level", "weighted"]),
    capacity=st.sampled_from(["20%", "30%", "40%"]),
    grace=st.integers(0, 2),
)
@example(income=[Decimal(500)] * 6, method="level", capacity="30%", grace=0)
def test_largest_loan_fits_every_period_and_one_more_step_does_not(
    income: list[Decimal], method: str, capacity: str, grace: int
) -> None:
    if grace >= len(income):
        grace = 0
    a = affordability(income, "18%", disbursed="2026-01-01", amortization=method,
                      capacity=capacity, grace=grace)  # fmt: skip
    rows = [r for r in a.schedule if r.number > 0]
    assert all(r.total <= lim for r, lim in zip(rows, a.limits, strict=False))
    assert a.schedule.principal == a.principal
    assert a.principal == a.principal.to_integral_value()
    bigger = a.terms.evolve(principal=a.principal + 2).schedule()
    assert any(
        r.total > lim for r, lim in zip([r for r in bigger if r.number > 0], a.limits, strict=False)
    )
    assert min(a.headroom) >= 0


def test_level_loan_is_bound_by_the_leanest_period() -> None:
    """Level installments at 30 %: the smallest income binds (S/ 500 → S/ 150 a fortnight).

    By hand: fortnights of 14, 16 and 15 days at TEA 18 %, vₖ = Π 1.18^(−d/360), Σ vₖ = 2.95941,
    so P* = 150 · Σ vₖ = 443.91 → S/ 443.
    """
    a = affordability(["800", "500", "650"], "18%", disbursed="2026-01-01")
    assert a.binding_period == 2
    assert max(r.total for r in a.schedule) <= Decimal("150.00")
    assert a.principal == Decimal(443)


def test_seasonal_weights_lend_more_than_level() -> None:
    income = ["500", "500", "650", "650", "800", "800"]
    level = affordability(income, "18%", disbursed="2026-01-01")
    seasonal = affordability(income, "18%", disbursed="2026-01-01", amortization="weighted")
    assert seasonal.principal > level.principal


def test_loan_limit_is_nine_times_average_of_last_three_months() -> None:
    assert loan_limit(["1000", "1180.50", "1265.00", "1302.10"]) == Decimal("11242.80")
    assert loan_limit(["900", "900", "900"], multiple=4) == Decimal("3600.00")


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: affordability(["100", "-1"], "18%", disbursed="2026-01-01"),
         r"^'net_milk_income_by_period' must not be negative \(got -1\) in period 2\.$"),
        (lambda: affordability([], "18%", disbursed="2026-01-01"),
         r"^'net_milk_income_by_period' must hold at least one period \(got none\)\.$"),
        (lambda: affordability(["100"], "18%", disbursed="2026-01-01", capacity="1.2"),
         r"^'capacity' must be a share between 0 and 1 \(got 1\.2\)\.$"),
        (lambda: affordability(["100", "0"], "18%", disbursed="2026-01-01"),
         r"^no loan of at least 1 is affordable: installment 2 may take at most 0\.00"),
        (lambda: affordability(["100"], "18%", disbursed="2026-01-01", amortization="bullet"),
         r"^'amortization' must be level or weighted \(got bullet\)\.$"),
        (lambda: loan_limit(["1000", "1200"]),
         r"^'monthly_proceeds' must cover at least 3 months of deliveries \(got 2\)\.$"),
        (lambda: loan_limit(["1000", "1200", "-5"]),
         r"^'monthly_proceeds' must not be negative \(got -5\) in period 3\.$"),
    ],
)  # fmt: skip
def test_bad_input(call: object, match: str) -> None:
    with pytest.raises(InvalidLinkedPlan, match=match):
        call()  # type: ignore[operator]
