"""Repayment schedules of N loans at once, in float64 cents, agreeing with the exact engine.

The arithmetic mirrors :func:`coopfinance._builder.build_schedule` row by row, on whole céntimos held
exactly in float64:

- period rate of an effective annual rate ``r`` over ``d`` days: ``i = (1 + r)^(d/B) − 1``
  (``B`` = 360 for ACT/360, 365 for ACT/365F); per period: ``i = (1 + r)^(1/k) − 1``, ``k``
  periods a year;
- each row's interest ``round_half_up(balance·i)`` to the cent; the level installment
  ``C = round_half_up(P / Σₖ vₖ)``, ``vₖ = Πⱼ≤ₖ 1/(1 + iⱼ)`` over the amortizing periods; the last
  row pays the whole balance (it absorbs the rounding);
- grace: ``g`` first periods in which interest is capitalized, paid, or waived.

Only the interest products ``balance·i`` are inexact; they are rounded at once, so an amount can
differ from the exact engine's only when ``balance·i`` lies within about 1e-9 céntimos of a half
céntimo. The tests check agreement to the cent on random portfolios.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from coopfinance._calendar import DayCount, Frequency, PeriodUnit
from coopfinance._conventions import MAX_INSTALLMENTS, Amortization, GraceType
from coopfinance._fields import to_whole
from coopfinance.batch._validate import as_dates, as_float, as_int, common_length, first_bad
from coopfinance.errors import E_, InvalidBatchInput

__all__ = ["BatchSchedules", "iter_schedules", "schedules"]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

_BLOCK = 8192
"""Loans per internal block: each step's vectors stay in cache."""

_RUNAWAY = 100.0
"""As in the exact engine: a balance past 100 times the principal cannot be repaid."""


class _Method(enum.IntEnum):
    LEVEL = 0
    CONSTANT_PRINCIPAL = 1
    FLAT = 2
    BULLET = 3


_METHODS = {
    Amortization.LEVEL: _Method.LEVEL,
    Amortization.CONSTANT_PRINCIPAL: _Method.CONSTANT_PRINCIPAL,
    Amortization.FLAT: _Method.FLAT,
    Amortization.BULLET: _Method.BULLET,
}


@attrs.frozen(slots=True, kw_only=True, eq=False)
class BatchSchedules:
    """The schedules of N loans: matrices of shape ``(N, W)``, ``W`` the longest term.

    Row ``k`` of loan ``j`` is installment ``k + 1``; entries past a loan's ``n[j]`` installments
    are 0 (and ``NaT`` in :attr:`due_date`); :attr:`valid` marks the real ones. Amounts are float64
    in currency units holding whole cents (``489.11``).
    """

    n: I64
    """Installments of each loan, grace periods included."""
    principal: F64
    interest: F64
    balance: F64
    """Closing balance after each installment."""
    lent: F64
    """Each loan's principal, rounded to the cent."""
    installment: F64
    """The regular installment (the exact engine's ``installment_amount``): the first amortizing
    row's total; for LEVEL, ``C``."""
    _dates: I64 = attrs.field(alias="dates")
    _days: I64 = attrs.field(alias="days")
    _which: I64 = attrs.field(alias="which")

    @property
    def width(self) -> int:
        """``W``, the number of columns."""
        return int(self.principal.shape[1])

    @property
    def valid(self) -> npt.NDArray[np.bool_]:
        """``True`` where the row is one of the loan's installments."""
        return np.arange(self.width) < self.n[:, None]

    @property
    def due_date(self) -> npt.NDArray[np.datetime64]:
        """Due dates, ``datetime64[D]`` (``NaT`` past each loan's term)."""
        out = self._dates[self._which].astype("datetime64[D]")
        out[~self.valid] = np.datetime64("NaT")
        return out

    @property
    def days(self) -> npt.NDArray[np.int64]:
        """Days since the previous due date (or the disbursement); 0 past each loan's term."""
        return np.where(self.valid, self._days[self._which], 0)

    @property
    def total(self) -> F64:
        """``principal + interest`` of each row (no charges in the batch engine)."""
        out: F64 = self.principal + self.interest
        return out

    @property
    def opening_balance(self) -> F64:
        """Balance before each installment."""
        out = np.empty_like(self.balance)
        out[:, 0] = self.lent
        out[:, 1:] = self.balance[:, :-1]
        out[~self.valid] = 0.0
        return out

    def to_long(self) -> dict[str, npt.NDArray[Any]]:
        """The valid rows in long format: one 1-D array per column, loans in order.

        Columns: ``loan`` (row index in the input), ``number`` (1-based), ``due_date``, ``days``,
        ``opening_balance``, ``principal``, ``interest``, ``total``, ``balance``.
        """
        mask = self.valid
        loan, k = np.nonzero(mask)
        return {
            "loan": loan,
            "number": k + 1,
            "due_date": self.due_date[mask],
            "days": self.days[mask],
            "opening_balance": self.opening_balance[mask],
            "principal": self.principal[mask],
            "interest": self.interest[mask],
            "total": self.total[mask],
            "balance": self.balance[mask],
        }


