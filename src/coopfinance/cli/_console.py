"""The command's streams and manners: the language of its own words, ``--quiet``/``--verbose``, the
status lines on standard error and the progress bars.

Data goes to standard output (or ``-o``); everything said about the work (``wrote x.html``, what a
filter left out, progress) goes to standard error, so ``coopfinance schedule … | head`` or ``> x.csv``
keeps only the data, as pip, ruff and httpie do. ``--quiet`` silences status and progress (errors
still print); ``--verbose`` adds detail lines.

Progress bars are :mod:`tqdm`'s, drawn only when standard error is a terminal and not ``--quiet``
(never in a pipe, a file or CI logs); without tqdm installed the work runs without a bar.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol, TextIO

__all__ = ["DEFAULT_LANGUAGE", "Bar", "Console", "Rows", "shipped_languages"]

DEFAULT_LANGUAGE = "es"


def shipped_languages() -> tuple[str, ...]:
    """The catalogs shipped (as :data:`coopfinance.text.LANGUAGES`, without importing Babel: the
    parser is built on every start)."""
    root = os.path.join(os.path.dirname(os.path.dirname(__file__)), "locale")
    try:
        found = {
            name
            for name in os.listdir(root)
            if os.path.isdir(os.path.join(root, name, "LC_MESSAGES"))
        }
    except OSError:  # pragma: no cover - a broken install
        found = set()
    first = [lang for lang in ("es", "en") if lang in found]
    return (*first, *sorted(found - set(first)))


class Bar(Protocol):
    """What a progress bar does for a command: advance and say what it is on."""

    def update(self, n: int = 1) -> Any:
        """Advance by ``n`` steps."""

    def set_description_str(self, desc: str | None = None, refresh: bool = True) -> Any:
        """Say what is being done."""


class _NoBar:
    def update(self, n: int = 1) -> None:
        """Nothing to draw."""

    def set_description_str(self, desc: str | None = None, refresh: bool = True) -> None:
        """Nothing to draw."""


class Console:
    """The streams of one run of the command, its language and its manners.

    >>> import io
    >>> c = Console(io.StringIO(), io.StringIO(), lang="es", quiet=False, verbose=False)
    >>> c.t("Error: %(message)s", message="x")
    'Error: x'
    """

    def __init__(
        self,
        out: TextIO,
        err: TextIO,
        *,
        lang: str,
        quiet: bool,
        verbose: bool,
        stdin: TextIO | None = None,
    ) -> None:
        self.out = out
        self.err = err
        self.stdin = stdin if stdin is not None else sys.stdin
        self.lang = lang
        self.quiet = quiet
        self.verbose = verbose and not quiet

    def t(self, msgid: str, /, **params: Any) -> str:
        """``msgid`` in the command's language, ``params`` filled in (catalog context ``cli``)."""
        from coopfinance.text import translator

        return translator(self._lang()).pgettext("cli", msgid, **params)

    def nt(self, singular: str, plural: str, n: int, /, **params: Any) -> str:
        """The plural form for ``n`` in the command's language."""
        from coopfinance.text import translator

        return translator(self._lang()).npgettext("cli", singular, plural, n, **params)

    def _lang(self) -> str:
        """The language; before the options are read (a usage error), the locale's, else es."""
        if not self.lang:
            from coopfinance.text import lang_from_env

            self.lang = lang_from_env() or DEFAULT_LANGUAGE
        return self.lang

    def info(self, text: str) -> None:
        """A status line on standard error (not with ``--quiet``)."""
        if not self.quiet:
            self.err.write(text + "\n")
            self.err.flush()

    def detail(self, text: str) -> None:
        """A detail line on standard error (only with ``--verbose``)."""
        if self.verbose:
            self.err.write(text + "\n")
            self.err.flush()

    def error(self, text: str) -> None:
        """An error line on standard error (always)."""
        self.err.write(text + "\n")
        self.err.flush()

    def bars(self) -> bool:
        """Whether progress bars are drawn: standard error is a terminal and not ``--quiet``."""
        isatty = getattr(self.err, "isatty", None)
        return not self.quiet and bool(isatty and isatty())

    @contextmanager
    def progress(self, total: int | None, desc: str, *, unit: str = "it") -> Iterator[Bar]:
        """A progress bar of ``total`` steps (``None``: a counter) on standard error, or a bar
        that draws nothing (not a terminal, ``--quiet``, tqdm not installed)."""
        if not self.bars():
            yield _NoBar()
            return
        try:
            tqdm = importlib.import_module("tqdm").tqdm
        except ImportError:  # pragma: no cover - tqdm is a dependency; a bar is only a nicety
            yield _NoBar()
            return
        bar: Any = tqdm(
            total=total, desc=desc, unit=unit, file=self.err, leave=False, dynamic_ncols=True
        )
        try:
            yield bar
        finally:
            bar.close()

    @contextmanager
    def rows(self, what: str) -> Iterator[Rows]:
        """A ``progress(done, total)`` callback for a loader that reads rows (the book's imports,
        ``settle``'s deliveries) drawing :meth:`progress`'s bar: a counter until the total is
        known, then a bar (drawn only on a terminal, not with ``--quiet``)."""
        with self.progress(None, what, unit=self.t("rows")) as bar:
            yield Rows(bar)


class Rows:
    """``progress(done, total)`` drawn on a bar; :meth:`describe` says what follows the reading
    (the bar stays, full, while it is done)."""

    def __init__(self, bar: Bar) -> None:
        self.bar = bar
        self.seen = 0

    def __call__(self, done: int, total: int | None) -> None:
        bar = self.bar
        if total is not None and getattr(bar, "total", total) != total:
            bar.total = total  # type: ignore[attr-defined]  # tqdm's
        if done > self.seen:
            bar.update(done - self.seen)
            self.seen = done

    def describe(self, text: str) -> None:
        """Say what is being done now."""
        self.bar.set_description_str(text)
