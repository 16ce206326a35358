"""A plan's operations: milk supply (month by month), budget lines per litre, month or year, and
the scenarios with and without the plan; the calendar helpers of plan months.

A scenario's milk comes from one of four sources, and the plan says which (:func:`supply_kind`):
``"monthly"`` (:class:`MonthlyProduction`, litres per day given month by month), ``"herd"``
(:class:`HerdSupply`: a :class:`~coopfinance.dairy.Herd`'s cows, lactation curve and seasonality,
for instance a curve fitted with :func:`~coopfinance.dairy.fit_curve`), ``"forecast"``
(:class:`ForecastSupply`: a :class:`~coopfinance.dairy.ProductionForecast` of one farm or all) and
``"recorded"`` (:class:`RecordedSupply`: the litres the co-op recorded). A ``Herd``, a
``ProductionForecast`` or ``Deliveries`` given as ``production`` are wrapped automatically."""

from __future__ import annotations

import calendar
import datetime as dt
import decimal
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, ClassVar, Protocol, Self, runtime_checkable

import attrs

from coopfinance._decimal import CONTEXT, ZERO, exact, to_decimal
from coopfinance._fields import ParseableEnum, to_enum
from coopfinance.dairy import Deliveries, Delivery, Herd, ProductionForecast
from coopfinance.errors import E_, InvalidPlan, InvalidValue, WrongType, fmt_value
from coopfinance.plans._convert import NON_NEGATIVE, REQUIRED, Amount, instances, text

__all__ = [
    "Basis",
    "BudgetLine",
    "ForecastSupply",
    "HerdSupply",
    "MilkSupply",
    "MonthlyProduction",
    "RecordedSupply",
    "ScaledSupply",
    "Scenario",
    "add_months",
    "days_in_month",
    "month_index",
    "supply_kind",
]


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``day``'s month.

    >>> add_months(dt.date(2026, 11, 20), 3)
    datetime.date(2027, 2, 1)
    """
    n = day.year * 12 + day.month - 1 + months
    return dt.date(n // 12, n % 12 + 1, 1)


def month_index(start: dt.date, day: dt.date) -> int:
    """The plan period of ``day``: 1 for ``start``'s month, 2 for the next, …; 0 for any day before.

    >>> month_index(dt.date(2026, 3, 1), dt.date(2026, 5, 31)), month_index(dt.date(2026, 3, 1),
    ...     dt.date(2025, 12, 1))
    (3, 0)
    """
    m = (day.year - start.year) * 12 + day.month - start.month + 1
    return max(m, 0)


def days_in_month(first: dt.date) -> int:
    """The number of days of ``first``'s month."""
    return calendar.monthrange(first.year, first.month)[1]


def _name(value: str) -> str:
    return text(value, "name")


def _description(value: str) -> str:
    return text(value, "description")


def _amount(value: Amount) -> Decimal:
    return to_decimal(value, field="amount")


def _factor(value: Amount) -> Decimal:
    return to_decimal(value, field="factor")


@runtime_checkable
class MilkSupply(Protocol):
    """Anything that forecasts milk: ``monthly_litres(start, months)`` gives the total litres of each
    of ``months`` calendar months from ``start`` (the first day of the first month).

    :class:`MonthlyProduction`, :class:`HerdSupply` (a :class:`~coopfinance.dairy.Herd`),
    :class:`ForecastSupply` and :class:`RecordedSupply` are the library's; a ``Herd``, a
    ``ProductionForecast`` or ``Deliveries`` passed as a scenario's ``production`` are wrapped in
    them. Amounts must be ``Decimal``, ``int`` or ``str`` (floats are refused when the plan reads
    them).
    """

    def monthly_litres(self, start: dt.date, months: int) -> Sequence[Any]:
        """Total litres in each month from ``start``."""
        ...  # pragma: no cover - a protocol


