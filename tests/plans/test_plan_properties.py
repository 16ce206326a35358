"""Properties of projections and indicators (issue 6 §4): they hold for any plan."""

from __future__ import annotations

from decimal import Decimal

import attrs
from hypothesis import assume, given
from hypothesis import strategies as st
from tests.strategies import plans

from coopfinance.cost import npv
from coopfinance.errors import NoSolution
from coopfinance.plans import break_even, plan_irr, project
from coopfinance.plans._indicators import evaluations
from coopfinance.plans._operations import month_index
from coopfinance.plans._projection import MONEY_FIELDS
from coopfinance.plans._sensitivity import run

CENT = Decimal("0.01")


@given(plans())
def test_yearly_totals_are_sums_of_monthly_lines(plan):
    """Every money column of a year is the sum of its months; balances are the year-end ones."""
    p = project(plan)
    assert len(p.monthly) == plan.months + 1
    assert p.yearly[0] == p.monthly[0]
    for y in range(1, plan.horizon_years + 1):
        block = p.monthly[12 * (y - 1) + 1 : 12 * y + 1]
        for name in MONEY_FIELDS:
            assert getattr(p.yearly[y], name) == sum(getattr(m, name) for m in block), name
        assert p.yearly[y].loan_balance == block[-1].loan_balance
        assert p.yearly[y].cash_balance == block[-1].cash_balance
    for name in MONEY_FIELDS:
        assert p.total(name) == sum(getattr(m, name) for m in p.monthly)


@given(plans())
def test_each_row_adds_up(plan):
    """Income statement and cash flow identities hold row by row, and the cash balance accumulates."""
    p = project(plan)
    cash = plan.financing.own_funds
    for r in p.monthly + p.yearly:
        assert r.revenue == r.milk_revenue + r.other_income
        assert r.ebitda == r.revenue - r.variable_costs - r.fixed_costs
        assert r.ebit == r.ebitda - r.depreciation
        assert r.profit_before_tax == r.ebit - r.interest - r.loan_charges
        assert r.net_profit == r.profit_before_tax - r.income_tax
        capital = -r.investment - r.working_capital + r.working_capital_recovery + r.residual_value
        assert r.economic_flow == r.ebitda - r.economic_tax + capital
        assert r.debt_service == r.principal_repaid + r.interest_paid + r.charges_paid
        assert r.financial_flow == (
            r.ebitda - r.income_tax + capital + r.loan_disbursement + r.grant - r.debt_service
        )
        for name in MONEY_FIELDS:
            assert getattr(r, name) == getattr(r, name).quantize(CENT), name
    for r in p.monthly:
        cash += r.financial_flow
        assert r.cash_balance == cash


@given(plans())
def test_investments_are_recovered_through_depreciation_and_residual_value(plan):
    """Depreciation over the horizon plus the residual value is the cost of what was invested."""
    p = project(plan)
    invested = sum(inv.cost for inv in plan.investments)
    assert p.total("investment") == invested
    assert p.total("depreciation") + p.total("residual_value") == invested
    assert p.total("working_capital") == plan.working_capital
    assert p.total("working_capital_recovery") == plan.working_capital


@given(plans(loan=True))
def test_loan_balance_and_debt_service_are_the_schedules(plan):
    """The plan's loan balance after each installment is the schedule's; debt service totals match."""
    p = project(plan)
    s = p.schedule
    assert s is not None
    for row in s.installments:
        k = month_index(plan.start, row.due_date)
        last_in_month = [r for r in s.installments if month_index(plan.start, r.due_date) == k][-1]
        assert p.monthly[k].loan_balance == last_in_month.balance
    assert p.monthly[-1].loan_balance == 0
    assert p.total("principal_repaid") == s.total_principal
    assert p.total("interest_paid") == s.total_interest
    assert p.total("debt_service") == s.total_payments
    assert p.total("loan_disbursement") == s.net_disbursement
    assert p.total("interest") == s.total_interest + sum(r.capitalized for r in s.installments)


