"""Speed of the revenue-linked Monte Carlo: 10,000 scenarios × 200 farmers × 48 fortnights.

Run: ``PYTHONPATH=src python benchmarks/bench_linked.py`` (prints a Markdown table). Not part of the
test verdict. Issue 5 §6 target: ≤ 1.5 s and ≤ 64 MB peak (tracemalloc) on this machine kind; the
issue measured plain numpy at 1.3–1.8 s, random generation alone about 1 s.

Cases (``Portfolio.example``: reference §8 defaults, a level loan per farmer, seed 0):
- ``simulate``: the whole run (price shocks σ = 0.10, yield shocks σ = 0.15, default chunks);
- random numbers alone: the same 96 M float32 normals and 480 k price normals, same streams;
- ``Portfolio.example``: building the portfolio (exact schedules, seasonality) — not in the figure.
"""

from __future__ import annotations

import os
import platform
import sys
import time
import tracemalloc
from collections.abc import Callable

import numpy as np

from coopfinance.linked import BLOCK, Portfolio, simulate

SCENARIOS, FARMERS, PERIODS = 10_000, 200, 48


def measure(fn: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    """Best wall time and best CPU time of ``repeat`` runs (s), peak traced memory of one run (MB).

    CPU time is reported too: on a shared 2-vCPU machine wall time swings with other jobs.
    """
    best = cpu = float("inf")
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        best = min(best, time.perf_counter() - t)
        cpu = min(cpu, time.process_time() - c)
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return best, cpu, peak / 2**20


def random_only() -> None:
    streams = np.random.SeedSequence(0).spawn(-(-SCENARIOS // BLOCK))
    z = np.empty((BLOCK, FARMERS), dtype=np.float32)
    for s in streams:
        g = np.random.Generator(np.random.PCG64(s))
        g.standard_normal((BLOCK, PERIODS))
        for _ in range(PERIODS):
            g.standard_normal(out=z, dtype=np.float32)


def main() -> None:
    pf = Portfolio.example(FARMERS, PERIODS, seed=0)
    cases = [
        (f"simulate: {SCENARIOS:,} scenarios × {FARMERS} farmers × {PERIODS} fortnights",
         lambda: simulate(pf, scenarios=SCENARIOS, seed=0), 3),
        ("random numbers alone (same streams, float32)", random_only, 3),
        (f"Portfolio.example({FARMERS}, {PERIODS})", lambda: Portfolio.example(FARMERS, PERIODS), 2),
    ]  # fmt: skip
    print(f"Python {sys.version.split()[0]}, numpy {np.__version__} on {platform.machine()} "
          f"({platform.system()}, {os.cpu_count()} CPUs)\n")  # fmt: skip
    print(f"load average before: {os.getloadavg()[0]:.2f}\n")
    print("| case | best wall time (s) | best CPU time (s) | peak traced memory (MB) |")
    print("|---|---:|---:|---:|")
    for name, fn, repeat in cases:
        t, cpu, mb = measure(fn, repeat)
        print(f"| {name} | {t:.3f} | {cpu:.3f} | {mb:.1f} |")
    r = simulate(pf, scenarios=SCENARIOS, seed=0)
    print("\nSummary of the simulated run:", r.summary())


if __name__ == "__main__":
    main()
