"""Imports of the small files: roster, prices, loans, cash payments, other obligations.

Each import reads the whole file, checks every line against itself and against the book, and
either records the new entries in one transaction or refuses the file with every bad line. An
entry already recorded with the same values is counted and skipped ("already recorded"); the same
identity with other values is a :class:`Conflict`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import pathlib
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import IO, Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coopfinance._fields import to_optional_date
from coopfinance._files import data_lines, open_text, read_data, refuse_decoding
from coopfinance.book import _schema as t
from coopfinance.book._accounts import Membership, memberships
from coopfinance.book._common import (
    Coop,
    ImportReport,
    Member,
    closed_through,
    current_members,
    dumps,
    lock,
    record_import,
)
from coopfinance.book._compat import terms_from_dict
from coopfinance.book._csv import Source, csv_rows, is_xlsx, source_name
from coopfinance.book._errors import BookError, Conflict, ImportRefused, Problem
from coopfinance.book._types import canonical
from coopfinance.dairy import MilkPriceSchedule, Obligation, ObligationKind
from coopfinance.errors import E_, CoopFinanceError
from coopfinance.servicing import Payment, events_from_json, events_to_json

__all__ = [
    "PROGRESS_EVERY",
    "Progress",
    "checkoff_due_dates",
    "import_loans",
    "import_obligations",
    "import_payments",
    "import_prices",
    "import_roster",
    "progress_source",
]

ROLES = ("member", "supplier")

Progress = Callable[[int, "int | None"], object]
"""What an import reports its progress to: ``progress(done, total)``, rows read so far and the
rows of the file (``None`` when not known beforehand)."""

PROGRESS_EVERY = 10_000
"""Rows between two calls of an import's ``progress``."""


class _Counted:
    """A CSV file whose lines are counted as they are read: ``progress(done, total)`` every
    :data:`PROGRESS_EVERY` rows. It carries the file's name, so the import records the same
    source as without it."""

    def __init__(
        self, fh: IO[str], name: str, path: pathlib.Path | None, progress: Progress, what: str
    ) -> None:
        self.fh = fh
        self.name = name
        self.path = path
        self.progress = progress
        self.what = what
        self.total = data_lines(path) if path is not None else None
        self.done = 0

    def __iter__(self) -> Iterator[str]:
        progress, total, every = self.progress, self.total, PROGRESS_EVERY
        progress(0, total)
        lines = iter(self.fh)
        try:
            header = next(lines, None)
            if header is None:
                return
            yield header
            done = 0
            for line in lines:
                done += 1
                if done % every == 0:
                    self.done = done
                    progress(done, total)
                yield line
            self.done = done
        except UnicodeDecodeError as exc:
            if self.path is None:
                raise
            raise refuse_decoding(self.path, exc, field=self.what, error=BookError) from None


def _nothing(rows: int) -> None:
    del rows


@contextlib.contextmanager
def progress_source(
    source: Source, what: str, progress: Progress | None
) -> Iterator[tuple[Source, Callable[[int], None]]]:
    """``(source, finish)``: a CSV ``source`` (a path or an open text file) wrapped so that its
    import calls ``progress`` every :data:`PROGRESS_EVERY` rows, the total counted first for a
    path; other files (TOML, JSON, ``.xlsx``: read inside the import) as they are, with
    ``progress(0, None)`` before. ``finish(rows)`` makes the last call, ``progress(n, n)`` (``n``
    the rows counted, else ``rows``)."""
    if progress is None:
        yield source, _nothing
        return
    is_path = isinstance(source, str | pathlib.Path)
    csv_like = not is_path or str(source).lower().endswith((".csv", ".txt", ".tsv"))
    if is_xlsx(source) or not csv_like or what in ("prices", "loans"):
        progress(0, None)

        def at_end(rows: int) -> None:
            progress(rows, rows)

        yield source, at_end
        return
    path = pathlib.Path(source) if is_path else None  # type: ignore[arg-type]
    fh = open_text(path, field=what, error=BookError) if path is not None else source
    counted = _Counted(fh, source_name(source), path, progress, what)  # type: ignore[arg-type]

    def finish(rows: int) -> None:
        n = counted.done or rows
        progress(n, n)

    try:
        yield counted, finish  # type: ignore[misc]
    finally:
        if path is not None:
            fh.close()  # type: ignore[union-attr]


