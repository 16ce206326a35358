"""Solidarity groups in the book (issue 18 §2): recorded, applied at each close, frozen with it.

A group (:class:`~coopfinance.linked.SolidarityGroup`: members in the order guarantors are
asked, the order of its guarantee sources) is recorded in ``book_groups`` with ``since``, the
first day its guarantee applies; money put into a group's savings or into the co-op's guarantee
fund (holder ``fund``) is a row of ``book_guarantee_deposits``. Both come from a groups file
(:func:`import_groups`, TOML or JSON)::

    [[group]]
    id = "G1"
    members = ["M001", "M002", "M003"]
    order = ["members-milk", "group-savings", "guarantee-fund"]   # the default
    since = 2026-01-16                                            # default: the first open day

    [[deposit]]
    to = "G1"            # a group's savings, or "fund": the co-op's guarantee fund
    date = 2026-01-05
    amount = "40.00"
    reference = "aporte inicial"

The import is idempotent (a group or deposit recorded with the same values is "already
recorded"; with other values, a conflict), refuses the whole file with every bad entry and its
line (the line of its ``[[group]]``/``[[deposit]]`` header; in JSON its position), and never
changes a closed period: a group's ``since`` and a deposit's ``date`` are after the last closed
period. A farmer is in one group only (Fineract's JLG: a client's loan belongs to one group).

**At close** (:func:`apply_at_close`, called by :func:`~coopfinance.book._close.close` after the
individual check-off, in the close's transaction): each group whose ``since`` is on or before the
period's last day has its guarantee applied to the settlement as
:func:`~coopfinance.linked.apply_guarantee` defines (others' milk above their floor, the group's
savings, the co-op's fund, in the group's order), with

    savingsₖ = Σ deposits to the group dated ≤ period end − Σ savings taken by earlier closes
    fundₖ    = Σ deposits to the fund dated ≤ period end − Σ fund taken by earlier closes

Each step is frozen in ``book_guarantee_steps`` and never recomputed; what it covers is posted to
the borrower's loan as a payment dated the pay date (channel ``group-guarantee``,
:meth:`~coopfinance.linked.GroupGuarantee.payments`); what a guarantor's milk paid is taken
from their payable (:meth:`Closing.payable`). What the sources cannot cover stays the loan's
arrears. Reading a closed period back (:func:`frozen_guarantees`) gives the same
:class:`~coopfinance.linked.GroupGuarantee` values as the close returned.
"""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coopfinance._decimal import ZERO, exact, to_decimal
from coopfinance._fields import to_date
from coopfinance._files import read_data
from coopfinance.book import _schema as t
from coopfinance.book._common import (
    Coop,
    ImportReport,
    closed_through,
    current_members,
    dumps,
    lock,
    record_import,
)
from coopfinance.book._compat import Currency
from coopfinance.book._csv import Source, source_name
from coopfinance.book._errors import BookError, Conflict, ImportRefused, Problem
from coopfinance.book._imports import event_row, progress_source
from coopfinance.book._schema import ID, coop_column, metadata, provenance_columns
from coopfinance.book._store import Store
from coopfinance.book._types import Exact, canonical
from coopfinance.dairy import Period, Settlement
from coopfinance.errors import E_, CoopFinanceError
from coopfinance.linked import (
    GroupGuarantee,
    GuaranteeSource,
    GuaranteeStep,
    SolidarityGroup,
    apply_guarantee,
    member_shortfalls,
)
from coopfinance.portfolio import group_status
from coopfinance.servicing import Payment

__all__ = [
    "FUND",
    "GroupRecord",
    "SolidarityGroups",
    "apply_at_close",
    "balances",
    "deposits",
    "frozen_guarantees",
    "group_lines",
    "groups",
    "import_groups",
    "recorded_groups",
    "steps",
]

FUND = "fund"
"""The holder of the co-op's guarantee fund in ``book_guarantee_deposits``, and the guarantor
of a step paid by it."""

