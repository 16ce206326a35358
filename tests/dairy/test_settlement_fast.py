"""The settlement's accumulation shortcuts (a price per distinct quality, a charge on the summed
litres) give exactly the Decimals of the plain loop, delivery by delivery (issue 22)."""

from __future__ import annotations

import datetime as dt
import decimal
from collections import defaultdict
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from coopfinance._decimal import CONTEXT, ZERO
from coopfinance.dairy import Delivery, MilkPriceSchedule, Period, Quality, settle
from coopfinance.dairy._settlement import _accumulate

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
