"""Monthly and yearly projections: income statement and cash flow, with the loan's real schedule.

Period 0 is the investment year (everything dated before the plan's start); periods 1 … 12·H are
the operating months. Every money line is rounded to the currency's minor unit (half-up) month by
month, so yearly figures are exact sums of monthly ones and every column adds up. Lines spread
over months (yearly costs, depreciation) are rounded cumulatively, ``round(S_k) − round(S_{k−1})``,
so their rounded total equals the rounded exact total.

Income statement, per period::

    revenue        = milk_revenue + other_income              (milk = litres × price per litre)
    ebitda         = revenue − variable_costs − fixed_costs
    ebit           = ebitda − depreciation
    profit_before_tax = ebit − interest − loan_charges         (interest accrued, capitalized too)
    net_profit     = profit_before_tax − income_tax

Cash flow, per period::

    economic_flow  = ebitda − economic_tax − investment − working_capital
                     + working_capital_recovery + residual_value
    financial_flow = ebitda − income_tax − investment − working_capital
                     + working_capital_recovery + residual_value
                     + loan_disbursement + grant − debt_service
    cash_balance   = own_funds + Σ financial_flow to date

``economic_tax`` is the tax the plan would pay without debt (on EBIT); ``income_tax`` is the tax
it does pay (on profit after interest). Both are assessed per plan year on a positive profit and
paid in the year's last month.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from coopfinance._decimal import CONTEXT, ZERO, exact, to_decimal
from coopfinance._schedule import Schedule
from coopfinance._terms import LoanTerms
from coopfinance.errors import E_, InvalidPlan
from coopfinance.plans._model import BusinessPlan
from coopfinance.plans._operations import Basis, Scenario, add_months, days_in_month, month_index

__all__ = ["MONEY_FIELDS", "Projection", "ProjectionRow", "project"]

MONEY_FIELDS = (
    "milk_revenue",
    "other_income",
    "revenue",
    "variable_costs",
    "fixed_costs",
    "ebitda",
    "depreciation",
    "ebit",
    "interest",
    "loan_charges",
    "profit_before_tax",
    "income_tax",
    "net_profit",
    "investment",
    "working_capital",
    "working_capital_recovery",
    "residual_value",
    "economic_tax",
    "economic_flow",
    "loan_disbursement",
    "grant",
    "principal_repaid",
    "interest_paid",
    "charges_paid",
    "debt_service",
    "financial_flow",
)
"""The money columns that add up: a year's value is the sum of its months'."""

_STOCK_FIELDS = ("loan_balance", "cash_balance")


@attrs.frozen(slots=True, kw_only=True)
class ProjectionRow:
    """One period (a month, or a year) of a projection. Amounts are ``Decimal`` in the plan currency.

    ``period`` is the month number (0 = year 0) for monthly rows and the year number for yearly rows;
    ``first_day`` is the first day of the period (``None`` for year 0). ``loan_balance`` and
    ``cash_balance`` are closing balances; every other amount is a flow over the period.
    """

    period: int
    year: int
    first_day: dt.date | None
    days: int
    litres: Decimal
    milk_revenue: Decimal
    other_income: Decimal
    revenue: Decimal
    variable_costs: Decimal
    fixed_costs: Decimal
    ebitda: Decimal
    depreciation: Decimal
    ebit: Decimal
    interest: Decimal
    """Interest accrued on the loan in the period (paid or capitalized)."""
    loan_charges: Decimal
    """Fees, insurance and taxes on the loan (installment charges and upfront fees withheld)."""
    profit_before_tax: Decimal
    income_tax: Decimal
    net_profit: Decimal
    investment: Decimal
    working_capital: Decimal
    working_capital_recovery: Decimal
    residual_value: Decimal
    economic_tax: Decimal
    economic_flow: Decimal
    loan_disbursement: Decimal
    grant: Decimal
    principal_repaid: Decimal
    interest_paid: Decimal
    charges_paid: Decimal
    debt_service: Decimal
    """``principal_repaid + interest_paid + charges_paid``: the installments due in the period."""
    financial_flow: Decimal
    loan_balance: Decimal
    cash_balance: Decimal

    @property
    def litres_per_day(self) -> Decimal:
        """Average litres per day over the period (0 for year 0)."""
        if self.days == 0:
            return ZERO
        return CONTEXT.divide(self.litres, Decimal(self.days))

    @property
    def operating_costs(self) -> Decimal:
        """``variable_costs + fixed_costs``."""
        return self.variable_costs + self.fixed_costs

    @property
    def cash_available(self) -> Decimal:
        """Cash available for debt service: ``ebitda − income_tax``."""
        return self.ebitda - self.income_tax

    def to_record(self) -> dict[str, Any]:
        """The row as a plain dict."""
        return attrs.asdict(self, recurse=False)


@attrs.frozen(slots=True, kw_only=True)
class Projection:
    """The monthly rows (period 0 … 12·H) and yearly rows (year 0 … H) of one scenario.

    ``schedule`` is the loan's schedule (``None`` without a loan).
    """

    scenario: str
    monthly: tuple[ProjectionRow, ...]
    yearly: tuple[ProjectionRow, ...]
    schedule: Schedule | None = None

    def column(self, name: str, *, yearly: bool = True) -> tuple[Decimal, ...]:
        """One column, year by year (or month by month)."""
        rows = self.yearly if yearly else self.monthly
        return tuple(getattr(r, name) for r in rows)

    def total(self, name: str) -> Decimal:
        """The sum of a money column over the whole horizon."""
        if name not in MONEY_FIELDS:
            raise InvalidPlan(
                E_("'column' must be a money column (got %(name)s).", name=repr(name)),
                field="column",
                value=name,
            )
        return sum(self.column(name), ZERO)


def _round(x: Decimal, unit: Decimal) -> Decimal:
    with decimal.localcontext(CONTEXT):
        return (x / unit).to_integral_value(rounding=ROUND_HALF_UP) * unit


def _spread(total_per_month: Sequence[Decimal], unit: Decimal) -> list[Decimal]:
    """Round a series so that every partial sum is the rounded exact partial sum."""
    out = []
    acc = ZERO
    done = ZERO
    for x in total_per_month:
        acc += x
        r = _round(acc, unit)
        out.append(r - done)
        done = r
    return out


def _litres(scenario: Scenario, start: dt.date, months: int) -> list[Decimal]:
    raw = scenario.production.monthly_litres(start, months)
    values = list(raw)
    if len(values) != months:
        raise InvalidPlan(
            E_(
                "'production' must give %(months)s monthly amounts (got %(values)s).",
                months=months,
                values=len(values),
            ),
            field="production",
            value=len(values),
        )
    out = []
    for v in values:
        d = to_decimal(v, field="production")
        if d < 0:
            raise InvalidPlan(
                E_("'production' must not be negative (got %(d)s).", d=d),
                field="production",
                value=d,
            )
        out.append(d)
    return out


@functools.lru_cache(maxsize=64)
def _schedule(terms: LoanTerms) -> Schedule:
    """The schedule of ``terms`` (cached: sensitivity runs project the same loan many times)."""
    return terms.schedule()


_LOAN_COLUMNS = ("principal", "interest_paid", "charges_paid", "withheld", "accrued", "disbursed")


def _loan_by_month(schedule: Schedule, start: dt.date, periods: int) -> dict[str, list[Decimal]]:
    cols = {k: [ZERO] * periods for k in _LOAN_COLUMNS}
    disbursed_at = month_index(start, schedule.disbursed)
    cols["disbursed"][disbursed_at] += schedule.net_disbursement
    cols["withheld"][disbursed_at] += schedule.fees_withheld + schedule.taxes_withheld
    for row in schedule.installments:
        k = month_index(start, row.due_date)
        cols["principal"][k] += row.principal
        cols["interest_paid"][k] += row.interest
        cols["charges_paid"][k] += row.charges
        cols["accrued"][k] += row.interest + row.capitalized
    return cols


def _loan_balances(schedule: Schedule, start: dt.date, periods: int) -> list[Decimal]:
    """The closing balance of each period: that of the last installment due by the period's end
    (the principal once disbursed and before any installment; 0 before disbursement)."""
    out = []
    rows = schedule.installments
    j = 0
    for k in range(periods):
        end = add_months(start, k) - dt.timedelta(days=1)  # period k ends before month k+1 starts
        while j < len(rows) and rows[j].due_date <= end:
            j += 1
        if schedule.disbursed > end:
            out.append(ZERO)
        else:
            out.append(rows[j - 1].balance if j else schedule.principal)
    return out


def _taxes(profit: Sequence[Decimal], rate: Decimal, unit: Decimal, years: int) -> list[Decimal]:
    """Tax per period: each plan year's positive profit × rate, in the year's last month."""
    out = [ZERO] * len(profit)
    if rate == 0:
        return out
    for y in range(1, years + 1):
        base = sum(profit[12 * (y - 1) + 1 : 12 * y + 1], ZERO)
        if base > 0:
            out[12 * y] = _round(CONTEXT.multiply(base, rate), unit)
    return out


@exact
def project(
    plan: BusinessPlan, scenario: Scenario | None = None, *, with_plan: bool = True
) -> Projection:
    """Project ``scenario`` (default ``plan.with_plan``) month by month over the plan's horizon.

    With ``with_plan=False`` the scenario runs without the plan's investments, working capital and
    financing (the "without plan" situation).

    >>> from coopfinance.plans import BusinessPlan, Enterprise, Scenario
    >>> plan = BusinessPlan(enterprise=Enterprise(name="Ejemplo"), start="2026-01-01", horizon_years=1,
    ...                     with_plan=Scenario(name="with plan", production="100", price_per_litre="1.30"))
    >>> p = project(plan)
    >>> p.yearly[1].litres, p.yearly[1].revenue
    (Decimal('36500'), Decimal('47450.00'))
    """
    scen = plan.with_plan if scenario is None else scenario
    unit = plan.currency.unit
    n = plan.months
    periods = n + 1
    start = plan.start
    litres = [ZERO, *_litres(scen, start, n)]
    first_days: list[dt.date | None] = [None, *(add_months(start, k) for k in range(n))]
    days = [0, *(days_in_month(add_months(start, k)) for k in range(n))]
    year_of = [0, *(1 + k // 12 for k in range(n))]

    def r(x: Decimal) -> Decimal:
        return _round(x, unit)

    milk = [ZERO] * periods
    other = [ZERO] * periods
    variable = [ZERO] * periods
    for k in range(1, periods):
        milk[k] = r(CONTEXT.multiply(litres[k], scen.price_in_year(year_of[k])))
        for line in scen.costs:
            if line.per is Basis.LITRE:
                variable[k] += r(CONTEXT.multiply(litres[k], line.amount))
        for line in scen.other_income:
            if line.per is Basis.LITRE:
                other[k] += r(CONTEXT.multiply(litres[k], line.amount))
    fixed = [ZERO] * periods
    for lines, target in ((scen.costs, fixed), (scen.other_income, other)):
        for line in lines:
            if line.per is Basis.MONTH:
                for k in range(1, periods):
                    target[k] += r(line.amount)
            elif line.per is Basis.YEAR:
                spread = _spread([CONTEXT.divide(line.amount, Decimal(12))] * n, unit)
                for k in range(1, periods):
                    target[k] += spread[k - 1]

    investment = [ZERO] * periods
    depreciation = [ZERO] * periods
    residual = [ZERO] * periods
    working = [ZERO] * periods
    recovery = [ZERO] * periods
    grant = [ZERO] * periods
    if with_plan:
        for inv in plan.investments:
            at = month_index(start, inv.date)
            investment[at] += r(inv.cost)
            first_use = max(at, 0) + 1  # the month after the investment (month 1 for year 0)
            exact = [
                inv.accumulated_depreciation(k - first_use + 1)
                - inv.accumulated_depreciation(k - first_use)
                if k >= first_use
                else ZERO
                for k in range(1, periods)
            ]
            dep = _spread(exact, unit)
            for k in range(1, periods):
                depreciation[k] += dep[k - 1]
            residual[n] += r(inv.cost) - sum(dep, ZERO)
        working[0] = r(plan.working_capital)
        if plan.working_capital_recovered:
            recovery[n] = r(plan.working_capital)
        grant[0] = r(plan.financing.grant)

    schedule = _schedule(plan.financing.loan) if (with_plan and plan.financing.loan) else None
    if schedule is not None:
        loan = _loan_by_month(schedule, start, periods)
        balances = _loan_balances(schedule, start, periods)
    else:
        loan = {k: [ZERO] * periods for k in _LOAN_COLUMNS}
        balances = [ZERO] * periods

    ebitda = [milk[k] + other[k] - variable[k] - fixed[k] for k in range(periods)]
    ebit = [ebitda[k] - depreciation[k] for k in range(periods)]
    charges = [loan["withheld"][k] + loan["charges_paid"][k] for k in range(periods)]
    pbt = [ebit[k] - loan["accrued"][k] - charges[k] for k in range(periods)]
    rate = plan.income_tax_rate
    tax = _taxes(pbt, rate, unit, plan.horizon_years)
    econ_tax = _taxes(ebit, rate, unit, plan.horizon_years)
    own = r(plan.financing.own_funds) if with_plan else ZERO

    rows = []
    cash = own
    for k in range(periods):
        capital = -investment[k] - working[k] + recovery[k] + residual[k]
        econ = ebitda[k] - econ_tax[k] + capital
        service = loan["principal"][k] + loan["interest_paid"][k] + loan["charges_paid"][k]
        fin = ebitda[k] - tax[k] + capital + loan["disbursed"][k] + grant[k] - service
        cash += fin
        rows.append(
            ProjectionRow(
                period=k,
                year=year_of[k],
                first_day=first_days[k],
                days=days[k],
                litres=litres[k],
                milk_revenue=milk[k],
                other_income=other[k],
                revenue=milk[k] + other[k],
                variable_costs=variable[k],
                fixed_costs=fixed[k],
                ebitda=ebitda[k],
                depreciation=depreciation[k],
                ebit=ebit[k],
                interest=loan["accrued"][k],
                loan_charges=charges[k],
                profit_before_tax=pbt[k],
                income_tax=tax[k],
                net_profit=pbt[k] - tax[k],
                investment=investment[k],
                working_capital=working[k],
                working_capital_recovery=recovery[k],
                residual_value=residual[k],
                economic_tax=econ_tax[k],
                economic_flow=econ,
                loan_disbursement=loan["disbursed"][k],
                grant=grant[k],
                principal_repaid=loan["principal"][k],
                interest_paid=loan["interest_paid"][k],
                charges_paid=loan["charges_paid"][k],
                debt_service=service,
                financial_flow=fin,
                loan_balance=balances[k],
                cash_balance=cash,
            )
        )
    monthly = tuple(rows)
    return Projection(
        scenario=scen.name,
        monthly=monthly,
        yearly=_years(monthly, plan.horizon_years),
        schedule=schedule,
    )


def _years(monthly: Sequence[ProjectionRow], years: int) -> tuple[ProjectionRow, ...]:
    out = [monthly[0]]
    for y in range(1, years + 1):
        block = monthly[12 * (y - 1) + 1 : 12 * y + 1]
        sums = {name: sum((getattr(m, name) for m in block), ZERO) for name in MONEY_FIELDS}
        out.append(
            ProjectionRow(
                period=y,
                year=y,
                first_day=block[0].first_day,
                days=sum(m.days for m in block),
                litres=sum((m.litres for m in block), ZERO),
                loan_balance=block[-1].loan_balance,
                cash_balance=block[-1].cash_balance,
                **sums,
            )
        )
    return tuple(out)
