"""``settle`` on a 20,000-farmer fortnight: what the progress bar costs, and an ``.xlsx`` season
streamed (issue 20 §5).

Run: ``PYTHONPATH=src python benchmarks/bench_settle_progress.py [--farmers 20000] [--rounds 3]
[--xlsx-farmers 200] [--xlsx-days 90]`` (prints Markdown tables). Not part of the test verdict.

- **progress**: ``Deliveries.from_file`` of a fortnight of ``farmers`` farmers delivering twice a
  day, with a ``progress`` callback (what the CLI's bar hears) against none (the anchor);
  interleaved rounds of CPU time, median ratio and min–max.
- **xlsx**: one fortnight out of ``xlsx-days`` days of a workbook, ``select_from_file`` (streamed,
  only the period's rows kept) against ``from_xlsx(...).within(period)`` (every delivery of the
  sheet held, the anchor); CPU time of interleaved rounds and peak Python memory (tracemalloc).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from coopfinance.dairy import Deliveries, Period

PERIOD = Period.parse("2025-03-01..2025-03-15")


def write_csv(path: Path, farmers: int) -> int:
    rng = random.Random(20)
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("farmer,date,shift,litres,total_solids,bacterial_count,cooled\n")
        for k in range(PERIOD.days):
            day = (PERIOD.start + dt.timedelta(days=k)).isoformat()
            for f in range(farmers):
                for s in ("am", "pm"):
                    fh.write(f"M{f:05d},{day},{s},{rng.randint(50, 300) / 10},")
                    fh.write(f"12.{rng.randint(0, 40):02d},{rng.randint(20, 900) * 1000},yes\n")
                    rows += 1
    return rows


def write_xlsx(path: Path, farmers: int, days: int) -> int:
    import openpyxl

    rng = random.Random(20)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Entregas")
    sheet.append(["farmer", "date", "shift", "litres", "total_solids"])
    start = PERIOD.start - dt.timedelta(days=days // 2)
    for k in range(days):
        day = start + dt.timedelta(days=k)
        for f in range(farmers):
            for s in ("am", "pm"):
                sheet.append([f"M{f:05d}", day, s, rng.randint(50, 300) / 10, 12.1])
    book.save(path)
    return days * farmers * 2


def cpu(fn: Callable[[], object]) -> float:
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def peak(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _ratio_row(name: str, a: list[float], b: list[float]) -> str:
    ratios = [x / y for x, y in zip(a, b, strict=True)]
    return (
        f"| {name} | {statistics.median(a):.2f} s | {statistics.median(b):.2f} s | "
        f"{statistics.median(ratios):.3f}× (min {min(ratios):.3f}, max {max(ratios):.3f}) |"
    )


def run(farmers: int, rounds: int, xlsx_farmers: int, xlsx_days: int) -> str:
    calls = [0]

    def progress(done: int, total: int | None) -> None:
        del done, total
        calls[0] += 1

    with tempfile.TemporaryDirectory(prefix="coopfinance-bench-") as tmp:
        csv_path = Path(tmp) / "d.csv"
        rows = write_csv(csv_path, farmers)
        with_bar: list[float] = []
        without: list[float] = []
        for _ in range(rounds):
            with_bar.append(cpu(lambda: Deliveries.from_file(csv_path, progress=progress)))
            without.append(cpu(lambda: Deliveries.from_file(csv_path)))
        xlsx_path = Path(tmp) / "d.xlsx"
        xrows = write_xlsx(xlsx_path, xlsx_farmers, xlsx_days)

        def streamed() -> object:
            return Deliveries.select_from_file(xlsx_path, PERIOD)

        def held() -> object:
            return Deliveries.from_xlsx(xlsx_path).within(PERIOD)

        assert streamed()[0] == held()  # type: ignore[index]
        t_s: list[float] = []
        t_h: list[float] = []
        for _ in range(rounds):
            t_s.append(cpu(streamed))
            t_h.append(cpu(held))
        m_s, m_h = peak(streamed), peak(held)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return "\n".join(
        [
            f"Python {platform.python_version()}, load average {load:.1f}, {rounds} interleaved "
            "rounds, CPU time.",
            "",
            f"A fortnight of {farmers:,} farmers twice a day: {rows:,} rows "
            f"({calls[0] // rounds} progress calls a read).",
            "",
            "| `Deliveries.from_file` | with `progress` | without (anchor) | ratio |",
            "|---|---:|---:|---:|",
            _ratio_row("time (median)", with_bar, without),
            "",
            f"One fortnight out of {xlsx_days} days of a workbook, {xlsx_farmers} farmers twice a "
            f"day: {xrows:,} rows.",
            "",
            "| `.xlsx` | `select_from_file` (streamed) | `from_xlsx().within()` (anchor) | ratio |",
            "|---|---:|---:|---:|",
            _ratio_row("time (median)", t_s, t_h),
            f"| peak Python memory | {m_s:.1f} MiB | {m_h:.1f} MiB | {m_s / m_h:.3f}× |",
        ]
    )


def cli(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--farmers", type=int, default=20_000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--xlsx-farmers", type=int, default=200)
    p.add_argument("--xlsx-days", type=int, default=90)
    ns = p.parse_args(argv)
    print(run(ns.farmers, ns.rounds, ns.xlsx_farmers, ns.xlsx_days))
    return 0


if __name__ == "__main__":
    sys.exit(cli())
