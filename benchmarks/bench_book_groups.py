"""Cost of the solidarity groups at close (issue 18 §2), on SQLite.

Run: ``PYTHONPATH=src python benchmarks/bench_book_groups.py [FARMERS] [--rounds=N]`` (default
5,000 farmers × 2 shifts × 15 days, 9 rounds). Two books with the same deliveries, one with every
farmer in a group of 5; interleaved rounds of the in-memory ``settle`` (the anchor), the close of
the book without groups and the close of the book with groups, each close in a transaction rolled
back afterwards; CPU time, median and min–max of the ratios to ``settle``. Not part of the test
verdict.
"""

from __future__ import annotations

import csv
import pathlib
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

sys.path.insert(0, str(pathlib.Path(__file__).parent))

import bench_book as bb

from coopfinance.dairy import Delivery, MilkPriceSchedule, Period, Quality, settle


def _cpu(fn: Callable[[], object]) -> float:
    c = time.process_time()
    fn()
    return time.process_time() - c


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    farmers = int(args[0]) if args else 5000
    rounds = next((int(a.split("=")[1]) for a in sys.argv if a.startswith("--rounds=")), 9)
    tmp = pathlib.Path(tempfile.mkdtemp())
    bb._deliveries(tmp / "d.csv", farmers, 15)
    plain = bb._book(f"sqlite:///{tmp / 'plain.db'}", tmp, farmers)
    plain.import_deliveries(tmp / "d.csv")
    grouped = bb._book(f"sqlite:///{tmp / 'grouped.db'}", tmp, farmers)
    grouped.import_deliveries(tmp / "d.csv")
    groups = []
    for g in range(farmers // 5):
        members = ", ".join(f'"F{g * 5 + k:05d}"' for k in range(5))
        groups.append(f'[[group]]\nid = "G{g}"\nmembers = [{members}]\n')
    (tmp / "groups.toml").write_text("\n".join(groups))
    grouped.import_groups(tmp / "groups.toml")
    period = Period.parse("2026-01-01..2026-01-15")
    with (tmp / "d.csv").open(newline="") as fh:
        milk = [
            Delivery(
                farmer=r["farmer"],
                date=r["date"],
                litres=r["litres"],
                shift=r["shift"],
                quality=Quality(total_solids=r["total_solids"], cooled=True),
            )
            for r in csv.DictReader(fh)
        ]
    prices = MilkPriceSchedule.from_file(tmp / "prices.toml")
    roster = [f"F{i:05d}" for i in range(farmers)]
    close_plain = bb._rolled_back(plain, period)
    close_grouped = bb._rolled_back(grouped, period)
    r_plain, r_grouped = [], []
    for _ in range(rounds):
        s = _cpu(lambda: settle(milk, prices, period, (), farmers=roster))
        r_plain.append(_cpu(close_plain) / s)
        r_grouped.append(_cpu(close_grouped) / s)

    def show(name: str, xs: list[float]) -> None:
        print(f"| {name} | {statistics.median(xs):.2f}× | {min(xs):.2f}–{max(xs):.2f}× |")

    print(f"{farmers:,} farmers, {farmers * 30:,} deliveries, {rounds} interleaved rounds, CPU")
    print("| case (vs settle) | median | min–max |\n|---|---:|---:|")
    show("close, no groups", r_plain)
    show(f"close, {farmers // 5:,} groups of 5", r_grouped)


if __name__ == "__main__":
    main()
