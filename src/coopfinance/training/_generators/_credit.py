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
from coopfinance.errors import E_, InvalidValue
from coopfinance.text import N_, Message
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
    _t,
    _tn,
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
    s = _rate_chain(w, r, twelfth, "(1/12)")
    s = w.calc(Op.MUL, (s, _HUNDRED), (Unit.PERCENT, 4), _t(N_("TEM in %%")))
    w.calc(Op.ROUND, (s, Decimal(2)), (Unit.PERCENT, 2), _t(N_("TEM, to 2 decimals")))
    return _exercise(
        "tea_to_tem",
        Topic.CREDIT,
        d,
        question=_t(
            N_("Your loan has a TEA of %(r)s. What is the TEM (effective monthly rate)?"), r=_pct(r)
        ),
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
    s0 = w.given(m, (Unit.NUMBER, 4), _t(N_("TEM (%(m)s ÷ 100)"), m=_pct(m)))
    s1 = w.calc(Op.ADD, (s0, Decimal(1)), (Unit.NUMBER, 4), _t(N_("1 + TEM")))
    s2 = w.calc(Op.POW, (s1, Decimal(12)), (Unit.NUMBER, 6), _t(N_("(1 + TEM)^12")))
    s3 = w.calc(Op.SUB, (s2, Decimal(1)), (Unit.NUMBER, 6), _t(N_("minus 1")))
    s4 = w.calc(Op.MUL, (s3, _HUNDRED), (Unit.PERCENT, 4), _t(N_("TEA in %%")))
    w.calc(Op.ROUND, (s4, Decimal(2)), (Unit.PERCENT, 2), _t(N_("TEA, to 2 decimals")))
    return _exercise(
        "tem_to_tea",
        Topic.CREDIT,
        d,
        question=_t(
            N_("You are offered a TEM of %(m)s. What is the TEA (effective annual rate)?"),
            m=_pct(m),
        ),
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
    s_p = w.given(p, (Unit.SOLES, 2), _t(N_("Loan")))
    s_f = w.given(
        f,
        (Unit.NUMBER, 4),
        _t(N_("Flat monthly rate (%(f)s ÷ 100)"), f=_pct(f)),
    )
    s_i = w.calc(
        Op.MUL,
        (s_p, s_f),
        (Unit.SOLES, 2),
        _t(N_("Interest each month: loan × flat rate")),
    )
    s_t = w.calc(
        Op.MUL,
        (s_i, Decimal(n)),
        (Unit.SOLES, 2),
        _tn(N_("Interest over the %(n)s month"), N_("Interest over the %(n)s months"), n, n=n),
    )
    s_all = w.calc(Op.ADD, (s_p, s_t), (Unit.SOLES, 2), _t(N_("Loan + interest")))
    s_c = w.calc(
        Op.DIV,
        (s_all, Decimal(n)),
        (Unit.SOLES, 2),
        _t(N_("Installment without insurance (÷ %(n)s)"), n=n),
    )
    if ins:
        s_ir = w.given(
            ins,
            (Unit.NUMBER, 6),
            _t(N_("Monthly insurance (%(ins)s ÷ 100)"), ins=_pct(ins, 4)),
        )
        s_is = w.calc(
            Op.MUL,
            (s_p, s_ir),
            (Unit.SOLES, 2),
            _t(N_("Insurance each month: loan × insurance rate")),
        )
        w.calc(Op.ADD, (s_c, s_is), (Unit.SOLES, 2), _t(N_("Payment each month")))
    s_x = w.library(
        rate * _HUNDRED,
        (Unit.PERCENT, 4),
        _tn(
            N_("TCEA: the annual rate at which the %(n)s payment is worth the %(p)s received"),
            N_("TCEA: the annual rate at which the %(n)s payments are worth the %(p)s received"),
            n,
            n=n,
            p=_m(p),
        ),
        source="coopfinance.cost.tcea",
    )
    w.calc(Op.ROUND, (s_x, Decimal(2)), (Unit.PERCENT, 2), _t(N_("TCEA, to 2 decimals")))
    no_insurance = _q(tcea(schedule, include=["fees"]) * _HUNDRED, 2)
    declining = _q(Rate.effective_monthly(f).to_effective_annual().value * _HUNDRED, 2)
    insured = (
        _t(N_(" and insurance of %(ins)s a month on the amount"), ins=_pct(ins, 4)) if ins else ""
    )
    return _exercise(
        "flat_offer_tcea",
        Topic.CREDIT,
        d,
        question=_tn(
            N_(
                "You are offered %(p)s over %(n)s month at a flat rate of %(f)s a "
                "month%(ins)s. You get the money on %(value)s and pay every month. What "
                "is the TCEA?"
            ),
            N_(
                "You are offered %(p)s over %(n)s months at a flat rate of %(f)s a "
                "month%(ins)s. You get the money on %(value)s and pay every month. What "
                "is the TCEA?"
            ),
            n,
            p=_m(p),
            n=n,
            f=_pct(f),
            ins=insured,
            value=start.isoformat(),
        ),
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
                E_("'terms' give no installment with interest to ask about."),
                field="terms",
                value=None,
            )
        return rows[d.integer(0, len(rows) - 1, field="row")]
    for r in rows:
        if r.number == row:
            return r
    numbers = ", ".join(str(r.number) for r in rows)
    raise InvalidValue(
        E_(
            "'row' must be an installment that pays interest: %(numbers)s (got %(row)s).",
            numbers=numbers,
            row=row,
        ),
        field="row",
        value=row,
    )


def _interest_steps(w: _Work, terms: LoanTerms, r: Installment) -> int:
    """Steps from the opening balance to the row's interest; returns the interest step."""
    s_b = w.given(
        r.opening_balance,
        (Unit.SOLES, 2),
        _t(N_("Balance at the start of the period")),
    )
    rate = terms.rate
    if rate.kind is RateKind.EFFECTIVE_ANNUAL and terms.day_count is DayCount.ACT_360:
        s_d = w.given(Decimal(r.days), (Unit.NUMBER, 0), _t(N_("Days in the period")))
        s_tau = w.calc(Op.DIV, (s_d, Decimal(360)), (Unit.NUMBER, 6), _t(N_("Days ÷ 360")))
        s_i = _rate_chain(w, rate.value, s_tau, _t(N_("(days/360)")))
    else:
        tau = terms.day_count.year_fraction(_previous_date(r), r.due_date, terms.frequency)
        s_i = w.library(
            rate.period_rate(tau),
            (Unit.NUMBER, 6),
            _t(N_("Rate for the period")),
            source="coopfinance.Rate.period_rate",
        )
    s_x = w.calc(
        Op.MUL,
        (s_b, s_i),
        (Unit.SOLES, 4),
        _t(N_("Balance × rate for the period")),
    )
    return w.calc(
        Op.ROUND,
        (s_x, Decimal(_CENT)),
        (Unit.SOLES, 2),
        _t(N_("Interest, to the cent")),
    )


def _previous_date(r: Installment) -> dt.date:
    return r.due_date - dt.timedelta(days=r.days)


def _rate_words(terms: LoanTerms) -> Message:
    """The loan's rate as the member's documents name it (``TEA 35.00 %``, ``TEM 2.00 %``)."""
    rate = terms.rate
    pct = _pct(rate.value)
    if rate.kind is RateKind.EFFECTIVE_ANNUAL:
        return _t(N_("TEA %(rate)s"), rate=pct)
    if rate.kind is RateKind.NOMINAL_ANNUAL:
        return _t(N_("%(rate)s nominal annual"), rate=pct)
    if rate.kind is RateKind.FLAT_ANNUAL:
        return _t(N_("%(rate)s flat a year"), rate=pct)
    monthly = str(rate.period) == "monthly"
    if rate.kind is RateKind.EFFECTIVE_PERIODIC:
        if monthly:
            return _t(N_("TEM %(rate)s"), rate=pct)
        return _t(
            N_("%(rate)s effective per period (%(period)s)"), rate=pct, period=str(rate.period)
        )
    if monthly:
        return _t(N_("%(rate)s flat a month"), rate=pct)
    return _t(N_("%(rate)s flat per period (%(period)s)"), rate=pct, period=str(rate.period))


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
    rate = _rate_words(t)
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
        question=_tn(
            N_(
                "A loan of %(principal)s, %(rate)s. In row %(number)s of your schedule "
                "the opening balance is %(opening_balance)s and the period has %(days)s "
                "day. How much interest do you pay in that installment?"
            ),
            N_(
                "A loan of %(principal)s, %(rate)s. In row %(number)s of your schedule "
                "the opening balance is %(opening_balance)s and the period has %(days)s "
                "days. How much interest do you pay in that installment?"
            ),
            r.days,
            principal=_m(schedule.principal),
            rate=rate,
            number=r.number,
            opening_balance=_m(r.opening_balance),
            days=r.days,
        ),
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
    s_c = w.given(cuota, (Unit.SOLES, 2), _t(N_("Installment (principal + interest)")))
    s_int = _interest_steps(w, t, r)
    w.calc(
        Op.SUB,
        (s_c, s_int),
        (Unit.SOLES, 2),
        _t(N_("Principal: installment − interest")),
    )
    rate = _rate_words(t)
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
        question=_tn(
            N_(
                "A loan of %(principal)s, %(rate)s, installment %(cuota)s (without "
                "insurance). In row %(number)s the opening balance is "
                "%(opening_balance)s and the period has %(days)s day. How much of the "
                "installment pays down your debt (principal)?"
            ),
            N_(
                "A loan of %(principal)s, %(rate)s, installment %(cuota)s (without "
                "insurance). In row %(number)s the opening balance is "
                "%(opening_balance)s and the period has %(days)s days. How much of the "
                "installment pays down your debt (principal)?"
            ),
            r.days,
            principal=_m(schedule.principal),
            rate=rate,
            cuota=_m(cuota),
            number=r.number,
            opening_balance=_m(r.opening_balance),
            days=r.days,
        ),
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
    s_p = w.given(p, (Unit.SOLES, 2), _t(N_("Loan")))
    s_f = w.given(f, (Unit.NUMBER, 4), _t(N_("Rate (%(f)s ÷ 100)"), f=_pct(f)))
    s_a = w.calc(
        Op.MUL,
        (s_p, s_f),
        (Unit.SOLES, 2),
        _t(N_("A (flat): interest each month = loan × rate")),
    )
    s_at = w.calc(
        Op.MUL,
        (s_a, Decimal(n)),
        (Unit.SOLES, 2),
        _tn(N_("A: interest over %(n)s month"), N_("A: interest over %(n)s months"), n, n=n),
    )
    s_b = w.library(
        level.total_interest,
        (Unit.SOLES, 2),
        _t(N_("B (on the balance): sum of the schedule's interest column")),
        source="coopfinance.LoanTerms.schedule().total_interest",
    )
    w.calc(Op.SUB, (s_at, s_b), (Unit.SOLES, 2), _t(N_("Difference: A − B")))
    return _exercise(
        "flat_vs_declining",
        Topic.CREDIT,
        d,
        question=_tn(
            N_(
                "Two offers of %(p)s over %(n)s month. A: flat rate of %(f)s a month. "
                "B: TEM of %(f)s on the balance, level installments. How much more "
                "interest do you pay with A?"
            ),
            N_(
                "Two offers of %(p)s over %(n)s months. A: flat rate of %(f)s a month. "
                "B: TEM of %(f)s on the balance, level installments. How much more "
                "interest do you pay with A?"
            ),
            n,
            p=_m(p),
            n=n,
            f=_pct(f),
        ),
        work=w,
        answer=answer,
        unit=Unit.SOLES,
        places=2,
        tolerance=Decimal("0.01"),
        distractors=[(Mistake.SAME_COST, Decimal("0.00"))],
        data={"principal": p, "rate": f, "months": n},
    )
