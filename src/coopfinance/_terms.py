"""Loan terms: everything that fixes a repayment schedule, validated on construction, and their
plain-data form (JSON, TOML, CLI files): :meth:`LoanTerms.from_dict` / :meth:`LoanTerms.to_dict`.

Dependencies point one way: this module → :mod:`coopfinance._builder` (the engine, which reads the
terms through a protocol) → :mod:`coopfinance._schedule` (the values). The conventions
(:class:`Amortization`, :class:`GraceType`, :class:`Grace`) are in :mod:`coopfinance._conventions`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, localcontext
from typing import Any

import attrs

from coopfinance._builder import Prepared, build_schedule, prepare
from coopfinance._calendar import (
    BusinessDay,
    DayCount,
    Frequency,
    HolidayCalendar,
    calendar_dates,
    check_increasing,
)
from coopfinance._charges import Charge, ChargeBasis, ChargeKind
from coopfinance._conventions import MAX_INSTALLMENTS, Amortization, Grace
from coopfinance._decimal import CONTEXT, exact, to_decimal
from coopfinance._fields import to_date, to_optional_date, to_table, to_whole
from coopfinance._money import Money, RoundingPolicy
from coopfinance._rates import Rate, RateKind
from coopfinance._schedule import Schedule
from coopfinance.errors import E_, InvalidLoanTerms, WrongType

__all__ = ["TERMS_KEYS", "LoanTerms"]

TERMS_KEYS = (
    "principal",
    "currency",
    "rate",
    "rate_type",
    "disbursed",
    "installments",
    "frequency",
    "first_due",
    "due_dates",
    "amortization",
    "weights",
    "day_count",
    "grace",
    "grace_type",
    "rounding",
    "rounding_unit",
    "installment_multiple",
    "business_day",
    "holidays",
    "charges",
    "down_payment",
    "level_includes_insurance",
)
"""The keys of :meth:`LoanTerms.from_dict` (and of the CLI's ``--terms`` files)."""


# -- converters: named, with an annotated first parameter, so LoanTerms(...) is typed -------------
def _principal(value: Money | Decimal | int | str) -> Money:
    if isinstance(value, Money):
        return value
    if isinstance(value, str):
        return Money.parse(value)
    return Money(amount=to_decimal(value, field="principal"))


def _rate(value: Rate) -> Rate:
    """A :class:`Rate`, or a :class:`~coopfinance.errors.WrongType` naming the field: a bare
    ``"18%"`` does not say whether it is a TEA, a nominal rate or a flat rate."""
    if isinstance(value, Rate):
        return value
    raise WrongType(
        E_(
            "'rate' must be a Rate such as Rate.effective_annual('18%%') (a TEA), "
            "Rate.nominal_annual(...) or Rate.flat(...) (got %(value)s): a bare number or text "
            "does not say which kind of rate it is.",
            value=repr(value),
        ),
        field="rate",
        value=value,
    )


def _disbursed(value: dt.date | str) -> dt.date:
    return to_date(value, field="disbursed")


def _first_due(value: dt.date | str | None) -> dt.date | None:
    return to_optional_date(value, field="first_due")


def _installments(value: int | None) -> int | None:
    return None if value is None else to_whole(value, field="installments", error=InvalidLoanTerms)


def _frequency(value: Frequency | str) -> Frequency:
    return Frequency.parse(value)


def _amortization(value: Amortization | str) -> Amortization:
    return Amortization.parse(value)


def _day_count(value: DayCount | str) -> DayCount:
    return DayCount.parse(value)


def _business_day(value: BusinessDay | str) -> BusinessDay:
    return BusinessDay.parse(value)


def _due_dates(value: Iterable[dt.date | str] | None) -> tuple[dt.date, ...] | None:
    if value is None:
        return None
    if isinstance(value, str | bytes):
        raise WrongType(
            E_("'due_dates' must be a list of dates (got %(value)s).", value=repr(value)),
            field="due_dates",
            value=value,
        )
    return tuple(to_date(v, field="due_dates") for v in value)


def _weights(value: Iterable[Decimal | int | str] | str | None) -> tuple[Decimal, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = [v for v in value.split(",") if v.strip()]
    return tuple(to_decimal(v, field="weights") for v in value)


def _charges(value: Iterable[Charge | str] | Charge | str) -> tuple[Charge, ...]:
    if isinstance(value, Charge | str):
        value = [value]
    out = []
    for item in value:
        c = Charge.parse(item) if isinstance(item, str) else item
        if not isinstance(c, Charge):
            raise WrongType(
                E_(
                    "'charges' must hold Charge values or text such as 'upfront:1%%' (got %(c)s).",
                    c=repr(c),
                ),
                field="charges",
                value=c,
            )
        out.append(c)
    return tuple(out)


def _down_payment(value: Decimal | int | str | None) -> Decimal | None:
    if value is None:
        return None
    share = to_decimal(value, field="down_payment")
    if not 0 < share < 1:
        raise InvalidLoanTerms(
            E_("'down_payment' must be a share between 0 and 100 %% (got %(share)s).", share=share),
            field="down_payment",
            value=share,
        )
    return share


def _default_holidays() -> HolidayCalendar:
    return _PERU


_PERU = HolidayCalendar.peru()
_GRACE = Grace()
_ROUNDING = RoundingPolicy()
"""The defaults, one shared instance each (they are immutable, and a shared calendar is hashed
for the schedule builder's calendar cache once, not per terms)."""


def _default_grace() -> Grace:
    return _GRACE


def _default_rounding() -> RoundingPolicy:
    return _ROUNDING


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

    principal: Money = attrs.field(converter=_principal)
    rate: Rate = attrs.field(converter=_rate)
    disbursed: dt.date = attrs.field(converter=_disbursed)
    installments: int | None = attrs.field(default=None, converter=_installments)
    frequency: Frequency = attrs.field(default=Frequency.MONTHLY, converter=_frequency)
    first_due: dt.date | None = attrs.field(default=None, converter=_first_due)
    due_dates: tuple[dt.date, ...] | None = attrs.field(default=None, converter=_due_dates)
    amortization: Amortization = attrs.field(converter=_amortization)
    weights: tuple[Decimal, ...] | None = attrs.field(default=None, converter=_weights)
    day_count: DayCount = attrs.field(converter=_day_count)
    grace: Grace = attrs.field(
        factory=_default_grace, validator=attrs.validators.instance_of(Grace)
    )
    rounding: RoundingPolicy = attrs.field(
        factory=_default_rounding, validator=attrs.validators.instance_of(RoundingPolicy)
    )
    business_day: BusinessDay = attrs.field(default=BusinessDay.UNADJUSTED, converter=_business_day)
    holidays: HolidayCalendar = attrs.field(
        factory=_default_holidays, validator=attrs.validators.instance_of(HolidayCalendar)
    )
    charges: tuple[Charge, ...] = attrs.field(default=(), converter=_charges)
    """Upfront fees, installment fees, insurance and taxes (see :class:`Charge`)."""
    down_payment: Decimal | None = attrs.field(default=None, converter=_down_payment)
    """A share of the amount lent due at disbursement (``"25%"``), as installment number 0."""
    level_includes_insurance: bool = False
    """Keep principal + interest + insurance on the balance level (the lender's "cuota total")."""
    _prepared: Prepared | None = attrs.field(
        init=False, default=None, eq=False, hash=False, repr=False
    )
    """What every schedule of these terms needs (calendar, rounding), kept once computed: the
    terms are immutable (see :func:`coopfinance._builder.prepare`)."""

    @amortization.default
    def _default_amortization(self) -> Amortization:
        return Amortization.FLAT if self.rate.is_flat else Amortization.LEVEL

    @day_count.default
    def _default_day_count(self) -> DayCount:
        return DayCount.PER_PERIOD if self.rate.is_flat else DayCount.ACT_360

    def __attrs_post_init__(self) -> None:
        _validate(self)  # its decimal operations name CONTEXT: no context switch per terms

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

    @exact
    def schedule(self) -> Schedule:
        """The repayment schedule (cronograma) these terms define (see :mod:`coopfinance._builder`)."""
        prepared = self._prepared
        if prepared is None:
            prepared = prepare(self)
            object.__setattr__(self, "_prepared", prepared)  # a memo, not a change of value
        return build_schedule(self, prepared)

    def evolve(self, **changes: Any) -> LoanTerms:
        """A copy with ``changes`` applied and validated again (``attrs.evolve``)."""
        return attrs.evolve(self, **changes)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LoanTerms:
        """Terms from plain data (e.g. parsed JSON or TOML): strings for amounts, rates and dates.

        Keys (:data:`TERMS_KEYS`): ``principal``, ``currency``, ``rate`` and ``rate_type`` (see
        :meth:`Rate.parse`), ``disbursed``, and optionally ``installments``, ``frequency``,
        ``first_due``, ``due_dates``, ``amortization``, ``weights``, ``day_count``, ``grace`` and
        ``grace_type``, ``rounding``, ``rounding_unit``, ``installment_multiple``, ``business_day``,
        ``holidays`` (``"PE"`` or ``"none"``), ``charges``, ``down_payment``,
        ``level_includes_insurance``. Unknown keys are an error.

        >>> terms = LoanTerms.from_dict({"principal": "5000", "rate": "35%", "installments": 12,
        ...                              "disbursed": "2026-01-15"})
        >>> LoanTerms.from_dict(terms.to_dict()) == terms
        True
        """
        data = to_table(data, field="terms", error=InvalidLoanTerms)
        return _from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        """The plain-data form that :meth:`from_dict` reads back to equal terms.

        Rates are written with their value and kind (``rate_type``); effective rates per a period
        other than a month or a day, and holiday calendars with extra dates, have no plain form and
        raise :class:`~coopfinance.errors.InvalidLoanTerms`.
        """
        return _to_dict(self)


def _holidays(value: Any) -> HolidayCalendar:
    if value is None:
        return HolidayCalendar.peru()
    if isinstance(value, str):
        key = value.strip().lower()
        if key == "none":
            return HolidayCalendar.none()
        return HolidayCalendar(country=value.strip().upper())
    raise WrongType(
        E_(
            "'holidays' must be a country code such as 'PE' or 'none' (got %(value)s).",
            value=repr(value),
        ),
        field="holidays",
        value=value,
    )


def _from_dict(data: Mapping[str, Any]) -> LoanTerms:
    unknown = sorted(set(data) - set(TERMS_KEYS))
    if unknown:
        raise InvalidLoanTerms(
            E_(
                "unknown loan-terms key %(unknown)s (known: %(terms_keys)s).",
                unknown=repr(unknown[0]),
                terms_keys=", ".join(TERMS_KEYS),
            ),
            field=unknown[0],
            value=data[unknown[0]],
        )
    for key in ("principal", "rate", "disbursed"):
        if data.get(key) is None:
            raise InvalidLoanTerms(
                E_("%(key)s is required (got None).", key=repr(key)), field=key, value=None
            )
    principal = data["principal"]
    currency = data.get("currency")
    money = Money.parse(principal, currency) if not isinstance(principal, Money) else principal
    rate = data["rate"]
    if not isinstance(rate, Rate):
        rate = Rate.parse(rate, data.get("rate_type") or "effective-annual")
    holidays = _holidays(data.get("holidays"))
    business_day = data.get("business_day")
    if business_day is None:
        roll = data.get("holidays") not in (None, "none", "None", "NONE")
        business_day = BusinessDay.FOLLOWING if roll else BusinessDay.UNADJUSTED
    due = data.get("due_dates")
    if isinstance(due, str):
        due = [d for d in due.split(",") if d.strip()]
    kwargs: dict[str, Any] = {
        "principal": money,
        "rate": rate,
        "disbursed": data["disbursed"],
        "installments": data.get("installments"),
        "first_due": data.get("first_due"),
        "due_dates": due,
        "weights": data.get("weights"),
        "grace": Grace(periods=data.get("grace") or 0, kind=data.get("grace_type") or "capitalize"),
        "rounding": RoundingPolicy(
            mode=data.get("rounding") or "half-up",
            unit=data.get("rounding_unit"),
            installment_multiple=data.get("installment_multiple"),
        ),
        "business_day": business_day,
        "holidays": holidays,
    }
    for key in ("frequency", "amortization", "day_count", "down_payment"):
        if data.get(key) is not None:
            kwargs[key] = data[key]
    if data.get("charges"):
        kwargs["charges"] = data["charges"]
    if data.get("level_includes_insurance") is not None:
        flag = data["level_includes_insurance"]
        if not isinstance(flag, bool):
            raise WrongType(
                E_(
                    "'level_includes_insurance' must be true or false (got %(flag)s).",
                    flag=repr(flag),
                ),
                field="level_includes_insurance",
                value=flag,
            )
        kwargs["level_includes_insurance"] = flag
    return LoanTerms(**kwargs)


def _to_dict(terms: LoanTerms) -> dict[str, Any]:
    r = terms.rate
    kinds = {
        RateKind.EFFECTIVE_ANNUAL: "effective-annual",
        RateKind.NOMINAL_ANNUAL: "nominal-annual",
        RateKind.FLAT_ANNUAL: "flat-annual",
    }
    rate_type = kinds.get(r.kind)
    if rate_type is None:
        label = str(r.period)
        rate_type = {
            (RateKind.EFFECTIVE_PERIODIC, "monthly"): "effective-monthly",
            (RateKind.EFFECTIVE_PERIODIC, "1d"): "effective-daily",
            (RateKind.FLAT_PERIODIC, "monthly"): "flat-monthly",
        }.get((r.kind, label))
    if rate_type is None or terms.holidays.extra:
        raise InvalidLoanTerms(
            E_(
                "these terms have no plain-data form (rate %(r)s, holidays %(holidays)s).",
                r=r,
                holidays=terms.holidays,
            ),
            field="terms",
            value=terms,
        )
    out: dict[str, Any] = {
        "principal": str(terms.principal.amount),
        "currency": terms.currency,
        "rate": f"{(r.value * 100).normalize():f}%",  # with its unit: a bare number is a fraction
        "rate_type": rate_type,
        "disbursed": terms.disbursed.isoformat(),
        "installments": terms.count,
        "frequency": terms.frequency.label,
        "amortization": terms.amortization.value,
        "day_count": terms.day_count.value,
        "grace": terms.grace.periods,
        "grace_type": terms.grace.kind.value,
        "rounding": terms.rounding.mode.name.lower().replace("_", "-"),
        "business_day": terms.business_day.value,
        "holidays": terms.holidays.country or "none",
    }
    if terms.first_due is not None:
        out["first_due"] = terms.first_due.isoformat()
    if terms.due_dates is not None:
        out["due_dates"] = [d.isoformat() for d in terms.due_dates]
    if terms.weights is not None:
        out["weights"] = [str(w) for w in terms.weights]
    if terms.rounding.unit is not None:
        out["rounding_unit"] = str(terms.rounding.unit)
    if terms.rounding.installment_multiple is not None:
        out["installment_multiple"] = str(terms.rounding.installment_multiple)
    if terms.charges:
        out["charges"] = [c.describe() for c in terms.charges]
    if terms.down_payment is not None:
        out["down_payment"] = str(terms.down_payment)
    if terms.level_includes_insurance:
        out["level_includes_insurance"] = True
    return out


def _validate(t: LoanTerms) -> None:
    if t.principal.amount <= 0:
        raise InvalidLoanTerms(
            E_("'principal' must be positive (got %(amount)s).", amount=t.principal.amount),
            field="principal",
            value=t.principal.amount,
        )
    unit = t.principal.currency.unit
    code = t.principal.currency.code
    if CONTEXT.remainder(t.principal.amount, unit):
        raise InvalidLoanTerms(
            E_(
                "'principal' must be a whole number of %(code)s %(unit)s (got %(amount)s).",
                code=code,
                unit=unit,
                amount=t.principal.amount,
            ),
            field="principal",
            value=t.principal.amount,
        )
    for c in t.charges:
        if not c.is_rate and CONTEXT.remainder(c.value, unit):
            with localcontext(CONTEXT):
                shown = c.describe()
            raise InvalidLoanTerms(
                E_(
                    "'charges' amount of %(describe_c)s must be a whole number of %(code)s "
                    "%(unit)s (got %(value)s); sub-unit amounts cannot be billed.",
                    describe_c=repr(shown),
                    code=code,
                    unit=unit,
                    value=c.value,
                ),
                field="charges",
                value=c.value,
            )
    if t.due_dates is not None:
        if t.installments is not None and t.installments != len(t.due_dates):
            raise InvalidLoanTerms(
                E_(
                    "'installments' must equal the number of due dates, %(due_dates_t)s "
                    "(got %(installments)s).",
                    due_dates_t=len(t.due_dates),
                    installments=t.installments,
                ),
                field="installments",
                value=t.installments,
            )
        if t.first_due is not None:
            raise InvalidLoanTerms(
                E_(
                    "'first_due' cannot be combined with 'due_dates' (got "
                    "%(isoformat_first_due)s); list every date in 'due_dates'.",
                    isoformat_first_due=t.first_due.isoformat(),
                ),
                field="first_due",
                value=t.first_due,
            )
    elif t.installments is None:
        raise InvalidLoanTerms(
            E_("'installments' is needed when no 'due_dates' are given (got None)."),
            field="installments",
            value=None,
        )
    count = t.count
    if not 1 <= count <= MAX_INSTALLMENTS:
        raise InvalidLoanTerms(
            E_(
                "'installments' must be between 1 and %(max_installments)s (got %(count)s).",
                max_installments=MAX_INSTALLMENTS,
                count=count,
            ),
            field="installments",
            value=count,
        )
    if t.first_due is not None and t.first_due <= t.disbursed:
        raise InvalidLoanTerms(
            E_(
                "'first_due' must be after the disbursement date "
                "%(isoformat_disbursed)s (got %(isoformat_first_due)s).",
                isoformat_disbursed=t.disbursed.isoformat(),
                isoformat_first_due=t.first_due.isoformat(),
            ),
            field="first_due",
            value=t.first_due,
        )
    if t.due_dates is not None:
        check_increasing(t.disbursed, t.due_dates, field="due_dates")
    g = t.grace.periods
    if g >= count:
        raise InvalidLoanTerms(
            E_(
                "'grace' must be fewer periods than the %(count)s installments (got %(g)s).",
                count=count,
                g=g,
            ),
            field="grace",
            value=g,
        )
    if t.rate.is_flat and t.amortization is not Amortization.FLAT:
        raise InvalidLoanTerms(
            E_(
                "'amortization' must be flat for a flat rate (got %(value)s).",
                value=t.amortization.value,
            ),
            field="amortization",
            value=t.amortization.value,
        )
    rule = _KIND_RULES.get(t.amortization)
    if rule is not None:
        rule(t, count, g)
    if t.weights is not None and t.amortization is not Amortization.WEIGHTED:
        raise InvalidLoanTerms(
            E_(
                "'weights' go only with weighted amortization (got %(value)s).",
                value=t.amortization.value,
            ),
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
                E_(
                    "'level_includes_insurance' needs level amortization and insurance on "
                    "the balance (got %(value)s with %(on_balance)s such insurance "
                    "charges).",
                    value=t.amortization.value,
                    on_balance=len(on_balance),
                ),
                field="level_includes_insurance",
                value=True,
            )
    unit = t.rounding.unit_for(t.principal.currency)
    if CONTEXT.remainder(t.principal.amount, unit) != 0:
        raise InvalidLoanTerms(
            E_(
                "'principal' must be a multiple of the rounding unit %(unit)s (got %(amount)s).",
                unit=unit,
                amount=t.principal.amount,
            ),
            field="principal",
            value=t.principal.amount,
        )
    step = t.rounding.installment_multiple
    if step is not None and CONTEXT.remainder(step, unit) != 0:
        raise InvalidLoanTerms(
            E_(
                "'installment_multiple' must be a multiple of the rounding unit "
                "%(unit)s (got %(step)s).",
                unit=unit,
                step=step,
            ),
            field="installment_multiple",
            value=step,
        )


def _bullet_rule(t: LoanTerms, count: int, g: int) -> None:
    if g:
        raise InvalidLoanTerms(
            E_(
                "'grace' does not apply to a bullet loan, which already defers "
                "everything (got %(g)s).",
                g=g,
            ),
            field="grace",
            value=g,
        )


def _weighted_rule(t: LoanTerms, count: int, g: int) -> None:
    if t.weights is None or len(t.weights) != count - g:
        got = "None" if t.weights is None else f"{len(t.weights)} weights"
        raise InvalidLoanTerms(
            E_(
                "'weights' must give one weight per installment after grace, "
                "%(count_g)s (got %(got)s).",
                count_g=count - g,
                got=got,
            ),
            field="weights",
            value=t.weights,
        )
    for w in t.weights:
        if w <= 0:
            raise InvalidLoanTerms(
                E_("'weights' must all be positive (got %(w)s).", w=w), field="weights", value=w
            )


_KIND_RULES: dict[Amortization, Callable[[LoanTerms, int, int], None]] = {
    Amortization.BULLET: _bullet_rule,
    Amortization.WEIGHTED: _weighted_rule,
}
"""What an amortization kind asks of the other terms (``count`` installments, ``g`` of grace)."""