# ------------------------------------------------------------------------------------------------
# Inputs
# ------------------------------------------------------------------------------------------------


@attrs.frozen(slots=True, kw_only=True, eq=False)
class _Inputs:
    cents: F64
    rate: F64
    n: I64
    disbursed: I64
    grace: I64
    method: I64
    frequency: Frequency
    day_count: DayCount
    grace_kind: GraceType

    def take(self, sel: slice | I64) -> _Inputs:
        return attrs.evolve(
            self,
            cents=self.cents[sel],
            rate=self.rate[sel],
            n=self.n[sel],
            disbursed=self.disbursed[sel],
            grace=self.grace[sel],
            method=self.method[sel],
        )


def _method_codes(amortization: Any, length: int) -> I64:
    if isinstance(amortization, Amortization | str):
        return np.full(length, _code(amortization, 0), dtype=np.int64)
    values = np.asarray(amortization, dtype=object).reshape(-1)
    if len(values) != length:
        raise InvalidBatchInput(
            E_(
                "'amortization' must have the same length as the loans, %(length)s "
                "(got %(values)s).",
                length=length,
                values=len(values),
            ),
            field="amortization",
            value=len(values),
        )
    table: dict[Any, int] = {}
    out = np.empty(length, dtype=np.int64)
    for k, v in enumerate(values):
        code = table.get(v)
        if code is None:
            code = table[v] = _code(v, k)
        out[k] = code
    return out


def _code(value: Any, index: int) -> int:
    try:
        member = Amortization.parse(value)
    except Exception:
        member = None
    if member not in _METHODS:
        raise InvalidBatchInput(
            E_(
                "'amortization' must be level, constant-principal, flat or bullet (got "
                "%(value)s at index %(index)s).",
                value=repr(value),
                index=index,
            ),
            field="amortization",
            value=value,
            index=index,
        )
    assert member is not None
    return int(_METHODS[member])


