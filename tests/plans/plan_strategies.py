"""Hypothesis strategies for business plans (small horizons, so that properties run fast)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import strategies as st

from coopfinance import Grace, LoanTerms, Rate
from coopfinance.plans import (
    BudgetLine,
    BusinessPlan,
    Enterprise,
    Financing,
    Investment,
    MonthlyProduction,
    Scenario,
)

START = dt.date(2026, 3, 1)


def money(lo: int, hi: int) -> st.SearchStrategy[Decimal]:
    """Amounts with céntimos between ``lo`` and ``hi``."""
    return st.integers(lo * 100, hi * 100).map(lambda c: Decimal(c) / 100)


@st.composite
def scenarios(draw: st.DrawFn, name: str = "with plan") -> Scenario:
    lpd = draw(
        st.lists(st.integers(0, 1500), min_size=1, max_size=1)
        | st.lists(st.integers(0, 1500), min_size=12, max_size=12)
    )
    costs = [
        BudgetLine(name="feed", amount=draw(money(0, 1)), per="litre"),
        BudgetLine(name="labour", amount=draw(money(0, 3000)), per="month"),
        BudgetLine(name="vet", amount=draw(money(0, 5000)), per="year"),
    ]
    other = [BudgetLine(name="calves", amount=draw(money(0, 4000)), per="year")]
    return Scenario(
        name=name,
        production=MonthlyProduction(litres_per_day=[Decimal(v) for v in lpd]),
        price_per_litre=draw(money(0, 2).filter(lambda p: p > 0)),
        costs=costs,
        other_income=other,
    )


@st.composite
def loans(draw: st.DrawFn, months: int) -> LoanTerms:
    n = draw(st.integers(1, min(months - 1, 36)))
    grace = draw(st.integers(0, min(2, n - 1)))
    return LoanTerms(
        principal=draw(money(1000, 50000)),
        rate=Rate.effective_annual(draw(st.integers(0, 40)) * Decimal("0.01")),
        installments=n,
        disbursed=START - dt.timedelta(days=draw(st.integers(1, 40))),
        grace=Grace(periods=grace, kind=draw(st.sampled_from(["capitalize", "pay-interest"]))),
        charges=draw(
            st.sampled_from([(), ("insurance:0.0675%:original",), ("upfront:1%:withheld",)])
        ),
    )


@st.composite
def plans(
    draw: st.DrawFn, *, loan: bool | None = None, without: bool | None = None
) -> BusinessPlan:
    years = draw(st.integers(1, 3))
    months = 12 * years
    invs = []
    for k in range(draw(st.integers(0, 3))):
        when = START + dt.timedelta(days=draw(st.integers(-60, 30 * months - 31)))
        life = draw(st.none() | st.integers(1, 10))
        cost = draw(money(100, 60000))
        invs.append(
            Investment(
                name=f"investment {k}",
                date=when,
                cost=cost,
                useful_life_years=life,
                salvage_value=(cost * draw(st.sampled_from([0, 10, 25])) / 100).quantize(
                    Decimal("0.01")
                )
                if life
                else Decimal(0),
            )
        )
    has_loan = draw(st.booleans()) if loan is None else loan
    has_without = draw(st.booleans()) if without is None else without
    return BusinessPlan(
        enterprise=Enterprise(name="Cooperativa de prueba"),
        start=START,
        horizon_years=years,
        cok=draw(st.integers(0, 30)) * Decimal("0.01"),
        income_tax_rate=draw(st.sampled_from([Decimal(0), Decimal("0.10"), Decimal("0.295")])),
        investments=invs,
        working_capital=draw(money(0, 10000)),
        financing=Financing(
            own_funds=draw(money(0, 20000)),
            grant=draw(money(0, 20000)),
            loan=draw(loans(months)) if has_loan else None,
        ),
        with_plan=draw(scenarios()),
        without_plan=draw(scenarios("without plan")) if has_without else None,
    )
