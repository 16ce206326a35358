"""Calendars: repayment frequencies, day-count conventions, due dates and business-day rolling."""

from __future__ import annotations

import calendar as _cal
import datetime as dt
import enum
import functools
import re
from collections.abc import Iterable, Sequence
from fractions import Fraction
from itertools import accumulate
from typing import ClassVar

import attrs

from coopfinance._fields import ParseableEnum, whole
from coopfinance.errors import E_, InvalidCalendar, InvalidValue, WrongType

__all__ = [
    "BusinessDay",
    "DayCount",
    "Frequency",
    "HolidayCalendar",
    "PeriodUnit",
    "add_months",
    "due_dates",
]

_DAYS_IN_MONTH = [[_cal.monthrange(y, m)[1] for m in range(1, 13)] for y in (2001, 2000)]


def _days_in_month(year: int, month: int) -> int:
    return _DAYS_IN_MONTH[_cal.isleap(year)][month - 1]


def add_months(anchor: dt.date, months: int) -> dt.date:
    """``anchor`` moved by ``months`` calendar months, the day clamped to the month's length.

    Always count from the original anchor so the day never drifts: 31 Jan + 1 → 28/29 Feb,
    31 Jan + 2 → 31 Mar (same as ``anchor + dateutil.relativedelta(months=months)``).

    >>> add_months(dt.date(2024, 1, 31), 1), add_months(dt.date(2024, 1, 31), 2)
    (datetime.date(2024, 2, 29), datetime.date(2024, 3, 31))
    """
    y, m = divmod(anchor.month - 1 + months, 12)
    year, month = anchor.year + y, m + 1
    return dt.date(year, month, min(anchor.day, _days_in_month(year, month)))


class PeriodUnit(enum.Enum):
    """The unit a :class:`Frequency` counts in."""

    DAY = "day"
    WEEK = "week"
    SEMI_MONTH = "semi-month"
    MONTH = "month"
    YEAR = "year"


_PER_YEAR = {
    PeriodUnit.DAY: 360,  # a day is 1/360 of a year, as the Peruvian TEA convention counts it
    PeriodUnit.WEEK: 52,
    PeriodUnit.SEMI_MONTH: 24,
    PeriodUnit.MONTH: 12,
    PeriodUnit.YEAR: 1,
}

_NAMES = {
    "weekly": (PeriodUnit.WEEK, 1),
    "semanal": (PeriodUnit.WEEK, 1),
    "biweekly": (PeriodUnit.WEEK, 2),
    "catorcenal": (PeriodUnit.WEEK, 2),
    "semimonthly": (PeriodUnit.SEMI_MONTH, 1),
    "semi-monthly": (PeriodUnit.SEMI_MONTH, 1),
    "quincenal": (PeriodUnit.SEMI_MONTH, 1),
    "monthly": (PeriodUnit.MONTH, 1),
    "mensual": (PeriodUnit.MONTH, 1),
    "bimonthly": (PeriodUnit.MONTH, 2),
    "bimestral": (PeriodUnit.MONTH, 2),
    "quarterly": (PeriodUnit.MONTH, 3),
    "trimestral": (PeriodUnit.MONTH, 3),
    "semiannual": (PeriodUnit.MONTH, 6),
    "semestral": (PeriodUnit.MONTH, 6),
    "annual": (PeriodUnit.YEAR, 1),
    "yearly": (PeriodUnit.YEAR, 1),
    "anual": (PeriodUnit.YEAR, 1),
}
_EVERY_DAYS = re.compile(r"^(\d+)\s*d(ays?)?$")


