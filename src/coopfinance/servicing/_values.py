"""The values a replay produces: amounts by component, installments, allocations, movements, and
the account state that holds them."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

import attrs

from coopfinance._decimal import ZERO
from coopfinance._json import json_default

__all__ = [
    "AccountState",
    "AccountStatus",
    "Allocation",
    "Components",
    "ItemKind",
    "ItemState",
    "Movement",
    "MovementKind",
    "PayoffQuote",
]


@attrs.frozen(slots=True, kw_only=True)
class Components:
    """An amount split by component.

    >>> Components(principal=Decimal("400.00"), interest=Decimal("89.11")).total
    Decimal('489.11')
    """

    principal: Decimal = ZERO
    interest: Decimal = ZERO
    fees: Decimal = ZERO
    penalties: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        """``principal + interest + fees + penalties``."""
        return self.principal + self.interest + self.fees + self.penalties

    @classmethod
    def of(cls, values: list[Decimal] | tuple[Decimal, ...]) -> Components:
        """From ``[principal, interest, fees, penalties]``."""
        return cls(principal=values[0], interest=values[1], fees=values[2], penalties=values[3])

    def __neg__(self) -> Components:
        return Components(
            principal=-self.principal,
            interest=-self.interest,
            fees=-self.fees,
            penalties=-self.penalties,
        )

    def to_dict(self) -> dict[str, str]:
        """Amounts as decimal strings."""
        return {
            "principal": str(self.principal),
            "interest": str(self.interest),
            "fees": str(self.fees),
            "penalties": str(self.penalties),
            "total": str(self.total),
        }


_new = object.__new__
_set_p, _set_i, _set_f, _set_x = (
    getattr(Components, name).__set__ for name in ("principal", "interest", "fees", "penalties")
)  # the slots' own setters: they skip the frozen-class __setattr__
_NO_COMPONENTS = Components()


def components(p: Decimal, i: Decimal, f: Decimal, x: Decimal) -> Components:
    """``Components(principal=p, interest=i, fees=f, penalties=x)`` without the attrs ``__init__``
    (a replay builds tens of them per account); all four the shared ``ZERO``: one shared value.

    The fields are already ``Decimal``: nothing to convert or validate.

    >>> components(ZERO, Decimal("1.50"), ZERO, ZERO) == Components(interest=Decimal("1.50"))
    True
    """
    if p is ZERO and i is ZERO and f is ZERO and x is ZERO:
        return _NO_COMPONENTS
    c: Components = _new(Components)
    _set_p(c, p)
    _set_i(c, i)
    _set_f(c, f)
    _set_x(c, x)
    return c


class AccountStatus(enum.Enum):
    """Where a loan account stands."""

    ACTIVE = "active"
    """Money is still owed or will fall due."""
    CLOSED = "closed"
    """Everything was paid; a credit may remain."""
    WRITTEN_OFF = "written-off"
    """Written off; only recoveries follow."""


class ItemKind(enum.Enum):
    """What a due item is."""

    INSTALLMENT = "installment"
    """A row of the schedule (number 0 is a down payment)."""
    CHARGE = "charge"
    """A fee or penalty charged by a :class:`ChargeApplied` event."""
    SETTLEMENT = "settlement"
    """Amounts settled outside the schedule: a prepayment's accrued interest and principal, a
    payoff, the balance moved by a reschedule or written off."""


@attrs.frozen(slots=True, kw_only=True)
class ItemState:
    """One due item as of a date: what it asked, what was paid, waived, and closed.

    ``closed`` holds amounts moved out by a reschedule (into the new principal) or a write-off.
    ``outstanding = due − paid − waived − closed``.
    """

    kind: ItemKind
    number: int | None
    """The installment number (``None`` for charges and settlements)."""
    due_date: dt.date
    reference: str
    """The id of the event that created it (empty for installments of the first schedule)."""
    due: Components
    paid: Components
    waived: Components
    closed: Components
    outstanding: Components
    days_past_due: int
    """Days since the due date while something is unpaid, else 0."""

    @property
    def settled(self) -> bool:
        """Nothing is outstanding."""
        return self.outstanding.total == 0


_ITEM_SETTERS = tuple(
    getattr(ItemState, name).__set__
    for name in (
        "kind",
        "number",
        "due_date",
        "reference",
        "due",
        "paid",
        "waived",
        "closed",
        "outstanding",
        "days_past_due",
    )
)


def item_state(  # noqa: PLR0917 - one positional value per field, in field order
    kind: ItemKind,
    number: int | None,
    due_date: dt.date,
    reference: str,
    due: Components,
    paid: Components,
    waived: Components,
    closed: Components,
    outstanding: Components,
    days_past_due: int,
) -> ItemState:
    """An :class:`ItemState` without the attrs ``__init__`` (a replay builds one per item; the
    values are already of the right types)."""
    s: ItemState = _new(ItemState)
    k, n, d, r, du, p, w, c, o, late = _ITEM_SETTERS
    k(s, kind)
    n(s, number)
    d(s, due_date)
    r(s, reference)
    du(s, due)
    p(s, paid)
    w(s, waived)
    c(s, closed)
    o(s, outstanding)
    late(s, days_past_due)
    return s


@attrs.frozen(slots=True, kw_only=True)
class Allocation:
    """How one payment (or a credit applied on a due date) was split.

    ``amount == applied.total + to_credit + recovered`` for money received; ``to_credit`` is
    negative when a payment that pays the loan off also draws on a credit already held. For a
    credit applied on a due date, ``amount`` is what left the credit.
    """

    date: dt.date
    reference: str
    source: str
    """``payment``, ``prepayment``, ``recovery`` or ``credit``."""
    amount: Decimal
    applied: Components
    to_credit: Decimal = ZERO
    recovered: Decimal = ZERO


class MovementKind(enum.Enum):
    """The kind of an account movement (one line of the statement)."""

    DISBURSEMENT = "disbursement"
    INSTALLMENT_DUE = "installment-due"
    LATE_CHARGES = "late-charges"
    CHARGE = "charge"
    ACCRUED_INTEREST = "accrued-interest"
    PAYMENT = "payment"
    PREPAYMENT = "prepayment"
    CREDIT_APPLIED = "credit-applied"
    WAIVER = "waiver"
    RESCHEDULE = "reschedule"
    WRITE_OFF = "write-off"
    RECOVERY = "recovery"


@attrs.frozen(slots=True, kw_only=True)
class Movement:
    """A change in what is owed: ``amounts`` positive when the debt grows, negative when it falls;
    ``credit`` the change in the borrower's credit balance."""

    date: dt.date
    kind: MovementKind
    reference: str
    amounts: Components
    credit: Decimal = ZERO
    description: str = ""


