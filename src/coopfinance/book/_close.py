"""Closing a settlement period: settle from the book, post the check-off payments on the pay date,
freeze the result.

``close(period)`` settles every delivery recorded in the period (the latest version of each
identity) against the prices recorded for it, with these obligations:

1. what the previous closed settlement left short (arrears carried, as
   :meth:`Settlement.carried` says; loan installments excepted, the loan account carries those);
2. adjustments: a correction recorded after its period was closed changes that period's milk
   value by ``round(litres' × price') − round(litres × price)``; a decrease is collected first (a
   service-charge line, reference ``adjustment …``), an increase is paid with the net (an
   ``adjustment`` line of the farmer's statement);
3. the other obligations recorded as due in the period;
4. for each loan collected by check-off, everything due and unpaid on the **pay date** of the
   period (:func:`~coopfinance.dairy.loan_obligations` with ``pay_date``), except the loans of a
   farmer whose exit liquidación is recorded (what they still owe is a receivable collected in
   cash or written off, issue 17).

What is collected for a loan is posted to its account as a payment **dated the pay date**
(:func:`~coopfinance.dairy.loan_payments` with ``pay_date``, channel ``milk``), so an
installment falling due on the pay date is paid on time. The
settlement's lines are stored as data and never recomputed.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, overload

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coopfinance.book import _schema as t
from coopfinance.book._common import (
    Coop,
    closed_through,
    current_members,
    dumps,
    lock,
    price_rows,
    price_schedule,
    record_import,
)
from coopfinance.book._compat import Currency, policy_from_dict, policy_to_dict, terms_from_dict
from coopfinance.book._errors import WrongPeriod
from coopfinance.book._groups import apply_at_close as apply_group_guarantees
from coopfinance.book._imports import event_row, events_of
from coopfinance.book._ledger_schema import liquidations
from coopfinance.book._linked import close_obligations as linked_obligations
from coopfinance.book._store import bulk_insert
from coopfinance.book._totals import milk_totals
from coopfinance.book._types import Exact, canonical
from coopfinance.dairy import (
    Collection,
    Delivery,
    FarmerSettlement,
    MilkPriceSchedule,
    MilkTotal,
    Obligation,
    ObligationKind,
    Period,
    Quality,
    Settlement,
    SettlementPolicy,
    loan_obligations,
    loan_payments,
    settle,
    settle_totals,
    summarize,
)
from coopfinance.dairy._deliveries import FIELDS, QUALITY_FIELDS
from coopfinance.errors import E_, InvalidSettlement
from coopfinance.linked import GroupGuarantee
from coopfinance.servicing import LoanAccount, Payment

__all__ = [
    "Adjustment",
    "Closing",
    "accounts",
    "close",
    "deliveries_in",
    "frozen_settlement",
    "open_period",
]

ADJUSTMENT = "adjustment"


@attrs.frozen(slots=True, kw_only=True)
class Adjustment:
    """A change to a closed period's milk value, settled in a later period: ``amount`` is what the
    farmer is owed (negative: what the farmer owes back)."""

    farmer: str
    amount: Decimal
    reference: str
    correction_id: int


@attrs.frozen(slots=True, kw_only=True)
class Closing:
    """A closed period: its frozen settlement, the pay date, the check-off payments posted (by loan
    id), the adjustments of earlier periods it settled and the solidarity groups' guarantees it
    applied (:mod:`coopfinance.book._groups`)."""

    period: Period
    pay_date: dt.date
    settlement: Settlement
    payments: dict[str, tuple[Payment, ...]]
    adjustments: tuple[Adjustment, ...]
    guarantees: tuple[GroupGuarantee, ...] = ()

    def payable(self, farmer: str) -> Decimal:
        """What the farmer is paid on the pay date: the statement's net plus the increases of
        earlier periods' milk value settled now, less what the farmer's milk paid for a fellow
        group member's loan (their group's guarantee)."""
        extra = sum(
            (a.amount for a in self.adjustments if a.farmer == farmer and a.amount > 0), Decimal(0)
        )
        guaranteed = sum((g.paid_by(farmer) for g in self.guarantees), Decimal(0))
        return self.settlement.statement(farmer).net + extra - guaranteed


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def open_period(conn: Connection, coop: Coop) -> Period | None:
    """The first period not closed: after the last closed one, or the period of the earliest
    delivery when nothing is closed (``None``: nothing recorded)."""
    closed = closed_through(conn, coop.coop_id)
    if closed is not None:
        return coop.next_period(coop.period_of(closed))
    d = t.deliveries
    first = conn.execute(
        sa.select(sa.func.min(d.c.date)).where(d.c.coop_id == coop.coop_id)
    ).scalar()
    return None if first is None else coop.period_of(_date(first))


def _delivery(r: Any, qualities: dict[tuple[Any, ...], Quality] | None = None) -> Delivery:
    """A recorded delivery row as a :class:`Delivery` (validated, for rows of unknown origin)."""
    quality = None
    names = _quality_names()
    sample = tuple(getattr(r, k) for k in names)
    if any(v is not None for v in sample):
        quality = qualities.get(sample) if qualities is not None else None
        if quality is None:
            quality = Quality(
                **{
                    k: bool(v) if k in _BOOLEAN else v
                    for k, v in zip(names, sample, strict=True)
                    if v is not None or k in _BOOLEAN
                }
            )
            if qualities is not None:
                qualities[sample] = quality
    return Delivery(
        farmer=r.farmer,
        date=r.date,
        litres=r.litres,
        quality=quality,
        route=r.route,
        shift=r.shift,
        receipt=r.receipt,
    )


def _delivery_columns() -> tuple[str, ...]:
    """The delivery fields the book stores, in the dairy's order (``dairy._deliveries.FIELDS``:
    one list; a quality column the schema gains is read without another edit here)."""
    return tuple(k for k in FIELDS if k in t.deliveries.c)


def _quality_names() -> tuple[str, ...]:
    return tuple(k for k in QUALITY_FIELDS if k in t.deliveries.c)


_BOOLEAN = frozenset(
    k
    for k in QUALITY_FIELDS
    if k in t.deliveries.c and isinstance(t.deliveries.c[k].type, sa.Boolean)
)
"""Quality fields stored as booleans (``cooled``): ``NULL`` reads as ``False``, as ``Quality``'s
default."""


def deliveries_in(
    conn: Connection, coop: str, period: Period, *, up_to_import: int | None = None
) -> list[Delivery]:
    """The deliveries of ``period``: the latest version of each identity (recorded by the import
    ``up_to_import`` or earlier, when given), by farmer, date and shift.

    Every version of the period is read in identity order and the last of each kept (corrections
    are few: one pass, no correlated subquery for the planner to get wrong).

    The fast path (issue 16, the close of 20,000 farmers): the rows were checked when imported, so
    each is built as :meth:`Delivery.trusted` builds it from the driver's raw values (no
    re-validation);
    litres, samples and dates repeat, so each distinct raw value is converted once
    (:func:`_Raw`). ``tests/book/test_book_fast_path.py`` checks the result equals
    :func:`_delivery` of every row."""
    d = t.deliveries
    mine = [d.c.coop_id == coop, d.c.date >= period.start, d.c.date <= period.end]
    if up_to_import is not None:
        mine.append(d.c.import_id <= up_to_import)
    names = _delivery_columns()
    query = (
        sa.select(*(d.c[k] for k in names))
        .where(*mine)
        .order_by(d.c.farmer, d.c.date, d.c.shift, d.c.version)
    )
    raw = _Raw()
    out: list[Delivery] = []
    append = out.append
    last: tuple[Any, ...] | None = None
    new = object.__new__
    put_farmer, put_date, put_litres, put_quality, put_route, put_shift, put_receipt = _SLOTS
    at = {k: i for i, k in enumerate(names)}
    of_quality = _quality_names()
    sample_of = _tuple_getter([at[k] for k in of_quality])
    fields = operator.itemgetter(*(at[k] for k in _DELIVERY_SLOTS))
    qualities: dict[tuple[Any, ...], Quality | None] = {(None,) * len(of_quality): None}
    dates: dict[Any, dt.date] = {}
    numbers = raw.numbers
    for row in raw.rows(conn, query):
        farmer, day, litres, route, shift, receipt = fields(row)
        sample = sample_of(row)
        quality = qualities.get(sample, _MISSING)
        if quality is _MISSING:
            quality = qualities[sample] = raw.quality(of_quality, sample)
        when = dates.get(day)
        if when is None:
            when = dates[day] = raw.date(day)
        amount = numbers.get(litres)
        if amount is None:
            amount = raw.number(litres)
        made = new(Delivery)  # Delivery.trusted, inlined: the slots set directly
        put_farmer(made, farmer)
        put_date(made, when)
        put_litres(made, amount)
        put_quality(made, quality)
        put_route(made, route)
        put_shift(made, shift)
        put_receipt(made, receipt)
        key = (farmer, day, shift)
        if key == last:
            out[-1] = made
        else:
            append(made)
        last = key
    return out


def _tuple_getter(indices: list[int]) -> Callable[[Any], tuple[Any, ...]]:
    """``row → tuple(row[i] for i in indices)``, in C (``itemgetter`` of one index gives a value,
    not a tuple)."""
    if len(indices) == 1:
        only = indices[0]
        return lambda row: (row[only],)
    return operator.itemgetter(*indices)


_DELIVERY_SLOTS = ("farmer", "date", "litres", "route", "shift", "receipt")
"""The delivery fields read as they are (the quality sample is built from the others)."""


_SLOT_NAMES = ("farmer", "date", "litres", "quality", "route", "shift", "receipt")
_SLOTS: tuple[Any, ...] = tuple(vars(Delivery)[k].__set__ for k in _SLOT_NAMES)
"""The setters of :class:`Delivery`'s slots (what :meth:`Delivery.trusted` does, without a call
per row); ``tests/book/test_book_fast_path.py`` checks these are all of its fields and that the
deliveries equal validated ones."""


_MISSING: Any = object()


class _Raw:
    """Driver values of delivery rows as the book's types, each distinct value converted once.

    The columns come straight from the driver, past SQLAlchemy's per-row type processing: on
    SQLite as text (exact decimals, ISO dates), on PostgreSQL as ``Decimal`` and ``date``; both
    end as :class:`~coopfinance.book._types.Exact` reads them (canonical decimals).
    """

    def __init__(self) -> None:
        self.numbers: dict[Any, Decimal] = {}
        self._dates: dict[Any, dt.date] = {}
        self._qualities: dict[tuple[Any, ...], Quality] = {}

    def rows(self, conn: Connection, query: Any) -> Any:
        """The rows of ``query``, compiled with its (few, simple) values inline and read from the
        driver's cursor, so no per-row result processing happens."""
        sql = query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
        cursor: Any = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(str(sql))
        return cursor

    def number(self, value: Any) -> Decimal:
        """A stored decimal as the book reads it back: canonical (``32.50`` is ``32.5``)."""
        found = self.numbers.get(value)
        if found is None:
            found = self.numbers[value] = Decimal(canonical(Decimal(value)))
        return found

    def date(self, value: Any) -> dt.date:
        if isinstance(value, dt.date):
            return value
        found = self._dates.get(value)
        if found is None:
            found = self._dates[value] = dt.date.fromisoformat(value)
        return found

    def quality(self, names: tuple[str, ...], sample: tuple[Any, ...]) -> Quality:
        """The :class:`Quality` of a stored sample (``names``: its fields, in order)."""
        found = self._qualities.get(sample)
        if found is None:
            given: dict[str, Any] = {}
            for k, v in zip(names, sample, strict=True):
                if k in _BOOLEAN:
                    given[k] = bool(v)
                elif v is not None:
                    given[k] = self.number(v) if _is_exact(k) else int(v)
            found = self._qualities[sample] = Quality(**given)
        return found


