"""Indicators of a plan: NPV, IRR, benefit/cost, payback, break-even, DSCR and repayment capacity.

Annual flows ``F₀ … F_H`` (year 0 = investment year) are discounted at the cost of capital (COK)::

    NPV  = Σ_t F_t / (1 + COK)^t                       (VAN; F₀ is not discounted)
    IRR  : Σ_t F_t / (1 + IRR)^t = 0                   (TIR; coopfinance.cost.irr)
    B/C  = Σ_t B_t/(1 + COK)^t  /  Σ_t C_t/(1 + COK)^t  (benefits and costs both positive)
    payback = the first t with Σ_{s≤t} F_s ≥ 0, interpolated within the year:
              (t − 1) + (−Σ_{s≤t−1} F_s) / F_t          (PRI; "discounted" uses F_s/(1+COK)^s)

The **economic** evaluation takes the plan as if paid for with own money (the economic flow); the
**financial** evaluation adds the loan and the grant as they happen (the financial flow). With a
"without plan" scenario both are incremental: with-plan flows minus without-plan flows.

Break-even (per plan year, with-plan operations)::

    fixed = fixed costs + depreciation + interest + loan charges − income other than milk
    litres/day = fixed / (price − variable cost per litre) / days in the year
    price      = price − profit_before_tax / litres     (the price at which profit is zero)

DSCR per year = cash available (EBITDA − income tax) / debt service, where debt is due (per month
before income tax, which is settled yearly); the
repayment-capacity ratio is its reciprocal over the loan's life, debt service / cash available,
to compare with the lender's limit (30 %).
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Sequence
from decimal import Decimal

import attrs

from coopfinance._decimal import CONTEXT, ONE, ZERO, exact, to_decimal
from coopfinance.cost import irr, npv
from coopfinance.errors import E_, ErrorText, InvalidPlan, MultipleSolutions, NoSolution
from coopfinance.plans._projection import Projection, ProjectionRow
from coopfinance.text import N_, Message

__all__ = [
    "BreakEven",
    "DebtCoverage",
    "Evaluation",
    "benefit_cost",
    "break_even",
    "debt_coverage",
    "evaluate",
    "payback",
    "plan_irr",
]


def _flows(values: Iterable[object], field: str) -> list[Decimal]:
    return [to_decimal(v, field=field) for v in values]


_FLOWS = {"economic": N_("economic flows"), "financial": N_("financial flows")}
_IRR_ZERO = N_("The IRR of the %(flows)s does not exist: every flow is zero.")
_IRR_NO_NEGATIVE = N_(
    "The IRR of the %(flows)s does not exist: no flow is negative (nothing is invested that the "
    "plan must earn back)."
)
_IRR_NO_POSITIVE = N_(
    "The IRR of the %(flows)s does not exist: no flow is positive (the plan never earns back "
    "what is put in)."
)
_IRR_NO_RATE = N_(
    "The IRR of the %(flows)s does not exist: no rate between -99 %% and 1,000,000 %% makes the "
    "NPV zero."
)
_IRR_SEVERAL = N_(
    "The IRR of the %(flows)s is not unique: the flows change sign more than once and rates "
    "%(roots)s all make the NPV zero; judge the plan by its NPV instead."
)
_FLOWS_CONTEXT = "plan flows"  # the message context of the flows' names in the IRR explanations


def _irr_reason(values: Sequence[Decimal], label: str) -> tuple[str, dict[str, object]] | None:
    """Why the IRR of ``values`` does not exist or is not unique (message id, parameters), or
    ``None`` when it has exactly one IRR."""
    flows = Message(msgid=_FLOWS.get(label.removesuffix(" flows"), label), context=_FLOWS_CONTEXT)
    if all(v == 0 for v in values):
        return _IRR_ZERO, {"flows": flows}
    try:
        irr(values)
    except MultipleSolutions as exc:
        roots = ", ".join(f"{(r * 100).quantize(Decimal('0.01'))} %" for r in exc.roots)
        return _IRR_SEVERAL, {"flows": flows, "roots": roots}
    except NoSolution:
        if all(v >= 0 for v in values):
            return _IRR_NO_NEGATIVE, {"flows": flows}
        if all(v <= 0 for v in values):
            return _IRR_NO_POSITIVE, {"flows": flows}
        return _IRR_NO_RATE, {"flows": flows}
    return None


def _english(msgid: str, params: dict[str, object]) -> ErrorText:
    """The document's message as an error message (English; the CLI shows it in its language)."""
    plain = {
        k: ErrorText(v.msgid, context=v.context) if isinstance(v, Message) else v
        for k, v in params.items()
    }
    return ErrorText(msgid, plain, context=None)


