"""Reading the CSV (and XLSX) files a book imports: streamed row by row, every bad line reported.

An ``.xlsx`` workbook (the ``xlsx`` extra) is read with openpyxl's read-only mode, one row at a
time, its cells as the text a CSV would hold (:func:`~coopfinance.dairy._deliveries.cell_text`,
as ``Deliveries.from_xlsx`` reads them: dates ISO, numbers to Excel's 15 digits, booleans
yes/no); a problem's ``line`` is the row number Excel shows (the header is row 1)."""

from __future__ import annotations

import contextlib
import csv
import io
import pathlib
from collections.abc import Iterator
from typing import IO

from coopfinance._files import open_text, refuse_decoding
from coopfinance.book._errors import _WHAT, BookError, ImportRefused, Problem
from coopfinance.dairy._deliveries import cell_text, load_openpyxl
from coopfinance.errors import E_

__all__ = ["Source", "cell", "csv_rows", "is_xlsx", "source_name", "table_rows", "text_source"]

Source = str | pathlib.Path | IO[str]
"""A file to import: a path, or an open text file (``io.StringIO`` …)."""


def source_name(source: Source) -> str:
    """How the import record names the file."""
    if isinstance(source, str | pathlib.Path):
        return str(source)
    return str(getattr(source, "name", "<stream>"))


@contextlib.contextmanager
def _opened(source: Source, what: str) -> Iterator[IO[str]]:
    if isinstance(source, str | pathlib.Path):
        fh = open_text(source, field=what, error=BookError)
        try:
            yield fh
        except UnicodeDecodeError as exc:
            raise refuse_decoding(source, exc, field=what, error=BookError) from None
        finally:
            fh.close()
    else:
        yield source


def is_xlsx(source: Source) -> bool:
    """Whether ``source`` is a path to an Excel ``.xlsx`` workbook."""
    return isinstance(source, str | pathlib.Path) and str(source).lower().endswith(".xlsx")


def _check_header(
    source: Source,
    what: str,
    header: list[str],
    required: tuple[str, ...],
    optional: tuple[str, ...],
) -> None:
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in required + optional]
    if missing or unknown:
        raise ImportRefused(
            what,
            source_name(source),
            (
                Problem(
                    line=1,
                    field="columns",
                    message=E_(
                        "the %(what)s file needs the columns %(required)s and may have "
                        "%(optional)s (got %(header)s).",
                        what=_WHAT.get(what, what),
                        required=", ".join(required),
                        optional=", ".join(optional),
                        header=", ".join(header) or E_("no header"),
                    ),
                ),
            ),
        )


@contextlib.contextmanager
def table_rows(
    source: Source, what: str, required: tuple[str, ...], optional: tuple[str, ...]
) -> Iterator[tuple[Iterator[tuple[int, dict[str, str]]], list[Problem]]]:
    """:func:`csv_rows`, or :func:`xlsx_rows` for a path ending ``.xlsx``."""
    opened = xlsx_rows if is_xlsx(source) else csv_rows
    with opened(source, what, required, optional) as found:
        yield found


@contextlib.contextmanager
def xlsx_rows(
    source: Source, what: str, required: tuple[str, ...], optional: tuple[str, ...]
) -> Iterator[tuple[Iterator[tuple[int, dict[str, str]]], list[Problem]]]:
    """``(rows, problems)`` of the active sheet of an ``.xlsx`` workbook, streamed (read-only
    mode): as :func:`csv_rows`, rows numbered as Excel shows them; fully empty rows skipped."""
    openpyxl, bad_file = load_openpyxl(source)
    try:
        workbook = openpyxl.load_workbook(str(source), read_only=True, data_only=True)
    except (OSError, KeyError, ValueError, bad_file) as exc:
        raise BookError(
            E_(
                "cannot read %(source)s as an Excel .xlsx workbook (%(exc)s).",
                source=repr(str(source)),
                exc=exc,
            ),
            field=what,
            value=str(source),
        ) from None
    try:
        sheet = workbook.active
        values = sheet.iter_rows(values_only=True)
        header = [cell_text(c).strip().lower() for c in next(values, ())]
        while header and not header[-1]:
            header.pop()
        _check_header(source, what, header, required, optional)
        problems: list[Problem] = []

        def rows() -> Iterator[tuple[int, dict[str, str]]]:
            width = len(header)
            for number, found in enumerate(values, start=2):
                cells = [cell_text(v).strip() for v in found]
                if not any(cells):
                    continue
                if any(cells[width:]):
                    problems.append(
                        Problem(
                            line=number,
                            field="columns",
                            message=E_(
                                "has %(cells)s fields, the header %(width)s.",
                                cells=len(cells),
                                width=width,
                            ),
                        )
                    )
                    continue
                yield (
                    number,
                    {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header)},
                )

        yield rows(), problems
    finally:
        workbook.close()


@contextlib.contextmanager
def csv_rows(
    source: Source, what: str, required: tuple[str, ...], optional: tuple[str, ...]
) -> Iterator[tuple[Iterator[tuple[int, dict[str, str]]], list[Problem]]]:
    """``(rows, problems)``: rows as ``(line, {column: text stripped})``; a row with more fields
    than the header goes to ``problems`` instead. A missing or unknown column refuses the file."""
    with _opened(source, what) as fh:
        reader = csv.reader(fh)
        header = [h.strip().lower() for h in next(reader, [])]
        _check_header(source, what, header, required, optional)
        problems: list[Problem] = []

        def rows() -> Iterator[tuple[int, dict[str, str]]]:
            width = len(header)
            for values in reader:
                line = reader.line_num
                if not values or not any(v.strip() for v in values):
                    continue
                if len(values) > width:
                    problems.append(
                        Problem(
                            line=line,
                            field="columns",
                            message=E_(
                                "has %(values)s fields, the header %(width)s.",
                                values=len(values),
                                width=width,
                            ),
                        )
                    )
                    continue
                yield (
                    line,
                    {
                        h: (values[i].strip() if i < len(values) else "")
                        for i, h in enumerate(header)
                    },
                )

        yield rows(), problems


def text_source(text: str, name: str = "<text>") -> IO[str]:
    """A text as a file to import (tests and doctests)."""
    fh = io.StringIO(text)
    fh.name = name
    return fh


def cell(row: dict[str, str], key: str) -> str:
    """A cell's text ('' when the column is absent)."""
    return row.get(key, "")
