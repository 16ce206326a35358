"""A cohort's records as a file, and completion certificates.

The cohort file (TOML; JSON with the same keys also works)::

    id = "ica-2026"                   # required
    name = "Ica 2026"                 # required
    issuer = "Cooperativa Agraria Manantial de Vida"   # optional: who signs the certificates

    [rule]                            # optional (defaults 80 % and 60 %)
    min_attendance = "80%"
    pass_mark = "60%"

    [[participants]]                  # id, name, role (member or supplier; default member)
    id = "m01"
    name = "Rosa Quispe"

    [[sessions]]                      # a session held: its curriculum id, date, who attended
    session = "milk-1"
    date = 2026-03-02
    attended = ["m01"]

    [[quizzes]]                       # participant, module, kind (pre|post|practice),
    participant = "m01"               # correct, total, date (optional)
    module = "milk"
    kind = "post"
    correct = 3
    total = 3

    [[outcomes]]                      # the co-op's own records: participant, period
    participant = "m01"               # (before|after), installments_due, installments_on_time,
    period = "after"                  # savings
    installments_due = 6
    installments_on_time = 6
    savings = "350"

The records do not depend on the language: the curriculum (default: the bundled one in the
document's language) is given when the file is read, and session and module ids are checked
against it.
"""

from __future__ import annotations

import datetime as dt
import pathlib
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from coopfinance._decimal import to_decimal
from coopfinance.errors import (
    CoopFinanceError,
    CourseNotCompleted,
    InvalidTrainingRecord,
    fmt_value,
)
from coopfinance.training._curriculum import Curriculum
from coopfinance.training._files import Where, dotted, parse_text, read_file
from coopfinance.training._progress import (
    Cohort,
    CompletionRule,
    OutcomeIndicators,
    OutcomeRecord,
    Participant,
    Progress,
    QuizScore,
    SessionHeld,
)
from coopfinance.training._quiz import QuizKind

__all__ = ["CohortRecords", "certify"]


def _outcomes(value: Sequence[OutcomeRecord]) -> tuple[OutcomeRecord, ...]:
    return tuple(value)


@attrs.frozen(slots=True, kw_only=True)
class CohortRecords:
    """A cohort with the co-op's outcome records and who issues its certificates."""

    cohort: Cohort
    outcomes: tuple[OutcomeRecord, ...] = attrs.field(converter=_outcomes, default=())
    issuer: str | None = None

    def indicators(self) -> OutcomeIndicators:
        """The outcome indicators of :attr:`outcomes` (see :meth:`Cohort.outcomes`)."""
        return self.cohort.outcomes(self.outcomes)

    @classmethod
    def from_mapping(
        cls,
        data: Mapping[str, Any],
        *,
        curriculum: Curriculum | None = None,
        lang: str = "es",
        source: str | None = None,
    ) -> CohortRecords:
        """Records from plain data; ``curriculum`` defaults to ``Curriculum.default(lang)``.

        The file of :meth:`Cohort.from_file` is read too (one cohort format): its ``scores``
        section is the ``quizzes`` section, ``lang`` picks the default curriculum's language and
        ``curriculum = "default"`` names it.
        """
        return _read(data, Where(source), curriculum, lang)

    @classmethod
    def from_toml(
        cls,
        text: str,
        *,
        curriculum: Curriculum | None = None,
        lang: str = "es",
        source: str | None = None,
    ) -> CohortRecords:
        """Records from TOML text; errors name the key path and the line.

        >>> CohortRecords.from_toml('id = "c"\\nname = "C"\\n[[participants]]\\nid = "m01"\\n'
        ...     'name = "Rosa"\\n[[sessions]]\\nsession = "milk-9"\\ndate = 2026-03-02\\n'
        ...     'attended = ["m01"]\\n', source="cohort.toml")
        Traceback (most recent call last):
        ...
        coopfinance.errors.InvalidTrainingRecord: 'sessions[0].session' is not in curriculum ...
        (got 'milk-9') on line 7 of cohort.toml.
        """
        data, where = parse_text(text, fmt="toml", source=source, error=InvalidTrainingRecord)
        return _read(data, where, curriculum, lang)

    @classmethod
    def from_json(
        cls,
        text: str,
        *,
        curriculum: Curriculum | None = None,
        lang: str = "es",
        source: str | None = None,
    ) -> CohortRecords:
        """Records from JSON text."""
        data, where = parse_text(text, fmt="json", source=source, error=InvalidTrainingRecord)
        return _read(data, where, curriculum, lang)

    @classmethod
    def from_file(
        cls, path: str | pathlib.Path, *, curriculum: Curriculum | None = None, lang: str = "es"
    ) -> CohortRecords:
        """Records from a ``.toml`` or ``.json`` file."""
        text, fmt = read_file(path, field="cohort", error=InvalidTrainingRecord)
        read = cls.from_toml if fmt == "toml" else cls.from_json
        return read(text, curriculum=curriculum, lang=lang, source=pathlib.Path(path).name)


