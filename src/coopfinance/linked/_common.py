"""Input helpers shared by the revenue-linked modules: amounts, shares, rates, money units."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from coopfinance._decimal import CONTEXT, ONE, to_decimal
from coopfinance._rates import Rate
from coopfinance.errors import E_, CoopFinanceError, InvalidLinkedPlan, fmt_value

__all__ = ["amount", "amounts", "as_rate", "share", "whole_units"]


def amount(value: Any, field: str, *, where: str = "") -> Decimal:
    """``value`` as a non-negative Decimal; ``where`` is appended to the message (``" in period 3"``)."""
    try:
        d = to_decimal(value, field=field)
    except CoopFinanceError as exc:
        if isinstance(exc, TypeError):
            raise
        raise InvalidLinkedPlan(str(exc), field=field, value=value) from None
    if d < 0:
        raise InvalidLinkedPlan(
            E_(
                "%(field)s must not be negative (got %(d)s)%(where)s.",
                field=repr(field),
                d=d,
                where=where,
            ),
            field=field,
            value=d,
        )
    return d


def amounts(values: Iterable[Any], field: str) -> tuple[Decimal, ...]:
    """Every value of a per-period series as a non-negative Decimal; at least one period."""
    if isinstance(values, str | bytes):
        raise InvalidLinkedPlan(
            E_(
                "%(field)s must be a list of amounts, one per period (got %(values)s).",
                field=repr(field),
                values=repr(values),
            ),
            field=field,
            value=values,
        )
    out = tuple(amount(v, field, where=f" in period {k}") for k, v in enumerate(values, start=1))
    if not out:
        raise InvalidLinkedPlan(
            E_("%(field)s must hold at least one period (got none).", field=repr(field)),
            field=field,
            value=(),
        )
    return out


def share(value: Any, field: str) -> Decimal:
    """A share between 0 and 1 (``"30%"`` is 0.30)."""
    d = amount(value, field)
    if d > ONE:
        raise InvalidLinkedPlan(
            E_("%(field)s must be a share between 0 and 1 (got %(d)s).", field=repr(field), d=d),
            field=field,
            value=d,
        )
    return d


def as_rate(value: Any, field: str = "rate") -> Rate:
    """A :class:`Rate`, or text/Decimal read as an effective annual rate (TEA)."""
    if isinstance(value, Rate):
        return value
    if value is None:
        raise InvalidLinkedPlan(
            E_("%(field)s is required (got None).", field=repr(field)), field=field, value=None
        )
    return Rate.effective_annual(to_decimal(value, field=field))


def whole_units(value: Decimal, unit: Decimal, field: str, code: str, *, where: str = "") -> None:
    """Refuse an amount that is not a whole number of the currency's minor units."""
    if CONTEXT.remainder(value, unit) != 0:
        raise InvalidLinkedPlan(
            E_(
                "%(field)s must be in whole %(code)s minor units of %(unit)s (got "
                "%(value)s)%(where)s.",
                field=repr(field),
                code=code,
                unit=unit,
                value=fmt_value(value),
                where=where,
            ),
            field=field,
            value=value,
        )
