"""Exercises: a question in Spanish and English, a worked solution whose steps can be replayed, an
answer with its unit and tolerance, and multiple-choice distractors drawn from typical mistakes.

Every step of a worked solution records its operation and operands (earlier steps or literal
numbers), so :meth:`Exercise.verify` recomputes the whole chain and proves that the steps add up to
the answer. Steps whose value comes from a library computation that is not plain arithmetic (a TCEA
solved by :func:`coopfinance.cost.tcea`, a row of a :class:`~coopfinance.Schedule`) are marked
``LIBRARY`` and name the function.
"""

from __future__ import annotations

import decimal
import enum
from collections.abc import Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any

import attrs

from coopfinance._decimal import CONTEXT, exact, parse_number, to_decimal
from coopfinance._fields import ParseableEnum
from coopfinance.errors import InvalidValue, ParseError, fmt_value

__all__ = [
    "LANGUAGES",
    "Check",
    "Choice",
    "Exercise",
    "Mistake",
    "Op",
    "Step",
    "Topic",
    "Unit",
    "format_value",
]

LANGUAGES = ("es", "en")
"""Every text in the training package exists in these languages."""


class Topic(ParseableEnum):
    """The subject of a module and of the exercise generators that serve it (``Topic.parse``
    reads ``credit``, ``milk``, ... case-insensitively)."""

    BUDGET = "budget"
    SAVING = "saving"
    CREDIT = "credit"
    MILK = "milk"
    PLANS = "plans"
    COOP = "coop"


class Unit(enum.Enum):
    """The unit of an answer or a step value; fixes how it is written and parsed."""

    SOLES = "soles"
    PERCENT = "percent"
    """Percentage points: the answer ``2.53`` means 2.53 %."""
    LITRES = "litres"
    MONTHS = "months"
    YEARS = "years"
    NUMBER = "number"

    def label(self, lang: str) -> str:
        """The unit as written after (or, for soles, before) a number."""
        return _UNIT_LABELS[self][_lang(lang)]


_UNIT_LABELS = {
    Unit.SOLES: {"es": "S/", "en": "S/"},
    Unit.PERCENT: {"es": "%", "en": "%"},
    Unit.LITRES: {"es": "L", "en": "L"},
    Unit.MONTHS: {"es": "meses", "en": "months"},
    Unit.YEARS: {"es": "años", "en": "years"},
    Unit.NUMBER: {"es": "", "en": ""},
}


def _lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise InvalidValue(
            f"'lang' must be one of {', '.join(LANGUAGES)} (got {fmt_value(lang)}).",
            field="lang",
            value=lang,
        )
    return lang


@exact
def format_value(value: Decimal, unit: Unit, places: int, lang: str = "es") -> str:
    """Write ``value`` with its unit, rounded half-up to ``places`` decimals, thousands grouped.

    Peru writes amounts as ``S/ 1,240.50`` in both languages (SBS and bank documents), so the
    number format is the same in ``es`` and ``en``.

    >>> format_value(Decimal("1612"), Unit.SOLES, 2)
    'S/ 1,612.00'
    >>> format_value(Decimal("2.5324"), Unit.PERCENT, 2, "en")
    '2.53 %'
    >>> format_value(Decimal("1240"), Unit.LITRES, 0)
    '1,240 L'
    """
    q = Decimal(1).scaleb(-places)
    shown = f"{value.quantize(q, ROUND_HALF_UP):,.{places}f}"
    if unit is Unit.SOLES:
        return f"S/ {shown}"
    label = unit.label(lang)
    return f"{shown} {label}" if label else shown


