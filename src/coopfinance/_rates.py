"""Interest rates and their exact conversions.

A :class:`Rate` is a value (a fraction: ``0.35`` for 35 %) and a :class:`RateKind`. What it charges
for a period of year fraction τ (see :class:`~coopfinance.DayCount`):

- effective annual ``r`` (Peru's TEA): ``i = (1 + r)^τ − 1``
- nominal annual ``j`` (simple within the period): ``i = j·τ``
- effective per period ``p`` for a frequency with ``k`` periods a year (TEM: k = 12, TED: k = 360):
  first the equivalent effective annual rate ``(1 + p)^k − 1``, so ``i = (1 + p)^(k·τ) − 1``
- flat per period ``f`` (or flat annual ``F = k·f``): ``i = F·τ`` charged on the original principal

Fractional powers are evaluated as ``exp(τ·ln(1 + r))`` in a 34-digit local context and cached per
distinct (rate, τ), so a schedule whose periods are 28–31 days long computes four factors, not one
per row; no intermediate rate is rounded.
"""

from __future__ import annotations

import enum
import functools
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from coopfinance._calendar import Frequency
from coopfinance._decimal import CONTEXT, ONE, fraction_to_decimal, to_decimal
from coopfinance.errors import E_, InvalidRate, fmt_value

__all__ = ["BARE_RATE_MAX", "Rate", "RateKind", "exact", "rate_value"]


class RateKind(enum.Enum):
    """How a rate is quoted."""

    EFFECTIVE_ANNUAL = "effective-annual"
    """Compounded: Peru's TEA (tasa efectiva anual)."""
    NOMINAL_ANNUAL = "nominal-annual"
    """Simple within each period (TNA; Fineract's annual nominal rate)."""
    EFFECTIVE_PERIODIC = "effective-periodic"
    """Effective per period of :attr:`Rate.period`: TEM (monthly), TED (daily, 360 a year)."""
    FLAT_PERIODIC = "flat-periodic"
    """Flat per period of :attr:`Rate.period`, on the original principal."""
    FLAT_ANNUAL = "flat-annual"
    """Flat per year, on the original principal."""


_MAX_RATE = Decimal(100)  # 10,000 % a year: anything above is a typo, not a loan
BARE_RATE_MAX = Decimal(1)
"""The bound on a rate written as a bare number: a bare number is a *fraction* (``0.35`` is
35 %) and must be below 1 (100 %). From 100 % up, write the rate with ``%`` (``"150%"``), up to
10,000 %; ``"1"`` is refused too, as it could mean 1 % or 100 %. So ``"35"`` and ``"19"``,
percentages without their sign, are refused, never read as 3,500 % or 1,900 % (see
docs/conventions.md, "Units")."""


class _Exact(Decimal):
    """A fraction computed by coopfinance itself (a conversion): exempt from :data:`BARE_RATE_MAX`."""

    __slots__ = ()


def exact(value: Decimal) -> Decimal:
    """Mark a computed fraction so a :class:`Rate` takes it whatever its size (internal use)."""
    return _Exact(value)


def rate_value(value: Any, *, field: str = "rate") -> Decimal:
    """A rate's fraction from ``"35%"`` (percent), or a bare number that is a fraction below
    :data:`BARE_RATE_MAX`; every rate field of coopfinance reads its value through this.

    >>> rate_value("35%")
    Decimal('0.35')
    >>> rate_value("0.35")
    Decimal('0.35')
    >>> rate_value("35", field="moratorium")
    Traceback (most recent call last):
    ...
    coopfinance.errors.InvalidRate: 'moratorium' must be written with '%': write '35%' for 35 % ...
    """
    if isinstance(value, _Exact):
        return Decimal(value)
    if isinstance(value, str) and value.strip().endswith("%"):
        return to_decimal(value, field=field)
    d = to_decimal(value, field=field)
    if d >= BARE_RATE_MAX:
        n = d.normalize()
        raise InvalidRate(
            E_(
                "%(field)s must be written with '%%': write '%(n)s%%' for %(n)s %% (a "
                "bare number is a fraction below 1: '%(normalize_n)s%%' is what %(n)s "
                "means) (got %(value)s).",
                field=repr(field),
                n=format(n, "f"),
                normalize_n=format((n * 100).normalize(), "f"),
                value=fmt_value(value),
            ),
            field=field,
            value=value,
        )
    return d


def _rate_value(value: Decimal | int | str) -> Decimal:
    return rate_value(value)


def _check_rate(instance: Rate, attribute: Any, value: Decimal) -> None:
    if value < 0:
        raise InvalidRate(
            E_("'rate' must not be negative (got %(value)s).", value=value),
            field="rate",
            value=value,
        )
    if value > _MAX_RATE:
        raise InvalidRate(
            E_(
                "'rate' must be at most 10000 %% (got %(normalize_value)s %%).",
                normalize_value=format((value * 100).normalize(), "f"),
            ),
            field="rate",
            value=value,
        )


