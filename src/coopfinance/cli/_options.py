"""What the commands share: the loan options, ``--lang``, ``--templates``, ``-o`` and the writing of
documents and text.

Choices of options that name a convention come from its enum (``Amortization``, ``DayCount``, ...),
so a member added to the library is offered by the command line without editing it.
"""

from __future__ import annotations

import argparse
import enum
import pathlib
import shutil
import sys
import tempfile
from collections.abc import Iterable, Mapping
from typing import Any, TextIO, cast

from coopfinance import (
    Amortization,
    BusinessDay,
    DayCount,
    GraceType,
    LoanTerms,
    RoundingMode,
)
from coopfinance._csv import csv_text, safe_cell
from coopfinance._files import parse_data, read_text, write_atomic
from coopfinance.cli._console import Console, shipped_languages
from coopfinance.errors import E_, InvalidValue

__all__ = [
    "DOCUMENT_FORMATS",
    "LANGUAGES",
    "SUFFIX_FORMATS",
    "add_document_options",
    "add_format",
    "add_lang",
    "add_loan_options",
    "add_output",
    "add_templates",
    "choices",
    "chosen_format",
    "console",
    "csv_text",
    "emit",
    "input_path",
    "lang_type",
    "loan_terms",
    "read_terms_file",
    "safe_cell",
    "write_document",
    "write_output",
]

DOCUMENT_FORMATS = ("md", "html", "pdf")
LANGUAGES = shipped_languages()  # coopfinance.text.LANGUAGES, without importing Babel at start
# Rate.parse's spellings of a quoted rate (a kind and, for periodic kinds, its period).
RATE_TYPES = (
    "effective-annual",
    "nominal-annual",
    "effective-monthly",
    "effective-daily",
    "flat-monthly",
    "flat-annual",
)


def choices(kind: type[enum.Enum], *, by_name: bool = False) -> list[str]:
    """The values of an enum as the command line spells them (``by_name``: the member names,
    lower case with ``-``, for enums whose values are not text for people).

    >>> choices(GraceType)
    ['capitalize', 'pay-interest', 'waive']
    >>> choices(RoundingMode, by_name=True)
    ['half-up', 'half-even', 'down', 'up']
    """
    if by_name:
        return [m.name.lower().replace("_", "-") for m in kind]
    return [str(m.value) for m in kind]


def add_lang(p: argparse.ArgumentParser | Any, *, default: str | None = None, help: str) -> None:
    """``--lang LANG`` (es, en, pt_BR, or a locale name such as es_PE): when not given, the
    locale's language (``LANG``/``LC_ALL``), else Spanish; ``default`` is ignored (kept for the
    command modules' calls)."""
    del default
    p.add_argument(
        "--lang",
        default=None,
        type=lang_type,
        metavar="LANG",
        help=f"{help} (%(languages)s; default: the locale, else es)",
    )


def lang_type(text: str) -> str:
    """``--lang``'s converter: a shipped language (``es``, ``es_PE``, ``pt-BR``…), else a usage
    error (exit 2) listing them."""
    from coopfinance.text import check_lang

    try:
        return check_lang(text)
    except InvalidValue:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a language of coopfinance (choose from {', '.join(LANGUAGES)})"
        ) from None


def add_templates(p: argparse.ArgumentParser | Any, *, sandbox_note: bool = False) -> None:
    """``--templates DIR`` (repeatable): a co-op's own template directories."""
    note = "; its templates render in Jinja2's sandbox" if sandbox_note else ""
    p.add_argument(
        "--templates",
        action="append",
        default=[],
        metavar="DIR",
        help=f"a template directory searched before the bundled one (repeatable){note}",
    )


def add_output(
    p: argparse.ArgumentParser | Any,
    *,
    help: str = "write to this file, atomically (its extension sets the format; '-' is standard "
    "output; an existing file needs --force)",
    metavar: str | None = None,
) -> None:
    """``-o/--output FILE``."""
    p.add_argument("-o", "--output", default=None, metavar=metavar, help=help)


def add_document_options(p: argparse.ArgumentParser, *, key_facts: bool = False) -> None:
    """The options of the loan documents (``--format md|html|pdf``): names, templates, ``-o``."""
    g = p.add_argument_group("documents (--format md, html or pdf)")
    g.add_argument("--borrower", default="—", help="the borrower's name on the document")
    g.add_argument("--lender", default="—", help="the lender's name on the document")
    if key_facts:
        g.add_argument("--product", default="—", help="the loan product (key-facts sheet)")
        g.add_argument("--moratorium-rate", default=None, help="late-payment rate shown, e.g. 19%%")
        g.add_argument("--late-fee", default=None, help="late fee shown, e.g. 10.00")
    add_templates(g)
    add_output(g)


