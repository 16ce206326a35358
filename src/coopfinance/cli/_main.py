"""The entry of the ``coopfinance`` command: the parser made of the command modules, ``main`` and
the console script's ``run``.

No traceback ever reaches the user: every exception that gets here becomes one line on standard
error and an exit code (see docs/cli.md):

====  =====================================================================================
0     done
1     bad input or an environment problem (a file that cannot be read or written, …), or an
      internal error (a bug: the line says so and where to report it; ``--debug`` shows the
      traceback)
2     usage: an unknown option, a missing argument (argparse)
130   interrupted (Ctrl-C)
141   standard output closed early (``coopfinance … | head``): nothing is printed, as ``cat``
====  =====================================================================================
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib
import os
import sys
import traceback
from collections.abc import Iterator, Sequence
from typing import Any, NoReturn, TextIO

from coopfinance.__about__ import __version__
from coopfinance.cli import (
    completion,
    cost,
    demo,
    examples,
    plan,
    portfolio,
    schedule,
    settle,
    simulate,
    statement,
)
from coopfinance.cli._console import DEFAULT_LANGUAGE, Console, shipped_languages
from coopfinance.cli._help import argv_lang, formatter, localized
from coopfinance.cli._options import lang_type

__all__ = [
    "EXIT_BUG",
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_PIPE",
    "EXIT_USAGE",
    "build_parser",
    "main",
    "run",
]

EXIT_ERROR = 1
EXIT_BUG = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_PIPE = 141  # 128 + SIGPIPE, what a tool killed by a closed pipe returns

# The command groups, in the order ``coopfinance --help`` lists them.
COMMANDS = (schedule, cost, portfolio, demo, examples, plan, settle, statement, simulate)
# Commands whose modules import heavy packages at load (the book, the training generators): their
# module is imported only when the command is run (or completion is generated); ``--help`` lists
# them from here, so start-up stays fast.
LAZY = {
    "training": (
        "coopfinance.cli.training",
        "financial training: quizzes, session guides, worksheets, certificates, reports",
    ),
    "book": ("coopfinance.cli.book", "the co-op book: record, close, report"),
}


class UsageError(Exception):
    """argparse's complaint, raised instead of printed so that :func:`main` prints one line."""

    def __init__(self, prog: str, message: str) -> None:
        super().__init__(message)
        self.prog = prog


class _Parser(argparse.ArgumentParser):
    """Raises usage errors instead of printing them, and formats its help in :attr:`lang`
    (every subcommand's parser is of the same class: argparse makes them with ``type(parent)``)."""

    lang = DEFAULT_LANGUAGE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        base = kwargs.pop("formatter_class", argparse.HelpFormatter)
        kwargs["formatter_class"] = formatter(base, self.lang)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise UsageError(self.prog, message)


@functools.cache
def _parser_class(lang: str) -> type[_Parser]:
    return type(f"_Parser_{lang}", (_Parser,), {"lang": lang})


def _command_word(argv: Sequence[str]) -> str | None:
    """The command named in ``argv`` (the value of a leading ``--lang X`` is not one)."""
    skip = False
    for a in argv:
        if skip:
            skip = False
        elif a == "--lang":
            skip = True
        elif not a.startswith("-"):
            return a
    return None