@attrs.frozen(slots=True, kw_only=True, cache_hash=True)  # a calendar cache key
class Frequency:
    """How often installments fall due: a :class:`PeriodUnit` times ``every``.

    The usual ones are class constants: ``WEEKLY``, ``BIWEEKLY``, ``SEMI_MONTHLY`` (the 15th and the
    last day of each month, "quincenal"), ``MONTHLY``, ``BIMONTHLY``, ``QUARTERLY``, ``SEMIANNUAL``,
    ``ANNUAL``; ``Frequency.days(n)`` is every ``n`` days.

    >>> Frequency.parse("monthly") == Frequency.MONTHLY
    True
    >>> Frequency.parse("15d").periods_per_year
    Fraction(24, 1)
    """

    unit: PeriodUnit
    every: int = attrs.field(default=1, validator=whole(1, 366, error=InvalidCalendar))

    WEEKLY: ClassVar[Frequency]
    BIWEEKLY: ClassVar[Frequency]
    SEMI_MONTHLY: ClassVar[Frequency]
    MONTHLY: ClassVar[Frequency]
    BIMONTHLY: ClassVar[Frequency]
    QUARTERLY: ClassVar[Frequency]
    SEMIANNUAL: ClassVar[Frequency]
    ANNUAL: ClassVar[Frequency]

    @classmethod
    def days(cls, n: int) -> Frequency:
        """Every ``n`` calendar days."""
        return cls(unit=PeriodUnit.DAY, every=n)

    @classmethod
    def parse(cls, text: str | Frequency) -> Frequency:
        """Read ``weekly``, ``biweekly``, ``semimonthly``, ``monthly``, ..., ``annual`` or ``<N>d``.

        Spanish names are accepted too (``mensual``, ``quincenal``, ``trimestral``, ...).
        """
        if isinstance(text, Frequency):
            return text
        if not isinstance(text, str):
            raise WrongType(
                E_(
                    "'frequency' must be a Frequency or a name such as 'monthly' (got %(text)s).",
                    text=repr(text),
                ),
                field="frequency",
                value=text,
            )
        key = text.strip().lower().replace("_", "-")
        if key in _NAMES:
            unit, every = _NAMES[key]
            return cls(unit=unit, every=every)
        m = _EVERY_DAYS.match(key)
        if m:
            return cls.days(int(m.group(1)))
        raise InvalidCalendar(
            E_(
                "'frequency' must be weekly, biweekly, semimonthly, monthly, "
                "bimonthly, quarterly, semiannual, annual or <N>d such as 15d (got "
                "%(text)s).",
                text=repr(text),
            ),
            field="frequency",
            value=text,
        )

    @property
    def periods_per_year(self) -> Fraction:
        """Regular periods in a year: 12 for monthly, 52 for weekly, 24 for semi-monthly, 360/N for N days."""
        return Fraction(_PER_YEAR[self.unit], self.every)

    @property
    def months(self) -> int | None:
        """Length in whole months for month- and year-based frequencies, else ``None``."""
        if self.unit is PeriodUnit.MONTH:
            return self.every
        if self.unit is PeriodUnit.YEAR:
            return 12 * self.every
        return None

    @property
    def label(self) -> str:
        """The name :meth:`parse` reads back."""
        for name, (unit, every) in _NAMES.items():
            if unit is self.unit and every == self.every:
                return name
        if self.unit is PeriodUnit.DAY:
            return f"{self.every}d"
        return f"every {self.every} {self.unit.value}s"

    def __str__(self) -> str:
        return self.label


Frequency.WEEKLY = Frequency(unit=PeriodUnit.WEEK)
Frequency.BIWEEKLY = Frequency(unit=PeriodUnit.WEEK, every=2)
Frequency.SEMI_MONTHLY = Frequency(unit=PeriodUnit.SEMI_MONTH)
Frequency.MONTHLY = Frequency(unit=PeriodUnit.MONTH)
Frequency.BIMONTHLY = Frequency(unit=PeriodUnit.MONTH, every=2)
Frequency.QUARTERLY = Frequency(unit=PeriodUnit.MONTH, every=3)
Frequency.SEMIANNUAL = Frequency(unit=PeriodUnit.MONTH, every=6)
Frequency.ANNUAL = Frequency(unit=PeriodUnit.YEAR)


