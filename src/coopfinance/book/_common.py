"""What every part of the book shares: the co-op's settings, the import record, the roster as of a
day, the closed periods and the prices in force."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coopfinance.book import _schema as t
from coopfinance.book._compat import json_default, policy_from_dict
from coopfinance.book._errors import BookError
from coopfinance.dairy import MilkPriceSchedule, Period, SettlementPolicy
from coopfinance.errors import E_

__all__ = [
    "Coop",
    "ImportReport",
    "Member",
    "closed_through",
    "current_members",
    "dumps",
    "lock",
    "price_rows",
    "price_schedule",
    "record_import",
]


def dumps(data: Any) -> str:
    """Canonical JSON text (sorted keys, decimals and dates as text): equal data, equal text."""
    return json.dumps(data, default=json_default, sort_keys=True, ensure_ascii=False)


@attrs.frozen(slots=True, kw_only=True)
class Coop:
    """A co-op's settings in its book: its currency, the settlement policy in force and the
    calendar's pay dates (``pay_delay_days`` after each period's last day)."""

    coop_id: str
    name: str
    currency: str
    policy: SettlementPolicy
    pay_delay_days: int

    def period_of(self, day: dt.date) -> Period:
        """The settlement period containing ``day``."""
        return self.policy.frequency.period_of(day)

    def pay_date(self, period: Period) -> dt.date:
        """The day the settlement of ``period`` is paid, and its check-off payments dated."""
        return period.end + dt.timedelta(days=self.pay_delay_days)

    def is_pay_date(self, day: dt.date) -> bool:
        """Whether ``day`` is the pay date of a period."""
        end = day - dt.timedelta(days=self.pay_delay_days)
        return self.period_of(end).end == end

    def next_period(self, period: Period) -> Period:
        """The period after ``period``."""
        return self.period_of(period.end + dt.timedelta(days=1))

    @classmethod
    def load(cls, conn: Connection, coop_id: str) -> Coop:
        row = conn.execute(sa.select(t.coops).where(t.coops.c.coop_id == coop_id)).first()
        if row is None:
            known = conn.execute(sa.select(t.coops.c.coop_id).order_by(t.coops.c.coop_id))
            names = ", ".join(repr(r[0]) for r in known) or "none"
            raise BookError(
                E_(
                    "'coop' %(coop_id)s has no book in this database (co-ops there: %(names)s).",
                    coop_id=repr(coop_id),
                    names=names,
                ),
                field="coop",
                value=coop_id,
            )
        return cls(
            coop_id=row.coop_id,
            name=row.name,
            currency=row.currency,
            policy=policy_from_dict(json.loads(row.policy)),
            pay_delay_days=row.pay_delay_days,
        )


@attrs.frozen(slots=True, kw_only=True)
class ImportReport:
    """What an import did: ``new`` entries recorded, ``already`` recorded before (nothing done for
    them), ``corrected`` (correction entries, or roster changes).

    >>> str(ImportReport(kind="deliveries", source="d.csv", new=0, already=1204))
    '0 new, 1,204 already recorded'
    """

    kind: str
    source: str
    new: int
    already: int
    corrected: int = 0

    def __str__(self) -> str:
        text = f"{self.new:,} new, {self.already:,} already recorded"
        if self.corrected:
            text += f", {self.corrected:,} corrected"
        return text


def lock(conn: Connection, coop_id: str) -> None:
    """Queue behind other writers of this co-op (a row lock on servers; SQLite's write lock is
    taken by ``BEGIN IMMEDIATE``)."""
    found = conn.execute(
        sa.select(t.coops.c.coop_id).where(t.coops.c.coop_id == coop_id).with_for_update()
    ).first()
    if found is None:
        raise BookError(
            E_("'coop' %(coop_id)s has no book here.", coop_id=repr(coop_id)),
            field="coop",
            value=coop_id,
        )


def record_import(
    conn: Connection, coop: str, kind: str, source: str, user: str, *, new: int, already: int
) -> int:
    """Record an import (or a close) and return its id: when, by whom, from which source and
    what it did. Called once the import has been checked, before its entries are inserted."""
    result = conn.execute(
        t.imports.insert().values(
            coop_id=coop,
            kind=kind,
            source=source,
            recorded_at=dt.datetime.now(dt.UTC),
            recorded_by=user,
            new=new,
            already=already,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


@attrs.frozen(slots=True, kw_only=True)
class Member:
    """A member or supplier as the roster records them now (the latest version)."""

    farmer: str
    name: str
    role: str
    route: str | None
    pickup_days: str | None
    joined: dt.date | None
    left: dt.date | None
    version: int

    def on_roster(self, day: dt.date) -> bool:
        """Whether the farmer is on the roster on ``day``."""
        return (self.joined is None or self.joined <= day) and (
            self.left is None or day <= self.left
        )


def current_members(conn: Connection, coop: str) -> dict[str, Member]:
    """The roster: each farmer's latest version."""
    m = t.members
    rows = conn.execute(sa.select(m).where(m.c.coop_id == coop).order_by(m.c.farmer, m.c.version))
    out: dict[str, Member] = {}
    for r in rows:
        out[r.farmer] = Member(
            farmer=r.farmer,
            name=r.name,
            role=r.role,
            route=r.route,
            pickup_days=r.pickup_days,
            joined=r.joined,
            left=r.left,
            version=r.version,
        )
    return out


def closed_through(conn: Connection, coop: str) -> dt.date | None:
    """The last day of the last closed period (``None``: nothing closed)."""
    s = t.settlements
    value = conn.execute(sa.select(sa.func.max(s.c.period_end)).where(s.c.coop_id == coop)).scalar()
    return value if value is None or isinstance(value, dt.date) else dt.date.fromisoformat(value)


def price_rows(conn: Connection, coop: str) -> list[tuple[dt.date, dt.date, dict[str, Any]]]:
    """The recorded price periods ``(valid_from, valid_to, terms as given)``, in date order."""
    p = t.prices
    rows = conn.execute(
        sa.select(p.c.valid_from, p.c.valid_to, p.c.terms)
        .where(p.c.coop_id == coop)
        .order_by(p.c.valid_from)
    )
    return [(r.valid_from, r.valid_to, json.loads(r.terms)) for r in rows]


def price_schedule(
    rows: Iterable[tuple[dt.date, dt.date, Mapping[str, Any]]], currency: str, period: Period
) -> MilkPriceSchedule:
    """The price schedule of the recorded periods overlapping ``period``."""
    used = [
        dict(terms) for start, end, terms in rows if start <= period.end and end >= period.start
    ]
    if not used:
        raise BookError(
            E_("no milk price is recorded for %(period)s; import the prices first.", period=period),
            field="prices",
            value=str(period),
        )
    return MilkPriceSchedule.from_dict({"currency": currency, "prices": used})
