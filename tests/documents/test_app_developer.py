"""What an app developer meets first (issue 21 §3): a cronograma without borrower or lender
leaves those lines out (no blanks to fill by hand), and a disclosed rate computed to 20 digits
prints rounded as Peruvian hojas resumen print it (2 decimals, Res. SBS 8181-2012)."""

from __future__ import annotations

from tests.documents.examples import golden_facts, golden_schedule

from coopfinance import LoanTerms, Rate, cost
from coopfinance.documents import format_percent, render_key_facts, render_schedule


def test_a_schedule_without_borrower_or_lender_leaves_the_lines_out() -> None:
    for fmt in ("md", "html"):
        page = render_schedule(golden_schedule(), fmt=fmt)
        assert "Prestatario" not in page
        assert "Entidad" not in page
        assert "Cronograma de pagos" in page
    page = render_schedule(golden_schedule(), borrower="Juana", fmt="md")
    assert "- **Prestatario:** Juana" in page
    assert "Entidad" not in page


def test_a_computed_tcea_prints_rounded() -> None:
    terms = LoanTerms(
        principal="5000", rate=Rate.effective_annual("35%"), installments=6, disbursed="2026-01-15"
    )
    tcea = cost.cost_of_credit(terms).tcea
    assert len(str(tcea)) > 10  # the exact figure, to the context's precision
    assert format_percent(tcea, lang="es") == "35.00 %"
    page = render_key_facts(golden_facts(tcea=tcea), fmt="md")
    assert "(TCEA):** 35.00 %" in page
    assert str(tcea) not in page