groups = sa.Table(
    "book_groups",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    coop_column(),
    sa.Column("group_id", ID, nullable=False),
    sa.Column("terms", sa.Text, nullable=False),  # JSON: members, order
    sa.Column("since", sa.Date, nullable=False),
    *provenance_columns(),
    sa.UniqueConstraint("coop_id", "group_id"),
)

deposits = sa.Table(
    "book_guarantee_deposits",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    coop_column(),
    sa.Column("holder", ID, nullable=False),  # a group id, or FUND
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("amount", Exact, nullable=False),
    sa.Column("reference", sa.Text, nullable=False),
    *provenance_columns(),
    sa.UniqueConstraint("coop_id", "holder", "reference"),
)

steps = sa.Table(
    "book_guarantee_steps",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    coop_column(),
    sa.Column("period_start", sa.Date, nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("group_id", ID, nullable=False),
    sa.Column("borrower", ID, nullable=False),
    sa.Column("loan_id", ID, nullable=False),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("guarantor", ID, nullable=False),
    sa.Column("amount", Exact, nullable=False),
    sa.UniqueConstraint("coop_id", "period_start", "seq"),
)


class GroupRecord:
    """A recorded group: the :class:`~coopfinance.linked.SolidarityGroup` (its ``savings`` 0;
    the balance is :func:`balances`') and ``since``, the first day its guarantee applies."""

    __slots__ = ("group", "since")

    def __init__(self, group: SolidarityGroup, since: dt.date) -> None:
        self.group = group
        self.since = since

    def __repr__(self) -> str:
        return f"GroupRecord({self.group!r}, since={self.since.isoformat()})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GroupRecord) and (self.group, self.since) == (
            other.group,
            other.since,
        )

    def __hash__(self) -> int:
        return hash((self.group, self.since))


def _terms(group: SolidarityGroup) -> str:
    return dumps({"members": list(group.members), "order": [s.value for s in group.order]})


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def recorded_groups(conn: Connection, coop: str) -> dict[str, GroupRecord]:
    """Every recorded group, by id (in the order recorded)."""
    g = groups
    out = {}
    for r in conn.execute(sa.select(g).where(g.c.coop_id == coop).order_by(g.c.id)):
        data = json.loads(r.terms)
        out[r.group_id] = GroupRecord(
            SolidarityGroup(id=r.group_id, members=data["members"], order=data["order"]),
            _date(r.since),
        )
    return out


def balances(
    conn: Connection, coop: str, through: dt.date, *, before: dt.date | None = None
) -> dict[str, Decimal]:
    """What each holder (a group's savings, :data:`FUND`) holds: deposits dated ≤ ``through``
    less what the guarantee steps of the closes starting before ``before`` (default: every
    close) took from it."""
    dp, sp = deposits, steps
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for r in conn.execute(
        sa.select(dp.c.holder, dp.c.amount).where(dp.c.coop_id == coop, dp.c.date <= through)
    ):
        out[r.holder] += r.amount
    q = sa.select(sp.c.guarantor, sp.c.amount).where(
        sp.c.coop_id == coop, sp.c.source != GuaranteeSource.MEMBERS_MILK.value
    )
    if before is not None:
        q = q.where(sp.c.period_start < before)
    for r in conn.execute(q):
        out[r.guarantor] -= r.amount
    unit = Currency.of(_currency(conn, coop)).unit
    return {k: v.quantize(unit) for k, v in out.items()}


def _currency(conn: Connection, coop: str) -> str:
    return str(
        conn.execute(sa.select(t.coops.c.currency).where(t.coops.c.coop_id == coop)).scalar_one()
    )


def _active(conn: Connection, coop: str, period: Period) -> list[SolidarityGroup]:
    return [r.group for r in recorded_groups(conn, coop).values() if r.since <= period.end]


