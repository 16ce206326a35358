"""The ``coopfinance`` command: argv → domain values → library → output. The only package that prints.

Domain errors (:class:`~coopfinance.errors.CoopFinanceError`) print one line ``Error: …`` on stderr
and exit 1; usage errors exit 2 (argparse); ``--help`` and ``--version`` exit 0.

Layout: :mod:`coopfinance.cli._main` holds the parser, :func:`main` and :func:`run` (the console
script ``coopfinance = "coopfinance.cli:run"``); :mod:`coopfinance.cli._options` the options every
command shares (the loan's terms, ``--lang``, ``--templates``, ``-o``) and the writing of documents;
one module per command group (``schedule``, ``cost``, ``statement``, ``settle``, ``simulate``,
``plan``, ``training``, ``demo``). A command module follows one pattern:

1. ``__all__ = ["register"]``; ``register(subparsers) -> None`` adds its parser(s) with
   ``subparsers.add_parser(...)`` and sets ``handler=`` on each (``p.set_defaults(handler=_run)``);
2. a handler is ``_run(ns: argparse.Namespace, out: TextIO) -> int`` (the exit code) that builds
   domain values from ``ns``, calls the library and writes to ``out``; it raises domain errors;
3. shared options come from ``_options`` (``add_loan_options``, ``add_lang``, ``add_templates``,
   ``add_output``, ``add_document_options``) and choices from the enums (``choices(Amortization)``);
4. output is rendered, not hand-built: ``write_document`` for md/html/pdf, a ``*.txt.j2``
   template through :func:`coopfinance.documents.render` (``fmt="txt"``) for the terminal;
5. heavy modules (documents, dairy, plans, linked) are imported inside the handler, so
   ``coopfinance --help`` stays fast (function-level imports are allowed in this package only);
   the module is added to ``COMMANDS`` in ``_main``.
"""

from coopfinance.cli._main import main, run

__all__ = ["main", "run"]