class Mistake(enum.Enum):
    """A typical mistake; each multiple-choice distractor is the answer this mistake gives."""

    TEM_TIMES_12 = "tem-times-12"
    """Treating a monthly effective rate as nominal: TEA = TEM × 12."""
    TEA_DIVIDED_BY_12 = "tea-divided-by-12"
    """Treating an effective annual rate as nominal: TEM = TEA / 12."""
    FLAT_AS_DECLINING = "flat-as-declining"
    """Reading a flat monthly rate as if it were charged on the declining balance (a TEM)."""
    FLAT_TIMES_12 = "flat-times-12"
    """Taking 12 × the flat monthly rate as the annual cost."""
    FORGOT_INSURANCE = "forgot-insurance"
    """Leaving insurance (desgravamen) out of the TCEA."""
    INTEREST_ON_ORIGINAL = "interest-on-original"
    """Charging interest on the amount first lent instead of the balance still owed."""
    INTEREST_PRINCIPAL_SWAPPED = "interest-principal-swapped"
    """Reading the interest part of the installment as the principal part, or the reverse."""
    SAME_COST = "same-cost"
    """Believing a flat rate and the same rate on the declining balance cost the same."""
    SHARE_OF_NET = "share-of-net"
    """Dividing by what is left after the deduction instead of by the gross."""
    FORGOT_SERVICE_CHARGE = "forgot-service-charge"
    """Leaving the per-litre service charge out of the settlement."""
    SERVICE_CHARGE_ONCE = "service-charge-once"
    """Taking the per-litre service charge once instead of for every litre."""
    IGNORED_INTEREST = "ignored-interest"
    """Leaving out the interest that savings earn."""
    ROUNDED_DOWN = "rounded-down"
    """Rounding a count of months or litres down, which falls short of the goal."""
    FORGOT_FARM_COSTS = "forgot-farm-costs"
    """Mixing farm and household money: leaving the farm's costs out of the budget."""
    USED_GROSS = "used-gross"
    """Working from gross income instead of what is left after costs."""
    FORGOT_VARIABLE_COST = "forgot-variable-cost"
    """Using the price instead of the margin per litre (price − cost per litre)."""
    USED_REVENUE = "used-revenue"
    """Using sales instead of the net cash flow."""
    FORGOT_RESERVE = "forgot-reserve"
    """Sharing out the whole surplus, forgetting the reserve and the funds."""
    COUNTED_SUPPLIERS = "counted-suppliers"
    """Counting non-member suppliers' litres in the patronage base."""

    def describe(self, lang: str) -> str:
        """What the mistake is, in ``lang``."""
        return _MISTAKES[self][_lang(lang)]


