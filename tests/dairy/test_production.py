"""Production: Wood/Wilmink/flat curves, seasonality, herds, alfalfa, forecasts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from coopfinance._decimal import CONTEXT
from coopfinance.dairy import (
    Alfalfa,
    Cow,
    Herd,
    LactationCurve,
    ProductionForecast,
    SeasonalProfile,
    SettlementFrequency,
)
from coopfinance.errors import InvalidProduction

wood_params = st.tuples(
    st.decimals("0.5", "20", places=3),
    st.decimals("0.05", "0.8", places=3),
    st.decimals("0.0008", "0.01", places=5),
)


@given(wood_params)
@example((Decimal("2.251"), Decimal("0.591"), Decimal("0.00695")))
def test_wood_peak_day_is_b_over_c(params: tuple[Decimal, Decimal, Decimal]) -> None:
    """y'(t) = y·(b/t − c) vanishes at t = b/c: the yield there beats both neighbours."""
    a, b, c = params
    curve = LactationCurve.wood(a, b, c)
    peak = curve.peak_day
    assert peak == CONTEXT.divide(b, c)
    step = peak / 100
    assert curve.at(peak) >= curve.at(peak - step)
    assert curve.at(peak) >= curve.at(peak + step)
    assert curve.peak_yield == curve.at(peak)


def test_peruvian_crossbred_matches_huaman_quispe_2018() -> None:
    """Huamán Quispe et al. 2018 (Anales Científicos 79(2):511–518), F1 Gir×Holstein: peak 17.22 kg
    at day 85 and 4,031 kg per lactation; our default (reference §8) reproduces them."""
    curve = LactationCurve.peruvian_crossbred()
    assert round(curve.peak_day) == 85
    assert curve.peak_yield.quantize(Decimal("0.1")) == Decimal("17.2")
    assert abs(curve.total(305) - 4031) < 5


def test_falta_2021_simmental_peak() -> None:
    """Falta et al. 2021 (Anim Biosci 34(6)), Simmental a=15.2317, b=0.1029, c=0.0015: peak at day
    68.6 (reference §3.2 derives day 69 and 21.2 kg)."""
    curve = LactationCurve.wood("15.2317", "0.1029", "0.0015")
    assert curve.peak_day.quantize(Decimal("0.1")) == Decimal("68.6")
    assert curve.peak_yield.quantize(Decimal("0.1")) == Decimal("21.2")


def test_wilmink_and_flat() -> None:
    w = LactationCurve.wilmink("20", "-8", "-0.04")
    expected = Decimal(20) - 8 * CONTEXT.exp(Decimal("-0.05") * 10) - Decimal("0.4")
    assert w.at(10) == expected
    assert w.at(10_000) == 0  # clipped, never negative
    assert LactationCurve.flat("6.5").daily(200) == Decimal("6.5")
    with pytest.raises(InvalidProduction, match="peak_day' is defined for Wood"):
        _ = w.peak_day


@given(st.lists(st.decimals("0.5", "1.5", places=3), min_size=12, max_size=12))
def test_seasonal_multiplier_with_mean_one_preserves_annual_volume(
    factors: list[Decimal],
) -> None:
    """A flat herd over a 365-day year gives the same litres with any day-weighted-mean-1 profile."""
    profile = SeasonalProfile(factors=factors).normalized()
    plain = Herd.flat(cows=5, litres_per_cow_day="6.5")
    seasonal = Herd.flat(cows=5, litres_per_cow_day="6.5", seasonality=profile)
    start, end = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    a = ProductionForecast(herds={"F": plain}, start=start, end=end).total()
    b = ProductionForecast(herds={"F": seasonal}, start=start, end=end).total()
    assert a == Decimal("11862.5")
    assert abs(a - b) < Decimal("1e-25")


def test_ica_default_shape() -> None:
    ica = SeasonalProfile.ica()
    assert ica.factor(dt.date(2026, 2, 1)) == min(ica.factors)  # heat stress peaks in February
    assert abs(ica.day_weighted_mean() - 1) < Decimal("0.001")


