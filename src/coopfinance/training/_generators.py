"""Exercise generators, one per skill, grouped by :class:`Topic`.

Each generator takes a random source — ``random.Random``, ``numpy.random.Generator`` or an ``int``
seed — for numbers in realistic ranges (reference §4, §8: TEA 18–60 %, milk at S/ 0.95–1.75 a litre,
5-cow herds), and/or the member's own values as keyword arguments, which replace the drawn ones.
The answer is computed by the library (:meth:`coopfinance.LoanTerms.schedule`,
:func:`coopfinance.cost.tcea`, :class:`coopfinance.Rate` conversions, :class:`coopfinance.Money`);
the worked solution reaches it step by step (see :meth:`Exercise.verify`).

>>> ex = tea_to_tem(tea="35%")
>>> ex.answer, ex.unit.value
(Decimal('2.53'), 'percent')
>>> ex.check("2.92").mistake          # 35 % ÷ 12
<Mistake.TEA_DIVIDED_BY_12: 'tea-divided-by-12'>
"""

from __future__ import annotations

import datetime as dt
import decimal
import random
from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any, TypeAlias

import numpy as np

from coopfinance._calendar import DayCount, Frequency
from coopfinance._charges import Charge, ChargeBasis
from coopfinance._decimal import CONTEXT, to_decimal
from coopfinance._money import Money
from coopfinance._rates import Rate, RateKind
from coopfinance._schedule import Installment, Schedule
from coopfinance._terms import LoanTerms
from coopfinance.cost import tcea
from coopfinance.errors import InvalidValue, WrongType, fmt_value
from coopfinance.training._exercise import (
    Choice,
    Exercise,
    Mistake,
    Op,
    Step,
    Topic,
    Unit,
    format_value,
    replay,
)

__all__ = [
    "GENERATORS",
    "RandomSource",
    "break_even_litres",
    "cronograma_interest",
    "cronograma_principal",
    "flat_offer_tcea",
    "flat_vs_declining",
    "generate",
    "generators_for",
    "household_surplus",
    "installment_share",
    "milk_gross",
    "patronage_return",
    "payback_years",
    "repayment_capacity",
    "savings_goal",
    "savings_months",
    "settlement_net",
    "tea_to_tem",
    "tem_to_tea",
]

RandomSource: TypeAlias = random.Random | np.random.Generator | int | None
"""A seeded ``random.Random``, a ``numpy.random.Generator``, an ``int`` seed, or ``None`` when every
value is the member's own."""

Amount: TypeAlias = Decimal | int | str

_HUNDRED = Decimal(100)
_CENT = 2


def _q(value: Decimal, places: int, mode: str = ROUND_HALF_UP) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), mode)


# -- random draws -----------------------------------------------------------------------------------
class _Draw:
    """Numbers in ranges from a seeded source, drawn only when a value is missing."""

    def __init__(self, source: RandomSource, generator: str) -> None:
        if isinstance(source, bool):
            raise WrongType(
                f"'rng' must be a random.Random, numpy Generator or int seed (got {source!r}).",
                field="rng",
                value=source,
            )
        if isinstance(source, int):
            source = random.Random(source)
        if source is not None and not isinstance(source, random.Random | np.random.Generator):
            raise WrongType(
                "'rng' must be a random.Random, numpy Generator or int seed "
                f"(got {type(source).__name__}).",
                field="rng",
                value=source,
            )
        self._source = source
        self._generator = generator

    def integer(self, low: int, high: int, *, field: str) -> int:
        """A whole number in ``[low, high]``."""
        if self._source is None:
            raise InvalidValue(
                f"'rng' is needed to draw {field!r} for {self._generator} (got None): pass a seed "
                "or the member's own value.",
                field="rng",
                value=None,
            )
        if isinstance(self._source, random.Random):
            return self._source.randint(low, high)
        return int(self._source.integers(low, high + 1))

    def decimal(self, low: str, high: str, step: str, *, field: str) -> Decimal:
        """A multiple of ``step`` in ``[low, high]``."""
        lo, hi, st = Decimal(low), Decimal(high), Decimal(step)
        k = self.integer(0, int((hi - lo) / st), field=field)
        return lo + k * st

    def pick(self, options: tuple[Any, ...], *, field: str) -> Any:
        """One of ``options``."""
        return options[self.integer(0, len(options) - 1, field=field)]

    def shuffle_seed(self, fallback: str) -> random.Random:
        """A ``random.Random`` for shuffling choices: from the source, or from the exercise data."""
        if self._source is None:
            return random.Random(fallback)
        return random.Random(self.integer(0, 2**31 - 1, field="choices"))


