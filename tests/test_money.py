"""Money: exact amounts, one currency at a time, parsing and rounding."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import decimals

from coopfinance import Currency, Money, RoundingMode, RoundingPolicy


@pytest.mark.parametrize(
    ("text", "amount", "code"),
    [
        ("S/ 1,250.50", "1250.50", "PEN"),
        ("S/. 1250.5", "1250.5", "PEN"),
        ("1250.5", "1250.5", "PEN"),
        ("PEN 1,000,000", "1000000", "PEN"),
        ("1250.50 USD", "1250.50", "USD"),
        ("US$ 99.99", "99.99", "USD"),
        ("€ 5000", "5000", "EUR"),
        ("CLP 1.500", "1.500", "CLP"),
        ("  -3  ", "-3", "PEN"),
    ],
)
def test_parse_reads_symbols_codes_and_separators(text: str, amount: str, code: str) -> None:
    m = Money.parse(text)
    assert m.amount == Decimal(amount)
    assert m.currency.code == code


def test_parse_accepts_decimal_and_int() -> None:
    assert Money.parse(Decimal("12.5")) == Money("12.5", "PEN")
    assert Money.parse(7, "USD") == Money(7, "USD")


def test_parse_refuses_a_contradicting_currency() -> None:
    with pytest.raises(TypeError, match="is in USD, but the currency given is PEN"):
        Money.parse("US$ 5", "PEN")


@pytest.mark.parametrize(
    ("code", "minor"),
    [("PEN", 2), ("USD", 2), ("EUR", 2), ("CLP", 0), ("JPY", 0), ("KWD", 3), ("BHD", 3)],
)
def test_minor_units_follow_iso_4217(code: str, minor: int) -> None:
    assert Currency.of(code).minor_unit == minor
    assert Currency.of(code.lower()) is Currency.of(code)


def test_str_shows_symbol_grouping_and_minor_unit() -> None:
    assert str(Money("1250.5", "PEN")) == "S/ 1,250.50"
    assert str(Money("1234567", "CLP")) == "CLP$ 1,234,567"
    assert str(Money("0.005", "PEN")) == "S/ 0.01"  # half-up for display


@given(decimals("-1000000", "1000000", 2), decimals("-1000000", "1000000", 2))
def test_addition_is_exact_and_commutative(a: Decimal, b: Decimal) -> None:
    x, y = Money(a, "PEN"), Money(b, "PEN")
    assert (x + y).amount == a + b
    assert x + y == y + x
    assert (x + y) - y == x


@given(decimals("-1000000", "1000000", 2), st.integers(-1000, 1000))
def test_scalar_multiplication(a: Decimal, k: int) -> None:
    assert (Money(a, "PEN") * k).amount == a * k
    assert (k * Money(a, "PEN")).amount == a * k


def test_comparisons_within_one_currency() -> None:
    assert Money("1", "PEN") < Money("2", "PEN") <= Money("2", "PEN")
    with pytest.raises(TypeError, match="cannot compare PEN and USD"):
        _ = Money("1", "PEN") < Money("2", "USD")


@pytest.mark.parametrize(
    ("amount", "mode", "unit", "expected"),
    [
        ("2.345", RoundingMode.HALF_UP, None, "2.35"),
        ("2.345", RoundingMode.HALF_EVEN, None, "2.34"),
        ("2.355", RoundingMode.HALF_EVEN, None, "2.36"),
        ("1234550", RoundingMode.HALF_UP, "100", "1234600"),
        ("1234550", RoundingMode.HALF_EVEN, "100", "1234600"),
        ("1234650", RoundingMode.HALF_EVEN, "100", "1234600"),
        ("10.06", RoundingMode.HALF_UP, "0.05", "10.05"),
        ("10.08", RoundingMode.HALF_UP, "0.10", "10.10"),
        ("-2.345", RoundingMode.HALF_UP, None, "-2.35"),
    ],
)
def test_rounding_policy(amount: str, mode: RoundingMode, unit: str | None, expected: str) -> None:
    policy = RoundingPolicy(mode=mode, unit=unit)
    code = "CLP" if unit == "100" else "PEN"
    assert policy.round(Decimal(amount), Currency.of(code)) == Decimal(expected)


@given(decimals("-100000", "100000", 6), st.sampled_from(["0.01", "0.05", "0.10", "1", "100"]))
def test_rounded_amount_is_a_multiple_within_half_a_unit(amount: Decimal, unit: str) -> None:
    u = Decimal(unit)
    r = RoundingPolicy(unit=unit).round(amount, Currency.of("PEN"))
    assert r % u == 0
    assert abs(r - amount) <= u / 2
