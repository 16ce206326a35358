"""The Jinja2 environment every document is rendered with, the template search path and the labels.

Templates are found in the user's template directories first, in the order given, then in the
bundled ones: ``coopfinance/_bundled/templates`` inside an installed wheel, or the repository's
top-level ``templates/`` in an editable install (``Path(__file__).parents[3]`` from this file is the
repository root: ``documents`` → ``coopfinance`` → ``src`` → root).

A document ``name`` in format ``fmt`` is the template ``{name}.{fmt}.j2``. Autoescaping is on for
``.html.j2`` and off for ``.md.j2``, where templates pass user text through the ``md`` filter, and
for ``.txt.j2`` (plain text for a terminal, laid out in columns by the ``columns`` filter).
Labels are gettext messages (:mod:`coopfinance.text`; a label key is the message context); a
user template directory may override them (``i18n/{lang}.json`` or ``locale/``).
"""

from __future__ import annotations

import contextvars
import ctypes
import datetime as dt
import functools
import importlib
import json
import os
import re
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any, Final

import jinja2
import jinja2.sandbox
import markupsafe
from jinja2 import pass_context

from coopfinance import text
from coopfinance._decimal import exact
from coopfinance._money import Currency, Money
from coopfinance.documents._charts import bar_chart, line_chart
from coopfinance.documents._format import (
    align_columns,
    check_lang,
    escape_markdown,
    format_date,
    format_money,
    format_number,
    format_percent,
)
from coopfinance.errors import (
    E_,
    InvalidTemplate,
    InvalidValue,
    MissingDependency,
    MissingTemplate,
    MissingValue,
    RenderLimit,
    UnsafeTemplate,
    WrongType,
    fmt_value,
)

__all__ = [
    "FORMATS",
    "bundled_templates",
    "environment",
    "label_ids",
    "render",
    "render_pdf",
    "template_search_path",
]

FORMATS: Final[tuple[str, ...]] = ("md", "html", "txt")
"""The text formats a document renders to: Markdown, HTML, and plain text for a terminal (``txt``,
what the command line prints); PDF is made from the HTML (:func:`render_pdf`)."""

_HERE = Path(__file__).resolve()
_WHEEL_TEMPLATES = _HERE.parents[1] / "_bundled" / "templates"
_REPO_TEMPLATES = _HERE.parents[3] / "templates"
_MARKER = "base.html.j2"  # a directory without it is not coopfinance's template directory
_RESERVED = ("lang", "fmt")


def bundled_templates() -> Path:
    """The directory of the templates shipped with coopfinance (wheel or editable install).

    >>> (bundled_templates() / "schedule.md.j2").is_file()
    True
    """
    for candidate in (_WHEEL_TEMPLATES, _REPO_TEMPLATES):
        if (candidate / _MARKER).is_file():
            return candidate
    raise MissingTemplate(
        E_(
            "coopfinance's bundled templates are missing: looked in "
            "%(wheel_templates)s (installed wheel) and %(repo_templates)s "
            "(editable install); reinstall coopfinance.",
            wheel_templates=_WHEEL_TEMPLATES,
            repo_templates=_REPO_TEMPLATES,
        ),
        field="templates",
        value=str(_WHEEL_TEMPLATES),
    )


def template_search_path(template_dirs: Iterable[str | os.PathLike[str]] = ()) -> tuple[Path, ...]:
    """The directories searched for templates and labels, in order: ``template_dirs``, then bundled.

    Each of ``template_dirs`` must be an existing directory.

    >>> template_search_path()[-1] == bundled_templates()
    True
    """
    if isinstance(template_dirs, str | os.PathLike):
        raise WrongType(
            E_(
                "'template_dirs' must be a sequence of directories, not one path (got "
                "%(template_dirs)s); write template_dirs=[...].",
                template_dirs=fmt_value(template_dirs),
            ),
            field="template_dirs",
            value=template_dirs,
        )
    dirs: list[Path] = []
    for item in template_dirs:
        if not isinstance(item, str | os.PathLike):
            raise WrongType(
                E_(
                    "'template_dirs' must hold paths (got %(type)s %(item)s).",
                    type=type(item).__name__,
                    item=fmt_value(item),
                ),
                field="template_dirs",
                value=item,
            )
        path = Path(item).expanduser().resolve()
        if not path.is_dir():
            raise InvalidValue(
                E_(
                    "'template_dirs' must name existing directories (got %(item)s).",
                    item=fmt_value(str(item)),
                ),
                field="template_dirs",
                value=item,
            )
        dirs.append(path)
    return (*dirs, bundled_templates())


