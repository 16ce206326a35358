"""Portfolio-scale engines in numpy float64, cross-checked against the exact Decimal engine.

- :func:`schedules`, :func:`iter_schedules`: repayment schedules of N loans at once;
- :func:`solve_rates`: TCEA or periodic IRR of N cash-flow rows at once;
- :func:`portfolio_metrics`: outstanding balance and portfolio at risk (PAR30, PAR90) of N accounts.

The exact engine (:meth:`coopfinance.LoanTerms.schedule`, :mod:`coopfinance.cost`) remains the
reference for a contract; these functions agree with it to the cent and to 1e-8 in rates (see
docs/batch.md). Nothing in the numbered layers imports this package.
"""

from coopfinance.batch._portfolio import PortfolioMetrics, portfolio_metrics
from coopfinance.batch._schedules import BatchSchedules, iter_schedules, schedules
from coopfinance.batch._solve import solve_rates

__all__ = [
    "BatchSchedules",
    "PortfolioMetrics",
    "iter_schedules",
    "portfolio_metrics",
    "schedules",
    "solve_rates",
]
