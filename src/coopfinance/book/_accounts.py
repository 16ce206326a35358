"""Membership and the contributions (aportaciones) ledger.

**Membership.** A farmer is a *member* (socio) on a day when they joined on or before it and have
not left before it: a ``join`` event (``Book.join``) makes a supplier a member from its date, which
must be the first day of a settlement period (so patronage, counted per settlement period, starts
with a whole period); a farmer whose roster role is ``member`` and who has no join event is a
founding member, a member from their roster ``joined`` date (or always). An exit (``renuncia``,
``exclusion``, ``death``: ``Book.exit``) ends membership after its date.

**Contributions.** The ledger of a farmer is, in date order:

- each settlement's collected ``compulsory-savings`` and ``voluntary-savings`` lines, dated the
  settlement's pay date (kinds ``compulsory`` and ``voluntary``): capital;
- the entries recorded in ``book_member_contributions``: ``cash`` (paid at the office, capital),
  ``interest`` and ``retorno`` (credited at the year's distribution: payable to the member, not
  capital), ``paid`` (a payable paid out), ``refund`` (capital returned at exit) and ``settled``
  (payables netted in the exit liquidación).

``capital = compulsory + voluntary + cash − refund``; ``payable = interest + retorno − paid −
settled``. Deductions from a non-member are the supplier's savings, not aportaciones (journal role
``third_party_savings``), and become aportaciones when the supplier joins.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coopfinance.book import _ledger_schema as lt
from coopfinance.book import _schema as t
from coopfinance.book._common import current_members

__all__ = [
    "CAPITAL_KINDS",
    "EXIT_KINDS",
    "PAYABLE_KINDS",
    "ContributionEntry",
    "ContributionStatement",
    "Membership",
    "contribution_entries",
    "memberships",
    "statement_of",
]

ZERO = Decimal(0)
EXIT_KINDS = ("renuncia", "exclusion", "death")
CAPITAL_KINDS = {"compulsory": 1, "voluntary": 1, "cash": 1, "refund": -1}
PAYABLE_KINDS = {"interest": 1, "retorno": 1, "paid": -1, "settled": -1}
_SAVINGS = {"compulsory-savings": "compulsory", "voluntary-savings": "voluntary"}


@attrs.frozen(slots=True, kw_only=True)
class Membership:
    """When a farmer is a member: from ``since`` (``None``: always) through ``until`` (``None``: still
    a member); ``joined_event`` when a join was recorded; ``exit`` the exit kind, if any."""

    farmer: str
    member_role: bool
    since: dt.date | None
    until: dt.date | None
    joined_event: dt.date | None
    exit: str | None

    def is_member(self, day: dt.date) -> bool:
        """Whether the farmer is a member on ``day``."""
        if not self.member_role:
            return False
        return (self.since is None or self.since <= day) and (
            self.until is None or day <= self.until
        )


def memberships(conn: Connection, coop: str) -> dict[str, Membership]:
    """Every farmer's membership (see the module docstring)."""
    roster = current_members(conn, coop)
    ev = lt.member_events
    events: dict[str, dict[str, dt.date]] = defaultdict(dict)
    for r in conn.execute(sa.select(ev.c.farmer, ev.c.kind, ev.c.date).where(ev.c.coop_id == coop)):
        events[r.farmer][r.kind] = r.date
    out = {}
    for farmer, m in roster.items():
        e = events.get(farmer, {})
        join = e.get("join")
        exit_kind = next((k for k in EXIT_KINDS if k in e), None)
        out[farmer] = Membership(
            farmer=farmer,
            member_role=join is not None or m.role == "member",
            since=join if join is not None else m.joined,
            until=e[exit_kind] if exit_kind else None,
            joined_event=join,
            exit=exit_kind,
        )
    return out


