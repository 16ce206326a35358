"""Monte Carlo of milk price and yield shocks on loans collected at source from milk payments.

Float path (numpy, float64 money in céntimos), vectorized over scenarios × farmers and looping only
over settlement periods; the tests replay small cases through the exact path (``dairy.settle`` on
``LoanTerms`` schedules) and agree to the céntimo. For scenario ``s``, farmer ``f``, period ``t``::

    priceₛₜ  = priceₜ · exp(σₚ·Zₛₜ − σₚ²/2)        Zₛₜ = ρ·Zₛ,ₜ₋₁ + √(1−ρ²)·εₛₜ   (mean-1 shocks)
    litresₛfₜ = litres_fₜ · exp(σᵧ·Z'ₛfₜ − σᵧ²/2)
    gross    = round_half_up(litres·price)           céntimos, as in settle
    due      = installment_fₜ + arrears carried
    collected = min(due, ⌊cap·gross⌋, gross − ⌈floor_share·gross⌉)
    arrears  = due − collected

A farmer is more than 30 days in arrears at the end of period ``t`` when, paying the oldest
installment first, an installment due more than 30 days before is not fully paid. Repayment time
is the first period in which everything scheduled is paid. The co-op's effective yield per scenario
solves ``Σₜ Cₛₜ·(1+y)^(−daysₜ/360) = Σ_f P_f`` (TEA convention, collections within the horizon
only: what is still owed at the end counts as lost).

Random numbers come from ``numpy.random.Generator`` streams spawned from ``SeedSequence(seed)``, one
per block of :data:`BLOCK` scenarios, drawn period by period; chunks are whole blocks, so the
results do not depend on the chunk size.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from coopfinance._decimal import CONTEXT, ONE, ZERO, to_decimal
from coopfinance._fields import to_whole
from coopfinance._rates import Rate
from coopfinance._terms import LoanTerms
from coopfinance.dairy import SeasonalProfile
from coopfinance.errors import InvalidLinkedPlan
from coopfinance.linked._common import amount, share

__all__ = ["BLOCK", "Portfolio", "SimulationResult", "simulate"]

BLOCK = 32
"""Scenarios per random stream; chunks are rounded up to whole blocks."""

_F64 = npt.NDArray[np.float64]


def _ratio(value: Decimal) -> tuple[int, int]:
    f = Fraction(value)
    return f.numerator, f.denominator


def _count(value: int, field: str, lo: int = 1, hi: int | None = None) -> int:
    return to_whole(value, field=field, lo=lo, hi=hi, error=InvalidLinkedPlan)


@attrs.frozen(slots=True, kw_only=True, eq=False)
class Portfolio:
    """Farmers, their expected milk and loan installments per settlement period, as float arrays.

    ``litres`` (farmers × periods) and ``price`` (periods) are the expected milk and price;
    ``installments`` (farmers × periods, céntimos) what each loan schedule asks per period;
    ``principal`` (farmers, céntimos) the amounts lent on ``disbursed``; ``period_ends`` the
    settlement dates (installment ``k`` falls due at the end of period ``k``). Build one with
    :meth:`from_terms` or :meth:`example`.
    """

    disbursed: dt.date
    period_ends: tuple[dt.date, ...]
    litres: _F64
    price: _F64
    installments: _F64
    principal: _F64
    loan_cap: Decimal = Decimal("0.30")
    floor_share: Decimal = ZERO

    @property
    def farmers(self) -> int:
        """Number of farmers."""
        return int(self.litres.shape[0])

    @property
    def periods(self) -> int:
        """Number of settlement periods."""
        return len(self.period_ends)

    @classmethod
    def from_terms(
        cls,
        terms: Sequence[LoanTerms],
        litres: Sequence[Sequence[Decimal | int | str]],
        prices: Sequence[Decimal | int | str],
        *,
        loan_cap: Decimal | str = Decimal("0.30"),
        floor_share: Decimal | str = ZERO,
    ) -> Portfolio:
        """One loan per farmer (same due dates), expected litres per farmer and period, and the
        expected price per period. Periods end on the loans' due dates; a loan shorter than the
        horizon asks nothing afterwards."""
        if not terms:
            raise InvalidLinkedPlan(
                "'terms' must hold at least one loan (got none).", field="terms"
            )
        schedules = [t.schedule() for t in terms]
        dates = tuple(r.due_date for r in schedules[0] if r.number > 0)
        for k, s in enumerate(schedules):
            mine = tuple(r.due_date for r in s if r.number > 0)
            if mine != dates or terms[k].disbursed != terms[0].disbursed:
                raise InvalidLinkedPlan(
                    f"'terms' must share the disbursement and due dates of the first loan "
                    f"(loan {k + 1} differs).",
                    field="terms",
                    value=k + 1,
                )
        t_count = len(prices)
        if len(litres) != len(terms) or any(len(row) != t_count for row in litres):
            raise InvalidLinkedPlan(
                f"'litres' must give {t_count} periods for each of the {len(terms)} farmers.",
                field="litres",
            )
        if t_count > len(dates):
            raise InvalidLinkedPlan(
                f"'prices' must not run past the loans' {len(dates)} due dates (got {t_count}).",
                field="prices",
                value=t_count,
            )
        inst = np.zeros((len(terms), t_count))
        for f, s in enumerate(schedules):
            for r in s:
                if 0 < r.number <= t_count:
                    inst[f, r.number - 1] = float(r.total * 100)
        lit = np.array(
            [[float(amount(v, "litres")) for v in row] for row in litres], dtype=np.float64
        )
        pr = np.array([float(amount(v, "prices")) for v in prices], dtype=np.float64)
        principal = np.array([float(s.net_disbursement * 100) for s in schedules])
        return cls(
            disbursed=terms[0].disbursed,
            period_ends=dates[:t_count],
            litres=lit,
            price=pr,
            installments=inst,
            principal=principal,
            loan_cap=share(loan_cap, "loan_cap"),
            floor_share=share(floor_share, "floor_share"),
        )

    @classmethod
    def example(
        cls,
        farmers: int = 200,
        periods: int = 48,
        *,
        seed: int = 0,
        price: Decimal | str = Decimal("1.30"),
        litres_per_cow_day: Decimal | str = Decimal("6.5"),
        loan_per_cow: Decimal | str = Decimal(1200),
        rate: Decimal | str = Decimal("0.18"),
        disbursed: dt.date = dt.date(2026, 1, 1),
        seasonality: SeasonalProfile | None = None,
        loan_cap: Decimal | str = Decimal("0.30"),
    ) -> Portfolio:
        """A co-op of small suppliers with reference §8 defaults: 1–10 cows each (mean about 5,
        drawn with ``seed``), 6.5 L/cow/day, Ica seasonality normalised to mean 1, S/ 1.30 per
        litre, a level loan of S/ 1,200 per cow at TEA 18 % repaid in ``periods`` fortnightly
        installments, installments capped at 30 % of gross.
        """
        farmers = _count(farmers, "farmers")
        periods = _count(periods, "periods", hi=600)
        rng = np.random.default_rng(seed)
        cows = np.clip(rng.poisson(4.5, size=farmers) + 1, 1, 10)
        per_cow = to_decimal(litres_per_cow_day, field="litres_per_cow_day")
        profile = (seasonality or SeasonalProfile.ica()).normalized()
        base = Rate.effective_annual(to_decimal(rate, field="rate"))
        loans: dict[int, LoanTerms] = {}
        for c in sorted({int(x) for x in cows}):
            loans[c] = LoanTerms(
                principal=CONTEXT.multiply(to_decimal(loan_per_cow, field="loan_per_cow"), c),
                rate=base,
                disbursed=disbursed,
                installments=periods,
                frequency="semi-monthly",
            )
        ends = loans[int(cows[0])].dates()
        per_period = []
        prev = disbursed
        for end in ends:
            days = [prev + dt.timedelta(days=i + 1) for i in range((end - prev).days)]
            per_period.append(
                sum((CONTEXT.multiply(per_cow, profile.factor(d)) for d in days), ZERO)
            )
            prev = end
        terms = [loans[int(c)] for c in cows]
        litres = [[CONTEXT.multiply(p, int(c)) for p in per_period] for c in cows]
        return cls.from_terms(terms, litres, [to_decimal(price, field="price")] * periods,
                              loan_cap=loan_cap)  # fmt: skip


@attrs.frozen(slots=True, kw_only=True, eq=False)
class SimulationResult:
    """Distributions from :func:`simulate` (compact: per scenario and per period, not per farmer).

    - ``repaid_in``: how many loans were repaid in each period (index ``t`` = period ``t + 1``);
      ``not_repaid``: loans with something left at the end of the horizon.
    - ``over_30_days``: loans that were ever more than 30 days in arrears.
    - ``collected`` (scenarios × periods, soles): what the co-op collected each period.
    - ``due``: soles scheduled within the horizon (the same in every scenario).
    - ``effective_yield`` (scenarios): the co-op's annual effective yield (TEA convention).
    """

    scenarios: int
    farmers: int
    periods: int
    seed: int
    repaid_in: npt.NDArray[np.int64]
    not_repaid: int
    over_30_days: int
    collected: _F64
    due: float
    lent: float
    effective_yield: _F64

    @property
    def loans(self) -> int:
        """Scenarios × farmers."""
        return self.scenarios * self.farmers

    @property
    def probability_arrears_over_30(self) -> float:
        """Share of loans ever more than 30 days in arrears."""
        return self.over_30_days / self.loans

    @property
    def collected_share(self) -> _F64:
        """Per scenario: collected within the horizon ÷ scheduled within it."""
        out: _F64 = self.collected.sum(axis=1) / self.due
        return out

    def repayment_quantiles(self, qs: Sequence[float] = (0.1, 0.5, 0.9)) -> list[int | None]:
        """Repayment time (periods) at each quantile over all loans; ``None`` beyond the horizon."""
        cum = np.cumsum(self.repaid_in)
        out: list[int | None] = []
        for q in qs:
            need = math.ceil(q * self.loans)
            k = int(np.searchsorted(cum, max(need, 1)))
            out.append(k + 1 if k < self.periods else None)
        return out

    def summary(self) -> dict[str, Any]:
        """Plain figures (JSON-ready)."""
        share_ = self.collected_share
        y = self.effective_yield
        q10, q50, q90 = self.repayment_quantiles()
        return {
            "scenarios": self.scenarios,
            "farmers": self.farmers,
            "periods": self.periods,
            "seed": self.seed,
            "loans": self.loans,
            "repaid_within_horizon": round(1 - self.not_repaid / self.loans, 6),
            "repayment_periods": {"p10": q10, "p50": q50, "p90": q90},
            "probability_arrears_over_30_days": round(self.probability_arrears_over_30, 6),
            "collected_vs_due": {
                "mean": round(float(share_.mean()), 6),
                "p05": round(float(np.quantile(share_, 0.05)), 6),
                "p50": round(float(np.quantile(share_, 0.5)), 6),
            },
            "effective_yield": {
                "mean": round(float(y.mean()), 6),
                "p05": round(float(np.quantile(y, 0.05)), 6),
                "p50": round(float(np.quantile(y, 0.5)), 6),
                "p95": round(float(np.quantile(y, 0.95)), 6),
            },
        }


def _over30_index(ends: Sequence[dt.date]) -> list[int]:
    """For each period end, how many installments fell due more than 30 days before it."""
    out = []
    for end in ends:
        out.append(sum(1 for d in ends if (end - d).days > 30))
    return out


def _yields(collected: _F64, lent: float, days: _F64, guess: float) -> _F64:
    """Annual effective yield per scenario: ``Σ Cₜ·exp(−x·τₜ) = lent``, ``y = eˣ − 1``, τ = days/360
    (safeguarded Newton on ``x``; no collection at all gives −100 %)."""
    tau = days / 360.0
    total = collected.sum(axis=1)
    x = np.full(collected.shape[0], math.log1p(guess))
    lo = np.full_like(x, -50.0)
    hi = np.full_like(x, 50.0)
    for _ in range(60):
        disc = np.exp(-np.outer(x, tau))
        f = (collected * disc).sum(axis=1) - lent
        df = -(collected * disc * tau).sum(axis=1)
        lo = np.where(f > 0, x, lo)  # f decreases in x: f > 0 means the root is to the right
        hi = np.where(f <= 0, x, hi)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.where(df < 0, f / df, 0.0)
        nx = x - step
        bad = ~np.isfinite(nx) | (nx <= lo) | (nx >= hi)
        nx = np.where(bad, (lo + hi) / 2, nx)
        if np.all(np.abs(nx - x) < 1e-12):
            x = nx
            break
        x = nx
    out: _F64 = np.where(total > 0, np.expm1(x), -1.0)
    return out


def simulate(
    portfolio: Portfolio,
    *,
    scenarios: int = 1000,
    seed: int = 0,
    price_sd: Decimal | str = Decimal("0.10"),
    yield_sd: Decimal | str = Decimal("0.15"),
    price_persistence: Decimal | str = ZERO,
    chunk_scenarios: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    _trace: list[tuple[int, int, _F64, _F64]] | None = None,
) -> SimulationResult:
    """Simulate ``scenarios`` paths of price and yield shocks for every farmer of ``portfolio``.

    ``price_sd`` and ``yield_sd`` are the standard deviations of the log shocks per period (price
    common to the co-op, yield per farmer); ``price_persistence`` ρ ∈ [0, 1) makes price shocks
    AR(1). ``chunk_scenarios`` bounds memory (default: about 2¹⁶ farmer-scenarios per chunk);
    ``progress(done, total)`` is called after each chunk. The same ``seed`` gives the same result
    whatever the chunk size.

    >>> pf = Portfolio.example(farmers=20, periods=24, seed=1)
    >>> r = simulate(pf, scenarios=64, seed=7)
    >>> r.loans, 0 <= r.probability_arrears_over_30 <= 1
    (1280, True)
    >>> r.summary() == simulate(pf, scenarios=64, seed=7, chunk_scenarios=32).summary()
    True
    """
    s_total = _count(scenarios, "scenarios")
    seed = _count(seed, "seed", lo=0)
    sp = float(amount(price_sd, "price_sd"))
    sy = float(amount(yield_sd, "yield_sd"))
    rho_d = amount(price_persistence, "price_persistence")
    if rho_d >= ONE:
        raise InvalidLinkedPlan(
            f"'price_persistence' must be below 1 (got {rho_d}).",
            field="price_persistence",
            value=rho_d,
        )
    rho = float(rho_d)
    f_count, t_count = portfolio.farmers, portfolio.periods
    if chunk_scenarios is None:
        chunk_scenarios = max(BLOCK, (1 << 16) // max(f_count, 1))
    chunk_scenarios = _count(chunk_scenarios, "chunk_scenarios")
    chunk = -(-chunk_scenarios // BLOCK) * BLOCK
    n_blocks = -(-s_total // BLOCK)
    streams = np.random.SeedSequence(seed).spawn(n_blocks)

    cap_num, cap_den = _ratio(portfolio.loan_cap)
    fl_num, fl_den = _ratio(portfolio.floor_share)
    inst = portfolio.installments
    cum_due = np.cumsum(inst, axis=1)
    total_due_f = cum_due[:, -1]
    last_due = int(np.max(np.nonzero(inst.any(axis=0))[0])) if inst.any() else 0
    over_idx = _over30_index(portfolio.period_ends)
    base100 = portfolio.litres  # litres per farmer and period
    price = portfolio.price
    base_adj = base100 * math.exp(-sy * sy / 2)  # the mean-1 correction of the yield shock

    repaid_count = np.zeros(t_count, dtype=np.int64)
    over30_total = 0
    collected = np.empty((s_total, t_count))
    done = 0
    for b0 in range(0, n_blocks, chunk // BLOCK):
        blocks = range(b0, min(n_blocks, b0 + chunk // BLOCK))
        gens = [np.random.Generator(np.random.PCG64(streams[b])) for b in blocks]
        sizes = [min(BLOCK, s_total - b * BLOCK) for b in blocks]
        c = sum(sizes)
        # price paths for the chunk (scenarios × periods), drawn first from each stream
        zp = np.empty((c, t_count))
        row = 0
        for g, n in zip(gens, sizes, strict=True):
            zp[row : row + n] = g.standard_normal((n, t_count))
            row += n
        if rho:
            scale = math.sqrt(1 - rho * rho)
            for t in range(1, t_count):
                zp[:, t] = rho * zp[:, t - 1] + scale * zp[:, t]
        prices = price * np.exp(sp * zp - sp * sp / 2)  # c × T, soles per litre
        if _trace is not None:
            _trace.append((done, -1, prices.copy(), np.zeros(0)))
        prices *= 100.0  # céntimos per litre
        arrears = np.zeros((c, f_count))
        paid = np.zeros((c, f_count))
        ever = np.zeros((c, f_count), dtype=bool)
        z = np.empty((c, f_count), dtype=np.float32)
        gross = np.empty((c, f_count))
        tmp = np.empty((c, f_count))
        lost = np.empty((c, f_count), dtype=bool)
        for t in range(t_count):
            row = 0
            for g, n in zip(gens, sizes, strict=True):
                g.standard_normal(out=z[row : row + n], dtype=np.float32)
                row += n
            if sy:
                np.multiply(z, np.float32(sy), out=z)
                np.exp(z, out=z)
                np.multiply(z, base_adj[:, t], out=gross)  # litres (float64)
                if _trace is not None:
                    gross_litres = gross.copy()
            else:
                gross[:] = base100[:, t]
            np.multiply(gross, prices[:, t : t + 1], out=gross)
            np.add(gross, 0.5, out=gross)
            np.floor(gross, out=gross)  # céntimos, half-up
            np.multiply(gross, cap_num, out=tmp)
            if cap_den != 1:  # exact: tmp < 2⁵², a correctly rounded quotient keeps its floor
                np.divide(tmp, cap_den, out=tmp)
            np.floor(tmp, out=tmp)  # ⌊cap·gross⌋
            if fl_num:
                room = gross - np.ceil(gross * fl_num / fl_den)
                np.minimum(tmp, room, out=tmp)
            np.add(arrears, inst[:, t], out=arrears)  # due = installment + arrears
            np.minimum(arrears, tmp, out=tmp)  # collected
            np.subtract(arrears, tmp, out=arrears)
            np.add(paid, tmp, out=paid)
            if _trace is not None:  # tests: (first scenario, period, litres, collected céntimos)
                litres = gross_litres if sy else np.broadcast_to(base100[:, t], (c, f_count))
                _trace.append((done, t, np.array(litres), tmp.copy()))
            collected[done : done + c, t] = tmp.sum(axis=1) / 100.0
            j = over_idx[t]
            if j:
                np.less(paid, cum_due[:, j - 1] - 0.5, out=lost)
                np.logical_or(ever, lost, out=ever)
            if t >= last_due:
                repaid_count[t] += int(np.count_nonzero(paid >= total_due_f - 0.5))
        over30_total += int(np.count_nonzero(ever))
        done += c
        if progress is not None:
            progress(done, s_total)
    first = np.diff(repaid_count, prepend=0)
    not_repaid = s_total * f_count - int(repaid_count[-1])
    ends = portfolio.period_ends
    days = np.array([(d - portfolio.disbursed).days for d in ends], dtype=np.float64)
    lent = float(portfolio.principal.sum()) / 100.0
    yields = _yields(collected, lent, days, guess=0.18)
    return SimulationResult(
        scenarios=s_total,
        farmers=f_count,
        periods=t_count,
        seed=seed,
        repaid_in=first,
        not_repaid=not_repaid,
        over_30_days=over30_total,
        collected=collected,
        due=float(inst.sum()) / 100.0,
        lent=lent,
        effective_yield=yields,
    )