def _prepare(
    principal: Any,
    rate: Any,
    installments: Any,
    disbursed: Any,
    *,
    amortization: Any,
    frequency: Frequency | str,
    day_count: DayCount | str,
    grace: Any,
    grace_type: GraceType | str,
) -> _Inputs:
    freq = Frequency.parse(frequency)
    if freq.unit is PeriodUnit.SEMI_MONTH:
        raise InvalidBatchInput(
            E_(
                "'frequency' must be month-, year-, week- or day-based in the batch "
                "engine (got %(freq)s).",
                freq=freq,
            ),
            field="frequency",
            value=str(freq),
        )
    dc = DayCount.parse(day_count)
    if dc not in (DayCount.ACT_360, DayCount.ACT_365F, DayCount.PER_PERIOD):
        raise InvalidBatchInput(
            E_(
                "'day_count' must be act/360, act/365 or per-period in the batch "
                "engine (got %(value)s).",
                value=dc.value,
            ),
            field="day_count",
            value=dc.value,
        )
    gk = GraceType.parse(grace_type)
    arrays = {
        "principal": as_float("principal", principal),
        "rate": as_float("rate", rate),
        "installments": as_int("installments", installments),
        "disbursed": as_dates("disbursed", disbursed),
        "grace": as_int("grace", grace),
    }
    length = common_length(arrays)
    full = {k: np.broadcast_to(v, (length,)) for k, v in arrays.items()}
    p, r, nn, g = full["principal"], full["rate"], full["installments"], full["grace"]
    first_bad("principal", p <= 0, p, E_("must be positive"))
    first_bad("rate", (r < 0) | (r > 100), r, E_("must be between 0 and 100 (10,000 %%)"))
    first_bad(
        "installments",
        (nn < 1) | (nn > MAX_INSTALLMENTS),
        nn,
        E_("must be between 1 and %(max_installments)s", max_installments=MAX_INSTALLMENTS),
    )
    first_bad("grace", g < 0, g, E_("must not be negative"))
    first_bad("grace", g >= nn, g, E_("must be fewer periods than the 'installments'"))
    codes = _method_codes(amortization, length)
    first_bad(
        "grace", (codes == _Method.BULLET) & (g > 0), g, E_("does not apply to a bullet loan")
    )
    cents = np.floor(p * 100.0 + 0.5)
    return _Inputs(
        cents=cents,
        rate=np.ascontiguousarray(r),
        n=np.ascontiguousarray(nn),
        disbursed=np.ascontiguousarray(full["disbursed"]),
        grace=np.ascontiguousarray(g),
        method=codes,
        frequency=freq,
        day_count=dc,
        grace_kind=gk,
    )


# ------------------------------------------------------------------------------------------------
# Calendar: due dates of each distinct disbursement date
# ------------------------------------------------------------------------------------------------


def _distinct(days: I64) -> tuple[I64, I64]:
    """Distinct values and the inverse index, in O(N + span) when the span is small."""
    if len(days) == 0:
        return days, days
    lo, hi = int(days.min()), int(days.max())
    span = hi - lo + 1
    if span <= 4 * len(days) + 4096:
        present = np.zeros(span, dtype=np.bool_)
        present[days - lo] = True
        uniq = np.flatnonzero(present).astype(np.int64) + lo
        lookup = np.cumsum(present, dtype=np.int64) - 1
        return uniq, lookup[days - lo]
    uniq, inv = np.unique(days, return_inverse=True)
    return uniq.astype(np.int64), inv.astype(np.int64).reshape(-1)


def _month_add(months: I64, day: I64) -> I64:
    """Day numbers of ``day`` (clamped to the month's length) in month index ``months``."""
    start = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    nxt = (months + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    out: I64 = start + np.minimum(day, nxt - start) - 1
    return out


def _calendar(disbursed: I64, freq: Frequency, width: int) -> tuple[I64, I64]:
    """Due dates (day numbers) and period days, shape ``(len(disbursed), width)``."""
    months = freq.months
    k = np.arange(width, dtype=np.int64)
    if months is not None:
        d = disbursed.astype("datetime64[D]")
        month = d.astype("datetime64[M]").astype(np.int64)
        day = (
            disbursed - month.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
        ) + 1
        first = _month_add(month + months, day)
        fmonth = first.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
        fday = first - fmonth.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) + 1
        dates = _month_add(fmonth[:, None] + months * k[None, :], fday[:, None])
    else:
        step = freq.every * (7 if freq.unit is PeriodUnit.WEEK else 1)
        dates = disbursed[:, None] + step * (k[None, :] + 1)
    days = np.diff(dates, axis=1, prepend=disbursed[:, None])
    return dates, days


