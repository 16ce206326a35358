"""Milk production: lactation curves, seasonality, herds, alfalfa and the forecast per farm and period.

Litres are ``Decimal`` computed under :data:`coopfinance._decimal.CONTEXT` (34 digits), so a forecast
is reproducible to the last digit and feeds exact seasonal loan weights. Defaults are those of
``shared/reference/dairy-and-coop.md`` §8 (cited on each name).
"""

from __future__ import annotations

import calendar
import datetime as dt
import decimal
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from coopfinance._decimal import CONTEXT, ONE, ZERO, exact, to_decimal
from coopfinance._fields import ParseableEnum, non_negative, positive, to_date, to_optional_date
from coopfinance.dairy._periods import Period, SettlementFrequency, periods_between
from coopfinance.errors import E_, InvalidProduction, InvalidValue, ParseError

__all__ = [
    "ICA_SEASONALITY",
    "Alfalfa",
    "Cow",
    "CurveKind",
    "Herd",
    "LactationCurve",
    "ProductionForecast",
    "SeasonalProfile",
]

_WILMINK_K = Decimal("-0.05")


_Number = Decimal | int | str


def _dec(value: _Number, field: str) -> Decimal:
    try:
        return to_decimal(value, field=field)
    except ParseError as exc:
        raise InvalidProduction(str(exc), field=field, value=value) from None


def _dec_a(value: _Number) -> Decimal:
    return _dec(value, "a")


def _dec_b(value: _Number) -> Decimal:
    return _dec(value, "b")


def _dec_c(value: _Number) -> Decimal:
    return _dec(value, "c")


def _dec_cuts_per_year(value: _Number) -> Decimal:
    return _dec(value, "cuts_per_year")


def _dec_hectares(value: _Number) -> Decimal:
    return _dec(value, "hectares")


def _dec_intake_kg_per_cow_day(value: _Number) -> Decimal:
    return _dec(value, "intake_kg_per_cow_day")


def _dec_tonnes_per_cut(value: _Number) -> Decimal:
    return _dec(value, "tonnes_per_cut")


_positive = positive(InvalidProduction)
_non_negative = non_negative(InvalidProduction)


class CurveKind(ParseableEnum):
    """The shape of a lactation curve."""

    WOOD = "wood"
    """Wood (1967) incomplete gamma ``y = a·tᵇ·e^(−ct)``."""
    WILMINK = "wilmink"
    """Wilmink (1987) ``y = a + b·e^(−0.05t) + c·t``."""
    FLAT = "flat"
    """A constant average yield ``y = a`` every day in milk."""

    @classmethod
    def parse_error(cls) -> type[InvalidValue]:
        return InvalidProduction


def _curve_kind(value: CurveKind | str) -> CurveKind:
    return CurveKind.parse(value, field="kind")


