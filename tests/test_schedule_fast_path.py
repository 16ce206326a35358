"""The schedule builder's fast path against its general code, and the per-terms memo.

The fast path (level and weighted rows, ``_builder._FAST``) resumes after a row the general code
built (``_builder._RESUME``): a row due less than its interest, which capitalizes the rest, no
longer sends every later row to the general code. Turning the resumption off gives the builder as
it was; the rows must be the same byte for byte (their JSON), and equal in value to the rows of
the general code alone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import pickle
from collections.abc import Iterator
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import loan_terms

from coopfinance import Amortization, LoanTerms, Rate, Schedule
from coopfinance import _builder as builder


@contextlib.contextmanager
def flags(*, fast: bool = True, resume: bool = True) -> Iterator[None]:
    saved = builder._FAST, builder._RESUME
    builder._FAST, builder._RESUME = fast, resume
    try:
        yield
    finally:
        builder._FAST, builder._RESUME = saved


def build(terms: LoanTerms, *, fast: bool = True, resume: bool = True) -> Schedule:
    with flags(fast=fast, resume=resume):
        return builder.build_schedule(terms)  # fresh: not the memo kept on the terms


def _same(a: Schedule, b: Schedule) -> None:
    assert a == b
    assert a.to_json() == b.to_json()  # every Decimal with the same digits and exponent


@given(loan_terms(methods=[Amortization.LEVEL, Amortization.WEIGHTED], max_installments=240))
def test_resuming_gives_the_builder_as_it_was(terms: LoanTerms) -> None:
    """Resuming the fast path changes no row, byte for byte; and the rows equal in value those
    of the general code alone (its zeros and totals may carry another exponent when an
    ``installment_multiple`` of 1 or 10 sets the installment's, as they did before)."""
    new = build(terms)
    _same(new, build(terms, resume=False))
    assert new == build(terms, fast=False)
    _same(new, terms.schedule())


@pytest.mark.parametrize("n", [36, 120, 360, 600])
@pytest.mark.parametrize("day", [dt.date(2026, 1, 15), dt.date(2024, 1, 31)])
def test_long_loans_whose_long_months_capitalize(n: int, day: dt.date) -> None:
    """S/ 50,000 at TEA 35 % over 360 months: each 31-day month accrues more interest than the
    level installment (118 rows capitalize) and every other row takes the fast path again."""
    terms = LoanTerms(principal="50000", rate=Rate.effective_annual("35%"), installments=n,
                      disbursed=day)  # fmt: skip
    new = build(terms)
    if n >= 360:
        assert sum(1 for r in new if r.capitalized) > 100
    _same(new, build(terms, resume=False))
    _same(new, build(terms, fast=False))


@given(
    st.integers(1, 600),
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31)),
    st.integers(1, 9_000_000),
    st.sampled_from(["1%", "12%", "35%", "80%", "200%"]),
)
def test_level_loans_of_every_length(n: int, day: dt.date, cents: int, tea: str) -> None:
    """Plain level loans (the common case): all three ways give the same bytes."""
    terms = LoanTerms(principal=Decimal(cents) / 100, rate=Rate.effective_annual(tea),
                      installments=n, disbursed=day)  # fmt: skip
    try:
        new = build(terms)
    except ValueError as exc:  # installments that never cover the interest: refused by all
        with pytest.raises(type(exc)):
            build(terms, fast=False)
        return
    _same(new, build(terms, resume=False))
    _same(new, build(terms, fast=False))


def test_the_memo_kept_on_the_terms_is_not_part_of_their_value() -> None:
    """``schedule()`` keeps the prepared calendar on the terms: equality, hashing, the repr,
    ``evolve`` and pickling ignore it, and a second schedule equals the first."""
    terms = LoanTerms(principal="5000", rate=Rate.effective_annual("35%"), installments=12,
                      disbursed="2026-01-15")  # fmt: skip
    twin = LoanTerms(principal="5000", rate=Rate.effective_annual("35%"), installments=12,
                     disbursed="2026-01-15")  # fmt: skip
    first = terms.schedule()
    assert terms._prepared is not None
    assert twin._prepared is None
    assert terms == twin
    assert hash(terms) == hash(twin)
    assert repr(terms) == repr(twin)
    assert "_prepared" not in repr(terms)
    _same(terms.schedule(), first)
    shorter = terms.evolve(installments=6)
    assert shorter._prepared is None
    assert len(shorter.schedule()) == 6
    _same(pickle.loads(pickle.dumps(terms)).schedule(), first)


def test_trusted_schedule_equals_the_checked_constructor() -> None:
    s = LoanTerms(principal="5000", rate=Rate.effective_annual("35%"), installments=3,
                  disbursed="2026-01-15", charges=["upfront:1%"]).schedule()  # fmt: skip
    checked = Schedule(
        currency=s.currency.code,
        principal=s.principal,
        disbursed=s.disbursed,
        installment_amount=s.installment_amount,
        installments=list(s.installments),
        fees_withheld=s.fees_withheld,
        fees_financed=s.fees_financed,
        taxes_withheld=s.taxes_withheld,
    )
    trusted = Schedule.trusted(
        s.currency,
        s.principal,
        s.disbursed,
        s.installment_amount,
        s.installments,
        s.fees_withheld,
        s.fees_financed,
        s.taxes_withheld,
    )
    _same(trusted, checked)
    assert hash(trusted) == hash(checked)
    assert repr(trusted) == repr(checked)