def _amount(value: Amount | None, field: str, draw: Callable[[], Decimal]) -> Decimal:
    if value is None:
        return draw()
    if isinstance(value, Money):
        return value.amount
    return to_decimal(value, field=field)


def _positive(value: Decimal, field: str) -> Decimal:
    if value <= 0:
        raise InvalidValue(f"{field!r} must be positive (got {value}).", field=field, value=value)
    return value


def _nonneg(value: Decimal, field: str) -> Decimal:
    if value < 0:
        raise InvalidValue(
            f"{field!r} must not be negative (got {value}).", field=field, value=value
        )
    return value


def _fraction(value: Amount | None, field: str, draw: Callable[[], Decimal]) -> Decimal:
    """A rate as a fraction: ``"35%"`` or ``"0.35"``."""
    return _amount(value, field, draw)


# -- building the worked solution ---------------------------------------------------------------
_Fmt: TypeAlias = tuple[Unit, int]
"""How a step's value is written: its unit and decimals."""


class _Work:
    """Steps computed by :func:`replay` from earlier steps, so the chain always adds up."""

    def __init__(self) -> None:
        self.steps: list[Step] = []

    def value(self, ref: int) -> Decimal:
        return self.steps[ref].value

    def _add(
        self,
        *,
        op: Op,
        args: tuple[int | Decimal, ...],
        value: Decimal,
        unit: Unit,
        places: int,
        es: str,
        en: str,
        source: str | None = None,
    ) -> int:
        self.steps.append(
            Step(
                op=op,
                args=args,
                value=value,
                unit=unit,
                places=places,
                text={"es": es, "en": en},
                source=source,
            )
        )
        return len(self.steps) - 1

    def given(self, value: Decimal, fmt: _Fmt, es: str, en: str) -> int:
        """A number from the question."""
        unit, places = fmt
        return self._add(
            op=Op.GIVEN, args=(value,), value=value, unit=unit, places=places, es=es, en=en
        )

    def calc(self, op: Op, args: Iterable[int | Decimal], fmt: _Fmt, es: str, en: str) -> int:
        """A step computed from earlier steps (``int``) and literals (``Decimal``)."""
        a = tuple(args)
        operands = [self.value(x) if isinstance(x, int) else x for x in a]
        unit, places = fmt
        return self._add(
            op=op, args=a, value=replay(op, operands), unit=unit, places=places, es=es, en=en
        )

    def library(self, value: Decimal, fmt: _Fmt, es: str, en: str, source: str) -> int:
        """A value computed by the library function ``source``."""
        unit, places = fmt
        return self._add(
            op=Op.LIBRARY,
            args=(),
            value=value,
            unit=unit,
            places=places,
            es=es,
            en=en,
            source=source,
        )


def _exercise(
    name: str,
    topic: Topic,
    draw: _Draw,
    *,
    question: Mapping[str, str],
    work: _Work,
    answer: Decimal,
    unit: Unit,
    places: int,
    tolerance: Decimal,
    distractors: Iterable[tuple[Mistake, Decimal]],
    data: Mapping[str, Any],
) -> Exercise:
    """Assemble an exercise; drop distractors that coincide (within twice the tolerance) with the
    answer or an earlier distractor, and shuffle the choices deterministically."""
    kept: list[tuple[Decimal, Mistake | None]] = [(answer, None)]
    for mistake, value in distractors:
        if all(abs(value - v) > 2 * tolerance for v, _ in kept):
            kept.append((value, mistake))
    rng = draw.shuffle_seed(f"{name}:{sorted((k, str(v)) for k, v in data.items())}")
    if len(kept) > 1:
        rng.shuffle(kept)
    else:
        kept = []
    choices = [Choice(label=chr(ord("A") + k), value=v, mistake=m) for k, (v, m) in enumerate(kept)]
    return Exercise(
        generator=name,
        topic=topic,
        question=question,
        steps=work.steps,
        answer=answer,
        unit=unit,
        places=places,
        tolerance=tolerance,
        choices=choices,
        data=data,
    )