def _with_savings(
    active: Iterable[SolidarityGroup], held: Mapping[str, Decimal]
) -> list[SolidarityGroup]:
    return [
        SolidarityGroup(id=g.id, members=g.members, order=g.order, savings=held.get(g.id, ZERO))
        for g in active
    ]


@exact
def apply_at_close(
    conn: Connection, coop: Coop, settlement: Settlement, pay_date: dt.date, import_id: int
) -> tuple[GroupGuarantee, ...]:
    """The close's hook: apply every active group's guarantee to ``settlement`` (see the module
    docstring), freeze its steps and post what it covers to the borrowers' loans; in the
    caller's transaction. Returns the guarantees (empty when the book has no group)."""
    period = settlement.period
    active = _active(conn, coop.coop_id, period)
    if not active:
        return ()
    held = balances(conn, coop.coop_id, period.end)
    result = apply_guarantee(
        settlement, _with_savings(active, held), fund=max(held.get(FUND, ZERO), ZERO)
    )
    rows = []
    events = []
    seq = 0
    for g in result:
        for s in g.steps:
            seq += 1
            rows.append(
                {
                    "coop_id": coop.coop_id,
                    "period_start": period.start,
                    "seq": seq,
                    "group_id": s.group,
                    "borrower": s.borrower,
                    "loan_id": s.loan_id,
                    "source": s.source.value,
                    "guarantor": s.guarantor,
                    "amount": s.amount,
                }
            )
        for loan_id, posted in g.payments(pay_date).items():
            for p in posted:
                data, amount = event_row(p)
                events.append(
                    {
                        "coop_id": coop.coop_id,
                        "loan_id": loan_id,
                        "event_id": p.id,
                        "date": p.date,
                        "amount": amount,
                        "event": dumps(data),
                        "period_start": period.start,
                        "import_id": import_id,
                        "line": 0,
                    }
                )
    if rows:
        conn.execute(steps.insert(), rows)
    if events:
        conn.execute(t.loan_events.insert(), events)
    return result


def frozen_guarantees(
    conn: Connection, coop: str, settlement: Settlement
) -> tuple[GroupGuarantee, ...]:
    """The guarantees of a closed period as its close applied them: the frozen steps, the
    members' shortfalls of the frozen settlement, each group's savings as the close saw them."""
    period = settlement.period
    active = _active(conn, coop, period)
    if not active:
        return ()
    held = balances(conn, coop, period.end, before=period.start)
    farmers = {s.farmer: s for s in settlement.statements}
    by_group: dict[str, list[GuaranteeStep]] = defaultdict(list)
    sp = steps
    for r in conn.execute(
        sa.select(sp)
        .where(sp.c.coop_id == coop, sp.c.period_start == period.start)
        .order_by(sp.c.seq)
    ):
        by_group[r.group_id].append(
            GuaranteeStep(
                group=r.group_id,
                borrower=r.borrower,
                loan_id=r.loan_id,
                source=GuaranteeSource.parse(r.source, field="source"),
                guarantor=r.guarantor,
                amount=r.amount.quantize(settlement.currency.unit),
            )
        )
    return tuple(
        GroupGuarantee(
            group=g, steps=tuple(by_group.get(g.id, ())), shortfalls=member_shortfalls(farmers, g)
        )
        for g in _with_savings(active, held)
    )


def guarantee_of(found: Iterable[GroupGuarantee], farmer: str) -> GroupGuarantee | None:
    """The guarantee of ``farmer``'s group among ``found`` (``None``: in no group)."""
    return next((g for g in found if farmer in g.group.members), None)


