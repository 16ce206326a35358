"""How much a farmer can borrow against milk income: a capacity ratio per period, a SACCO multiple.

**Affordability.** A schedule is linear in its principal before rounding: installment ``k`` is
``P·cₖ`` with ``cₖ`` the installment of a loan of 1 (LEVEL ``c = G / Σ vₖ``, WEIGHTED
``cₖ = wₖ·G / Σ wⱼ·vⱼ``; ``G = Π(1 + iₖ)`` over capitalizing grace, 1 otherwise; a grace that pays
interest costs ``cₖ = iₖ``). The largest loan with every installment at most ``capacity·incomeₖ`` is

    P* = minₖ capacity·incomeₖ / cₖ

rounded down to ``step`` (1 sol by default); the exact schedule of that amount is then checked and,
if rounding pushed an installment over its limit, the amount is lowered by a step until it fits.
Default capacity 30 % of net income (reference §8: Gestión's 30 % rule; 20 % for low incomes,
40 % at most).

**Loan limit.** ``9 ×`` the average monthly milk proceeds over the last 3 months, with at least
3 months of deliveries (Centenary SACCO "Kamua" loan, reference §1.1 and §8).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Sequence
from decimal import ROUND_FLOOR, Decimal
from typing import Any

import attrs

from coopfinance._builder import period_rates
from coopfinance._calendar import Frequency
from coopfinance._conventions import Amortization, Grace, GraceType
from coopfinance._decimal import CONTEXT, ONE, ZERO, exact
from coopfinance._fields import to_whole
from coopfinance._rates import Rate
from coopfinance._schedule import Schedule
from coopfinance._terms import LoanTerms
from coopfinance.errors import E_, InvalidLinkedPlan
from coopfinance.linked._common import amount, amounts, as_rate, share
from coopfinance.linked._plans import normalized_weights

__all__ = ["Affordability", "affordability", "loan_limit"]

_MAX_STEPS_DOWN = 1000


@attrs.frozen(slots=True, kw_only=True)
class Affordability:
    """The largest affordable loan, its terms and schedule, and the period that binds."""

    principal: Decimal
    terms: LoanTerms
    schedule: Schedule
    capacity: Decimal
    limits: tuple[Decimal, ...]
    """``capacity·incomeₖ`` for each installment."""
    binding_period: int
    """The installment number (from 1) whose limit sets the amount."""

    @property
    def headroom(self) -> tuple[Decimal, ...]:
        """``limitₖ − installmentₖ`` for each installment (never negative)."""
        rows = [r for r in self.schedule if r.number > 0]
        return tuple(lim - r.total for lim, r in zip(self.limits, rows, strict=True))


def _unit_installments(terms: LoanTerms) -> list[Decimal]:
    """``cₖ``: the unrounded installments of a loan of 1 on these terms."""
    dates = terms.dates()
    _, rates, _ = period_rates(terms, dates)
    g, kind = terms.grace.periods, terms.grace.kind
    out: list[Decimal] = []
    with decimal.localcontext(CONTEXT):
        growth = ONE
        for k in range(g):
            if kind is GraceType.CAPITALIZE:
                growth *= ONE + rates[k]
                out.append(ZERO)
            elif kind is GraceType.PAY_INTEREST:
                out.append(rates[k])
            else:
                out.append(ZERO)
        weights = terms.weights if terms.amortization is Amortization.WEIGHTED else None
        v = ONE
        acc = ZERO
        for j in range(g, len(dates)):
            v /= ONE + rates[j]
            acc += v if weights is None else weights[j - g] * v
        x = growth / acc
        out.extend(x if weights is None else w * x for w in (weights or [ONE] * (len(dates) - g)))
    return out


@exact
def affordability(
    net_milk_income_by_period: Iterable[Decimal | int | str],
    rate: Rate | Decimal | str,
    *,
    disbursed: dt.date | str,
    capacity: Decimal | str = Decimal("0.30"),
    frequency: Frequency | str = Frequency.SEMI_MONTHLY,
    due_dates: Sequence[dt.date] | None = None,
    amortization: Amortization | str = Amortization.LEVEL,
    weights: Iterable[Decimal | int | str] | None = None,
    grace: int | Grace = 0,
    step: Decimal | int | str = 1,
    **terms: Any,
) -> Affordability:
    """The largest loan whose installments stay at most ``capacity`` of net milk income in every
    period (one installment per period of ``net_milk_income_by_period``).

    ``amortization`` is LEVEL or WEIGHTED; WEIGHTED without ``weights`` weighs the installments by
    the income itself (the seasonal plan, :func:`~coopfinance.linked.seasonal_plan`). The amount is
    solved exactly by linearity, rounded down to ``step`` and verified with the schedule engine.

    >>> income = ["500", "500", "650", "650", "800", "800"]
    >>> a = affordability(income, "18%", disbursed="2026-01-01")
    >>> a.principal, a.binding_period, max(r.total for r in a.schedule) <= Decimal("150")
    (Decimal('878'), 1, True)
    >>> affordability(income, "18%", disbursed="2026-01-01", amortization="weighted").principal
    Decimal('1140')
    """
    income = amounts(net_milk_income_by_period, "net_milk_income_by_period")
    cap = share(capacity, "capacity")
    if cap == 0:
        raise InvalidLinkedPlan(
            E_("'capacity' must be positive (got 0)."), field="capacity", value=cap
        )
    unit_step = amount(step, "step")
    if unit_step == 0:
        raise InvalidLinkedPlan(
            E_("'step' must be positive (got 0)."), field="step", value=unit_step
        )
    method = Amortization.parse(amortization)
    if method not in (Amortization.LEVEL, Amortization.WEIGHTED):
        raise InvalidLinkedPlan(
            E_("'amortization' must be level or weighted (got %(value)s).", value=method.value),
            field="amortization",
            value=method.value,
        )
    g = grace if isinstance(grace, Grace) else Grace(periods=grace)
    n = len(income)
    w: tuple[Decimal, ...] | None = None
    if method is Amortization.WEIGHTED:
        if weights is None:
            after = income[g.periods :]
            if any(x == 0 for x in after):
                raise InvalidLinkedPlan(
                    E_(
                        "'net_milk_income_by_period' must be positive after grace to weigh the "
                        "installments (got 0)."
                    ),
                    field="net_milk_income_by_period",
                    value=ZERO,
                )
            w = normalized_weights(after)
        else:
            w = tuple(amounts(weights, "weights"))
    limits = tuple(CONTEXT.multiply(cap, x) for x in income)
    template = LoanTerms(
        principal=unit_step,
        rate=as_rate(rate),
        disbursed=disbursed,
        installments=None if due_dates is not None else n,
        due_dates=due_dates,
        frequency=frequency,
        amortization=method,
        weights=w,
        grace=g,
        **terms,
    )
    if template.count != n:
        raise InvalidLinkedPlan(
            E_(
                "'net_milk_income_by_period' must give one figure per installment, "
                "%(count)s (got %(n)s).",
                count=template.count,
                n=n,
            ),
            field="net_milk_income_by_period",
            value=n,
        )
    per_unit = _unit_installments(template)
    best: Decimal | None = None
    binding = 0
    for k, (lim, c) in enumerate(zip(limits, per_unit, strict=True), start=1):
        if c > 0:
            p = CONTEXT.divide(lim, c)
            if best is None or p < best:
                best, binding = p, k
    assert best is not None
    principal = CONTEXT.multiply(
        CONTEXT.divide(best, unit_step).to_integral_value(rounding=ROUND_FLOOR), unit_step
    )
    for _ in range(_MAX_STEPS_DOWN):
        if principal < unit_step:
            break
        terms_p = template.evolve(principal=principal)
        schedule = terms_p.schedule()
        rows = [r for r in schedule if r.number > 0]
        if all(r.total <= lim for r, lim in zip(rows, limits, strict=True)):
            return Affordability(
                principal=principal,
                terms=terms_p,
                schedule=schedule,
                capacity=cap,
                limits=limits,
                binding_period=binding,
            )
        principal -= unit_step
    raise InvalidLinkedPlan(
        E_(
            "no loan of at least %(unit_step)s is affordable: installment "
            "%(binding)s may take at most %(limits)s (%(cap)s of %(income)s).",
            unit_step=unit_step,
            binding=binding,
            limits=format(limits[binding - 1], ".2f"),
            cap=cap,
            income=income[binding - 1],
        ),
        field="net_milk_income_by_period",
        value=income[binding - 1],
    )


@exact
def loan_limit(
    monthly_proceeds_last_3: Iterable[Decimal | int | str],
    multiple: Decimal | int | str = 9,
    *,
    months: int = 3,
) -> Decimal:
    """``multiple ×`` the average monthly milk proceeds over the last ``months`` months, rounded
    down to the céntimo (Centenary SACCO "Kamua": 9× over 3 months, at least 3 months of deliveries;
    reference §1.1 and §8). Given more months, the last ``months`` count.

    >>> loan_limit(["1180.50", "1265.00", "1302.10"])
    Decimal('11242.80')
    """
    months = to_whole(months, field="months", lo=1, error=InvalidLinkedPlan)
    proceeds = list(monthly_proceeds_last_3)
    if len(proceeds) < months:
        raise InvalidLinkedPlan(
            E_(
                "'monthly_proceeds' must cover at least %(months)s months of "
                "deliveries (got %(proceeds)s).",
                months=months,
                proceeds=len(proceeds),
            ),
            field="monthly_proceeds",
            value=len(proceeds),
        )
    values = amounts(proceeds[-months:], "monthly_proceeds")
    m = amount(multiple, "multiple")
    with decimal.localcontext(CONTEXT):
        average = sum(values, ZERO) / months
        return (average * m).quantize(Decimal("0.01"), rounding=ROUND_FLOOR)
