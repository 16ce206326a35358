"""Loan terms: everything that fixes a repayment schedule, validated on construction."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from coopfinance._calendar import (
    BusinessDay,
    DayCount,
    Frequency,
    HolidayCalendar,
    calendar_dates,
    check_increasing,
)
from coopfinance._charges import Charge, ChargeBasis, ChargeKind
from coopfinance._decimal import CONTEXT, to_decimal
from coopfinance._enums import parse_enum
from coopfinance._money import Money, RoundingPolicy
from coopfinance._rates import Rate
from coopfinance.errors import InvalidLoanTerms, ParseError, WrongType, fmt_value

if TYPE_CHECKING:
    from coopfinance._schedule import Schedule

_E = TypeVar("_E", bound=enum.Enum)

__all__ = ["MAX_INSTALLMENTS", "Amortization", "Grace", "GraceType", "LoanTerms"]

MAX_INSTALLMENTS = 600
"""The most installments a schedule may have (50 years monthly, 11 years weekly)."""


class Amortization(enum.Enum):
    """How principal is repaid."""

    LEVEL = "level"
    """French: the same total each period, ``C = P / Σ vₖ`` (cuota fija)."""
    CONSTANT_PRINCIPAL = "constant-principal"
    """German: the same principal each period, interest on the balance (cuota decreciente)."""
    FLAT = "flat"
    """Interest on the original principal for the whole term, spread evenly."""
    BULLET = "bullet"
    """Principal and all interest at maturity, nothing before."""
    INTEREST_ONLY = "interest-only"
    """Interest each period, principal at maturity."""
    WEIGHTED = "weighted"
    """Installments proportional to given weights: ``Cₖ = wₖ·P / Σ wₖ·vₖ`` (seasonal plans)."""

    @classmethod
    def parse(cls, text: str | Amortization) -> Amortization:
        """Read a member's value, e.g. ``level`` or ``constant-principal``."""
        return _parse_enum(cls, text, "amortization")


class GraceType(enum.Enum):
    """What happens to interest during grace periods."""

    CAPITALIZE = "capitalize"
    """"Gracia total": nothing is paid and interest is added to the balance."""
    PAY_INTEREST = "pay-interest"
    """"Gracia parcial": only interest is paid."""
    WAIVE = "waive"
    """Nothing is paid and no interest is charged (an interest-free period)."""

    @classmethod
    def parse(cls, text: str | GraceType) -> GraceType:
        """Read ``capitalize``, ``pay-interest`` or ``waive``."""
        return _parse_enum(cls, text, "grace_type")


def _to_grace_type(value: GraceType | str) -> GraceType:
    return GraceType.parse(value)


def _parse_enum(cls: type[_E], text: Any, field: str) -> _E:
    return parse_enum(cls, text, field, error=InvalidLoanTerms)


def _nonneg_int(field: str) -> Any:
    def check(instance: Any, attribute: Any, value: Any) -> None:
        if not isinstance(value, int) or isinstance(value, bool):
            raise WrongType(
                f"{field!r} must be a whole number (got {fmt_value(value)}).",
                field=field,
                value=value,
            )
        if value < 0:
            raise InvalidLoanTerms(
                f"{field!r} must not be negative (got {value}).", field=field, value=value
            )

    return check


@attrs.frozen(slots=True, kw_only=True)
class Grace:
    """``periods`` grace periods at the start of the schedule, counted among the installments.

    >>> Grace(periods=2, kind=GraceType.PAY_INTEREST)
    Grace(periods=2, kind=<GraceType.PAY_INTEREST: 'pay-interest'>)
    """

    periods: int = attrs.field(default=0, validator=_nonneg_int("grace"))
    kind: GraceType = attrs.field(default=GraceType.CAPITALIZE, converter=_to_grace_type)


def _to_principal(value: Any) -> Money:
    if isinstance(value, Money):
        return value
    if isinstance(value, str):
        return Money.parse(value)
    return Money(amount=to_decimal(value, field="principal"))


