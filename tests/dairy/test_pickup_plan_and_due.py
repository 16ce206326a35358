"""Pickup plans from TOML/JSON data, dated obligations in the CSV, and sorting them into periods."""

from __future__ import annotations

import datetime as dt
import json
import pathlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopfinance.dairy import (
    Obligation,
    PickupPlan,
    SettlementFrequency,
    obligations_by_period,
    obligations_from_csv,
    obligations_from_file,
    periods_between,
)
from coopfinance.errors import InvalidDelivery, InvalidSettlement

YEAR = tuple(
    periods_between(dt.date(2026, 1, 1), dt.date(2026, 12, 31), SettlementFrequency.SEMI_MONTHLY)
)


def test_plan_from_toml_and_json_files(tmp_path: pathlib.Path) -> None:
    data = {
        "routes": [
            {"name": "R1", "days": "daily", "farmers": ["F01", "F02"]},
            {
                "name": "R2",
                "days": ["mon", "Wednesday", 4],
                "farmers": ["F03", "F04"],
                "farmer_days": {"F04": ["sat"]},
            },
        ]
    }
    (tmp_path / "plan.json").write_text(json.dumps(data), encoding="utf-8")
    (tmp_path / "plan.toml").write_text(
        '[[routes]]\nname = "R1"\ndays = "daily"\nfarmers = ["F01", "F02"]\n'
        '[[routes]]\nname = "R2"\ndays = ["mon", "Wednesday", 4]\nfarmers = ["F03", "F04"]\n'
        'farmer_days = { F04 = ["sat"] }\n',
        encoding="utf-8",
    )
    for name in ("plan.json", "plan.toml"):
        plan = PickupPlan.from_file(tmp_path / name)
        assert plan.routes["R1"]["F01"] == frozenset(range(7))
        assert plan.routes["R2"]["F03"] == frozenset({0, 2, 4})
        assert plan.routes["R2"]["F04"] == frozenset({5})
        assert plan.farmers() == {"F01": "R1", "F02": "R1", "F03": "R2", "F04": "R2"}


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({}, r"'routes' must be a list of routes .* \(got None\) in plan\.toml"),
        ({"routes": ["R1"]}, r"'routes\[0\]' must be a table \(got 'R1'\)"),
        ({"routes": [{"name": "R1", "days": "daily"}]}, r"'routes\[0\]\.farmers' is required"),
        (
            {"routes": [{"name": "R1", "days": "daily", "farmers": [], "when": 1}]},
            r"'routes\[0\]\.when' is unknown",
        ),
        (
            {"routes": [{"name": "R1", "days": ["lun"], "farmers": []}]},
            r"'routes\[0\]\.days' must be daily or weekdays mon … sun or 0–6 \(got 'lun'\)",
        ),
        (
            {"routes": [{"name": "R1", "days": [7], "farmers": []}]},
            r"'routes\[0\]\.days' .* \(got 7\)",
        ),
        (
            {"routes": [{"name": "R1", "days": "daily", "farmers": "F01"}]},
            r"'routes\[0\]\.farmers' must be a list of farmer ids \(got 'F01'\)",
        ),
        (
            {
                "routes": [
                    {"name": "R1", "days": "daily", "farmers": ["F01"]},
                    {"name": "R2", "days": "daily", "farmers": ["F01"]},
                ]
            },
            r"'routes\[1\]\.farmers' repeats 'F01', already on route 'R1'",
        ),
        (
            {"routes": [{"name": "R1", "days": "daily", "farmers": [], "farmer_days": {"F9": []}}]},
            r"'routes\[0\]\.farmer_days' names 'F9', who is not in the route's farmers",
        ),
    ],
)
def test_bad_plans_are_refused_with_the_key_path(data: dict[str, object], match: str) -> None:
    with pytest.raises(InvalidDelivery, match=match):
        PickupPlan.from_dict(data, source="plan.toml")


def test_plan_file_suffix_is_checked(tmp_path: pathlib.Path) -> None:
    (tmp_path / "plan.txt").write_text("", encoding="utf-8")
    with pytest.raises(
        InvalidDelivery,
        match=r"'pickup_plan' must be a \.toml or \.json file \(got '.*plan\.txt'\)",
    ):
        PickupPlan.from_file(tmp_path / "plan.txt")
    (tmp_path / "plan.toml").write_text("routes = [", encoding="utf-8")
    with pytest.raises(InvalidDelivery, match=r"'pickup_plan' is not valid TOML in plan\.toml"):
        PickupPlan.from_file(tmp_path / "plan.toml")


