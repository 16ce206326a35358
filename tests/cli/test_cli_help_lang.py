"""The command line's help speaks the chosen language (``--lang``, else ``LANG``): every help
text, description, group title and metavar, and argparse's own words ("usage:", "options", "show
this help message and exit", its usage errors). What the user types — command names, option names
and choice values — stays as typed."""

from __future__ import annotations

import argparse
import re

import pytest
from cli_helpers import Run, fixture_cli, no_locale  # noqa: F401
from tests.documents.test_spanish_output import english_words

from coopfinance import text
from coopfinance.cli._help import HELP_CONTEXT, argv_lang, localized, say
from coopfinance.cli._main import build_parser

_OPTION = re.compile(r"(?<![\w-])-{1,2}[a-z][\w-]*")
_CHOICES = re.compile(r"\{[^}]*\}")


def _commands() -> list[list[str]]:
    """Every command path that runs something: ``["schedule"]``, ``["training", "quiz"]``…"""
    parser = build_parser(full=True, lang="en")
    out: list[list[str]] = []

    def walk(p: argparse.ArgumentParser, path: list[str]) -> None:
        subs = [a for a in p._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            out.append(path)
        for action in subs:
            for name, child in action.choices.items():
                walk(child, [*path, name])

    walk(parser, [])
    return out


def _typed_words() -> set[str]:
    """Command names and choice values of every parser."""
    words: set[str] = set()
    stack = [build_parser(full=True, lang="en")]
    while stack:
        p = stack.pop()
        for a in p._actions:
            if isinstance(a, argparse._SubParsersAction):
                words.update(a.choices)
                stack.extend(a.choices.values())
            elif a.choices is not None:
                words.update(str(c) for c in a.choices)
    return words


COMMANDS = _commands()
TYPED_VALUES = {"monthly", "next-installments", "interest-principal", "milk-2"}
"""Values the help quotes that are typed but not argparse choices (a --frequency, an
--allocation, a --prepayment, a session id)."""
NAMES = sorted(_typed_words() | TYPED_VALUES, key=len, reverse=True)


def typed(content: str) -> str:
    """``content`` without what the user types: option names, choice values, command names,
    file names and environment variables."""
    content = re.sub(r"-\n\s+", "-", content)  # argparse wraps lines after a hyphen
    content = _CHOICES.sub(" ", content)
    content = _OPTION.sub(" ", content)
    content = re.sub(r"\S+\.(?:csv|toml|json|html|md|pdf|txt|db|yaml|yml|xlsx)\b", " ", content)
    content = re.sub(r"\w*/[\w/]+", " ", content)  # paths: OUTDIR/inputs
    content = re.sub(r"\$?[A-Z_]{3,}", " ", content)  # $COOPFINANCE_BOOK, LANG/LC_ALL
    content = re.sub(r"[\w\[\]<>]+(?:[,|:][\w\[\]<>%.]+)+", " ", content)  # a,b · a|b · k:v
    content = re.sub(r"`[^`]*`|\w+\.\w+[\w.()]*|\w*_\w*", " ", content)  # code: LoanTerms.from_dict
    for name in NAMES:
        content = re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-])", " ", content)
    return content


@pytest.fixture
def marked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(text.MARK_ENV, "1")


def test_the_language_comes_from_lang_else_the_locale() -> None:
    assert argv_lang(["--lang", "en", "schedule"], {"LANG": "es_PE.UTF-8"}) == "en"
    assert argv_lang(["schedule", "--lang=pt_BR"], {}) == "pt_BR"
    assert argv_lang(["--help"], {"LANG": "es_PE.UTF-8"}) == "es"
    assert argv_lang(["--help"], {"LANG": "en_US.UTF-8"}) == "en"
    assert argv_lang(["--help"], {}) == "es"


def test_schedule_help_in_spanish_has_no_english(cli: Run) -> None:
    r = cli("--lang", "es", "schedule", "--help")
    assert r.code == 0, r.err
    assert r.out.startswith("uso: coopfinance schedule")
    assert "opciones:" in r.out
    assert "muestra esta ayuda y termina" in r.out
    assert "--principal MONTO" in r.out
    assert english_words(typed(r.out)) == []


def test_top_help_follows_the_locale(cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "es_PE.UTF-8")
    r = cli("--help")
    assert r.code == 0, r.err
    assert "argumentos posicionales" in r.out
    assert english_words(typed(r.out)) == []
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    english = cli("--help")
    assert "positional arguments" in english.out
    assert "show this help message and exit" in english.out


@pytest.mark.parametrize("lang", ["es", "pt_BR"])
def test_every_command_help_is_in_the_catalog(marked: None, cli: Run, lang: str) -> None:
    """Every command's --help in Spanish and Portuguese: no text marked missing, no English."""
    problems = {}
    for path in [[], *COMMANDS]:
        r = cli("--lang", lang, *path, "--help")
        assert r.code == 0, (path, r.err)
        missing = re.findall(r"⟦[^⟧]*⟧", r.out)
        words = english_words(typed(r.out)) if lang == "es" else []
        if missing or words:
            problems[" ".join(path)] = (missing[:3], sorted(set(words))[:8])
    assert not problems, problems


def test_usage_errors_in_spanish(cli: Run) -> None:
    r = cli("--lang", "es", "schedule", "--no-such-option")
    assert r.code == 2
    assert "argumentos no reconocidos: --no-such-option" in r.err
    r = cli("--lang", "pt_BR", "schedule", "--rate-type", "weird")
    assert r.code == 2
    assert "opção inválida: 'weird'" in r.err


def test_argparse_words_are_restored_after_a_run(cli: Run) -> None:
    """The gettext hook is set only while the command line parses."""
    with localized("es"):
        assert argparse._("options") == "opciones"  # type: ignore[attr-defined]
    assert argparse._("options") == "options"  # type: ignore[attr-defined]
    cli("--lang", "es", "schedule", "--help")
    assert argparse._("usage: ") == "usage: "  # type: ignore[attr-defined]


def test_a_command_module_only_writes_english(cli: Run) -> None:
    """The mechanism a command module relies on: any help text in the catalog (context
    ``cli help``) is shown translated; a text not there is shown as written."""
    assert say("the co-op book: record, close, report", "es") == (
        "el libro de la cooperativa: registrar, cerrar, reportar"
    )
    assert say("a text no catalog has", "es") == "a text no catalog has"
    assert HELP_CONTEXT == "cli help"