def _amounts(value: Amount | Iterable[Amount], field: str) -> tuple[Decimal, ...]:
    """One amount (every period the same) or a list of them."""
    items = [value] if isinstance(value, Decimal | int | str | float) else value
    return tuple(to_decimal(v, field=field) for v in items)


def _litres_per_day(value: Amount | Iterable[Amount]) -> tuple[Decimal, ...]:
    return _amounts(value, "litres_per_day")


def _factors(value: Amount | Iterable[Amount]) -> tuple[Decimal, ...]:
    return _amounts(value, "year_factors")


@attrs.frozen(slots=True, kw_only=True)
class MonthlyProduction:
    """Milk given as litres per day, month by month.

    ``litres_per_day`` holds one value (every month the same), 12 values (January to December, a
    seasonal profile that repeats) or one value per plan month. ``year_factors`` optionally
    multiply plan year 1, 2, … (a ramp-up while new alfalfa establishes); missing years use the last
    factor. Each month's litres are ``litres_per_day × days in the month × factor``.

    >>> MonthlyProduction(litres_per_day="100").monthly_litres(dt.date(2026, 2, 1), 2)
    (Decimal('2800'), Decimal('3100'))
    """

    litres_per_day: tuple[Decimal, ...] = attrs.field(converter=_litres_per_day)
    year_factors: tuple[Decimal, ...] = attrs.field(default=(), converter=_factors)
    kind: ClassVar[str] = "monthly"

    @exact
    def __attrs_post_init__(self) -> None:
        if not self.litres_per_day:
            raise InvalidPlan(
                E_("'litres_per_day' must hold at least one value (got none)."),
                field="litres_per_day",
                value=(),
            )
        for name, values in (
            ("litres_per_day", self.litres_per_day),
            ("year_factors", self.year_factors),
        ):
            for v in values:
                if v < 0:
                    raise InvalidPlan(
                        E_("%(name)s must not be negative (got %(v)s).", name=repr(name), v=v),
                        field=name,
                        value=v,
                    )

    def monthly_litres(self, start: dt.date, months: int) -> tuple[Decimal, ...]:
        """Total litres in each of ``months`` months from ``start``'s month."""
        lpd = self.litres_per_day
        n = len(lpd)
        if n not in (1, 12) and n < months:
            raise InvalidPlan(
                E_(
                    "'litres_per_day' must hold 1 value, 12 (January to December) or one "
                    "per plan month, %(months)s (got %(n)s).",
                    months=months,
                    n=n,
                ),
                field="litres_per_day",
                value=n,
            )
        out = []
        with_ctx = CONTEXT
        for k in range(months):
            first = add_months(start, k)
            if n == 1:
                daily = lpd[0]
            elif n == 12:
                daily = lpd[first.month - 1]
            else:
                daily = lpd[k]
            litres = with_ctx.multiply(daily, Decimal(days_in_month(first)))
            if self.year_factors:
                year = k // 12
                factor = self.year_factors[min(year, len(self.year_factors) - 1)]
                litres = with_ctx.multiply(litres, factor)
            out.append(litres)
        return tuple(out)


def _month_days(start: dt.date, months: int) -> list[list[dt.date]]:
    out = []
    for k in range(months):
        first = add_months(start, k)
        out.append([first + dt.timedelta(days=i) for i in range(days_in_month(first))])
    return out


def _herd(value: Herd) -> Herd:
    if not isinstance(value, Herd):
        raise WrongType(
            E_("'herd' must be a dairy Herd (got %(type)s).", type=type(value).__name__),
            field="herd",
            value=value,
        )
    return value


@attrs.frozen(slots=True, kw_only=True)
class HerdSupply:
    """A herd's expected litres, day by day (``Herd.litres``), summed per calendar month.

    >>> HerdSupply(herd=Herd.flat(cows=5, litres_per_cow_day="6.5")).monthly_litres(
    ...     dt.date(2026, 2, 1), 2)
    (Decimal('910.0'), Decimal('1007.5'))
    """

    herd: Herd = attrs.field(converter=_herd)
    kind: ClassVar[str] = "herd"

    def monthly_litres(self, start: dt.date, months: int) -> tuple[Decimal, ...]:
        """Total litres in each of ``months`` months from ``start``'s month."""
        with decimal.localcontext(CONTEXT):
            return tuple(
                sum((self.herd.litres(d) for d in days), ZERO)
                for days in _month_days(start, months)
            )


