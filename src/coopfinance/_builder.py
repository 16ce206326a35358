"""The schedule builder: loan terms in, a :class:`~coopfinance.Schedule` out.

For installments ``k = 1..n`` with due dates ``d_k`` and period rates ``i_k`` (see :class:`Rate`):

- discount factors ``v_k = Π_{j≤k} 1/(1 + i_j)`` (counted from the end of grace);
- each row: ``interest_k = round(balance_{k−1} · i_k)``, ``principal_k = C_k − interest_k``;
  the last row takes the remaining balance, so principal repaid equals principal lent exactly.

What differs between amortization kinds is a **planner** (one per kind, in :data:`PLANNERS`):
given the balance after grace and the period rates, it says what each row is due and how a row
splits into interest, principal and capitalized interest:

=====================  ========================================================================
kind                   planner
=====================  ========================================================================
LEVEL                  ``C = B / Σ v_k``, every row due ``C`` (rounded to the installment step)
WEIGHTED               ``C_k = w_k·X`` with ``X = B / Σ w_k·v_k``
CONSTANT_PRINCIPAL     ``principal_k = round(B/m)``, interest on the balance
FLAT                   total interest ``Σ B·i_k`` spread evenly, with ``B/m`` of principal
BULLET                 nothing before maturity; then ``B`` and ``B·i(whole term)``
INTEREST_ONLY          interest each period, the principal at maturity
=====================  ========================================================================

A row that is due less than the interest it accrues (capitalizing grace, a small seasonal weight)
pays what it can and adds the rest to the balance (shown by :attr:`Installment.capitalized`).

Adding an amortization kind
---------------------------

1. a member of :class:`~coopfinance.Amortization` (``_conventions.py``);
2. a planner here: a function ``(_Context) -> _Plan`` registered in :data:`PLANNERS` (the test
   ``test_every_amortization_has_a_planner`` fails until it is);
3. its validation rule, if the kind constrains other terms, in ``_KIND_RULES`` of ``_terms.py``;
4. an entry in ``_METHODS`` of ``batch/_schedules.py`` with its float kernel, or nothing there:
   the batch engine then refuses the kind with a message that lists the kinds it computes.

The builder reads the terms through :class:`ScheduleTerms` (the fields of
:class:`~coopfinance.LoanTerms`), so it imports the conventions, the charges and the schedule
values but never the terms module: ``_terms → _builder → _schedule``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from itertools import accumulate
from operator import mul, sub
from types import MappingProxyType
from typing import Any, NamedTuple, NoReturn, Protocol

from coopfinance._calendar import (
    BusinessDay,
    DayCount,
    Frequency,
    HolidayCalendar,
    add_months,
    calendar_dates,
    monthly_ordinals,
)
from coopfinance._charges import Charge, ChargeBasis, ChargeKind, DuringGrace, Upfront
from coopfinance._conventions import Amortization, Grace, GraceType
from coopfinance._decimal import CONTEXT, ONE, ZERO, exact, fraction_to_decimal
from coopfinance._money import Money, RoundingPolicy, round_to
from coopfinance._rates import Rate
from coopfinance._schedule import Installment, Schedule
from coopfinance.errors import E_, InvalidLoanTerms

__all__ = [
    "PLANNERS",
    "Calendar",
    "Prepared",
    "ScheduleTerms",
    "build_schedule",
    "calendar_of",
    "period_rates",
    "prepare",
]


class ScheduleTerms(Protocol):
    """What the builder reads of loan terms: the fields of :class:`~coopfinance.LoanTerms`."""

    @property
    def principal(self) -> Money: ...
    @property
    def rate(self) -> Rate: ...
    @property
    def disbursed(self) -> dt.date: ...
    @property
    def installments(self) -> int | None: ...
    @property
    def frequency(self) -> Frequency: ...
    @property
    def first_due(self) -> dt.date | None: ...
    @property
    def due_dates(self) -> tuple[dt.date, ...] | None: ...
    @property
    def amortization(self) -> Amortization: ...
    @property
    def weights(self) -> tuple[Decimal, ...] | None: ...
    @property
    def day_count(self) -> DayCount: ...
    @property
    def grace(self) -> Grace: ...
    @property
    def rounding(self) -> RoundingPolicy: ...
    @property
    def business_day(self) -> BusinessDay: ...
    @property
    def holidays(self) -> HolidayCalendar: ...
    @property
    def charges(self) -> tuple[Charge, ...]: ...
    @property
    def down_payment(self) -> Decimal | None: ...
    @property
    def level_includes_insurance(self) -> bool: ...
    @property
    def count(self) -> int: ...


_tuple_new = tuple.__new__
Rounder = Callable[[Decimal], Decimal]


# ------------------------------------------------------------------------------------------------
# Calendar and period rates
# ------------------------------------------------------------------------------------------------


def period_rates(
    terms: ScheduleTerms, dates: Sequence[dt.date]
) -> tuple[list[int], list[Decimal], list[Fraction]]:
    """Days, period rates ``i_k`` and year fractions ``τ_k`` for each period of ``dates``.

    Each distinct period is priced once (most monthly periods have 28–31 days).
    """
    return _period_rates(terms.rate, terms.day_count, terms.frequency, terms.disbursed, dates)


def _period_rates(
    rate: Rate, dc: DayCount, freq: Frequency, disbursed: dt.date, dates: Sequence[dt.date]
) -> tuple[list[int], list[Decimal], list[Fraction]]:
    days: list[int] = []
    rates: list[Decimal] = []
    taus: list[Fraction] = []
    seen: dict[Any, tuple[Decimal, Fraction]] = {}
    by_days = dc.value in ("act/360", "act/365")
    prev = disbursed
    for d in dates:
        n = (d - prev).days
        key: Any = n if by_days else (prev, d)
        hit = seen.get(key)
        if hit is None:
            tau = dc.year_fraction(prev, d, freq)
            hit = (rate.period_rate(tau), tau)
            seen[key] = hit
        days.append(n)
        rates.append(hit[0])
        taus.append(hit[1])
        prev = d
    return days, rates, taus


class Calendar(NamedTuple):
    """The amount-independent part of a schedule: due dates, days, period rates ``i_k``, year
    fractions ``τ_k``, discount factors ``1/(1 + i_k)``, and (filled as needed) the annuity sums
    ``Σ_{k>g} v_k`` of a level schedule after ``g`` grace periods."""

    dates: tuple[dt.date, ...]
    days: tuple[int, ...]
    rates: tuple[Decimal, ...]
    taus: tuple[Fraction, ...]
    discounts: tuple[Decimal, ...]
    sums: dict[int, Decimal]


def calendar_of(terms: ScheduleTerms) -> Calendar:
    """The :class:`Calendar` of ``terms``, shared by all terms with the same calendar and rate
    (loans of one product disbursed the same day): an ``lru_cache`` of 1,024 calendars.
    :meth:`LoanTerms.schedule` also keeps it on the terms, so it is looked up once per terms."""
    return _calendar_part(
        terms.disbursed,
        terms.frequency,
        terms.installments,
        terms.first_due,
        terms.due_dates,
        terms.business_day,
        terms.holidays,
        terms.rate,
        terms.day_count,
    )


_PRICED: dict[tuple[Rate, DayCount], dict[int, tuple[Decimal, Fraction, Decimal]]] = {}
"""Per rate and day count counted in days (ACT/360, ACT/365F), the period rate ``i``, ``τ`` and
``1/(1 + i)`` of each length of period met so far: a power with a fractional exponent costs tens
of microseconds, and loans at one rate meet the same few lengths (28–31 days) whatever their
dates. At most :data:`_PRICED_RATES` rates are kept (then it starts again)."""
_PRICED_RATES = 1024

_PATTERNS: dict[
    tuple[Rate, DayCount, tuple[int, ...]],
    tuple[tuple[Decimal, ...], tuple[Fraction, ...], tuple[Decimal, ...], dict[int, Decimal]],
] = {}
"""Per rate, day count (counted in days) and sequence of period lengths, the period rates, year
fractions, discount factors and the memo of annuity sums ``Σ v_k`` of :class:`Calendar`: they
depend on the lengths alone, and monthly loans disbursed on different dates meet the same few
sequences (every loan disbursed on the 1st-28th of one month in years of the same leap phase has
the same lengths), so a new calendar takes them — and its level installment's annuity sum —
without pricing or summing again. At most :data:`_PATTERNS_KEPT` are kept (then it starts again)."""
_PATTERNS_KEPT = 4096


def _priced(rate: Rate, dc: DayCount) -> dict[int, tuple[Decimal, Fraction, Decimal]]:
    if len(_PRICED) >= _PRICED_RATES:
        _PRICED.clear()
    return _PRICED.setdefault((rate, dc), {})


@functools.lru_cache(maxsize=1024)
def _calendar_part(  # noqa: PLR0917 - an lru_cache key: positional on purpose
    disbursed: dt.date,
    frequency: Frequency,
    installments: int | None,
    first_due: dt.date | None,
    due_dates: tuple[dt.date, ...] | None,
    business_day: BusinessDay,
    holidays: HolidayCalendar,
    rate: Rate,
    day_count: DayCount,
) -> Calendar:
    """Due dates, days, period rates ``i_k``, year fractions and ``1/(1 + i_k)`` for a loan's
    calendar and rate, whatever its amount: loans disbursed together on the same product share it.
    """
    months = frequency.months
    ordinals = (
        monthly_ordinals(add_months(disbursed, months), months, installments)
        if months is not None
        and installments
        and first_due is None
        and due_dates is None
        and business_day is BusinessDay.UNADJUSTED
        else None
    )  # the common case: calendar_dates' dates straight from the month table, as ordinals
    if ordinals is not None:
        dates = list(map(dt.date.fromordinal, ordinals))
    else:
        dates = calendar_dates(
            disbursed, frequency, installments, first_due, due_dates, business_day, holidays
        )
    if day_count.value in ("act/360", "act/365") and dates:
        # τ depends on the days alone: look each length up in the rate's prices, in C loops
        if ordinals is None:
            ordinals = list(map(dt.date.toordinal, dates))
        lengths = tuple(map(sub, ordinals, [disbursed.toordinal(), *ordinals[:-1]]))
        key = (rate, day_count, lengths)
        shared = _PATTERNS.get(key)
        if shared is None:
            priced = _PRICED.get((rate, day_count)) or _priced(rate, day_count)
            missing = set(lengths).difference(priced)
            for n in missing:
                tau = day_count.year_fraction(
                    disbursed, disbursed + dt.timedelta(days=n), frequency
                )
                i = rate.period_rate(tau)
                priced[n] = (i, tau, CONTEXT.divide(ONE, ONE + i))
            rates_, taus_, discounts_ = zip(*map(priced.__getitem__, lengths), strict=True)
            if len(_PATTERNS) >= _PATTERNS_KEPT:
                _PATTERNS.clear()
            shared = _PATTERNS[key] = (rates_, taus_, discounts_, {})
        return Calendar(tuple(dates), lengths, *shared)
    days, rates, taus = _period_rates(rate, day_count, frequency, disbursed, dates)
    inverse: dict[Decimal, Decimal] = {}
    discounts = []
    for i in rates:
        v = inverse.get(i)
        if v is None:
            v = inverse[i] = CONTEXT.divide(ONE, ONE + i)
        discounts.append(v)
    return Calendar(tuple(dates), tuple(days), tuple(rates), tuple(taus), tuple(discounts), {})


# ------------------------------------------------------------------------------------------------
# Planners: one per amortization kind
# ------------------------------------------------------------------------------------------------


class _Context(NamedTuple):
    """What a planner sees: the balance after grace and the periods that amortize it."""

    terms: ScheduleTerms
    base: Decimal
    """The balance after the grace periods."""
    grace: int
    n: int
    rates: tuple[Decimal, ...]
    discounts: tuple[Decimal, ...]
    taus: tuple[Fraction, ...]
    folded: list[Decimal] | None
    """Per period, the insurance rate folded into a level installment (or ``None``)."""
    sums: dict[int, Decimal]
    """The calendar's memo of ``Σ v_k`` per number of grace periods (see :class:`Calendar`)."""
    rnd: Rounder
    to_step: Rounder
    """Rounding of an installment total to ``installment_multiple`` (or the unit)."""
    zero: Decimal

    @property
    def m(self) -> int:
        """The amortizing rows (after grace)."""
        return self.n - self.grace


