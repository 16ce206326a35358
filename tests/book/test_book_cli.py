"""``coopfinance book …``, run in-process through the CLI's entry."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import pathlib
from decimal import Decimal

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

from coopfinance.book import Book
from coopfinance.book._migrate import head_revision
from coopfinance.cli import main as _main


def main(argv: list[str]) -> int:
    """``coopfinance book ARGV`` in English (the words are the catalogs'; see the Spanish test)."""
    return _main(["book", *argv, "--lang", "en"] if "--lang" not in argv else ["book", *argv])


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
    assert f"revision {head_revision()}" in capsys.readouterr().out


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


def test_an_import_speaks_the_language_asked(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert _main(["book", "init", "--coop", "c1"]) == 0
    write(tmp_path, "roster.csv", ROSTER)
    assert _main(["book", "import", "roster", "roster.csv"]) == 0  # no language: Spanish
    assert _main(["book", "import", "roster", "roster.csv", "--lang", "pt_BR"]) == 0
    out = capsys.readouterr().out
    assert "roster roster.csv: nuevos: 3, ya registrados: 0" in out
    assert "roster roster.csv: novos: 0, já registrados: 3" in out
    assert _main(["book", "status"]) == 0
    assert "cerrado hasta: nada cerrado" in capsys.readouterr().out


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_an_import_draws_a_progress_bar_on_a_terminal_only(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 21: the book's imports show the CLI's tqdm bar (rows of the file) on a terminal."""
    monkeypatch.chdir(tmp_path)
    assert _main(["book", "init", "--coop", "c1"]) == 0
    write(tmp_path, "roster.csv", ROSTER)
    write(tmp_path, "prices.toml", PRICES)
    rows = "".join(f"M001,2026-01-{1 + d % 28:02d},s{d // 28},3\n" for d in range(10_400))
    write(tmp_path, "d.csv", "farmer,date,shift,litres\n" + rows)
    for argv in (["import", "roster", "roster.csv"], ["import", "prices", "prices.toml"]):
        assert _main(["book", *argv]) == 0
    err, out = _Terminal(), io.StringIO()
    assert _main(["book", "import", "deliveries", "d.csv", "--lang", "en"], out=out, err=err) == 0
    assert "10,400 new" in out.getvalue()
    assert "importing d.csv" in err.getvalue()
    assert "rows" in err.getvalue()
    assert "/10400" in err.getvalue()  # the counted total (which chunks tqdm draws depends on time)
    quiet = _Terminal()
    assert _main(["book", "import", "deliveries", "d.csv", "-q"], out=io.StringIO(), err=quiet) == 0
    piped = io.StringIO()
    assert _main(["book", "import", "deliveries", "d.csv"], out=io.StringIO(), err=piped) == 0
    assert quiet.getvalue() == piped.getvalue() == ""


def _accounts_book(tmp: pathlib.Path) -> str:
    """A book of January and February with a check-off loan and contributions; the URL."""
    url = f"sqlite:///{tmp / 'coop.db'}"
    book = Book.init(url, coop="manantial", name="Manantial de Vida", pay_delay_days=5)
    book.import_roster(write(tmp, "roster.csv", ROSTER))
    book.import_prices(write(tmp, "prices.toml", PRICES.replace("2026-06-30", "2026-12-31")))
    rows = ["farmer,date,litres,total_solids"]
    for d in range(1, 29):
        rows += [f"M001,2026-01-{d:02d},40,12.1", f"M002,2026-01-{d:02d},25,12.3"]
        rows += [f"S001,2026-02-{d:02d},30,12.0", f"M001,2026-02-{d:02d},40,12.1"]
    book.import_deliveries(write(tmp, "d.csv", "\n".join(rows) + "\n"))
    book.import_loans(
        write(
            tmp,
            "loans.toml",
            '[[loan]]\nid = "L1"\nfarmer = "M001"\nprincipal = "800"\nrate = "18%"\n'
            'disbursed = "2026-01-01"\ninstallments = 4\nfrequency = "semi-monthly"\n',
        )
    )
    book.import_obligations(
        write(
            tmp,
            "o.csv",
            "farmer,kind,amount,due,reference\n"
            "M001,compulsory-savings,10.00,2026-01-15,aporte\n"
            "M002,compulsory-savings,10.00,2026-01-15,aporte\n",
        )
    )
    for _ in range(3):
        book.close()
    book.close_connection()
    return url


def test_the_books_documents_from_the_command_line(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``book documents --as-of DATE -o DIR``: each document rendered from ``Book.documents``,
    the same text as the library renders."""
    url = _accounts_book(tmp_path)
    folder = tmp_path / "docs"
    argv = ["documents", "--book", url, "--as-of", "2026-02-10", "-o", str(folder)]
    assert main(argv) == 0
    assert f"11 documents as of 2026-02-10 written to {folder}" in capsys.readouterr().out
    names = sorted(p.name for p in folder.iterdir())
    farmers = ("M001", "M002", "S001")  # S001 is settled too (on the roster from 10 January)
    assert names == sorted(
        [
            "key_facts-L1.md",
            "portfolio.md",
            "statement-L1.md",
            *(f"settlement_summary-2026-01-{d}.md" for d in ("01", "16")),
            *(f"settlement-2026-01-{d}-{f}.md" for d in ("01", "16") for f in farmers),
        ]
    )
    book = Book.open(url)
    docs = book.documents(dt.date(2026, 2, 10))
    ctx = docs.liquidacion("M001", "2026-01-16")
    assert (folder / "settlement-2026-01-16-M001.md").read_text(encoding="utf-8") == docs.render(
        "settlement", ctx, lang="en"
    )
    assert "settlement-2026-02-01-M001.md" not in names  # paid on 20 February, after the date
    assert main(argv) == 1  # the files exist: --force to overwrite
    assert "already exists; pass --force" in capsys.readouterr().err
    assert main([*argv, "--force", "--format", "html", "--period", "2026-01-01"]) == 0
    assert (
        (folder / "settlement-2026-01-01-M002.html")
        .read_text(encoding="utf-8")
        .startswith("<!DOCTYPE html>")
    )
    book.close_connection()


def test_the_coops_accounts_from_the_command_line(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _accounts_book(tmp_path)
    b = ["--book", url]

    def run(*argv: str) -> str:
        assert main([*argv, *b]) == 0, capsys.readouterr().err
        return capsys.readouterr().out

    assert "S001 is a member from 2026-02-16" in run("join", "S001", "2026-02-16")
    assert "M002 left the co-op on 2026-01-31 (renuncia)" in run(
        "exit", "M002", "renuncia", "2026-01-31", "--reason", "moved away"
    )
    liq = run("liquidate", "M002", "2026-02-05")
    assert liq == str(Book.open(url).liquidation_document("M002", lang="en"))
    statement = run("contributions", "M001", "--as-of", "2026-02-28")
    expected = Book.open(url).contributions_document("M001", dt.date(2026, 2, 28), lang="en")
    assert statement == expected
    journal = run("journal", "--as-of", "2026-02-28")
    assert journal.splitlines()[0].split()[:3] == ["Date", "Source", "Reference"]
    ledger = tmp_path / "ledger.csv"
    run("ledger", "--as-of", "2026-02-28", "-o", str(ledger))
    book = Book.open(url)
    assert ledger.read_text(encoding="utf-8") == book.ledger_csv(dt.date(2026, 2, 28))
    assert run("journal", "--as-of", "2026-02-28", "--format", "csv") == book.ledger_csv(
        dt.date(2026, 2, 28)
    )
    tb = json.loads(run("trial-balance", "--as-of", "2026-02-28", "--format", "json"))
    assert tb["debit"] == tb["credit"]
    rows = list(csv.reader(io.StringIO(run("trial-balance", "--format", "csv"))))
    assert rows[0] == ["code", "name", "debit", "credit", "balance"]
    assert sum(Decimal(r[4]) for r in rows[1:]) == 0
    assert any(r[4].startswith("-") for r in rows[1:])  # numbers, never quoted as formulas
    table = run("income-statement", "--from", "2026-01-01", "--to", "2026-01-31")
    assert "Milk paid to farmers" in table
    got = list(
        csv.reader(io.StringIO(run("income-statement", "--year", "2026", "--format", "csv")))
    )
    st = book.income_statement(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert ["total", "result", str(st.result)] in got
    # the rest of the year, then the assembly
    while (p := book.status().open_period) is not None and p.start.year == 2026:
        book.close(p)
    book.record_entries(
        write(tmp_path, "e.csv", "date,kind,amount,reference\n2026-12-31,milk-sale,5000.00,G\n")
    )
    out = tmp_path / "assembly.html"
    run("distribute", "2026", "--date", "2027-03-15", "--interest-rate", "0.05",
        "--interest-cap", "0.08", "-o", str(out))  # fmt: skip
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert run("assembly", "2026") == book.assembly_document(2026, lang="en", fmt="md") + "\n" or (
        run("assembly", "2026").rstrip("\n")
        == str(book.assembly_document(2026, lang="en")).rstrip("\n")
    )
    book.close_connection()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["exit", "M001", "renuncia", "2026-13-01"], "'date'"),
        (["liquidate", "M001", "2026-02-05"], "no exit recorded"),
        (["income-statement"], "'--year', or '--from' and '--to', is needed"),
        (["income-statement", "--year", "2026", "--from", "2026-01-01"], "not both"),
        (["trial-balance", "-o", "tb.pdf"], "'output' must end in"),
        (["join", "X9", "2026-03-01"], "'farmer' 'X9' is not on the roster"),
        (["assembly", "2026"], "no distribution recorded"),
        (["distribute", "2026", "--date", "2027-03-01", "--interest-rate", "0.05"], "LGC art. 5"),
        (["distribute", "2026", "--date", "2027-03-01", "--reserve-share", "0.05"], "LGC art. 42"),
        (
            [
                "distribute",
                "2026",
                "--date",
                "2027-03-01",
                "--minimum-reserve-share",
                "0.05",
                "--reserve-share",
                "0.04",
            ],
            "'minimum_reserve_share'",
        ),
    ],
)
def test_accounts_errors_are_one_line_on_stderr_with_exit_code_1(
    tmp_path: pathlib.Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    url = _accounts_book(tmp_path)
    capsys.readouterr()
    assert main([*argv, "--book", url]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("Error: "), err
    assert message in err