def add_loan_options(p: argparse.ArgumentParser) -> None:
    """The loan's terms, as :meth:`coopfinance.LoanTerms.from_dict` reads them."""
    g = p.add_argument_group("loan")
    g.add_argument(
        "--terms",
        default=None,
        metavar="FILE",
        help="loan terms from a JSON or TOML file (keys of LoanTerms.from_dict, see "
        "docs/interchange.md); options given on the command line override it",
    )
    g.add_argument("--principal", default=None, help="amount lent, e.g. 5000 or 'S/ 5,000'")
    g.add_argument("--currency", default=None, help="ISO 4217 code (default PEN)")
    g.add_argument("--rate", default=None, help="rate as '35%%' or '0.35'")
    g.add_argument(
        "--rate-type",
        default="effective-annual",
        choices=RATE_TYPES,
        help="how the rate is quoted (default effective-annual, Peru's TEA)",
    )
    g.add_argument(
        "--installments",
        type=int,
        default=None,
        help="number of installments, grace periods included",
    )
    g.add_argument(
        "--frequency",
        default="monthly",
        help="weekly|biweekly|semimonthly|monthly|bimonthly|quarterly|semiannual|"
        "annual|<N>d (default monthly)",
    )
    g.add_argument("--disbursed", default=None, help="disbursement date, YYYY-MM-DD")
    g.add_argument("--first-due", default=None, help="first due date, YYYY-MM-DD")
    g.add_argument(
        "--due-dates",
        default=None,
        help="explicit due dates, comma-separated YYYY-MM-DD (replaces --frequency)",
    )
    g.add_argument(
        "--method",
        default=None,
        choices=choices(Amortization),
        help="amortization (default level; flat for a flat rate)",
    )
    g.add_argument(
        "--weights",
        default=None,
        help="weighted method: one positive weight per installment after grace, comma-separated",
    )
    g.add_argument(
        "--day-count",
        default=None,
        choices=choices(DayCount),
        help="day count (default act/360; per-period for flat rates)",
    )
    g.add_argument("--grace", type=int, default=0, help="grace periods (default 0)")
    g.add_argument(
        "--grace-type",
        default="capitalize",
        choices=choices(GraceType),
        help="interest during grace (default capitalize)",
    )
    g.add_argument(
        "--rounding",
        default="half-up",
        choices=choices(RoundingMode, by_name=True),
        help="rounding mode (default half-up)",
    )
    g.add_argument(
        "--rounding-unit",
        default=None,
        help="round every amount to a multiple of this (default: the currency's minor unit)",
    )
    g.add_argument(
        "--multiple",
        default=None,
        help="round the installment to a multiple of this step, e.g. 0.10 or 1",
    )
    g.add_argument(
        "--holidays",
        default="none",
        help="PE (Peru's public holidays; due dates roll to the next business day) or "
        "none (default)",
    )
    g.add_argument(
        "--charge",
        action="append",
        default=[],
        metavar="KIND:VALUE[:OPTION]",
        help="a charge, repeatable: upfront:1%%:withheld, upfront:100:financed, "
        "installment:10.00, installment:1%%:principal, insurance:0.10%%:balance, "
        "insurance:0.0675%%:original, tax:0.005%% (see docs/charges.md)",
    )
    g.add_argument("--down-payment", default=None, help="share due at disbursement, e.g. 25%%")
    g.add_argument(
        "--level-includes-insurance",
        action="store_true",
        help="keep principal + interest + insurance on the balance level",
    )
    g.add_argument(
        "--business-day",
        default=None,
        choices=choices(BusinessDay),
        help="rolling rule with --holidays (default following)",
    )


# What each loan option is when not given: only options that differ override a --terms file.
_UNSET: dict[str, Any] = {
    "principal": None,
    "currency": None,
    "rate": None,
    "rate_type": "effective-annual",
    "disbursed": None,
    "installments": None,
    "frequency": "monthly",
    "first_due": None,
    "due_dates": None,
    "amortization": None,
    "weights": None,
    "day_count": None,
    "grace": 0,
    "grace_type": "capitalize",
    "rounding": "half-up",
    "rounding_unit": None,
    "installment_multiple": None,
    "business_day": "none",
    "holidays": "none",
    "charges": [],
    "down_payment": None,
    "level_includes_insurance": False,
}


