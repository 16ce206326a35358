"""Business plans: the plan model, monthly and yearly projections, indicators and sensitivity."""

from coopfinance.plans._model import (
    Basis,
    BudgetLine,
    BusinessPlan,
    Buyer,
    Enterprise,
    Financing,
    Investment,
    MilkSupply,
    MonthlyProduction,
    Scenario,
)
from coopfinance.plans._projection import Projection, ProjectionRow, project

__all__ = [
    "Basis",
    "BudgetLine",
    "BusinessPlan",
    "Buyer",
    "Enterprise",
    "Financing",
    "Investment",
    "MilkSupply",
    "MonthlyProduction",
    "Projection",
    "ProjectionRow",
    "Scenario",
    "project",
]
