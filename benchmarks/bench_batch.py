"""Speed of the batch engine (coopfinance.batch) against the issue's reference figures.

Run: ``python benchmarks/bench_batch.py`` (prints a Markdown table). Not part of the test verdict.

- schedules: 100,000 level loans × 36 monthly installments, ACT/360 TEA, random disbursement dates
  over two years (real 28–31-day periods), principal, interest and balance matrices in cents;
- a numpy closed form over equal periods (no dates, no rounding), the issue's 62.7 ms baseline;
- solve_rates: the TCEA of the same 100,000 schedules (37 dated flows each);
- pyxirr looped over 1,000 of them (``datetime64`` arrays), scaled to 100,000 (the issue's
  ~420 ms baseline).

Every case runs in interleaved rounds (one call of each per round) and the best round is kept, so a
busy machine slows all of them alike; the last column divides by the closed form measured in the same
run, which is the figure to compare with the issue's targets (36 ms / 62.7 ms = 0.57 for schedules,
100 ms / 62.7 ms = 1.6 for solves).
"""

from __future__ import annotations

import platform
import sys
import time
from collections.abc import Callable

import numpy as np

from coopfinance.batch import schedules, solve_rates

N, M = 100_000, 36
RNG = np.random.default_rng(7)
PRINCIPAL = np.round(RNG.uniform(500, 50_000, N), 2)
RATE = np.round(RNG.uniform(0.1, 0.8, N), 4)
DISBURSED = np.datetime64("2025-01-01") + RNG.integers(0, 730, N)


def closed_form() -> object:
    i = np.expm1(np.log1p(RATE) / 12)[:, None]
    k = np.arange(1, M + 1)[None, :]
    c = PRINCIPAL[:, None] * i / (1 - (1 + i) ** -M)
    bal = PRINCIPAL[:, None] * (1 + i) ** k - c * ((1 + i) ** k - 1) / i
    return c, bal


def flows() -> tuple[np.ndarray, np.ndarray]:
    s = schedules(PRINCIPAL, RATE, M, DISBURSED)
    amounts = np.empty((N, M + 1))
    amounts[:, 0] = s.lent
    amounts[:, 1:] = -s.total
    days = np.zeros((N, M + 1), dtype=np.int64)
    days[:, 1:] = (s.due_date - DISBURSED[:, None]).astype(np.int64)
    return amounts, days


def main(rounds: int = 7) -> None:
    amounts, days = flows()
    cases: list[tuple[str, Callable[[], object], str]] = [
        (
            "batch schedules, 100k × 36 (ACT/360, real dates, cents)",
            lambda: schedules(PRINCIPAL, RATE, M, DISBURSED),
            "≤ 36 ms",
        ),
        (
            "batch schedules, 100k × 36 (per-period)",
            lambda: schedules(PRINCIPAL, RATE, M, DISBURSED, day_count="per-period"),
            "≤ 36 ms",
        ),
        ("numpy closed form, 100k × 36 (no dates, no rounding)", closed_form, "62.7 ms"),
        (
            "batch solve_rates TCEA, 100k rows × 37 flows",
            lambda: solve_rates(amounts, days),
            "≤ 100 ms",
        ),
        (
            "batch solve_rates periodic IRR, 100k rows × 37 flows",
            lambda: solve_rates(amounts),
            "≤ 100 ms",
        ),
    ]
    scale = {name: 1.0 for name, _, _ in cases}
    try:
        import pyxirr

        dates = (DISBURSED[:, None] + days).astype("datetime64[D]")

        def looped() -> None:
            for j in range(1000):
                pyxirr.xirr(dates[j], amounts[j], day_count="ACT/360")

        cases.append(("pyxirr.xirr looped, scaled to 100k", looped, "~420 ms"))
        scale["pyxirr.xirr looped, scaled to 100k"] = 100.0
    except ImportError:  # pragma: no cover - optional
        pass
    times = {name: float("inf") for name, _, _ in cases}
    for _ in range(rounds):
        for name, fn, _ in cases:
            start = time.perf_counter()
            fn()
            times[name] = min(times[name], (time.perf_counter() - start) * scale[name])
    base = times["numpy closed form, 100k × 36 (no dates, no rounding)"]
    print(
        f"Python {sys.version.split()[0]}, numpy {np.__version__}, {platform.machine()}, ", end=""
    )
    print(f"best of {rounds} interleaved rounds\n")
    print("| what | time | issue figure | ÷ closed form |")
    print("| --- | ---: | --- | ---: |")
    for name, _, ref in cases:
        print(f"| {name} | {times[name] * 1e3:.1f} ms | {ref} | {times[name] / base:.2f} |")


if __name__ == "__main__":
    main()
