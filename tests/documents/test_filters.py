"""The formatters behind the template filters: money, number, percent, date, md (pinned per locale)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from tests.strategies import decimals

from coopfinance import Money
from coopfinance.documents import (
    environment,
    escape_markdown,
    format_date,
    format_money,
    format_number,
    format_percent,
)
from coopfinance.errors import CurrencyMismatch, FloatNotAllowed, InvalidValue, WrongType

JAN_15 = dt.date(2026, 1, 15)


@pytest.mark.parametrize(
    ("value", "currency", "lang", "symbol", "expected"),
    [
        (Decimal("1250.5"), "PEN", "es", True, "S/ 1,250.50"),
        (Decimal("1250.5"), "PEN", "en", True, "S/ 1,250.50"),
        (Money("1250.50", "PEN"), None, "es", True, "S/ 1,250.50"),
        (Money("1250.50", "PEN"), "PEN", "en", True, "S/ 1,250.50"),
        (Decimal("1234567.891"), "PEN", "es", True, "S/ 1,234,567.89"),
        (Decimal("0.005"), "PEN", "es", True, "S/ 0.01"),  # half-up, as lenders print
        (Decimal("-0.004"), "PEN", "es", True, "S/ 0.00"),  # never "-0.00"
        (Decimal("-1250.5"), "PEN", "es", True, "-S/ 1,250.50"),
        (Decimal("75"), "USD", "en", True, "US$ 75.00"),
        (Decimal("1234567"), "CLP", "es", True, "CLP$ 1,234,567"),
        (Decimal("1.2345"), "KWD", "en", True, "KD 1.235"),
        ("1,250.5", "PEN", "es", False, "1,250.50"),
        (0, "PEN", "en", False, "0.00"),
    ],
)
def test_money_is_symbol_space_digits_in_both_languages(
    value: object, currency: str | None, lang: str, symbol: bool, expected: str
) -> None:
    assert format_money(value, currency, lang=lang, symbol=symbol) == expected  # type: ignore[arg-type]


@given(amount=decimals("-99999999999.99", "99999999999.99", 2), lang=st.sampled_from(["es", "en"]))
@example(amount=Decimal("0.00"), lang="es")
@example(amount=Decimal("-0.01"), lang="en")
@example(amount=Decimal("1000000.00"), lang="es")
@example(amount=Decimal("999.99"), lang="en")
def test_money_reads_back_to_the_same_amount(amount: Decimal, lang: str) -> None:
    """Removing the symbol and the separators gives back the exact amount, in both languages."""
    text = format_money(amount, "PEN", lang=lang)
    assert re.fullmatch(r"-?S/ \d{1,3}(,\d{3})*\.\d{2}", text), text
    assert Decimal(text.replace("S/", "").replace(" ", "").replace(",", "")) == amount
    assert Money.parse(text.removeprefix("-")).amount == abs(amount)


@pytest.mark.parametrize(
    ("value", "lang", "places", "expected"),
    [
        (Decimal("0.35"), "es", 2, "35.00 %"),
        (Decimal("0.35"), "en", 2, "35.00%"),
        (Decimal("0.398275877"), "es", 2, "39.83 %"),
        (Decimal("0.398275877"), "en", 4, "39.8276%"),
        (Decimal("0.12345"), "es", 0, "12 %"),
        (Decimal("0.000125"), "es", 3, "0.013 %"),  # half-up
        (Decimal("12.5"), "en", 1, "1,250.0%"),
        ("35%", "es", 2, "35.00 %"),
    ],
)
def test_percent_of_a_fraction(value: object, lang: str, places: int, expected: str) -> None:
    assert format_percent(value, lang=lang, places=places) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "lang", "places", "expected"),
    [
        (1234567, "es", None, "1,234,567"),
        (31, "en", None, "31"),
        (Decimal("1234.5"), "es", None, "1,234.5"),
        (Decimal("1234.5"), "en", 2, "1,234.50"),
        (Decimal("2.345"), "es", 2, "2.35"),
        (Decimal("1E+3"), "es", None, "1,000"),
    ],
)
def test_number_groups_thousands(
    value: object, lang: str, places: int | None, expected: str
) -> None:
    assert format_number(value, lang=lang, places=places) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("lang", "style", "expected"),
    [
        ("es", "long", "15 de enero de 2026"),
        ("en", "long", "January 15, 2026"),
        ("es", "short", "15/01/2026"),
        ("en", "short", "01/15/2026"),
        ("es", "iso", "2026-01-15"),
        ("en", "iso", "2026-01-15"),
    ],
)
def test_dates_per_locale(lang: str, style: str, expected: str) -> None:
    assert format_date(JAN_15, lang=lang, style=style) == expected


def test_a_datetime_is_formatted_as_its_date() -> None:
    assert format_date(dt.datetime(2026, 9, 1, 23, 59), lang="en") == "September 1, 2026"


def test_spanish_dates_use_the_peruvian_month_names() -> None:
    """CLDR es_PE spells September "setiembre", as Peruvian documents do."""
    assert format_date(dt.date(2026, 9, 1), lang="es") == "1 de setiembre de 2026"


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: format_money(1.5, "PEN"),
            FloatNotAllowed,
            r"'amount' must not be a float \(got 1.5\)",
        ),
        (lambda: format_money(Decimal(1)), WrongType, r"'currency' is needed .*\(got 1 without"),
        (
            lambda: format_money(Money("1", "USD"), "PEN"),
            CurrencyMismatch,
            r"'currency' PEN differs",
        ),
        (lambda: format_money(Decimal(1), "XYZ"), InvalidValue, r"'currency' must be .*'XYZ'"),
        (
            lambda: format_money(Decimal(1), "PEN", lang="fr"),
            InvalidValue,
            r"'lang' .*\(got 'fr'\)",
        ),
        (lambda: format_percent(0.35), FloatNotAllowed, r"'rate' must not be a float"),
        (lambda: format_percent(Decimal(1), places=11), InvalidValue, r"'places' .*\(got 11\)"),
        (lambda: format_number("abc"), InvalidValue, r"'value' must be a number .*'abc'"),
        (lambda: format_number(Decimal("NaN")), InvalidValue, r"'value' must be a finite number"),
        (lambda: format_date("2026-01-15"), WrongType, r"'date' must be a datetime.date .*'2026"),
        (lambda: format_date(JAN_15, style="full"), InvalidValue, r"'style' .*\(got 'full'\)"),
        (lambda: format_date(JAN_15, lang="fr"), InvalidValue, r"'lang' .*\(got 'fr'\)"),
    ],
)
def test_bad_input_names_the_field_and_echoes_the_value(
    call: object, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        call()  # type: ignore[operator]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<script>alert(1)</script>", r"\<script\>alert(1)\</script\>"),
        ("**x**", r"\*\*x\*\*"),
        ("_a_ `b` ~c~ [d](e) ![f](g)", r"\_a\_ \`b\` \~c\~ \[d\](e) !\[f\](g)"),
        ("Cooperativa A | B & C", r"Cooperativa A \| B \& C"),
        ("back\\slash", r"back\\slash"),
        ("# title", r"\# title"),
        ("- item", r"\- item"),
        ("+ item", r"\+ item"),
        ("12. item", r"12\. item"),
        ("3) item", r"3\) item"),
        ("1.5 hectáreas", "1.5 hectáreas"),
        ("#1 Fundo", r"\#1 Fundo"),
        ("line one\n\n# two\r\nthree", r"line one # two three"),
        ("  Juana Quispe  ", "Juana Quispe"),
        ("José Ñahui Cóndor", "José Ñahui Cóndor"),
        (Decimal("1.5"), "1.5"),
    ],
)
def test_md_escapes_markup(text: object, expected: str) -> None:
    assert escape_markdown(text) == expected


_SPECIAL = set("\\`*_[]<>&|~")


@given(text=st.text())
def test_md_output_is_the_input_with_backslashes(text: str) -> None:
    """Removing the escapes gives the text back (blanks around line breaks collapsed), and no
    character with a Markdown meaning is left unescaped."""
    escaped = escape_markdown(text)
    assert "\n" not in escaped
    assert "\r" not in escaped
    unescaped = re.sub(r"\\(.)", r"\1", escaped)
    assert unescaped == re.sub(r"\s*[\r\n]+\s*", " ", text.strip())
    pieces = re.split(r"\\.", escaped)
    assert not any(c in _SPECIAL for piece in pieces for c in piece)


def test_filters_use_the_language_of_the_context() -> None:
    env = environment()
    template = env.from_string(
        "{{ x|money('PEN') }} · {{ r|percent }} · {{ d|date }} · {{ d|date('short') }} · "
        "{{ n|number }} · {{ t('column.interest') }}"
    )
    values = {"x": Decimal("1250.5"), "r": Decimal("0.35"), "d": JAN_15, "n": 1234}
    assert template.render(lang="es", **values) == (
        "S/ 1,250.50 · 35.00 % · 15 de enero de 2026 · 15/01/2026 · 1,234 · Interés"
    )
    assert template.render(lang="en", **values) == (
        "S/ 1,250.50 · 35.00% · January 15, 2026 · 01/15/2026 · 1,234 · Interest"
    )
