"""coopfinance: exact loan schedules, cost of credit and milk-linked repayment for dairy co-ops.

The names a co-op app needs are re-exported here; everything in a ``_module`` is private.

>>> import datetime as dt
>>> from coopfinance import LoanTerms, Rate
>>> terms = LoanTerms(principal="S/ 5,000", rate=Rate.effective_annual("35%"), installments=12,
...                   disbursed=dt.date(2026, 1, 15))
>>> schedule = terms.schedule()
>>> schedule.installment_amount, schedule.total_interest
(Decimal('489.11'), Decimal('869.38'))
"""

from coopfinance.__about__ import __version__
from coopfinance._calendar import BusinessDay, DayCount, Frequency, HolidayCalendar, PeriodUnit
from coopfinance._charges import Charge, ChargeBasis, ChargeKind, Upfront
from coopfinance._money import Currency, Money, RoundingMode, RoundingPolicy
from coopfinance._rates import Rate, RateKind
from coopfinance._schedule import Installment, Schedule
from coopfinance._terms import Amortization, Grace, GraceType, LoanTerms
from coopfinance.errors import (
    CoopFinanceError,
    CurrencyMismatch,
    FloatNotAllowed,
    InvalidCalendar,
    InvalidLoanTerms,
    InvalidRate,
    InvalidValue,
    ParseError,
    UnknownCurrency,
    WrongType,
)

__all__ = [
    "Amortization",
    "BusinessDay",
    "Charge",
    "ChargeBasis",
    "ChargeKind",
    "CoopFinanceError",
    "Currency",
    "CurrencyMismatch",
    "DayCount",
    "FloatNotAllowed",
    "Frequency",
    "Grace",
    "GraceType",
    "HolidayCalendar",
    "Installment",
    "InvalidCalendar",
    "InvalidLoanTerms",
    "InvalidRate",
    "InvalidValue",
    "LoanTerms",
    "Money",
    "ParseError",
    "PeriodUnit",
    "Rate",
    "RateKind",
    "RoundingMode",
    "RoundingPolicy",
    "Schedule",
    "UnknownCurrency",
    "Upfront",
    "WrongType",
    "__version__",
]
