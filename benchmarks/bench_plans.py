"""Time to project, evaluate and fully report the bundled alfalfa plan; prints a Markdown table.

Run: PYTHONPATH=src python benchmarks/bench_plans.py
"""

from __future__ import annotations

import time
from pathlib import Path

from coopfinance.plans import BusinessPlan, project, report
from coopfinance.plans._sensitivity import run

PLAN = BusinessPlan.from_file(Path(__file__).parents[1] / "examples" / "plan-alfalfa.toml")


def best_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    rows = [
        ("project (with plan, 61 months)", best_of(lambda: project(PLAN))),
        ("project + evaluate (with, without, NPV/IRR)", best_of(lambda: run(PLAN))),
        ("full report (with sensitivity)", best_of(lambda: report(PLAN), repeat=3)),
    ]
    print("| step | best time (ms) |")
    print("|---|---:|")
    for name, seconds in rows:
        print(f"| {name} | {seconds * 1000:.1f} |")


if __name__ == "__main__":
    main()
