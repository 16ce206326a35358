"""The field-parsing kit: one way to read a date, a text, a convention or a count, one message each.

Every value class and loader reads its fields through these helpers, so the same bad input gets the
same message everywhere::

    'disbursed' must be a date such as '2026-01-15' (got '2026-02-30').
    'amortization' must be one of level, weighted, ... (got 'baloon').
    'installments' must be between 1 and 600 (got 0).

Converters (``to_*``) take the value and the field's name and return the normalised value; the
validators (:func:`positive`, :func:`non_negative`, :func:`required_text`, :func:`whole`) are attrs
validators that take the field's name from the attrs attribute. Each helper takes ``error=``, the
domain's leaf of :class:`~coopfinance.errors.InvalidValue` to raise (``InvalidLoanTerms`` for loan
terms, ``InvalidDelivery`` for deliveries, ...).

Amounts and rates are read by :func:`coopfinance._decimal.to_decimal` (it refuses floats).
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Self, TypeVar

import attrs

from coopfinance.errors import E_, InvalidValue, ParseError, WrongType, fmt_value

__all__ = [
    "FIRST_DATE",
    "LAST_DATE",
    "ParseableEnum",
    "non_negative",
    "positive",
    "required_text",
    "to_date",
    "to_enum",
    "to_optional_date",
    "to_table",
    "to_text",
    "to_whole",
    "whole",
]

_E = TypeVar("_E", bound=enum.Enum)
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", re.ASCII)
_Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


FIRST_DATE = dt.date(1900, 1, 1)
"""The earliest date read (issue 20 §2): the calendar's edge (0001-01-01) is no real loan's."""
LAST_DATE = dt.date(2199, 12, 31)
"""The latest date read: a 600-installment schedule from it still ends before year 9999."""


def to_date(value: Any, *, field: str, error: type[InvalidValue] = ParseError) -> dt.date:
    """``value`` as a calendar date: a :class:`datetime.date` (not a datetime) or ISO text.

    >>> to_date("2026-01-15", field="disbursed")
    datetime.date(2026, 1, 15)
    >>> to_date("2026-02-30", field="disbursed")
    Traceback (most recent call last):
    ...
    coopfinance.errors.ParseError: 'disbursed' must be a date such as '2026-01-15' (got '2026-02-30').
    """
    if isinstance(value, dt.datetime):
        raise error(
            E_(
                "%(field)s must be a date such as '2026-01-15', not a date and time "
                "(got %(value)s).",
                field=repr(field),
                value=value,
            ),
            field=field,
            value=value,
        )
    if isinstance(value, dt.date):
        return _within_calendar(value, field=field, error=error)
    if isinstance(value, str):
        text = value.strip()
        if _ISO_DATE.match(text):
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                pass
            else:
                return _within_calendar(day, field=field, error=error)
    raise error(
        E_(
            "%(field)s must be a date such as '2026-01-15' (got %(value)s).",
            field=repr(field),
            value=fmt_value(value),
        ),
        field=field,
        value=value,
    )


def _within_calendar(day: dt.date, *, field: str, error: type[InvalidValue]) -> dt.date:
    """``day`` if within :data:`FIRST_DATE`..:data:`LAST_DATE`, else ``error`` naming ``field``."""
    if FIRST_DATE <= day <= LAST_DATE:
        return day
    raise error(
        E_(
            "%(field)s must be a date between %(first_date)s and %(last_date)s "
            "(got %(day)s): the calendar's edges leave no room for a schedule or a "
            "period.",
            field=repr(field),
            first_date=FIRST_DATE,
            last_date=LAST_DATE,
            day=day,
        ),
        field=field,
        value=day,
    )


def to_table(data: Any, *, field: str, error: type[InvalidValue] = ParseError) -> Mapping[str, Any]:
    """``data`` if it is a table (a mapping with text keys), else ``error`` naming ``field`` and
    the shape found (``null``, a number, a list): the first check of every ``from_dict``.

    >>> to_table([], field="terms")
    Traceback (most recent call last):
    ...
    coopfinance.errors.ParseError: 'terms' must be a table of keys and values (got a list).
    """
    if isinstance(data, Mapping) and all(isinstance(k, str) for k in data):
        return data
    shape: str
    if data is None:
        shape = "null"
    elif isinstance(data, bool | int | float | Decimal):
        shape = E_("a number, %(number)s", number=data)
    elif isinstance(data, str):
        shape = E_("text %(text)s", text=fmt_value(data[:40]))
    elif isinstance(data, list | tuple):
        shape = E_("a list")
    elif isinstance(data, Mapping):
        shape = E_("a table whose keys are not all text")
    else:
        shape = E_("a %(type)s", type=type(data).__name__)
    raise error(
        E_(
            "%(field)s must be a table of keys and values (got %(shape)s).",
            field=repr(field),
            shape=shape,
        ),
        field=field,
        value=shape,
    )


def to_optional_date(
    value: Any, *, field: str, error: type[InvalidValue] = ParseError
) -> dt.date | None:
    """:func:`to_date`, with ``None`` and blank text read as "no date".

    >>> to_optional_date("", field="first_due") is None
    True
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return to_date(value, field=field, error=error)