def label_ids() -> Mapping[str, str | tuple[str, str]]:
    """Each label key → its English message id (``(singular, plural)`` for a plural label)."""
    return _label_index()


@functools.cache
def _label_index() -> dict[str, str | tuple[str, str]]:
    """Each label key → its English message id, or ``(singular, plural)`` for a plural label
    (labels are gettext messages whose ``msgctxt`` is the key, so a template asks
    ``t("column.interest")`` or ``t("portfolio.par_more_than", days, days=days)`` and a translator
    sees the English text)."""
    return {
        str(m.context): (str(m.id[0]), str(m.id[1])) if isinstance(m.id, tuple) else str(m.id)
        for m in text.catalog_messages("en")
        if m.context and m.id and " " not in m.context  # label keys are dotted names
    }


class _Labels:
    """The labels of one search path in every language: the gettext catalogs of
    :mod:`coopfinance.text`, with a user's overrides in front (``i18n/{lang}.json`` and
    ``i18n/{lang}-*.json`` label files, or ``locale/{lang}/LC_MESSAGES/coopfinance.po``, in each of
    the user's template directories; then ``messages`` given to :func:`render`)."""

    def __init__(
        self, search_path: tuple[Path, ...], messages: text.Overrides | None = None
    ) -> None:
        self._user_dirs = search_path[:-1]
        self._messages = messages
        self._loaded: dict[str, tuple[text.Translator, dict[str, str]]] = {}

    def _user_labels(self, lang: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for directory in reversed(self._user_dirs):  # the first directory given wins
            folder = directory / "i18n"
            for path in [folder / f"{lang}.json", *sorted(folder.glob(f"{lang}-*.json"))]:
                if path.is_file():
                    found.update(_read_catalog(path))
        return found

    def translator(self, lang: str) -> tuple[text.Translator, dict[str, str]]:
        found = self._loaded.get(lang)
        if found is None:
            index = _label_index()
            user = self._user_labels(lang)
            own = {k: v for k, v in user.items() if k not in index}  # a user template's own labels
            sources: list[text.Overrides] = []
            if self._messages is not None:
                sources.append(self._messages)
            sources.append(
                {(k, index[k]): v for k, v in user.items() if isinstance(index.get(k), str)}
            )
            sources.extend(d / "locale" for d in self._user_dirs if (d / "locale").is_dir())
            found = (text.translator(lang, overrides=sources), own)
            self._loaded[lang] = found
        return found

    def lookup(self, lang: str, key: object, n: int | None = None, params: Any = None) -> str:
        """The label ``key`` in ``lang``; a plural label needs the count ``n``; ``params`` fill
        the label's ``%(name)s`` placeholders (none given: the label as it stands)."""
        lang = check_lang(lang)
        translator, own = self.translator(lang)
        english = _label_index().get(key) if isinstance(key, str) else None
        if isinstance(english, tuple):
            if not isinstance(n, int) or isinstance(n, bool):
                raise WrongType(
                    E_(
                        "the label %(key)s is a plural message: give the count, t(%(key)s, n, "
                        "...) (got %(n)s).",
                        key=repr(key),
                        n=fmt_value(n),
                    ),
                    field=str(key),
                    value=n,
                )
            return translator.npgettext(str(key), *english, n, **(params or {}))
        if english is not None:
            found = translator.label(str(key), english)
            return found if params is None else translator.pgettext(str(key), english, **params)
        if isinstance(key, str) and key in own:
            return own[key]
        raise MissingValue(
            E_(
                "the label %(key)s is not in the %(lang)s catalog (%(locale_dir)s or a "
                "template directory's i18n/%(lang2)s.json).",
                key=fmt_value(key),
                lang=repr(lang),
                locale_dir=text.LOCALE_DIR,
                lang2=lang,
            ),
            field=str(key),
            value=key,
        )


def _read_catalog(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidTemplate(
            E_(
                "the label catalog %(path)s must be a JSON object of strings (%(exc)s).",
                path=path,
                exc=exc,
            ),
            field="catalog",
            value=str(path),
        ) from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise InvalidTemplate(
            E_(
                "the label catalog %(path)s must be a JSON object of strings (got "
                "%(type)s, or a value that is not a string).",
                path=path,
                type=type(data).__name__,
            ),
            field="catalog",
            value=str(path),
        )
    return data


def _lang(ctx: jinja2.runtime.Context) -> str:
    lang = ctx.get("lang")
    if lang is None:
        raise MissingValue(
            E_("the template needs 'lang' in its context ('es' or 'en'); render() sets it."),
            field="lang",
            value=None,
        )
    return check_lang(lang)


@pass_context
def _money_filter(
    ctx: jinja2.runtime.Context,
    value: Money | Decimal | int | str,
    currency: Currency | str | None = None,
    symbol: bool = True,
) -> str:
    return format_money(value, currency, lang=_lang(ctx), symbol=symbol)


@pass_context
def _number_filter(
    ctx: jinja2.runtime.Context, value: Decimal | int | str, places: int | None = None
) -> str:
    return format_number(value, lang=_lang(ctx), places=places)


@pass_context
def _percent_filter(
    ctx: jinja2.runtime.Context, value: Decimal | int | str, places: int = 2
) -> str:
    return format_percent(value, lang=_lang(ctx), places=places)


@pass_context
def _date_filter(ctx: jinja2.runtime.Context, value: dt.date, style: str = "long") -> str:
    return format_date(value, lang=_lang(ctx), style=style)


def _is_date(value: object) -> bool:
    return isinstance(value, dt.date)


def _is_decimal(value: object) -> bool:
    return isinstance(value, Decimal)


def environment(
    template_dirs: Iterable[str | os.PathLike[str]] = (),
    *,
    sandboxed: bool | None = None,
    messages: text.Overrides | None = None,
) -> jinja2.Environment:
    """A new Jinja2 environment that loads from ``template_dirs``, then the bundled templates.

    - ``undefined=StrictUndefined``: a missing value is an error, never a blank;
    - autoescaping for ``.html.j2`` (and ``.html``), none for ``.md.j2``;
    - filters ``money``, ``number``, ``percent``, ``date`` (in the context's ``lang``), ``md`` and
      ``columns`` (:func:`~coopfinance.documents.align_columns`, for plain-text tables);
    - tests ``date`` and ``decimal``; the global ``t(key)`` looks a label up (``t(key, n, name=…)``
      for a plural label with placeholders), and the Jinja2 ``i18n`` extension gives ``_()``,
      ``gettext``, ``ngettext``, ``pgettext`` and ``{% trans %}`` (newstyle: the translation is
      filled and escaped by Jinja), all in the context's ``lang``;
    - ``messages``: a co-op's own messages in front of the bundled catalogs (a folder of ``.po``
      files, a mapping ``{msgid: text}`` / ``{(context, msgid): text}``, or a
      :class:`~coopfinance.text.Translator`), each checked for the placeholders of the message it
      replaces (:func:`coopfinance.text.translator`);
      the globals ``bar_chart`` and ``line_chart`` draw inline SVG charts (numbers in ``lang``);
    - ``sandboxed``: render in Jinja2's :class:`~jinja2.sandbox.SandboxedEnvironment`, which
      refuses access to Python internals (``__class__``, ``__globals__``, unsafe methods). ``None``
      (the default) sandboxes exactly when ``template_dirs`` is not empty, i.e. when a user's
      templates may be loaded; the bundled templates render the same either way.

    >>> env = environment()
    >>> env.from_string("{{ t('column.interest') }}: {{ x|money('PEN') }}").render(
    ...     lang="es", x=Decimal("130.9"))
    'Interés: S/ 130.90'
    >>> isinstance(environment(sandboxed=True), jinja2.sandbox.SandboxedEnvironment)
    True
    """
    path = template_search_path(template_dirs)
    return _build(path, _sandbox(path, sandboxed), messages)


def _sandbox(search_path: tuple[Path, ...], sandboxed: bool | None) -> bool:
    if sandboxed is None:
        return len(search_path) > 1  # anything besides the bundled directory
    if not isinstance(sandboxed, bool):
        raise WrongType(
            E_(
                "'sandboxed' must be True, False or None (got %(sandboxed)s).",
                sandboxed=fmt_value(sandboxed),
            ),
            field="sandboxed",
            value=sandboxed,
        )
    return sandboxed


MAX_OUTPUT_CHARS: Final = 20_000_000
"""The longest document a template may produce (20 million characters) before it is stopped."""
MAX_RENDER_SECONDS: Final = 30.0
"""The longest a render may take: a template that loops without end is stopped (issue 20 §4)."""
MAX_SEQUENCE: Final = 100_000
"""The longest ``range()``, repeated string or list a sandboxed template may make."""
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "coopfinance_render_deadline", default=None
)

# Bidirectional overrides and isolates, marks, zero-width and other invisible format characters,
# and control characters (but tab and line ends): in user text they can disguise an amount or a
# name ("Trojan Source", CVE-2021-42574); each is shown as U+FFFD in a document.
_INVISIBLE = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u180e\u200b"
    "\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)


def neutralize(value: Any) -> Any:
    """``value`` with invisible and bidirectional control characters replaced by U+FFFD (�); any
    other value as it is. Every ``{{ … }}`` of every template goes through it.

    >>> neutralize("Ana \u202e05.0001 S/")
    'Ana �05.0001 S/'
    """
    if isinstance(value, str) and _INVISIBLE.search(value):
        cleaned = _INVISIBLE.sub("\ufffd", str(value))
        return markupsafe.Markup(cleaned) if isinstance(value, markupsafe.Markup) else cleaned
    return value


def _overtime() -> RenderLimit:
    return RenderLimit(
        E_(
            "the document took longer than %(max_render_seconds)s s to render and "
            "was stopped: does a template loop without end?",
            max_render_seconds=format(MAX_RENDER_SECONDS, "g"),
        ),
        field="template",
        value=MAX_RENDER_SECONDS,
    )


def _check_deadline() -> None:
    deadline = _DEADLINE.get()
    if deadline is not None and time.monotonic() > deadline:
        raise _overtime()


class _Overtime(BaseException):
    """Raised in the rendering thread by the watchdog once the render passes its time; caught by
    :func:`_generate` (a ``BaseException``, so no ``except Exception`` of Jinja2 or a filter
    swallows it)."""


def _raise_in(thread: int, exc: type[BaseException] | None) -> None:
    """Raise ``exc`` in ``thread`` at its next bytecode check (CPython's asynchronous exception;
    ``None`` withdraws one not yet raised)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread), None if exc is None else ctypes.py_object(exc)
    )


class _Watchdog:
    """Stops the calling thread's render after ``seconds``, wherever it is: also a template loop
    over a huge context list that prints nothing (``{% for x in big %}{% endfor %}``), which
    the checks at range steps, repetitions and output chunks never reach. The timer thread
    raises :class:`_Overtime` in the rendering thread; :meth:`stop` (under the same lock, so the
    two never cross) cancels it and withdraws an exception raised too late to matter. Only on
    CPython (elsewhere the checks at steps and chunks remain)."""

    def __init__(self, seconds: float) -> None:
        self._thread = threading.get_ident()
        self._lock = threading.Lock()
        self._done = False
        self._fired = False
        self._timer: threading.Timer | None = None
        if sys.implementation.name == "cpython":
            self._timer = threading.Timer(seconds, self._fire)
            self._timer.daemon = True
            self._timer.start()

    def _fire(self) -> None:
        with self._lock:
            if not self._done:
                self._fired = True
                _raise_in(self._thread, _Overtime)

    def stop(self) -> None:
        with self._lock:
            self._done = True
            if self._timer is not None:
                self._timer.cancel()
            if self._fired:
                _raise_in(self._thread, None)


def _limited_range(*args: int) -> Iterator[int]:
    """``range`` for sandboxed templates: at most :data:`MAX_SEQUENCE` items, within the time."""
    items = range(*args)
    if len(items) > MAX_SEQUENCE:
        raise RenderLimit(
            E_(
                "a template's range() may have at most %(max_sequence)s items (got %(items)s).",
                max_sequence=MAX_SEQUENCE,
                items=len(items),
            ),
            field="template",
            value=len(items),
        )
    for k, item in enumerate(items):
        if not k % 1000:
            _check_deadline()
        yield item


class _LimitedSandbox(jinja2.sandbox.SandboxedEnvironment):
    """The sandbox with bounds on what ``*`` and ``**`` may build (``'x' * 10**9``)."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        _check_deadline()
        if operator == "**":
            if isinstance(right, int) and abs(right) > 1000:
                raise RenderLimit(
                    E_(
                        "a template's power may have an exponent of at most 1000 (got %(right)s).",
                        right=right,
                    ),
                    field="template",
                    value=right,
                )
        elif operator == "*":
            sized = [v for v in (left, right) if isinstance(v, str | list | tuple)]
            counts = [v for v in (left, right) if isinstance(v, int) and not isinstance(v, bool)]
            if sized and counts and counts[0] * max(len(sized[0]), 1) > MAX_SEQUENCE:
                raise RenderLimit(
                    E_(
                        "a template may repeat text or a list to at most %(max_sequence)s "
                        "items (got %(counts)s × %(sized)s).",
                        max_sequence=MAX_SEQUENCE,
                        counts=counts[0],
                        sized=len(sized[0]),
                    ),
                    field="template",
                    value=counts[0],
                )
        return super().call_binop(context, operator, left, right)


def _build(
    search_path: tuple[Path, ...], sandboxed: bool = False, messages: Any = None
) -> jinja2.Environment:
    kind = _LimitedSandbox if sandboxed else jinja2.Environment
    env = kind(
        finalize=neutralize,
        extensions=["jinja2.ext.i18n"],
        loader=jinja2.FileSystemLoader([str(p) for p in search_path], encoding="utf-8"),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html.j2", "html", "htm"),
            disabled_extensions=("md.j2", "md", "txt.j2", "txt"),
            default_for_string=False,
            default=False,
        ),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        money=_money_filter,
        number=_number_filter,
        percent=_percent_filter,
        date=_date_filter,
        md=escape_markdown,
        columns=align_columns,
    )
    env.tests.update(date=_is_date, decimal=_is_decimal)
    if sandboxed:
        env.globals["range"] = _limited_range
    labels = _Labels(search_path, messages)
    for lang in text.LANGUAGES:
        labels.translator(lang)  # a bad override is reported now, not half-way through a document

    @pass_context
    def t(ctx: jinja2.runtime.Context, key: str, n: int | None = None, **params: Any) -> str:
        return labels.lookup(_lang(ctx), key, n, params or None)

    def _in_lang(name: str) -> Any:
        @pass_context
        def call(ctx: jinja2.runtime.Context, *args: Any) -> str:
            found: str = labels.translator(_lang(ctx))[0].jinja_callables()[name](*args)
            return found

        return call

    env.install_gettext_callables(  # type: ignore[attr-defined]
        _in_lang("gettext"),
        _in_lang("ngettext"),
        newstyle=True,
        pgettext=_in_lang("pgettext"),
        npgettext=_in_lang("npgettext"),
    )

    @pass_context
    def _bars(ctx: jinja2.runtime.Context, labels: Any, series: Any, **options: Any) -> Any:
        return markupsafe.Markup(bar_chart(labels, series, lang=_lang(ctx), **options))

    @pass_context
    def _lines(ctx: jinja2.runtime.Context, labels: Any, series: Any, **options: Any) -> Any:
        return markupsafe.Markup(line_chart(labels, series, lang=_lang(ctx), **options))

    @pass_context
    def known_name(
        ctx: jinja2.runtime.Context, context: str, key: str, names: Mapping[str, str] | None = None
    ) -> str:
        """A name a user may have typed or the library supplied: ``names[lang]`` if given (a
        price file's ``service_names``), else the catalogs' text of ``key`` in ``context`` (the
        library's own names: ``service charge``, ``plan scenario``), else ``key`` as typed."""
        lang = _lang(ctx)
        found = (names or {}).get(lang)
        if found is not None:
            return found
        return labels.translator(lang)[0].known(context, key) or key

    @pass_context
    def message(ctx: jinja2.runtime.Context, msg: text.Message) -> str:
        """A :class:`~coopfinance.text.Message` of domain code in ``lang``, its parameters
        formatted as the filters format them (dates short, decimals as numbers)."""
        lang = _lang(ctx)

        def fmt(value: Any) -> Any:
            if isinstance(value, dt.date):
                return format_date(value, lang=lang, style="short")
            if isinstance(value, Decimal):  # whole numbers stay numbers (%(num)d)
                return format_number(value, lang=lang)
            return value

        return labels.translator(lang)[0].message(msg, fmt)

    env.filters.update(message=message)
    env.globals.update(t=t, bar_chart=_bars, line_chart=_lines, known_name=known_name)
    return env