def _m(x: Decimal) -> str:
    return format_value(x, Unit.SOLES, 2)


def _pct(x: Decimal, places: int = 2) -> str:
    """A fraction written as a percentage: 0.35 → '35.00 %'."""
    return format_value(x * _HUNDRED, Unit.PERCENT, places)


def _places(x: Decimal, minimum: int) -> int:
    """Decimals needed to show ``x`` exactly (at least ``minimum``, at most 6): a member's price
    of S/ 1.305 or service charge of S/ 0.055 a litre must not be shown rounded."""
    exponent = x.normalize().as_tuple().exponent
    return min(6, max(minimum, -exponent if isinstance(exponent, int) else 0))


def _lit(x: Decimal) -> str:
    return format_value(x, Unit.LITRES, _places(x, 0))


def _per_litre(x: Decimal) -> str:
    """A price per litre, with every decimal it has (at least 2)."""
    return format_value(x, Unit.SOLES, _places(x, 2))


def _rate_chain(
    w: _Work, annual: Decimal, exponent: int | Decimal, es_exp: str, en_exp: str
) -> int:
    """Steps ``1 + TEA``, ``(1 + TEA)^exponent``, ``− 1``; returns the rate's step."""
    s_tea = w.given(
        annual, (Unit.NUMBER, 4), f"TEA ({_pct(annual)} ÷ 100)", f"TEA ({_pct(annual)} ÷ 100)"
    )
    s1 = w.calc(Op.ADD, (s_tea, Decimal(1)), (Unit.NUMBER, 4), "1 + TEA", "1 + TEA")
    s2 = w.calc(
        Op.POW, (s1, exponent), (Unit.NUMBER, 6), f"(1 + TEA)^{es_exp}", f"(1 + TEA)^{en_exp}"
    )
    return w.calc(Op.SUB, (s2, Decimal(1)), (Unit.NUMBER, 6), "menos 1", "minus 1")


# == credit =========================================================================================
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


def _date(draw: _Draw, value: dt.date | str | None) -> dt.date:
    if value is None:
        return dt.date(
            2026, draw.integer(1, 12, field="disbursed"), draw.integer(1, 28, field="disbursed")
        )
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidValue(
            f"'disbursed' must be a date such as '2026-01-15' (got {fmt_value(value)}).",
            field="disbursed",
            value=value,
        ) from None


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
    declining = _q(((1 + f) ** 12 - 1) * _HUNDRED, 2)
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


# == milk ===========================================================================================
def _milk_inputs(d: _Draw, litres: Amount | None, price: Amount | None) -> tuple[Decimal, Decimal]:
    lt = _positive(
        _amount(litres, "litres", lambda: d.decimal("300", "2000", "10", field="litres")), "litres"
    )
    pr = _positive(
        _amount(price, "price", lambda: d.decimal("0.95", "1.75", "0.01", field="price")), "price"
    )
    return lt, pr


def _gross_steps(w: _Work, litres: Decimal, price: Decimal) -> int:
    s_l = w.given(
        litres, (Unit.LITRES, _places(litres, 0)), "Litros entregados", "Litres delivered"
    )
    s_p = w.given(price, (Unit.SOLES, _places(price, 2)), "Precio por litro", "Price per litre")
    s_g = w.calc(Op.MUL, (s_l, s_p), (Unit.SOLES, 4), "Litros × precio", "Litres × price")
    return w.calc(
        Op.ROUND,
        (s_g, Decimal(_CENT)),
        (Unit.SOLES, 2),
        "Bruto de la quincena",
        "Gross for the fortnight",
    )


def _gross(litres: Decimal, price: Decimal) -> Decimal:
    return (Money(amount=price) * litres).round().amount


def milk_gross(
    rng: RandomSource = None, *, litres: Amount | None = None, price: Amount | None = None
) -> Exercise:
    """The gross value of a fortnight's milk: ``litres × price``, to the céntimo (``Money``)."""
    d = _Draw(rng, "milk_gross")
    lt, pr = _milk_inputs(d, litres, price)
    w = _Work()
    _gross_steps(w, lt, pr)
    return _exercise(
        "milk_gross",
        Topic.MILK,
        d,
        question={
            "es": f"Esta quincena entregó {_lit(lt)} de leche a {_per_litre(pr)} el litro. "
            "¿Cuánto es su bruto?",
            "en": f"This fortnight you delivered {_lit(lt)} of milk at {_per_litre(pr)} a litre. "
            "What is your gross?",
        },
        work=w,
        answer=_gross(lt, pr),
        unit=Unit.SOLES,
        places=2,
        tolerance=Decimal("0.01"),
        distractors=[],
        data={"litres": lt, "price": pr},
    )


