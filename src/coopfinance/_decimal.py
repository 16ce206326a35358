"""Exact decimal helpers shared by every layer: conversion that refuses floats, a local context.

coopfinance never touches the global decimal context. Calculations run under :data:`CONTEXT`
(34 significant digits, IEEE 754 decimal128 precision, half-even for intermediate results) entered
with :func:`decimal.localcontext`, or pass it explicitly.
"""

from __future__ import annotations

import decimal
import functools
import inspect
import re
from collections.abc import Callable, Generator
from contextvars import ContextVar
from decimal import Decimal
from fractions import Fraction
from typing import Any, ParamSpec, TypeVar, cast

from coopfinance.errors import E_, FloatNotAllowed, ParseError, WrongType, fmt_value

__all__ = [
    "CONTEXT",
    "MAX_DIGITS",
    "MAX_MAGNITUDE",
    "MIN_EXPONENT",
    "ONE",
    "ZERO",
    "exact",
    "fraction_to_decimal",
    "parse_number",
    "to_decimal",
]

CONTEXT = decimal.Context(
    prec=34,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-999999,
    Emax=999999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
"""The context of every intermediate calculation: 34 significant digits (more than the 20 promised)."""

_P = ParamSpec("_P")
_ACTIVE: ContextVar[decimal.Context | None] = ContextVar("coopfinance_exact", default=None)
_R = TypeVar("_R")


def exact(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``func`` under :data:`CONTEXT`, whatever the caller's decimal context is.

    The library's public entry points (building a schedule, the cost of credit, servicing,
    settlements, plans, training, documents, the book's close) carry this decorator, so a caller
    who set ``decimal.getcontext().prec = 5`` or ``ROUND_FLOOR`` (or a thread whose
    :data:`decimal.DefaultContext` was changed) gets the same figures, byte for byte, as anyone else
    (issue 20 §1). The caller's context is restored on return and never receives the library's
    flags. A generator function is wrapped step by step: the context holds while it computes each
    item and is the caller's again between items.

    >>> import decimal
    >>> @exact
    ... def third() -> Decimal:
    ...     return Decimal(1) / 3
    >>> with decimal.localcontext(decimal.Context(prec=5, rounding=decimal.ROUND_FLOOR)):
    ...     str(third())[:10], str(Decimal(1) / 3)
    ('0.33333333', '0.33333')
    """
    if inspect.isgeneratorfunction(func):
        gen = cast(Callable[..., Generator[Any, Any, Any]], func)

        @functools.wraps(func)
        def stepwise(*args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
            with decimal.localcontext(CONTEXT):
                inner = gen(*args, **kwargs)
            while True:
                with decimal.localcontext(CONTEXT):
                    try:
                        item = next(inner)
                    except StopIteration as stop:
                        return stop.value
                yield item

        return cast(Callable[_P, _R], stepwise)

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        if _ACTIVE.get() is decimal.getcontext():  # nested: already exact, skip the copy
            return func(*args, **kwargs)
        with decimal.localcontext(CONTEXT) as ctx:
            token = _ACTIVE.set(ctx)
            try:
                return func(*args, **kwargs)
            finally:
                _ACTIVE.reset(token)

    return wrapper


ZERO = Decimal(0)
ONE = Decimal(1)
_HUNDRED = Decimal(100)

_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$", re.ASCII)
_GROUPED = re.compile(r"^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?$", re.ASCII)

MAX_DIGITS = 60
"""The longest number text read (after removing blanks, ``_`` and ``,``): a 5,000-digit integer is
refused before it is converted."""
MAX_MAGNITUDE = Decimal("1e15")
"""Every number read must be smaller than this in absolute value (a thousand million million: far
above any amount, rate, count or seed a co-op has; far below where 34-digit arithmetic stops being
exact to the céntimo). Fields have narrower bounds of their own (see ``docs/conventions.md``,
"Bounds")."""
MIN_EXPONENT = -30
"""The smallest power of ten a number read may have (``1e-30``); zero of any exponent is zero."""


def _bounded(value: Decimal, *, field: str, shown: object) -> Decimal:
    """``value`` if finite and within :data:`MAX_MAGNITUDE` and :data:`MIN_EXPONENT`, else a
    :class:`~coopfinance.errors.ParseError` naming ``field``."""
    if value.is_finite() and not value.is_zero() and MIN_EXPONENT <= value.adjusted() < 15:
        return value  # the common case, before ``shown`` is formatted for a message
    if len(str(shown)) > 40:
        shown = f"{str(shown)[:20]}… ({len(str(shown))} characters)"
    if not value.is_finite():
        raise ParseError(
            E_(
                "%(field)s must be a finite number (got %(shown)s).",
                field=repr(field),
                shown=fmt_value(shown),
            ),
            field=field,
            value=shown,
        )
    if value.is_zero():
        return value if int(value.as_tuple().exponent) >= MIN_EXPONENT else Decimal(0)
    if value.adjusted() >= 15:
        raise ParseError(
            E_(
                "%(field)s is too large: numbers must be smaller than 1e15 in absolute "
                "value (got %(shown)s).",
                field=repr(field),
                shown=fmt_value(shown),
            ),
            field=field,
            value=shown,
        )
    if value.adjusted() < MIN_EXPONENT:
        raise ParseError(
            E_(
                "%(field)s is too small to be meant: numbers must be zero or at least "
                "1e-30 in absolute value (got %(shown)s).",
                field=repr(field),
                shown=fmt_value(shown),
            ),
            field=field,
            value=shown,
        )
    return value


def parse_number(text: str, *, field: str) -> Decimal:
    """Read ``text`` as an exact decimal number.

    Accepts ``"1250.5"``, ``"1,250.50"`` (comma thousands separators in groups of three), ``"-3"``,
    ``"1e3"`` and surrounding blanks. A trailing ``%`` divides by 100: ``"35%"`` is ``0.35``.
    Refused: ``NaN``, ``Infinity``, digits other than ASCII ``0``–``9``, more than
    :data:`MAX_DIGITS` characters, magnitudes of :data:`MAX_MAGNITUDE` (``1e15``) or more, and
    non-zero magnitudes below ``1e-30`` (issue 20 §2).

    >>> parse_number("1,250.50", field="amount")
    Decimal('1250.50')
    >>> parse_number("2.5%", field="rate")
    Decimal('0.025')
    >>> parse_number("1e400", field="amount")
    Traceback (most recent call last):
    ...
    coopfinance.errors.ParseError: 'amount' is too large: numbers must be smaller than 1e15 ...
    """
    s = text.strip().replace("_", "")
    if len(s) > MAX_DIGITS + 2:
        raise ParseError(
            E_(
                "%(field)s must be a number of at most %(max_digits)s characters (got "
                "%(text)s of %(text2)s characters).",
                field=repr(field),
                max_digits=MAX_DIGITS,
                text=fmt_value(text[:20] + "…"),
                text2=len(text),
            ),
            field=field,
            value=text[:40],
        )
    percent = s.endswith("%")
    if percent:
        s = s[:-1].strip()
    if _GROUPED.match(s):
        s = s.replace(",", "")
    if not _NUMBER.match(s):
        raise ParseError(
            E_(
                "%(field)s must be a number such as '1250.50' or '35%%' (got %(text)s).",
                field=repr(field),
                text=fmt_value(text),
            ),
            field=field,
            value=text,
        )
    value = _bounded(Decimal(s), field=field, shown=text)
    if percent:
        value = CONTEXT.divide(value, _HUNDRED)
    return value


def to_decimal(value: Any, *, field: str) -> Decimal:
    """Convert ``value`` (``Decimal``, ``int`` or ``str``) to ``Decimal``; refuse ``float`` and others.

    >>> to_decimal("35%", field="rate")
    Decimal('0.35')
    >>> to_decimal(1.5, field="principal")
    Traceback (most recent call last):
    ...
    coopfinance.errors.FloatNotAllowed: 'principal' must not be a float (got 1.5): pass a str ...
    """
    if isinstance(value, Decimal):
        return _bounded(value, field=field, shown=value)
    if isinstance(value, bool):
        raise WrongType(
            E_(
                "%(field)s must be a Decimal, int or str (got bool %(value)s).",
                field=repr(field),
                value=value,
            ),
            field=field,
            value=value,
        )
    if isinstance(value, int):
        if not -(10**15) < value < 10**15:
            shown = (
                value
                if abs(value) < 10**60
                else f"an integer of about {int(value.bit_length() * 0.30103) + 1} digits"
            )
            raise ParseError(
                E_(
                    "%(field)s is too large: numbers must be smaller than 1e15 in absolute "
                    "value (got %(shown)s).",
                    field=repr(field),
                    shown=shown,
                ),
                field=field,
                value=shown,
            )
        return Decimal(value)
    if isinstance(value, str):
        return parse_number(value, field=field)
    if isinstance(value, float):
        raise FloatNotAllowed(
            E_(
                "%(field)s must not be a float (got %(value)s): pass a str such as "
                "'%(value)s' or a Decimal.",
                field=repr(field),
                value=repr(value),
            ),
            field=field,
            value=value,
        )
    raise WrongType(
        E_(
            "%(field)s must be a Decimal, int or str (got %(type)s %(value)s).",
            field=repr(field),
            type=type(value).__name__,
            value=repr(value),
        ),
        field=field,
        value=value,
    )


def fraction_to_decimal(value: Fraction) -> Decimal:
    """An exact fraction as a Decimal with :data:`CONTEXT` precision."""
    return CONTEXT.divide(Decimal(value.numerator), Decimal(value.denominator))