@functools.lru_cache(maxsize=32)
def _cached(search_path: tuple[Path, ...], sandboxed: bool = False) -> jinja2.Environment:
    return _build(search_path, sandboxed)


_WITH_MESSAGES: dict[Any, jinja2.Environment] = {}
_WITH_MESSAGES_MAX = 16


def _frozen(messages: Any) -> Any:
    """A hashable key for the environment cache: a mapping by its items, a folder by its path
    (and the times its catalogs changed), a translator by itself."""
    if isinstance(messages, Mapping):
        return (
            "mapping",
            frozenset(
                (k, tuple(v) if isinstance(v, list | tuple) else v) for k, v in messages.items()
            ),
        )
    if isinstance(messages, list | tuple):
        return ("sequence", tuple(_frozen(m) for m in messages))
    if isinstance(messages, str | os.PathLike):
        root = Path(messages).resolve()
        stamps = tuple(sorted((str(p), p.stat().st_mtime_ns) for p in root.rglob("*.po")))
        return ("folder", str(root), stamps)
    return ("object", messages)


def _environment_for(
    search_path: tuple[Path, ...], sandboxed: bool, messages: Any
) -> jinja2.Environment:
    """The environment of ``search_path`` with ``messages`` (built once per distinct messages)."""
    if messages is None:
        return _cached(search_path, sandboxed)
    try:
        key = (search_path, sandboxed, _frozen(messages))
        hash(key)
    except (TypeError, OSError):
        return _build(search_path, sandboxed, messages)
    found = _WITH_MESSAGES.get(key)
    if found is None:
        found = _build(search_path, sandboxed, messages)
        if len(_WITH_MESSAGES) >= _WITH_MESSAGES_MAX:
            _WITH_MESSAGES.pop(next(iter(_WITH_MESSAGES)))
        _WITH_MESSAGES[key] = found
    return found


