"""Curricula: a course of modules, each of sessions of 30–60 minutes with objectives, materials,
activities and the exercise generators that serve them.

A curriculum is data. The bundled default (``data/default.toml``, whose texts are the English
ids of catalog messages of context ``training curriculum``, so every language of the catalogs reads it)
follows the Freedom from Hunger / MFO Financial Education Core Curriculum pattern —
pick-and-choose sessions of 30–60 minutes, small-group discussion, stories, role-plays and games —
on a dairy co-op's own subjects (reference §7, §8). A co-op loads its own modules in the same
format and :meth:`Curriculum.extend` adds them. Every error names the file and the key path::

    'modules[2].sessions[0].minutes' must be between 30 and 60 (got 90) in coop.toml.

File format (TOML; JSON with the same keys also works)::

    id = "coop-default"          lang = "es"          title = "..."          audience = "..."
    [[modules]]            id, title, topic (budget|saving|credit|milk|plans|coop), summary
    [[modules.sessions]]   id, title, minutes (30–60), objectives, materials, exercises
    [[modules.sessions.activities]]  title, minutes, method, description
"""

from __future__ import annotations

import enum
import functools
import importlib.resources
import pathlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import attrs

from coopfinance._decimal import exact
from coopfinance._fields import to_text, to_whole
from coopfinance.errors import E_, InvalidCurriculum, InvalidValue, clause, fmt_value, joined
from coopfinance.text import translator
from coopfinance.training._exercise import LANGUAGES, Topic
from coopfinance.training._files import parse_table, read_table
from coopfinance.training._generators import GENERATORS

__all__ = [
    "CURRICULUM_CONTEXT",
    "MAX_MINUTES",
    "MIN_MINUTES",
    "Activity",
    "Curriculum",
    "Method",
    "Module",
    "Session",
    "check_translations",
]

MIN_MINUTES = 30
MAX_MINUTES = 60
"""A session lasts 30–60 minutes (FECC: pick-and-choose sessions an adult group can sit through)."""

_V = TypeVar("_V")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class Method(enum.Enum):
    """How an activity is run (adult-learning methods of the FECC and VSLA manuals)."""

    DISCUSSION = "discussion"
    STORY = "story"
    ROLE_PLAY = "role-play"
    GAME = "game"
    EXERCISE = "exercise"
    DEMONSTRATION = "demonstration"
    QUIZ = "quiz"


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _activities(value: Iterable[Activity]) -> tuple[Activity, ...]:
    return tuple(value)


def _sessions(value: Iterable[Session]) -> tuple[Session, ...]:
    return tuple(value)


def _modules(value: Iterable[Module]) -> tuple[Module, ...]:
    return tuple(value)


@attrs.frozen(slots=True, kw_only=True)
class Activity:
    """One activity of a session: what the trainer does for ``minutes`` minutes."""

    title: str
    minutes: int
    method: Method
    description: str = ""


@attrs.frozen(slots=True, kw_only=True)
class Session:
    """A session of 30–60 minutes: learning objectives, materials, activities and the exercise
    generators (names in :data:`~coopfinance.training.GENERATORS`) used to practise."""

    id: str
    title: str
    minutes: int
    objectives: tuple[str, ...] = attrs.field(converter=_strings)
    materials: tuple[str, ...] = attrs.field(converter=_strings, default=())
    activities: tuple[Activity, ...] = attrs.field(converter=_activities, default=())
    exercises: tuple[str, ...] = attrs.field(converter=_strings, default=())


@attrs.frozen(slots=True, kw_only=True)
class Module:
    """A module: sessions on one :class:`Topic`."""

    id: str
    title: str
    topic: Topic
    sessions: tuple[Session, ...] = attrs.field(converter=_sessions)
    summary: str = ""

    @property
    def minutes(self) -> int:
        """The module's total time."""
        return sum(s.minutes for s in self.sessions)

    @property
    def exercises(self) -> tuple[str, ...]:
        """The generators used in the module's sessions, in order, without repeats."""
        return tuple(dict.fromkeys(g for s in self.sessions for g in s.exercises))


