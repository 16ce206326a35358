"""``coopfinance settle``: table and JSON output, errors on stderr with exit 1, usage errors exit 2."""

from __future__ import annotations

import io
import json
import pathlib

import pytest

from coopfinance.cli import main

DELIVERIES = (
    "farmer,date,litres,total_solids,cooled\n"
    "F01,2026-01-02,30,12.5,yes\nF01,2026-01-03,31,,\nF02,2026-01-02,12,,\n"
)
PRICES = (
    '[[prices]]\nfrom = "2026-01-01"\nto = "2026-12-31"\nbase = "1.30"\n'
    'solids_bonus_per_point = "0.10"\ncooling_bonus = "0.03"\n[prices.service_charges]\ntransport = "0.05"\n'
)
OBLIGATIONS = (
    "farmer,kind,amount,loan_id\nF01,loan-installment,40.00,L-1\nF02,input-advance,20.00,\n"
)


@pytest.fixture
def files(tmp_path: pathlib.Path) -> dict[str, str]:
    out = {}
    for name, text in (("d.csv", DELIVERIES), ("p.toml", PRICES), ("o.csv", OBLIGATIONS)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        out[name] = str(tmp_path / name)
    return out


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_settle_json(files: dict[str, str]) -> None:
    code, out, _ = _run(
        "settle",
        "--deliveries",
        files["d.csv"],
        "--prices",
        files["p.toml"],
        "--period",
        "2026-01-01..2026-01-15",
        "--obligations",
        files["o.csv"],
        "--format",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    f01 = data["farmers"][0]
    # gross 30·(1.30 + 0.04 + 0.03) + 31·1.30 = 81.40; loan capped at 30 % = 24.42
    assert (f01["gross"], f01["net"], f01["arrears"]) == ("81.40", "53.93", "15.58")
    assert data["summary"]["deductions"]["loan-installment"] == "24.42"


def test_settle_table(files: dict[str, str]) -> None:
    code, out, _ = _run(
        "settle",
        "--deliveries",
        files["d.csv"],
        "--prices",
        files["p.toml"],
        "--period",
        "2026-01-01..2026-01-15",
        "--loan-cap",
        "50%",
        "--obligations",
        files["o.csv"],
        "--lang",
        "en",
    )
    assert code == 0
    assert out.splitlines()[0] == "Settlement 2026-01-01..2026-01-15 · PEN · 2 farmers"
    assert "TOTAL" in out
    assert "40.00" in out  # the loan installment fits under a 50 % cap


def test_settle_errors(
    files: dict[str, str], tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the error texts below are English: the CLI speaks it when asked (the locale here)
    monkeypatch.setenv("LANGUAGE", "en")
    bad = tmp_path / "bad.csv"
    bad.write_text("farmer,date,litres\nF01,2026-01-20,5\nF01,2026-01-02,-1\n", encoding="utf-8")
    code, _, err = _run(
        "settle",
        "--deliveries",
        str(bad),
        "--prices",
        files["p.toml"],
        "--period",
        "2026-01-01..2026-01-15",
    )
    assert code == 1
    assert "line 2: 'date' 2026-01-20 is outside the period" in err
    assert "line 3: 'litres' must not be negative (got -1)." in err
    code, _, err = _run(
        "settle",
        "--deliveries",
        str(tmp_path / "none.csv"),
        "--prices",
        files["p.toml"],
        "--period",
        "2026-01-01..2026-01-15",
    )
    assert (code, err.startswith("Error: 'deliveries' cannot be read")) == (1, True)
    code, _, err = _run(
        "settle", "--deliveries", files["d.csv"], "--prices", files["p.toml"], "--period", "Jan"
    )
    assert code == 1
    assert "START..END" in err
    assert _run("settle", "--prices", files["p.toml"])[0] == 2


def test_a_season_file_needs_select_period_and_says_what_it_left_out(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # the error texts below are English: the CLI speaks it when asked (the locale here)
    monkeypatch.setenv("LANGUAGE", "en")
    rows = ["farmer,date,litres"] + [
        f"F{k % 30:02d},2026-01-{1 + k // 30:02d},20" for k in range(900)
    ]
    deliveries = tmp_path / "season.csv"
    deliveries.write_text("\n".join(rows) + "\n", encoding="utf-8")
    prices = tmp_path / "prices.toml"
    prices.write_text(
        'currency = "PEN"\n[[prices]]\nvalid_from = 2026-01-01\nvalid_to = 2026-12-31\nbase = "1.30"\n',
        encoding="utf-8",
    )
    args = [
        "settle",
        "--deliveries",
        str(deliveries),
        "--prices",
        str(prices),
        "--period",
        "2026-01-01..2026-01-15",
    ]
    err = io.StringIO()
    assert main(args, out=io.StringIO(), err=err) == 1
    message = err.getvalue()
    assert "450 bad rows in the deliveries file" in message
    assert message.count("is outside the period") == 20  # the first 20 are listed
    assert "… and 430 more problems" in message
    out = io.StringIO()
    assert main([*args, "--select-period", "--format", "json", "--lang", "en"], out=out) == 0
    assert "kept 450 of 900 deliveries" in capsys.readouterr().err
    assert json.loads(out.getvalue())["summary"]["litres"] == "9000"
