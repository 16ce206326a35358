"""Monte Carlo of price and yield shocks: seeded, chunk-independent, and equal to the exact path.

The exact path replays the float simulation's own litres and prices through ``dairy.settle`` (loan
installments of exact ``LoanTerms`` schedules as obligations, arrears carried forward, the 30 % cap
of reference §8) and must agree to the céntimo; the co-op yield must agree with ``cost.xirr`` on the
same collections (actual days / 360, the TEA convention of reference §8).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import numpy as np
import pytest

from coopfinance import LoanTerms, Rate
from coopfinance.cli import main
from coopfinance.cost import xirr
from coopfinance.dairy import (
    Delivery,
    MilkPriceSchedule,
    Obligation,
    ObligationKind,
    Period,
    SeasonalProfile,
    SettlementPolicy,
    settle,
)
from coopfinance.errors import InvalidLinkedPlan
from coopfinance.linked import Portfolio, simulate

TEA = Rate.effective_annual("0.18")
START = dt.date(2026, 1, 1)


def _small() -> tuple[list[LoanTerms], Portfolio]:
    terms = [
        LoanTerms(principal=p, rate=TEA, installments=8, disbursed=START, frequency="semi-monthly")
        for p in ("2500", "1200", "4000")
    ]
    litres = [[Decimal(v) for v in row] for row in (
        ["480", "500", "470", "455", "490", "500", "520", "530"],
        ["160", "150", "170", "150", "160", "150", "140", "150"],
        ["900", "880", "910", "870", "860", "900", "920", "950"],
    )]  # fmt: skip
    pf = Portfolio.from_terms(terms, litres, ["1.30"] * 8)
    return terms, pf


def _exact(
    terms: list[LoanTerms], pf: Portfolio, trace: list[tuple[int, int, np.ndarray, np.ndarray]]
):
    """Replay every traced scenario through dairy.settle; return collected céntimos (S×F×T),
    loans ever > 30 days late, repaid counts per period, and collections per scenario and period."""
    prices: dict[int, np.ndarray] = {}
    litres: dict[tuple[int, int], np.ndarray] = {}
    floats: dict[tuple[int, int], np.ndarray] = {}
    for first, t, a, b in trace:
        if t < 0:
            prices[first] = a
        else:
            litres[(first, t)] = a
            floats[(first, t)] = b
    schedules = [t.schedule() for t in terms]
    due = [[r.total for r in s if r.number > 0] for s in schedules]
    ends = pf.period_ends
    policy = SettlementPolicy()
    farmers = [f"F{f}" for f in range(len(terms))]
    out = []
    for first, block_prices in sorted(prices.items()):
        for i in range(block_prices.shape[0]):
            carried: tuple[Obligation, ...] = ()
            paid = [Decimal(0)] * len(terms)
            late = [False] * len(terms)
            rows = []
            prev = START
            for t, end in enumerate(ends):
                period = Period(start=prev + dt.timedelta(days=1), end=end)
                price = MilkPriceSchedule.flat(
                    Decimal(float(block_prices[i, t])), period.start, end
                )
                milk = [Delivery(farmer=farmers[f], date=end, litres=Decimal(float(litres[(first, t)][i, f])))
                        for f in range(len(terms))]  # fmt: skip
                new = [Obligation(farmer=farmers[f], kind="loan-installment", amount=due[f][t],
                                  loan_id=f"L{f}") for f in range(len(terms))]  # fmt: skip
                s = settle(milk, price, period, (*carried, *new), policy, farmers=farmers)
                carried = s.carried(policy)
                got = []
                for f in range(len(terms)):
                    c, _ = s.statement(farmers[f]).by_kind(ObligationKind.LOAN_INSTALLMENT)
                    got.append(c)
                    paid[f] += c
                    old = sum(
                        d for d, when in zip(due[f], ends, strict=False) if (end - when).days > 30
                    )
                    late[f] = late[f] or paid[f] < old
                rows.append((got, [p >= sum(due[f]) for f, p in enumerate(paid)]))
                assert floats[(first, t)][i].tolist() == [float(g * 100) for g in got], (
                    first + i,
                    t,
                )
                prev = end
            out.append((rows, late))
    return out


def test_float_path_equals_the_exact_path_to_the_centimo() -> None:
    terms, pf = _small()
    trace: list[tuple[int, int, np.ndarray, np.ndarray]] = []
    r = simulate(pf, scenarios=40, seed=11, yield_sd="0.45", price_sd="0.2", chunk_scenarios=32,
                 _trace=trace)  # fmt: skip
    exact = _exact(terms, pf, trace)  # asserts every farmer's collection per period
    assert len(exact) == 40
    late = sum(sum(lt) for _, lt in exact)
    assert r.over_30_days == late
    assert 0 < late < 40 * 3
    repaid_by_t = [sum(sum(flags) for rows, _ in exact for flags in [rows[t][1]]) for t in range(8)]
    assert np.cumsum(r.repaid_in).tolist() == repaid_by_t
    for s, (rows, _) in enumerate(exact):
        assert r.collected[s].tolist() == [float(sum(got)) for got, _ in rows]


def test_effective_yield_agrees_with_exact_xirr() -> None:
    _, pf = _small()
    r = simulate(pf, scenarios=4, seed=2, yield_sd="0.3")
    lent = Decimal(str(r.lent))
    for s in range(4):
        flows = [(START, -lent)] + [
            (d, Decimal(str(c))) for d, c in zip(pf.period_ends, r.collected[s], strict=False) if c
        ]
        exact = xirr(flows, day_count="act/360")
        assert abs(float(exact) - r.effective_yield[s]) < 1e-9


def test_nothing_collected_gives_minus_100_percent_not_nan() -> None:
    _, _pf = _small()
    broke = Portfolio.from_terms(
        [LoanTerms(principal="500", rate=TEA, installments=8, disbursed=START, frequency="semi-monthly")],
        [["0"] * 8], ["1.30"] * 8,
    )  # fmt: skip
    r = simulate(broke, scenarios=3, seed=0)
    assert r.effective_yield.tolist() == [-1.0, -1.0, -1.0]
    assert r.not_repaid == 3
    assert r.probability_arrears_over_30 == 1.0


def test_deterministic_for_a_seed_and_different_for_another() -> None:
    pf = Portfolio.example(farmers=30, periods=24, seed=4, loan_per_cow="900")
    a = simulate(pf, scenarios=100, seed=5)
    b = simulate(pf, scenarios=100, seed=5)
    c = simulate(pf, scenarios=100, seed=6)
    assert np.array_equal(a.collected, b.collected)
    assert a.summary() == b.summary()
    assert not np.array_equal(a.collected, c.collected)


@pytest.mark.parametrize("chunk", [1, 32, 33, 64, 1000])
def test_chunked_equals_unchunked(chunk: int) -> None:
    pf = Portfolio.example(farmers=25, periods=24, seed=4, loan_per_cow="900")
    whole = simulate(pf, scenarios=100, seed=9, price_persistence="0.6", chunk_scenarios=10_000)
    part = simulate(pf, scenarios=100, seed=9, price_persistence="0.6", chunk_scenarios=chunk)
    assert np.array_equal(whole.collected, part.collected)
    assert np.array_equal(whole.repaid_in, part.repaid_in)
    assert whole.over_30_days == part.over_30_days
    assert np.array_equal(whole.effective_yield, part.effective_yield)


def test_progress_reports_every_chunk() -> None:
    pf = Portfolio.example(farmers=5, periods=6, seed=0)
    seen: list[tuple[int, int]] = []
    simulate(
        pf, scenarios=70, seed=0, chunk_scenarios=32, progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(32, 70), (64, 70), (70, 70)]


def test_no_shocks_collect_exactly_what_is_due() -> None:
    pf = Portfolio.example(farmers=10, periods=24, seed=1, loan_per_cow="300")
    r = simulate(pf, scenarios=8, seed=0, price_sd="0", yield_sd="0")
    assert np.allclose(r.collected_share, 1.0)
    assert r.over_30_days == 0
    assert r.not_repaid == 0
    assert np.allclose(r.effective_yield, 0.18, atol=2e-3)  # the contract TEA, up to rounding


def test_seasonal_multiplier_with_mean_one_preserves_annual_volume() -> None:
    """24 fortnights of 2026 with Ica seasonality normalised: the year's litres equal 365 days of
    the flat yield (reference §8 multipliers; dairy's day-weighted mean 1)."""
    eve = dt.date(2025, 12, 31)  # disbursed the day before: the periods cover 1 Jan–31 Dec
    flat = Portfolio.example(farmers=7, periods=24, seed=2, seasonality=SeasonalProfile.none(),
                             disbursed=eve)  # fmt: skip
    ica = Portfolio.example(farmers=7, periods=24, seed=2, seasonality=SeasonalProfile.ica(),
                            disbursed=eve)  # fmt: skip
    assert flat.period_ends[-1] == dt.date(2026, 12, 31)
    assert np.allclose(ica.litres.sum(axis=1), flat.litres.sum(axis=1), rtol=1e-12)
    assert not np.allclose(ica.litres, flat.litres)
    cows = flat.litres[:, 0] / (6.5 * 15)
    assert np.allclose(flat.litres.sum(axis=1), cows * 6.5 * 365, rtol=1e-12)


def test_mean_one_shocks_keep_expected_gross() -> None:
    pf = Portfolio.example(farmers=50, periods=4, seed=0, loan_per_cow="1")
    trace: list[tuple[int, int, np.ndarray, np.ndarray]] = []
    simulate(pf, scenarios=640, seed=3, yield_sd="0.2", price_sd="0.1", _trace=trace)
    litres = np.concatenate([a for _, t, a, _ in trace if t == 0])
    prices = np.concatenate([a for _, t, a, _ in trace if t < 0])
    assert abs(litres.mean() / pf.litres[:, 0].mean() - 1) < 0.01
    assert abs(prices[:, 0].mean() / 1.30 - 1) < 0.02


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"scenarios": 0}, r"^'scenarios' must be at least 1 \(got 0\)\.$"),
        ({"price_sd": "-0.1"}, r"^'price_sd' must not be negative \(got -0\.1\)\.$"),
        ({"yield_sd": "x"}, r"'yield_sd' must be a number"),
        ({"price_persistence": "1"}, r"^'price_persistence' must be below 1 \(got 1\)\.$"),
        ({"seed": -1}, r"^'seed' must be at least 0 \(got -1\)\.$"),
        ({"chunk_scenarios": 0}, r"^'chunk_scenarios' must be at least 1"),
    ],
)
def test_bad_input(kwargs: dict[str, object], match: str) -> None:
    pf = Portfolio.example(farmers=2, periods=2)
    with pytest.raises(InvalidLinkedPlan, match=match):
        simulate(pf, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: Portfolio.example(farmers=0),
         r"^'farmers' must be at least 1 \(got 0\)\.$"),
        (lambda: Portfolio.example(periods=0),
         r"^'periods' must be between 1 and 600 \(got 0\)\.$"),
        (lambda: Portfolio.from_terms([], [], []), r"^'terms' must hold at least one loan \(got none\)\.$"),
        (lambda: Portfolio.from_terms(
            [LoanTerms(principal="500", rate=TEA, installments=2, disbursed=START)], [["-1", "2"]],
            ["1.3", "1.3"]), r"^'litres' must not be negative \(got -1\)\.$"),
    ],
)  # fmt: skip
def test_bad_portfolio(call: object, match: str) -> None:
    with pytest.raises(InvalidLinkedPlan, match=match):
        call()  # type: ignore[operator]