@given(plans())
def test_npv_at_the_irr_is_zero(plan):
    """Wherever the IRR exists, discounting the flows at it leaves (numerically) nothing."""
    p = project(plan)
    wo = project(plan, plan.without_plan, with_plan=False) if plan.without_plan else None
    for ev in evaluations(plan.cok, p, wo):
        if ev.irr is None:
            assert ev.irr_problem
            continue
        scale = sum(abs(f) for f in ev.flows)
        assert abs(npv(ev.irr, ev.flows)) <= scale * Decimal("1e-12")


def _with_price(plan, percent):
    return plan.evolve(with_plan=plan.with_plan.scaled(price=Decimal(percent) / 100))


@given(plans(), st.integers(0, 300), st.integers(0, 300))
def test_more_revenue_never_lowers_npv(plan, a, b):
    """Raising the plan's milk price (by factors a ≤ b, in %) never lowers its economic or financial
    NPV, incremental or not (tax takes a share of a positive profit, never more than the gain)."""
    lo, hi = sorted((a, b))
    _, _, e_lo, f_lo = run(_with_price(plan, lo))
    _, _, e_hi, f_hi = run(_with_price(plan, hi))
    assert e_lo.npv <= e_hi.npv
    assert f_lo.npv <= f_hi.npv


@given(plans(), st.integers(0, 20000))
def test_more_other_income_never_lowers_npv(plan, extra):
    """Adding income other than milk never lowers the NPV."""
    from coopfinance.plans import BudgetLine

    more = (*plan.with_plan.other_income, BudgetLine(name="extra", amount=extra, per="year"))
    richer = plan.evolve(with_plan=attrs.evolve(plan.with_plan, other_income=more))
    assert run(plan)[2].npv <= run(richer)[2].npv


@given(plans(without=False))
def test_break_even_price_makes_profit_zero(plan):
    """At each year's break-even price, that year's profit before tax is zero (to monthly rounding)."""
    p = project(plan)
    prices = [plan.with_plan.price_in_year(y) for y in range(1, plan.horizon_years + 1)]
    points = break_even(p, prices)
    assume(all(pt.price_per_litre is not None and pt.price_per_litre >= 0 for pt in points))
    at_break_even = plan.with_plan.with_prices([pt.price_per_litre for pt in points])
    q = project(plan.evolve(with_plan=at_break_even), at_break_even)
    for y in range(1, plan.horizon_years + 1):
        assert abs(q.yearly[y].profit_before_tax) <= Decimal("0.06")


@given(plans(without=False))
def test_break_even_volume_makes_profit_zero(plan):
    """At the break-even litres, profit before tax is zero (to the rounding of the monthly lines)."""
    p = project(plan)
    prices = [plan.with_plan.price_in_year(y) for y in range(1, plan.horizon_years + 1)]
    pt = break_even(p, prices)[0]
    row = p.yearly[1]
    assume(pt.litres_per_day is not None and row.litres > 0 and pt.fixed_costs > 0)
    factor = pt.litres_per_day * row.days / row.litres
    q = project(plan, plan.with_plan.scaled(litres=factor))
    lines = 3 * 12
    assert abs(q.yearly[1].profit_before_tax) <= Decimal("0.005") * lines


def test_irr_errors_are_clear():
    """No IRR and several IRRs are reported in words, naming the flows."""
    import pytest

    with pytest.raises(
        NoSolution, match=r"IRR of the economic flows does not exist: no flow is negative"
    ):
        plan_irr([100, 200], label="economic flows")
    with pytest.raises(NoSolution, match=r"no flow is positive"):
        plan_irr([-100, -200])
    with pytest.raises(
        NoSolution, match=r"is not unique: .* 10\.00%, 20\.00% all make the NPV zero"
    ):
        plan_irr([-100, 230, -132])