def _is_exact(name: str) -> bool:
    return isinstance(t.deliveries.c[name].type, Exact)


def accounts(
    conn: Connection, coop: str, *, checkoff_only: bool = False, loan_id: str | None = None
) -> dict[str, tuple[str, LoanAccount]]:
    """The loan accounts with every event recorded: ``{loan id: (farmer, account)}``."""
    lo, ev = t.loans, t.loan_events
    q = sa.select(lo).where(lo.c.coop_id == coop)
    if checkoff_only:
        q = q.where(lo.c.checkoff.is_(True))
    if loan_id is not None:
        q = q.where(lo.c.loan_id == loan_id)
    loans = {r.loan_id: (r.farmer, terms_from_dict(json.loads(r.terms))) for r in conn.execute(q)}
    events: dict[str, list[Any]] = defaultdict(list)
    eq = sa.select(ev.c.loan_id, ev.c.event).where(ev.c.coop_id == coop).order_by(ev.c.id)
    if loan_id is not None:
        eq = eq.where(ev.c.loan_id == loan_id)
    for r in conn.execute(eq):
        if r.loan_id in loans:
            events[r.loan_id].append(events_of(r.event))
    return {
        k: (farmer, LoanAccount(terms=terms, events=events[k], id=k))
        for k, (farmer, terms) in loans.items()
    }


