"""Speed of the milk settlement: 200 farmers × 24 fortnights with daily deliveries, measured in one run.

Run: ``PYTHONPATH=src python benchmarks/bench_dairy.py`` (prints a Markdown table). Not part of the
test verdict.

What is measured (seeded data, 2026 calendar year, ≈ 73,000 deliveries with quality samples, a price
schedule with two periods and two service charges, per farmer a monthly loan installment, compulsory
and voluntary savings every fortnight):
- one fortnight: ``settle`` for 200 farmers (≈ 3,000 deliveries);
- the whole season: ``settle_season`` over 24 fortnights, arrears carried forward;
- the production forecast of 200 herds of 5 crossbred cows (Wood curve, Ica seasonality) for a year.
"""

from __future__ import annotations

import datetime as dt
import platform
import random
import sys
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal

from coopfinance.dairy import (
    Cow,
    Delivery,
    Herd,
    MilkPriceSchedule,
    Obligation,
    Period,
    ProductionForecast,
    Quality,
    SeasonalProfile,
    settle,
    settle_season,
)

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
FARMERS = [f"F{i:03d}" for i in range(200)]


def data() -> tuple[list[Delivery], MilkPriceSchedule]:
    rng = random.Random(1)
    milk = []
    day = START
    while day <= END:
        for f in FARMERS:
            q = Quality(
                total_solids=Decimal(rng.randint(1150, 1290)) / 100, cooled=rng.random() < 0.5
            )
            milk.append(
                Delivery(farmer=f, date=day, litres=Decimal(rng.randint(40, 900)) / 10, quality=q)
            )
        day += dt.timedelta(days=1)
    charges = {"transport": "0.04", "chilling": "0.015"}
    prices = MilkPriceSchedule.from_dict(
        {
            "prices": [
                {"from": "2026-01-01", "to": "2026-06-30", "base": "1.25",
                 "solids_bonus_per_point": "0.08", "cooling_bonus": "0.02", "service_charges": charges},
                {"from": "2026-07-01", "to": "2026-12-31", "base": "1.32",
                 "solids_bonus_per_point": "0.08", "cooling_bonus": "0.02", "service_charges": charges},
            ]
        }
    )  # fmt: skip
    return milk, prices


def obligations(p: Period) -> list[Obligation]:
    out = []
    for f in FARMERS:
        if p.start.day == 16:
            out.append(
                Obligation(farmer=f, kind="loan-installment", amount="180.00", loan_id=f"L-{f}")
            )
        out.append(Obligation(farmer=f, kind="compulsory-savings", amount="10.00"))
        out.append(Obligation(farmer=f, kind="voluntary-savings", amount="5.00"))
    return out


def measure(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best wall time of ``repeat`` runs (s) and peak traced memory of one run (MB)."""
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return best, peak / 2**20


def main() -> None:
    milk, prices = data()
    first = Period.parse("2026-01-01..2026-01-15")
    fortnight = [d for d in milk if first.contains(d.date)]
    herds = {
        f: Herd(cows=[Cow.in_milk(days_in_milk=1 + 60 * i, on=START) for i in range(5)],
                seasonality=SeasonalProfile.ica())
        for f in FARMERS
    }  # fmt: skip
    cases = [
        (f"settle: 200 farmers, 1 fortnight ({len(fortnight):,} deliveries)",
         lambda: settle(fortnight, prices, first, obligations(first)), 5),
        (f"settle_season: 200 farmers × 24 fortnights ({len(milk):,} deliveries)",
         lambda: settle_season(milk, prices, START, END, obligations), 2),
        ("ProductionForecast: 200 herds × 5 cows × 365 days, per fortnight",
         lambda: [ProductionForecast(herds=herds, start=START, end=END).per_period(f) for f in FARMERS], 2),
    ]  # fmt: skip
    print(f"Python {sys.version.split()[0]} on {platform.machine()} ({platform.system()})\n")
    print("| case | best time (s) | peak traced memory (MB) |")
    print("|---|---:|---:|")
    for name, fn, repeat in cases:
        t, mb = measure(fn, repeat)
        print(f"| {name} | {t:.3f} | {mb:.1f} |")


if __name__ == "__main__":
    main()
