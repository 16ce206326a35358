"""``coopfinance book …``, run in-process through the CLI's entry."""

from __future__ import annotations

import pathlib

import pytest
from book_helpers import (  # noqa: F401
    PRICES,
    ROSTER,
    fixture_book,
    fixture_coop,
    fixture_postgres_engine,
    fixture_where,
    write,
)

from coopfinance.book._schema import SCHEMA_REVISION
from coopfinance.cli import main as _main


def main(argv: list[str]) -> int:
    """``coopfinance book ARGV``."""
    return _main(["book", *argv])


def test_a_season_from_the_command_line(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert (
        main(
            ["init", "--coop", "manantial", "--name", "Manantial de Vida", "--pay-delay-days", "5"]
        )
        == 0
    )
    assert (tmp_path / "coop.db").exists()  # ./coop.db by default
    write(tmp_path, "roster.csv", ROSTER)
    write(tmp_path, "prices.toml", PRICES)
    rows = "".join(f"M001,2026-01-{d:02d},am,30\n" for d in range(1, 32))
    write(tmp_path, "d.csv", "farmer,date,shift,litres\n" + rows)
    assert main(["import", "roster", "roster.csv"]) == 0
    assert main(["import", "prices", "prices.toml"]) == 0
    assert main(["import", "deliveries", "d.csv"]) == 0
    assert main(["import", "deliveries", "d.csv"]) == 0
    out = capsys.readouterr().out
    assert "deliveries d.csv: 31 new, 0 already recorded" in out
    assert "deliveries d.csv: 0 new, 31 already recorded" in out
    assert main(["close"]) == 0
    assert "closed 2026-01-01..2026-01-15, paid 2026-01-20" in capsys.readouterr().out
    assert main(["status"]) == 0
    assert "next to close: 2026-01-16..2026-01-31" in capsys.readouterr().out
    assert main(["statement", "M001", "--as-of", "2026-01-31"]) == 0
    assert "2026-01-01..2026-01-15 paid 2026-01-20: litres 450" in capsys.readouterr().out
    assert main(["report", "--lang", "en"]) == 0
    assert "Carmen" in capsys.readouterr().out
    assert main(["export", "out"]) == 0
    assert (tmp_path / "out" / "deliveries.csv").exists()
    assert main(["upgrade"]) == 0
    assert f"revision {SCHEMA_REVISION}" in capsys.readouterr().out


def test_errors_go_to_stderr_with_exit_code_1(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    book = str(tmp_path / "b.db")
    monkeypatch.setenv("COOPFINANCE_BOOK", book)
    assert main(["status"]) == 1
    assert "no book in this database" in capsys.readouterr().err
    assert main(["init", "--coop", "c1"]) == 0
    write(tmp_path, "roster.csv", ROSTER)
    write(tmp_path, "d.csv", "farmer,date,litres\nM001,2026-01-02,-3\nM009,2026-01-02,3\n")
    main(["import", "roster", str(tmp_path / "roster.csv")])
    capsys.readouterr()
    assert main(["import", "deliveries", str(tmp_path / "d.csv")]) == 1
    err = capsys.readouterr().err
    assert "line 2: 'litres' must not be negative" in err
    assert "line 3: 'farmer' 'M009' is not on the roster" in err