def _check_fmt(fmt: object) -> str:
    if isinstance(fmt, str) and fmt in FORMATS:
        return fmt
    choices = ", ".join(repr(f) for f in FORMATS)
    raise InvalidValue(
        E_(
            "'fmt' must be one of %(choices)s (got %(fmt)s); for PDF use render_pdf().",
            choices=choices,
            fmt=fmt_value(fmt),
        ),
        field="fmt",
        value=fmt,
    )


_UNDEFINED_NAME = re.compile(r"^'(?P<name>.*)' is undefined$")
_UNDEFINED_MEMBER = re.compile(r"^(?P<owner>.*) has no (?:attribute|element) '(?P<name>.*)'$")


def _template_line(tb: TracebackType | None) -> str:
    """`` (template.md.j2, line 3)`` from a traceback Jinja rewrote to show template lines."""
    found = ""
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = f" ({Path(filename).name}, line {tb.tb_lineno})"
        tb = tb.tb_next
    return found


@exact
def render(
    name: str,
    context: Mapping[str, Any],
    *,
    lang: str = "es",
    fmt: str = "md",
    template_dirs: Iterable[str | os.PathLike[str]] = (),
    sandboxed: bool | None = None,
    messages: text.Overrides | None = None,
) -> str:
    """Render the document ``name`` (the template ``{name}.{fmt}.j2``) with ``context``.

    ``lang`` (``es``, ``en`` or ``pt_BR``) and ``fmt`` (``md``, ``html`` or ``txt``) are added to
    the context; ``messages`` puts a co-op's own messages in front of the catalogs (see
    :func:`environment`), without copying any template. A value
    the template needs but the context lacks raises :class:`~coopfinance.errors.MissingValue`
    naming it. With ``template_dirs`` (or ``sandboxed=True``) the templates render in Jinja2's
    sandbox, and one that reaches for Python internals raises
    :class:`~coopfinance.errors.UnsafeTemplate`.

    >>> print(render("schedule", {}, lang="es"))
    Traceback (most recent call last):
    ...
    coopfinance.errors.MissingValue: the template 'schedule.md.j2' needs 'borrower', ...
    """
    lang = check_lang(lang)
    fmt = _check_fmt(fmt)
    if not isinstance(name, str) or not name.strip():
        raise InvalidValue(
            E_(
                "'name' must be a document name such as 'schedule' (got %(name)s).",
                name=fmt_value(name),
            ),
            field="name",
            value=name,
        )
    if not isinstance(context, Mapping):
        raise WrongType(
            E_(
                "'context' must be a mapping of names to values (got %(type)s).",
                type=type(context).__name__,
            ),
            field="context",
            value=context,
        )
    clash = [k for k in _RESERVED if k in context]
    if clash:
        raise InvalidValue(
            E_(
                "'context' must not set %(map_clash)s: pass lang= and fmt= instead "
                "(got %(k_clash)s).",
                map_clash=", ".join(map(repr, clash)),
                k_clash=", ".join(f"{k}={context[k]!r}" for k in clash),
            ),
            field="context",
            value=clash,
        )
    search_path = template_search_path(template_dirs)
    env = _environment_for(search_path, _sandbox(search_path, sandboxed), messages)
    template_name = f"{name}.{fmt}.j2"
    try:
        template = env.get_template(template_name)
        return _generate(template, {**context, "lang": lang, "fmt": fmt})
    except jinja2.exceptions.SecurityError as exc:
        raise UnsafeTemplate(
            E_(
                "the template %(template_name)s does something the sandbox "
                "forbids%(template_line___traceback)s: %(rstrip_exc)s. User templates "
                "may format the values they are given, not reach Python internals.",
                template_name=repr(template_name),
                template_line___traceback=_template_line(exc.__traceback__),
                rstrip_exc=str(exc).rstrip("."),
            ),
            field="template",
            value=template_name,
        ) from None
    except jinja2.UndefinedError as exc:
        message = str(exc)
        match = _UNDEFINED_NAME.match(message) or _UNDEFINED_MEMBER.match(message)
        missing = match.group("name") if match else None
        owner = match.groupdict().get("owner") if match else None
        what = f"{missing!r}" if owner is None else f"{missing!r} of {owner}"
        raise MissingValue(
            E_(
                "the template %(template_name)s needs %(what)s, which is not "
                "defined%(template_line___traceback)s: %(message)s.",
                template_name=repr(template_name),
                what=what,
                template_line___traceback=_template_line(exc.__traceback__),
                message=message,
            ),
            field=missing,
            value=None,
        ) from None
    except jinja2.TemplateNotFound as exc:
        searched = ", ".join(str(p) for p in template_search_path(template_dirs))
        raise MissingTemplate(
            E_(
                "no template %(name)s in %(searched)s (document %(name2)s, format %(fmt)s).",
                name=repr(exc.name),
                searched=searched,
                name2=repr(name),
                fmt=repr(fmt),
            ),
            field="name",
            value=name,
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise InvalidTemplate(
            E_(
                "the template %(filename_name)s has a syntax error on line %(lineno)s: "
                "%(message)s.",
                filename_name=exc.filename or exc.name or template_name,
                lineno=exc.lineno,
                message=exc.message,
            ),
            field="template",
            value=exc.filename or exc.name,
        ) from None


def _generate(template: jinja2.Template, context: dict[str, Any]) -> str:
    """``template`` rendered, stopped past :data:`MAX_OUTPUT_CHARS` or :data:`MAX_RENDER_SECONDS`."""
    token = _DEADLINE.set(time.monotonic() + MAX_RENDER_SECONDS)
    try:
        watchdog = _Watchdog(MAX_RENDER_SECONDS)
        try:
            parts: list[str] = []
            size = 0
            for k, part in enumerate(template.generate(context)):
                parts.append(part)
                size += len(part)
                if size > MAX_OUTPUT_CHARS:
                    raise RenderLimit(
                        E_(
                            "the document would be longer than %(max_output_chars)s characters and "
                            "was stopped: does a template loop without end?",
                            max_output_chars=format(MAX_OUTPUT_CHARS, ","),
                        ),
                        field="template",
                        value=size,
                    )
                if not k % 256:
                    _check_deadline()
            return "".join(parts)
        finally:
            watchdog.stop()
    except _Overtime:
        raise _overtime() from None
    finally:
        _DEADLINE.reset(token)


@exact
def render_pdf(
    name: str,
    context: Mapping[str, Any],
    *,
    lang: str = "es",
    template_dirs: Iterable[str | os.PathLike[str]] = (),
    sandboxed: bool | None = None,
    messages: text.Overrides | None = None,
) -> bytes:
    """The document ``name`` as PDF bytes: its HTML rendering laid out by WeasyPrint.

    WeasyPrint is optional (``pip install 'coopfinance[pdf]'``); without it this raises
    :class:`~coopfinance.errors.MissingDependency`. The HTML references nothing outside itself,
    so nothing is fetched.
    """
    html = render(
        name,
        context,
        lang=lang,
        fmt="html",
        template_dirs=template_dirs,
        sandboxed=sandboxed,
        messages=messages,
    )
    try:
        weasyprint: Any = importlib.import_module("weasyprint")
    except ImportError as exc:
        raise MissingDependency(
            E_(
                "'fmt' 'pdf' needs the optional package WeasyPrint, which is not "
                "installed (%(exc)s); install it with: pip install 'coopfinance[pdf]'.",
                exc=exc,
            ),
            field="fmt",
            value="pdf",
        ) from None
    roots = template_search_path(template_dirs)
    fetcher = _fetcher(weasyprint, roots)
    pdf: bytes = weasyprint.HTML(
        string=html, base_url=roots[0].as_uri() + "/", url_fetcher=fetcher
    ).write_pdf()
    if fetcher.refused:
        raise UnsafeTemplate(
            E_(
                "the document refers to %(refused)s, outside the template folders "
                "(%(r_r)s): a PDF may embed only files from them and nothing from the "
                "network.",
                refused=repr(fetcher.refused[0]),
                r_r=", ".join(str(r) for r in roots),
            ),
            field="template",
            value=fetcher.refused[0],
        )
    return pdf


def _allowed(url: str, roots: tuple[Path, ...]) -> bool:
    """Whether WeasyPrint may fetch ``url``: ``data:``, or a ``file:`` path inside one of
    ``roots`` (after resolving ``..`` and links). Nothing over the network."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme == "data":
        return True
    if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
        return False
    path = Path(urllib.request.url2pathname(parsed.path)).resolve()
    return any(path.is_relative_to(root.resolve()) for root in roots)


def _fetcher(weasyprint: Any, roots: tuple[Path, ...]) -> Any:
    """A WeasyPrint URL fetcher that serves only :func:`_allowed` URLs; it records the others in
    ``refused`` (and WeasyPrint leaves them out) so :func:`render_pdf` can refuse the document."""

    class Fetcher(weasyprint.URLFetcher):  # type: ignore[misc]
        refused: list[str]

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not _allowed(url, roots):
                self.refused.append(url)
                raise ValueError(f"coopfinance refuses to fetch {url}")
            return super().fetch(url, headers)

    fetcher = Fetcher(allowed_protocols=("file", "data"))
    fetcher.refused = []
    return fetcher
