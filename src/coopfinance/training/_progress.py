"""Cohorts and progress: who attended which session, quiz results, completion, pre/post gain per
module, and outcome indicators from the co-op's own records.

Rules (stated, overridable through :class:`CompletionRule`):

- a module is *completed* by a participant who attended each of its sessions at least once and,
  when the module has exercises, scored at least ``pass_mark`` on a post-quiz;
- the course is *completed* with attendance of at least ``min_attendance`` of the curriculum's
  sessions and a passed post-quiz in every module that has exercises;
- the *gain* of a module is the mean post-quiz score minus the mean pre-quiz score, in percentage
  points, over participants with both (each participant's best pre and best post); the normalised
  gain is ``(post − pre) / (100 − pre)`` (Hake 1998), the share of the possible gain achieved.

>>> import datetime as dt
>>> from coopfinance.training import Curriculum
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
import enum
import json
import pathlib
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from coopfinance._decimal import to_decimal
from coopfinance.errors import CoopFinanceError, InvalidTrainingRecord, fmt_value
from coopfinance.training._curriculum import Curriculum
from coopfinance.training._quiz import QuizKind, QuizResult

__all__ = [
    "Cohort",
    "CompletionRule",
    "ModuleGain",
    "OutcomeIndicators",
    "OutcomePeriod",
    "OutcomeRecord",
    "Participant",
    "Progress",
    "QuizScore",
    "Role",
    "SessionHeld",
    "participants_from",
]

_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)


def _pct(numerator: Decimal, denominator: Decimal) -> Decimal:
    return (numerator * _HUNDRED / denominator).quantize(_CENT, ROUND_HALF_UP)


class Role(enum.Enum):
    """How a participant relates to the co-op."""

    MEMBER = "member"
    """A socio: owns aportaciones, votes, shares the surplus."""
    SUPPLIER = "supplier"
    """A non-member supplier who sells milk to the co-op."""


def _to_role(value: Role | str) -> Role:
    if isinstance(value, Role):
        return value
    for r in Role:
        if r.value == str(value).strip().lower():
            return r
    raise InvalidTrainingRecord(
        f"'role' must be member or supplier (got {fmt_value(value)}).", field="role", value=value
    )


@attrs.frozen(slots=True, kw_only=True)
class Participant:
    """A person in a cohort."""

    id: str
    name: str
    role: Role = attrs.field(default=Role.MEMBER, converter=_to_role)


def _ids(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str):
        raise InvalidTrainingRecord(
            f"'attended' must be a list of participant ids (got {value!r}).",
            field="attended",
            value=value,
        )
    return frozenset(value)


@attrs.frozen(slots=True, kw_only=True)
class SessionHeld:
    """A session given on ``date``, with who attended."""

    session_id: str
    date: dt.date
    attended: frozenset[str] = attrs.field(converter=_ids)


def _to_quiz_kind(value: QuizKind | str) -> QuizKind:
    return QuizKind.parse(value)


@attrs.frozen(slots=True, kw_only=True)
class QuizScore:
    """A participant's score on a module's pre- or post-quiz."""

    participant: str
    module_id: str
    kind: QuizKind = attrs.field(converter=_to_quiz_kind)
    correct: int
    total: int
    date: dt.date | None = None

    def __attrs_post_init__(self) -> None:
        if self.total < 1 or not 0 <= self.correct <= self.total:
            raise InvalidTrainingRecord(
                f"'correct' must be between 0 and 'total' {self.total} (got {self.correct}), "
                f"and 'total' at least 1, for {self.participant} in {self.module_id}.",
                field="correct",
                value=self.correct,
            )

    @property
    def percent(self) -> Decimal:
        """The score in percent, to 2 decimals."""
        return _pct(Decimal(self.correct), Decimal(self.total))


def _share(value: Any) -> Decimal:
    share = to_decimal(value, field="share")
    if not 0 <= share <= 1:
        raise InvalidTrainingRecord(
            f"'share' must be between 0 and 100 % (got {share}).", field="share", value=share
        )
    return share


@attrs.frozen(slots=True, kw_only=True)
class CompletionRule:
    """When a module and the course count as completed (see the module docstring)."""

    min_attendance: Decimal = attrs.field(default=Decimal("0.8"), converter=_share)
    pass_mark: Decimal = attrs.field(default=Decimal("0.6"), converter=_share)


@attrs.frozen(slots=True, kw_only=True)
class Progress:
    """One participant's progress through the curriculum."""

    participant: Participant
    sessions_attended: tuple[str, ...]
    """Curriculum sessions attended at least once, in curriculum order."""
    sessions_total: int
    attendance: Decimal
    """``sessions attended / sessions in the curriculum``, in percent to 2 decimals."""
    modules_completed: tuple[str, ...]
    completed: bool

    def to_data(self) -> dict[str, Any]:
        """Plain values for a certificate or report."""
        return {
            "participant": self.participant.id,
            "name": self.participant.name,
            "role": self.participant.role.value,
            "sessions_attended": list(self.sessions_attended),
            "sessions_total": self.sessions_total,
            "attendance": str(self.attendance),
            "modules_completed": list(self.modules_completed),
            "completed": self.completed,
        }


