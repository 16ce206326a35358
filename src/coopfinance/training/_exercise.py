"""Exercises: a question in every language of the catalogs, a worked solution whose steps can be
replayed, an answer with its unit and tolerance, and multiple-choice distractors drawn from typical
mistakes.

Every step of a worked solution records its operation and operands (earlier steps or literal
numbers), so :meth:`Exercise.verify` recomputes the whole chain and proves that the steps add up to
the answer. Steps whose value comes from a library computation that is not plain arithmetic (a TCEA
solved by :func:`coopfinance.cost.tcea`, a row of a :class:`~coopfinance.Schedule`) are marked
``LIBRARY`` and name the function.

Every text is a gettext message of context ``training exercise`` (docs/text.md): a question or a step holds
a :class:`coopfinance.text.Message`, read in a language through :class:`Texts`, so a language is a
catalog alone.
"""

from __future__ import annotations

import decimal
import enum
import re
from collections.abc import Iterator, Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any, TypeAlias

import attrs
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

from coopfinance._decimal import CONTEXT, exact, parse_number, to_decimal
from coopfinance._fields import ParseableEnum
from coopfinance.errors import E_, InvalidValue, ParseError, fmt_value
from coopfinance.text import LANGUAGES as _CATALOG_LANGUAGES
from coopfinance.text import N_, Message, translator

__all__ = [
    "LANGUAGES",
    "MESSAGE_CONTEXT",
    "Check",
    "Choice",
    "Exercise",
    "Figure",
    "Mistake",
    "Op",
    "Step",
    "Text",
    "Texts",
    "Topic",
    "Unit",
    "format_value",
]

LANGUAGES = _CATALOG_LANGUAGES
"""Every text in the training package exists in these languages: the catalogs' own
(:data:`coopfinance.text.LANGUAGES`), so a language added to the catalogs is a training language."""

MESSAGE_CONTEXT = "training exercise"
"""The ``msgctxt`` of every training message in the catalogs."""

Text: TypeAlias = "Message | str"
"""A text of an exercise: a catalog :class:`~coopfinance.text.Message`, or a ``str`` that is the
same in every language (a formula such as ``1 + TEA``, or a name the member typed)."""


def _say(text: Text, lang: str) -> str:
    if isinstance(text, Message):
        return translator(lang).message(
            text, lambda v: v.text(lang) if isinstance(v, Figure) else v
        )
    return text


class Texts(Mapping[str, str]):
    """A text in every language of :data:`LANGUAGES`, looked up in the catalogs when read:
    ``texts["es"]``. Built from a :class:`~coopfinance.text.Message` (or a neutral ``str``).

    >>> t = Texts(Message(msgid="minus 1", context=MESSAGE_CONTEXT))
    >>> t["es"], t["en"], t["pt_BR"]
    ('menos 1', 'minus 1', 'menos 1')
    """

    __slots__ = ("source",)

    def __init__(self, source: Text) -> None:
        self.source = source

    def __getitem__(self, lang: str) -> str:
        if lang not in LANGUAGES:
            raise KeyError(lang)
        return _say(self.source, lang)

    def __iter__(self) -> Iterator[str]:
        return iter(LANGUAGES)

    def __len__(self) -> int:
        return len(LANGUAGES)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Texts):
            return self.source == other.source
        return super().__eq__(other)

    def __hash__(self) -> int:
        return hash(repr(self.source))

    def __repr__(self) -> str:
        return f"Texts({self.source!r})"


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
        lang = _lang(lang)
        if self in _UNIT_WORDS:
            return _say(Message(msgid=_UNIT_WORDS[self], context=MESSAGE_CONTEXT), lang)
        return _UNIT_SIGNS[self]


_UNIT_SIGNS = {Unit.SOLES: "S/", Unit.PERCENT: "%", Unit.LITRES: "L", Unit.NUMBER: ""}
"""Signs written the same in every language."""
_UNIT_WORDS = {Unit.MONTHS: N_("months"), Unit.YEARS: N_("years")}
"""Units that are words: catalog messages."""


def _lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise InvalidValue(
            E_(
                "'lang' must be one of %(languages)s (got %(lang)s).",
                languages=", ".join(LANGUAGES),
                lang=fmt_value(lang),
            ),
            field="lang",
            value=lang,
        )
    return lang


