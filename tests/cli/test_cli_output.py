"""``-o FILE`` on every command: the format from the extension, ``-`` for standard streams, atomic
writes, ``--force`` to overwrite; ``--format csv|json`` on every tabular command (formula-safe CSV);
``schedule --format json`` given back as ``--terms``."""

from __future__ import annotations

import csv
import io
import json
import os
import pathlib

import pytest
from cli_helpers import LOAN, Run, fixture_cli, no_locale  # noqa: F401

from coopfinance import LoanTerms, Schedule
from coopfinance.cli._options import csv_text, safe_cell
from coopfinance.examples import examples_dir, read_example

EXAMPLES = examples_dir()  # the bundled inputs: a checkout's examples/ or the installed wheel's


@pytest.mark.parametrize(
    ("name", "starts"),
    [
        ("x.html", "<!DOCTYPE html>"),
        ("x.md", "#"),
        ("x.csv", "number,due_date"),
        ("x.json", "{"),
        ("x.txt", "S/ 5,000.00"),
    ],
)
def test_schedule_infers_the_format_from_the_extension(
    cli: Run, tmp_path: pathlib.Path, name: str, starts: str
) -> None:
    target = tmp_path / name
    r = cli("schedule", *LOAN, "-o", str(target))
    assert r.code == 0, r.err
    assert r.out == "", "the document goes to the file, not to the terminal"
    assert target.read_text(encoding="utf-8").lstrip().startswith(starts)
    assert r.err == ""  # silence is golden; --verbose says what was written
    verbose = cli("schedule", *LOAN, "-o", str(target), "--verbose", "--force")
    assert verbose.err == f"escrito {target}\n"


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (["cost", *LOAN], "c.json"),
        (["cost", *LOAN], "c.csv"),
        (["cost", *LOAN], "c.html"),
        (["plan", str(EXAMPLES / "plan-alfalfa.toml")], "p.json"),
        (["plan", str(EXAMPLES / "plan-alfalfa.toml")], "p.csv"),
        (["plan", str(EXAMPLES / "plan-alfalfa.toml")], "p.txt"),
        (["training", "quiz", "--topic", "credit", "--seed", "1"], "q.json"),
        (["training", "quiz", "--topic", "credit", "--seed", "1"], "q.txt"),
        (["simulate", "--scenarios", "20", "--farmers", "5", "--periods", "6"], "s.csv"),
    ],
)
def test_every_command_writes_what_the_extension_says(
    cli: Run, tmp_path: pathlib.Path, argv: list[str], name: str
) -> None:
    target = tmp_path / name
    r = cli(*argv, "-o", str(target))
    assert r.code == 0, r.err
    assert r.out == ""
    text = target.read_text(encoding="utf-8")
    if name.endswith(".json"):
        json.loads(text)
    elif name.endswith(".csv"):
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) > 1
    elif name.endswith(".html"):
        assert "<html" in text


def test_an_extension_the_command_does_not_write_names_format(
    cli: Run, tmp_path: pathlib.Path
) -> None:
    r = cli("schedule", *LOAN, "-o", str(tmp_path / "x.xlsx"))
    assert r.code == 1
    assert "--format" in r.err
    r = cli("schedule", *LOAN, "-o", str(tmp_path / "x.html"), "--format", "csv")
    assert r.code == 1
    assert "contradice" in r.err  # the default language, Spanish
    # an unknown extension with --format is fine
    assert cli("schedule", *LOAN, "-o", str(tmp_path / "x.dat"), "--format", "csv").code == 0
    assert (tmp_path / "x.dat").read_text(encoding="utf-8").startswith("number,")


def test_overwriting_needs_force(cli: Run, tmp_path: pathlib.Path) -> None:
    target = tmp_path / "x.csv"
    target.write_text("mine\n", encoding="utf-8")
    r = cli("schedule", *LOAN, "-o", str(target))
    assert r.code == 1
    assert "--force" in r.err
    assert target.read_text(encoding="utf-8") == "mine\n"
    assert cli("schedule", *LOAN, "-o", str(target), "--force").code == 0
    assert target.read_text(encoding="utf-8").startswith("number,")


