"""Charges on a loan: upfront fees, installment fees, insurance and taxes.

Each charge lands in its own column of the schedule — ``fees`` (upfront fees are recorded on the
schedule itself), ``insurance`` and ``taxes`` — and ``charges`` is their sum. What each
cost-of-credit figure includes is decided per column by the figure, explicitly and overridably
(see :mod:`coopfinance.cost`): Peru's TCEA counts fees and insurance, never taxes.

The text form (CLI ``--charge``, :meth:`Charge.parse`) is ``KIND:VALUE[:OPTION...]``; a VALUE
ending in ``%`` is a rate, otherwise an amount in the loan's currency:

=====================================  ===========================================================
``upfront:1%:withheld``                1 % of the amount lent, withheld from the disbursement
``upfront:100:financed``               S/ 100 added to the principal and repaid with interest
``installment:10.00``                  S/ 10.00 with every installment
``installment:1%[:installment]``       1 % of each installment's principal + interest
``installment:1%:principal``           1 % of each installment's principal (also ``interest``,
                                       ``amount`` = of the amount lent)
``insurance:0.10%[:balance]``          0.10 % a month of the opening balance (desgravamen)
``insurance:0.0675%:original``         0.0675 % a month of the original amount (Agrobanco)
``insurance:9.00``                     S/ 9.00 with every installment
``...:prorated``                       insurance by actual days (× days/30) instead of per period
``tax:0.005%``                         Peru's ITF on each payment and on the disbursement
``tax:0.005%:payments``                only on payments (``disbursement`` for only that)
``...:grace-spread``                   in grace periods: ``grace-bill`` (default), ``grace-spread``,
                                       ``grace-first``, ``grace-waive`` (see :class:`DuringGrace`)
=====================================  ===========================================================

Insurance rates are monthly: a period of another frequency is charged ``12/k`` months' worth
(k periods a year), or ``days/30`` when prorated.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from coopfinance._decimal import exact, parse_number, to_decimal
from coopfinance._fields import ParseableEnum
from coopfinance._money import RoundingPolicy
from coopfinance.errors import E_, InvalidValue, ParseError, WrongType, fmt_value

__all__ = ["Charge", "ChargeBasis", "ChargeKind", "DuringGrace", "Upfront"]


class ChargeKind(ParseableEnum):
    """What a charge is, which fixes its column."""

    UPFRONT = "upfront"
    """A fee at disbursement (column: the schedule's ``fees_withheld``/``fees_financed``)."""
    INSTALLMENT = "installment"
    """A fee with every installment (column ``fees``)."""
    INSURANCE = "insurance"
    """Credit life insurance, seguro de desgravamen (column ``insurance``)."""
    TAX = "tax"
    """A tax on payments and disbursements such as Peru's ITF (column ``taxes``)."""


class ChargeBasis(ParseableEnum):
    """What a percentage charge is a percentage of."""

    FLAT = "flat"
    """Not a percentage: a fixed amount."""
    AMOUNT = "amount"
    """The amount lent (upfront fees; installment fees "of the amount")."""
    INSTALLMENT = "installment"
    """The installment's principal + interest."""
    PRINCIPAL = "principal"
    """The installment's principal."""
    INTEREST = "interest"
    """The installment's interest."""
    BALANCE = "balance"
    """The opening balance of the period (insurance)."""
    ORIGINAL = "original"
    """The original principal, every period (insurance)."""
    PAYMENT = "payment"
    """Everything paid (taxes on payments)."""


class DuringGrace(ParseableEnum):
    """What an installment fee or insurance does in the grace periods of a schedule.

    The default, :attr:`BILL`, keeps what coopfinance and Apache Fineract do (charges attached by
    their charge time, grace or not): the grace row's cuota is the charge alone. No published
    Peruvian *gracia total* cronograma with a per-installment fee was found to decide otherwise
    (see docs/charges.md).
    """

    BILL = "bill"
    """Charged with each grace row, as with any other row."""
    SPREAD = "spread"
    """Not charged in grace; the grace rows' amounts are spread evenly over the rows after it."""
    FIRST = "first"
    """Not charged in grace; the grace rows' amounts are added to the first row after it."""
    WAIVE = "waive"
    """Not charged in grace at all."""


class Upfront(ParseableEnum):
    """How an upfront fee is paid."""

    WITHHELD = "withheld"
    """Deducted from the disbursement: the borrower receives less."""
    FINANCED = "financed"
    """Added to the principal and repaid with interest."""


_DEFAULT_BASIS = {
    ChargeKind.UPFRONT: ChargeBasis.AMOUNT,
    ChargeKind.INSTALLMENT: ChargeBasis.INSTALLMENT,
    ChargeKind.INSURANCE: ChargeBasis.BALANCE,
    ChargeKind.TAX: ChargeBasis.PAYMENT,
}
_ALLOWED_BASIS = {
    ChargeKind.UPFRONT: {ChargeBasis.FLAT, ChargeBasis.AMOUNT},
    ChargeKind.INSTALLMENT: {
        ChargeBasis.FLAT,
        ChargeBasis.AMOUNT,
        ChargeBasis.INSTALLMENT,
        ChargeBasis.PRINCIPAL,
        ChargeBasis.INTEREST,
    },
    ChargeKind.INSURANCE: {ChargeBasis.FLAT, ChargeBasis.BALANCE, ChargeBasis.ORIGINAL},
    ChargeKind.TAX: {ChargeBasis.PAYMENT},
}

ITF_ROUNDING = RoundingPolicy(mode="down", unit="0.05")
"""Peru's ITF is rounded down to a multiple of S/ 0.05 (SUNAT practice as reported by secondary
sources; see docs/conventions.md). Override with ``Charge.tax(..., rounding=...)``."""


def _to_kind(value: ChargeKind | str) -> ChargeKind:
    return ChargeKind.parse(value, field="kind")


def _to_basis(value: ChargeBasis | str) -> ChargeBasis:
    return ChargeBasis.parse(value, field="basis")


def _to_upfront(value: Upfront | str | None) -> Upfront | None:
    return None if value is None else Upfront.parse(value)


def _to_grace(value: DuringGrace | str) -> DuringGrace:
    return DuringGrace.parse(value, field="during_grace")


def _to_value(value: Decimal | int | str) -> Decimal:
    return to_decimal(value, field="value")


@attrs.frozen(slots=True, kw_only=True)
class Charge:
    """One charge on a loan. Build it with a named constructor or :meth:`parse`.

    ``value`` is an amount when ``basis`` is FLAT, otherwise a fraction (``0.01`` for 1 %).

    >>> c = Charge.parse("insurance:0.0675%:original")
    >>> c.kind, c.value, c.basis
    (<ChargeKind.INSURANCE: 'insurance'>, Decimal('0.000675'), <ChargeBasis.ORIGINAL: 'original'>)
    >>> c.describe()
    'insurance:0.0675%:original'
    >>> Charge.upfront_fee("1%").upfront
    <Upfront.WITHHELD: 'withheld'>
    """

    kind: ChargeKind = attrs.field(converter=_to_kind)
    value: Decimal = attrs.field(converter=_to_value)
    basis: ChargeBasis = attrs.field(converter=_to_basis)
    upfront: Upfront | None = attrs.field(default=None, converter=_to_upfront)
    """Upfront fees only: withheld (default) or financed."""
    prorated: bool = False
    """Insurance only: charge by actual days (``days/30`` months) instead of per period."""
    on_payments: bool = True
    """Taxes only: on each payment."""
    on_disbursement: bool = False
    """Taxes only: on the disbursement too."""
    rounding: RoundingPolicy | None = None
    """How this charge is rounded; ``None``: the schedule's policy (taxes: :data:`ITF_ROUNDING`)."""
    label: str | None = None
    """A name for documents, e.g. ``"Seguro de desgravamen"``."""
    during_grace: DuringGrace = attrs.field(default=DuringGrace.BILL, converter=_to_grace)
    """Installment fees and insurance: what happens in grace periods (:class:`DuringGrace`)."""

    @exact
    def __attrs_post_init__(self) -> None:
        if self.value < 0:
            raise InvalidValue(
                E_(
                    "'value' of a %(value)s charge must not be negative (got %(value2)s).",
                    value=self.kind.value,
                    value2=self.value,
                ),
                field="value",
                value=self.value,
            )
        if self.basis not in _ALLOWED_BASIS[self.kind]:
            allowed = ", ".join(sorted(b.value for b in _ALLOWED_BASIS[self.kind]))
            raise InvalidValue(
                E_(
                    "'basis' of a %(value)s charge must be one of %(allowed)s (got %(value2)s).",
                    value=self.kind.value,
                    allowed=allowed,
                    value2=self.basis.value,
                ),
                field="basis",
                value=self.basis.value,
            )
        if self.kind is ChargeKind.UPFRONT and self.upfront is None:
            object.__setattr__(self, "upfront", Upfront.WITHHELD)
        if self.kind is not ChargeKind.UPFRONT and self.upfront is not None:
            raise InvalidValue(
                E_(
                    "'upfront' applies only to upfront fees, not to %(value)s (got %(value2)s).",
                    value=self.kind.value,
                    value2=self.upfront.value,
                ),
                field="upfront",
                value=self.upfront.value,
            )
        if self.basis is not ChargeBasis.FLAT and self.value >= 1:
            raise InvalidValue(
                E_(
                    "'value' of a percentage charge must be below 100 %% (got %(value)s); "
                    "write 1 %% as '1%%' or '0.01'.",
                    value=self.value,
                ),
                field="value",
                value=self.value,
            )

    @property
    def is_rate(self) -> bool:
        """Whether ``value`` is a fraction of a basis rather than an amount."""
        return self.basis is not ChargeBasis.FLAT

    # -- named constructors -----------------------------------------------------------------
    @classmethod
    def upfront_fee(
        cls, value: Decimal | int | str, *, financed: bool = False, label: str | None = None
    ) -> Charge:
        """A fee at disbursement: ``"1%"`` of the amount lent, or an amount; withheld by default."""
        rate, v = _rate_or_amount(value)
        return cls(
            kind=ChargeKind.UPFRONT,
            value=v,
            basis=ChargeBasis.AMOUNT if rate else ChargeBasis.FLAT,
            upfront=Upfront.FINANCED if financed else Upfront.WITHHELD,
            label=label,
        )

    @classmethod
    def installment_fee(
        cls,
        value: Decimal | int | str,
        *,
        basis: ChargeBasis | str = ChargeBasis.INSTALLMENT,
        label: str | None = None,
    ) -> Charge:
        """A fee with every installment: an amount, or a percentage of ``basis``."""
        rate, v = _rate_or_amount(value)
        return cls(
            kind=ChargeKind.INSTALLMENT,
            value=v,
            basis=basis if rate else ChargeBasis.FLAT,
            label=label,
        )

    @classmethod
    def insurance(
        cls,
        value: Decimal | int | str,
        *,
        basis: ChargeBasis | str = ChargeBasis.BALANCE,
        prorated: bool = False,
        label: str | None = None,
    ) -> Charge:
        """Credit life insurance: a monthly percentage of the balance or of the original amount,
        or an amount per installment."""
        rate, v = _rate_or_amount(value)
        return cls(
            kind=ChargeKind.INSURANCE,
            value=v,
            basis=basis if rate else ChargeBasis.FLAT,
            prorated=prorated,
            label=label,
        )

    @classmethod
    def tax(
        cls,
        value: Decimal | int | str,
        *,
        on_payments: bool = True,
        on_disbursement: bool = True,
        rounding: RoundingPolicy | None = None,
        label: str | None = None,
    ) -> Charge:
        """A tax on payments (and the disbursement), such as Peru's ITF ``"0.005%"``."""
        rate, v = _rate_or_amount(value)
        if not rate:
            raise InvalidValue(
                E_(
                    "'value' of a tax must be a percentage such as '0.005%%' (got %(value)s).",
                    value=fmt_value(value),
                ),
                field="value",
                value=value,
            )
        return cls(
            kind=ChargeKind.TAX,
            value=v,
            basis=ChargeBasis.PAYMENT,
            on_payments=on_payments,
            on_disbursement=on_disbursement,
            rounding=rounding,
            label=label,
        )

    @classmethod
    def parse(cls, text: str) -> Charge:
        """Read the text form ``KIND:VALUE[:OPTION...]`` (see the module docstring)."""
        if not isinstance(text, str):
            raise WrongType(
                E_(
                    "'charge' must be text such as 'upfront:1%%:withheld' (got %(text)s).",
                    text=repr(text),
                ),
                field="charge",
                value=text,
            )
        parts = [p.strip() for p in text.split(":")]
        if len(parts) < 2 or not parts[1]:
            raise ParseError(
                E_(
                    "'charge' must be KIND:VALUE[:OPTION], e.g. 'upfront:1%%:withheld' "
                    "(got %(text)s).",
                    text=repr(text),
                ),
                field="charge",
                value=text,
            )
        kind = _to_kind(parts[0])
        value, options = parts[1], [o.lower() for o in parts[2:]]
        grace = [o for o in options if o.startswith("grace-")]
        options = [o for o in options if not o.startswith("grace-")]
        if grace:
            if kind not in (ChargeKind.INSTALLMENT, ChargeKind.INSURANCE):
                raise ParseError(
                    E_(
                        "option %(grace)s applies only to installment fees and insurance (in "
                        "%(text)s).",
                        grace=repr(grace[0]),
                        text=repr(text),
                    ),
                    field="charge",
                    value=text,
                )
            charge = cls.parse(":".join([parts[0], parts[1], *options]))
            return attrs.evolve(charge, during_grace=grace[-1][len("grace-") :])
        try:
            if kind is ChargeKind.UPFRONT:
                _only(options, {"withheld", "financed"}, text)
                return cls.upfront_fee(value, financed="financed" in options)
            if kind is ChargeKind.INSTALLMENT:
                bases = [
                    o for o in options if o in {"installment", "principal", "interest", "amount"}
                ]
                _only(options, {"installment", "principal", "interest", "amount"}, text)
                return cls.installment_fee(value, basis=bases[-1] if bases else "installment")
            if kind is ChargeKind.INSURANCE:
                _only(options, {"balance", "original", "prorated"}, text)
                basis = "original" if "original" in options else "balance"
                return cls.insurance(value, basis=basis, prorated="prorated" in options)
            _only(options, {"payments", "disbursement", "both"}, text)
            payments = not options or "payments" in options or "both" in options
            disbursement = not options or "disbursement" in options or "both" in options
            return cls.tax(value, on_payments=payments, on_disbursement=disbursement)
        except ParseError as exc:
            raise ParseError(
                E_("'charge' %(text)s: %(exc)s", text=repr(text), exc=exc),
                field="charge",
                value=text,
            ) from None

    def describe(self) -> str:
        """The text form, which :meth:`parse` reads back."""
        v = f"{(self.value * 100).normalize():f}%" if self.is_rate else f"{self.value}"
        out = [self.kind.value, v]
        if self.kind is ChargeKind.UPFRONT and self.upfront is not None:
            out.append(self.upfront.value)
        elif self.kind is ChargeKind.INSTALLMENT and self.is_rate:
            out.append(self.basis.value)
        elif self.kind is ChargeKind.INSURANCE:
            if self.is_rate:
                out.append(self.basis.value)
            if self.prorated:
                out.append("prorated")
        elif self.kind is ChargeKind.TAX and not (self.on_payments and self.on_disbursement):
            out.append("payments" if self.on_payments else "disbursement")
        if self.during_grace is not DuringGrace.BILL:
            out.append(f"grace-{self.during_grace.value}")
        return ":".join(out)

    def tax_rounding(self) -> RoundingPolicy:
        """The rounding of a tax: its own, or :data:`ITF_ROUNDING`."""
        return self.rounding or ITF_ROUNDING


def _only(options: list[str], allowed: set[str], text: str) -> None:
    for o in options:
        if o not in allowed:
            raise ParseError(
                E_(
                    "option %(o)s must be one of %(allowed)s (in %(text)s).",
                    o=repr(o),
                    allowed=", ".join(sorted(allowed)),
                    text=repr(text),
                ),
                field="charge",
                value=text,
            )


def _rate_or_amount(value: Decimal | int | str) -> tuple[bool, Decimal]:
    if isinstance(value, str):
        is_rate = value.strip().endswith("%")
        return is_rate, parse_number(value, field="value")
    return False, to_decimal(value, field="value")
