"""Credit: rate conversions, the cronograma, flat offers and their TCEA."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeAlias

from coopfinance._calendar import DayCount, Frequency
from coopfinance._charges import Charge, ChargeBasis
from coopfinance._decimal import CONTEXT, exact
from coopfinance._rates import Rate, RateKind
from coopfinance._schedule import Installment, Schedule
from coopfinance._terms import LoanTerms
from coopfinance.cost import tcea
from coopfinance.errors import InvalidValue
from coopfinance.training._exercise import Exercise, Mistake, Op, Topic, Unit
from coopfinance.training._generators._kit import (
    _CENT,
    _HUNDRED,
    Amount,
    RandomSource,
    _amount,
    _date,
    _Draw,
    _exercise,
    _fraction,
    _m,
    _nonneg,
    _pct,
    _positive,
    _q,
    _rate_chain,
    _Work,
)


@exact
def tea_to_tem(rng: RandomSource = None, *, tea: Amount | None = None) -> Exercise:
    """The TEM equivalent to a TEA: ``TEM = (1 + TEA)^(1/12) − 1``, in % to 2 decimals.

    Library: ``Rate.effective_annual(tea).to_effective_periodic(Frequency.MONTHLY)``.
    Distractor: TEA ÷ 12.
    """
    d = _Draw(rng, "tea_to_tem")
    r = _positive(
        _fraction(tea, "tea", lambda: d.decimal("0.10", "0.60", "0.005", field="tea")), "tea"
    )
    tem = Rate.effective_annual(r).to_effective_periodic(Frequency.MONTHLY).value
    answer = _q(tem * _HUNDRED, 2)
    w = _Work()
    with decimal.localcontext(CONTEXT):
        twelfth = Decimal(1) / Decimal(12)
    s = _rate_chain(w, r, twelfth, "(1/12)", "(1/12)")
    s = w.calc(Op.MUL, (s, _HUNDRED), (Unit.PERCENT, 4), "TEM en %", "TEM in %")
    w.calc(Op.ROUND, (s, Decimal(2)), (Unit.PERCENT, 2), "TEM, a 2 decimales", "TEM, to 2 decimals")
    return _exercise(
        "tea_to_tem",
        Topic.CREDIT,
        d,
        question={
            "es": f"Su crédito tiene una TEA de {_pct(r)}. ¿Cuál es la TEM (tasa efectiva mensual)?",
            "en": f"Your loan has a TEA of {_pct(r)}. What is the TEM (effective monthly rate)?",
        },
        work=w,
        answer=answer,
        unit=Unit.PERCENT,
        places=2,
        tolerance=Decimal("0.01"),
        distractors=[(Mistake.TEA_DIVIDED_BY_12, _q(r * _HUNDRED / 12, 2))],
        data={"tea": r},
    )


@exact
def tem_to_tea(rng: RandomSource = None, *, tem: Amount | None = None) -> Exercise:
    """The TEA equivalent to a TEM: ``TEA = (1 + TEM)^12 − 1``, in % to 2 decimals.

    Library: ``Rate.effective_monthly(tem).to_effective_annual()``. Distractor: TEM × 12.
    """
    d = _Draw(rng, "tem_to_tea")
    m = _positive(
        _fraction(tem, "tem", lambda: d.decimal("0.01", "0.05", "0.0005", field="tem")), "tem"
    )
    tea = Rate.effective_monthly(m).to_effective_annual().value
    answer = _q(tea * _HUNDRED, 2)
    w = _Work()
    s0 = w.given(m, (Unit.NUMBER, 4), f"TEM ({_pct(m)} ÷ 100)", f"TEM ({_pct(m)} ÷ 100)")
    s1 = w.calc(Op.ADD, (s0, Decimal(1)), (Unit.NUMBER, 4), "1 + TEM", "1 + TEM")
    s2 = w.calc(Op.POW, (s1, Decimal(12)), (Unit.NUMBER, 6), "(1 + TEM)^12", "(1 + TEM)^12")
    s3 = w.calc(Op.SUB, (s2, Decimal(1)), (Unit.NUMBER, 6), "menos 1", "minus 1")
    s4 = w.calc(Op.MUL, (s3, _HUNDRED), (Unit.PERCENT, 4), "TEA en %", "TEA in %")
    w.calc(
        Op.ROUND, (s4, Decimal(2)), (Unit.PERCENT, 2), "TEA, a 2 decimales", "TEA, to 2 decimals"
    )
    return _exercise(
        "tem_to_tea",
        Topic.CREDIT,
        d,
        question={
            "es": f"Le ofrecen una TEM de {_pct(m)}. ¿Cuál es la TEA (tasa efectiva anual)?",
            "en": f"You are offered a TEM of {_pct(m)}. What is the TEA (effective annual rate)?",
        },
        work=w,
        answer=answer,
        unit=Unit.PERCENT,
        places=2,
        tolerance=Decimal("0.01"),
        distractors=[(Mistake.TEM_TIMES_12, _q(m * _HUNDRED * 12, 2))],
        data={"tem": m},
    )


@exact
def flat_offer_tcea(
    rng: RandomSource = None,
    *,
    principal: Amount | None = None,
    flat_rate: Amount | None = None,
    months: int | None = None,
    insurance: Amount | None = None,
    disbursed: dt.date | str | None = None,
) -> Exercise:
    """The TCEA of a flat-rate offer with desgravamen on the original amount, in % to 2 decimals.

    ``flat_rate`` is monthly (``"2.5%"``), ``insurance`` monthly on the amount lent
    (``"0.0675%"``, Agrobanco). Library: ``tcea(LoanTerms(rate=Rate.flat(...), charges=[...])
    .schedule())``. Distractors: 12 × flat, ``(1 + flat)^12 − 1`` (flat read as a TEM), the TCEA
    without insurance. Tolerance 0.05 points.
    """
    d = _Draw(rng, "flat_offer_tcea")
    p = _positive(
        _amount(
            principal, "principal", lambda: d.decimal("1000", "10000", "500", field="principal")
        ),
        "principal",
    )
    f = _positive(
        _fraction(
            flat_rate, "flat_rate", lambda: d.decimal("0.015", "0.04", "0.001", field="flat_rate")
        ),
        "flat_rate",
    )
    n = months if months is not None else d.pick((6, 12, 18, 24), field="months")
    ins = _nonneg(
        _fraction(
            insurance,
            "insurance",
            lambda: d.pick((Decimal("0.000675"), Decimal("0.001")), field="insurance"),
        ),
        "insurance",
    )
    start = _date(d, disbursed)
    charges = [Charge(kind="insurance", value=ins, basis=ChargeBasis.ORIGINAL)] if ins else []
    terms = LoanTerms(
        principal=p, rate=Rate.flat(f), installments=n, disbursed=start, charges=charges
    )
    schedule = terms.schedule()
    rate = tcea(schedule)
    answer = _q(rate * _HUNDRED, 2)
    w = _Work()
    s_p = w.given(p, (Unit.SOLES, 2), "Préstamo", "Loan")
    s_f = w.given(
        f,
        (Unit.NUMBER, 4),
        f"Tasa flat mensual ({_pct(f)} ÷ 100)",
        f"Flat monthly rate ({_pct(f)} ÷ 100)",
    )
    s_i = w.calc(
        Op.MUL,
        (s_p, s_f),
        (Unit.SOLES, 2),
        "Interés de cada mes: préstamo × tasa flat",
        "Interest each month: loan × flat rate",
    )
    s_t = w.calc(
        Op.MUL,
        (s_i, Decimal(n)),
        (Unit.SOLES, 2),
        f"Interés de los {n} meses",
        f"Interest over the {n} months",
    )
    s_all = w.calc(Op.ADD, (s_p, s_t), (Unit.SOLES, 2), "Préstamo + interés", "Loan + interest")
    s_c = w.calc(
        Op.DIV,
        (s_all, Decimal(n)),
        (Unit.SOLES, 2),
        f"Cuota sin seguro (÷ {n})",
        f"Installment without insurance (÷ {n})",
    )
    if ins:
        s_ir = w.given(
            ins,
            (Unit.NUMBER, 6),
            f"Seguro mensual ({_pct(ins, 4)} ÷ 100)",
            f"Monthly insurance ({_pct(ins, 4)} ÷ 100)",
        )
        s_is = w.calc(
            Op.MUL,
            (s_p, s_ir),
            (Unit.SOLES, 2),
            "Seguro de cada mes: préstamo × seguro",
            "Insurance each month: loan × insurance rate",
        )
        w.calc(Op.ADD, (s_c, s_is), (Unit.SOLES, 2), "Pago de cada mes", "Payment each month")
    s_x = w.library(
        rate * _HUNDRED,
        (Unit.PERCENT, 4),
        f"TCEA: la tasa anual que iguala los {n} pagos con los {_m(p)} recibidos",
        f"TCEA: the annual rate at which the {n} payments are worth the {_m(p)} received",
        source="coopfinance.cost.tcea",
    )
    w.calc(
        Op.ROUND, (s_x, Decimal(2)), (Unit.PERCENT, 2), "TCEA, a 2 decimales", "TCEA, to 2 decimals"
    )
    no_insurance = _q(tcea(schedule, include=["fees"]) * _HUNDRED, 2)
    declining = _q(Rate.effective_monthly(f).to_effective_annual().value * _HUNDRED, 2)
    ins_es = f" y seguro de {_pct(ins, 4)} mensual sobre el monto" if ins else ""
    ins_en = f" and insurance of {_pct(ins, 4)} a month on the amount" if ins else ""
    return _exercise(
        "flat_offer_tcea",
        Topic.CREDIT,
        d,
        question={
            "es": f"Le ofrecen {_m(p)} a {n} meses, con tasa flat de {_pct(f)} al mes{ins_es}. "
            f"Recibe el dinero el {start.isoformat()} y paga cada mes. ¿Cuál es la TCEA?",
            "en": f"You are offered {_m(p)} over {n} months at a flat rate of {_pct(f)} a "
            f"month{ins_en}. You get the money on {start.isoformat()} and pay every month. "
            "What is the TCEA?",
        },
        work=w,
        answer=answer,
        unit=Unit.PERCENT,
        places=2,
        tolerance=Decimal("0.05"),
        distractors=[
            (Mistake.FLAT_TIMES_12, _q(f * 12 * _HUNDRED, 2)),
            (Mistake.FLAT_AS_DECLINING, declining),
            (Mistake.FORGOT_INSURANCE, no_insurance),
        ],
        data={"principal": p, "flat_rate": f, "months": n, "insurance": ins, "disbursed": start},
    )


_TermsInput: TypeAlias = LoanTerms | Mapping[str, Any] | None


def _draw_terms(d: _Draw, terms: _TermsInput) -> LoanTerms:
    if isinstance(terms, LoanTerms):
        return terms
    if terms is not None:
        return LoanTerms.from_dict(terms)
    return LoanTerms(
        principal=d.decimal("2000", "10000", "500", field="principal"),
        rate=Rate.effective_annual(d.decimal("0.18", "0.60", "0.01", field="tea")),
        installments=d.pick((6, 9, 12, 18, 24), field="installments"),
        disbursed=_date(d, None),
    )


def _pick_row(d: _Draw, schedule: Schedule, row: int | None) -> Installment:
    rows = [r for r in schedule if r.number >= 1 and r.capitalized == 0 and r.interest > 0]
    if row is None:
        if not rows:
            raise InvalidValue(
                "'terms' give no installment with interest to ask about.", field="terms", value=None
            )
        return rows[d.integer(0, len(rows) - 1, field="row")]
    for r in rows:
        if r.number == row:
            return r
    numbers = ", ".join(str(r.number) for r in rows)
    raise InvalidValue(
        f"'row' must be an installment that pays interest: {numbers} (got {row}).",
        field="row",
        value=row,
    )


def _interest_steps(w: _Work, terms: LoanTerms, r: Installment) -> int:
    """Steps from the opening balance to the row's interest; returns the interest step."""
    s_b = w.given(
        r.opening_balance,
        (Unit.SOLES, 2),
        "Saldo al inicio del período",
        "Balance at the start of the period",
    )
    rate = terms.rate
    if rate.kind is RateKind.EFFECTIVE_ANNUAL and terms.day_count is DayCount.ACT_360:
        s_d = w.given(Decimal(r.days), (Unit.NUMBER, 0), "Días del período", "Days in the period")
        s_tau = w.calc(Op.DIV, (s_d, Decimal(360)), (Unit.NUMBER, 6), "Días ÷ 360", "Days ÷ 360")
        s_i = _rate_chain(w, rate.value, s_tau, "(días/360)", "(days/360)")
    else:
        tau = terms.day_count.year_fraction(_previous_date(r), r.due_date, terms.frequency)
        s_i = w.library(
            rate.period_rate(tau),
            (Unit.NUMBER, 6),
            "Tasa del período",
            "Rate for the period",
            source="coopfinance.Rate.period_rate",
        )
    s_x = w.calc(
        Op.MUL,
        (s_b, s_i),
        (Unit.SOLES, 4),
        "Saldo × tasa del período",
        "Balance × rate for the period",
    )
    return w.calc(
        Op.ROUND,
        (s_x, Decimal(_CENT)),
        (Unit.SOLES, 2),
        "Interés, al céntimo",
        "Interest, to the cent",
    )


