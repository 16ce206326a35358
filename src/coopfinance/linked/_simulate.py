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

The co-op's real portfolio (:meth:`Portfolio.from_loans`): loans with any disbursement and due
dates, amounts and kinds (level or seasonal :class:`LoanTerms` or their schedules, and
:class:`RevenueSharePlan`), several per farmer, on one grid of settlement periods; an installment is
collected at the settlement of the period that holds its due date. A farmer's room
``min(⌊cap·gross⌋, gross − ⌈floor_share·gross⌉)`` pays first the arrears of his loans, loan by
loan in the order given, then the period's new obligations in the same order (in
``dairy.settle`` terms: carried obligations with priority = the loan's rank, new ones after
them); a revenue-share loan asks, each period, the obligation of
:meth:`RevenueSharePlan.due` (share of the period's milk value within floor and cap, plus arrears;
everything from its maximum term on) and accrues interest on its balance. A loan is more than 30
days late when its arrears exceed what fell due in the last 30 days (oldest paid first), which
for a schedule is the rule above.

Random numbers come from ``numpy.random.Generator`` streams spawned from ``SeedSequence(seed)``, one
per block of :data:`BLOCK` scenarios, drawn period by period; chunks are whole blocks, so the
results do not depend on the chunk size.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from coopfinance._decimal import CONTEXT, ONE, ZERO, exact, to_decimal
from coopfinance._fields import to_whole
from coopfinance._rates import Rate
from coopfinance._schedule import Schedule
from coopfinance._terms import LoanTerms
from coopfinance.dairy import (
    MilkPriceSchedule,
    ProductionForecast,
    SeasonalProfile,
    SettlementFrequency,
    periods_between,
)
from coopfinance.errors import E_, InvalidLinkedPlan
from coopfinance.linked._common import amount, share
from coopfinance.linked._revenue_share import RevenueSharePlan

__all__ = [
    "BLOCK",
    "LoanOutcomes",
    "Portfolio",
    "PortfolioLoan",
    "SimulationResult",
    "simulate",
]

BLOCK = 32
"""Scenarios per random stream; chunks are rounded up to whole blocks."""

_F64 = npt.NDArray[np.float64]
_I64 = npt.NDArray[np.int64]


def _ratio(value: Decimal) -> tuple[int, int]:
    f = Fraction(value)
    return f.numerator, f.denominator


def _count(value: int, field: str, lo: int = 1, hi: int | None = None) -> int:
    return to_whole(value, field=field, lo=lo, hi=hi, error=InvalidLinkedPlan)


MAX_SCENARIOS = 1_000_000
"""The most scenarios :func:`simulate` runs (the CLI's ``--scenarios`` limit too)."""
MAX_FARMERS = 100_000
"""The most farmers :meth:`Portfolio.example` draws (the CLI's ``--farmers`` limit too)."""
MAX_LITRES_PER_COW_DAY = Decimal(100)
"""The most litres a cow gives a day in :meth:`Portfolio.example` (record Holsteins give about
100; the reference smallholder 6.5)."""
MAX_LOAN_MILK_YEARS = 10
"""A loan per cow of more than this many years of the cow's whole milk value is refused."""
MAX_CENTS = 1e15
"""The largest loan principal or total due, in minor units (10¹³ soles), :func:`simulate` takes:
float64 keeps every céntimo of sums up to 2⁵³ ≈ 9·10¹⁵."""


def _plausible_cow(
    price: Decimal | str, litres_per_cow_day: Decimal | str, loan_per_cow: Decimal | str
) -> tuple[Decimal, Decimal]:
    """The litres per cow and day and the loan per cow of :meth:`Portfolio.example`, checked."""
    p = amount(price, "price")
    litres = amount(litres_per_cow_day, "litres_per_cow_day")
    loan = amount(loan_per_cow, "loan_per_cow")
    for name, value in (("price", p), ("litres_per_cow_day", litres), ("loan_per_cow", loan)):
        if value == 0:
            raise InvalidLinkedPlan(
                E_("%(name)s must be above 0 (got 0).", name=repr(name)), field=name, value=value
            )
    if litres > MAX_LITRES_PER_COW_DAY:
        raise InvalidLinkedPlan(
            E_(
                "'litres_per_cow_day' must be at most %(max_litres_per_cow_day)s (got %(litres)s).",
                max_litres_per_cow_day=MAX_LITRES_PER_COW_DAY,
                litres=format(litres, "f"),
            ),
            field="litres_per_cow_day",
            value=litres,
        )
    most = CONTEXT.multiply(CONTEXT.multiply(p, litres), Decimal(365 * MAX_LOAN_MILK_YEARS))
    if loan > most:
        raise InvalidLinkedPlan(
            E_(
                "'loan_per_cow' must be at most %(max_loan_milk_years)s years of a "
                "cow's milk at the expected price (S/ %(p)s × %(litres)s L a day × 365 "
                "× %(max_loan_milk_years)s = %(quantize_most)s; got %(loan)s).",
                max_loan_milk_years=MAX_LOAN_MILK_YEARS,
                p=format(p, "f"),
                litres=format(litres, "f"),
                quantize_most=format(most.quantize(Decimal("0.01")), "f"),
                loan=format(loan, "f"),
            ),
            field="loan_per_cow",
            value=loan,
        )
    return litres, loan