def called(conn: Connection, coop: str, through: dt.date) -> dict[str, tuple[int, Decimal]]:
    """Each group's guarantee calls paid by ``through`` (closes whose pay date is on or before
    it): ``{group id: (calls, amount)}``, a call being one borrower's loan covered in one close."""
    sp, st = steps, t.settlements
    seen: dict[str, set[tuple[Any, ...]]] = defaultdict(set)
    paid: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for r in conn.execute(
        sa.select(sp.c.group_id, sp.c.period_start, sp.c.borrower, sp.c.loan_id, sp.c.amount)
        .select_from(
            sp.join(
                st, sa.and_(st.c.coop_id == sp.c.coop_id, st.c.period_start == sp.c.period_start)
            )
        )
        .where(sp.c.coop_id == coop, st.c.pay_date <= through)
    ):
        seen[r.group_id].add((r.period_start, r.borrower, r.loan_id))
        paid[r.group_id] += r.amount
    return {g: (len(seen[g]), paid[g]) for g in seen}


def guaranteed(conn: Connection, coop: str) -> dict[tuple[dt.date, str], Decimal]:
    """What the guarantees paid for each loan in each closed period: ``{(period start, loan id):
    amount}`` (a revenue-share loan's replay counts it with what check-off collected)."""
    sp = steps
    out: dict[tuple[dt.date, str], Decimal] = defaultdict(lambda: ZERO)
    for r in conn.execute(
        sa.select(sp.c.period_start, sp.c.loan_id, sp.c.amount).where(sp.c.coop_id == coop)
    ):
        out[(_date(r.period_start), r.loan_id)] += r.amount
    return dict(out)


# --- the groups file ---------------------------------------------------------------------------

_GROUP_KEYS = ("id", "members", "order", "since")
_DEPOSIT_KEYS = ("to", "date", "amount", "reference")


def _header_lines(source: Source, name: str, count: int) -> list[int]:
    """The line of each ``[[name]]`` header of a TOML file (its position, 1, 2 …, in a JSON
    file or when the headers cannot be told apart, e.g. inline arrays)."""
    if isinstance(source, str | pathlib.Path) and str(source).lower().endswith(".toml"):
        pattern = re.compile(rf"^\s*\[\[\s*{re.escape(name)}\s*\]\]")
        text = pathlib.Path(source).read_text(encoding="utf-8-sig")
        found = [k for k, line in enumerate(text.splitlines(), start=1) if pattern.match(line)]
        if len(found) == count:
            return found
    return list(range(1, count + 1))


def _items(data: Any, key: str) -> list[Any]:
    items = data.get(key, []) if isinstance(data, Mapping) else None
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise BookError(
            E_(
                "a groups file holds [[group]] and [[deposit]] tables (got %(key)s as %(kind)s).",
                key=repr(key),
                kind=type(items).__name__,
            ),
            field=key,
            value=type(items).__name__,
        )
    return items


