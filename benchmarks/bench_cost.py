"""One TCEA solve on a 36-installment schedule against pyxirr.xirr, numpy_financial.irr and a
pure-Python float Newton, in one run.

Run from the repository root: ``PYTHONPATH=src python benchmarks/bench_cost.py``. Prints a Markdown
table: for each call the best timeit repeat over ``ROUNDS`` interleaved rounds of ``REPEAT``
repeats, in microseconds per call, and the ratio to pyxirr measured in the same run (the machine is
shared: interleaving lets every call meet the quiet moments; compare ratios, not absolute figures).
"""

from __future__ import annotations

import datetime as dt
import math
import timeit
from collections.abc import Callable, Sequence
from decimal import Decimal

from coopfinance import LoanTerms, Rate
from coopfinance.cost import irr, tcea, xirr
from coopfinance.cost._components import components
from coopfinance.cost._solver import _solve_power_fast, _solve_power_general
from coopfinance.cost._tcea import _tcea_flows

ROUNDS = 7
REPEAT = 3

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
TIMES = [(d - SCHEDULE.disbursed).days / 360 for d in DATES]


def best(fn: Callable[[], object], number: int) -> float:
    """Best of REPEAT repeats, microseconds per call."""
    return min(timeit.repeat(fn, number=number, repeat=REPEAT)) / number * 1e6


def interleaved(rows: Sequence[tuple[str, Callable[[], object], int]]) -> list[tuple[str, float]]:
    """Each row's best over ROUNDS rounds, every round timing all rows in turn."""
    found = [math.inf] * len(rows)
    for _ in range(ROUNDS):
        for k, (_, fn, number) in enumerate(rows):
            found[k] = min(found[k], best(fn, number))
    return [(name, us) for (name, _, _), us in zip(rows, found, strict=True)]


def float_newton(amounts: Sequence[float], times: Sequence[float]) -> float:
    """A plain Newton in float on ``Σ cₖ(1 + x)^(−tₖ) = 0`` from 10 %: no bracket, no checks."""
    x = 0.1
    for _ in range(50):
        f = df = 0.0
        for c, t in zip(amounts, times, strict=True):
            v = c * (1.0 + x) ** -t
            f += v
            df -= t * v / (1.0 + x)
        step = f / df
        x -= step
        if abs(step) < 1e-12:
            break
    return x


def main() -> None:
    import numpy_financial as npf
    import pyxirr

    rate = tcea(SCHEDULE)
    parts = components(None, "tcea")
    amounts, days = _tcea_flows(SCHEDULE, parts) or ([], [])
    full = (-0.99, 10000.0)
    bounds = (Decimal("-0.99"), Decimal(10000))
    rows: list[tuple[str, Callable[[], object], int]] = [
        ("pyxirr.xirr(dates, floats) (act/365)", lambda: pyxirr.xirr(DATES, FLOATS), 10000),
        ("`coopfinance.cost.tcea(schedule)`", lambda: tcea(SCHEDULE), 1000),
        ("— flows of the schedule (`_tcea_flows`)", lambda: _tcea_flows(SCHEDULE, parts), 5000),
        (
            "— the solve (`_solve_power_fast`)",
            lambda: _solve_power_fast(amounts, days, 360, full, bounds),
            1000,
        ),
        (
            "— previous method on the same flows (`_solve_power_general`)",
            lambda: _solve_power_general(amounts, days, 360, field="f", span=full),
            500,
        ),
        ("— 37 × `float(Decimal)`", lambda: list(map(float, AMOUNTS)), 5000),
        ("pure-Python float Newton (360-day times)", lambda: float_newton(FLOATS, TIMES), 2000),
        ("numpy_financial.irr(periodic)", lambda: npf.irr(PERIODIC), 200),
        (
            "`coopfinance.cost.xirr(flows)` (act/365)",
            lambda: xirr(list(zip(DATES, AMOUNTS, strict=True))),
            300,
        ),
        (
            "`coopfinance.cost.irr(periodic)`",
            lambda: irr([-SCHEDULE.principal, *[r.total for r in SCHEDULE]]),
            500,
        ),
    ]
    timed = interleaved(rows)
    base = timed[0][1]
    print("| call | µs/call | × pyxirr |\n|---|---:|---:|")
    for name, us in timed:
        print(f"| {name} | {us:.1f} | {us / base:.1f} |")
    # the reference check: TCEA from pyxirr on a 360-day year must agree
    act365 = pyxirr.xirr(DATES, FLOATS)
    on360 = (1 + act365) ** (360 / 365) - 1
    newton = float_newton(FLOATS, TIMES)
    print(
        f"\nTCEA {rate:.12f}; pyxirr act/365 {act365:.12f} -> on 360 days {on360:.12f}; "
        f"float Newton {newton:.12f}; TEA 0.35"
    )
    assert abs(Decimal(repr(on360)) - rate) < Decimal("1e-9")
    assert math.isclose(newton, float(rate), rel_tol=1e-12)


if __name__ == "__main__":
    main()
