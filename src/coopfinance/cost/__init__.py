"""Cost of credit: the the rates that make a loan's cash flows worth zero, by each regulator's rules.

- :func:`irr`, :func:`xirr`, :func:`npv`, :func:`xnpv`: the general rates and present values;
- :func:`tcea`: Peru's tasa de costo efectivo anual (SBS), 360-day year on actual days;
- :func:`apr`, :func:`apr_at_positions`: the US Regulation Z Appendix J annual percentage rate;
- :func:`aprc`: the EU Consumer Credit Directive annual percentage rate of charge;
- :func:`eir`, :class:`AmortizedCostTable`: the IFRS 9 effective interest rate and amortized cost.

Rates are ``Decimal`` fractions (``0.35`` for 35 %); :func:`percent` rounds one for display.
Amounts are ``Decimal``, ``int`` or ``str``, never ``float``.
"""

from coopfinance.cost._flows import CashFlow, irr, npv, percent, xirr, xnpv

__all__ = [
    "CashFlow",
    "irr",
    "npv",
    "percent",
    "xirr",
    "xnpv",
]