def _refuse(what: str, source: str, problems: list[Problem], conflicts: list[Conflict]) -> None:
    if problems or conflicts:
        everything = sorted(
            [
                *problems,
                *(Problem(line=c.line, field="conflict", message=c.message()) for c in conflicts),
            ],
            key=lambda p: p.line,
        )
        raise ImportRefused(what, source, tuple(everything), tuple(conflicts))


def _date(text: str, field: str, line: int, problems: list[Problem]) -> dt.date | None:
    try:
        return to_optional_date(text, field=field, error=BookError)
    except BookError as exc:
        problems.append(Problem(line=line, field=field, message=str(exc)))
        return None


# --- roster -----------------------------------------------------------------------------------

_ROSTER_OPTIONAL = (
    "name",
    "role",
    "route",
    "pickup_days",
    "joined",
    "left",
    "cows",
    "litres_per_cow_day",
)
"""``cows`` and ``litres_per_cow_day`` (the example co-op's farmers.csv) are farm data, read and
not recorded."""


def import_roster(conn: Connection, coop: Coop, source: Source, user: str) -> ImportReport:
    """Members and suppliers: ``farmer`` (or ``id``), ``name``, ``role`` (member or supplier),
    ``route``, ``pickup_days``, ``joined`` and ``left`` (dates; empty: always / still on). A farmer
    already on the roster with other values is a change (joins, exits, a new route): recorded as
    the farmer's next version."""
    name = source_name(source)
    lock(conn, coop.coop_id)
    problems: list[Problem] = []
    given: dict[str, tuple[int, dict[str, Any]]] = {}
    with csv_rows(source, "roster", (), ("farmer", "id", *_ROSTER_OPTIONAL)) as (rows, bad):
        for line, row in rows:
            farmer = row.get("farmer") or row.get("id") or ""
            if not farmer:
                problems.append(
                    Problem(line=line, field="farmer", message=E_("'farmer' is blank."))
                )
                continue
            role = (row.get("role") or "member").lower()
            if role not in ROLES:
                problems.append(
                    Problem(
                        line=line,
                        field="role",
                        message=E_(
                            "'role' must be member or supplier (got %(role)s).", role=repr(role)
                        ),
                    )
                )
            joined = _date(row.get("joined", ""), "joined", line, problems)
            left = _date(row.get("left", ""), "left", line, problems)
            if joined and left and left < joined:
                problems.append(
                    Problem(
                        line=line,
                        field="left",
                        message=E_(
                            "'left' %(left)s is before 'joined' %(joined)s.",
                            left=left,
                            joined=joined,
                        ),
                    )
                )
            if farmer in given:
                problems.append(
                    Problem(
                        line=line,
                        field="farmer",
                        message=E_(
                            "'farmer' %(farmer)s is also on line %(given)s.",
                            farmer=repr(farmer),
                            given=given[farmer][0],
                        ),
                    )
                )
                continue
            given[farmer] = (
                line,
                {
                    "name": row.get("name") or farmer,
                    "role": role,
                    "route": row.get("route") or None,
                    "pickup_days": row.get("pickup_days") or None,
                    "joined": joined,
                    "left": left,
                },
            )
        problems.extend(bad)
    _refuse("roster", name, problems, [])
    members = current_members(conn, coop.coop_id)
    inserts: list[dict[str, Any]] = []
    already = changed = 0
    history: _History | None = None
    for farmer, (line, values) in given.items():
        now = members.get(farmer)
        version = 0
        if now is not None:
            recorded = {k: getattr(now, k) for k in values}
            if recorded == values:
                already += 1
                continue
            history = history or _History.load(conn, coop.coop_id)
            found = history.contradiction(now, values)
            if found is not None:
                problems.append(Problem(line=line, field=found[0], message=found[1]))
                continue
            version = now.version + 1
            changed += 1
        inserts.append({"farmer": farmer, "version": version, "line": line, **values})
    _refuse("roster", name, problems, [])
    new = len(inserts) - changed
    iid = record_import(conn, coop.coop_id, "roster", name, user, new=len(inserts), already=already)
    if inserts:
        conn.execute(
            t.members.insert(), [{"coop_id": coop.coop_id, "import_id": iid, **r} for r in inserts]
        )
    return ImportReport(kind="roster", source=name, new=new, already=already, corrected=changed)


