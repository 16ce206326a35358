"""A business plan's milk from a Herd, a fitted forecast or the co-op's recorded litres (issue 18 §4).

The issue's bug: ``MilkSupply`` said the herd models qualify, but passing a ``Herd`` raised a type
error. Each source gives the same months as computing them by hand from the same figures.
"""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal

import pytest

from coopfinance._decimal import CONTEXT
from coopfinance.dairy import (
    Cow,
    Deliveries,
    Delivery,
    Herd,
    LactationCurve,
    ProductionForecast,
    SeasonalProfile,
    fit_curve,
)
from coopfinance.errors import InvalidPlan, WrongType
from coopfinance.plans import (
    ForecastSupply,
    HerdSupply,
    MonthlyProduction,
    RecordedSupply,
    Scenario,
    supply_kind,
)

START = dt.date(2026, 1, 1)


def _scenario(production: object) -> Scenario:
    return Scenario(name="with plan", production=production, price_per_litre="1.30")  # type: ignore[arg-type]


def test_a_herd_is_a_milk_supply() -> None:
    herd = Herd(cows=[Cow.in_milk(days_in_milk=30, on="2026-01-01")] * 3,
                seasonality=SeasonalProfile.ica())  # fmt: skip
    s = _scenario(herd)
    assert supply_kind(s.production) == "herd"
    months = s.production.monthly_litres(START, 14)
    with decimal.localcontext(CONTEXT):
        want = _by_hand(herd)
    assert list(months) == want
    assert months[0] > 0
    assert supply_kind(s.scaled(litres=Decimal("0.9")).production) == "herd"


def _by_hand(herd: Herd) -> list[Decimal]:
    want: list[Decimal] = []
    for k in range(14):
        first = dt.date(2026 + (k // 12), k % 12 + 1, 1)
        nxt = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
        want.append(
            sum(herd.litres(first + dt.timedelta(days=i)) for i in range((nxt - first).days))
        )
    return want


def test_a_fitted_forecast_feeds_the_plan() -> None:
    true = LactationCurve.peruvian_crossbred()
    days = list(range(1, 300, 4))
    fit = fit_curve(days, [true.at(t) for t in days])
    herd = Herd(cows=[Cow(calved="2025-12-20")], curve=fit.curve)
    fc = ProductionForecast(herds={"F01": herd, "F02": herd}, start="2026-01-01", end="2026-12-31")
    s = _scenario(fc)
    assert supply_kind(s.production) == "forecast"
    both = s.production.monthly_litres(START, 12)
    one = ForecastSupply(forecast=fc, farmer="F01").monthly_litres(START, 12)
    with decimal.localcontext(CONTEXT):
        assert list(both) == [2 * x for x in one]
        assert abs(sum(both) - fc.total()) < Decimal("1e-25")  # summed by month vs by day
    with pytest.raises(
        InvalidPlan,
        match=r"^'production' forecast covers 2026-01-01..2026-12-31, the plan 2026-01-01..2027-01-31\.$",
    ):
        s.production.monthly_litres(START, 13)


def test_recorded_litres_feed_the_plan_and_carry_the_season_forward() -> None:
    recs = [Delivery(farmer=f, date=dt.date(2025, 1, 1) + dt.timedelta(days=i), litres=40 + i % 7)
            for i in range(365) for f in ("F01", "F02")]  # fmt: skip
    s = _scenario(Deliveries(items=recs))
    assert supply_kind(s.production) == "recorded"
    months = s.production.monthly_litres(dt.date(2025, 11, 1), 4)
    nov = sum(d.litres for d in recs if d.date.month == 11)
    jan = sum(d.litres for d in recs if d.date.month == 1)
    assert months[0] == nov
    assert months[2] == jan  # January 2026: January 2025's litres per day × 31
    with pytest.raises(
        InvalidPlan, match=r"^'production' records have no March to carry to 2026-03\.$"
    ):
        RecordedSupply(records=[(dt.date(2025, 1, 1), "5")]).monthly_litres(dt.date(2026, 3, 1), 1)


def test_kinds_and_wrong_types() -> None:
    assert supply_kind(_scenario("100").production) == "monthly"
    assert isinstance(_scenario("100").production, MonthlyProduction)
    assert supply_kind(HerdSupply(herd=Herd.flat(cows=1, litres_per_cow_day=1))) == "herd"
    with pytest.raises(
        WrongType, match=r"^'production' must be litres per day, a Herd, a ProductionForecast"
    ):
        _scenario(object())
    with pytest.raises(WrongType, match=r"^'herd' must be a dairy Herd \(got str\)\.$"):
        HerdSupply(herd="5 cows")  # type: ignore[arg-type]
