"""The command line's help in the chosen language: every help text, description, group title and
metavar of every command, and argparse's own words ("usage:", "options", "show this help message
and exit", its usage errors), read from the gettext catalogs (context ``cli help``).

A command module writes its texts in English as usual (``help="the loan's principal"``); the help
formatter looks each one up when it formats the help, so a translation is a catalog entry alone
(no wrapping needed; wrapping a text in :func:`coopfinance.text.N_` lets ``pybabel extract`` find
it). A text the catalog lacks is shown in English (marked ``⟦…⟧`` with
``COOPFINANCE_MARK_MISSING=1``). ``%(languages)s`` in a help text is the list of shipped languages.
Command names, option names and choice values are what the user types: never translated.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import functools
import gettext
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from coopfinance.cli._console import DEFAULT_LANGUAGE, shipped_languages

__all__ = ["HELP_CONTEXT", "argv_lang", "formatter", "help_messages", "localized", "say"]

HELP_CONTEXT = "cli help"
"""The ``msgctxt`` of the command line's help texts and of argparse's own words."""

DEFAULT = DEFAULT_LANGUAGE
_MARK_ENV = "COOPFINANCE_MARK_MISSING"  # coopfinance.text.MARK_ENV (not imported: no Babel here)
_LOCALE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "locale")


def _check(lang: str) -> str | None:
    """The shipped language ``lang`` names (as :func:`coopfinance.text.check_lang`), or None."""
    shipped = shipped_languages()
    aliases = {x.lower(): x for x in shipped} | {
        x.split("_", 1)[0].lower(): x for x in reversed(shipped)
    }
    base = lang.split(".", 1)[0].split("@", 1)[0].replace("-", "_").lower()
    return aliases.get(base) or aliases.get(base.split("_", 1)[0])


def _from_env(environ: Mapping[str, str] | None) -> str | None:
    env = os.environ if environ is None else environ
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for value in env.get(var, "").split(":"):
            if value and value.split(".", 1)[0] not in ("C", "POSIX"):
                found = _check(value)
                if found:
                    return found
    return None


def _unquote(line: str) -> str:
    value = ast.literal_eval(line)
    return value if isinstance(value, str) else ""


def _read_po(path: str) -> dict[str, str]:
    """The ``cli help`` entries of a ``.po`` file (a small reader of the format's plain entries:
    the help is shown on every start, and Babel is not imported for it)."""
    found: dict[str, str] = {}
    entry: dict[str, str] = {}
    field = ""

    def flush() -> None:
        if entry.get("msgctxt") == HELP_CONTEXT and entry.get("msgid") and entry.get("msgstr"):
            found[entry["msgid"]] = entry["msgstr"]
        entry.clear()

    with open(path, encoding="utf-8") as fh:
        for raw in fh:
            line = raw.strip()
            if not line or line.startswith("#"):
                if not line:
                    flush()
                continue
            if line.startswith('"'):
                if field:
                    entry[field] = entry.get(field, "") + _unquote(line)
                continue
            key, _, rest = line.partition(" ")
            if key == "msgctxt" and "msgid" in entry:
                flush()
            field = key
            entry[key] = _unquote(rest)
    flush()
    return found


@functools.cache
def help_messages(lang: str) -> Mapping[str, str]:
    """The catalog's ``cli help`` messages of ``lang``: English text → its translation (from the
    compiled ``.mo`` of an installed wheel, else the ``.po`` source)."""
    folder = os.path.join(_LOCALE, lang, "LC_MESSAGES")
    po = os.path.join(folder, "coopfinance.po")
    if os.path.isfile(po):
        return _read_po(po)
    mo = os.path.join(folder, "coopfinance.mo")
    if os.path.isfile(mo):
        with open(mo, "rb") as fh:
            catalog: dict[Any, str] = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
        prefix = f"{HELP_CONTEXT}\x04"
        return {
            k[len(prefix) :]: v
            for k, v in catalog.items()
            if isinstance(k, str) and k.startswith(prefix)
        }
    return {}


def argv_lang(argv: Sequence[str], environ: Any = None) -> str:
    """The language the command line speaks before it is parsed: ``--lang X`` (or
    ``--lang=X``) if it names a shipped language, else the locale (``LANG``…), else Spanish.

    >>> argv_lang(["schedule", "--lang", "en", "--help"]), argv_lang(["--lang=pt-BR"], {})
    ('en', 'pt_BR')
    >>> argv_lang(["--help"], {"LANG": "es_PE.UTF-8"}), argv_lang(["--lang", "xx"], {})
    ('es', 'es')
    """
    given: str | None = None
    for k, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and k + 1 < len(argv):
            given = argv[k + 1]
        elif arg.startswith("--lang="):
            given = arg.split("=", 1)[1]
    if given is not None:
        found = _check(given)
        if found:
            return found
    return _from_env(environ) or DEFAULT


def say(text: str, lang: str) -> str:
    """``text`` (an English help text or one of argparse's words) in ``lang``, as the catalog
    writes it (placeholders left for argparse to fill).

    >>> say("show this help message and exit", "es")
    'muestra esta ayuda y termina'
    """
    if not text:
        return text
    found = help_messages(lang).get(text)
    if found is not None:
        return found
    return f"⟦{text}⟧" if os.environ.get(_MARK_ENV) == "1" else text


def _languages() -> str:
    return ", ".join(shipped_languages())


@functools.cache
def formatter(base: type[argparse.HelpFormatter], lang: str) -> type[argparse.HelpFormatter]:
    """``base`` (an argparse help formatter class) writing its texts in ``lang``."""

    class Localized(base):  # type: ignore[valid-type, misc]
        def _expand_help(self, action: argparse.Action) -> str:
            params: dict[str, Any] = dict(vars(action), prog=self._prog, languages=_languages())
            for name in list(params):
                if params[name] is argparse.SUPPRESS:
                    del params[name]
            for name in list(params):
                if hasattr(params[name], "__name__"):
                    params[name] = params[name].__name__
            if params.get("choices") is not None:
                params["choices"] = ", ".join(str(c) for c in params["choices"])
            text = say(self._get_help_string(action) or "", lang)
            return str(text % params)

        def start_section(self, heading: str | None) -> None:
            super().start_section(say(heading, lang) if heading else heading)

        def _format_text(self, text: str) -> str:
            return str(super()._format_text(say(text, lang) if text else text))

        def _metavar_formatter(
            self, action: argparse.Action, default_metavar: str
        ) -> Callable[[int], tuple[str, ...]]:
            inner: Callable[[int], tuple[str, ...]] = super()._metavar_formatter(
                action, default_metavar
            )
            if (action.choices is not None and action.metavar is None) or isinstance(
                action, argparse._SubParsersAction._ChoicesPseudoAction
            ):
                return inner  # {a,b,c} and command names: what the user types

            def format(tuple_size: int) -> tuple[str, ...]:
                return tuple(say(m, lang) for m in inner(tuple_size))

            return format

        def _format_usage(self, usage: Any, actions: Any, groups: Any, prefix: Any) -> str:
            if prefix is None:
                prefix = say("usage: ", lang)
            return str(super()._format_usage(usage, actions, groups, prefix))

    Localized.__name__ = f"{base.__name__}_{lang}"
    return Localized


@contextlib.contextmanager
def localized(lang: str) -> Iterator[None]:
    """While inside, argparse's own words looked up at parse time (its usage errors) come from
    the catalog of ``lang``: argparse looks them up through its module's ``_`` and ``ngettext``,
    the standard gettext hook, which this sets and then restores. (The words it stores when a
    parser is built — group titles, ``-h``'s help — are translated by :func:`formatter`.)"""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]

    def gettext(message: str) -> str:
        return say(message, lang)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return say(singular if n == 1 else plural, lang)

    argparse._ = gettext  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]