@attrs.frozen(slots=True, kw_only=True)
class LactationCurve:
    """Daily yield (litres) of one cow by day in milk ``t`` (1, 2, …).

    - Wood: ``y(t) = a·tᵇ·e^(−c·t)``; peak day ``t* = b/c``, peak yield ``a·(b/c)ᵇ·e^(−b)``.
      Default :meth:`peruvian_crossbred` ``a=2.251, b=0.591, c=0.00695`` (peak day 85, 17.2 L,
      about 4,031 L in 305 days): reference §8, calibrated to Huamán Quispe et al. 2018 (F1
      Gir×Holstein).
    - Wilmink: ``y(t) = a + b·e^(−0.05·t) + c·t`` (b and c usually negative); Vásquez et al. 2021
      found it fits later parities better (reference §3.2).
    - Flat: ``y(t) = a`` (an average L/day when no curve is known; reference §8: 6.5 L national).

    Negative values of a Wilmink curve late in lactation are clipped to 0.

    >>> wood = LactationCurve.peruvian_crossbred()
    >>> wood.peak_day
    Decimal('85.03597122302158273381294964028777')
    >>> round(wood.daily(85), 2)
    Decimal('17.22')
    >>> wood.total(305).quantize(Decimal(1))  # daily sum; the integral is 4,031 (reference §8)
    Decimal('4032')
    """

    kind: CurveKind = attrs.field(converter=_curve_kind)
    a: Decimal = attrs.field(converter=_dec_a)
    b: Decimal = attrs.field(default=ZERO, converter=_dec_b)
    c: Decimal = attrs.field(default=ZERO, converter=_dec_c)

    @exact
    def __attrs_post_init__(self) -> None:
        if self.kind is CurveKind.WOOD:
            for name in ("a", "b", "c"):
                if getattr(self, name) <= 0:
                    raise InvalidProduction(
                        E_(
                            "Wood's %(name)s must be positive (got %(getattr_self)s).",
                            name=repr(name),
                            getattr_self=getattr(self, name),
                        ),
                        field=name,
                        value=getattr(self, name),
                    )
        elif self.kind is CurveKind.FLAT and self.a < 0:
            raise InvalidProduction(
                E_("'a' (litres per day) must not be negative (got %(a)s).", a=self.a),
                field="a",
                value=self.a,
            )

    @classmethod
    def wood(cls, a: Any, b: Any, c: Any) -> LactationCurve:
        """Wood's curve ``a·tᵇ·e^(−ct)``."""
        return cls(kind=CurveKind.WOOD, a=a, b=b, c=c)

    @classmethod
    def wilmink(cls, a: Any, b: Any, c: Any) -> LactationCurve:
        """Wilmink's curve ``a + b·e^(−0.05t) + c·t``."""
        return cls(kind=CurveKind.WILMINK, a=a, b=b, c=c)

    @classmethod
    def flat(cls, litres_per_day: Any) -> LactationCurve:
        """A constant yield every day in milk."""
        return cls(kind=CurveKind.FLAT, a=litres_per_day)

    @classmethod
    def peruvian_crossbred(cls) -> LactationCurve:
        """Wood ``a=2.251, b=0.591, c=0.00695`` (reference §8, Huamán Quispe et al. 2018)."""
        return cls.wood("2.251", "0.591", "0.00695")

    @classmethod
    def criollo(cls) -> LactationCurve:
        """Wood ``a=2.055, b=0.244, c=0.00444``: low-input criollo (reference §8; peak d55, 4.3 L)."""
        return cls.wood("2.055", "0.244", "0.00444")

    @property
    def peak_day(self) -> Decimal:
        """Wood's peak day ``b/c`` (refused for other shapes)."""
        if self.kind is not CurveKind.WOOD:
            raise InvalidProduction(
                E_(
                    "'peak_day' is defined for Wood's curve only (got %(value)s).",
                    value=self.kind.value,
                ),
                field="kind",
                value=self.kind,
            )
        return CONTEXT.divide(self.b, self.c)

    @property
    def peak_yield(self) -> Decimal:
        """Wood's peak yield ``a·(b/c)ᵇ·e^(−b)``."""
        return self.at(self.peak_day)

    def at(self, t: Decimal | int) -> Decimal:
        """Yield at day in milk ``t`` (any positive number; 0 for ``t ≤ 0``)."""
        t = Decimal(t)
        if t <= 0:
            return ZERO
        if self.kind is CurveKind.FLAT:
            return self.a
        if self.kind is CurveKind.WOOD:
            with_exp = CONTEXT.multiply(self.b, CONTEXT.ln(t)) - CONTEXT.multiply(self.c, t)
            return CONTEXT.multiply(self.a, CONTEXT.exp(with_exp))
        y = (
            self.a
            + CONTEXT.multiply(self.b, CONTEXT.exp(CONTEXT.multiply(_WILMINK_K, t)))
            + CONTEXT.multiply(self.c, t)
        )
        return max(y, ZERO)

    def daily(self, day_in_milk: int) -> Decimal:
        """Yield on an integer day in milk (cached: one table per curve)."""
        if day_in_milk <= 0:
            return ZERO
        if self.kind is CurveKind.FLAT:
            return self.a
        table = _TABLES.get(self)
        if table is None or day_in_milk >= len(table):
            size = max(2 * day_in_milk, 400)
            table = tuple(self.at(t) for t in range(size))
            if len(_TABLES) >= 256:  # a bounded cache: curves are few in practice
                _TABLES.clear()
            _TABLES[self] = table
        return table[day_in_milk]

    def total(self, days: int) -> Decimal:
        """Litres over days in milk 1…``days``: ``Σ y(t)``."""
        with decimal.localcontext(CONTEXT):
            return sum((self.daily(t) for t in range(1, days + 1)), ZERO)