# ------------------------------------------------------------------------------------------------
# Kernels
# ------------------------------------------------------------------------------------------------


def _rates(inp: _Inputs, days_t: I64) -> tuple[F64, F64, I64 | None, float, F64]:
    """Rate tables: ``i`` and ``1/(1+i)`` per distinct period length and loan, the period-length
    index per calendar and step (``None`` when one rate serves every period), the year basis, and
    ``ln(1+r)``."""
    ln1p = np.log1p(inp.rate)
    if inp.day_count is DayCount.PER_PERIOD:
        per_year = float(inp.frequency.periods_per_year)
        table = np.expm1(ln1p / per_year)[None, :]
        return table, 1.0 / (1.0 + table), None, per_year, ln1p
    basis = 360.0 if inp.day_count is DayCount.ACT_360 else 365.0
    values = np.unique(days_t)
    table = np.empty((len(values), len(inp.rate)))
    for row, d in enumerate(values):
        table[row] = np.expm1(ln1p * (float(d) / basis))
    lookup = np.zeros(int(values[-1] - values[0]) + 1, dtype=np.int64)
    lookup[values - values[0]] = np.arange(len(values))
    index = None if len(values) == 1 else lookup[days_t - values[0]]
    return table, 1.0 / (1.0 + table), index, basis, ln1p


def _step_picker(
    table: F64, disc: F64, index: I64 | None, which: I64
) -> tuple[Callable[[int], F64], Callable[[int], F64]]:
    """Functions giving, at step ``k``, each loan's period rate and discount factor."""
    b = table.shape[1]
    if index is None:
        i0, v0 = table[0], disc[0]
        return (lambda _k: i0), (lambda _k: v0)
    flat_i, flat_v = table.reshape(-1), disc.reshape(-1)
    offsets = np.arange(b, dtype=np.int64)
    cache: dict[int, I64] = {}

    def pos(k: int) -> I64:
        hit = cache.get(k)
        if hit is None:
            hit = index[k][which] * b + offsets
            cache.clear()
            cache[k] = hit
        return hit

    return (lambda k: flat_i.take(pos(k))), (lambda k: flat_v.take(pos(k)))


def _half_up(x: F64) -> F64:
    out: F64 = np.floor(x + 0.5)
    return out


def _fast_level(
    p: F64, width: int, rate_at: Callable[[int], F64], disc_at: Callable[[int], F64], out: _Out
) -> tuple[F64, npt.NDArray[np.bool_]]:
    """LEVEL without grace, every loan ``width`` installments; returns C and the loans whose rows
    would capitalize or overpay (to be redone by :func:`_general`)."""
    v = np.ones_like(p)
    acc = np.zeros_like(p)
    for k in range(width):
        v *= disc_at(k)
        acc += v
    c = _half_up(p / acc)
    bal = p.copy()
    tmp = np.empty_like(p)
    least = np.full_like(p, np.inf)
    for k in range(width - 1):
        np.multiply(bal, rate_at(k), out=tmp)
        tmp += 0.5
        np.floor(tmp, out=tmp)
        np.divide(tmp, 100.0, out=out.interest[k])
        np.subtract(c, tmp, out=tmp)
        np.minimum(least, tmp, out=least)
        np.divide(tmp, 100.0, out=out.principal[k])
        bal -= tmp
        np.divide(bal, 100.0, out=out.balance[k])
    last = width - 1
    np.multiply(bal, rate_at(last), out=tmp)
    tmp += 0.5
    np.floor(tmp, out=tmp)
    np.divide(tmp, 100.0, out=out.interest[last])
    np.divide(bal, 100.0, out=out.principal[last])
    out.balance[last] = 0.0
    bad = (least <= 0) | (bal < 0)
    return c, bad


