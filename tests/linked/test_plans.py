"""Seasonal plans and the KAS flexible options (skip installments, prepay in the flush season).

Sources for the options: J-PAL "Flexible Repayment Schedules for Dairy Clients in India" and Czura
(2015), the KAS Foundation RCT — Flex A delays two installments, Flex B prepays six during the
lactation (reference dairy-and-coop.md §1.1, §8).
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from coopfinance import Amortization, Frequency, GraceType, LoanTerms, Rate
from coopfinance.dairy import Alfalfa
from coopfinance.errors import InvalidLinkedPlan
from coopfinance.linked import (
    normalized_weights,
    prepay_in_flush,
    seasonal_plan,
    skip_installments,
)

TEA = Rate.effective_annual("0.18")
revenues = st.decimals(min_value=1, max_value=5000, places=2)


@given(
    value=revenues,
    n=st.integers(1, 36),
    principal=st.integers(100, 50_000),
    rate=st.decimals(min_value=0, max_value=Decimal("0.6"), places=3),
)
@example(value=Decimal("633.75"), n=24, principal=5000, rate=Decimal("0.18"))
def test_all_equal_revenue_gives_exactly_the_level_plan(
    value: Decimal, n: int, principal: int, rate: Decimal
) -> None:
    """Weights are revenue normalised to mean 1: equal revenue → weights 1 → the level schedule."""
    terms = seasonal_plan(principal, rate, "2026-01-01", [value] * n)
    assert terms.weights == (Decimal(1),) * n
    level = LoanTerms(principal=principal, rate=Rate.effective_annual(rate), installments=n,
                      disbursed="2026-01-01", frequency="semi-monthly")  # fmt: skip
    assert terms.schedule().installments == level.schedule().installments


@given(st.lists(revenues, min_size=2, max_size=30))
def test_weights_have_mean_one_and_follow_revenue(revenue: list[Decimal]) -> None:
    w = normalized_weights(revenue)
    assert abs(sum(w) - len(w)) < Decimal("1e-25")
    pairs = list(zip(revenue, w, strict=True))
    for (a, wa), (b, wb) in itertools.pairwise(pairs):
        assert (a < b) == (wa < wb)


@given(st.lists(revenues, min_size=2, max_size=24), st.integers(300, 20_000))
def test_seasonal_plan_repays_exactly_and_installments_follow_revenue(
    revenue: list[Decimal], principal: int
) -> None:
    s = seasonal_plan(principal, "18%", "2026-01-01", revenue).schedule()
    # a tiny weight may not cover its interest, which is then capitalized (and repaid later)
    assert s.total_principal == principal + sum(r.capitalized for r in s)
    assert s[-1].balance == 0
    rows = list(s)[:-1]  # the last one absorbs the rounding residual
    for a, b, ra, rb in zip(rows, rows[1:], revenue, revenue[1:], strict=False):
        if ra < rb:
            assert a.total <= b.total


def test_grace_until_the_alfalfa_is_established() -> None:
    """Sown on 1 Jan with 90 days to the first cut: the fortnights due before 1 Apr are grace."""
    plot = Alfalfa(hectares=1, sown="2026-01-01", establishment_days=90)
    revenue = ["0"] * 6 + ["900"] * 18
    t = seasonal_plan("4000", "18%", "2026-01-01", revenue, grace_until=plot.first_cut)
    assert t.grace.periods == 6
    assert t.grace.kind is GraceType.CAPITALIZE
    s = t.schedule()
    assert [r.total for r in s][:6] == [Decimal("0.00")] * 6
    assert s[6].due_date == dt.date(2026, 4, 15)
    assert s[-1].balance == 0


def test_skip_installments_extends_the_term_and_solves_again() -> None:
    base = LoanTerms(principal="2400", rate=TEA, installments=12, disbursed="2026-01-10")
    flex = skip_installments(base, [3, 7])
    dates = flex.dates()
    assert len(dates) == 12
    assert dt.date(2026, 4, 10) not in dates
    assert dt.date(2026, 8, 10) not in dates
    assert dates[-2:] == [dt.date(2027, 2, 10), dt.date(2027, 3, 10)]
    s = flex.schedule()
    assert s.total_principal == Decimal(2400)
    assert s[-1].balance == 0
    assert s.total_interest > base.schedule().total_interest  # longer periods cost interest


def test_skip_on_semi_monthly_keeps_the_settlement_calendar() -> None:
    base = LoanTerms(principal="1000", rate=TEA, installments=4, disbursed="2026-01-01",
                     frequency=Frequency.SEMI_MONTHLY)  # fmt: skip
    assert skip_installments(base, [2]).dates()[-1] == dt.date(2026, 3, 15)


@given(st.integers(1, 12), st.integers(1, 6))
def test_prepay_in_flush_doubles_flush_installments_and_repays_exactly(
    first_month: int, count: int
) -> None:
    base = LoanTerms(principal="3000", rate=TEA, installments=12,
                     disbursed=dt.date(2026, first_month, 1))  # fmt: skip
    in_flush = sum(1 for d in base.dates() if d.month in (6, 7, 8, 9, 10))
    if count > in_flush:
        with pytest.raises(InvalidLinkedPlan, match=f"but only {in_flush} fall there"):
            prepay_in_flush(base, [6, 7, 8, 9, 10], count)
        return
    t = prepay_in_flush(base, [6, 7, 8, 9, 10], count)
    assert t.amortization is Amortization.WEIGHTED
    assert t.weights is not None
    assert sum(1 for w in t.weights if w == 2) == count
    s = t.schedule()
    assert s.total_principal == 3000
    assert s[-1].balance == 0
    doubled = [r for r, w in zip(s, t.weights, strict=False) if w == 2]
    assert all(r.due_date.month in (6, 7, 8, 9, 10) for r in doubled)
    others = [r.total for r, w in zip(list(s)[:-1], t.weights, strict=False) if w == 1]
    assert max(others) < base.schedule().installment_amount  # lighter outside the flush


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: seasonal_plan("1000", "18%", "2026-01-01", ["100", "-5"]), InvalidLinkedPlan,
         r"^'forecast_revenue_per_period' must not be negative \(got -5\) in period 2\.$"),
        (lambda: seasonal_plan("1000", "18%", "2026-01-01", []), InvalidLinkedPlan,
         r"^'forecast_revenue_per_period' must hold at least one period \(got none\)\.$"),
        (lambda: seasonal_plan("1000", "18%", "2026-01-01", ["100", "0"]), InvalidLinkedPlan,
         r"must be positive after grace \(got 0 in period 2\)"),
        (lambda: seasonal_plan("1000", "18%", "2026-01-01", ["1", "2"], installments=3),
         InvalidLinkedPlan, r"one figure per installment, 3 \(got 2\)"),
        (lambda: seasonal_plan("1000", "18%", "2026-01-01", ["1", "2"], grace=2),
         InvalidLinkedPlan, r"^'grace' must leave at least one installment of the 2 \(got 2\)\.$"),
        (lambda: skip_installments(LoanTerms(principal="900", rate=TEA, installments=6,
                                             disbursed="2026-01-01"), [1, 2, 3]),
         InvalidLinkedPlan, r"^'which' may skip at most 2 installments \(got 3\)\.$"),
        (lambda: skip_installments(LoanTerms(principal="900", rate=TEA, installments=6,
                                             disbursed="2026-01-01"), [7]),
         InvalidLinkedPlan, r"^'which' must be installment numbers from 1 to 6 \(got 7\)\.$"),
        (lambda: prepay_in_flush(LoanTerms(principal="900", rate=TEA, installments=3,
                                           disbursed="2026-01-01"), [6], 1),
         InvalidLinkedPlan, r"no installment falls in the flush-season 'months' \[6\]"),
        (lambda: prepay_in_flush(LoanTerms(principal="900", rate=TEA, installments=3,
                                           disbursed="2026-01-01"), [13], 1),
         InvalidLinkedPlan, r"^'months' must be month numbers from 1 to 12 \(got 13\)\.$"),
        (lambda: prepay_in_flush(LoanTerms(principal="900", rate=TEA, installments=3,
                                           disbursed="2026-01-01", amortization="constant-principal"),
                                 [2], 1),
         InvalidLinkedPlan, r"^prepay_in_flush transforms a level schedule \(got constant-principal\)\.$"),
    ],
)  # fmt: skip
def test_bad_input(call: object, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()  # type: ignore[operator]
