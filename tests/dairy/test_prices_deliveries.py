"""Milk prices (bonuses, penalties, gaps, overlaps), deliveries from CSV, collection coverage."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopfinance.dairy import (
    Deliveries,
    Delivery,
    HygieneTier,
    MilkPriceSchedule,
    Period,
    PickupPlan,
    PriceTerms,
    Quality,
    missed_pickups,
)
from coopfinance.errors import FloatNotAllowed, InvalidDelivery, InvalidPriceSchedule

TERMS = PriceTerms(
    valid_from="2026-01-01",
    valid_to="2026-12-31",
    base="1.30",
    solids_bonus_per_point="0.10",
    fat_bonus_per_point="0.05",
    hygiene=[
        {"up_to": 30_000, "adjustment": "0.03"},
        {"up_to": 100_000, "adjustment": "0"},
        {"up_to": None, "adjustment": "-0.08"},
    ],
    cooling_bonus="0.02",
    service_charges={"transport": "0.05", "margin": "0.08"},
    intermediary="1.00",
)


def test_price_composition() -> None:
    """Base + solids + fat + hygiene + cooling (structure of Chagray et al. 2023, Huaura)."""
    q = Quality(total_solids="12.6", fat="3.9", bacterial_count=25_000, cooled=True)
    # 1.30 + 0.10·0.5 + 0.05·0.4 + 0.03 + 0.02
    assert TERMS.price(q) == Decimal("1.42")
    assert TERMS.price(Quality(bacterial_count=150_000)) == Decimal("1.22")
    assert TERMS.price(Quality(bacterial_count=100_000)) == Decimal("1.30")
    assert TERMS.net_price() == Decimal("1.17")
    assert TERMS.advantage_over_intermediary() == Decimal("0.17")


@given(st.decimals("8", "16", places=2), st.decimals("8", "16", places=2))
def test_price_increases_with_solids(a: Decimal, b: Decimal) -> None:
    lo, hi = sorted((a, b))
    assert TERMS.price(Quality(total_solids=lo)) <= TERMS.price(Quality(total_solids=hi))


def test_price_never_negative() -> None:
    harsh = PriceTerms(
        valid_from="2026-01-01",
        valid_to="2026-01-31",
        base="0.10",
        hygiene=[{"up_to": None, "adjustment": "-1"}],
    )
    assert harsh.price(Quality(bacterial_count=1)) == 0


def test_schedule_from_toml_and_json(tmp_path) -> None:  # type: ignore[no-untyped-def]
    toml = tmp_path / "p.toml"
    toml.write_text(
        'currency = "PEN"\n[[prices]]\nfrom = "2026-01-01"\nto = "2026-06-30"\nbase = "1.30"\n'
        '[[prices]]\nfrom = "2026-07-01"\nto = "2026-12-31"\nbase = "1.45"\n'
        '[prices.service_charges]\ntransport = "0.05"\n',
        encoding="utf-8",
    )
    s = MilkPriceSchedule.from_file(toml)
    assert s.price(dt.date(2026, 8, 1)) == Decimal("1.45")
    assert s.terms_on(dt.date(2026, 8, 1)).service_charge_per_litre == Decimal("0.05")
    js = tmp_path / "p.json"
    js.write_text(
        json.dumps({"prices": [{"from": "2026-01-01", "to": "2026-01-31", "base": "1.3"}]})
    )
    assert MilkPriceSchedule.from_file(js).end == dt.date(2026, 1, 31)


@pytest.mark.parametrize(
    ("prices", "match"),
    [
        (
            [
                {"from": "2026-01-01", "to": "2026-01-31"},
                {"from": "2026-02-02", "to": "2026-03-31"},
            ],
            "price schedule has a gap: no price from 2026-02-01 to 2026-02-01",
        ),
        (
            [
                {"from": "2026-01-01", "to": "2026-02-10"},
                {"from": "2026-02-01", "to": "2026-03-31"},
            ],
            "price periods overlap: 2026-01-01..2026-02-10 and 2026-02-01..2026-03-31",
        ),
        ([], "at least one price period"),
        ([{"to": "2026-01-31"}], "each price period needs 'from'"),
        ([{"from": "2026-01-31", "to": "2026-01-01"}], "'valid_to' must not be before"),
        (
            [{"from": "2026-01-01", "to": "2026-01-31", "base": "-1"}],
            r"'base' must not be negative \(got -1\)",
        ),
        ([{"from": "2026-01-01", "to": "2026-01-31", "bonus": "1"}], "unknown price field 'bonus'"),
        ([{"from": "2026-1-1", "to": "2026-01-31"}], "'valid_from' must be a date"),
        (
            [{"from": "2026-01-01", "to": "2026-01-31", "service_charges": {"transport": "-0.1"}}],
            r"'service_charges.transport' must not be negative",
        ),
        (
            [
                {
                    "from": "2026-01-01",
                    "to": "2026-01-31",
                    "hygiene": [
                        {"up_to": None, "adjustment": "0"},
                        {"up_to": 5, "adjustment": "0"},
                    ],
                }
            ],
            "'hygiene' tiers must have increasing",
        ),
    ],
)
def test_bad_price_schedule(prices: list[dict[str, object]], match: str) -> None:
    with pytest.raises(InvalidPriceSchedule, match=match):
        MilkPriceSchedule.from_dict({"prices": prices})


def test_no_price_outside_schedule() -> None:
    s = MilkPriceSchedule.flat("1.30", "2026-01-01", "2026-01-31")
    with pytest.raises(InvalidPriceSchedule, match="no milk price for 2026-02-01"):
        s.price(dt.date(2026, 2, 1))


def test_float_price_refused() -> None:
    with pytest.raises(FloatNotAllowed, match="must not be a float"):
        MilkPriceSchedule.flat(1.3, "2026-01-01", "2026-01-31")
    with pytest.raises(FloatNotAllowed):
        Delivery(farmer="F1", date="2026-01-01", litres=1.5)


CSV_OK = (
    "farmer,date,litres,total_solids,fat,bacterial_count,cooled,route\n"
    "F01,2026-01-01,30.5,12.4,3.6,25000,yes,R1\n"
    "F02,2026-01-01,12,,,,,\n"
)


def test_deliveries_from_csv() -> None:
    d = Deliveries.from_csv(CSV_OK, farmers=["F01", "F02"])
    assert len(d) == 2
    first = d.items[0]
    assert first.quality == Quality(
        total_solids="12.4", fat="3.6", bacterial_count=25_000, cooled=True
    )
    assert first.route == "R1"
    assert d.items[1].quality is None
    assert d.litres_by_farmer() == {"F01": Decimal("30.5"), "F02": Decimal("12")}


def test_every_bad_row_reported_with_line_and_reason() -> None:
    text = (
        "farmer,date,litres,bacterial_count,cooled\n"
        "F01,2026-01-01,30,,\n"  # line 2 fine
        "F01,2026-01-02,-3,,\n"  # line 3 negative
        "F09,2026-01-02,5,,\n"  # line 4 unknown farmer
        "F02,2026-01-20,5,,\n"  # line 5 outside the period
        "F02,02/01/2026,5,,\n"  # line 6 bad date
        "F02,2026-01-03,abc,x,maybe\n"  # line 7 three problems
        ",2026-01-03,4,,\n"  # line 8 blank farmer
    )
    with pytest.raises(InvalidDelivery) as info:
        Deliveries.from_csv(
            text, farmers=["F01", "F02"], period=Period.parse("2026-01-01..2026-01-15")
        )
    err = info.value
    assert str(err).startswith("6 bad rows in the deliveries file:")
    assert [(line, field) for line, field, _ in err.problems] == [
        (3, "litres"),
        (4, "farmer"),
        (5, "date"),
        (6, "date"),
        (7, "litres"),
        (7, "bacterial_count"),
        (8, "farmer"),
    ]
    assert "line 3: 'litres' must not be negative (got -3)." in str(err)
    assert "line 4: 'farmer' 'F09' is not a known farmer." in str(err)
    assert "line 5: 'date' 2026-01-20 is outside the period 2026-01-01..2026-01-15." in str(err)
    assert "line 6: 'date' must be a date such as '2026-01-15' (got '02/01/2026')." in str(err)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("farmer,litres\nF01,3\n", "needs the columns farmer, date, litres"),
        ("farmer,date,litres,colour\nF01,2026-01-01,3,white\n", "unknown column 'colour'"),
        ("farmer,date,litres\nF01,2026-01-01,3,9\n", "line 2: has 4 fields, the header 3"),
        (
            "farmer,date,litres,total_solids\nF01,2026-01-01,3,140\n",
            "'total_solids' must be a percentage",
        ),
    ],
)
def test_bad_delivery_files(text: str, match: str) -> None:
    with pytest.raises(InvalidDelivery, match=match):
        Deliveries.from_csv(text)


def test_deliveries_from_path(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "d.csv"
    p.write_text(CSV_OK, encoding="utf-8")
    assert len(Deliveries.from_file(p)) == 2


def test_missed_pickups_per_day_and_route() -> None:
    """Nobody forgotten: every expected pickup without a delivery is listed and counted."""
    plan = PickupPlan(
        routes={"Cabeza de Toro": {"F01": range(7), "F02": [0, 3]}, "Humay": {"F03": range(7)}}
    )
    period = Period.parse("2026-01-05..2026-01-11")  # Monday..Sunday
    got = Deliveries(
        items=[
            Delivery(farmer="F01", date=dt.date(2026, 1, d), litres=10)
            for d in range(5, 12)
            if d != 7
        ]
        + [Delivery(farmer="F02", date="2026-01-05", litres=8)]
        + [Delivery(farmer="F03", date=dt.date(2026, 1, d), litres=8) for d in range(5, 12)]
    )
    missed, counts = missed_pickups(plan, got, period)
    assert [(m.date.day, m.route, m.farmer) for m in missed] == [
        (7, "Cabeza de Toro", "F01"),
        (8, "Cabeza de Toro", "F02"),
    ]
    assert counts == {
        (dt.date(2026, 1, 7), "Cabeza de Toro"): 1,
        (dt.date(2026, 1, 8), "Cabeza de Toro"): 1,
    }
    with pytest.raises(InvalidDelivery, match="must be weekdays 0"):
        PickupPlan(routes={"R": {"F": [7]}})


def test_delivery_files_that_cannot_be_read_name_the_path(tmp_path) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "none.csv"
    with pytest.raises(
        InvalidDelivery, match=r"^'deliveries' cannot be read \(got '.*none\.csv'\)"
    ):
        Deliveries.from_file(missing)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("farmer,date,litres\nF\xf1,2026-01-01,3\n".encode("latin-1"))
    with pytest.raises(InvalidDelivery, match=r"it is not UTF-8 text") as info:
        Deliveries.from_file(latin)
    assert info.value.field == "deliveries"
    bom = tmp_path / "bom.csv"
    bom.write_text(CSV_OK, encoding="utf-8-sig")
    assert Deliveries.from_file(bom) == Deliveries.from_csv(CSV_OK)


def test_price_schedules_round_trip_through_to_dict() -> None:
    schedule = MilkPriceSchedule(
        terms=[
            PriceTerms(
                valid_from="2026-01-01",
                valid_to="2026-06-30",
                base="1.30",
                solids_bonus_per_point="0.10",
                hygiene=[
                    HygieneTier(up_to=100_000, adjustment="0.02"),
                    HygieneTier(up_to=None, adjustment="-0.05"),
                ],
                service_charges={"transport": "0.05"},
                intermediary="1.10",
            ),
            PriceTerms(valid_from="2026-07-01", valid_to="2026-12-31", base="1.35"),
        ],
        currency="PEN",
    )
    data = json.loads(json.dumps(schedule.to_dict()))
    assert MilkPriceSchedule.from_dict(data) == schedule
