"""Worked examples from published Peruvian teaching material, and a plan checked by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from coopfinance.cost import npv
from coopfinance.examples import examples_dir
from coopfinance.plans import (
    BudgetLine,
    BusinessPlan,
    Enterprise,
    Investment,
    Scenario,
    benefit_cost,
    evaluate,
    payback,
    plan_irr,
    project,
    report,
)

EXAMPLE = examples_dir() / "plan-alfalfa.toml"


@pytest.mark.parametrize(
    ("flows", "van", "tir"),
    [
        ((-53000, 14000, 17000, 20000, 24000, 32000), "29833.75", "24.71"),
        ((-42000, 8000, 9200, 10000, 12000, 16500), "1283.23", "9.02"),
    ],
)
def test_rojas_zea_van_tir_at_cok_8(flows, van, tir):
    """ "Ejercicios Clase 2 – VAN y TIR" (Rojas Zea, Peru; es.scribd.com/document/690960792):
    with COK = 8 %, project A (−53,000 then 14,000 … 32,000) has VAN 29,833.75 and TIR 24.71 %;
    the second (−42,000 then 8,000 … 16,500) VAN 1,283.23 and TIR 9.02 %."""
    values = [Decimal(v) for v in flows]
    ev = evaluate(
        "economic",
        Decimal("0.08"),
        values,
        [max(v, Decimal(0)) for v in values],
        [max(-v, Decimal(0)) for v in values],
    )
    assert ev.npv.quantize(Decimal("0.01")) == Decimal(van)
    assert (ev.irr * 100).quantize(Decimal("0.01")) == Decimal(tir)
    assert plan_irr(values) == ev.irr


@pytest.mark.parametrize(
    ("invest", "flows", "vpn", "tir", "bc"),
    [
        (20560, (1200, 0, 15950, 30450), "13312.14", "27", "1.65"),
        (13000, (12000, 1200, 450, 7000), "4020.01", "28", "1.31"),
    ],
)
def test_taller_unidad_3_vpn_tir_bc_at_10(invest, flows, vpn, tir, bc):
    """ "Elaboración y Evaluación de Proyectos – Taller 3" (es.scribd.com/document/523781401): at a
    10 % cost of capital, project A (20,560 invested, 1,200 / 0 / 15,950 / 30,450) has VPN
    13,312.14, TIR 27 % and B/C 1.65; project B (13,000; 12,000 / 1,200 / 450 / 7,000) VPN
    4,020.01, TIR 28 %, B/C 1.31 (B/C = present value of the inflows / investment)."""
    values = [Decimal(-invest), *(Decimal(f) for f in flows)]
    assert npv("0.10", values).quantize(Decimal("0.01")) == Decimal(vpn)
    assert (plan_irr(values) * 100).quantize(Decimal(1)) == Decimal(tir)
    ratio = benefit_cost("0.10", [0, *flows], [invest])
    assert ratio.quantize(Decimal("0.01")) == Decimal(bc)


def test_payback_interpolates_within_the_year():
    """PRI: −1,000 then 300 a year is paid back after 3⅓ years; discounted at 10 % after
    4 + 49.04/186.28 = 4.26 years."""
    assert payback([-1000, 300, 300, 300, 300, 300]).quantize(Decimal("0.0001")) == Decimal(
        "3.3333"
    )
    assert payback([-1000, 300, 300, 300, 300, 300], "0.10").quantize(Decimal("0.01")) == Decimal(
        "4.26"
    )
    assert payback([-1000, 300]) is None
    assert payback([0, 10]) == 0


def test_a_one_year_plan_checked_by_hand():
    """100 L/day at S/ 1.30 in 2026 (365 days), feed S/ 0.50/L, S/ 1,000 a month, a S/ 12,000 tank
    bought in December 2025 depreciated over 10 years with S/ 2,400 salvage, 10 % tax:

    revenue 47,450; variable 18,250; fixed 12,000; EBITDA 17,200; depreciation 960;
    profit 16,240; tax 1,624; residual value 12,000 − 960 = 11,040;
    economic flows −12,000 and 17,200 − 1,624 + 11,040 = 26,616; NPV at 10 % = 12,196.36."""
    plan = BusinessPlan(
        enterprise=Enterprise(name="Finca"),
        start="2026-01-01",
        horizon_years=1,
        income_tax_rate="0.10",
        investments=[
            Investment(
                name="Tank",
                date="2025-12-01",
                cost="12000",
                useful_life_years=10,
                salvage_value="2400",
            )
        ],
        with_plan=Scenario(
            name="with plan",
            production="100",
            price_per_litre="1.30",
            costs=[
                BudgetLine(name="feed", amount="0.50", per="litre"),
                BudgetLine(name="labour", amount="1000", per="month"),
            ],
        ),
    )
    y = project(plan).yearly[1]
    assert (y.revenue, y.variable_costs, y.fixed_costs, y.ebitda) == (47450, 18250, 12000, 17200)
    assert (y.depreciation, y.profit_before_tax, y.income_tax, y.residual_value) == (
        960,
        16240,
        1624,
        11040,
    )
    r = report(plan)
    assert r.economic.flows == (-12000, 26616)
    assert r.economic.npv.quantize(Decimal("0.01")) == Decimal("12196.36")
    assert r.economic.irr.quantize(Decimal("0.0001")) == Decimal("1.2180")
    be = r.break_even[0]
    # fixed 12,000 + 960 depreciation over a margin of 0.80 per litre: 16,200 L, 44.38 L/day
    assert be.litres_per_day.quantize(Decimal("0.01")) == Decimal("44.38")
    assert be.price_per_litre.quantize(Decimal("0.0001")) == Decimal("0.8551")


def test_the_bundled_alfalfa_example_evaluates():
    """The illustrative example loads and its key figures are pinned (regression, not a source)."""
    r = report(BusinessPlan.from_file(EXAMPLE))
    assert r.plan.incremental
    assert r.sources_and_uses.gap == 0
    assert r.economic.npv.quantize(Decimal("0.01")) == Decimal("49464.84")
    assert (r.economic.irr * 100).quantize(Decimal("0.01")) == Decimal("31.39")
    assert r.debt.within_limit is True
    assert r.schedule is not None
    assert r.with_plan.monthly[-1].loan_balance == 0
    assert len(r.sensitivity.two_way.npv) == 5
    assert all(len(row) == 5 for row in r.sensitivity.two_way.npv)
    # NPV grows with price along the sensitivity table, and the switching price is below the plan's
    npvs = [p.economic_npv for p in r.sensitivity.price]
    assert npvs == sorted(npvs)
    assert r.sensitivity.switching_economic.price_per_litre < Decimal("1.30")
    charts = {c.chart for c in r.charts}
    assert charts == {"monthly-cash-flow", "cash-balance", "loan-balance", "sensitivity"}
