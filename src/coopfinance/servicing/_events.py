"""Loan-account events: what happened to a loan after its contract was signed.

Every event is a frozen value with a ``date`` and an ``id`` (unique within an account). Replaying
them on the contract (:class:`~coopfinance.servicing.LoanAccount`) gives the state on any date.

Same-day order: events of one date are applied in the order of :data:`SAME_DAY_RANK`
(disbursement < charge < waiver < payment < prepayment < reschedule < write-off < recovery), and
events of the same kind by ``id``; the order in which they are given never matters.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Self, TypeAlias

import attrs

from coopfinance._decimal import to_decimal
from coopfinance._fields import ParseableEnum, to_date, to_enum, to_text
from coopfinance._terms import LoanTerms
from coopfinance.errors import E_, InvalidEvent, InvalidValue, ParseError, WrongType

__all__ = [
    "SAME_DAY_RANK",
    "ChargeApplied",
    "Component",
    "Disbursement",
    "Event",
    "Payment",
    "Prepayment",
    "PrepaymentChoice",
    "Recovery",
    "Reschedule",
    "Waiver",
    "WriteOff",
    "event_kind",
    "sort_key",
]


class Component(ParseableEnum):
    """A part of what a borrower owes, in the order a payment may settle it."""

    PRINCIPAL = "principal"
    INTEREST = "interest"
    """Compensatory interest: the schedule's, and on overdue amounts when the late policy asks."""
    FEES = "fees"
    """Installment fees, insurance and taxes of the schedule, and fees charged later."""
    PENALTIES = "penalties"
    """Moratorium interest (interés moratorio) and late fees."""

    @classmethod
    def parse(cls, text: Self | str, *, field: str | None = None) -> Self:
        """Read ``principal``, ``interest``, ``fees`` or ``penalties`` (singular accepted)."""
        value = _SINGULAR.get(text.strip().lower(), text) if isinstance(text, str) else text
        return to_enum(cls, value, field=field or "component", error=cls.parse_error())

    @classmethod
    def parse_error(cls) -> type[InvalidValue]:
        return InvalidEvent


_SINGULAR = {"fee": "fees", "penalty": "penalties"}


class PrepaymentChoice(ParseableEnum):
    """What a partial prepayment does to the rest of the schedule.

    Peru's consumer-protection code (Ley 29571, art. 85) and the SBS transparency rules require the
    lender to offer both.
    """

    REDUCE_INSTALLMENT = "reduce-installment"
    """Keep the due dates, re-amortize the lower balance: smaller installments."""
    REDUCE_TERM = "reduce-term"
    """Keep the installment, drop the last due dates: "same cuota, fewer cuotas", the last one
    smaller (a level schedule; other kinds re-level over the fewest dates, as
    :attr:`REDUCE_TERM_RELEVEL`)."""
    REDUCE_TERM_RELEVEL = "reduce-term-relevel"
    """Drop the last due dates and re-level the balance over the fewest that keep the installment
    at most what it was: a slightly lower installment, all equal."""

    @classmethod
    def parse_error(cls) -> type[InvalidValue]:
        return InvalidEvent


def _date(value: dt.date | str) -> dt.date:
    return to_date(value, field="date", error=ParseError)


_Amount = Decimal | int | str


def _amount(value: _Amount) -> Decimal:
    amount = to_decimal(value, field="amount")
    if amount <= 0:
        raise InvalidEvent(
            E_("'amount' must be positive (got %(amount)s).", amount=amount),
            field="amount",
            value=amount,
        )
    return amount


def _opt_amount(value: _Amount | None) -> Decimal | None:
    return None if value is None else _amount(value)


def _id(value: str | int) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return to_text(value, field="id", error=InvalidEvent)


def _fees_or_penalties(value: Component | str) -> Component:
    c = Component.parse(value)
    if c not in (Component.FEES, Component.PENALTIES):
        raise InvalidEvent(
            E_("'component' of a charge must be fees or penalties (got %(value)s).", value=c.value),
            field="component",
            value=value,
        )
    return c


def _waivable(value: Component | str) -> Component:
    c = Component.parse(value)
    if c is Component.PRINCIPAL:
        raise InvalidEvent(
            E_(
                "'component' of a waiver must be interest, fees or penalties (got "
                "principal); forgive principal with a write-off."
            ),
            field="component",
            value=value,
        )
    return c


def _to_choice(value: PrepaymentChoice | str) -> PrepaymentChoice:
    return PrepaymentChoice.parse(value)


def _terms(value: LoanTerms) -> LoanTerms:
    if not isinstance(value, LoanTerms):
        raise WrongType(
            E_("'terms' must be LoanTerms (got %(type)s).", type=type(value).__name__),
            field="terms",
            value=value,
        )
    return value


@attrs.frozen(slots=True, kw_only=True)
class Disbursement:
    """Money lent to the borrower on ``date``: the whole principal, or one tranche of it.

    The first disbursement must be on the terms' ``disbursed`` date; later tranches are added to
    the balance and the remaining installments re-amortized. An account without disbursement
    events is taken as disbursed in full on the terms' date.

    >>> Disbursement(date="2026-01-15", amount="5000", id="d1").amount
    Decimal('5000')
    """

    date: dt.date = attrs.field(converter=_date)
    amount: Decimal = attrs.field(converter=_amount)
    id: str = attrs.field(converter=_id)


