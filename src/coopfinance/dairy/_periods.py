"""Settlement periods (liquidaciones): semi-monthly by default, weekly, 10-day or monthly."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from typing import Self

import attrs

from coopfinance._decimal import exact
from coopfinance._fields import ParseableEnum, to_date, to_enum
from coopfinance.errors import E_, InvalidSettlement, InvalidValue

__all__ = ["Period", "SettlementFrequency", "periods_between"]


_FREQUENCY_ALIASES = {
    "quincenal": "semi-monthly",
    "semimonthly": "semi-monthly",
    "ten-day": "10-day",
}


class SettlementFrequency(ParseableEnum):
    """How often the co-op settles (liquida) milk payments.

    Reference §8: quincenal by default (Chagray et al. 2023, Huaura); weekly or 10-day (India,
    agrimoon) and monthly (Lessos, Kenya) available.
    """

    SEMI_MONTHLY = "semi-monthly"
    """1st–15th and 16th–end of each month (quincenal), the default."""
    WEEKLY = "weekly"
    """Monday to Sunday."""
    TEN_DAY = "10-day"
    """1st–10th, 11th–20th, 21st–end of each month (decadal)."""
    MONTHLY = "monthly"
    """The calendar month."""

    @classmethod
    def parse(cls, text: Self | str, *, field: str | None = None) -> Self:
        """Read ``semi-monthly`` (or ``quincenal``), ``weekly``, ``10-day`` or ``monthly``."""
        key = text.strip().lower().replace("_", "-") if isinstance(text, str) else text
        value = _FREQUENCY_ALIASES.get(key, text) if isinstance(key, str) else text
        return to_enum(cls, value, field=field or "frequency", error=cls.parse_error())

    @classmethod
    def parse_error(cls) -> type[InvalidValue]:
        return InvalidSettlement

    def period_of(self, day: dt.date) -> Period:
        """The period of this frequency that contains ``day``."""
        last = calendar.monthrange(day.year, day.month)[1]
        if self is SettlementFrequency.WEEKLY:
            start = day - dt.timedelta(days=day.weekday())
            return Period(start=start, end=start + dt.timedelta(days=6))
        if self is SettlementFrequency.MONTHLY:
            return Period(start=day.replace(day=1), end=day.replace(day=last))
        bounds = (1, 16) if self is SettlementFrequency.SEMI_MONTHLY else (1, 11, 21)
        first = max(b for b in bounds if b <= day.day)
        later = [b for b in bounds if b > first]
        end = later[0] - 1 if later else last
        return Period(start=day.replace(day=first), end=day.replace(day=end))


def _start(value: dt.date | str) -> dt.date:
    return to_date(value, field="start", error=InvalidSettlement)


def _end(value: dt.date | str) -> dt.date:
    return to_date(value, field="end", error=InvalidSettlement)


@attrs.frozen(slots=True, kw_only=True, order=True)
class Period:
    """A settlement period from ``start`` to ``end``, both inclusive.

    >>> p = Period.parse("2026-01-16..2026-01-31")
    >>> p.days, p.contains(dt.date(2026, 1, 20))
    (16, True)
    >>> str(p)
    '2026-01-16..2026-01-31'
    """

    start: dt.date = attrs.field(converter=_start)
    end: dt.date = attrs.field(converter=_end)

    @exact
    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidSettlement(
                E_(
                    "'period' must not end before it starts (got %(start)s..%(end)s).",
                    start=self.start,
                    end=self.end,
                ),
                field="period",
                value=(self.start, self.end),
            )

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read ``YYYY-MM-DD..YYYY-MM-DD``."""
        parts = text.split("..")
        if len(parts) != 2:
            raise InvalidSettlement(
                E_(
                    "'period' must be START..END such as 2026-01-01..2026-01-15 (got %(text)s).",
                    text=repr(text),
                ),
                field="period",
                value=text,
            )
        return cls(start=parts[0], end=parts[1])

    @property
    def days(self) -> int:
        """Number of days, both ends counted."""
        return (self.end - self.start).days + 1

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` falls in the period."""
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


@exact
def periods_between(
    start: dt.date, end: dt.date, frequency: SettlementFrequency = SettlementFrequency.SEMI_MONTHLY
) -> Iterator[Period]:
    """The periods of ``frequency`` covering ``start``…``end``, clipped to that range.

    >>> [str(p) for p in periods_between(dt.date(2026, 2, 1), dt.date(2026, 2, 28))]
    ['2026-02-01..2026-02-15', '2026-02-16..2026-02-28']
    """
    day = start
    while day <= end:
        p = frequency.period_of(day)
        yield Period(start=max(p.start, start), end=min(p.end, end))
        day = p.end + dt.timedelta(days=1)
