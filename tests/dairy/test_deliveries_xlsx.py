"""Deliveries from an Excel workbook: same columns, same per-row errors as CSV, row numbers as Excel
shows them; a clear MissingDependency without openpyxl (the optional extra ``coopfinance[xlsx]``)."""

from __future__ import annotations

import datetime as dt
import pathlib
import sys
from decimal import Decimal
from typing import Any

import pytest

from coopfinance.dairy import Deliveries, Period
from coopfinance.errors import InvalidDelivery, MissingDependency

PERIOD = Period.parse("2026-01-01..2026-01-15")


def _workbook(
    path: pathlib.Path, rows: list[list[Any]], *, title: str = "Entregas"
) -> pathlib.Path:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_xlsx_reads_typed_cells_like_the_csv(tmp_path: pathlib.Path) -> None:
    """Date cells, number cells (floats included), booleans and text give the CSV's deliveries."""
    path = _workbook(
        tmp_path / "d.xlsx",
        [
            [
                "Farmer",
                "date",
                "litres",
                "total_solids",
                "fat",
                "bacterial_count",
                "cooled",
                "route",
            ],
            ["F01", dt.date(2026, 1, 2), 32.5, 12.5, None, 80000.0, True, "Cabeza de Toro"],
            ["F02", dt.datetime(2026, 1, 2, 6, 30), 0.1 + 0.2, None, "3.6", None, False, None],
            [None, None, None, None, None, None, None, None],  # an empty row is skipped
            ["F03", "2026-01-03", 18, None, None, None, "sí", None],
        ],
    )
    got = Deliveries.from_xlsx(path, period=PERIOD)
    csv = Deliveries.from_csv(
        "farmer,date,litres,total_solids,fat,bacterial_count,cooled,route\n"
        "F01,2026-01-02,32.5,12.5,,80000,yes,Cabeza de Toro\n"
        "F02,2026-01-02,0.3,,3.6,,no,\n"
        "F03,2026-01-03,18,,,,sí,\n"
    )
    assert got == csv
    assert got.items[1].litres == Decimal("0.3")  # Excel shows 0.3, not 0.30000000000000004


def test_xlsx_reports_every_bad_row_with_excel_row_numbers(tmp_path: pathlib.Path) -> None:
    path = _workbook(
        tmp_path / "bad.xlsx",
        [
            ["farmer", "date", "litres"],
            ["F01", dt.date(2026, 1, 2), 30],
            ["F02", dt.date(2026, 1, 2), -2],
            [None, None, None],
            ["F03", "2026-01-40", 5],
            ["F09", dt.date(2026, 2, 1), "veinte"],
            ["F01", dt.date(2026, 1, 3), 10, "extra"],
        ],
    )
    with pytest.raises(InvalidDelivery) as info:
        Deliveries.from_xlsx(path, farmers={"F01", "F02", "F03"}, period=PERIOD)
    assert str(info.value) == (
        "4 bad rows in the deliveries sheet:\n"
        "  row 3: 'litres' must not be negative (got -2).\n"
        "  row 5: 'date' must be a date such as '2026-01-15' (got '2026-01-40').\n"
        "  row 6: 'litres' must be a number such as '1250.50' or '35%' (got 'veinte').\n"
        "  row 6: 'date' 2026-02-01 is outside the period 2026-01-01..2026-01-15.\n"
        "  row 6: 'farmer' 'F09' is not a known farmer.\n"
        "  row 7: has 4 fields, the header 3."
    )
    assert info.value.value == [3, 5, 6, 7]
    assert [p[:2] for p in info.value.problems][:2] == [(3, "litres"), (5, "date")]


BAD_FILES = [
    ([["farmer", "litres"]], r"needs the columns farmer, date, litres \(missing date;"),
    ([["farmer", "date", "litres", "kg"]], r"unknown column 'kg' in the deliveries file"),
    (
        [["farmer", None, "date", "litres"]],
        r"column 2 of the deliveries sheet has no name in row 1",
    ),
    ([], r"needs the columns farmer, date, litres \(missing farmer, date, litres; got no header\)"),
]


@pytest.mark.parametrize(("rows", "message"), BAD_FILES)
def test_xlsx_bad_header(tmp_path: pathlib.Path, rows: list[list[Any]], message: str) -> None:
    path = _workbook(tmp_path / "h.xlsx", rows)
    with pytest.raises(InvalidDelivery, match=message):
        Deliveries.from_xlsx(path)


def test_xlsx_sheet_by_name(tmp_path: pathlib.Path) -> None:
    path = _workbook(tmp_path / "s.xlsx", [["farmer", "date", "litres"], ["F01", "2026-01-02", 4]])
    assert len(Deliveries.from_xlsx(path, sheet="Entregas")) == 1
    with pytest.raises(
        InvalidDelivery, match=r"'sheet' 'Hoja1' is not in the workbook; its sheets"
    ):
        Deliveries.from_xlsx(path, sheet="Hoja1")


def test_xlsx_from_an_open_binary_file(tmp_path: pathlib.Path) -> None:
    path = _workbook(tmp_path / "f.xlsx", [["farmer", "date", "litres"], ["F01", "2026-01-02", 4]])
    with path.open("rb") as fh:
        assert Deliveries.from_xlsx(fh).items[0].litres == Decimal("4")


def test_a_file_that_is_not_a_workbook(tmp_path: pathlib.Path) -> None:
    pytest.importorskip("openpyxl")
    path = tmp_path / "d.xlsx"
    path.write_text("farmer,date,litres\n", encoding="utf-8")
    with pytest.raises(InvalidDelivery, match=r"cannot read '.*d.xlsx' as an Excel .xlsx workbook"):
        Deliveries.from_xlsx(path)


def test_without_openpyxl_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs whether or not openpyxl is installed: the import is made to fail."""
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(
        MissingDependency, match=r"needs the optional package openpyxl.*coopfinance\[xlsx\]"
    ):
        Deliveries.from_xlsx("deliveries.xlsx")
    with pytest.raises(ImportError):
        Deliveries.from_xlsx("deliveries.xlsx")
