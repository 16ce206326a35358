"""Reading a convention (an :class:`enum.Enum` with text values) from text, with a clear error."""

from __future__ import annotations

import enum
from typing import Any, TypeVar

from coopfinance.errors import InvalidValue, fmt_value

__all__ = ["parse_enum"]

_E = TypeVar("_E", bound=enum.Enum)


def parse_enum(
    cls: type[_E], text: Any, field: str, *, error: type[InvalidValue] = InvalidValue
) -> _E:
    """The member of ``cls`` whose value is ``text`` (case-insensitive, ``_`` read as ``-``).

    >>> import enum
    >>> class Color(enum.Enum):
    ...     DARK_RED = "dark-red"
    >>> parse_enum(Color, "DARK_RED", "color")
    <Color.DARK_RED: 'dark-red'>
    >>> parse_enum(Color, "blue", "color")
    Traceback (most recent call last):
    ...
    coopfinance.errors.InvalidValue: 'color' must be one of dark-red (got 'blue').
    """
    if isinstance(text, cls):
        return text
    key = str(text).strip().lower().replace("_", "-")
    for member in cls:
        if member.value == key:
            return member
    choices = ", ".join(str(m.value) for m in cls)
    raise error(
        f"{field!r} must be one of {choices} (got {fmt_value(text)}).", field=field, value=text
    )
