"""Golden files of the training documents: each document × language × format, byte for byte.

The expected outputs live in ``tests/training/golden/{document}.{lang}.{fmt}``. After a deliberate
change to a template, a label or a generator, rewrite them and review the diff before committing::

    COOPFINANCE_UPDATE_GOLDENS=1 python -m pytest tests/training/test_documents_goldens.py
"""

from __future__ import annotations

import pathlib

import pytest
from tests.golden import check_golden

from coopfinance.documents import (
    render_certificate,
    render_guide,
    render_training_report,
    render_worksheet,
)
from coopfinance.training import CohortRecords, MemberData, worksheet

HERE = pathlib.Path(__file__).parent
GOLDEN = HERE / "golden"
DATA = HERE / "data"
DOCUMENTS = ["guide", "worksheet", "worksheet_key", "certificate", "report"]


def _render(document: str, lang: str, fmt: str) -> str:
    if document == "guide":
        return render_guide("milk-2", seed=7, lang=lang, fmt=fmt)
    if document.startswith("worksheet"):
        sheet = worksheet(MemberData.from_file(DATA / "member.toml"), seed=3)
        return render_worksheet(
            sheet, key=document.endswith("key"), coop="Manantial de Vida", lang=lang, fmt=fmt
        )
    records = CohortRecords.from_file(DATA / "cohort.toml", lang=lang)
    if document == "certificate":
        return render_certificate(records.cohort, "m01", issuer=records.issuer, lang=lang, fmt=fmt)
    return render_training_report(records.cohort, outcomes=records.outcomes, lang=lang, fmt=fmt)


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("document", DOCUMENTS)
def test_training_document_matches_its_golden_file(document: str, lang: str, fmt: str) -> None:
    """Each training document renders exactly as its reviewed golden file."""
    path = GOLDEN / f"{document}.{lang}.{fmt}"
    check_golden(path, _render(document, lang, fmt))
