"""Milk: production forecasts, prices, deliveries and fortnightly settlements with check-off deductions.

Layer 4 (DESIGN.md): imports only layers 1–3. Defaults come from ``shared/reference/dairy-and-coop.md``
§8 and are cited where they are defined.

>>> import datetime as dt
>>> from coopfinance.dairy import (Delivery, MilkPriceSchedule, Obligation, Period,
...                                SettlementPolicy, settle)
>>> prices = MilkPriceSchedule.flat("1.30", "2026-01-01", "2026-12-31")
>>> milk = [Delivery(farmer="F01", date=dt.date(2026, 1, d), litres=40) for d in range(1, 16)]
>>> advance = Obligation(farmer="F01", kind="input-advance", amount="150.00")
>>> s = settle(milk, prices, Period.parse("2026-01-01..2026-01-15"), [advance])
>>> s.summary.gross, s.summary.deductions, s.summary.net
(Decimal('780.00'), Decimal('150.00'), Decimal('630.00'))
"""

from coopfinance.dairy._checkoff import (
    CheckoffSeason,
    loan_obligations,
    loan_payments,
    off_calendar,
    pay_dates_of,
    run_checkoff,
)
from coopfinance.dairy._deliveries import (
    Deliveries,
    Delivery,
    MissedPickup,
    PickupPlan,
    missed_pickups,
)
from coopfinance.dairy._fitting import (
    MIN_POINTS,
    CurveFit,
    fit_coop_lactation,
    fit_curve,
    fit_lactation,
    fit_seasonality,
)
from coopfinance.dairy._obligations import (
    DEFAULT_ORDER,
    Collection,
    Obligation,
    ObligationKind,
    obligations_by_period,
    obligations_from_csv,
    obligations_from_file,
)
from coopfinance.dairy._periods import Period, SettlementFrequency, periods_between
from coopfinance.dairy._prices import (
    DENSITY,
    ChartLookup,
    HygieneTier,
    MilkPriceSchedule,
    PriceTerms,
    Quality,
    RateChart,
)
from coopfinance.dairy._production import (
    ICA_SEASONALITY,
    Alfalfa,
    Cow,
    CurveKind,
    Herd,
    LactationCurve,
    ProductionForecast,
    SeasonalProfile,
)
from coopfinance.dairy._settlement import (
    FarmerSettlement,
    MilkTotal,
    PeriodSummary,
    Settlement,
    SettlementPolicy,
    settle,
    settle_season,
    settle_totals,
    summarize,
)

__all__ = [
    "DEFAULT_ORDER",
    "DENSITY",
    "ICA_SEASONALITY",
    "MIN_POINTS",
    "Alfalfa",
    "ChartLookup",
    "CheckoffSeason",
    "Collection",
    "Cow",
    "CurveFit",
    "CurveKind",
    "Deliveries",
    "Delivery",
    "FarmerSettlement",
    "Herd",
    "HygieneTier",
    "LactationCurve",
    "MilkPriceSchedule",
    "MilkTotal",
    "MissedPickup",
    "Obligation",
    "ObligationKind",
    "Period",
    "PeriodSummary",
    "PickupPlan",
    "PriceTerms",
    "ProductionForecast",
    "Quality",
    "RateChart",
    "SeasonalProfile",
    "Settlement",
    "SettlementFrequency",
    "SettlementPolicy",
    "fit_coop_lactation",
    "fit_curve",
    "fit_lactation",
    "fit_seasonality",
    "loan_obligations",
    "loan_payments",
    "missed_pickups",
    "obligations_by_period",
    "obligations_from_csv",
    "obligations_from_file",
    "off_calendar",
    "pay_dates_of",
    "periods_between",
    "run_checkoff",
    "settle",
    "settle_season",
    "settle_totals",
    "summarize",
]