_MISTAKES: dict[Mistake, dict[str, str]] = {
    Mistake.TEM_TIMES_12: {
        "es": "Multiplicó la TEM por 12. La tasa efectiva se capitaliza: (1 + TEM)^12 − 1.",
        "en": "You multiplied the TEM by 12. An effective rate compounds: (1 + TEM)^12 − 1.",
    },
    Mistake.TEA_DIVIDED_BY_12: {
        "es": "Dividió la TEA entre 12. La TEM es (1 + TEA)^(1/12) − 1.",
        "en": "You divided the TEA by 12. The TEM is (1 + TEA)^(1/12) − 1.",
    },
    Mistake.FLAT_AS_DECLINING: {
        "es": "Tomó la tasa flat como si fuera sobre el saldo. La flat cobra sobre todo el préstamo.",
        "en": "You read the flat rate as if it were on the balance. Flat charges on the whole loan.",
    },
    Mistake.FLAT_TIMES_12: {
        "es": "Multiplicó la tasa flat por 12. El costo real es casi el doble.",
        "en": "You multiplied the flat rate by 12. The real cost is nearly double.",
    },
    Mistake.FORGOT_INSURANCE: {
        "es": "Olvidó el seguro de desgravamen. La TCEA incluye el seguro.",
        "en": "You forgot the credit life insurance. The TCEA includes it.",
    },
    Mistake.INTEREST_ON_ORIGINAL: {
        "es": "Calculó el interés sobre el monto prestado. Se calcula sobre el saldo que aún debe.",
        "en": "You charged interest on the amount lent. It is charged on the balance you still owe.",
    },
    Mistake.INTEREST_PRINCIPAL_SWAPPED: {
        "es": "Confundió el interés con la amortización (capital).",
        "en": "You mixed up the interest and the principal.",
    },
    Mistake.SAME_COST: {
        "es": "Creyó que cuestan igual. La tasa flat cobra más, porque no baja con el saldo.",
        "en": "You thought they cost the same. Flat costs more: it does not fall with the balance.",
    },
    Mistake.SHARE_OF_NET: {
        "es": "Dividió entre lo que queda. La parte se calcula sobre el total bruto.",
        "en": "You divided by what is left. The share is of the gross total.",
    },
    Mistake.FORGOT_SERVICE_CHARGE: {
        "es": "Olvidó el cobro por servicio por litro.",
        "en": "You forgot the service charge per litre.",
    },
    Mistake.SERVICE_CHARGE_ONCE: {
        "es": "Restó el cobro por servicio una sola vez. Se cobra por cada litro.",
        "en": "You took the service charge once. It is charged for every litre.",
    },
    Mistake.IGNORED_INTEREST: {
        "es": "No contó los intereses que gana el ahorro.",
        "en": "You left out the interest your savings earn.",
    },
    Mistake.ROUNDED_DOWN: {
        "es": "Redondeó hacia abajo. Así no llega a la meta: redondee hacia arriba.",
        "en": "You rounded down. That falls short of the goal: round up.",
    },
    Mistake.FORGOT_FARM_COSTS: {
        "es": "Olvidó los gastos de la chacra y del establo.",
        "en": "You forgot the costs of the farm and the herd.",
    },
    Mistake.USED_GROSS: {
        "es": "Usó el ingreso bruto. Primero reste los costos.",
        "en": "You used gross income. Take the costs off first.",
    },
    Mistake.FORGOT_VARIABLE_COST: {
        "es": "Usó el precio entero. Cada litro deja solo el precio menos su costo.",
        "en": "You used the whole price. Each litre leaves only the price minus its cost.",
    },
    Mistake.USED_REVENUE: {
        "es": "Usó las ventas. La inversión se recupera con el flujo neto.",
        "en": "You used sales. The investment is paid back from the net cash flow.",
    },
    Mistake.FORGOT_RESERVE: {
        "es": "Repartió todo el remanente. Primero van la reserva y los fondos.",
        "en": "You shared out the whole surplus. The reserve and the funds come first.",
    },
    Mistake.COUNTED_SUPPLIERS: {
        "es": "Contó la leche de los proveedores que no son socios.",
        "en": "You counted the milk of suppliers who are not members.",
    },
}


class Op(enum.Enum):
    """How a step's value follows from its operands."""

    GIVEN = "given"
    """A number from the question: ``value = args[0]``."""
    ADD = "add"
    SUB = "sub"
    """``args[0] − args[1] − args[2] − …``"""
    MUL = "mul"
    DIV = "div"
    """``args[0] / args[1]``"""
    POW = "pow"
    """``args[0] ** args[1]`` (a fractional exponent is evaluated in the 34-digit context)."""
    ROUND = "round"
    """``args[0]`` rounded half-up to ``args[1]`` decimals."""
    CEIL = "ceil"
    """``args[0]`` rounded up to ``args[1]`` decimals."""
    LIBRARY = "library"
    """Computed by the library function named in :attr:`Step.source`; not replayed."""


_REL_TOLERANCE = Decimal("1e-24")


def _to_args(value: Sequence[int | Decimal]) -> tuple[int | Decimal, ...]:
    return tuple(value)


def _to_text(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(value))


@attrs.frozen(slots=True, kw_only=True)
class Step:
    """One line of a worked solution: ``text`` (es/en) ``= value``.

    ``args`` holds operands: an ``int`` is the index of an earlier step, a ``Decimal`` a literal.
    ``unit`` and ``places`` say how the value is written.
    """

    op: Op
    args: tuple[int | Decimal, ...] = attrs.field(converter=_to_args)
    value: Decimal
    unit: Unit
    places: int
    text: Mapping[str, str] = attrs.field(converter=_to_text)
    source: str | None = None
    """For LIBRARY steps: the function that computed the value."""

    def render(self, lang: str) -> str:
        """``text = value`` in ``lang``."""
        return (
            f"{self.text[_lang(lang)]} = {format_value(self.value, self.unit, self.places, lang)}"
        )


