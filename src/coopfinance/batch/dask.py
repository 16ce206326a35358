"""The batch functions over Dask collections partitioned by loan (optional extra ``dask``).

Each partition is computed by the in-memory function; per-loan results do not depend on which
partition a loan is in, and portfolio sums are whole cents added as integers, so the results are
identical to the in-memory run for any partitioning. Dask is imported when a function is called:
this module imports without it.

- :func:`schedules_frame`: a Dask DataFrame of loans → the long-format schedule rows;
- :func:`solve_rates`: a Dask array of flows ``(N, m)`` chunked by rows → a numpy array of rates;
- :func:`portfolio_metrics`: Dask arrays of balances and days past due → :class:`PortfolioMetrics`;
- :func:`report_many`: loan accounts (a sequence or a Dask bag) replayed by partition →
  :class:`~coopfinance.portfolio.PortfolioReport`, the same as
  :func:`coopfinance.portfolio.report_many`;
- :func:`simulate`: the Monte Carlo of :func:`coopfinance.linked.simulate` with its scenarios
  split across tasks by whole chunks (each chunk its own random streams), added up in chunk
  order: the same result, float for float, as the in-memory run with the same seed.

Everything a task needs crosses a pickle boundary (accounts, portfolios, results), so the same
code runs on a ``LocalCluster`` of worker processes or on a real cluster: only the
``dask.distributed.Client`` changes (see docs/batch.md).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from coopfinance.batch._portfolio import (
    DEFAULT_THRESHOLDS,
    PortfolioMetrics,
    metrics_from_sums,
    portfolio_sums,
)
from coopfinance.batch._schedules import schedules
from coopfinance.batch._solve import solve_rates as _solve_rates
from coopfinance.errors import E_, BatchNoSolution, InvalidValue
from coopfinance.linked._simulate import (
    Portfolio,
    SimulationResult,
    _chunks,
    _finish,
    _Plan,
    _plan,
    _Tally,
)
from coopfinance.portfolio import (
    DEFAULT_AGING,
    SBS_MICRO,
    Exposure,
    PortfolioReport,
    ProvisionPolicy,
    exposures,
    report,
)
from coopfinance.servicing import LoanAccount

__all__ = [
    "LONG_COLUMNS",
    "portfolio_metrics",
    "report_many",
    "schedules_frame",
    "simulate",
    "solve_rates",
]

LONG_COLUMNS = (
    "loan",
    "number",
    "due_date",
    "days",
    "opening_balance",
    "principal",
    "interest",
    "total",
    "balance",
)
"""Columns of :func:`schedules_frame`'s result (``loan`` is the input frame's index)."""


def _long_partition(part: Any, options: dict[str, Any]) -> Any:
    import pandas as pd  # type: ignore[import-untyped,import-not-found,unused-ignore]

    if len(part) == 0:
        return _meta()
    s = schedules(
        part["principal"].to_numpy(),
        part["rate"].to_numpy(),
        part["installments"].to_numpy(),
        part["disbursed"].to_numpy().astype("datetime64[D]"),
        grace=part["grace"].to_numpy() if "grace" in part else 0,
        **options,
    )
    long = s.to_long()
    long["loan"] = part.index.to_numpy()[long["loan"]]
    long["due_date"] = long["due_date"].astype("datetime64[s]")
    return pd.DataFrame({c: long[c] for c in LONG_COLUMNS})


def _meta() -> Any:
    import pandas as pd  # type: ignore[import-untyped,import-not-found,unused-ignore]

    return pd.DataFrame(
        {
            "loan": np.array([], dtype=np.int64),
            "number": np.array([], dtype=np.int64),
            "due_date": np.array([], dtype="datetime64[s]"),
            "days": np.array([], dtype=np.int64),
            **{c: np.array([], dtype=np.float64) for c in LONG_COLUMNS[4:]},
        }
    )


def schedules_frame(loans: Any, **options: Any) -> Any:
    """Long-format schedule rows of a Dask DataFrame of loans, one output partition per input one.

    ``loans`` has columns ``principal``, ``rate``, ``installments``, ``disbursed`` (and optionally ``grace``);
    ``options`` are :func:`coopfinance.batch.schedules` keywords (``amortization``, ``frequency``, ...).
    Each partition's inputs are validated when it is computed.
    """
    return loans.map_partitions(_long_partition, options, meta=_meta())


def _solve_block(amounts: npt.NDArray[Any], days: npt.NDArray[Any] | None, basis: int) -> Any:
    got = _solve_rates(amounts, days, basis=basis, on_failure="mask")
    return np.stack([np.ma.getdata(got), np.ma.getmaskarray(got).astype(np.float64)], axis=1)


def solve_rates(amounts: Any, days: Any = None, *, basis: int = 360) -> npt.NDArray[np.float64]:
    """:func:`coopfinance.batch.solve_rates` over a Dask array chunked by rows (one chunk across
    the columns); failing rows raise :class:`~coopfinance.errors.BatchNoSolution` with their global
    indices."""
    import dask.array as da  # type: ignore[import-not-found,import-untyped,unused-ignore]

    amounts = amounts.rechunk({1: -1})
    if days is None:
        out = da.map_blocks(
            _solve_block, amounts, None, basis, chunks=(amounts.chunks[0], (2,)), dtype=float
        )
    else:
        days = days.rechunk(amounts.chunks)
        out = da.map_blocks(
            _solve_block, amounts, days, basis, chunks=(amounts.chunks[0], (2,)), dtype=float
        )
    result = np.asarray(out.compute())
    failed = np.flatnonzero(result[:, 1] != 0)
    if len(failed):
        shown = ", ".join(str(int(k)) for k in failed[:10])
        raise BatchNoSolution(
            E_(
                "'amounts' rows %(shown)s have no single rate that makes their present value zero.",
                shown=shown,
            ),
            field="amounts",
            rows=tuple(int(k) for k in failed),
        )
    rates: npt.NDArray[np.float64] = result[:, 0].copy()
    return rates


def _sums_block(balance: Any, dpd: Any, thresholds: Sequence[int]) -> Any:
    return portfolio_sums(balance, dpd, thresholds)[None, :]


def portfolio_metrics(
    balance: Any, days_past_due: Any, *, thresholds: Sequence[int] = DEFAULT_THRESHOLDS
) -> PortfolioMetrics:
    """:func:`coopfinance.batch.portfolio_metrics` over Dask arrays chunked alike by account."""
    import dask.array as da  # type: ignore[import-not-found,import-untyped,unused-ignore]

    days_past_due = days_past_due.rechunk(balance.chunks)
    width = 2 + len(tuple(thresholds))
    sums = da.map_blocks(
        _sums_block,
        balance,
        days_past_due,
        tuple(thresholds),
        new_axis=1,
        chunks=((1,) * balance.numblocks[0], (width,)),
        dtype=np.int64,
    ).sum(axis=0)
    return metrics_from_sums(np.asarray(sums.compute()), thresholds)


def _partitions(value: int | None, most: int, default: int = 8) -> int:
    """How many tasks: ``value`` checked (a whole number ≥ 1), at most ``most``."""
    if value is None:
        value = default
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidValue(
            E_(
                "'partitions' must be a whole number, 1 or more (got %(value)s).", value=repr(value)
            ),
            field="partitions",
            value=value,
        )
    return max(1, min(value, most))


def _exposures_part(accounts: Iterable[LoanAccount], as_of: dt.date) -> list[Exposure]:
    return exposures(list(accounts), as_of)


def report_many(
    accounts: Any,
    as_of: dt.date,
    *,
    partitions: int | None = None,
    policy: ProvisionPolicy | None = None,
    par_days: Sequence[int] = (0, 30, 90),
    aging_bounds: Sequence[int] | None = None,
) -> PortfolioReport:
    """:func:`coopfinance.portfolio.report_many` with the accounts replayed by partition.

    ``accounts`` is a sequence of :class:`~coopfinance.servicing.LoanAccount` (split into
    ``partitions`` pieces, default 8) or a ``dask.bag.Bag`` of them (its own partitions, for
    accounts read by partition on the workers). Each partition computes its
    :func:`~coopfinance.portfolio.exposures`; the exposures come back in order and the report is
    made here, so it is the very report of the in-memory run.
    """
    import dask.bag as db  # type: ignore[import-not-found,import-untyped,unused-ignore]

    if isinstance(accounts, db.Bag):
        bag = accounts
    else:
        items = list(accounts)
        bag = db.from_sequence(items, npartitions=_partitions(partitions, max(1, len(items))))
    rows = list(bag.map_partitions(_exposures_part, as_of).compute())
    return report(
        rows,
        policy=SBS_MICRO if policy is None else policy,
        par_days=par_days,
        aging_bounds=DEFAULT_AGING if aging_bounds is None else aging_bounds,
    )


def _simulate_part(portfolio: Portfolio, plan: _Plan, first: int, stop: int) -> list[_Tally]:
    return list(_chunks(portfolio, plan, range(first, stop)))


def simulate(
    portfolio: Portfolio,
    *,
    scenarios: int = 1000,
    seed: int = 0,
    price_sd: Decimal | str = Decimal("0.10"),
    yield_sd: Decimal | str = Decimal("0.15"),
    price_persistence: Decimal | str = Decimal(0),
    chunk_scenarios: int | None = None,
    partitions: int | None = None,
) -> SimulationResult:
    """:func:`coopfinance.linked.simulate` with its chunks of scenarios run as Dask tasks.

    The chunks (``chunk_scenarios``, as in the in-memory run) are split into ``partitions``
    tasks of consecutive chunks (default 8, at most one per chunk); the portfolio is sent to the
    workers once. Each task returns its chunks' counts and sums, counted from zero; they are
    added here in chunk order, as the in-memory run adds them, and the yields are solved here,
    so the result is identical to ``linked.simulate`` with the same arguments.
    """
    from dask.base import compute  # type: ignore[import-not-found,import-untyped,unused-ignore]
    from dask.delayed import delayed  # type: ignore[import-not-found,import-untyped,unused-ignore]

    plan = _plan(
        portfolio, scenarios=scenarios, seed=seed, price_sd=price_sd, yield_sd=yield_sd,
        price_persistence=price_persistence, chunk_scenarios=chunk_scenarios,
    )  # fmt: skip
    n = plan.chunk_count
    k = _partitions(partitions, n)
    bounds = [n * i // k for i in range(k + 1)]
    shared = delayed(portfolio)
    tasks = [delayed(_simulate_part)(shared, plan, a, b) for a, b in itertools.pairwise(bounds)]
    parts = list(compute(*tasks))

    def in_order() -> Iterator[_Tally]:
        for k in range(len(parts)):
            part, parts[k] = parts[k], []  # dropped once added
            yield from part

    return _finish(portfolio, plan, in_order())