@exact
def format_value(value: Decimal, unit: Unit, places: int, lang: str = "es") -> str:
    """Write ``value`` with its unit, rounded half-up to ``places`` decimals, thousands grouped.

    Peru writes amounts as ``S/ 1,240.50`` in both languages (SBS and bank documents), so the
    number format is the same in ``es`` and ``en``; another language groups and marks decimals as
    its locale does (``pt_BR``: ``S/ 1.240,50``), as the documents do.

    >>> format_value(Decimal("1612"), Unit.SOLES, 2)
    'S/ 1,612.00'
    >>> format_value(Decimal("2.5324"), Unit.PERCENT, 2, "en")
    '2.53 %'
    >>> format_value(Decimal("1240"), Unit.LITRES, 0)
    '1,240 L'
    >>> format_value(Decimal("1240.5"), Unit.SOLES, 2, "pt_BR")
    'S/ 1.240,50'
    """
    q = Decimal(1).scaleb(-places)
    shown = f"{value.quantize(q, ROUND_HALF_UP):,.{places}f}"
    lang = _lang(lang)
    if lang not in _PERU_DIGITS:
        shown = format_decimal(
            value.quantize(q, ROUND_HALF_UP),
            format="#,##0" + ("." + "0" * places if places else ""),
            locale=lang,
            decimal_quantization=False,
        )
    if unit is Unit.SOLES:
        return f"S/ {shown}"
    label = unit.label(lang)
    return f"{shown} {label}" if label else shown


_PERU_DIGITS = frozenset({"es", "en"})
"""Languages that write numbers as Peru does (``1,240.50``)."""


@attrs.frozen(slots=True)
class Figure:
    """A number with its unit inside a message: written in the language the message is read in
    (``S/ 1,612.00`` in Spanish, ``S/ 1.612,00`` in Portuguese).

    >>> Figure(Decimal("1612"), Unit.SOLES, 2).text("pt_BR")
    'S/ 1.612,00'
    """

    value: Decimal
    unit: Unit
    places: int

    def text(self, lang: str) -> str:
        """The figure in ``lang``."""
        return format_value(self.value, self.unit, self.places, lang)

    def __str__(self) -> str:
        return self.text("es")


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
        return _say(self.message, _lang(lang))

    @property
    def message(self) -> Message:
        """What the mistake is, as a catalog message."""
        return Message(msgid=_MISTAKES[self], context=MESSAGE_CONTEXT)