def _thirty_360(d0: dt.date, d1: dt.date, *, european: bool) -> Fraction:
    day0, day1 = d0.day, d1.day
    if european:
        day0, day1 = min(day0, 30), min(day1, 30)
    else:  # 30/360 US bond basis (ISDA 2006 §4.16(f))
        day0 = min(day0, 30)
        if day1 == 31 and day0 == 30:
            day1 = 30
    days = 360 * (d1.year - d0.year) + 30 * (d1.month - d0.month) + (day1 - day0)
    return Fraction(days, 360)


def _act_act_isda(d0: dt.date, d1: dt.date) -> Fraction:
    if d0.year == d1.year:
        return Fraction((d1 - d0).days, 366 if _cal.isleap(d0.year) else 365)
    first = Fraction((dt.date(d0.year + 1, 1, 1) - d0).days, 366 if _cal.isleap(d0.year) else 365)
    last = Fraction((d1 - dt.date(d1.year, 1, 1)).days, 366 if _cal.isleap(d1.year) else 365)
    return first + (d1.year - d0.year - 1) + last


class _CalendarConvention(ParseableEnum):
    """A calendar convention: a bad name raises :class:`~coopfinance.errors.InvalidCalendar`."""

    @classmethod
    def parse_error(cls) -> type[InvalidValue]:
        """Calendar conventions raise :class:`~coopfinance.errors.InvalidCalendar`."""
        return InvalidCalendar


_DAY_COUNT_ALIASES = {"act/365f": "act/365", "act/act-isda": "act/act", "30/360-us": "30/360"}


class DayCount(_CalendarConvention):
    """How the length of a period becomes a fraction of a year τ.

    ============  ======================================================  =========================
    member        τ(d0, d1)                                               used by
    ============  ======================================================  =========================
    ACT_360       actual days / 360                                       Peru (TEA, SBS), money mkt
    ACT_365F      actual days / 365                                       many microfinance systems
    ACT_ACT_ISDA  days in each calendar year / that year's length (365/366)  ISDA 2006 §4.16(b)
    THIRTY_360    30/360 US bond basis: D0=31→30; D1=31→30 if D0≥30         ISDA 2006 §4.16(f)
    THIRTY_E_360  30E/360: both 31sts become 30                             ISDA 2006 §4.16(g)
    PER_PERIOD    each scheduled period is exactly 1/k year, k = periods  Fineract "same as
                  per year of the frequency (whatever its calendar length) repayment period"
    ============  ======================================================  =========================

    >>> DayCount.ACT_360.year_fraction(dt.date(2026, 1, 15), dt.date(2026, 2, 15))
    Fraction(31, 360)
    """

    ACT_360 = "act/360"
    ACT_365F = "act/365"
    ACT_ACT_ISDA = "act/act"
    THIRTY_360 = "30/360"
    THIRTY_E_360 = "30e/360"
    PER_PERIOD = "per-period"

    @classmethod
    def parse(cls, text: DayCount | str, *, field: str | None = None) -> DayCount:
        """:meth:`ParseableEnum.parse`, reading the aliases ``act/365f``, ``act/act-isda`` and
        ``30/360-us`` too."""
        if isinstance(text, str):
            key = text.strip().lower().replace("_", "-")
            text = _DAY_COUNT_ALIASES.get(key, text)
        return super().parse(text, field=field)

    def year_fraction(
        self, d0: dt.date, d1: dt.date, frequency: Frequency | None = None
    ) -> Fraction:
        """τ for the period from ``d0`` to ``d1`` (``frequency`` is needed only by PER_PERIOD)."""
        return _year_fraction(self, d0, d1, frequency)


