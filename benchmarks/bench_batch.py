"""Speed of the batch engine (coopfinance.batch) against the issue's reference figures.

Run: ``python benchmarks/bench_batch.py`` (prints a Markdown table). Not part of the test verdict.

- schedules: 100,000 level loans × 36 monthly installments, ACT/360 TEA, random disbursement dates
  over two years (real 28–31-day periods), principal, interest and balance matrices in cents;
- a numpy closed form over equal periods (no dates, no rounding), the issue's 62.7 ms baseline;
- solve_rates: the TCEA of the same 100,000 schedules (37 dated flows each);
- pyxirr looped over 1,000 of them, scaled to 100,000 (the issue's ~420 ms baseline).
"""

from __future__ import annotations

import platform
import sys
import timeit
from collections.abc import Callable

import numpy as np

from coopfinance.batch import schedules, solve_rates

N, M = 100_000, 36
RNG = np.random.default_rng(7)
PRINCIPAL = np.round(RNG.uniform(500, 50_000, N), 2)
RATE = np.round(RNG.uniform(0.1, 0.8, N), 4)
DISBURSED = np.datetime64("2025-01-01") + RNG.integers(0, 730, N)


def best(fn: Callable[[], object], number: int = 3, repeat: int = 5) -> float:
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


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


def main() -> None:
    rows = []
    t = best(lambda: schedules(PRINCIPAL, RATE, M, DISBURSED))
    rows.append(("batch schedules, 100k × 36 (ACT/360, real dates, cents)", t, "≤ 36 ms"))
    t = best(lambda: schedules(PRINCIPAL, RATE, M, DISBURSED, day_count="per-period"))
    rows.append(("batch schedules, 100k × 36 (per-period)", t, "≤ 36 ms"))
    rows.append(
        ("numpy closed form, 100k × 36 (no dates, no rounding)", best(closed_form), "62.7 ms")
    )
    amounts, days = flows()
    t = best(lambda: solve_rates(amounts, days), number=1)
    rows.append(("batch solve_rates TCEA, 100k rows × 37 flows", t, "≤ 100 ms"))
    t = best(lambda: solve_rates(amounts), number=1)
    rows.append(("batch solve_rates periodic IRR, 100k rows × 37 flows", t, "≤ 100 ms"))
    try:
        import pyxirr

        dates = (DISBURSED[:, None] + days).astype("datetime64[D]").astype(object)
        sub = range(1000)

        def looped() -> None:
            for j in sub:
                pyxirr.xirr(dates[j], amounts[j], day_count="ACT/360")

        rows.append(("pyxirr.xirr looped, scaled to 100k", best(looped, 1, 3) * 100, "~420 ms"))
    except ImportError:  # pragma: no cover - optional
        pass
    print(f"Python {sys.version.split()[0]}, numpy {np.__version__}, {platform.machine()}\n")
    print("| what | time | reference |")
    print("| --- | ---: | --- |")
    for name, sec, ref in rows:
        print(f"| {name} | {sec * 1e3:.1f} ms | {ref} |")


if __name__ == "__main__":
    main()