def _opt_frequency(value: Frequency | str | None) -> Frequency | None:
    return None if value is None else Frequency.parse(value)


def _check_period(instance: Rate, attribute: Any, value: Frequency | None) -> None:
    periodic = instance.kind in (RateKind.EFFECTIVE_PERIODIC, RateKind.FLAT_PERIODIC)
    if periodic and value is None:
        raise InvalidRate(
            E_("'period' is needed for a %(value)s rate (got None).", value=instance.kind.value),
            field="period",
            value=value,
        )
    if not periodic and value is not None:
        raise InvalidRate(
            E_(
                "'period' applies only to periodic rates, not to %(value)s (got %(value2)s).",
                value=instance.kind.value,
                value2=value,
            ),
            field="period",
            value=value,
        )


@functools.lru_cache(maxsize=1024)
def _ln1p(rate: Decimal) -> Decimal:
    return CONTEXT.ln(ONE + rate)


@functools.lru_cache(maxsize=8192)
def _compound(rate: Decimal, tau: Fraction) -> Decimal:
    """(1 + rate)^τ − 1, to 34 significant digits."""
    if tau.denominator == 1 and 0 <= tau.numerator <= 64:
        return CONTEXT.subtract(CONTEXT.power(ONE + rate, tau.numerator), ONE)
    if rate == 0:
        return Decimal(0)
    exponent = CONTEXT.multiply(fraction_to_decimal(tau), _ln1p(rate))
    return CONTEXT.subtract(CONTEXT.exp(exponent), ONE)


