"""Revenue-share plans: a share of each settlement's milk value within a floor and a cap, until repaid.

Design sources: reference dairy-and-coop.md §1.2 (One Acre Fund: pay any amount as long as the loan
is cleared by a final deadline; Peruvian harvest/balloon designs) and §8 (TEA on a 360-day base,
term ≤ 12 months, 19 % TEA moratorium rate as an extension rate).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from coopfinance import Rate
from coopfinance.dairy import (
    Delivery,
    MilkPriceSchedule,
    ObligationKind,
    Period,
    SettlementPolicy,
    settle,
)
from coopfinance.errors import InvalidLinkedPlan
from coopfinance.linked import MaturityRule, RevenueSharePlan, RevenueShareStanding

milk = st.decimals(min_value=0, max_value=3000, places=2)


@st.composite
def plans(draw: st.DrawFn) -> RevenueSharePlan:
    floor = draw(st.integers(0, 100))
    cap = draw(st.none() | st.integers(max(floor, 1), 1500))
    extend = draw(st.booleans())
    return RevenueSharePlan(
        principal=draw(st.integers(100, 8000)),
        rate=draw(st.sampled_from(["0%", "18%", "36%", "55.9%"])),
        disbursed="2026-01-01",
        share=draw(st.decimals(min_value=Decimal("0.05"), max_value=1, places=2)),
        floor=floor,
        cap=cap,
        max_periods=draw(st.integers(1, 60)),
        at_maturity=MaturityRule.EXTEND if extend else MaturityRule.BALLOON,
        extension_rate="19%" if extend else None,
        extension_periods=draw(st.integers(1, 12)) if extend else 0,
    )


@given(plan=plans(), values=st.lists(milk, min_size=1, max_size=80))
def test_every_row_reconciles_and_respects_floor_cap_and_milk(
    plan: RevenueSharePlan, values: list[Decimal]
) -> None:
    s = plan.run(values)
    for r in s:
        assert r.balance == r.opening_balance + r.interest - r.paid
        assert r.principal == r.paid - min(r.paid, r.interest)
        if r.number == plan.last_period and s.balloon:
            continue  # the balloon: everything left is due in the last period
        assert r.paid <= r.milk_value
        if plan.cap is not None:
            assert r.paid <= plan.cap
        owed = r.opening_balance + r.interest
        if r.milk_value >= plan.floor and owed >= plan.floor:
            assert r.paid >= plan.floor
        assert r.paid == min(r.due, r.milk_value)
    assert len(s) <= plan.last_period


@given(
    principal=st.integers(100, 10_000),
    share=st.decimals(min_value=Decimal("0.1"), max_value=1, places=2),
    value=st.integers(200, 3000),
    rate=st.sampled_from(["0%", "12%", "18%", "36%"]),
)
@example(principal=1500, share=Decimal("0.25"), value=700, rate="18%")
def test_repays_loan_plus_interest_exactly_when_revenue_suffices(
    principal: int, share: Decimal, value: int, rate: str
) -> None:
    """Enough milk for long enough: repaid, Σ paid = principal + Σ interest, the last payment takes
    exactly the balance plus its interest, to the céntimo."""
    assume(share * value >= Decimal(principal) / 40)  # revenue suffices well within the term
    plan = RevenueSharePlan(principal=principal, rate=rate, disbursed="2026-01-01", share=share,
                            max_periods=600)  # fmt: skip
    s = plan.run([value] * 600)
    assert s.repaid
    assert s.balloon == 0
    assert s.total_paid == principal + s.total_interest
    last = s.rows[-1]
    assert last.paid == last.opening_balance + last.interest
    assert all(r.balance > 0 for r in s.rows[:-1])


def test_worked_example_interest_on_actual_days_tea_360() -> None:
    """First fortnight: 14 days at TEA 18 % on S/ 1,500 → 1500·(1.18^(14/360) − 1) = 9.69."""
    plan = RevenueSharePlan(principal="1500", rate="18%", disbursed="2026-01-01", share="25%",
                            floor="50", cap="400")  # fmt: skip
    first = plan.run(["620"]).rows[0]
    expected = (Decimal(1500) * (Decimal("1.18") ** (Decimal(14) / 360) - 1)).quantize(
        Decimal("0.01"), ROUND_HALF_UP
    )
    assert first.days == 14
    assert first.interest == expected == Decimal("9.69")
    assert (first.due, first.paid, first.balance) == (Decimal("155.00"), Decimal("155.00"),
                                                      Decimal("1354.69"))  # fmt: skip


def test_floor_applies_and_milk_below_floor_pays_the_milk() -> None:
    plan = RevenueSharePlan(principal="1000", rate="0%", disbursed="2026-01-01", share="10%",
                            floor="60", cap="200")  # fmt: skip
    rows = plan.run(["300", "40", "5000"]).rows
    assert [(r.due, r.paid) for r in rows] == [
        (Decimal("60.00"), Decimal("60.00")),   # 10 % is 30: the floor takes 60
        (Decimal("60.00"), Decimal("40.00")),   # the milk is below the floor: all of it
        (Decimal("200.00"), Decimal("200.00")),  # 10 % is 500: the cap takes 200
    ]  # fmt: skip


def test_balloon_at_the_maximum_term() -> None:
    plan = RevenueSharePlan(principal="1000", rate="0%", disbursed="2026-01-01", share="10%",
                            max_periods=3)  # fmt: skip
    s = plan.run(["500"] * 10)
    assert len(s) == 3
    assert s.repaid
    assert s.rows[-1].paid == Decimal("900.00")
    assert s.balloon == Decimal("850.00")


def test_extension_continues_at_the_stated_rate_then_balloon() -> None:
    plan = RevenueSharePlan(principal="1000", rate="0%", disbursed="2026-01-01", share="10%",
                            max_periods=2, at_maturity="extend", extension_rate="19%",
                            extension_periods=2)  # fmt: skip
    s = plan.run(["500"] * 10)
    assert len(s) == 4
    assert s.repaid
    assert [r.interest for r in s.rows[:2]] == [Decimal("0.00")] * 2
    assert all(r.interest > 0 for r in s.rows[2:])
    ext = Rate.effective_annual("0.19")
    assert s.rows[2].interest == (
        Decimal("900") * ext.period_rate(plan.day_count.year_fraction(
            s.rows[1].period.end, s.rows[2].period.end, None))
    ).quantize(Decimal("0.01"), ROUND_HALF_UP)  # fmt: skip
    assert s.balloon > 0


def test_values_run_out_before_repayment() -> None:
    plan = RevenueSharePlan(principal="1000", rate="18%", disbursed="2026-01-01", share="10%")
    s = plan.run(["500", "500"])
    assert not s.repaid
    assert s.payoff is None
    assert s.balance > 0


def test_explicit_periods_and_mapping() -> None:
    plan = RevenueSharePlan(principal="300", rate="18%", disbursed="2026-01-01", share="50%")
    a = plan.run({Period.parse("2026-01-01..2026-01-31"): "400", "2026-02-01..2026-02-28": "400"})
    b = plan.run([("2026-01-01..2026-01-31", "400"), ("2026-02-01..2026-02-28", "400")])
    assert a.rows == b.rows
    assert a.repaid
    assert a.rows[0].days == 30


@pytest.mark.parametrize(
    ("kwargs", "values", "match"),
    [
        ({"share": "1.5"}, ["1"], r"^'share' must be a share between 0 and 1 \(got 1\.5\)\.$"),
        ({"share": "-0.1"}, ["1"], r"^'share' must not be negative \(got -0\.1\)\.$"),
        ({"floor": "500", "cap": "400"}, ["1"], r"^'floor' must not exceed 'cap' 400 \(got 500\)\.$"),
        ({"share": "0"}, ["1"], r"'share' and 'floor' must not both be 0"),
        ({"max_periods": 0}, ["1"], r"^'max_periods' must be at least 1 \(got 0\)\.$"),
        ({"at_maturity": "extend"}, ["1"], r"'extension_rate' and 'extension_periods' ≥ 1 are needed"),
        ({"at_maturity": "roll"}, ["1"], r"^'at_maturity' must be one of balloon, extend \(got 'roll'\)\.$"),
        ({"floor": "10.005"}, ["1"], r"'floor' must be in whole PEN minor units of 0\.01 \(got 10\.005\)"),
        ({}, [], r"^'milk_values' must hold at least one period \(got none\)\.$"),
        ({}, ["100", "-3"], r"^'milk_values' must not be negative \(got -3\) in period 2\.$"),
        ({}, [("2025-12-01..2025-12-15", "9")], r"periods must end after 2026-01-01"),
        ({}, [("2026-13-01..2026-12-15", "9")], r"'start' must be a date such as .* \(got '2026-13-01'\)"),
    ],
)  # fmt: skip
def test_bad_input(kwargs: dict[str, object], values: list[object], match: str) -> None:
    args: dict[str, object] = {"principal": "1000", "rate": "18%", "disbursed": "2026-01-01",
                               "share": "25%"}  # fmt: skip
    args.update(kwargs)
    with pytest.raises(InvalidLinkedPlan, match=match):
        RevenueSharePlan(**args).run(values)  # type: ignore[arg-type]


def test_float_is_refused() -> None:
    from coopfinance.errors import FloatNotAllowed

    with pytest.raises(FloatNotAllowed, match="'share' must not be a float"):
        RevenueSharePlan(principal="1", rate="1%", disbursed="2026-01-01", share=0.3)


# --- in the cycle: obligations per settlement, collected by check-off, arrears (issue 18 §1) ---


@given(plan=plans(), values=st.lists(milk, min_size=1, max_size=80))
def test_obligations_equal_run_and_repay_exactly_when_milk_suffices(
    plan: RevenueSharePlan, values: list[Decimal]
) -> None:
    """Collected from the milk value itself: as long as the milk has covered every obligation, the
    cycle equals :meth:`run` row by row; a loan whose obligations the milk always covered is repaid
    with principal plus interest to the céntimo (and no arrears are left)."""
    s = plan.run(values)
    c = plan.to_obligations(values, farmer="F01", loan_id="RS")
    for row, due, paid in zip(s, c.dues, c.paid, strict=False):
        assert (due.interest, due.opening_balance) == (row.interest, row.opening_balance)
        if row.number == plan.last_period and row.milk_value < due.due:
            assert paid == row.milk_value < row.paid  # run() assumes the balloon paid
            break
        assert (due.due, paid) == (row.due, row.paid)
        if paid < due.due:
            break  # from here on the cycle carries arrears, run() does not
    if all(p == d.due for p, d in zip(c.paid, c.dues, strict=True)):
        assert c.standing.arrears == 0
        if c.standing.repaid:
            assert c.total_paid == plan.principal + c.total_interest
            assert c.paid == tuple(r.paid for r in s)


@given(plan=plans(), values=st.lists(milk, min_size=1, max_size=90), cut=st.integers(0, 100))
def test_arrears_reconcile_and_the_balloon_the_milk_cannot_pay_stays_owed(
    plan: RevenueSharePlan, values: list[Decimal], cut: int
) -> None:
    """Check-off can take only ``cut`` % of the milk value: every period's figures reconcile,
    arrears never exceed the balance, and nothing is written off at maturity."""
    avail = [(v * cut / 100).quantize(Decimal("0.01"), rounding="ROUND_FLOOR") for v in values]
    c = plan.to_obligations(values, farmer="F01", loan_id="RS", available=avail)
    before = plan.standing()
    for due, paid, after in zip(c.dues, c.paid, c.standings, strict=True):
        assert paid == min(due.due, avail[due.number - 1])
        assert after.balance == before.balance + due.interest - paid
        assert after.arrears == due.due - paid <= after.balance
        if due.number >= plan.last_period:
            assert due.due == due.owed  # the whole balance falls due
        else:
            assert due.due == min(due.owed, due.regular + before.arrears)
        before = after
    if c.standing.repaid:
        assert c.total_paid == plan.principal + c.total_interest


def test_balloon_unpaid_becomes_arrears_then_is_collected() -> None:
    plan = RevenueSharePlan(principal="1000", rate="18%", disbursed="2026-01-01", share="25%",
                            max_periods=3)  # fmt: skip
    c = plan.to_obligations(["400", "400", "400", "400", "400", "400"], farmer="F", loan_id="L")
    s = plan.run(["400", "400", "400"])
    assert s.balloon > 0
    assert s.repaid
    third = c.dues[2]
    assert third.at_maturity
    assert third.balloon > 0
    assert c.paid[2] == Decimal("400.00")  # the milk paid what it could
    assert c.standings[2].arrears == third.due - Decimal("400.00") == c.standings[2].balance
    assert all(d.due == d.owed for d in c.dues[3:])  # past maturity: all of it due
    assert c.standing.repaid
    assert c.total_paid == plan.principal + c.total_interest


def test_obligations_settle_through_checkoff() -> None:
    """The obligations go through ``dairy.settle`` as loan installments; what the settlement
    collected is posted back, and the loan is repaid exactly."""
    plan = RevenueSharePlan(principal="600", rate="18%", disbursed="2025-12-31", share="30%",
                            floor="20", cap="150", max_periods=6)  # fmt: skip
    prices = MilkPriceSchedule.flat("1.30", "2026-01-01", "2026-12-31")
    policy = SettlementPolicy()
    standing = plan.standing()
    periods = [Period.parse(p) for p in ("2026-01-01..2026-01-15", "2026-01-16..2026-01-31",
               "2026-02-01..2026-02-15", "2026-02-16..2026-02-28", "2026-03-01..2026-03-15",
               "2026-03-16..2026-03-31")]  # fmt: skip
    paid_total = interest = Decimal(0)
    for period in periods:
        milk = [Delivery(farmer="F01", date=period.end, litres=300)]
        value = Decimal("390.00")
        due = plan.due(standing, period, value)
        s = settle(milk, prices, period, [due.obligation("F01", "RS-1")], policy)
        got, short = s.statement("F01").by_kind(ObligationKind.LOAN_INSTALLMENT)
        assert short == 0
        assert got == due.due
        standing = plan.post(standing, due, got)
        paid_total += got
        interest += due.interest
        if standing.repaid:
            break
    assert standing.repaid
    assert paid_total == plan.principal + interest


def test_due_and_post_refuse_what_does_not_follow() -> None:
    plan = RevenueSharePlan(principal="500", rate="18%", disbursed="2026-01-01", share="25%")
    st0 = plan.standing()
    p1 = Period.parse("2026-01-01..2026-01-15")
    d = plan.due(st0, p1, "300")
    with pytest.raises(
        InvalidLinkedPlan,
        match=r"^'paid' must not exceed the period's due 75\.00 \(got 80\) in period 1\.$",
    ):
        plan.post(st0, d, "80")
    after = plan.post(st0, d, "75")
    with pytest.raises(
        InvalidLinkedPlan,
        match=r"^'due' must be the next obligation after settlement 1 \(got period 1\)\.$",
    ):
        plan.post(after, d, "10")
    with pytest.raises(InvalidLinkedPlan, match=r"^'period' must end after 2026-01-15"):
        plan.due(after, p1, "300")
    with pytest.raises(
        InvalidLinkedPlan, match=r"^'available' must give one amount per period, 2 \(got 1\)\.$"
    ):
        plan.to_obligations(["1", "2"], farmer="F", loan_id="L", available=["1"])
    assert isinstance(after, RevenueShareStanding)
    assert after.arrears == 0