class _History:
    """What the book has recorded of its farmers that a roster line may not contradict: the
    membership events (``Book.join``, ``Book.exit``), the last closed day, each farmer's first
    delivery and the farmers of closed settlements."""

    def __init__(
        self,
        memberships: Mapping[str, Membership],
        closed: dt.date | None,
        first_delivery: Mapping[str, dt.date],
        settled: set[str],
    ) -> None:
        self.memberships = memberships
        self.closed = closed
        self.first_delivery = first_delivery
        self.settled = settled

    @classmethod
    def load(cls, conn: Connection, coop: str) -> _History:
        d, sf = t.deliveries, t.settlement_farmers
        first = {
            r[0]: r[1] if isinstance(r[1], dt.date) else dt.date.fromisoformat(r[1])
            for r in conn.execute(
                sa.select(d.c.farmer, sa.func.min(d.c.date))
                .where(d.c.coop_id == coop)
                .group_by(d.c.farmer)
            )
        }
        settled = {
            r[0]
            for r in conn.execute(
                sa.select(sf.c.farmer).where(sf.c.coop_id == coop).group_by(sf.c.farmer)
            )
        }
        return cls(memberships(conn, coop), closed_through(conn, coop), first, settled)

    def contradiction(self, now: Member, values: Mapping[str, Any]) -> tuple[str, str] | None:
        """``(field, message)`` when a roster line changes what the book has recorded (see
        docs/book.md, "Roster changes"), else ``None``."""
        farmer = now.farmer
        m = self.memberships.get(farmer)
        role, joined, left = values["role"], values["joined"], values["left"]
        if m is not None and m.exit is not None:
            if (role, joined, left) != (now.role, now.joined, now.left):
                return (
                    "left",
                    E_(
                        "'farmer' %(farmer)s left the co-op on %(until)s (%(exit)s, recorded "
                        "by 'book exit'); the roster cannot bring them back or change their "
                        "role or dates (got role %(role)s, joined %(joined)s, left %(left)s). "
                        "A farmer who returns is a new member, under a new id.",
                        farmer=repr(farmer),
                        until=m.until,
                        exit=m.exit,
                        role=role,
                        joined=joined or "empty",
                        left=left or "empty",
                    ),
                )
            return None
        if left != now.left:
            return (
                "left",
                E_(
                    "'left' %(left)s for %(farmer)s (recorded: %(left_now)s): a farmer "
                    "leaves the roster only through an exit ('book exit': renuncia, "
                    "exclusion or death), which leads to the final liquidación.",
                    left=left or "empty",
                    farmer=repr(farmer),
                    left_now=now.left or "empty",
                ),
            )
        if joined != now.joined:
            old, closed = now.joined, self.closed
            if closed is not None and (old is None or joined is None or min(old, joined) <= closed):
                return (
                    "joined",
                    E_(
                        "'joined' of %(farmer)s changes from %(old)s to %(joined)s, which "
                        "would change periods already closed (closed through %(closed)s).",
                        farmer=repr(farmer),
                        old=old or "empty",
                        joined=joined or "empty",
                        closed=closed,
                    ),
                )
            first = self.first_delivery.get(farmer)
            if joined is not None and first is not None and first < joined:
                return (
                    "joined",
                    E_(
                        "'joined' %(joined)s for %(farmer)s: deliveries are recorded from "
                        "%(first)s.",
                        joined=joined,
                        farmer=repr(farmer),
                        first=first,
                    ),
                )
        if role != now.role and farmer in self.settled and (m is None or m.joined_event is None):
            return (
                "role",
                E_(
                    "'role' of %(farmer)s changes from %(role)s to %(role2)s after "
                    "settlements of theirs were closed; a supplier becomes a member "
                    "through 'book join' (from the first day of an open period), and a "
                    "member leaves through 'book exit'.",
                    farmer=repr(farmer),
                    role=now.role,
                    role2=role,
                ),
            )
        return None


# --- prices -----------------------------------------------------------------------------------