def installment_share(
    rng: RandomSource = None,
    *,
    litres: Amount | None = None,
    price: Amount | None = None,
    installment: Amount | None = None,
) -> Exercise:
    """The share of the fortnight's gross milk value that the loan installment takes, in %.

    ``share = installment / (litres × price) × 100``; the rule of thumb is at most 30 %.
    Distractor: installment / (gross − installment).
    """
    d = _Draw(rng, "installment_share")
    lt, pr = _milk_inputs(d, litres, price)
    gross = _gross(lt, pr)
    top = int(gross * Decimal("0.45") / 5)
    inst = _positive(
        _amount(
            installment,
            "installment",
            lambda: Decimal(5 * d.integer(4, max(top, 5), field="installment")),
        ),
        "installment",
    )
    w = _Work()
    s_g = _gross_steps(w, lt, pr)
    s_c = w.given(inst, (Unit.SOLES, 2), "Cuota del préstamo", "Loan installment")
    s_r = w.calc(Op.DIV, (s_c, s_g), (Unit.NUMBER, 6), "Cuota ÷ bruto", "Installment ÷ gross")
    s_x = w.calc(Op.MUL, (s_r, _HUNDRED), (Unit.PERCENT, 4), "× 100", "× 100")
    w.calc(
        Op.ROUND,
        (s_x, Decimal(2)),
        (Unit.PERCENT, 2),
        "Parte de la cuota (la regla: no más de 30 %)",
        "Share of the installment (the rule: no more than 30 %)",
    )
    with decimal.localcontext(CONTEXT):
        answer = _q(inst / gross * _HUNDRED, 2)
        net = gross - inst
        of_net = _q(inst / net * _HUNDRED, 2) if net > 0 else None
    return _exercise(
        "installment_share",
        Topic.MILK,
        d,
        question={
            "es": f"Esta quincena entregó {_lit(lt)} a {_per_litre(pr)} el litro. Su cuota es "
            f"{_m(inst)}. ¿Qué parte (%) de su bruto se lleva la cuota?",
            "en": f"This fortnight you delivered {_lit(lt)} at {_per_litre(pr)} a litre. Your "
            f"installment is {_m(inst)}. What share (%) of your gross does it take?",
        },
        work=w,
        answer=answer,
        unit=Unit.PERCENT,
        places=2,
        tolerance=Decimal("0.01"),
        distractors=[] if of_net is None else [(Mistake.SHARE_OF_NET, of_net)],
        data={"litres": lt, "price": pr, "installment": inst},
    )


