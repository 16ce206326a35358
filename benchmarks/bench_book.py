"""Speed of the co-op book: importing deliveries and closing a fortnight, on SQLite and PostgreSQL.

Run: ``PYTHONPATH=src python benchmarks/bench_book.py [--quick] [--close-only] [--rounds=N]``
(prints a Markdown table; with ``COOPFINANCE_TEST_POSTGRES_URL`` set, PostgreSQL too). Not part
of the test verdict.

What is measured (seeded data):
- import: a year of deliveries, 1,400 farmers × 2 shifts (≈ 1,000,000 rows; ``--quick`` 20,000),
  with ``Book.import_deliveries`` (streamed, checked, recorded) against a bare ``executemany`` of the
  same rows, read from the same CSV, into the same table (the target: ≤ 2×); the peak traced memory
  of the import at two file sizes (flat: the file is streamed);
- close: one fortnight for 20,000 farmers × 2 shifts × 15 days (600,000 deliveries, a compulsory
  saving each; ``--quick`` 1,000 farmers) with ``Book.close`` against the in-memory ``settle`` of
  the same deliveries and obligations (the target: ≤ 1.5×, ≤ 500 MB): interleaved rounds (settle,
  then close, ``--rounds``, default 3), each close in a transaction rolled back afterwards so
  every round closes the same open period; the median ratio of wall time, and of CPU time (less
  disturbed on a loaded machine).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import pathlib
import platform
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from coopfinance.book import Book
from coopfinance.dairy import Delivery, MilkPriceSchedule, Obligation, Period, Quality, settle

PRICES = """currency = "PEN"
[[prices]]
from = 2026-01-01
to = 2026-12-31
base = "1.30"
solids_bonus_per_point = "0.10"
service_charges = { transport = "0.04", chilling = "0.015" }
"""


def _roster(path: pathlib.Path, farmers: int) -> None:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["farmer", "name"])
        for i in range(farmers):
            w.writerow([f"F{i:05d}", f"Farmer {i}"])


def _deliveries(path: pathlib.Path, farmers: int, days: int) -> int:
    rng = random.Random(1)
    n = 0
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["farmer", "date", "shift", "litres", "total_solids", "cooled"])
        for k in range(days):
            day = (dt.date(2026, 1, 1) + dt.timedelta(days=k)).isoformat()
            for i in range(farmers):
                for shift in ("am", "pm"):
                    w.writerow(
                        [
                            f"F{i:05d}",
                            day,
                            shift,
                            f"{rng.randint(40, 400) / 10}",
                            f"{rng.randint(1150, 1290) / 100}",
                            "yes",
                        ]
                    )
                    n += 1
    return n


def _book(where: Any, tmp: pathlib.Path, farmers: int) -> Book:
    book = Book.init(where, coop=f"bench-{uuid.uuid4().hex[:8]}")
    _roster(tmp / "roster.csv", farmers)
    (tmp / "prices.toml").write_text(PRICES)
    book.import_roster(tmp / "roster.csv")
    book.import_prices(tmp / "prices.toml")
    return book


def _bare_executemany(book: Book, path: pathlib.Path) -> None:
    """The baseline: the CSV's rows, as they are, into the deliveries table, one executemany per
    5,000 rows, in one transaction."""
    bind = book._store.bind
    columns = "coop_id, farmer, date, shift, version, litres, total_solids, cooled, import_id, line"
    cid = book.coop.coop_id
    with book._store.transaction(write=True) as conn:
        iid = conn.execute(
            sa.text(
                "INSERT INTO book_imports (coop_id, kind, source, recorded_at, recorded_by, new, "
                "already) VALUES (:c, 'bare', 'bench', :t, 'bench', 0, 0) RETURNING id"
            ),
            {"c": cid, "t": dt.datetime.now(dt.UTC)},
        ).scalar_one()
        mark = "?" if bind.dialect.name == "sqlite" else "%s"
        sql = f"INSERT INTO book_deliveries ({columns}) VALUES ({', '.join([mark] * 10)})"
        sqlite = bind.dialect.name == "sqlite"
        with path.open(newline="") as fh:
            reader = csv.reader(fh)
            next(reader)
            batch: list[tuple[Any, ...]] = []
            for line, (farmer, day, shift, litres, ts, _cooled) in enumerate(reader, start=2):
                batch.append(
                    (
                        cid,
                        farmer,
                        day,
                        shift,
                        0,
                        litres if sqlite else Decimal(litres),
                        ts if sqlite else Decimal(ts),
                        True,
                        iid,
                        line,
                    )
                )
                if len(batch) == 5000:
                    conn.exec_driver_sql(sql, batch)
                    batch = []
            if batch:
                conn.exec_driver_sql(sql, batch)


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def traced(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def bench_import(label: str, make: Callable[[], Any], quick: bool, out: list[str]) -> None:
    farmers, days = (100, 100) if quick else (1400, 357)
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = pathlib.Path(tmpdir)
        n = _deliveries(tmp / "d.csv", farmers, days)
        book = _book(make(), tmp, farmers)
        t_book = timed(lambda: book.import_deliveries(tmp / "d.csv"))
        bare = _book(make(), tmp, farmers)
        t_bare = timed(lambda: _bare_executemany(bare, tmp / "d.csv"))
        out.append(
            f"| {label} | import {n:,} deliveries | {t_book:.2f} | {t_bare:.2f} | "
            f"{t_book / t_bare:.2f}× | |"
        )
        small = max(n // 10, 1000)
        _deliveries(tmp / "s.csv", farmers, max(days // 10, 1))
        for size, name in ((small, "s.csv"), (n, "d.csv")):
            mb = traced(lambda name=name: _book(make(), tmp, farmers).import_deliveries(tmp / name))
            out.append(f"| {label} | import, peak traced memory, ≈{size:,} rows | | | | {mb:.1f} |")


def _rolled_back(book: Book, period: Period) -> Callable[[], object]:
    """A close of ``period`` inside a transaction rolled back afterwards (the book is still
    open for the next round); the close runs in a SAVEPOINT of it, as in an app's transaction."""
    bind = book._store.bind

    def run() -> object:
        engine = bind if isinstance(bind, sa.Engine) else bind.engine
        with engine.connect() as conn:
            conn.begin()
            try:
                return Book.open(conn, book.coop.coop_id).close(period)
            finally:
                conn.rollback()

    return run


