"""What every generator uses: the random draws, the worked-solution builder, the formatting of
amounts, and the assembly of an :class:`Exercise` with shuffled choices."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple, TypeAlias, cast

import numpy as np

from coopfinance._decimal import to_decimal
from coopfinance._fields import non_negative, positive, to_date
from coopfinance._money import Money
from coopfinance.errors import E_, InvalidValue, WrongType
from coopfinance.text import N_, Message
from coopfinance.training._exercise import (
    MESSAGE_CONTEXT,
    Choice,
    Exercise,
    Figure,
    Mistake,
    Op,
    Step,
    Text,
    Topic,
    Unit,
    replay,
)

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
                E_(
                    "'rng' must be a random.Random, numpy Generator or int seed (got %(source)s).",
                    source=repr(source),
                ),
                field="rng",
                value=source,
            )
        if isinstance(source, int):
            source = random.Random(source)
        if source is not None and not isinstance(source, random.Random | np.random.Generator):
            raise WrongType(
                E_(
                    "'rng' must be a random.Random, numpy Generator or int seed (got %(type)s).",
                    type=type(source).__name__,
                ),
                field="rng",
                value=source,
            )
        self._source = source
        self._generator = generator

    def integer(self, low: int, high: int, *, field: str) -> int:
        """A whole number in ``[low, high]``."""
        if self._source is None:
            raise InvalidValue(
                E_(
                    "'rng' is needed to draw %(field)s for %(generator)s (got None): pass "
                    "a seed or the member's own value.",
                    field=repr(field),
                    generator=self._generator,
                ),
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


class _Field(NamedTuple):
    """What the kit's attrs validators read of an attribute: its name."""

    name: str


def _positive(value: Decimal, field: str) -> Decimal:
    """``value`` if above zero; the kit's message otherwise (``'price' must be positive ...``)."""
    positive(InvalidValue)(None, cast(Any, _Field(field)), value)
    return value


def _nonneg(value: Decimal, field: str) -> Decimal:
    """``value`` if zero or more; the kit's message otherwise."""
    non_negative(InvalidValue)(None, cast(Any, _Field(field)), value)
    return value


def _date(draw: _Draw, value: dt.date | str | None) -> dt.date:
    """The member's disbursement date, or a day of 2026 drawn."""
    if value is None:
        return dt.date(
            2026, draw.integer(1, 12, field="disbursed"), draw.integer(1, 28, field="disbursed")
        )
    return to_date(value, field="disbursed", error=InvalidValue)


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
        text: Text,
        source: str | None = None,
    ) -> int:
        self.steps.append(
            Step(
                op=op,
                args=args,
                value=value,
                unit=unit,
                places=places,
                text=text,
                source=source,
            )
        )
        return len(self.steps) - 1

    def given(self, value: Decimal, fmt: _Fmt, text: Text) -> int:
        """A number from the question."""
        unit, places = fmt
        return self._add(
            op=Op.GIVEN, args=(value,), value=value, unit=unit, places=places, text=text
        )

    def calc(self, op: Op, args: Iterable[int | Decimal], fmt: _Fmt, text: Text) -> int:
        """A step computed from earlier steps (``int``) and literals (``Decimal``)."""
        a = tuple(args)
        operands = [self.value(x) if isinstance(x, int) else x for x in a]
        unit, places = fmt
        return self._add(
            op=op, args=a, value=replay(op, operands), unit=unit, places=places, text=text
        )

    def library(self, value: Decimal, fmt: _Fmt, text: Text, source: str) -> int:
        """A value computed by the library function ``source``."""
        unit, places = fmt
        return self._add(
            op=Op.LIBRARY,
            args=(),
            value=value,
            unit=unit,
            places=places,
            text=text,
            source=source,
        )


def _exercise(
    name: str,
    topic: Topic,
    draw: _Draw,
    *,
    question: Text,
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


def _m(x: Decimal) -> Figure:
    return Figure(x, Unit.SOLES, 2)


def _pct(x: Decimal, places: int = 2) -> Figure:
    """A fraction written as a percentage: 0.35 → '35.00 %'."""
    return Figure(x * _HUNDRED, Unit.PERCENT, places)


def _places(x: Decimal, minimum: int) -> int:
    """Decimals needed to show ``x`` exactly (at least ``minimum``, at most 6): a member's price
    of S/ 1.305 or service charge of S/ 0.055 a litre must not be shown rounded."""
    exponent = x.normalize().as_tuple().exponent
    return min(6, max(minimum, -exponent if isinstance(exponent, int) else 0))


def _lit(x: Decimal) -> Figure:
    return Figure(x, Unit.LITRES, _places(x, 0))


def _per_litre(x: Decimal) -> Figure:
    """A price per litre, with every decimal it has (at least 2)."""
    return Figure(x, Unit.SOLES, _places(x, 2))


def _rate_chain(w: _Work, annual: Decimal, exponent: int | Decimal, shown: Text) -> int:
    """Steps ``1 + TEA``, ``(1 + TEA)^exponent``, ``− 1``; returns the rate's step. ``shown`` is
    the exponent as written (``(1/12)``, or the message ``(days/360)``)."""
    s_tea = w.given(annual, (Unit.NUMBER, 4), _t(N_("TEA (%(tea)s ÷ 100)"), tea=_pct(annual)))
    s1 = w.calc(Op.ADD, (s_tea, Decimal(1)), (Unit.NUMBER, 4), "1 + TEA")
    s2 = w.calc(
        Op.POW, (s1, exponent), (Unit.NUMBER, 6), _t(N_("(1 + TEA)^%(exponent)s"), exponent=shown)
    )
    return w.calc(Op.SUB, (s2, Decimal(1)), (Unit.NUMBER, 6), _t(N_("minus 1")))


def _t(msgid: str, /, **params: Any) -> Message:
    """A training message (context ``training exercise``): ``msgid`` is the English text, marked with
    ``N_`` at the call so the extraction finds it; ``params`` fill its placeholders (a parameter
    may itself be a message)."""
    return Message(msgid=msgid, params=params, context=MESSAGE_CONTEXT)


def _tn(singular: str, plural: str, count: int, /, **params: Any) -> Message:
    """A training message with plural forms, chosen by ``n``."""
    return Message(msgid=singular, plural=plural, n=count, params=params, context=MESSAGE_CONTEXT)


def _join(items: Sequence[Text]) -> Text:
    """``a, b, c`` as messages (a language may join a list its own way)."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return _t(N_("%(first)s, %(rest)s"), first=items[0], rest=_join(items[1:]))
