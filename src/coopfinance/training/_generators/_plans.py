"""Business plans: break-even litres and payback."""

from __future__ import annotations

import decimal
from decimal import ROUND_CEILING, Decimal

from coopfinance._decimal import CONTEXT, exact
from coopfinance.errors import E_, InvalidValue
from coopfinance.plans import payback
from coopfinance.text import N_
from coopfinance.training._exercise import Exercise, Mistake, Op, Topic, Unit
from coopfinance.training._generators._kit import (
    Amount,
    RandomSource,
    _amount,
    _Draw,
    _exercise,
    _m,
    _nonneg,
    _per_litre,
    _positive,
    _q,
    _t,
    _Work,
)


@exact
def break_even_litres(
    rng: RandomSource = None,
    *,
    fixed_costs: Amount | None = None,
    price: Amount | None = None,
    cost_per_litre: Amount | None = None,
) -> Exercise:
    """Litres a month that cover the fixed costs: ``⌈fixed / (price − cost per litre)⌉``.
    Distractor: ``⌈fixed / price⌉`` (variable cost forgotten)."""
    d = _Draw(rng, "break_even_litres")
    fx = _positive(
        _amount(
            fixed_costs, "fixed_costs", lambda: d.decimal("300", "1500", "50", field="fixed_costs")
        ),
        "fixed_costs",
    )
    pr = _positive(
        _amount(price, "price", lambda: d.decimal("0.95", "1.75", "0.01", field="price")), "price"
    )
    top = min(Decimal("0.90"), pr - Decimal("0.20"))
    v = _nonneg(
        _amount(
            cost_per_litre,
            "cost_per_litre",
            lambda: d.decimal(
                "0.40", str(max(top, Decimal("0.40"))), "0.05", field="cost_per_litre"
            ),
        ),
        "cost_per_litre",
    )
    if v >= pr:
        raise InvalidValue(
            E_("'cost_per_litre' must be below the price %(pr)s (got %(v)s).", pr=pr, v=v),
            field="cost_per_litre",
            value=v,
        )
    with decimal.localcontext(CONTEXT):
        answer = _q(fx / (pr - v), 0, ROUND_CEILING)
        wrong = _q(fx / pr, 0, ROUND_CEILING)
    w = _Work()
    s_f = w.given(fx, (Unit.SOLES, 2), _t(N_("Fixed costs a month")))
    s_p = w.given(pr, (Unit.SOLES, 2), _t(N_("Price per litre")))
    s_v = w.given(v, (Unit.SOLES, 2), _t(N_("Cost per litre")))
    s_mg = w.calc(Op.SUB, (s_p, s_v), (Unit.SOLES, 2), _t(N_("Margin per litre")))
    s_x = w.calc(Op.DIV, (s_f, s_mg), (Unit.LITRES, 2), _t(N_("Fixed costs ÷ margin")))
    w.calc(
        Op.CEIL,
        (s_x, Decimal(0)),
        (Unit.LITRES, 0),
        _t(N_("Litres (rounded up)")),
    )
    return _exercise(
        "break_even_litres",
        Topic.PLANS,
        d,
        question=_t(
            N_(
                "Your plan: fixed costs of %(fx)s a month, milk at %(pr)s a litre, and "
                "each litre costs %(v)s to produce. How many litres a month do you need "
                "to break even?"
            ),
            fx=_m(fx),
            pr=_per_litre(pr),
            v=_m(v),
        ),
        work=w,
        answer=answer,
        unit=Unit.LITRES,
        places=0,
        tolerance=Decimal(1),
        distractors=[(Mistake.FORGOT_VARIABLE_COST, wrong)],
        data={"fixed_costs": fx, "price": pr, "cost_per_litre": v},
    )


def _payback(investment: Decimal, net: Decimal) -> Decimal:
    """Years to pay back as :func:`coopfinance.plans.payback` computes it: the investment at year 0,
    the same net cash flow every year after."""
    years = int(CONTEXT.divide(investment, net)) + 1
    result = payback([-investment, *([net] * years)])
    assert result is not None  # enough years of flows to pay back
    return result


@exact
def payback_years(
    rng: RandomSource = None,
    *,
    investment: Amount | None = None,
    revenue: Amount | None = None,
    costs: Amount | None = None,
) -> Exercise:
    """Simple payback of a plan: ``investment / (annual revenue − annual costs)``, years to 2 dp.
    Library: :func:`coopfinance.plans.payback`. Distractor: investment / revenue."""
    d = _Draw(rng, "payback_years")
    inv = _positive(
        _amount(
            investment, "investment", lambda: d.decimal("5000", "40000", "500", field="investment")
        ),
        "investment",
    )
    rev = _positive(
        _amount(revenue, "revenue", lambda: d.decimal("8000", "30000", "500", field="revenue")),
        "revenue",
    )
    cst = _nonneg(
        _amount(
            costs, "costs", lambda: _q(rev * d.decimal("0.50", "0.80", "0.05", field="costs"), 0)
        ),
        "costs",
    )
    net = rev - cst
    if net <= 0:
        raise InvalidValue(
            E_("'costs' must be below 'revenue' %(rev)s (got %(cst)s).", rev=rev, cst=cst),
            field="costs",
            value=cst,
        )
    with decimal.localcontext(CONTEXT):
        answer = _q(_payback(inv, net), 2)
        wrong = _q(inv / rev, 2)
    w = _Work()
    s_i = w.given(inv, (Unit.SOLES, 2), _t(N_("Investment")))
    s_r = w.given(rev, (Unit.SOLES, 2), _t(N_("Sales a year")))
    s_c = w.given(cst, (Unit.SOLES, 2), _t(N_("Costs a year")))
    s_n = w.calc(Op.SUB, (s_r, s_c), (Unit.SOLES, 2), _t(N_("Net cash flow a year")))
    s_x = w.calc(Op.DIV, (s_i, s_n), (Unit.YEARS, 4), _t(N_("Investment ÷ net cash flow")))
    w.calc(Op.ROUND, (s_x, Decimal(2)), (Unit.YEARS, 2), _t(N_("Years to pay back")))
    return _exercise(
        "payback_years",
        Topic.PLANS,
        d,
        question=_t(
            N_(
                "Your business plan invests %(inv)s. Each year it sells %(rev)s and "
                "spends %(cst)s. In how many years is the investment paid back?"
            ),
            inv=_m(inv),
            rev=_m(rev),
            cst=_m(cst),
        ),
        work=w,
        answer=answer,
        unit=Unit.YEARS,
        places=2,
        tolerance=Decimal("0.01"),
        distractors=[(Mistake.USED_REVENUE, wrong)],
        data={"investment": inv, "revenue": rev, "costs": cst},
    )