def _to_date(field: str) -> Any:
    def convert(value: Any) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                raise ParseError(
                    f"{field!r} must be a date such as '2026-01-15' (got {value!r}).",
                    field=field,
                    value=value,
                ) from None
        raise WrongType(
            f"{field!r} must be a date or ISO text such as '2026-01-15' (got {value!r}).",
            field=field,
            value=value,
        )

    return convert


_disbursed_date = _to_date("disbursed")
_first_due_date = _to_date("first_due")


def _to_disbursed(value: Any) -> dt.date:
    result: dt.date = _disbursed_date(value)
    return result


def _to_first_due(value: Any) -> dt.date | None:
    if value is None:
        return None
    result: dt.date = _first_due_date(value)
    return result


def _to_frequency(value: Frequency | str) -> Frequency:
    return Frequency.parse(value)


def _to_amortization(value: Amortization | str) -> Amortization:
    return Amortization.parse(value)


def _to_day_count(value: DayCount | str) -> DayCount:
    return DayCount.parse(value)


def _to_business_day(value: BusinessDay | str) -> BusinessDay:
    return BusinessDay.parse(value)


def _opt_dates(value: Iterable[Any] | None) -> tuple[dt.date, ...] | None:
    if value is None:
        return None
    if isinstance(value, str | bytes):
        raise WrongType(
            f"'due_dates' must be a list of dates (got {value!r}).", field="due_dates", value=value
        )
    conv = _to_date("due_dates")
    return tuple(conv(v) for v in value)


