"""The command line, run in-process through ``main(argv)``."""

from __future__ import annotations

import io
import json
import pathlib
import subprocess
import sys
from decimal import Decimal

import pytest

from coopfinance import Schedule
from coopfinance.cli import main

LOAN = [
    "schedule",
    "--principal",
    "5000",
    "--rate",
    "35%",
    "--installments",
    "12",
    "--disbursed",
    "2026-01-15",
]


@pytest.fixture(autouse=True)
def _no_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests choose the language with --lang; the machine's locale plays no part."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_table_in_spanish() -> None:
    code, out, err = run([*LOAN, "--lang", "es"])
    assert code == 0, err
    assert "vencimiento" in out
    assert "amortización" in out
    assert "489.11" in out
    assert out.count("\n") == 12 + 3


def test_json_has_the_documented_shape_and_round_trips() -> None:
    code, out, _ = run([*LOAN, "--format", "json"])
    assert code == 0
    data = json.loads(out)
    assert {"currency", "principal", "installment_amount", "installments", "totals"} <= set(data)
    assert set(data["installments"][0]) == {
        "number",
        "due_date",
        "days",
        "opening_balance",
        "principal",
        "interest",
        "fees",
        "insurance",
        "taxes",
        "charges",
        "total",
        "balance",
    }
    assert data["currency"] == "PEN"
    assert data["installment_amount"] == "489.11"
    assert isinstance(data["installments"][0]["principal"], str)
    assert Schedule.from_json(out).total_principal == Decimal("5000.00")


def test_csv() -> None:
    code, out, _ = run([*LOAN, "--format", "csv"])
    assert code == 0
    lines = out.splitlines()
    assert (
        lines[0] == "number,due_date,days,opening_balance,principal,interest,fees,insurance,taxes,"
        "charges,total,balance"
    )
    assert lines[1].startswith("1,2026-02-15,31,5000.00,")
    assert len(lines) == 13


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--method", "constant-principal"], "547.57"),  # 416.67 + 130.90 interest
        (["--method", "weighted", "--weights", "1,1,1,1,1,1,1,1,1,1,1,2"], None),
        (["--grace", "2", "--grace-type", "pay-interest"], None),
        (["--frequency", "semimonthly"], None),
        (["--frequency", "15d", "--day-count", "per-period"], None),
        (["--rate-type", "flat-monthly", "--rate", "2%"], "516.67"),
        (["--multiple", "0.10"], "489.10"),
        (["--rounding", "half-even"], None),
        (["--holidays", "PE"], None),
        (["--first-due", "2026-03-01"], None),
        (["--method", "bullet"], None),
        (["--method", "interest-only"], None),
    ],
)
def test_options(extra: list[str], expected: str | None) -> None:
    code, out, err = run([*LOAN, *extra, "--format", "json"])
    assert code == 0, err
    data = json.loads(out)
    assert sum(Decimal(r["principal"]) for r in data["installments"]) >= Decimal("5000")
    if expected is not None:
        assert data["installment_amount"] == expected


def test_explicit_due_dates() -> None:
    code, out, err = run(
        [
            "schedule",
            "--principal",
            "3000",
            "--rate",
            "30%",
            "--disbursed",
            "2026-03-01",
            "--due-dates",
            "2026-06-30,2026-12-31",
            "--format",
            "json",
        ]
    )
    assert code == 0, err
    assert [r["due_date"] for r in json.loads(out)["installments"]] == ["2026-06-30", "2026-12-31"]


def test_zero_decimal_currency_in_multiples_of_100() -> None:
    code, out, err = run(
        [
            "schedule",
            "--principal",
            "1000000",
            "--currency",
            "CLP",
            "--rate",
            "30%",
            "--installments",
            "6",
            "--disbursed",
            "2026-01-10",
            "--rounding-unit",
            "100",
            "--format",
            "json",
        ]
    )
    assert code == 0, err
    rows = json.loads(out)["installments"]
    assert all(Decimal(r[k]) % 100 == 0 for r in rows for k in ("principal", "interest", "total"))


def test_domain_error_prints_error_and_exits_1() -> None:
    code, out, err = run(
        [
            "schedule",
            "--principal",
            "5000",
            "--rate",
            "35%",
            "--installments",
            "0",
            "--disbursed",
            "2026-01-15",
            "--lang",
            "en",
        ]
    )
    assert (code, out) == (1, "")
    assert err == "Error: 'installments' must be between 1 and 600 (got 0).\n"


def test_float_like_text_is_fine_but_garbage_is_not() -> None:
    code, _, err = run(
        [
            "schedule",
            "--principal",
            "cinco mil",
            "--rate",
            "35%",
            "--installments",
            "3",
            "--disbursed",
            "2026-01-15",
            "--lang",
            "en",
        ]
    )
    assert code == 1
    assert err.startswith("Error: 'amount' must be an amount such as")


def test_usage_error_exits_2() -> None:
    code, _, err = run(["schedule", *LOAN[1:], "--method", "zigzag", "--lang", "en"])
    assert code == 2
    assert "invalid choice: 'zigzag'" in err
    assert err.count("\n") == 1, err
    code, _, _ = run(["schedule", *LOAN[1:], "--installments", "twelve"])
    assert code == 2
    code, _, _ = run([])
    assert code == 2


def test_a_missing_loan_option_is_named() -> None:
    code, _, err = run(["schedule", "--rate", "35%", "--disbursed", "2026-01-15", "--lang", "en"])
    assert code == 1
    assert err == "Error: 'principal' is required (got None).\n"


def test_python_m_coopfinance_runs() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "coopfinance", *LOAN, "--format", "csv"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("number,due_date")


