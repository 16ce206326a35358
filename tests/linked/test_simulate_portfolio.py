"""The co-op's real portfolio simulated: any disbursement and due dates, several loans per farmer,
level, seasonal and revenue-share loans, each farmer's own forecast (issue 18 §3).

- differential: the general path equals the fast path on a portfolio of one schedule per farmer;
- exact: every traced scenario replayed through ``dairy.settle`` (installments and revenue-share
  obligations from :meth:`RevenueSharePlan.due`, arrears carried forward, the 30 % cap of
  reference §8) agrees to the céntimo, shortfalls included;
- property: without shocks, when milk suffices, the collections are the exact servicing of the
  same loans (schedules' installments; revenue-share collections of ``to_obligations``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopfinance import LoanTerms, Rate
from coopfinance.dairy import (
    Delivery,
    Herd,
    MilkPriceSchedule,
    Obligation,
    Period,
    ProductionForecast,
    SettlementPolicy,
    settle,
)
from coopfinance.errors import InvalidLinkedPlan
from coopfinance.linked import (
    Portfolio,
    PortfolioLoan,
    RevenueSharePlan,
    seasonal_plan,
    simulate,
)

TEA = Rate.effective_annual("0.18")


def _book() -> list[PortfolioLoan]:
    return [
        PortfolioLoan(loan_id="L-1", farmer="F01", loan=LoanTerms(
            principal="1500", rate=TEA, disbursed="2026-01-01", installments=10,
            frequency="semi-monthly")),
        PortfolioLoan(loan_id="RS-2", farmer="F02", loan=RevenueSharePlan(
            principal="800", rate="18%", disbursed="2026-01-20", share="20%", floor="20",
            cap="150", max_periods=8)),
        PortfolioLoan(loan_id="L-3", farmer="F01", loan=LoanTerms(
            principal="600", rate=TEA, disbursed="2026-02-10", installments=4,
            frequency="monthly")),
        PortfolioLoan(loan_id="S-4", farmer="F03", loan=seasonal_plan(
            "1000", "18%", "2026-01-05", ["300", "300", "500", "500", "700", "700"])),
        PortfolioLoan(loan_id="L-5", farmer="F02", loan=LoanTerms(
            principal="400", rate=TEA, disbursed="2026-03-01", installments=4,
            frequency="semi-monthly").schedule()),
    ]  # fmt: skip


def _portfolio(litres_per_cow: str = "6.5", **kw: object) -> Portfolio:
    herds = {
        "F01": Herd.flat(cows=5, litres_per_cow_day=litres_per_cow),
        "F02": Herd.flat(cows=3, litres_per_cow_day=litres_per_cow),
        "F03": Herd.flat(cows=4, litres_per_cow_day=litres_per_cow),
    }
    fc = ProductionForecast(herds=herds, start="2026-01-01", end="2026-12-31")
    prices = MilkPriceSchedule.flat("1.30", "2026-01-01", "2026-12-31")
    return Portfolio.from_loans(_book(), fc, prices, **kw)  # type: ignore[arg-type]


def test_grid_loans_grouped_by_farmer_in_the_order_given() -> None:
    pf = _portfolio()
    assert pf.farmer_ids == ("F01", "F02", "F03")
    assert pf.loan_ids == ("L-1", "L-3", "RS-2", "L-5", "S-4")
    assert pf.owner is not None
    assert pf.owner.tolist() == [0, 0, 1, 1, 2]
    assert pf.period_ends[0] == dt.date(2026, 1, 15)
    # L-3's monthly due dates (10 Mar, 10 Apr, …) are collected at the settlement of 15 Mar, …
    k = pf.period_ends.index(dt.date(2026, 3, 15))
    assert pf.installments[1, k] > 0
    assert pf.installments[1, k - 1] == 0
    sched = _book()[2].loan
    assert isinstance(sched, LoanTerms)
    assert pf.installments[1].sum() == float(sum(r.total for r in sched.schedule()) * 100)
    assert pf.litres[0, 0] == pytest.approx(5 * 6.5 * 15)


def _exact_collections(pf: Portfolio, trace: list[tuple[int, int, np.ndarray, np.ndarray]]):
    """Replay every traced scenario through dairy.settle; yield (scenario, period, céntimos per
    loan) and assert nothing else."""
    book = {ln.loan_id: ln for ln in _book()}
    prices: dict[int, np.ndarray] = {}
    litres: dict[tuple[int, int], np.ndarray] = {}
    got: dict[tuple[int, int], np.ndarray] = {}
    for first, t, a, b in trace:
        if t < 0:
            prices[first] = a
        else:
            litres[(first, t)] = a
            got[(first, t)] = b
    farmers, loan_ids = pf.names()
    assert pf.owner is not None
    owner = [farmers[int(o)] for o in pf.owner]
    policy = SettlementPolicy()
    for first, block in sorted(prices.items()):
        for i in range(block.shape[0]):
            carried: tuple[Obligation, ...] = ()
            standings = {lid: book[lid].loan.standing() for lid in loan_ids
                         if isinstance(book[lid].loan, RevenueSharePlan)}  # fmt: skip
            prev = pf.disbursed
            for t, end in enumerate(pf.period_ends):
                period = Period(start=prev + dt.timedelta(days=1), end=end)
                price = MilkPriceSchedule.flat(Decimal(float(block[i, t])), period.start, end)
                milk = [Delivery(farmer=f, date=end, litres=Decimal(float(litres[(first, t)][i, k])))
                        for k, f in enumerate(farmers)]  # fmt: skip
                s0 = settle(milk, price, period, (), policy, farmers=farmers)
                new, dues = [], {}
                for k, lid in enumerate(loan_ids):
                    loan = book[lid].loan
                    if isinstance(loan, RevenueSharePlan):
                        if loan.disbursed >= end:
                            continue
                        st_ = standings[lid]
                        gross = s0.statement(owner[k]).gross
                        d = loan.due(st_, period, gross)
                        dues[lid] = d
                        amount = d.due - st_.arrears
                    else:
                        amount = Decimal(int(pf.installments[k, t])) / 100
                    if amount:
                        new.append(Obligation(farmer=owner[k], kind="loan-installment",
                                              amount=amount, loan_id=lid,
                                              priority=len(loan_ids) + k))  # fmt: skip
                s = settle(milk, price, period, (*carried, *new), policy, farmers=farmers)
                # arrears first, loan by loan in the portfolio's order, then the new obligations
                carried = tuple(attrs.evolve(ob, priority=loan_ids.index(ob.loan_id))
                                for ob in s.carried(policy))  # fmt: skip
                per_loan = {lid: Decimal(0) for lid in loan_ids}
                for f in farmers:
                    for c in s.statement(f).collections:
                        per_loan[c.obligation.loan_id or ""] += c.collected
                for lid, d in dues.items():
                    standings[lid] = book[lid].loan.post(standings[lid], d, per_loan[lid])
                want = [float(per_loan[lid] * 100) for lid in loan_ids]
                assert got[(first, t)][i].tolist() == want, (first + i, t)
                yield first + i, t, want
                prev = end


@pytest.mark.parametrize("litres_per_cow", ["6.5", "2.2"])  # plenty, and short milk
def test_float_path_equals_the_exact_servicing_to_the_centimo(litres_per_cow: str) -> None:
    pf = _portfolio(litres_per_cow)
    trace: list[tuple[int, int, np.ndarray, np.ndarray]] = []
    r = simulate(pf, scenarios=40, seed=5, yield_sd="0.4", price_sd="0.2", chunk_scenarios=32,
                 _trace=trace)  # fmt: skip
    rows = list(_exact_collections(pf, trace))
    assert len(rows) == 40 * pf.periods
    per = np.zeros((40, pf.periods))
    for s, t, want in rows:
        per[s, t] = sum(want) / 100
    assert np.array_equal(np.round(per, 2), np.round(r.collected, 2))
    assert r.by_loan is not None
    if litres_per_cow == "2.2":
        assert r.by_loan.over_30_days.sum() > 0
        assert r.by_loan.shortfall.sum() > 0


@settings(max_examples=15, deadline=None)
@given(
    cows=st.lists(st.integers(3, 12), min_size=3, max_size=3),
    price=st.sampled_from(["1.10", "1.30", "1.60"]),
)
def test_no_shock_equals_the_exact_servicing_when_milk_suffices(
    cows: list[int], price: str
) -> None:
    names = ("F01", "F02", "F03")
    herds = {f: Herd.flat(cows=n, litres_per_cow_day="9") for f, n in zip(names, cows, strict=True)}
    fc = ProductionForecast(herds=herds, start="2026-01-01", end="2026-12-31")
    prices = MilkPriceSchedule.flat(price, "2026-01-01", "2026-12-31")
    pf = Portfolio.from_loans(_book(), fc, prices, loan_cap="1")
    trace: list[tuple[int, int, np.ndarray, np.ndarray]] = []
    r = simulate(pf, scenarios=3, seed=1, price_sd="0", yield_sd="0", _trace=trace)
    got = np.array([b[0] for _, t, _, b in trace if t >= 0])  # periods × loans, scenario 0
    book = {ln.loan_id: ln.loan for ln in _book()}
    for k, lid in enumerate(pf.loan_ids):
        loan = book[lid]
        if isinstance(loan, RevenueSharePlan):
            values = []
            for t, end in enumerate(pf.period_ends):
                if end > loan.disbursed:
                    gross = Decimal(float(pf.litres[int(pf.owner[k]), t])) * Decimal(price)
                    values.append((Period(start=max(loan.disbursed + dt.timedelta(days=1),
                                   pf.period_ends[t - 1] + dt.timedelta(days=1) if t else
                                   pf.disbursed + dt.timedelta(days=1)), end=end),
                                   gross.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")))  # fmt: skip
            c = loan.to_obligations(values, farmer="x", loan_id=lid)
            assert c.standing.repaid
            assert got[:, k].sum() == float(c.total_paid * 100)
            assert got[:, k][got[:, k] > 0].tolist() == [float(p * 100) for p in c.paid if p]
        else:
            assert got[:, k].tolist() == pf.installments[k].tolist()
    assert r.over_30_days == 0
    assert r.not_repaid == 0
    assert r.by_loan is not None
    assert r.by_loan.over_30_days.tolist() == [0] * pf.loan_count
    assert r.by_loan.shortfall.tolist() == [0] * pf.loan_count
    assert np.allclose(r.by_loan.collected / 3, got.sum(axis=0) / 100)


def test_general_path_equals_the_fast_path_on_one_loan_each() -> None:
    pf = Portfolio.example(farmers=30, periods=24, seed=3, loan_per_cow="2200")
    fast = simulate(pf, scenarios=96, seed=4, price_persistence="0.5")
    slow = simulate(pf, scenarios=96, seed=4, price_persistence="0.5", _general=True)
    assert np.array_equal(fast.collected, slow.collected)
    assert np.array_equal(fast.repaid_in, slow.repaid_in)
    assert fast.over_30_days == slow.over_30_days > 0
    assert np.array_equal(fast.effective_yield, slow.effective_yield)
    assert fast.by_loan is not None
    assert slow.by_loan is not None
    for name in ("first_late", "over_30_days", "not_repaid", "collected", "shortfall"):
        assert np.array_equal(getattr(fast.by_loan, name), getattr(slow.by_loan, name)), name
    assert np.allclose(fast.by_loan.price_at_break, slow.by_loan.price_at_break)
    assert np.allclose(fast.by_loan.yield_at_break, slow.by_loan.yield_at_break)
    assert np.array_equal(fast.by_loan.first_late.sum(axis=1), fast.by_loan.over_30_days)
    assert np.array_equal(fast.farmer_over_30_days, slow.farmer_over_30_days)


def test_which_loans_break_first_and_under_which_shock() -> None:
    pf = _portfolio("3")
    r = simulate(pf, scenarios=200, seed=2, yield_sd="0.3", price_sd="0.15")
    table = r.loan_table()
    assert sorted(row["loan_id"] for row in table) == sorted(pf.loan_ids)
    ps = [row["p_over_30_days"] for row in table]
    assert ps == sorted(ps, reverse=True)
    broke = [row for row in table if row["p_over_30_days"] > 0]
    assert broke
    for row in broke:
        assert 0 < row["price_at_break"] < 3
        assert 0 < row["yield_at_break"] < 3
        assert 1 <= row["median_break"] <= pf.periods
    farmers = r.farmer_table()
    assert {f["farmer"] for f in farmers} == {"F01", "F02", "F03"}
    assert sum(f["loans"] for f in farmers) == pf.loan_count
    assert r.loans == 200 * pf.loan_count
    assert r.by_loan is not None
    assert int(r.by_loan.over_30_days.sum()) == r.over_30_days
    summary = r.summary()
    assert summary["uncollected"]["p99"] >= summary["uncollected"]["mean"] >= 0


def test_breaks_happen_under_bad_shocks() -> None:
    """Loans that break do so, on average, after a price or a yield below expectation."""
    pf = Portfolio.example(farmers=40, periods=24, seed=1, loan_per_cow="800")
    r = simulate(pf, scenarios=320, seed=3, price_sd="0.15", yield_sd="0.25")
    lo = r.by_loan
    assert lo is not None
    n = lo.over_30_days.sum()
    assert 100 < n < 320 * 40 / 2
    assert lo.yield_at_break.sum() / n < 0.95
    assert lo.price_at_break.sum() / n < 1.0


def test_chunking_and_seed_in_the_general_path() -> None:
    pf = _portfolio("3")
    a = simulate(pf, scenarios=100, seed=9, chunk_scenarios=32)
    b = simulate(pf, scenarios=100, seed=9, chunk_scenarios=1000)
    assert np.array_equal(a.collected, b.collected)
    assert a.loan_table() == b.loan_table()
    assert a.farmer_table() == b.farmer_table()


def test_no_shock_yield_is_the_contract_rate_with_staggered_disbursements() -> None:
    pf = _portfolio("9", loan_cap="1")
    r = simulate(pf, scenarios=2, seed=0, price_sd="0", yield_sd="0")
    assert np.allclose(r.effective_yield, 0.18, atol=3e-3)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: Portfolio.from_loans([], {}, []), r"^'loans' must hold at least one loan"),
        (lambda: Portfolio.from_loans(_book()[:1] * 2, {}, []),
         r"^'loans' must have distinct loan ids \(got 'L-1' twice\)\.$"),
        (lambda: Portfolio.from_loans(_book()[:1], {"F01": ["1"] * 3}, ["1.3"] * 10),
         r"^'production' must give 10 periods of litres for farmer 'F01' \(got 3\)\.$"),
        (lambda: Portfolio.from_loans(_book()[:1], {"F02": ["1"] * 10}, ["1.3"] * 10),
         r"^'production' has no litres for farmer 'F01'\.$"),
        (lambda: Portfolio.from_loans(_book()[:1], {"F01": ["1"] * 10}, ["1.3"] * 4),
         r"^'prices' must give one price per settlement period, 10 \(got 4\)\.$"),
        (lambda: Portfolio.from_loans(_book()[:1], ProductionForecast(
            herds={"F01": Herd.flat(cows=1, litres_per_cow_day=5)}, start="2026-01-01",
            end="2026-02-01"), ["1.3"] * 10),
         r"^'production' must cover 2026-01-01..2026-05-31 \(the forecast covers 2026-01-01..2026-02"),
        (lambda: PortfolioLoan(loan_id="x", farmer="F", loan="1000"),  # type: ignore[arg-type]
         r"^'loan' must be LoanTerms, a Schedule or a RevenueSharePlan \(got str\)\.$"),
        (lambda: Portfolio.from_loans([PortfolioLoan(loan_id="R", farmer="F", loan=RevenueSharePlan(
            principal="100", rate="18%", disbursed="2026-01-01", share="10%",
            frequency="monthly"))], {"F": ["1"]}, ["1"]),
         r"^revenue-share loan 'R' settles monthly, the portfolio semi-monthly\.$"),
    ],
)  # fmt: skip
def test_bad_portfolio(call: object, match: str) -> None:
    with pytest.raises(InvalidLinkedPlan, match=match):
        call()  # type: ignore[operator]
