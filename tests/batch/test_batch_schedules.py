"""coopfinance.batch.schedules agrees with the exact engine to the cent; chunking changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopfinance import Grace, LoanTerms, Rate
from coopfinance.batch import iter_schedules, schedules

FIELDS = ("principal", "interest", "balance")


@st.composite
def portfolios(draw: st.DrawFn) -> dict[str, object]:
    """Small random portfolios: 1–6 loans, any day of the month (28–31-day periods)."""
    size = draw(st.integers(1, 6))
    method = draw(st.sampled_from(["level", "constant-principal", "flat", "bullet"]))
    cents = draw(st.lists(st.integers(1_000, 10_000_000), min_size=size, max_size=size))
    bp = draw(st.lists(st.integers(0, 15_000), min_size=size, max_size=size))
    n = draw(st.lists(st.integers(1, 48), min_size=size, max_size=size))
    start = draw(st.lists(st.integers(0, 3000), min_size=size, max_size=size))
    grace = [0 if method == "bullet" else draw(st.integers(0, min(3, k - 1))) for k in n]
    return {
        "principal": np.array(cents) / 100,
        "rate": np.array(bp) / 10_000,
        "installments": np.array(n),
        "disbursed": np.datetime64("2023-01-01") + np.array(start),
        "grace": np.array(grace),
        "amortization": method,
        "grace_type": draw(st.sampled_from(["capitalize", "pay-interest"])),
        "day_count": draw(st.sampled_from(["act/360", "per-period"])),
    }


def exact(p: dict[str, object], j: int) -> LoanTerms:
    return LoanTerms(
        principal=f"{p['principal'][j]:.2f}",  # type: ignore[index]
        rate=Rate.effective_annual(f"{Decimal(str(p['rate'][j])) * 100}%"),  # type: ignore[index]
        installments=int(p["installments"][j]),  # type: ignore[index]
        disbursed=p["disbursed"][j].item(),  # type: ignore[index]
        amortization=p["amortization"],
        grace=Grace(periods=int(p["grace"][j]), kind=p["grace_type"]),  # type: ignore[index]
        day_count=p["day_count"],
    )


@given(portfolios())
def test_every_amount_within_one_cent_of_the_exact_engine(p: dict[str, object]) -> None:
    s = schedules(**p)  # type: ignore[arg-type]
    for j in range(len(p["installments"])):  # type: ignore[arg-type]
        sched = exact(p, j).schedule()
        rows = sched.installments
        assert s.n[j] == len(rows)
        assert list(s.due_date[j, : len(rows)]) == [np.datetime64(r.due_date) for r in rows]
        assert list(s.days[j, : len(rows)]) == [r.days for r in rows]
        for name in FIELDS:
            got = getattr(s, name)[j, : len(rows)]
            want = np.array([float(getattr(r, name)) for r in rows])
            assert np.abs(got - want).max() <= 0.010001, name
        assert abs(s.installment[j] - float(sched.installment_amount)) <= 0.010001
        assert not s.valid[j, len(rows) :].any()
        assert (s.principal[j, len(rows) :] == 0).all()


@given(portfolios())
def test_principal_repaid_equals_principal_lent(p: dict[str, object]) -> None:
    s = schedules(**p)  # type: ignore[arg-type]
    assert np.allclose(s.principal.sum(axis=1) - s.lent, 0, atol=1e-6) | (
        p["grace_type"] == "capitalize"  # capitalized interest is repaid as principal too
    )
    assert (s.balance[np.arange(len(s.n)), s.n - 1] == 0).all()


def test_published_example_matches_the_exact_schedule() -> None:
    """S/ 5,000 at a TEA of 35 % in 12 monthly installments from 15 Jan 2026: S/ 489.11 (the
    exact engine's doctest, itself checked against numpy-financial's pmt on equal periods)."""
    s = schedules(5000, 0.35, 12, np.datetime64("2026-01-15"))
    assert s.installment[0] == 489.11
    assert s.interest[0, 0] == 130.90  # 31 days of (1.35)^(31/360) − 1 on S/ 5,000


@given(portfolios(), st.integers(1, 5))
def test_chunked_and_unchunked_results_are_identical(p: dict[str, object], size: int) -> None:
    whole = schedules(**p)  # type: ignore[arg-type]
    chunked = schedules(**p, chunk_size=size)  # type: ignore[arg-type]
    parts = list(iter_schedules(**p, chunk_size=size))  # type: ignore[arg-type]
    for name in (*FIELDS, "installment", "due_date", "days"):
        a = getattr(whole, name).view(np.int64)  # bit for bit (NaT included)
        assert np.array_equal(a, getattr(chunked, name).view(np.int64)), name
        stacked = np.concatenate([getattr(c, name) for c in parts]).view(np.int64)
        assert np.array_equal(a, stacked), name


def test_level_fast_path_equals_the_general_path() -> None:
    """Uniform level loans take a fast path; mixing in one grace loan sends all to the general
    path: identical numbers either way."""
    rng = np.random.default_rng(3)
    p = np.round(rng.uniform(100, 90_000, 300), 2)
    r = np.round(rng.uniform(0, 2, 300), 4)
    d = np.datetime64("2024-01-31") + rng.integers(0, 400, 300)
    fast = schedules(p, r, 24, d)
    grace = np.zeros(301, dtype=int)
    grace[-1] = 1
    slow = schedules(np.append(p, 1000), np.append(r, 0.3), 24, np.append(d, d[0]), grace=grace)
    for name in FIELDS:
        assert np.array_equal(getattr(fast, name), getattr(slow, name)[:-1])


def test_long_format_lists_the_valid_rows() -> None:
    s = schedules([1000, 2000], 0.2, [2, 3], np.datetime64("2026-03-31"))
    long = s.to_long()
    assert list(long["loan"]) == [0, 0, 1, 1, 1]
    assert list(long["number"]) == [1, 2, 1, 2, 3]
    assert np.allclose(long["total"], long["principal"] + long["interest"])
    assert long["due_date"][1] == np.datetime64(
        "2026-05-30"
    )  # anchored on the first due date, as the exact engine
    assert long["due_date"][0] == np.datetime64("2026-04-30")


def test_dates_as_python_dates_are_accepted() -> None:
    a = schedules(1000, 0.2, 6, [dt.date(2026, 1, 31)])
    b = schedules(1000, 0.2, 6, np.datetime64("2026-01-31"))
    assert np.array_equal(a.balance, b.balance)


def test_runaway_capitalization_is_refused() -> None:
    with pytest.raises(Exception, match=r"'rate' leaves a balance past 100 times"):
        schedules(1000, 100, 600, np.datetime64("2026-01-01"), grace=599)