def frozen_settlement(
    conn: Connection, coop: Coop, period_start: dt.date, *, with_deliveries: bool = False
) -> tuple[Settlement, dt.date, tuple[Adjustment, ...]]:
    """A closed period's settlement as it was frozen, its pay date and its adjustment lines."""
    st = t.settlements
    head = conn.execute(
        sa.select(st).where(st.c.coop_id == coop.coop_id, st.c.period_start == period_start)
    ).first()
    if head is None:
        raise WrongPeriod(
            E_("the period starting %(period_start)s is not closed.", period_start=period_start),
            field="period",
            value=period_start,
        )
    currency = Currency.of(head.currency)
    unit = currency.unit
    policy = policy_from_dict(json.loads(head.policy))
    period = Period(start=head.period_start, end=head.period_end)
    sf, sl = t.settlement_farmers, t.settlement_lines
    lines: dict[str, list[Any]] = defaultdict(list)
    for r in conn.execute(
        sa.select(sl)
        .where(sl.c.coop_id == coop.coop_id, sl.c.period_start == period_start)
        .order_by(sl.c.farmer, sl.c.seq)
    ):
        lines[r.farmer].append(r)
    adjustments: list[Adjustment] = []
    statements = []
    for r in conn.execute(
        sa.select(sf)
        .where(sf.c.coop_id == coop.coop_id, sf.c.period_start == period_start)
        .order_by(sf.c.id)
    ):
        collections = []
        for line in lines.get(r.farmer, []):
            if line.kind == ADJUSTMENT:
                adjustments.append(
                    Adjustment(
                        farmer=r.farmer,
                        amount=line.due.quantize(unit),
                        reference=line.reference,
                        correction_id=line.correction_id,
                    )
                )
                continue
            if line.correction_id is not None:
                adjustments.append(
                    Adjustment(
                        farmer=r.farmer,
                        amount=-line.due.quantize(unit),
                        reference=line.reference,
                        correction_id=line.correction_id,
                    )
                )
            ob = Obligation(
                farmer=r.farmer,
                kind=line.kind,
                amount=line.due.quantize(unit),
                loan_id=line.loan_id,
                reference=line.reference,
                priority=line.priority,
                due=line.due_date,
            )
            collections.append(
                Collection(
                    obligation=ob,
                    collected=line.collected.quantize(unit),
                    short=line.short.quantize(unit),
                )
            )
        statements.append(
            FarmerSettlement(
                farmer=r.farmer,
                period=period,
                litres=r.litres,
                gross=r.gross.quantize(unit),
                floor=r.floor.quantize(unit),
                collections=tuple(collections),
            )
        )
    frozen = tuple(statements)
    extra: dict[str, Any] = {}
    if with_deliveries:
        extra["deliveries"] = tuple(
            deliveries_in(conn, coop.coop_id, period, up_to_import=head.import_id)
        )
        extra["prices"] = price_schedule(price_rows(conn, coop.coop_id), head.currency, period)
    settlement = Settlement(
        period=period,
        currency=currency,
        statements=frozen,
        summary=summarize(period, frozen, policy),
        policy=policy,
        **extra,
    )
    return settlement, head.pay_date, tuple(adjustments)


