"""The business-plan document: :func:`plan_context` and :func:`render_plan`.

The document follows the sections AGROIDEAS (ficha matriz of the plan de negocio) and PROCOMPITE
(contenidos mínimos) ask for: executive summary, the organisation, market, production plan,
investment, financing (with the loan's real schedule), projections, evaluation, sensitivity, risks
and training plan. Every figure comes from one :class:`~coopfinance.plans.PlanReport`; this module
only arranges it into tables whose lines add up (outflows are shown negative, so each bold line is
the sum of the lines above it), and the templates only format it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Literal, overload

import attrs

from coopfinance import text
from coopfinance._decimal import ZERO, exact
from coopfinance.documents._documents import rate_label, schedule_context
from coopfinance.documents._env import render, render_pdf
from coopfinance.documents._format import check_lang, format_percent
from coopfinance.errors import E_, InvalidValue, WrongType, fmt_value
from coopfinance.plans import BusinessPlan, PlanReport, ProjectionRow, report
from coopfinance.plans._operations import month_index

__all__ = ["PLAN_FORMATS", "Line", "Table", "plan_context", "render_plan"]

PLAN_FORMATS = ("md", "html", "pdf")
"""The formats :func:`render_plan` writes."""


@attrs.frozen(slots=True, kw_only=True)
class Line:
    """One line of a plan table: its label key (``plan.line.<name>`` in the ``plans`` catalogs), the
    values per column, the total (``None`` for balances and averages), how it is formatted
    (``money`` or ``number`` with ``places``) and whether it is a result line (bold)."""

    key: str
    values: tuple[Decimal, ...]
    total: Decimal | None = None
    kind: str = "money"
    places: int = 0
    strong: bool = False


@attrs.frozen(slots=True, kw_only=True)
class Table:
    """A table of :class:`Line` s over ``years`` (``has_total``: a total column at the end)."""

    years: tuple[int, ...]
    lines: tuple[Line, ...]
    has_total: bool = True


def _line(
    key: str,
    rows: Sequence[ProjectionRow],
    field: str,
    *,
    sign: int = 1,
    strong: bool = False,
    summed: bool = True,
) -> Line:
    values = tuple(sign * getattr(r, field) + ZERO for r in rows)
    return Line(key=key, values=values, total=sum(values, ZERO) if summed else None, strong=strong)


def _derived(key: str, values: Iterable[Decimal], *, strong: bool = False) -> Line:
    vals = tuple(values)
    return Line(key=key, values=vals, total=sum(vals, ZERO), strong=strong)


def income_statement(rows: Sequence[ProjectionRow]) -> Table:
    """The yearly income statement (years 1 … H): each result line is the sum of the lines above."""
    years = tuple(r.year for r in rows)
    return Table(
        years=years,
        lines=(
            Line(
                key="plan.line.litres_per_day",
                values=tuple(r.litres_per_day for r in rows),
                kind="number",
                places=1,
            ),
            _line("plan.line.milk_revenue", rows, "milk_revenue"),
            _line("plan.line.other_income", rows, "other_income"),
            _line("plan.line.revenue", rows, "revenue", strong=True),
            _line("plan.line.variable_costs", rows, "variable_costs", sign=-1),
            _line("plan.line.fixed_costs", rows, "fixed_costs", sign=-1),
            _line("plan.line.ebitda", rows, "ebitda", strong=True),
            _line("plan.line.depreciation", rows, "depreciation", sign=-1),
            _line("plan.line.ebit", rows, "ebit", strong=True),
            _line("plan.line.interest", rows, "interest", sign=-1),
            _line("plan.line.loan_charges", rows, "loan_charges", sign=-1),
            _line("plan.line.profit_before_tax", rows, "profit_before_tax", strong=True),
            _line("plan.line.income_tax", rows, "income_tax", sign=-1),
            _line("plan.line.net_profit", rows, "net_profit", strong=True),
        ),
    )


def cash_flow(rows: Sequence[ProjectionRow], *, with_loan: bool) -> Table:
    """The yearly cash flow (years 0 … H): economic flow, then the financing to the financial flow.

    economic flow = revenue − variable − fixed costs − tax without debt − investment − working
    capital + recovered + residual value; financial flow = economic flow + tax saved by interest +
    loan + grant − principal − interest − charges.
    """
    lines = [
        _line("plan.line.revenue", rows, "revenue"),
        _line("plan.line.variable_costs", rows, "variable_costs", sign=-1),
        _line("plan.line.fixed_costs", rows, "fixed_costs", sign=-1),
        _line("plan.line.economic_tax", rows, "economic_tax", sign=-1),
        _line("plan.line.investment", rows, "investment", sign=-1),
        _line("plan.line.working_capital", rows, "working_capital", sign=-1),
        _line("plan.line.working_capital_recovery", rows, "working_capital_recovery"),
        _line("plan.line.residual_value", rows, "residual_value"),
        _line("plan.line.economic_flow", rows, "economic_flow", strong=True),
        _derived("plan.line.tax_saving", (r.economic_tax - r.income_tax for r in rows)),
    ]
    if with_loan:
        lines.append(_line("plan.line.loan_disbursement", rows, "loan_disbursement"))
    lines.append(_line("plan.line.grant", rows, "grant"))
    if with_loan:
        lines += [
            _line("plan.line.principal_repaid", rows, "principal_repaid", sign=-1),
            _line("plan.line.interest_paid", rows, "interest_paid", sign=-1),
            _line("plan.line.charges_paid", rows, "charges_paid", sign=-1),
        ]
    lines.append(_line("plan.line.financial_flow", rows, "financial_flow", strong=True))
    lines.append(_line("plan.line.cash_balance", rows, "cash_balance", summed=False))
    if with_loan:
        lines.append(_line("plan.line.loan_balance", rows, "loan_balance", summed=False))
    return Table(years=tuple(r.year for r in rows), lines=tuple(lines))


def _signed_percent(change: Decimal, lang: str) -> str:
    text = format_percent(change, lang=lang, places=0)
    return f"+{text}" if change > 0 else text


def _report(value: object) -> PlanReport:
    if isinstance(value, PlanReport):
        return value
    if isinstance(value, BusinessPlan):
        return report(value)
    raise WrongType(
        E_(
            "'plan' must be a BusinessPlan or a PlanReport (got %(type)s).",
            type=type(value).__name__,
        ),
        field="plan",
        value=value,
    )


@exact
def plan_context(plan: BusinessPlan | PlanReport, *, lang: str = "es") -> dict[str, Any]:
    """What the ``plan`` templates use, from a plan (evaluated here) or its report.

    ``report``, ``plan``, ``enterprise``, ``currency``, ``summary`` (the executive summary's
    figures), ``prices`` and ``production`` (per year), ``investments``, ``uses`` and ``sources``
    (label key or user text, amount, share), ``loan`` (``None`` without a loan, else
    :func:`schedule_context` plus ``lender``), ``income_statement`` and ``cash_flow``
    (:class:`Table`), ``evaluation_flows``, ``economic``, ``financial``, ``break_even``, ``debt``,
    ``sensitivity`` (one-way rows, the two-way table, switching prices, scenarios), ``charts`` (the
    series of the monthly cash flow, loan balance and sensitivity charts), ``risks``, ``training``,
    ``notes``. Labels (``plan.line.*``, ``plan.source.*``, ``plan.use.*``) are looked up by the templates.
    """
    lang = check_lang(lang)
    rep = _report(plan)
    p = rep.plan
    w, wo = rep.with_plan, rep.without_plan
    fin = p.financing
    schedule = rep.schedule
    years = tuple(range(1, p.horizon_years + 1))

    loan = None
    if schedule is not None and fin.loan is not None:
        loan = {
            **schedule_context(
                schedule,
                borrower=p.enterprise.name,
                lender=fin.lender or "—",
                rate_label=rate_label(fin.loan.rate, lang),
            ),
            "lender_given": bool(fin.lender),
            "total_interest": schedule.total_interest,
            "total_payments": schedule.total_payments,
            "grace_periods": fin.loan.grace.periods,
        }

    uses: list[dict[str, Any]] = [
        {"key": None, "name": i.name, "amount": i.cost}
        for i in p.investments
        if month_index(p.start, i.date) == 0
    ]
    if p.working_capital:
        uses.append({"key": "plan.use.working_capital", "name": "", "amount": p.working_capital})
    if schedule is not None and (schedule.fees_withheld + schedule.taxes_withheld):
        uses.append(
            {
                "key": "plan.use.fees_withheld",
                "name": "",
                "amount": schedule.fees_withheld + schedule.taxes_withheld,
            }
        )
    su = rep.sources_and_uses
    sources: list[dict[str, Any]] = []
    if fin.own_funds:
        sources.append({"key": "plan.source.own_funds", "name": "", "amount": fin.own_funds})
    if fin.grant:
        sources.append({"key": "plan.source.grant", "name": fin.grantor, "amount": fin.grant})
    if schedule is not None:
        sources.append(
            {"key": "plan.source.loan", "name": fin.lender, "amount": schedule.amount_lent}
        )
    for row in sources:
        row["share"] = su.share(row["amount"])

    production = [
        {
            "year": y,
            "with_plan": w.yearly[y].litres_per_day,
            "without_plan": None if wo is None else wo.yearly[y].litres_per_day,
            "price": p.with_plan.price_in_year(y),
            "milk_revenue": w.yearly[y].milk_revenue,
            "litres": w.yearly[y].litres,
        }
        for y in years
    ]

    flows: list[Line] = []
    if wo is not None:
        flows.append(_line("plan.line.economic_flow_with", w.yearly, "economic_flow"))
        flows.append(_line("plan.line.economic_flow_without", wo.yearly, "economic_flow", sign=-1))
    flows.append(_derived("plan.line.economic_evaluation_flow", rep.economic.flows, strong=True))
    if wo is not None:
        flows.append(_line("plan.line.financial_flow_with", w.yearly, "financial_flow"))
        flows.append(
            _line("plan.line.financial_flow_without", wo.yearly, "financial_flow", sign=-1)
        )
    flows.append(_derived("plan.line.financial_evaluation_flow", rep.financial.flows, strong=True))

    sens = rep.sensitivity
    one_way = [
        {"variable": pt.variable, "change": pt.change, "point": pt}
        for pt in (*sens.price, *sens.yield_)
    ]
    steps = tuple(pt.change for pt in sens.price)
    month_labels = tuple(
        f"{r.first_day:%m/%Y}" if r.first_day is not None and r.period % 12 == 1 else ""
        for r in w.monthly
    )
    charts = {
        "months": month_labels,
        "financial_flow": tuple(r.financial_flow for r in w.monthly),
        "loan_balance": None if schedule is None else tuple(r.loan_balance for r in w.monthly),
        "sensitivity_labels": tuple(_signed_percent(c, lang) for c in steps),
        "sensitivity_price": tuple(pt.economic_npv for pt in sens.price),
        "sensitivity_yield": tuple(pt.economic_npv for pt in sens.yield_),
    }

    return {
        "report": rep,
        "plan": p,
        "title": p.title or p.enterprise.name,
        "enterprise": p.enterprise,
        "currency": p.currency,
        "years": years,
        "summary": {
            "total_investment": p.total_investment,
            "own_funds": fin.own_funds,
            "grant": fin.grant,
            "loan_amount": None if schedule is None else schedule.amount_lent,
            "installment": None if schedule is None else schedule.installment_amount,
            "viable": rep.economic.viable and rep.financial.viable,
        },
        "production": production,
        "investments": p.investments,
        "uses": uses,
        "sources": sources,
        "sources_and_uses": su,
        "loan": loan,
        "income_statement": income_statement(w.yearly[1:]),
        "cash_flow": cash_flow(w.yearly, with_loan=schedule is not None),
        "evaluation_flows": Table(years=(0, *years), lines=tuple(flows)),
        "economic": rep.economic,
        "financial": rep.financial,
        "break_even": rep.break_even,
        "debt": rep.debt,
        "sensitivity": {
            "one_way": one_way,
            "two_way": sens.two_way,
            "switching": (sens.switching_economic, sens.switching_financial),
            "scenarios": sens.scenarios,
        },
        "charts": charts,
        "risks": p.risks,
        "training": p.training,
        "notes": p.notes,
    }


@overload
@exact
def render_plan(
    plan: BusinessPlan | PlanReport,
    *,
    lang: str = ...,
    fmt: Literal["md", "html"] = ...,
    template_dirs: Iterable[str | os.PathLike[str]] = ...,
    messages: text.Overrides | None = ...,
) -> str: ...
@overload
def render_plan(
    plan: BusinessPlan | PlanReport,
    *,
    lang: str = ...,
    fmt: Literal["pdf"],
    template_dirs: Iterable[str | os.PathLike[str]] = ...,
    messages: text.Overrides | None = ...,
) -> bytes: ...
@overload
def render_plan(
    plan: BusinessPlan | PlanReport,
    *,
    lang: str = ...,
    fmt: str = ...,
    template_dirs: Iterable[str | os.PathLike[str]] = ...,
    messages: text.Overrides | None = ...,
) -> str | bytes: ...
def render_plan(
    plan: BusinessPlan | PlanReport,
    *,
    lang: str = "es",
    fmt: str = "html",
    template_dirs: Iterable[str | os.PathLike[str]] = (),
    messages: text.Overrides | None = None,
) -> str | bytes:
    """The business-plan document in Markdown, self-contained HTML (inline SVG charts) or PDF.

    ``plan`` is a :class:`~coopfinance.plans.BusinessPlan` (evaluated here) or the
    :class:`~coopfinance.plans.PlanReport` already made from one. ``fmt="pdf"`` returns bytes and
    needs WeasyPrint. Templates in ``template_dirs`` override the bundled ``plan.*.j2`` and
    ``partials/plan_*.j2`` and render in Jinja2's sandbox.

    >>> from coopfinance.plans import BusinessPlan, report
    >>> r = report(BusinessPlan.from_file("examples/plan-alfalfa.toml"))
    >>> md = render_plan(r, lang="en", fmt="md")
    >>> md.splitlines()[0]
    '# Business plan: Alfalfa for a small dairy co-op (illustrative)'
    >>> "S/ 49,464.84" in md, "31.39%" in md, "S/ 744.58" in md
    (True, True, True)
    """
    if fmt not in PLAN_FORMATS:
        choices = ", ".join(repr(f) for f in PLAN_FORMATS)
        raise InvalidValue(
            E_(
                "'fmt' must be one of %(choices)s (got %(fmt)s).",
                choices=choices,
                fmt=fmt_value(fmt),
            ),
            field="fmt",
            value=fmt,
        )
    context = plan_context(plan, lang=lang)
    if fmt == "pdf":
        return render_pdf(
            "plan", context, lang=lang, template_dirs=template_dirs, messages=messages
        )
    return render(
        "plan", context, lang=lang, fmt=fmt, template_dirs=template_dirs, messages=messages
    )
