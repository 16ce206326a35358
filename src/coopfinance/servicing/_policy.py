"""Servicing policies: how payments are allocated, what lateness costs, what excess money does."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from coopfinance._decimal import to_decimal
from coopfinance._fields import ParseableEnum, non_negative, whole
from coopfinance._rates import Rate
from coopfinance.errors import InvalidValue, WrongType, fmt_value
from coopfinance.servicing._events import Component

__all__ = ["AllocationStrategy", "LateBase", "LatePolicy", "Overpayment"]


def _order(value: Iterable[Component | str] | str) -> tuple[Component, ...]:
    if isinstance(value, str):
        value = [v for v in value.replace(">", ",").split(",") if v.strip()]
    order = tuple(Component.parse(v) for v in value)
    if sorted(c.value for c in order) != sorted(c.value for c in Component):
        raise InvalidValue(
            "'order' must list each of principal, interest, fees, penalties once "
            f"(got {', '.join(c.value for c in order)}).",
            field="order",
            value=value,
        )
    return order


@attrs.frozen(slots=True, kw_only=True)
class AllocationStrategy:
    """How a payment is split among what is due.

    - ``order``: the components in the order they are paid.
    - ``vertical`` False (horizontal, "due-date order"): one due item at a time, oldest first,
      each settled in ``order`` before the next; True (vertical, "component order"): the first
      component across every due item oldest first, then the second component, and so on.

    Only amounts already due are allocated; what is left follows :class:`Overpayment`.

    >>> AllocationStrategy.parse("interest,principal,fees,penalties:vertical").vertical
    True
    >>> AllocationStrategy.DEFAULT.order[0]
    <Component.PENALTIES: 'penalties'>
    """

    order: tuple[Component, ...] = attrs.field(
        default=(Component.PENALTIES, Component.FEES, Component.INTEREST, Component.PRINCIPAL),
        converter=_order,
    )
    vertical: bool = False

    DEFAULT: ClassVar[AllocationStrategy]
    """Penalties → fees → interest → principal, one installment at a time (the common default)."""
    INTEREST_PRINCIPAL: ClassVar[AllocationStrategy]
    """Interest → principal → fees → penalties, one installment at a time."""

    @classmethod
    def parse(cls, text: str | AllocationStrategy) -> AllocationStrategy:
        """Read ``"penalties,fees,interest,principal"`` with an optional ``:vertical`` or
        ``:horizontal`` suffix; the names ``default`` and ``interest-principal`` work too."""
        if isinstance(text, AllocationStrategy):
            return text
        if not isinstance(text, str):
            raise WrongType(
                f"'allocation' must be text such as 'default:vertical' (got {fmt_value(text)}).",
                field="allocation",
                value=text,
            )
        body, _, mode = text.strip().lower().partition(":")
        if mode not in ("", "vertical", "horizontal"):
            raise InvalidValue(
                f"'allocation' mode must be vertical or horizontal (got {fmt_value(mode)}).",
                field="allocation",
                value=text,
            )
        named = {"default": cls.DEFAULT.order, "interest-principal": cls.INTEREST_PRINCIPAL.order}
        order: Any = named.get(body.strip(), body)
        return cls(order=order, vertical=mode == "vertical")


AllocationStrategy.DEFAULT = AllocationStrategy()
AllocationStrategy.INTEREST_PRINCIPAL = AllocationStrategy(
    order=(Component.INTEREST, Component.PRINCIPAL, Component.FEES, Component.PENALTIES)
)


class Overpayment(ParseableEnum):
    """What a payment does with money left after everything due is paid."""

    NEXT_INSTALLMENTS = "next-installments"
    """Held as an advance (credit) and applied to each following installment on its due date
    (adelanto de cuotas): the schedule does not change."""
    REDUCE_INSTALLMENT = "reduce-installment"
    """A prepayment of principal (after interest accrued to the date) with smaller installments."""
    REDUCE_TERM = "reduce-term"
    """A prepayment of principal (after interest accrued to the date) with fewer installments."""


class LateBase(ParseableEnum):
    """What moratorium (and late compensatory) interest is charged on."""

    PRINCIPAL = "principal"
    """The overdue principal of each installment."""
    INSTALLMENT = "installment"
    """The overdue principal and scheduled interest of each installment (the "cuota impaga"
    without insurance or fees, as Peruvian lenders' formula sheets state)."""


def _opt_rate(value: Rate | Decimal | int | str | None) -> Rate | None:
    if value is None or isinstance(value, Rate):
        return value
    return Rate.effective_annual(value)


def _late_fee(value: Decimal | int | str) -> Decimal:
    return to_decimal(value, field="late_fee")


def _to_base(value: LateBase | str) -> LateBase:
    return LateBase.parse(value, field="base")


@attrs.frozen(slots=True, kw_only=True)
class LatePolicy:
    """What an installment costs when it is paid late.

    For an overdue amount ``B`` (see :class:`LateBase`) over ``n`` days past the due date plus
    ``grace_days``:

    - moratorium interest ``B·((1 + m)^(n/360) − 1)`` at the annual effective ``moratorium`` rate
      (default 19 % TEA, Agrobanco's), a penalty;
    - with ``compensatory``, also ``B·((1 + r)^(n/360) − 1)`` at the contract rate, as interest;
    - ``late_fee``: a fixed penalty charged once per installment still unpaid after the grace.

    ``B`` changes only when a payment (or waiver, reschedule, write-off) touches the installment;
    each change starts a new accrual period, whose amount is rounded to the céntimo.

    >>> LatePolicy(moratorium="70%", base="installment", compensatory=True).base
    <LateBase.INSTALLMENT: 'installment'>
    """

    moratorium: Rate | None = attrs.field(
        factory=lambda: Rate.effective_annual("19%"), converter=_opt_rate
    )
    base: LateBase = attrs.field(default=LateBase.PRINCIPAL, converter=_to_base)
    compensatory: bool = False
    late_fee: Decimal = attrs.field(
        default=Decimal(0), converter=_late_fee, validator=non_negative()
    )
    grace_days: int = attrs.field(default=0, validator=whole(0))

    @classmethod
    def none(cls) -> LatePolicy:
        """No moratorium, no late fee."""
        return cls(moratorium=None)
