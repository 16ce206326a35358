"""Late interest and late fees with units that cannot be mistaken (issue 15 §1, §2, §7).

Percentage late fees follow Apache Fineract's charge-calculation types for overdue (penalty)
charges — "Flat", "% Amount" (principal), "% Loan Amount + Interest", "% Overdue installment"
(https://fineract.apache.org/docs/current/ "Charges": calculation types and charge time type
"Overdue Fees", with a frequency for recurring overdue fees) — and the Peruvian *comisión por
cobranza* charged as a share of the overdue cuota (cajas' tarifarios).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopfinance import LoanTerms, Rate
from coopfinance.errors import InvalidRate, InvalidValue
from coopfinance.servicing import (
    GraceDays,
    LateBase,
    LateFeeBasis,
    LatePolicy,
    LoanAccount,
    Payment,
)

D = Decimal
TERMS = LoanTerms(
    principal="5000", rate=Rate.effective_annual("35%"), installments=3, disbursed="2026-01-15"
)
# rows: 1 2026-02-15 1,620.90 + 130.90; 2 2026-03-15 1,672.00 + 79.80; 3 2026-04-15 1,707.10 + 44.69
NO_INTEREST = {"moratorium": None, "compensatory": False}


def _penalties(late: LatePolicy, as_of: dt.date) -> Decimal:
    return LoanAccount(terms=TERMS, late=late).state(as_of).penalties_due


def test_percentage_fee_of_the_overdue_installment_is_rounded_to_the_centimo() -> None:
    # 1.5 % of installment 1 (1,751.80) = 26.277 → 26.28, once
    late = LatePolicy(late_fee="1.5%", **NO_INTEREST)
    assert late.late_fee == D("0.015")
    assert late.late_fee_basis is LateFeeBasis.INSTALLMENT
    assert _penalties(late, dt.date(2026, 2, 20)) == D("26.28")
    assert _penalties(late, dt.date(2026, 3, 10)) == D("26.28")  # once per installment


def test_percentage_fee_bases() -> None:
    day = dt.date(2026, 2, 20)
    principal = LatePolicy(late_fee="2%", late_fee_basis="principal", **NO_INTEREST)
    both = LatePolicy(late_fee="2%", late_fee_basis="principal-interest", **NO_INTEREST)
    assert _penalties(principal, day) == D("32.42")  # 2 % of 1,620.90 = 32.418
    assert _penalties(both, day) == D("35.04")  # 2 % of 1,751.80 = 35.036


def test_fee_per_period_of_delay_with_a_cap() -> None:
    late = LatePolicy(late_fee="10", late_fee_every=30, late_fee_cap="25", **NO_INTEREST)
    assert _penalties(late, dt.date(2026, 2, 16)) == D("10")  # day 1: the first
    # installment 1 on day 30 and 2 on day 2: one fee each; day 31 starts a second period
    assert _penalties(late, dt.date(2026, 3, 17)) == D("10") + D("10")
    assert _penalties(late, dt.date(2026, 3, 18)) == D("20") + D("10")
    # installment 1 stops at its cap of 25 (10 + 10 + 5), installment 2 at 20 on day 36, installment 3 at 10
    assert _penalties(late, dt.date(2026, 4, 20)) == D("25") + D("20") + D("10")


def test_a_fee_is_not_charged_when_paid_on_time() -> None:
    late = LatePolicy(late_fee="5%", late_fee_every=1)
    paid = LoanAccount(
        terms=TERMS, late=late, events=[Payment(date="2026-02-15", amount="1751.80", id="p")]
    )
    assert paid.state(dt.date(2026, 3, 1)).penalties_due == 0


@pytest.mark.parametrize(
    ("build", "error", "match"),
    [
        (
            lambda: LatePolicy(moratorium="19"),
            InvalidRate,
            r"^'moratorium' must be written with '%': write '19%'",
        ),
        (lambda: LatePolicy(moratorium="1"), InvalidRate, r"^'moratorium' .* \(got '1'\)"),
        (lambda: LatePolicy(late_fee="150%"), InvalidValue, r"^'late_fee' .*150"),
        (
            lambda: LatePolicy(late_fee="1.5%", late_fee_basis="flat"),
            InvalidValue,
            r"'late_fee' 1.5",
        ),
        (
            lambda: LatePolicy(late_fee="1.5", late_fee_basis="principal"),
            InvalidValue,
            r"below 100 %",
        ),
        (lambda: LatePolicy(late_fee="-1"), InvalidValue, r"'late_fee'"),
        (lambda: LatePolicy(late_fee_every=0, late_fee="5"), InvalidValue, r"'late_fee_every'"),
        (
            lambda: LoanAccount(terms=TERMS, late=LatePolicy(late_fee="1.505")),
            InvalidValue,
            r"^'late_fee' must be a whole number of PEN 0.01 \(got 1.505\)",
        ),
        (
            lambda: LoanAccount(terms=TERMS, late=LatePolicy(late_fee="5%", late_fee_cap="0.001")),
            InvalidValue,
            r"^'late_fee_cap'",
        ),
    ],
)
def test_bad_late_policies_are_refused(build: object, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        build()  # type: ignore[operator]


def test_defaults_follow_the_peruvian_sheets() -> None:
    late = LatePolicy()
    assert late.base is LateBase.INSTALLMENT
    assert late.compensatory
    assert late.grace_kind is GraceDays.TOLERANCE
    assert late.moratorium == Rate.effective_annual("19%")


@given(st.integers(0, 10), st.integers(0, 40), st.sampled_from(["tolerance", "franchise"]))
def test_grace_days_tolerance_charges_at_least_the_franchise_and_nothing_within(
    grace: int, late_days: int, kind: str
) -> None:
    as_of = dt.date(2026, 2, 15) + dt.timedelta(days=late_days)
    pol = LatePolicy(grace_days=grace, grace_kind=kind)
    got = LoanAccount(terms=TERMS, late=pol).state(as_of)
    if late_days <= grace:
        assert got.penalties_due == 0
    tol = LoanAccount(terms=TERMS, late=LatePolicy(grace_days=grace)).state(as_of)
    fr = LoanAccount(terms=TERMS, late=LatePolicy(grace_days=grace, grace_kind="franchise")).state(
        as_of
    )
    assert tol.penalties_due >= fr.penalties_due
    assert tol.owed >= fr.owed


@given(st.decimals(min_value=D("0.0001"), max_value=D("0.2"), places=4), st.integers(1, 90))
def test_no_sub_centimo_amount_reaches_the_state(fee: Decimal, days: int) -> None:
    late = LatePolicy(late_fee=f"{fee * 100}%", late_fee_every=7)
    state = LoanAccount(terms=TERMS, late=late).state(dt.date(2026, 2, 15) + dt.timedelta(days))
    for value in (state.penalties_due, state.interest_due, state.owed, state.payoff.total):
        assert value == value.quantize(D("0.01"))
    for m in state.movements:
        for amount in (
            m.amounts.principal,
            m.amounts.interest,
            m.amounts.fees,
            m.amounts.penalties,
        ):
            assert amount == amount.quantize(D("0.01"))