Split = tuple[Decimal, Decimal, Decimal]
"""A row's (interest paid, principal, interest capitalized)."""


class _Plan:
    """How one amortization kind fills the rows after grace (the last row always pays the rest).

    - :attr:`targets`: what each amortizing row is due, where the kind fixes it;
    - :attr:`fast`: rows may take the builder's fast path (targets, interest on the balance);
    - :attr:`regular`: the schedule's ``installment_amount``, or ``None`` for the first amortizing
      row's total;
    - :meth:`accrue`: the interest of row ``j``; :meth:`split`: how a row before the last pays.
    """

    targets: list[Decimal] | None = None
    fast = False
    regular: Decimal | None = None

    def __init__(self, ctx: _Context) -> None:
        self.ctx = ctx

    def accrue(self, j: int, opening: Decimal, _last: bool) -> Decimal:
        """Interest on the opening balance at the period rate."""
        return self.ctx.rnd(opening * self.ctx.rates[j])

    def split(self, _j: int, _opening: Decimal, accrued: Decimal, _folded_row: Decimal) -> Split:
        """Pay the interest, repay nothing (overridden by kinds that repay before maturity)."""
        zero = self.ctx.zero
        return accrued, zero, zero


class _TargetPlan(_Plan):
    """Rows due a fixed total: interest first, the rest principal, any shortfall capitalized."""

    def split(self, j: int, opening: Decimal, accrued: Decimal, folded_row: Decimal) -> Split:
        assert self.targets is not None
        target = self.targets[j - self.ctx.grace] - folded_row
        paid_interest = accrued if accrued < target else target
        princ = target - paid_interest
        capitalized = accrued - paid_interest
        return paid_interest, min(princ, opening + capitalized), capitalized