@functools.lru_cache(maxsize=4096)
def _year_fraction(dc: DayCount, d0: dt.date, d1: dt.date, frequency: Frequency | None) -> Fraction:
    if dc is DayCount.ACT_360:
        return Fraction((d1 - d0).days, 360)
    if dc is DayCount.ACT_365F:
        return Fraction((d1 - d0).days, 365)
    if dc is DayCount.ACT_ACT_ISDA:
        return _act_act_isda(d0, d1)
    if dc is DayCount.THIRTY_360:
        return _thirty_360(d0, d1, european=False)
    if dc is DayCount.THIRTY_E_360:
        return _thirty_360(d0, d1, european=True)
    if frequency is None:
        raise InvalidCalendar(
            E_(
                "'frequency' is needed to measure a period under the per-period day "
                "count (got None)."
            ),
            field="frequency",
            value=None,
        )
    return 1 / frequency.periods_per_year


class BusinessDay(_CalendarConvention):
    """How a due date that falls on a non-business day is moved."""

    UNADJUSTED = "none"
    FOLLOWING = "following"
    MODIFIED_FOLLOWING = "modified-following"
    PRECEDING = "preceding"


@functools.lru_cache(maxsize=256)
def _country_holidays(country: str, year: int) -> frozenset[dt.date]:
    import holidays  # imported lazily: building the tables costs time nobody else should pay

    try:
        table = holidays.country_holidays(country, years=year)
    except NotImplementedError:
        raise InvalidCalendar(
            E_(
                "'country' must be a country the holidays package knows, such as 'PE' "
                "(got %(country)s).",
                country=repr(country),
            ),
            field="country",
            value=country,
        ) from None
    return frozenset(table)


def _to_dates(values: Iterable[dt.date]) -> frozenset[dt.date]:
    out = frozenset(values)
    for d in out:
        if not isinstance(d, dt.date):
            raise WrongType(
                E_("'holidays' must hold dates (got %(d)s).", d=repr(d)), field="holidays", value=d
            )
    return out


@attrs.frozen(slots=True, kw_only=True, cache_hash=True)  # a calendar cache key
class HolidayCalendar:
    """Non-business days: weekend days, a country's public holidays and extra dates.

    ``country`` uses the ``holidays`` package (``"PE"``: Peru's public holidays, the default of
    :meth:`peru`); ``extra`` adds the co-op's own closing days; ``weekend`` holds
    ``date.weekday()`` numbers (Saturday 5 and Sunday 6 by default).

    >>> cal = HolidayCalendar.peru()
    >>> cal.is_business_day(dt.date(2026, 7, 28))   # Fiestas Patrias
    False
    """

    country: str | None = None
    extra: frozenset[dt.date] = attrs.field(factory=frozenset, converter=_to_dates)
    weekend: frozenset[int] = attrs.field(default=frozenset({5, 6}), converter=frozenset)

    @classmethod
    def peru(cls, extra: Iterable[dt.date] = ()) -> HolidayCalendar:
        """Peru's public holidays (``holidays`` package) plus Saturdays, Sundays and ``extra``."""
        return cls(country="PE", extra=frozenset(extra))

    @classmethod
    def none(cls) -> HolidayCalendar:
        """Only weekends are non-business days."""
        return cls()

    def is_business_day(self, day: dt.date) -> bool:
        """Whether ``day`` is neither a weekend day, nor a public holiday, nor an extra closing day."""
        if day.weekday() in self.weekend or day in self.extra:
            return False
        return not (self.country and day in _country_holidays(self.country, day.year))

    def roll(self, day: dt.date, rule: BusinessDay) -> dt.date:
        """``day`` moved to a business day by ``rule``."""
        if rule is BusinessDay.UNADJUSTED or self.is_business_day(day):
            return day
        step = -1 if rule is BusinessDay.PRECEDING else 1
        moved = day
        for _ in range(370):
            moved += dt.timedelta(days=step)
            if self.is_business_day(moved):
                break
        else:  # pragma: no cover - a calendar with no business day in a year
            raise InvalidCalendar(
                E_("'holidays' leave no business day within a year of %(day)s.", day=day),
                field="holidays",
                value=day,
            )
        if rule is BusinessDay.MODIFIED_FOLLOWING and moved.month != day.month:
            return self.roll(day, BusinessDay.PRECEDING)
        return moved