def test_schedule_with_charges_and_down_payment() -> None:
    code, out, err = run(
        [
            *LOAN,
            "--charge",
            "upfront:2%",
            "--charge",
            "insurance:0.10%",
            "--charge",
            "tax:0.005%",
            "--down-payment",
            "10%",
            "--format",
            "json",
        ]
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["fees_withheld"] == "100.00"
    assert data["installments"][0]["number"] == 0
    assert data["installments"][0]["principal"] == "500.00"
    assert Decimal(data["totals"]["insurance"]) > 0


def test_bad_charge_is_a_domain_error() -> None:
    code, _, err = run([*LOAN, "--charge", "upfront:2%:later", "--lang", "en"])
    assert code == 1
    assert err.startswith("Error: 'charge' 'upfront:2%:later': option 'later' must be one of")


def test_cost_table_states_what_each_figure_includes() -> None:
    code, out, err = run(
        ["cost", *LOAN[1:], "--charge", "upfront:2%", "--charge", "insurance:0.10%", "--lang", "en"]
    )
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["TEA", "35.00", "%"]
    assert lines[1].startswith("TCEA")
    assert "(includes: fees, insurance)" in lines[1]
    assert "APRC (EU)" in out
    assert "amount received  S/     4,900.00" in out
    code, out, err = run(["cost", *LOAN[1:], "--charge", "upfront:2%", "--lang", "es"])
    assert code == 0, err
    assert "(incluye: comisiones, seguros)" in out
    assert "monto recibido" in out


def test_cost_json_and_inclusion_override() -> None:
    code, out, err = run(
        [
            "cost",
            *LOAN[1:],
            "--charge",
            "insurance:0.10%",
            "--format",
            "json",
            "--tcea-includes",
            "",
        ]
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["includes"]["tcea"] == []
    assert Decimal(data["tcea"]).quantize(Decimal("0.0001")) == Decimal("0.3500")
    assert Decimal(data["aprc"]) > Decimal(data["tcea"])
    assert isinstance(data["total_insurance"], str)


def test_cost_refuses_an_unknown_component() -> None:
    code, _, err = run(["cost", *LOAN[1:], "--apr-includes", "fees,stamps", "--lang", "en"])
    assert code == 1
    assert "'include' must be one of fees, insurance, taxes (got 'stamps')" in err


def test_schedule_as_a_spanish_markdown_document_escapes_the_borrower() -> None:
    code, out, err = run(
        [
            *LOAN,
            "--format",
            "md",
            "--lang",
            "es",
            "--borrower",
            "<script>alert(1)</script>",
            "--lender",
            "Coop Manantial de Vida",
        ]
    )
    assert code == 0, err
    assert out.startswith("# Cronograma de pagos")
    assert "\\<script\\>" in out
    assert "<script>" not in out
    assert "TEA 35.00 %" in out


def test_key_facts_sheet_in_html_to_a_file(tmp_path: pathlib.Path) -> None:
    target = tmp_path / "hoja.html"
    code, out, err = run(
        [
            "cost",
            *LOAN[1:],
            "--charge",
            "upfront:1%",
            "--format",
            "html",
            "--borrower",
            "Juana <b>",
            "--lender",
            "Coop",
            "--product",
            "Semilla",
            "--moratorium-rate",
            "19%",
            "-o",
            str(target),
        ]
    )
    assert (code, out) == (0, ""), err
    html = target.read_text(encoding="utf-8")
    assert "Juana &lt;b&gt;" in html
    assert "TCEA" in html
    assert "http://" not in html
    assert "https://" not in html


def test_pdf_needs_an_output_file_or_weasyprint() -> None:
    code, _, err = run([*LOAN, "--format", "pdf"])
    assert code == 1
    assert err.startswith("Error: ")


def test_terms_from_a_toml_file_with_command_line_overrides(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "terms.toml"
    path.write_text(
        'principal = "3000"\nrate = 0.18\ndisbursed = 2026-03-10\ninstallments = 12\n'
        'charges = ["insurance:0.0675%:original"]\n',
        encoding="utf-8",
    )
    code, out, err = run(
        ["schedule", "--terms", str(path), "--installments", "6", "--format", "json"]
    )
    assert code == 0, err
    data = json.loads(out)
    assert len(data["installments"]) == 6
    assert data["installments"][0]["insurance"] == "2.03"


def test_terms_from_json_numbers_are_exact(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "terms.json"
    path.write_text(
        '{"principal": 5000.10, "rate": 0.35, "disbursed": "2026-01-15", "installments": 3}',
        encoding="utf-8",
    )
    code, out, err = run(["schedule", "--terms", str(path), "--format", "json"])
    assert code == 0, err
    assert json.loads(out)["principal"] == "5000.10"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1, 2]", "must hold a table of loan terms"),
        ("{bad json", "is not valid JSON"),
        ('{"principal": "5000", "rate": "35%"}', "'disbursed' is required"),
        (
            '{"principal": "5000", "rate": "35%", "disbursed": "2026-01-15", "installments": 3, '
            '"tasa": 1}',
            "unknown loan-terms key 'tasa'",
        ),
    ],
)
def test_bad_terms_files(tmp_path: pathlib.Path, content: str, message: str) -> None:
    path = tmp_path / "terms.json"
    path.write_text(content, encoding="utf-8")
    code, _, err = run(["schedule", "--terms", str(path), "--lang", "en"])
    assert code == 1
    assert message in err


def test_missing_terms_file() -> None:
    code, _, err = run(["schedule", "--terms", "/nonexistent/terms.json", "--lang", "en"])
    assert code == 1
    assert "'terms' cannot be read (got '/nonexistent/terms.json'): no such file." in err
