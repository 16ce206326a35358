"""CSV that a spreadsheet will not run: the one helper every CSV the library writes goes through.

OWASP's CSV-injection guidance: a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is run as a formula by Excel, LibreOffice and Google Sheets (``=HYPERLINK(…)`` leaks data,
``=cmd|…`` ran commands in old Excel). :func:`safe_cell` prefixes such *text* with ``'`` (shown as
the text itself); numbers (``int``, ``Decimal``) are left alone, so ``-12.50`` stays a number.
:func:`escape_cell` / :func:`unescape_cell` are the reversible form for files read back (the book's
export): a text starting with ``'`` is prefixed too, and reading strips exactly one ``'``.
(https://owasp.org/www-community/attacks/CSV_Injection)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["FORMULA_START", "csv_text", "escape_cell", "safe_cell", "unescape_cell"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""The first characters that make a spreadsheet read a cell as a formula."""


def safe_cell(value: Any) -> Any:
    """``value`` as a CSV cell a spreadsheet will not run as a formula.

    >>> safe_cell("=HYPERLINK(1)"), safe_cell("-2+3"), safe_cell("Ana"), safe_cell(-1)
    ("'=HYPERLINK(1)", "'-2+3", 'Ana', -1)
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def escape_cell(text: str) -> str:
    """Reversible :func:`safe_cell` for text read back by :func:`unescape_cell`.

    >>> escape_cell("=1+1"), escape_cell("'quoted"), unescape_cell(escape_cell("'quoted"))
    ("'=1+1", "''quoted", "'quoted")
    """
    return "'" + text if text.startswith((*FORMULA_START, "'")) else text


def unescape_cell(text: str) -> str:
    """The text :func:`escape_cell` was given."""
    return text[1:] if text.startswith("'") else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV of ``rows`` under ``header`` (``\\n`` line ends), every text cell :func:`safe_cell`.

    >>> print(csv_text(["farmer", "amount"], [["=1+1", -2]]), end="")
    farmer,amount
    '=1+1,-2
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue()