def to_text(value: Any, *, field: str, error: type[InvalidValue] = InvalidValue) -> str:
    """``value`` as text with the surrounding blanks removed; empty text is refused.

    >>> to_text("  Manantial de Vida ", field="name")
    'Manantial de Vida'
    >>> to_text(" ", field="name")
    Traceback (most recent call last):
    ...
    coopfinance.errors.InvalidValue: 'name' must not be empty (got ' ').
    """
    if not isinstance(value, str):
        raise error(
            E_(
                "%(field)s must be text (got %(type)s %(value)s).",
                field=repr(field),
                type=type(value).__name__,
                value=fmt_value(value),
            ),
            field=field,
            value=value,
        )
    text = value.strip()
    if not text:
        raise error(
            E_(
                "%(field)s must not be empty (got %(value)s).", field=repr(field), value=repr(value)
            ),
            field=field,
            value=value,
        )
    return text


def to_enum(
    cls: type[_E], value: Any, *, field: str, error: type[InvalidValue] = InvalidValue
) -> _E:
    """The member of ``cls`` whose value is ``value`` (case-insensitive; ``_`` read as ``-``).

    >>> class Color(enum.Enum):
    ...     DARK_RED = "dark-red"
    >>> to_enum(Color, "DARK_RED", field="color")
    <Color.DARK_RED: 'dark-red'>
    >>> to_enum(Color, "blue", field="color")
    Traceback (most recent call last):
    ...
    coopfinance.errors.InvalidValue: 'color' must be one of dark-red (got 'blue').
    """
    if isinstance(value, cls):
        return value
    if isinstance(value, str):
        key = value.strip().lower().replace("_", "-")
        for member in cls:
            if str(member.value).lower() == key:
                return member
    choices = ", ".join(str(m.value) for m in cls)
    raise error(
        E_(
            "%(field)s must be one of %(choices)s (got %(value)s).",
            field=repr(field),
            choices=choices,
            value=fmt_value(value),
        ),
        field=field,
        value=value,
    )


def to_whole(
    value: Any,
    *,
    field: str,
    lo: int | None = None,
    hi: int | None = None,
    error: type[InvalidValue] = InvalidValue,
) -> int:
    """``value`` (an ``int`` or text of digits) as a whole number, optionally within ``[lo, hi]``.

    >>> to_whole("12", field="installments", lo=1, hi=600)
    12
    >>> to_whole(0, field="installments", lo=1, hi=600)
    Traceback (most recent call last):
    ...
    coopfinance.errors.InvalidValue: 'installments' must be between 1 and 600 (got 0).
    """
    if isinstance(value, bool):
        raise WrongType(
            E_(
                "%(field)s must be a whole number (got bool %(value)s).",
                field=repr(field),
                value=value,
            ),
            field=field,
            value=value,
        )
    digits = isinstance(value, str) and re.fullmatch(r"\s*[+-]?[0-9]{1,15}\s*", value, re.ASCII)
    integral = (
        isinstance(value, Decimal)
        and value.is_finite()
        and (value.is_zero() or value.adjusted() < 15)
        and value == value.to_integral_value()
    )
    if isinstance(value, int) and not isinstance(value, bool) and not -(10**15) < value < 10**15:
        shown = (
            value
            if abs(value) < 10**60
            else f"an integer of about {int(value.bit_length() * 0.30103) + 1} digits"
        )
        raise error(
            E_(
                "%(field)s is too large: whole numbers must be smaller than 1e15 (got %(shown)s).",
                field=repr(field),
                shown=shown,
            ),
            field=field,
            value=shown,
        )
    if not (isinstance(value, int) or digits or integral):
        raise error(
            E_(
                "%(field)s must be a whole number (got %(value)s).",
                field=repr(field),
                value=fmt_value(value),
            ),
            field=field,
            value=value,
        )
    number = int(value)
    _check_range(number, field=field, lo=lo, hi=hi, error=error)
    return number


