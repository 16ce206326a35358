"""The cohort file: one parser for :class:`~coopfinance.training.Cohort` and
:class:`~coopfinance.training.CohortRecords`, errors naming the key path and, for TOML, the line.

The cohort file (TOML; JSON with the same keys also works)::

    id = "ica-2026"                   # required
    name = "Ica 2026"                 # required
    curriculum = "default"            # optional: the bundled curriculum (another is passed in)
    lang = "es"                       # optional: the bundled curriculum's language
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

    [[quizzes]]                       # (or [[scores]]) participant, module, kind (pre|post|practice),
    participant = "m01"               # correct, total, date (optional)
    module = "milk"
    kind = "post"
    correct = 3
    total = 3

    [[outcomes]]                      # the co-op's own records (CohortRecords): participant, period
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
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from coopfinance._decimal import to_decimal
from coopfinance._fields import to_date, to_text, to_whole
from coopfinance.errors import (
    E_,
    CoopFinanceError,
    InvalidTrainingRecord,
    InvalidValue,
    clause,
    fmt_value,
    joined,
    renamed,
)
from coopfinance.training._curriculum import Curriculum
from coopfinance.training._files import Where, dotted, parse_table, read_table
from coopfinance.training._progress import (
    CompletionRule,
    OutcomeRecord,
    Participant,
    QuizScore,
    SessionHeld,
)
from coopfinance.training._quiz import QuizKind

__all__ = ["CohortFile", "parse_cohort", "read_cohort", "read_cohort_file"]

_V = TypeVar("_V")


class CohortFile(NamedTuple):
    """What a cohort file holds: the cohort's fields, its outcome records and its issuer."""

    cohort: dict[str, Any]
    """The keyword arguments of :class:`~coopfinance.training.Cohort`."""
    outcomes: tuple[OutcomeRecord, ...]
    issuer: str | None


def parse_cohort(
    text: str, fmt: str, curriculum: Curriculum | None, lang: str, source: str | None
) -> CohortFile:
    """A cohort file from TOML or JSON text (``fmt``); errors name the key path and, for TOML,
    the line."""
    data, where = parse_table(
        text, fmt=fmt, field="cohort", source=source, error=InvalidTrainingRecord
    )
    return read_cohort(data, where, curriculum, lang)


def read_cohort_file(
    path: str | pathlib.Path, curriculum: Curriculum | None, lang: str
) -> CohortFile:
    """A cohort file from a ``.toml`` or ``.json`` path."""
    data, where = read_table(path, field="cohort", error=InvalidTrainingRecord)
    return read_cohort(data, where, curriculum, lang)


def read_cohort(
    data: Mapping[str, Any], where: Where, curriculum: Curriculum | None, lang: str
) -> CohortFile:
    """The one cohort format, from plain data: ``scores`` may be written ``quizzes`` (errors use
    the name the file uses), ``lang`` picks the default curriculum's language and
    ``curriculum = "default"`` names it."""
    data = dict(data)
    if "scores" in data and "quizzes" in data:
        raise InvalidTrainingRecord(
            E_(
                "'scores' and 'quizzes' are the same section; give one%(where)s.",
                where=where(("scores",)),
            ),
            field="scores",
            value=None,
        )
    if "lang" in data:
        lang = str(data.pop("lang"))
    named = data.pop("curriculum", None)
    if named not in (None, "default") and curriculum is None:
        raise InvalidTrainingRecord(
            E_(
                "'curriculum' %(named)s is not bundled: pass the curriculum to read "
                "this cohort%(where)s.",
                named=repr(named),
                where=where(("curriculum",)),
            ),
            field="curriculum",
            value=named,
        )
    return _Reader(where, curriculum or Curriculum.default(lang)).read(data)


_Path = tuple[str | int, ...]
_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # section: (required keys, optional keys)
    "participants": (("id", "name"), ("role",)),
    "sessions": (("session", "date", "attended"), ()),
    "scores": (("participant", "module", "kind", "correct", "total"), ("date",)),
    "quizzes": (("participant", "module", "kind", "correct", "total"), ("date",)),
    "outcomes": (
        ("participant", "period"),
        ("installments_due", "installments_on_time", "savings"),
    ),
}
_TOP = ("id", "name", "curriculum", "lang", "issuer", "rule", *_KEYS)


