"""solve_rates agrees with the exact solvers (tcea, irr) to 1e-8; portfolio metrics are exact."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from coopfinance import LoanTerms, Rate, cost
from coopfinance.batch import portfolio_metrics, schedules, solve_rates
from coopfinance.batch._portfolio import metrics_from_sums, portfolio_sums


def flows_of(s: object, disbursed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Borrower's flows of batch schedules: +lent at day 0, −total at each due date (padding
    repeats the last day with amount 0)."""
    width = s.width  # type: ignore[attr-defined]
    amounts = np.zeros((len(s.n), width + 1))  # type: ignore[attr-defined]
    amounts[:, 0] = s.lent  # type: ignore[attr-defined]
    amounts[:, 1:] = -s.total  # type: ignore[attr-defined]
    days = (s.due_date - disbursed[:, None]).astype(np.int64)  # type: ignore[attr-defined]
    days = np.where(s.valid, days, -1)  # type: ignore[attr-defined]
    out = np.zeros_like(amounts, dtype=np.int64)
    out[:, 1:] = np.maximum.accumulate(days, axis=1)
    return amounts, out


@given(
    st.lists(
        st.tuples(
            st.integers(10_000, 5_000_000),
            st.integers(0, 20_000),
            st.integers(1, 36),
            st.integers(0, 2000),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_tcea_within_1e8_of_the_exact_solver(loans: list[tuple[int, int, int, int]]) -> None:
    cents, bp, n, start = (np.array(x) for x in zip(*loans, strict=True))
    disbursed = np.datetime64("2024-01-01") + start
    s = schedules(cents / 100, bp / 10_000, n, disbursed)
    amounts, days = flows_of(s, disbursed)
    rates = solve_rates(amounts, days)
    periodic = solve_rates(amounts)
    for j in range(len(loans)):
        terms = LoanTerms(
            principal=str(Decimal(int(cents[j])).scaleb(-2)),
            rate=Rate.effective_annual(f"{Decimal(int(bp[j])).scaleb(-2)}%"),
            installments=int(n[j]),
            disbursed=disbursed[j].item(),
        )
        assert abs(rates[j] - float(cost.tcea(terms.schedule()))) <= 1e-8
        row = [f"{v:.2f}" for v in amounts[j, : n[j] + 1].tolist()]
        assert abs(periodic[j] - float(cost.irr(row))) <= 1e-8


@given(st.lists(st.integers(-10_000_00, 10_000_00), min_size=2, max_size=8))
def test_irr_of_arbitrary_flows_matches_or_both_fail(cents: list[int]) -> None:
    """Any sign pattern: a rate within 1e-8 of irr(), or a failed row where irr() raises."""
    row = [Decimal(c).scaleb(-2) for c in cents]
    got = solve_rates(np.array([cents]) / 100, on_failure="mask")
    try:
        want = cost.irr(row)
    except cost_errors():
        assert got.mask[0]
        return
    if got.mask[0]:  # the batch scan can miss nothing the exact grid sees: both grids agree
        raise AssertionError(f"batch failed where irr gave {want}")
    assert abs(got[0] - float(want)) <= 1e-8 * max(1.0, abs(float(want)))


def cost_errors() -> tuple[type[Exception], ...]:
    from coopfinance.errors import InvalidValue, NoSolution

    return (NoSolution, InvalidValue)


def test_published_irr_example() -> None:
    """numpy-financial's irr docstring example: flows −100, 39, 59, 55, 20 give 28.09 %."""
    assert round(float(solve_rates([[-100, 39, 59, 55, 20]])[0]), 4) == 0.2809


@given(
    st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 400)), min_size=0, max_size=30),
    st.integers(1, 7),
)
def test_metrics_are_exact_and_split_invariant(accounts: list[tuple[int, int]], parts: int) -> None:
    cents = np.array([a for a, _ in accounts], dtype=np.int64)
    dpd = np.array([d for _, d in accounts], dtype=np.int64)
    m = portfolio_metrics(cents / 100, dpd)
    assert m.outstanding == Decimal(int(cents.sum())).scaleb(-2)
    assert m.at_risk[30] == Decimal(int(cents[dpd > 30].sum())).scaleb(-2)
    assert m.at_risk[90] <= m.at_risk[30] <= m.outstanding
    split = sum(
        portfolio_sums(b / 100, d)
        for b, d in zip(np.array_split(cents, parts), np.array_split(dpd, parts), strict=True)
    )
    assert metrics_from_sums(split) == m


def test_par_worked_example() -> None:
    """PAR30 counts the whole balance of loans more than 30 days late (CGAP's definition of
    portfolio at risk): 2 of 4 loans of S/ 1,000 each late by 31 and 95 days → PAR30 = 50 %."""
    m = portfolio_metrics([1000, 1000, 1000, 1000], [0, 30, 31, 95])
    assert m.par[30] == Decimal("0.5")
    assert m.par[90] == Decimal("0.25")


@given(
    st.lists(
        st.tuples(st.integers(10_000, 5_000_000), st.integers(1, 30_000), st.integers(1, 60)),
        min_size=1,
        max_size=6,
    ),
    st.booleans(),
)
def test_fast_path_agrees_with_the_bracketed_solver(
    loans: list[tuple[int, int, int]], dated: bool
) -> None:
    """Loan rows take the Halley fast path (all but those whose interest rounds to nothing,
    rate exactly 0); the general bracketed solver on the same rows gives the same rate to 1e-12."""
    from coopfinance.batch._solve import _fast, _solve_general

    cents, bp, n = (np.array(x) for x in zip(*loans, strict=True))
    disbursed = np.datetime64("2024-01-31") + np.zeros(len(loans), dtype=int)
    s = schedules(cents / 100, bp / 10_000, n, disbursed)
    amounts, days = flows_of(s, disbursed)
    d = days if dated else None
    fast = np.zeros(len(loans))
    left = _fast(amounts, d, 360.0, fast)
    zero = np.abs(amounts.sum(axis=1)) <= 1e-12 * np.abs(amounts).sum(axis=1)
    assert list(left) == list(np.flatnonzero(zero))
    general = np.zeros(len(loans))
    failed = np.zeros(len(loans), dtype=bool)
    _solve_general(amounts, d, 360.0, general, failed)
    assert not failed.any()
    assert (np.abs(fast - general) <= 1e-12 * np.maximum(1.0, np.abs(general)))[fast != 0].all()
