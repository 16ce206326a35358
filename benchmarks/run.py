"""Every row of issue 22's table measured against its anchor in one process, rounds interleaved.

Run from the repository root::

    PYTHONPATH=src python benchmarks/run.py [--quick] [--json PATH] [--only KEY,KEY] [--rounds N]

For each row the runner builds coopfinance's call and the anchor's call on the same data, then
times them alternately, ``rounds`` times (CPU time of this process, each timing repeated until it
lasts at least ``--min-time`` seconds). A round's ratio is coopfinance ÷ anchor (below 1 is
faster); the table gives the median ratio and its min–max over the rounds. Absolute times on a
shared machine move by 2–4× from run to run; interleaving lets both sides meet the same load, so
the ratios are what hold.

Each row also reports:

- **growth**: coopfinance's cost per unit (row, account, farmer, scenario) at a size four times
  larger, ÷ the cost per unit at the base size (1.0 is linear; 2.0 means the cost per unit doubles
  when the size quadruples);
- **peak memory** (``tracemalloc``, MB) of one coopfinance call, for the batch, Monte Carlo,
  settlement and ``report_many`` rows.

``--quick`` runs every row on small sizes with two rounds (seconds in all): CI runs it through
``tests/test_benchmarks.py`` so the benchmarks keep working; no test depends on a time. The
anchors (``pyxirr``, ``amortization``, ``numpy-financial``) come with the ``bench`` extra; a row
whose anchor is missing is reported as skipped. The printed table is Markdown; ``--json`` writes
every figure (rounds included) for ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from coopfinance import LoanTerms, Rate
from coopfinance.batch import schedules, solve_rates
from coopfinance.cost import tcea
from coopfinance.dairy import Delivery, MilkPriceSchedule, Obligation, Period, Quality, settle
from coopfinance.linked import BLOCK, Portfolio, simulate
from coopfinance.portfolio import exposure, report, report_many
from coopfinance.servicing import LoanAccount, Payment

Pair = tuple[Callable[[], object], Callable[[], object]]


@dataclass
class Row:
    """One row of the issue's table: ``setup(size)`` gives (coopfinance call, anchor call)."""

    key: str
    work: str
    anchor: str
    target: str
    setup: Callable[[int], Pair]
    size: int
    quick: int
    unit: str
    memory: bool = False
    slow: bool = False  # skipped by --quick (say where else it runs)
    needs: tuple[str, ...] = ()
    result: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------- schedules and cost of credit

TEA = Rate.effective_annual("35%")
DAY = dt.date(2026, 1, 15)


def _terms(n: int, day: dt.date = DAY, principal: str = "50000") -> LoanTerms:
    return LoanTerms(principal=principal, rate=TEA, installments=n, disbursed=day)


def tcea_one(n: int) -> Pair:
    import pyxirr

    s = _terms(n).schedule()
    dates = [s.disbursed, *[r.due_date for r in s]]
    floats = [float(s.principal), *[-float(r.total) for r in s]]
    return (lambda: tcea(s)), (lambda: pyxirr.xirr(dates, floats))


def schedule_cached(n: int) -> Pair:
    from amortization.schedule import amortization_schedule

    terms = _terms(n)
    monthly = 1.35 ** (1 / 12) - 1

    def anchor() -> object:
        return list(amortization_schedule(50000.0, monthly * 12, n))

    return (terms.schedule), anchor


def schedule_new(n: int) -> Pair:
    from amortization.schedule import amortization_schedule

    rng = random.Random(3)
    monthly = 1.35 ** (1 / 12) - 1

    def ours() -> object:
        day = DAY + dt.timedelta(days=rng.randrange(0, 3000))
        return _terms(n, day, str(rng.randrange(1000, 90000))).schedule()

    return ours, (lambda: list(amortization_schedule(50000.0, monthly * 12, n)))


def schedule_long(n: int) -> Pair:
    import numpy_financial as npf

    terms = _terms(n)
    monthly = 1.35 ** (1 / 12) - 1
    per = np.arange(1, n + 1)

    def anchor() -> object:
        return npf.ipmt(monthly, per, n, -50000.0), npf.ppmt(monthly, per, n, -50000.0)

    return (terms.schedule), anchor


# ---------------------------------------------------------------- batch