@exact
def plan_irr(flows: Iterable[object], *, label: str = "flows") -> Decimal:
    """The IRR of annual ``flows`` (year 0 first), or a clear error when there is none or several.

    >>> plan_irr([-53000, 14000, 17000, 20000, 24000, 32000]).quantize(Decimal("0.0001"))
    Decimal('0.2471')
    >>> plan_irr([1000, 200, 300], label="economic flows")
    Traceback (most recent call last):
    ...
    coopfinance.errors.NoSolution: The IRR of the economic flows does not exist: ...
    """
    values = _flows(flows, label)
    reason = _irr_reason(values, label)
    if reason is None:
        return irr(values)
    msgid, params = reason
    if msgid == _IRR_SEVERAL:
        try:
            irr(values)
        except MultipleSolutions as exc:
            roots = ", ".join(f"{r:.2%}" for r in exc.roots)
            raise MultipleSolutions(
                _english(msgid, {**params, "roots": roots}),
                field=label,
                value=tuple(values),
                roots=exc.roots,
            ) from None
    raise NoSolution(_english(msgid, params), field=label, value=tuple(values))


def _irr_message(flows: Sequence[Decimal], kind: str) -> Message | None:
    """Why the IRR of ``kind`` (economic or financial) ``flows`` does not exist or is not unique,
    as a :class:`~coopfinance.text.Message` documents show in their language; ``None`` when the
    IRR exists.

    >>> from coopfinance.text import translator
    >>> translator("es").message(_irr_message([Decimal(0), Decimal(0)], "economic"))
    'La TIR de los flujos económicos no existe: todos los flujos son cero.'
    """
    reason = _irr_reason(list(flows), f"{kind} flows")
    return None if reason is None else Message(msgid=reason[0], params=reason[1])


@exact
def benefit_cost(rate: object, benefits: Iterable[object], costs: Iterable[object]) -> Decimal:
    """``PV(benefits) / PV(costs)`` at ``rate``, both year 0 first (B/C; above 1 is worth doing).

    >>> benefit_cost("0.10", [0, 1200, 0, 15950, 30450], [20560]).quantize(Decimal("0.01"))
    Decimal('1.65')
    """
    b = npv(to_decimal(rate, field="rate"), _flows(benefits, "benefits"))
    c = npv(to_decimal(rate, field="rate"), _flows(costs, "costs"))
    if c <= 0:
        raise InvalidPlan(
            E_(
                "'costs' must have a positive present value for a benefit/cost ratio (got %(c)s).",
                c=c,
            ),
            field="costs",
            value=c,
        )
    return CONTEXT.divide(b, c)


@exact
def payback(flows: Iterable[object], rate: object | None = None) -> Decimal | None:
    """Years until the cumulative flow (discounted at ``rate`` if given) turns non-negative.

    Interpolated within the year: ``(t − 1) + (−cumulative_{t−1}) / F_t``; ``None`` when it never
    does within the flows given, 0 when nothing is invested.

    >>> payback([-1000, 400, 400, 400])
    Decimal('2.5')
    >>> payback([-1000, 400, 400]) is None
    True
    """
    values = _flows(flows, "flows")
    if rate is not None:
        r = to_decimal(rate, field="rate")
        with decimal.localcontext(CONTEXT):
            values = [v / (ONE + r) ** t for t, v in enumerate(values)]
    cum = ZERO
    with decimal.localcontext(CONTEXT):
        for t, v in enumerate(values):
            before = cum
            cum += v
            if cum >= 0:
                return ZERO if t == 0 else Decimal(t - 1) + (-before) / v
    return None


@attrs.frozen(slots=True, kw_only=True)
class Evaluation:
    """NPV, IRR, B/C and payback of one set of annual flows.

    ``irr`` is ``None`` exactly when ``irr_problem`` explains why (no IRR, or several);
    ``benefit_cost`` is ``None`` when the costs' present value is not positive, and the paybacks
    when the flows do not pay back within the horizon.
    """

    kind: str
    """``economic`` or ``financial``."""
    incremental: bool
    cok: Decimal
    flows: tuple[Decimal, ...]
    benefits: tuple[Decimal, ...]
    costs: tuple[Decimal, ...]
    npv: Decimal
    irr: Decimal | None
    irr_problem: str | None
    """Why there is no single IRR, in English (logs, the JSON export); documents show
    :attr:`irr_reason`."""
    irr_reason: Message | None = None
    """Why there is no single IRR, as a message in no language yet."""
    benefit_cost: Decimal | None
    payback_years: Decimal | None
    discounted_payback_years: Decimal | None

    @property
    def viable(self) -> bool:
        """``NPV ≥ 0`` (the plan earns at least its cost of capital)."""
        return self.npv >= 0

    def require_irr(self) -> Decimal:
        """The IRR, or the solver's error with its explanation."""
        return plan_irr(self.flows, label=f"{self.kind} flows")


