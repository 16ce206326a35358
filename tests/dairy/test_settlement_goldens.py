"""Golden files of the milk settlement documents: statement and summary × es/en × md/html.

The expected outputs live in ``tests/dairy/golden/{document}.{lang}.{fmt}``. After a deliberate
change to a template, a label or the example, rewrite them and review the diff before committing::

    COOPFINANCE_UPDATE_GOLDENS=1 python -m pytest tests/dairy/test_settlement_goldens.py

Without the switch a difference fails the test with a unified diff, and a missing golden file fails
with a pointer to the switch.
"""

from __future__ import annotations

import pathlib

import pytest
from tests.dairy.settlement_examples import COOP, NAMES, golden_settlement
from tests.golden import check_golden

from coopfinance.documents import render_settlement, render_settlement_summary

GOLDEN = pathlib.Path(__file__).parent / "golden"


def _render(document: str, lang: str, fmt: str) -> str:
    s = golden_settlement()
    if document == "settlement":
        # F03: arrears carried in and out, voluntary savings dropped, the floor binding
        return render_settlement(
            s.statement("F03"), s, farmer_name=NAMES["F03"], coop_name=COOP, lang=lang, fmt=fmt
        )
    return render_settlement_summary(s, coop_name=COOP, farmer_names=NAMES, lang=lang, fmt=fmt)


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("document", ["settlement", "settlement_summary"])
def test_document_matches_its_golden_file(document: str, lang: str, fmt: str) -> None:
    """Each settlement document renders exactly as its reviewed golden file."""
    path = GOLDEN / f"{document}.{lang}.{fmt}"
    check_golden(path, _render(document, lang, fmt))