def settlement_net(
    rng: RandomSource = None,
    *,
    litres: Amount | None = None,
    price: Amount | None = None,
    service_per_litre: Amount | None = None,
    installment: Amount | None = None,
    savings: Amount | None = None,
) -> Exercise:
    """What the member takes home from a fortnight's settlement (liquidación):
    ``gross − litres × service charge − installment − savings``.

    Distractors: the service charge forgotten, the service charge taken once.
    """
    d = _Draw(rng, "settlement_net")
    lt, pr = _milk_inputs(d, litres, price)
    gross = _gross(lt, pr)
    svc = _nonneg(
        _amount(
            service_per_litre,
            "service_per_litre",
            lambda: d.decimal("0.03", "0.15", "0.01", field="service_per_litre"),
        ),
        "service_per_litre",
    )
    top = int(gross * Decimal("0.30") / 5)
    inst = _nonneg(
        _amount(
            installment,
            "installment",
            lambda: Decimal(5 * d.integer(2, max(top, 2), field="installment")),
        ),
        "installment",
    )
    sav = _nonneg(
        _amount(savings, "savings", lambda: d.decimal("10", "50", "5", field="savings")), "savings"
    )
    service = (Money(amount=svc) * lt).round().amount
    answer = gross - service - inst - sav
    w = _Work()
    s_g = _gross_steps(w, lt, pr)
    s_sv = w.given(
        svc,
        (Unit.SOLES, _places(svc, 2)),
        "Cobro por servicio por litro",
        "Service charge per litre",
    )
    s_sx = w.calc(
        Op.MUL, (0, s_sv), (Unit.SOLES, 4), "Litros × cobro por litro", "Litres × charge per litre"
    )
    s_s = w.calc(
        Op.ROUND, (s_sx, Decimal(_CENT)), (Unit.SOLES, 2), "Cobro por servicio", "Service charge"
    )
    s_c = w.given(inst, (Unit.SOLES, 2), "Cuota del préstamo", "Loan installment")
    s_a = w.given(sav, (Unit.SOLES, 2), "Ahorro", "Savings")
    w.calc(
        Op.SUB,
        (s_g, s_s, s_c, s_a),
        (Unit.SOLES, 2),
        "Neto: bruto − servicio − cuota − ahorro",
        "Net: gross − service − installment − savings",
    )
    return _exercise(
        "settlement_net",
        Topic.MILK,
        d,
        question={
            "es": f"Su liquidación: {_lit(lt)} a {_per_litre(pr)} el litro. La cooperativa cobra "
            f"{_per_litre(svc)} por litro por servicio, descuenta la cuota de {_m(inst)} y su "
            f"ahorro de {_m(sav)}. ¿Cuánto recibe en mano?",
            "en": f"Your settlement: {_lit(lt)} at {_per_litre(pr)} a litre. The co-op charges "
            f"{_per_litre(svc)} a litre for services, takes the installment of {_m(inst)} and your "
            f"savings of {_m(sav)}. How much do you take home?",
        },
        work=w,
        answer=answer,
        unit=Unit.SOLES,
        places=2,
        tolerance=Decimal("0.01"),
        distractors=[
            (Mistake.FORGOT_SERVICE_CHARGE, answer + service),
            (Mistake.SERVICE_CHARGE_ONCE, answer + service - svc),
        ],
        data={
            "litres": lt,
            "price": pr,
            "service_per_litre": svc,
            "installment": inst,
            "savings": sav,
        },
    )


