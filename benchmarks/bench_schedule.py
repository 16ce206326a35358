"""Speed of the exact schedule engine against float baselines, measured in one run.

Run: ``python benchmarks/bench_schedule.py`` (prints a Markdown table). Not part of the test verdict.

What is measured, for the same monthly loan (S/ 5,000, TEA 35 %, ACT/360, due the 15th):
- coopfinance: the exact Decimal schedule with real dates (36 and 360 installments);
- a plain float loop over the same dates and period rates (interest rounded with ``round``);
- numpy-financial ``ipmt``/``ppmt`` over equal periods (no dates, no rounding).
"""

from __future__ import annotations

import datetime as dt
import platform
import sys
import timeit
from collections.abc import Callable

import numpy as np
import numpy_financial as npf

from coopfinance import LoanTerms, Rate
from coopfinance._calendar import add_months

DISBURSED = dt.date(2026, 1, 15)


def exact(n: int) -> Callable[[], object]:
    terms = LoanTerms(
        principal="5000", rate=Rate.effective_annual("35%"), installments=n, disbursed=DISBURSED
    )
    return terms.schedule


def exact_new_calendar(n: int) -> Callable[[], object]:
    """A different disbursement date every call: due dates and period rates are computed afresh."""
    terms = [
        LoanTerms(
            principal="5000",
            rate=Rate.effective_annual("35%"),
            installments=n,
            disbursed=DISBURSED + dt.timedelta(days=k),
        )
        for k in range(2000)
    ]
    it = iter(terms * 1000)

    def run() -> object:
        return next(it).schedule()

    return run


def float_loop(n: int) -> Callable[[], object]:
    def run() -> list[tuple[dt.date, float, float, float]]:
        dates = [add_months(DISBURSED, k) for k in range(1, n + 1)]
        rates = []
        prev = DISBURSED
        for d in dates:
            rates.append(1.35 ** ((d - prev).days / 360) - 1)
            prev = d
        v, acc = 1.0, 0.0
        for i in rates:
            v /= 1 + i
            acc += v
        c = round(5000 / acc, 2)
        bal = 5000.0
        rows = []
        for d, i in zip(dates, rates, strict=True):
            interest = round(bal * i, 2)
            principal = c - interest
            bal -= principal
            rows.append((d, interest, principal, bal))
        return rows

    return run


def npf_ipmt_ppmt(n: int) -> Callable[[], object]:
    i = 1.35 ** (1 / 12) - 1
    per = np.arange(1, n + 1)

    def run() -> tuple[object, object]:
        return npf.ipmt(i, per, n, -5000), npf.ppmt(i, per, n, -5000)

    return run


def measure(fn: Callable[[], object]) -> float:
    """Best-of-7 mean time per call in microseconds."""
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()
    runs = timer.repeat(repeat=7, number=number)
    return min(runs) / number * 1e6


def main() -> None:
    rows = []
    for n in (36, 360):
        for name, make in (
            ("coopfinance exact schedule (Decimal, dates; calendar cached)", exact),
            (
                "coopfinance exact schedule (Decimal, dates; new calendar each call)",
                exact_new_calendar,
            ),
            ("plain float loop (dates, rounded)", float_loop),
            ("numpy-financial ipmt+ppmt (no dates)", npf_ipmt_ppmt),
        ):
            fn = make(n)
            fn()  # warm caches once, as a long-running app would be
            rows.append((n, name, measure(fn)))
    print(f"Python {platform.python_version()} on {platform.machine()}, {sys.platform}")
    print()
    print("| installments | implementation | µs per schedule |")
    print("|---:|---|---:|")
    for n, name, us in rows:
        print(f"| {n} | {name} | {us:,.1f} |")
    cold = LoanTerms(
        principal="5000", rate=Rate.effective_annual("35.1%"), installments=36, disbursed=DISBURSED
    )
    start = timeit.default_timer()
    cold.schedule()
    cold_us = (timeit.default_timer() - start) * 1e6
    print()
    print(f"first schedule with a rate never seen before (36 rows): {cold_us:.0f} µs")


if __name__ == "__main__":
    main()