def import_prices(conn: Connection, coop: Coop, source: Source, user: str) -> ImportReport:
    """A price schedule file (TOML or JSON, as :meth:`MilkPriceSchedule.from_file` reads):
    each price period is an entry identified by its first day. Periods may leave gaps (a later
    file adds them) but never overlap a recorded period with other terms."""
    name = source_name(source)
    if not isinstance(source, str) and not hasattr(source, "__fspath__"):
        raise BookError(E_("'prices' must be a path to a .toml or .json file."), field="prices")
    data = read_data(source, field="prices", error=BookError)  # type: ignore[arg-type]
    schedule = MilkPriceSchedule.from_dict(data)  # the file on its own is valid
    if schedule.currency.code != coop.currency:
        raise BookError(
            E_(
                "'currency' of the prices is %(code)s, the book's is %(currency)s.",
                code=schedule.currency.code,
                currency=coop.currency,
            ),
            field="currency",
            value=schedule.currency.code,
        )
    lock(conn, coop.coop_id)
    p = t.prices
    recorded = {
        r.valid_from: (r.valid_to, r.terms)
        for r in conn.execute(sa.select(p).where(p.c.coop_id == coop.coop_id))
    }
    problems: list[Problem] = []
    conflicts: list[Conflict] = []
    inserts = []
    already = 0
    for k, (period, raw) in enumerate(zip(schedule.terms, data["prices"], strict=True), start=1):
        text = dumps(raw)
        found = recorded.get(period.valid_from)
        if found is not None:
            if found[1] == text:
                already += 1
            else:
                conflicts.append(
                    Conflict(
                        line=k,
                        identity=(f"prices from {period.valid_from}",),
                        recorded={"terms": found[1]},
                        given={"terms": text},
                    )
                )
            continue
        for start, (end, _) in recorded.items():
            if start <= period.valid_to and end >= period.valid_from:
                problems.append(
                    Problem(
                        line=k,
                        field="prices",
                        message=E_(
                            "price period %(valid_from)s..%(valid_to)s overlaps the recorded "
                            "%(start)s..%(end)s.",
                            valid_from=period.valid_from,
                            valid_to=period.valid_to,
                            start=start,
                            end=end,
                        ),
                    )
                )
                break
        else:
            inserts.append(
                {
                    "valid_from": period.valid_from,
                    "valid_to": period.valid_to,
                    "terms": text,
                    "line": k,
                }
            )
    _refuse("prices", name, problems, conflicts)
    iid = record_import(conn, coop.coop_id, "prices", name, user, new=len(inserts), already=already)
    if inserts:
        conn.execute(
            p.insert(), [{"coop_id": coop.coop_id, "import_id": iid, **r} for r in inserts]
        )
    return ImportReport(kind="prices", source=name, new=len(inserts), already=already)


# --- loans ------------------------------------------------------------------------------------

_LOAN_OWN = ("id", "farmer", "plan", "checkoff")


def checkoff_due_dates(coop: Coop, terms_data: Mapping[str, Any]) -> dict[str, Any]:
    """The terms of a check-off loan with its due dates taken from the settlement calendar: each
    due date the terms give becomes the pay date of the settlement period containing it, so the
    installment is collected, and paid, on its due date.

    Terms that list ``due_dates`` (or a ``first_due``) keep them; :func:`import_loans` then
    refuses those not on pay dates.
    """
    data = dict(terms_data)
    if "due_dates" in data or "first_due" in data:
        return data
    dates = terms_from_dict(data).dates()
    data["due_dates"] = [coop.pay_date(coop.period_of(d)).isoformat() for d in dates]
    data.pop("installments", None)
    return data