# == saving =========================================================================================
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
        raise InvalidValue(f"'months' must be at least 1 (got {n}).", field="months", value=n)
    r = _nonneg(
        _fraction(tea, "tea", lambda: d.decimal("0.01", "0.06", "0.005", field="tea")), "tea"
    )
    if r == 0:
        raise InvalidValue(
            "'tea' must be positive for a savings-goal exercise (got 0); use savings_months.",
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
    s_i = _rate_chain(w, r, twelfth, "(1/12)", "(1/12)")
    s_1 = w.calc(Op.ADD, (s_i, Decimal(1)), (Unit.NUMBER, 6), "1 + TEM", "1 + TEM")
    s_n = w.calc(Op.POW, (s_1, Decimal(n)), (Unit.NUMBER, 6), f"(1 + TEM)^{n}", f"(1 + TEM)^{n}")
    s_m = w.calc(Op.SUB, (s_n, Decimal(1)), (Unit.NUMBER, 6), "menos 1", "minus 1")
    s_f = w.calc(
        Op.DIV,
        (s_m, s_i),
        (Unit.NUMBER, 6),
        f"Factor: lo que juntan S/ 1 al mes en {n} meses",
        f"Factor: what S/ 1 a month grows to in {n} months",
    )
    s_g = w.given(g, (Unit.SOLES, 2), "Meta", "Goal")
    s_x = w.calc(Op.DIV, (s_g, s_f), (Unit.SOLES, 4), "Meta ÷ factor", "Goal ÷ factor")
    w.calc(
        Op.CEIL,
        (s_x, Decimal(_CENT)),
        (Unit.SOLES, 2),
        "Depósito mensual (redondeado hacia arriba)",
        "Monthly deposit (rounded up)",
    )
    return _exercise(
        "savings_goal",
        Topic.SAVING,
        d,
        question={
            "es": f"Quiere juntar {_m(g)} en {n} meses. Su cuenta de ahorro paga una TEA de "
            f"{_pct(r)}. Deposita al final de cada mes. ¿Cuánto debe depositar cada mes?",
            "en": f"You want to save {_m(g)} in {n} months. Your savings account pays a TEA of "
            f"{_pct(r)}. You deposit at the end of each month. How much must you deposit "
            "each month?",
        },
        work=w,
        answer=answer,
        unit=Unit.SOLES,
        places=2,
        tolerance=Decimal("0.01"),
        distractors=[(Mistake.IGNORED_INTEREST, plain)],
        data={"goal": g, "months": n, "tea": r},
    )


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
    s_g = w.given(g, (Unit.SOLES, 2), "Meta", "Goal")
    s_m = w.given(m, (Unit.SOLES, 2), "Ahorro de cada mes", "Saved each month")
    s_x = w.calc(
        Op.DIV, (s_g, s_m), (Unit.NUMBER, 2), "Meta ÷ ahorro mensual", "Goal ÷ monthly saving"
    )
    w.calc(
        Op.CEIL,
        (s_x, Decimal(0)),
        (Unit.MONTHS, 0),
        "Meses (redondeado hacia arriba)",
        "Months (rounded up)",
    )
    return _exercise(
        "savings_months",
        Topic.SAVING,
        d,
        question={
            "es": f"Quiere juntar {_m(g)}. Puede ahorrar {_m(m)} cada mes. ¿Cuántos meses necesita?",
            "en": f"You want to save {_m(g)}. You can put aside {_m(m)} each month. How many "
            "months do you need?",
        },
        work=w,
        answer=answer,
        unit=Unit.MONTHS,
        places=0,
        tolerance=Decimal(0),
        distractors=[(Mistake.ROUNDED_DOWN, _q(exact, 0, ROUND_FLOOR))],
        data={"goal": g, "monthly": m},
    )


# == budget =========================================================================================
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


# == business plans ================================================================================
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
            f"'cost_per_litre' must be below the price {pr} (got {v}).",
            field="cost_per_litre",
            value=v,
        )
    with decimal.localcontext(CONTEXT):
        answer = _q(fx / (pr - v), 0, ROUND_CEILING)
        wrong = _q(fx / pr, 0, ROUND_CEILING)
    w = _Work()
    s_f = w.given(fx, (Unit.SOLES, 2), "Costos fijos del mes", "Fixed costs a month")
    s_p = w.given(pr, (Unit.SOLES, 2), "Precio por litro", "Price per litre")
    s_v = w.given(v, (Unit.SOLES, 2), "Costo por litro", "Cost per litre")
    s_mg = w.calc(Op.SUB, (s_p, s_v), (Unit.SOLES, 2), "Margen por litro", "Margin per litre")
    s_x = w.calc(
        Op.DIV, (s_f, s_mg), (Unit.LITRES, 2), "Costos fijos ÷ margen", "Fixed costs ÷ margin"
    )
    w.calc(
        Op.CEIL,
        (s_x, Decimal(0)),
        (Unit.LITRES, 0),
        "Litros (redondeado hacia arriba)",
        "Litres (rounded up)",
    )
    return _exercise(
        "break_even_litres",
        Topic.PLANS,
        d,
        question={
            "es": f"Su plan: costos fijos de {_m(fx)} al mes, leche a {_per_litre(pr)} el litro, y cada "
            f"litro cuesta {_m(v)} producir. ¿Cuántos litros al mes necesita para no perder?",
            "en": f"Your plan: fixed costs of {_m(fx)} a month, milk at {_per_litre(pr)} a litre, and each "
            f"litre costs {_m(v)} to produce. How many litres a month do you need to break even?",
        },
        work=w,
        answer=answer,
        unit=Unit.LITRES,
        places=0,
        tolerance=Decimal(1),
        distractors=[(Mistake.FORGOT_VARIABLE_COST, wrong)],
        data={"fixed_costs": fx, "price": pr, "cost_per_litre": v},
    )


