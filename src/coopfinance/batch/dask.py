"""The batch functions over Dask collections partitioned by loan (optional extra ``dask``).

Each partition is computed by the in-memory function; per-loan results do not depend on which
partition a loan is in, and portfolio sums are whole cents added as integers, so the results are
identical to the in-memory run for any partitioning. Dask is imported when a function is called:
this module imports without it.

- :func:`schedules_frame`: a Dask DataFrame of loans → the long-format schedule rows;
- :func:`solve_rates`: a Dask array of flows ``(N, m)`` chunked by rows → a numpy array of rates;
- :func:`portfolio_metrics`: Dask arrays of balances and days past due → :class:`PortfolioMetrics`.
"""

from __future__ import annotations

from collections.abc import Sequence
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
from coopfinance.errors import E_, BatchNoSolution

__all__ = ["LONG_COLUMNS", "portfolio_metrics", "schedules_frame", "solve_rates"]

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
