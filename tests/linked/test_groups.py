"""Solidarity groups (issue 18 §2): the group guarantee applied after the individual check-off.

Convention: Fineract's JLG loan, an individual member's loan that also belongs to the group
(Apache Fineract PR #924 review, "JLG loans (loans which are associated with clients and
groups)"); Mambu's solidarity groups "monitor the individual" loans of the group. Properties: a
guarantee never takes a member below the settlement floor; the covered shortfalls sum to what the
guarantors paid; no source pays more than it holds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopfinance.dairy import (
    Delivery,
    MilkPriceSchedule,
    Obligation,
    ObligationKind,
    Period,
    SettlementPolicy,
    settle,
)
from coopfinance.documents import render_settlement
from coopfinance.errors import InvalidLinkedPlan
from coopfinance.linked import GuaranteeSource, SolidarityGroup, apply_guarantee

PERIOD = Period.parse("2026-01-01..2026-01-15")
PRICES = MilkPriceSchedule.from_dict({"prices": [{"from": "2026-01-01", "to": "2026-12-31"}]})
FARMERS = ("F01", "F02", "F03", "F04")
ORDERS = st.permutations(list(GuaranteeSource))


def _settlement(litres: list[int], installments: list[int], floor: str = "20%") -> object:
    milk = [
        Delivery(farmer=f, date=dt.date(2026, 1, 2), litres=n)
        for f, n in zip(FARMERS, litres, strict=True)
        if n
    ]
    obligations = [
        Obligation(farmer=f, kind=ObligationKind.LOAN_INSTALLMENT, amount=a, loan_id=f"L-{f}",
                   due=PERIOD.end)
        for f, a in zip(FARMERS, installments, strict=True)
        if a
    ]  # fmt: skip
    policy = SettlementPolicy(floor_share=floor)
    return settle(milk, PRICES, PERIOD, obligations, policy, farmers=FARMERS)


@settings(max_examples=200, deadline=None)
@given(
    litres=st.lists(st.integers(0, 600), min_size=4, max_size=4),
    installments=st.lists(st.integers(0, 400), min_size=4, max_size=4),
    order=ORDERS,
    savings=st.integers(0, 300),
    fund=st.integers(0, 300),
)
def test_a_guarantee_never_takes_a_member_below_the_floor_and_covers_what_guarantors_paid(
    litres: list[int], installments: list[int], order: list[GuaranteeSource], savings: int,
    fund: int,
) -> None:  # fmt: skip
    s = _settlement(litres, installments)
    group = SolidarityGroup(id="G1", members=FARMERS, order=order, savings=savings)
    [g] = apply_guarantee(s, [group], fund=fund)  # type: ignore[arg-type]
    for f in FARMERS:
        st_ = s.statement(f)  # type: ignore[attr-defined]
        after = g.net(s, f)  # type: ignore[arg-type]
        assert after >= min(st_.net, st_.floor)  # never below the floor (nor below 0)
        assert after >= 0
        assert g.covered(f) <= sum(
            (c.short for c in st_.collections if c.obligation.kind is ObligationKind.LOAN_INSTALLMENT),
            Decimal(0),
        )  # fmt: skip
    covered = sum((g.covered(f) for f in FARMERS), Decimal(0))
    paid = sum((g.paid_by(x) for x in (*FARMERS, "G1", "fund")), Decimal(0))
    assert covered == paid == g.total
    assert g.from_source("group-savings") <= savings
    assert g.from_source("guarantee-fund") <= fund
    assert all(step.borrower != step.guarantor for step in g.steps)
    assert g.uncovered >= 0
    # with enough in the pools, everything is covered
    if savings + fund >= sum(x for _, _, x in g.shortfalls) and set(order) == set(GuaranteeSource):
        assert g.uncovered == 0


def test_the_order_decides_who_pays() -> None:
    """F01 delivers nothing and owes S/ 100; F02 has room: members' milk first takes from F02,
    savings first takes from the group's savings."""
    s = _settlement([0, 400, 0, 0], [100, 0, 0, 0])
    milk_first = SolidarityGroup(id="G", members=FARMERS, savings="500")
    savings_first = SolidarityGroup(id="G", members=FARMERS, savings="500",
                                    order=["group-savings", "members-milk"])  # fmt: skip
    [a] = apply_guarantee(s, [milk_first])  # type: ignore[arg-type]
    [b] = apply_guarantee(s, [savings_first])  # type: ignore[arg-type]
    assert [(x.guarantor, x.amount) for x in a.steps] == [("F02", Decimal("100.00"))]
    assert [(x.guarantor, x.amount) for x in b.steps] == [("G", Decimal("100.00"))]
    payments = a.payments(dt.date(2026, 1, 20))["L-F01"]
    assert payments[0].amount == Decimal("100.00")
    assert payments[0].channel == "group-guarantee"


def test_groups_are_checked() -> None:
    with pytest.raises(InvalidLinkedPlan, match="at least 2 farmers"):
        SolidarityGroup(id="G", members=["F01"])
    with pytest.raises(InvalidLinkedPlan, match="'F01' twice"):
        SolidarityGroup(id="G", members=["F01", "F01"])
    with pytest.raises(InvalidLinkedPlan, match="order"):
        SolidarityGroup(id="G", members=["F01", "F02"], order=["members-milk", "members-milk"])
    s = _settlement([100, 100, 100, 100], [0, 0, 0, 0])
    g1 = SolidarityGroup(id="A", members=["F01", "F02"])
    g2 = SolidarityGroup(id="B", members=["F02", "F03"])
    with pytest.raises(InvalidLinkedPlan, match="one group per farmer"):
        apply_guarantee(s, [g1, g2])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("lang", "covered", "paid"),
    [
        ("es", "Su préstamo L-F01, cubierto por F02 con la leche de un socio", "Garantía para F01"),
        ("en", "Your loan L-F01, covered by F02 from a member's milk", "Guarantee for F01"),
        ("pt_BR", "Seu empréstimo L-F01, coberto por F02 com o leite de um membro",
         "Garantia para F01"),
    ],
)  # fmt: skip
def test_each_step_is_on_the_members_liquidaciones(lang: str, covered: str, paid: str) -> None:
    s = _settlement([0, 400, 0, 0], [100, 0, 0, 0])
    [g] = apply_guarantee(s, [SolidarityGroup(id="G", members=FARMERS)])  # type: ignore[arg-type]
    for fmt in ("md", "html"):
        borrower = render_settlement(
            s.statement("F01"), s, farmer_name="Ana", coop_name="C", lang=lang, fmt=fmt,  # type: ignore[attr-defined]
            guarantee=g,
        )  # fmt: skip
        guarantor = render_settlement(
            s.statement("F02"), s, farmer_name="Bea", coop_name="C", lang=lang, fmt=fmt,  # type: ignore[attr-defined]
            guarantee=g,
        )  # fmt: skip
        assert covered in borrower.replace("&#39;", "'")
        assert paid in guarantor
    plain = render_settlement(s.statement("F01"), s, farmer_name="Ana", coop_name="C")  # type: ignore[attr-defined]
    assert "Grupo solidario" not in plain
