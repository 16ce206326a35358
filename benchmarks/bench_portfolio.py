"""Speed of loan servicing and portfolio reporting, measured in one run.

Run: ``python benchmarks/bench_portfolio.py [N] [--full]`` (prints a Markdown table; N, default
100,000, is the size of the large portfolio; ``--full`` also replays all N accounts with
``report_many`` on 1 and 2 processes instead of estimating from 5,000). Not part of the test
verdict. Wall-clock and CPU seconds are both printed: on a shared machine the CPU time of the
process is the steadier figure (worker processes' CPU is not in it, so parallel runs show wall
time only).

What is measured, for a co-op portfolio of 12-month loans (S/ 1,000–20,000, TEA 18–45 %) with
on-time, late, partial and missing payments, as of one date 8 months after disbursements:
- replaying every account's events into its state (exact Decimal) and reporting on them, for
  200 loans (a co-op) and for 5,000 loans (to give a per-account figure);
- the same replay without the ledger (``state(as_of, detail=False)``);
- ``report_many`` on the same 5,000 accounts (1 process, then 2 worker processes), what a co-op
  app runs: accounts paid on time are read off their schedules, the others replayed, schedules
  built once per loan (the benchmark's loans all differ, so no schedule is shared);
- reporting (PAR, aging, SBS categories, provisions, repayment rate) on N stored exposures,
  the way an app reports on 100,000 accounts without replaying them again.
"""

from __future__ import annotations

import datetime as dt
import platform
import random
import sys
import time
from decimal import Decimal

from coopfinance import LoanTerms, Rate
from coopfinance.portfolio import Exposure, exposure, report, report_many
from coopfinance.servicing import AccountState, LoanAccount, Payment

AS_OF = dt.date(2026, 9, 20)


def make_accounts(n: int, seed: int = 7) -> list[LoanAccount]:
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
            if behaviour < 0.7:  # pays on time
                events.append(Payment(date=row.due_date, amount=row.total, id=f"{k}-{row.number}"))
            elif behaviour < 0.9:  # pays late, sometimes partly
                late = row.due_date + dt.timedelta(days=rng.randrange(1, 40))
                share = Decimal(rng.choice([50, 80, 100, 100])) / 100
                amount = (row.total * share).quantize(Decimal("0.01"))
                events.append(Payment(date=late, amount=amount, id=f"{k}-{row.number}"))
            # else: stops paying
        out.append(LoanAccount(terms=terms, events=events, id=str(k)))
    return out


def timed(fn: object, *args: object, **kwargs: object) -> tuple[float, float, object]:
    """Wall-clock seconds, CPU seconds of this process, and the result of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args, **kwargs)  # type: ignore[operator]
    return time.perf_counter() - wall, time.process_time() - cpu, result


def replay(accounts: list[LoanAccount]) -> list[AccountState]:
    return [a.state(AS_OF) for a in accounts]


def replay_light(accounts: list[LoanAccount]) -> list[AccountState]:
    return [a.state(AS_OF, detail=False) for a in accounts]


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    big = int(args[0]) if args else 100_000
    full = "--full" in sys.argv
    rows: list[tuple[str, float, float | None, int]] = []
    for n in (200, 5000):
        accounts = make_accounts(n)
        wall, cpu, states = timed(replay, accounts)
        wall2, cpu2, _ = timed(report, states)
        rows.append((f"replay {n:,} accounts + report", wall + wall2, cpu + cpu2, n))
    per_account = rows[-1][2] / rows[-1][3]  # type: ignore[operator]
    wall, cpu, light = timed(replay_light, accounts)
    wall2, cpu2, _ = timed(report, light)
    rows.append(("replay 5,000 without the ledger + report", wall + wall2, cpu + cpu2, 5000))
    per_light = (cpu + cpu2) / 5000
    fresh = make_accounts(5000, seed=8)  # schedules not yet built
    wall, cpu, _ = timed(report_many, fresh, AS_OF)
    rows.append(("report_many(5,000 accounts), 1 process", wall, cpu, 5000))
    per_many = cpu / 5000
    wall, _, _ = timed(report_many, accounts, AS_OF, workers=2)
    rows.append(("report_many(5,000, workers=2)", wall, None, 5000))
    sample = [exposure(s, str(i)) for i, s in enumerate(states)]  # type: ignore[arg-type]
    rng = random.Random(1)
    exposures: list[Exposure] = [rng.choice(sample)._replace(loan_id=str(i)) for i in range(big)]
    wall, cpu, result = timed(report, exposures)
    rows.append((f"report on {big:,} stored exposures", wall, cpu, big))
    if full:
        many = make_accounts(big)
        for workers in (1, 2):
            wall, cpu, _ = timed(report_many, many, AS_OF, workers=workers)
            rows.append((f"report_many({big:,}, workers={workers})", wall, cpu, big))
    print(f"Python {platform.python_version()} on {platform.machine()}")
    print()
    print("| task | wall s | CPU s | per account (CPU, else wall) |")
    print("|---|---:|---:|---:|")
    for label, wall_s, cpu_s, n in rows:
        shown = "—" if cpu_s is None or label.endswith("workers=2)") else f"{cpu_s:.3f}"
        per = wall_s if shown == "—" else cpu_s
        print(f"| {label} | {wall_s:.3f} | {shown} | {per / n * 1e6:.0f} µs |")  # type: ignore[operator]
    for label, per in (
        (f"replay {big:,} accounts", per_account),
        (f"replay {big:,} accounts without the ledger", per_light),
        (f"report_many({big:,} accounts), 1 process", per_many),
    ):
        print(
            f"| {label} (estimated from the 5,000 run) | — | {per * big:.1f} | {per * 1e6:.0f} µs |"
        )
    print()
    print(f"PAR30 of the large portfolio: {result.par[30]:.4f}")  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