def _batch_data(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    principal = np.round(rng.uniform(500, 50_000, n), 2)
    rate = np.round(rng.uniform(0.1, 0.8, n), 4)
    disbursed = np.datetime64("2025-01-01") + rng.integers(0, 730, n)
    return principal, rate, disbursed


def batch_schedules(n: int) -> Pair:
    principal, rate, disbursed = _batch_data(n)
    m = 36

    def closed_form() -> object:
        i = np.expm1(np.log1p(rate) / 12)[:, None]
        k = np.arange(1, m + 1)[None, :]
        c = principal[:, None] * i / (1 - (1 + i) ** -m)
        return principal[:, None] * (1 + i) ** k - c * ((1 + i) ** k - 1) / i

    return (lambda: schedules(principal, rate, m, disbursed)), closed_form


def batch_copy(n: int) -> Pair:
    principal, rate, disbursed = _batch_data(n)
    out = schedules(principal, rate, 36, disbursed)
    arrays = [
        a
        for a in (getattr(out, f.name) for f in attrs.fields(type(out)))
        if isinstance(a, np.ndarray)
    ]

    def copy() -> object:
        return [a.copy() for a in arrays]

    return (lambda: schedules(principal, rate, 36, disbursed)), copy


def _flows(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    principal, rate, disbursed = _batch_data(n)
    s = schedules(principal, rate, 36, disbursed)
    amounts = np.empty((n, 37))
    amounts[:, 0] = principal
    amounts[:, 1:] = -np.asarray(s.total, dtype=float)
    days = np.zeros((n, 37), dtype=np.int64)
    days[:, 1:] = (s.due_date - disbursed[:, None]).astype(np.int64)
    return amounts, days, disbursed


def batch_tcea(n: int) -> Pair:
    import pyxirr

    amounts, days, disbursed = _flows(n)
    dates = (disbursed[:, None] + days).astype("datetime64[D]")
    rows = [(list(dates[j].astype(dt.date)), list(amounts[j])) for j in range(n)]

    def looped() -> object:
        return [pyxirr.xirr(d, a, day_count="ACT/360") for d, a in rows]

    return (lambda: solve_rates(amounts, days)), looped


# ---------------------------------------------------------------- servicing and portfolio

AS_OF = dt.date(2026, 9, 20)


def _accounts(n: int, seed: int = 7) -> list[LoanAccount]:
    """``n`` 12-month loans, 70 % paid on time, 20 % late or partly, 10 % stopped (as
    ``bench_portfolio.py``)."""
    rng = random.Random(seed)
    out = []
    for k in range(n):
        terms = LoanTerms(
            principal=Decimal(rng.randrange(1000, 20001, 50)),
            rate=Rate.effective_annual(Decimal(rng.randrange(18, 46)) / 100),
            installments=12,
            disbursed=dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(0, 30)),
        )
        events = []
        behaviour = rng.random()
        for row in terms.schedule().installments:
            if row.due_date > AS_OF:
                break
            if behaviour < 0.7:
                events.append(Payment(date=row.due_date, amount=row.total, id=f"{k}-{row.number}"))
            elif behaviour < 0.9:
                late = row.due_date + dt.timedelta(days=rng.randrange(1, 40))
                share = Decimal(rng.choice([50, 80, 100, 100])) / 100
                amount = (row.total * share).quantize(Decimal("0.01"))
                events.append(Payment(date=late, amount=amount, id=f"{k}-{row.number}"))
        out.append(LoanAccount(terms=terms, events=events, id=str(k)))
    return out


def portfolio_many(n: int) -> Pair:
    sample = _accounts(min(n, 2000), seed=11)
    exposures = [exposure(a.state(AS_OF), a.id) for a in sample]
    rng = random.Random(1)
    stored = [rng.choice(exposures)._replace(loan_id=str(i)) for i in range(n)]
    accounts = _accounts(n)
    return (lambda: report_many(accounts, AS_OF)), (lambda: report(stored))


# ---------------------------------------------------------------- dairy


def _milk(farmers: int) -> tuple[list[Delivery], MilkPriceSchedule, Period, list[Obligation]]:
    rng = random.Random(1)
    period = Period.parse("2026-01-01..2026-01-15")
    names = [f"F{i:05d}" for i in range(farmers)]
    milk = [
        Delivery(
            farmer=f,
            date=period.start + dt.timedelta(days=day),
            litres=Decimal(rng.randint(40, 900)) / 10,
            quality=Quality(
                total_solids=Decimal(rng.randint(1150, 1290)) / 100, cooled=rng.random() < 0.5
            ),
        )
        for day in range(15)
        for f in names
    ]
    charges = {"transport": "0.04", "chilling": "0.015"}
    prices = MilkPriceSchedule.from_dict(
        {
            "prices": [
                {"from": "2026-01-01", "to": "2026-12-31", "base": "1.25",
                 "solids_bonus_per_point": "0.08", "cooling_bonus": "0.02",
                 "service_charges": charges},
            ]
        }
    )  # fmt: skip
    obligations = [
        Obligation(farmer=f, kind=kind, amount=amount)
        for f in names
        for kind, amount in (("compulsory-savings", "10.00"), ("voluntary-savings", "5.00"))
    ]
    return milk, prices, period, obligations


def settlement(farmers: int) -> Pair:
    milk, prices, period, obligations = _milk(farmers)
    terms = prices.terms_on(period.start)
    base, bonus, cooling = terms.base, terms.solids_bonus_per_point, terms.cooling_bonus
    reference = terms.solids_reference
    per_litre = [p for _, p in terms.service_charges]
    cent = Decimal("0.01")
    rows = [(d.farmer, d.litres, d.quality.total_solids, d.quality.cooled) for d in milk]
    owed = {}
    for ob in obligations:
        owed.setdefault(ob.farmer, []).append(ob.amount)

    def bare() -> object:
        """The same arithmetic in a bare Decimal loop: price, value, charges, rounding, deductions."""
        value: dict[str, Decimal] = {}
        charge: dict[str, list[Decimal]] = {}
        for farmer, litres, solids, cooled in rows:
            price = base + bonus * (solids - reference) + (cooling if cooled else 0)
            value[farmer] = value.get(farmer, 0) + litres * price
            c = charge.setdefault(farmer, [Decimal(0)] * len(per_litre))
            for k, p in enumerate(per_litre):
                c[k] += litres * p
        out = {}
        for farmer, v in value.items():
            gross = v.quantize(cent, ROUND_HALF_UP)
            room = gross
            for amount in [x.quantize(cent, ROUND_HALF_UP) for x in charge[farmer]] + owed[farmer]:
                take = min(amount, room)
                room -= take
            out[farmer] = (gross, room)
        return out

    return (lambda: settle(milk, prices, period, obligations)), bare


# ---------------------------------------------------------------- Monte Carlo

MC_FARMERS, MC_PERIODS = 200, 48


def monte_carlo(scenarios: int) -> Pair:
    pf = Portfolio.example(MC_FARMERS, MC_PERIODS, seed=0)

    def random_only() -> None:
        streams = np.random.SeedSequence(0).spawn(-(-scenarios // BLOCK))
        z = np.empty((min(BLOCK, scenarios), MC_FARMERS), dtype=np.float32)
        for s in streams:
            g = np.random.Generator(np.random.PCG64(s))
            g.standard_normal((min(BLOCK, scenarios), MC_PERIODS))
            for _ in range(MC_PERIODS):
                g.standard_normal(out=z, dtype=np.float32)

    return (lambda: simulate(pf, scenarios=scenarios, seed=0)), random_only


def _plain_numpy(pf: Portfolio, scenarios: int, seed: int) -> dict[str, Any]:
    """The same model written plainly in numpy, as a user would without coopfinance: one
    generator, float64 shocks for all scenarios at once, period by period; the same outputs
    (collected per scenario and period, loans ever more than 30 days late, repayment period,
    the co-op's effective yield by Newton's method)."""
    rng = np.random.default_rng(seed)
    s_count, (f_count, t_count) = scenarios, pf.litres.shape
    sp, sy = 0.10, 0.15
    ends = pf.period_ends
    over = [sum(1 for d in ends if (end - d).days > 30) for end in ends]
    cum_due = np.cumsum(pf.installments, axis=1)
    price = pf.price * np.exp(sp * rng.standard_normal((s_count, t_count)) - sp * sp / 2) * 100
    arrears = np.zeros((s_count, f_count))
    paid = np.zeros((s_count, f_count))
    ever = np.zeros((s_count, f_count), dtype=bool)
    collected = np.empty((s_count, t_count))
    repaid_at = np.full((s_count, f_count), -1)
    for t in range(t_count):
        litres = pf.litres[:, t] * np.exp(
            sy * rng.standard_normal((s_count, f_count)) - sy * sy / 2
        )
        gross = np.floor(litres * price[:, t : t + 1] + 0.5)
        due = arrears + pf.installments[:, t]
        got = np.minimum(due, np.floor(gross * 3 / 10))
        arrears = due - got
        paid += got
        collected[:, t] = got.sum(axis=1) / 100
        if over[t]:
            ever |= paid < cum_due[:, over[t] - 1] - 0.5
        repaid_at[(repaid_at < 0) & (paid >= cum_due[:, -1] - 0.5)] = t
    tau = np.array([(d - pf.disbursed).days for d in ends]) / 360
    lent = pf.principal.sum() / 100
    x = np.full(s_count, 0.17)
    for _ in range(30):
        disc = np.exp(-np.outer(x, tau))
        f = (collected * disc).sum(axis=1) - lent
        x = x + f / (collected * disc * tau).sum(axis=1)
    return {"collected": collected, "over_30": int(ever.sum()), "repaid_at": repaid_at,
            "yield": np.expm1(x)}  # fmt: skip


def monte_carlo_plain(scenarios: int) -> Pair:
    pf = Portfolio.example(MC_FARMERS, MC_PERIODS, seed=0)
    return (lambda: simulate(pf, scenarios=scenarios, seed=0)), (
        lambda: _plain_numpy(pf, scenarios, 0)
    )


# ---------------------------------------------------------------- command line and documents


def _python(*args: str) -> Callable[[], object]:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1] / "src"))

    def call() -> object:
        return subprocess.run([sys.executable, *args], env=env, check=True, capture_output=True)

    return call