_TABLES: dict[LactationCurve, tuple[Decimal, ...]] = {}

ICA_SEASONALITY: tuple[Decimal, ...] = tuple(
    Decimal(x)
    for x in (
        "0.935", "0.905", "0.925", "0.966", "0.996", "1.026",
        "1.046", "1.056", "1.066", "1.056", "1.036", "0.986",
    )
)  # fmt: skip
"""Monthly multipliers Jan–Dec for Ica (reference §8, [A]: heat stress Nov–May peaking in February,
Ruiz et al. 2019; summer dips of solids, Chagray et al. 2023; magnitude assumed, calibrate)."""


def _to_factors(value: Iterable[_Number]) -> tuple[Decimal, ...]:
    factors = tuple(to_decimal(v, field="factors") for v in value)
    if len(factors) != 12:
        raise InvalidProduction(
            E_(
                "'factors' must give 12 monthly multipliers, January to December (got "
                "%(factors)s).",
                factors=len(factors),
            ),
            field="factors",
            value=factors,
        )
    for f in factors:
        if f < 0:
            raise InvalidProduction(
                E_("'factors' must not be negative (got %(f)s).", f=f), field="factors", value=f
            )
    return factors


@attrs.frozen(slots=True, kw_only=True)
class SeasonalProfile:
    """A multiplier per calendar month applied to every cow's daily yield.

    Mean 1 means *day-weighted* over a 365-day year, ``Σₘ daysₘ·fₘ = 365``, so the profile moves
    milk between months and keeps the annual volume of a steady herd. :meth:`normalized` rescales any
    profile to that mean. Default :meth:`ica` (reference §8).

    >>> ica = SeasonalProfile.ica()
    >>> ica.factor(dt.date(2026, 2, 10))
    Decimal('0.905')
    >>> abs(ica.normalized().day_weighted_mean() - 1) < Decimal("1e-25")
    True
    """

    factors: tuple[Decimal, ...] = attrs.field(converter=_to_factors)

    @classmethod
    def ica(cls) -> SeasonalProfile:
        """The Ica default (reference §8), as published (mean ≈ 1)."""
        return cls(factors=ICA_SEASONALITY)

    @classmethod
    def none(cls) -> SeasonalProfile:
        """No seasonality: every month 1."""
        return cls(factors=(ONE,) * 12)

    def factor(self, day: dt.date) -> Decimal:
        """The multiplier of ``day``'s month."""
        return self.factors[day.month - 1]

    @exact
    def day_weighted_mean(self) -> Decimal:
        """``Σₘ daysₘ·fₘ / 365`` over a common (non-leap) year."""
        total = sum(
            (CONTEXT.multiply(Decimal(calendar.monthrange(2025, m)[1]), f)
             for m, f in enumerate(self.factors, start=1)),
            ZERO,
        )  # fmt: skip
        return CONTEXT.divide(total, Decimal(365))

    @exact
    def normalized(self) -> SeasonalProfile:
        """The same shape scaled so the day-weighted mean is 1."""
        mean = self.day_weighted_mean()
        if mean == 0:
            raise InvalidProduction(E_("'factors' must not all be zero."), field="factors", value=0)
        return SeasonalProfile(factors=tuple(CONTEXT.divide(f, mean) for f in self.factors))