def replay(op: Op, operands: Sequence[Decimal]) -> Decimal:
    """Recompute a step from its operand values (see :class:`Op`).

    >>> replay(Op.SUB, [Decimal(10), Decimal(3), Decimal(2)])
    Decimal('5')
    >>> replay(Op.ROUND, [Decimal("2.345"), Decimal(2)])
    Decimal('2.35')
    """
    with decimal.localcontext(CONTEXT):
        if op is Op.GIVEN:
            return operands[0]
        if op is Op.ADD:
            return sum(operands, Decimal(0))
        if op is Op.SUB:
            out = operands[0]
            for x in operands[1:]:
                out -= x
            return out
        if op is Op.MUL:
            out = Decimal(1)
            for x in operands:
                out *= x
            return out
        if op is Op.DIV:
            return operands[0] / operands[1]
        if op is Op.POW:
            base, exponent = operands
            if exponent == exponent.to_integral_value():
                return base ** int(exponent)
            return (exponent * base.ln()).exp()
        if op in (Op.ROUND, Op.CEIL):
            q = Decimal(1).scaleb(-int(operands[1]))
            mode = ROUND_HALF_UP if op is Op.ROUND else ROUND_CEILING
            return operands[0].quantize(q, mode)
    raise InvalidValue(f"'op' {op.value} cannot be replayed.", field="op", value=op)


@attrs.frozen(slots=True, kw_only=True)
class Choice:
    """A multiple-choice option: the correct answer (``mistake`` None) or a typical mistake's."""

    label: str
    """``A``, ``B``, ``C``, …"""
    value: Decimal
    mistake: Mistake | None = None

    @property
    def correct(self) -> bool:
        """Whether this is the right answer."""
        return self.mistake is None


@attrs.frozen(slots=True, kw_only=True)
class Check:
    """The verdict on one response: right within tolerance, and if not, which mistake it matches."""

    correct: bool
    given: Decimal
    expected: Decimal
    tolerance: Decimal
    unit: Unit
    places: int = 2
    mistake: Mistake | None = None
    """The typical mistake whose answer the response matches (``None`` if right or unexplained)."""

    def feedback(self, lang: str) -> str:
        """A short sentence for the participant."""
        lang = _lang(lang)
        if self.correct:
            return "¡Correcto!" if lang == "es" else "Correct!"
        if self.mistake is not None:
            return self.mistake.describe(lang)
        shown = format_value(self.expected, self.unit, self.places, lang)
        return f"La respuesta es {shown}." if lang == "es" else f"The answer is {shown}."


_STRIP = ("S/", "s/", "%", "L", "l", "meses", "months", "años", "years")


def parse_response(response: Decimal | int | str, unit: Unit) -> Decimal:
    """A participant's answer as a number in ``unit``: ``"S/ 1,612.00"``, ``"34.49%"``, ``"9"``.

    For percentages the number is in percentage points: ``"34.49%"`` and ``"34.49"`` are both 34.49.

    >>> parse_response("S/ 1,612.00", Unit.SOLES)
    Decimal('1612.00')
    >>> parse_response("34.49 %", Unit.PERCENT)
    Decimal('34.49')
    """
    if not isinstance(response, str):
        return to_decimal(response, field="response")
    text = response.strip()
    for token in _STRIP:
        if text.startswith(token):
            text = text[len(token) :].strip()
        if text.endswith(token):
            text = text[: -len(token)].strip()
    try:
        return parse_number(text, field="response")
    except ParseError:
        raise ParseError(
            f"'response' must be a number in {unit.value} such as '1,240.50' "
            f"(got {fmt_value(response)}).",
            field="response",
            value=response,
        ) from None


def _to_steps(value: Sequence[Step]) -> tuple[Step, ...]:
    return tuple(value)


def _to_choices(value: Sequence[Choice]) -> tuple[Choice, ...]:
    return tuple(value)


def _to_data(value: Mapping[str, Any]) -> Mapping[str, str]:
    return MappingProxyType({k: str(v) for k, v in value.items()})


