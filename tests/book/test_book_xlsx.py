"""Deliveries from an Excel workbook into the book (the ``xlsx`` extra): the same rows as the
CSV give the same book, bad rows are reported with the row number Excel shows, and a workbook is
streamed (openpyxl's read-only mode)."""

from __future__ import annotations

import datetime as dt
import pathlib

import pytest
from book_helpers import (  # noqa: F401
    Where,
    fixture_book,
    fixture_coop,
    fixture_postgres_engine,
    fixture_where,
    write,
)

from coopfinance.book import Book, ImportRefused

openpyxl = pytest.importorskip("openpyxl")

HEADER = ["farmer", "date", "shift", "litres", "total_solids", "receipt"]


def _workbook(path: pathlib.Path, rows: list[list[object]]) -> pathlib.Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


ROWS: list[list[object]] = [
    ["M001", dt.date(2026, 1, 2), "am", 32.5, 12.1, "R-1"],
    ["M001", dt.datetime(2026, 1, 2, 17, 30), "pm", 30, 12.3, "R-2"],
    [None, None, None, None, None, None],
    ["M002", dt.date(2026, 1, 2), "am", 41, None, None],
]


def test_a_workbook_gives_the_book_its_csv_gives(
    book: Book, tmp_path: pathlib.Path, where: Where, coop: str
) -> None:
    report = book.import_deliveries(_workbook(tmp_path / "d.xlsx", ROWS))
    assert (report.new, report.already) == (3, 0)
    again = book.import_deliveries(_workbook(tmp_path / "d.xlsx", ROWS))
    assert (again.new, again.already) == (0, 3)
    csv = (
        "farmer,date,shift,litres,total_solids,receipt\n"
        "M001,2026-01-02,am,32.5,12.1,R-1\nM001,2026-01-02,pm,30,12.3,R-2\n"
        "M002,2026-01-02,am,41,,\n"
    )
    assert book.import_deliveries(write(tmp_path, "d.csv", csv)).already == 3
    got = sorted(
        (r["farmer"], r["shift"], r["litres"], r["receipt"]) for r in book.entries("deliveries")
    )
    assert [str(g[2]) for g in got] == ["32.5", "30", "41"]


def test_bad_rows_of_a_workbook_are_reported_with_their_excel_row(
    book: Book, tmp_path: pathlib.Path
) -> None:
    rows = [
        *ROWS,
        ["M001", dt.date(2026, 1, 2), "AM", 33, 12.1, "R-9"],
        ["M001", "2026-01-40", "", -2],
    ]
    with pytest.raises(ImportRefused) as info:
        book.import_deliveries(_workbook(tmp_path / "bad.xlsx", rows))
    lines = {(p.line, p.field) for p in info.value.problems}
    assert (6, "identity") in lines  # the same identity as row 2
    assert (7, "date") in lines
    assert (7, "litres") in lines
    assert book.status().deliveries == 0