def _general(  # noqa: PLR0917 - private kernel, one caller
    inp: _Inputs,
    method: _Method,
    width: int,
    rate_at: Callable[[int], F64],
    disc_at: Callable[[int], F64],
    total_days: F64,
    basis: float,
    ln1p: F64,
    out: _Out,
) -> F64:
    """Any method, grace and term per loan (masks); returns each loan's regular installment."""
    p, n, g = inp.cents, inp.n, inp.grace
    bal = p.copy()
    ceiling = np.maximum(p, n.astype(np.float64)) * _RUNAWAY
    runaway = np.zeros(len(p), dtype=np.bool_)
    for k in range(int(g.max(initial=0))):
        on = k < g
        accrued = _half_up(bal * rate_at(k))
        if inp.grace_kind is GraceType.CAPITALIZE:
            bal = np.where(on, bal + accrued, bal)
        elif inp.grace_kind is GraceType.PAY_INTEREST:
            np.copyto(out.interest[k], accrued / 100.0, where=on)
        np.copyto(out.balance[k], bal / 100.0, where=on)
    runaway |= bal > ceiling
    base = bal.copy()
    m = (n - g).astype(np.float64)
    target = np.zeros_like(p)
    share = flat_total = flat_interest = bullet_interest = target
    if method is _Method.LEVEL:
        v = np.ones_like(p)
        acc = np.zeros_like(p)
        for k in range(width):
            on = (k >= g) & (k < n)
            v = np.where(on, v * disc_at(k), v)
            acc += np.where(on, v, 0.0)
        target = _half_up(base / acc)
    elif method is _Method.CONSTANT_PRINCIPAL:
        share = _half_up(base / m)
    elif method is _Method.FLAT:
        total = np.zeros_like(p)
        for k in range(width):
            on = (k >= g) & (k < n)
            total += np.where(on, base * rate_at(k), 0.0)
        flat_total = _half_up(total)
        flat_interest = _half_up(flat_total / m)
        target = _half_up(base / m) + flat_interest
    else:
        bullet_interest = _half_up(base * np.expm1(ln1p * (total_days / basis)))
    paid_flat = np.zeros_like(p)
    regular = np.zeros_like(p)
    for k in range(int(g.min(initial=0)), width):
        on = (k >= g) & (k < n)
        last = k == n - 1
        opening = bal
        if method is _Method.FLAT:
            remaining = flat_total - paid_flat
            accrued = np.where(last, remaining, np.minimum(remaining, flat_interest))
            paid_flat = paid_flat + np.where(on, accrued, 0.0)
        elif method is _Method.BULLET:
            accrued = np.where(last, bullet_interest, 0.0)
        else:
            accrued = _half_up(opening * rate_at(k))
        if method is _Method.LEVEL or method is _Method.FLAT:
            paid = np.minimum(accrued, target)
            princ = np.minimum(target - paid, opening + (accrued - paid))
            cap = accrued - paid
        elif method is _Method.CONSTANT_PRINCIPAL:
            paid, princ, cap = accrued, np.minimum(share, opening), np.zeros_like(p)
        else:
            paid, princ, cap = accrued, np.zeros_like(p), np.zeros_like(p)
        paid = np.where(last, accrued, paid)
        princ = np.where(last, opening, princ)
        cap = np.where(last, 0.0, cap)
        closing = opening + cap - princ
        runaway |= on & (cap > 0) & (closing > ceiling)
        np.copyto(out.interest[k], paid / 100.0, where=on)
        np.copyto(out.principal[k], princ / 100.0, where=on)
        np.copyto(out.balance[k], closing / 100.0, where=on)
        regular = np.where(k == g, princ + paid, regular)
        bal = np.where(on, closing, bal)
    if runaway.any():
        j = int(np.argmax(runaway))
        raise InvalidBatchInput(
            E_(
                "'rate' leaves a balance past %(runaway)s times the principal: the "
                "installments never cover the interest (got %(rate)s at index %(j)s).",
                runaway=format(_RUNAWAY, "g"),
                rate=inp.rate[j],
                j=j,
            ),
            field="rate",
            value=float(inp.rate[j]),
            index=j,
        )
    if method is _Method.LEVEL:
        return target
    return regular