@attrs.frozen(slots=True, kw_only=True)
class Exercise:
    """A generated exercise: question, worked solution, answer, tolerance and choices.

    - ``question``: the text in each of :data:`LANGUAGES`;
    - ``steps``: the worked solution; the last step's value is the answer;
    - ``answer`` in ``unit``, accepted within ``± tolerance``;
    - ``choices``: the answer and the distractors of typical mistakes, shuffled by the seed;
    - ``data``: the input numbers as text (for a worksheet), e.g. ``{"litres": "1240"}``.
    """

    generator: str
    topic: Topic
    question: Mapping[str, str] = attrs.field(converter=_to_text)
    steps: tuple[Step, ...] = attrs.field(converter=_to_steps)
    answer: Decimal
    unit: Unit
    places: int
    tolerance: Decimal
    choices: tuple[Choice, ...] = attrs.field(converter=_to_choices)
    data: Mapping[str, str] = attrs.field(converter=_to_data, factory=dict)

    def answer_text(self, lang: str) -> str:
        """The answer written with its unit."""
        return format_value(self.answer, self.unit, self.places, lang)

    @property
    def mistakes(self) -> tuple[Mistake, ...]:
        """The typical mistakes the distractors stand for."""
        return tuple(c.mistake for c in self.choices if c.mistake is not None)

    def check(self, response: Decimal | int | str) -> Check:
        """Mark ``response``: right when ``|response − answer| ≤ tolerance``; otherwise name the
        typical mistake it matches (within the same tolerance), if any. A choice letter (``"B"``)
        is accepted when the exercise has choices."""
        if isinstance(response, str) and len(response.strip()) == 1 and response.strip().isalpha():
            letter = response.strip().upper()
            for c in self.choices:
                if c.label == letter:
                    response = c.value
                    break
            else:
                labels = ", ".join(c.label for c in self.choices) or "none"
                raise ParseError(
                    f"'response' {letter!r} is not one of the choices ({labels}).",
                    field="response",
                    value=response,
                )
        given = parse_response(response, self.unit)
        correct = abs(given - self.answer) <= self.tolerance
        mistake = None
        if not correct:
            for c in self.choices:
                if c.mistake is not None and abs(given - c.value) <= self.tolerance:
                    mistake = c.mistake
                    break
        return Check(
            correct=correct,
            given=given,
            expected=self.answer,
            tolerance=self.tolerance,
            unit=self.unit,
            places=self.places,
            mistake=mistake,
        )

    def verify(self) -> list[str]:
        """Replay every step from its operands; return the discrepancies (empty when the worked
        solution adds up to the answer)."""
        problems = []
        for k, step in enumerate(self.steps):
            if step.op is Op.LIBRARY:
                continue
            operands = []
            for a in step.args:
                if isinstance(a, int):
                    if not 0 <= a < k:
                        problems.append(f"step {k} refers to step {a}, not an earlier one")
                        break
                    operands.append(self.steps[a].value)
                else:
                    operands.append(a)
            else:
                got = replay(step.op, operands)
                exact = step.op in (Op.GIVEN, Op.ROUND, Op.CEIL, Op.ADD, Op.SUB)
                diff = abs(got - step.value)
                limit = Decimal(0) if exact else _REL_TOLERANCE * max(Decimal(1), abs(got))
                if diff > limit:
                    problems.append(f"step {k} ({step.op.value}) gives {got}, shown {step.value}")
        if not self.steps or self.steps[-1].value != self.answer:
            last = self.steps[-1].value if self.steps else None
            problems.append(f"the last step ({last}) is not the answer ({self.answer})")
        return problems

    def solution(self, lang: str) -> list[str]:
        """The worked solution, one line per step, in ``lang``."""
        return [s.render(lang) for s in self.steps]

    def to_data(self, lang: str) -> dict[str, Any]:
        """Plain values for a document template: every text in ``lang``, numbers as text."""
        lang = _lang(lang)
        return {
            "generator": self.generator,
            "topic": self.topic.value,
            "question": self.question[lang],
            "steps": self.solution(lang),
            "answer": self.answer_text(lang),
            "answer_value": str(self.answer),
            "unit": self.unit.value,
            "tolerance": str(self.tolerance),
            "choices": [
                {
                    "label": c.label,
                    "text": format_value(c.value, self.unit, self.places, lang),
                    "correct": c.correct,
                    "mistake": None if c.mistake is None else c.mistake.describe(lang),
                }
                for c in self.choices
            ],
            "data": dict(self.data),
        }
