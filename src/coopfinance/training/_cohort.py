"""A cohort: a group trained together on one curriculum, with its attendance and quiz records,
read from the cohort file (:mod:`coopfinance.training._cohort_file`) or built in code.

>>> import datetime as dt
>>> from coopfinance.training import Curriculum, Participant
>>> c = Cohort(id="ica-2026", name="Ica 2026", curriculum=Curriculum.default("es"),
...            participants=[Participant(id="m01", name="Rosa Quispe")])
>>> c = c.record_session("credit-1", dt.date(2026, 3, 2), ["m01"])
>>> c = c.record_quiz("m01", "credit", "pre", correct=2, total=6)
>>> c = c.record_quiz("m01", "credit", "post", correct=5, total=6)
>>> c.gains()[0].gain
Decimal('50.00')
>>> c.progress("m01").sessions_attended
('credit-1',)
"""

from __future__ import annotations

import datetime as dt
import pathlib
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from coopfinance._decimal import exact
from coopfinance.errors import E_, InvalidTrainingRecord, fmt_value
from coopfinance.training._cohort_file import parse_cohort, read_cohort, read_cohort_file
from coopfinance.training._curriculum import Curriculum
from coopfinance.training._files import Where
from coopfinance.training._progress import (
    _CENT,
    _HUNDRED,
    CompletionRule,
    ModuleGain,
    OutcomeIndicators,
    OutcomePeriod,
    OutcomeRecord,
    Participant,
    Progress,
    QuizScore,
    SessionHeld,
    _pct,
)
from coopfinance.training._quiz import QuizKind, QuizResult

__all__ = ["Cohort"]


def _participants(value: Iterable[Participant]) -> tuple[Participant, ...]:
    return tuple(value)


def _sessions_held(value: Iterable[SessionHeld]) -> tuple[SessionHeld, ...]:
    return tuple(value)


def _scores(value: Iterable[QuizScore]) -> tuple[QuizScore, ...]:
    return tuple(value)


