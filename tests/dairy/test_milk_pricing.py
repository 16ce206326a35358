"""Milk priced as processors price it: protein and somatic-cell tiers, per kg or per litre (with the
density stated), and a fat × SNF rate chart, in price files and in ``coopfinance settle``.

Sources (reference ``dairy-and-coop.md`` §2.2): OCLA's typical liquidation (3.64 % fat, 3.3 %
protein, 416,000 somatic cells/ml) and Conaprole's quality plan (a bonus of up to 20 % below
250,000 cells/ml); the per-kg base price of Peruvian industry (Chagray et al. 2023). Density
1.032 kg/L: cooled whole raw milk, within the 1.0296–1.0340 g/ml of Peru's NTP 202.001 ([A]).
"""

from __future__ import annotations

import io
import json
import pathlib
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopfinance.cli import main
from coopfinance.dairy import DENSITY, MilkPriceSchedule, PriceTerms, Quality, RateChart
from coopfinance.errors import InvalidPriceSchedule

pct = st.decimals(min_value=Decimal("2.0"), max_value=Decimal("6.0"), places=2)
snf_pct = st.decimals(min_value=Decimal("7.0"), max_value=Decimal("10.0"), places=2)

CHART = RateChart(
    fat=["3.0", "3.5", "4.0", "4.5"],
    snf=["8.0", "8.5", "9.0"],
    prices=[
        ["1.20", "1.26", "1.32"],
        ["1.28", "1.34", "1.40"],
        ["1.36", "1.42", "1.48"],
        ["1.44", "1.50", "1.56"],
    ],
)


def _terms(**kw: object) -> PriceTerms:
    return PriceTerms(valid_from="2026-01-01", valid_to="2026-12-31", **kw)  # type: ignore[arg-type]


def test_ocla_liquidation_with_protein_and_cell_tiers() -> None:
    """OCLA's typical sample (3.3 % protein, 416,000 cells/ml) on a Conaprole-like scale: a
    bonus below 250,000 cells/ml, nothing to 400,000, a penalty above."""
    terms = _terms(base="1.40", per="kg", protein_bonus_per_point="0.30",
                   somatic_cells=[{"up_to": 250000, "adjustment": "0.28"},
                                  {"up_to": 400000, "adjustment": "0"},
                                  {"up_to": None, "adjustment": "-0.07"}])  # fmt: skip
    ocla = Quality(fat="3.64", protein="3.3", somatic_cells=416000)
    assert terms.price_per_kg(ocla) == Decimal("1.33")  # 1.40 + 0 − 0.07
    assert terms.price(ocla) == Decimal("1.33") * DENSITY
    clean = attrs.evolve(ocla, somatic_cells=180000, protein=Decimal("3.5"))
    assert terms.price_per_kg(clean) == Decimal("1.740")  # up to 20 % more (Conaprole): +0.28+0.06
    assert terms.price_per_kg(clean) / terms.price_per_kg(Quality()) - 1 < Decimal("0.25")


@given(p=st.decimals(min_value=Decimal("0.5"), max_value=Decimal("3"), places=3),
       rho=st.decimals(min_value=Decimal("1.0"), max_value=Decimal("1.05"), places=4))  # fmt: skip
def test_per_kg_and_per_litre_are_the_same_price(p: Decimal, rho: Decimal) -> None:
    per_kg = _terms(base=p, per="kg", density=rho)
    per_l = _terms(base=p * rho, density=rho)
    assert per_kg.price() == per_l.price() == p * rho
    assert per_kg.price_per_kg() == p
    assert abs(per_l.price_per_kg() - p) < Decimal("1e-30")


@given(f=pct, s=snf_pct, g=pct, t=snf_pct)
def test_band_lookup_is_monotone_and_reads_the_cell_at_or_below(
    f: Decimal, s: Decimal, g: Decimal, t: Decimal
) -> None:
    lo = CHART.rate(min(f, g), min(s, t))
    hi = CHART.rate(max(f, g), max(s, t))
    assert lo <= hi  # more fat or more SNF never pays less
    r = CHART.rate(f, s)
    assert r == Decimal(0) or r in {v for row in CHART.prices for v in row}
    if f >= Decimal("3.0") and s >= Decimal("8.0"):
        i = max(k for k, x in enumerate(CHART.fat) if x <= f)
        j = max(k for k, x in enumerate(CHART.snf) if x <= s)
        assert r == CHART.prices[i][j]


@given(f=pct, s=snf_pct)
def test_interpolation_meets_the_cells_and_stays_between_them(f: Decimal, s: Decimal) -> None:
    inter = attrs.evolve(CHART, lookup="interpolate")
    for i, fx in enumerate(CHART.fat):
        for j, sx in enumerate(CHART.snf):
            assert inter.rate(fx, sx) == CHART.prices[i][j]
    r = inter.rate(f, s)
    flat = [v for row in CHART.prices for v in row]
    assert min(flat) <= r <= max(flat)


def test_chart_terms_price_fat_and_snf_then_add_the_other_criteria() -> None:
    terms = _terms(base="1.30", rate_chart=CHART, cooling_bonus="0.03",
                   somatic_cells=[{"up_to": 250000, "adjustment": "0.02"}])  # fmt: skip
    q = Quality(fat="3.8", total_solids="12.4", cooled=True, somatic_cells=200000)
    # SNF = 12.4 − 3.8 = 8.6 → the (3.5, 8.5) cell, 1.34; + 0.03 cooled + 0.02 cells
    assert q.solids_not_fat == Decimal("8.6")
    assert terms.composition_price(q) == Decimal("1.34")
    assert terms.price(q) == Decimal("1.39")
    assert terms.price(Quality()) == Decimal("1.30")  # no sample: the base price
    assert terms.price(Quality(fat="2.5", snf="8.6")) == Decimal(0)  # below the chart


