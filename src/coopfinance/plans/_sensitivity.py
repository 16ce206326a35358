"""Sensitivity of a plan: price and yield ±10/20 %, a two-way table, the switching price, scenarios.

- **Price** changes multiply every milk price of both scenarios (the market moves for everyone).
- **Yield** changes multiply the with-plan milk only (the plan's technical result is uncertain).
- The **switching price** is the factor ``f`` on prices at which the NPV is zero; NPV is a
  non-decreasing, piecewise-linear function of ``f`` (revenue is linear in price, tax is a share of
  a positive profit), so it is found by regula falsi (Illinois) inside a bracket.
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from decimal import Decimal

import attrs

from coopfinance._decimal import CONTEXT, ONE, ZERO, exact
from coopfinance.cost import npv
from coopfinance.plans._indicators import Evaluation, debt_coverage, evaluations
from coopfinance.plans._model import BusinessPlan
from coopfinance.plans._projection import Projection, project
from coopfinance.text import N_, Message

__all__ = [
    "ScenarioSummary",
    "Sensitivity",
    "SensitivityPoint",
    "SwitchingValue",
    "TwoWayTable",
    "run",
    "sensitivity",
    "switching_price",
]

_MAX_FACTOR = Decimal(100)
_TOLERANCE = Decimal("1e-9")
_NPV_TOLERANCE = Decimal("0.5")


def run(
    plan: BusinessPlan, *, price: Decimal = ONE, litres: Decimal = ONE
) -> tuple[Projection, Projection | None, Evaluation, Evaluation]:
    """Project and evaluate ``plan`` with prices × ``price`` and with-plan milk × ``litres``."""
    with_s = plan.with_plan.scaled(
        price=price if price != ONE else None, litres=litres if litres != ONE else None
    )
    without_s = plan.without_plan
    if without_s is not None and price != ONE:
        without_s = without_s.scaled(price=price)
    w = project(plan, with_s)
    wo = project(plan, without_s, with_plan=False) if without_s is not None else None
    econ, fin = evaluations(plan.cok, w, wo)
    return w, wo, econ, fin


def _npvs(plan: BusinessPlan, price: Decimal, litres: Decimal = ONE) -> tuple[Decimal, Decimal]:
    """Economic and financial NPV only (no IRR): the fast path of the grid and the solver."""
    with_s = plan.with_plan.scaled(price=price, litres=litres if litres != ONE else None)
    w = project(plan, with_s)
    econ = [r.economic_flow for r in w.yearly]
    fin = [r.financial_flow for r in w.yearly]
    if plan.without_plan is not None:
        wo = project(plan, plan.without_plan.scaled(price=price), with_plan=False)
        econ = [a - r.economic_flow for a, r in zip(econ, wo.yearly, strict=True)]
        fin = [a - r.financial_flow for a, r in zip(fin, wo.yearly, strict=True)]
    return npv(plan.cok, econ), npv(plan.cok, fin)


@attrs.frozen(slots=True, kw_only=True)
class SensitivityPoint:
    """The indicators when ``variable`` (``price`` or ``yield``) changes by ``change`` (−0.10 = −10 %)."""

    variable: str
    change: Decimal
    economic_npv: Decimal
    economic_irr: Decimal | None
    financial_npv: Decimal
    financial_irr: Decimal | None
    min_dscr: Decimal | None


@attrs.frozen(slots=True, kw_only=True)
class TwoWayTable:
    """Economic NPV for each price change (rows) and yield change (columns)."""

    price_changes: tuple[Decimal, ...]
    yield_changes: tuple[Decimal, ...]
    npv: tuple[tuple[Decimal, ...], ...]


@attrs.frozen(slots=True, kw_only=True)
class SwitchingValue:
    """The price factor at which the NPV of ``kind`` flows is zero.

    ``factor`` is ``None`` when no factor from 0 to 100 gives NPV zero (``note`` says why);
    ``price_per_litre`` is the first-year with-plan price times ``factor``, ``change`` is
    ``factor − 1`` (−0.23 means prices may fall 23 % before the NPV turns negative).
    """

    kind: str
    factor: Decimal | None
    price_per_litre: Decimal | None
    change: Decimal | None
    note: str
    """Why there is no switching price within the search, in English (logs, the JSON export)."""
    reason: Message | None = None
    """:attr:`note` as a message in no language yet: what documents show."""


@attrs.frozen(slots=True, kw_only=True)
class ScenarioSummary:
    """One scenario's totals and its own (non-incremental) economic NPV, for the comparison table."""

    name: str
    litres_per_day: tuple[Decimal, ...]
    """Average litres per day in years 1 … H."""
    revenue: tuple[Decimal, ...]
    net_profit: tuple[Decimal, ...]
    economic_flow: tuple[Decimal, ...]
    economic_npv: Decimal


@attrs.frozen(slots=True, kw_only=True)
class Sensitivity:
    """Every sensitivity figure of a plan."""

    price: tuple[SensitivityPoint, ...]
    yield_: tuple[SensitivityPoint, ...]
    two_way: TwoWayTable
    switching_economic: SwitchingValue
    switching_financial: SwitchingValue
    scenarios: tuple[ScenarioSummary, ...]


