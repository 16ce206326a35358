"""One TCEA solve on a 36-installment schedule against pyxirr.xirr and numpy_financial.irr.

Run from the repository root: ``PYTHONPATH=src python benchmarks/bench_cost.py``. Prints the best
of several timeit repeats, in microseconds per call.
"""

from __future__ import annotations

import datetime as dt
import math
import timeit
from collections.abc import Callable
from decimal import Decimal

from coopfinance import LoanTerms, Rate
from coopfinance.cost import irr, tcea, xirr
from coopfinance.cost._solver import _polish_power

SCHEDULE = LoanTerms(
    principal="50000",
    rate=Rate.effective_annual("35%"),
    installments=36,
    disbursed=dt.date(2026, 1, 15),
).schedule()
DATES = [SCHEDULE.disbursed, *[r.due_date for r in SCHEDULE]]
AMOUNTS = [SCHEDULE.principal, *[-r.total for r in SCHEDULE]]
FLOATS = [float(a) for a in AMOUNTS]
PERIODIC = [-float(SCHEDULE.principal), *[float(r.total) for r in SCHEDULE]]


def best(fn: Callable[[], object], number: int) -> float:
    """Best of 7 repeats, microseconds per call."""
    return min(timeit.repeat(fn, number=number, repeat=7)) / number * 1e6


def main() -> None:
    import numpy_financial as npf
    import pyxirr

    rate = tcea(SCHEDULE)
    days = [(d - SCHEDULE.disbursed).days for d in DATES]
    y = math.log1p(float(rate))
    rows = [
        ("coopfinance.cost.tcea(schedule)", best(lambda: tcea(SCHEDULE), 2000), str(rate)[:12]),
        (
            "  of which: decimal polish",
            best(lambda: _polish_power(AMOUNTS, days, 360, floats=FLOATS, y=y, field="f"), 2000),
            "",
        ),
        ("  of which: 37 float(Decimal)", best(lambda: list(map(float, AMOUNTS)), 20000), ""),
        (
            "coopfinance.cost.xirr(flows) act/365",
            best(lambda: xirr(list(zip(DATES, AMOUNTS, strict=True))), 1000),
            "",
        ),
        (
            "coopfinance.cost.irr(periodic)",
            best(lambda: irr([-SCHEDULE.principal, *[r.total for r in SCHEDULE]]), 1000),
            "",
        ),
        (
            "pyxirr.xirr(dates, floats)",
            best(lambda: pyxirr.xirr(DATES, FLOATS), 20000),
            f"{pyxirr.xirr(DATES, FLOATS):.10f}",
        ),
        (
            "numpy_financial.irr(periodic)",
            best(lambda: npf.irr(PERIODIC), 200),
            f"{npf.irr(PERIODIC):.10f}",
        ),
    ]
    base = rows[5][1]
    print(f"{'call':40} {'µs/call':>10} {'× pyxirr':>9}  result")
    for name, us, result in rows:
        print(f"{name:40} {us:10.1f} {us / base:9.1f}  {result}")
    # the reference check: TCEA from pyxirr on a 360-day year must agree
    act365 = pyxirr.xirr(DATES, FLOATS)
    print(
        f"\nTCEA {rate:.12f}; pyxirr act/365 {act365:.12f} -> on 360 days "
        f"{(1 + act365) ** (360 / 365) - 1:.12f}; TEA 0.35"
    )
    assert abs(Decimal(repr((1 + act365) ** (360 / 365) - 1)) - rate) < Decimal("1e-9")


if __name__ == "__main__":
    main()