def _value(d: Delivery | None, prices: MilkPriceSchedule, unit: Decimal) -> Decimal:
    if d is None:
        return Decimal(0)
    return (d.litres * prices.price(d.date, d.quality)).quantize(unit, rounding=ROUND_HALF_UP)


def _adjustments(conn: Connection, coop: Coop, closed: dt.date, unit: Decimal) -> list[Adjustment]:
    """Corrections of closed periods' deliveries recorded after those periods closed and not yet
    settled."""
    d, prev, st, sl = t.deliveries, t.deliveries.alias("prev"), t.settlements, t.settlement_lines
    closing_import = (
        sa.select(st.c.import_id)
        .where(
            st.c.coop_id == d.c.coop_id, st.c.period_start <= d.c.date, st.c.period_end >= d.c.date
        )
        .scalar_subquery()
    )
    settled = sa.exists().where(sl.c.coop_id == d.c.coop_id, sl.c.correction_id == d.c.id)
    rows = conn.execute(
        sa.select(
            d,
            *(prev.c[k].label(f"prev_{k}") for k in _delivery_columns()),
        )
        .select_from(d.outerjoin(prev, prev.c.id == d.c.corrects))
        .where(
            d.c.coop_id == coop.coop_id,
            d.c.date <= closed,
            d.c.reason.is_not(None),
            d.c.import_id > closing_import,
            ~settled,
        )
        .order_by(d.c.id)
    ).all()
    out = []
    rows_by_price = price_rows(conn, coop.coop_id)
    for r in rows:
        period = coop.period_of(r.date)
        prices = price_schedule(rows_by_price, coop.currency, period)
        before = None
        if r.corrects is not None:
            before = _delivery(_Prev(r))
        delta = _value(_delivery(r), prices, unit) - _value(before, prices, unit)
        if delta:
            ref = f"adjustment {r.date} {r.shift or ''}".rstrip() + f": {r.reason}"
            out.append(Adjustment(farmer=r.farmer, amount=delta, reference=ref, correction_id=r.id))
    return out