def read_terms_file(path: str, ns: argparse.Namespace | None = None) -> dict[str, Any]:
    """The table of loan terms in a ``.toml`` file, or a JSON one (any other suffix); ``-`` reads
    standard input (JSON if it starts with ``{``, else TOML). What ``schedule --format json``
    prints is accepted too (its ``terms``), as is ``schedule --format terms``."""
    if path == "-" and ns is not None:
        text = console(ns).stdin.read()
        fmt = "json" if text.lstrip().startswith("{") else "toml"
    else:
        fmt = "toml" if pathlib.Path(path).suffix.lower() == ".toml" else "json"
        text = read_text(path, field="terms", error=InvalidValue)
    data = parse_data(text, fmt=fmt, field="terms", source=path, error=InvalidValue)
    if not isinstance(data, dict):
        raise InvalidValue(
            E_(
                "'terms' file %(path)s must hold a table of loan terms (got %(type)s).",
                path=repr(path),
                type=type(data).__name__,
            ),
            field="terms",
            value=path,
        )
    if isinstance(data.get("terms"), dict) and isinstance(data.get("installments"), list):
        data = data["terms"]  # a schedule printed by `schedule --format json`
    return {str(k): v for k, v in data.items()}


def loan_terms(ns: argparse.Namespace) -> LoanTerms:
    """The loan of :func:`add_loan_options`: the ``--terms`` file with the options given on top."""
    return LoanTerms.from_dict(_terms_mapping(ns))


def _terms_mapping(ns: argparse.Namespace) -> dict[str, Any]:
    given = _given_terms(ns)
    if ns.terms is None:
        return given
    merged = read_terms_file(ns.terms, ns)
    for key, value in given.items():
        if value != _UNSET[key]:
            merged[key] = value
    return merged


def _given_terms(ns: argparse.Namespace) -> dict[str, Any]:
    holidays = ns.holidays
    business_day = ns.business_day
    if holidays.strip().lower() == "none" and business_day is None:
        business_day = "none"
    return {
        "principal": ns.principal,
        "currency": ns.currency,
        "rate": ns.rate,
        "rate_type": ns.rate_type,
        "disbursed": ns.disbursed,
        "installments": ns.installments,
        "frequency": ns.frequency if ns.due_dates is None else None,
        "first_due": ns.first_due,
        "due_dates": ns.due_dates,
        "amortization": ns.method,
        "weights": ns.weights,
        "day_count": ns.day_count,
        "grace": ns.grace,
        "grace_type": ns.grace_type,
        "rounding": ns.rounding,
        "rounding_unit": ns.rounding_unit,
        "installment_multiple": ns.multiple,
        "business_day": business_day,
        "holidays": holidays if holidays.strip().lower() != "none" else "none",
        "charges": ns.charge,
        "down_payment": ns.down_payment,
        "level_includes_insurance": ns.level_includes_insurance,
    }


SUFFIX_FORMATS = {
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".csv": "csv",
    ".json": "json",
    ".txt": "table",
    ".text": "table",
}
"""What ``-o FILE`` means by its extension, on every command (``table`` is the terminal text)."""


def add_format(
    p: argparse.ArgumentParser | Any, formats: Iterable[str], *, default: str, help: str = ""
) -> None:
    """``--format`` with ``formats``; when not given, the extension of ``-o``, else ``default``."""
    formats = tuple(formats)
    p.add_argument(
        "--format",
        default=None,
        choices=formats,
        help=(help + "; " if help else "")
        + f"default: from the extension of -o ({', '.join(_suffixes(formats))}), else {default}",
    )
    p.set_defaults(formats=formats, default_format=default)


def _suffixes(formats: tuple[str, ...]) -> list[str]:
    first: dict[str, str] = {"text": ".txt"}
    for suffix, fmt in SUFFIX_FORMATS.items():
        first.setdefault(fmt, suffix)
    return [first[f] for f in formats if f in first]


def chosen_format(ns: argparse.Namespace) -> str:
    """The format of the output: ``--format``, else what the extension of ``-o`` names, else the
    command's default. An ``-o`` whose extension the command does not write, without ``--format``,
    is refused naming ``--format``; a ``--format`` that contradicts the extension is refused.
    """
    formats: tuple[str, ...] = getattr(ns, "formats", ())
    default: str = getattr(ns, "default_format", "md")
    given: str | None = getattr(ns, "format", None)
    output: str | None = getattr(ns, "output", None)
    inferred = None
    if output and output != "-":
        inferred = SUFFIX_FORMATS.get(pathlib.Path(output).suffix.lower())
        if inferred == "table" and "table" not in formats and "text" in formats:
            inferred = "text"
        if inferred is not None and inferred not in formats:
            inferred = None if given else inferred
    if given is not None:
        if inferred is not None and inferred != given:
            raise InvalidValue(
                E_(
                    "'--format' %(given)s contradicts the extension of '-o' %(output)s "
                    "(%(inferred)s); give one of them, or a matching pair.",
                    given=given,
                    output=repr(output),
                    inferred=inferred,
                ),
                field="format",
                value=given,
            )
        return given
    if output and output != "-":
        if inferred is None or inferred not in formats:
            names = _suffixes(formats)
            suffixes = ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]
            raise InvalidValue(
                E_(
                    "'output' must end in %(suffixes)s (got %(output)s), or name the "
                    "format with --format.",
                    suffixes=suffixes,
                    output=repr(output),
                ),
                field="output",
                value=output,
            )
        return inferred
    return default


