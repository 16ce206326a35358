"""The cached Babel locale and patterns of ``documents._format`` give exactly what the uncached
Babel calls give (issue 22: formatters built once per locale)."""

from __future__ import annotations

import datetime as dt
from decimal import Context, Decimal

from babel.dates import format_date as babel_date
from babel.numbers import format_decimal as babel_decimal
from hypothesis import given
from hypothesis import strategies as st

from coopfinance.documents._format import _SHORT_DATE, LANGUAGES, _digits, format_date

LANGS = st.sampled_from(sorted(LANGUAGES))


@given(
    st.decimals(min_value=-(10**15), max_value=10**15, allow_nan=False, places=6),
    LANGS,
    st.integers(0, 10),
)
def test_digits_match_uncached_babel(value: Decimal, lang: str, places: int) -> None:
    pattern = "#,##0" + ("." + "0" * places if places else "")
    rounded = value.quantize(Decimal(1).scaleb(-places), context=Context(prec=40))
    assert _digits(rounded, lang, places) == babel_decimal(
        rounded, format=pattern, locale=LANGUAGES[lang]
    )


@given(st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31)), LANGS)
def test_dates_match_uncached_babel(day: dt.date, lang: str) -> None:
    assert format_date(day, lang=lang) == babel_date(day, format="long", locale=LANGUAGES[lang])
    short = _SHORT_DATE.get(lang, "dd/MM/yyyy")
    assert format_date(day, lang=lang, style="short") == babel_date(
        day, format=short, locale=LANGUAGES[lang]
    )