def _leaves(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """The parsers that run a handler (not the groups of subcommands)."""
    seen: set[int] = set()
    stack = [parser]
    while stack:
        p = stack.pop()
        subs = [a for a in p._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            if p.get_default("handler") is not None:
                yield p
            continue
        for action in subs:
            for child in action.choices.values():
                if id(child) not in seen:
                    seen.add(id(child))
                    stack.append(child)


def _add_general_options(p: argparse.ArgumentParser, languages: Sequence[str]) -> None:
    """``--lang``, ``-q``, ``-v``, ``--force``, ``--debug`` on every command."""
    g = p.add_argument_group("general")
    lang = p._option_string_actions.get("--lang")
    del languages  # listed by the help formatter: %(languages)s
    if lang is None:
        g.add_argument(
            "--lang",
            default=None,
            type=lang_type,
            metavar="LANG",
            help="language of the output (%(languages)s; default: the locale, LANG/LC_ALL, else es)",
        )
    else:  # a command's own --lang (book report): it follows the locale too
        lang.default = None
        lang.choices = None
        lang.type = lang_type
    g.add_argument(
        "-q", "--quiet", action="store_true", help="no status lines or progress bars on stderr"
    )
    g.add_argument("-v", "--verbose", action="store_true", help="more detail on stderr")
    if "--force" not in p._option_string_actions:
        g.add_argument(
            "--force",
            action="store_true",
            help="overwrite an existing output file (refused without it)",
        )
    g.add_argument("--debug", action="store_true", help="show the traceback of an internal error")


def build_parser(
    argv: Sequence[str] | None = None, *, full: bool = True, lang: str | None = None
) -> argparse.ArgumentParser:
    """The argument parser of the ``coopfinance`` command: each command module registers its own.

    ``full=False`` (what :func:`main` does) imports the heavy command modules (``book``,
    ``training``) only when ``argv`` runs them. The help is in ``lang`` (default: ``--lang`` in
    ``argv``, else the locale, else Spanish; see :mod:`coopfinance.cli._help`).
    """
    lang = lang or argv_lang(argv or ())
    parser = _parser_class(lang)(
        prog="coopfinance",
        description="Loan schedules, cost of credit, servicing, milk settlements, business plans and "
        "training material for dairy cooperatives. Every command takes --lang, --quiet, --verbose, "
        "--force and --debug; exit codes: 0 done, 1 error, 2 usage, 130 interrupted.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"coopfinance {__version__}",
        help="show program's version number and exit",
    )
    parser.add_argument(
        "--lang",
        dest="top_lang",
        default=None,
        type=lang_type,
        metavar="LANG",
        help="language of the help and of every command's output (%(languages)s; default: the "
        "locale, LANG/LC_ALL, else es); also taken after the command",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    chosen = _command_word(argv or ())
    for name, (module, summary) in LAZY.items():
        if full or chosen == name:
            importlib.import_module(module).register(subparsers)
        else:
            subparsers.add_parser(name, help=summary, add_help=False)
    completion.register(subparsers)
    languages = shipped_languages()
    for leaf in _leaves(parser):
        _add_general_options(leaf, languages)
    return parser


def _lang(ns: argparse.Namespace | None) -> str:
    given = getattr(ns, "lang", None) or getattr(ns, "top_lang", None)
    if given:
        from coopfinance.text import check_lang

        return check_lang(given)
    from coopfinance.text import lang_from_env

    return lang_from_env() or DEFAULT_LANGUAGE


def _issues_url() -> str | None:
    """Where bugs are reported: the installed package's ``Project-URL`` for issues, if any."""
    try:
        from importlib.metadata import metadata

        urls = metadata("coopfinance").get_all("Project-URL") or []
    except Exception:
        return None
    for entry in urls:
        label, _, url = str(entry).partition(",")
        if any(word in label.lower() for word in ("issue", "bug", "tracker")):
            return url.strip()
    return None


def _bug_line(console: Console, exc: BaseException) -> str:
    where = _issues_url()
    detail = f"{type(exc).__name__}: {exc}"
    if where:
        return console.t(
            "Internal error (a bug in coopfinance %(version)s): %(detail)s. Please report it at "
            "%(url)s with the command you ran; --debug shows the traceback.",
            version=__version__,
            detail=detail,
            url=where,
        )
    return console.t(
        "Internal error (a bug in coopfinance %(version)s): %(detail)s. Please report it to the "
        "coopfinance maintainers with the command you ran; --debug shows the traceback.",
        version=__version__,
        detail=detail,
    )


def _os_line(console: Console, exc: OSError) -> str:
    from coopfinance._files import _reason
    from coopfinance.text import error_text

    name = exc.filename if exc.filename is not None else ""
    reason = error_text(_reason(exc), console._lang())
    return console.t(
        "Error: %(path)s: %(reason)s.", path=repr(str(name)) if name else "?", reason=reason
    )


def _closed_pipe(out: TextIO) -> int:
    """Standard output was closed by the reader (``| head``): stop quietly, as ``cat`` does."""
    with contextlib.suppress(Exception):
        fd = out.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)  # Python's flush at exit must not fail again
        os.close(devnull)
    return EXIT_PIPE


def main(
    argv: Sequence[str] | None = None,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    stdin: TextIO | None = None,
) -> int:
    """Run the command line with ``argv``; return the exit code (0 ok, 1 error, 2 usage, 130
    interrupted, 141 closed output)."""
    args = list(argv) if argv is not None else sys.argv[1:]
    stdout = out if out is not None else sys.stdout
    stderr = err if err is not None else sys.stderr
    debug = "--debug" in args
    ns: argparse.Namespace | None = None
    # before the options are read, the language is what the command line names (``--lang``, else
    # the locale, else Spanish): a usage error's own line and argparse's words are in that one
    early = argv_lang(args)
    console = Console(stdout, stderr, lang=early, quiet=False, verbose=False)
    try:
        parser = build_parser(args, full=False)
        with localized(early):  # argparse's own words (usage errors) in that language
            try:
                with contextlib.redirect_stdout(stdout):  # --help and --version
                    ns = parser.parse_args(args)
            except SystemExit as exc:
                return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
        console = Console(
            stdout,
            stderr,
            lang=_lang(ns),
            quiet=bool(getattr(ns, "quiet", False)),
            verbose=bool(getattr(ns, "verbose", False)),
            stdin=stdin,
        )
        ns.lang = console.lang
        ns.console = console
        ns.full_parser = lambda: build_parser(full=True)
        with contextlib.ExitStack() as cleanup:
            ns.cleanup = cleanup
            handler: Any = ns.handler
            code = int(handler(ns, stdout))
            stdout.flush()
            return code
    except UsageError as exc:
        console.error(
            console.t(
                "%(prog)s: error: %(message)s (see '%(prog)s --help')",
                prog=exc.prog,
                message=str(exc),
            )
        )
        return EXIT_USAGE
    except BrokenPipeError:
        return _closed_pipe(stdout)
    except KeyboardInterrupt:
        console.error(console.t("Interrupted."))
        return EXIT_INTERRUPTED
    except Exception as exc:
        from coopfinance.errors import CoopFinanceError

        if isinstance(exc, CoopFinanceError):
            from coopfinance.text import error_message

            try:
                message = error_message(exc, console._lang()).rstrip()
            except Exception:  # a translation that cannot be filled: the English, never a trace
                message = str(exc).rstrip()
            console.error(console.t("Error: %(message)s", message=message))
            return EXIT_ERROR
        if isinstance(exc, OSError):
            if debug:
                traceback.print_exception(exc, file=stderr)
            console.error(_os_line(console, exc))
            return EXIT_ERROR
        if isinstance(exc, MemoryError):
            console.error(
                console.t("Error: out of memory; ask for less (see the limits in docs/cli.md).")
            )
            return EXIT_ERROR
        if debug:
            traceback.print_exception(exc, file=stderr)
        console.error(_bug_line(console, exc))
        return EXIT_BUG


def run() -> None:  # pragma: no cover - the console-script entry point
    """Entry point of the ``coopfinance`` console script."""
    code = main()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = _closed_pipe(sys.stdout)
    raise SystemExit(code)