def bench_close(
    label: str, make: Callable[[], Any], quick: bool, out: list[str], rounds: int
) -> None:
    farmers = 1000 if quick else 20000
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = pathlib.Path(tmpdir)
        _deliveries(tmp / "d.csv", farmers, 15)
        with (tmp / "o.csv").open("w") as fh:
            fh.write("farmer,kind,amount,due,reference\n")
            for i in range(farmers):
                fh.write(f"F{i:05d},compulsory-savings,10.00,2026-01-15,aporte\n")
        book = _book(make(), tmp, farmers)
        book.import_deliveries(tmp / "d.csv")
        book.import_obligations(tmp / "o.csv")
        period = Period.parse("2026-01-01..2026-01-15")
        milk = []
        with (tmp / "d.csv").open(newline="") as fh:
            for r in csv.DictReader(fh):
                milk.append(
                    Delivery(
                        farmer=r["farmer"],
                        date=r["date"],
                        litres=r["litres"],
                        quality=Quality(total_solids=r["total_solids"], cooled=True),
                    )
                )
        obligations = [
            Obligation(
                farmer=f"F{i:05d}",
                kind="compulsory-savings",
                amount="10.00",
                due="2026-01-15",
                reference="aporte",
            )
            for i in range(farmers)
        ]
        prices = MilkPriceSchedule.from_file(tmp / "prices.toml")
        roster = [f"F{i:05d}" for i in range(farmers)]
        close = _rolled_back(book, period)
        walls, cpus = [], []
        t_close = t_settle = 0.0
        for _ in range(rounds):  # interleaved: settle, then close, each round
            t_settle, c_settle = timed_both(
                lambda: settle(milk, prices, period, obligations, farmers=roster)
            )
            t_close, c_close = timed_both(close)
            walls.append(t_close / t_settle)
            cpus.append(c_close / c_settle)
        mb_settle = traced(lambda: settle(milk, prices, period, obligations, farmers=roster))
        milk.clear()
        n = farmers * 30
        out.append(
            f"| {label} | close 1 fortnight, {farmers:,} farmers ({n:,} deliveries), median of "
            f"{rounds} | {t_close:.2f} | {t_settle:.2f} | {statistics.median(walls):.2f}× "
            f"(CPU {statistics.median(cpus):.2f}×) | settle {mb_settle:.0f} |"
        )
        mb = traced(close)
        out.append(f"| {label} | close, peak traced memory | | | | {mb:.0f} |")


def timed_both(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of ``fn()`` (CPU time is less disturbed by a loaded machine)."""
    t, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t, time.process_time() - c


def main() -> None:
    quick = "--quick" in sys.argv
    only = "--close-only" in sys.argv
    rounds = 3
    for arg in sys.argv:
        if arg.startswith("--rounds="):
            rounds = int(arg.split("=", 1)[1])
    backends: list[tuple[str, Callable[[], Any]]] = []
    tmp = pathlib.Path(tempfile.mkdtemp())
    backends.append(("SQLite", lambda: f"sqlite:///{tmp / uuid.uuid4().hex}.db"))
    url = os.environ.get("COOPFINANCE_TEST_POSTGRES_URL")
    if url:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(url)
        with admin.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
        engine = sa.create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
        backends.append(("PostgreSQL", lambda: engine))
    out = [
        f"Python {sys.version.split()[0]} on {platform.machine()} ({platform.system()})"
        f"{' (quick)' if quick else ''}\n",
        "| backend | case | book (s) | baseline (s) | ratio | peak traced memory (MB) |",
        "|---|---|---:|---:|---:|---:|",
    ]
    try:
        for label, make in backends:
            if not only:
                bench_import(label, make, quick, out)
            bench_close(label, make, quick, out, rounds)
    finally:
        if url:
            engine.dispose()
            with admin.begin() as conn:
                conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    print("\n".join(out))


if __name__ == "__main__":
    main()
