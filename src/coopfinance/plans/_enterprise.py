"""Who carries out a business plan and how it is paid for: the enterprise and its buyers, the
investments (straight-line depreciation) and the financing (own funds, grant, loan)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

import attrs

from coopfinance._decimal import CONTEXT, ZERO, exact, to_decimal
from coopfinance._fields import to_date, to_whole, whole
from coopfinance._terms import LoanTerms
from coopfinance.errors import E_, InvalidPlan, WrongType, fmt_value
from coopfinance.plans._convert import NON_NEGATIVE, REQUIRED, Amount, instances, text, texts

__all__ = ["Buyer", "Enterprise", "Financing", "Investment"]


def _name(value: str) -> str:
    return text(value, "name")


def _product(value: str) -> str:
    return text(value, "product")


def _commitment(value: str) -> str:
    return text(value, "commitment")


def _kind(value: str) -> str:
    return text(value, "kind")


def _tax_id(value: str) -> str:
    return text(value, "tax_id")


def _location(value: str) -> str:
    return text(value, "location")


def _representative(value: str) -> str:
    return text(value, "representative")


def _market(value: str) -> str:
    return text(value, "market")


def _category(value: str) -> str:
    return text(value, "category")


def _grantor(value: str) -> str:
    return text(value, "grantor")


def _lender(value: str) -> str:
    return text(value, "lender")


def _objectives(value: str | Iterable[str]) -> tuple[str, ...]:
    return texts(value, "objectives")


def _litres_per_day(value: Amount | None) -> Decimal | None:
    return None if value is None else to_decimal(value, field="litres_per_day")


def _price_per_litre(value: Amount | None) -> Decimal | None:
    return None if value is None else to_decimal(value, field="price_per_litre")


def _useful_life_years(value: Amount | None) -> Decimal | None:
    return None if value is None else to_decimal(value, field="useful_life_years")


def _date(value: dt.date | str) -> dt.date:
    return to_date(value, field="date")


def _cost(value: Amount) -> Decimal:
    return to_decimal(value, field="cost")


def _salvage_value(value: Amount) -> Decimal:
    return to_decimal(value, field="salvage_value")


def _own_funds(value: Amount) -> Decimal:
    return to_decimal(value, field="own_funds")


def _grant(value: Amount) -> Decimal:
    return to_decimal(value, field="grant")


@attrs.frozen(slots=True, kw_only=True)
class Buyer:
    """A buyer of the enterprise's milk (PROCOMPITE asks for concrete, identified buyers).

    >>> Buyer(name="Planta Láctea del Valle", litres_per_day="400", price_per_litre="1.45")
    Buyer(name='Planta Láctea del Valle', product='milk', litres_per_day=Decimal('400'), ...)
    """

    name: str = attrs.field(converter=_name, validator=REQUIRED)
    product: str = attrs.field(default="milk", converter=_product)
    litres_per_day: Decimal | None = attrs.field(
        default=None, converter=_litres_per_day, validator=NON_NEGATIVE
    )
    price_per_litre: Decimal | None = attrs.field(
        default=None, converter=_price_per_litre, validator=NON_NEGATIVE
    )
    commitment: str = attrs.field(default="", converter=_commitment)
    """How firm the purchase is, e.g. "letter of intent" or "contract to 2028"."""


def _buyers(value: Buyer | Iterable[Buyer]) -> tuple[Buyer, ...]:
    return instances(value, Buyer, "buyers")


@attrs.frozen(slots=True, kw_only=True)
class Enterprise:
    """Who carries out the plan: a co-op or a member's farm, with its members and market.

    >>> Enterprise(name="Cooperativa Agraria Lechera Ejemplo", members=24).members
    24
    """

    name: str = attrs.field(converter=_name, validator=REQUIRED)
    kind: str = attrs.field(default="cooperative", converter=_kind)
    tax_id: str = attrs.field(default="", converter=_tax_id)
    """The RUC in Peru."""
    location: str = attrs.field(default="", converter=_location)
    representative: str = attrs.field(default="", converter=_representative)
    members: int = attrs.field(default=1, validator=whole(1, 1_000_000, error=InvalidPlan))
    women_members: int | None = None
    objectives: tuple[str, ...] = attrs.field(default=(), converter=_objectives)
    market: str = attrs.field(default="", converter=_market)
    """The market and how the price was defined (AGROIDEAS section 5)."""
    buyers: tuple[Buyer, ...] = attrs.field(default=(), converter=_buyers)

    @exact
    def __attrs_post_init__(self) -> None:
        w = self.women_members
        if w is not None:
            to_whole(w, field="women_members", lo=0, hi=self.members, error=InvalidPlan)


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

    name: str = attrs.field(converter=_name, validator=REQUIRED)
    date: dt.date = attrs.field(converter=_date)
    cost: Decimal = attrs.field(converter=_cost, validator=NON_NEGATIVE)
    useful_life_years: Decimal | None = attrs.field(default=None, converter=_useful_life_years)
    salvage_value: Decimal = attrs.field(
        default=ZERO, converter=_salvage_value, validator=NON_NEGATIVE
    )
    category: str = attrs.field(default="", converter=_category)
    """Free text for the investment table, e.g. "forage", "equipment", "intangible"."""

    @exact
    def __attrs_post_init__(self) -> None:
        life = self.useful_life_years
        if life is not None and life <= 0:
            raise InvalidPlan(
                E_(
                    "'useful_life_years' must be positive, or omitted for assets that are "
                    "not depreciated (got %(life)s).",
                    life=life,
                ),
                field="useful_life_years",
                value=life,
            )
        if self.salvage_value > self.cost:
            raise InvalidPlan(
                E_(
                    "'salvage_value' must not exceed the cost %(cost)s (got %(salvage_value)s).",
                    cost=self.cost,
                    salvage_value=self.salvage_value,
                ),
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


def _opt_loan(value: LoanTerms | None) -> LoanTerms | None:
    if value is None or isinstance(value, LoanTerms):
        return value
    raise WrongType(
        E_(
            "'loan' must be LoanTerms or None (got %(type)s %(value)s).",
            type=type(value).__name__,
            value=fmt_value(value),
        ),
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

    own_funds: Decimal = attrs.field(default=ZERO, converter=_own_funds, validator=NON_NEGATIVE)
    grant: Decimal = attrs.field(default=ZERO, converter=_grant, validator=NON_NEGATIVE)
    grantor: str = attrs.field(default="", converter=_grantor)
    loan: LoanTerms | None = attrs.field(default=None, converter=_opt_loan)
    lender: str = attrs.field(default="", converter=_lender)

    @property
    def total_without_loan(self) -> Decimal:
        """``own_funds + grant``."""
        return self.own_funds + self.grant