def _previous_date(r: Installment) -> dt.date:
    return r.due_date - dt.timedelta(days=r.days)


def _rate_words(terms: LoanTerms) -> tuple[str, str]:
    if terms.rate.kind is RateKind.EFFECTIVE_ANNUAL:
        return f"TEA {_pct(terms.rate.value)}", f"TEA {_pct(terms.rate.value)}"
    return str(terms.rate), str(terms.rate)


@exact
def cronograma_interest(
    rng: RandomSource = None, *, terms: _TermsInput = None, row: int | None = None
) -> Exercise:
    """The interest of one row of a cronograma: ``round(balance × ((1 + TEA)^(days/360) − 1))``.

    ``terms`` is the member's :class:`LoanTerms` (or a mapping for :meth:`LoanTerms.from_dict`);
    ``row`` the installment number. Library: ``terms.schedule()[row].interest``. Distractors:
    balance × TEA/12, interest on the amount first lent.
    """
    d = _Draw(rng, "cronograma_interest")
    t = _draw_terms(d, terms)
    schedule = t.schedule()
    r = _pick_row(d, schedule, row)
    w = _Work()
    _interest_steps(w, t, r)
    rate_es, rate_en = _rate_words(t)
    period_rate = t.rate.period_rate(
        t.day_count.year_fraction(_previous_date(r), r.due_date, t.frequency)
    )
    distractors = [(Mistake.INTEREST_ON_ORIGINAL, _q(schedule.principal * period_rate, 2))]
    if t.rate.kind is RateKind.EFFECTIVE_ANNUAL:
        distractors.append(
            (Mistake.TEA_DIVIDED_BY_12, _q(r.opening_balance * t.rate.value / 12, 2))
        )
    return _exercise(
        "cronograma_interest",
        Topic.CREDIT,
        d,
        question={
            "es": f"Préstamo de {_m(schedule.principal)}, {rate_es}. En la fila {r.number} de su "
            f"cronograma el saldo al inicio es {_m(r.opening_balance)} y el período tiene "
            f"{r.days} días. ¿Cuánto interés paga en esa cuota?",
            "en": f"A loan of {_m(schedule.principal)}, {rate_en}. In row {r.number} of your "
            f"schedule the opening balance is {_m(r.opening_balance)} and the period has "
            f"{r.days} days. How much interest do you pay in that installment?",
        },
        work=w,
        answer=r.interest,
        unit=Unit.SOLES,
        places=2,
        tolerance=Decimal("0.01"),
        distractors=distractors,
        data={
            "principal": schedule.principal,
            "rate": t.rate.value,
            "rate_kind": t.rate.kind.value,
            "installments": t.count,
            "disbursed": t.disbursed,
            "row": r.number,
            "opening_balance": r.opening_balance,
            "days": r.days,
        },
    )


