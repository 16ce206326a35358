"""The key-facts sheet's installment figure is one that the schedule's rows pay (issue 19): a
single amount when every row but the last (which absorbs the rounding) pays the schedule's
installment, else the lowest and highest row totals."""

from __future__ import annotations

from hypothesis import given, settings
from tests.strategies import loan_terms

from coopfinance import LoanTerms
from coopfinance.documents import KeyFacts, key_facts_context, render


@settings(max_examples=60, deadline=None)
@given(loan_terms(max_installments=24))
def test_the_installment_shown_is_what_the_rows_pay(terms: LoanTerms) -> None:
    schedule = terms.schedule()
    facts = KeyFacts.from_loan(terms, borrower="B", lender="L", product="P")
    context = key_facts_context(facts)
    totals = [row.total for row in schedule]
    shown = context["installment_range"]
    if shown is None:
        assert all(t == schedule.installment_amount for t in totals[:-1])
    else:
        low, high = shown
        assert (low, high) == (min(totals), max(totals))
        assert any(t != schedule.installment_amount for t in totals[:-1])
        assert low in totals
        assert high in totals


def test_a_seasonal_sheet_says_from_and_to_in_each_language() -> None:
    terms = LoanTerms.from_dict(
        {"principal": "1200", "rate": "18%", "disbursed": "2026-02-01", "installments": 4,
         "amortization": "weighted", "weights": ["0.5", "1", "1.5", "1"]}
    )  # fmt: skip
    facts = KeyFacts.from_loan(terms, borrower="B", lender="L", product="P")
    context = key_facts_context(facts)
    low, high = context["installment_range"]
    texts = {lang: render("key_facts", context, lang=lang, fmt="md") for lang in ("es", "en")}
    assert "de S/ " in texts["es"]
    assert "cada cuota está en el cronograma" in texts["es"]
    assert "each installment is in the schedule below" in texts["en"]
    assert f"{low:,}" in texts["en"]
    assert f"{high:,}" in texts["en"]