def _annuity(ctx: _Context, weights: Sequence[Decimal] | None) -> Decimal:
    """``X = B / Σ w_k·v_k`` (``w ≡ 1`` for LEVEL), insurance folded into the rates if asked."""
    folded = ctx.folded
    memo = weights is None and folded is None
    if memo:
        hit = ctx.sums.get(ctx.grace)
        if hit is not None:
            return ctx.base / hit
    if folded is None:  # v_k = Π d_j and Σ w_k·v_k in C loops: the same operations, in order
        vs = accumulate(ctx.discounts[ctx.grace : ctx.n], mul)
        acc = sum(vs if weights is None else map(mul, weights, vs), ZERO)
    else:
        v = ONE
        acc = ZERO
        for j in range(ctx.grace, ctx.n):
            v *= ONE / (ONE + ctx.rates[j] + folded[j])
            acc += v if weights is None else weights[j - ctx.grace] * v
    if memo:
        ctx.sums[ctx.grace] = acc  # amount-independent: loans on the same calendar share it
    return ctx.base / acc


class _Level(_TargetPlan):
    """LEVEL: ``C = B / Σ v_k`` every row."""

    fast = True

    def __init__(self, ctx: _Context) -> None:
        super().__init__(ctx)
        level = ctx.to_step(_annuity(ctx, None))
        self.regular = level
        self.targets = [level] * ctx.m