@attrs.frozen(slots=True, kw_only=True, cache_hash=True)  # a calendar cache key, hashed often
class Rate:
    """An interest rate: ``value`` (a fraction, ``Decimal('0.35')`` for 35 %) and its ``kind``.

    Build it with a named constructor; each accepts ``Decimal``, ``int`` or text such as ``"35%"``
    and refuses ``float``:

    >>> tea = Rate.effective_annual("39.29%")
    >>> tea.to_effective_periodic(Frequency.MONTHLY).value.quantize(Decimal("0.0001"))
    Decimal('0.0280')
    >>> Rate.effective_monthly("2.5%").to_effective_annual().value.quantize(Decimal("0.000001"))
    Decimal('0.344889')
    """

    value: Decimal = attrs.field(converter=_rate_value, validator=_check_rate)
    kind: RateKind = RateKind.EFFECTIVE_ANNUAL
    period: Frequency | None = attrs.field(
        default=None, converter=_opt_frequency, validator=_check_period
    )
    compounding: int | None = attrs.field(default=None)
    """For a nominal annual rate: compounding periods a year, used only to convert it (default 12)."""

    # -- named constructors ------------------------------------------------------------------
    @classmethod
    def effective_annual(cls, value: Decimal | int | str) -> Rate:
        """An effective annual rate (Peru's TEA)."""
        return cls(value=value, kind=RateKind.EFFECTIVE_ANNUAL)

    @classmethod
    def nominal_annual(cls, value: Decimal | int | str, compounding: int | None = None) -> Rate:
        """A nominal annual rate, simple within each period (``compounding`` only for conversions)."""
        return cls(value=value, kind=RateKind.NOMINAL_ANNUAL, compounding=compounding)

    @classmethod
    def effective_periodic(cls, value: Decimal | int | str, period: Frequency | str) -> Rate:
        """An effective rate per ``period`` (e.g. ``Frequency.MONTHLY`` for a TEM)."""
        return cls(value=value, kind=RateKind.EFFECTIVE_PERIODIC, period=period)

    @classmethod
    def effective_monthly(cls, value: Decimal | int | str) -> Rate:
        """An effective monthly rate (TEM)."""
        return cls.effective_periodic(value, Frequency.MONTHLY)

    @classmethod
    def effective_daily(cls, value: Decimal | int | str) -> Rate:
        """An effective daily rate (TED), 360 days a year."""
        return cls.effective_periodic(value, Frequency.days(1))

    @classmethod
    def flat(cls, value: Decimal | int | str, period: Frequency | str = Frequency.MONTHLY) -> Rate:
        """A flat rate per ``period`` (default monthly), charged on the original principal."""
        return cls(value=value, kind=RateKind.FLAT_PERIODIC, period=period)

    @classmethod
    def flat_annual(cls, value: Decimal | int | str) -> Rate:
        """A flat rate per year, charged on the original principal."""
        return cls(value=value, kind=RateKind.FLAT_ANNUAL)

    @classmethod
    def parse(cls, value: Decimal | int | str, kind: RateKind | str) -> Rate:
        """A rate from a value and a kind name as the CLI spells it.

        Kinds: ``effective-annual``, ``nominal-annual``, ``effective-monthly``, ``effective-daily``,
        ``flat-monthly``, ``flat-annual``.
        """
        key = kind.value if isinstance(kind, RateKind) else str(kind).strip().lower()
        makers = {
            "effective-annual": cls.effective_annual,
            "tea": cls.effective_annual,
            "nominal-annual": cls.nominal_annual,
            "effective-monthly": cls.effective_monthly,
            "tem": cls.effective_monthly,
            "effective-daily": cls.effective_daily,
            "flat-monthly": cls.flat,
            "flat-annual": cls.flat_annual,
        }
        if key not in makers:
            raise InvalidRate(
                E_(
                    "'rate_type' must be one of %(makers)s (got %(kind)s).",
                    makers=", ".join(makers),
                    kind=fmt_value(kind),
                ),
                field="rate_type",
                value=kind,
            )
        return makers[key](value)

    # -- properties and conversions ------------------------------------------------------------
    @property
    def is_flat(self) -> bool:
        """Whether interest is charged on the original principal."""
        return self.kind in (RateKind.FLAT_PERIODIC, RateKind.FLAT_ANNUAL)

    def _per_year(self) -> Fraction:
        assert self.period is not None
        return self.period.periods_per_year

    def annual_factor(self) -> Decimal:
        """For simple kinds, the annual rate ``j`` with ``i = j·τ``; for effective kinds ``r``."""
        if self.kind in (RateKind.EFFECTIVE_PERIODIC, RateKind.FLAT_PERIODIC):
            if self.kind is RateKind.FLAT_PERIODIC:
                return CONTEXT.multiply(self.value, fraction_to_decimal(self._per_year()))
            return _compound(self.value, self._per_year())
        return self.value

    def period_rate(self, tau: Fraction) -> Decimal:
        """The rate ``i`` charged over a period of year fraction ``tau`` (see the module formulas).

        >>> Rate.effective_annual("35%").period_rate(Fraction(30, 360)).quantize(Decimal("1e-10"))
        Decimal('0.0253240572')
        """
        if self.kind is RateKind.EFFECTIVE_ANNUAL:
            return _compound(self.value, tau)
        if self.kind is RateKind.EFFECTIVE_PERIODIC:
            return _compound(self.value, tau * self._per_year())
        return CONTEXT.multiply(self.annual_factor(), fraction_to_decimal(tau))

    def to_effective_annual(self) -> Rate:
        """The equivalent effective annual rate.

        Nominal: ``(1 + j/m)^m − 1`` with ``m`` = :attr:`compounding` (12 if unset). Flat rates have
        no equivalent without a schedule (see the cost-of-credit functions) and raise.
        """
        if self.is_flat:
            raise InvalidRate(
                E_(
                    "a flat rate has no equivalent effective rate without a schedule (got "
                    "%(self)s).",
                    self=self,
                ),
                field="rate",
                value=self,
            )
        if self.kind is RateKind.NOMINAL_ANNUAL:
            m = self.compounding or 12
            per = CONTEXT.divide(self.value, Decimal(m))
            return Rate.effective_annual(exact(_compound(per, Fraction(m))))
        return Rate.effective_annual(exact(self.annual_factor()))

    def to_effective_periodic(self, period: Frequency | str) -> Rate:
        """The equivalent effective rate per ``period``: ``(1 + r)^(1/k) − 1``.

        >>> Rate.effective_annual("35%").to_effective_periodic("monthly").value.quantize(Decimal("1e-10"))
        Decimal('0.0253240572')
        """
        freq = Frequency.parse(period)
        annual = self.to_effective_annual().value
        return Rate.effective_periodic(exact(_compound(annual, 1 / freq.periods_per_year)), freq)

    def to_nominal_annual(self, compounding: int = 12) -> Rate:
        """The nominal annual rate compounded ``compounding`` times a year: ``m·((1 + r)^(1/m) − 1)``."""
        annual = self.to_effective_annual().value
        per = _compound(annual, Fraction(1, compounding))
        return Rate.nominal_annual(exact(CONTEXT.multiply(per, Decimal(compounding))), compounding)

    def __str__(self) -> str:
        pct = (self.value * 100).normalize()
        pct_text = f"{pct:f}"
        label = {
            RateKind.EFFECTIVE_ANNUAL: "effective annual (TEA)",
            RateKind.NOMINAL_ANNUAL: "nominal annual",
            RateKind.FLAT_ANNUAL: "flat annual",
        }.get(self.kind)
        if label is None:
            word = "effective" if self.kind is RateKind.EFFECTIVE_PERIODIC else "flat"
            name = str(self.period)
            label = {"1d": "daily", "monthly": "monthly"}.get(name, f"per {name}")
            label = f"{word} {label}"
            if word == "effective" and name in ("1d", "monthly"):
                label += " (TED)" if name == "1d" else " (TEM)"
        return f"{pct_text} % {label}"
