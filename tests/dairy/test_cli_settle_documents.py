"""``coopfinance settle --farmer ID`` / ``--summary`` with ``-o FILE.md|html|pdf``, in-process."""

from __future__ import annotations

import importlib.util
import io
import pathlib
import re

import pytest

from coopfinance.cli import main
from coopfinance.dairy import (
    Deliveries,
    MilkPriceSchedule,
    Period,
    Settlement,
    obligations_from_file,
    settle,
)
from coopfinance.documents import render_settlement, render_settlement_summary

DELIVERIES = (
    "farmer,date,litres,total_solids,cooled\n"
    "F01,2026-01-02,30,12.5,yes\nF01,2026-01-03,31,,\nF02,2026-01-02,12,,\n"
)
PRICES = (
    '[[prices]]\nfrom = "2026-01-01"\nto = "2026-12-31"\nbase = "1.30"\nintermediary = "1.10"\n'
    'solids_bonus_per_point = "0.10"\ncooling_bonus = "0.03"\n'
    '[prices.service_charges]\ntransporte = "0.05"\n'
)
OBLIGATIONS = (
    "farmer,kind,amount,loan_id\nF01,loan-installment,40.00,L-1\nF02,input-advance,20.00,\n"
)
PERIOD = "2026-01-01..2026-01-15"


@pytest.fixture
def files(tmp_path: pathlib.Path) -> dict[str, str]:
    out = {}
    for name, text in (("d.csv", DELIVERIES), ("p.toml", PRICES), ("o.csv", OBLIGATIONS)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        out[name] = str(tmp_path / name)
    out["dir"] = str(tmp_path)
    return out


def _run(files: dict[str, str], *extra: str) -> tuple[int, str, str]:
    argv = [
        "settle",
        "--deliveries",
        files["d.csv"],
        "--prices",
        files["p.toml"],
        "--period",
        PERIOD,
        "--obligations",
        files["o.csv"],
        *extra,
    ]
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _settlement(files: dict[str, str]) -> Settlement:
    period = Period.parse(PERIOD)
    return settle(
        Deliveries.from_file(files["d.csv"], period=period),
        MilkPriceSchedule.from_file(files["p.toml"]),
        period,
        obligations_from_file(files["o.csv"]),
    )


def test_farmer_statement_to_markdown_file(files: dict[str, str]) -> None:
    """The file holds exactly what render_settlement gives for the same settlement."""
    path = pathlib.Path(files["dir"]) / "F01.md"
    code, out, err = _run(
        files, "--farmer", "F01", "--farmer-name", "Juana Quispe", "--coop-name", "Manantial",
        "-o", str(path),
    )  # fmt: skip
    assert (code, out, err) == (0, "", "")
    s = _settlement(files)
    expected = render_settlement(
        s.statement("F01"), s, farmer_name="Juana Quispe", coop_name="Manantial"
    )
    assert path.read_text(encoding="utf-8") == expected
    # 30 × 1.37 + 31 × 1.30 = 81.40; transport 61 × 0.05 = 3.05; loan ⌊0.30 × 81.40⌋ = 24.42
    assert "- **Neto a pagar:** **S/ 53.93**" in expected


def test_farmer_statement_in_english_html(files: dict[str, str]) -> None:
    path = pathlib.Path(files["dir"]) / "F02.html"
    code, _, _ = _run(files, "--farmer", "F02", "--lang", "en", "-o", str(path))
    assert code == 0
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "Milk payment statement" in html
    assert "F02 (code F02)" in html  # no --farmer-name: the id stands in
    assert '<th scope="row">Co-op</th><td>Co-op</td>' in html


def test_summary_to_stdout_in_markdown(files: dict[str, str]) -> None:
    code, out, _ = _run(files, "--summary", "--coop-name", "Manantial")
    assert code == 0
    s = _settlement(files)
    assert out == render_settlement_summary(s, coop_name="Manantial")
    assert "**El resumen cuadra al céntimo con las liquidaciones.**" in out


@pytest.mark.skipif(importlib.util.find_spec("weasyprint") is None, reason="WeasyPrint missing")
@pytest.mark.filterwarnings("ignore:HarfBuzz-Subset:DeprecationWarning")
def test_summary_as_pdf(files: dict[str, str]) -> None:
    path = pathlib.Path(files["dir"]) / "summary.pdf"
    assert _run(files, "--summary", "-o", str(path))[0] == 0
    assert path.read_bytes().startswith(b"%PDF")


def test_deliveries_from_xlsx(files: dict[str, str]) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for line in DELIVERIES.splitlines():
        book.active.append([c or None for c in line.split(",")])
    xlsx = pathlib.Path(files["dir"]) / "d.xlsx"
    book.save(xlsx)
    files = {**files, "d.csv": str(xlsx)}
    code, out, _ = _run(files, "--format", "json")
    assert code == 0
    assert '"gross": "81.40"' in out


ERRORS = [
    (("--farmer", "F09"), r"Error: 'farmer' 'F09' has no statement in 2026-01-01\.\.2026-01-15\."),
    (("--farmer", "F01", "--summary"), r"Error: '--farmer' and '--summary' make different"),
    (("--summary", "-o", "x.docx"), r"Error: 'output' must end in .md, .html or .pdf"),
    (("--farmer", "F01", "--coop-name", " "), r"Error: 'coop_name' must not be empty"),
]


@pytest.mark.parametrize(("extra", "message"), ERRORS)
def test_document_errors(
    files: dict[str, str], extra: tuple[str, ...], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the error texts below are English: the CLI speaks it when asked (the locale here)
    monkeypatch.setenv("LANGUAGE", "en")
    code, out, err = _run(files, *extra)
    assert (code, out) == (1, "")
    assert re.match(message, err), err


def test_usage_error_for_a_bad_language(files: dict[str, str]) -> None:
    assert _run(files, "--summary", "--lang", "qu")[0] == 2
