"""Hypothesis strategies for loan accounts (servicing tests)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import strategies as st

from coopfinance import Amortization, Frequency, LoanTerms, Rate
from coopfinance.servicing import AllocationStrategy, Payment

STRATEGIES = [
    AllocationStrategy.DEFAULT,
    AllocationStrategy.INTEREST_PRINCIPAL,
    AllocationStrategy(vertical=True),
    AllocationStrategy(order=AllocationStrategy.INTEREST_PRINCIPAL.order, vertical=True),
]


@st.composite
def loan_terms(draw: st.DrawFn) -> LoanTerms:
    """Realistic co-op loans: S/ 100–50,000, TEA 0–80 %, 1–18 installments."""
    principal = draw(st.integers(min_value=100, max_value=50_000))
    cents = draw(st.sampled_from([0, 50, 99]))
    rate = draw(st.decimals(min_value=0, max_value=Decimal("0.80"), places=4))
    return LoanTerms(
        principal=Decimal(principal) + Decimal(cents) / 100,
        rate=Rate.effective_annual(rate),
        installments=draw(st.integers(min_value=1, max_value=18)),
        frequency=draw(st.sampled_from([Frequency.MONTHLY, Frequency.BIWEEKLY])),
        amortization=draw(st.sampled_from([Amortization.LEVEL, Amortization.CONSTANT_PRINCIPAL])),
        disbursed=draw(st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31))),
    )


@st.composite
def payments(draw: st.DrawFn, terms: LoanTerms, max_size: int = 6) -> list[Payment]:
    """Payments at random dates from disbursement to 120 days after maturity."""
    maturity = terms.schedule().maturity
    span = (maturity - terms.disbursed).days + 120
    n = draw(st.integers(min_value=0, max_value=max_size))
    out = []
    for k in range(n):
        day = draw(st.integers(min_value=0, max_value=span))
        amount = draw(
            st.decimals(min_value=Decimal("0.01"), max_value=terms.principal.amount, places=2)
        )
        out.append(
            Payment(date=terms.disbursed + dt.timedelta(days=day), amount=amount, id=f"p{k}")
        )
    return out
