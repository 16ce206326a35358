"""Reading the CSV files a book imports: streamed row by row, every bad line reported."""

from __future__ import annotations

import contextlib
import csv
import io
import pathlib
from collections.abc import Iterator
from typing import IO

from coopfinance._files import open_text, refuse_decoding
from coopfinance.book._errors import BookError, ImportRefused, Problem

__all__ = ["Source", "cell", "csv_rows", "source_name", "text_source"]

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


@contextlib.contextmanager
def csv_rows(
    source: Source, what: str, required: tuple[str, ...], optional: tuple[str, ...]
) -> Iterator[tuple[Iterator[tuple[int, dict[str, str]]], list[Problem]]]:
    """``(rows, problems)``: rows as ``(line, {column: text stripped})``; a row with more fields
    than the header goes to ``problems`` instead. A missing or unknown column refuses the file."""
    with _opened(source, what) as fh:
        reader = csv.reader(fh)
        header = [h.strip().lower() for h in next(reader, [])]
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
                        message=f"the {what} file needs the columns {', '.join(required)} and may "
                        f"have {', '.join(optional)} (got {', '.join(header) or 'no header'}).",
                    ),
                ),
            )
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
                            message=f"has {len(values)} fields, the header {width}.",
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
