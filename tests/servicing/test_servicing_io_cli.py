"""Events as JSON and CSV, and the ``coopfinance statement`` command."""

from __future__ import annotations

import io
import json
import pathlib

import pytest

from coopfinance import LoanTerms, Rate
from coopfinance.cli import main
from coopfinance.servicing import (
    ChargeApplied,
    Disbursement,
    Payment,
    Prepayment,
    Recovery,
    Reschedule,
    Waiver,
    WriteOff,
    events_from_csv,
    events_from_json,
    events_to_json,
)

TERMS = LoanTerms(
    principal="5000", rate=Rate.effective_annual("35%"), installments=3, disbursed="2026-01-15"
)
EVENTS = (
    Disbursement(date="2026-01-15", amount="5000", id="d1"),
    Payment(date="2026-02-15", amount="1751.80", id="p1", channel="leche"),
    ChargeApplied(
        date="2026-02-20", amount="10", id="c1", component="penalties", description="visita"
    ),
    Waiver(date="2026-02-21", id="w1", component="penalties"),
    Waiver(date="2026-02-21", id="w2", component="interest", amount="1.00"),
    Prepayment(date="2026-03-01", amount="500", id="pp", choice="reduce-term"),
    Reschedule(date="2026-04-01", id="r1", terms=TERMS, capitalize=False),
    WriteOff(date="2026-09-01", id="wo"),
    Recovery(date="2026-10-01", amount="20", id="rc"),
)


def test_json_round_trip_is_exact() -> None:
    assert events_from_json(events_to_json(EVENTS)) == EVENTS
    assert events_from_json(json.dumps({"events": json.loads(events_to_json(EVENTS))})) == EVENTS


def test_csv_reads_every_kind() -> None:
    text = (
        "type,date,id,amount,channel,component,description,choice,capitalize\n"
        "payment,2026-02-15,p1,1751.80,leche,,,,\n"
        "charge,2026-02-20,c1,10,,penalty,visita,,\n"
        "waiver,2026-02-21,w1,,,penalties,,,\n"
        "prepayment,2026-03-01,pp,500,,,,reduce_term,\n"
        "write-off,2026-09-01,wo,,,,,,\n"
    )
    events = events_from_csv(text)
    assert events == (EVENTS[1], EVENTS[2], EVENTS[3], EVENTS[5], EVENTS[7])


def _files(tmp_path: pathlib.Path, events: str, name: str = "events.csv") -> list[str]:
    terms = tmp_path / "terms.json"
    terms.write_text(
        json.dumps(
            {"principal": "5000", "rate": "35%", "installments": 3, "disbursed": "2026-01-15"}
        )
    )
    ev = tmp_path / name
    ev.write_text(events)
    return ["statement", "--terms", str(terms), "--events", str(ev)]


def test_cli_statement_text_in_spanish(tmp_path: pathlib.Path) -> None:
    args = _files(tmp_path, "type,date,id,amount\npayment,2026-02-15,p1,1751.80\n")
    out = io.StringIO()
    assert main([*args, "--as-of", "2026-03-20", "--lang", "es", "--id", "L-1"], out=out) == 0
    text = out.getvalue()
    assert text.startswith("Estado de cuenta L-1 al 2026-03-20 (PEN)")
    assert "Pago p1" in text
    assert "Días de atraso: 5" in text


def test_cli_statement_json(tmp_path: pathlib.Path) -> None:
    args = _files(tmp_path, events_to_json(EVENTS[1:2]), "events.json")
    out = io.StringIO()
    assert main([*args, "--as-of", "2026-02-15", "--format", "json"], out=out) == 0
    data = json.loads(out.getvalue())
    assert data["summary"]["owed"] == "3379.10"
    assert data["lines"][-1]["balance"] == "3379.10"
    assert data["next_installment"] == {"number": 2, "due_date": "2026-03-15", "amount": "1751.80"}


@pytest.mark.parametrize(
    ("events", "as_of", "message"),
    [
        (
            "type,date,id,amount\npayment,2026-01-01,p1,10\n",
            "2026-02-01",
            "Error: 'date' of payment 'p1' must not be before the disbursement",
        ),
        (
            "type,date,id,amount\npayment,2026-02-01,p1,abc\n",
            "2026-02-01",
            "Error: line 2: 'amount' must be a number",
        ),
        ("type,date,id,amount\n", "01/02/2026", "Error: 'as_of' must be a date"),
    ],
)
def test_cli_statement_errors_exit_1(
    tmp_path: pathlib.Path, events: str, as_of: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the error texts below are English: the CLI speaks it when asked (the locale here)
    monkeypatch.setenv("LANGUAGE", "en")
    err = io.StringIO()
    assert main([*_files(tmp_path, events), "--as-of", as_of], out=io.StringIO(), err=err) == 1
    assert err.getvalue().startswith(message)


def test_cli_statement_missing_file(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the error texts below are English: the CLI speaks it when asked (the locale here)
    monkeypatch.setenv("LANGUAGE", "en")
    err = io.StringIO()
    args = [
        "statement",
        "--terms",
        str(tmp_path / "no.json"),
        "--events",
        "x.csv",
        "--as-of",
        "2026-02-01",
    ]
    assert main(args, out=io.StringIO(), err=err) == 1
    assert "'terms' cannot be read (got " in err.getvalue()


def test_cli_statement_as_a_document_escapes_user_text(tmp_path: pathlib.Path) -> None:
    args = _files(tmp_path, "type,date,id,amount\npayment,2026-02-15,p1,1751.80\n")
    out = io.StringIO()
    code = main(
        [
            *args,
            "--as-of",
            "2026-03-20",
            "--lang",
            "es",
            "--format",
            "md",
            "--borrower",
            "<script>alert(1)</script>",
            "--lender",
            "Coop",
        ],
        out=out,
    )
    assert code == 0
    text = out.getvalue()
    assert text.startswith("# Estado de cuenta")
    assert "\\<script\\>" in text
    assert "TEA 35.00 %" in text
    target = tmp_path / "estado.html"
    code = main(
        [
            *args,
            "--as-of",
            "2026-03-20",
            "--format",
            "html",
            "--borrower",
            "<b>x</b>",
            "-o",
            str(target),
        ],
        out=io.StringIO(),
    )
    assert code == 0
    html = target.read_text(encoding="utf-8")
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert "<b>x</b>" not in html
