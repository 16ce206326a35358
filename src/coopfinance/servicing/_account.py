"""A loan account: the contract plus its events; :mod:`._replay` replays them into the state on
any date (the rules are there), :mod:`._figures` computes the portfolio figures fast."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Sequence

import attrs

from coopfinance._decimal import CONTEXT, ZERO, exact
from coopfinance._schedule import Schedule
from coopfinance._terms import LoanTerms
from coopfinance.errors import E_, InvalidEvent, InvalidValue, WrongType
from coopfinance.servicing._events import (
    ChargeApplied,
    Disbursement,
    Event,
    Payment,
    Prepayment,
    Recovery,
    Reschedule,
    Waiver,
    WriteOff,
    event_kind,
    sort_key,
)
from coopfinance.servicing._figures import Figures, account_figures
from coopfinance.servicing._policy import (
    AllocationStrategy,
    InterestMethod,
    LatePolicy,
    Overpayment,
    Proration,
)
from coopfinance.servicing._replay import Replay
from coopfinance.servicing._values import AccountState, PayoffQuote

__all__ = ["LoanAccount"]

_EVENT_TYPES = (
    Disbursement,
    Payment,
    ChargeApplied,
    Waiver,
    WriteOff,
    Recovery,
    Reschedule,
    Prepayment,
)


def _to_events(value: Iterable[Event]) -> tuple[Event, ...]:
    if isinstance(value, str | bytes):
        raise WrongType(
            E_("'events' must be a list of events (got %(value)s).", value=repr(value)),
            field="events",
            value=value,
        )
    seen: dict[str, Event] = {}
    for event in value:
        if not isinstance(event, _EVENT_TYPES):
            raise WrongType(
                E_(
                    "'events' must hold Disbursement, Payment, ... values (got %(event)s).",
                    event=repr(event),
                ),
                field="events",
                value=event,
            )
        other = seen.get(event.id)
        if other is None:
            seen[event.id] = event
        elif other != event:
            raise InvalidEvent(
                E_(
                    "two different events have the id %(id)s: %(other)s and %(event)s.",
                    id=repr(event.id),
                    other=repr(other),
                    event=repr(event),
                ),
                field="id",
                value=event.id,
            )
    return tuple(sorted(seen.values(), key=sort_key))


def _to_allocation(value: AllocationStrategy | str) -> AllocationStrategy:
    return AllocationStrategy.parse(value)


def _to_overpayment(value: Overpayment | str) -> Overpayment:
    return Overpayment.parse(value)


def _to_interest(value: InterestMethod | str) -> InterestMethod:
    return InterestMethod.parse(value, field="interest")


def _to_proration(value: Proration | str | None) -> Proration | None:
    return None if value is None else Proration.parse(value, field="proration")


@attrs.frozen(slots=True, kw_only=True)
class LoanAccount:
    """A loan's contract (:class:`LoanTerms`) and the events that happened to it.

    ``events`` are stored in the canonical order, without duplicates. :meth:`state` replays
    them; :meth:`payoff` quotes the amount that closes the loan on a date.

    >>> import datetime as dt
    >>> from coopfinance import LoanTerms, Rate
    >>> terms = LoanTerms(principal="5000", rate=Rate.effective_annual("35%"), installments=3,
    ...                   disbursed="2026-01-15")
    >>> account = LoanAccount(terms=terms, events=[
    ...     Payment(date="2026-02-15", amount="1751.80", id="p1"),
    ...     Payment(date="2026-03-20", amount="1000", id="p2")])
    >>> s = account.state(dt.date(2026, 3, 20))
    >>> s.principal_outstanding, s.principal_overdue, s.days_past_due
    (Decimal('2470.46'), Decimal('763.36'), 5)
    >>> s2 = account.state(dt.date(2026, 4, 30))
    >>> s2.days_past_due, s2.penalties_due, s2.payoff.total
    (46, Decimal('28.01'), Decimal('2591.74'))
    """

    terms: LoanTerms = attrs.field(validator=attrs.validators.instance_of(LoanTerms))
    events: tuple[Event, ...] = attrs.field(default=(), converter=_to_events)
    id: str = ""
    allocation: AllocationStrategy = attrs.field(
        default=AllocationStrategy.DEFAULT, converter=_to_allocation
    )
    late: LatePolicy = attrs.field(
        factory=LatePolicy, validator=attrs.validators.instance_of(LatePolicy)
    )
    overpayment: Overpayment = attrs.field(
        default=Overpayment.NEXT_INSTALLMENTS, converter=_to_overpayment
    )
    interest: InterestMethod = attrs.field(default=InterestMethod.SCHEDULE, converter=_to_interest)
    """Fixed schedule interest (default) or interest recalculated on the actual balance."""
    proration: Proration | None = attrs.field(default=None, converter=_to_proration)
    """How a payoff counts the current period's interest (:class:`Proration`); ``None``: by the
    rate's convention (accrual for interest on the balance, the period's share for flat)."""
    _schedule: Schedule | None = attrs.field(
        default=None, init=False, eq=False, hash=False, repr=False
    )
    """``terms.schedule()``, built on first use and kept with the account (see
    :func:`~coopfinance.servicing._replay.schedule_of`); not part of the value."""
    _on_time: object | None = attrs.field(
        default=None, init=False, eq=False, hash=False, repr=False
    )
    """The schedule's on-time table (:func:`~coopfinance.servicing._figures.many_figures`),
    built on first use and kept like ``_schedule``; not part of the value."""

    def __getstate__(self) -> dict[str, object]:
        """The value only: the kept schedule and on-time table are left out of a pickle (a Dask
        worker rebuilds them; they were most of an account's pickle)."""
        return {f.name: getattr(self, f.name) for f in attrs.fields(LoanAccount) if f.init}

    def __setstate__(self, state: dict[str, object]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_schedule", None)
        object.__setattr__(self, "_on_time", None)

    @exact
    def __attrs_post_init__(self) -> None:
        _check_events(self.terms, self.events)
        currency = self.terms.principal.currency
        self.late.check_money(currency.unit, currency.code, self.terms.principal.amount)

    def with_events(self, *events: Event) -> LoanAccount:
        """A copy with ``events`` added."""
        return attrs.evolve(self, events=(*self.events, *events))

    @exact
    def state(self, as_of: dt.date, detail: bool = True) -> AccountState:
        """The account as of the end of ``as_of``: events dated later are ignored.

        With ``detail=False`` the ledger is not kept: ``allocations`` and ``movements`` are empty
        and every other field is the same (for portfolio work, where only the figures count).
        """
        self._check_as_of(as_of)
        with decimal.localcontext(CONTEXT):
            return Replay(self, detail=bool(detail)).run(as_of)

    @exact
    def payoff(self, date: dt.date) -> PayoffQuote:
        """What closes the loan at the end of ``date`` (interest accrued to that date only)."""
        return self.state(date).payoff

    @exact
    def figures(self, as_of: dt.date) -> Figures:
        """The portfolio figures of :meth:`state` on ``as_of`` (see :class:`Figures`), the same
        values, computed faster.

        An account whose events up to ``as_of`` are only payments, one on the due date of each
        installment due by then and of exactly its total (an account paid on time, or one with
        nothing due yet), is read off the schedule without a replay; any other is replayed without
        the ledger, and its figures are summed without building the item states.

        >>> import datetime as dt
        >>> from coopfinance import LoanTerms, Rate
        >>> terms = LoanTerms(principal="5000", rate=Rate.effective_annual("35%"), installments=3,
        ...                   disbursed="2026-01-15")
        >>> account = LoanAccount(terms=terms, events=[
        ...     Payment(date="2026-02-15", amount="1751.80", id="p1")])
        >>> f = account.figures(dt.date(2026, 3, 1))
        >>> f.principal_outstanding, f.days_past_due, f.fallen_due == f.paid_of_due
        (Decimal('3379.10'), 0, True)
        """
        self._check_as_of(as_of)
        with decimal.localcontext(CONTEXT):
            return account_figures(self, as_of)

    def _check_as_of(self, as_of: dt.date) -> None:
        if not isinstance(as_of, dt.date):
            raise WrongType(
                E_("'as_of' must be a date (got %(as_of)s).", as_of=repr(as_of)),
                field="as_of",
                value=as_of,
            )
        if as_of < self.terms.disbursed:
            raise InvalidValue(
                E_(
                    "'as_of' must not be before the disbursement on %(disbursed)s (got %(as_of)s).",
                    disbursed=self.terms.disbursed,
                    as_of=as_of,
                ),
                field="as_of",
                value=as_of,
            )


def _check_events(terms: LoanTerms, events: Sequence[Event]) -> None:
    unit = terms.rounding.unit_for(terms.principal.currency)
    tranches = [e for e in events if isinstance(e, Disbursement)]
    start = terms.disbursed
    if tranches:
        first = tranches[0]
        if first.date != terms.disbursed:
            raise InvalidEvent(
                E_(
                    "'date' of the first disbursement %(id)s must be the terms' "
                    "disbursement date %(disbursed)s (got %(date)s).",
                    id=repr(first.id),
                    disbursed=terms.disbursed,
                    date=first.date,
                ),
                field="date",
                value=first.date,
            )
        total = sum((t.amount for t in tranches), ZERO)
        if total > terms.principal.amount:
            raise InvalidEvent(
                E_(
                    "'amount' of the disbursements must add up to at most the principal "
                    "%(amount)s (got %(total)s).",
                    amount=terms.principal.amount,
                    total=total,
                ),
                field="amount",
                value=total,
            )
    written_off: WriteOff | None = None
    for e in events:
        if e.date < start:
            raise InvalidEvent(
                E_(
                    "'date' of %(event_kind_e)s %(id)s must not be before the disbursement "
                    "on %(start)s (got %(date)s).",
                    event_kind_e=event_kind(e),
                    id=repr(e.id),
                    start=start,
                    date=e.date,
                ),
                field="date",
                value=e.date,
            )
        amount = getattr(e, "amount", None)
        if amount is not None and CONTEXT.remainder(amount, unit) != 0:
            raise InvalidEvent(
                E_(
                    "'amount' of %(event_kind_e)s %(id)s must be a multiple of %(unit)s "
                    "(got %(amount)s).",
                    event_kind_e=event_kind(e),
                    id=repr(e.id),
                    unit=unit,
                    amount=amount,
                ),
                field="amount",
                value=amount,
            )
        if written_off is not None and not isinstance(e, Recovery | Payment):
            raise InvalidEvent(
                E_(
                    "only recoveries and payments may follow the write-off %(id)s of "
                    "%(date)s (got %(event_kind_e)s %(id2)s of %(date2)s).",
                    id=repr(written_off.id),
                    date=written_off.date,
                    event_kind_e=event_kind(e),
                    id2=repr(e.id),
                    date2=e.date,
                ),
                field="events",
                value=e.id,
            )
        if isinstance(e, WriteOff):
            written_off = e
        if isinstance(e, Reschedule) and e.terms.currency != terms.currency:
            raise InvalidEvent(
                E_(
                    "'terms' of reschedule %(id)s must be in %(currency)s (got %(currency2)s).",
                    id=repr(e.id),
                    currency=terms.currency,
                    currency2=e.terms.currency,
                ),
                field="terms",
                value=e.terms.currency,
            )