class _Weighted(_TargetPlan):
    """WEIGHTED: ``C_k = w_k·X``; the regular installment is ``X`` (weight 1)."""

    fast = True

    def __init__(self, ctx: _Context) -> None:
        super().__init__(ctx)
        weights = ctx.terms.weights
        assert weights is not None
        x = _annuity(ctx, weights)
        self.regular = ctx.rnd(x)
        self.targets = [ctx.to_step(w * x) for w in weights]


class _Flat(_TargetPlan):
    """FLAT: ``Σ B·i_k`` of interest spread evenly over the rows, plus ``B/m`` of principal."""

    def __init__(self, ctx: _Context) -> None:
        super().__init__(ctx)
        rnd, base, m = ctx.rnd, ctx.base, ctx.m
        self.total = rnd(sum((base * ctx.rates[j] for j in range(ctx.grace, ctx.n)), ZERO))
        self.each = rnd(self.total / m)
        self.paid = ZERO
        self.targets = [ctx.to_step(rnd(base / m) + self.each)] * m

    def accrue(self, _j: int, _opening: Decimal, last: bool) -> Decimal:
        remaining = self.total - self.paid
        interest = remaining if last or remaining < self.each else self.each
        self.paid += interest
        return interest


class _ConstantPrincipal(_Plan):
    """CONSTANT_PRINCIPAL: ``round(B/m)`` of principal each row, interest on the balance."""

    def __init__(self, ctx: _Context) -> None:
        super().__init__(ctx)
        self.share = ctx.rnd(ctx.base / ctx.m)
        rounding = ctx.terms.rounding
        self.step = rounding.installment_multiple
        self.mode = rounding.mode.value

    def split(self, _j: int, opening: Decimal, accrued: Decimal, _folded_row: Decimal) -> Split:
        zero = self.ctx.zero
        princ = self.share if self.share < opening else opening
        if self.step is not None:
            princ = round_to(princ + accrued, self.step, self.mode) - accrued
            princ = min(max(princ, zero), opening)
        return accrued, princ, zero