@attrs.frozen(slots=True, kw_only=True)
class Curriculum:
    """A course: modules in one language.

    >>> course = Curriculum.default("es")
    >>> [m.id for m in course.modules]
    ['budget', 'saving', 'credit', 'milk', 'plans', 'coop']
    >>> course.session("credit-2").minutes
    60
    >>> course.module("credit").title
    'El crédito: leer el cronograma y comparar ofertas'
    """

    id: str
    lang: str
    title: str
    modules: tuple[Module, ...] = attrs.field(converter=_modules)
    audience: str = ""
    version: str = ""

    # -- look-ups -------------------------------------------------------------------------------
    def module(self, module_id: str) -> Module:
        """The module ``module_id``."""
        for m in self.modules:
            if m.id == module_id:
                return m
        raise InvalidCurriculum(
            E_(
                "'module' must be one of %(id_m)s (got %(module_id)s).",
                id_m=", ".join(m.id for m in self.modules),
                module_id=fmt_value(module_id),
            ),
            field="module",
            value=module_id,
        )

    def session(self, session_id: str) -> Session:
        """The session ``session_id`` (ids are unique across modules)."""
        for _, s in self.sessions():
            if s.id == session_id:
                return s
        raise InvalidCurriculum(
            E_(
                "'session' is not in curriculum %(id)s (got %(session_id)s).",
                id=repr(self.id),
                session_id=fmt_value(session_id),
            ),
            field="session",
            value=session_id,
        )

    def module_of(self, session_id: str) -> Module:
        """The module that holds ``session_id``."""
        for m, s in self.sessions():
            if s.id == session_id:
                return m
        raise InvalidCurriculum(
            E_(
                "'session' is not in curriculum %(id)s (got %(session_id)s).",
                id=repr(self.id),
                session_id=fmt_value(session_id),
            ),
            field="session",
            value=session_id,
        )

    def sessions(self) -> Iterator[tuple[Module, Session]]:
        """Every session with its module, in teaching order."""
        for m in self.modules:
            for s in m.sessions:
                yield m, s

    @property
    def minutes(self) -> int:
        """The whole course's time."""
        return sum(m.minutes for m in self.modules)

    # -- extension --------------------------------------------------------------------------------
    def extend(self, other: Curriculum, *, replace: bool = False) -> Curriculum:
        """This curriculum with ``other``'s modules added at the end (same language).

        A module id already present is an error unless ``replace``, which puts ``other``'s module
        in its place. Session ids stay unique across the result.
        """
        if other.lang != self.lang:
            raise InvalidCurriculum(
                E_(
                    "'lang' of an extension must be %(lang)s like the curriculum (got %(lang2)s).",
                    lang=repr(self.lang),
                    lang2=repr(other.lang),
                ),
                field="lang",
                value=other.lang,
            )
        modules = list(self.modules)
        index = {m.id: k for k, m in enumerate(modules)}
        for m in other.modules:
            if m.id in index:
                if not replace:
                    raise InvalidCurriculum(
                        E_(
                            "'modules' of %(id)s repeat module id %(id2)s of %(id3)s; pass "
                            "replace=True to replace it.",
                            id=repr(other.id),
                            id2=repr(m.id),
                            id3=repr(self.id),
                        ),
                        field="modules",
                        value=m.id,
                    )
                modules[index[m.id]] = m
            else:
                modules.append(m)
        result = attrs.evolve(self, modules=tuple(modules))
        _check_unique_sessions(result.modules, other.id)
        return result

    # -- loading ------------------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str | None = None) -> Curriculum:
        """A curriculum from plain data (parsed TOML or JSON), validated; ``source`` names the file
        in error messages."""
        return _Parser(source).curriculum(data)

    @classmethod
    def from_toml(cls, text: str, *, source: str | None = None) -> Curriculum:
        """A curriculum from TOML text."""
        return cls.from_dict(_table(text, "toml", source), source=source)

    @classmethod
    def from_json(cls, text: str, *, source: str | None = None) -> Curriculum:
        """A curriculum from JSON text."""
        return cls.from_dict(_table(text, "json", source), source=source)

    @classmethod
    def from_file(cls, path: str | pathlib.Path) -> Curriculum:
        """A curriculum from a ``.toml`` or ``.json`` file."""
        name = pathlib.Path(path).name
        try:
            data, _ = read_table(path, field="curriculum", error=InvalidCurriculum)
        except InvalidCurriculum as exc:
            exc.source = name
            raise
        return cls.from_dict(data, source=name)

    @classmethod
    def default(cls, lang: str = "es") -> Curriculum:
        """The bundled curriculum for dairy co-op members, in ``lang`` (any of :data:`LANGUAGES`).

        One file holds it (``data/default.toml``, in English); every text is read through the
        catalogs (context ``training curriculum``), so a new language is a catalog alone.
        """
        if lang not in LANGUAGES:
            raise InvalidCurriculum(
                E_(
                    "'lang' must be one of %(languages)s (got %(lang)s).",
                    languages=", ".join(LANGUAGES),
                    lang=fmt_value(lang),
                ),
                field="lang",
                value=lang,
            )
        name = "default.toml"
        text = importlib.resources.files("coopfinance.training").joinpath("data", name)
        data = _table(text.read_text(encoding="utf-8"), "toml", name)
        return cls.from_dict(_translated(data, lang), source=name)

    def to_data(self) -> dict[str, Any]:
        """Plain values for a document template (the session guide)."""
        return {
            "id": self.id,
            "lang": self.lang,
            "title": self.title,
            "audience": self.audience,
            "version": self.version,
            "minutes": self.minutes,
            "modules": [
                {
                    "id": m.id,
                    "title": m.title,
                    "topic": m.topic.value,
                    "summary": m.summary,
                    "minutes": m.minutes,
                    "sessions": [
                        {
                            "id": s.id,
                            "title": s.title,
                            "minutes": s.minutes,
                            "objectives": list(s.objectives),
                            "materials": list(s.materials),
                            "activities": [
                                {
                                    "title": a.title,
                                    "minutes": a.minutes,
                                    "method": a.method.value,
                                    "description": a.description,
                                }
                                for a in s.activities
                            ],
                            "exercises": list(s.exercises),
                        }
                        for s in m.sessions
                    ],
                }
                for m in self.modules
            ],
        }