def _date_of(field: str, value: dt.date | str) -> dt.date:
    return to_date(value, field=field, error=InvalidProduction)


def _calved(value: dt.date | str) -> dt.date:
    return _date_of("calved", value)


def _joins(value: dt.date | str | None) -> dt.date | None:
    return to_optional_date(value, field="joins", error=InvalidProduction)


def _leaves(value: dt.date | str | None) -> dt.date | None:
    return to_optional_date(value, field="leaves", error=InvalidProduction)


def _sown(value: dt.date | str) -> dt.date:
    return _date_of("sown", value)


def _start(value: dt.date | str) -> dt.date:
    return _date_of("start", value)


def _end(value: dt.date | str) -> dt.date:
    return _date_of("end", value)


@attrs.frozen(slots=True, kw_only=True)
class Cow:
    """One cow: her last calving date and, optionally, when she joins or leaves the herd.

    ``curve`` overrides the herd's curve for this cow. With ``recalves`` (default) she calves again
    every ``lactation_days + dry_days`` of the herd; otherwise she is dry after one lactation.

    >>> Cow.in_milk(days_in_milk=30, on=dt.date(2026, 1, 31)).calved
    datetime.date(2026, 1, 2)
    """

    calved: dt.date = attrs.field(converter=_calved)
    curve: LactationCurve | None = None
    joins: dt.date | None = attrs.field(default=None, converter=_joins)
    leaves: dt.date | None = attrs.field(default=None, converter=_leaves)
    recalves: bool = True

    @classmethod
    def in_milk(cls, *, days_in_milk: int, on: Any, **kwargs: Any) -> Cow:
        """A cow at lactation stage ``days_in_milk`` on date ``on`` (day 1 is the calving day)."""
        if days_in_milk < 1:
            raise InvalidProduction(
                E_(
                    "'days_in_milk' must be at least 1 (got %(days_in_milk)s).",
                    days_in_milk=days_in_milk,
                ),
                field="days_in_milk",
                value=days_in_milk,
            )
        return cls(calved=_date_of("on", on) - dt.timedelta(days=days_in_milk - 1), **kwargs)


def _max_uplift(value: _Number) -> Decimal:
    d = _dec(value, "max_uplift")
    if not ZERO <= d <= ONE:
        raise InvalidProduction(
            E_("'max_uplift' must be between 0 and 1 (got %(d)s).", d=d),
            field="max_uplift",
            value=value,
        )
    return d