@attrs.frozen(slots=True, kw_only=True)
class ModuleGain:
    """Pre/post results of a module over the participants who took both quizzes."""

    module_id: str
    participants: int
    mean_pre: Decimal
    mean_post: Decimal
    gain: Decimal
    """``mean_post − mean_pre`` in percentage points."""
    normalized_gain: Decimal | None
    """``gain / (100 − mean_pre)``, to 4 decimals; ``None`` when the pre-quiz mean is 100."""


class OutcomePeriod(enum.Enum):
    """Whether a record is from before or after the training."""

    BEFORE = "before"
    AFTER = "after"


def _to_period(value: OutcomePeriod | str) -> OutcomePeriod:
    if isinstance(value, OutcomePeriod):
        return value
    for p in OutcomePeriod:
        if p.value == str(value).strip().lower():
            return p
    raise InvalidTrainingRecord(
        f"'period' must be before or after (got {fmt_value(value)}).", field="period", value=value
    )


def _money(value: Any) -> Decimal:
    return to_decimal(value, field="savings")


@attrs.frozen(slots=True, kw_only=True)
class OutcomeRecord:
    """A participant's figures from the co-op's own records for a period: installments due and paid
    on time, and the savings balance at the end of the period."""

    participant: str
    period: OutcomePeriod = attrs.field(converter=_to_period)
    installments_due: int = 0
    installments_on_time: int = 0
    savings: Decimal = attrs.field(default=Decimal(0), converter=_money)

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.installments_on_time <= self.installments_due:
            raise InvalidTrainingRecord(
                f"'installments_on_time' must be between 0 and 'installments_due' "
                f"{self.installments_due} (got {self.installments_on_time}) for {self.participant}.",
                field="installments_on_time",
                value=self.installments_on_time,
            )
        if self.savings < 0:
            raise InvalidTrainingRecord(
                f"'savings' must not be negative (got {self.savings}) for {self.participant}.",
                field="savings",
                value=self.savings,
            )


@attrs.frozen(slots=True, kw_only=True)
class OutcomeIndicators:
    """Behaviour before and after the training (rates in percent, savings in soles).

    On-time repayment rate = Σ installments on time / Σ installments due (``None`` if none due);
    mean savings over the participants with a record in the period.
    """

    participants: int
    on_time_before: Decimal | None
    on_time_after: Decimal | None
    mean_savings_before: Decimal | None
    mean_savings_after: Decimal | None

    @property
    def on_time_change(self) -> Decimal | None:
        """Change of the on-time rate, in percentage points."""
        if self.on_time_before is None or self.on_time_after is None:
            return None
        return self.on_time_after - self.on_time_before

    @property
    def savings_change(self) -> Decimal | None:
        """Change of mean savings, in soles."""
        if self.mean_savings_before is None or self.mean_savings_after is None:
            return None
        return self.mean_savings_after - self.mean_savings_before