def _check_range(
    number: int, *, field: str, lo: int | None, hi: int | None, error: type[InvalidValue]
) -> None:
    if lo is not None and hi is not None and not lo <= number <= hi:
        raise error(
            E_(
                "%(field)s must be between %(lo)s and %(hi)s (got %(number)s).",
                field=repr(field),
                lo=lo,
                hi=hi,
                number=number,
            ),
            field=field,
            value=number,
        )
    if lo is not None and number < lo:
        raise error(
            E_(
                "%(field)s must be at least %(lo)s (got %(number)s).",
                field=repr(field),
                lo=lo,
                number=number,
            ),
            field=field,
            value=number,
        )
    if hi is not None and number > hi:
        raise error(
            E_(
                "%(field)s must be at most %(hi)s (got %(number)s).",
                field=repr(field),
                hi=hi,
                number=number,
            ),
            field=field,
            value=number,
        )


def positive(error: type[InvalidValue] = InvalidValue) -> _Validator:
    """An attrs validator: the number must be greater than zero.

    >>> @attrs.frozen
    ... class Cow:
    ...     litres: Decimal = attrs.field(validator=positive())
    >>> Cow(Decimal("0"))
    Traceback (most recent call last):
    ...
    coopfinance.errors.InvalidValue: 'litres' must be positive (got 0).
    """

    def check(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and not value > 0:
            name = attribute.name
            raise error(
                E_("%(name)s must be positive (got %(value)s).", name=repr(name), value=value),
                field=name,
                value=value,
            )

    return check


def non_negative(error: type[InvalidValue] = InvalidValue) -> _Validator:
    """An attrs validator: the number must be zero or more (``None`` passes: "not given").

    >>> @attrs.frozen
    ... class Fee:
    ...     amount: Decimal = attrs.field(validator=non_negative())
    >>> Fee(Decimal("-1"))
    Traceback (most recent call last):
    ...
    coopfinance.errors.InvalidValue: 'amount' must not be negative (got -1).
    """

    def check(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and value < 0:
            name = attribute.name
            raise error(
                E_("%(name)s must not be negative (got %(value)s).", name=repr(name), value=value),
                field=name,
                value=value,
            )

    return check


def required_text(error: type[InvalidValue] = InvalidValue) -> _Validator:
    """An attrs validator: the value must be text that is not blank.

    >>> @attrs.frozen
    ... class Farm:
    ...     name: str = attrs.field(validator=required_text())
    >>> Farm("")
    Traceback (most recent call last):
    ...
    coopfinance.errors.InvalidValue: 'name' must not be empty (got '').
    """

    def check(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        to_text(value, field=attribute.name, error=error)

    return check


def whole(
    lo: int | None = None, hi: int | None = None, error: type[InvalidValue] = InvalidValue
) -> _Validator:
    """An attrs validator: an ``int`` (not a bool) within ``[lo, hi]`` where given.

    >>> @attrs.frozen
    ... class Loan:
    ...     installments: int = attrs.field(validator=whole(1, 600))
    >>> Loan(0)
    Traceback (most recent call last):
    ...
    coopfinance.errors.InvalidValue: 'installments' must be between 1 and 600 (got 0).
    """

    def check(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        name = attribute.name
        if isinstance(value, bool) or not isinstance(value, int):
            raise error(
                E_(
                    "%(name)s must be a whole number (got %(value)s).",
                    name=repr(name),
                    value=fmt_value(value),
                ),
                field=name,
                value=value,
            )
        _check_range(value, field=name, lo=lo, hi=hi, error=error)

    return check


class ParseableEnum(enum.Enum):
    """A convention read from text with :meth:`parse` (see :func:`to_enum`).

    The field named in messages is the class name in snake case (``GraceType`` → ``'grace_type'``);
    a subclass sets the error it raises by overriding :meth:`parse_error`.

    >>> class Shift(ParseableEnum):
    ...     MORNING = "morning"
    >>> Shift.parse("MORNING")
    <Shift.MORNING: 'morning'>
    >>> Shift.parse("noon")
    Traceback (most recent call last):
    ...
    coopfinance.errors.InvalidValue: 'shift' must be one of morning (got 'noon').
    """

    @classmethod
    def parse(cls, text: Self | str, *, field: str | None = None) -> Self:
        """The member whose value is ``text`` (case-insensitive; ``_`` read as ``-``)."""
        if isinstance(text, cls):  # a member already: nothing to read (the common case)
            return text
        name = field or re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()
        return to_enum(cls, text, field=name, error=cls.parse_error())

    @classmethod
    def parse_error(cls) -> type[InvalidValue]:
        """The error :meth:`parse` raises (override in a domain's enum)."""
        return InvalidValue