@exact
def cronograma_principal(
    rng: RandomSource = None, *, terms: _TermsInput = None, row: int | None = None
) -> Exercise:
    """The principal part of one level installment: ``installment − interest``.

    Library: ``terms.schedule()[row].principal``. Distractors: the interest itself (parts swapped),
    the installment less interest on the amount first lent, the installment less balance × TEA/12.
    """
    d = _Draw(rng, "cronograma_principal")
    t = _draw_terms(d, terms)
    schedule = t.schedule()
    r = _pick_row(d, schedule, row)
    cuota = r.principal + r.interest
    w = _Work()
    s_c = w.given(
        cuota, (Unit.SOLES, 2), "Cuota (capital + interés)", "Installment (principal + interest)"
    )
    s_int = _interest_steps(w, t, r)
    w.calc(
        Op.SUB,
        (s_c, s_int),
        (Unit.SOLES, 2),
        "Capital (amortización): cuota − interés",
        "Principal: installment − interest",
    )
    rate_es, rate_en = _rate_words(t)
    period_rate = t.rate.period_rate(
        t.day_count.year_fraction(_previous_date(r), r.due_date, t.frequency)
    )
    distractors = [
        (Mistake.INTEREST_PRINCIPAL_SWAPPED, r.interest),
        (Mistake.INTEREST_ON_ORIGINAL, cuota - _q(schedule.principal * period_rate, 2)),
    ]
    if t.rate.kind is RateKind.EFFECTIVE_ANNUAL:
        distractors.append(
            (Mistake.TEA_DIVIDED_BY_12, cuota - _q(r.opening_balance * t.rate.value / 12, 2))
        )
    return _exercise(
        "cronograma_principal",
        Topic.CREDIT,
        d,
        question={
            "es": f"Préstamo de {_m(schedule.principal)}, {rate_es}, cuota de {_m(cuota)} "
            f"(sin seguro). En la fila {r.number} el saldo al inicio es {_m(r.opening_balance)} "
            f"y el período tiene {r.days} días. ¿Cuánto de la cuota baja su deuda (capital)?",
            "en": f"A loan of {_m(schedule.principal)}, {rate_en}, installment {_m(cuota)} "
            f"(without insurance). In row {r.number} the opening balance is "
            f"{_m(r.opening_balance)} and the period has {r.days} days. How much of the "
            "installment pays down your debt (principal)?",
        },
        work=w,
        answer=r.principal,
        unit=Unit.SOLES,
        places=2,
        tolerance=Decimal("0.01"),
        distractors=distractors,
        data={
            "principal": schedule.principal,
            "rate": t.rate.value,
            "rate_kind": t.rate.kind.value,
            "installments": t.count,
            "disbursed": t.disbursed,
            "row": r.number,
            "installment": cuota,
            "opening_balance": r.opening_balance,
            "days": r.days,
        },
    )


