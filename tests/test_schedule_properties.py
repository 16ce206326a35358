"""Financial properties every schedule must have, over wide random terms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy_financial as npf
from hypothesis import assume, example, given
from hypothesis import strategies as st
from tests.strategies import FREQUENCIES, decimals, loan_terms, percent

from coopfinance import (
    Amortization,
    DayCount,
    Frequency,
    Grace,
    GraceType,
    InvalidLoanTerms,
    LoanTerms,
    Money,
    Rate,
    RoundingPolicy,
)
from coopfinance._builder import period_rates


def unit_of(terms: LoanTerms) -> Decimal:
    return terms.rounding.unit_for(terms.principal.currency)


def rounding_slack(terms: LoanTerms) -> Decimal:
    """How far rounding can move a total: half a unit per row in each of two schedules, carried
    forward at the contract's rates (a 30-year loan at 40 % amplifies a céntimo a lot)."""
    _, rates, _ = period_rates(terms, terms.dates())
    growth = Decimal(1)
    for i in rates:
        growth *= 1 + i
    return terms.count * unit_of(terms) * growth


@given(loan_terms())
def test_principal_repaid_equals_principal_lent_plus_capitalized(terms: LoanTerms) -> None:
    s = terms.schedule()
    capitalized = sum((r.capitalized for r in s), Decimal(0))
    assert s.total_principal == terms.principal.amount + capitalized
    assert s[-1].balance == 0
    assert len(s) == terms.count


@given(loan_terms())
def test_rows_add_up_and_chain(terms: LoanTerms) -> None:
    s = terms.schedule()
    opening = terms.principal.amount
    for r in s:
        assert r.opening_balance == opening
        assert r.total == r.principal + r.interest + r.charges
        assert r.principal >= 0
        assert r.interest >= 0
        assert r.capitalized >= 0
        assert r.balance >= 0
        opening = r.balance
    assert s.total_payments == s.total_principal + s.total_interest + s.total_charges


@given(loan_terms())
@example(
    LoanTerms(
        principal="100",
        rate=Rate.effective_annual("200%"),
        installments=5,
        disbursed="2026-01-31",
        grace=Grace(periods=2),
    )
)
def test_balance_never_increases_except_capitalizing(terms: LoanTerms) -> None:
    """A balance grows only by interest left unpaid: in a capitalizing grace period, or in a row due
    less than its interest (a small seasonal weight, or a level installment over an unusually long
    period); such a row pays no principal and gives all it collects to interest."""
    s = terms.schedule()
    g = terms.grace.periods
    for k, r in enumerate(s):
        if r.balance > r.opening_balance:
            assert r.principal == 0
            assert r.balance - r.opening_balance == r.capitalized
            if k < g:
                assert terms.grace.kind is GraceType.CAPITALIZE
            else:
                assert r.total == r.interest
        fixed = terms.amortization in (Amortization.CONSTANT_PRINCIPAL, Amortization.FLAT)
        if fixed and k >= g and terms.rounding.installment_multiple is None:
            assert r.balance <= r.opening_balance


@given(loan_terms())
def test_every_amount_is_a_multiple_of_the_rounding_unit(terms: LoanTerms) -> None:
    unit = unit_of(terms)
    for r in terms.schedule():
        for amount in (r.opening_balance, r.principal, r.interest, r.charges, r.total, r.balance):
            assert amount % unit == 0, (amount, unit)


@given(loan_terms(methods=[Amortization.LEVEL], multiples=False))
def test_installments_are_level_except_the_last(terms: LoanTerms) -> None:
    s = terms.schedule()
    g = terms.grace.periods
    regular = {r.total for r in s[g:-1] if r.balance > 0}
    assert regular <= {s.installment_amount}


@given(loan_terms(methods=[Amortization.LEVEL, Amortization.FLAT]))
def test_installment_multiple_is_respected(terms: LoanTerms) -> None:
    step = terms.rounding.installment_multiple
    assume(step is not None)
    s = terms.schedule()
    for r in s[terms.grace.periods : -1]:
        if r.balance > 0:
            assert r.total % step == 0