class _Bullet(_Plan):
    """BULLET: nothing before maturity, then ``B`` and ``B·i(whole term)``."""

    def __init__(self, ctx: _Context) -> None:
        super().__init__(ctx)
        tau_total = sum(ctx.taus, Fraction(0))
        self.interest = ctx.rnd(ctx.base * ctx.terms.rate.period_rate(tau_total))

    def accrue(self, _j: int, _opening: Decimal, last: bool) -> Decimal:
        return self.interest if last else self.ctx.zero


class _InterestOnly(_Plan):
    """INTEREST_ONLY: interest each period (the base class's rows), principal at maturity."""


Planner = Callable[[_Context], _Plan]

PLANNERS: Mapping[Amortization, Planner] = MappingProxyType(
    {
        Amortization.LEVEL: _Level,
        Amortization.WEIGHTED: _Weighted,
        Amortization.CONSTANT_PRINCIPAL: _ConstantPrincipal,
        Amortization.FLAT: _Flat,
        Amortization.BULLET: _Bullet,
        Amortization.INTEREST_ONLY: _InterestOnly,
    }
)
"""The planner of each amortization kind (see the module docstring)."""


# ------------------------------------------------------------------------------------------------
# The builder
# ------------------------------------------------------------------------------------------------


def _row(  # noqa: PLR0917 - one call per row: positional for speed
    number: int,
    due_date: dt.date,
    days: int,
    opening: Decimal,
    principal: Decimal,
    interest: Decimal,
    insurance: Decimal,
    closing: Decimal,
    zero: Decimal,
) -> Installment:
    """A row before charges are applied: no fees or taxes; ``insurance`` is what is folded into a
    level installment (so ``charges = insurance``), ``total = principal + interest + insurance``."""
    total = principal + interest + insurance
    return _tuple_new(
        Installment,
        (
            number,
            due_date,
            days,
            opening,
            principal,
            interest,
            zero,
            insurance,
            zero,
            insurance,
            total,
            closing,
        ),
    )


_FAST = True
"""Whether level and weighted rows take the builder's fast path (the tests turn it off to compare
the two paths: they give rows of equal values)."""
_RESUME = True
"""Whether the fast path resumes after a row the general code built (the tests turn it off to
compare with the builder as it was: the rows are the same, byte for byte)."""

_RUNAWAY = 100
"""A balance beyond this multiple of the principal means the terms cannot be repaid."""


def _runaway(terms: ScheduleTerms, number: int, balance: Decimal) -> NoReturn:
    raise InvalidLoanTerms(
        E_(
            "the balance grows past %(runaway)s times the principal by installment "
            "%(number)s (%(balance)s): the installments never cover the interest; "
            "check 'rate' (%(rate)s), 'weights' and 'grace'.",
            runaway=_RUNAWAY,
            number=number,
            balance=format(balance, ".2f"),
            rate=terms.rate,
        ),
        field="rate",
        value=terms.rate.value,
    )


def _exponents_match(targets: Sequence[Decimal] | None, zero: Decimal) -> bool:
    """Whether every target has the exponent of the currency's unit (see ``_build``)."""
    exponent = zero.as_tuple().exponent
    return targets is not None and all(
        t.as_tuple().exponent == exponent for t in dict.fromkeys(targets)
    )


class Prepared(NamedTuple):
    """What a schedule of ``terms`` needs besides its amounts' arithmetic, worked out once per
    terms (:meth:`LoanTerms.schedule` keeps it on the terms, which are immutable)."""

    calendar: Calendar
    unit: Decimal
    """The rounding unit (the currency's minor unit unless the rounding policy says otherwise)."""
    mode: str
    step: Decimal | None
    quantizable: bool
    """Whether the unit is a power of ten (rounding is one ``quantize``)."""
    zero: Decimal
    """0 with the unit's exponent (``0.00`` in PEN)."""
    lent: Decimal
    """The principal with the unit's exponent."""