def _monthly(first: dt.date, months: int, count: int) -> list[dt.date]:
    """``add_months(first, months·k)`` for k < count (the schedule's hot path): between 1900 and
    2299, slices of a table of month ordinals (:func:`_month_ordinals`) turned into dates in C
    loops; otherwise one pass of :func:`add_months` arithmetic (:func:`_monthly_loop`)."""
    ordinals = monthly_ordinals(first, months, count)
    if ordinals is None:
        return _monthly_loop(first, months, count)
    return list(map(_FROM_ORDINAL, ordinals))


def monthly_ordinals(first: dt.date, months: int, count: int) -> list[int] | None:
    """The ordinals of :func:`_monthly` ``(first, months, count)`` from the table, or ``None``
    when they leave it (1900-2299) or ``count`` or ``months`` is not positive."""
    start = (first.year - _TABLE_FROM) * 12 + first.month - 1
    stop = start + months * (count - 1) + 1
    if count <= 0 or months <= 0 or start < 0 or stop > _TABLE_MONTHS:
        return None
    day = first.day
    if day <= 28:  # every month has a 28th
        return list(map((day - 1).__add__, _month_ordinals(0)[start:stop:months]))
    return _month_ordinals(day)[start:stop:months]


_TABLE_FROM, _TABLE_MONTHS = 1900, 400 * 12
_FROM_ORDINAL = dt.date.fromordinal