def payback_years(
    rng: RandomSource = None,
    *,
    investment: Amount | None = None,
    revenue: Amount | None = None,
    costs: Amount | None = None,
) -> Exercise:
    """Simple payback of a plan: ``investment / (annual revenue − annual costs)``, years to 2 dp.
    Distractor: investment / revenue."""
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
            f"'costs' must be below 'revenue' {rev} (got {cst}).", field="costs", value=cst
        )
    with decimal.localcontext(CONTEXT):
        answer = _q(inv / net, 2)
        wrong = _q(inv / rev, 2)
    w = _Work()
    s_i = w.given(inv, (Unit.SOLES, 2), "Inversión", "Investment")
    s_r = w.given(rev, (Unit.SOLES, 2), "Ventas del año", "Sales a year")
    s_c = w.given(cst, (Unit.SOLES, 2), "Costos del año", "Costs a year")
    s_n = w.calc(Op.SUB, (s_r, s_c), (Unit.SOLES, 2), "Flujo neto del año", "Net cash flow a year")
    s_x = w.calc(
        Op.DIV, (s_i, s_n), (Unit.YEARS, 4), "Inversión ÷ flujo neto", "Investment ÷ net cash flow"
    )
    w.calc(Op.ROUND, (s_x, Decimal(2)), (Unit.YEARS, 2), "Años para recuperar", "Years to pay back")
    return _exercise(
        "payback_years",
        Topic.PLANS,
        d,
        question={
            "es": f"Su plan de negocio invierte {_m(inv)}. Cada año vende {_m(rev)} y gasta "
            f"{_m(cst)}. ¿En cuántos años recupera la inversión?",
            "en": f"Your business plan invests {_m(inv)}. Each year it sells {_m(rev)} and spends "
            f"{_m(cst)}. In how many years is the investment paid back?",
        },
        work=w,
        answer=answer,
        unit=Unit.YEARS,
        places=2,
        tolerance=Decimal("0.01"),
        distractors=[(Mistake.USED_REVENUE, wrong)],
        data={"investment": inv, "revenue": rev, "costs": cst},
    )


# == the co-op ======================================================================================
def patronage_return(
    rng: RandomSource = None,
    *,
    surplus: Amount | None = None,
    reserve: Amount = "20%",
    education: Amount = "10%",
    member_litres: Amount | None = None,
    members_litres: Amount | None = None,
    supplier_litres: Amount | None = None,
) -> Exercise:
    """A member's patronage return (retorno) from the year's surplus (remanente):
    ``surplus × (1 − reserve − education) × member litres / all members' litres``.

    Non-member suppliers' litres stay out of the base (reference §5, LGC art. 42). Distractors: the
    reserve and fund forgotten, suppliers' litres counted.
    """
    d = _Draw(rng, "patronage_return")
    s = _positive(
        _amount(surplus, "surplus", lambda: d.decimal("10000", "80000", "1000", field="surplus")),
        "surplus",
    )
    rv = _nonneg(to_decimal(reserve, field="reserve"), "reserve")
    ed = _nonneg(to_decimal(education, field="education"), "education")
    if rv + ed >= 1:
        raise InvalidValue(
            f"'reserve' + 'education' must be below 100 % (got {rv + ed}).",
            field="reserve",
            value=rv,
        )
    ml = _positive(
        _amount(
            member_litres,
            "member_litres",
            lambda: d.decimal("5000", "30000", "100", field="member_litres"),
        ),
        "member_litres",
    )
    al = _positive(
        _amount(
            members_litres, "members_litres", lambda: ml * d.integer(20, 50, field="members_litres")
        ),
        "members_litres",
    )
    if ml > al:
        raise InvalidValue(
            f"'member_litres' must not exceed 'members_litres' {al} (got {ml}).",
            field="member_litres",
            value=ml,
        )
    sl = _nonneg(
        _amount(
            supplier_litres,
            "supplier_litres",
            lambda: d.decimal("100000", "400000", "1000", field="supplier_litres"),
        ),
        "supplier_litres",
    )
    with decimal.localcontext(CONTEXT):
        shared = s * (1 - rv - ed)
        answer = _q(shared * ml / al, 2)
        forgot = _q(s * ml / al, 2)
        counted = _q(shared * ml / (al + sl), 2)
    w = _Work()
    s_s = w.given(s, (Unit.SOLES, 2), "Remanente del año", "Surplus for the year")
    s_k = w.calc(
        Op.SUB,
        (Decimal(1), rv, ed),
        (Unit.NUMBER, 2),
        f"Parte a repartir: 1 − reserva {_pct(rv, 0)} − educación {_pct(ed, 0)}",
        f"Share to distribute: 1 − reserve {_pct(rv, 0)} − education {_pct(ed, 0)}",
    )
    s_d = w.calc(
        Op.MUL, (s_s, s_k), (Unit.SOLES, 2), "A repartir entre socios", "To share among members"
    )
    s_m = w.given(ml, (Unit.LITRES, 0), "Sus litros", "Your litres")
    s_a = w.given(al, (Unit.LITRES, 0), "Litros de todos los socios", "All members' litres")
    s_r = w.calc(
        Op.DIV,
        (s_m, s_a),
        (Unit.NUMBER, 6),
        "Su parte: sus litros ÷ litros de socios",
        "Your part: your litres ÷ members' litres",
    )
    s_x = w.calc(
        Op.MUL, (s_d, s_r), (Unit.SOLES, 4), "A repartir × su parte", "To share × your part"
    )
    w.calc(Op.ROUND, (s_x, Decimal(_CENT)), (Unit.SOLES, 2), "Su retorno", "Your return")
    return _exercise(
        "patronage_return",
        Topic.COOP,
        d,
        question={
            "es": f"La cooperativa tuvo un remanente de {_m(s)}. Va {_pct(rv, 0)} a la reserva y "
            f"{_pct(ed, 0)} al fondo de educación. El resto se reparte por litros entre los socios. "
            f"Usted entregó {_lit(ml)}; todos los socios, {_lit(al)}; los proveedores no socios, "
            f"{_lit(sl)}. ¿Cuánto es su retorno?",
            "en": f"The co-op had a surplus of {_m(s)}. {_pct(rv, 0)} goes to the reserve and "
            f"{_pct(ed, 0)} to the education fund. The rest is shared by litres among members. "
            f"You delivered {_lit(ml)}; all members, {_lit(al)}; non-member suppliers, "
            f"{_lit(sl)}. What is your return?",
        },
        work=w,
        answer=answer,
        unit=Unit.SOLES,
        places=2,
        tolerance=Decimal("0.01"),
        distractors=[(Mistake.FORGOT_RESERVE, forgot), (Mistake.COUNTED_SUPPLIERS, counted)],
        data={
            "surplus": s,
            "reserve": rv,
            "education": ed,
            "member_litres": ml,
            "members_litres": al,
            "supplier_litres": sl,
        },
    )


