"""The settlement's accumulation shortcuts (a price per distinct quality, a charge on the summed
litres) give exactly the Decimals of the plain loop, delivery by delivery (issue 22)."""

from __future__ import annotations

import datetime as dt
import decimal
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopfinance._decimal import CONTEXT, ZERO
from coopfinance.dairy import (
    Delivery,
    MilkPriceSchedule,
    MilkTotal,
    Obligation,
    ObligationKind,
    Period,
    Quality,
    SettlementPolicy,
    settle,
    settle_totals,
)
from coopfinance.dairy._settlement import _accumulate, _service_charge
from coopfinance.errors import InvalidSettlement

PRICES = MilkPriceSchedule.from_dict(
    {
        "prices": [
            {"from": "2026-01-01", "to": "2026-01-08", "base": "1.25",
             "solids_bonus_per_point": "0.08", "cooling_bonus": "0.02",
             "service_charges": {"transport": "0.04", "chilling": "0.015"}},
            {"from": "2026-01-09", "to": "2026-12-31", "base": "1.3125",
             "solids_bonus_per_point": "0.075", "cooling_bonus": "0.021",
             "service_charges": {"chilling": "0.0175", "transport": "0.045"}},
        ]
    }
)  # fmt: skip
PERIOD = Period.parse("2026-01-01..2026-01-15")


def plain(items: list[Delivery]) -> tuple[dict[str, Decimal], ...]:
    """The loop before issue 22: one price and one product per charge and delivery."""
    litres: dict[str, Decimal] = defaultdict(lambda: ZERO)
    value: dict[str, Decimal] = defaultdict(lambda: ZERO)
    charges: dict[str, Any] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for d in items:
        terms = PRICES.terms_on(d.date)
        litres[d.farmer] += d.litres
        value[d.farmer] += CONTEXT.multiply(d.litres, terms.price(d.quality))
        for name, per_litre in terms.service_charges:
            charges[d.farmer][name] += CONTEXT.multiply(d.litres, per_litre)
    return dict(litres), dict(value), {f: dict(c) for f, c in charges.items()}


def fast(items: list[Delivery]) -> tuple[dict[str, Decimal], ...]:
    litres: dict[str, Decimal] = defaultdict(lambda: ZERO)
    value: dict[str, Decimal] = defaultdict(lambda: ZERO)
    charges: dict[str, Any] = defaultdict(lambda: defaultdict(lambda: ZERO))
    _accumulate(tuple(items), PRICES, litres, value, charges)
    return dict(litres), dict(value), {f: dict(c) for f, c in charges.items()}


LITRES = st.one_of(
    st.decimals(min_value=0, max_value=2000, places=1),
    st.decimals(min_value=0, max_value=2000, places=3),
    st.integers(0, 900).map(Decimal),
    # long litres: the grouped charge would have more than 34 digits, so the plain loop is taken
    st.decimals(min_value=1, max_value=9, places=31),
)
QUALITY = st.one_of(
    st.none(),
    st.builds(
        Quality,
        total_solids=st.integers(1100, 1350).map(lambda x: Decimal(x) / 100),
        cooled=st.booleans(),
    ),
)
DELIVERY = st.builds(
    Delivery,
    farmer=st.sampled_from(["F1", "F2", "F3"]),
    date=st.integers(0, 14).map(lambda k: PERIOD.start + dt.timedelta(days=k)),
    litres=LITRES,
    quality=QUALITY,
)


@settings(max_examples=200)
@given(st.lists(DELIVERY, max_size=40))
def test_accumulation_equals_the_plain_loop(items: list[Delivery]) -> None:
    for local in (False, True):  # the global context (28 digits) and the library's (34)
        with decimal.localcontext(CONTEXT if local else decimal.getcontext()):
            want, got = plain(items), fast(items)
        assert got == want
        for w, g in zip(want, got, strict=True):  # same order, same exponents
            assert list(w) == list(g)
            assert [str(v) for v in w.values()] == [str(v) for v in g.values()]


@settings(max_examples=50)
@given(st.lists(DELIVERY, min_size=1, max_size=40))
def test_settle_statements_carry_the_plain_figures(items: list[Delivery]) -> None:
    with decimal.localcontext(
        CONTEXT
    ):  # settle runs in the library's context, whatever the caller's
        litres, value, charges = plain(items)
    s = settle(items, PRICES, PERIOD)
    for f, total in litres.items():
        st_ = s.statement(f)
        assert st_.litres == total
        assert st_.gross == value[f].quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
        assert str(st_.litres) == str(total)
        named = {c.obligation.reference: c.obligation.amount for c in st_.collections}
        for name, amount in charges.get(f, {}).items():
            rounded = amount.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
            assert named.get(name, ZERO) == rounded


# --- one formula: settle_totals of the deliveries' totals is settle of the deliveries ---------

OBLIGATION = st.builds(
    Obligation,
    farmer=st.sampled_from(["F1", "F2", "F3"]),
    kind=st.sampled_from([k for k in ObligationKind if k is not ObligationKind.LOAN_INSTALLMENT]),
    amount=st.integers(0, 20000).map(lambda c: Decimal(c) / 100),
    priority=st.one_of(st.none(), st.integers(0, 6)),
    reference=st.sampled_from(["", "a", "b"]),
)
LOANS = st.builds(
    Obligation,
    farmer=st.sampled_from(["F1", "F2", "F3"]),
    kind=st.just(ObligationKind.LOAN_INSTALLMENT),
    amount=st.integers(0, 20000).map(lambda c: Decimal(c) / 100),
    loan_id=st.sampled_from(["L1", "L2"]),
)
POLICY = st.builds(
    SettlementPolicy,
    floor_share=st.sampled_from(["0", "0.00", "0.25", "0.5"]),
    floor_price_per_litre=st.sampled_from(["0", "0.3", "0.45"]),
    caps=st.sampled_from(
        [{"loan-installment": "0.30"}, {}, {"loan-installment": "0.2", "input-advance": "0.1"}]
    ),
)