@exact
def flat_vs_declining(
    rng: RandomSource = None,
    *,
    principal: Amount | None = None,
    rate: Amount | None = None,
    months: int | None = None,
) -> Exercise:
    """How much more interest a flat monthly rate costs than the same rate as a TEM on the declining
    balance (level installments, equal months).

    Library: the ``total_interest`` of both schedules (``Rate.flat`` and ``Rate.effective_monthly``
    with ``DayCount.PER_PERIOD``). Distractor: no difference.
    """
    d = _Draw(rng, "flat_vs_declining")
    p = _positive(
        _amount(
            principal, "principal", lambda: d.decimal("1000", "8000", "500", field="principal")
        ),
        "principal",
    )
    f = _positive(
        _fraction(rate, "rate", lambda: d.decimal("0.015", "0.04", "0.005", field="rate")), "rate"
    )
    n = months if months is not None else d.pick((6, 12, 18), field="months")
    start = dt.date(2026, 1, 15)
    flat = LoanTerms(principal=p, rate=Rate.flat(f), installments=n, disbursed=start).schedule()
    level = LoanTerms(
        principal=p,
        rate=Rate.effective_monthly(f),
        installments=n,
        disbursed=start,
        day_count=DayCount.PER_PERIOD,
    ).schedule()
    answer = flat.total_interest - level.total_interest
    w = _Work()
    s_p = w.given(p, (Unit.SOLES, 2), "Préstamo", "Loan")
    s_f = w.given(f, (Unit.NUMBER, 4), f"Tasa ({_pct(f)} ÷ 100)", f"Rate ({_pct(f)} ÷ 100)")
    s_a = w.calc(
        Op.MUL,
        (s_p, s_f),
        (Unit.SOLES, 2),
        "A (flat): interés de cada mes = préstamo × tasa",
        "A (flat): interest each month = loan × rate",
    )
    s_at = w.calc(
        Op.MUL,
        (s_a, Decimal(n)),
        (Unit.SOLES, 2),
        f"A: interés de {n} meses",
        f"A: interest over {n} months",
    )
    s_b = w.library(
        level.total_interest,
        (Unit.SOLES, 2),
        "B (sobre el saldo): suma de la columna interés del cronograma",
        "B (on the balance): sum of the schedule's interest column",
        source="coopfinance.LoanTerms.schedule().total_interest",
    )
    w.calc(Op.SUB, (s_at, s_b), (Unit.SOLES, 2), "Diferencia: A − B", "Difference: A − B")
    return _exercise(
        "flat_vs_declining",
        Topic.CREDIT,
        d,
        question={
            "es": f"Dos ofertas de {_m(p)} a {n} meses. A: tasa flat de {_pct(f)} al mes. B: TEM "
            f"de {_pct(f)} sobre el saldo, con cuota fija. ¿Cuánto más interés paga con A?",
            "en": f"Two offers of {_m(p)} over {n} months. A: flat rate of {_pct(f)} a month. B: "
            f"TEM of {_pct(f)} on the balance, level installments. How much more interest do "
            "you pay with A?",
        },
        work=w,
        answer=answer,
        unit=Unit.SOLES,
        places=2,
        tolerance=Decimal("0.01"),
        distractors=[(Mistake.SAME_COST, Decimal("0.00"))],
        data={"principal": p, "rate": f, "months": n},
    )
