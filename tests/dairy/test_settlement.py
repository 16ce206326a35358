"""Settlement: caps, floor, priority, reconciliation to the céntimo, arrears carried forward."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopfinance.dairy import (
    Delivery,
    MilkPriceSchedule,
    Obligation,
    ObligationKind,
    Period,
    Quality,
    SettlementFrequency,
    SettlementPolicy,
    periods_between,
    settle,
    settle_season,
)
from coopfinance.errors import FloatNotAllowed, InvalidDelivery, InvalidSettlement

CENT = Decimal("0.01")
PERIOD = Period.parse("2026-01-01..2026-01-15")
PRICES = MilkPriceSchedule.flat(
    "1.30",
    "2026-01-01",
    "2026-12-31",
    solids_bonus_per_point="0.10",
    cooling_bonus="0.03",
    hygiene=[{"up_to": 50_000, "adjustment": "0.02"}, {"up_to": None, "adjustment": "-0.05"}],
    service_charges={"transport": "0.04", "chilling": "0.015"},
)
FARMERS = ["F1", "F2", "F3"]

kinds = st.sampled_from(list(ObligationKind))
money = st.decimals("0", "500", places=2)


@st.composite
def obligations(draw: st.DrawFn) -> Obligation:
    kind = draw(kinds)
    return Obligation(
        farmer=draw(st.sampled_from(FARMERS)),
        kind=kind,
        amount=draw(money),
        priority=draw(st.none() | st.integers(1, 9)),
        loan_id="L-1" if kind is ObligationKind.LOAN_INSTALLMENT else None,
    )


@st.composite
def deliveries(draw: st.DrawFn) -> list[Delivery]:
    out = []
    for farmer in FARMERS:
        for day in draw(st.sets(st.integers(1, 15), max_size=15)):
            quality = draw(
                st.none()
                | st.builds(
                    Quality,
                    total_solids=st.decimals("10", "14", places=2),
                    bacterial_count=st.none() | st.integers(0, 200_000),
                    cooled=st.booleans(),
                )
            )
            out.append(
                Delivery(
                    farmer=farmer,
                    date=dt.date(2026, 1, day),
                    litres=draw(st.decimals("0", "80", places=1)),
                    quality=quality,
                )
            )
    return out


policies = st.builds(
    SettlementPolicy,
    caps=st.dictionaries(kinds, st.decimals("0", "1", places=2), max_size=3),
    floor_share=st.decimals("0", "1", places=2),
    floor_price_per_litre=st.decimals("0", "2", places=2),
)


@given(deliveries(), st.lists(obligations(), max_size=12), policies)
def test_settlement_invariants(milk, obs, policy) -> None:  # type: ignore[no-untyped-def]
    """For every farmer: gross = deductions + net; collected + short = due; no kind above its cap;
    net never below the floor; the summary is the sum of the statements, to the céntimo."""
    s = settle(milk, PRICES, PERIOD, obs, policy, farmers=FARMERS)
    for f in s.statements:
        assert f.gross == f.deductions + f.net
        assert f.gross == f.gross.quantize(CENT)
        for c in f.collections:
            assert c.collected + c.short == c.obligation.amount
            assert c.collected >= 0
            assert c.short >= 0
        for kind, share in policy.caps:
            cap = (share * f.gross).quantize(CENT, ROUND_FLOOR)
            assert f.by_kind(kind)[0] <= cap
        floor = max(f.gross * policy.floor_share, f.litres * policy.floor_price_per_litre)
        assert f.net >= min(f.gross, floor)
        exact_gross = sum(
            d.litres * PRICES.price(d.date, d.quality) for d in milk if d.farmer == f.farmer
        )
        assert f.gross == Decimal(exact_gross).quantize(CENT, ROUND_HALF_UP)
    m = s.summary
    assert m.gross == sum(f.gross for f in s.statements)
    assert m.net == sum(f.net for f in s.statements)
    assert m.deductions == sum(f.deductions for f in s.statements)
    assert m.arrears == sum(f.arrears for f in s.statements)
    assert m.gross == m.deductions + m.net
    due = sum(f.due for f in s.statements)
    assert m.deductions + m.arrears == due


@given(st.lists(obligations(), max_size=10))
def test_priority_order_is_respected(obs) -> None:  # type: ignore[no-untyped-def]
    """Nothing is collected from an obligation while one before it in priority is short."""
    milk = [Delivery(farmer=f, date=dt.date(2026, 1, 2), litres=100) for f in FARMERS]
    policy = SettlementPolicy(caps={})
    s = settle(milk, PRICES, PERIOD, obs, policy)
    for f in s.statements:
        seen_short = False
        for c in f.collections:
            if seen_short:
                assert c.collected == 0
            seen_short = seen_short or c.short > 0


def test_worked_example_loan_cap_and_floor() -> None:
    """40 L/day × 15 days at S/1.30 = S/780.00; transport 0.04 and chilling 0.015 per litre
    (S/24.00 and S/9.00); an input advance S/100; a loan installment S/300 capped at 30 % of gross =
    S/234.00, the other S/66.00 in arrears; the farmer keeps S/413.00."""
    milk = [Delivery(farmer="F1", date=dt.date(2026, 1, d), litres=40) for d in range(1, 16)]
    obs = [
        Obligation(farmer="F1", kind="loan-installment", amount="300", loan_id="L-9"),
        Obligation(farmer="F1", kind="input-advance", amount="100"),
    ]
    f = settle(milk, PRICES, PERIOD, obs).statement("F1")
    got = [
        (c.obligation.kind.value, c.obligation.reference, c.collected, c.short)
        for c in f.collections
    ]
    assert f.gross == Decimal("780.00")
    assert got == [
        ("service-charge", "transport", Decimal("24.00"), Decimal("0.00")),
        ("service-charge", "chilling", Decimal("9.00"), Decimal("0.00")),
        ("input-advance", "", Decimal("100"), Decimal("0")),
        ("loan-installment", "", Decimal("234.00"), Decimal("66.00")),
    ]
    assert f.net == Decimal("413.00")
    # a KDB-style net price floor of S/1.00 per litre: the farmer keeps ≥ S/600.00
    g = settle(milk, PRICES, PERIOD, obs, SettlementPolicy(floor_price_per_litre="1.00"))
    f2 = g.statement("F1")
    assert f2.net == Decimal("600.00")
    assert f2.by_kind(ObligationKind.LOAN_INSTALLMENT) == (Decimal("47.00"), Decimal("253.00"))


def test_explicit_priority_overrides_kind_order() -> None:
    milk = [Delivery(farmer="F1", date=dt.date(2026, 1, 2), litres=10)]  # S/13.00
    obs = [
        Obligation(farmer="F1", kind="input-advance", amount="10"),
        Obligation(farmer="F1", kind="voluntary-savings", amount="10", priority=0),
    ]
    prices = MilkPriceSchedule.flat("1.30", "2026-01-01", "2026-12-31")
    f = settle(milk, prices, PERIOD, obs).statement("F1")
    assert [(c.obligation.kind.value, c.collected) for c in f.collections] == [
        ("voluntary-savings", Decimal("10")),
        ("input-advance", Decimal("3.00")),
    ]


def test_arrears_carry_forward_to_next_period() -> None:
    prices = MilkPriceSchedule.flat("1.00", "2026-01-01", "2026-12-31")
    milk = [Delivery(farmer="F1", date=dt.date(2026, 1, d), litres=10) for d in range(1, 32)]
    loan = {"L": Obligation(farmer="F1", kind="loan-installment", amount="100", loan_id="L-1")}
    season = settle_season(
        milk,
        prices,
        dt.date(2026, 1, 1),
        dt.date(2026, 1, 31),
        lambda p: [loan["L"]] if p.start.day == 1 else [],
        policy=SettlementPolicy(caps={"loan-installment": "0.5"}),
    )
    first, second = (s.statement("F1") for s in season)
    assert (first.deductions, first.arrears) == (Decimal("75.00"), Decimal("25.00"))
    carried = second.collections[0]
    assert carried.obligation.reference.startswith("arrears 2026-01-01..2026-01-15")
    assert carried.obligation.loan_id == "L-1"
    assert (carried.collected, carried.short) == (Decimal("25"), Decimal("0"))


@pytest.mark.parametrize(
    ("freq", "count", "first"),
    [
        (SettlementFrequency.SEMI_MONTHLY, 24, "2026-01-01..2026-01-15"),
        (SettlementFrequency.TEN_DAY, 36, "2026-01-01..2026-01-10"),
        (SettlementFrequency.MONTHLY, 12, "2026-01-01..2026-01-31"),
        (SettlementFrequency.WEEKLY, 53, "2026-01-01..2026-01-04"),
    ],
)
def test_periods(freq: SettlementFrequency, count: int, first: str) -> None:
    ps = list(periods_between(dt.date(2026, 1, 1), dt.date(2026, 12, 31), freq))
    assert len(ps) == count
    assert str(ps[0]) == first
    assert sum(p.days for p in ps) == 365
    assert all(a.end + dt.timedelta(days=1) == b.start for a, b in itertools.pairwise(ps))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: settle([Delivery(farmer="F1", date="2026-01-16", litres=5)], PRICES, PERIOD),
            InvalidDelivery,
            r"delivery 1: 'date' 2026-01-16 is outside the period 2026-01-01..2026-01-15",
        ),
        (
            lambda: settle(
                [Delivery(farmer="F9", date="2026-01-02", litres=5)], PRICES, PERIOD, farmers=["F1"]
            ),
            InvalidDelivery,
            "delivery 1: 'farmer' 'F9' is not a known farmer",
        ),
        (
            lambda: settle(
                [],
                PRICES,
                PERIOD,
                [Obligation(farmer="F9", kind="input-advance", amount=1)],
                farmers=["F1"],
            ),
            InvalidSettlement,
            "obligation for unknown farmer 'F9'",
        ),
        (
            lambda: settle(
                [], PRICES, PERIOD, [Obligation(farmer="F1", kind="input-advance", amount="1.005")]
            ),
            InvalidSettlement,
            r"whole PEN minor units \(got 1.005",
        ),
        (
            lambda: Obligation(farmer="F1", kind="loan-installment", amount=1),
            InvalidSettlement,
            "'loan_id' is required for a loan installment",
        ),
        (
            lambda: Obligation(farmer="F1", kind="loan", amount=1),
            InvalidSettlement,
            "'kind' must be one of",
        ),
        (
            lambda: Obligation(farmer="F1", kind="input-advance", amount="-3"),
            InvalidSettlement,
            r"'amount' must not be negative \(got -3\)",
        ),
        (
            lambda: Obligation(farmer="F1", kind="input-advance", amount=1.5),
            FloatNotAllowed,
            "float",
        ),
        (
            lambda: SettlementPolicy(floor_share="1.2"),
            InvalidSettlement,
            r"between 0 and 1 \(got 1.2\)",
        ),
        (
            lambda: SettlementPolicy(order=["loan-installment"]),
            InvalidSettlement,
            "every kind exactly once",
        ),
        (
            lambda: SettlementPolicy(frequency="fortnightly"),
            InvalidSettlement,
            "'frequency' must be one of",
        ),
        (lambda: Period.parse("2026-01-15..2026-01-01"), InvalidSettlement, "must not end before"),
        (lambda: Period.parse("2026-01-01"), InvalidSettlement, "START..END"),
    ],
)
def test_bad_settlement_input(call, error, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=match):
        call()