@attrs.define(slots=True)
class _Out:
    principal: F64
    interest: F64
    balance: F64

    def part(self, sel: slice) -> _Out:
        return _Out(self.principal[:, sel], self.interest[:, sel], self.balance[:, sel])


def _run_block(  # noqa: PLR0917 - private kernel step
    inp: _Inputs, width: int, dates_t: I64, days_t: I64, which: I64, out: _Out
) -> F64:
    """Fill ``out`` (step-major, ``(width, B)``) for one block of loans of one method."""
    table, disc, index, _basis, _ln1p = _rates(inp, days_t)
    rate_at, disc_at = _step_picker(table, disc, index, which)
    method = _Method(int(inp.method[0]))
    n0 = int(inp.n[0])
    uniform = bool((inp.n == n0).all()) and not inp.grace.any()
    if method is _Method.LEVEL and uniform:
        c, bad = _fast_level(inp.cents, n0, rate_at, disc_at, out)
        if not bad.any():
            return c
        redo = np.flatnonzero(bad)
        sub = _Out(
            out.principal[:, redo] * 0.0, out.interest[:, redo] * 0.0, out.balance[:, redo] * 0.0
        )
        c[redo] = _general_block(inp.take(redo), width, dates_t, days_t, which[redo], sub)
        out.principal[:, redo], out.interest[:, redo], out.balance[:, redo] = (
            sub.principal,
            sub.interest,
            sub.balance,
        )
        return c
    return _general_block(inp, width, dates_t, days_t, which, out)


def _general_block(  # noqa: PLR0917 - private kernel step
    inp: _Inputs, width: int, dates_t: I64, days_t: I64, which: I64, out: _Out
) -> F64:
    table, disc, index, basis, ln1p = _rates(inp, days_t)
    rate_at, disc_at = _step_picker(table, disc, index, which)
    if inp.day_count is DayCount.PER_PERIOD:
        total_days = inp.n.astype(np.float64)
    else:
        due = dates_t[:, which]
        last = due[inp.n - 1, np.arange(len(which))]
        total_days = (last - inp.disbursed).astype(np.float64)
    method = _Method(int(inp.method[0]))
    return _general(inp, method, width, rate_at, disc_at, total_days, basis, ln1p, out)


def _compute(inp: _Inputs, width: int, block: int) -> BatchSchedules:
    count = len(inp.cents)
    uniq, which = _distinct(inp.disbursed)
    dates, days = _calendar(uniq, inp.frequency, width)
    dates_t, days_t = np.ascontiguousarray(dates.T), np.ascontiguousarray(days.T)
    out = _Out(np.zeros((width, count)), np.zeros((width, count)), np.zeros((width, count)))
    installment = np.zeros(count)
    codes = np.unique(inp.method)
    if len(codes) == 1:
        groups: list[I64 | None] = [None]
    else:
        groups = [np.flatnonzero(inp.method == c) for c in codes]
    for group in groups:
        sub = inp if group is None else inp.take(group)
        sub_which = which if group is None else which[group]
        size = len(sub.cents)
        for start in range(0, size, block):
            sel = slice(start, min(start + block, size))
            part = sub.take(sel)
            if group is None:
                target = out.part(sel)
                installment[sel] = _run_block(part, width, dates_t, days_t, sub_which[sel], target)
            else:
                rows = group[sel]
                shape = (width, len(rows))
                target = _Out(np.zeros(shape), np.zeros(shape), np.zeros(shape))
                installment[rows] = _run_block(part, width, dates_t, days_t, sub_which[sel], target)
                out.principal[:, rows] = target.principal
                out.interest[:, rows] = target.interest
                out.balance[:, rows] = target.balance
    return BatchSchedules(
        n=inp.n,
        principal=out.principal.T,
        interest=out.interest.T,
        balance=out.balance.T,
        lent=inp.cents / 100.0,
        installment=installment / 100.0,
        dates=dates,
        days=days,
        which=which,
    )