def _totals(items: list[Delivery]) -> list[MilkTotal]:
    """The plain per-(farmer, price period) sums, in the order of each pair's first delivery."""
    sums: dict[tuple[str, int], list[Any]] = {}
    with decimal.localcontext(CONTEXT):
        for d in items:
            terms = PRICES.terms_on(d.date)
            row = sums.setdefault((d.farmer, id(terms)), [terms, ZERO, ZERO])
            row[1] += d.litres
            row[2] += CONTEXT.multiply(d.litres, terms.price(d.quality))
    return [MilkTotal(farmer=f, terms=t, litres=n, value=v) for (f, _), (t, n, v) in sums.items()]


def _reference(items, obligations, policy):  # type: ignore[no-untyped-def]
    """The module docstring's per-farmer step, written out plainly (sorted, min, quantize)."""
    cent = Decimal("0.01")
    with decimal.localcontext(CONTEXT):
        litres, value, charges = plain(items)
    out = {}
    farmers = sorted(set(litres) | {o.farmer for o in obligations} | set(charges))
    rank = {k: i for i, k in enumerate(policy.order, start=1)}
    for f in farmers:
        obs = [o for o in obligations if o.farmer == f]
        for name, amount in charges.get(f, {}).items():
            rounded = amount.quantize(cent, rounding="ROUND_HALF_UP")
            if rounded:
                obs.append(Obligation(farmer=f, kind="service-charge", amount=rounded,
                                      reference=name))  # fmt: skip
        gross = value.get(f, ZERO).quantize(cent, rounding="ROUND_HALF_UP")
        floor = min(
            max(
                (policy.floor_share * gross).quantize(cent, rounding="ROUND_CEILING"),
                (policy.floor_price_per_litre * litres.get(f, ZERO)).quantize(
                    cent, rounding="ROUND_CEILING"
                ),
            ),
            gross,
        )
        room = gross - floor
        cap = {k: (s * gross).quantize(cent, rounding="ROUND_FLOOR") for k, s in policy.caps}
        ordered = sorted(
            enumerate(obs),
            key=lambda io: (
                rank[io[1].kind] if io[1].priority is None else io[1].priority,
                rank[io[1].kind],
                io[0],
            ),
        )
        lines = []
        for _, o in ordered:
            take = min(o.amount, room)
            if o.kind in cap:
                take = min(take, cap[o.kind])
                cap[o.kind] -= take
            room -= take
            lines.append((o.kind.value, o.reference, str(take), str(o.amount - take)))
        out[f] = (str(litres.get(f, ZERO)), str(gross), str(floor), lines)
    return out


def _figures(s: Any) -> dict[str, Any]:
    return {
        f.farmer: (
            str(f.litres),
            str(f.gross),
            str(f.floor),
            [
                (c.obligation.kind.value, c.obligation.reference, str(c.collected), str(c.short))
                for c in f.collections
            ],
        )
        for f in s.statements
    }


@settings(max_examples=150)
@given(
    st.lists(DELIVERY, max_size=40),
    st.lists(st.one_of(OBLIGATION, LOANS), max_size=8),
    POLICY,
)
def test_settle_and_settle_totals_equal_the_plain_reference(
    items: list[Delivery], obligations: list[Obligation], policy: SettlementPolicy
) -> None:
    want = _reference(items, obligations, policy)
    by_deliveries = settle(items, PRICES, PERIOD, obligations, policy)
    assert _figures(by_deliveries) == want
    if any(len(d.litres.as_tuple().digits) > 20 for d in items):
        return  # a 34-digit sum: settle takes the plain loop; settle_totals may refuse
    by_totals = settle_totals(_totals(items), PRICES, PERIOD, obligations, policy)
    assert _figures(by_totals) == want
    assert by_totals == by_deliveries
    assert by_totals.to_dict() == by_deliveries.to_dict()
    assert by_totals.deliveries == ()


def test_settle_totals_refuses_what_it_cannot_sum_exactly_or_place() -> None:
    terms = PRICES.terms[0]
    long = Decimal("1." + "1" * 33)
    rows = [
        MilkTotal(farmer="F1", terms=terms, litres=long, value="1"),
        MilkTotal(farmer="F1", terms=PRICES.terms[1], litres="1E+5", value="1"),
    ]
    with pytest.raises(InvalidSettlement) as caught:
        settle_totals(rows, PRICES, PERIOD)  # a sum of 39 digits
    assert caught.value.field == "totals"
    later = Period.parse("2027-01-01..2027-01-15")
    other = MilkPriceSchedule.flat("1.30", "2027-01-01", "2027-12-31")
    for call, field in (
        (lambda: settle_totals(rows[:1], other, later), "terms"),
        (lambda: settle_totals(rows[:1], PRICES, PERIOD, farmers=["F2"]), "farmer"),
    ):
        with pytest.raises(InvalidSettlement) as caught:
            call()
        assert caught.value.field == field


@given(
    st.sampled_from(["F1", "x y"]),
    st.integers(0, 10**6).map(lambda c: Decimal(c) / 100),
    st.sampled_from(["transport", ""]),
)
def test_the_service_charge_shortcut_is_the_validated_obligation(
    farmer: str, amount: Decimal, name: str
) -> None:
    made = _service_charge(farmer, amount, name)
    want = Obligation(farmer=farmer, kind="service-charge", amount=amount, reference=name)
    assert made == want
    assert repr(made) == repr(want)
