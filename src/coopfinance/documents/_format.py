"""Locale-aware formatting of money, numbers, percents and dates, and escaping for Markdown.

Each language has one locale: ``es`` → ``es_PE`` (Peru), ``en`` → ``en_US``, ``pt_BR`` → ``pt_BR``.
The digits come from Babel with the locale's symbols; ``es_PE`` and ``en_US`` group thousands with a
comma and use a dot for the decimals (``1,250.50``), as Peruvian lenders print and as the SBS
publishes; ``pt_BR`` writes ``1.250,50`` as Brazilians do.

Decisions (see docs/documents.md):

- money is ``S/ 1,250.50`` in both languages: coopfinance's own currency symbol (the one
  ``str(Money)`` prints), one plain space, the digits with the currency's minor unit, rounded half-up.
  Babel's ``es_PE`` pattern gives the same digits but a no-break space (``S/\\xa01,250.50``) and its
  ``en_US`` pattern gives ``PEN1,250.50``; a printed loan document reads better with one form.
  A negative amount has its sign in front, as CLDR's ``es_PE`` pattern does: ``-S/ 1,250.50``.
- percents: ``35.00 %`` in Spanish (a space before ``%``, the RAE and ISO 80000 norm),
  ``35.00%`` in English (CLDR ``en_US``); two places unless told, rounded half-up.
- dates: long ``15 de enero de 2026`` / ``January 15, 2026`` (CLDR's long form; ``es_PE`` writes
  ``setiembre``, as Peru does); short
  ``15/01/2026`` / ``01/15/2026`` (the locale's order with four-digit years); ``iso``
  ``2026-01-15``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

from babel import Locale
from babel.dates import DateTimePattern, get_date_format
from babel.dates import parse_pattern as _parse_date_pattern

from coopfinance import text
from coopfinance._decimal import CONTEXT, exact, to_decimal
from coopfinance._money import Currency, Money
from coopfinance.errors import E_, CurrencyMismatch, InvalidValue, WrongType, fmt_value

__all__ = [
    "DATE_STYLES",
    "LANGUAGES",
    "align_columns",
    "check_lang",
    "escape_markdown",
    "format_date",
    "format_money",
    "format_number",
    "format_percent",
]

_LOCALES: Final[dict[str, str]] = {"es": "es_PE", "en": "en_US"}
LANGUAGES: Final[dict[str, str]] = {lang: _LOCALES.get(lang, lang) for lang in text.LANGUAGES}
"""The languages documents are written in (every catalog :mod:`coopfinance.text` ships), each with
the Babel locale that formats its numbers and dates (a language without an entry in the table is its
own Babel locale, as ``pt_BR``)."""

_PERCENT_SUFFIX: Final[dict[str, str]] = {"es": " %"}  # other languages: "35%"
_SHORT_DATE: Final[dict[str, str]] = {"en": "MM/dd/yyyy"}  # other languages: dd/MM/yyyy
DATE_STYLES: Final[tuple[str, ...]] = ("long", "short", "iso")
"""The styles :func:`format_date` knows."""


def check_lang(lang: object) -> str:
    """``lang`` if it names one of :data:`LANGUAGES` (see :func:`coopfinance.text.check_lang`).

    >>> check_lang("es_PE.UTF-8")
    'es'
    >>> check_lang("fr")
    Traceback (most recent call last):
    ...
    coopfinance.errors.InvalidValue: 'lang' must be one of 'es', 'en', 'pt_BR' (got 'fr').
    """
    return text.check_lang(lang)


def _check_places(places: object) -> int:
    if isinstance(places, int) and not isinstance(places, bool) and 0 <= places <= 10:
        return places
    raise InvalidValue(
        E_(
            "'places' must be a whole number from 0 to 10 (got %(places)s).",
            places=fmt_value(places),
        ),
        field="places",
        value=places,
    )


@functools.cache
def _locale(lang: str) -> Locale:
    """The Babel locale of ``lang``, parsed once (``Locale.parse`` is most of a format call)."""
    return Locale.parse(LANGUAGES[lang])


@functools.cache
def _date_pattern(lang: str, style: str) -> DateTimePattern:
    """The ``long`` or ``short`` date pattern of ``lang``, parsed once."""
    if style == "long":
        return _parse_date_pattern(get_date_format("long", locale=_locale(lang)))
    return _parse_date_pattern(_SHORT_DATE.get(lang, "dd/MM/yyyy"))


@functools.cache
def _symbols(lang: str) -> dict[int, str] | None:
    """What turns Python's ``1,234.50`` into ``lang``'s digits (``None``: nothing to change)."""
    symbols = _locale(lang).number_symbols["latn"]
    table = {",": symbols["group"], ".": symbols["decimal"], "-": symbols["minusSign"]}
    changed = {k: v for k, v in table.items() if k != v}
    return str.maketrans(changed) if changed else None


def _digits(value: Decimal, lang: str, places: int) -> str:
    """``value`` (already rounded to ``places``) with the locale's grouping and decimal symbols.

    What ``babel.numbers.format_decimal(value, format="#,##0.00…", locale=…)`` gives, written by
    Python's own ``format(value, ",.2f")`` (exact on a :class:`~decimal.Decimal`, thousands grouped
    by three, as every shipped locale's CLDR pattern groups) with the locale's group, decimal and
    minus symbols swapped in: a twentieth of Babel's cost, and the demo formats ≈ 70,000 amounts
    (``tests/documents/test_format_cache.py`` checks the two agree).
    """
    text = format(value, f",.{places}f")
    table = _symbols(lang)
    return text.translate(table) if table is not None else text


def _round(value: Decimal, places: int) -> Decimal:
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=CONTEXT)
    return rounded.copy_abs() if rounded.is_zero() else rounded  # never print "-0.00"


@exact
def format_number(
    value: Decimal | int | str, *, lang: str = "es", places: int | None = None
) -> str:
    """``value`` with thousands grouped; ``places`` decimals (half-up) or as many as it has.

    >>> format_number(Decimal("1234567.5"), lang="es")
    '1,234,567.5'
    >>> format_number(31, lang="en"), format_number("2.5", lang="es", places=2)
    ('31', '2.50')
    """
    lang = check_lang(lang)
    d = to_decimal(value, field="value")
    if places is None:
        exponent = d.as_tuple().exponent
        places = max(0, -exponent) if isinstance(exponent, int) else 0
    places = _check_places(places)
    return _digits(_round(d, places), lang, places)


@exact
def format_money(
    value: Money | Decimal | int | str,
    currency: Currency | str | None = None,
    *,
    lang: str = "es",
    symbol: bool = True,
) -> str:
    """An amount as ``S/ 1,250.50``: symbol, a space, digits with the currency's decimals (half-up).

    ``value`` is :class:`~coopfinance.Money` (its currency is used) or a plain amount with
    ``currency`` given. ``symbol=False`` leaves out the symbol, for the columns of a table.

    >>> format_money(Decimal("1250.5"), "PEN", lang="es")
    'S/ 1,250.50'
    >>> format_money(Money("1250.50", "PEN"), lang="en")
    'S/ 1,250.50'
    >>> format_money(Decimal("-75"), "USD", lang="en"), format_money("1234.567", "PEN", symbol=False)
    ('-US$ 75.00', '1,234.57')
    """
    lang = check_lang(lang)
    if isinstance(value, Money):
        if currency is not None and Currency.of(currency) != value.currency:
            raise CurrencyMismatch(
                E_(
                    "'currency' %(code)s differs from the amount's own currency (got %(value)s).",
                    code=Currency.of(currency).code,
                    value=value,
                ),
                field="currency",
                value=currency,
            )
        amount, cur = value.amount, value.currency
    else:
        if currency is None:
            raise WrongType(
                E_(
                    "'currency' is needed to format a plain amount (got %(value)s without "
                    "one); pass a currency code or a Money.",
                    value=fmt_value(value),
                ),
                field="currency",
                value=value,
            )
        amount, cur = to_decimal(value, field="amount"), Currency.of(currency)
    places = cur.minor_unit
    rounded = _round(amount, places)
    digits = _digits(rounded.copy_abs(), lang, places)
    sign = "-" if rounded < 0 else ""
    return f"{sign}{cur.symbol} {digits}" if symbol else f"{sign}{digits}"


@exact
def format_percent(value: Decimal | int | str, *, lang: str = "es", places: int = 2) -> str:
    """A fraction as a percent: ``0.35`` → ``35.00 %`` (Spanish) or ``35.00%`` (English).

    >>> format_percent(Decimal("0.35"), lang="es"), format_percent(Decimal("0.35"), lang="en")
    ('35.00 %', '35.00%')
    >>> format_percent(Decimal("0.40351234"), lang="es", places=4)
    '40.3512 %'
    """
    lang = check_lang(lang)
    places = _check_places(places)
    pct = _round(CONTEXT.multiply(to_decimal(value, field="rate"), Decimal(100)), places)
    return _digits(pct, lang, places) + _PERCENT_SUFFIX.get(lang, "%")


@exact
def format_date(value: dt.date, *, lang: str = "es", style: str = "long") -> str:
    """A date in ``style`` ``long`` (``15 de enero de 2026``), ``short`` (``15/01/2026``) or ``iso``.

    >>> d = dt.date(2026, 1, 15)
    >>> format_date(d, lang="es"), format_date(d, lang="en")
    ('15 de enero de 2026', 'January 15, 2026')
    >>> format_date(d, lang="es", style="short"), format_date(d, lang="en", style="short")
    ('15/01/2026', '01/15/2026')
    """
    lang = check_lang(lang)
    if not isinstance(value, dt.date):
        raise WrongType(
            E_(
                "'date' must be a datetime.date (got %(type)s %(value)s).",
                type=type(value).__name__,
                value=fmt_value(value),
            ),
            field="date",
            value=value,
        )
    day = value.date() if isinstance(value, dt.datetime) else value
    if style == "iso":
        return day.isoformat()
    if style in ("long", "short"):  # babel.dates.format_date with the pattern parsed once
        text: str = _date_pattern(lang, style).apply(day, _locale(lang))
        return text
    choices = ", ".join(repr(s) for s in DATE_STYLES)
    raise InvalidValue(
        E_(
            "'style' must be one of %(choices)s (got %(style)s).",
            choices=choices,
            style=fmt_value(style),
        ),
        field="style",
        value=style,
    )


# Characters with a meaning anywhere in a CommonMark/GFM line (emphasis, code, links, raw HTML,
# entities, table cells, strikethrough) and, separately, at the start of a line (headings, lists,
# setext underlines). CommonMark renders a backslash-escaped ASCII punctuation character as itself.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>&|~])")
_MD_BLOCK_MARK = re.compile(r"^(\s*)([#+=-])")
_MD_LIST_NUMBER = re.compile(r"^(\s*\d+)([.)])(?=\s|$)")
_NEWLINES = re.compile(r"\s*[\r\n]+\s*")


@exact
def escape_markdown(value: Any) -> str:
    r"""``value`` as literal Markdown text: markup and raw HTML in it are shown, never interpreted.

    Line breaks become spaces (user text stays inside its line or table cell); characters that
    Markdown or HTML would read as markup get a backslash, which Markdown removes when it renders.

    >>> print(escape_markdown("<script>alert(1)</script> **x**"))
    \<script\>alert(1)\</script\> \*\*x\*\*
    >>> print(escape_markdown("# Asociación | Manantial & Vida"))
    \# Asociación \| Manantial \& Vida
    >>> print(escape_markdown("1. Quispe"))
    1\. Quispe
    """
    text = _NEWLINES.sub(" ", str(value).strip())
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _MD_BLOCK_MARK.sub(r"\1\\\2", text)
    return _MD_LIST_NUMBER.sub(r"\1\\\2", text)


_RULE = "---"


@exact
def align_columns(text: str, align: str = "l", sep: str = " ") -> str:
    r"""Lines of tab-separated cells laid out as a plain-text table (the ``columns`` filter).

    Every column is as wide as its widest cell; ``align`` has one letter per column, ``l`` (left)
    or ``r`` (right), its last letter standing for the columns after it. Cells are joined with
    ``sep`` and each line loses its trailing blanks. A line ``---`` becomes a rule of dashes under
    every column; an empty line stays empty.

    >>> print(align_columns("name\tlitres\n---\nQuispe\t1,250.5\nMamani\t80", "lr", "  "))
    name     litres
    ------  -------
    Quispe  1,250.5
    Mamani       80
    """
    lines = text.split("\n")
    rows = [line.split("\t") for line in lines if line and line != _RULE]
    count = max((len(r) for r in rows), default=0)
    widths = [max((len(r[c]) for r in rows if c < len(r)), default=0) for c in range(count)]
    sides = [align[min(c, len(align) - 1)] if align else "l" for c in range(count)]
    out = []
    for line in lines:
        if line == _RULE:
            out.append(sep.join("-" * w for w in widths))
        elif not line:
            out.append("")
        else:
            cells = line.split("\t")
            padded = [
                cell.rjust(widths[c]) if sides[c] == "r" else cell.ljust(widths[c])
                for c, cell in enumerate(cells)
            ]
            out.append(sep.join(padded).rstrip())
    return "\n".join(out)