def _read(
    data: Mapping[str, Any], where: Where, curriculum: Curriculum | None, lang: str
) -> CohortRecords:
    """One cohort format: the file of :meth:`Cohort.from_file` is read too — its ``scores`` are
    the ``quizzes``, ``lang`` picks the default curriculum's language, ``curriculum = "default"``
    names it."""
    data = dict(data)
    if "scores" in data:
        if "quizzes" in data:
            raise InvalidTrainingRecord(
                f"'scores' and 'quizzes' are the same section; give one{where(('scores',))}.",
                field="scores",
                value=None,
            )
        data["quizzes"] = data.pop("scores")
    if "lang" in data:
        lang = str(data.pop("lang"))
    named = data.pop("curriculum", None)
    if named not in (None, "default") and curriculum is None:
        raise InvalidTrainingRecord(
            f"'curriculum' {named!r} is not bundled: pass the curriculum to read this cohort"
            f"{where(('curriculum',))}.",
            field="curriculum",
            value=named,
        )
    return _Reader(where, curriculum or Curriculum.default(lang)).records(data)


_Path = tuple[str | int, ...]
_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # section: (required keys, optional keys)
    "participants": (("id", "name"), ("role",)),
    "sessions": (("session", "date", "attended"), ()),
    "quizzes": (("participant", "module", "kind", "correct", "total"), ("date",)),
    "outcomes": (
        ("participant", "period"),
        ("installments_due", "installments_on_time", "savings"),
    ),
}
_TOP = ("id", "name", "issuer", "rule", *_KEYS)


