"""The revenue-share key-facts sheet and statement (issue 18 §1): the terms as the farmer reads
them ("25 % of your milk, between S/ 50.00 and S/ 400.00 per fortnight") in es/en/pt_BR, the cost
of credit on the expected flows labelled an estimate, the table adding up."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from tests.documents.test_spanish_output import english_words

from coopfinance.documents import (
    RevenueShareFacts,
    render,
    revenue_share_facts_context,
)
from coopfinance.linked import RevenueSharePlan

PLAN = RevenueSharePlan(
    principal="1500", rate="18%", disbursed="2026-01-01", share="25%", floor="50", cap="400",
    max_periods=12,
)  # fmt: skip
MILK = ["620", "640", "700", "180", "660", "690", "700", "650", "600", "700", "700", "700"]
TERMS = {
    "es": "25 % de su leche, entre S/ 50.00 y S/ 400.00 por quincena",
    "en": "25% of your milk, between S/ 50.00 and S/ 400.00 per fortnight",
    "pt_BR": "25% do seu leite, entre S/ 50,00 e S/ 400,00 por quinzena",
}
ESTIMATE = {"es": "TCEA (estimación)", "en": "(estimate)", "pt_BR": "(estimativa)"}


def _facts() -> RevenueShareFacts:
    return RevenueShareFacts.from_plan(
        PLAN, MILK, borrower="Juana Quispe", lender="Cooperativa Manantial", product="Crédito"
    )


@pytest.mark.parametrize("lang", ["es", "en", "pt_BR"])
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_key_facts_say_the_share_floor_and_cap_and_label_the_cost_an_estimate(
    lang: str, fmt: str
) -> None:
    out = render("revenue_share", revenue_share_facts_context(_facts()), lang=lang, fmt=fmt)
    assert TERMS[lang] in out.replace("\u00a0", " ")
    assert ESTIMATE[lang] in out
    assert "%(" not in out


def test_the_spanish_sheet_has_no_english() -> None:
    out = render("revenue_share", revenue_share_facts_context(_facts()), lang="es", fmt="md")
    assert english_words(out) == []


def test_the_expected_table_adds_up_to_principal_plus_interest() -> None:
    """The sheet's rows are the plan's run on the expected milk: paid = principal + interest, and
    the estimated TCEA is the TCEA of those flows (18 % TEA, no charges: ≈ 18 %)."""
    facts = _facts()
    out = render("revenue_share", revenue_share_facts_context(facts), lang="en", fmt="md")
    rows = [line for line in out.splitlines() if re.match(r"^\| \d+ \|", line)]
    paid = sum(Decimal(r.split("|")[5].strip().replace(",", "")) for r in rows)
    assert paid == PLAN.principal + facts.expected.total_interest
    assert facts.tcea_estimate is not None
    assert abs(facts.tcea_estimate - Decimal("0.18")) < Decimal("0.001")


def test_a_plan_without_cap_says_at_least_the_floor() -> None:
    import attrs

    plan = attrs.evolve(PLAN, cap=None)
    facts = RevenueShareFacts.from_plan(plan, MILK, borrower="J", lender="C", product="P")
    out = render("revenue_share", revenue_share_facts_context(facts), lang="es", fmt="md")
    assert "25 % de su leche, como mínimo S/ 50.00 por quincena" in out.replace("\u00a0", " ")
