"""Quizzes: exercises assembled from generators, deterministic for a seed, with an answer key.

Each exercise gets its own seed derived from ``(seed, kind, position, generator)`` (``random.Random``
seeded with text is stable across runs and platforms), so the pre- and post-quiz of one seed are
parallel forms: the same skills with different numbers.

>>> quiz = Quiz.build("credit", seed=7, kind="pre")
>>> [e.generator for e in quiz.exercises][:3]
['tea_to_tem', 'tem_to_tea', 'cronograma_interest']
>>> Quiz.build("credit", seed=7).exercises == quiz.exercises
True
>>> result = quiz.score([e.answer for e in quiz.exercises])
>>> result.correct, result.total
(6, 6)
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from coopfinance._fields import ParseableEnum, to_enum
from coopfinance.errors import E_, InvalidValue, fmt_value
from coopfinance.training._curriculum import Module
from coopfinance.training._exercise import Check, Exercise, Topic, _lang
from coopfinance.training._generators import GENERATORS, generators_for

__all__ = ["Quiz", "QuizKind", "QuizResult"]


class QuizKind(ParseableEnum):
    """When a quiz is taken."""

    PRE = "pre"
    """Before the module: what participants already know."""
    POST = "post"
    """After the module: what they learned."""
    PRACTICE = "practice"
    """During a session."""

    @classmethod
    def parse(cls, text: QuizKind | str, *, field: str | None = None) -> QuizKind:
        """Read ``pre``, ``post`` or ``practice`` (the field is ``kind``)."""
        return to_enum(cls, text, field=field or "kind", error=cls.parse_error())


def _to_kind(value: QuizKind | str) -> QuizKind:
    return QuizKind.parse(value)


def _exercises(value: Sequence[Exercise]) -> tuple[Exercise, ...]:
    return tuple(value)


def _checks(value: Sequence[Check | None]) -> tuple[Check | None, ...]:
    return tuple(value)


@attrs.frozen(slots=True, kw_only=True)
class QuizResult:
    """A participant's marked quiz: one :class:`Check` per exercise (``None`` if unanswered)."""

    checks: tuple[Check | None, ...] = attrs.field(converter=_checks)

    @property
    def total(self) -> int:
        """How many exercises the quiz had."""
        return len(self.checks)

    @property
    def correct(self) -> int:
        """How many were right."""
        return sum(1 for c in self.checks if c is not None and c.correct)

    @property
    def share(self) -> Decimal:
        """``correct / total`` as a fraction (0 for an empty quiz)."""
        return Decimal(self.correct) / Decimal(self.total) if self.total else Decimal(0)


@attrs.frozen(slots=True, kw_only=True)
class Quiz:
    """An assembled quiz: its exercises and how they were drawn."""

    title: str
    kind: QuizKind = attrs.field(converter=_to_kind)
    seed: int
    exercises: tuple[Exercise, ...] = attrs.field(converter=_exercises)

    @classmethod
    def build(
        cls,
        topic: Topic | str | None = None,
        *,
        seed: int,
        kind: QuizKind | str = QuizKind.PRE,
        generators: Sequence[str] | None = None,
        count: int | None = None,
        member: Mapping[str, Mapping[str, Any]] | None = None,
        title: str | None = None,
    ) -> Quiz:
        """A quiz of ``count`` exercises (default: one per generator) from ``generators`` (default:
        every generator of ``topic``), cycling through them when ``count`` is larger.

        ``member`` maps a generator name to the member's own values for it, e.g.
        ``{"installment_share": {"litres": 1240, "price": "1.30", "installment": 300}}``.
        """
        k = QuizKind.parse(kind)
        if generators is None:
            if topic is None:
                raise InvalidValue(
                    E_("'topic' or 'generators' is needed to build a quiz (got neither)."),
                    field="topic",
                    value=None,
                )
            names = generators_for(topic)
        else:
            names = tuple(generators)
        for name in names:
            if name not in GENERATORS:
                raise InvalidValue(
                    E_(
                        "'generators' must name known generators (got %(name)s).",
                        name=fmt_value(name),
                    ),
                    field="generators",
                    value=name,
                )
        if not names:
            raise InvalidValue(
                E_("'generators' is empty for topic %(topic)s.", topic=fmt_value(topic)),
                field="generators",
                value=(),
            )
        n = len(names) if count is None else count
        if n < 1:
            raise InvalidValue(
                E_("'count' must be at least 1 (got %(n)s).", n=n), field="count", value=n
            )
        own = member or {}
        exercises = []
        for i in range(n):
            name = names[i % len(names)]
            rng = random.Random(f"{seed}:{k.value}:{i}:{name}")
            exercises.append(GENERATORS[name][1](rng, **own.get(name, {})))
        label = title or (Topic.parse(topic).value if topic is not None else "quiz")
        return cls(title=label, kind=k, seed=seed, exercises=exercises)

    @classmethod
    def for_module(
        cls, module: Module, *, seed: int, kind: QuizKind | str = QuizKind.PRE, **options: Any
    ) -> Quiz:
        """The quiz of a curriculum module: the generators of its sessions (or, if none, of its
        topic)."""
        names = module.exercises or generators_for(module.topic)
        return cls.build(
            module.topic, seed=seed, kind=kind, generators=names, title=module.id, **options
        )

    def score(
        self, responses: Sequence[Decimal | int | str | None], lang: str | None = None
    ) -> QuizResult:
        """Mark one response per exercise (``None`` for unanswered); ``lang``: the participants'
        language, whose way of writing numbers is read too (``pt_BR``: ``"18,61"``)."""
        if len(responses) != len(self.exercises):
            raise InvalidValue(
                E_(
                    "'responses' must give one answer per exercise, %(exercises_self)s "
                    "(got %(responses)s).",
                    exercises_self=len(self.exercises),
                    responses=len(responses),
                ),
                field="responses",
                value=len(responses),
            )
        return QuizResult(
            checks=[
                None if r is None else e.check(r, lang)
                for e, r in zip(self.exercises, responses, strict=True)
            ]
        )

    def to_data(self, lang: str, *, key: bool = True) -> dict[str, Any]:
        """Plain values for a document or the CLI; with ``key`` the answers and worked solutions."""
        lang = _lang(lang)
        items = []
        for n, e in enumerate(self.exercises, start=1):
            item = e.to_data(lang)
            item["number"] = n
            if not key:
                for name in ("steps", "answer", "answer_value", "tolerance"):
                    item.pop(name)
                for c in item["choices"]:
                    c.pop("correct")
                    c.pop("mistake")
            items.append(item)
        return {
            "title": self.title,
            "kind": self.kind.value,
            "seed": self.seed,
            "lang": lang,
            "exercises": items,
        }