@exact
def evaluate(
    kind: str,
    cok: Decimal,
    flows: Sequence[Decimal],
    benefits: Sequence[Decimal],
    costs: Sequence[Decimal],
    *,
    incremental: bool = False,
) -> Evaluation:
    """Every indicator of ``flows`` (``benefits − costs``, year by year) at ``cok``.

    >>> flows = [Decimal(v) for v in (-53000, 14000, 17000, 20000, 24000, 32000)]
    >>> e = evaluate("economic", Decimal("0.08"), flows, [max(f, ZERO) for f in flows],
    ...              [max(-f, ZERO) for f in flows])
    >>> e.npv.quantize(Decimal("0.01")), e.irr.quantize(Decimal("0.0001")), e.payback_years
    (Decimal('29833.75'), Decimal('0.2471'), Decimal('3.083333333333333333333333333333333'))
    """
    label = f"{kind} flows"
    try:
        rate: Decimal | None = plan_irr(flows, label=label)
        problem = None
    except NoSolution as exc:
        rate, problem = None, str(exc)
    try:
        bc: Decimal | None = benefit_cost(cok, benefits, costs)
    except InvalidPlan:
        bc = None
    return Evaluation(
        kind=kind,
        incremental=incremental,
        cok=cok,
        flows=tuple(flows),
        benefits=tuple(benefits),
        costs=tuple(costs),
        npv=npv(cok, flows),
        irr=rate,
        irr_problem=problem,
        irr_reason=None if problem is None else _irr_message(flows, kind),
        benefit_cost=bc,
        payback_years=payback(flows),
        discounted_payback_years=payback(flows, cok),
    )


def economic_benefits(row: ProjectionRow) -> Decimal:
    """Economic benefits of a period: revenue, working capital recovered and residual value."""
    return row.revenue + row.working_capital_recovery + row.residual_value


def economic_costs(row: ProjectionRow) -> Decimal:
    """Economic costs of a period: operating costs, tax without debt, investment, working capital."""
    return row.operating_costs + row.economic_tax + row.investment + row.working_capital


def financial_benefits(row: ProjectionRow) -> Decimal:
    """Financial benefits: the economic ones plus the loan disbursed and the grant."""
    return economic_benefits(row) + row.loan_disbursement + row.grant


def financial_costs(row: ProjectionRow) -> Decimal:
    """Financial costs: operating costs, tax paid, investment, working capital and debt service."""
    return (
        row.operating_costs
        + row.income_tax
        + row.investment
        + row.working_capital
        + row.debt_service
    )


def evaluations(
    cok: Decimal, with_plan: Projection, without_plan: Projection | None
) -> tuple[Evaluation, Evaluation]:
    """The economic and the financial evaluation (incremental when ``without_plan`` is given)."""
    out = []
    for kind, flow, ben, cost in (
        ("economic", "economic_flow", economic_benefits, economic_costs),
        ("financial", "financial_flow", financial_benefits, financial_costs),
    ):
        f = [getattr(r, flow) for r in with_plan.yearly]
        b = [ben(r) for r in with_plan.yearly]
        c = [cost(r) for r in with_plan.yearly]
        if without_plan is not None:
            base = without_plan.yearly
            f = [x - getattr(r, flow) for x, r in zip(f, base, strict=True)]
            b = [x - ben(r) for x, r in zip(b, base, strict=True)]
            c = [x - cost(r) for x, r in zip(c, base, strict=True)]
        out.append(evaluate(kind, cok, f, b, c, incremental=without_plan is not None))
    return out[0], out[1]


@attrs.frozen(slots=True, kw_only=True)
class BreakEven:
    """The break-even point of one plan year (with-plan operations, profit before tax zero).

    ``litres_per_day`` and ``revenue`` are ``None`` when the price does not cover the variable cost
    per litre (no volume breaks even), and 0 when other income covers every fixed cost (any volume
    makes a profit); ``price_per_litre`` is ``None`` when no milk is produced.
    """

    year: int
    fixed_costs: Decimal
    """Fixed costs + depreciation + interest + loan charges − income other than milk."""
    variable_cost_per_litre: Decimal
    price_per_litre_planned: Decimal
    litres_per_day_planned: Decimal
    litres_per_day: Decimal | None
    price_per_litre: Decimal | None
    revenue: Decimal | None
    """Milk revenue at the break-even volume."""
    margin_of_safety: Decimal | None
    """``1 − break-even litres / planned litres``."""


