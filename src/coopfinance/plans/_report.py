"""Everything the plan document shows, as one frozen value: :class:`PlanReport`.

Templates only format what is here: the sections' figures, the tables (investment, sources and
uses, projections, schedule, break-even, sensitivity) and the chart series (monthly cash flow, loan
balance, sensitivity). :meth:`PlanReport.to_dict` gives plain data (Decimals as strings, dates ISO
8601) for JSON and for template contexts.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs

from coopfinance._decimal import ONE, ZERO, exact
from coopfinance._schedule import Schedule
from coopfinance.plans._indicators import (
    BreakEven,
    DebtCoverage,
    Evaluation,
    break_even,
    debt_coverage,
)
from coopfinance.plans._model import BusinessPlan
from coopfinance.plans._operations import month_index
from coopfinance.plans._projection import Projection
from coopfinance.plans._sensitivity import Sensitivity, run, sensitivity

__all__ = ["ChartSeries", "PlanReport", "SourcesAndUses", "report"]


@attrs.frozen(slots=True, kw_only=True)
class SourcesAndUses:
    """Year-0 uses of funds (investments, working capital, fees withheld) and their sources.

    ``gap = total_uses − total_sources``: positive is money still to be found.
    """

    uses: tuple[tuple[str, Decimal], ...]
    sources: tuple[tuple[str, Decimal], ...]
    total_uses: Decimal
    total_sources: Decimal
    gap: Decimal

    def share(self, amount: Decimal) -> Decimal:
        """``amount`` as a share of the total sources (0 when there are none)."""
        return amount / self.total_sources if self.total_sources else ZERO


def sources_and_uses(plan: BusinessPlan, schedule: Schedule | None) -> SourcesAndUses:
    """The sources-and-uses table of the plan's year 0."""
    uses = [(i.name, i.cost) for i in plan.investments if month_index(plan.start, i.date) == 0]
    if plan.working_capital:
        uses.append(("working capital", plan.working_capital))
    fin = plan.financing
    sources = []
    if fin.own_funds:
        sources.append(("own funds", fin.own_funds))
    if fin.grant:
        sources.append((f"grant{f' ({fin.grantor})' if fin.grantor else ''}", fin.grant))
    if schedule is not None:
        withheld = schedule.fees_withheld + schedule.taxes_withheld
        if withheld:
            uses.append(("loan fees withheld", withheld))
        sources.append((f"loan{f' ({fin.lender})' if fin.lender else ''}", schedule.amount_lent))
    total_uses = sum((a for _, a in uses), ZERO)
    total_sources = sum((a for _, a in sources), ZERO)
    return SourcesAndUses(
        uses=tuple(uses),
        sources=tuple(sources),
        total_uses=total_uses,
        total_sources=total_sources,
        gap=total_uses - total_sources,
    )


@attrs.frozen(slots=True, kw_only=True)
class ChartSeries:
    """One series of a chart: ``labels[k]`` (e.g. ``2026-03`` or ``-10%``) against ``values[k]``."""

    chart: str
    """Which chart: ``monthly-cash-flow``, ``cash-balance``, ``loan-balance``, ``sensitivity``."""
    name: str
    labels: tuple[str, ...]
    values: tuple[Decimal, ...]


def _label(d: dt.date | None) -> str:
    return "year 0" if d is None else f"{d.year:04d}-{d.month:02d}"


def _charts(w: Projection, sens: Sensitivity) -> tuple[ChartSeries, ...]:
    labels = tuple(_label(r.first_day) for r in w.monthly)
    out = [
        ChartSeries(
            chart="monthly-cash-flow",
            name="financial flow",
            labels=labels,
            values=tuple(r.financial_flow for r in w.monthly),
        ),
        ChartSeries(
            chart="monthly-cash-flow",
            name="economic flow",
            labels=labels,
            values=tuple(r.economic_flow for r in w.monthly),
        ),
        ChartSeries(
            chart="cash-balance",
            name="cash balance",
            labels=labels,
            values=tuple(r.cash_balance for r in w.monthly),
        ),
    ]
    if w.schedule is not None:
        out.append(
            ChartSeries(
                chart="loan-balance",
                name="loan balance",
                labels=labels,
                values=tuple(r.loan_balance for r in w.monthly),
            )
        )
    for name, points in (("price", sens.price), ("yield", sens.yield_)):
        out.append(
            ChartSeries(
                chart="sensitivity",
                name=f"economic NPV, {name}",
                labels=tuple(f"{p.change:+.0%}" for p in points),
                values=tuple(p.economic_npv for p in points),
            )
        )
    return tuple(out)