_MISTAKES: dict[Mistake, str] = {
    Mistake.TEM_TIMES_12: N_(
        "You multiplied the TEM by 12. An effective rate compounds: (1 + TEM)^12 − 1."
    ),
    Mistake.TEA_DIVIDED_BY_12: N_("You divided the TEA by 12. The TEM is (1 + TEA)^(1/12) − 1."),
    Mistake.FLAT_AS_DECLINING: N_(
        "You read the flat rate as if it were on the balance. Flat charges on the whole loan."
    ),
    Mistake.FLAT_TIMES_12: N_(
        "You multiplied the flat rate by 12. The real cost is nearly double."
    ),
    Mistake.FORGOT_INSURANCE: N_("You forgot the credit life insurance. The TCEA includes it."),
    Mistake.INTEREST_ON_ORIGINAL: N_(
        "You charged interest on the amount lent. It is charged on the balance you still owe."
    ),
    Mistake.INTEREST_PRINCIPAL_SWAPPED: N_("You mixed up the interest and the principal."),
    Mistake.SAME_COST: N_(
        "You thought they cost the same. Flat costs more: it does not fall with the balance."
    ),
    Mistake.SHARE_OF_NET: N_("You divided by what is left. The share is of the gross total."),
    Mistake.FORGOT_SERVICE_CHARGE: N_("You forgot the service charge per litre."),
    Mistake.SERVICE_CHARGE_ONCE: N_(
        "You took the service charge once. It is charged for every litre."
    ),
    Mistake.IGNORED_INTEREST: N_("You left out the interest your savings earn."),
    Mistake.ROUNDED_DOWN: N_("You rounded down. That falls short of the goal: round up."),
    Mistake.FORGOT_FARM_COSTS: N_("You forgot the costs of the farm and the herd."),
    Mistake.USED_GROSS: N_("You used gross income. Take the costs off first."),
    Mistake.FORGOT_VARIABLE_COST: N_(
        "You used the whole price. Each litre leaves only the price minus its cost."
    ),
    Mistake.USED_REVENUE: N_("You used sales. The investment is paid back from the net cash flow."),
    Mistake.FORGOT_RESERVE: N_(
        "You shared out the whole surplus. The reserve and the funds come first."
    ),
    Mistake.COUNTED_SUPPLIERS: N_("You counted the milk of suppliers who are not members."),
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


def _to_text(value: Text | Mapping[str, str]) -> Mapping[str, str]:
    """A message (or neutral text) as :class:`Texts`; a mapping of languages is taken as given."""
    if isinstance(value, Message | str):
        return Texts(value)
    if isinstance(value, Texts):
        return value
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
    """The step's words in each language (:class:`Texts`: read from the catalogs)."""
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
    raise InvalidValue(
        E_("'op' %(value)s cannot be replayed.", value=op.value), field="op", value=op
    )


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
            return _say(Message(msgid=N_("Correct!"), context=MESSAGE_CONTEXT), lang)
        if self.mistake is not None:
            return self.mistake.describe(lang)
        shown = format_value(self.expected, self.unit, self.places, lang)
        answer = Message(
            msgid=N_("The answer is %(answer)s."), params={"answer": shown}, context=MESSAGE_CONTEXT
        )
        return _say(answer, lang)


def _strip_tokens() -> tuple[str, ...]:
    """What a participant may write around a number: units in every language, longest first."""
    words = {"S/", "s/", "%", "L", "l"}
    for lang in LANGUAGES:
        for unit in (Unit.MONTHS, Unit.YEARS):
            words.add(unit.label(lang))
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


def _locale_digits(text: str, lang: str) -> str:
    """``text`` written with ``lang``'s decimal and group symbols (Babel's CLDR data: ``pt_BR``
    writes ``1.240,50``) rewritten as ``1240.50``; text that is not a number in that form (a
    plain ``18.61``, ``1e3``) is returned unchanged. Spanish and English keep Peru's ``1,240.50``,
    as :func:`format_value` writes them.

    >>> _locale_digits("1.240,50", "pt_BR"), _locale_digits("18,61", "pt_BR")
    ('1240.50', '18.61')
    >>> _locale_digits("18.61", "pt_BR"), _locale_digits("18,61", "es")
    ('18.61', '18,61')
    """
    if lang in _PERU_DIGITS:
        return text
    decimal_sign, group = get_decimal_symbol(lang), get_group_symbol(lang)
    if decimal_sign == ".":
        return text
    d, g = re.escape(decimal_sign), re.escape(group)
    grouped = rf"[-−]?\d{{1,3}}(?:{g}\d{{3}})+(?:{d}\d+)?"
    plain = rf"[-−]?\d+{d}\d+"
    if re.fullmatch(grouped, text) or re.fullmatch(plain, text):
        return text.replace(group, "").replace(decimal_sign, ".").replace("−", "-")
    return text


def parse_response(response: Decimal | int | str, unit: Unit, lang: str | None = None) -> Decimal:
    """A participant's answer as a number in ``unit``: ``"S/ 1,612.00"``, ``"34.49%"``, ``"9"``.

    For percentages the number is in percentage points: ``"34.49%"`` and ``"34.49"`` are both 34.49.
    With ``lang``, a number written as that language writes it is read too: in ``pt_BR``,
    ``"18,61"`` is 18.61 and ``"S/ 1.240,50"`` is 1240.50 (the decimal and group symbols are
    Babel's, as :func:`format_value` writes them); Spanish and English read Peru's ``1,240.50``.

    >>> parse_response("S/ 1,612.00", Unit.SOLES)
    Decimal('1612.00')
    >>> parse_response("34.49 %", Unit.PERCENT)
    Decimal('34.49')
    >>> parse_response("18,61 %", Unit.PERCENT, "pt_BR"), parse_response("S/ 1.240,50", Unit.SOLES,
    ...     "pt_BR")
    (Decimal('18.61'), Decimal('1240.50'))
    """
    if not isinstance(response, str):
        return to_decimal(response, field="response")
    text = response.strip()
    for token in _strip_tokens():
        if text.startswith(token):
            text = text[len(token) :].strip()
        if text.endswith(token):
            text = text[: -len(token)].strip()
    if lang is not None:
        text = _locale_digits(text, _lang(lang))
    try:
        return parse_number(text, field="response")
    except ParseError:
        raise ParseError(
            E_(
                "'response' must be a number in %(value)s such as '1,240.50' (got %(response)s).",
                value=unit.value,
                response=fmt_value(response),
            ),
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

    - ``question``: the text in each of :data:`LANGUAGES` (:class:`Texts`, from a catalog
      message);
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

    def check(self, response: Decimal | int | str, lang: str | None = None) -> Check:
        """Mark ``response``: right when ``|response − answer| ≤ tolerance``; otherwise name the
        typical mistake it matches (within the same tolerance), if any. A choice letter (``"B"``)
        is accepted when the exercise has choices. ``lang``: the participant's language, whose
        way of writing numbers is read too (``pt_BR``: ``"18,61"``; see :func:`parse_response`)."""
        if isinstance(response, str) and len(response.strip()) == 1 and response.strip().isalpha():
            letter = response.strip().upper()
            for c in self.choices:
                if c.label == letter:
                    response = c.value
                    break
            else:
                labels = ", ".join(c.label for c in self.choices) or "none"
                raise ParseError(
                    E_(
                        "'response' %(letter)s is not one of the choices (%(labels)s).",
                        letter=repr(letter),
                        labels=labels,
                    ),
                    field="response",
                    value=response,
                )
        given = parse_response(response, self.unit, lang)
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
