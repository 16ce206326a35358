"""Column types: exact decimals (NUMERIC on PostgreSQL, canonical decimal text on SQLite)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from coopfinance.book._errors import BookError
from coopfinance.errors import E_

__all__ = ["Exact", "canonical"]


def canonical(value: Decimal) -> str:
    """The canonical text of a decimal: no exponent, no trailing zeros after the point, ``0`` for
    zero. Two decimals are equal exactly when their canonical texts are.

    >>> canonical(Decimal("32.50")), canonical(Decimal("1E+3")), canonical(Decimal("-0.00"))
    ('32.5', '1000', '0')
    """
    if not value.is_finite():
        raise BookError(
            E_("a book stores finite decimals only (got %(value)s).", value=value), value=value
        )
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        return "0"
    return text


class Exact(TypeDecorator[Decimal]):
    """A decimal stored exactly and read back as its canonical value (``Decimal("32.5")`` for a
    stored ``32.50``): NUMERIC on PostgreSQL and other servers, canonical text on SQLite (never
    REAL)."""

    impl = sa.Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.Text())
        return dialect.type_descriptor(sa.Numeric(asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if isinstance(value, float) or not isinstance(value, Decimal | int | str):
            raise BookError(
                E_(
                    "a book stores exact decimals, not %(type)s (got %(value)s).",
                    type=type(value).__name__,
                    value=repr(value),
                ),
                value=value,
            )
        try:
            text = canonical(Decimal(value))
        except InvalidOperation:
            raise BookError(
                E_("not a decimal number (got %(value)s).", value=repr(value)), value=value
            ) from None
        return text if dialect.name == "sqlite" else Decimal(text)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(value)  # stored canonical
        return Decimal(canonical(value))
