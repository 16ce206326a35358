"""The US annual percentage rate of Regulation Z (12 CFR 1026), Appendix J, actuarial method.

With the unit-period rate ``i``, each amount sits ``t`` whole unit periods plus a fraction ``f`` of
one after the start of the term (counted back from the amount's date, Appendix J (b)(5)), earning
compound interest over the whole periods and simple interest over the fraction ((b)(6), (b)(8)):

    Σ advances Aₖ / ((1 + eₖ·i)(1 + i)^qₖ) = Σ payments Pⱼ / ((1 + fⱼ·i)(1 + i)^tⱼ)

and ``APR = w·i`` with ``w`` unit periods in a year (nominal, not compounded). Amounts are given as
positive numbers on both sides.

Counting back ((b)(5)): monthly unit periods count whole months back from the later date and
divide the odd days by 30; semimonthly and k-month unit periods turn the interval into days (30 per
whole month counted back plus the odd days) and divide by 15 or 30k; day and (multiple) week unit
periods divide actual days by 1, 7 or 7k; yearly unit periods count whole years back, and the rest
in whole months/12 when it is whole months, else days/365. Months ending on the last day of the
month are measured last day to last day.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from typing import Any

import attrs

from coopfinance._calendar import Frequency, PeriodUnit, add_months
from coopfinance._decimal import CONTEXT, exact, fraction_to_decimal, to_decimal
from coopfinance._fields import to_whole
from coopfinance.cost._flows import Amount, DatedFlows, dated, percent
from coopfinance.cost._solver import solve_actuarial
from coopfinance.errors import E_, InvalidCalendar, InvalidValue, WrongType

__all__ = [
    "UnitPeriodFlow",
    "apr",
    "apr_at_positions",
    "apr_percent",
    "apr_within_tolerance",
    "unit_period",
    "unit_periods_per_year",
]


def _amount(value: Amount) -> Decimal:
    return to_decimal(value, field="amount")


def _periods(value: int) -> int:
    return to_whole(value, field="periods", lo=0)


def _fraction(value: Fraction | int) -> Fraction:
    if isinstance(value, float):
        raise WrongType(
            E_(
                "'fraction' must not be a float (got %(value)s): pass a Fraction such "
                "as Fraction(19, 30).",
                value=repr(value),
            ),
            field="fraction",
            value=value,
        )
    f = Fraction(value)
    if not 0 <= f < 1:
        raise InvalidValue(
            E_("'fraction' must be at least 0 and less than 1 (got %(f)s).", f=f),
            field="fraction",
            value=f,
        )
    return f


@attrs.frozen(slots=True, kw_only=True)
class UnitPeriodFlow:
    """An amount ``periods`` whole unit periods plus ``fraction`` of one after the term starts.

    >>> UnitPeriodFlow(amount="200.00", periods=1, fraction=Fraction(19, 30))
    UnitPeriodFlow(amount=Decimal('200.00'), periods=1, fraction=Fraction(19, 30))
    """

    amount: Decimal = attrs.field(converter=_amount)
    periods: int = attrs.field(converter=_periods)
    fraction: Fraction = attrs.field(default=Fraction(0), converter=_fraction)

    @classmethod
    def series(
        cls, amount: Amount, count: int, *, periods: int, fraction: Fraction = Fraction(0)
    ) -> list[UnitPeriodFlow]:
        """``count`` equal amounts a unit period apart, the first at ``periods`` + ``fraction``."""
        return [cls(amount=amount, periods=periods + k, fraction=fraction) for k in range(count)]


def _flows_at(
    items: Iterable[UnitPeriodFlow | tuple[Any, ...]], field: str
) -> list[UnitPeriodFlow]:
    out: list[UnitPeriodFlow] = []
    for item in items:
        if isinstance(item, UnitPeriodFlow):
            out.append(item)
        elif isinstance(item, tuple) and len(item) in (2, 3):
            out.append(
                UnitPeriodFlow(
                    amount=item[0], periods=item[1], fraction=item[2] if len(item) == 3 else 0
                )
            )
        else:
            raise WrongType(
                E_(
                    "%(field)s must hold UnitPeriodFlow or (amount, periods, fraction) "
                    "tuples (got %(item)s).",
                    field=repr(field),
                    item=repr(item),
                ),
                field=field,
                value=item,
            )
    if not out:
        raise InvalidValue(
            E_("%(field)s must not be empty (got []).", field=repr(field)), field=field, value=[]
        )
    for f in out:
        if f.amount <= 0:
            raise InvalidValue(
                E_(
                    "%(field)s amounts must be positive (got %(amount)s).",
                    field=repr(field),
                    amount=f.amount,
                ),
                field=field,
                value=f.amount,
            )
    return out


@exact
def apr_at_positions(
    advances: Iterable[UnitPeriodFlow | tuple[Any, ...]],
    payments: Iterable[UnitPeriodFlow | tuple[Any, ...]],
    *,
    periods_per_year: int | Fraction,
) -> Decimal:
    """The APR from amounts at explicit positions ``(amount, t, f)``, as Appendix J (c) lays out
    its examples; ``periods_per_year`` is ``w`` (12 monthly, 24 semimonthly, 52 weekly, …).

    Example (c)(5)(ii): 1,000 lent, 1,044 repaid after 6 months (unit period 6 months, w = 2):

    >>> apr_percent(apr_at_positions([("1000", 0)], [("1044", 1)], periods_per_year=2))
    Decimal('8.80')
    """
    adv = _flows_at(advances, "advances")
    pay = _flows_at(payments, "payments")
    w = Fraction(periods_per_year)
    if w <= 0:
        raise InvalidValue(
            E_(
                "'periods_per_year' must be positive (got %(periods_per_year)s).",
                periods_per_year=periods_per_year,
            ),
            field="periods_per_year",
            value=periods_per_year,
        )
    return _solve(adv, pay, w)


def _solve(adv: Sequence[UnitPeriodFlow], pay: Sequence[UnitPeriodFlow], w: Fraction) -> Decimal:
    merged = [(f.periods + f.fraction, f.amount, f.periods, f.fraction) for f in adv]
    merged += [(f.periods + f.fraction, -f.amount, f.periods, f.fraction) for f in pay]
    merged.sort(key=lambda m: m[0])
    i = solve_actuarial(
        [m[1] for m in merged], [m[2] for m in merged], [m[3] for m in merged], field="payments"
    )
    return CONTEXT.multiply(i, fraction_to_decimal(w)).quantize(Decimal("1e-20"))


# ------------------------------------------------------------------------------------------------
# Dates: unit period selection and counting back
# ------------------------------------------------------------------------------------------------


@exact
def unit_periods_per_year(unit: Frequency) -> Fraction:
    """``w`` for a unit period: 365/N for N days, 52/N for N weeks, 24 semimonthly, 12/N for N
    months, 1 yearly.

    >>> unit_periods_per_year(Frequency.BIWEEKLY), unit_periods_per_year(Frequency.QUARTERLY)
    (Fraction(26, 1), Fraction(4, 1))
    """
    per = {
        PeriodUnit.DAY: 365,
        PeriodUnit.WEEK: 52,
        PeriodUnit.SEMI_MONTH: 24,
        PeriodUnit.MONTH: 12,
        PeriodUnit.YEAR: 1,
    }[unit.unit]
    return Fraction(per, unit.every)


def _is_month_end(d: dt.date) -> bool:
    return d.day == calendar.monthrange(d.year, d.month)[1]


def _back_months(d: dt.date, k: int) -> dt.date:
    back = add_months(d, -k)
    if _is_month_end(d):
        return back.replace(day=calendar.monthrange(back.year, back.month)[1])
    return back


def _whole_months(start: dt.date, d: dt.date) -> tuple[int, int]:
    """Whole months counted back from ``d`` that stay on or after ``start``, and the odd days."""
    k = 0
    while _back_months(d, k + 1) >= start:
        k += 1
    return k, (_back_months(d, k) - start).days


def _position(start: dt.date, d: dt.date, unit: Frequency) -> tuple[int, Fraction]:
    """``(t, f)`` of date ``d`` from ``start`` under Appendix J (b)(5), with ``0 ≤ f < 1`` (30 odd
    days of a monthly unit period are one whole period: ``(1 + 1·i) = (1 + i)^1``)."""
    t, f = _raw_position(start, d, unit)
    whole = int(f)
    return t + whole, f - whole


def _raw_position(start: dt.date, d: dt.date, unit: Frequency) -> tuple[int, Fraction]:
    if unit.unit is PeriodUnit.DAY or unit.unit is PeriodUnit.WEEK:
        size = unit.every * (7 if unit.unit is PeriodUnit.WEEK else 1)
        t, rest = divmod((d - start).days, size)
        return t, Fraction(rest, size)
    if unit.unit is PeriodUnit.YEAR:
        months, odd = _whole_months(start, d)
        years, rest = divmod(months, 12 * unit.every)
        if odd == 0:
            return years, Fraction(rest, 12 * unit.every)
        odd_days = (_back_months(d, 12 * unit.every * years) - start).days
        return years, Fraction(odd_days, 365 * unit.every)
    months, odd = _whole_months(start, d)
    if unit.unit is PeriodUnit.MONTH and unit.every == 1:
        return months, Fraction(odd, 30)
    size = 15 if unit.unit is PeriodUnit.SEMI_MONTH else 30 * unit.every
    t, rest = divmod(30 * months + odd, size)
    return t, Fraction(rest, size)


def _classify(d0: dt.date, d1: dt.date) -> Frequency | None:
    """The standard interval from ``d0`` to ``d1`` ((b)(3)), or ``None`` if it is none of them."""
    days = (d1 - d0).days
    if days <= 0:
        return None
    months, odd = _whole_months(d0, d1)
    if odd == 0 and 1 <= months <= 12:
        return Frequency.ANNUAL if months == 12 else Frequency(unit=PeriodUnit.MONTH, every=months)
    if days % 7 == 0 and days <= 364:
        return Frequency(unit=PeriodUnit.WEEK, every=days // 7)
    if 13 <= days <= 16:
        return Frequency.SEMI_MONTHLY
    if days == 1:
        return Frequency.days(1)
    return None


def _length_days(unit: Frequency) -> float:
    return 365 / float(unit_periods_per_year(unit))


@exact
def unit_period(
    start: dt.date, advances: Sequence[dt.date], payments: Sequence[dt.date]
) -> Frequency:
    """The unit period of Appendix J (b)(4) for a term starting on ``start``.

    The periods are the intervals between successive payments, between successive advances, and
    from ``start`` to the first payment. The unit period is the standard interval that occurs most
    often among them (at most a year); ties go to the shorter one and, when no period repeats, the
    standard interval closest to the average period is used (both are this library's reading of
    (b)(4)(i)-(ii), whose text was not at hand). A single advance repaid by a single payment has the
    term as its unit period: whole months if it is, else its days; a year if the term is longer.

    >>> unit_period(dt.date(1978, 1, 10), [dt.date(1978, 1, 10)],
    ...             [dt.date(1978, 2, 10), dt.date(1978, 3, 10), dt.date(1978, 4, 10)])
    Frequency(unit=<PeriodUnit.MONTH: 'month'>, every=1)
    """
    if len(advances) == 1 and len(payments) == 1:
        end = payments[0]
        months, odd = _whole_months(start, end)
        if months >= 12:
            return Frequency.ANNUAL
        if odd == 0 and months >= 1:
            return Frequency(unit=PeriodUnit.MONTH, every=months)
        return Frequency.days(max((end - start).days, 1))
    intervals = [(start, payments[0])]
    intervals += list(pairwise(payments))
    intervals += list(pairwise(advances))
    kinds = [k for k in (_classify(a, b) for a, b in intervals) if k is not None]
    counts = Counter(kinds)
    common = [(n, k) for k, n in counts.items() if n > 1]
    if common:
        best = max(n for n, _ in common)
        return min((k for n, k in common if n == best), key=_length_days)
    spans = [(b - a).days for a, b in intervals if b > a]
    average = sum(spans) / len(spans) if spans else 1.0
    standard = [
        Frequency.days(1),
        Frequency.WEEKLY,
        Frequency.BIWEEKLY,
        Frequency.SEMI_MONTHLY,
        Frequency.MONTHLY,
        Frequency.BIMONTHLY,
        Frequency.QUARTERLY,
        Frequency.SEMIANNUAL,
        Frequency.ANNUAL,
    ]
    return min(standard, key=lambda k: abs(_length_days(k) - average))


@exact
def apr(
    advances: DatedFlows,
    payments: DatedFlows,
    *,
    unit: Frequency | str | None = None,
    start: dt.date | None = None,
) -> Decimal:
    """The Reg Z Appendix J APR of dated ``advances`` and ``payments`` (positive amounts), as an
    annual fraction (``0.0969`` for 9.69 %; :func:`apr_percent` rounds it for display).

    The term starts on ``start`` (default: the first advance); ``unit`` overrides the unit period
    chosen by :func:`unit_period`.

    Example (c)(1)(i): 5,000 advanced on 10 Jan 1978, 24 monthly payments of 230 from 10 Feb:

    >>> from coopfinance._calendar import add_months
    >>> pays = [(add_months(dt.date(1978, 2, 10), k), "230.00") for k in range(24)]
    >>> apr_percent(apr([(dt.date(1978, 1, 10), "5000.00")], pays))
    Decimal('9.69')
    """
    adv = dated(advances, field="advances")
    pay = dated(payments, field="payments")
    begin = adv[0].date if start is None else start
    if adv[0].date < begin:
        raise InvalidCalendar(
            E_(
                "'start' must not be after the first advance %(isoformat_date)s (got "
                "%(isoformat_begin)s).",
                isoformat_date=adv[0].date.isoformat(),
                isoformat_begin=begin.isoformat(),
            ),
            field="start",
            value=begin,
        )
    if pay[0].date < begin:
        raise InvalidCalendar(
            E_(
                "'payments' must not start before the term %(isoformat_begin)s (got "
                "%(isoformat_date)s).",
                isoformat_begin=begin.isoformat(),
                isoformat_date=pay[0].date.isoformat(),
            ),
            field="payments",
            value=pay[0].date,
        )
    chosen = (
        Frequency.parse(unit)
        if unit is not None
        else unit_period(begin, [f.date for f in adv], [f.date for f in pay])
    )
    at_adv = [
        UnitPeriodFlow(amount=f.amount, periods=t, fraction=fr)
        for f in adv
        for t, fr in [_position(begin, f.date, chosen)]
    ]
    at_pay = [
        UnitPeriodFlow(amount=f.amount, periods=t, fraction=fr)
        for f in pay
        for t, fr in [_position(begin, f.date, chosen)]
    ]
    return _solve(
        _flows_at(at_adv, "advances"), _flows_at(at_pay, "payments"), unit_periods_per_year(chosen)
    )


@exact
def apr_percent(rate: Amount) -> Decimal:
    """An APR (a fraction) in percent with 2 decimals, rounded half-up, as Reg Z discloses it.

    >>> apr_percent(Decimal("0.11995116"))
    Decimal('12.00')
    """
    return percent(rate, 2)


_EIGHTH = Decimal("0.00125")
_QUARTER = Decimal("0.0025")


@exact
def apr_within_tolerance(disclosed: Amount, actual: Amount, *, irregular: bool = False) -> bool:
    """Whether a disclosed APR is accurate under §1026.22(a)(2)-(3): within 1/8 of a percentage
    point of the actual APR (1/4 for an irregular transaction). Both are fractions (``0.0969``).

    >>> apr_within_tolerance("0.0980", "0.0969"), apr_within_tolerance("0.0985", "0.0969")
    (True, False)
    """
    d = to_decimal(disclosed, field="disclosed")
    a = to_decimal(actual, field="actual")
    return abs(d - a) <= (_QUARTER if irregular else _EIGHTH)
