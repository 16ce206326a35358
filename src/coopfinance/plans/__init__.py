"""Business plans: the plan model, monthly and yearly projections, indicators and sensitivity."""

from coopfinance.plans._enterprise import Buyer, Enterprise, Financing, Investment
from coopfinance.plans._indicators import (
    BreakEven,
    DebtCoverage,
    Evaluation,
    benefit_cost,
    break_even,
    debt_coverage,
    evaluate,
    payback,
    plan_irr,
)
from coopfinance.plans._model import BusinessPlan
from coopfinance.plans._operations import (
    Basis,
    BudgetLine,
    ForecastSupply,
    HerdSupply,
    MilkSupply,
    MonthlyProduction,
    RecordedSupply,
    Scenario,
    supply_kind,
)
from coopfinance.plans._projection import Projection, ProjectionRow, project
from coopfinance.plans._report import ChartSeries, PlanReport, SourcesAndUses, report
from coopfinance.plans._sensitivity import (
    ScenarioSummary,
    Sensitivity,
    SensitivityPoint,
    SwitchingValue,
    TwoWayTable,
    sensitivity,
    switching_price,
)

__all__ = [
    "Basis",
    "BreakEven",
    "BudgetLine",
    "BusinessPlan",
    "Buyer",
    "ChartSeries",
    "DebtCoverage",
    "Enterprise",
    "Evaluation",
    "Financing",
    "ForecastSupply",
    "HerdSupply",
    "Investment",
    "MilkSupply",
    "MonthlyProduction",
    "PlanReport",
    "Projection",
    "ProjectionRow",
    "RecordedSupply",
    "Scenario",
    "ScenarioSummary",
    "Sensitivity",
    "SensitivityPoint",
    "SourcesAndUses",
    "SwitchingValue",
    "TwoWayTable",
    "benefit_cost",
    "break_even",
    "debt_coverage",
    "evaluate",
    "payback",
    "plan_irr",
    "project",
    "report",
    "sensitivity",
    "supply_kind",
    "switching_price",
]
