"""A participant's typed answer is read as their language writes numbers (issue 14): a Brazilian
writes ``18,61`` and ``S/ 1.240,50`` (Babel's CLDR symbols for pt_BR, as the worksheets print
them); Spanish and English read Peru's ``1,240.50`` (as the SBS and the banks write it)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopfinance.errors import ParseError
from coopfinance.training import Quiz
from coopfinance.training._exercise import Unit, format_value, parse_response


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("18,61", Unit.PERCENT, Decimal("18.61")),
        ("18,61 %", Unit.PERCENT, Decimal("18.61")),
        ("S/ 1.240,50", Unit.SOLES, Decimal("1240.50")),
        ("1.240", Unit.LITRES, Decimal("1240")),  # the group sign, as pt_BR writes 1,240 L
        ("S/ 12.345.678,9", Unit.SOLES, Decimal("12345678.9")),
        ("18.61", Unit.PERCENT, Decimal("18.61")),  # a decimal point is still understood
        ("9", Unit.MONTHS, Decimal("9")),
    ],
)
def test_brazilian_numbers(text: str, unit: Unit, value: Decimal) -> None:
    assert parse_response(text, unit, "pt_BR") == value


def test_spanish_keeps_perus_digits() -> None:
    assert parse_response("S/ 1,240.50", Unit.SOLES, "es") == Decimal("1240.50")
    with pytest.raises(ParseError, match="'response' must be a number"):
        parse_response("18,61", Unit.PERCENT, "es")  # in Peru 18,61 is no number
    with pytest.raises(ParseError):
        parse_response("18,61", Unit.PERCENT)  # no language: Peru's digits, as before


@given(
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from([Unit.SOLES, Unit.PERCENT, Unit.LITRES]),
    st.sampled_from(["es", "en", "pt_BR"]),
)
def test_what_a_worksheet_prints_reads_back(value: Decimal, unit: Unit, lang: str) -> None:
    """Property: a figure written as the worksheet writes it in ``lang`` is read back exactly."""
    shown = format_value(value, unit, 2, lang)
    assert parse_response(shown, unit, lang) == value


def test_a_quiz_scores_brazilian_answers() -> None:
    quiz = Quiz.build("credit", seed=3, count=3)
    answers = [format_value(e.answer, e.unit, e.places, "pt_BR") for e in quiz.exercises]
    assert any("," in a for a in answers), answers  # a decimal comma is in play
    result = quiz.score(answers, "pt_BR")
    assert all(c is not None and c.correct for c in result.checks)
    ex = quiz.exercises[0]
    assert ex.check(format_value(ex.answer, ex.unit, ex.places, "pt_BR"), "pt_BR").correct