def test_cow_cycle_dry_period_and_herd_changes() -> None:
    herd = Herd(
        cows=[Cow(calved="2026-01-01", leaves="2027-06-01")], lactation_days=305, dry_days=86
    )
    cow = herd.cows[0]
    assert herd.day_in_milk(cow, dt.date(2026, 1, 1)) == 1
    assert herd.day_in_milk(cow, dt.date(2026, 1, 1) + dt.timedelta(days=304)) == 305
    assert herd.day_in_milk(cow, dt.date(2026, 1, 1) + dt.timedelta(days=305)) == 0  # dry
    assert herd.day_in_milk(cow, dt.date(2026, 1, 1) + dt.timedelta(days=391)) == 1  # calves again
    assert herd.day_in_milk(cow, dt.date(2027, 6, 1)) == 0  # sold
    assert herd.day_in_milk(cow, dt.date(2025, 12, 31)) == 0  # not calved yet


@given(st.decimals("0", "5", places=2), st.integers(1, 30))
def test_alfalfa_uplift_is_bounded_and_waits_for_establishment(ha: Decimal, cows: int) -> None:
    plot = Alfalfa(hectares=ha, sown=dt.date(2026, 1, 1), establishment_days=120)
    assert plot.uplift(dt.date(2026, 4, 30), cows) == 0
    later = plot.uplift(dt.date(2026, 5, 1), cows)
    assert 0 <= later <= plot.max_uplift


def test_alfalfa_raises_forecast_after_first_cut() -> None:
    plot = Alfalfa(hectares=2, sown="2026-01-01", establishment_days=90)
    base = Herd.flat(cows=5, litres_per_cow_day="8")
    fed = Herd.flat(cows=5, litres_per_cow_day="8", alfalfa=[plot])
    assert fed.litres(dt.date(2026, 3, 31)) == base.litres(dt.date(2026, 3, 31)) == 40
    assert fed.litres(dt.date(2026, 4, 1)) == 60  # 2 ha feed ≥ 5 cows: the full +50 % uplift


def test_forecast_per_period_sums_to_total() -> None:
    herd = Herd(
        cows=[Cow.in_milk(days_in_milk=d, on="2026-01-01") for d in (10, 100, 250)],
        seasonality=SeasonalProfile.ica(),
    )
    fc = ProductionForecast(herds={"F01": herd}, start="2026-01-01", end="2026-12-31")
    periods = fc.per_period("F01")
    assert len(periods) == 24
    assert abs(sum(v for _, v in periods) - fc.total("F01")) < Decimal("1e-20")
    assert len(fc.per_period("F01", SettlementFrequency.TEN_DAY)) == 36


@pytest.mark.parametrize(
    ("build", "error", "match"),
    [
        (
            lambda: LactationCurve.wood("2", "0", "0.01"),
            InvalidProduction,
            "Wood's 'b' must be positive",
        ),
        (
            lambda: LactationCurve.flat("-1"),
            InvalidProduction,
            r"'a' \(litres per day\) must not be negative",
        ),
        (lambda: SeasonalProfile(factors=[1] * 11), InvalidProduction, "12 monthly multipliers"),
        (
            lambda: Alfalfa(hectares=-1, sown="2026-01-01", establishment_days=90),
            InvalidProduction,
            r"'hectares' must not be negative \(got -1\)",
        ),
        (
            lambda: Alfalfa(hectares=1, sown="2026-01-01", establishment_days=90, max_uplift="1.5"),
            InvalidProduction,
            r"'max_uplift' must be between 0 and 1 \(got 1.5\)",
        ),
        (
            lambda: Cow(calved="2026-13-01"),
            InvalidProduction,
            "'calved' must be a date such as '2026-01-15'",
        ),
        (lambda: Cow.in_milk(days_in_milk=0, on="2026-01-01"), InvalidProduction, "at least 1"),
        (
            lambda: ProductionForecast(herds={}, start="2026-02-01", end="2026-01-01"),
            InvalidProduction,
            "'end' must not be before 'start'",
        ),
        (
            lambda: ProductionForecast(herds={}, start="2026-01-01", end="2026-01-02").daily("X"),
            InvalidProduction,
            "'farmer' 'X' has no herd",
        ),
    ],
)
def test_bad_production_input(build, error, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=match):
        build()