def _tuple(value: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(value)


@attrs.frozen(slots=True, kw_only=True)
class Cohort:
    """A group trained together on one curriculum, with its records. Immutable: each
    ``record_*`` method returns a new cohort."""

    id: str
    name: str
    curriculum: Curriculum
    participants: tuple[Participant, ...] = attrs.field(converter=_tuple)
    sessions_held: tuple[SessionHeld, ...] = attrs.field(converter=_tuple, default=())
    scores: tuple[QuizScore, ...] = attrs.field(converter=_tuple, default=())
    rule: CompletionRule = attrs.field(factory=CompletionRule)

    def __attrs_post_init__(self) -> None:
        ids = [p.id for p in self.participants]
        for k, pid in enumerate(ids):
            if pid in ids[:k]:
                raise InvalidTrainingRecord(
                    f"'participants' repeat the id {pid!r} in cohort {self.id!r}.",
                    field="participants",
                    value=pid,
                )
        known = set(ids)
        for held in self.sessions_held:
            self.curriculum.session(held.session_id)
            unknown = sorted(held.attended - known)
            if unknown:
                raise InvalidTrainingRecord(
                    f"'attended' of session {held.session_id!r} on {held.date.isoformat()} names "
                    f"people not in cohort {self.id!r} (got {', '.join(unknown)}).",
                    field="attended",
                    value=unknown,
                )
        for s in self.scores:
            if s.participant not in known:
                raise InvalidTrainingRecord(
                    f"'participant' of a quiz score is not in cohort {self.id!r} "
                    f"(got {s.participant!r}).",
                    field="participant",
                    value=s.participant,
                )
            self.curriculum.module(s.module_id)

    # -- loading --------------------------------------------------------------------------------
    @classmethod
    def from_mapping(
        cls,
        data: Mapping[str, Any],
        *,
        curriculum: Curriculum | None = None,
        source: str = "cohort",
    ) -> Cohort:
        """A cohort from plain data (parsed TOML or JSON), validated.

        Keys: ``id``, ``name``, ``curriculum`` (``"default"``: :meth:`Curriculum.default` in
        ``lang``; any other value needs the ``curriculum`` argument), ``lang`` (default ``es``),
        ``participants`` (rows with ``id``, ``name``, ``role``), ``sessions`` (``session``,
        ``date``, ``attended``), ``scores`` (``participant``, ``module``, ``kind``, ``correct``,
        ``total``, optional ``date``) and an optional ``rule`` table (``min_attendance``,
        ``pass_mark`` as shares). Errors name ``source`` and the key path.

        >>> c = Cohort.from_mapping({"id": "c1", "name": "Ica", "curriculum": "default",
        ...     "participants": [{"id": "M01", "name": "Rosa Quispe"}],
        ...     "sessions": [{"session": "milk-1", "date": "2026-03-01", "attended": ["M01"]}],
        ...     "scores": [{"participant": "M01", "module": "milk", "kind": "pre",
        ...                 "correct": 2, "total": 3}]})
        >>> c.progress("M01").sessions_attended, c.scores[0].percent
        (('milk-1',), Decimal('66.67'))
        >>> Cohort.from_mapping({"id": "c1", "name": "Ica", "curriculum": "default",
        ...     "participants": [], "sessions": [{"session": "milk-1", "date": "2026-13-01",
        ...     "attended": []}]}, source="cohort.toml")
        Traceback (most recent call last):
        ...
        coopfinance.errors.InvalidTrainingRecord: 'sessions[0].date' must be a date ... in cohort.toml.
        """
        return _CohortParser(source).cohort(data, curriculum)

    @classmethod
    def from_toml(
        cls, text: str, *, curriculum: Curriculum | None = None, source: str = "cohort"
    ) -> Cohort:
        """A cohort from TOML text shaped as :meth:`from_mapping` expects."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InvalidTrainingRecord(
                f"the cohort file is not valid TOML: {exc} (in {source}).",
                field="cohort",
                value=source,
            ) from None
        return cls.from_mapping(data, curriculum=curriculum, source=source)

    @classmethod
    def from_file(cls, path: str | pathlib.Path, *, curriculum: Curriculum | None = None) -> Cohort:
        """A cohort from a ``.toml`` or ``.json`` file."""
        p = pathlib.Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as exc:
            raise InvalidTrainingRecord(
                f"'path' cannot be read (got {str(p)!r}): {exc.strerror}.",
                field="path",
                value=str(p),
            ) from None
        if p.suffix.lower() == ".json":
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InvalidTrainingRecord(
                    f"the cohort file is not valid JSON: {exc} (in {p.name}).",
                    field="cohort",
                    value=p.name,
                ) from None
            if not isinstance(data, dict):
                raise InvalidTrainingRecord(
                    f"the cohort file must hold an object (got {type(data).__name__}) in {p.name}.",
                    field="cohort",
                    value=p.name,
                )
            return cls.from_mapping(data, curriculum=curriculum, source=p.name)
        return cls.from_toml(text, curriculum=curriculum, source=p.name)

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
                "'correct' and 'total' (or 'result') are needed to record a quiz (got None).",
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
            f"'participant' is not in cohort {self.id!r} (got {fmt_value(participant_id)}).",
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
            completed=passed_all and share >= self.rule.min_attendance,
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
                    f"'records[{k}].participant' is not in cohort {self.id!r} "
                    f"(got {r.participant!r}).",
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


def participants_from(rows: Iterable[Mapping[str, Any]]) -> tuple[Participant, ...]:
    """Participants from plain rows with ``id``, ``name`` and optionally ``role``."""
    out = []
    for k, row in enumerate(rows):
        try:
            out.append(
                Participant(
                    id=str(row["id"]), name=str(row["name"]), role=row.get("role", "member")
                )
            )
        except KeyError as exc:
            raise InvalidTrainingRecord(
                f"'participants[{k}].{exc.args[0]}' is required (got None).",
                field=f"participants[{k}].{exc.args[0]}",
                value=None,
            ) from None
    return tuple(out)


class _CohortParser:
    """Reads cohort data, naming the file and the key path of the first problem."""

    _TOP = ("id", "name", "curriculum", "lang", "participants", "sessions", "scores", "rule")

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, message: str, value: Any) -> InvalidTrainingRecord:
        return InvalidTrainingRecord(
            f"{path!r} {message} (got {fmt_value(value)}) in {self.source}.",
            field=path,
            value=value,
        )

    def table(self, data: Any, path: str, required: Sequence[str], optional: Sequence[str]) -> None:
        if not isinstance(data, Mapping):
            raise self.fail(path, "must be a table", data)
        for key in data:
            if key not in required and key not in optional:
                known = ", ".join((*required, *optional))
                raise self.fail(
                    f"{path}.{key}" if path else key, f"is unknown; known: {known}", key
                )
        for key in required:
            if key not in data:
                raise self.fail(f"{path}.{key}" if path else key, "is required", None)

    def rows(self, data: Mapping[str, Any], key: str) -> list[Any]:
        value = data.get(key, [])
        if not isinstance(value, list):
            raise self.fail(key, "must be a list of tables", value)
        return value

    def text(self, data: Mapping[str, Any], key: str, path: str) -> str:
        value = data[key]
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, "must be non-blank text", value)
        return value.strip()

    def date(self, value: Any, path: str) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise self.fail(path, "must be a date YYYY-MM-DD", value)

    def count(self, value: Any, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(path, "must be a whole number", value)
        return value

    def cohort(self, data: Mapping[str, Any], curriculum: Curriculum | None) -> Cohort:
        self.table(data, "", ("id", "name"), self._TOP[2:])
        if curriculum is None:
            name = data.get("curriculum", "default")
            if name != "default":
                raise self.fail(
                    "curriculum", "must be default, or the curriculum passed when loading", name
                )
            try:
                curriculum = Curriculum.default(str(data.get("lang", "es")))
            except CoopFinanceError:
                raise self.fail("lang", "must be es or en", data.get("lang")) from None
        participants = []
        for k, row in enumerate(self.rows(data, "participants")):
            path = f"participants[{k}]"
            self.table(row, path, ("id", "name"), ("role",))
            try:
                participants.append(
                    Participant(
                        id=self.text(row, "id", f"{path}.id"),
                        name=self.text(row, "name", f"{path}.name"),
                        role=row.get("role", "member"),
                    )
                )
            except InvalidTrainingRecord as exc:
                if exc.field == "role":
                    raise self.fail(
                        f"{path}.role", "must be member or supplier", exc.value
                    ) from None
                raise
        held = []
        for k, row in enumerate(self.rows(data, "sessions")):
            path = f"sessions[{k}]"
            self.table(row, path, ("session", "date", "attended"), ())
            attended = row["attended"]
            if not isinstance(attended, list) or not all(isinstance(a, str) for a in attended):
                raise self.fail(f"{path}.attended", "must be a list of participant ids", attended)
            held.append(
                SessionHeld(
                    session_id=self.text(row, "session", f"{path}.session"),
                    date=self.date(row["date"], f"{path}.date"),
                    attended=attended,
                )
            )
        scores = []
        for k, row in enumerate(self.rows(data, "scores")):
            path = f"scores[{k}]"
            self.table(row, path, ("participant", "module", "kind", "correct", "total"), ("date",))
            kind = row["kind"]
            if str(kind).strip().lower() not in {q.value for q in QuizKind}:
                raise self.fail(f"{path}.kind", "must be pre, post or practice", kind)
            scores.append(
                QuizScore(
                    participant=self.text(row, "participant", f"{path}.participant"),
                    module_id=self.text(row, "module", f"{path}.module"),
                    kind=kind,
                    correct=self.count(row["correct"], f"{path}.correct"),
                    total=self.count(row["total"], f"{path}.total"),
                    date=None
                    if row.get("date") is None
                    else self.date(row["date"], f"{path}.date"),
                )
            )
        rule = CompletionRule()
        if "rule" in data:
            self.table(data["rule"], "rule", (), ("min_attendance", "pass_mark"))
            for key in data["rule"]:
                if isinstance(data["rule"][key], float):
                    raise self.fail(
                        f"rule.{key}", 'must be text such as "0.8" (not a float)', data["rule"][key]
                    )
            rule = CompletionRule(**dict(data["rule"]))
        return Cohort(
            id=self.text(data, "id", "id"),
            name=self.text(data, "name", "name"),
            curriculum=curriculum,
            participants=participants,
            sessions_held=held,
            scores=scores,
            rule=rule,
        )
