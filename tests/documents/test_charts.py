"""Charts in the loan and milk documents (issue 21 §1): each HTML document of the standard cases
carries its inline SVG charts, well-formed, with a viewBox (it scales to the page and prints),
a title, no script and no network reference; the table with the same figures stays (the chart's
text alternative); Markdown has no chart."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from tests.documents.every_document import MILK_INCOME, every_html
from tests.documents.examples import golden_schedule

from coopfinance.documents import render_schedule
from coopfinance.documents._documents import schedule_charts
from coopfinance.errors import InvalidValue, WrongType

NS = "{http://www.w3.org/2000/svg}"
EXPECTED = {  # document → the chart titles it carries (Spanish)
    "schedule": ["Cuota e ingreso esperado por leche", "Saldo en el tiempo"],
    "statement": ["Saldo durante la campaña", "Pagado frente a vencido, por cuota"],
    "settlement": ["Litros por día"],
    "settlement_summary": ["Litros por productor", "Pagos por productor"],
    "portfolio": ["Capital por días de atraso"],
}


def _svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", html, re.DOTALL)]


@pytest.fixture(scope="module")
def documents() -> dict[str, str]:
    return every_html("es")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_document_carries_its_charts(documents: dict[str, str], name: str) -> None:
    html = documents[name]
    svgs = _svgs(html)
    assert [svg.findtext(f"{NS}title") for svg in svgs] == EXPECTED[name]
    for svg in svgs:
        assert re.fullmatch(r"0 0 \d+ \d+", svg.get("viewBox", ""))
        assert svg.get("role") == "img"
        assert svg.findall(f".//{NS}rect") or svg.findall(f".//{NS}polyline")
    local = html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert not re.search(r"https?://|//[a-z]|<script|xlink:href|url\(", local, re.IGNORECASE)
    # the text alternative: every chart sits in a figure whose caption points to the table
    assert html.count('<figure class="chart">') == len(svgs)
    assert html.count("Las cifras están en la tabla.") == len(svgs)
    assert "<table" in html


def test_the_milk_income_chart_has_one_pair_of_bars_per_installment(
    documents: dict[str, str],
) -> None:
    income = _svgs(documents["schedule"])[0]
    bars = [r for r in income.iter(f"{NS}rect") if r.get("width") != "10"]  # not the legend
    assert len(bars) == 2 * len(MILK_INCOME)
    plain = render_schedule(golden_schedule(), fmt="html")
    assert [s.findtext(f"{NS}title") for s in _svgs(plain)] == ["Saldo en el tiempo"]
    assert "<svg" not in render_schedule(golden_schedule(), milk_income=MILK_INCOME, fmt="md")


def test_milk_income_must_have_one_amount_per_installment() -> None:
    with pytest.raises(InvalidValue, match="'milk_income' must have one amount per installment"):
        schedule_charts(golden_schedule(), milk_income=["100"])
    with pytest.raises(WrongType, match="milk_income"):
        schedule_charts(golden_schedule(), milk_income="100")
    with pytest.raises(WrongType):
        schedule_charts(golden_schedule(), milk_income=[1.5] * 6)  # type: ignore[list-item]