@given(
    principal=st.integers(100, 1_000_000),
    rate=decimals("0.001", "1.5", 4),
    n=st.integers(1, 360),
    freq=st.sampled_from([f for f in FREQUENCIES if f.unit.value != "day"]),
)
def test_level_installment_equals_numpy_financial_pmt(
    principal: int, rate: Decimal, n: int, freq: Frequency
) -> None:
    """With equal periods (per-period day count) the level installment is the textbook annuity."""
    terms = LoanTerms(
        principal=principal,
        rate=Rate.nominal_annual(percent(rate)),
        installments=n,
        frequency=freq,
        disbursed="2026-01-15",
        day_count=DayCount.PER_PERIOD,
    )
    i = float(rate) / float(freq.periods_per_year)
    expected = -npf.pmt(i, n, principal)
    assert abs(float(terms.schedule().installment_amount) - expected) <= 0.005 + 1e-9 * expected


@given(
    loan_terms(
        methods=[
            Amortization.LEVEL,
            Amortization.WEIGHTED,
            Amortization.CONSTANT_PRINCIPAL,
            Amortization.INTEREST_ONLY,
        ]
    )
)
def test_discounting_installments_gives_back_the_principal(terms: LoanTerms) -> None:
    """Σ totalₖ·vₖ = P within n rounding units, vₖ the contract's discount factors (a waived grace
    period charges no interest, so its factor is 1)."""
    s = terms.schedule()
    _, rates, _ = period_rates(terms, [r.due_date for r in s])
    v = Decimal(1)
    pv = Decimal(0)
    for k, (r, i) in enumerate(zip(s, rates, strict=True)):
        waived = k < terms.grace.periods and terms.grace.kind is GraceType.WAIVE
        v /= 1 if waived else 1 + i
        pv += r.total * v
    assert abs(pv - terms.principal.amount) <= len(s) * unit_of(terms)


@given(loan_terms(grace=False, multiples=False), decimals("0.01", "0.5", 2))
def test_higher_rate_means_more_interest(terms: LoanTerms, bump: Decimal) -> None:
    higher = terms.evolve(
        rate=Rate(
            value=percent(terms.rate.value + bump), kind=terms.rate.kind, period=terms.rate.period
        )
    )
    try:
        schedule = higher.schedule()
    except InvalidLoanTerms as exc:  # a higher rate can make a seasonal plan unpayable
        if "never cover the interest" not in str(exc):
            raise
        return
    slack = rounding_slack(higher)
    assert schedule.total_interest + slack >= terms.schedule().total_interest


@given(
    principal=st.integers(1000, 100_000),
    tea=decimals("0.05", "1", 3),
    n=st.integers(2, 48),
    disbursed=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 1, 1)),
)
def test_higher_tea_strictly_more_interest_on_a_level_loan(
    principal: int, tea: Decimal, n: int, disbursed: dt.date
) -> None:
    base = LoanTerms(
        principal=principal,
        rate=Rate.effective_annual(percent(tea)),
        installments=n,
        disbursed=disbursed,
    )
    higher = base.evolve(rate=Rate.effective_annual(percent(tea + Decimal("0.05"))))
    assert higher.schedule().total_interest > base.schedule().total_interest


@given(loan_terms(multiples=False), st.integers(2, 50))
def test_scaling_the_principal_scales_every_row(terms: LoanTerms, factor: int) -> None:
    scaled = terms.evolve(principal=Money(terms.principal.amount * factor, terms.currency))
    unit = unit_of(terms)
    a, b = terms.schedule(), scaled.schedule()
    _, rates, _ = period_rates(terms, [r.due_date for r in a])
    growth = Decimal(1)
    for i in rates:
        growth *= 1 + i
    # each row's rounding (≤ unit/2 in both schedules) compounds at most by the contract's growth
    tolerance = (factor + 1) * len(a) * unit * growth
    for ra, rb in zip(a, b, strict=True):
        assert abs(rb.principal - factor * ra.principal) <= tolerance
        assert abs(rb.interest - factor * ra.interest) <= tolerance
        assert abs(rb.balance - factor * ra.balance) <= tolerance


