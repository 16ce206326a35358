"""Surplus (remanente) distribution per LGC art. 42: order, caps, members only, exact to the céntimo."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopfinance.coop import (
    Member,
    PatronageBasis,
    Supplier,
    SurplusPolicy,
    allocate,
    contribution_obligations,
    distribute_surplus,
)
from coopfinance.errors import InvalidSurplusDistribution

amounts = st.decimals("0", "100000", places=2)


@given(
    amounts,
    st.lists(
        st.tuples(st.decimals("0", "5000", places=2), st.decimals("0", "20000", places=1)),
        min_size=1,
        max_size=40,
    ),
    st.decimals("0.20", "0.5", places=2),
    st.decimals("0", "0.3", places=2),
    st.decimals("0", "0.1", places=3),
)
def test_allocation_sums_to_the_surplus(surplus, people, reserve, education, rate) -> None:  # type: ignore[no-untyped-def]
    members = [Member(id=f"S{i}", contributions=c) for i, (c, _) in enumerate(people)]
    patronage = {f"S{i}": litres for i, (_, litres) in enumerate(people)}
    if all(v == 0 for v in patronage.values()):
        patronage["S0"] = Decimal(1)
    d = distribute_surplus(
        surplus,
        members,
        patronage,
        SurplusPolicy(
            reserve_share=reserve, education_share=education, contribution_interest_rate=rate
        ),
    )
    assert d.total == surplus
    assert d.reserve >= surplus * reserve  # never below the statutory share
    for _, v in d.interest + d.patronage:
        assert v >= 0
        assert v == v.quantize(Decimal("0.01"))
    for m in members:  # interest never above the rate
        assert dict(d.interest)[m.id] <= (m.contributions * rate).quantize(
            Decimal("0.01"), "ROUND_CEILING"
        )


@given(amounts, st.lists(st.decimals("0", "1000", places=3), min_size=1, max_size=30))
def test_largest_remainder_is_exact_and_fair(total, weights) -> None:  # type: ignore[no-untyped-def]
    w = {str(i): x for i, x in enumerate(weights)}
    if sum(w.values()) == 0:
        w["0"] = Decimal(1)
    parts = allocate(total, w, Decimal("0.01"))
    assert sum(parts.values()) == total
    whole = sum(w.values())
    for k, v in parts.items():
        assert abs(v - total * w[k] / whole) < Decimal("0.01")


def test_worked_example_order_of_art_42() -> None:
    """S/ 20,000.00: reserve 20 % = 4,000.00; education 10 % = 2,000.00; a social fund 5 % =
    1,000.00; interest 6 % on S/ 10,000 of contributions = 600.00; patronage 12,400.00 by litres
    delivered 3:1, the supplier's litres excluded."""
    members = [Member(id="S01", contributions="4000"), Member(id="S02", contributions="6000")]
    d = distribute_surplus(
        "20000.00",
        members,
        {"S01": 30000, "S02": 10000, "P01": 50000},
        SurplusPolicy(
            contribution_interest_rate="0.06",
            contribution_interest_cap="0.06",
            funds={"social": "0.05"},
        ),
        suppliers=[Supplier(id="P01")],
    )
    assert (d.reserve, d.education, dict(d.funds)) == (
        Decimal("4000.00"),
        Decimal("2000.00"),
        {"social": Decimal("1000.00")},
    )
    assert dict(d.interest) == {"S01": Decimal("240.00"), "S02": Decimal("360.00")}
    assert dict(d.patronage) == {"S01": Decimal("9300.00"), "S02": Decimal("3100.00")}
    assert d.excluded == (("P01", Decimal("50000")),)
    assert d.to_member("S01") == Decimal("9540.00")


def test_interest_scaled_down_when_surplus_is_short() -> None:
    members = [Member(id="S01", contributions="100000")]
    d = distribute_surplus(
        "1000.00", members, {"S01": 1}, SurplusPolicy(contribution_interest_rate="0.05")
    )
    assert dict(d.interest) == {"S01": Decimal("700.00")}
    assert dict(d.patronage) == {"S01": Decimal("0")}
    assert d.total == Decimal("1000.00")


def test_contributions_and_obligations() -> None:
    m = Member(id="S01", contributions="100").contribute("25.50")
    assert m.contributions == Decimal("125.50")
    (ob,) = contribution_obligations([m], "10.00")
    assert (ob.farmer, ob.kind.value, ob.amount) == ("S01", "compulsory-savings", Decimal("10.00"))
    assert SurplusPolicy(basis="value").basis is PatronageBasis.VALUE


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (
            lambda: SurplusPolicy(reserve_share="0.15"),
            r"'reserve_share' must be at least 0.20 \(LGC art. 42\)",
        ),
        (
            lambda: SurplusPolicy(
                contribution_interest_rate="0.08", contribution_interest_cap="0.06"
            ),
            "must not exceed the statute's cap 0.06",
        ),
        (
            lambda: SurplusPolicy(reserve_share="0.6", education_share="0.5"),
            "must not exceed the surplus",
        ),
        (lambda: SurplusPolicy(basis="weight"), "'basis' must be one of litres, value"),
        (
            lambda: distribute_surplus("-1", [Member(id="S")], {"S": 1}),
            r"'surplus' must not be negative \(got -1\)",
        ),
        (lambda: distribute_surplus("1.005", [Member(id="S")], {"S": 1}), "whole PEN minor units"),
        (
            lambda: distribute_surplus("100", [Member(id="S")], {"X": 1}),
            "'X', who is neither a member nor a supplier",
        ),
        (
            lambda: distribute_surplus("100", [Member(id="S")], {"S": 0}),
            "no member delivered anything",
        ),
        (
            lambda: distribute_surplus("100", [Member(id="S"), Member(id="S")], {"S": 1}),
            "'S' is listed twice",
        ),
        (
            lambda: distribute_surplus(
                "100", [Member(id="S")], {"S": 1}, suppliers=[Supplier(id="S")]
            ),
            "both a member and a supplier",
        ),
        (lambda: Member(id=" "), "'id' must not be empty"),
    ],
)
def test_bad_surplus_input(call, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidSurplusDistribution, match=match):
        call()