@exact
def prepare(terms: ScheduleTerms) -> Prepared:
    """The :class:`Prepared` values of ``terms`` (its calendar from :func:`calendar_of`)."""
    unit = terms.rounding.unit_for(terms.principal.currency)
    mode = terms.rounding.mode.value
    tup = unit.as_tuple()
    quantizable = tup.digits == (1,) and int(tup.exponent) <= 0
    zero, lent = (
        (ZERO.quantize(unit, mode), terms.principal.amount.quantize(unit, mode))
        if quantizable
        else (round_to(ZERO, unit, mode), round_to(terms.principal.amount, unit, mode))
    )
    return Prepared(
        calendar_of(terms), unit, mode, terms.rounding.installment_multiple, quantizable, zero, lent
    )


@exact
def build_schedule(terms: ScheduleTerms, prepared: Prepared | None = None) -> Schedule:
    """Build the schedule of ``terms`` (the engine behind :meth:`LoanTerms.schedule`);
    ``prepared`` is :func:`prepare` ``(terms)``, computed when not given."""
    try:
        return _build(terms, prepare(terms) if prepared is None else prepared)
    except (decimal.InvalidOperation, decimal.Overflow):
        raise InvalidLoanTerms(
            E_(
                "the schedule's amounts exceed 34 significant digits: check 'rate' "
                "(%(rate)s), 'installments' (%(count)s) and 'frequency' "
                "(%(frequency)s).",
                rate=terms.rate,
                count=terms.count,
                frequency=terms.frequency,
            ),
            field="rate",
            value=terms.rate.value,
        ) from None


def _build(terms: ScheduleTerms, prepared: Prepared) -> Schedule:
    calendar, unit, mode, step, quantizable, zero, lent = prepared

    def rnd(x: Decimal) -> Decimal:
        return x.quantize(unit, mode) if quantizable else round_to(x, unit, mode)

    def to_step(x: Decimal) -> Decimal:
        return rnd(x) if step is None else round_to(x, step, mode)

    dates, days, rates, taus, discounts, sums = calendar
    n = len(dates)
    g = terms.grace.periods
    grace_kind = terms.grace.kind
    charges = terms.charges
    rows: list[Installment] = []

    # build_schedule is exact: the library's context is in force. ``zero`` is 0.00 in PEN (zeros
    # print with the currency's decimals); ``lent`` the principal (a multiple of the unit) with
    # the unit's exponent.
    # ---- upfront fees and the down payment ---------------------------------------------------
    withheld = financed = zero
    for c in charges:
        if c.kind is ChargeKind.UPFRONT:
            fee = rnd(c.value * lent) if c.is_rate else rnd(c.value)
            if c.upfront is Upfront.FINANCED:
                financed += fee
            else:
                withheld += fee
    principal = lent + financed
    if withheld >= lent:
        raise InvalidLoanTerms(
            E_(
                "'charges' withheld at disbursement (%(withheld)s) must be less than "
                "the amount lent (%(lent)s).",
                withheld=withheld,
                lent=lent,
            ),
            field="charges",
            value=withheld,
        )
    balance = principal
    if terms.down_payment is not None:
        down = rnd(lent * terms.down_payment)
        balance = principal - down
        rows.append(_row(0, terms.disbursed, 0, principal, down, zero, zero, balance, zero))
    # insurance on the balance folded into a level installment ("cuota total" kept level)
    folded = _folded_insurance(terms, dates, days) if terms.level_includes_insurance else None

    # ---- grace periods --------------------------------------------------------------------
    for k in range(g):
        accrued = rnd(balance * rates[k])
        if grace_kind is GraceType.CAPITALIZE:
            paid, closing = zero, balance + accrued
        elif grace_kind is GraceType.PAY_INTEREST:
            paid, closing = accrued, balance
        else:
            paid, closing = zero, balance
        rows.append(_row(k + 1, dates[k], days[k], balance, zero, paid, zero, closing, zero))
        balance = closing

    # a céntimo loan in many installments rounds them to zero: measure against n units too
    ceiling = max(principal, unit * n) * _RUNAWAY
    if balance > ceiling:
        _runaway(terms, g, balance)
    m = n - g
    ctx = _Context(terms, balance, g, n, rates, discounts, taus, folded, sums, rnd, to_step, zero)
    plan = PLANNERS[terms.amortization](ctx)

    targets = plan.targets
    fast = _FAST and targets is not None and plan.fast and folded is None and quantizable
    # after a row the general code below builds, come back to the fast path only when the
    # fast rows are the general code's byte for byte: a total of the unit's exponent (an
    # ``installment_multiple`` of 1 or 10 gives totals such as ``4891``, which the general
    # code writes ``4891.00``)
    resume: bool | None = None if fast and _RESUME else False  # None: not asked yet
    tg: Sequence[Decimal] = () if targets is None else [zero] * g + targets if g else targets
    append = rows.append
    j = g
    while True:
        if fast:
            # the fast path (level and weighted): rows that pay their interest in full, and
            # (when resuming) rows due less than their interest, which capitalize the rest;
            # a row that would repay more than the balance takes the general code below once
            for j in range(j, n - 1):  # noqa: B020 - resumes where it stopped
                opening = balance
                accrued = (opening * rates[j]).quantize(unit, mode)
                target = tg[j]
                if accrued < target:
                    princ = target - accrued
                    if princ > opening:
                        break
                    balance = opening - princ
                    total = target
                else:
                    if resume is None:
                        resume = _exponents_match(targets, zero)
                    if not resume:
                        break
                    capitalized = accrued - target
                    princ = target - target
                    balance = opening + capitalized - princ
                    if capitalized and balance > ceiling:
                        _runaway(terms, j + 1, balance)
                    total = princ + target + zero
                    accrued = target
                append(
                    _tuple_new(
                        Installment,
                        (
                            j + 1,
                            dates[j],
                            days[j],
                            opening,
                            princ,
                            accrued,
                            zero,
                            zero,
                            zero,
                            zero,
                            total,
                            balance,
                        ),
                    )
                )
            else:
                j = n - 1  # the last row: the general code, then done
            if resume is None and j < n - 1:
                resume = _exponents_match(targets, zero)
            fast = bool(resume)
        last = j == n - 1
        opening = balance
        folded_row = zero if folded is None else rnd(opening * folded[j])
        accrued = plan.accrue(j, opening, last)
        if last:
            paid_interest, princ, capitalized = accrued, opening, zero
        else:
            paid_interest, princ, capitalized = plan.split(j, opening, accrued, folded_row)
        closing = opening + capitalized - princ
        if capitalized and closing > ceiling:
            _runaway(terms, j + 1, closing)
        append(
            _row(
                j + 1,
                dates[j],
                days[j],
                opening,
                princ,
                paid_interest,
                folded_row,
                closing,
                zero,
            )
        )
        balance = closing
        if last:
            break
        j += 1

    regular = plan.regular if plan.regular is not None else rows[-m].total
    taxes_withheld = zero
    if charges:
        rows, taxes_withheld = _apply_charges(
            terms, rows, lent, principal, withheld, folded is not None, rnd
        )

    return Schedule.trusted(
        terms.principal.currency,
        principal,
        terms.disbursed,
        regular,
        tuple(rows),
        withheld,
        financed,
        taxes_withheld,
    )