class LinkedLoanRows(Protocol):
    """Loans of another kind in the loans file, checked and recorded with the others (the
    revenue-share loans of :mod:`coopfinance.book._linked_import`)."""

    def claims(self, item: Mapping[str, Any]) -> bool:
        """Whether the ``[[loan]]`` table is one of these loans."""

    def rows(
        self,
        conn: Connection,
        coop: Coop,
        items: list[tuple[int, Mapping[str, Any]]],
        *,
        others: list[dict[str, Any]],
        members: Mapping[str, Member],
        seen: dict[str, int],
        problems: list[Problem],
        conflicts: list[Conflict],
    ) -> tuple[list[dict[str, Any]], int]:
        """The rows to record for ``items`` and how many are already recorded."""

    def insert(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        """Record ``rows`` (``coop_id`` and ``import_id`` filled in)."""


def import_loans(
    conn: Connection,
    coop: Coop,
    source: Source,
    user: str,
    *,
    linked: LinkedLoanRows | None = None,
) -> ImportReport:
    """Loans from a TOML or JSON file of ``[[loan]]`` tables: ``id``, ``farmer``, optionally
    ``checkoff`` (default true: collected from the milk) and ``plan`` (a label), and the
    :class:`~coopfinance.LoanTerms` keys. A check-off loan takes its due dates from the
    settlement calendar (:func:`checkoff_due_dates`); one whose given due dates are not pay
    dates is refused. A table ``linked`` claims is checked and recorded by it, in the same pass
    and the same refusal (revenue-share loans: :mod:`coopfinance.book._linked_import`)."""
    name = source_name(source)
    if not isinstance(source, str) and not hasattr(source, "__fspath__"):
        raise BookError(E_("'loans' must be a path to a .toml or .json file."), field="loans")
    data = read_data(source, field="loans", error=BookError)  # type: ignore[arg-type]
    items = data.get("loan", data.get("loans")) if isinstance(data, Mapping) else None
    if not isinstance(items, list):
        raise BookError(E_("a loans file holds a list of [[loan]] tables."), field="loan")
    lock(conn, coop.coop_id)
    members = current_members(conn, coop.coop_id)
    lo = t.loans
    recorded = {
        r.loan_id: (r.farmer, r.checkoff, r.terms)
        for r in conn.execute(sa.select(lo).where(lo.c.coop_id == coop.coop_id))
    }
    problems: list[Problem] = []
    conflicts: list[Conflict] = []
    inserts: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    already = 0
    shared = []  # loans of another kind (issue 18 §1: revenue share), checked after the others
    for k, item in enumerate(items, start=1):
        if linked is not None and isinstance(item, Mapping) and linked.claims(item):
            shared.append((k, item))
            continue
        loan_id = str(item.get("id", "")).strip()
        farmer = str(item.get("farmer", "")).strip()
        checkoff = item.get("checkoff", True)
        if not loan_id or not farmer:
            problems.append(
                Problem(line=k, field="id", message=E_("a loan needs 'id' and 'farmer'."))
            )
            continue
        if loan_id in seen:
            problems.append(
                Problem(
                    line=k,
                    field="id",
                    message=E_(
                        "loan %(loan_id)s is also loan %(seen)s.",
                        loan_id=repr(loan_id),
                        seen=seen[loan_id],
                    ),
                )
            )
            continue
        seen[loan_id] = k
        if farmer not in members:
            problems.append(
                Problem(
                    line=k,
                    field="farmer",
                    message=E_("'farmer' %(farmer)s is not on the roster.", farmer=repr(farmer)),
                )
            )
            continue
        raw = {key: v for key, v in item.items() if key not in _LOAN_OWN}
        try:
            terms_data = checkoff_due_dates(coop, raw) if checkoff else raw
            terms = terms_from_dict(terms_data)
        except CoopFinanceError as exc:
            problems.append(
                Problem(
                    line=k,
                    field=exc.field or "terms",
                    message=E_("loan %(loan_id)s: %(exc)s", loan_id=repr(loan_id), exc=exc),
                )
            )
            continue
        if checkoff:
            for d in terms.dates():
                if not coop.is_pay_date(d):
                    pay = coop.pay_date(coop.period_of(d))
                    problems.append(
                        Problem(
                            line=k,
                            field="due_dates",
                            message=E_(
                                "loan %(loan_id)s is collected by check-off but falls due on %(d)s, "
                                "not a pay date (the settlement of its period is paid on %(pay)s); "
                                "leave out due_dates and first_due to take them from the calendar, or "
                                "set checkoff = false.",
                                loan_id=repr(loan_id),
                                d=d,
                                pay=pay,
                            ),
                        )
                    )
                    break
        text = dumps(terms_data)
        found = recorded.get(loan_id)
        if found is not None:
            if found == (farmer, bool(checkoff), text):
                already += 1
            else:
                conflicts.append(
                    Conflict(
                        line=k,
                        identity=(f"loan {loan_id}",),
                        recorded={"farmer": found[0], "checkoff": str(found[1]), "terms": found[2]},
                        given={"farmer": farmer, "checkoff": str(bool(checkoff)), "terms": text},
                    )
                )
            continue
        inserts.append(
            {
                "loan_id": loan_id,
                "farmer": farmer,
                "checkoff": bool(checkoff),
                "terms": text,
                "line": k,
            }
        )
    rs_inserts: list[dict[str, Any]] = []
    rs_already = 0
    if linked is not None:
        rs_inserts, rs_already = linked.rows(
            conn,
            coop,
            shared,
            others=inserts,
            members=members,
            seen=seen,
            problems=problems,
            conflicts=conflicts,
        )
    _refuse("loans", name, problems, conflicts)
    new, already = len(inserts) + len(rs_inserts), already + rs_already
    iid = record_import(conn, coop.coop_id, "loans", name, user, new=new, already=already)
    if inserts:
        conn.execute(
            lo.insert(), [{"coop_id": coop.coop_id, "import_id": iid, **r} for r in inserts]
        )
    if rs_inserts and linked is not None:
        linked.insert(conn, [{"coop_id": coop.coop_id, "import_id": iid, **r} for r in rs_inserts])
    return ImportReport(kind="loans", source=name, new=new, already=already)


# --- cash payments ----------------------------------------------------------------------------


def event_row(event: Payment) -> tuple[str, Decimal | None]:
    """A servicing event as stored: its JSON and its amount."""
    return json.loads(events_to_json((event,), indent=None))[0], event.amount


def import_payments(conn: Connection, coop: Coop, source: Source, user: str) -> ImportReport:
    """Cash payments: ``loan_id``, ``date``, ``amount``, ``receipt`` (the receipt number, the
    payment's identity) and optionally ``channel`` (default ``cash``). A receipt already recorded
    is not posted again."""
    name = source_name(source)
    lock(conn, coop.coop_id)
    lo, ev = t.loans, t.loan_events
    loans = {
        r.loan_id: terms_from_dict(json.loads(r.terms)).disbursed
        for r in conn.execute(
            sa.select(lo.c.loan_id, lo.c.terms).where(lo.c.coop_id == coop.coop_id)
        )
    }
    recorded = {
        r.event_id: (r.loan_id, r.event)
        for r in conn.execute(
            sa.select(ev.c.event_id, ev.c.loan_id, ev.c.event).where(ev.c.coop_id == coop.coop_id)
        )
    }
    problems: list[Problem] = []
    conflicts: list[Conflict] = []
    inserts: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    already = 0
    with csv_rows(source, "payments", ("loan_id", "date", "amount", "receipt"), ("channel",)) as (
        rows,
        bad,
    ):
        for line, row in rows:
            loan, receipt = row["loan_id"], row["receipt"]
            if not receipt:
                problems.append(
                    Problem(line=line, field="receipt", message=E_("'receipt' is blank."))
                )
                continue
            if receipt in seen:
                problems.append(
                    Problem(
                        line=line,
                        field="receipt",
                        message=E_(
                            "receipt %(receipt)s is also on line %(seen)s.",
                            receipt=repr(receipt),
                            seen=seen[receipt],
                        ),
                    )
                )
                continue
            seen[receipt] = line
            if loan not in loans:
                problems.append(
                    Problem(
                        line=line,
                        field="loan_id",
                        message=E_("'loan_id' %(loan)s is not in the book.", loan=repr(loan)),
                    )
                )
                continue
            try:
                payment = Payment(
                    date=row["date"],
                    amount=row["amount"],
                    id=receipt,
                    channel=row.get("channel") or "cash",
                )
            except CoopFinanceError as exc:
                problems.append(Problem(line=line, field=exc.field or "payment", message=str(exc)))
                continue
            if payment.amount <= 0:
                problems.append(
                    Problem(
                        line=line,
                        field="amount",
                        message=E_(
                            "'amount' must be positive (got %(amount)s).", amount=payment.amount
                        ),
                    )
                )
                continue
            if payment.date < loans[loan]:
                problems.append(
                    Problem(
                        line=line,
                        field="date",
                        message=E_(
                            "'date' %(date)s is before the loan's disbursement on %(loans)s.",
                            date=payment.date,
                            loans=loans[loan],
                        ),
                    )
                )
                continue
            data, amount = event_row(payment)
            text = dumps(data)
            found = recorded.get(receipt)
            if found is not None:
                if found == (loan, text):
                    already += 1
                else:
                    conflicts.append(
                        Conflict(
                            line=line,
                            identity=(f"receipt {receipt}",),
                            recorded={"payment": f"{found[0]} {found[1]}"},
                            given={"payment": f"{loan} {text}"},
                        )
                    )
                continue
            inserts.append(
                {
                    "loan_id": loan,
                    "event_id": receipt,
                    "date": payment.date,
                    "amount": amount,
                    "event": text,
                    "line": line,
                }
            )
        problems.extend(bad)
    _refuse("payments", name, problems, conflicts)
    iid = record_import(
        conn, coop.coop_id, "payments", name, user, new=len(inserts), already=already
    )
    if inserts:
        conn.execute(
            ev.insert(), [{"coop_id": coop.coop_id, "import_id": iid, **r} for r in inserts]
        )
    return ImportReport(kind="payments", source=name, new=len(inserts), already=already)


def events_of(text: str) -> Any:
    """A stored event back as its servicing value."""
    return events_from_json(f"[{text}]")[0]


# --- other obligations ------------------------------------------------------------------------


def import_obligations(conn: Connection, coop: Coop, source: Source, user: str) -> ImportReport:
    """Other obligations (inputs on credit, savings, contributions): ``farmer``, ``kind``,
    ``amount``, ``due`` and optionally ``reference``, ``priority``. Identity: farmer, kind, due
    and reference. Each is settled in the period containing ``due``; loan installments come from
    the loans, not from this file."""
    name = source_name(source)
    lock(conn, coop.coop_id)
    members = current_members(conn, coop.coop_id)
    closed = closed_through(conn, coop.coop_id)
    ob = t.obligations
    recorded = {
        (r.farmer, r.kind, r.due, r.reference): (canonical(r.amount), r.priority)
        for r in conn.execute(sa.select(ob).where(ob.c.coop_id == coop.coop_id))
    }
    problems: list[Problem] = []
    conflicts: list[Conflict] = []
    inserts: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, dt.date, str], int] = {}
    already = 0
    with csv_rows(
        source, "obligations", ("farmer", "kind", "amount", "due"), ("reference", "priority")
    ) as (rows, bad):
        for line, row in rows:
            try:
                o = Obligation(
                    farmer=row["farmer"],
                    kind=row["kind"],
                    amount=row["amount"],
                    due=row["due"] or None,
                    reference=row.get("reference", ""),
                    priority=row.get("priority") or None,
                )
            except CoopFinanceError as exc:
                problems.append(
                    Problem(line=line, field=exc.field or "obligation", message=str(exc))
                )
                continue
            if o.kind is ObligationKind.LOAN_INSTALLMENT:
                problems.append(
                    Problem(
                        line=line,
                        field="kind",
                        message=E_("loan installments come from the loans file."),
                    )
                )
                continue
            if o.due is None:
                problems.append(Problem(line=line, field="due", message=E_("'due' is blank.")))
                continue
            member = members.get(o.farmer)
            if member is None or not member.on_roster(o.due):
                problems.append(
                    Problem(
                        line=line,
                        field="farmer",
                        message=E_(
                            "'farmer' %(farmer)s is not on the roster on %(due)s.",
                            farmer=repr(o.farmer),
                            due=o.due,
                        ),
                    )
                )
                continue
            if closed is not None and o.due <= closed:
                problems.append(
                    Problem(
                        line=line,
                        field="due",
                        message=E_(
                            "'due' %(due)s is in a closed period (closed through %(closed)s).",
                            due=o.due,
                            closed=closed,
                        ),
                    )
                )
                continue
            key = (o.farmer, o.kind.value, o.due, o.reference)
            if key in seen:
                problems.append(
                    Problem(
                        line=line,
                        field="obligation",
                        message=E_("the same obligation is on line %(seen)s.", seen=seen[key]),
                    )
                )
                continue
            seen[key] = line
            found = recorded.get(key)
            if found is not None:
                if found == (canonical(o.amount), o.priority):
                    already += 1
                else:
                    conflicts.append(
                        Conflict(
                            line=line,
                            identity=tuple(map(str, key)),
                            recorded={"amount": found[0]},
                            given={"amount": canonical(o.amount)},
                        )
                    )
                continue
            inserts.append(
                {
                    "farmer": o.farmer,
                    "kind": o.kind.value,
                    "amount": o.amount,
                    "due": o.due,
                    "reference": o.reference,
                    "priority": o.priority,
                    "line": line,
                }
            )
        problems.extend(bad)
    _refuse("obligations", name, problems, conflicts)
    iid = record_import(
        conn, coop.coop_id, "obligations", name, user, new=len(inserts), already=already
    )
    if inserts:
        conn.execute(
            ob.insert(), [{"coop_id": coop.coop_id, "import_id": iid, **r} for r in inserts]
        )
    return ImportReport(kind="obligations", source=name, new=len(inserts), already=already)
