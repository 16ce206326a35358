"""The ``coopfinance`` command: argv → domain values → library → output. The only package that prints.

No traceback ever reaches the user (:func:`main`): domain errors
(:class:`~coopfinance.errors.CoopFinanceError`) and environment errors (``OSError``) print one line
``Error: …`` on stderr and exit 1; an internal error says it is a bug and where to report it (exit 1,
the traceback with ``--debug``); usage errors exit 2; Ctrl-C exits 130; a closed standard output
(``| head``) ends quietly (141). Every command takes ``--lang`` (default: the locale, else es),
``-q``, ``-v``, ``--force`` and ``--debug``; ``-o FILE`` infers the format from its extension and
writes atomically (see docs/cli.md).

Layout: :mod:`coopfinance.cli._main` holds the parser, :func:`main` and :func:`run` (the console
script ``coopfinance = "coopfinance.cli:run"``); :mod:`coopfinance.cli._options` the options every
command shares (the loan's terms, ``--lang``, ``--templates``, ``-o``) and the writing of documents;
:mod:`coopfinance.cli._console` the streams, the command's language, status lines and progress bars;
one module per command group (``schedule``, ``cost``, ``portfolio``, ``statement``, ``settle``,
``simulate``, ``plan``, ``training``, ``demo``, ``examples``, ``completion``, ``book``). A command
module follows one pattern:

1. ``__all__ = ["register"]``; ``register(subparsers) -> None`` adds its parser(s) with
   ``subparsers.add_parser(...)`` and sets ``handler=`` on each (``p.set_defaults(handler=_run)``);
2. a handler is ``_run(ns: argparse.Namespace, out: TextIO) -> int`` (the exit code) that builds
   domain values from ``ns``, calls the library and writes to ``out``; it raises domain errors;
3. shared options come from ``_options`` (``add_loan_options``, ``add_lang``, ``add_templates``,
   ``add_output``, ``add_document_options``) and choices from the enums (``choices(Amortization)``);
4. output is rendered, not hand-built: ``write_document`` for md/html/pdf, a ``*.txt.j2``
   template through :func:`coopfinance.documents.render` (``fmt="txt"``) for the terminal, and
   every result goes out through ``emit`` (``-o``, atomic, ``--force``); ``add_format`` +
   ``chosen_format`` give ``--format`` and the inference from ``-o``; ``csv_text`` writes
   formula-safe CSV; words of the command's own go through ``console(ns).t(...)`` (catalog context
   ``cli``); status on stderr with ``console(ns).info``, progress with ``console(ns).progress``;
5. heavy modules (documents, dairy, plans, linked) are imported inside the handler, so
   ``coopfinance --help`` stays fast (function-level imports are allowed in this package only);
   the module is added to ``COMMANDS`` in ``_main`` (or to ``LAZY``, imported only when run, if
   its module-level imports are heavy).
"""

from coopfinance.cli._main import main, run

__all__ = ["main", "run"]