@functools.cache
def _month_ordinals(day: int) -> list[int]:
    """For each month from January 1900 to December 2299, the ordinal of its first day
    (``day = 0``) or of its day ``min(day, month length)`` (``day`` 29-31): built once per day,
    on first use (not at import)."""
    lengths = [
        _DAYS_IN_MONTH[_cal.isleap(_TABLE_FROM + k // 12)][k % 12] for k in range(_TABLE_MONTHS)
    ]
    firsts = list(accumulate(lengths[:-1], initial=dt.date(_TABLE_FROM, 1, 1).toordinal()))
    if not day:
        return firsts
    return [o + min(day, n) - 1 for o, n in zip(firsts, lengths, strict=True)]


def _monthly_loop(first: dt.date, months: int, count: int) -> list[dt.date]:
    """:func:`_monthly` by arithmetic, one date at a time (any year, and the reference the
    table path is tested against)."""
    day = first.day
    year, month0 = first.year, first.month - 1
    out = []
    date = dt.date
    table = _DAYS_IN_MONTH
    isleap = _cal.isleap
    for _ in range(count):
        y = year + month0 // 12
        m = month0 % 12
        out.append(date(y, m + 1, day if day <= 28 else min(day, table[isleap(y)][m])))
        month0 += months
    return out


def _semi_monthly_days(anchor: dt.date) -> tuple[int, int]:
    last = _days_in_month(anchor.year, anchor.month)
    if anchor.day in (15, last):
        return 15, 31
    if anchor.day < 15:
        return anchor.day, anchor.day + 15
    return anchor.day - 15, anchor.day


def _semi_monthly(first: dt.date, count: int) -> list[dt.date]:
    lo, hi = _semi_monthly_days(first)
    out: list[dt.date] = []
    year, month = first.year, first.month
    upper = first.day >= hi or first.day == _days_in_month(year, month)
    while len(out) < count:
        dim = _days_in_month(year, month)
        if not upper:
            out.append(dt.date(year, month, min(lo, dim)))
        else:
            out.append(dt.date(year, month, min(hi, dim)))
            month += 1
            if month == 13:
                year, month = year + 1, 1
        upper = not upper
    return out


def default_first_due(disbursed: dt.date, frequency: Frequency) -> dt.date:
    """The first due date when none is given: one period after disbursement.

    Semi-monthly loans fall due on the first 15th or month-end that is at least 8 days (more than
    half a period) after disbursement.
    """
    months = frequency.months
    if months is not None:
        return add_months(disbursed, months)
    if frequency.unit is PeriodUnit.SEMI_MONTH:
        candidate = disbursed + dt.timedelta(days=8)
        if candidate.day <= 15:
            return candidate.replace(day=15)
        return candidate.replace(day=_days_in_month(candidate.year, candidate.month))
    days = frequency.every * (7 if frequency.unit is PeriodUnit.WEEK else 1)
    return disbursed + dt.timedelta(days=days)


def due_dates(
    disbursed: dt.date,
    frequency: Frequency,
    count: int,
    first_due: dt.date | None = None,
) -> list[dt.date]:
    """``count`` unadjusted due dates from ``first_due`` (default: one period after ``disbursed``).

    Month-based frequencies are anchored on the first due date's day (no drift): a first due date of
    31 Jan gives 28/29 Feb, 31 Mar, 30 Apr, ...

    >>> due_dates(dt.date(2026, 1, 15), Frequency.MONTHLY, 3)
    [datetime.date(2026, 2, 15), datetime.date(2026, 3, 15), datetime.date(2026, 4, 15)]
    >>> due_dates(dt.date(2026, 1, 3), Frequency.SEMI_MONTHLY, 3)
    [datetime.date(2026, 1, 15), datetime.date(2026, 1, 31), datetime.date(2026, 2, 15)]
    """
    first = first_due if first_due is not None else default_first_due(disbursed, frequency)
    months = frequency.months
    if months is not None:
        return _monthly(first, months, count)
    if frequency.unit is PeriodUnit.SEMI_MONTH:
        return _semi_monthly(first, count)
    step = dt.timedelta(days=frequency.every * (7 if frequency.unit is PeriodUnit.WEEK else 1))
    return [first + step * k for k in range(count)]


def check_increasing(disbursed: dt.date, dates: Sequence[dt.date], *, field: str) -> None:
    """Raise unless every date is after ``disbursed`` and after the one before it."""
    previous = disbursed
    for k, d in enumerate(dates):
        if not isinstance(d, dt.date) or isinstance(d, dt.datetime):
            raise WrongType(
                E_(
                    "%(field)s must hold dates (got %(d)s at position %(k)s).",
                    field=repr(field),
                    d=repr(d),
                    k=k + 1,
                ),
                field=field,
                value=d,
            )
        if d <= previous:
            what = "the disbursement date" if k == 0 else f"due date {k}"
            raise InvalidCalendar(
                E_(
                    "%(field)s must be after %(what)s %(isoformat_previous)s (got "
                    "%(isoformat_d)s for installment %(k)s).",
                    field=repr(field),
                    what=what,
                    isoformat_previous=previous.isoformat(),
                    isoformat_d=d.isoformat(),
                    k=k + 1,
                ),
                field=field,
                value=d,
            )
        previous = d


def calendar_dates(  # noqa: PLR0917 - mirrors the LoanTerms fields it is computed from
    disbursed: dt.date,
    frequency: Frequency,
    installments: int | None,
    first_due: dt.date | None,
    explicit: Sequence[dt.date] | None,
    business_day: BusinessDay,
    holidays: HolidayCalendar,
) -> list[dt.date]:
    """A loan's due dates: ``explicit`` ones, or ``installments`` dates every ``frequency``; rolled
    to business days by ``business_day`` on ``holidays`` (then checked to stay increasing)."""
    if explicit is not None:
        raw = list(explicit)
    else:
        raw = due_dates(disbursed, frequency, installments or 0, first_due)
    if business_day is not BusinessDay.UNADJUSTED:
        raw = [holidays.roll(d, business_day) for d in raw]
        check_increasing(disbursed, raw, field="due_dates")
    return raw
