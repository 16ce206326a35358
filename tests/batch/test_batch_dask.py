"""coopfinance.batch.dask on a dask.distributed LocalCluster: identical to the in-memory run."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("dask.distributed")
dd = pytest.importorskip("dask.dataframe")
pd = pytest.importorskip("pandas")

import dask.array as da  # noqa: E402

from coopfinance import batch  # noqa: E402
from coopfinance.batch import dask as bdask  # noqa: E402
from coopfinance.errors import BatchNoSolution  # noqa: E402

RNG = np.random.default_rng(11)
N = 2_000
PRINCIPAL = np.round(RNG.uniform(500, 50_000, N), 2)
RATE = np.round(RNG.uniform(0.0, 1.0, N), 4)
TERM = RNG.integers(1, 48, N)
DISBURSED = np.datetime64("2024-01-01") + RNG.integers(0, 900, N)
GRACE = np.where(RNG.random(N) < 0.2, np.minimum(2, TERM - 1), 0)


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


def test_schedules_frame_equals_in_memory(client: object) -> None:
    frame = pd.DataFrame(
        {
            "principal": PRINCIPAL,
            "rate": RATE,
            "installments": TERM,
            "disbursed": DISBURSED,
            "grace": GRACE,
        }
    )
    got = bdask.schedules_frame(dd.from_pandas(frame, npartitions=7)).compute()
    want = batch.schedules(PRINCIPAL, RATE, TERM, DISBURSED, grace=GRACE).to_long()
    assert list(got.columns) == list(bdask.LONG_COLUMNS)
    for col in bdask.LONG_COLUMNS:
        a = got[col].to_numpy()
        b = want[col].astype("datetime64[s]") if col == "due_date" else want[col]
        assert np.array_equal(a, b), col


def test_solve_rates_equals_in_memory(client: object) -> None:
    s = batch.schedules(PRINCIPAL, RATE, 24, DISBURSED)
    amounts = np.concatenate([s.lent[:, None], -s.total], axis=1)
    days = np.zeros(amounts.shape, dtype=np.int64)
    days[:, 1:] = (s.due_date - DISBURSED[:, None]).astype(np.int64)
    want = batch.solve_rates(amounts, days)
    got = bdask.solve_rates(
        da.from_array(amounts, chunks=(300, 5)), da.from_array(days, chunks=300)
    )
    assert np.array_equal(got, want)
    assert np.array_equal(
        bdask.solve_rates(da.from_array(amounts, chunks=(450, -1))), batch.solve_rates(amounts)
    )


def test_failing_rows_report_global_indices(client: object) -> None:
    flows = np.tile([[-100.0, 110.0]], (10, 1))
    flows[7] = [1.0, 1.0]
    with pytest.raises(BatchNoSolution, match=r"rows 7 have no single rate") as info:
        bdask.solve_rates(da.from_array(flows, chunks=(3, 2)))
    assert info.value.rows == (7,)


def test_portfolio_metrics_equal_in_memory(client: object) -> None:
    balance = np.round(RNG.uniform(0, 80_000, N), 2)
    dpd = RNG.integers(0, 200, N)
    want = batch.portfolio_metrics(balance, dpd, thresholds=(1, 30, 90))
    got = bdask.portfolio_metrics(
        da.from_array(balance, chunks=333), da.from_array(dpd, chunks=500), thresholds=(1, 30, 90)
    )
    assert got == want
