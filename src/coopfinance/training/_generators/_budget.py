"""The household budget: what is left in a month, the largest installment it allows."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from coopfinance._decimal import exact, to_decimal
from coopfinance.errors import E_, InvalidValue
from coopfinance.text import N_
from coopfinance.training._exercise import Exercise, Mistake, Op, Text, Topic, Unit
from coopfinance.training._generators._kit import (
    _CENT,
    Amount,
    RandomSource,
    _amount,
    _Draw,
    _exercise,
    _join,
    _m,
    _nonneg,
    _pct,
    _positive,
    _q,
    _t,
    _Work,
)

_INCOMES = (
    ("milk", "leche", N_("milk"), "600", "1500"),
    ("other", "otros trabajos", N_("other work"), "0", "600"),
)
_HOUSEHOLD = (
    ("food", "comida", N_("food"), "250", "500"),
    ("school", "colegio", N_("school"), "30", "150"),
    ("health", "salud", N_("health"), "20", "100"),
    ("transport", "pasajes", N_("fares"), "20", "80"),
)
_FARM = (
    ("feed", "alimento y forraje", N_("feed and forage"), "100", "400"),
    ("vet", "veterinario", N_("vet"), "20", "80"),
)
"""Each drawn line: its key, its name in the exercise data (the Spanish word, kept stable), the
catalog message that names it, and the range drawn."""


def _lines(
    d: _Draw,
    given: Mapping[str, Amount] | None,
    table: tuple[tuple[str, str, str, str, str], ...],
    field: str,
) -> list[tuple[str, Text, Decimal]]:
    """``(data key, label, amount)`` from the member's mapping (the member's own words) or drawn
    from ``table`` (catalog messages)."""
    if given is not None:
        out: list[tuple[str, Text, Decimal]] = []
        for name, value in given.items():
            amount = _nonneg(
                _amount(value, f"{field}.{name}", lambda: Decimal(0)), f"{field}.{name}"
            )
            out.append((str(name), str(name), amount))
        return out
    return [
        (data_key, _t(msgid), d.decimal(lo, hi, "10", field=f"{field}.{key}"))
        for key, data_key, msgid, lo, hi in table
    ]


def _listing(lines: list[tuple[str, Text, Decimal]]) -> Text:
    return _join(
        [_t(N_("%(label)s %(amount)s"), label=label, amount=_m(a)) for _, label, a in lines]
    )


@exact
def household_surplus(
    rng: RandomSource = None,
    *,
    incomes: Mapping[str, Amount] | None = None,
    household: Mapping[str, Amount] | None = None,
    farm: Mapping[str, Amount] | None = None,
) -> Exercise:
    """What is left in a month: ``Σ incomes − Σ household spending − Σ farm costs``.

    Mappings name each line (``{"leche": "1200"}``). Distractor: the farm costs forgotten.
    """
    d = _Draw(rng, "household_surplus")
    inc = _lines(d, incomes, _INCOMES, "incomes")
    hh = _lines(d, household, _HOUSEHOLD, "household")
    fm = _lines(d, farm, _FARM, "farm")
    w = _Work()
    refs_i = [w.given(a, (Unit.SOLES, 2), label) for _, label, a in inc]
    s_i = w.calc(Op.ADD, refs_i, (Unit.SOLES, 2), _t(N_("Total income")))
    refs_h = [w.given(a, (Unit.SOLES, 2), label) for _, label, a in hh]
    s_h = w.calc(Op.ADD, refs_h, (Unit.SOLES, 2), _t(N_("Household spending")))
    refs_f = [w.given(a, (Unit.SOLES, 2), label) for _, label, a in fm]
    s_f = w.calc(Op.ADD, refs_f, (Unit.SOLES, 2), _t(N_("Farm costs")))
    w.calc(
        Op.SUB,
        (s_i, s_h, s_f),
        (Unit.SOLES, 2),
        _t(N_("Left: income − household − farm")),
    )
    total_farm = sum((a for _, _, a in fm), Decimal(0))
    answer = (
        sum((a for _, _, a in inc), Decimal(0))
        - sum((a for _, _, a in hh), Decimal(0))
        - total_farm
    )
    return _exercise(
        "household_surplus",
        Topic.BUDGET,
        d,
        question=_t(
            N_(
                "Income this month: %(inc)s. Household spending: %(hh)s. Farm costs: "
                "%(fm)s. How much is left at the end of the month?"
            ),
            inc=_listing(inc),
            hh=_listing(hh),
            fm=_listing(fm),
        ),
        work=w,
        answer=answer,
        unit=Unit.SOLES,
        places=2,
        tolerance=Decimal("0.01"),
        distractors=[(Mistake.FORGOT_FARM_COSTS, answer + total_farm)],
        data={
            f"{kind}.{es}": a
            for kind, lines in (("incomes", inc), ("household", hh), ("farm", fm))
            for es, _, a in lines
        },
    )


@exact
def repayment_capacity(
    rng: RandomSource = None,
    *,
    income: Amount | None = None,
    costs: Amount | None = None,
    limit: Amount = "30%",
) -> Exercise:
    """The largest installment the rule of thumb allows: ``limit × (income − costs)`` (reference
    §4.4: 30 % of net income). Distractor: the limit applied to gross income."""
    d = _Draw(rng, "repayment_capacity")
    inc = _positive(
        _amount(income, "income", lambda: d.decimal("800", "2500", "10", field="income")), "income"
    )
    cst = _nonneg(
        _amount(
            costs,
            "costs",
            lambda: d.decimal("300", str(max(inc - 200, Decimal(300))), "10", field="costs"),
        ),
        "costs",
    )
    lim = _positive(to_decimal(limit, field="limit"), "limit")
    net = inc - cst
    if net <= 0:
        raise InvalidValue(
            E_("'costs' must be below 'income' %(inc)s (got %(cst)s).", inc=inc, cst=cst),
            field="costs",
            value=cst,
        )
    answer = _q(net * lim, 2)
    w = _Work()
    s_i = w.given(inc, (Unit.SOLES, 2), _t(N_("Income this month")))
    s_c = w.given(cst, (Unit.SOLES, 2), _t(N_("Costs this month")))
    s_n = w.calc(Op.SUB, (s_i, s_c), (Unit.SOLES, 2), _t(N_("Net income")))
    s_x = w.calc(Op.MUL, (s_n, lim), (Unit.SOLES, 4), _t(N_("%(lim)s of net"), lim=_pct(lim, 0)))
    w.calc(Op.ROUND, (s_x, Decimal(_CENT)), (Unit.SOLES, 2), _t(N_("Highest installment")))
    return _exercise(
        "repayment_capacity",
        Topic.BUDGET,
        d,
        question=_t(
            N_(
                "Your family earns %(inc)s a month and its costs are %(cst)s. The rule: "
                "the installment is at most %(lim)s of net income. What is the highest "
                "installment?"
            ),
            inc=_m(inc),
            cst=_m(cst),
            lim=_pct(lim, 0),
        ),
        work=w,
        answer=answer,
        unit=Unit.SOLES,
        places=2,
        tolerance=Decimal("0.01"),
        distractors=[(Mistake.USED_GROSS, _q(inc * lim, 2))],
        data={"income": inc, "costs": cst, "limit": lim},
    )