@attrs.frozen(slots=True, kw_only=True)
class ForecastSupply:
    """A production forecast's litres (one farm, or every farm with ``farmer=None``) per month;
    the plan's months must lie within the forecast's horizon."""

    forecast: ProductionForecast
    farmer: str | None = None
    kind: ClassVar[str] = "forecast"

    def monthly_litres(self, start: dt.date, months: int) -> tuple[Decimal, ...]:
        """Total litres in each of ``months`` months from ``start``'s month."""
        days = _month_days(start, months)
        fc = self.forecast
        if days[0][0] < fc.start or days[-1][-1] > fc.end:
            raise InvalidPlan(
                E_(
                    "'production' forecast covers %(start)s..%(end)s, the plan "
                    "%(days)s..%(days2)s.",
                    start=fc.start,
                    end=fc.end,
                    days=days[0][0],
                    days2=days[-1][-1],
                ),
                field="production",
                value=str(fc.end),
            )
        farmers = [self.farmer] if self.farmer is not None else list(fc.herds)
        out: list[Decimal] = []
        with decimal.localcontext(CONTEXT):
            return self._sum(days, farmers, out)

    def _sum(
        self, days: list[list[dt.date]], farmers: list[str], out: list[Decimal]
    ) -> tuple[Decimal, ...]:
        fc = self.forecast
        for month in days:
            total = ZERO
            for f in farmers:
                herd = fc.herds.get(f)
                if herd is None:
                    raise InvalidPlan(
                        E_("'production' forecast has no farm %(f)s.", f=repr(f)),
                        field="production",
                        value=f,
                    )
                total += sum((herd.litres(d) for d in month), ZERO)
            out.append(total)
        return tuple(out)


def _records(value: Deliveries | Iterable[Delivery] | Any) -> tuple[tuple[dt.date, Decimal], ...]:
    items = list(value.items if isinstance(value, Deliveries) else value)
    out: dict[dt.date, Decimal] = {}
    for item in items:
        if isinstance(item, Delivery):
            day, litres = item.date, item.litres
        else:
            day, raw = item
            litres = to_decimal(raw, field="litres")
            if litres < 0:
                raise InvalidPlan(
                    E_("'litres' must not be negative (got %(litres)s).", litres=litres),
                    field="litres",
                    value=litres,
                )
        out[day] = CONTEXT.add(out.get(day, ZERO), litres)
    if not out:
        raise InvalidPlan(E_("'records' must hold at least one day (got none)."), field="records")
    return tuple(sorted(out.items()))


@attrs.frozen(slots=True, kw_only=True)
class RecordedSupply:
    """The litres the co-op recorded (deliveries, or ``(date, litres)`` per day), per month.

    A plan month that was recorded takes its recorded total; a later (or earlier) month takes the
    mean litres per recorded day of the same calendar month, times its days (last season's
    pattern carried forward). A calendar month never recorded is an error.

    >>> recs = [(dt.date(2025, 1, 1) + dt.timedelta(days=i), "100") for i in range(365)]
    >>> RecordedSupply(records=recs).monthly_litres(dt.date(2025, 12, 1), 3)
    (Decimal('3100'), Decimal('3100'), Decimal('2800'))
    """

    records: tuple[tuple[dt.date, Decimal], ...] = attrs.field(converter=_records)
    kind: ClassVar[str] = "recorded"

    def monthly_litres(self, start: dt.date, months: int) -> tuple[Decimal, ...]:
        """Total litres in each of ``months`` months from ``start``'s month."""
        by_month: dict[tuple[int, int], Decimal] = {}
        per_cal: dict[int, list[Decimal]] = {}
        for day, litres in self.records:
            key = (day.year, day.month)
            by_month[key] = CONTEXT.add(by_month.get(key, ZERO), litres)
            per_cal.setdefault(day.month, []).append(litres)
        out = []
        for k in range(months):
            first = add_months(start, k)
            key = (first.year, first.month)
            if key in by_month:
                out.append(by_month[key])
                continue
            seen = per_cal.get(first.month)
            if not seen:
                raise InvalidPlan(
                    E_(
                        "'production' records have no %(month_name)s to carry to %(first)s.",
                        month_name=calendar.month_name[first.month],
                        first=format(first, "%Y-%m"),
                    ),
                    field="production",
                    value=f"{first:%Y-%m}",
                )
            with decimal.localcontext(CONTEXT):
                mean = CONTEXT.divide(sum(seen, ZERO), Decimal(len(seen)))
            out.append(CONTEXT.multiply(mean, Decimal(days_in_month(first))))
        return tuple(out)