@attrs.frozen(slots=True, kw_only=True)
class Payment:
    """A payment received: allocated to what is due (see :class:`AllocationStrategy`), any excess
    by the account's :class:`Overpayment` rule; after a write-off it counts as a recovery.

    >>> Payment(date="2026-02-15", amount="489.11", id="p1", channel="agente").channel
    'agente'
    """

    date: dt.date = attrs.field(converter=_date)
    amount: Decimal = attrs.field(converter=_amount)
    id: str = attrs.field(converter=_id)
    channel: str = ""
    """How it was paid (cash, agent, milk deduction, transfer, ...); kept for the statement."""


@attrs.frozen(slots=True, kw_only=True)
class ChargeApplied:
    """A fee or penalty charged on ``date`` and due at once (a collection visit, a late fee)."""

    date: dt.date = attrs.field(converter=_date)
    amount: Decimal = attrs.field(converter=_amount)
    id: str = attrs.field(converter=_id)
    component: Component = attrs.field(default=Component.FEES, converter=_fees_or_penalties)
    description: str = ""


@attrs.frozen(slots=True, kw_only=True)
class Waiver:
    """Forgive interest, fees or penalties due on ``date``: ``amount`` of them, or all if ``None``.

    Amounts are taken from the oldest due first; waiving more than is due is an error.
    """

    date: dt.date = attrs.field(converter=_date)
    id: str = attrs.field(converter=_id)
    component: Component = attrs.field(converter=_waivable)
    amount: Decimal | None = attrs.field(default=None, converter=_opt_amount)


@attrs.frozen(slots=True, kw_only=True)
class WriteOff:
    """Write off (castigo) everything still owed on ``date``. Afterwards only recoveries (and
    payments, which count as recoveries) may follow."""

    date: dt.date = attrs.field(converter=_date)
    id: str = attrs.field(converter=_id)


@attrs.frozen(slots=True, kw_only=True)
class Recovery:
    """Money recovered after a write-off; beyond what was written off it becomes a credit."""

    date: dt.date = attrs.field(converter=_date)
    amount: Decimal = attrs.field(converter=_amount)
    id: str = attrs.field(converter=_id)
    channel: str = ""


@attrs.frozen(slots=True, kw_only=True)
class Reschedule:
    """A new schedule from ``date`` for the balance (reprogramación / refinanciación).

    The balance is the unpaid principal (overdue and not yet due) plus interest accrued to
    ``date``; with ``capitalize`` (the default) also the unpaid interest, fees and penalties
    already due, which are then closed in the old installments (history is kept). The new
    schedule is ``terms`` with that balance as principal and ``date`` as disbursement date
    (their ``principal`` and ``disbursed`` are placeholders; upfront charges and a down payment
    are ignored).
    """

    date: dt.date = attrs.field(converter=_date)
    id: str = attrs.field(converter=_id)
    terms: LoanTerms = attrs.field(converter=_terms)
    capitalize: bool = True


@attrs.frozen(slots=True, kw_only=True)
class Prepayment:
    """A partial prepayment (pago anticipado): it pays what is due, then the interest accrued to
    ``date``, then principal; the rest of the schedule is re-amortized as the borrower ``choice``.

    More than the payoff amount pays the loan off; the excess becomes a credit.
    """

    date: dt.date = attrs.field(converter=_date)
    amount: Decimal = attrs.field(converter=_amount)
    id: str = attrs.field(converter=_id)
    choice: PrepaymentChoice = attrs.field(
        default=PrepaymentChoice.REDUCE_INSTALLMENT, converter=_to_choice
    )
    channel: str = ""


Event: TypeAlias = (
    Disbursement | Payment | ChargeApplied | Waiver | WriteOff | Recovery | Reschedule | Prepayment
)
"""Any loan-account event."""

EVENT_TYPES: tuple[type, ...] = (
    Disbursement,
    ChargeApplied,
    Waiver,
    Payment,
    Prepayment,
    Reschedule,
    WriteOff,
    Recovery,
)

SAME_DAY_RANK: dict[type, int] = {t: i for i, t in enumerate(EVENT_TYPES)}
"""Rank of each event type among events of the same date (lower first)."""

_KINDS: dict[type, str] = {
    Disbursement: "disbursement",
    Payment: "payment",
    ChargeApplied: "charge",
    Waiver: "waiver",
    WriteOff: "write-off",
    Recovery: "recovery",
    Reschedule: "reschedule",
    Prepayment: "prepayment",
}


def event_kind(event: Event) -> str:
    """The event's kind as text: ``payment``, ``write-off``, ..."""
    return _KINDS[type(event)]


def sort_key(event: Event) -> tuple[dt.date, int, str]:
    """The canonical order: by date, then :data:`SAME_DAY_RANK`, then id."""
    return (event.date, SAME_DAY_RANK[type(event)], event.id)