def test_cli_json_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    argv = ["simulate", "--scenarios", "64", "--farmers", "10", "--periods", "24", "--seed", "3"]
    assert main([*argv, "--format", "json"], out=out) == 0
    data = json.loads(out.getvalue())
    assert data["loans"] == 640
    assert data["seed"] == 3
    assert capsys.readouterr().err == ""  # progress bars only on a terminal (tests/cli)
    again = io.StringIO()
    assert main([*argv, "--format", "json", "--quiet"], out=again) == 0
    assert json.loads(again.getvalue()) == data
    assert capsys.readouterr().err == ""
    table = io.StringIO()
    assert main([*argv, "--quiet", "--lang", "en"], out=table) == 0
    assert "arrears > 30 days (probability)" in table.getvalue()
    spanish = io.StringIO()
    assert main([*argv, "--quiet", "--lang", "es"], out=spanish) == 0
    assert "atraso > 30 días (probabilidad)" in spanish.getvalue()


def test_cli_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    # the error texts below are English: the CLI speaks it when asked (the locale here)
    monkeypatch.setenv("LANGUAGE", "en")
    err = io.StringIO()
    assert main(["simulate", "--yield-sd", "-1", "--quiet"], out=io.StringIO(), err=err) == 1
    assert err.getvalue() == "Error: 'yield_sd' must not be negative (got -1).\n"
    assert main(["simulate", "--scenarios", "x"], out=io.StringIO(), err=io.StringIO()) == 2
