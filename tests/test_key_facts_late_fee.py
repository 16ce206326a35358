"""The key-facts sheet states a percentage late fee with its basis, repetition and cap
(issue 15 §2); the unit rule applies to its rates (§1)."""

from __future__ import annotations

import pytest

from coopfinance import LoanTerms, Rate
from coopfinance.documents import KeyFacts, render_key_facts
from coopfinance.errors import InvalidRate, InvalidValue
from coopfinance.servicing import LatePolicy

TERMS = LoanTerms(
    principal="5000", rate=Rate.effective_annual("35%"), installments=6, disbursed="2026-01-15"
)


def _facts(**kw: object) -> KeyFacts:
    return KeyFacts.from_loan(TERMS, borrower="Juana", lender="Coop", product="Semilla", **kw)  # type: ignore[arg-type]


def test_percentage_late_fee_in_spanish_english_and_portuguese() -> None:
    facts = _facts(late=LatePolicy(late_fee="1.5%", late_fee_every=30, late_fee_cap="50"))
    es = render_key_facts(facts, lang="es")
    en = render_key_facts(facts, lang="en")
    pt = render_key_facts(facts, lang="pt_BR", fmt="html")
    assert "1.50 % de la cuota vencida, otra vez por cada 30 días de atraso" in es
    assert "(como máximo S/ 50.00 por cuota)" in es
    assert "1.50% of the overdue installment, again for every 30 days of delay" in en
    assert "da parcela vencida" in pt
    assert "19.00 %" in es  # the policy's moratorium rate


def test_principal_basis_and_amount_fee() -> None:
    facts = _facts(late=LatePolicy(late_fee="2%", late_fee_basis="principal"))
    assert "2.00% of the overdue principal" in render_key_facts(facts, lang="en")
    amount = _facts(late_fee="15")
    assert amount.late_fee_key is None
    assert "S/ 15.00" in render_key_facts(amount, lang="es")


@pytest.mark.parametrize(
    ("kw", "error", "match"),
    [
        ({"moratorium_rate": "19"}, InvalidRate, r"^'moratorium_rate' must be written with '%'"),
        ({"late_fee": "150%"}, InvalidValue, r"^'late_fee' of a percentage fee"),
        ({"late": LatePolicy(), "late_fee": "5"}, InvalidValue, r"'late'"),
    ],
)
def test_bad_late_terms_are_refused(kw: dict[str, object], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        _facts(**kw)