@given(loan_terms(methods=[Amortization.BULLET]))
def test_bullet_repays_principal_only_at_maturity(terms: LoanTerms) -> None:
    s = terms.schedule()
    assert all(r.principal == 0 and r.total == 0 for r in s[:-1])
    assert s[-1].principal == terms.principal.amount


@given(loan_terms(methods=[Amortization.INTEREST_ONLY], grace=False))
def test_interest_only_repays_principal_only_at_maturity(terms: LoanTerms) -> None:
    s = terms.schedule()
    assert all(r.principal == 0 for r in s[:-1])
    assert s[-1].principal == terms.principal.amount


@given(loan_terms(methods=[Amortization.CONSTANT_PRINCIPAL], grace=False))
def test_constant_principal_rows_share_the_principal(terms: LoanTerms) -> None:
    s = terms.schedule()
    shares = {r.principal for r in s[:-1] if r.balance > 0}
    assert len(shares) <= 1


@given(loan_terms(methods=[Amortization.WEIGHTED], grace=False, multiples=False))
def test_weighted_installments_follow_their_weights(terms: LoanTerms) -> None:
    s = terms.schedule()
    assert terms.weights is not None
    unit = unit_of(terms)
    for r, w in zip(s[:-1], terms.weights, strict=False):
        if r.balance == 0:  # a tiny loan repaid early by rounded-up installments: nothing more due
            continue
        expected = w * s.installment_amount
        assert abs(r.total - expected) <= (w + 1) * unit


@given(loan_terms(grace=False, multiples=False))
def test_grace_kinds_order_total_paid(terms: LoanTerms) -> None:
    """Over the same dates, capitalizing grace costs at least as much as paying interest, which
    costs at least as much as a waived (interest-free) period, in total paid (within rounding)."""
    assume(terms.count >= 3 and terms.amortization is not Amortization.BULLET)
    # at least 100 units (S/ 1) per installment: below that a rounded installment can fall under the
    # period's interest (S/ 0.16 over 27 quarters at 135 %), which the engine refuses as a runaway
    assume(terms.principal.amount >= 100 * unit_of(terms) * terms.count)

    totals = [
        terms.evolve(
            grace=Grace(periods=1, kind=kind),
            weights=(terms.weights[1:] if terms.weights else None),
        )
        .schedule()
        .total_payments
        for kind in (GraceType.CAPITALIZE, GraceType.PAY_INTEREST, GraceType.WAIVE)
    ]
    slack = rounding_slack(terms)
    assert totals[1] + slack >= totals[2]
    if terms.amortization is not Amortization.FLAT:
        assert totals[0] + slack >= totals[1]


@given(loan_terms())
def test_schedule_json_round_trips_exactly(terms: LoanTerms) -> None:
    from coopfinance import Schedule

    s = terms.schedule()
    assert Schedule.from_json(s.to_json()) == s


@given(loan_terms(methods=[Amortization.LEVEL]))
def test_schedule_csv_round_trips_exactly(terms: LoanTerms) -> None:
    from coopfinance import Schedule

    s = terms.schedule()
    back = Schedule.from_csv(
        s.to_csv(),
        currency=s.currency,
        disbursed=s.disbursed,
        installment_amount=s.installment_amount,
    )
    assert back == s


def test_policy_half_even_differs_from_half_up_on_a_tie() -> None:
    """1,250 at 15 % nominal per month-period: the first interest is exactly 15.625."""
    base = LoanTerms(
        principal="1250",
        rate=Rate.nominal_annual("15%"),
        installments=4,
        disbursed="2023-08-01",
        day_count="per-period",
    )
    up = base.schedule()[0].interest
    even = base.evolve(rounding=RoundingPolicy(mode="half-even")).schedule()[0].interest
    assert (up, even) == (Decimal("15.63"), Decimal("15.62"))