# ------------------------------------------------------------------------------------------------
# Charges on the rows
# ------------------------------------------------------------------------------------------------


def _months_per_period(terms: ScheduleTerms, days: int) -> Fraction:
    """How many months of a monthly insurance rate one period carries."""
    if terms.due_dates is not None:
        return Fraction(days, 30)
    return Fraction(12) / terms.frequency.periods_per_year


def _folded_insurance(
    terms: ScheduleTerms, dates: Sequence[dt.date], days: Sequence[int]
) -> list[Decimal]:
    """Per period, the insurance rate on the balance to fold into a level installment."""
    out = []
    for k in range(len(dates)):
        total = ZERO
        for c in terms.charges:
            if c.kind is ChargeKind.INSURANCE and c.basis is ChargeBasis.BALANCE:
                months = Fraction(days[k], 30) if c.prorated else _months_per_period(terms, days[k])
                total += c.value * fraction_to_decimal(months)
        out.append(total)
    return out


_DEFERRABLE = frozenset({ChargeKind.INSTALLMENT, ChargeKind.INSURANCE})


def _one_charge(  # noqa: PLR0917 - a private helper of _apply_charges
    terms: ScheduleTerms,
    c: Charge,
    r: Installment,
    lent: Decimal,
    principal: Decimal,
    rnd: Rounder,
) -> Decimal:
    """What one installment fee or insurance charge is on row ``r``."""
    if c.kind is ChargeKind.INSTALLMENT:
        basis = {
            ChargeBasis.FLAT: ONE,
            ChargeBasis.AMOUNT: lent,
            ChargeBasis.INSTALLMENT: r.principal + r.interest,
            ChargeBasis.PRINCIPAL: r.principal,
            ChargeBasis.INTEREST: r.interest,
        }[c.basis]
        return rnd(c.value * basis)
    if c.basis is ChargeBasis.FLAT:
        return rnd(c.value)
    months = Fraction(r.days, 30) if c.prorated else _months_per_period(terms, r.days)
    on = r.opening_balance if c.basis is ChargeBasis.BALANCE else principal
    return rnd(on * c.value * fraction_to_decimal(months))