def _table(text: str, fmt: str, source: str | None) -> dict[str, Any]:
    try:
        data, _ = parse_table(
            text, fmt=fmt, field="curriculum", source=source, error=InvalidCurriculum
        )
    except InvalidCurriculum as exc:
        exc.source = source
        raise
    return data


_TEXTS = frozenset({"title", "audience", "summary", "description"})
_TEXT_LISTS = frozenset({"objectives", "materials"})


def _translated(data: Any, lang: str) -> Any:
    """The bundled curriculum's plain data with every text in ``lang`` (catalog context
    ``curriculum``; the English id when a catalog lacks it)."""
    tr = translator(lang)

    def say(text: Any) -> Any:
        return tr.label(CURRICULUM_CONTEXT, text) if isinstance(text, str) and text else text

    def walk(value: Any) -> Any:
        if isinstance(value, list):
            return [walk(v) for v in value]
        if not isinstance(value, Mapping):
            return value
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key in _TEXTS:
                out[key] = say(item)
            elif key in _TEXT_LISTS and isinstance(item, list):
                out[key] = [say(v) for v in item]
            else:
                out[key] = walk(item)
        return out

    result = walk(data)
    result["lang"] = lang
    return result


CURRICULUM_CONTEXT = "training curriculum"
"""The ``msgctxt`` of the bundled curriculum's texts in the catalogs."""


def _where(source: str | None) -> str:
    return E_(" in %(source)s", source=source) if source else ""


def _check_unique_sessions(modules: Sequence[Module], source: str | None) -> None:
    seen: dict[str, str] = {}
    for m in modules:
        for s in m.sessions:
            if s.id in seen:
                raise InvalidCurriculum(
                    E_(
                        "'sessions' id %(id)s of module %(id2)s is already used in module "
                        "%(seen)s%(where_source)s.",
                        id=repr(s.id),
                        id2=repr(m.id),
                        seen=repr(seen[s.id]),
                        where_source=_where(source),
                    ),
                    field="sessions",
                    value=s.id,
                    source=source,
                )
            seen[s.id] = m.id


def _text(value: Any, field: str) -> str:
    return to_text(value, field=field, error=InvalidCurriculum)


