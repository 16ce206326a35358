"""The EU annual percentage rate of charge (Directive 2008/48/EC Annex I; 2014/17/EU Annex I).

    Σₖ Cₖ·(1 + X)^(−tₖ) = Σₗ Dₗ·(1 + X)^(−sₗ)

``Cₖ`` the drawdowns, ``Dₗ`` the repayments and charges, ``tₖ``/``sₗ`` their times in years from
the first drawdown (remark (c)), and ``X`` the APRC, compounded annually. :class:`TimeBasis` says
how time is measured; :func:`aprc_percent` shows the result half-up with at least one decimal
(remark (d)).
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from fractions import Fraction

from coopfinance._calendar import add_months
from coopfinance._decimal import exact
from coopfinance._fields import ParseableEnum
from coopfinance.cost._flows import Amount, DatedFlows, dated, percent
from coopfinance.cost._solver import common_units, solve_power
from coopfinance.errors import E_, InvalidValue, fmt_value

__all__ = ["TimeBasis", "aprc", "aprc_percent", "year_fraction_eu"]


class TimeBasis(ParseableEnum):
    """How Annex I remark (c) time is measured (the date is ``d``, the first drawdown ``d₀``).

    ============  ===============================================================================
    ACT_365       actual days / 365, leap years ignored (what most calculators do)
    CALENDAR      whole years counted back from ``d``, then the remaining days / Y
    EQUAL_MONTHS  whole months counted back from ``d`` (each 1/12 year), then the remaining days / Y
    ============  ===============================================================================

    ``Y`` is 366 when the twelve months ending on the date reached by counting back contain
    29 February, else 365 — the reading of "365 days (366 in leap years)" in the Commission's
    guidelines SWD(2012) 128 §4.1.1 as transcribed by third parties. Months counted back from a
    month's last day land on last days.
    """

    ACT_365 = "act/365"
    CALENDAR = "calendar"
    EQUAL_MONTHS = "equal-months"


def _is_month_end(d: dt.date) -> bool:
    return d.day == calendar.monthrange(d.year, d.month)[1]


def _back(d: dt.date, months: int) -> dt.date:
    back = add_months(d, -months)
    if _is_month_end(d):
        return back.replace(day=calendar.monthrange(back.year, back.month)[1])
    return back


def _year_length(end: dt.date) -> int:
    """366 if the twelve months back from ``end`` (both ends in) hold a 29 February, else 365."""
    begin = _back(end, 12)
    for year in (begin.year, end.year):
        if calendar.isleap(year) and begin <= dt.date(year, 2, 29) <= end:
            return 366
    return 365


@exact
def year_fraction_eu(d0: dt.date, d: dt.date, basis: TimeBasis) -> Fraction:
    """Time in years from ``d0`` to ``d`` under ``basis``.

    >>> year_fraction_eu(dt.date(2013, 1, 12), dt.date(2013, 2, 15), TimeBasis.EQUAL_MONTHS)
    Fraction(67, 732)
    >>> year_fraction_eu(dt.date(1994, 1, 1), dt.date(1995, 7, 1), TimeBasis.CALENDAR)
    Fraction(546, 365)
    """
    if basis is TimeBasis.ACT_365:
        return Fraction((d - d0).days, 365)
    step = 12 if basis is TimeBasis.CALENDAR else 1
    k = 0
    while _back(d, step * (k + 1)) >= d0:
        k += 1
    reached = _back(d, step * k)
    return Fraction(k * step, 12) + Fraction((reached - d0).days, _year_length(reached))


@exact
def aprc(
    drawdowns: DatedFlows,
    repayments: DatedFlows,
    *,
    time_basis: TimeBasis | str = TimeBasis.CALENDAR,
) -> Decimal:
    """The APRC of dated ``drawdowns`` and ``repayments`` (charges included), all amounts positive,
    as an annual fraction; time from the first drawdown by ``time_basis``.

    98/7/EC Annex III example 2: 1,000 lent, 50 kept by the creditor, 1,200 repaid 546 days later:

    >>> aprc_percent(aprc([(dt.date(1994, 1, 1), "950")], [(dt.date(1995, 7, 1), "1200")]))
    Decimal('16.9')
    """
    basis = TimeBasis.parse(time_basis)
    draws = dated(drawdowns, field="drawdowns")
    pays = dated(repayments, field="repayments")
    for name, items in (("drawdowns", draws), ("repayments", pays)):
        for f in items:
            if f.amount <= 0:
                raise InvalidValue(
                    E_(
                        "%(name)s amounts must be positive (got %(amount)s on %(isoformat_date)s).",
                        name=repr(name),
                        amount=f.amount,
                        isoformat_date=f.date.isoformat(),
                    ),
                    field=name,
                    value=f.amount,
                )
    start = draws[0].date
    if pays[0].date < start:
        raise InvalidValue(
            E_(
                "'repayments' must not start before the first drawdown "
                "%(isoformat_start)s (got %(isoformat_date)s).",
                isoformat_start=start.isoformat(),
                isoformat_date=pays[0].date.isoformat(),
            ),
            field="repayments",
            value=pays[0].date,
        )
    merged = sorted(
        [(f.date, f.amount) for f in draws] + [(f.date, -f.amount) for f in pays],
        key=lambda m: m[0],
    )
    times = [year_fraction_eu(start, d, basis) for d, _ in merged]
    numerators, denominator = common_units(times)
    return solve_power([a for _, a in merged], numerators, denominator, field="repayments")


@exact
def aprc_percent(rate: Amount, places: int = 1) -> Decimal:
    """An APRC (a fraction) in percent, rounded half-up to ``places`` ≥ 1 decimals (remark (d)).

    >>> aprc_percent(Decimal("0.129620"))
    Decimal('13.0')
    """
    if not isinstance(places, int) or isinstance(places, bool) or places < 1:
        raise InvalidValue(
            E_(
                "'places' must be a whole number of at least 1 (got %(places)s).",
                places=fmt_value(places),
            ),
            field="places",
            value=places,
        )
    return percent(rate, places)