def import_groups(conn: Connection, coop: Coop, source: Source, user: str) -> ImportReport:
    """Record the groups and deposits of a groups file (see the module docstring); every entry
    is checked before any is recorded, and nothing is recorded when one is bad."""
    name = source_name(source)
    if not isinstance(source, str) and not hasattr(source, "__fspath__"):
        raise BookError(E_("'groups' must be a path to a .toml or .json file."), field="groups")
    data = read_data(source, field="groups", error=BookError)  # type: ignore[arg-type]
    if isinstance(data, Mapping):
        unknown = sorted(set(data) - {"group", "deposit"})
        if unknown:
            raise BookError(
                E_(
                    "a groups file holds [[group]] and [[deposit]] tables (got %(key)s).",
                    key=repr(unknown[0]),
                ),
                field=unknown[0],
                value=unknown[0],
            )
    group_items, deposit_items = _items(data, "group"), _items(data, "deposit")
    if not group_items and not deposit_items:
        raise BookError(E_("a groups file holds [[group]] and [[deposit]] tables."), field="group")
    lock(conn, coop.coop_id)
    members = current_members(conn, coop.coop_id)
    recorded = recorded_groups(conn, coop.coop_id)
    closed = closed_through(conn, coop.coop_id)
    first_open = dt.date.min if closed is None else closed + dt.timedelta(days=1)
    in_group = {m: gid for gid, r in recorded.items() for m in r.group.members}
    problems: list[Problem] = []
    conflicts: list[Conflict] = []
    new_groups: list[dict[str, Any]] = []
    new_deposits: list[dict[str, Any]] = []
    already = 0
    known = set(recorded)
    for line, item in zip(
        _header_lines(source, "group", len(group_items)), group_items, strict=True
    ):
        bad = [k for k in item if k not in _GROUP_KEYS]
        if bad:
            problems.append(
                Problem(
                    line=line,
                    field=str(bad[0]),
                    message=E_(
                        "unknown group key %(key)s (known: %(known)s).",
                        key=repr(bad[0]),
                        known=", ".join(_GROUP_KEYS),
                    ),
                )
            )
            continue
        gid = str(item.get("id", "")).strip()
        if not gid or len(gid) > 64 or gid == FUND or gid in members:
            problems.append(
                Problem(
                    line=line,
                    field="id",
                    message=E_(
                        "'id' of a group must be 1 to 64 characters, not %(fund)s nor a farmer's "
                        "id (got %(gid)s).",
                        fund=repr(FUND),
                        gid=repr(gid),
                    ),
                )
            )
            continue
        try:
            group = SolidarityGroup(
                id=gid,
                members=[str(m).strip() for m in item.get("members", ())],
                **({"order": item["order"]} if "order" in item else {}),
            )
            since = (
                to_date(item["since"], field="since", error=BookError) if "since" in item else None
            )
        except CoopFinanceError as exc:
            problems.append(
                Problem(
                    line=line,
                    field=exc.field or "group",
                    message=E_("group %(gid)s: %(exc)s", gid=repr(gid), exc=exc.message),
                )
            )
            continue
        found = recorded.get(gid)
        if found is not None:
            same = _terms(found.group) == _terms(group) and since in (None, found.since)
            if same:
                already += 1
            else:
                conflicts.append(
                    Conflict(
                        line=line,
                        identity=(f"group {gid}",),
                        recorded={"terms": _terms(found.group), "since": str(found.since)},
                        given={"terms": _terms(group), "since": str(since or found.since)},
                    )
                )
            continue
        if gid in known:
            problems.append(
                Problem(
                    line=line,
                    field="id",
                    message=E_("group %(gid)s is twice in the file.", gid=repr(gid)),
                )
            )
            continue
        known.add(gid)
        trouble = False
        for m in group.members:
            if m not in members:
                problems.append(
                    Problem(
                        line=line,
                        field="members",
                        message=E_("'members': %(m)s is not on the roster.", m=repr(m)),
                    )
                )
                trouble = True
            elif m in in_group:
                problems.append(
                    Problem(
                        line=line,
                        field="members",
                        message=E_(
                            "'members': %(m)s is already in group %(group)s (one group per "
                            "farmer).",
                            m=repr(m),
                            group=repr(in_group[m]),
                        ),
                    )
                )
                trouble = True
        if since is not None and since < first_open:
            problems.append(
                Problem(
                    line=line,
                    field="since",
                    message=E_(
                        "'since' must be after the last closed period, which ends %(closed)s "
                        "(got %(since)s): a closed settlement is never recomputed.",
                        closed=closed,
                        since=since,
                    ),
                )
            )
            trouble = True
        if trouble:
            continue
        for m in group.members:
            in_group[m] = gid
        new_groups.append(
            {"group_id": gid, "terms": _terms(group), "since": since or first_open, "line": line}
        )
    dp = deposits
    recorded_deposits = {
        (r.holder, r.reference): (r.date, r.amount)
        for r in conn.execute(sa.select(dp).where(dp.c.coop_id == coop.coop_id))
    }
    seen: set[tuple[str, str]] = set()
    for line, item in zip(
        _header_lines(source, "deposit", len(deposit_items)), deposit_items, strict=True
    ):
        bad = [k for k in item if k not in _DEPOSIT_KEYS]
        if bad:
            problems.append(
                Problem(
                    line=line,
                    field=str(bad[0]),
                    message=E_(
                        "unknown deposit key %(key)s (known: %(known)s).",
                        key=repr(bad[0]),
                        known=", ".join(_DEPOSIT_KEYS),
                    ),
                )
            )
            continue
        holder = str(item.get("to", "")).strip()
        reference = str(item.get("reference", "")).strip()
        if holder != FUND and holder not in known:
            problems.append(
                Problem(
                    line=line,
                    field="to",
                    message=E_(
                        "'to' must be a group of the book or %(fund)s (got %(holder)s).",
                        fund=repr(FUND),
                        holder=repr(holder),
                    ),
                )
            )
            continue
        if not reference:
            problems.append(
                Problem(
                    line=line, field="reference", message=E_("'reference' of a deposit is blank.")
                )
            )
            continue
        try:
            day = to_date(item.get("date"), field="date", error=BookError)
            value = to_decimal(item.get("amount"), field="amount")
        except CoopFinanceError as exc:
            if isinstance(exc, TypeError):
                problems.append(Problem(line=line, field="amount", message=exc.message))
                continue
            problems.append(Problem(line=line, field=exc.field or "deposit", message=exc.message))
            continue
        unit = Currency.of(coop.currency).unit
        if value <= 0 or value.quantize(unit) != value:
            problems.append(
                Problem(
                    line=line,
                    field="amount",
                    message=E_(
                        "'amount' of a deposit must be more than 0, in whole %(currency)s minor "
                        "units (got %(amount)s).",
                        currency=coop.currency,
                        amount=canonical(value),
                    ),
                )
            )
            continue
        key = (holder, reference)
        found_d = recorded_deposits.get(key)
        if found_d is not None:
            if (_date(found_d[0]), found_d[1]) == (day, value):
                already += 1
            else:
                conflicts.append(
                    Conflict(
                        line=line,
                        identity=(f"deposit {holder} {reference}",),
                        recorded={"date": str(found_d[0]), "amount": canonical(found_d[1])},
                        given={"date": str(day), "amount": canonical(value)},
                    )
                )
            continue
        if key in seen:
            problems.append(
                Problem(
                    line=line,
                    field="reference",
                    message=E_(
                        "deposit %(reference)s to %(holder)s is twice in the file.",
                        reference=repr(reference),
                        holder=repr(holder),
                    ),
                )
            )
            continue
        seen.add(key)
        if day < first_open:
            problems.append(
                Problem(
                    line=line,
                    field="date",
                    message=E_(
                        "'date' must be after the last closed period, which ends %(closed)s "
                        "(got %(day)s): a closed settlement is never recomputed.",
                        closed=closed,
                        day=day,
                    ),
                )
            )
            continue
        new_deposits.append(
            {"holder": holder, "date": day, "amount": value, "reference": reference, "line": line}
        )
    if problems or conflicts:
        everything = sorted(
            [
                *problems,
                *(Problem(line=c.line, field="conflict", message=c.message()) for c in conflicts),
            ],
            key=lambda p: p.line,
        )
        raise ImportRefused("groups", name, tuple(everything), tuple(conflicts))
    new = len(new_groups) + len(new_deposits)
    iid = record_import(conn, coop.coop_id, "groups", name, user, new=new, already=already)
    extra = {"coop_id": coop.coop_id, "import_id": iid}
    if new_groups:
        conn.execute(groups.insert(), [{**extra, **r} for r in new_groups])
    if new_deposits:
        conn.execute(deposits.insert(), [{**extra, **r} for r in new_deposits])
    return ImportReport(kind="groups", source=name, new=new, already=already)