class _Reader:
    def __init__(self, where: Where, curriculum: Curriculum) -> None:
        self.where = where
        self.curriculum = curriculum

    def fail(self, path: _Path, message: str, value: Any = None) -> InvalidTrainingRecord:
        return InvalidTrainingRecord(
            f"{message}{self.where(path)}.", field=dotted(path), value=value
        )

    def text(self, table: Mapping[str, Any], path: _Path) -> str:
        value = table.get(str(path[-1]))
        if not isinstance(value, str) or not value.strip():
            raise self.fail(
                path, f"{dotted(path)!r} must be non-blank text (got {fmt_value(value)})"
            )
        return value

    def integer(self, table: Mapping[str, Any], path: _Path, default: int | None = None) -> int:
        value = table.get(str(path[-1]), default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(
                path, f"{dotted(path)!r} must be a whole number, 0 or more (got {fmt_value(value)})"
            )
        return value

    def date(self, table: Mapping[str, Any], path: _Path) -> dt.date:
        value = table.get(str(path[-1]))
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise self.fail(
                path, f"{dotted(path)!r} must be a date such as 2026-03-02 (got {fmt_value(value)})"
            ) from None

    def rows(self, data: Mapping[str, Any], section: str) -> list[Mapping[str, Any]]:
        rows = data.get(section, [])
        if not isinstance(rows, list) or not all(isinstance(r, Mapping) for r in rows):
            raise self.fail(
                (section,), f"{section!r} must be a list of tables ([[{section}]]) (got {rows!r})"
            )
        required, optional = _KEYS[section]
        for k, row in enumerate(rows):
            for key in row:
                if key not in required + optional:
                    raise self.fail(
                        (section, k, key),
                        f"'{dotted((section, k, key))}' is not a key of [[{section}]]; use "
                        f"{', '.join(required + optional)}",
                    )
            for key in required:
                if key not in row:
                    raise self.fail(
                        (section, k, key), f"'{dotted((section, k, key))}' is required (got none)"
                    )
        return rows

    def guard(self, path: _Path, build: Any) -> Any:
        """Run ``build``; a domain error becomes one that names ``path`` and its line."""
        try:
            return build()
        except CoopFinanceError as exc:
            message = str(exc).rstrip(".")
            if exc.field and message.startswith(f"'{exc.field}'"):
                message = f"{dotted(path)!r}" + message[len(exc.field) + 2 :]
            raise self.fail(path, message, exc.value) from None

    def records(self, data: Mapping[str, Any]) -> CohortRecords:
        for key in data:
            if key not in _TOP:
                raise self.fail((key,), f"{key!r} is not a cohort key; use {', '.join(_TOP)}")
        cid, name = self.text(data, ("id",)), self.text(data, ("name",))
        issuer = None if data.get("issuer") is None else self.text(data, ("issuer",))
        rule = CompletionRule()
        if "rule" in data:
            table = data["rule"]
            if not isinstance(table, Mapping) or set(table) - {"min_attendance", "pass_mark"}:
                raise self.fail(
                    ("rule",),
                    f"'rule' must be a table of min_attendance, pass_mark (got {table!r})",
                )
            rule = self.guard(
                ("rule",), lambda: CompletionRule(**{k: _share(v) for k, v in table.items()})
            )
        participants = []
        seen: dict[str, int] = {}
        for k, row in enumerate(self.rows(data, "participants")):
            pid = self.text(row, ("participants", k, "id"))
            if pid in seen:
                raise self.fail(
                    ("participants", k, "id"),
                    f"'participants[{k}].id' repeats {pid!r} of participants[{seen[pid]}]",
                    pid,
                )
            seen[pid] = k
            pname = self.text(row, ("participants", k, "name"))
            participants.append(
                self.guard(
                    ("participants", k, "role"),
                    lambda pid=pid, pname=pname, row=row: Participant(
                        id=pid, name=pname, role=row.get("role", "member")
                    ),
                )
            )
        known = set(seen)
        sessions = []
        for k, row in enumerate(self.rows(data, "sessions")):
            sid = self.text(row, ("sessions", k, "session"))
            self.guard(("sessions", k, "session"), lambda sid=sid: self.curriculum.session(sid))
            when = self.date(row, ("sessions", k, "date"))
            attended = row["attended"]
            if not isinstance(attended, list) or not all(isinstance(a, str) for a in attended):
                raise self.fail(
                    ("sessions", k, "attended"),
                    f"'sessions[{k}].attended' must be a list of participant ids "
                    f"(got {fmt_value(attended)})",
                )
            unknown = sorted(set(attended) - known)
            if unknown:
                raise self.fail(
                    ("sessions", k, "attended"),
                    f"'sessions[{k}].attended' names people not in the participants "
                    f"(got {', '.join(unknown)})",
                    unknown,
                )
            sessions.append(SessionHeld(session_id=sid, date=when, attended=attended))
        scores = []
        for k, row in enumerate(self.rows(data, "quizzes")):
            path: _Path = ("quizzes", k)
            who = self.text(row, (*path, "participant"))
            if who not in known:
                raise self.fail(
                    (*path, "participant"),
                    f"'{dotted((*path, 'participant'))}' is not a participant (got {who!r})",
                    who,
                )
            module = self.text(row, (*path, "module"))
            self.guard((*path, "module"), lambda module=module: self.curriculum.module(module))
            kind = self.guard((*path, "kind"), lambda row=row: QuizKind.parse(str(row["kind"])))
            correct = self.integer(row, (*path, "correct"))
            total = self.integer(row, (*path, "total"))
            when_q = None if "date" not in row else self.date(row, (*path, "date"))
            scores.append(
                self.guard(
                    (*path, "correct"),
                    lambda who=who, module=module, kind=kind, correct=correct, total=total, when_q=when_q: (
                        QuizScore(
                            participant=who,
                            module_id=module,
                            kind=kind,
                            correct=correct,
                            total=total,
                            date=when_q,
                        )
                    ),
                )
            )
        outcomes = []
        for k, row in enumerate(self.rows(data, "outcomes")):
            path = ("outcomes", k)
            who = self.text(row, (*path, "participant"))
            if who not in known:
                raise self.fail(
                    (*path, "participant"),
                    f"'{dotted((*path, 'participant'))}' is not a participant (got {who!r})",
                    who,
                )
            due = self.integer(row, (*path, "installments_due"), 0)
            on_time = self.integer(row, (*path, "installments_on_time"), 0)
            savings = row.get("savings", "0")
            outcomes.append(
                self.guard(
                    (*path, "savings" if "savings" in row else "installments_on_time"),
                    lambda who=who, row=row, due=due, on_time=on_time, savings=savings: (
                        OutcomeRecord(
                            participant=who,
                            period=str(row["period"]),
                            installments_due=due,
                            installments_on_time=on_time,
                            savings=to_decimal(savings, field="savings"),
                        )
                    ),
                )
            )
        cohort = Cohort(
            id=cid,
            name=name,
            curriculum=self.curriculum,
            participants=participants,
            sessions_held=sessions,
            scores=scores,
            rule=rule,
        )
        return CohortRecords(cohort=cohort, outcomes=outcomes, issuer=issuer)


def _share(value: Any) -> Decimal:
    """``"80%"`` → 0.8; a plain number is a fraction."""
    if isinstance(value, str) and value.strip().endswith("%"):
        return to_decimal(value.strip()[:-1].strip(), field="share") / 100
    return to_decimal(value, field="share")


def certify(cohort: Cohort, participant_id: str) -> Progress:
    """The progress of a participant who completed the course; otherwise
    :class:`~coopfinance.errors.CourseNotCompleted` saying what is missing.

    >>> import datetime as dt
    >>> c = Cohort(id="ica", name="Ica", curriculum=Curriculum.default("es"),
    ...            participants=[Participant(id="m01", name="Rosa Quispe")])
    >>> certify(c.record_session("milk-1", dt.date(2026, 3, 2), ["m01"]), "m01")
    Traceback (most recent call last):
    ...
    coopfinance.errors.CourseNotCompleted: 'participant' m01 (Rosa Quispe) has not completed the
    course of cohort 'ica': attendance 8.33 % (needs 80.00 %); no passed post-quiz (60.00 % or
    more) in budget, saving, credit, milk, plans, coop.
    """
    progress = cohort.progress(participant_id)
    if progress.completed:
        return progress
    needs = cohort.rule.min_attendance * 100
    reasons = []
    if progress.attendance < needs:
        reasons.append(f"attendance {progress.attendance} % (needs {needs:.2f} %)")
    pass_pct = cohort.rule.pass_mark * 100
    failed = []
    for m in cohort.curriculum.modules:
        if not m.exercises:
            continue
        marks = [
            s.percent
            for s in cohort.scores
            if s.participant == participant_id and s.module_id == m.id and s.kind is QuizKind.POST
        ]
        if not marks or max(marks) < pass_pct:
            failed.append(m.id)
    if failed:
        reasons.append(f"no passed post-quiz ({pass_pct:.2f} % or more) in {', '.join(failed)}")
    p = progress.participant
    raise CourseNotCompleted(
        f"'participant' {p.id} ({p.name}) has not completed the course of cohort {cohort.id!r}: "
        f"{'; '.join(reasons)}.",
        field="participant",
        value=p.id,
    )