@attrs.frozen(slots=True, kw_only=True)
class Alfalfa:
    """Hectares of alfalfa sown on a date, and the yield uplift they give a herd once established.

    Feed chain (reference §3.4, every step a parameter): green matter per hectare per year
    ``G = cuts_per_year × tonnes_per_cut`` (default 10 × 12 = 120 t, range 90–200, Hortus/Agraria.pe);
    cows it feeds ``N = hectares·G·1000 / 365 / intake_kg_per_cow_day`` (intake 55 kg green
    matter/cow/day, reference "50–55 kg" [A]). Once established (``establishment_days`` after
    ``sown``: a required input, no source gives a default), the herd's yield is multiplied by
    ``1 + max_uplift·min(1, N / cows in milk)``; ``max_uplift`` defaults to 0.50 (Cáritas: "más del
    50 %", reference §8, the bound).

    >>> plot = Alfalfa(hectares=1, sown=dt.date(2026, 1, 1), establishment_days=90)
    >>> round(plot.cows_fed(), 2)
    Decimal('5.98')
    >>> plot.uplift(dt.date(2026, 3, 1), cows_in_milk=5), plot.uplift(dt.date(2026, 6, 1), 12)
    (Decimal('0'), Decimal('0.2490660024906600249066002490660025'))
    """

    hectares: Decimal = attrs.field(converter=_dec_hectares, validator=_non_negative)
    sown: dt.date = attrs.field(converter=_sown)
    establishment_days: int = attrs.field(validator=_non_negative)
    cuts_per_year: Decimal = attrs.field(
        default=Decimal(10), converter=_dec_cuts_per_year, validator=_non_negative
    )
    tonnes_per_cut: Decimal = attrs.field(
        default=Decimal(12), converter=_dec_tonnes_per_cut, validator=_non_negative
    )
    intake_kg_per_cow_day: Decimal = attrs.field(
        default=Decimal(55), converter=_dec_intake_kg_per_cow_day, validator=_positive
    )
    max_uplift: Decimal = attrs.field(default=Decimal("0.50"), converter=_max_uplift)

    @property
    def first_cut(self) -> dt.date:
        """The first day the alfalfa feeds the herd."""
        return self.sown + dt.timedelta(days=self.establishment_days)

    def cows_fed(self) -> Decimal:
        """Cows whose daily intake the established plot covers."""
        green = CONTEXT.multiply(
            CONTEXT.multiply(self.hectares, self.cuts_per_year), self.tonnes_per_cut
        )
        per_day = CONTEXT.divide(CONTEXT.multiply(green, Decimal(1000)), Decimal(365))
        return CONTEXT.divide(per_day, self.intake_kg_per_cow_day)

    def uplift(self, day: dt.date, cows_in_milk: int) -> Decimal:
        """Yield uplift on ``day``: 0 before the first cut, then ``max_uplift·min(1, N/cows)``."""
        if day < self.first_cut or cows_in_milk <= 0:
            return ZERO
        coverage = min(ONE, CONTEXT.divide(self.cows_fed(), Decimal(cows_in_milk)))
        return CONTEXT.multiply(self.max_uplift, coverage)


def _to_cows(value: Iterable[Cow]) -> tuple[Cow, ...]:
    cows = tuple(value)
    for cow in cows:
        if not isinstance(cow, Cow):
            raise InvalidProduction(
                E_(
                    "'cows' must hold Cow values (got %(type)s %(cow)s).",
                    type=type(cow).__name__,
                    cow=repr(cow),
                ),
                field="cows",
                value=cow,
            )
    return cows


@attrs.frozen(slots=True, kw_only=True)
class Herd:
    """A farm's cows, their lactation curve and cycle, seasonality and forage.

    ``lactation_days`` 305 and ``dry_days`` 86 (reference §8: Pallete 2019, Oxapampa 2025).
    Litres on a day ``d``: ``(Σ cows y(t_cow)) × season(d) × (1 + uplift(d))``, where ``t_cow`` is
    the day in milk of the cow's current lactation (0, no milk, when dry or outside the herd).

    >>> herd = Herd(cows=[Cow.in_milk(days_in_milk=85, on="2026-06-01")],
    ...             curve=LactationCurve.peruvian_crossbred())
    >>> round(herd.litres(dt.date(2026, 6, 1)), 2)
    Decimal('17.22')
    """

    cows: tuple[Cow, ...] = attrs.field(converter=_to_cows)
    curve: LactationCurve = attrs.field(factory=LactationCurve.peruvian_crossbred)
    lactation_days: int = attrs.field(default=305, validator=_positive)
    dry_days: int = attrs.field(default=86, validator=_non_negative)
    seasonality: SeasonalProfile = attrs.field(factory=SeasonalProfile.none)
    alfalfa: tuple[Alfalfa, ...] = attrs.field(default=(), converter=tuple)

    @classmethod
    def flat(cls, *, cows: int, litres_per_cow_day: Any, **kwargs: Any) -> Herd:
        """``cows`` always in milk at a flat yield (no dry period): the simplest herd."""
        curve = LactationCurve.flat(litres_per_cow_day)
        start = dt.date(1900, 1, 1)
        herd = [Cow(calved=start, recalves=False) for _ in range(cows)]
        return cls(cows=herd, curve=curve, lactation_days=10**6, dry_days=0, **kwargs)

    def day_in_milk(self, cow: Cow, day: dt.date) -> int:
        """Day in milk of ``cow`` on ``day`` (1 = calving day), or 0 when dry or not in the herd."""
        if (cow.joins is not None and day < cow.joins) or (
            cow.leaves is not None and day >= cow.leaves
        ):
            return 0
        k = (day - cow.calved).days
        if k < 0:
            return 0
        if cow.recalves:
            k %= self.lactation_days + self.dry_days
        return k + 1 if k < self.lactation_days else 0

    def litres(self, day: dt.date) -> Decimal:
        """Expected litres on ``day`` for the whole herd."""
        total = ZERO
        milking = 0
        for cow in self.cows:
            t = self.day_in_milk(cow, day)
            if t:
                milking += 1
                total = CONTEXT.add(total, (cow.curve or self.curve).daily(t))
        if total == 0:
            return ZERO
        factor = self.seasonality.factor(day)
        uplift = sum((a.uplift(day, milking) for a in self.alfalfa), ZERO)
        return CONTEXT.multiply(CONTEXT.multiply(total, factor), ONE + uplift)