# --- the portfolio's group table -----------------------------------------------------------------


def group_lines(
    recorded: Mapping[str, GroupRecord],
    exposures: Iterable[Any],
    arrears: Mapping[str, Decimal],
    calls: Mapping[str, tuple[int, Decimal]],
    names: Mapping[str, str],
) -> list[dict[str, Any]]:
    """The portfolio document's group table, from what the engines computed: per group its
    members (names), the status :func:`~coopfinance.portfolio.group_status` gives (loans,
    outstanding, late members, PAR30, standing), the members' loans' arrears (each account's
    own ``AccountState.arrears``, as the loan table shows) and its guarantee calls (how many,
    how much) paid by the date."""
    rows = list(exposures)
    status = group_status({g: r.group.members for g, r in recorded.items()}, rows)
    out = []
    for line in status:
        r = recorded[line.group]
        mine = {e.loan_id for e in rows if e.debtor in set(r.group.members)}
        count, amount = calls.get(line.group, (0, ZERO))
        out.append(
            {
                "id": line.group,
                "members": [names.get(m, m) for m in r.group.members],
                "loans": line.loans,
                "outstanding": line.outstanding,
                "arrears": sum((arrears.get(k, ZERO) for k in sorted(mine)), ZERO),
                "late_members": line.late_members,
                "par30": line.par30,
                "standing": f"portfolio.group.{line.standing.value.replace('-', '_')}",
                "calls": count,
                "covered": amount,
            }
        )
    return out