class _Reader:
    def __init__(self, where: Where, curriculum: Curriculum) -> None:
        self.where = where
        self.curriculum = curriculum

    def fail(self, path: _Path, message: str, value: Any = None) -> InvalidTrainingRecord:
        return InvalidTrainingRecord(
            joined("", [message, self.where(path), "."]),
            field=dotted(path),
            value=value,
        )

    def kit(self, path: _Path, convert: Callable[[str], _V]) -> _V:
        """``convert(field)`` with the field-parsing kit; its message, placed at ``path``."""
        try:
            return convert(dotted(path))
        except InvalidValue as exc:
            raise self.fail(path, clause(exc.message), exc.value) from None

    def text(self, table: Mapping[str, Any], path: _Path) -> str:
        value = table.get(str(path[-1]))
        return self.kit(path, lambda f: to_text(value, field=f, error=InvalidTrainingRecord))

    def integer(self, table: Mapping[str, Any], path: _Path, default: int | None = None) -> int:
        value = table.get(str(path[-1]), default)
        return self.kit(path, lambda f: to_whole(value, field=f, lo=0, error=InvalidTrainingRecord))

    def date(self, table: Mapping[str, Any], path: _Path) -> dt.date:
        value = table.get(str(path[-1]))
        return self.kit(path, lambda f: to_date(value, field=f, error=InvalidTrainingRecord))

    def rows(self, data: Mapping[str, Any], section: str) -> list[Mapping[str, Any]]:
        rows = data.get(section, [])
        if not isinstance(rows, list) or not all(isinstance(r, Mapping) for r in rows):
            raise self.fail(
                (section,),
                E_(
                    "%(section)s must be a list of tables ([[%(section2)s]]) (got %(rows)s)",
                    section=repr(section),
                    section2=section,
                    rows=repr(rows),
                ),
            )
        required, optional = _KEYS[section]
        for k, row in enumerate(rows):
            for key in row:
                if key not in required + optional:
                    raise self.fail(
                        (section, k, key),
                        E_(
                            "'%(dotted_section)s' is not a key of [[%(section)s]]; use "
                            "%(required_optional)s",
                            dotted_section=dotted((section, k, key)),
                            section=section,
                            required_optional=", ".join(required + optional),
                        ),
                    )
            for key in required:
                if key not in row:
                    raise self.fail(
                        (section, k, key),
                        E_(
                            "'%(dotted_section)s' is required (got none)",
                            dotted_section=dotted((section, k, key)),
                        ),
                    )
        return rows

    def guard(self, path: _Path, build: Any) -> Any:
        """Run ``build``; a domain error becomes one that names ``path`` and its line."""
        try:
            return build()
        except CoopFinanceError as exc:
            message: str = clause(exc.message)
            if exc.field and message.startswith(f"'{exc.field}'"):
                message = renamed(message, repr(exc.field), repr(dotted(path)))
            raise self.fail(path, message, exc.value) from None

    def read(self, data: Mapping[str, Any]) -> CohortFile:
        for key in data:
            if key not in _TOP:
                raise self.fail(
                    (key,),
                    E_(
                        "%(key)s is not a cohort key; use %(top)s",
                        key=repr(key),
                        top=", ".join(_TOP),
                    ),
                )
        cid, name = self.text(data, ("id",)), self.text(data, ("name",))
        issuer = None if data.get("issuer") is None else self.text(data, ("issuer",))
        rule = CompletionRule()
        if "rule" in data:
            table = data["rule"]
            if not isinstance(table, Mapping) or set(table) - {"min_attendance", "pass_mark"}:
                raise self.fail(
                    ("rule",),
                    E_(
                        "'rule' must be a table of min_attendance, pass_mark (got %(table)s)",
                        table=repr(table),
                    ),
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
                    E_(
                        "'participants[%(k)s].id' repeats %(pid)s of participants[%(seen)s]",
                        k=k,
                        pid=repr(pid),
                        seen=seen[pid],
                    ),
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
                    E_(
                        "'sessions[%(k)s].attended' must be a list of participant ids (got "
                        "%(attended)s)",
                        k=k,
                        attended=fmt_value(attended),
                    ),
                )
            unknown = sorted(set(attended) - known)
            if unknown:
                raise self.fail(
                    ("sessions", k, "attended"),
                    E_(
                        "'sessions[%(k)s].attended' names people not in the participants (got "
                        "%(unknown)s)",
                        k=k,
                        unknown=", ".join(unknown),
                    ),
                    unknown,
                )
            sessions.append(SessionHeld(session_id=sid, date=when, attended=attended))
        scores = []
        section = "quizzes" if "quizzes" in data else "scores"
        for k, row in enumerate(self.rows(data, section)):
            path: _Path = (section, k)
            who = self.text(row, (*path, "participant"))
            if who not in known:
                raise self.fail(
                    (*path, "participant"),
                    E_(
                        "'%(dotted_path)s' is not a participant (got %(who)s)",
                        dotted_path=dotted((*path, "participant")),
                        who=repr(who),
                    ),
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
                    E_(
                        "'%(dotted_path)s' is not a participant (got %(who)s)",
                        dotted_path=dotted((*path, "participant")),
                        who=repr(who),
                    ),
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
        cohort = {
            "id": cid,
            "name": name,
            "curriculum": self.curriculum,
            "participants": participants,
            "sessions_held": sessions,
            "scores": scores,
            "rule": rule,
        }
        return CohortFile(cohort=cohort, outcomes=tuple(outcomes), issuer=issuer)


def _share(value: Any) -> Decimal:
    """``"80%"`` → 0.8; a plain number is a fraction."""
    if isinstance(value, str) and value.strip().endswith("%"):
        return to_decimal(value.strip()[:-1].strip(), field="share") / 100
    return to_decimal(value, field="share")
