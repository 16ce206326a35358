"""The business plan: who carries it out, what is invested, how it is financed and what operations
it brings; read from plain data, TOML, JSON or YAML (the reading lives in
:mod:`coopfinance.plans._loading`, which builds the parts and hands the plan its fields).

Every value is a frozen, slotted attrs class with keyword-only fields. Money and rates accept
``Decimal``, ``int`` or ``str`` and refuse ``float``; they are in the plan's currency (soles by
default).
"""

from __future__ import annotations

import datetime as dt
import pathlib
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from coopfinance._decimal import ZERO, exact, to_decimal
from coopfinance._fields import to_date, whole
from coopfinance._money import Currency
from coopfinance.errors import E_, InvalidPlan, WrongType
from coopfinance.plans._convert import NON_NEGATIVE, Amount, instances, rate_in, text, texts
from coopfinance.plans._enterprise import Enterprise, Financing, Investment
from coopfinance.plans._loading import build, parse_plan, plan_fields, read_plan
from coopfinance.plans._operations import MonthlyProduction, Scenario, add_months

__all__ = ["DEFAULT_COK", "DEFAULT_HORIZON_YEARS", "DEFAULT_STEPS", "BusinessPlan"]

DEFAULT_HORIZON_YEARS = 5
"""AGROIDEAS records year 0 (base) and year 5: a five-year horizon after the investment year."""
DEFAULT_COK = Decimal("0.10")
"""The private cost of capital (COK) of the textbook examples; the user should state their own."""
DEFAULT_STEPS = (Decimal("-0.20"), Decimal("-0.10"), ZERO, Decimal("0.10"), Decimal("0.20"))
"""Sensitivity steps on price and yield: ±10 % and ±20 %."""
MAX_HORIZON_YEARS = 30


def _first_of_month(value: dt.date | str) -> dt.date:
    return to_date(value, field="start").replace(day=1)


def _to_currency(value: Currency | str) -> Currency:
    return Currency.of(value)


def _steps(value: Iterable[Amount]) -> tuple[Decimal, ...]:
    return tuple(sorted({to_decimal(v, field="sensitivity_steps") for v in value}))


def _title(value: str) -> str:
    return text(value, "title")


def _notes(value: str) -> str:
    return text(value, "notes")


def _risks(value: str | Iterable[str]) -> tuple[str, ...]:
    return texts(value, "risks")


def _training(value: str | Iterable[str]) -> tuple[str, ...]:
    return texts(value, "training")


def _cok(value: Amount) -> Decimal:
    return to_decimal(value, field="cok")


def _income_tax_rate(value: Amount) -> Decimal:
    return to_decimal(value, field="income_tax_rate")


def _working_capital(value: Amount) -> Decimal:
    return to_decimal(value, field="working_capital")


def _repayment_capacity_limit(value: Amount) -> Decimal:
    return to_decimal(value, field="repayment_capacity_limit")


def _investments(value: Investment | Iterable[Investment]) -> tuple[Investment, ...]:
    return instances(value, Investment, "investments")


