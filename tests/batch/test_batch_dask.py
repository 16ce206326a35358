"""coopfinance.batch.dask on a dask.distributed LocalCluster of two worker **processes** (what a
real cluster does: every input and result crosses a pickle boundary): identical to the in-memory
run. Kept small (two workers, a few tasks) and free of timing, so it passes on 2 cores in CI."""

from __future__ import annotations

import datetime as dt
import os
import random
from collections.abc import Iterator
from decimal import Decimal

import numpy as np
import pytest

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("dask.distributed")
dd = pytest.importorskip("dask.dataframe")
pd = pytest.importorskip("pandas")

import attrs  # noqa: E402
import dask.array as da  # noqa: E402
import dask.bag as db  # noqa: E402

from coopfinance import LoanTerms, Rate, batch  # noqa: E402
from coopfinance.batch import dask as bdask  # noqa: E402
from coopfinance.errors import BatchNoSolution, InvalidValue  # noqa: E402
from coopfinance.linked import Portfolio, simulate  # noqa: E402
from coopfinance.portfolio import report_many  # noqa: E402
from coopfinance.servicing import LoanAccount, Payment  # noqa: E402

pytestmark = pytest.mark.cluster

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
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
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


def test_the_workers_are_other_processes(client: object) -> None:
    pids = client.run(os.getpid)  # type: ignore[attr-defined]
    assert len(pids) == 2
    assert os.getpid() not in pids.values()
    assert len(set(pids.values())) == 2


AS_OF = dt.date(2026, 9, 20)


def _book(n: int) -> list[LoanAccount]:
    """``benchmarks/run.py``'s mix: 70 % paid on time, 20 % late or partly, 10 % stopped."""
    rng = random.Random(3)
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
        out.append(LoanAccount(terms=terms, events=events, id=f"L{k}"))
    return out


def test_report_many_equals_in_memory(client: object) -> None:
    book = _book(90)
    want = report_many(book, AS_OF)
    assert bdask.report_many(book, AS_OF, partitions=3) == want
    bag = db.from_sequence(_book(90), npartitions=4)  # accounts the workers hold by partition
    assert bdask.report_many(bag, AS_OF) == want
    assert bdask.report_many(book[:1], AS_OF) == report_many(book[:1], AS_OF)


def _same_result(got: object, want: object) -> None:
    for f in attrs.fields(type(want)):
        a, b = getattr(got, f.name), getattr(want, f.name)
        if attrs.has(type(b)):
            _same_result(a, b)
        elif isinstance(b, np.ndarray):
            assert a.dtype == b.dtype, f.name
            assert np.array_equal(a, b), f.name
        else:
            assert a == b, f.name


@pytest.mark.parametrize("partitions", [2, 3])
def test_simulate_split_across_workers_equals_in_memory(client: object, partitions: int) -> None:
    """Scenarios split across the workers by whole chunks: the same floats, for the same seed."""
    pf = Portfolio.example(farmers=30, periods=24, seed=2)
    kw = {"scenarios": 200, "seed": 5, "chunk_scenarios": 32, "price_persistence": "0.3"}
    want = simulate(pf, **kw)  # type: ignore[arg-type]
    got = bdask.simulate(pf, partitions=partitions, **kw)  # type: ignore[arg-type]
    _same_result(got, want)
    assert got.summary() == want.summary()


def test_simulate_general_path_across_workers_equals_in_memory(client: object) -> None:
    from tests.linked.test_simulate_portfolio import _portfolio

    pf = _portfolio("3")
    want = simulate(pf, scenarios=100, seed=9, chunk_scenarios=32)
    _same_result(bdask.simulate(pf, scenarios=100, seed=9, chunk_scenarios=32), want)


@pytest.mark.parametrize("bad", [0, -1, True, "2", 1.5])
def test_partitions_are_checked(bad: object) -> None:
    with pytest.raises(InvalidValue, match=r"^'partitions' must be a whole number, 1 or more"):
        bdask.simulate(Portfolio.example(farmers=2, periods=4), scenarios=2, partitions=bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidValue, match=r"^'partitions' must be a whole number, 1 or more"):
        bdask.report_many(_book(2), AS_OF, partitions=bad)  # type: ignore[arg-type]