class _Parser:
    """Validates plain data into a :class:`Curriculum`, naming the key path of every error."""

    def __init__(self, source: str | None) -> None:
        self.source = source

    def fail(self, path: str, message: str, value: Any) -> InvalidCurriculum:
        return InvalidCurriculum(
            E_(
                "%(path)s %(message)s (got %(value)s)%(where_source)s.",
                path=repr(path),
                message=message,
                value=fmt_value(value),
                where_source=_where(self.source),
            ),
            field=path,
            value=value,
            source=self.source,
        )

    def keys(self, data: Any, path: str, required: set[str], optional: set[str]) -> None:
        if not isinstance(data, Mapping):
            raise self.fail(path or "top", E_("must be a table of keys"), type(data).__name__)
        prefix = f"{path}." if path else ""
        for k in sorted(required):
            if k not in data:
                raise self.fail(f"{prefix}{k}", E_("is required"), None)
        for k in data:
            if k not in required | optional:
                allowed = ", ".join(sorted(required | optional))
                raise self.fail(
                    f"{prefix}{k}",
                    E_("is not a known key (%(allowed)s)", allowed=allowed),
                    data[k],
                )

    def kit(self, path: str, convert: Callable[[str], _V]) -> _V:
        """``convert(field)`` with the field-parsing kit; its message, naming the file."""
        try:
            return convert(path)
        except InvalidValue as exc:
            raise InvalidCurriculum(
                joined("", [clause(exc.message), _where(self.source), "."]),
                field=path,
                value=exc.value,
                source=self.source,
            ) from None

    def text(self, data: Mapping[str, Any], key: str, path: str, *, empty: bool = False) -> str:
        value = data.get(key, "")
        if empty and isinstance(value, str) and not value.strip():
            return ""
        p = f"{path}.{key}" if path else key
        return self.kit(p, functools.partial(_text, value))

    def ident(self, data: Mapping[str, Any], key: str, path: str) -> str:
        value = self.text(data, key, path)
        if not _ID.match(value):
            p = f"{path}.{key}" if path else key
            raise self.fail(p, E_("must be lower-case letters, digits and '-'"), value)
        return value

    def minutes(self, data: Mapping[str, Any], path: str, low: int, high: int) -> int:
        value = data["minutes"]
        return self.kit(
            f"{path}.minutes",
            lambda f: to_whole(value, field=f, lo=low, hi=high, error=InvalidCurriculum),
        )

    def texts(
        self, data: Mapping[str, Any], key: str, path: str, *, required: bool
    ) -> tuple[str, ...]:
        value = data.get(key, [])
        p = f"{path}.{key}"
        if not isinstance(value, list):
            raise self.fail(p, E_("must be a list of texts"), value)
        if required and not value:
            raise self.fail(p, E_("must list at least one item"), value)
        out = []
        for k, item in enumerate(value):
            out.append(self.kit(f"{p}[{k}]", functools.partial(_text, item)))
        return tuple(out)

    def items(self, data: Mapping[str, Any], key: str, path: str) -> list[Any]:
        value = data[key]
        p = f"{path}.{key}" if path else key
        if not isinstance(value, list) or not value:
            raise self.fail(p, E_("must be a non-empty list"), value)
        return value

    def curriculum(self, data: Mapping[str, Any]) -> Curriculum:
        self.keys(data, "", {"id", "lang", "title", "modules"}, {"audience", "version"})
        lang = self.text(data, "lang", "")
        if lang not in LANGUAGES:
            raise self.fail(
                "lang", E_("must be one of %(languages)s", languages=", ".join(LANGUAGES)), lang
            )
        modules = tuple(
            self.module(m, f"modules[{k}]") for k, m in enumerate(self.items(data, "modules", ""))
        )
        ids = [m.id for m in modules]
        for k, mid in enumerate(ids):
            if mid in ids[:k]:
                raise self.fail(f"modules[{k}].id", E_("repeats an earlier module id"), mid)
        _check_unique_sessions(modules, self.source)
        version = data.get("version", "")
        return Curriculum(
            id=self.ident(data, "id", ""),
            lang=lang,
            title=self.text(data, "title", ""),
            audience=self.text(data, "audience", "", empty=True),
            version=str(version),
            modules=modules,
        )

    def module(self, data: Any, path: str) -> Module:
        self.keys(data, path, {"id", "title", "topic", "sessions"}, {"summary"})
        topic_text = self.text(data, "topic", path)
        if topic_text not in {t.value for t in Topic}:
            choices = ", ".join(t.value for t in Topic)
            raise self.fail(
                f"{path}.topic",
                E_("must be one of %(choices)s", choices=choices),
                topic_text,
            )
        sessions = tuple(
            self.session(s, f"{path}.sessions[{k}]")
            for k, s in enumerate(self.items(data, "sessions", path))
        )
        return Module(
            id=self.ident(data, "id", path),
            title=self.text(data, "title", path),
            topic=Topic(topic_text),
            summary=self.text(data, "summary", path, empty=True),
            sessions=sessions,
        )

    def session(self, data: Any, path: str) -> Session:
        self.keys(
            data,
            path,
            {"id", "title", "minutes", "objectives", "activities"},
            {"materials", "exercises"},
        )
        minutes = self.minutes(data, path, MIN_MINUTES, MAX_MINUTES)
        activities = tuple(
            self.activity(a, f"{path}.activities[{k}]")
            for k, a in enumerate(self.items(data, "activities", path))
        )
        used = sum(a.minutes for a in activities)
        if used > minutes:
            raise self.fail(
                f"{path}.activities",
                E_("must fit in the session's %(minutes)s minutes", minutes=minutes),
                f"{used} minutes",
            )
        exercises = self.texts(data, "exercises", path, required=False)
        for k, name in enumerate(exercises):
            if name not in GENERATORS:
                raise self.fail(
                    f"{path}.exercises[{k}]",
                    E_(
                        "must name an exercise generator (%(generators)s)",
                        generators=", ".join(GENERATORS),
                    ),
                    name,
                )
        return Session(
            id=self.ident(data, "id", path),
            title=self.text(data, "title", path),
            minutes=minutes,
            objectives=self.texts(data, "objectives", path, required=True),
            materials=self.texts(data, "materials", path, required=False),
            activities=activities,
            exercises=exercises,
        )

    def activity(self, data: Any, path: str) -> Activity:
        self.keys(data, path, {"title", "minutes", "method"}, {"description"})
        method = self.text(data, "method", path)
        if method not in {m.value for m in Method}:
            choices = ", ".join(m.value for m in Method)
            raise self.fail(
                f"{path}.method",
                E_("must be one of %(choices)s", choices=choices),
                method,
            )
        return Activity(
            title=self.text(data, "title", path),
            minutes=self.minutes(data, path, 1, MAX_MINUTES),
            method=Method(method),
            description=self.text(data, "description", path, empty=True),
        )