_BASIS_ALIASES = {
    "liter": "litre",
    "l": "litre",
    "monthly": "month",
    "yearly": "year",
    "annual": "year",
}


class Basis(ParseableEnum):
    """What a budget line's amount is per (read as the field ``per``).

    >>> Basis.parse("monthly")
    <Basis.MONTH: 'month'>
    """

    LITRE = "litre"
    """Per litre produced (a variable cost or income)."""
    MONTH = "month"
    """Per month (a fixed cost)."""
    YEAR = "year"
    """Per year, spread evenly over its twelve months (a fixed cost)."""

    @classmethod
    def parse(cls, text: Self | str, *, field: str | None = None) -> Self:
        """Read ``litre``, ``month`` or ``year`` (also ``liter``, ``l``, ``monthly``, ``yearly``)."""
        if isinstance(text, str) and text.strip().lower() in _BASIS_ALIASES:
            text = _BASIS_ALIASES[text.strip().lower()]
        return to_enum(cls, text, field=field or "per", error=cls.parse_error())

    @classmethod
    def parse_error(cls) -> type[InvalidValue]:
        """A bad basis is a plan error."""
        return InvalidPlan


def _to_basis(value: Basis | str) -> Basis:
    return Basis.parse(value)


@attrs.frozen(slots=True, kw_only=True)
class BudgetLine:
    """A cost or an income other than milk: ``amount`` per litre, month or year.

    >>> BudgetLine(name="Concentrate feed", amount="0.35", per="litre").per
    <Basis.LITRE: 'litre'>
    """

    name: str = attrs.field(converter=_name, validator=REQUIRED)
    amount: Decimal = attrs.field(converter=_amount, validator=NON_NEGATIVE)
    per: Basis = attrs.field(default=Basis.MONTH, converter=_to_basis)

    @property
    def is_variable(self) -> bool:
        """Whether the line moves with litres."""
        return self.per is Basis.LITRE


@exact
def supply_kind(supply: MilkSupply) -> str:
    """Where a scenario's milk comes from: ``monthly``, ``herd``, ``forecast``, ``recorded``
    (the library's supplies), or ``custom`` for any other :class:`MilkSupply`.

    >>> supply_kind(Scenario(name="s", production=Herd.flat(cows=2, litres_per_cow_day=6),
    ...                      price_per_litre="1.30").production)
    'herd'
    """
    return str(getattr(supply, "kind", "custom"))


def _to_supply(value: MilkSupply | Herd | Any) -> MilkSupply:
    if isinstance(value, Herd):
        return HerdSupply(herd=value)
    if isinstance(value, ProductionForecast):
        return ForecastSupply(forecast=value)
    if isinstance(value, Deliveries):
        return RecordedSupply(records=value)
    if isinstance(value, MilkSupply):
        return value
    if isinstance(value, Decimal | int | str | list | tuple):
        return MonthlyProduction(litres_per_day=value)
    raise WrongType(
        E_(
            "'production' must be litres per day, a Herd, a ProductionForecast, "
            "Deliveries or an object with monthly_litres(start, months) (got "
            "%(type)s %(value)s).",
            type=type(value).__name__,
            value=fmt_value(value),
        ),
        field="production",
        value=value,
    )


