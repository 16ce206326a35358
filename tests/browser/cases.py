"""The standard cases of the documents checked in the browser: the loan, dairy and portfolio
documents of ``tests/documents/every_document.py``, plus the business plan (the bundled example
plan) and the training documents (the inputs of the training goldens)."""

from __future__ import annotations

import pathlib

from tests.documents.every_document import every_html

from coopfinance.documents import (
    render_certificate,
    render_guide,
    render_plan,
    render_training_report,
    render_worksheet,
)
from coopfinance.examples import examples_dir
from coopfinance.plans import BusinessPlan, report
from coopfinance.training import CohortRecords, MemberData, worksheet

ROOT = pathlib.Path(__file__).resolve().parents[2]
TRAINING = ROOT / "tests" / "training" / "data"


def plan_and_training_html(lang: str = "es") -> dict[str, str]:
    """Document name → the business plan's and the training documents' standard case (HTML)."""
    sheet = worksheet(MemberData.from_file(TRAINING / "member.toml"), seed=3)
    records = CohortRecords.from_file(TRAINING / "cohort.toml", lang=lang)
    coop = "Manantial de Vida"
    return {
        "plan": render_plan(
            report(BusinessPlan.from_file(examples_dir() / "plan-alfalfa.toml")),
            lang=lang,
            fmt="html",
        ),
        "training_guide": render_guide("milk-2", seed=7, lang=lang, fmt="html"),
        "training_worksheet": render_worksheet(sheet, coop=coop, lang=lang, fmt="html"),
        "training_worksheet_key": render_worksheet(
            sheet, key=True, coop=coop, lang=lang, fmt="html"
        ),
        "training_certificate": render_certificate(
            records.cohort, "m01", issuer=records.issuer, lang=lang, fmt="html"
        ),
        "training_report": render_training_report(
            records.cohort, outcomes=records.outcomes, lang=lang, fmt="html"
        ),
    }


def all_html(lang: str = "es") -> dict[str, str]:
    """Every document type's standard case."""
    return {**every_html(lang), **plan_and_training_html(lang)}
