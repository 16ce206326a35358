"""Members who join and leave, and the final liquidación of one who leaves.

- **Join** (``Book.join``): a supplier on the roster becomes a member from ``date``, the first day
  of a settlement period not yet closed; patronage counts the settlement periods that start on or
  after it. Their savings deducted as a supplier become aportaciones that day.
- **Exit** (``Book.exit``: ``renuncia``, ``exclusion``, ``death``): recorded with its date; the
  roster gets the farmer's next version with ``left`` = that date (the only way a farmer leaves the
  roster in this book); no delivery may be recorded after it.
- **Liquidación** (``Book.liquidate``): on ``date`` (on or after the exit, with every delivery of
  the farmer in a closed period), it nets what the co-op owes the leaver — the contributions
  refund (paid-in capital), interest and retornos credited and not paid, and the milk of closed
  periods paid on or after ``date`` (held for the liquidación instead of paid) — against what the
  leaver owes: service charges and input advances left short in their last settlement, then each
  loan's payoff on the liquidación's effective date (the latest of ``date`` and those pay dates),
  in the settlement policy's order, and then each revenue-share loan's payoff (the standing after
  the last settlement counted, plus interest to the effective date:
  :func:`~coopfinance.book._linked.accrued_interest`). What is left is paid out; a debt left over
  stays a receivable (the loan stays open) or, with ``write_off=True``, is written off (castigo). The identity
  ``refund + pending + milk − debts = paid_out − left_owed`` holds to the céntimo.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coopfinance.book import _close, _linked
from coopfinance.book import _ledger_schema as lt
from coopfinance.book import _schema as t
from coopfinance.book._accounts import EXIT_KINDS, contribution_entries, memberships, statement_of
from coopfinance.book._common import Coop, closed_through, current_members, lock, record_import
from coopfinance.book._errors import BookError, WrongPeriod
from coopfinance.errors import E_
from coopfinance.servicing import Payment, WriteOff, events_to_json

__all__ = ["Liquidation", "exit_member", "join", "liquidate", "stored_liquidation"]

ZERO = Decimal(0)


def _farmer(conn: Connection, coop: str, farmer: str) -> Any:
    roster = current_members(conn, coop)
    if farmer not in roster:
        raise BookError(
            E_("'farmer' %(farmer)s is not on the roster.", farmer=repr(farmer)),
            field="farmer",
            value=farmer,
        )
    return roster[farmer]


def join(conn: Connection, coop: Coop, farmer: str, date: dt.date, user: str) -> None:
    """Record that supplier ``farmer`` is a member from ``date`` (see the module docstring)."""
    lock(conn, coop.coop_id)
    _farmer(conn, coop.coop_id, farmer)
    m = memberships(conn, coop.coop_id)[farmer]
    if m.member_role:
        raise BookError(
            E_("'farmer' %(farmer)s is already a member.", farmer=repr(farmer)),
            field="farmer",
            value=farmer,
        )
    if m.exit is not None:
        raise BookError(
            E_("'farmer' %(farmer)s has left the co-op.", farmer=repr(farmer)),
            field="farmer",
            value=farmer,
        )
    if coop.period_of(date).start != date:
        raise BookError(
            E_(
                "'date' of a join must be the first day of a settlement period (got "
                "%(date)s; its period starts %(start)s).",
                date=date,
                start=coop.period_of(date).start,
            ),
            field="date",
            value=date,
        )
    closed = closed_through(conn, coop.coop_id)
    if closed is not None and date <= closed:
        raise WrongPeriod(
            E_(
                "'date' %(date)s is in a closed period (closed through %(closed)s).",
                date=date,
                closed=closed,
            ),
            field="date",
            value=date,
        )
    iid = record_import(conn, coop.coop_id, "join", farmer, user, new=1, already=0)
    conn.execute(
        lt.member_events.insert().values(
            coop_id=coop.coop_id,
            farmer=farmer,
            kind="join",
            date=date,
            reason="",
            import_id=iid,
            line=1,
        )
    )


def exit_member(
    conn: Connection, coop: Coop, farmer: str, *, kind: str, date: dt.date, reason: str, user: str
) -> None:
    """Record the exit of ``farmer`` (``renuncia``, ``exclusion`` or ``death``) on ``date``."""
    lock(conn, coop.coop_id)
    if kind not in EXIT_KINDS:
        raise BookError(
            E_(
                "'kind' must be one of %(exit_kinds)s (got %(kind)s).",
                exit_kinds=", ".join(EXIT_KINDS),
                kind=repr(kind),
            ),
            field="kind",
            value=kind,
        )
    r = _farmer(conn, coop.coop_id, farmer)
    m = memberships(conn, coop.coop_id)[farmer]
    if m.exit is not None:
        raise BookError(
            E_(
                "'farmer' %(farmer)s already left (%(exit)s, %(until)s).",
                farmer=repr(farmer),
                exit=m.exit,
                until=m.until,
            ),
            field="farmer",
            value=farmer,
        )
    d = t.deliveries
    last = conn.execute(
        sa.select(sa.func.max(d.c.date)).where(d.c.coop_id == coop.coop_id, d.c.farmer == farmer)
    ).scalar()
    if last is not None and _close._date(last) > date:
        raise BookError(
            E_(
                "'date' %(date)s: %(farmer)s has deliveries recorded after it (last %(last)s).",
                date=date,
                farmer=repr(farmer),
                last=last,
            ),
            field="date",
            value=date,
        )
    iid = record_import(conn, coop.coop_id, "exit", farmer, user, new=1, already=0)
    conn.execute(
        lt.member_events.insert().values(
            coop_id=coop.coop_id,
            farmer=farmer,
            kind=kind,
            date=date,
            reason=reason,
            import_id=iid,
            line=1,
        )
    )
    conn.execute(
        t.members.insert().values(
            coop_id=coop.coop_id,
            farmer=farmer,
            version=r.version + 1,
            name=r.name,
            role=r.role,
            route=r.route,
            pickup_days=r.pickup_days,
            joined=r.joined,
            left=date,
            import_id=iid,
            line=1,
        )
    )


@attrs.frozen(slots=True, kw_only=True)
class Liquidation:
    """A leaver's final liquidación (amounts in the co-op's currency)."""

    farmer: str
    name: str
    exit: str
    exit_date: dt.date
    date: dt.date
    """The effective date (the latest of the date asked and the pay dates of held milk)."""
    refund: Decimal
    pending: Decimal
    milk: Decimal
    service_due: Decimal
    inputs_due: Decimal
    loans: tuple[tuple[str, Decimal, Decimal], ...]
    """``(loan id, netted, left owed)``."""
    service_paid: Decimal
    inputs_paid: Decimal
    paid_out: Decimal
    left_owed: Decimal
    written_off: bool

    @property
    def credits(self) -> Decimal:
        return self.refund + self.pending + self.milk

    @property
    def debts(self) -> Decimal:
        return self.service_due + self.inputs_due + sum((a + b for _, a, b in self.loans), ZERO)

    @property
    def receivable(self) -> Decimal:
        """What stays owed as a receivable (zero when written off)."""
        return ZERO if self.written_off else self.left_owed


def liquidate(
    conn: Connection, coop: Coop, farmer: str, *, date: dt.date, write_off: bool, user: str
) -> Liquidation:
    """Compute, post and record the final liquidación of ``farmer`` (see the module docstring)."""
    cid = coop.coop_id
    lock(conn, cid)
    r = _farmer(conn, cid, farmer)
    ms = memberships(conn, cid)
    m = ms[farmer]
    if m.exit is None or m.until is None:
        raise BookError(
            E_(
                "'farmer' %(farmer)s has no exit recorded: record it first (Book.exit).",
                farmer=repr(farmer),
            ),
            field="farmer",
            value=farmer,
        )
    if date < m.until:
        raise BookError(
            E_("'date' %(date)s is before the exit (%(until)s).", date=date, until=m.until),
            field="date",
            value=date,
        )
    lq = lt.liquidations
    if (
        conn.execute(sa.select(lq.c.id).where(lq.c.coop_id == cid, lq.c.farmer == farmer)).first()
        is not None
    ):
        raise BookError(
            E_("'farmer' %(farmer)s is already liquidated.", farmer=repr(farmer)),
            field="farmer",
            value=farmer,
        )
    closed = closed_through(conn, cid)
    if closed is None or closed < m.until:
        raise WrongPeriod(
            E_(
                "close the periods through the exit (%(until)s) first (closed through %(closed)s).",
                until=m.until,
                closed=closed,
            ),
            field="date",
            value=date,
        )
    st, sf, sl = t.settlements, t.settlement_farmers, t.settlement_lines
    mine = conn.execute(
        sa.select(st.c.period_start, st.c.pay_date)
        .join(sf, sa.and_(sf.c.coop_id == st.c.coop_id, sf.c.period_start == st.c.period_start))
        .where(st.c.coop_id == cid, sf.c.farmer == farmer)
        .order_by(st.c.period_start)
    ).all()
    milk = ZERO
    effective = date
    for start, pay in mine:
        if pay >= date:
            s = _close.frozen_settlement(conn, coop, start, with_deliveries=False)
            net = s[0].statement(farmer).net + sum(
                (a.amount for a in s[2] if a.farmer == farmer and a.amount > 0), ZERO
            )
            milk += net
            effective = max(effective, pay)
    service_due = inputs_due = ZERO
    if mine:
        last = mine[-1][0]
        for x in conn.execute(
            sa.select(sl.c.kind, sl.c.short).where(
                sl.c.coop_id == cid, sl.c.period_start == last, sl.c.farmer == farmer
            )
        ):
            if x.kind == "service-charge":
                service_due += x.short
            elif x.kind == "input-advance":
                inputs_due += x.short
    ledger = contribution_entries(conn, cid, ms)
    cs = statement_of(ledger, farmer, r.name, effective)
    refund, pending = cs.capital, cs.payable
    avail = refund + pending + milk
    service_paid = min(avail, service_due)
    avail -= service_paid
    inputs_paid = min(avail, inputs_due)
    avail -= inputs_paid
    loans = []
    iid = record_import(conn, cid, "liquidacion", farmer, user, new=1, already=0)
    for loan_id, (owner, account) in sorted(_close.accounts(conn, cid).items()):
        if owner != farmer or account.terms.disbursed > effective:
            continue
        owed = account.state(effective).payoff.total
        if owed <= 0:
            continue
        netted = min(avail, owed)
        avail -= netted
        events: list[Payment | WriteOff] = []
        if netted > 0:
            events.append(
                Payment(
                    date=effective,
                    amount=netted,
                    id=f"liquidacion-{farmer}-{loan_id}",
                    channel="liquidacion",
                )
            )
        after = account.with_events(*events)
        left = after.state(effective).payoff.total
        if write_off and left > 0:
            events.append(WriteOff(date=effective, id=f"castigo-{farmer}-{loan_id}"))
        for n, ev in enumerate(events, start=1):
            conn.execute(
                t.loan_events.insert().values(
                    coop_id=cid,
                    loan_id=loan_id,
                    event_id=ev.id,
                    date=effective,
                    amount=getattr(ev, "amount", None),
                    event=json.dumps(json.loads(events_to_json((ev,), indent=None))[0]),
                    period_start=None,
                    import_id=iid,
                    line=n,
                )
            )
        loans.append((loan_id, netted, left))
    revenue_share = []
    for loan_id, (owner, plan) in sorted(_linked.revenue_share_loans(conn, cid).items()):
        if owner != farmer or plan.disbursed > effective:
            continue
        standings = _linked.replay(conn, cid, {loan_id: (owner, plan)})[loan_id][2]
        counted = [s for s in standings if s.as_of <= effective]
        standing = counted[-1] if counted else plan.standing()
        if standing.repaid:
            continue
        interest = _linked.accrued_interest(plan, standing, effective)
        owed = standing.balance + interest
        netted = min(avail, owed)
        avail -= netted
        loans.append((loan_id, netted, owed - netted))
        revenue_share.append(
            {
                "loan_id": loan_id,
                "number": standing.number,
                "balance": str(standing.balance),
                "interest": str(interest),
                "netted": str(netted),
                "left": str(owed - netted),
            }
        )
    paid_out = avail
    left_owed = (
        (service_due - service_paid)
        + (inputs_due - inputs_paid)
        + sum((b for _, _, b in loans), ZERO)
    )
    liq = Liquidation(
        farmer=farmer,
        name=r.name,
        exit=m.exit,
        exit_date=m.until,
        date=effective,
        refund=refund,
        pending=pending,
        milk=milk,
        service_due=service_due,
        inputs_due=inputs_due,
        loans=tuple(loans),
        service_paid=service_paid,
        inputs_paid=inputs_paid,
        paid_out=paid_out,
        left_owed=left_owed,
        written_off=write_off,
    )
    assert liq.credits - liq.debts == liq.paid_out - liq.left_owed
    party = "member" if m.member_role else "third"
    data = {
        "party": party,
        "refund": str(refund),
        "pending": str(pending),
        "milk": str(milk),
        "milk_from": date.isoformat(),
        "service_due": str(service_due),
        "inputs_due": str(inputs_due),
        "service_paid": str(service_paid),
        "inputs_paid": str(inputs_paid),
        "paid_out": str(paid_out),
        "left_owed": str(left_owed),
        "inputs_written_off": str(inputs_due - inputs_paid if write_off else ZERO),
        "loans": [[a, str(b), str(c)] for a, b, c in loans],
        "revenue_share": revenue_share,
        "written_off": write_off,
        "asked": date.isoformat(),
    }
    conn.execute(
        lq.insert().values(
            coop_id=cid,
            farmer=farmer,
            date=effective,
            data=json.dumps(data, sort_keys=True),
            import_id=iid,
        )
    )
    rows = [
        {
            "coop_id": cid,
            "farmer": farmer,
            "date": effective,
            "kind": kind,
            "amount": amount,
            "reference": f"liquidación {m.exit}",
            "import_id": iid,
            "line": n,
        }
        for n, (kind, amount) in enumerate((("refund", refund), ("settled", pending)), start=1)
        if amount
    ]
    if rows:
        conn.execute(lt.member_contributions.insert(), rows)
    return liq


def stored_liquidation(conn: Connection, coop: Coop, farmer: str) -> Liquidation:
    """A recorded liquidación, read back."""
    lq = lt.liquidations
    row = conn.execute(
        sa.select(lq).where(lq.c.coop_id == coop.coop_id, lq.c.farmer == farmer)
    ).first()
    if row is None:
        raise BookError(
            E_("'farmer' %(farmer)s has no liquidación recorded.", farmer=repr(farmer)),
            field="farmer",
            value=farmer,
        )
    d = json.loads(row.data)
    m = memberships(conn, coop.coop_id)[farmer]
    name = current_members(conn, coop.coop_id)[farmer].name
    dec = Decimal
    return Liquidation(
        farmer=farmer,
        name=name,
        exit=m.exit or "",
        exit_date=m.until or row.date,
        date=row.date,
        refund=dec(d["refund"]),
        pending=dec(d["pending"]),
        milk=dec(d["milk"]),
        service_due=dec(d["service_due"]),
        inputs_due=dec(d["inputs_due"]),
        loans=tuple((a, dec(b), dec(c)) for a, b, c in d["loans"]),
        service_paid=dec(d["service_paid"]),
        inputs_paid=dec(d["inputs_paid"]),
        paid_out=dec(d["paid_out"]),
        left_owed=dec(d["left_owed"]),
        written_off=bool(d["written_off"]),
    )