def test_writes_are_atomic(
    cli: Run, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash at the rename leaves the old file whole and no temporary file behind."""
    target = tmp_path / "x.csv"
    target.write_text("old\n", encoding="utf-8")

    def crash(_src: object, _dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    r = cli("schedule", *LOAN, "-o", str(target), "--force")
    assert r.code == 1
    assert "No space left on device" in r.err
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.csv"]


def test_dash_is_standard_output_and_standard_input(cli: Run) -> None:
    r = cli("schedule", *LOAN, "-o", "-", "--format", "csv")
    assert r.code == 0
    assert r.out.startswith("number,")
    terms = cli("schedule", *LOAN, "--format", "terms").out
    again = cli("schedule", "--terms", "-", "--format", "csv", stdin=terms)
    assert again.code == 0, again.err
    assert again.out == r.out


def test_schedule_json_is_given_back_as_terms(cli: Run, tmp_path: pathlib.Path) -> None:
    printed = cli("schedule", *LOAN, "--format", "json").out
    Schedule.from_json(printed)  # still the documented schedule JSON
    saved = tmp_path / "s.json"
    saved.write_text(printed, encoding="utf-8")
    r = cli("schedule", "--terms", str(saved), "--format", "json")
    assert r.code == 0, r.err
    assert json.loads(r.out) == json.loads(printed)
    assert LoanTerms.from_dict(json.loads(printed)["terms"]).schedule().installment_amount


def test_a_pdf_never_goes_to_a_terminal(cli: Run) -> None:
    r = cli("schedule", *LOAN, "--format", "pdf")
    assert r.code == 1
    assert "-o ARCHIVO.pdf" in r.err  # Spanish, as the help names the metavar


def test_csv_is_formula_safe() -> None:
    """OWASP CSV injection: text cells starting with = + - @ tab CR are quoted with '; numbers not."""
    from decimal import Decimal

    text = csv_text(("who", "amount"), [("=1+2", Decimal("-3.50")), ("@SUM(A1)", 4), ("Ana", 1)])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["'=1+2", "-3.50"]
    assert rows[2] == ["'@SUM(A1)", "4"]
    assert rows[3] == ["Ana", "1"]
    for bad in ("+1", "-1", "\t1", "\r1"):
        assert safe_cell(bad) == "'" + bad


def test_settle_csv_quotes_a_hostile_farmer_id(cli: Run, tmp_path: pathlib.Path) -> None:
    deliveries = tmp_path / "d.csv"
    deliveries.write_text(
        "farmer,date,litres\n=HYPERLINK(x),2026-01-02,10\nM2,2026-01-03,20\n", encoding="utf-8"
    )
    r = cli(
        "settle",
        "--deliveries",
        str(deliveries),
        "--prices",
        str(EXAMPLES / "prices.toml"),
        "--period",
        "2026-01-01..2026-01-15",
        "--format",
        "csv",
    )
    if r.code == 1:  # the dairy loader may refuse such an id outright: fine, never a formula
        assert "farmer" in r.err
        return
    rows = list(csv.reader(io.StringIO(r.out)))
    assert rows[0][:3] == ["farmer", "litres", "gross"]
    assert {row[0] for row in rows[1:]} == {"'=HYPERLINK(x)", "M2"}


def test_settle_on_a_season_file_names_select_period(cli: Run, tmp_path: pathlib.Path) -> None:
    season = tmp_path / "deliveries.csv"  # the shipped archive, decompressed
    season.write_text(read_example("deliveries.csv"), encoding="utf-8")
    argv = [
        "settle",
        "--deliveries",
        str(season),
        "--prices",
        str(EXAMPLES / "prices.toml"),
        "--period",
        "2026-01-01..2026-01-15",
    ]
    r = cli(*argv)
    assert r.code == 1
    assert "--select-period" in r.err.splitlines()[0]  # then the bad rows, with their lines
    ok = cli(*argv, "--select-period", "--format", "json")
    assert ok.code == 0, ok.err
    assert (
        "2,652 de 64,712" in ok.err
    )  # what was kept, grouped as every count, on stderr (not with --quiet)
    assert cli(*argv, "--select-period", "--format", "json", "-q").err == ""


def test_bad_rows_are_listed_with_their_lines(cli: Run, tmp_path: pathlib.Path) -> None:
    """A file's bad rows: the error line, then each row with its line (the loaders cap the list)."""
    bad = tmp_path / "d.csv"
    bad.write_text("farmer,date,litres\nF1,2026-01-40,3\nF1,2026-01-02,-1\n", encoding="utf-8")
    argv = ["settle", "--deliveries", str(bad), "--prices", str(EXAMPLES / "prices.toml")]
    r = cli(*argv, "--period", "2026-01-01..2026-01-15", "--lang", "en")
    assert r.code == 1
    assert r.err.startswith("Error: 2 bad rows")
    assert "line 2:" in r.err
    assert "line 3:" in r.err
    assert "Traceback" not in r.err


def test_statement_as_csv_from_events_on_stdin(cli: Run, tmp_path: pathlib.Path) -> None:
    """``statement --events - --format csv``: the statement's lines, one a row, formula-safe."""
    terms = tmp_path / "terms.json"
    terms.write_text(
        json.dumps(
            {"principal": "5000", "rate": "35%", "installments": 3, "disbursed": "2026-01-15"}
        ),
        encoding="utf-8",
    )
    events = "type,date,id,amount\npayment,2026-02-15,=p1,1751.80\n"
    argv = ["statement", "--terms", str(terms), "--events", "-", "--as-of", "2026-03-20"]
    r = cli(*argv, "--format", "csv", stdin=events)
    assert r.code == 0, r.err
    rows = list(csv.DictReader(io.StringIO(r.out)))
    assert rows[-1]["balance"]
    assert any(row["reference"] == "'=p1" for row in rows), rows
    j = cli(*argv, "-o", str(tmp_path / "s.json"), stdin=events)
    assert j.code == 0, j.err
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["lines"]
