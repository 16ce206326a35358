"""The business-plan model: the enterprise, investments, financing, operations and scenarios.

Every value is a frozen, slotted attrs class with keyword-only fields. Money and rates accept
``Decimal``, ``int`` or ``str`` and refuse ``float``; they are in the plan's currency (soles by
default). Loading from TOML, JSON or YAML lives in :mod:`coopfinance.plans._loading`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

import attrs

from coopfinance._decimal import CONTEXT, ZERO, to_decimal
from coopfinance._money import Currency
from coopfinance._terms import LoanTerms
from coopfinance.errors import InvalidPlan, ParseError, WrongType, fmt_value

__all__ = [
    "DEFAULT_COK",
    "DEFAULT_HORIZON_YEARS",
    "DEFAULT_STEPS",
    "Basis",
    "BudgetLine",
    "BusinessPlan",
    "Buyer",
    "Enterprise",
    "Financing",
    "Investment",
    "MilkSupply",
    "MonthlyProduction",
    "Scenario",
    "add_months",
    "month_index",
]

DEFAULT_HORIZON_YEARS = 5
"""AGROIDEAS records year 0 (base) and year 5: a five-year horizon after the investment year."""
DEFAULT_COK = Decimal("0.10")
"""The private cost of capital (COK) of the textbook examples; the user should state their own."""
DEFAULT_STEPS = (Decimal("-0.20"), Decimal("-0.10"), ZERO, Decimal("0.10"), Decimal("0.20"))
"""Sensitivity steps on price and yield: ±10 % and ±20 %."""
MAX_HORIZON_YEARS = 30


# -- helpers -------------------------------------------------------------------------------------
def _dec(field: str) -> Any:
    def convert(value: Any) -> Decimal:
        return to_decimal(value, field=field)

    return convert


def _opt_dec(field: str) -> Any:
    def convert(value: Any) -> Decimal | None:
        return None if value is None else to_decimal(value, field=field)

    return convert


def _non_negative(_inst: Any, attribute: Any, value: Decimal) -> None:
    if value < 0:
        raise InvalidPlan(
            f"{attribute.name!r} must not be negative (got {value}).",
            field=attribute.name,
            value=value,
        )


def _opt_non_negative(inst: Any, attribute: Any, value: Decimal | None) -> None:
    if value is not None:
        _non_negative(inst, attribute, value)


def _text(field: str) -> Any:
    def convert(value: Any) -> str:
        if not isinstance(value, str):
            raise WrongType(
                f"{field!r} must be text (got {type(value).__name__} {fmt_value(value)}).",
                field=field,
                value=value,
            )
        return value.strip()

    return convert


def _texts(field: str) -> Any:
    def convert(value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, Iterable):
            raise WrongType(
                f"{field!r} must be a list of text (got {fmt_value(value)}).",
                field=field,
                value=value,
            )
        conv = _text(field)
        return tuple(conv(v) for v in value)

    return convert


def _required_text(_inst: Any, attribute: Any, value: str) -> None:
    if not value:
        raise InvalidPlan(
            f"{attribute.name!r} must not be empty (got {value!r}).",
            field=attribute.name,
            value=value,
        )


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
                pass
        raise ParseError(
            f"{field!r} must be a date such as '2026-01-15' (got {fmt_value(value)}).",
            field=field,
            value=value,
        )

    return convert


def _whole(field: str, lo: int, hi: int) -> Any:
    def check(_inst: Any, _attribute: Any, value: Any) -> None:
        if not isinstance(value, int) or isinstance(value, bool):
            raise WrongType(
                f"{field!r} must be a whole number (got {fmt_value(value)}).",
                field=field,
                value=value,
            )
        if not lo <= value <= hi:
            raise InvalidPlan(
                f"{field!r} must be between {lo} and {hi} (got {value}).", field=field, value=value
            )

    return check


def _instances(cls: type, field: str) -> Any:
    def convert(value: Any) -> tuple[Any, ...]:
        if isinstance(value, cls):
            value = [value]
        if isinstance(value, str | bytes) or not isinstance(value, Iterable):
            raise WrongType(
                f"{field!r} must be a list of {cls.__name__} (got {fmt_value(value)}).",
                field=field,
                value=value,
            )
        items = tuple(value)
        for item in items:
            if not isinstance(item, cls):
                raise WrongType(
                    f"{field!r} must hold {cls.__name__} values (got {type(item).__name__} "
                    f"{fmt_value(item)}).",
                    field=field,
                    value=item,
                )
        return items

    return convert


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


# -- named converters (mypy's attrs plugin needs named functions) ---------------------------------
def _conv_text_name(value: Any) -> str:
    result: str = _text("name")(value)
    return result


def _conv_text_product(value: Any) -> str:
    result: str = _text("product")(value)
    return result


def _conv_opt_dec_litres_per_day(value: Any) -> Decimal | None:
    result: Decimal | None = _opt_dec("litres_per_day")(value)
    return result


def _conv_opt_dec_price_per_litre(value: Any) -> Decimal | None:
    result: Decimal | None = _opt_dec("price_per_litre")(value)
    return result


def _conv_text_commitment(value: Any) -> str:
    result: str = _text("commitment")(value)
    return result


def _conv_text_kind(value: Any) -> str:
    result: str = _text("kind")(value)
    return result


def _conv_text_tax_id(value: Any) -> str:
    result: str = _text("tax_id")(value)
    return result


def _conv_text_location(value: Any) -> str:
    result: str = _text("location")(value)
    return result


def _conv_text_representative(value: Any) -> str:
    result: str = _text("representative")(value)
    return result


def _conv_texts_objectives(value: Any) -> tuple[str, ...]:
    result: tuple[str, ...] = _texts("objectives")(value)
    return result


def _conv_text_market(value: Any) -> str:
    result: str = _text("market")(value)
    return result


def _conv_instances_buyer_buyers(value: Any) -> tuple[Any, ...]:
    result: tuple[Any, ...] = _instances(Buyer, "buyers")(value)
    return result


def _conv_to_date_date(value: Any) -> dt.date:
    result: dt.date = _to_date("date")(value)
    return result


def _conv_dec_cost(value: Any) -> Decimal:
    result: Decimal = _dec("cost")(value)
    return result


def _conv_opt_dec_useful_life_years(value: Any) -> Decimal | None:
    result: Decimal | None = _opt_dec("useful_life_years")(value)
    return result


def _conv_dec_salvage_value(value: Any) -> Decimal:
    result: Decimal = _dec("salvage_value")(value)
    return result


def _conv_text_category(value: Any) -> str:
    result: str = _text("category")(value)
    return result


def _conv_dec_own_funds(value: Any) -> Decimal:
    result: Decimal = _dec("own_funds")(value)
    return result


def _conv_dec_grant(value: Any) -> Decimal:
    result: Decimal = _dec("grant")(value)
    return result


def _conv_text_grantor(value: Any) -> str:
    result: str = _text("grantor")(value)
    return result


def _conv_text_lender(value: Any) -> str:
    result: str = _text("lender")(value)
    return result


def _conv_dec_amount(value: Any) -> Decimal:
    result: Decimal = _dec("amount")(value)
    return result


def _conv_instances_budgetline_costs(value: Any) -> tuple[Any, ...]:
    result: tuple[Any, ...] = _instances(BudgetLine, "costs")(value)
    return result


def _conv_instances_budgetline_other_income(value: Any) -> tuple[Any, ...]:
    result: tuple[Any, ...] = _instances(BudgetLine, "other_income")(value)
    return result


def _conv_text_description(value: Any) -> str:
    result: str = _text("description")(value)
    return result


def _conv_dec_factor(value: Any) -> Decimal:
    result: Decimal = _dec("factor")(value)
    return result


def _conv_text_title(value: Any) -> str:
    result: str = _text("title")(value)
    return result


def _conv_dec_cok(value: Any) -> Decimal:
    result: Decimal = _dec("cok")(value)
    return result


def _conv_dec_income_tax_rate(value: Any) -> Decimal:
    result: Decimal = _dec("income_tax_rate")(value)
    return result


def _conv_instances_investment_investments(value: Any) -> tuple[Any, ...]:
    result: tuple[Any, ...] = _instances(Investment, "investments")(value)
    return result


def _conv_dec_working_capital(value: Any) -> Decimal:
    result: Decimal = _dec("working_capital")(value)
    return result


def _conv_dec_repayment_capacity_limit(value: Any) -> Decimal:
    result: Decimal = _dec("repayment_capacity_limit")(value)
    return result


def _conv_texts_risks(value: Any) -> tuple[str, ...]:
    result: tuple[str, ...] = _texts("risks")(value)
    return result


def _conv_texts_training(value: Any) -> tuple[str, ...]:
    result: tuple[str, ...] = _texts("training")(value)
    return result


def _conv_text_notes(value: Any) -> str:
    result: str = _text("notes")(value)
    return result


# -- the enterprise ------------------------------------------------------------------------------
@attrs.frozen(slots=True, kw_only=True)
class Buyer:
    """A buyer of the enterprise's milk (PROCOMPITE asks for concrete, identified buyers).

    >>> Buyer(name="Planta Láctea del Valle", litres_per_day="400", price_per_litre="1.45")
    Buyer(name='Planta Láctea del Valle', product='milk', litres_per_day=Decimal('400'), ...)
    """

    name: str = attrs.field(converter=_conv_text_name, validator=_required_text)
    product: str = attrs.field(default="milk", converter=_conv_text_product)
    litres_per_day: Decimal | None = attrs.field(
        default=None, converter=_conv_opt_dec_litres_per_day, validator=_opt_non_negative
    )
    price_per_litre: Decimal | None = attrs.field(
        default=None, converter=_conv_opt_dec_price_per_litre, validator=_opt_non_negative
    )
    commitment: str = attrs.field(default="", converter=_conv_text_commitment)
    """How firm the purchase is, e.g. "letter of intent" or "contract to 2028"."""


@attrs.frozen(slots=True, kw_only=True)
class Enterprise:
    """Who carries out the plan: a co-op or a member's farm, with its members and market.

    >>> Enterprise(name="Cooperativa Agraria Lechera Ejemplo", members=24).members
    24
    """

    name: str = attrs.field(converter=_conv_text_name, validator=_required_text)
    kind: str = attrs.field(default="cooperative", converter=_conv_text_kind)
    tax_id: str = attrs.field(default="", converter=_conv_text_tax_id)
    """The RUC in Peru."""
    location: str = attrs.field(default="", converter=_conv_text_location)
    representative: str = attrs.field(default="", converter=_conv_text_representative)
    members: int = attrs.field(default=1, validator=_whole("members", 1, 1_000_000))
    women_members: int | None = None
    objectives: tuple[str, ...] = attrs.field(default=(), converter=_conv_texts_objectives)
    market: str = attrs.field(default="", converter=_conv_text_market)
    """The market and how the price was defined (AGROIDEAS section 5)."""
    buyers: tuple[Buyer, ...] = attrs.field(default=(), converter=_conv_instances_buyer_buyers)

    def __attrs_post_init__(self) -> None:
        w = self.women_members
        if w is not None:
            _whole("women_members", 0, self.members)(self, None, w)


# -- investments and financing -------------------------------------------------------------------
@attrs.frozen(slots=True, kw_only=True)
class Investment:
    """An investment with straight-line depreciation.

    Depreciation per month is ``(cost − salvage_value) / (12·useful_life_years)`` from the month
    after the investment's month (from the first operating month for year-0 investments) until the
    useful life ends; ``useful_life_years=None`` means not depreciated (land, working stock). At the
    end of the horizon the book value ``cost − accumulated depreciation`` is recovered as residual
    value.

    >>> inv = Investment(name="Cooling tank 1,000 L", date="2026-02-15", cost="18000",
    ...                  useful_life_years=10, salvage_value="1800")
    >>> inv.monthly_depreciation
    Decimal('135')
    """

    name: str = attrs.field(converter=_conv_text_name, validator=_required_text)
    date: dt.date = attrs.field(converter=_conv_to_date_date)
    cost: Decimal = attrs.field(converter=_conv_dec_cost, validator=_non_negative)
    useful_life_years: Decimal | None = attrs.field(
        default=None, converter=_conv_opt_dec_useful_life_years
    )
    salvage_value: Decimal = attrs.field(
        default=ZERO, converter=_conv_dec_salvage_value, validator=_non_negative
    )
    category: str = attrs.field(default="", converter=_conv_text_category)
    """Free text for the investment table, e.g. "forage", "equipment", "intangible"."""

    def __attrs_post_init__(self) -> None:
        life = self.useful_life_years
        if life is not None and life <= 0:
            raise InvalidPlan(
                f"'useful_life_years' must be positive, or omitted for assets that are not "
                f"depreciated (got {life}).",
                field="useful_life_years",
                value=life,
            )
        if self.salvage_value > self.cost:
            raise InvalidPlan(
                f"'salvage_value' must not exceed the cost {self.cost} (got {self.salvage_value}).",
                field="salvage_value",
                value=self.salvage_value,
            )

    @property
    def depreciation_months(self) -> Decimal:
        """The useful life in months (0 when not depreciated)."""
        return ZERO if self.useful_life_years is None else self.useful_life_years * 12

    @property
    def monthly_depreciation(self) -> Decimal:
        """``(cost − salvage_value) / months of useful life``, unrounded (0 when not depreciated)."""
        months = self.depreciation_months
        if months == 0:
            return ZERO
        return CONTEXT.divide(self.cost - self.salvage_value, months)

    def accumulated_depreciation(self, months: int) -> Decimal:
        """Depreciation accumulated after ``months`` months of use, unrounded."""
        span = self.depreciation_months
        if span == 0 or months <= 0:
            return ZERO
        used = min(Decimal(months), span)
        return CONTEXT.multiply(self.monthly_depreciation, used)


def _opt_loan(value: Any) -> LoanTerms | None:
    if value is None or isinstance(value, LoanTerms):
        return value
    raise WrongType(
        f"'loan' must be LoanTerms or None (got {type(value).__name__} {fmt_value(value)}).",
        field="loan",
        value=value,
    )


@attrs.frozen(slots=True, kw_only=True)
class Financing:
    """Where the money comes from: own funds, a grant (AGROIDEAS, PROCOMPITE) and a loan.

    The loan's schedule gives the debt service in the projection; its net disbursement (after
    withheld fees) comes in on its disbursement date.

    >>> Financing(own_funds="12000", grant="30000").total_without_loan
    Decimal('42000')
    """

    own_funds: Decimal = attrs.field(
        default=ZERO, converter=_conv_dec_own_funds, validator=_non_negative
    )
    grant: Decimal = attrs.field(default=ZERO, converter=_conv_dec_grant, validator=_non_negative)
    grantor: str = attrs.field(default="", converter=_conv_text_grantor)
    loan: LoanTerms | None = attrs.field(default=None, converter=_opt_loan)
    lender: str = attrs.field(default="", converter=_conv_text_lender)

    @property
    def total_without_loan(self) -> Decimal:
        """``own_funds + grant``."""
        return self.own_funds + self.grant


# -- operations ----------------------------------------------------------------------------------
@runtime_checkable
class MilkSupply(Protocol):
    """Anything that forecasts milk: ``monthly_litres(start, months)`` gives the total litres of each
    of ``months`` calendar months from ``start`` (the first day of the first month).

    :class:`MonthlyProduction` is one; the herd models of :mod:`coopfinance.dairy` are others.
    Amounts must be ``Decimal``, ``int`` or ``str`` (floats are refused when the plan reads them).
    """

    def monthly_litres(self, start: dt.date, months: int) -> Sequence[Any]:
        """Total litres in each month from ``start``."""
        ...  # pragma: no cover - a protocol


def _litres_per_day(value: Any) -> tuple[Decimal, ...]:
    if isinstance(value, Decimal | int | str | float):
        value = [value]
    return tuple(to_decimal(v, field="litres_per_day") for v in value)


def _factors(value: Any) -> tuple[Decimal, ...]:
    if isinstance(value, Decimal | int | str | float):
        value = [value]
    return tuple(to_decimal(v, field="year_factors") for v in value)


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

    def __attrs_post_init__(self) -> None:
        if not self.litres_per_day:
            raise InvalidPlan(
                "'litres_per_day' must hold at least one value (got none).",
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
                        f"{name!r} must not be negative (got {v}).", field=name, value=v
                    )

    def monthly_litres(self, start: dt.date, months: int) -> tuple[Decimal, ...]:
        """Total litres in each of ``months`` months from ``start``'s month."""
        lpd = self.litres_per_day
        n = len(lpd)
        if n not in (1, 12) and n < months:
            raise InvalidPlan(
                f"'litres_per_day' must hold 1 value, 12 (January to December) or one per plan "
                f"month, {months} (got {n}).",
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


class Basis(enum.Enum):
    """What a budget line's amount is per."""

    LITRE = "litre"
    """Per litre produced (a variable cost or income)."""
    MONTH = "month"
    """Per month (a fixed cost)."""
    YEAR = "year"
    """Per year, spread evenly over its twelve months (a fixed cost)."""

    @classmethod
    def parse(cls, text: Basis | str) -> Basis:
        """Read ``litre``, ``month`` or ``year`` (also ``liter``, ``l``, ``monthly``, ``yearly``)."""
        if isinstance(text, cls):
            return text
        key = str(text).strip().lower()
        aliases = {
            "liter": "litre",
            "l": "litre",
            "monthly": "month",
            "yearly": "year",
            "annual": "year",
        }
        key = aliases.get(key, key)
        for member in cls:
            if member.value == key:
                return member
        raise InvalidPlan(
            f"'per' must be one of litre, month, year (got {fmt_value(text)}).",
            field="per",
            value=text,
        )


def _to_basis(value: Basis | str) -> Basis:
    return Basis.parse(value)


@attrs.frozen(slots=True, kw_only=True)
class BudgetLine:
    """A cost or an income other than milk: ``amount`` per litre, month or year.

    >>> BudgetLine(name="Concentrate feed", amount="0.35", per="litre").per
    <Basis.LITRE: 'litre'>
    """

    name: str = attrs.field(converter=_conv_text_name, validator=_required_text)
    amount: Decimal = attrs.field(converter=_conv_dec_amount, validator=_non_negative)
    per: Basis = attrs.field(default=Basis.MONTH, converter=_to_basis)

    @property
    def is_variable(self) -> bool:
        """Whether the line moves with litres."""
        return self.per is Basis.LITRE


def _to_supply(value: Any) -> MilkSupply:
    if isinstance(value, MilkSupply):
        return value
    if isinstance(value, Decimal | int | str | list | tuple):
        return MonthlyProduction(litres_per_day=value)
    raise WrongType(
        f"'production' must be litres per day or an object with monthly_litres(start, months) "
        f"(got {type(value).__name__} {fmt_value(value)}).",
        field="production",
        value=value,
    )


def _prices(value: Any) -> tuple[Decimal, ...]:
    if isinstance(value, Decimal | int | str | float):
        value = [value]
    return tuple(to_decimal(v, field="price_per_litre") for v in value)


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

    name: str = attrs.field(converter=_conv_text_name, validator=_required_text)
    production: MilkSupply = attrs.field(converter=_to_supply)
    price_per_litre: tuple[Decimal, ...] = attrs.field(converter=_prices)
    costs: tuple[BudgetLine, ...] = attrs.field(
        default=(), converter=_conv_instances_budgetline_costs
    )
    other_income: tuple[BudgetLine, ...] = attrs.field(
        default=(), converter=_conv_instances_budgetline_other_income
    )
    description: str = attrs.field(default="", converter=_conv_text_description)

    def __attrs_post_init__(self) -> None:
        if not self.price_per_litre:
            raise InvalidPlan(
                "'price_per_litre' must hold at least one price (got none).",
                field="price_per_litre",
                value=(),
            )
        for p in self.price_per_litre:
            if p < 0:
                raise InvalidPlan(
                    f"'price_per_litre' must not be negative (got {p}).",
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
    factor: Decimal = attrs.field(converter=_conv_dec_factor, validator=_non_negative)

    def monthly_litres(self, start: dt.date, months: int) -> tuple[Decimal, ...]:
        """The source's litres times ``factor``."""
        raw = self.source.monthly_litres(start, months)
        return tuple(CONTEXT.multiply(to_decimal(v, field="production"), self.factor) for v in raw)


# -- the plan ------------------------------------------------------------------------------------
def _first_of_month(value: Any) -> dt.date:
    d: dt.date = _to_date("start")(value)
    return d.replace(day=1)


def _to_currency(value: Currency | str) -> Currency:
    return Currency.of(value)


def _steps(value: Any) -> tuple[Decimal, ...]:
    return tuple(sorted({to_decimal(v, field="sensitivity_steps") for v in value}))


def _rate_in(field: str, lo: Decimal, hi: Decimal) -> Any:
    def check(_inst: Any, _attribute: Any, value: Decimal) -> None:
        if not lo <= value <= hi:
            raise InvalidPlan(
                f"{field!r} must be between {lo:%} and {hi:%} (got {value}).",
                field=field,
                value=value,
            )

    return check


def _opt_scenario(value: Any) -> Scenario | None:
    if value is None or isinstance(value, Scenario):
        return value
    raise WrongType(
        f"'without_plan' must be a Scenario or None (got {type(value).__name__}).",
        field="without_plan",
        value=value,
    )


@attrs.frozen(slots=True, kw_only=True)
class BusinessPlan:
    """A business plan: who, what is invested, how it is financed and what operations it brings.

    - ``start``: the first operating month (any day in it; kept as the 1st). Everything dated before
      it is year 0; operations run ``horizon_years`` × 12 months from it.
    - ``cok``: the annual discount rate (costo de oportunidad del capital) for NPV and B/C.
    - ``income_tax_rate``: on each plan year's positive profit, paid in the year's last month
      (no loss carry-forward).
    - ``with_plan`` / ``without_plan``: with both, the evaluation is incremental (AGROIDEAS).

    Build one with keywords, or with :meth:`from_mapping`, :meth:`from_toml`, :meth:`from_json`,
    :meth:`from_yaml`; evaluate it with :func:`coopfinance.plans.report`.

    >>> plan = BusinessPlan(
    ...     enterprise=Enterprise(name="Cooperativa Ejemplo"), start="2026-03-01",
    ...     investments=[Investment(name="Tank", date="2026-02-01", cost="20000",
    ...                             useful_life_years=10)],
    ...     with_plan=Scenario(name="with plan", production="150", price_per_litre="1.30"))
    >>> plan.months, plan.end
    (60, datetime.date(2031, 2, 28))
    """

    enterprise: Enterprise = attrs.field(validator=attrs.validators.instance_of(Enterprise))
    title: str = attrs.field(default="", converter=_conv_text_title)
    start: dt.date = attrs.field(converter=_first_of_month)
    horizon_years: int = attrs.field(
        default=DEFAULT_HORIZON_YEARS, validator=_whole("horizon_years", 1, MAX_HORIZON_YEARS)
    )
    currency: Currency = attrs.field(factory=lambda: Currency.of("PEN"), converter=_to_currency)
    cok: Decimal = attrs.field(
        default=DEFAULT_COK,
        converter=_conv_dec_cok,
        validator=_rate_in("cok", Decimal("-0.5"), Decimal(10)),
    )
    income_tax_rate: Decimal = attrs.field(
        default=ZERO,
        converter=_conv_dec_income_tax_rate,
        validator=_rate_in("income_tax_rate", ZERO, Decimal("0.99")),
    )
    investments: tuple[Investment, ...] = attrs.field(
        default=(), converter=_conv_instances_investment_investments
    )
    working_capital: Decimal = attrs.field(
        default=ZERO, converter=_conv_dec_working_capital, validator=_non_negative
    )
    """Cash set aside at year 0 to run the first months; recovered at the end of the horizon."""
    working_capital_recovered: bool = True
    financing: Financing = attrs.field(
        factory=Financing, validator=attrs.validators.instance_of(Financing)
    )
    with_plan: Scenario = attrs.field(validator=attrs.validators.instance_of(Scenario))
    without_plan: Scenario | None = attrs.field(default=None, converter=_opt_scenario)
    repayment_capacity_limit: Decimal = attrs.field(
        default=Decimal("0.30"),
        converter=_conv_dec_repayment_capacity_limit,
        validator=_rate_in("repayment_capacity_limit", Decimal("0.01"), Decimal(1)),
    )
    """The highest share of the cash available that debt service may take (30 %, §8)."""
    sensitivity_steps: tuple[Decimal, ...] = attrs.field(default=DEFAULT_STEPS, converter=_steps)
    risks: tuple[str, ...] = attrs.field(default=(), converter=_conv_texts_risks)
    training: tuple[str, ...] = attrs.field(default=(), converter=_conv_texts_training)
    notes: str = attrs.field(default="", converter=_conv_text_notes)

    def __attrs_post_init__(self) -> None:
        for step in self.sensitivity_steps:
            if step <= -1:
                raise InvalidPlan(
                    f"'sensitivity_steps' must be above -100 % (got {step}).",
                    field="sensitivity_steps",
                    value=step,
                )
        for name, scen in (("with_plan", self.with_plan), ("without_plan", self.without_plan)):
            if scen is not None and len(scen.price_per_litre) not in (1, self.horizon_years):
                raise InvalidPlan(
                    f"'{name}.price_per_litre' must hold 1 price or one per year, "
                    f"{self.horizon_years} (got {len(scen.price_per_litre)}).",
                    field=f"{name}.price_per_litre",
                    value=len(scen.price_per_litre),
                )
        for name, scen in (("with_plan", self.with_plan), ("without_plan", self.without_plan)):
            prod = None if scen is None else scen.production
            if isinstance(prod, MonthlyProduction):
                n = len(prod.litres_per_day)
                if n not in (1, 12) and n < self.months:
                    field = f"{name}.production.litres_per_day"
                    raise InvalidPlan(
                        f"{field!r} must hold 1 value, 12 (January to December) or one per plan "
                        f"month, {self.months} (got {n}).",
                        field=field,
                        value=n,
                    )
        for k, inv in enumerate(self.investments):
            if inv.date > self.end:
                raise InvalidPlan(
                    f"'investments[{k}].date' must fall within the plan, by {self.end.isoformat()} "
                    f"(got {inv.date.isoformat()}).",
                    field=f"investments[{k}].date",
                    value=inv.date,
                )
        loan = self.financing.loan
        if loan is not None:
            if loan.currency != self.currency.code:
                raise InvalidPlan(
                    f"'financing.loan.currency' must be the plan's currency {self.currency.code} "
                    f"(got {loan.currency}).",
                    field="financing.loan.currency",
                    value=loan.currency,
                )
            last = max(loan.dates())
            if last > self.end:
                raise InvalidPlan(
                    f"'financing.loan' must be repaid within the plan, by {self.end.isoformat()} "
                    f"(its last installment is due {last.isoformat()}); lengthen 'horizon_years' "
                    "or shorten the loan.",
                    field="financing.loan",
                    value=last,
                )

    @property
    def months(self) -> int:
        """Operating months: ``12 × horizon_years``."""
        return 12 * self.horizon_years

    @property
    def end(self) -> dt.date:
        """The last day of the horizon."""
        return add_months(self.start, self.months) - dt.timedelta(days=1)

    @property
    def incremental(self) -> bool:
        """Whether the evaluation is incremental (a "without plan" scenario is given)."""
        return self.without_plan is not None

    @property
    def total_investment(self) -> Decimal:
        """The cost of every investment plus the working capital."""
        return sum((i.cost for i in self.investments), ZERO) + self.working_capital

    def evolve(self, **changes: Any) -> BusinessPlan:
        """A copy with ``changes`` applied and validated again."""
        return attrs.evolve(self, **changes)

    # -- loading (I/O at the edge) ---------------------------------------------------------------
    @classmethod
    def from_mapping(cls, data: Any) -> BusinessPlan:
        """A plan from plain data (parsed TOML, JSON or YAML); errors name the key path.

        See ``docs/plans.md`` and ``examples/plan-alfalfa.toml`` for the keys.
        """
        from coopfinance.plans._loading import plan_from_mapping

        return plan_from_mapping(data)

    @classmethod
    def from_toml(cls, path: Any) -> BusinessPlan:
        """A plan from a TOML file."""
        from coopfinance.plans._loading import load_toml

        return load_toml(path)

    @classmethod
    def from_json(cls, path: Any) -> BusinessPlan:
        """A plan from a JSON file."""
        from coopfinance.plans._loading import load_json

        return load_json(path)

    @classmethod
    def from_yaml(cls, path: Any) -> BusinessPlan:
        """A plan from a YAML file (needs PyYAML; :class:`~coopfinance.errors.InvalidPlan` without)."""
        from coopfinance.plans._loading import load_yaml

        return load_yaml(path)

    @classmethod
    def from_file(cls, path: Any) -> BusinessPlan:
        """A plan from ``.toml``, ``.json``, ``.yaml`` or ``.yml``, chosen by the file's suffix."""
        from coopfinance.plans._loading import load_file

        return load_file(path)