def _litres_of(
    production: ProductionForecast | Mapping[str, Sequence[Decimal | int | str]],
    farmer: str,
    grid: Sequence[Any],
) -> list[float]:
    """A farmer's litres per grid period, from a forecast (summed by day) or given per period."""
    if isinstance(production, ProductionForecast):
        if production.start > grid[0].start or production.end < grid[-1].end:
            raise InvalidLinkedPlan(
                E_(
                    "'production' must cover %(start)s..%(end)s (the forecast covers "
                    "%(start2)s..%(end2)s).",
                    start=grid[0].start,
                    end=grid[-1].end,
                    start2=production.start,
                    end2=production.end,
                ),
                field="production",
                value=str(production.end),
            )
        if farmer not in production.herds:
            raise InvalidLinkedPlan(
                E_("'production' has no forecast for farmer %(farmer)s.", farmer=repr(farmer)),
                field="production",
                value=farmer,
            )
        herd = production.herds[farmer]
        out = []
        with decimal.localcontext(CONTEXT):
            for p in grid:
                days = (p.start + dt.timedelta(days=i) for i in range(p.days))
                out.append(float(sum((herd.litres(d) for d in days), ZERO)))
        return out
    if farmer not in production:
        raise InvalidLinkedPlan(
            E_("'production' has no litres for farmer %(farmer)s.", farmer=repr(farmer)),
            field="production",
            value=farmer,
        )
    row = list(production[farmer])
    if len(row) != len(grid):
        raise InvalidLinkedPlan(
            E_(
                "'production' must give %(grid)s periods of litres for farmer "
                "%(farmer)s (got %(row)s).",
                grid=len(grid),
                farmer=repr(farmer),
                row=len(row),
            ),
            field="production",
            value=len(row),
        )
    return [float(amount(v, "litres")) for v in row]


def _loan(
    value: LoanTerms | Schedule | RevenueSharePlan,
) -> LoanTerms | Schedule | RevenueSharePlan:
    if not isinstance(value, LoanTerms | Schedule | RevenueSharePlan):
        raise InvalidLinkedPlan(
            E_(
                "'loan' must be LoanTerms, a Schedule or a RevenueSharePlan (got %(type)s).",
                type=type(value).__name__,
            ),
            field="loan",
            value=type(value).__name__,
        )
    return value


@attrs.frozen(slots=True, kw_only=True)
class PortfolioLoan:
    """One of the co-op's loans: its id, the farmer who repays it from milk, and its terms (level
    or seasonal :class:`LoanTerms`, an exact :class:`Schedule`, or a :class:`RevenueSharePlan`)."""

    loan_id: str
    farmer: str
    loan: LoanTerms | Schedule | RevenueSharePlan = attrs.field(converter=_loan)


@attrs.frozen(slots=True, kw_only=True, eq=False)
class _RevenueShares:
    """The revenue-share loans of a portfolio as float arrays (céntimos), one entry per loan."""

    index: _I64  # their columns on the loan axis
    share_num: _F64
    share_den: _F64
    floor: _F64
    cap: _F64  # inf without a cap
    first: _I64  # the period of the first settlement
    last: _I64  # the period from which everything is due (maximum term)
    rates: _F64  # loans × periods: the interest rate of each period (0 before the first)