@attrs.frozen(slots=True, kw_only=True)
class PayoffQuote:
    """What it takes to close the loan on ``date``: everything due, interest accrued to that date
    only, and the principal not yet due, less any credit.

    ``total = principal + interest + fees + penalties − credit`` (never below zero).
    """

    date: dt.date
    principal: Decimal
    interest: Decimal
    """Interest due and unpaid plus interest accrued from the last due date to ``date``."""
    fees: Decimal
    penalties: Decimal
    credit: Decimal

    @property
    def total(self) -> Decimal:
        """The amount to pay."""
        gross = self.principal + self.interest + self.fees + self.penalties
        return max(gross - self.credit, ZERO)


@attrs.frozen(slots=True, kw_only=True)
class AccountState:
    """A loan account at the end of ``as_of``.

    ``principal_outstanding = principal_overdue + principal_not_due``; what is owed,
    :attr:`owed`, adds the interest, fees and penalties due and unpaid; :attr:`payoff` adds the
    interest accrued in the current period and takes off the credit.
    """

    as_of: dt.date
    currency: str
    status: AccountStatus
    disbursed: Decimal
    """Principal disbursed so far (financed upfront fees included)."""
    principal_overdue: Decimal
    """Principal of installments already due and unpaid."""
    principal_not_due: Decimal
    interest_due: Decimal
    """Interest due and unpaid (scheduled, and late compensatory interest)."""
    interest_accrued: Decimal
    """Interest accrued since the current period began, not yet due."""
    fees_due: Decimal
    penalties_due: Decimal
    days_past_due: int
    """Days since the oldest installment with unpaid principal, interest or fees fell due."""
    credit: Decimal
    """Money received and not yet applied (an advance or an excess); never lost."""
    installment_amount: Decimal
    """The regular installment of the current schedule."""
    paid: Components
    waived: Components
    written_off: Components
    recovered: Decimal
    items: tuple[ItemState, ...]
    allocations: tuple[Allocation, ...]
    movements: tuple[Movement, ...]

    @property
    def principal_outstanding(self) -> Decimal:
        """Principal still owed, overdue or not."""
        return self.principal_overdue + self.principal_not_due

    @property
    def arrears(self) -> Decimal:
        """Everything due and unpaid (atrasos): principal, interest, fees and penalties."""
        return self.principal_overdue + self.interest_due + self.fees_due + self.penalties_due

    @property
    def owed(self) -> Decimal:
        """Principal outstanding plus interest, fees and penalties due (before any credit)."""
        return self.principal_outstanding + self.interest_due + self.fees_due + self.penalties_due

    @property
    def installments(self) -> tuple[ItemState, ...]:
        """The schedule's rows (past and current schedules), without charges or settlements."""
        return tuple(i for i in self.items if i.kind is ItemKind.INSTALLMENT)

    @property
    def payoff(self) -> PayoffQuote:
        """What closes the loan on ``as_of`` (see :class:`PayoffQuote`)."""
        return PayoffQuote(
            date=self.as_of,
            principal=self.principal_outstanding,
            interest=self.interest_due + self.interest_accrued,
            fees=self.fees_due,
            penalties=self.penalties_due,
            credit=self.credit,
        )

    def next_due(self) -> ItemState | None:
        """The next installment not yet due, if any."""
        return next((i for i in self.installments if i.due_date > self.as_of), None)

    @property
    def next_due_date(self) -> dt.date | None:
        """The due date of the next installment (``None`` when none is left)."""
        nxt = self.next_due()
        return None if nxt is None else nxt.due_date

    @property
    def next_due_amount(self) -> Decimal | None:
        """What the next installment is due in all (``None`` when none is left)."""
        nxt = self.next_due()
        return None if nxt is None else nxt.due.total

    @property
    def remaining_installments(self) -> int:
        """How many installments are not yet due."""
        return sum(1 for i in self.installments if i.due_date > self.as_of)

    @property
    def maturity(self) -> dt.date | None:
        """The due date of the last installment of the current schedule."""
        rows = self.installments
        return max((i.due_date for i in rows), default=None)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: every field, amounts as decimal strings (split by component as
        :meth:`Components.to_dict`), dates ISO 8601, kinds and statuses as their value.

        >>> import datetime as dt
        >>> from coopfinance import LoanTerms, Rate
        >>> from coopfinance.servicing import LoanAccount
        >>> terms = LoanTerms(principal="1000", rate=Rate.effective_annual("20%"), installments=2,
        ...                   disbursed="2026-01-15")
        >>> data = LoanAccount(terms=terms).state(dt.date(2026, 2, 20)).to_dict()
        >>> data["status"], data["principal_overdue"], data["items"][0]["due"]["total"]
        ('active', '495.69', '514.05')
        """
        return attrs.asdict(self, recurse=True, value_serializer=_plain)


def _plain(_instance: Any, _field: Any, value: Any) -> Any:
    """``attrs.asdict``'s serializer: :func:`~coopfinance._json.json_default` for the leaves it
    knows (decimals, dates, enums, :class:`Components`), tuples as lists, the value itself for
    the rest."""
    if isinstance(value, tuple):
        return list(value)
    try:
        return json_default(value)
    except TypeError:
        return value
