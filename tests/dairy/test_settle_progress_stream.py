"""Issue 20 §5: ``settle`` on a large fortnight shows progress (a bar on a terminal only, as the
book's imports and closes do) and reads ``.xlsx`` deliveries row by row as it reads a CSV, bad rows
reported by their row. Nothing here depends on timing: the bar's last drawing is forced (its
description changes when the settling starts), and streaming is shown by when each delivery is
made: as soon as its row is read."""

from __future__ import annotations

import datetime as dt
import io
import pathlib
from typing import Any

import pytest

from coopfinance.cli import main
from coopfinance.dairy import Deliveries, Period, _deliveries
from coopfinance.errors import InvalidDelivery

PERIOD = Period.parse("2026-01-01..2026-01-15")
PRICES = '[[prices]]\nfrom = "2026-01-01"\nto = "2026-12-31"\nbase = "1.30"\n'


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _csv(path: pathlib.Path, days: int, farmers: int) -> pathlib.Path:
    """``farmers`` farmers delivering twice a day from 2026-01-01 for ``days`` days."""
    lines = ["farmer,date,shift,litres"]
    for k in range(days):
        day = (dt.date(2026, 1, 1) + dt.timedelta(days=k)).isoformat()
        lines += [f"M{f:05d},{day},{s},{10 + f % 7}" for f in range(farmers) for s in ("am", "pm")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _xlsx(
    path: pathlib.Path,
    days: int,
    farmers: int,
    extra: tuple[list[Any], ...] = (),
    *,
    write_only: bool = True,
) -> pathlib.Path:
    """As :func:`_csv`, a workbook; ``write_only`` (openpyxl's fast mode) records no dimension."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook(write_only=write_only)
    sheet = book.create_sheet("Entregas") if write_only else book.active
    sheet.append(["farmer", "date", "shift", "litres"])
    for k in range(days):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=k)
        for f in range(farmers):
            for s in ("am", "pm"):
                sheet.append([f"M{f:05d}", day, s, 10 + f % 7])
    for row in extra:
        sheet.append(row)
    book.save(path)
    return path


def _calls() -> tuple[list[tuple[int, int | None]], Any]:
    seen: list[tuple[int, int | None]] = []
    return seen, lambda done, total: seen.append((done, total))


@pytest.fixture
def every_100(monkeypatch: pytest.MonkeyPatch) -> None:
    """Progress every 100 rows instead of 10,000, so that small files show the steps."""
    monkeypatch.setattr(_deliveries, "PROGRESS_EVERY", 100)


def test_the_csv_loaders_report_the_rows_read(tmp_path: pathlib.Path, every_100: None) -> None:
    """``(0, total)``, every 100 rows here, ``(n, n)``; a selection counts the rows it leaves out."""
    path = _csv(tmp_path / "d.csv", days=25, farmers=5)  # 250 rows
    seen, progress = _calls()
    assert len(Deliveries.from_file(path, progress=progress)) == 250
    assert seen == [(0, 250), (100, 250), (200, 250), (250, 250)]
    seen, progress = _calls()
    kept, left_out = Deliveries.select_from_file(path, PERIOD, progress=progress)
    assert (len(kept), left_out) == (150, 100)
    assert seen == [(0, 250), (100, 250), (200, 250), (250, 250)]


def test_the_xlsx_loaders_report_the_rows_read(tmp_path: pathlib.Path, every_100: None) -> None:
    """The total is the sheet's recorded dimension; a workbook without one gets a counter."""
    path = _xlsx(tmp_path / "d.xlsx", days=12, farmers=5, write_only=False)  # 120 rows
    seen, progress = _calls()
    assert len(Deliveries.from_xlsx(path, progress=progress)) == 120
    assert seen == [(0, 120), (100, 120), (120, 120)]
    path = _xlsx(tmp_path / "fast.xlsx", days=12, farmers=5)
    seen, progress = _calls()
    assert len(Deliveries.from_xlsx(path, progress=progress)) == 120
    assert seen == [(0, None), (100, None), (120, 120)]
    seen, progress = _calls()
    kept, left_out = Deliveries.select_from_file(path, PERIOD, progress=progress)
    assert (len(kept), left_out, seen[-1]) == (120, 0, (120, 120))


def test_an_xlsx_season_is_selected_row_by_row(tmp_path: pathlib.Path) -> None:
    """``select_from_file`` reads a workbook too: the period's rows kept, the others counted."""
    path = _xlsx(tmp_path / "d.xlsx", days=40, farmers=3)
    kept, left_out = Deliveries.select_from_file(path, PERIOD)
    assert (len(kept), left_out) == (15 * 3 * 2, 25 * 3 * 2)
    assert {d.date for d in kept} == {dt.date(2026, 1, d) for d in range(1, 16)}
    assert kept == Deliveries.from_xlsx(path).within(PERIOD)


def test_bad_rows_of_a_selected_xlsx_are_reported_by_their_row(tmp_path: pathlib.Path) -> None:
    extra = (
        ["M00000", dt.date(2026, 1, 3), "noon", -4],  # in the period: checked in full
        ["M00001", "2026-13-01", "am", 5],  # its date cannot be read: reported
        ["M00002", dt.date(2026, 3, 1), "am", "much"],  # outside: only its date is read
    )
    path = _xlsx(tmp_path / "d.xlsx", days=2, farmers=2, extra=extra)  # header + 8 rows
    with pytest.raises(InvalidDelivery) as caught:
        Deliveries.select_from_file(path, PERIOD)
    assert sorted((line, field) for line, field, _ in caught.value.problems) == [
        (10, "litres"),
        (11, "date"),
    ]
    assert "row 10: 'litres' must not be negative (got -4)." in str(caught.value)


def test_an_xlsx_sheet_is_parsed_as_it_is_read(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each delivery is made as soon as its row is read from the sheet, never after the whole
    sheet was listed (as before issue 20): one fortnight of a long workbook holds that fortnight."""
    read_only = pytest.importorskip("openpyxl.worksheet._read_only")  # the xlsx extra
    ReadOnlyWorksheet = read_only.ReadOnlyWorksheet  # noqa: N806 (the class, patched below)

    path = _xlsx(tmp_path / "d.xlsx", days=20, farmers=5)  # 200 rows after the header
    pulled = [0]
    iter_rows = ReadOnlyWorksheet.iter_rows

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        for row in iter_rows(self, *args, **kwargs):
            pulled[0] += 1
            yield row

    made: list[int] = []
    trusted = _deliveries.Delivery.trusted

    def recorded(*args: Any, **kwargs: Any) -> Any:
        made.append(pulled[0])
        return trusted(*args, **kwargs)

    monkeypatch.setattr(ReadOnlyWorksheet, "iter_rows", counted)
    monkeypatch.setattr(_deliveries.Delivery, "trusted", recorded)
    kept, left_out = Deliveries.select_from_file(path, PERIOD)
    assert (len(kept), left_out) == (150, 50)
    assert made == [k + 2 for k in range(150)]  # the header, then row by row
    assert pulled[0] == 201


def _settle(tmp_path: pathlib.Path, deliveries: pathlib.Path, *flags: str) -> tuple[str, str]:
    prices = tmp_path / "p.toml"
    prices.write_text(PRICES, encoding="utf-8")
    err, out = (_Terminal() if "--terminal" in flags else io.StringIO()), io.StringIO()
    argv = ["settle", "--deliveries", str(deliveries), "--prices", str(prices)]
    argv += ["--period", str(PERIOD), "--format", "csv", "--lang", "en"]
    argv += [f for f in flags if f != "--terminal"]
    assert main(argv, out=out, err=err) == 0
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_settle_draws_a_progress_bar_on_a_terminal_only(tmp_path: pathlib.Path, kind: str) -> None:
    farmers = 20
    if kind == "csv":
        path = _csv(tmp_path / "d.csv", days=15, farmers=farmers)
    else:
        path = _xlsx(tmp_path / "d.xlsx", days=15, farmers=farmers)
    rows = 15 * farmers * 2
    out, err = _settle(tmp_path, path, "--terminal")
    assert out.count("\n") == farmers + 1  # the data on standard output only
    assert f"reading {path}" in err
    assert f"settling {farmers} farmers" in err  # drawn when the settling starts …
    assert f"{rows}/{rows}" in err  # … with every row read
    assert "rows" in err
    piped_out, piped = _settle(tmp_path, path)
    quiet_out, quiet = _settle(tmp_path, path, "--terminal", "-q")
    assert piped == quiet == ""
    assert piped_out == quiet_out == out


def test_settle_select_period_on_xlsx_says_what_it_left_out(tmp_path: pathlib.Path) -> None:
    path = _xlsx(tmp_path / "d.xlsx", days=31, farmers=2)
    out, err = _settle(tmp_path, path, "--select-period")
    assert "kept 60 of 124 deliveries" in err
    assert out.splitlines()[1].startswith("M00000,")


def test_settle_in_spanish_has_no_english_on_the_bar(tmp_path: pathlib.Path) -> None:
    path = _csv(tmp_path / "d.csv", days=1, farmers=3)
    prices = tmp_path / "p.toml"
    prices.write_text(PRICES, encoding="utf-8")
    err = _Terminal()
    argv = ["settle", "--deliveries", str(path), "--prices", str(prices), "--period", str(PERIOD)]
    assert main([*argv, "--format", "csv", "--lang", "es"], out=io.StringIO(), err=err) == 0
    assert "leyendo" in err.getvalue()
    assert "liquidando a 3 productores" in err.getvalue()
    assert "filas" in err.getvalue()
    assert "reading" not in err.getvalue()
    assert "settling" not in err.getvalue()