@exact
def check_translations(first: Curriculum, second: Curriculum) -> None:
    """Raise unless the two curricula are translations of each other: the same id, the same
    modules, sessions and activities in the same order, with the same topics, minutes, methods and
    exercises.

    >>> check_translations(Curriculum.default("es"), Curriculum.default("en"))
    """
    where = f"{first.id}[{first.lang}] and {second.id}[{second.lang}]"

    def differ(path: str, a: Any, b: Any) -> InvalidCurriculum:
        return InvalidCurriculum(
            E_(
                "%(path)s differs between %(where)s (got %(a)s and %(b)s).",
                path=repr(path),
                where=where,
                a=fmt_value(a),
                b=fmt_value(b),
            ),
            field=path,
            value=(a, b),
        )

    if first.id != second.id:
        raise differ("id", first.id, second.id)
    if [m.id for m in first.modules] != [m.id for m in second.modules]:
        raise differ("modules", [m.id for m in first.modules], [m.id for m in second.modules])
    for k, (a, b) in enumerate(zip(first.modules, second.modules, strict=True)):
        path = f"modules[{k}]"
        if a.topic is not b.topic:
            raise differ(f"{path}.topic", a.topic.value, b.topic.value)
        if [s.id for s in a.sessions] != [s.id for s in b.sessions]:
            raise differ(
                f"{path}.sessions",
                [s.id for s in a.sessions],
                [s.id for s in b.sessions],
            )
        for j, (s, t) in enumerate(zip(a.sessions, b.sessions, strict=True)):
            sp = f"{path}.sessions[{j}]"
            for key in ("minutes", "exercises"):
                if getattr(s, key) != getattr(t, key):
                    raise differ(f"{sp}.{key}", getattr(s, key), getattr(t, key))
            for key in ("objectives", "materials", "activities"):
                if len(getattr(s, key)) != len(getattr(t, key)):
                    raise differ(
                        f"{sp}.{key}",
                        len(getattr(s, key)),
                        len(getattr(t, key)),
                    )
            for i, (x, y) in enumerate(zip(s.activities, t.activities, strict=True)):
                if (x.minutes, x.method) != (y.minutes, y.method):
                    raise differ(
                        f"{sp}.activities[{i}]",
                        f"{x.minutes} min {x.method.value}",
                        f"{y.minutes} min {y.method.value}",
                    )