class _Prev:
    """The ``prev_`` columns of a row, as a delivery row."""

    def __init__(self, row: Any) -> None:
        for k in _delivery_columns():
            setattr(self, k, getattr(row, f"prev_{k}"))


def close(
    conn: Connection,
    coop: Coop,
    period: Period | None,
    user: str,
    *,
    progress: Progress | None = None,
    fast: bool = True,
    grouped: bool = True,
) -> Closing:
    """Close ``period`` (default: the first open one); see the module docstring.

    ``progress(done, total)``, when given, is called as the frozen statements are stored, every
    ``_CHUNK`` farmers (``total``: the farmers of the settlement), and once with
    ``done == total`` when the period is closed (its transaction still to commit). ``fast=False``
    stores through SQLAlchemy instead of the driver (the reference of the fast path's test).
    The milk is summed by the database (:func:`~coopfinance.book._totals.milk_totals`) and
    settled with :func:`~coopfinance.dairy.settle_totals`; where those sums would not be exact,
    or with ``grouped=False`` (the reference of that path's test), every delivery is read and
    settled with :func:`~coopfinance.dairy.settle`. Either way the closing's settlement carries
    no deliveries (:meth:`Book.settlement` reads them for a liquidación)."""
    lock(conn, coop.coop_id)
    first_open = open_period(conn, coop)
    closed = closed_through(conn, coop.coop_id)
    if period is None:
        if first_open is None:
            raise WrongPeriod(
                E_("there is nothing to close: no delivery is recorded."), field="period"
            )
        period = first_open
    if coop.period_of(period.start) != period:
        raise WrongPeriod(
            E_(
                "%(period)s is not a settlement period of the book's calendar (the "
                "period of %(start)s is %(period_of_start)s).",
                period=period,
                start=period.start,
                period_of_start=coop.period_of(period.start),
            ),
            field="period",
            value=str(period),
        )
    if closed is not None and period.end <= closed:
        raise WrongPeriod(
            E_(
                "%(period)s is already closed; a closed settlement is never recomputed "
                "(a correction is settled in the next open period).",
                period=period,
            ),
            field="period",
            value=str(period),
        )
    if first_open is not None and period.start > first_open.start:
        raise WrongPeriod(
            E_(
                "%(period)s cannot close before %(first_open)s: periods close in order.",
                period=period,
                first_open=first_open,
            ),
            field="period",
            value=str(period),
        )
    currency = Currency.of(coop.currency)
    unit = currency.unit
    pay = coop.pay_date(period)
    prices = price_schedule(price_rows(conn, coop.coop_id), coop.currency, period)
    totals = milk_totals(conn, coop.coop_id, period, prices) if grouped else None
    milk: Sequence[Delivery] = (
        _Lazy(conn, coop.coop_id, period)
        if totals is not None
        else deliveries_in(conn, coop.coop_id, period)
    )
    obligations: list[Obligation] = []
    if closed is not None:
        previous, _, _ = frozen_settlement(conn, coop, coop.period_of(closed).start)
        # a member's final liquidación already netted what they owed: it is not carried again
        settled = {
            str(farmer)
            for (farmer,) in conn.execute(
                sa.select(liquidations.c.farmer).where(
                    liquidations.c.coop_id == coop.coop_id, liquidations.c.date <= period.end
                )
            )
        }
        obligations.extend(
            ob
            for ob in previous.carried(coop.policy)
            if ob.kind is not ObligationKind.LOAN_INSTALLMENT and ob.farmer not in settled
        )
    adjustments = _adjustments(conn, coop, closed, unit) if closed is not None else []
    by_reference: dict[tuple[str, str], int] = {}
    for a in adjustments:
        if a.amount < 0:
            obligations.append(
                Obligation(
                    farmer=a.farmer,
                    kind=ObligationKind.SERVICE_CHARGE,
                    amount=-a.amount,
                    reference=a.reference,
                    priority=0,
                )
            )
            by_reference[(a.farmer, a.reference)] = a.correction_id
    ob = t.obligations
    for r in conn.execute(
        sa.select(ob)
        .where(ob.c.coop_id == coop.coop_id, ob.c.due >= period.start, ob.c.due <= period.end)
        .order_by(ob.c.id)
    ):
        obligations.append(
            Obligation(
                farmer=r.farmer,
                kind=r.kind,
                amount=r.amount.quantize(unit),
                due=r.due,
                reference=r.reference,
                priority=r.priority,
            )
        )
    loans = accounts(conn, coop.coop_id, checkoff_only=True)
    # a leaver's loans were netted at the liquidación: what stays owed is a receivable collected
    # in cash (or written off), no longer by check-off from milk the leaver no longer delivers
    liquidated = {
        str(farmer)
        for (farmer,) in conn.execute(
            sa.select(liquidations.c.farmer).where(liquidations.c.coop_id == coop.coop_id)
        )
    }
    by_farmer: dict[str, list[LoanAccount]] = defaultdict(list)
    for farmer, account in loans.values():
        if farmer not in liquidated:
            by_farmer[farmer].append(account)
    obligations.extend(loan_obligations(by_farmer, period, pay_date=pay))
    obligations.extend(linked_obligations(conn, coop, period, milk, prices))  # issue 18
    members = current_members(conn, coop.coop_id)
    farmers = sorted(
        {f for f, m in members.items() if m.on_roster(period.start) or m.on_roster(period.end)}
        | ({m.farmer for m in totals} if totals is not None else {d.farmer for d in milk})
        | {o.farmer for o in obligations}
        | {a.farmer for a in adjustments}
    )
    settlement = _settle(
        totals,
        milk,
        prices,
        period=period,
        obligations=obligations,
        policy=coop.policy,
        farmers=farmers,
    )
    payments = {k: tuple(v) for k, v in loan_payments(settlement, pay_date=pay).items()}
    iid = record_import(
        conn, coop.coop_id, "close", str(period), user, new=len(settlement.statements), already=0
    )
    conn.execute(
        t.settlements.insert().values(
            coop_id=coop.coop_id,
            period_start=period.start,
            period_end=period.end,
            pay_date=pay,
            currency=coop.currency,
            policy=dumps(policy_to_dict(coop.policy)),
            import_id=iid,
        )
    )
    _store(conn, coop.coop_id, settlement, adjustments, by_reference, progress=progress, fast=fast)
    events = []
    for loan_id, posted in payments.items():
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
                    "import_id": iid,
                    "line": 0,
                }
            )
    if events:
        conn.execute(t.loan_events.insert(), events)
    guarantees = apply_group_guarantees(conn, coop, settlement, pay, iid)  # issue 18 §2
    if progress is not None:
        progress(len(settlement.statements), len(settlement.statements))
    return Closing(
        period=period,
        pay_date=pay,
        settlement=attrs.evolve(settlement, deliveries=()),
        payments=payments,
        adjustments=tuple(adjustments),
        guarantees=guarantees,
    )


