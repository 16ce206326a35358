"""Speed-up of 2 Dask worker processes over 1, on this machine (issue 22, scale-out).

Run: ``PYTHONPATH=src:benchmarks python benchmarks/bench_dask.py [--quick] [--rounds N]`` (the
workers import ``run`` too; prints a Markdown table). Not part of the test verdict. For each case
a ``LocalCluster`` of 1, then 2 worker processes (one thread each) runs the same call
``--rounds`` times, interleaved (1, 2, 1, 2, …); the figure is wall time (the work is in the
workers, not in this process), median over the rounds, and the speed-up is the 1-worker time ÷
the 2-worker time (2.0 would be perfect on 2 cores).

Cases: batch schedules 200,000 × 36 (Dask DataFrame, 16 partitions → long rows, counted on the
workers); batch TCEA 200,000 × 37 flows (Dask array, 16 chunks); ``report_many`` on 20,000 accounts
(``run.py``'s mix, read by 8 partitions on the workers: here built from their seeds there, the
accounts' making included in the time); Monte Carlo 10,000 × 200 × 48 (8 tasks of whole chunks).
Every result is checked equal to the in-memory one once. On a shared 2-core machine the other
sessions' load takes part of the second core: the speed-up shown is what was left of it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run


def cases(quick: bool) -> list[tuple[str, Callable[[], object], Callable[[], object]]]:
    import dask.array as da
    import dask.bag as db
    import dask.dataframe as dd
    import pandas as pd

    from coopfinance import batch
    from coopfinance.batch import dask as bdask
    from coopfinance.linked import Portfolio, simulate
    from coopfinance.portfolio import report_many

    n_loans = 20_000 if quick else 200_000
    principal, rate, disbursed = run._batch_data(n_loans)
    loans = pd.DataFrame(
        {"principal": principal, "rate": rate, "installments": 36, "disbursed": disbursed}
    )
    frame = dd.from_pandas(loans, npartitions=16)
    amounts, days, _ = run._flows(n_loans)
    a_d = da.from_array(amounts, chunks=(-(-n_loans // 16), -1))
    d_d = da.from_array(days, chunks=(-(-n_loans // 16), -1))
    per_part = 250 if quick else 2_500
    accounts = [a for k in range(8) for a in run._accounts(per_part, seed=k)]
    # the accounts are read by partition on the workers (here: built from the seed), as a
    # lender's would be from shared storage; sending them from here would cost more than replaying
    bag = db.from_sequence(range(8), npartitions=8).map_partitions(_accounts_of, per_part)
    pf = Portfolio.example(run.MC_FARMERS, run.MC_PERIODS, seed=0)
    scenarios = 1_000 if quick else 10_000

    def rows() -> object:
        return len(bdask.schedules_frame(frame))

    def rows_local() -> object:
        return len(batch.schedules(principal, rate, 36, disbursed).to_long()["loan"])

    return [
        (f"batch schedules {n_loans:,} × 36", rows, rows_local),
        (f"batch TCEA {n_loans:,} × 37", lambda: bdask.solve_rates(a_d, d_d),
         lambda: batch.solve_rates(amounts, days)),
        (f"report_many {len(accounts):,} accounts",
         lambda: bdask.report_many(bag, run.AS_OF),
         lambda: report_many(accounts, run.AS_OF)),
        (f"Monte Carlo {scenarios:,} × 200 × 48",
         lambda: bdask.simulate(pf, scenarios=scenarios, partitions=8).summary(),
         lambda: simulate(pf, scenarios=scenarios).summary()),
    ]  # fmt: skip


def _accounts_of(seeds: object, n: int) -> list[object]:
    return [a for k in seeds for a in run._accounts(n, seed=k)]  # type: ignore[attr-defined]


def same(a: object, b: object) -> bool:
    if isinstance(a, np.ndarray):
        return bool(np.array_equal(a, b))
    return a == b


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--rounds", type=int, default=3)
    ns = p.parse_args()
    from dask.distributed import Client, LocalCluster

    table = cases(ns.quick)
    clusters = {}
    for w in (1, 2):
        cluster = LocalCluster(
            n_workers=w, threads_per_worker=1, processes=True, dashboard_address=None
        )
        clusters[w] = (cluster, Client(cluster, set_as_default=False))
    times: dict[tuple[str, int], list[float]] = {}
    load0 = os.getloadavg()[0]
    for name, fn, local in table:
        want = local()
        for w, (_, client) in clusters.items():
            with client.as_current():
                if not same(fn(), want):
                    raise SystemExit(f"{name}: {w} workers differ from the in-memory run")
        for _ in range(ns.rounds):
            for w, (_, client) in clusters.items():
                with client.as_current():
                    t = time.perf_counter()
                    fn()
                    times.setdefault((name, w), []).append(time.perf_counter() - t)
        print(f"measured {name}", file=sys.stderr, flush=True)
    print(f"{os.cpu_count()} CPUs, load average {load0:.2f} → {os.getloadavg()[0]:.2f}; "
          f"{ns.rounds} interleaved rounds, wall time, median (min–max)\n")  # fmt: skip
    print("| work | 1 worker process s | 2 worker processes s | speed-up |")
    print("|---|---:|---:|---:|")
    for name, _, _ in table:
        one, two = times[(name, 1)], times[(name, 2)]
        ratios = [a / b for a, b in zip(one, two, strict=True)]
        print(f"| {name} | {statistics.median(one):.3f} | {statistics.median(two):.3f} | "
              f"{statistics.median(ratios):.2f}× ({min(ratios):.2f}–{max(ratios):.2f}) |")  # fmt: skip
    for cluster, client in clusters.values():
        client.close()
        cluster.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
