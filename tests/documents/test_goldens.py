"""Golden files: every document × language × format, compared byte for byte.

The expected outputs live in ``tests/documents/golden/{document}.{lang}.{fmt}``. After a deliberate
change to a template, a label or a filter, rewrite them and review the diff before committing::

    COOPFINANCE_UPDATE_GOLDENS=1 python -m pytest tests/documents/test_goldens.py

Without the switch a difference fails the test with a unified diff, and a missing golden file fails
with a pointer to the switch.
"""

from __future__ import annotations

import datetime as dt
import pathlib

import pytest
from tests.documents.examples import golden_facts, golden_schedule
from tests.golden import check_golden

from coopfinance import LoanAccount, LoanTerms, Payment, Rate
from coopfinance.documents import render_key_facts, render_schedule, render_statement
from coopfinance.servicing import Statement, statement

GOLDEN = pathlib.Path(__file__).parent / "golden"


def _render(document: str, lang: str, fmt: str) -> str:
    if document == "schedule":
        return render_schedule(
            golden_schedule(),
            borrower="Juana Quispe Mamani",
            lender="Cooperativa Agraria Manantial de Vida",
            rate_label="TEA 35.00 %" if lang == "es" else "TEA 35.00%",
            lang=lang,
            fmt=fmt,
        )
    if document == "statement":
        return render_statement(
            golden_statement(),
            borrower="Juana Quispe Mamani",
            lender="Cooperativa Agraria Manantial de Vida",
            lang=lang,
            fmt=fmt,
        )
    return render_key_facts(golden_facts(), lang=lang, fmt=fmt)


def golden_statement() -> Statement:
    """The golden schedule's loan, paid on time once, late the second time, and seen on 2026-04-20."""
    terms = LoanTerms(
        principal="5000", rate=Rate.effective_annual("35%"), installments=6, disbursed="2026-01-15"
    )
    account = LoanAccount(
        terms=terms,
        id="L-001",
        events=[
            Payment(date="2026-02-15", amount="908.98", id="p1", channel="milk"),
            Payment(date="2026-03-25", amount="908.98", id="p2", channel="cash"),
        ],
    )
    return statement(account, dt.date(2026, 4, 20))


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("document", ["schedule", "key_facts", "statement"])
def test_document_matches_its_golden_file(document: str, lang: str, fmt: str) -> None:
    """Each document renders exactly as its reviewed golden file."""
    path = GOLDEN / f"{document}.{lang}.{fmt}"
    check_golden(path, _render(document, lang, fmt))
