"""coopfinance: exact loan schedules, cost of credit and milk-linked repayment for dairy co-ops.

The names a co-op app needs most are re-exported here; each area has its own public module
(``coopfinance.cost``, ``coopfinance.servicing``, ``coopfinance.portfolio``, ``coopfinance.dairy``,
``coopfinance.linked``, ``coopfinance.coop``, ``coopfinance.plans``, ``coopfinance.training``,
``coopfinance.documents``, ``coopfinance.batch``); everything in a ``_module`` is private.

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
from coopfinance._charges import Charge, ChargeBasis, ChargeKind, DuringGrace, Upfront
from coopfinance._conventions import Amortization, Grace, GraceType
from coopfinance._json import JSONEncoder, json_default
from coopfinance._money import Currency, Money, RoundingMode, RoundingPolicy
from coopfinance._rates import Rate, RateKind
from coopfinance._schedule import Installment, Schedule
from coopfinance._terms import LoanTerms
from coopfinance.errors import (
    BatchNoSolution,
    CoopFinanceError,
    CurrencyMismatch,
    FloatNotAllowed,
    InvalidBatchInput,
    InvalidCalendar,
    InvalidCurriculum,
    InvalidDelivery,
    InvalidEvent,
    InvalidLoanTerms,
    InvalidPlan,
    InvalidPriceSchedule,
    InvalidProduction,
    InvalidRate,
    InvalidSettlement,
    InvalidSurplusDistribution,
    InvalidTemplate,
    InvalidTrainingRecord,
    InvalidValue,
    MissingDependency,
    MissingTemplate,
    MissingValue,
    MultipleSolutions,
    NoSolution,
    ParseError,
    RenderError,
    UnknownCurrency,
    UnknownLoan,
    WrongType,
)
from coopfinance.servicing import (
    AccountState,
    AllocationStrategy,
    ChargeApplied,
    Disbursement,
    LatePolicy,
    LoanAccount,
    Overpayment,
    Payment,
    PayoffQuote,
    Prepayment,
    PrepaymentChoice,
    Recovery,
    Reschedule,
    Waiver,
    WriteOff,
)

__all__ = [
    "AccountState",
    "AllocationStrategy",
    "Amortization",
    "BatchNoSolution",
    "BusinessDay",
    "Charge",
    "ChargeApplied",
    "ChargeBasis",
    "ChargeKind",
    "CoopFinanceError",
    "Currency",
    "CurrencyMismatch",
    "DayCount",
    "Disbursement",
    "DuringGrace",
    "FloatNotAllowed",
    "Frequency",
    "Grace",
    "GraceType",
    "HolidayCalendar",
    "Installment",
    "InvalidBatchInput",
    "InvalidCalendar",
    "InvalidCurriculum",
    "InvalidDelivery",
    "InvalidEvent",
    "InvalidLoanTerms",
    "InvalidPlan",
    "InvalidPriceSchedule",
    "InvalidProduction",
    "InvalidRate",
    "InvalidSettlement",
    "InvalidSurplusDistribution",
    "InvalidTemplate",
    "InvalidTrainingRecord",
    "InvalidValue",
    "JSONEncoder",
    "LatePolicy",
    "LoanAccount",
    "LoanTerms",
    "MissingDependency",
    "MissingTemplate",
    "MissingValue",
    "Money",
    "MultipleSolutions",
    "NoSolution",
    "Overpayment",
    "ParseError",
    "Payment",
    "PayoffQuote",
    "PeriodUnit",
    "Prepayment",
    "PrepaymentChoice",
    "Rate",
    "RateKind",
    "Recovery",
    "RenderError",
    "Reschedule",
    "RoundingMode",
    "RoundingPolicy",
    "Schedule",
    "UnknownCurrency",
    "UnknownLoan",
    "Upfront",
    "Waiver",
    "WriteOff",
    "WrongType",
    "__version__",
    "json_default",
]