@exact
def break_even(projection: Projection, price_of_year: Sequence[Decimal]) -> tuple[BreakEven, ...]:
    """The break-even volume and price of each plan year of ``projection``.

    ``price_of_year[y − 1]`` is the price per litre in year ``y``. Variable costs are taken from the
    projection (their per-litre average in the year), so any per-litre line counts.
    """
    out = []
    for row in projection.yearly[1:]:
        price = price_of_year[row.year - 1]
        litres = row.litres
        fixed = (
            row.fixed_costs + row.depreciation + row.interest + row.loan_charges - row.other_income
        )
        with decimal.localcontext(CONTEXT):
            var = row.variable_costs / litres if litres else ZERO
            margin = price - var
            lpd_plan = litres / row.days
            if margin > 0:
                be_litres = max(fixed, ZERO) / margin
                lpd: Decimal | None = be_litres / row.days
                revenue: Decimal | None = be_litres * price
                safety: Decimal | None = ONE - be_litres / litres if litres else None
            else:
                lpd = revenue = safety = None
            be_price = price - row.profit_before_tax / litres if litres else None
        out.append(
            BreakEven(
                year=row.year,
                fixed_costs=fixed,
                variable_cost_per_litre=var,
                price_per_litre_planned=price,
                litres_per_day_planned=lpd_plan,
                litres_per_day=lpd,
                price_per_litre=be_price,
                revenue=revenue,
                margin_of_safety=safety,
            )
        )
    return tuple(out)


@attrs.frozen(slots=True, kw_only=True)
class DebtCoverage:
    """Debt-service coverage of the loan from the with-plan cash.

    ``monthly`` and ``yearly`` hold ``(period, dscr)`` for the periods with debt service;
    ``minimum`` is the lowest yearly DSCR (``None`` without debt service). ``repayment_ratio`` is
    total debt service / total cash available over the years with debt service, compared with
    ``limit`` (``None`` without debt, or when no cash is available at all while debt is due).
    """

    monthly: tuple[tuple[int, Decimal], ...]
    yearly: tuple[tuple[int, Decimal], ...]
    minimum: Decimal | None
    minimum_year: int | None
    minimum_monthly: Decimal | None
    minimum_month: int | None
    repayment_ratio: Decimal | None
    limit: Decimal

    @property
    def within_limit(self) -> bool | None:
        """Whether debt service stays within ``limit`` of the cash available (``None`` without debt;
        ``False`` when no cash is available while debt is due)."""
        if not self.yearly:
            return None
        if self.repayment_ratio is None:
            return False
        return self.repayment_ratio <= self.limit


def _dscr(rows: Sequence[ProjectionRow], *, before_tax: bool) -> tuple[tuple[int, Decimal], ...]:
    with decimal.localcontext(CONTEXT):
        return tuple(
            (r.period, (r.ebitda if before_tax else r.cash_available) / r.debt_service)
            for r in rows
            if r.debt_service > 0
        )


@exact
def debt_coverage(projection: Projection, limit: Decimal) -> DebtCoverage:
    """DSCR per month and per year, the minimum, and the repayment-capacity ratio.

    Yearly DSCR = (EBITDA − income tax) / debt service, the one lenders read. Income tax is settled
    once a year, so the monthly DSCR = EBITDA / debt service of the month (before tax): it shows
    seasonal squeezes without the year-end tax payment swamping one month.
    """
    monthly = _dscr(projection.monthly, before_tax=True)
    yearly = _dscr(projection.yearly, before_tax=False)
    min_y = min(yearly, key=lambda p: p[1]) if yearly else None
    min_m = min(monthly, key=lambda p: p[1]) if monthly else None
    serviced = [r for r in projection.yearly if r.debt_service > 0]
    ratio: Decimal | None = None
    if serviced:
        service = sum((r.debt_service for r in serviced), ZERO)
        cash = sum((r.cash_available for r in serviced), ZERO)
        ratio = CONTEXT.divide(service, cash) if cash > 0 else None
    return DebtCoverage(
        monthly=monthly,
        yearly=yearly,
        minimum=None if min_y is None else min_y[1],
        minimum_year=None if min_y is None else min_y[0],
        minimum_monthly=None if min_m is None else min_m[1],
        minimum_month=None if min_m is None else min_m[0],
        repayment_ratio=ratio,
        limit=limit,
    )