_ZERO_PRICE = N_("the NPV stays non-negative even at a zero milk price")
_NEVER = N_("the NPV stays negative even at %(factor)s times the planned prices")


@exact
def switching_price(plan: BusinessPlan, kind: str = "economic") -> SwitchingValue:
    """The price factor that makes the ``kind`` (economic or financial) NPV zero.

    Regula falsi with the Illinois modification on ``[lo, hi]`` where NPV(lo) < 0 ≤ NPV(hi), until
    the NPV at ``hi`` is below half a currency unit or the bracket is narrower than 1e-9 (the NPV is
    a step function at the scale of a céntimo, since every monthly line is rounded). The factor
    returned is ``hi``: the lowest one found with NPV ≥ 0.
    """
    pick = 0 if kind == "economic" else 1
    base_price = plan.with_plan.price_in_year(1)

    def f(x: Decimal) -> Decimal:
        return _npvs(plan, x)[pick]

    f0 = f(ZERO)
    if f0 >= 0:
        return SwitchingValue(
            kind=kind,
            factor=ZERO,
            price_per_litre=ZERO,
            change=-ONE,
            note=_ZERO_PRICE,
            reason=Message(msgid=_ZERO_PRICE),
        )
    lo, flo = ZERO, f0
    hi = ONE
    fhi = f(hi)
    while fhi < 0:
        lo, flo = hi, fhi
        hi *= 2
        if hi > _MAX_FACTOR:
            return SwitchingValue(
                kind=kind,
                factor=None,
                price_per_litre=None,
                change=None,
                note=_NEVER % {"factor": _MAX_FACTOR},
                reason=Message(msgid=_NEVER, params={"factor": _MAX_FACTOR}),
            )
        fhi = f(hi)
    side = 0
    with decimal.localcontext(CONTEXT):
        for _ in range(200):
            if hi - lo <= _TOLERANCE or fhi < _NPV_TOLERANCE:
                break
            x = hi - fhi * (hi - lo) / (fhi - flo)
            if not lo < x < hi:
                x = (lo + hi) / 2
            fx = f(x)
            if fx >= 0:
                hi, fhi = x, fx
                if side == 1:
                    flo /= 2
                side = 1
            else:
                lo, flo = x, fx
                if side == -1:
                    fhi /= 2
                side = -1
        factor = hi
        return SwitchingValue(
            kind=kind,
            factor=factor,
            price_per_litre=base_price * factor,
            change=factor - ONE,
            note="",
        )


def _summary(name: str, p: Projection, cok: Decimal) -> ScenarioSummary:
    years = p.yearly[1:]
    econ = tuple(r.economic_flow for r in p.yearly)
    return ScenarioSummary(
        name=name,
        litres_per_day=tuple(r.litres_per_day for r in years),
        revenue=tuple(r.revenue for r in years),
        net_profit=tuple(r.net_profit for r in years),
        economic_flow=econ,
        economic_npv=npv(cok, econ),
    )


def _point(plan: BusinessPlan, variable: str, change: Decimal) -> SensitivityPoint:
    factor = ONE + change
    w, _, econ, fin = run(plan, price=factor) if variable == "price" else run(plan, litres=factor)
    return SensitivityPoint(
        variable=variable,
        change=change,
        economic_npv=econ.npv,
        economic_irr=econ.irr,
        financial_npv=fin.npv,
        financial_irr=fin.irr,
        min_dscr=debt_coverage(w, plan.repayment_capacity_limit).minimum,
    )


@exact
def sensitivity(
    plan: BusinessPlan, with_plan: Projection | None = None, without_plan: Projection | None = None
) -> Sensitivity:
    """Price and yield sensitivity at ``plan.sensitivity_steps``, the two-way table, the switching
    prices and the scenario comparison (the base projections may be passed to save work)."""
    steps: Sequence[Decimal] = plan.sensitivity_steps
    price = tuple(_point(plan, "price", s) for s in steps)
    yield_ = tuple(_point(plan, "yield", s) for s in steps)
    grid = []
    for p in steps:
        row = []
        for y in steps:
            row.append(_npvs(plan, ONE + p, ONE + y)[0])
        grid.append(tuple(row))
    w = with_plan if with_plan is not None else project(plan)
    scenarios = [_summary(plan.with_plan.name, w, plan.cok)]
    if plan.without_plan is not None:
        wo = (
            without_plan
            if without_plan is not None
            else project(plan, plan.without_plan, with_plan=False)
        )
        scenarios.append(_summary(plan.without_plan.name, wo, plan.cok))
    return Sensitivity(
        price=price,
        yield_=yield_,
        two_way=TwoWayTable(
            price_changes=tuple(steps), yield_changes=tuple(steps), npv=tuple(grid)
        ),
        switching_economic=switching_price(plan, "economic"),
        switching_financial=switching_price(plan, "financial"),
        scenarios=tuple(scenarios),
    )