def _check_chunk(chunk_size: int | None) -> int:
    if chunk_size is None:
        return _BLOCK
    size = to_whole(chunk_size, field="chunk_size", lo=1, error=InvalidBatchInput)
    return min(size, _BLOCK)


def schedules(
    principal: Any,
    rate: Any,
    installments: Any,
    disbursed: Any,
    *,
    amortization: Any = Amortization.LEVEL,
    frequency: Frequency | str = Frequency.MONTHLY,
    day_count: DayCount | str = DayCount.ACT_360,
    grace: Any = 0,
    grace_type: GraceType | str = GraceType.CAPITALIZE,
    chunk_size: int | None = None,
) -> BatchSchedules:
    """Schedules of N loans at once, each as ``LoanTerms(...).schedule()`` would give it.

    - ``principal`` (currency units, rounded half-up to the cent), ``rate`` (effective annual,
      a fraction: 0.35 for a TEA of 35 %), ``installments`` (grace included, 1 to 600),
      ``disbursed`` (``datetime64[D]``), ``grace``: 1-D arrays or scalars (broadcast);
    - ``amortization``: an :class:`~coopfinance.Amortization` (LEVEL, CONSTANT_PRINCIPAL, FLAT, BULLET)
      or one per loan; ``frequency`` month-, year-, week- or day-based; ``day_count`` ACT_360
      (``i = (1+r)^(d/360) − 1``), ACT_365F or PER_PERIOD (``i = (1+r)^(1/k) − 1``);
    - ``chunk_size``: at most this many loans are worked on at once (temporary memory); the result
      is the same for any value.

    Every input is checked before work starts: :class:`~coopfinance.errors.InvalidBatchInput`
    names the field, the first bad index and its value.

    >>> import numpy as np
    >>> s = schedules([5000, 1200], [0.35, 0.2], [12, 3], np.datetime64("2026-01-15"))
    >>> s.installment
    array([489.11, 412.31])
    >>> s.interest[1, :3]
    array([18.99, 11.52,  6.42])
    >>> s.due_date[1, :3]
    array(['2026-02-15', '2026-03-15', '2026-04-15'], dtype='datetime64[D]')
    """
    inp = _prepare(
        principal,
        rate,
        installments,
        disbursed,
        amortization=amortization,
        frequency=frequency,
        day_count=day_count,
        grace=grace,
        grace_type=grace_type,
    )
    block = _check_chunk(chunk_size)
    width = int(inp.n.max())
    return _compute(inp, width, block)


def iter_schedules(
    principal: Any,
    rate: Any,
    installments: Any,
    disbursed: Any,
    *,
    chunk_size: int,
    amortization: Any = Amortization.LEVEL,
    frequency: Frequency | str = Frequency.MONTHLY,
    day_count: DayCount | str = DayCount.ACT_360,
    grace: Any = 0,
    grace_type: GraceType | str = GraceType.CAPITALIZE,
) -> Iterator[BatchSchedules]:
    """:func:`schedules` for ``chunk_size`` loans at a time (memory bounded by one chunk's output).

    Every input is validated before the first chunk is computed; each chunk has the full width
    (the longest term of all loans), so chunks stack back into the unchunked result.
    """
    inp = _prepare(
        principal,
        rate,
        installments,
        disbursed,
        amortization=amortization,
        frequency=frequency,
        day_count=day_count,
        grace=grace,
        grace_type=grace_type,
    )
    size = _check_chunk(chunk_size) if chunk_size <= _BLOCK else chunk_size
    _check_chunk(chunk_size)
    width = int(inp.n.max())
    for start in range(0, len(inp.cents), size):
        yield _compute(inp.take(slice(start, start + size)), width, min(size, _BLOCK))
