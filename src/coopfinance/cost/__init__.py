"""Cost of credit: the rates that make a loan's cash flows worth zero, by each regulator's rule.

- :func:`irr`, :func:`xirr`, :func:`npv`, :func:`xnpv`: the general rates and present values;
- :func:`tcea`: Peru's tasa de costo efectivo anual (SBS), 360-day year on actual days, of a
  schedule or of dated flows;
- :func:`apr_of`, :func:`aprc_of`, :func:`eir_of`, :func:`cost_of_credit`: the figures of a schedule,
  counting the charge columns each regulator counts (:class:`CostComponent`, ``include=``);
- :func:`apr`, :func:`apr_at_positions`: the US Regulation Z Appendix J annual percentage rate;
- :func:`aprc`: the EU Consumer Credit Directive annual percentage rate of charge;
- :func:`eir`, :class:`AmortizedCostTable`: the IFRS 9 effective interest rate and amortized cost.

Rates are ``Decimal`` fractions (``0.35`` for 35 %); :func:`percent` rounds one for display.
Amounts are ``Decimal``, ``int`` or ``str``, never ``float``. Every solver raises
:class:`~coopfinance.errors.NoSolution` (or :class:`~coopfinance.errors.MultipleSolutions`) rather
than return NaN or a doubtful root.
"""

from coopfinance.cost._apr import (
    UnitPeriodFlow,
    apr,
    apr_at_positions,
    apr_percent,
    apr_within_tolerance,
    unit_period,
    unit_periods_per_year,
)
from coopfinance.cost._aprc import TimeBasis, aprc, aprc_percent, year_fraction_eu
from coopfinance.cost._components import DEFAULT_INCLUDES, CostComponent, schedule_flows
from coopfinance.cost._disclosure import CostOfCredit, apr_of, aprc_of, cost_of_credit, eir_of
from coopfinance.cost._eir import AmortizedCostRow, AmortizedCostTable, eir
from coopfinance.cost._flows import CashFlow, irr, npv, percent, xirr, xnpv
from coopfinance.cost._tcea import tcea

__all__ = [
    "DEFAULT_INCLUDES",
    "AmortizedCostRow",
    "AmortizedCostTable",
    "CashFlow",
    "CostComponent",
    "CostOfCredit",
    "TimeBasis",
    "UnitPeriodFlow",
    "apr",
    "apr_at_positions",
    "apr_of",
    "apr_percent",
    "apr_within_tolerance",
    "aprc",
    "aprc_of",
    "aprc_percent",
    "cost_of_credit",
    "eir",
    "eir_of",
    "irr",
    "npv",
    "percent",
    "schedule_flows",
    "tcea",
    "unit_period",
    "unit_periods_per_year",
    "xirr",
    "xnpv",
    "year_fraction_eu",
]