# == registry =======================================================================================
GeneratorFn: TypeAlias = Callable[..., Exercise]

GENERATORS: Mapping[str, tuple[Topic, GeneratorFn]] = MappingProxyType(
    {
        "household_surplus": (Topic.BUDGET, household_surplus),
        "repayment_capacity": (Topic.BUDGET, repayment_capacity),
        "savings_months": (Topic.SAVING, savings_months),
        "savings_goal": (Topic.SAVING, savings_goal),
        "tea_to_tem": (Topic.CREDIT, tea_to_tem),
        "tem_to_tea": (Topic.CREDIT, tem_to_tea),
        "cronograma_interest": (Topic.CREDIT, cronograma_interest),
        "cronograma_principal": (Topic.CREDIT, cronograma_principal),
        "flat_vs_declining": (Topic.CREDIT, flat_vs_declining),
        "flat_offer_tcea": (Topic.CREDIT, flat_offer_tcea),
        "milk_gross": (Topic.MILK, milk_gross),
        "installment_share": (Topic.MILK, installment_share),
        "settlement_net": (Topic.MILK, settlement_net),
        "break_even_litres": (Topic.PLANS, break_even_litres),
        "payback_years": (Topic.PLANS, payback_years),
        "patronage_return": (Topic.COOP, patronage_return),
    }
)
"""Every generator by name, with its topic, in teaching order."""


def generators_for(topic: Topic | str) -> tuple[str, ...]:
    """The names of the generators of ``topic``, in teaching order."""
    t = Topic.parse(topic)
    return tuple(name for name, (tp, _) in GENERATORS.items() if tp is t)


def generate(name: str, rng: RandomSource = None, **member: Any) -> Exercise:
    """Run the generator ``name`` with ``rng`` and the member's own values.

    >>> generate("milk_gross", litres=1240, price="1.30").answer
    Decimal('1612.00')
    """
    if name not in GENERATORS:
        raise InvalidValue(
            f"'generator' must be one of {', '.join(GENERATORS)} (got {fmt_value(name)}).",
            field="generator",
            value=name,
        )
    return GENERATORS[name][1](rng, **member)