def console(ns: argparse.Namespace) -> Console:
    """The run's :class:`~coopfinance.cli._console.Console` (a plain one outside :func:`main`)."""
    found = getattr(ns, "console", None)
    if found is None:
        found = Console(
            sys.stdout,
            sys.stderr,
            lang=getattr(ns, "lang", None) or "es",
            quiet=True,
            verbose=False,
        )
        ns.console = found
    return cast(Console, found)


def write_output(ns: argparse.Namespace, path: str | pathlib.Path, document: str | bytes) -> None:
    """Write ``document`` to ``path`` atomically; an existing file needs ``--force``."""
    target = pathlib.Path(path)
    if target.is_file() and not getattr(ns, "force", False):
        raise InvalidValue(
            E_(
                "'-o' %(target)s already exists; pass --force to overwrite it.",
                target=repr(str(target)),
            ),
            field="output",
            value=str(target),
        )
    write_atomic(target, document, field="output")
    c = console(ns)
    c.detail(c.t("wrote %(path)s", path=str(target)))


def _binary_allowed(ns: argparse.Namespace, out: TextIO) -> None:
    """A PDF goes to ``-o FILE`` or ``-o -`` into a pipe, never to a terminal (checked before
    the PDF is made, so the answer does not depend on whether WeasyPrint is installed)."""
    target = getattr(ns, "output", None)
    if target and target != "-":
        return
    buffer = getattr(out, "buffer", None)
    isatty = getattr(out, "isatty", None)
    if buffer is None or target != "-" or (isatty is not None and isatty()):
        raise InvalidValue(
            E_("'output' is needed for a PDF (got none); pass -o FILE.pdf (or -o - into a pipe)."),
            field="output",
            value=None,
        )


def emit(ns: argparse.Namespace, out: TextIO, document: str | bytes) -> int:
    """Write ``document`` to ``-o`` if given (atomically; ``--force`` to overwrite), else to
    ``out`` (``-o -`` too; a PDF only to a pipe or a file, never to a terminal)."""
    target = getattr(ns, "output", None)
    if target and target != "-":
        write_output(ns, target, document)
        return 0
    if isinstance(document, bytes):
        _binary_allowed(ns, out)
        buffer = out.buffer  # _binary_allowed made sure there is one
        out.flush()
        buffer.write(document)
        buffer.flush()
        return 0
    out.write(document if document.endswith("\n") or not document else document + "\n")
    return 0


def input_path(ns: argparse.Namespace, value: str, *, suffix: str) -> str:
    """The path of an input file; ``-`` is standard input, copied to a temporary ``suffix`` file
    (removed when the command ends) for the loaders that take a path."""
    if value != "-":
        return value
    if getattr(ns, "stdin_taken", False):
        raise InvalidValue(
            E_("only one input can be read from standard input ('-') at a time."),
            field="input",
            value="-",
        )
    ns.stdin_taken = True
    text = console(ns).stdin.read()
    folder = tempfile.mkdtemp(prefix="coopfinance-stdin-")
    cleanup = getattr(ns, "cleanup", None)
    if cleanup is not None:
        cleanup.callback(shutil.rmtree, folder, True)
    path = pathlib.Path(folder) / f"stdin{suffix}"
    path.write_text(text, encoding="utf-8")
    return str(path)


def write_document(
    ns: argparse.Namespace, out: TextIO, name: str, context: Mapping[str, Any], fmt: str
) -> int:
    """Render the document ``name`` in ``fmt`` (md, html or pdf) and :func:`emit` it."""
    from coopfinance.documents import render, render_pdf

    templates: Iterable[str] = ns.templates
    if fmt == "pdf":
        _binary_allowed(ns, out)
        return emit(ns, out, render_pdf(name, context, lang=ns.lang, template_dirs=templates))
    return emit(ns, out, render(name, context, lang=ns.lang, fmt=fmt, template_dirs=templates))