def _opt_weights(value: Iterable[Any] | None) -> tuple[Decimal, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = [v for v in value.split(",") if v.strip()]
    return tuple(to_decimal(v, field="weights") for v in value)


def _to_charges(value: Iterable[Charge | str]) -> tuple[Charge, ...]:
    if isinstance(value, Charge | str):
        value = [value]
    out = []
    for item in value:
        c = Charge.parse(item) if isinstance(item, str) else item
        if not isinstance(c, Charge):
            raise WrongType(
                f"'charges' must hold Charge values or text such as 'upfront:1%' (got {c!r}).",
                field="charges",
                value=c,
            )
        out.append(c)
    return tuple(out)


def _to_down_payment(value: Any) -> Decimal | None:
    if value is None:
        return None
    share = to_decimal(value, field="down_payment")
    if not 0 < share < 1:
        raise InvalidLoanTerms(
            f"'down_payment' must be a share between 0 and 100 % (got {share}).",
            field="down_payment",
            value=share,
        )
    return share


def _default_holidays() -> HolidayCalendar:
    return HolidayCalendar.peru()


@attrs.frozen(slots=True, kw_only=True)
class LoanTerms:
    """The terms of a loan, which fix its schedule (see :meth:`schedule`).

    Money and rates accept ``Decimal``, ``int`` or ``str`` and refuse ``float``; ``principal`` may be
    a :class:`Money` or text such as ``"S/ 5,000"`` (a bare number is in soles, PEN).

    - ``installments`` counts every period, grace periods included; with ``due_dates`` it may be
      omitted (it is then their number).
    - due dates: ``due_dates`` if given, else ``installments`` dates every ``frequency`` from
      ``first_due`` (default one period after ``disbursed``), rolled by ``business_day`` on
      ``holidays`` (Peru's public holidays by default; unadjusted unless asked).
    - ``amortization`` defaults to FLAT for a flat rate and LEVEL otherwise; ``weights`` (one
      positive weight per installment after grace) go with WEIGHTED.
    - ``day_count`` defaults to ACT_360 (Peru: actual days, 360-day year), and to PER_PERIOD for a
      flat rate (each period charges exactly its share of the annual flat rate).

    >>> terms = LoanTerms(principal="5000", rate=Rate.effective_annual("35%"), installments=12,
    ...                   disbursed=dt.date(2026, 1, 15))
    >>> terms.schedule().installment_amount
    Decimal('489.11')
    """

    principal: Money = attrs.field(converter=_to_principal)
    rate: Rate = attrs.field(validator=attrs.validators.instance_of(Rate))
    disbursed: dt.date = attrs.field(converter=_to_disbursed)
    installments: int | None = None
    frequency: Frequency = attrs.field(default=Frequency.MONTHLY, converter=_to_frequency)
    first_due: dt.date | None = attrs.field(default=None, converter=_to_first_due)
    due_dates: tuple[dt.date, ...] | None = attrs.field(default=None, converter=_opt_dates)
    amortization: Amortization = attrs.field(converter=_to_amortization)
    weights: tuple[Decimal, ...] | None = attrs.field(default=None, converter=_opt_weights)
    day_count: DayCount = attrs.field(converter=_to_day_count)
    grace: Grace = attrs.field(factory=Grace, validator=attrs.validators.instance_of(Grace))
    rounding: RoundingPolicy = attrs.field(
        factory=RoundingPolicy, validator=attrs.validators.instance_of(RoundingPolicy)
    )
    business_day: BusinessDay = attrs.field(
        default=BusinessDay.UNADJUSTED, converter=_to_business_day
    )
    holidays: HolidayCalendar = attrs.field(
        factory=_default_holidays, validator=attrs.validators.instance_of(HolidayCalendar)
    )
    charges: tuple[Charge, ...] = attrs.field(default=(), converter=_to_charges)
    """Upfront fees, installment fees, insurance and taxes (see :class:`Charge`)."""
    down_payment: Decimal | None = attrs.field(default=None, converter=_to_down_payment)
    """A share of the amount lent due at disbursement (``"25%"``), as installment number 0."""
    level_includes_insurance: bool = False
    """Keep principal + interest + insurance on the balance level (the lender's "cuota total")."""

    @amortization.default
    def _default_amortization(self) -> Amortization:
        return Amortization.FLAT if self.rate.is_flat else Amortization.LEVEL

    @day_count.default
    def _default_day_count(self) -> DayCount:
        return DayCount.PER_PERIOD if self.rate.is_flat else DayCount.ACT_360

    def __attrs_post_init__(self) -> None:
        _validate(self)

    @property
    def currency(self) -> str:
        """The principal's ISO 4217 code."""
        return self.principal.currency.code

    @property
    def count(self) -> int:
        """The number of installments, grace periods included."""
        if self.due_dates is not None:
            return len(self.due_dates)
        assert self.installments is not None
        return self.installments

    def dates(self) -> list[dt.date]:
        """The due dates, rolled to business days where ``business_day`` asks."""
        return calendar_dates(
            self.disbursed,
            self.frequency,
            self.count,
            self.first_due,
            self.due_dates,
            self.business_day,
            self.holidays,
        )

    def schedule(self) -> Schedule:
        """The repayment schedule (cronograma) these terms define."""
        from coopfinance._schedule import build_schedule

        return build_schedule(self)

    def evolve(self, **changes: Any) -> LoanTerms:
        """A copy with ``changes`` applied and validated again (``attrs.evolve``)."""
        return attrs.evolve(self, **changes)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> LoanTerms:
        """Terms from plain data (e.g. parsed JSON or TOML): strings for amounts, rates and dates.

        Keys: ``principal``, ``currency``, ``rate`` and ``rate_type`` (see :meth:`Rate.parse`),
        ``disbursed``, and optionally ``installments``, ``frequency``, ``first_due``, ``due_dates``,
        ``amortization``, ``weights``, ``day_count``, ``grace`` and ``grace_type``, ``rounding``,
        ``rounding_unit``, ``installment_multiple``, ``business_day``, ``holidays`` (``"PE"`` or
        ``"none"``). Unknown keys are an error.
        """
        from coopfinance._interchange import terms_from_mapping

        return terms_from_mapping(data)


def _validate(t: LoanTerms) -> None:
    if t.principal.amount <= 0:
        raise InvalidLoanTerms(
            f"'principal' must be positive (got {t.principal.amount}).",
            field="principal",
            value=t.principal.amount,
        )
    if t.due_dates is not None:
        if t.installments is not None and t.installments != len(t.due_dates):
            raise InvalidLoanTerms(
                f"'installments' must equal the number of due dates, {len(t.due_dates)} "
                f"(got {t.installments}).",
                field="installments",
                value=t.installments,
            )
        if t.first_due is not None:
            raise InvalidLoanTerms(
                "'first_due' cannot be combined with 'due_dates' (got "
                f"{t.first_due.isoformat()}); list every date in 'due_dates'.",
                field="first_due",
                value=t.first_due,
            )
    elif t.installments is None:
        raise InvalidLoanTerms(
            "'installments' is needed when no 'due_dates' are given (got None).",
            field="installments",
            value=None,
        )
    count = t.count
    if not isinstance(count, int) or isinstance(count, bool):
        raise WrongType(
            f"'installments' must be a whole number (got {fmt_value(count)}).",
            field="installments",
            value=count,
        )
    if not 1 <= count <= MAX_INSTALLMENTS:
        raise InvalidLoanTerms(
            f"'installments' must be between 1 and {MAX_INSTALLMENTS} (got {count}).",
            field="installments",
            value=count,
        )
    if t.first_due is not None and t.first_due <= t.disbursed:
        raise InvalidLoanTerms(
            f"'first_due' must be after the disbursement date {t.disbursed.isoformat()} "
            f"(got {t.first_due.isoformat()}).",
            field="first_due",
            value=t.first_due,
        )
    if t.due_dates is not None:
        check_increasing(t.disbursed, t.due_dates, field="due_dates")
    g = t.grace.periods
    if g >= count:
        raise InvalidLoanTerms(
            f"'grace' must be fewer periods than the {count} installments (got {g}).",
            field="grace",
            value=g,
        )
    if t.rate.is_flat and t.amortization is not Amortization.FLAT:
        raise InvalidLoanTerms(
            f"'amortization' must be flat for a flat rate (got {t.amortization.value}).",
            field="amortization",
            value=t.amortization.value,
        )
    if t.amortization is Amortization.BULLET and g:
        raise InvalidLoanTerms(
            f"'grace' does not apply to a bullet loan, which already defers everything (got {g}).",
            field="grace",
            value=g,
        )
    if t.amortization is Amortization.WEIGHTED:
        if t.weights is None or len(t.weights) != count - g:
            got = "None" if t.weights is None else f"{len(t.weights)} weights"
            raise InvalidLoanTerms(
                f"'weights' must give one weight per installment after grace, {count - g} "
                f"(got {got}).",
                field="weights",
                value=t.weights,
            )
        for w in t.weights:
            if w <= 0:
                raise InvalidLoanTerms(
                    f"'weights' must all be positive (got {w}).", field="weights", value=w
                )
    elif t.weights is not None:
        raise InvalidLoanTerms(
            f"'weights' go only with weighted amortization (got {t.amortization.value}).",
            field="weights",
            value=t.weights,
        )
    if t.level_includes_insurance:
        on_balance = [
            c
            for c in t.charges
            if c.kind is ChargeKind.INSURANCE and c.basis is ChargeBasis.BALANCE
        ]
        if t.amortization is not Amortization.LEVEL or not on_balance:
            raise InvalidLoanTerms(
                "'level_includes_insurance' needs level amortization and insurance on the balance "
                f"(got {t.amortization.value} with {len(on_balance)} such insurance charges).",
                field="level_includes_insurance",
                value=True,
            )
    unit = t.rounding.unit_for(t.principal.currency)
    if CONTEXT.remainder(t.principal.amount, unit) != 0:
        raise InvalidLoanTerms(
            f"'principal' must be a multiple of the rounding unit {unit} (got {t.principal.amount}).",
            field="principal",
            value=t.principal.amount,
        )
    step = t.rounding.installment_multiple
    if step is not None and CONTEXT.remainder(step, unit) != 0:
        raise InvalidLoanTerms(
            f"'installment_multiple' must be a multiple of the rounding unit {unit} (got {step}).",
            field="installment_multiple",
            value=step,
        )
