"""Delivery files with protein, somatic-cell and SNF columns (issue 18 §5), by their English or
Spanish names (proteína, células somáticas / RCS, SNG / sólidos no grasos), priced by the tiers and
the fat × SNF rate chart; the liquidación shows the price components instead of "price − base"."""

from __future__ import annotations

import pathlib
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopfinance.dairy import (
    Deliveries,
    MilkPriceSchedule,
    Period,
    PriceTerms,
    Quality,
    RateChart,
    settle,
)
from coopfinance.dairy._deliveries import column_name
from coopfinance.documents import render_settlement
from coopfinance.errors import InvalidDelivery

CHART = RateChart(
    fat=["3.0", "3.5", "4.0"], snf=["8.0", "8.5"],
    prices=[["1.10", "1.20"], ["1.20", "1.30"], ["1.30", "1.40"]],
)  # fmt: skip
TERMS = PriceTerms(
    valid_from="2026-01-01", valid_to="2026-12-31", rate_chart=CHART,
    protein_bonus_per_point="0.20",
    somatic_cells=[{"up_to": 250000, "adjustment": "0.05"}, {"up_to": None, "adjustment": "-0.10"}],
)  # fmt: skip
PRICES = MilkPriceSchedule(terms=[TERMS])
PERIOD = Period.parse("2026-01-01..2026-01-15")


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("Proteína", "protein"),
        ("proteina", "protein"),
        ("Células somáticas", "somatic_cells"),
        ("celulas_somaticas", "somatic_cells"),
        ("RCS", "somatic_cells"),
        ("SCC", "somatic_cells"),
        ("SNG", "snf"),
        ("Sólidos no grasos", "snf"),
        ("solidos_no_grasos", "snf"),
        ("somatic_cells", "somatic_cells"),
        ("Grasa", "fat"),
        ("Litros", "litres"),
        ("Productor", "farmer"),
        ("Fecha", "date"),
        ("nota", "nota"),
    ],
)
def test_spanish_and_english_column_names(header: str, name: str) -> None:
    assert column_name(header) == name


def test_the_csv_loader_reads_protein_cells_and_snf_by_their_spanish_names() -> None:
    d = Deliveries.from_csv(
        "Productor,Fecha,Litros,Grasa,Proteína,Células somáticas,SNG\n"
        'F01,2026-01-02,30,3.6,3.5,"180,000",8.6\n'
    )
    assert d.items[0].quality == Quality(
        fat=Decimal("3.6"), protein=Decimal("3.5"), somatic_cells=180000, snf=Decimal("8.6")
    )


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("F01,2026-01-02,30,101,,", "protein"),
        ("F01,2026-01-02,30,,-5,", "somatic_cells"),
        ("F01,2026-01-02,30,,many,", "somatic_cells"),
        ("F01,2026-01-02,30,,,x", "snf"),
    ],
)
def test_bad_quality_values_are_refused_with_the_column_named(row: str, field: str) -> None:
    with pytest.raises(InvalidDelivery, match=field) as info:
        Deliveries.from_csv(f"farmer,date,litres,protein,RCS,SNG\n{row}\n")
    assert info.value.problems[0][1] == field  # type: ignore[attr-defined]


def test_the_xlsx_loader_reads_the_same_columns(tmp_path: pathlib.Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["productor", "fecha", "litros", "grasa", "proteína", "RCS", "sólidos no grasos"])
    ws.append(["F01", "2026-01-02", 30, 3.6, 3.5, 180000, 8.6])
    path = tmp_path / "d.xlsx"
    wb.save(path)
    csv = Deliveries.from_csv(
        "farmer,date,litres,fat,protein,somatic_cells,snf\nF01,2026-01-02,30,3.6,3.5,180000,8.6\n"
    )
    assert Deliveries.from_xlsx(path).items == csv.items


@given(
    fat=st.decimals("3.0", "4.5", places=1),
    snf=st.decimals("8.0", "9.0", places=1),
    protein=st.decimals("2.8", "3.8", places=1),
    cells=st.integers(0, 600_000),
)
def test_loaded_rows_are_priced_by_the_chart_and_the_tiers(
    fat: Decimal, snf: Decimal, protein: Decimal, cells: int
) -> None:
    """A loaded row is worth litres × the terms' price of its sample, and the liquidación's
    components add up to that price (per litre, no per-kg conversion here)."""
    d = Deliveries.from_csv(
        f"farmer,date,litres,grasa,SNG,proteína,RCS\nF01,2026-01-02,30,{fat},{snf},{protein},{cells}\n"
    )
    q = d.items[0].quality
    s = settle(list(d), PRICES, PERIOD, [])
    assert s.statement("F01").gross == (30 * TERMS.price(q)).quantize(Decimal("0.01"))
    parts = sum((a for _, _, a in TERMS.components(q)), Decimal(0))
    assert max(parts, Decimal(0)) == TERMS.price(q)


@pytest.mark.parametrize("lang", ["es", "en", "pt_BR"])
def test_the_liquidacion_shows_the_price_components_with_a_chart(lang: str) -> None:
    d = Deliveries.from_csv(
        "farmer,date,litres,grasa,SNG,proteína,RCS\nF01,2026-01-02,30,3.6,8.6,3.5,180000\n"
    )
    s = settle(list(d), PRICES, PERIOD, [])
    out = render_settlement(s.statement("F01"), s, farmer_name="Juana", coop_name="Coop", lang=lang)
    label = {"es": "Recuento de células somáticas", "en": "Somatic cell count",
             "pt_BR": "Contagem de células somáticas"}[lang]  # fmt: skip
    assert label in out
    header = {"es": "Componentes del precio", "en": "Price components",
              "pt_BR": "Componentes do preço"}[lang]  # fmt: skip
    assert header in out
    html = render_settlement(
        s.statement("F01"), s, farmer_name="Juana", coop_name="Coop", lang=lang, fmt="html"
    )
    assert label in html


def test_without_a_chart_or_tiers_the_liquidacion_keeps_price_minus_base() -> None:
    plain = MilkPriceSchedule(
        terms=[PriceTerms(valid_from="2026-01-01", valid_to="2026-12-31", cooling_bonus="0.03")]
    )
    d = Deliveries.from_csv("farmer,date,litres,cooled\nF01,2026-01-02,30,yes\n")
    s = settle(list(d), plain, PERIOD, [])
    out = render_settlement(s.statement("F01"), s, farmer_name="J", coop_name="C", lang="en")
    assert "Price components" not in out
    assert "| 1.30 | 0.03 | 1.33 |" in out


def test_a_price_per_kg_says_so_on_the_liquidacion() -> None:
    kg = MilkPriceSchedule(
        terms=[PriceTerms(valid_from="2026-01-01", valid_to="2026-12-31", base="1.40", per="kg")]
    )
    d = Deliveries.from_csv("farmer,date,litres\nF01,2026-01-02,30\n")
    s = settle(list(d), kg, PERIOD, [])
    out = render_settlement(s.statement("F01"), s, farmer_name="J", coop_name="C", lang="es")
    assert "por litro a 1.032 kg/L" in out
