"""Servicing policies: how payments are allocated, what lateness costs, what excess money does."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from coopfinance._decimal import exact, to_decimal
from coopfinance._fields import ParseableEnum, non_negative, to_whole, whole
from coopfinance._rates import Rate, rate_value
from coopfinance._rates import exact as computed_rate
from coopfinance.errors import E_, InvalidValue, WrongType, fmt_value
from coopfinance.servicing._events import Component

__all__ = [
    "MAX_MORATORIUM",
    "AllocationStrategy",
    "GraceDays",
    "InterestMethod",
    "LateBase",
    "LateFeeBasis",
    "LatePolicy",
    "Overpayment",
    "Proration",
]


def _order(value: Iterable[Component | str] | str) -> tuple[Component, ...]:
    if isinstance(value, str):
        value = [v for v in value.replace(">", ",").split(",") if v.strip()]
    order = tuple(Component.parse(v) for v in value)
    if sorted(c.value for c in order) != sorted(c.value for c in Component):
        raise InvalidValue(
            E_(
                "'order' must list each of principal, interest, fees, penalties once "
                "(got %(value_c)s).",
                value_c=", ".join(c.value for c in order),
            ),
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
                E_(
                    "'allocation' must be text such as 'default:vertical' (got %(text)s).",
                    text=fmt_value(text),
                ),
                field="allocation",
                value=text,
            )
        body, _, mode = text.strip().lower().partition(":")
        if mode not in ("", "vertical", "horizontal"):
            raise InvalidValue(
                E_(
                    "'allocation' mode must be vertical or horizontal (got %(mode)s).",
                    mode=fmt_value(mode),
                ),
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
    """A prepayment of principal (after interest accrued to the date) with fewer installments of
    the same amount, the last one smaller."""
    REDUCE_TERM_RELEVEL = "reduce-term-relevel"
    """A prepayment of principal with fewer, re-levelled installments (at most the old one)."""


class InterestMethod(ParseableEnum):
    """How a loan account charges interest between due dates."""

    SCHEDULE = "schedule"
    """The schedule's interest, fixed at disbursement (Fineract's default, no recalculation):
    money paid before a due date is held for the next installments (or as the ``overpayment``
    rule says)."""
    ACTUAL_BALANCE = "actual-balance"
    """Interest on the actual outstanding balance by the days between payments (Fineract's
    interest recalculation; the Peruvian cajas' *interés compensatorio* on actual balances):
    money paid beyond what is due pays the interest accrued to its date and then principal, and
    the rest of the schedule is re-derived on the same due dates (a lower installment; with
    ``overpayment="reduce-term"``, the same installment on fewer dates). Days late are charged
    by the :class:`LatePolicy` (compensatory interest at the contract rate by default)."""


class Proration(ParseableEnum):
    """How interest of the current period is counted when the loan is paid off (or prepaid)
    before the period's due date.

    The default follows the rate: :attr:`ACCRUAL` for interest on the balance (Peruvian
    lenders' "interés a la fecha" at the TEA on actual days), :attr:`PERIOD_SHARE` for flat rates
    (interest on the original principal has no balance to accrue on).
    """

    ACCRUAL = "accrual"
    """By the day count: ``B·((1 + r)^τ(start, t) − 1)`` on the period's opening balance."""
    PERIOD_SHARE = "period-share"
    """Apache Fineract's pre-closure rule: the period's scheduled interest × days elapsed ÷
    days in the period."""


class LateBase(ParseableEnum):
    """What moratorium (and late compensatory) interest is charged on."""

    PRINCIPAL = "principal"
    """The overdue principal of each installment (a lighter variant)."""
    INSTALLMENT = "installment"
    """The overdue principal and scheduled interest of each installment (the "cuota impaga"
    without insurance or fees, as Peruvian lenders' formula sheets state): the default."""


class LateFeeBasis(ParseableEnum):
    """What a late (collection) fee is: an amount, or a percentage of what is overdue
    (Fineract's charge-calculation types for overdue charges; the Peruvian *comisión por
    cobranza* or *gasto de cobranza* as a share of the cuota)."""

    FLAT = "flat"
    """An amount in the loan's currency."""
    INSTALLMENT = "installment"
    """A percentage of the overdue installment: unpaid principal, scheduled interest and fees."""
    PRINCIPAL = "principal"
    """A percentage of the overdue principal."""
    PRINCIPAL_INTEREST = "principal-interest"
    """A percentage of the overdue principal and scheduled interest."""


class GraceDays(ParseableEnum):
    """What ``grace_days`` means."""

    TOLERANCE = "tolerance"
    """Nothing is charged if the installment is paid within the grace days; after them, late
    interest runs from the due date (every day late counts): the Peruvian *días de tolerancia*."""
    FRANCHISE = "franchise"
    """Late interest runs only on the days beyond the grace days (a deductible)."""


class _Percent(Decimal):
    """A late fee written with ``%`` (a fraction), until :class:`LatePolicy` reads its basis."""

    __slots__ = ()


MAX_MORATORIUM = Decimal(10)
"""The highest moratorium (penalty) rate, as an annual rate: 1,000 % (issue 20 §2). At that rate
a month late already costs a fifth of the overdue amount on top of its interest; Agrobanco
charges 19 %. Above it the figure is a typo (``"1900%"`` for 19 %), not a loan's penalty."""


def _opt_rate(value: Rate | Decimal | int | str | None) -> Rate | None:
    if value is None:
        return None
    if isinstance(value, Rate):
        rate = value
    else:  # a rate from 100 % up is written with '%': take the fraction rate_value read as is
        rate = Rate.effective_annual(computed_rate(rate_value(value, field="moratorium")))
    annual = rate.annual_factor()
    if annual > MAX_MORATORIUM:
        raise InvalidValue(
            E_(
                "'moratorium' must be at most %(max_moratorium)s %% a year (got "
                "%(normalize_annual)s %%); Agrobanco's is 19 %%.",
                max_moratorium=format(MAX_MORATORIUM * 100, "f"),
                normalize_annual=format((annual * 100).normalize(), "f"),
            ),
            field="moratorium",
            value=value,
        )
    return rate


def _late_fee(value: Decimal | int | str) -> Decimal:
    if isinstance(value, str) and value.strip().endswith("%"):
        return _Percent(rate_value(value, field="late_fee"))
    return to_decimal(value, field="late_fee")


def _opt_amount(value: Decimal | int | str | None) -> Decimal | None:
    return None if value is None else to_decimal(value, field="late_fee_cap")


def _to_base(value: LateBase | str) -> LateBase:
    return LateBase.parse(value, field="base")


def _to_fee_basis(value: LateFeeBasis | str | None) -> LateFeeBasis | None:
    return None if value is None else LateFeeBasis.parse(value, field="late_fee_basis")


def _to_grace_kind(value: GraceDays | str) -> GraceDays:
    return GraceDays.parse(value, field="grace_kind")


def _opt_days(value: int | None) -> int | None:
    return None if value is None else to_whole(value, field="late_fee_every")


@attrs.frozen(slots=True, kw_only=True)
class LatePolicy:
    """What an installment costs when it is paid late.

    The defaults follow the Peruvian lenders' formula sheets ("Cálculo de Intereses por
    Incumplimiento de Pago": ``CT = C + CP·[(1 + TComp)^(n/360) − 1] + CP·[(1 + TMora)^(n/360) − 1]``):
    for an overdue amount ``B`` (see :class:`LateBase`, default the unpaid principal and interest
    of the installment) over ``n`` days late (see :class:`GraceDays` for ``grace_days``):

    - moratorium interest ``B·((1 + m)^(n/360) − 1)`` at the annual effective ``moratorium`` rate
      (default 19 % TEA, Agrobanco's), a penalty;
    - with ``compensatory`` (default True), also ``B·((1 + r)^(n/360) − 1)`` at the contract rate,
      as interest; ``compensatory=False`` and ``base="principal"`` are the lighter variants;
    - ``late_fee``: an amount (``"15"``), or with ``%`` a percentage (``"5%"``) of what
      ``late_fee_basis`` says (default for a percentage: the overdue installment); charged once per
      overdue installment, or with ``late_fee_every=30`` again for every 30 days still unpaid;
      ``late_fee_cap`` bounds the late fees of one installment.

    A payment or waiver that touches the installment (any component, its late charges too), and
    every change of ``B`` (a reschedule, a write-off), closes the accrual period: its late interest
    is posted, rounded to the currency's unit as is every percentage fee, and a new period compounds
    from that date on what is left. Late interest never joins ``B``. Rates follow the one rule of
    :func:`coopfinance._rates.rate_value`: ``%`` means percent, a bare number is a fraction below 1
    (``"19"`` is refused, ``"19%"`` is 19 %).

    >>> LatePolicy().base, LatePolicy().compensatory
    (<LateBase.INSTALLMENT: 'installment'>, True)
    >>> LatePolicy(late_fee="1.5%").late_fee_basis
    <LateFeeBasis.INSTALLMENT: 'installment'>
    >>> LatePolicy(late_fee="1.5").late_fee_basis
    <LateFeeBasis.FLAT: 'flat'>
    """

    moratorium: Rate | None = attrs.field(
        factory=lambda: Rate.effective_annual("19%"), converter=_opt_rate
    )
    base: LateBase = attrs.field(default=LateBase.INSTALLMENT, converter=_to_base)
    compensatory: bool = True
    late_fee: Decimal = attrs.field(
        default=Decimal(0), converter=_late_fee, validator=non_negative()
    )
    late_fee_basis: LateFeeBasis | None = attrs.field(default=None, converter=_to_fee_basis)
    """``None``: FLAT for an amount, INSTALLMENT for a fee written with ``%``."""
    late_fee_every: int | None = attrs.field(default=None, converter=_opt_days)
    """``None``: once per overdue installment; ``n``: again for every ``n`` days of delay."""
    late_fee_cap: Decimal | None = attrs.field(
        default=None, converter=_opt_amount, validator=attrs.validators.optional(non_negative())
    )
    """The most late fees one installment may be charged in all (``None``: no cap)."""
    grace_days: int = attrs.field(default=0, validator=whole(0))
    grace_kind: GraceDays = attrs.field(default=GraceDays.TOLERANCE, converter=_to_grace_kind)

    @exact
    def __attrs_post_init__(self) -> None:
        percent = isinstance(self.late_fee, _Percent)
        basis = self.late_fee_basis
        if basis is None:
            basis = LateFeeBasis.INSTALLMENT if percent else LateFeeBasis.FLAT
        if percent and basis is LateFeeBasis.FLAT:
            raise InvalidValue(
                E_(
                    "'late_fee' %(late_fee_self)s %% is a percentage, but 'late_fee_basis' "
                    "is flat: give an amount or a percentage basis.",
                    late_fee_self=format(self.late_fee * 100, "f"),
                ),
                field="late_fee",
                value=self.late_fee,
            )
        value = Decimal(self.late_fee)
        if percent and value >= 1:
            raise InvalidValue(
                E_(
                    "'late_fee' of a percentage fee must be below 100 %% (got %(value)s %%).",
                    value=format(value * 100, "f"),
                ),
                field="late_fee",
                value=value,
            )
        if not percent and basis is not LateFeeBasis.FLAT and value >= 1:
            raise InvalidValue(
                E_(
                    "'late_fee' of a percentage fee must be below 100 %% (got %(value)s); "
                    "write 5 %% as '5%%'.",
                    value=value,
                ),
                field="late_fee",
                value=value,
            )
        if self.late_fee_every is not None and self.late_fee_every < 1:
            raise InvalidValue(
                E_(
                    "'late_fee_every' must be 1 day or more (got %(late_fee_every)s).",
                    late_fee_every=self.late_fee_every,
                ),
                field="late_fee_every",
                value=self.late_fee_every,
            )
        object.__setattr__(self, "late_fee", value)
        object.__setattr__(self, "late_fee_basis", basis)

    @property
    def fee_is_percentage(self) -> bool:
        """Whether ``late_fee`` is a fraction of an overdue amount."""
        return self.late_fee_basis is not LateFeeBasis.FLAT

    def check_money(self, unit: Decimal, currency: str, principal: Decimal | None = None) -> None:
        """Refuse a fee amount or cap finer than the currency's ``unit`` (no sub-céntimo fee)
        and, given the loan's ``principal``, a flat late fee above it (a fee larger than the
        whole loan for one late installment is a typo, issue 20 §2; see docs/conventions.md,
        "Bounds")."""
        for name, amount in (
            ("late_fee", None if self.fee_is_percentage else self.late_fee),
            ("late_fee_cap", self.late_fee_cap),
        ):
            if amount is not None and amount % unit != 0:
                raise InvalidValue(
                    E_(
                        "'%(name)s' must be a whole number of %(currency)s %(unit)s (got "
                        "%(amount)s).",
                        name=name,
                        currency=currency,
                        unit=unit,
                        amount=amount,
                    ),
                    field=name,
                    value=amount,
                )
        fee = None if self.fee_is_percentage else self.late_fee
        if principal is not None and fee is not None and fee > principal:
            raise InvalidValue(
                E_(
                    "'late_fee' must be at most the loan's principal, %(currency)s "
                    "%(principal)s (got %(currency)s %(fee)s).",
                    currency=currency,
                    principal=principal,
                    fee=format(fee, "f"),
                ),
                field="late_fee",
                value=fee,
            )

    @classmethod
    def none(cls) -> LatePolicy:
        """No moratorium, no compensatory interest after the due date, no late fee."""
        return cls(moratorium=None, compensatory=False)

    @classmethod
    def light(cls, moratorium: Rate | Decimal | int | str | None = "19%") -> LatePolicy:
        """The lighter variant: moratorium on the overdue principal only, no late compensatory
        interest (coopfinance's default before issue 15)."""
        return cls(moratorium=moratorium, base=LateBase.PRINCIPAL, compensatory=False)
