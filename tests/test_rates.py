"""Rates: exact conversions between TEA, TEM, TED, nominal and per-period rates."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from tests.strategies import decimals, percent

from coopfinance import Frequency, Rate, RateKind
from coopfinance.errors import InvalidRate

D = Decimal


@given(decimals("0", "3", 6))
def test_tea_tem_round_trip_to_20_digits(tea: Decimal) -> None:
    back = (
        Rate.effective_annual(percent(tea)).to_effective_periodic("monthly").to_effective_annual()
    )
    assert abs(back.value - tea) < D("1e-20")


@given(decimals("0", "3", 6))
def test_period_rates_compound_to_the_annual_rate(tea: Decimal) -> None:
    """Twelve 30-day periods, or 360 one-day periods, compound to exactly the TEA."""
    r = Rate.effective_annual(percent(tea))
    assert abs((1 + r.period_rate(Fraction(30, 360))) ** 12 - 1 - tea) < D("1e-20")
    ted = r.to_effective_periodic(Frequency.days(1)).value
    assert abs((1 + ted) ** 360 - 1 - tea) < D("1e-18")


def test_period_rate_formulas() -> None:
    tau = Fraction(31, 360)
    assert abs(Rate.nominal_annual("24%").period_rate(tau) - D("0.24") * 31 / 360) < D("1e-25")
    # flat 2 % a month = 24 % flat a year, charged simply: 2.0667 % over 31 days
    assert Rate.flat("2%").period_rate(tau) == Rate.flat_annual("24%").period_rate(tau)
    tem = Rate.effective_monthly("3%")
    assert tem.period_rate(Fraction(1, 12)).quantize(D("1e-25")) == D("0.03")


def test_nominal_to_effective_uses_the_compounding() -> None:
    assert Rate.nominal_annual("12%").to_effective_annual().value.quantize(D("1e-8")) == D(
        "0.12682503"
    )
    quarterly = Rate.nominal_annual("12%", compounding=4).to_effective_annual().value
    assert quarterly.quantize(D("1e-8")) == D("0.12550881")
    back = Rate.effective_annual("0.12682503013196972").to_nominal_annual(12).value
    assert back.quantize(D("1e-12")) == D("0.120000000000")


def test_rate_parse_names() -> None:
    assert Rate.parse("35%", "effective-annual") == Rate.effective_annual("0.35")
    assert Rate.parse("2.5%", "effective-monthly").kind is RateKind.EFFECTIVE_PERIODIC
    assert Rate.parse("2%", "flat-monthly").is_flat
    with pytest.raises(InvalidRate, match="'rate_type' must be one of"):
        Rate.parse("2%", "monthly-ish")


def test_flat_rate_has_no_effective_equivalent_without_a_schedule() -> None:
    with pytest.raises(InvalidRate, match="flat rate has no equivalent effective rate"):
        Rate.flat("2%").to_effective_annual()


def test_str_is_readable() -> None:
    assert str(Rate.effective_annual("35%")) == "35 % effective annual (TEA)"
    assert str(Rate.effective_monthly("2.5%")) == "2.5 % effective monthly (TEM)"
    assert str(Rate.flat("2%", "15d")) == "2 % flat per 15d"
