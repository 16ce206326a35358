"""Revenue-linked repayment: seasonal plans, revenue share, flexible options, solidarity groups,
affordability, simulation.

Layer 4 beside :mod:`coopfinance.dairy` (DESIGN.md): imports only layers 1–4.
"""

from coopfinance.linked._affordability import Affordability, affordability, loan_limit
from coopfinance.linked._groups import (
    DEFAULT_ORDER,
    GroupGuarantee,
    GuaranteeSource,
    GuaranteeStep,
    SolidarityGroup,
    apply_guarantee,
    cover,
    member_shortfalls,
)
from coopfinance.linked._plans import (
    normalized_weights,
    prepay_in_flush,
    seasonal_plan,
    skip_installments,
)
from coopfinance.linked._revenue_share import (
    MaturityRule,
    RevenueShareCollection,
    RevenueShareDue,
    RevenueSharePlan,
    RevenueShareRow,
    RevenueShareSchedule,
    RevenueShareStanding,
)
from coopfinance.linked._simulate import (
    BLOCK,
    LoanOutcomes,
    Portfolio,
    PortfolioLoan,
    SimulationResult,
    simulate,
)

__all__ = [
    "BLOCK",
    "DEFAULT_ORDER",
    "Affordability",
    "GroupGuarantee",
    "GuaranteeSource",
    "GuaranteeStep",
    "LoanOutcomes",
    "MaturityRule",
    "Portfolio",
    "PortfolioLoan",
    "RevenueShareCollection",
    "RevenueShareDue",
    "RevenueSharePlan",
    "RevenueShareRow",
    "RevenueShareSchedule",
    "RevenueShareStanding",
    "SimulationResult",
    "SolidarityGroup",
    "affordability",
    "apply_guarantee",
    "cover",
    "loan_limit",
    "member_shortfalls",
    "normalized_weights",
    "prepay_in_flush",
    "seasonal_plan",
    "simulate",
    "skip_installments",
]