def _apply_charges(  # noqa: PLR0917 - a private step of _build, called once
    terms: ScheduleTerms,
    rows: list[Installment],
    lent: Decimal,
    principal: Decimal,
    withheld: Decimal,
    folded: bool,
    rnd: Rounder,
) -> tuple[list[Installment], Decimal]:
    """Fees, insurance and taxes on each row; the tax on the disbursement. A charge whose
    ``during_grace`` is not BILL is left out of the grace rows and, if deferred, added to the
    first row after grace or spread over the rows after it (the last takes the rounding)."""
    currency = terms.principal.currency
    zero = rnd(ZERO)
    grace = terms.grace.periods
    deferred_fees = zero
    deferred_insurance = zero
    spread_fees = zero
    spread_insurance = zero
    all_fees: list[Decimal] = []
    all_insurance: list[Decimal] = []
    for r in rows:
        fees = zero
        insurance = r.insurance
        live = r.opening_balance > 0 and r.number > 0
        in_grace = 0 < r.number <= grace
        for c in terms.charges:
            if not live:
                break
            if in_grace and c.during_grace is not DuringGrace.BILL and c.kind in _DEFERRABLE:
                if c.kind is ChargeKind.INSURANCE and folded and c.basis is ChargeBasis.BALANCE:
                    continue
                amount = _one_charge(terms, c, r, lent, principal, rnd)
                if c.during_grace is DuringGrace.FIRST:
                    if c.kind is ChargeKind.INSTALLMENT:
                        deferred_fees += amount
                    else:
                        deferred_insurance += amount
                elif c.during_grace is DuringGrace.SPREAD:
                    if c.kind is ChargeKind.INSTALLMENT:
                        spread_fees += amount
                    else:
                        spread_insurance += amount
                continue
            if c.kind is ChargeKind.INSTALLMENT:
                basis = {
                    ChargeBasis.FLAT: ONE,
                    ChargeBasis.AMOUNT: lent,
                    ChargeBasis.INSTALLMENT: r.principal + r.interest,
                    ChargeBasis.PRINCIPAL: r.principal,
                    ChargeBasis.INTEREST: r.interest,
                }[c.basis]
                fees += rnd(c.value * basis)
            elif c.kind is ChargeKind.INSURANCE:
                if c.basis is ChargeBasis.FLAT:
                    insurance += rnd(c.value)
                    continue
                if folded and c.basis is ChargeBasis.BALANCE:
                    continue  # already in the level installment
                months = Fraction(r.days, 30) if c.prorated else _months_per_period(terms, r.days)
                on = r.opening_balance if c.basis is ChargeBasis.BALANCE else principal
                insurance += rnd(on * c.value * fraction_to_decimal(months))
        all_fees.append(fees)
        all_insurance.append(insurance)
    after = [k for k, r in enumerate(rows) if r.number > grace and r.opening_balance > 0]
    if after and grace:
        all_fees[after[0]] += deferred_fees
        all_insurance[after[0]] += deferred_insurance
        for amount, target in ((spread_fees, all_fees), (spread_insurance, all_insurance)):
            each = rnd(amount / len(after))
            for n, k in enumerate(after):
                target[k] += amount - each * (len(after) - 1) if n == len(after) - 1 else each
    out = []
    for r, fees, insurance in zip(rows, all_fees, all_insurance, strict=True):
        taxes = zero
        paid = r.principal + r.interest + fees + insurance
        for c in terms.charges:
            if c.kind is ChargeKind.TAX and c.on_payments:
                taxes += c.tax_rounding().round(paid * c.value, currency)
        charges = fees + insurance + taxes
        out.append(
            r._replace(
                fees=fees,
                insurance=insurance,
                taxes=taxes,
                charges=charges,
                total=r.principal + r.interest + charges,
            )
        )
    on_disbursement = zero
    for c in terms.charges:
        if c.kind is ChargeKind.TAX and c.on_disbursement:
            on_disbursement += c.tax_rounding().round((lent - withheld) * c.value, currency)
    return out, on_disbursement