def test_price_files_carry_the_new_terms_and_round_trip(tmp_path: pathlib.Path) -> None:
    toml = (
        '[[prices]]\nfrom = "2026-01-01"\nto = "2026-12-31"\nbase = "1.30"\nper = "kg"\n'
        'density = "1.030"\nprotein_bonus_per_point = "0.20"\n'
        'somatic_cells = [{up_to = 250000, adjustment = "0.05"}, {adjustment = "-0.05"}]\n'
        '[prices.rate_chart]\nfat = ["3.0", "3.5"]\nsnf = ["8.0", "8.5"]\n'
        'prices = [["1.20", "1.26"], ["1.28", "1.34"]]\nlookup = "interpolate"\n'
    )
    path = tmp_path / "p.toml"
    path.write_text(toml, encoding="utf-8")
    sched = MilkPriceSchedule.from_file(path)
    t = sched.terms[0]
    assert (t.per, t.density, t.rate_chart is not None) == ("kg", Decimal("1.030"), True)
    assert MilkPriceSchedule.from_dict(sched.to_dict()) == sched
    assert MilkPriceSchedule.from_dict(json.loads(json.dumps(sched.to_dict()))) == sched


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        ({"per": "gallon"}, r"^'per' must be litre or kg \(got 'gallon'\)\.$"),
        ({"density": "1.5"}, r"^'density' must be kg per litre, between 0\.9 and 1\.1 \(got 1\.5\)\.$"),
        ({"rate_chart": {"fat": ["3.5", "3.0"], "snf": ["8"], "prices": [["1"], ["1"]]}},
         r"^'rate_chart\.fat' must be increasing percentages"),
        ({"rate_chart": {"fat": ["3.0"], "snf": ["8", "9"], "prices": [["1"]]}},
         r"^'rate_chart\.prices' must have 1 rows \(fat\) of 2 prices \(SNF\) \(got \[1\]\)\.$"),
        ({"rate_chart": {"fat": ["3.0"], "snf": ["8"], "prices": [["1"]], "step": 1}},
         r"^unknown rate_chart field 'step'"),
        ({"rate_chart": {"fat": ["3.0"], "snf": ["8"]}}, r"^'rate_chart' needs 'prices'\.$"),
        ({"rate_chart": {"fat": ["3"], "snf": ["8"], "prices": [["1"]], "lookup": "nearest"}},
         r"rate_chart\.lookup"),
        ({"somatic_cells": [{"up_to": 9, "adjustment": "0"}, {"up_to": 5, "adjustment": "0"}]},
         r"^'somatic_cells' tiers must have increasing 'up_to' bounds"),
    ],
)  # fmt: skip
def test_bad_terms(extra: dict[str, object], match: str) -> None:
    with pytest.raises(InvalidPriceSchedule, match=match):
        MilkPriceSchedule.from_dict(
            {"prices": [{"from": "2026-01-01", "to": "2026-12-31", **extra}]}
        )


def test_cli_settle_reads_a_rate_chart_from_the_price_file(tmp_path: pathlib.Path) -> None:
    (tmp_path / "d.csv").write_text(
        "farmer,date,litres,total_solids,fat\nF01,2026-01-02,100,12.4,3.8\nF01,2026-01-03,50,,\n",
        encoding="utf-8",
    )
    (tmp_path / "p.toml").write_text(
        '[[prices]]\nfrom = "2026-01-01"\nto = "2026-12-31"\nbase = "1.30"\n'
        '[prices.rate_chart]\nfat = ["3.0", "3.5"]\nsnf = ["8.0", "8.5"]\n'
        'prices = [["1.20", "1.26"], ["1.28", "1.34"]]\n',
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    argv = ["settle", "--deliveries", str(tmp_path / "d.csv"), "--prices", str(tmp_path / "p.toml"),
            "--period", "2026-01-01..2026-01-15", "--format", "json"]  # fmt: skip
    assert main(argv, out=out, err=err) == 0, err.getvalue()
    farmer = json.loads(out.getvalue())["farmers"][0]
    assert farmer["gross"] == "199.00"  # 100 L × 1.34 (fat 3.8, SNF 8.6) + 50 L × 1.30 (no sample)


def test_components_add_up_and_have_spanish_labels() -> None:
    from coopfinance.text import translator

    terms = _terms(base="1.30", rate_chart=CHART, protein_bonus_per_point="0.20",
                   somatic_cells=[{"up_to": 250000, "adjustment": "0.02"}], cooling_bonus="0.03")  # fmt: skip
    q = Quality(fat="3.8", snf="8.6", protein="3.5", cooled=True, somatic_cells=1000)
    parts = terms.components(q)
    assert sum(a for _, _, a in parts) == terms.unit_price(q)
    es = translator("es")
    names = [es.label(key, english) for key, english, _ in parts]
    assert names == ["Tabla de precios grasa × SNG", "Bonificación por proteína",
                     "Recuento de células somáticas", "Bonificación por enfriamiento"]  # fmt: skip
    assert es.label("price.per_kg", "Price per kg") == "Precio por kg"
    assert translator("pt_BR").label("quality.snf", "Solids not fat (%)") == (
        "Extrato seco desengordurado (%)"
    )