def _prices(value: Amount | Iterable[Amount]) -> tuple[Decimal, ...]:
    return _amounts(value, "price_per_litre")


def _costs(value: BudgetLine | Iterable[BudgetLine]) -> tuple[BudgetLine, ...]:
    return instances(value, BudgetLine, "costs")


def _other_income(value: BudgetLine | Iterable[BudgetLine]) -> tuple[BudgetLine, ...]:
    return instances(value, BudgetLine, "other_income")


@attrs.frozen(slots=True, kw_only=True)
class Scenario:
    """The operations of one scenario ("with plan" or "without plan").

    ``price_per_litre`` is one price for every year or one per plan year (1 to the horizon).
    ``production`` is a :class:`MilkSupply` (or litres per day, read as :class:`MonthlyProduction`).

    >>> s = Scenario(name="with plan", production="300", price_per_litre="1.30",
    ...              costs=[BudgetLine(name="Feed", amount="0.40", per="litre")])
    >>> s.price_in_year(3)
    Decimal('1.30')
    """

    name: str = attrs.field(converter=_name, validator=REQUIRED)
    production: MilkSupply = attrs.field(converter=_to_supply)
    price_per_litre: tuple[Decimal, ...] = attrs.field(converter=_prices)
    costs: tuple[BudgetLine, ...] = attrs.field(default=(), converter=_costs)
    other_income: tuple[BudgetLine, ...] = attrs.field(default=(), converter=_other_income)
    description: str = attrs.field(default="", converter=_description)

    @exact
    def __attrs_post_init__(self) -> None:
        if not self.price_per_litre:
            raise InvalidPlan(
                E_("'price_per_litre' must hold at least one price (got none)."),
                field="price_per_litre",
                value=(),
            )
        for p in self.price_per_litre:
            if p < 0:
                raise InvalidPlan(
                    E_("'price_per_litre' must not be negative (got %(p)s).", p=p),
                    field="price_per_litre",
                    value=p,
                )

    def price_in_year(self, year: int) -> Decimal:
        """The price per litre in plan year ``year`` (1-based; the last price carries on)."""
        prices = self.price_per_litre
        return prices[min(max(year, 1), len(prices)) - 1]

    @property
    def variable_cost_per_litre(self) -> Decimal:
        """The sum of the per-litre costs."""
        return sum((c.amount for c in self.costs if c.is_variable), ZERO)

    def with_prices(self, prices: Iterable[Any]) -> Scenario:
        """A copy with ``price_per_litre`` replaced (one price, or one per plan year)."""
        return attrs.evolve(self, price_per_litre=tuple(prices))

    def scaled(self, *, price: Decimal | None = None, litres: Decimal | None = None) -> Scenario:
        """A copy with every price multiplied by ``price`` and the milk by ``litres``."""
        changes: dict[str, Any] = {}
        if price is not None:
            changes["price_per_litre"] = tuple(
                CONTEXT.multiply(p, price) for p in self.price_per_litre
            )
        if litres is not None:
            changes["production"] = ScaledSupply(source=self.production, factor=litres)
        return attrs.evolve(self, **changes) if changes else self


@attrs.frozen(slots=True, kw_only=True)
class ScaledSupply:
    """Another supply's litres times ``factor`` (the yield sensitivity)."""

    source: MilkSupply
    factor: Decimal = attrs.field(converter=_factor, validator=NON_NEGATIVE)

    @property
    def kind(self) -> str:
        """The kind of the scaled supply."""
        return supply_kind(self.source)

    def monthly_litres(self, start: dt.date, months: int) -> tuple[Decimal, ...]:
        """The source's litres times ``factor``."""
        raw = self.source.monthly_litres(start, months)
        return tuple(CONTEXT.multiply(to_decimal(v, field="production"), self.factor) for v in raw)
