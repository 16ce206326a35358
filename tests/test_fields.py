"""The field-parsing kit: the same bad input gets the same message, whichever field reads it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopfinance._fields import (
    ParseableEnum,
    non_negative,
    positive,
    required_text,
    to_date,
    to_enum,
    to_optional_date,
    to_text,
    to_whole,
    whole,
)
from coopfinance.errors import InvalidLoanTerms, InvalidValue, ParseError, WrongType


class Grain(ParseableEnum):
    ALFALFA_HAY = "alfalfa-hay"
    MAIZE = "maize"

    @classmethod
    def parse_error(cls) -> type[InvalidValue]:
        return InvalidLoanTerms


@given(st.dates(dt.date(1900, 1, 1), dt.date(2199, 12, 31)))
def test_a_date_and_its_iso_text_read_the_same(day: dt.date) -> None:
    assert to_date(day, field="d") == to_date(day.isoformat(), field="d") == day


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2026-02-30", "'2026-02-30'"),
        ("15/01/2026", "'15/01/2026'"),
        (20260115, "20260115"),
        ("", "''"),
        (None, "None"),
    ],
)
def test_a_bad_date_names_the_field_and_echoes_the_value(value: object, shown: str) -> None:
    with pytest.raises(
        ParseError,
        match=f"^'disbursed' must be a date such as '2026-01-15' "
        rf"\(got {shown}\)\.$",
    ) as info:
        to_date(value, field="disbursed")
    assert info.value.field == "disbursed"
    assert info.value.value == value


def test_a_datetime_is_not_a_date() -> None:
    with pytest.raises(ParseError, match="not a date and time"):
        to_date(dt.datetime(2026, 1, 15, 8), field="disbursed")


def test_the_domain_error_is_raised() -> None:
    with pytest.raises(InvalidLoanTerms):
        to_date("x", field="disbursed", error=InvalidLoanTerms)
    assert to_optional_date(" ", field="first_due") is None


def test_text_is_stripped_and_required() -> None:
    assert to_text(" a ", field="name") == "a"
    with pytest.raises(InvalidValue, match=r"'name' must be text \(got int 3\)"):
        to_text(3, field="name")


def test_enums_read_case_and_underscores_alike() -> None:
    assert Grain.parse("ALFALFA_HAY") is Grain.parse("alfalfa-hay") is Grain.ALFALFA_HAY
    assert to_enum(Grain, Grain.MAIZE, field="grain") is Grain.MAIZE
    with pytest.raises(
        InvalidLoanTerms,
        match=r"^'grain' must be one of alfalfa-hay, maize "
        r"\(got 'rice'\)\.$",
    ):
        Grain.parse("rice")
    with pytest.raises(InvalidValue, match="'crop' must be one of"):
        to_enum(Grain, 3, field="crop")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, r"'n' must be between 1 and 600 \(got 0\)"),
        ("1.5", r"'n' must be a whole number"),
        (Decimal("2.5"), "whole number"),
        ("9" * 40, "whole number"),
    ],
)
def test_whole_numbers(value: object, message: str) -> None:
    with pytest.raises(InvalidValue, match=message):
        to_whole(value, field="n", lo=1, hi=600)


def test_whole_numbers_accept_digits_and_integral_decimals() -> None:
    assert to_whole(" 12 ", field="n") == 12
    assert to_whole(Decimal("12.0"), field="n", lo=1) == 12
    with pytest.raises(WrongType):
        to_whole(True, field="n")
    with pytest.raises(InvalidValue, match="at least 1"):
        to_whole(0, field="n", lo=1)
    with pytest.raises(InvalidValue, match="at most 3"):
        to_whole(4, field="n", hi=3)


@attrs.frozen(kw_only=True)
class _Farm:
    name: str = attrs.field(validator=required_text(InvalidLoanTerms))
    cows: int = attrs.field(validator=whole(0, 500))
    litres: Decimal = attrs.field(validator=positive())
    debt: Decimal = attrs.field(validator=non_negative())


def test_validators_take_the_field_name_from_the_attribute() -> None:
    ok = {"name": "La Esperanza", "cows": 3, "litres": Decimal(1), "debt": Decimal(0)}
    _Farm(**ok)
    for key, bad, message in [
        ("name", " ", "'name' must not be empty"),
        ("cows", 501, r"'cows' must be between 0 and 500 \(got 501\)"),
        ("cows", "3", "'cows' must be a whole number"),
        ("litres", Decimal(0), r"'litres' must be positive \(got 0\)"),
        ("debt", Decimal(-1), r"'debt' must not be negative \(got -1\)"),
    ]:
        with pytest.raises(InvalidValue, match=message) as info:
            _Farm(**{**ok, key: bad})
        assert info.value.field == key