def _to_herds(value: Mapping[str, Herd]) -> dict[str, Herd]:
    return dict(value)


@attrs.frozen(slots=True, kw_only=True)
class ProductionForecast:
    """Expected litres per day per farm from ``start`` to ``end`` (inclusive).

    >>> herds = {"F01": Herd.flat(cows=5, litres_per_cow_day="6.5")}
    >>> fc = ProductionForecast(herds=herds, start="2026-01-01", end="2026-01-31")
    >>> fc.total("F01")
    Decimal('1007.5')
    >>> [(p.start.day, litres) for p, litres in fc.per_period("F01")]
    [(1, Decimal('487.5')), (16, Decimal('520.0'))]
    """

    herds: Mapping[str, Herd] = attrs.field(converter=_to_herds)
    start: dt.date = attrs.field(converter=_start)
    end: dt.date = attrs.field(converter=_end)

    @exact
    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidProduction(
                E_(
                    "'end' must not be before 'start' (got %(end)s < %(start)s).",
                    end=self.end,
                    start=self.start,
                ),
                field="end",
                value=self.end,
            )

    def _herd(self, farmer: str) -> Herd:
        try:
            return self.herds[farmer]
        except KeyError:
            raise InvalidProduction(
                E_("'farmer' %(farmer)s has no herd in the forecast.", farmer=repr(farmer)),
                field="farmer",
                value=farmer,
            ) from None

    def days(self) -> tuple[dt.date, ...]:
        """Every day of the horizon."""
        n = (self.end - self.start).days + 1
        return tuple(self.start + dt.timedelta(days=i) for i in range(n))

    def daily(self, farmer: str) -> tuple[tuple[dt.date, Decimal], ...]:
        """``(date, litres)`` for every day of the horizon."""
        herd = self._herd(farmer)
        return tuple((d, herd.litres(d)) for d in self.days())

    def total(self, farmer: str | None = None) -> Decimal:
        """Litres over the horizon for one farm, or all farms."""
        farmers = [farmer] if farmer is not None else list(self.herds)
        with decimal.localcontext(CONTEXT):
            return sum((litres for f in farmers for _, litres in self.daily(f)), ZERO)

    def per_period(
        self, farmer: str, frequency: SettlementFrequency | None = None
    ) -> tuple[tuple[Period, Decimal], ...]:
        """``(Period, litres)`` per settlement period (semi-monthly by default) within the horizon.

        Periods are clipped to the horizon.
        """
        freq = SettlementFrequency.SEMI_MONTHLY if frequency is None else frequency
        daily = self.daily(farmer)
        out = []
        i = 0
        with decimal.localcontext(CONTEXT):
            for period in periods_between(self.start, self.end, freq):
                litres = ZERO
                while i < len(daily) and daily[i][0] <= period.end:
                    litres += daily[i][1]
                    i += 1
                out.append((period, litres))
        return tuple(out)
