"""``coopfinance settle --select-period``: one fortnight out of a ten-year deliveries file, streamed
(only the period's rows kept) against reading the whole file first (issue 20 §5).

Run: ``PYTHONPATH=src python benchmarks/bench_settle_stream.py [--years 10] [--farmers 100]
[--rounds 3]`` (prints a Markdown table). Not part of the test verdict.

The file: ``farmers`` suppliers delivering every day for ``years`` years from 2020-01-01 (seeded
litres and quality), about 37 bytes a row. The fortnight settled is 2025-03-01..2025-03-15.

- **streamed**: the command itself, ``coopfinance settle --select-period`` (in-process through
  ``main``), which reads the file once with :meth:`Deliveries.select_from_file`;
- **whole file** (the anchor, what the command did before): ``Deliveries.from_file`` of the whole
  file, then ``within(period)`` and the same ``settle``.

Times are CPU-process times of interleaved rounds (streamed, whole, streamed, …), median ratio;
peak memory is measured in a separate round of each under ``tracemalloc`` (Python allocations).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
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

from coopfinance.cli import main
from coopfinance.dairy import Deliveries, MilkPriceSchedule, Period, settle

PERIOD = "2025-03-01..2025-03-15"


def write_files(folder: Path, years: int, farmers: int) -> tuple[Path, Path]:
    """The deliveries CSV and a flat price schedule covering it."""
    rng = random.Random(20)
    start = dt.date(2020, 1, 1)
    days = (dt.date(2020 + years, 1, 1) - start).days
    path = folder / "deliveries.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("farmer,date,litres,total_solids,bacterial_count,cooled\n")
        for k in range(days):
            day = (start + dt.timedelta(days=k)).isoformat()
            for f in range(farmers):
                litres = rng.randint(100, 600) / 10
                fh.write(f"M{f:04d},{day},{litres},12.{rng.randint(0, 40):02d},")
                fh.write(f"{rng.randint(20, 900) * 1000},{'yes' if f % 3 else 'no'}\n")
    prices = folder / "prices.toml"
    prices.write_text(
        'currency = "PEN"\n\n[[prices]]\n'
        f"from = {start.isoformat()}\nto = {dt.date(2020 + years, 12, 31).isoformat()}\n"
        'base = "1.30"\nsolids_reference = "12.1"\nsolids_bonus_per_point = "0.10"\n'
        'cooling_bonus = "0.03"\n',
        encoding="utf-8",
    )
    return path, prices


def streamed(deliveries: Path, prices: Path) -> int:
    out, err = io.StringIO(), io.StringIO()
    argv = ["settle", "--deliveries", str(deliveries), "--prices", str(prices)]
    code = main([*argv, "--period", PERIOD, "--select-period", "--format", "csv"], out=out, err=err)
    assert code == 0, err.getvalue()
    return out.getvalue().count("\n")


def whole(deliveries: Path, prices: Path) -> int:
    period = Period.parse(PERIOD)
    kept = Deliveries.from_file(deliveries).within(period)
    result = settle(kept, MilkPriceSchedule.from_file(prices), period, ())
    return len(result.statements)


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


def run(years: int, farmers: int, rounds: int) -> str:
    with tempfile.TemporaryDirectory(prefix="coopfinance-bench-") as tmp:
        deliveries, prices = write_files(Path(tmp), years, farmers)
        rows = sum(1 for _ in deliveries.open(encoding="utf-8")) - 1
        size = deliveries.stat().st_size / 2**20
        assert streamed(deliveries, prices) == whole(deliveries, prices) + 1  # + the CSV header
        times: dict[str, list[float]] = {"streamed": [], "whole": []}
        for _ in range(rounds):
            times["streamed"].append(cpu(lambda: streamed(deliveries, prices)))
            times["whole"].append(cpu(lambda: whole(deliveries, prices)))
        ratios = [s / w for s, w in zip(times["streamed"], times["whole"], strict=True)]
        mem_s = peak(lambda: streamed(deliveries, prices))
        mem_w = peak(lambda: whole(deliveries, prices))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    med_s, med_w = statistics.median(times["streamed"]), statistics.median(times["whole"])
    return "\n".join(
        [
            f"One fortnight ({PERIOD}, {farmers} farmers) out of {years} years: {rows:,} rows, "
            f"{size:.1f} MiB; {rounds} interleaved rounds, CPU time; Python "
            f"{platform.python_version()}, load average {load:.1f}.",
            "",
            "| | streamed (`--select-period`) | whole file (anchor) | ratio |",
            "|---|---:|---:|---:|",
            f"| time (median) | {med_s:.2f} s | {med_w:.2f} s | {statistics.median(ratios):.3f}× "
            f"(min {min(ratios):.3f}, max {max(ratios):.3f}) |",
            f"| peak Python memory | {mem_s:.1f} MiB | {mem_w:.1f} MiB | {mem_s / mem_w:.3f}× |",
        ]
    )


def cli(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--years", type=int, default=10)
    p.add_argument("--farmers", type=int, default=100)
    p.add_argument("--rounds", type=int, default=3)
    ns = p.parse_args(argv)
    print(run(ns.years, ns.farmers, ns.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(cli())
