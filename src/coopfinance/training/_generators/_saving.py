"""Saving: the deposit that reaches a goal, the months to reach it."""

from __future__ import annotations

import decimal
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from coopfinance._calendar import Frequency
from coopfinance._decimal import CONTEXT, exact
from coopfinance._rates import Rate
from coopfinance.errors import E_, InvalidValue
from coopfinance.text import N_
from coopfinance.training._exercise import Exercise, Mistake, Op, Topic, Unit
from coopfinance.training._generators._kit import (
    _CENT,
    Amount,
    RandomSource,
    _amount,
    _Draw,
    _exercise,
    _fraction,
    _m,
    _nonneg,
    _pct,
    _positive,
    _q,
    _rate_chain,
    _t,
    _tn,
    _Work,
)


@exact
def savings_goal(
    rng: RandomSource = None,
    *,
    goal: Amount | None = None,
    months: int | None = None,
    tea: Amount | None = None,
) -> Exercise:
    """The monthly deposit that reaches ``goal`` after ``months`` deposits at the end of each month,
    the savings earning a TEA: ``deposit = goal × i / ((1 + i)^n − 1)``, ``i`` the TEM, rounded up
    to the céntimo. Library: the TEM from ``Rate.to_effective_periodic``. Distractor: goal ÷ n.
    """
    d = _Draw(rng, "savings_goal")
    g = _positive(
        _amount(goal, "goal", lambda: d.decimal("500", "5000", "100", field="goal")), "goal"
    )
    n = months if months is not None else d.pick((6, 12, 18, 24), field="months")
    if n < 1:
        raise InvalidValue(
            E_("'months' must be at least 1 (got %(n)s).", n=n), field="months", value=n
        )
    r = _nonneg(
        _fraction(tea, "tea", lambda: d.decimal("0.01", "0.06", "0.005", field="tea")), "tea"
    )
    if r == 0:
        raise InvalidValue(
            E_("'tea' must be positive for a savings-goal exercise (got 0); use savings_months."),
            field="tea",
            value=r,
        )
    i = Rate.effective_annual(r).to_effective_periodic(Frequency.MONTHLY).value
    with decimal.localcontext(CONTEXT):
        factor = ((1 + i) ** n - 1) / i
        answer = _q(g / factor, 2, ROUND_CEILING)
        plain = _q(g / n, 2, ROUND_CEILING)
        twelfth = Decimal(1) / Decimal(12)
    w = _Work()
    s_i = _rate_chain(w, r, twelfth, "(1/12)")
    s_1 = w.calc(Op.ADD, (s_i, Decimal(1)), (Unit.NUMBER, 6), _t(N_("1 + TEM")))
    s_n = w.calc(Op.POW, (s_1, Decimal(n)), (Unit.NUMBER, 6), _t(N_("(1 + TEM)^%(n)s"), n=n))
    s_m = w.calc(Op.SUB, (s_n, Decimal(1)), (Unit.NUMBER, 6), _t(N_("minus 1")))
    s_f = w.calc(
        Op.DIV,
        (s_m, s_i),
        (Unit.NUMBER, 6),
        _tn(
            N_("Factor: what S/ 1 a month grows to in %(n)s month"),
            N_("Factor: what S/ 1 a month grows to in %(n)s months"),
            n,
            n=n,
        ),
    )
    s_g = w.given(g, (Unit.SOLES, 2), _t(N_("Goal")))
    s_x = w.calc(Op.DIV, (s_g, s_f), (Unit.SOLES, 4), _t(N_("Goal ÷ factor")))
    w.calc(
        Op.CEIL,
        (s_x, Decimal(_CENT)),
        (Unit.SOLES, 2),
        _t(N_("Monthly deposit (rounded up)")),
    )
    return _exercise(
        "savings_goal",
        Topic.SAVING,
        d,
        question=_tn(
            N_(
                "You want to save %(g)s in %(n)s month. Your savings account pays a TEA "
                "of %(r)s. You deposit at the end of each month. How much must you "
                "deposit each month?"
            ),
            N_(
                "You want to save %(g)s in %(n)s months. Your savings account pays a "
                "TEA of %(r)s. You deposit at the end of each month. How much must you "
                "deposit each month?"
            ),
            n,
            g=_m(g),
            n=n,
            r=_pct(r),
        ),
        work=w,
        answer=answer,
        unit=Unit.SOLES,
        places=2,
        tolerance=Decimal("0.01"),
        distractors=[(Mistake.IGNORED_INTEREST, plain)],
        data={"goal": g, "months": n, "tea": r},
    )


@exact
def savings_months(
    rng: RandomSource = None, *, goal: Amount | None = None, monthly: Amount | None = None
) -> Exercise:
    """Months of saving ``monthly`` (no interest) to reach ``goal``: ``⌈goal / monthly⌉``.
    Distractor: rounded down."""
    d = _Draw(rng, "savings_months")
    g = _positive(
        _amount(goal, "goal", lambda: d.decimal("300", "3000", "50", field="goal")), "goal"
    )
    m = _positive(
        _amount(monthly, "monthly", lambda: d.decimal("20", "300", "10", field="monthly")),
        "monthly",
    )
    with decimal.localcontext(CONTEXT):
        exact = g / m
    answer = _q(exact, 0, ROUND_CEILING)
    w = _Work()
    s_g = w.given(g, (Unit.SOLES, 2), _t(N_("Goal")))
    s_m = w.given(m, (Unit.SOLES, 2), _t(N_("Saved each month")))
    s_x = w.calc(Op.DIV, (s_g, s_m), (Unit.NUMBER, 2), _t(N_("Goal ÷ monthly saving")))
    w.calc(
        Op.CEIL,
        (s_x, Decimal(0)),
        (Unit.MONTHS, 0),
        _t(N_("Months (rounded up)")),
    )
    return _exercise(
        "savings_months",
        Topic.SAVING,
        d,
        question=_t(
            N_(
                "You want to save %(g)s. You can put aside %(m)s each month. How many "
                "months do you need?"
            ),
            g=_m(g),
            m=_m(m),
        ),
        work=w,
        answer=answer,
        unit=Unit.MONTHS,
        places=0,
        tolerance=Decimal(0),
        distractors=[(Mistake.ROUNDED_DOWN, _q(exact, 0, ROUND_FLOOR))],
        data={"goal": g, "monthly": m},
    )