# --- the book's methods -------------------------------------------------------------------------


class SolidarityGroups:
    """The :class:`~coopfinance.book.Book` methods of solidarity groups (a mixin of ``Book``,
    kept here so the book's own module stays small)."""

    _store: Store
    coop: Coop
    user: str

    def import_groups(self, source: Source, *, progress: Any = None) -> ImportReport:
        """Solidarity groups and deposits to their savings or the co-op's guarantee fund (TOML or
        JSON ``[[group]]`` and ``[[deposit]]`` tables): see :mod:`coopfinance.book._groups`.
        ``progress``: as :meth:`Book.import_roster`."""
        with progress_source(source, "groups", progress) as (counted, finish):
            with self._store.transaction(write=True) as conn:
                report = import_groups(conn, self.coop, counted, self.user)
            finish(report.new + report.already)
        return report

    def groups(self) -> dict[str, GroupRecord]:
        """Every recorded solidarity group, by id."""
        with self._store.transaction(write=False) as conn:
            return recorded_groups(conn, self.coop.coop_id)

    @exact
    def guarantee_balances(self, as_of: dt.date) -> dict[str, Decimal]:
        """What each group's savings and the co-op's guarantee fund (``"fund"``) hold on
        ``as_of``: deposits dated by then less what the closes' guarantees took."""
        with self._store.transaction(write=False) as conn:
            return balances(conn, self.coop.coop_id, as_of)

    @exact
    def guarantees(self, period: Any) -> tuple[GroupGuarantee, ...]:
        """The group guarantees of a closed period, as its close applied them (empty when the
        book has no group)."""
        with self._store.transaction(write=False) as conn:
            if not recorded_groups(conn, self.coop.coop_id):
                return ()
        settlement = self.settlement(period, with_deliveries=False)  # type: ignore[attr-defined]
        return self.guarantees_in(settlement)

    @exact
    def guarantees_in(self, settlement: Settlement) -> tuple[GroupGuarantee, ...]:
        """:meth:`guarantees` of a closed period's frozen ``settlement`` already read."""
        with self._store.transaction(write=False) as conn:
            return frozen_guarantees(conn, self.coop.coop_id, settlement)

    def guarantee_calls(self, through: dt.date) -> dict[str, tuple[int, Decimal]]:
        """Each group's guarantee calls paid by ``through``: ``{group id: (calls, amount)}``."""
        with self._store.transaction(write=False) as conn:
            return called(conn, self.coop.coop_id, through)


def payments_of(
    found: Iterable[GroupGuarantee], pay_date: dt.date
) -> dict[str, tuple[Payment, ...]]:
    """The loan payments the guarantees made, by loan id."""
    out: dict[str, list[Payment]] = defaultdict(list)
    for g in found:
        for loan_id, posted in g.payments(pay_date).items():
            out[loan_id].extend(posted)
    return {k: tuple(v) for k, v in out.items()}