@attrs.frozen(slots=True, kw_only=True, eq=False)
class Portfolio:
    """Farmers, their expected milk and loan installments per settlement period, as float arrays.

    ``litres`` (farmers × periods) and ``price`` (periods) are the expected milk and price;
    ``installments`` (farmers × periods, céntimos) what each loan schedule asks per period;
    ``principal`` (farmers, céntimos) the amounts lent on ``disbursed``; ``period_ends`` the
    settlement dates (installment ``k`` falls due at the end of period ``k``). Build one with
    :meth:`from_loans` (the co-op's real loans), :meth:`from_terms` or :meth:`example`.

    With several loans per farmer, ``installments`` and ``principal`` run over loans and
    ``owner`` gives each loan's farmer (loans grouped by farmer, in serving order); ``lent_days``
    the days from ``disbursed`` to each loan's disbursement.
    """

    disbursed: dt.date
    period_ends: tuple[dt.date, ...]
    litres: _F64
    price: _F64
    installments: _F64
    principal: _F64
    loan_cap: Decimal = Decimal("0.30")
    floor_share: Decimal = ZERO
    owner: _I64 | None = None
    lent_days: _F64 | None = None
    farmer_ids: tuple[str, ...] = ()
    loan_ids: tuple[str, ...] = ()
    revenue_shares: _RevenueShares | None = None

    @property
    def farmers(self) -> int:
        """Number of farmers."""
        return int(self.litres.shape[0])

    @property
    def loan_count(self) -> int:
        """Number of loans."""
        return int(self.installments.shape[0])

    @property
    def one_loan_each(self) -> bool:
        """Whether farmer ``f`` has exactly loan ``f`` and it is a schedule (the fast path)."""
        return self.owner is None and self.revenue_shares is None

    def names(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Farmer ids and loan ids (``F1…``/``L1…`` when none were given)."""
        farmers = self.farmer_ids or tuple(f"F{k + 1}" for k in range(self.farmers))
        loans = self.loan_ids or tuple(f"L{k + 1}" for k in range(self.loan_count))
        return farmers, loans

    @classmethod
    def from_loans(
        cls,
        loans: Sequence[PortfolioLoan],
        production: ProductionForecast | Mapping[str, Sequence[Decimal | int | str]],
        prices: MilkPriceSchedule | Sequence[Decimal | int | str],
        *,
        frequency: SettlementFrequency | str = SettlementFrequency.SEMI_MONTHLY,
        end: dt.date | None = None,
        loan_cap: Decimal | str = Decimal("0.30"),
        floor_share: Decimal | str = ZERO,
    ) -> Portfolio:
        """The co-op's actual loans, each farmer's own production forecast and the expected price.

        Settlement periods of ``frequency`` run from the period of the day after the first
        disbursement (whole periods: a settlement pays all the milk of its period) to
        ``end`` (default: the end of the period of the last due date, or of a revenue-share
        plan's last period). ``production`` is a :class:`ProductionForecast` covering that span
        (litres summed per period) or, per farmer, litres per period; ``prices`` a
        :class:`MilkPriceSchedule` (the price of a sample-less litre on each period's last day)
        or one price per period. A farmer's loans are served in the order given.

        >>> from coopfinance import Rate
        >>> from coopfinance.dairy import Herd
        >>> tea = Rate.effective_annual("18%")
        >>> book = [
        ...     PortfolioLoan(loan_id="L-1", farmer="F01", loan=LoanTerms(principal="1200",
        ...         rate=tea, disbursed="2026-01-01", installments=12, frequency="semi-monthly")),
        ...     PortfolioLoan(loan_id="L-2", farmer="F01", loan=LoanTerms(principal="600",
        ...         rate=tea, disbursed="2026-03-10", installments=6, frequency="monthly")),
        ...     PortfolioLoan(loan_id="RS-1", farmer="F02", loan=RevenueSharePlan(principal="900",
        ...         rate="18%", disbursed="2026-02-01", share="25%", max_periods=12)),
        ... ]
        >>> herds = {"F01": Herd.flat(cows=5, litres_per_cow_day="6.5"),
        ...          "F02": Herd.flat(cows=3, litres_per_cow_day="8")}
        >>> fc = ProductionForecast(herds=herds, start="2026-01-01", end="2026-12-31")
        >>> prices = MilkPriceSchedule.flat("1.30", "2026-01-01", "2026-12-31")
        >>> pf = Portfolio.from_loans(book, fc, prices)
        >>> pf.farmers, pf.loan_count, pf.periods, pf.period_ends[-1]
        (2, 3, 17, datetime.date(2026, 9, 15))
        """
        if not loans:
            raise InvalidLinkedPlan(
                E_("'loans' must hold at least one loan (got none)."), field="loans", value=()
            )
        freq = SettlementFrequency.parse(frequency)
        ids = [ln.loan_id for ln in loans]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise InvalidLinkedPlan(
                E_("'loans' must have distinct loan ids (got %(dup)s twice).", dup=repr(dup)),
                field="loan_id",
                value=dup,
            )
        farmer_ids = tuple(dict.fromkeys(ln.farmer for ln in loans))
        order = sorted(range(len(loans)), key=lambda k: (farmer_ids.index(loans[k].farmer), k))
        ordered = [loans[k] for k in order]
        scheds: list[Schedule | None] = []
        starts: list[dt.date] = []
        ends: list[dt.date] = []
        for ln in ordered:
            if isinstance(ln.loan, RevenueSharePlan):
                plan = ln.loan
                if plan.frequency is not freq:
                    raise InvalidLinkedPlan(
                        E_(
                            "revenue-share loan %(loan_id)s settles %(value)s, the portfolio "
                            "%(value2)s.",
                            loan_id=repr(ln.loan_id),
                            value=plan.frequency.value,
                            value2=freq.value,
                        ),
                        field="frequency",
                        value=plan.frequency.value,
                    )
                scheds.append(None)
                starts.append(plan.disbursed)
                day = plan.disbursed
                for _ in range(plan.last_period):
                    day = freq.period_of(day + dt.timedelta(days=1)).end
                ends.append(day)
            else:
                sch = ln.loan.schedule() if isinstance(ln.loan, LoanTerms) else ln.loan
                scheds.append(sch)
                starts.append(sch.disbursed)
                ends.append(max(r.due_date for r in sch if r.number > 0))
        first_day = min(starts)
        last_day = freq.period_of(max(ends)).end if end is None else end
        grid_start = freq.period_of(first_day + dt.timedelta(days=1)).start
        grid = list(periods_between(grid_start, last_day, freq))
        if not grid:
            raise InvalidLinkedPlan(
                E_(
                    "'end' must be after the first disbursement %(first_day)s (got %(end)s).",
                    first_day=first_day,
                    end=end,
                ),
                field="end",
                value=end,
            )
        period_ends = tuple(p.end for p in grid)
        t_count = len(grid)

        def index_of(day: dt.date) -> int:
            return next((k for k, e in enumerate(period_ends) if e >= day), t_count)

        n = len(ordered)
        inst = np.zeros((n, t_count))
        principal = np.zeros(n)
        rs_cols: list[int] = []
        rs: dict[str, list[Any]] = {k: [] for k in ("num", "den", "floor", "cap", "first", "last")}
        rates: list[_F64] = []
        for k, (ln, maybe) in enumerate(zip(ordered, scheds, strict=True)):
            if maybe is not None:
                for r in maybe:
                    if r.number > 0 and (t := index_of(r.due_date)) < t_count:
                        inst[k, t] += float(r.total * 100)
                principal[k] = float(maybe.net_disbursement * 100)
                continue
            rsp = ln.loan
            assert isinstance(rsp, RevenueSharePlan)
            rs_cols.append(k)
            principal[k] = float(rsp.principal * 100)
            first = index_of(rsp.disbursed + dt.timedelta(days=1))
            num, den = _ratio(rsp.share)
            rs["num"].append(num)
            rs["den"].append(den)
            rs["floor"].append(float(rsp.floor * 100))
            rs["cap"].append(math.inf if rsp.cap is None else float(rsp.cap * 100))
            rs["first"].append(first)
            rs["last"].append(first + rsp.last_period - 1)
            row = np.zeros(t_count)
            prev = rsp.disbursed
            for t in range(first, t_count):
                rate = rsp.rate if t - first < rsp.max_periods else rsp.extension_rate
                tau = rsp.day_count.year_fraction(prev, period_ends[t], None)
                row[t] = float((rate or rsp.rate).period_rate(tau))
                prev = period_ends[t]
            rates.append(row)
        revenue = None
        if rs_cols:
            revenue = _RevenueShares(
                index=np.array(rs_cols, dtype=np.int64),
                share_num=np.array(rs["num"], dtype=np.float64),
                share_den=np.array(rs["den"], dtype=np.float64),
                floor=np.array(rs["floor"]),
                cap=np.array(rs["cap"]),
                first=np.array(rs["first"], dtype=np.int64),
                last=np.array(rs["last"], dtype=np.int64),
                rates=np.array(rates),
            )
        lit = np.array([_litres_of(production, f, grid) for f in farmer_ids], dtype=np.float64)
        if isinstance(prices, MilkPriceSchedule):
            pr = np.array([float(prices.price(p.end)) for p in grid])
        else:
            if len(prices) != t_count:
                raise InvalidLinkedPlan(
                    E_(
                        "'prices' must give one price per settlement period, %(t_count)s (got "
                        "%(prices)s).",
                        t_count=t_count,
                        prices=len(prices),
                    ),
                    field="prices",
                    value=len(prices),
                )
            pr = np.array([float(amount(v, "prices")) for v in prices])
        owner = np.array([farmer_ids.index(ln.farmer) for ln in ordered], dtype=np.int64)
        return cls(
            disbursed=first_day,
            period_ends=period_ends,
            litres=lit,
            price=pr,
            installments=inst,
            principal=principal,
            loan_cap=share(loan_cap, "loan_cap"),
            floor_share=share(floor_share, "floor_share"),
            owner=owner,
            lent_days=np.array([float((d - first_day).days) for d in
                                (starts[k] for k in range(n))]),
            farmer_ids=farmer_ids,
            loan_ids=tuple(ln.loan_id for ln in ordered),
            revenue_shares=revenue,
        )  # fmt: skip

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
                E_("'terms' must hold at least one loan (got none)."), field="terms"
            )
        schedules = [t.schedule() for t in terms]
        dates = tuple(r.due_date for r in schedules[0] if r.number > 0)
        for k, s in enumerate(schedules):
            mine = tuple(r.due_date for r in s if r.number > 0)
            if mine != dates or terms[k].disbursed != terms[0].disbursed:
                raise InvalidLinkedPlan(
                    E_(
                        "'terms' must share the disbursement and due dates of the first loan "
                        "(loan %(k)s differs).",
                        k=k + 1,
                    ),
                    field="terms",
                    value=k + 1,
                )
        t_count = len(prices)
        if len(litres) != len(terms) or any(len(row) != t_count for row in litres):
            raise InvalidLinkedPlan(
                E_(
                    "'litres' must give %(t_count)s periods for each of the %(terms)s farmers.",
                    t_count=t_count,
                    terms=len(terms),
                ),
                field="litres",
            )
        if t_count > len(dates):
            raise InvalidLinkedPlan(
                E_(
                    "'prices' must not run past the loans' %(dates)s due dates (got %(t_count)s).",
                    dates=len(dates),
                    t_count=t_count,
                ),
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
    @exact
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

        Plausibility (issue 20 §2, docs/conventions.md "Bounds"): ``price`` above 0,
        ``litres_per_cow_day`` above 0 and at most :data:`MAX_LITRES_PER_COW_DAY`, and
        ``loan_per_cow`` at most :data:`MAX_LOAN_MILK_YEARS` years of a cow's milk at the
        expected price (``price × litres_per_cow_day × 365``): a larger loan can never be repaid
        from milk and every figure of the simulation would read 0 % or −100 %.

        >>> Portfolio.example(5, 12, loan_per_cow="1e14")
        Traceback (most recent call last):
        ...
        coopfinance.errors.InvalidLinkedPlan: 'loan_per_cow' must be at most 10 years of a cow's milk ...
        """
        farmers = _count(farmers, "farmers")
        if farmers > MAX_FARMERS:
            raise InvalidLinkedPlan(
                E_(
                    "'farmers' must be at most %(max_farmers)s (got %(farmers)s).",
                    max_farmers=format(MAX_FARMERS, ","),
                    farmers=format(farmers, ","),
                ),
                field="farmers",
                value=farmers,
            )
        periods = _count(periods, "periods", hi=600)
        per_cow, per_cow_loan = _plausible_cow(price, litres_per_cow_day, loan_per_cow)
        rng = np.random.default_rng(seed)
        cows = np.clip(rng.poisson(4.5, size=farmers) + 1, 1, 10)
        profile = (seasonality or SeasonalProfile.ica()).normalized()
        base = Rate.effective_annual(to_decimal(rate, field="rate"))
        loans: dict[int, LoanTerms] = {}
        for c in sorted({int(x) for x in cows}):
            loans[c] = LoanTerms(
                principal=CONTEXT.multiply(per_cow_loan, c),
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
class LoanOutcomes:
    """Per loan, counted over the scenarios (arrays indexed like :attr:`Portfolio.loan_ids`).

    A loan **breaks** when it is more than 30 days late for the first time (entering PAR 30).

    - ``first_late`` (loans × periods): in how many scenarios the loan broke in each period;
      ``over_30_days = first_late.sum(axis=1)`` the scenarios in which it ever broke;
    - ``price_at_break`` / ``yield_at_break``: the sums, over those scenarios, of the price shock
      and of the farmer's yield shock (mean-1 factors) of the period whose unpaid obligation made
      the loan late (the last period more than 30 days before the break) — divided by
      ``over_30_days``, the shock under which the loan broke;
    - ``not_repaid``: scenarios with something left at the end of the horizon;
    - ``collected`` / ``shortfall``: soles collected, and left unpaid of what fell due within the
      horizon (a revenue-share loan: its balance at the end), summed over the scenarios.
    """

    first_late: _I64
    price_at_break: _F64
    yield_at_break: _F64
    over_30_days: _I64
    not_repaid: _I64
    collected: _F64
    shortfall: _F64


@attrs.frozen(slots=True, kw_only=True, eq=False)
class SimulationResult:
    """Distributions from :func:`simulate`: per scenario and period, and per loan and farmer.

    - ``repaid_in``: how many loans were repaid in each period (index ``t`` = period ``t + 1``);
      ``not_repaid``: loans with something left at the end of the horizon.
    - ``over_30_days``: loans that were ever more than 30 days in arrears.
    - ``collected`` (scenarios × periods, soles): what the co-op collected each period.
    - ``due``: soles scheduled within the horizon (the same in every scenario; revenue-share
      loans count their principal).
    - ``effective_yield`` (scenarios): the co-op's annual effective yield (TEA convention).
    - ``by_loan``: :class:`LoanOutcomes`; ``farmer_over_30_days`` / ``farmer_not_repaid``: per
      farmer, the scenarios in which any of the farmer's loans was more than 30 days late / was
      not repaid within the horizon.
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
    loan_count: int = 0
    by_loan: LoanOutcomes | None = None
    farmer_over_30_days: _I64 | None = None
    farmer_not_repaid: _I64 | None = None
    loan_ids: tuple[str, ...] = ()
    farmer_ids: tuple[str, ...] = ()
    owner: _I64 | None = None

    @property
    def loans(self) -> int:
        """Scenarios × loans."""
        return self.scenarios * (self.loan_count or self.farmers)

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

    def loan_table(self) -> list[dict[str, Any]]:
        """One row per loan, the most fragile first (highest probability of breaking, then the
        earliest median break): ``p_over_30_days``, ``median_break`` (period, or ``None``), the
        mean ``price_at_break``/``yield_at_break``, ``p_not_repaid``, and per scenario the mean
        ``collected`` and ``shortfall`` (soles)."""
        lo = self.by_loan
        if lo is None:
            return []
        owner = self.owner if self.owner is not None else np.arange(len(lo.over_30_days))
        rows: list[dict[str, Any]] = []
        for k, lid in enumerate(self.loan_ids):
            n = int(lo.over_30_days[k])
            cum = np.cumsum(lo.first_late[k])
            med = int(np.searchsorted(cum, (n + 1) // 2)) + 1 if n else None
            rows.append({
                "loan_id": lid,
                "farmer": self.farmer_ids[int(owner[k])],
                "p_over_30_days": round(n / self.scenarios, 6),
                "median_break": med,
                "price_at_break": round(float(lo.price_at_break[k]) / n, 6) if n else None,
                "yield_at_break": round(float(lo.yield_at_break[k]) / n, 6) if n else None,
                "p_not_repaid": round(int(lo.not_repaid[k]) / self.scenarios, 6),
                "collected": round(float(lo.collected[k]) / self.scenarios, 2),
                "shortfall": round(float(lo.shortfall[k]) / self.scenarios, 2),
            })  # fmt: skip
        rows.sort(
            key=lambda r: (
                -float(r["p_over_30_days"]), r["median_break"] or 10**9, -float(r["p_not_repaid"]),
                r["loan_id"],
            )
        )  # fmt: skip
        return rows

    def farmer_table(self) -> list[dict[str, Any]]:
        """One row per farmer: loans held, probability that any of them broke (more than 30 days
        late) or was not repaid within the horizon; the most fragile first."""
        if self.farmer_not_repaid is None or self.farmer_over_30_days is None:
            return []
        owner = self.owner if self.owner is not None else np.arange(len(self.farmer_ids))
        rows: list[dict[str, Any]] = [
            {
                "farmer": f,
                "loans": int(np.count_nonzero(owner == k)),
                "p_over_30_days": round(int(self.farmer_over_30_days[k]) / self.scenarios, 6),
                "p_not_repaid": round(int(self.farmer_not_repaid[k]) / self.scenarios, 6),
            }
            for k, f in enumerate(self.farmer_ids)
        ]
        rows.sort(
            key=lambda r: (-float(r["p_over_30_days"]), -float(r["p_not_repaid"]), r["farmer"])
        )
        return rows

    def summary(self) -> dict[str, Any]:
        """Plain figures (JSON-ready)."""
        share_ = self.collected_share
        y = self.effective_yield
        q10, q50, q90 = self.repayment_quantiles()
        loss = self.due - self.collected.sum(axis=1)
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
            "uncollected": {
                "mean": round(float(loss.mean()), 2),
                "p95": round(float(np.quantile(loss, 0.95)), 2),
                "p99": round(float(np.quantile(loss, 0.99)), 2),
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


def _yields(
    collected: _F64, lent: float, days: _F64, guess: float, lent_at: tuple[_F64, _F64] | None = None
) -> _F64:
    """Annual effective yield per scenario: ``Σ Cₜ·exp(−x·τₜ) = Σ Pₗ·exp(−x·σₗ)``, ``y = eˣ − 1``,
    τ = days/360 (safeguarded Newton on ``x``; no collection at all gives −100 %). ``lent_at``:
    the amounts and days of loans disbursed after the first day (σ > 0)."""
    tau = days / 360.0
    if lent_at is not None:
        amounts, sig = lent_at[0], lent_at[1] / 360.0
    total = collected.sum(axis=1)
    x = np.full(collected.shape[0], math.log1p(guess))
    lo = np.full_like(x, -50.0)
    hi = np.full_like(x, 50.0)
    for _ in range(60):
        disc = np.exp(-np.outer(x, tau))
        f = (collected * disc).sum(axis=1) - lent
        df = -(collected * disc * tau).sum(axis=1)
        if lent_at is not None:
            out_disc = np.exp(-np.outer(x, sig)) * amounts
            f = f - out_disc.sum(axis=1)
            df = df + (out_disc * sig).sum(axis=1)
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


def _serve(room: _F64, due: _F64, owner: _I64, group_start: _I64) -> _F64:
    """Each farmer's ``room`` (scenarios × farmers) shared by his loans in order:
    ``collectedₗ = clip(room − Σ due of his loans before l, 0, dueₗ)``."""
    before = np.cumsum(due, axis=1) - due
    before -= before[:, group_start[owner]]
    out: _F64 = np.clip(room[:, owner] - before, 0.0, due)
    return out


def _by_farmer(per_loan: _F64, has_loan: npt.NDArray[np.bool_], group_start: _I64) -> _F64:
    """Per-loan amounts summed per farmer (0 for a farmer without loans)."""
    out = np.zeros((per_loan.shape[0], has_loan.shape[0]))
    out[:, has_loan] = np.add.reduceat(per_loan, group_start[has_loan], axis=1)
    return out


def _recent(ends: Sequence[dt.date]) -> list[int]:
    """For each period, how many periods (itself included) ended within the last 30 days."""
    return [sum(1 for d in ends[: t + 1] if (end - d).days <= 30) for t, end in enumerate(ends)]


MAX_SHOCK_SD = 2.0
"""The largest standard deviation of a log price or yield shock per period (issue 20 §2)."""


@exact
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
    _general: bool = False,
) -> SimulationResult:
    """Simulate ``scenarios`` paths of price and yield shocks for every farmer of ``portfolio``.

    ``price_sd`` and ``yield_sd`` are the standard deviations of the log shocks per period (price
    common to the co-op, yield per farmer); ``price_persistence`` ρ ∈ [0, 1) makes price shocks
    AR(1). ``chunk_scenarios`` bounds memory (default: about 2¹⁶ farmer-scenarios per chunk);
    ``progress(done, total)`` is called after each chunk. The same ``seed`` gives the same result
    whatever the chunk size. A portfolio of one schedule per farmer takes the fast path; any
    other (several loans per farmer, revenue-share loans) the general one, which serves each
    farmer's loans in order from his room (the tests hold the two equal on the same portfolio).

    >>> pf = Portfolio.example(farmers=20, periods=24, seed=1)
    >>> r = simulate(pf, scenarios=64, seed=7)
    >>> r.loans, 0 <= r.probability_arrears_over_30 <= 1
    (1280, True)
    >>> r.summary() == simulate(pf, scenarios=64, seed=7, chunk_scenarios=32).summary()
    True
    """
    plan = _plan(
        portfolio, scenarios=scenarios, seed=seed, price_sd=price_sd, yield_sd=yield_sd,
        price_persistence=price_persistence, chunk_scenarios=chunk_scenarios, general=_general,
    )  # fmt: skip

    def counted() -> Iterator[_Tally]:
        for tally in _chunks(portfolio, plan, range(plan.chunk_count), _trace):
            yield tally
            if progress is not None:
                progress(tally.first + tally.scenarios, plan.scenarios)

    return _finish(portfolio, plan, counted())


@attrs.frozen(slots=True, kw_only=True)
class _Plan:
    """The checked parameters of one :func:`simulate` run; chunk ``k`` is the scenarios of blocks
    ``k·per_chunk …`` (whole blocks, each its own random stream)."""

    scenarios: int
    seed: int
    sp: float
    sy: float
    rho: float
    general: bool
    per_chunk: int  # blocks per chunk
    blocks: int

    @property
    def chunk_count(self) -> int:
        return -(-self.blocks // self.per_chunk)


def _plan(
    portfolio: Portfolio,
    *,
    scenarios: int,
    seed: int,
    price_sd: Decimal | str,
    yield_sd: Decimal | str,
    price_persistence: Decimal | str,
    chunk_scenarios: int | None,
    general: bool = False,
) -> _Plan:
    """:func:`simulate`'s arguments checked (the same refusals, the same messages)."""
    s_total = _count(scenarios, "scenarios")
    if s_total > MAX_SCENARIOS:
        raise InvalidLinkedPlan(
            E_(
                "'scenarios' must be at most %(max_scenarios)s (got %(s_total)s).",
                max_scenarios=format(MAX_SCENARIOS, ","),
                s_total=format(s_total, ","),
            ),
            field="scenarios",
            value=s_total,
        )
    for name, cents in (
        ("principal", portfolio.principal),
        ("installments", portfolio.installments),
    ):
        most = float(np.max(cents.sum(axis=-1) if cents.ndim > 1 else cents, initial=0.0))
        if not most <= MAX_CENTS:  # also NaN
            raise InvalidLinkedPlan(
                E_(
                    "'portfolio' %(name)s must stay below %(max_cents)s per loan so the "
                    "float path keeps every céntimo (got %(most)s).",
                    name=name,
                    max_cents=format(MAX_CENTS / 100, ",.0f"),
                    most=format(most / 100, ",.2f"),
                ),
                field=name,
                value=most / 100,
            )
    seed = _count(seed, "seed", lo=0)
    sp = float(amount(price_sd, "price_sd"))
    sy = float(amount(yield_sd, "yield_sd"))
    for name, sd in (("price_sd", sp), ("yield_sd", sy)):
        if sd > MAX_SHOCK_SD:  # beyond it exp() of the shocks overflows to inf and results are nan
            raise InvalidLinkedPlan(
                E_(
                    "%(name)s must be at most %(max_shock_sd)s (a log shock of that sd "
                    "multiplies or divides by e² in a period; got %(sd)s).",
                    name=repr(name),
                    max_shock_sd=MAX_SHOCK_SD,
                    sd=sd,
                ),
                field=name,
                value=sd,
            )
    rho_d = amount(price_persistence, "price_persistence")
    if rho_d >= ONE:
        raise InvalidLinkedPlan(
            E_("'price_persistence' must be below 1 (got %(rho_d)s).", rho_d=rho_d),
            field="price_persistence",
            value=rho_d,
        )
    f_count, l_count = portfolio.farmers, portfolio.loan_count
    if chunk_scenarios is None:
        chunk_scenarios = max(BLOCK, (1 << 16) // max(f_count, l_count, 1))
    chunk_scenarios = _count(chunk_scenarios, "chunk_scenarios")
    return _Plan(
        scenarios=s_total,
        seed=seed,
        sp=sp,
        sy=sy,
        rho=float(rho_d),
        general=general or not portfolio.one_loan_each,
        per_chunk=-(-chunk_scenarios // BLOCK),
        blocks=-(-s_total // BLOCK),
    )


@attrs.define(slots=True, kw_only=True, eq=False)
class _Tally:
    """What one chunk of scenarios adds up to (counted from zero), or the run's totals: the
    chunks are added in order (:meth:`add`), so a run split into chunks on several processes or
    machines and added up in chunk order gives the very same floats as one run."""

    first: int  # the chunk's first scenario
    scenarios: int
    collected: _F64  # scenarios × periods, soles
    repaid_count: _I64
    over30: int
    lo_first: _I64
    lo_price: _F64
    lo_yield: _F64
    lo_over: _I64
    lo_open: _I64
    lo_coll: _F64
    lo_left: _F64
    fa_over: _I64
    fa_open: _I64

    @classmethod
    def zero(cls, first: int, scenarios: int, loans: int, farmers: int, periods: int) -> _Tally:
        return cls(
            first=first,
            scenarios=scenarios,
            collected=np.empty((scenarios, periods)),
            repaid_count=np.zeros(periods, dtype=np.int64),
            over30=0,
            lo_first=np.zeros((loans, periods), dtype=np.int64),
            lo_price=np.zeros(loans),
            lo_yield=np.zeros(loans),
            lo_over=np.zeros(loans, dtype=np.int64),
            lo_open=np.zeros(loans, dtype=np.int64),
            lo_coll=np.zeros(loans),
            lo_left=np.zeros(loans),
            fa_over=np.zeros(farmers, dtype=np.int64),
            fa_open=np.zeros(farmers, dtype=np.int64),
        )

    def add(self, other: _Tally) -> None:
        """Add ``other``'s counts and sums (its ``collected`` rows are kept by the caller)."""
        self.repaid_count += other.repaid_count
        self.over30 += other.over30
        for name in ("lo_first", "lo_price", "lo_yield", "lo_over", "lo_open", "lo_coll",
                     "lo_left", "fa_over", "fa_open"):  # fmt: skip
            mine = getattr(self, name)
            mine += getattr(other, name)


def _chunks(
    portfolio: Portfolio,
    plan: _Plan,
    chunks: range,
    _trace: list[tuple[int, int, _F64, _F64]] | None = None,
) -> Iterator[_Tally]:
    """The :class:`_Tally` of each chunk in ``chunks`` (indices of :attr:`_Plan.chunk_count`),
    in order: the loop over settlement periods, vectorized over the chunk's scenarios and the
    portfolio's loans."""
    s_total = plan.scenarios
    sp, sy, rho, general = plan.sp, plan.sy, plan.rho, plan.general
    f_count, t_count = portfolio.farmers, portfolio.periods
    l_count = portfolio.loan_count
    owner = portfolio.owner if portfolio.owner is not None else np.arange(f_count, dtype=np.int64)
    n_blocks = plan.blocks
    streams = np.random.SeedSequence(plan.seed).spawn(n_blocks)

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
    y_corr = math.exp(-sy * sy / 2)
    rs = portfolio.revenue_shares
    sched = np.ones(l_count, dtype=bool)
    if rs is not None:
        sched[rs.index] = False
    # the farmers' groups on the loan axis (loans grouped by farmer)
    group_start = np.searchsorted(owner, np.arange(f_count))
    has_loan = np.bincount(owner, minlength=f_count) > 0
    # general path: what fell due within 30 days, per schedule and period (the late rule)
    recent_n = _recent(portfolio.period_ends)
    recent_sched = np.empty((l_count, t_count))
    for t in range(t_count):
        j = t - recent_n[t]
        recent_sched[:, t] = cum_due[:, t] - (cum_due[:, j] if j >= 0 else 0.0)
    ring_n = max(recent_n) + 1
    for k_chunk in chunks:
        b0 = k_chunk * plan.per_chunk
        blocks = range(b0, min(n_blocks, b0 + plan.per_chunk))
        gens = [np.random.Generator(np.random.PCG64(streams[b])) for b in blocks]
        sizes = [min(BLOCK, s_total - b * BLOCK) for b in blocks]
        c = sum(sizes)
        done = b0 * BLOCK
        tally = _Tally.zero(done, c, l_count, f_count, t_count)
        collected = tally.collected
        lo_first, lo_price, lo_yield = tally.lo_first, tally.lo_price, tally.lo_yield
        repaid_count = tally.repaid_count
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
        shock = np.exp(sp * zp - sp * sp / 2)  # c × T, the mean-1 price factor
        prices = price * shock  # soles per litre
        if _trace is not None:
            _trace.append((done, -1, prices.copy(), np.zeros(0)))
        prices *= 100.0  # céntimos per litre
        arrears = np.zeros((c, l_count))
        paid = np.zeros((c, l_count))
        ever = np.zeros((c, l_count), dtype=bool)
        ring = [np.empty((c, f_count), dtype=np.float32) for _ in range(ring_n)]
        newly = np.empty((c, l_count), dtype=bool)
        gross = np.empty((c, f_count))
        tmp = np.empty((c, l_count)) if general else np.empty((c, f_count))
        lost = np.empty((c, l_count), dtype=bool)
        room = np.empty((c, f_count))
        balance = None
        history: list[_F64] = []
        if general and rs is not None:
            balance = np.tile(portfolio.principal[rs.index], (c, 1))
        for t in range(t_count):
            z = ring[t % ring_n]  # the yield shocks of the last 30 days are kept
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
            if not general:
                np.multiply(gross, cap_num, out=tmp)
                if cap_den != 1:  # exact: tmp < 2⁵², a correctly rounded quotient keeps its floor
                    np.divide(tmp, cap_den, out=tmp)
                np.floor(tmp, out=tmp)  # ⌊cap·gross⌋
                if fl_num:
                    np.minimum(tmp, gross - np.ceil(gross * fl_num / fl_den), out=tmp)
                np.add(arrears, inst[:, t], out=arrears)  # due = installment + arrears
                np.minimum(arrears, tmp, out=tmp)  # collected
                np.subtract(arrears, tmp, out=arrears)
                np.add(paid, tmp, out=paid)
                coll = tmp
            else:
                np.multiply(gross, cap_num, out=room)
                if cap_den != 1:
                    np.divide(room, cap_den, out=room)
                np.floor(room, out=room)
                if fl_num:
                    np.minimum(room, gross - np.ceil(gross * fl_num / fl_den), out=room)
                old = arrears.copy()  # arrears first (oldest first), loan by loan
                new = np.broadcast_to(inst[:, t], (c, l_count)).copy()
                if rs is not None and balance is not None:
                    cols = rs.index
                    arr_rs = arrears[:, cols]
                    interest = np.floor(balance * rs.rates[:, t] + 0.5)
                    owed = balance + interest
                    g_rs = gross[:, owner[cols]]
                    regular = np.floor(g_rs * rs.share_num / rs.share_den)
                    regular = np.minimum(np.maximum(regular, rs.floor), rs.cap)
                    due_rs = np.where(t >= rs.last, owed, np.minimum(owed, regular + arr_rs))
                    due_rs = np.where(t >= rs.first, due_rs, 0.0)
                    new[:, cols] = due_rs - arr_rs
                got_old = _serve(room, old, owner, group_start)
                np.subtract(room, _by_farmer(got_old, has_loan, group_start), out=room)
                got_new = _serve(room, new, owner, group_start)
                np.add(got_old, got_new, out=tmp)
                np.add(old, new, out=arrears)
                np.subtract(arrears, tmp, out=arrears)
                np.add(paid, tmp, out=paid)
                coll = tmp
                if rs is not None and balance is not None:
                    history.append(due_rs - arr_rs)  # new obligations (FIFO: the late rule)
                    balance = owed - tmp[:, cols]
            if _trace is not None:  # tests: (first scenario, period, litres, collected céntimos)
                litres = gross_litres if sy else np.broadcast_to(base100[:, t], (c, f_count))
                _trace.append((done, t, np.array(litres), coll.copy()))
            collected[:, t] = coll.sum(axis=1) / 100.0
            went = True  # whether ``lost`` (more than 30 days late now) was computed
            if not general:
                j = over_idx[t]
                went = j > 0
                if went:
                    np.less(paid, cum_due[:, j - 1] - 0.5, out=lost)
                if t >= last_due:
                    repaid_count[t] += int(np.count_nonzero(paid >= total_due_f - 0.5))
            else:
                late = np.broadcast_to(recent_sched[:, t] + 0.5, (c, l_count))
                np.greater(arrears, late, out=lost)
                repaid = (paid >= total_due_f - 0.5) & sched
                if rs is not None and balance is not None:
                    cols = rs.index
                    recent_rs = sum(history[-recent_n[t] :], np.zeros_like(balance))
                    lost[:, cols] = arrears[:, cols] > recent_rs + 0.5
                    repaid[:, cols] = (balance < 0.5) & (t >= rs.first)
                    if len(history) >= max(recent_n):
                        del history[0]
                repaid_count[t] += int(np.count_nonzero(repaid))
            if went:
                # the break: a loan more than 30 days late for the first time, and the shocks of
                # the period whose unpaid obligation made it late (k, over 30 days before)
                np.greater(lost, ever, out=newly)
                k = t - recent_n[t]
                if k >= 0 and newly.any():
                    si, li = np.divmod(np.flatnonzero(newly), l_count)
                    lo_first[:, t] += np.bincount(li, minlength=l_count)
                    lo_price += np.bincount(li, weights=shock[si, k], minlength=l_count)
                    if sy:
                        yf = ring[k % ring_n][si, owner[li]].astype(np.float64) * y_corr
                        lo_yield += np.bincount(li, weights=yf, minlength=l_count)
                    else:
                        lo_yield += np.bincount(li, minlength=l_count)
                np.logical_or(ever, lost, out=ever)
        tally.over30 = int(np.count_nonzero(ever))
        tally.lo_over += ever.sum(axis=0)
        tally.lo_coll += paid.sum(axis=0) / 100.0
        open_ = paid < total_due_f - 0.5
        left = np.maximum(total_due_f - paid, 0.0)
        if rs is not None and balance is not None:
            open_[:, rs.index] = balance >= 0.5
            left[:, rs.index] = balance
        tally.lo_open += open_.sum(axis=0)
        tally.lo_left += left.sum(axis=0) / 100.0
        if general:
            starts = group_start[has_loan]
            tally.fa_over[has_loan] += np.logical_or.reduceat(ever, starts, axis=1).sum(axis=0)
            tally.fa_open[has_loan] += np.logical_or.reduceat(open_, starts, axis=1).sum(axis=0)
        else:
            tally.fa_over += ever.sum(axis=0)
            tally.fa_open += open_.sum(axis=0)
        yield tally


def _finish(portfolio: Portfolio, plan: _Plan, tallies: Iterable[_Tally]) -> SimulationResult:
    """The run's result from the :class:`_Tally` of every chunk, added in chunk order (taken one
    at a time: a chunk's tally is dropped once added)."""
    s_total = plan.scenarios
    f_count, t_count, l_count = portfolio.farmers, portfolio.periods, portfolio.loan_count
    owner = portfolio.owner if portfolio.owner is not None else np.arange(f_count, dtype=np.int64)
    total = _Tally.zero(0, 0, l_count, f_count, t_count)
    collected = np.empty((s_total, t_count))
    for tally in tallies:
        total.add(tally)
        collected[tally.first : tally.first + tally.scenarios] = tally.collected
    repaid_count = total.repaid_count
    inst = portfolio.installments
    rs = portfolio.revenue_shares
    first = np.diff(repaid_count, prepend=0)
    not_repaid = s_total * l_count - int(repaid_count[-1])
    ends = portfolio.period_ends
    days = np.array([(d - portfolio.disbursed).days for d in ends], dtype=np.float64)
    lent = float(portfolio.principal.sum()) / 100.0
    lent_at = None
    if portfolio.lent_days is not None and portfolio.lent_days.any():
        later = portfolio.lent_days > 0
        lent_at = (portfolio.principal[later] / 100.0, portfolio.lent_days[later])
        lent_now = float(portfolio.principal[~later].sum()) / 100.0
    yields = _yields(collected, lent if lent_at is None else lent_now, days, 0.18, lent_at)
    due_total = float(inst.sum()) / 100.0
    if rs is not None:
        due_total += float(portfolio.principal[rs.index].sum()) / 100.0
    farmer_ids, loan_ids = portfolio.names()
    return SimulationResult(
        scenarios=s_total,
        farmers=f_count,
        periods=t_count,
        seed=plan.seed,
        repaid_in=first,
        not_repaid=not_repaid,
        over_30_days=total.over30,
        collected=collected,
        due=due_total,
        lent=lent,
        effective_yield=yields,
        loan_count=l_count,
        by_loan=LoanOutcomes(
            first_late=total.lo_first, price_at_break=total.lo_price,
            yield_at_break=total.lo_yield, over_30_days=total.lo_over,
            not_repaid=total.lo_open, collected=total.lo_coll, shortfall=total.lo_left,
        ),
        farmer_over_30_days=total.fa_over,
        farmer_not_repaid=total.fa_open,
        loan_ids=loan_ids,
        farmer_ids=farmer_ids,
        owner=owner,
    )  # fmt: skip
