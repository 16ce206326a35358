"""Loan terms survive the plain-data form (JSON/TOML/CLI files) exactly."""

from __future__ import annotations

import datetime as dt
import json
import pathlib

import pytest
from hypothesis import given
from tests.strategies import loan_terms

from coopfinance import LoanTerms, ParseError, Schedule


@given(loan_terms())
def test_terms_round_trip_through_plain_data(terms: LoanTerms) -> None:
    data = terms.to_dict()
    back = LoanTerms.from_dict(json.loads(json.dumps(data)))
    assert back == terms
    assert back.schedule() == terms.schedule()


def test_charges_and_down_payment_round_trip() -> None:
    terms = LoanTerms.from_dict(
        {
            "principal": "3000",
            "rate": "18%",
            "disbursed": "2026-03-10",
            "installments": 12,
            "charges": ["upfront:1%", "insurance:0.0675%:original", "tax:0.005%:payments"],
            "down_payment": "10%",
            "grace": 2,
            "grace_type": "pay-interest",
        }
    )
    assert LoanTerms.from_dict(terms.to_dict()) == terms


def _schedule() -> Schedule:
    return LoanTerms.from_dict(
        {"principal": "3000", "rate": "18%", "disbursed": "2026-03-10", "installments": 6}
    ).schedule()


def test_schedule_files_read_back_by_suffix(tmp_path: pathlib.Path) -> None:
    s = _schedule()
    (tmp_path / "s.json").write_text(s.to_json(), encoding="utf-8")
    (tmp_path / "s.csv").write_text(s.to_csv(), encoding="utf-8")
    assert Schedule.from_file(tmp_path / "s.json") == s
    assert Schedule.from_dict(s.to_dict()) == s
    back = Schedule.from_file(tmp_path / "s.csv", currency="PEN", disbursed="2026-03-10")
    assert back.installments == s.installments
    assert back.disbursed == dt.date(2026, 3, 10)


def test_schedule_files_that_cannot_be_read_say_why(tmp_path: pathlib.Path) -> None:
    with pytest.raises(ParseError, match=r"^'schedule' must be a \.json or \.csv file"):
        Schedule.from_file(tmp_path / "s.xlsx")
    with pytest.raises(ParseError, match=r"^'schedule' cannot be read .*: no such file\.$"):
        Schedule.from_file(tmp_path / "missing.json")
    (tmp_path / "s.csv").write_text(_schedule().to_csv(), encoding="utf-8")
    with pytest.raises(ParseError, match=r"^a schedule CSV needs 'currency' and 'disbursed'"):
        Schedule.from_file(tmp_path / "s.csv")


def test_a_bad_csv_row_names_its_line() -> None:
    text = _schedule().to_csv().replace("2026-05-10", "2026-05-40")
    with pytest.raises(ParseError, match=r"^line 3: 'due_date' must be a date") as info:
        Schedule.from_csv(text, currency="PEN", disbursed=dt.date(2026, 3, 10))
    assert info.value.field == "due_date"