def cli_help(_: int) -> Pair:
    return _python("-m", "coopfinance", "--help"), _python("-c", "pass")


def demo(_: int) -> Pair:
    """The whole example season with every document, in a child process, vs ``python -c pass``."""
    work = Path(tempfile.mkdtemp(prefix="coopfinance-bench-"))
    count = iter(range(10**6))

    def run_demo() -> object:
        return _python("-m", "coopfinance", "demo", "-q", str(work / str(next(count))))()

    return run_demo, _python("-c", "pass")


ROWS = [
    Row("report_many", "`report_many`, N accounts", "`report()` on N stored exposures",
        "≤ 2×", portfolio_many, 20_000, 200, "accounts", memory=True),
    Row("tcea", "one TCEA (36 installments)", "`pyxirr.xirr`", "≤ 2×", tcea_one, 36, 36,
        "installments", needs=("pyxirr",)),
    Row("batch_tcea", "batch TCEA, N × 37 dated flows", "`pyxirr.xirr` loop", "≤ 0.25×",
        batch_tcea, 20_000, 500, "loans", memory=True, needs=("pyxirr",)),
    Row("schedule_36_cached", "exact level schedule, 36 rows, calendar cached",
        "`amortization` (float, no dates)", "≤ 1.1×", schedule_cached, 36, 36, "rows",
        needs=("amortization",)),
    Row("schedule_36_new", "exact level schedule, 36 rows, new terms and date each call",
        "`amortization`", "≤ 2×", schedule_new, 36, 36, "rows", needs=("amortization",)),
    Row("schedule_360", "exact schedule, 360 rows", "numpy-financial `ipmt`/`ppmt`", "≤ 2×",
        schedule_long, 360, 120, "rows", needs=("numpy_financial",)),
    Row("batch_schedules", "batch schedules N × 36 ACT/360", "numpy closed form", "≤ 0.6×",
        batch_schedules, 100_000, 2_000, "loans", memory=True),
    Row("batch_copy", "batch schedules N × 36", "a memory copy of the output", "≤ 4×",
        batch_copy, 100_000, 2_000, "loans"),
    Row("monte_carlo", "Monte Carlo N × 200 × 48", "its random numbers alone", "≤ 1.5×",
        monte_carlo, 10_000, 200, "scenarios", memory=True),
    Row("monte_carlo_plain", "Monte Carlo N × 200 × 48", "a plain numpy implementation",
        "≤ 1.0×", monte_carlo_plain, 10_000, 200, "scenarios"),
    Row("cli_help", "`coopfinance --help`", "`python -c pass`", "≤ 5×", cli_help, 1, 1, "—"),
    Row("settlement", "settlement, N farmers × 1 fortnight", "a bare Decimal loop", "≤ 2×",
        settlement, 2_000, 50, "farmers", memory=True),
    Row("demo", "`coopfinance demo` (every document)", "`python -c pass`", "≤ 0.5× of before",
        demo, 1, 1, "—", slow=True),
]  # fmt: skip