@attrs.frozen(slots=True, kw_only=True)
class PlanReport:
    """A plan with every figure its document needs, computed by one engine.

    >>> from coopfinance.plans import (BudgetLine, BusinessPlan, Enterprise, Investment,
    ...                                Scenario, report)
    >>> plan = BusinessPlan(
    ...     enterprise=Enterprise(name="Cooperativa Ejemplo"), start="2026-03-01",
    ...     investments=[Investment(name="Tank", date="2026-02-01", cost="20000",
    ...                             useful_life_years=10)],
    ...     with_plan=Scenario(name="with plan", production="150", price_per_litre="1.30",
    ...                        costs=[BudgetLine(name="feed", amount="0.80", per="litre")]))
    >>> r = report(plan)
    >>> r.economic.npv.quantize(Decimal("1")), f"{r.economic.irr:.2%}"
    (Decimal('90044'), '136.03%')
    """

    plan: BusinessPlan
    with_plan: Projection
    without_plan: Projection | None
    economic: Evaluation
    financial: Evaluation
    break_even: tuple[BreakEven, ...]
    debt: DebtCoverage
    sensitivity: Sensitivity
    sources_and_uses: SourcesAndUses
    charts: tuple[ChartSeries, ...]

    @property
    def schedule(self) -> Schedule | None:
        """The loan's schedule (the financing section's table)."""
        return self.with_plan.schedule

    def indicators(self) -> dict[str, Any]:
        """The evaluation at a glance as plain data (what ``coopfinance plan --format json`` prints)."""
        sens = self.sensitivity
        data: dict[str, Any] = _plain(
            {
                "title": self.plan.title,
                "enterprise": self.plan.enterprise.name,
                "currency": self.plan.currency.code,
                "start": self.plan.start,
                "horizon_years": self.plan.horizon_years,
                "cok": self.plan.cok,
                "incremental": self.plan.incremental,
                "total_investment": self.plan.total_investment,
                "economic": _evaluation(self.economic),
                "financial": _evaluation(self.financial),
                "break_even": [
                    {
                        "year": b.year,
                        "litres_per_day": b.litres_per_day,
                        "litres_per_day_planned": b.litres_per_day_planned,
                        "price_per_litre": b.price_per_litre,
                        "price_per_litre_planned": b.price_per_litre_planned,
                    }
                    for b in self.break_even
                ],
                "dscr": {
                    "yearly": [{"year": y, "dscr": v} for y, v in self.debt.yearly],
                    "minimum": self.debt.minimum,
                    "minimum_year": self.debt.minimum_year,
                    "minimum_monthly": self.debt.minimum_monthly,
                    "minimum_month": self.debt.minimum_month,
                },
                "repayment_capacity": {
                    "ratio": self.debt.repayment_ratio,
                    "limit": self.debt.limit,
                    "within_limit": self.debt.within_limit,
                },
                "funding_gap": self.sources_and_uses.gap,
                "switching_price": {
                    "economic": sens.switching_economic,
                    "financial": sens.switching_financial,
                },
            }
        )
        return data

    def to_dict(self) -> dict[str, Any]:
        """Plain data: Decimals as strings, dates as ISO 8601, tuples as lists."""
        data: dict[str, Any] = _plain(
            {
                "plan": {
                    "title": self.plan.title,
                    "enterprise": self.plan.enterprise,
                    "start": self.plan.start,
                    "end": self.plan.end,
                    "horizon_years": self.plan.horizon_years,
                    "currency": self.plan.currency.code,
                    "cok": self.plan.cok,
                    "incremental": self.plan.incremental,
                    "investments": self.plan.investments,
                    "total_investment": self.plan.total_investment,
                },
                "economic": self.economic,
                "financial": self.financial,
                "break_even": self.break_even,
                "debt": self.debt,
                "sources_and_uses": self.sources_and_uses,
                "yearly": {
                    "with_plan": self.with_plan.yearly,
                    "without_plan": None if self.without_plan is None else self.without_plan.yearly,
                },
                "sensitivity": self.sensitivity,
                "schedule": None if self.schedule is None else self.schedule.to_dict(),
                "charts": self.charts,
            }
        )
        return data


def _evaluation(e: Evaluation) -> dict[str, Any]:
    return {
        "npv": e.npv,
        "irr": e.irr,
        "irr_problem": e.irr_problem,
        "benefit_cost": e.benefit_cost,
        "payback_years": e.payback_years,
        "discounted_payback_years": e.discounted_payback_years,
        "flows": e.flows,
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if attrs.has(type(value)):
        data = {f.name: getattr(value, f.name) for f in attrs.fields(type(value))}
        if hasattr(value, "code") and hasattr(value, "minor_unit"):
            return value.code
        return _plain(data)
    return str(value)


@exact
def report(plan: BusinessPlan) -> PlanReport:
    """Project, evaluate and stress ``plan``: the :class:`PlanReport` its document is made from."""
    w, wo, econ, fin = run(plan, price=ONE, litres=ONE)
    prices = [plan.with_plan.price_in_year(y) for y in range(1, plan.horizon_years + 1)]
    sens = sensitivity(plan, w, wo)
    return PlanReport(
        plan=plan,
        with_plan=w,
        without_plan=wo,
        economic=econ,
        financial=fin,
        break_even=break_even(w, prices),
        debt=debt_coverage(w, plan.repayment_capacity_limit),
        sensitivity=sens,
        sources_and_uses=sources_and_uses(plan, w.schedule),
        charts=_charts(w, sens),
    )
