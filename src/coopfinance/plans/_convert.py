"""The plan's field converters on top of the field-parsing kit (:mod:`coopfinance._fields`).

Texts in a plan are optional unless a validator requires them: blank text reads as ``""``; lists of
plan parts (buyers, investments, budget lines) must hold instances of their class.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, TypeAlias, TypeVar

from coopfinance._fields import non_negative, required_text, to_text
from coopfinance.errors import E_, InvalidPlan, WrongType, fmt_value

__all__ = ["NON_NEGATIVE", "REQUIRED", "Amount", "instances", "rate_in", "text", "texts"]

_T = TypeVar("_T")

Amount: TypeAlias = Decimal | int | str
"""What an amount or rate field accepts (floats are refused)."""

NON_NEGATIVE = non_negative(InvalidPlan)
"""``'cost' must not be negative (got -3).`` (``None`` passes: "not given")."""
REQUIRED = required_text(InvalidPlan)
"""``'name' must not be empty (got '').``"""


def text(value: str, field: str) -> str:
    """``value`` stripped; blank text is ``""`` (an optional text), anything but text refused.

    >>> text("  Cajamarca ", "location"), text(" ", "location")
    ('Cajamarca', '')
    """
    if isinstance(value, str) and not value.strip():
        return ""
    return to_text(value, field=field, error=InvalidPlan)


def texts(value: str | Iterable[str], field: str) -> tuple[str, ...]:
    """One text or a list of texts, each read by :func:`text`."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Iterable):
        raise WrongType(
            E_(
                "%(field)s must be a list of text (got %(value)s).",
                field=repr(field),
                value=fmt_value(value),
            ),
            field=field,
            value=value,
        )
    return tuple(text(v, field) for v in value)


def instances(value: _T | Iterable[_T], cls: type[_T], field: str) -> tuple[_T, ...]:
    """One ``cls`` or a list of them as a tuple; anything else refused."""
    if isinstance(value, cls):
        return (value,)
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise WrongType(
            E_(
                "%(field)s must be a list of %(cls_type)s (got %(value)s).",
                field=repr(field),
                cls_type=cls.__name__,
                value=fmt_value(value),
            ),
            field=field,
            value=value,
        )
    items = tuple(value)
    for item in items:
        if not isinstance(item, cls):
            raise WrongType(
                E_(
                    "%(field)s must hold %(cls_type)s values (got %(type)s %(item)s).",
                    field=repr(field),
                    cls_type=cls.__name__,
                    type=type(item).__name__,
                    item=fmt_value(item),
                ),
                field=field,
                value=item,
            )
    return items


def rate_in(lo: Decimal, hi: Decimal) -> Callable[[Any, Any, Decimal], None]:
    """An attrs validator: the rate must lie in ``[lo, hi]`` (the field's name from the attribute)."""

    def check(_inst: Any, attribute: Any, value: Decimal) -> None:
        if not lo <= value <= hi:
            name = attribute.name
            raise InvalidPlan(
                E_(
                    "%(name)s must be between %(lo)s and %(hi)s (got %(value)s).",
                    name=repr(name),
                    lo=format(lo, "%"),
                    hi=format(hi, "%"),
                    value=value,
                ),
                field=name,
                value=value,
            )

    return check