def _opt_scenario(value: Scenario | None) -> Scenario | None:
    if value is None or isinstance(value, Scenario):
        return value
    raise WrongType(
        E_("'without_plan' must be a Scenario or None (got %(type)s).", type=type(value).__name__),
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

    Build one with keywords, or with :meth:`from_dict`, :meth:`from_toml`, :meth:`from_json`,
    :meth:`from_yaml` (text) or :meth:`from_file` (a path); evaluate it with
    :func:`coopfinance.plans.report`.

    >>> plan = BusinessPlan(
    ...     enterprise=Enterprise(name="Cooperativa Ejemplo"), start="2026-03-01",
    ...     investments=[Investment(name="Tank", date="2026-02-01", cost="20000",
    ...                             useful_life_years=10)],
    ...     with_plan=Scenario(name="with plan", production="150", price_per_litre="1.30"))
    >>> plan.months, plan.end
    (60, datetime.date(2031, 2, 28))
    """

    enterprise: Enterprise = attrs.field(validator=attrs.validators.instance_of(Enterprise))
    title: str = attrs.field(default="", converter=_title)
    start: dt.date = attrs.field(converter=_first_of_month)
    horizon_years: int = attrs.field(
        default=DEFAULT_HORIZON_YEARS, validator=whole(1, MAX_HORIZON_YEARS, error=InvalidPlan)
    )
    currency: Currency = attrs.field(factory=lambda: Currency.of("PEN"), converter=_to_currency)
    cok: Decimal = attrs.field(
        default=DEFAULT_COK,
        converter=_cok,
        validator=rate_in(Decimal("-0.5"), Decimal(10)),
    )
    income_tax_rate: Decimal = attrs.field(
        default=ZERO,
        converter=_income_tax_rate,
        validator=rate_in(ZERO, Decimal("0.99")),
    )
    investments: tuple[Investment, ...] = attrs.field(default=(), converter=_investments)
    working_capital: Decimal = attrs.field(
        default=ZERO, converter=_working_capital, validator=NON_NEGATIVE
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
        converter=_repayment_capacity_limit,
        validator=rate_in(Decimal("0.01"), Decimal(1)),
    )
    """The highest share of the cash available that debt service may take (30 %, §8)."""
    sensitivity_steps: tuple[Decimal, ...] = attrs.field(default=DEFAULT_STEPS, converter=_steps)
    risks: tuple[str, ...] = attrs.field(default=(), converter=_risks)
    training: tuple[str, ...] = attrs.field(default=(), converter=_training)
    notes: str = attrs.field(default="", converter=_notes)

    @exact
    def __attrs_post_init__(self) -> None:
        for step in self.sensitivity_steps:
            if step <= -1:
                raise InvalidPlan(
                    E_("'sensitivity_steps' must be above -100 %% (got %(step)s).", step=step),
                    field="sensitivity_steps",
                    value=step,
                )
        for name, scen in (("with_plan", self.with_plan), ("without_plan", self.without_plan)):
            if scen is not None and len(scen.price_per_litre) not in (1, self.horizon_years):
                raise InvalidPlan(
                    E_(
                        "'%(name)s.price_per_litre' must hold 1 price or one per year, "
                        "%(horizon_years)s (got %(price_per_litre_scen)s).",
                        name=name,
                        horizon_years=self.horizon_years,
                        price_per_litre_scen=len(scen.price_per_litre),
                    ),
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
                        E_(
                            "%(field)s must hold 1 value, 12 (January to December) or one per plan "
                            "month, %(months)s (got %(n)s).",
                            field=repr(field),
                            months=self.months,
                            n=n,
                        ),
                        field=field,
                        value=n,
                    )
        for k, inv in enumerate(self.investments):
            if inv.date > self.end:
                raise InvalidPlan(
                    E_(
                        "'investments[%(k)s].date' must fall within the plan, by "
                        "%(isoformat_end)s (got %(isoformat_date)s).",
                        k=k,
                        isoformat_end=self.end.isoformat(),
                        isoformat_date=inv.date.isoformat(),
                    ),
                    field=f"investments[{k}].date",
                    value=inv.date,
                )
        loan = self.financing.loan
        if loan is not None:
            if loan.currency != self.currency.code:
                raise InvalidPlan(
                    E_(
                        "'financing.loan.currency' must be the plan's currency %(code)s (got "
                        "%(currency)s).",
                        code=self.currency.code,
                        currency=loan.currency,
                    ),
                    field="financing.loan.currency",
                    value=loan.currency,
                )
            last = max(loan.dates())
            if last > self.end:
                raise InvalidPlan(
                    E_(
                        "'financing.loan' must be repaid within the plan, by %(isoformat_end)s "
                        "(its last installment is due %(isoformat_last)s); lengthen "
                        "'horizon_years' or shorten the loan.",
                        isoformat_end=self.end.isoformat(),
                        isoformat_last=last.isoformat(),
                    ),
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

    # -- reading (I/O at the edge) ---------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BusinessPlan:
        """A plan from plain data (parsed TOML, JSON or YAML); errors name the key path.

        See ``docs/plans.md`` and ``examples/plan-alfalfa.toml`` for the keys.

        >>> BusinessPlan.from_dict({"enterprise": {"name": "Coop"}, "start": "2026-01-01",
        ...     "with_plan": {"production": "100", "price_per_litre": "1.30"},
        ...     "investments": [{"name": "Tank", "date": "2025-12-01", "cost": "-3"}]})
        Traceback (most recent call last):
        ...
        coopfinance.errors.InvalidPlan: 'investments[0].cost' must not be negative (got -3).
        """
        return build("", cls, **plan_fields(data))

    @classmethod
    def from_toml(cls, text: str) -> BusinessPlan:
        """A plan from TOML text (decimals read exactly)."""
        return cls.from_dict(parse_plan(text, "toml"))

    @classmethod
    def from_json(cls, text: str) -> BusinessPlan:
        """A plan from JSON text (decimals read exactly)."""
        return cls.from_dict(parse_plan(text, "json"))

    @classmethod
    def from_yaml(cls, text: str) -> BusinessPlan:
        """A plan from YAML text; needs PyYAML (the ``yaml`` extra; an
        :class:`~coopfinance.errors.InvalidPlan` error says so without it)."""
        return cls.from_dict(parse_plan(text, "yaml"))

    @classmethod
    def from_file(cls, path: str | pathlib.Path) -> BusinessPlan:
        """A plan from a ``.toml``, ``.json``, ``.yaml`` or ``.yml`` file, read by its suffix."""
        return cls.from_dict(read_plan(path))
