"""Loan terms survive the plain-data form (JSON/TOML/CLI files) exactly."""

from __future__ import annotations

import json

from hypothesis import given
from tests.strategies import loan_terms

from coopfinance import LoanTerms


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