def cpu(fn: Callable[[], object], min_time: float) -> float:
    """CPU seconds (this process and its children) per call, repeating until ``min_time``."""
    number = 1
    while True:
        gc.collect()
        t0 = time.process_time()
        c0 = os.times()
        for _ in range(number):
            fn()
        c1 = os.times()
        spent = time.process_time() - t0
        spent += (c1.children_user - c0.children_user) + (c1.children_system - c0.children_system)
        if spent >= min_time or number >= 1 << 20:
            return spent / number
        number *= 2 if spent <= 0 else max(2, min(10, int(min_time / spent * 1.2) + 1))


def peak_mb(fn: Callable[[], object]) -> float:
    gc.collect()
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def measure(row: Row, *, quick: bool, rounds: int, min_time: float) -> None:
    missing = [m for m in row.needs if not _importable(m)]
    if missing:
        row.result = {"skipped": f"{', '.join(missing)} not installed (the bench extra)"}
        return
    if quick and row.slow:
        row.result = {"skipped": "not in --quick (tests/test_demo.py runs the demo)"}
        return
    size = row.quick if quick else row.size
    ours, anchor = row.setup(size)
    ours()
    anchor()  # warm caches and imports on both sides
    a_times, o_times, ratios = [], [], []
    for _ in range(rounds):
        o = cpu(ours, min_time)
        a = cpu(anchor, min_time)
        o_times.append(o)
        a_times.append(a)
        ratios.append(o / a)
    res: dict[str, Any] = {
        "size": size,
        "unit": row.unit,
        "ours_s": statistics.median(o_times),
        "anchor_s": statistics.median(a_times),
        "ratio": statistics.median(ratios),
        "ratio_min": min(ratios),
        "ratio_max": max(ratios),
        "rounds": ratios,
    }
    if row.unit != "—":
        small = max(1, size // 4)
        ours_small, _ = row.setup(small)
        ours_small()
        per_small = min(cpu(ours_small, min_time) for _ in range(max(1, rounds // 2))) / small
        per_big = min(o_times) / size
        res["growth"] = per_big / per_small
        res["growth_sizes"] = [small, size]
    if row.memory:
        res["peak_mb"] = peak_mb(ours)
    row.result = res


def _importable(name: str) -> bool:
    try:
        __import__(name)
    except ImportError:
        return False
    return True


def table(rows: list[Row]) -> str:
    out = [
        "| work | anchor | size | coopfinance s | anchor s | ratio (median, min–max) | target "
        "| growth ×4 size | peak MB |",
        "|---|---|---:|---:|---:|---|---|---:|---:|",
    ]
    for r in rows:
        res = r.result
        if "skipped" in res:
            out.append(f"| {r.work} | {r.anchor} | — | — | — | skipped: {res['skipped']} "
                       f"| {r.target} | — | — |")  # fmt: skip
            continue
        growth = f"{res['growth']:.2f}" if "growth" in res else "—"
        peak = f"{res['peak_mb']:.1f}" if "peak_mb" in res else "—"
        out.append(
            f"| {r.work} | {r.anchor} | {res['size']:,} | {res['ours_s']:.4g} | "
            f"{res['anchor_s']:.4g} | {res['ratio']:.2f}× ({res['ratio_min']:.2f}–"
            f"{res['ratio_max']:.2f}) | {r.target} | {growth} | {peak} |"
        )
    return "\n".join(out)


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "system": platform.system(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg()[0],
        "numpy": np.__version__,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="small sizes, two rounds (CI)")
    p.add_argument("--json", type=Path, help="write every figure to this file")
    p.add_argument("--only", help="comma-separated row keys: " + ", ".join(r.key for r in ROWS))
    p.add_argument(
        "--rounds", type=int, default=None, help="interleaved rounds (default 5; 2 quick)"
    )
    p.add_argument(
        "--min-time", type=float, default=None, help="seconds per timing (0.2; quick 0.005)"
    )
    ns = p.parse_args(argv)
    rounds = ns.rounds or (2 if ns.quick else 5)
    min_time = ns.min_time if ns.min_time is not None else (0.005 if ns.quick else 0.2)
    keys = set(ns.only.split(",")) if ns.only else None
    chosen = [r for r in ROWS if keys is None or r.key in keys]
    if keys is not None and len(chosen) != len(keys):
        p.error(f"unknown row in --only: {sorted(keys - {r.key for r in ROWS})}")
    before = machine()
    for r in chosen:
        measure(r, quick=ns.quick, rounds=rounds, min_time=min_time)
        print(f"measured {r.key}", file=sys.stderr, flush=True)
    info = {**before, "load_average_after": os.getloadavg()[0], "quick": ns.quick,
            "rounds": rounds}  # fmt: skip
    print(f"Python {info['python']}, numpy {info['numpy']} on {info['machine']} "
          f"({info['system']}, {info['cpus']} CPUs), load average {info['load_average']:.2f} → "
          f"{info['load_average_after']:.2f}; {rounds} interleaved rounds, CPU time\n")  # fmt: skip
    print(table(chosen))
    if ns.json:
        ns.json.write_text(
            json.dumps({"machine": info, "rows": {r.key: {"work": r.work, "anchor": r.anchor,
                        "target": r.target, **r.result} for r in chosen}}, indent=2) + "\n",
            encoding="utf-8",
        )  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
