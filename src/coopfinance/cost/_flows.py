"""Cash flows and the general rates: ``irr``, ``xirr``, ``npv``, ``xnpv``; percent display.

Sign convention: only relative signs matter to a rate, so any consistent convention works. The
cost-of-credit functions of this package take the **borrower's** view: money the borrower receives
is positive, money the borrower pays is negative.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, TypeAlias

import attrs

from coopfinance._calendar import DayCount
from coopfinance._decimal import CONTEXT, ONE, ZERO, exact, fraction_to_decimal, to_decimal
from coopfinance.cost._solver import common_units, solve_power
from coopfinance.errors import E_, InvalidCalendar, InvalidRate, InvalidValue, WrongType, fmt_value

__all__ = [
    "Amount",
    "CashFlow",
    "DatedFlows",
    "irr",
    "npv",
    "percent",
    "xirr",
    "xnpv",
]

Amount: TypeAlias = Decimal | int | str
"""An amount as accepted everywhere: ``Decimal``, ``int`` or text such as ``"1,250.50"``."""


def _check_date(_instance: Any, _attribute: Any, value: Any) -> None:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise WrongType(
            E_("'date' must be a datetime.date (got %(value)s).", value=repr(value)),
            field="date",
            value=value,
        )


def _amount(value: Amount) -> Decimal:
    return to_decimal(value, field="amount")


@attrs.frozen(slots=True, kw_only=True)
class CashFlow:
    """An amount on a date; ``amount`` accepts ``Decimal``, ``int`` or ``str``, never ``float``.

    >>> CashFlow(date=dt.date(2026, 1, 15), amount="-491.06")
    CashFlow(date=datetime.date(2026, 1, 15), amount=Decimal('-491.06'))
    """

    date: dt.date = attrs.field(validator=_check_date)
    amount: Decimal = attrs.field(converter=_amount)

    @classmethod
    def of(cls, item: CashFlow | tuple[dt.date, Amount]) -> CashFlow:
        """``item`` itself if a :class:`CashFlow`, else one from a ``(date, amount)`` pair."""
        if isinstance(item, CashFlow):
            return item
        if not isinstance(item, tuple) or len(item) != 2:
            raise WrongType(
                E_(
                    "'flows' must hold CashFlow or (date, amount) pairs (got %(item)s).",
                    item=repr(item),
                ),
                field="flows",
                value=item,
            )
        return cls(date=item[0], amount=item[1])


DatedFlows: TypeAlias = Iterable[CashFlow | tuple[dt.date, Amount]]
"""Dated flows: :class:`CashFlow` values or ``(date, amount)`` pairs, dates not decreasing."""


def dated(flows: DatedFlows, *, field: str = "flows") -> list[CashFlow]:
    """``flows`` as a list of :class:`CashFlow`, checked to be non-empty and in date order."""
    if isinstance(flows, str | bytes):
        raise WrongType(
            E_(
                "%(field)s must be a list of (date, amount) pairs (got %(flows)s).",
                field=repr(field),
                flows=repr(flows),
            ),
            field=field,
            value=flows,
        )
    out = [CashFlow.of(f) for f in flows]
    if not out:
        raise InvalidValue(
            E_("%(field)s must not be empty (got []).", field=repr(field)), field=field, value=[]
        )
    for k in range(1, len(out)):
        if out[k].date < out[k - 1].date:
            raise InvalidCalendar(
                E_(
                    "%(field)s must be in date order: flow %(k)s on %(isoformat_date)s "
                    "comes before flow %(k2)s on %(isoformat_date2)s (got "
                    "%(isoformat_date)s).",
                    field=repr(field),
                    k=k + 1,
                    isoformat_date=out[k].date.isoformat(),
                    k2=k,
                    isoformat_date2=out[k - 1].date.isoformat(),
                ),
                field=field,
                value=out[k].date,
            )
    return out


def amounts_of(values: Iterable[Amount], *, field: str) -> list[Decimal]:
    """``values`` as ``Decimal`` amounts (``float`` refused), at least one."""
    if isinstance(values, str | bytes):
        raise WrongType(
            E_(
                "%(field)s must be a list of amounts (got %(values)s).",
                field=repr(field),
                values=repr(values),
            ),
            field=field,
            value=values,
        )
    out = [to_decimal(v, field=field) for v in values]
    if not out:
        raise InvalidValue(
            E_("%(field)s must not be empty (got []).", field=repr(field)), field=field, value=[]
        )
    return out


def _day_count(day_count: DayCount | str) -> DayCount:
    dc = DayCount.parse(day_count)
    if dc is DayCount.PER_PERIOD:
        raise InvalidCalendar(
            E_(
                "'day_count' must measure calendar time: act/360, act/365, act/act, "
                "30/360 or 30e/360 (got per-period)."
            ),
            field="day_count",
            value=day_count,
        )
    return dc


def _rate(rate: Amount) -> Decimal:
    r = to_decimal(rate, field="rate")
    if r <= -1:
        raise InvalidRate(
            E_("'rate' must be greater than -1 (got %(r)s).", r=r), field="rate", value=r
        )
    return r


def _bracket(bracket: tuple[Amount, Amount] | None) -> tuple[Decimal, Decimal] | None:
    if bracket is None:
        return None
    lo, hi = bracket
    return to_decimal(lo, field="bracket"), to_decimal(hi, field="bracket")


def discount(rate: Decimal, t: Fraction) -> Decimal:
    """``(1 + rate)^(−t)`` in the 34-digit context (integer ``t`` by an integer power)."""
    with decimal.localcontext(CONTEXT):
        base = ONE + rate
        if t.denominator == 1:
            return ONE / base ** int(t.numerator)
        return (-fraction_to_decimal(t) * base.ln()).exp()


@exact
def irr(values: Iterable[Amount], *, bracket: tuple[Amount, Amount] | None = None) -> Decimal:
    """The internal rate of return per period of periodic ``values`` (``values[k]`` at the end of
    period ``k``, the first at time 0): the ``r`` with ``Σ values[k]·(1 + r)^(−k) = 0``.

    With one sign change in the values the rate is unique; otherwise every root between −99 % and
    1,000,000 % is sought and several raise :class:`~coopfinance.errors.MultipleSolutions` (narrow
    the search with ``bracket=(lo, hi)``).

    >>> irr([-5000, 1758, 1758, 1758]).quantize(Decimal("0.000001"))
    Decimal('0.027157')
    """
    amounts = amounts_of(values, field="values")
    return solve_power(amounts, range(len(amounts)), field="values", bracket=_bracket(bracket))


@exact
def npv(rate: Amount, values: Iterable[Amount]) -> Decimal:
    """The present value ``Σ values[k]·(1 + rate)^(−k)`` (the first value at time 0, as
    numpy-financial's ``npv``; spreadsheets' NPV starts discounting at the first value).

    >>> npv("0.02", [-1000, 510, 510])
    Decimal('-9.8039215686274509803921568627451')
    """
    r = _rate(rate)
    amounts = amounts_of(values, field="values")
    with decimal.localcontext(CONTEXT):
        v = ONE / (ONE + r)
        total = ZERO
        for a in reversed(amounts):  # Horner: a₀ + v·(a₁ + v·(a₂ + …))
            total = a + v * total
        return total


def _times(flows: Sequence[CashFlow], dc: DayCount) -> list[Fraction]:
    start = flows[0].date
    return [dc.year_fraction(start, f.date) for f in flows]


@exact
def xirr(
    flows: DatedFlows,
    *,
    day_count: DayCount | str = DayCount.ACT_365F,
    bracket: tuple[Amount, Amount] | None = None,
) -> Decimal:
    """The effective annual rate ``r`` with ``Σ aₖ·(1 + r)^(−tₖ) = 0``, ``tₖ`` the year fraction
    from the first date to the k-th under ``day_count`` (default actual/365, as spreadsheets' XIRR).

    ``flows`` are :class:`CashFlow` values or ``(date, amount)`` pairs with dates not decreasing.

    >>> xirr([(dt.date(2008, 1, 1), -10000), (dt.date(2008, 3, 1), 2750),
    ...       (dt.date(2008, 10, 30), 4250), (dt.date(2009, 2, 15), 3250),
    ...       (dt.date(2009, 4, 1), 2750)]).quantize(Decimal("0.0000000001"))
    Decimal('0.3733625335')
    """
    items = dated(flows)
    dc = _day_count(day_count)
    numerators, denominator = common_units(_times(items, dc))
    return solve_power(
        [f.amount for f in items], numerators, denominator, field="flows", bracket=_bracket(bracket)
    )


@exact
def xnpv(
    rate: Amount, flows: DatedFlows, *, day_count: DayCount | str = DayCount.ACT_365F
) -> Decimal:
    """The present value at the first date, ``Σ aₖ·(1 + rate)^(−tₖ)`` (``tₖ`` as in :func:`xirr`).

    >>> xnpv("0.1", [(dt.date(2025, 1, 1), -1000), (dt.date(2026, 1, 1), 1100)])
    Decimal('0E-30')
    """
    r = _rate(rate)
    items = dated(flows)
    dc = _day_count(day_count)
    with decimal.localcontext(CONTEXT):
        total = ZERO
        for f, t in zip(items, _times(items, dc), strict=True):
            total += f.amount * discount(r, t)
        return total


@exact
def percent(rate: Amount, places: int = 2) -> Decimal:
    """``rate`` (a fraction) in percent, rounded half-up to ``places`` decimals, for display.

    >>> percent(Decimal("0.0968570801"))
    Decimal('9.69')
    """
    r = to_decimal(rate, field="rate")
    if not isinstance(places, int) or isinstance(places, bool) or not 0 <= places <= 10:
        raise InvalidValue(
            E_(
                "'places' must be a whole number from 0 to 10 (got %(places)s).",
                places=fmt_value(places),
            ),
            field="places",
            value=places,
        )
    with decimal.localcontext(CONTEXT):
        return (r * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