@attrs.frozen(slots=True, kw_only=True)
class Cohort:
    """A group trained together on one curriculum, with its records. Immutable: each
    ``record_*`` method returns a new cohort."""

    id: str
    name: str
    curriculum: Curriculum
    participants: tuple[Participant, ...] = attrs.field(converter=_participants)
    sessions_held: tuple[SessionHeld, ...] = attrs.field(converter=_sessions_held, default=())
    scores: tuple[QuizScore, ...] = attrs.field(converter=_scores, default=())
    rule: CompletionRule = attrs.field(factory=CompletionRule)

    @exact
    def __attrs_post_init__(self) -> None:
        ids = [p.id for p in self.participants]
        for k, pid in enumerate(ids):
            if pid in ids[:k]:
                raise InvalidTrainingRecord(
                    E_(
                        "'participants' repeat the id %(pid)s in cohort %(id)s.",
                        pid=repr(pid),
                        id=repr(self.id),
                    ),
                    field="participants",
                    value=pid,
                )
        known = set(ids)
        for held in self.sessions_held:
            self.curriculum.session(held.session_id)
            unknown = sorted(held.attended - known)
            if unknown:
                raise InvalidTrainingRecord(
                    E_(
                        "'attended' of session %(session_id)s on %(isoformat_date)s names "
                        "people not in cohort %(id)s (got %(unknown)s).",
                        session_id=repr(held.session_id),
                        isoformat_date=held.date.isoformat(),
                        id=repr(self.id),
                        unknown=", ".join(unknown),
                    ),
                    field="attended",
                    value=unknown,
                )
        for s in self.scores:
            if s.participant not in known:
                raise InvalidTrainingRecord(
                    E_(
                        "'participant' of a quiz score is not in cohort %(id)s (got "
                        "%(participant)s).",
                        id=repr(self.id),
                        participant=repr(s.participant),
                    ),
                    field="participant",
                    value=s.participant,
                )
            self.curriculum.module(s.module_id)

    # -- reading -------------------------------------------------------------------------------
    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        *,
        curriculum: Curriculum | None = None,
        lang: str = "es",
        source: str | None = None,
    ) -> Cohort:
        """A cohort from plain data (parsed TOML or JSON), validated: the cohort file of
        :mod:`coopfinance.training._cohort_file` (``outcomes`` and ``issuer``, read by
        :class:`CohortRecords`, are checked and left out).

        ``curriculum = "default"`` (or no key) takes :meth:`Curriculum.default` in ``lang`` (the
        file's ``lang`` key, else the argument); any other curriculum is passed as ``curriculum``.
        Errors name the key path and ``source``.

        >>> c = Cohort.from_dict({"id": "c1", "name": "Ica", "curriculum": "default",
        ...     "participants": [{"id": "M01", "name": "Rosa Quispe"}],
        ...     "sessions": [{"session": "milk-1", "date": "2026-03-01", "attended": ["M01"]}],
        ...     "scores": [{"participant": "M01", "module": "milk", "kind": "pre",
        ...                 "correct": 2, "total": 3}]})
        >>> c.progress("M01").sessions_attended, c.scores[0].percent
        (('milk-1',), Decimal('66.67'))
        >>> Cohort.from_dict({"id": "c1", "name": "Ica", "curriculum": "default",
        ...     "participants": [], "sessions": [{"session": "milk-1", "date": "2026-13-01",
        ...     "attended": []}]}, source="cohort.toml")
        Traceback (most recent call last):
        ...
        coopfinance.errors.InvalidTrainingRecord: 'sessions[0].date' must be a date ... in cohort.toml.
        """
        return cls(**read_cohort(data, Where(source), curriculum, lang).cohort)

    @classmethod
    def from_toml(
        cls,
        text: str,
        *,
        curriculum: Curriculum | None = None,
        lang: str = "es",
        source: str | None = None,
    ) -> Cohort:
        """A cohort from TOML text; errors name the key path and the line."""
        return cls(**parse_cohort(text, "toml", curriculum, lang, source).cohort)

    @classmethod
    def from_json(
        cls,
        text: str,
        *,
        curriculum: Curriculum | None = None,
        lang: str = "es",
        source: str | None = None,
    ) -> Cohort:
        """A cohort from JSON text."""
        return cls(**parse_cohort(text, "json", curriculum, lang, source).cohort)

    @classmethod
    def from_file(
        cls, path: str | pathlib.Path, *, curriculum: Curriculum | None = None, lang: str = "es"
    ) -> Cohort:
        """A cohort from a ``.toml`` or ``.json`` file."""
        return cls(**read_cohort_file(path, curriculum, lang).cohort)

    # -- recording ------------------------------------------------------------------------------
    def record_session(self, session_id: str, date: dt.date, attended: Iterable[str]) -> Cohort:
        """The cohort with one more session held."""
        held = SessionHeld(session_id=session_id, date=date, attended=attended)
        return attrs.evolve(self, sessions_held=(*self.sessions_held, held))

    def record_quiz(
        self,
        participant: str,
        module_id: str,
        kind: QuizKind | str,
        *,
        correct: int | None = None,
        total: int | None = None,
        result: QuizResult | None = None,
        date: dt.date | None = None,
    ) -> Cohort:
        """The cohort with one more quiz score: ``correct``/``total`` or a marked ``result``."""
        if result is not None:
            correct, total = result.correct, result.total
        if correct is None or total is None:
            raise InvalidTrainingRecord(
                E_("'correct' and 'total' (or 'result') are needed to record a quiz (got None)."),
                field="correct",
                value=None,
            )
        score = QuizScore(
            participant=participant,
            module_id=module_id,
            kind=kind,
            correct=correct,
            total=total,
            date=date,
        )
        return attrs.evolve(self, scores=(*self.scores, score))

    # -- progress ---------------------------------------------------------------------------------
    def participant(self, participant_id: str) -> Participant:
        """The participant ``participant_id``."""
        for p in self.participants:
            if p.id == participant_id:
                return p
        raise InvalidTrainingRecord(
            E_(
                "'participant' is not in cohort %(id)s (got %(participant_id)s).",
                id=repr(self.id),
                participant_id=fmt_value(participant_id),
            ),
            field="participant",
            value=participant_id,
        )

    def _best(self, participant_id: str, module_id: str, kind: QuizKind) -> Decimal | None:
        marks = [
            s.percent
            for s in self.scores
            if s.participant == participant_id and s.module_id == module_id and s.kind is kind
        ]
        return max(marks) if marks else None

    def progress(self, participant_id: str) -> Progress:
        """Attendance, modules completed and course completion of one participant."""
        p = self.participant(participant_id)
        attended = {h.session_id for h in self.sessions_held if participant_id in h.attended}
        order = [s.id for _, s in self.curriculum.sessions()]
        done = tuple(sid for sid in order if sid in attended)
        pass_pct = self.rule.pass_mark * _HUNDRED
        modules = []
        passed_all = True
        for m in self.curriculum.modules:
            needs_quiz = bool(m.exercises)
            post = self._best(participant_id, m.id, QuizKind.POST)
            passed = not needs_quiz or (post is not None and post >= pass_pct)
            passed_all = passed_all and passed
            if passed and all(s.id in attended for s in m.sessions):
                modules.append(m.id)
        total = len(order)
        share = Decimal(len(done)) / Decimal(total)
        return Progress(
            participant=p,
            sessions_attended=done,
            sessions_total=total,
            attendance=_pct(Decimal(len(done)), Decimal(total)),
            modules_completed=tuple(modules),
            completed=passed_all
            and share >= self.rule.min_attendance
            and len(modules) == len(self.curriculum.modules),
        )

    def progress_all(self) -> tuple[Progress, ...]:
        """Everyone's progress, in the order of :attr:`participants`."""
        return tuple(self.progress(p.id) for p in self.participants)

    def gains(self) -> tuple[ModuleGain, ...]:
        """Pre/post gain per module, for the modules where someone took both quizzes."""
        out = []
        for m in self.curriculum.modules:
            pairs = []
            for p in self.participants:
                pre = self._best(p.id, m.id, QuizKind.PRE)
                post = self._best(p.id, m.id, QuizKind.POST)
                if pre is not None and post is not None:
                    pairs.append((pre, post))
            if not pairs:
                continue
            n = Decimal(len(pairs))
            mean_pre = (sum((a for a, _ in pairs), Decimal(0)) / n).quantize(_CENT, ROUND_HALF_UP)
            mean_post = (sum((b for _, b in pairs), Decimal(0)) / n).quantize(_CENT, ROUND_HALF_UP)
            gain = mean_post - mean_pre
            normalized = (
                None
                if mean_pre == _HUNDRED
                else (gain / (_HUNDRED - mean_pre)).quantize(Decimal("0.0001"), ROUND_HALF_UP)
            )
            out.append(
                ModuleGain(
                    module_id=m.id,
                    participants=len(pairs),
                    mean_pre=mean_pre,
                    mean_post=mean_post,
                    gain=gain,
                    normalized_gain=normalized,
                )
            )
        return tuple(out)

    def outcomes(self, records: Iterable[OutcomeRecord]) -> OutcomeIndicators:
        """Outcome indicators from the co-op's records, over this cohort's participants (records
        of other people are an error, not silently dropped)."""
        known = {p.id for p in self.participants}
        by_period: dict[OutcomePeriod, list[OutcomeRecord]] = {p: [] for p in OutcomePeriod}
        for k, r in enumerate(records):
            if r.participant not in known:
                raise InvalidTrainingRecord(
                    E_(
                        "'records[%(k)s].participant' is not in cohort %(id)s (got "
                        "%(participant)s).",
                        k=k,
                        id=repr(self.id),
                        participant=repr(r.participant),
                    ),
                    field=f"records[{k}].participant",
                    value=r.participant,
                )
            by_period[r.period].append(r)

        def on_time(rs: list[OutcomeRecord]) -> Decimal | None:
            due = sum(r.installments_due for r in rs)
            if not due:
                return None
            return _pct(Decimal(sum(r.installments_on_time for r in rs)), Decimal(due))

        def savings(rs: list[OutcomeRecord]) -> Decimal | None:
            if not rs:
                return None
            total = sum((r.savings for r in rs), Decimal(0))
            return (total / Decimal(len(rs))).quantize(_CENT, ROUND_HALF_UP)

        before, after = by_period[OutcomePeriod.BEFORE], by_period[OutcomePeriod.AFTER]
        return OutcomeIndicators(
            participants=len({r.participant for r in before + after}),
            on_time_before=on_time(before),
            on_time_after=on_time(after),
            mean_savings_before=savings(before),
            mean_savings_after=savings(after),
        )

    def to_data(self) -> dict[str, Any]:
        """Plain values for the cohort report."""
        return {
            "id": self.id,
            "name": self.name,
            "curriculum": self.curriculum.id,
            "lang": self.curriculum.lang,
            "participants": [p.to_data() for p in self.progress_all()],
            "sessions_held": [
                {
                    "session": h.session_id,
                    "date": h.date.isoformat(),
                    "attended": sorted(h.attended),
                }
                for h in self.sessions_held
            ],
            "gains": [
                {
                    "module": g.module_id,
                    "participants": g.participants,
                    "mean_pre": str(g.mean_pre),
                    "mean_post": str(g.mean_post),
                    "gain": str(g.gain),
                    "normalized_gain": None
                    if g.normalized_gain is None
                    else str(g.normalized_gain),
                }
                for g in self.gains()
            ],
        }