@attrs.frozen(slots=True, kw_only=True)
class ContributionEntry:
    """One line of a farmer's contributions ledger."""

    farmer: str
    date: dt.date
    kind: str
    amount: Decimal
    reference: str
    member: bool
    """Whether the farmer was a member on ``date`` (else: a supplier's savings)."""

    @property
    def capital(self) -> Decimal:
        """The change in paid-in capital."""
        return self.amount * CAPITAL_KINDS.get(self.kind, 0)

    @property
    def payable(self) -> Decimal:
        """The change in what is owed to the member (interest and retornos not yet paid)."""
        return self.amount * PAYABLE_KINDS.get(self.kind, 0)


def contribution_entries(
    conn: Connection, coop: str, members: dict[str, Membership] | None = None
) -> list[ContributionEntry]:
    """Every farmer's contributions ledger, by farmer, date and kind."""
    ms = members if members is not None else memberships(conn, coop)
    sl, st, mc = t.settlement_lines, t.settlements, lt.member_contributions
    rows = conn.execute(
        sa.select(
            sl.c.farmer, sl.c.kind, sl.c.collected, sl.c.reference, st.c.pay_date, st.c.period_start
        )
        .join(st, sa.and_(st.c.coop_id == sl.c.coop_id, st.c.period_start == sl.c.period_start))
        .where(sl.c.coop_id == coop, sl.c.kind.in_(tuple(_SAVINGS)))
        .order_by(sl.c.period_start, sl.c.farmer, sl.c.seq)
    )
    out: list[ContributionEntry] = []

    def member(farmer: str, day: dt.date) -> bool:
        m = ms.get(farmer)
        return m is not None and m.is_member(day)

    for r in rows:
        if r.collected == 0:
            continue
        out.append(
            ContributionEntry(
                farmer=r.farmer,
                date=r.pay_date,
                kind=_SAVINGS[r.kind],
                amount=r.collected,
                reference=f"{r.period_start.isoformat()} {r.reference}".strip(),
                member=member(r.farmer, r.pay_date),
            )
        )
    for r in conn.execute(sa.select(mc).where(mc.c.coop_id == coop).order_by(mc.c.id)):
        out.append(
            ContributionEntry(
                farmer=r.farmer,
                date=r.date,
                kind=r.kind,
                amount=r.amount,
                reference=r.reference,
                member=member(r.farmer, r.date),
            )
        )
    order = {k: i for i, k in enumerate(("compulsory", "voluntary", "cash", "interest", "retorno"))}
    out.sort(key=lambda e: (e.farmer, e.date, order.get(e.kind, 9)))
    return out


@attrs.frozen(slots=True, kw_only=True)
class ContributionStatement:
    """A farmer's statement of contributions as of a day: the ledger's lines with running balances,
    the capital (aportaciones paid in), the payable (interest and retornos credited and not paid)."""

    farmer: str
    name: str
    as_of: dt.date
    lines: tuple[tuple[ContributionEntry, Decimal, Decimal], ...]
    """``(entry, capital after it, payable after it)``."""
    capital: Decimal
    payable: Decimal
    compulsory: Decimal
    voluntary: Decimal
    interest: Decimal
    retornos: Decimal


def statement_of(
    entries: list[ContributionEntry], farmer: str, name: str, as_of: dt.date
) -> ContributionStatement:
    """The statement of ``farmer`` from the ledger ``entries`` (dated ``as_of`` or earlier)."""
    capital = payable = ZERO
    sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
    lines = []
    for e in entries:
        if e.farmer != farmer or e.date > as_of:
            continue
        capital += e.capital
        payable += e.payable
        sums[e.kind] += e.amount
        lines.append((e, capital, payable))
    return ContributionStatement(
        farmer=farmer,
        name=name,
        as_of=as_of,
        lines=tuple(lines),
        capital=capital,
        payable=payable,
        compulsory=sums["compulsory"],
        voluntary=sums["voluntary"],
        interest=sums["interest"],
        retornos=sums["retorno"],
    )