def _settle(
    totals: list[MilkTotal] | None,
    milk: Sequence[Delivery],
    prices: MilkPriceSchedule,
    *,
    period: Period,
    obligations: list[Obligation],
    policy: SettlementPolicy,
    farmers: list[str],
) -> Settlement:
    """The close's settlement: from the database's totals when it gave them, else from every
    delivery (one per-farmer step either way: :func:`~coopfinance.dairy.settle_totals`)."""
    if totals is not None:
        try:
            return settle_totals(totals, prices, period, obligations, policy, farmers=farmers)
        except InvalidSettlement as exc:
            if exc.field != "totals":
                raise
            milk = list(milk)  # a sum too long to be exact as totals: the deliveries' plain loop
    return settle(milk, prices, period, obligations, policy, farmers=farmers)


class _Lazy(Sequence[Delivery]):
    """The period's deliveries, read (:func:`deliveries_in`) only if something iterates them: the
    close settles from totals, and only a revenue-share loan's due (issue 18) looks at them."""

    def __init__(self, conn: Connection, coop: str, period: Period) -> None:
        self._args = (conn, coop, period)
        self._rows: list[Delivery] | None = None

    def _read(self) -> list[Delivery]:
        if self._rows is None:
            self._rows = deliveries_in(*self._args)
        return self._rows

    def __len__(self) -> int:
        return len(self._read())

    @overload
    def __getitem__(self, index: int) -> Delivery: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Delivery]: ...
    def __getitem__(self, index: int | slice) -> Delivery | Sequence[Delivery]:
        return self._read()[index]

    def __iter__(self) -> Iterator[Delivery]:
        return iter(self._read())