def test_obligations_csv_reads_due_dates() -> None:
    text = "farmer,kind,amount,due\nF01,input-advance,50.00,2026-02-15\nF02,input-advance,5,\n"
    first, second = obligations_from_csv(text)
    assert (first.due, second.due) == (dt.date(2026, 2, 15), None)
    with pytest.raises(
        InvalidSettlement,
        match=r"line 2: 'due' must be a date such as '2026-01-15' \(got '15/02'\)",
    ):
        obligations_from_csv("farmer,kind,amount,due\nF01,input-advance,5,15/02\n")


def test_obligations_outside_the_periods_are_refused() -> None:
    ob = Obligation(farmer="F01", kind="input-advance", amount="5", due="2027-01-01")
    with pytest.raises(
        InvalidSettlement,
        match=r"obligation 1 \(F01 input-advance 5\): 'due' 2027-01-01 is outside the periods "
        r"\(2026-01-01\.\.2026-12-31\)",
    ):
        obligations_by_period([ob], YEAR)


@given(
    st.lists(st.tuples(st.integers(0, 364), st.sampled_from(["F01", "F02", "F03"])), max_size=40)
)
def test_each_obligation_lands_in_the_period_of_its_due_date(
    items: list[tuple[int, str]],
) -> None:
    obs = [
        Obligation(
            farmer=f,
            kind="compulsory-savings",
            amount="1",
            due=dt.date(2026, 1, 1) + dt.timedelta(d),
        )
        for d, f in items
    ]
    out = obligations_by_period(obs, YEAR)
    assert list(out) == list(YEAR)
    assert sum(len(v) for v in out.values()) == len(obs)
    for period, got in out.items():
        assert all(ob.due is not None and period.contains(ob.due) for ob in got)
        assert list(got) == [ob for ob in obs if ob.due is not None and period.contains(ob.due)]


def test_price_and_plan_files_read_numbers_exactly(tmp_path: pathlib.Path) -> None:
    """A TOML or JSON number such as 1.355000000000000001 is read as that Decimal, never through a
    binary float (which would give 1.355)."""
    from decimal import Decimal

    from coopfinance.dairy import MilkPriceSchedule

    body = (
        "[[prices]]\nvalid_from = 2026-01-01\nvalid_to = 2026-12-31\nbase = 1.355000000000000001\n"
    )
    toml = tmp_path / "prices.toml"
    toml.write_text('currency = "PEN"\n' + body, encoding="utf-8")
    assert MilkPriceSchedule.from_file(toml).terms[0].base == Decimal("1.355000000000000001")
    js = tmp_path / "prices.json"
    js.write_text(
        '{"currency": "PEN", "prices": [{"valid_from": "2026-01-01", '
        '"valid_to": "2026-12-31", "base": 1.355000000000000001}]}',
        encoding="utf-8",
    )
    assert MilkPriceSchedule.from_file(js).terms[0].base == Decimal("1.355000000000000001")


def test_obligation_files_are_read_like_their_text(tmp_path: pathlib.Path) -> None:
    text = "farmer,kind,amount,due\nF01,input-advance,50.00,2026-02-15\n"
    (tmp_path / "o.csv").write_text(text, encoding="utf-8-sig")
    assert obligations_from_file(tmp_path / "o.csv") == obligations_from_csv(text)
    with pytest.raises(
        InvalidSettlement, match=r"^'obligations' cannot be read .*: no such file\.$"
    ):
        obligations_from_file(tmp_path / "none.csv")


def test_bad_obligation_rows_keep_their_line_numbers() -> None:
    text = "farmer,kind,amount\n,input-advance,5\nF02,input-advance,x\nF03,loan,1\n"
    with pytest.raises(InvalidSettlement) as info:
        obligations_from_csv(text)
    assert info.value.value == [2, 3, 4]
    assert str(info.value).splitlines()[1:] == [
        "  line 2: 'farmer' must not be empty (got '').",
        "  line 3: 'amount' must be a number such as '1250.50' or '35%' (got 'x').",
        "  line 4: 'kind' must be one of service-charge, input-advance, loan-installment, "
        "compulsory-savings, voluntary-savings (got 'loan').",
    ]


@given(
    st.dictionaries(
        st.text("RS", min_size=1, max_size=3),
        st.dictionaries(
            st.text("F0123", min_size=1, max_size=3),
            st.frozensets(st.integers(0, 6)),
            max_size=4,
        ),
        max_size=3,
    )
)
def test_pickup_plans_round_trip_through_to_dict(
    routes: dict[str, dict[str, frozenset[int]]],
) -> None:
    seen: set[str] = set()
    unique = {}
    for name, suppliers in routes.items():  # a farmer is on one route only
        unique[name] = {f: d for f, d in suppliers.items() if f not in seen}
        seen |= set(suppliers)
    plan = PickupPlan(routes=unique)
    data = json.loads(json.dumps(plan.to_dict()))
    assert PickupPlan.from_dict(data) == plan
