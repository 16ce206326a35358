"""The household budget: what is left in a month, the largest installment it allows."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from coopfinance._decimal import exact, to_decimal
from coopfinance.errors import InvalidValue
from coopfinance.training._exercise import Exercise, Mistake, Op, Topic, Unit
from coopfinance.training._generators._kit import (
    _CENT,
    Amount,
    RandomSource,
    _amount,
    _Draw,
    _exercise,
    _m,
    _nonneg,
    _pct,
    _positive,
    _q,
    _Work,
)

_INCOMES = (
    ("milk", "leche", "milk", "600", "1500"),
    ("other", "otros trabajos", "other work", "0", "600"),
)
_HOUSEHOLD = (
    ("food", "comida", "food", "250", "500"),
    ("school", "colegio", "school", "30", "150"),
    ("health", "salud", "health", "20", "100"),
    ("transport", "pasajes", "fares", "20", "80"),
)
_FARM = (
    ("feed", "alimento y forraje", "feed and forage", "100", "400"),
    ("vet", "veterinario", "vet", "20", "80"),
)


def _lines(
    d: _Draw,
    given: Mapping[str, Amount] | None,
    table: tuple[tuple[str, str, str, str, str], ...],
    field: str,
) -> list[tuple[str, str, Decimal]]:
    """``(es label, en label, amount)`` from the member's mapping or drawn from ``table``."""
    if given is not None:
        out = []
        for name, value in given.items():
            amount = _nonneg(
                _amount(value, f"{field}.{name}", lambda: Decimal(0)), f"{field}.{name}"
            )
            out.append((str(name), str(name), amount))
        return out
    return [
        (es, en, d.decimal(lo, hi, "10", field=f"{field}.{key}")) for key, es, en, lo, hi in table
    ]


def _listing(lines: list[tuple[str, str, Decimal]], lang: int) -> str:
    return ", ".join(f"{line[lang]} {_m(line[2])}" for line in lines)


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
    refs_i = [w.given(a, (Unit.SOLES, 2), es, en) for es, en, a in inc]
    s_i = w.calc(Op.ADD, refs_i, (Unit.SOLES, 2), "Total de ingresos", "Total income")
    refs_h = [w.given(a, (Unit.SOLES, 2), es, en) for es, en, a in hh]
    s_h = w.calc(Op.ADD, refs_h, (Unit.SOLES, 2), "Gastos de la casa", "Household spending")
    refs_f = [w.given(a, (Unit.SOLES, 2), es, en) for es, en, a in fm]
    s_f = w.calc(Op.ADD, refs_f, (Unit.SOLES, 2), "Costos de la chacra y el establo", "Farm costs")
    w.calc(
        Op.SUB,
        (s_i, s_h, s_f),
        (Unit.SOLES, 2),
        "Queda: ingresos − casa − chacra",
        "Left: income − household − farm",
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
        question={
            "es": f"Ingresos del mes: {_listing(inc, 0)}. Gastos de la casa: {_listing(hh, 0)}. "
            f"Costos de la chacra: {_listing(fm, 0)}. ¿Cuánto le queda al mes?",
            "en": f"Income this month: {_listing(inc, 1)}. Household spending: {_listing(hh, 1)}. "
            f"Farm costs: {_listing(fm, 1)}. How much is left at the end of the month?",
        },
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
            f"'costs' must be below 'income' {inc} (got {cst}).", field="costs", value=cst
        )
    answer = _q(net * lim, 2)
    w = _Work()
    s_i = w.given(inc, (Unit.SOLES, 2), "Ingreso del mes", "Income this month")
    s_c = w.given(cst, (Unit.SOLES, 2), "Costos del mes", "Costs this month")
    s_n = w.calc(Op.SUB, (s_i, s_c), (Unit.SOLES, 2), "Ingreso neto", "Net income")
    s_x = w.calc(
        Op.MUL, (s_n, lim), (Unit.SOLES, 4), f"{_pct(lim, 0)} del neto", f"{_pct(lim, 0)} of net"
    )
    w.calc(
        Op.ROUND, (s_x, Decimal(_CENT)), (Unit.SOLES, 2), "Cuota más alta", "Highest installment"
    )
    return _exercise(
        "repayment_capacity",
        Topic.BUDGET,
        d,
        question={
            "es": f"Su familia gana {_m(inc)} al mes y sus costos son {_m(cst)}. La regla: la cuota "
            f"no pasa de {_pct(lim, 0)} del ingreso neto. ¿Cuál es la cuota más alta?",
            "en": f"Your family earns {_m(inc)} a month and its costs are {_m(cst)}. The rule: the "
            f"installment is at most {_pct(lim, 0)} of net income. What is the highest installment?",
        },
        work=w,
        answer=answer,
        unit=Unit.SOLES,
        places=2,
        tolerance=Decimal("0.01"),
        distractors=[(Mistake.USED_GROSS, _q(inc * lim, 2))],
        data={"income": inc, "costs": cst, "limit": lim},
    )
