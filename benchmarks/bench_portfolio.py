"""Speed of loan servicing and portfolio reporting, measured in one run.

Run: ``python benchmarks/bench_portfolio.py [N]`` (prints a Markdown table; N, default 100,000,
is the size of the large portfolio). Not part of the test verdict.

What is measured, for a co-op portfolio of 12-month loans (S/ 1,000–20,000, TEA 18–45 %) with
on-time, late, partial and missing payments, as of one date 8 months after disbursements:
- replaying every account's events into its state (exact Decimal) and reporting on them, for
  200 loans (a co-op) and for 5,000 loans (to give a per-account figure);
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
from coopfinance.portfolio import Exposure, exposure, report
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


def timed(fn: object, *args: object) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args)  # type: ignore[operator]
    return time.perf_counter() - start, result


def replay(accounts: list[LoanAccount]) -> list[AccountState]:
    return [a.state(AS_OF) for a in accounts]


def main() -> None:
    big = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rows = []
    for n in (200, 5000):
        accounts = make_accounts(n)
        t_replay, states = timed(replay, accounts)
        t_report, _ = timed(report, states)
        rows.append((f"replay {n:,} accounts + report", t_replay + t_report, n))
    per_account = rows[-1][1] / rows[-1][2]
    sample = [exposure(s, str(i)) for i, s in enumerate(states)]  # type: ignore[arg-type]
    rng = random.Random(1)
    exposures: list[Exposure] = [rng.choice(sample)._replace(loan_id=str(i)) for i in range(big)]
    t_big, result = timed(report, exposures)
    rows.append((f"report on {big:,} stored exposures", t_big, big))
    print(f"Python {platform.python_version()} on {platform.machine()}")
    print()
    print("| task | seconds | per account |")
    print("|---|---:|---:|")
    for label, seconds, n in rows:
        print(f"| {label} | {seconds:.3f} | {seconds / n * 1e6:.0f} µs |")
    print(
        f"| replay {big:,} accounts (estimated from the 5,000 run) | "
        f"{per_account * big:.0f} | {per_account * 1e6:.0f} µs |"
    )
    print()
    print(f"PAR30 of the large portfolio: {result.par[30]:.4f}")  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