_FARMER_COLUMNS = ("coop_id", "period_start", "farmer", "litres", "gross", "floor")
_LINE_COLUMNS = (
    "coop_id",
    "period_start",
    "farmer",
    "seq",
    "kind",
    "loan_id",
    "reference",
    "priority",
    "due_date",
    "due",
    "collected",
    "short",
    "correction_id",
)
_CHUNK = 5000
"""Farmers stored per step of the close (and per call of its ``progress``)."""

Progress = Callable[[int, int], object]
"""``progress(done, total)``: called by :func:`close` as it goes (see there)."""


def _store(
    conn: Connection,
    coop: str,
    settlement: Settlement,
    adjustments: Iterable[Adjustment],
    by_reference: dict[tuple[str, str], int],
    *,
    progress: Progress | None = None,
    fast: bool = True,
) -> None:
    """Freeze the settlement's statements and lines, ``_CHUNK`` farmers at a time, written
    through the driver (:func:`~coopfinance.book._store.bulk_insert`; ``fast=False``: through
    SQLAlchemy, the reference the fast path is tested against)."""
    start = settlement.period.start
    credits: dict[str, list[Adjustment]] = defaultdict(list)
    for a in adjustments:
        if a.amount > 0:
            credits[a.farmer].append(a)
    statements = settlement.statements
    total = len(statements)
    zero = Decimal(0)
    for first in range(0, total, _CHUNK):
        farmers: list[tuple[Any, ...]] = []
        lines: list[tuple[Any, ...]] = []
        for s in statements[first : first + _CHUNK]:
            farmer = s.farmer
            farmers.append((coop, start, farmer, s.litres, s.gross, s.floor))
            seq = 0
            for seq, c in enumerate(s.collections, start=1):
                o = c.obligation
                lines.append(
                    (
                        coop,
                        start,
                        farmer,
                        seq,
                        o.kind.value,
                        o.loan_id,
                        o.reference,
                        o.priority,
                        o.due,
                        c.collected + c.short,  # Collection.due
                        c.collected,
                        c.short,
                        by_reference.get((farmer, o.reference)) if by_reference else None,
                    )
                )
            for k, a in enumerate(credits.get(farmer, ()), start=seq + 1):
                lines.append(
                    (
                        coop,
                        start,
                        farmer,
                        k,
                        ADJUSTMENT,
                        None,
                        a.reference,
                        None,
                        None,
                        a.amount,
                        zero,
                        zero,
                        a.correction_id,
                    )
                )
        bulk_insert(conn, t.settlement_farmers, _FARMER_COLUMNS, farmers, fast=fast)
        bulk_insert(conn, t.settlement_lines, _LINE_COLUMNS, lines, fast=fast)
        if progress is not None and first + _CHUNK < total:
            progress(first + _CHUNK, total)
