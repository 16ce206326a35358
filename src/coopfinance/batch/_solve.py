"""Cost-of-credit rates of N cash-flow rows at once: vectorized Newton, bracketed.

For each row solve ``Σₖ cₖ·(1 + x)^(−tₖ) = 0`` with

- TCEA (Peru, SBS): ``tₖ = dₖ/360``, ``dₖ`` days from the disbursement (``basis=360``);
- periodic IRR: ``tₖ = k`` (``days=None``).

As :func:`coopfinance.cost._solver.solve_power` does, the unknown is ``y = ln(1 + x)``, and terms
are scaled by ``(1 + x)^τ`` (τ the first time when ``y ≥ 0``, the last when ``y < 0``) so nothing
overflows between −99 % and 1,000,000 %. A row whose nonzero amounts change sign once has one root;
Rows whose first flow is the only one of its sign and whose rate is positive (every loan seen from
one side) take a fast path: Halley steps from a mean-and-variance guess, the value and its two
derivatives as row sums over one matrix of discount factors, accepted when a step falls below 1e-7
in ``y`` (the error left is about step³, below 1e-18). The other rows, and any fast row that leaves
``(0, 1,000,000 %)`` or does not settle in 8 steps, get the general solver: Newton steps start from
the mean-time guess and fall back to bisection whenever they leave the bracket. Rows with several
sign changes are scanned on the exact solver's grid first: exactly one bracketed root is solved,
none or several make the row fail. Rows that fail are never NaN: they are raised
(:class:`~coopfinance.errors.BatchNoSolution` listing them) or masked (``on_failure="mask"``).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from coopfinance.batch._validate import first_bad
from coopfinance.cost._solver import _GRID, HIGHEST_RATE, LOWEST_RATE
from coopfinance.errors import E_, BatchNoSolution, InvalidBatchInput

__all__ = ["solve_rates"]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]

_Y_LO = float(np.log1p(float(LOWEST_RATE)))
_Y_HI = float(np.log1p(float(HIGHEST_RATE)))
_TOL = 1e-14


class _Problem:
    """The rows' amounts, times and the per-row factor tables for ``(1 + x)^(−gap)``."""

    def __init__(self, amounts: F64, days: I64 | None, basis: float) -> None:
        rows, cols = amounts.shape
        self.c = amounts
        if days is None:
            gaps = np.ones((rows, cols), dtype=np.int64)
            gaps[:, 0] = 0
            self.t = np.broadcast_to(np.arange(cols, dtype=np.float64), (rows, cols))
            self.scale = 1.0
        else:
            gaps = np.diff(days, axis=1, prepend=days[:, :1])
            self.t = days / basis
            self.scale = basis
        self.values, self.gap_index = np.unique(gaps, return_inverse=True)
        self.gap_index = self.gap_index.reshape(rows, cols)
        self.ct = self.c * self.t
        self.t0 = self.t[:, 0].copy()
        self.tn = self.t[:, -1].copy()

    def evaluate(self, sel: I64, y: F64) -> tuple[F64, F64]:
        """Scaled value and slope (in ``y``) of the rows ``sel`` at ``y``."""
        g = self.gap_index[sel]
        pos = y >= 0
        out_f = np.empty(len(sel))
        out_d = np.empty(len(sel))
        for side in (True, False):
            part = np.flatnonzero(pos == side)
            if not len(part):
                continue
            yy = y[part]
            sign = -1.0 if side else 1.0
            table = np.exp(sign * self.values[None, :] * (yy[:, None] / self.scale))
            factors = np.take_along_axis(table, g[part], axis=1)
            if side:
                e = np.cumprod(factors, axis=1)
                tau = self.t0[sel[part]]
            else:
                shifted = np.ones_like(factors)
                shifted[:, :-1] = factors[:, 1:]
                e = np.cumprod(shifted[:, ::-1], axis=1)[:, ::-1]
                tau = self.tn[sel[part]]
            rows = sel[part]
            f = np.einsum("ij,ij->i", self.c[rows], e)
            ct = np.einsum("ij,ij->i", self.ct[rows], e)
            out_f[part] = f
            out_d[part] = -(ct - tau * f)
        return out_f, out_d


def _sign_changes(c: F64) -> tuple[I64, npt.NDArray[np.int8]]:
    """Sign changes among each row's nonzero amounts, and the sign of the first one."""
    s = np.sign(c).astype(np.int8)
    nz = s != 0
    cols = np.arange(c.shape[1])
    last = np.maximum.accumulate(np.where(nz, cols, -1), axis=1)
    prev = np.full_like(last, -1)
    prev[:, 1:] = last[:, :-1]
    prev_sign = np.where(prev >= 0, np.take_along_axis(s, np.maximum(prev, 0), axis=1), 0)
    changes = (nz & (prev_sign != 0) & (prev_sign != s)).sum(axis=1)
    first = np.take_along_axis(s, np.argmax(nz, axis=1)[:, None], axis=1)[:, 0]
    return changes.astype(np.int64), first


def _guess(p: _Problem, sel: I64, lo: F64, hi: F64) -> F64:
    c = p.c[sel]
    t = p.t[sel]
    pos = np.where(c > 0, c, 0.0)
    neg = np.where(c < 0, -c, 0.0)
    sp, sn = pos.sum(axis=1), neg.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        dt = (pos * t).sum(axis=1) / sp - (neg * t).sum(axis=1) / sn
        y = np.log(sp / sn) / dt
    ok = np.isfinite(y) & (lo < y) & (y < hi)
    return np.where(ok, y, 0.5 * (lo + hi))


def _newton(  # noqa: PLR0917 - private kernel
    p: _Problem, sel: I64, lo: F64, hi: F64, s_lo: F64, y: F64
) -> tuple[F64, B]:
    """Bracketed Newton on the rows ``sel``: the root in ``(lo, hi)``; ``s_lo`` the value's sign
    at ``lo``. Returns the roots and which rows converged."""
    root = y.copy()
    done = np.zeros(len(sel), dtype=np.bool_)
    act = np.arange(len(sel))
    lo, hi, s_lo, y = lo.copy(), hi.copy(), s_lo.copy(), y.copy()
    for _ in range(200):
        if not len(act):
            break
        f, d = p.evaluate(sel[act], y)
        zero = f == 0
        same = np.sign(f) == s_lo
        lo = np.where(same, y, lo)
        hi = np.where(same | zero, hi, y)
        with np.errstate(divide="ignore", invalid="ignore"):
            nxt = y - f / d
        inside = np.isfinite(nxt) & (lo < nxt) & (nxt < hi)
        nxt = np.where(inside, nxt, 0.5 * (lo + hi))
        nxt = np.where(zero, y, nxt)
        conv = zero | (inside & (np.abs(nxt - y) <= _TOL * (1.0 + np.abs(nxt))))
        conv |= hi - lo <= 4e-16 * (1.0 + np.abs(y))
        root[act[conv]] = nxt[conv]
        done[act[conv]] = True
        keep = ~conv
        act, lo, hi, s_lo, y = act[keep], lo[keep], hi[keep], s_lo[keep], nxt[keep]
    return root, done


def _check(amounts: Any, days: Any) -> tuple[F64, I64 | None]:
    c = np.asarray(amounts)
    if c.ndim != 2 or c.dtype.kind not in "fiu":
        raise InvalidBatchInput(
            E_(
                "'amounts' must be a two-dimensional array of numbers, one row per "
                "loan (got shape %(shape)s, %(dtype)s).",
                shape=c.shape,
                dtype=c.dtype,
            ),
            field="amounts",
            value=c.shape,
        )
    # row-major, whatever the caller's layout: a row's sums then add in one order, so a row gives
    # the same bits in any batch, chunk or Dask worker (a column-major matrix sums otherwise)
    c = np.ascontiguousarray(c, dtype=np.float64)
    if not np.isfinite(c.sum()):  # a NaN or infinity anywhere makes the sum non-finite
        bad_rows = ~np.isfinite(c).all(axis=1)
        first_bad(
            "amounts", bad_rows, c[:, 0] if c.shape[1] else c, E_("must hold finite numbers in row")
        )
    if days is None:
        return c, None
    d = np.asarray(days)
    if d.shape != c.shape:
        raise InvalidBatchInput(
            E_(
                "'days' must have the shape of 'amounts', %(shape)s (got %(shape2)s).",
                shape=c.shape,
                shape2=d.shape,
            ),
            field="days",
            value=d.shape,
        )
    if d.dtype.kind not in "iu":
        raise InvalidBatchInput(
            E_(
                "'days' must hold whole numbers of days (got an array of %(dtype)s).", dtype=d.dtype
            ),
            field="days",
            value=str(d.dtype),
        )
    d = d.astype(np.int64, copy=False)
    if d.shape[1] and (d[:, 0] >= 0).all() and (d[:, 1:] >= d[:, :-1]).all():
        return c, d
    first_bad(
        "days", np.asarray((d < 0).any(axis=1)), d.min(axis=1), E_("must not be negative in row")
    )
    first_bad(
        "days",
        np.asarray((np.diff(d, axis=1) < 0).any(axis=1)),
        d[:, -1],
        E_("must not decrease along the row (pad with the last day)"),
    )
    return c, d


def solve_rates(
    amounts: Any,
    days: Any = None,
    *,
    basis: int = 360,
    on_failure: Literal["raise", "mask"] = "raise",
) -> F64 | np.ma.MaskedArray[Any, np.dtype[np.float64]]:
    """The rate of each row of ``amounts`` (shape ``(N, m)``; pad short rows with zeros).

    - ``days`` given (``(N, m)`` whole days from the first flow, not decreasing along a row):
      the effective annual rate with ``Σ cₖ·(1 + x)^(−dₖ/basis) = 0``, Peru's TCEA for
      ``basis=360`` (as :func:`coopfinance.cost.tcea`);
    - ``days=None``: the periodic IRR, ``Σ cₖ·(1 + x)^(−k) = 0`` (as :func:`coopfinance.cost.irr`).

    Rows with no rate, or several, between −99 % and 1,000,000 % raise
    :class:`~coopfinance.errors.BatchNoSolution` (``rows`` lists them all); with
    ``on_failure="mask"`` a ``numpy.ma.MaskedArray`` is returned with those rows masked.

    >>> solve_rates([[-5000, 1758, 1758, 1758], [-1000, 1100, 0, 0]]).round(6)
    array([0.027157, 0.1     ])
    """
    if on_failure not in ("raise", "mask"):
        raise InvalidBatchInput(
            E_(
                "'on_failure' must be 'raise' or 'mask' (got %(on_failure)s).",
                on_failure=repr(on_failure),
            ),
            field="on_failure",
            value=on_failure,
        )
    c, d = _check(amounts, days)
    rows = c.shape[0]
    rates = np.zeros(rows)
    failed = np.zeros(rows, dtype=np.bool_)
    if rows and c.shape[1]:
        _solve(c, d, float(basis), rates, failed)
    else:
        failed[:] = True
    if on_failure == "mask":
        return np.ma.MaskedArray(rates, mask=failed)
    if failed.any():
        bad = np.flatnonzero(failed)
        shown = ", ".join(str(int(k)) for k in bad[:10])
        more = E_(", … (%(num)s rows)", num=len(bad)) if len(bad) > 10 else ""  # always > 10
        raise BatchNoSolution(
            E_(
                "'amounts' rows %(shown)s%(more)s have no single rate between "
                "%(lowest_rate)s and %(highest_rate)s that makes their present value "
                "zero (got row %(int_bad)s: %(tolist_c)s).",
                shown=shown,
                more=more,
                lowest_rate=LOWEST_RATE,
                highest_rate=HIGHEST_RATE,
                int_bad=int(bad[0]),
                tolist_c=c[bad[0]].tolist()[:6],
            ),
            field="amounts",
            rows=tuple(int(k) for k in bad),
        )
    return rates


def _solve(c: F64, d: I64 | None, basis: float, rates: F64, failed: B) -> None:
    """Fast path for the common rows (one flow, then flows of the other sign, root above 0),
    the general bracketed solver for the rest."""
    rest = _fast(c, d, basis, rates)
    if len(rest) == len(c):
        _solve_general(c, d, basis, rates, failed)
    elif len(rest):
        sub_rates = np.zeros(len(rest))
        sub_failed = np.zeros(len(rest), dtype=np.bool_)
        _solve_general(c[rest], None if d is None else d[rest], basis, sub_rates, sub_failed)
        rates[rest] = sub_rates
        failed[rest] = sub_failed


_FAST_STEPS = 8
_FAST_TOL = 1e-7
"""A Halley step this small (in ``y``) leaves an error of about ``K·step³``, far below 1e-14."""


def _fast(c: F64, d: I64 | None, basis: float, rates: F64) -> I64:
    """Halley on the rows whose first flow is the only one of its sign and whose rate is
    positive; returns the rows left for the general solver (their ``rates`` untouched).

    Such a row has exactly one root, and it is positive when ``Σ cₖ`` has the opposite sign of
    ``c₀`` (Descartes' rule of signs for exponential sums), so an iterate that settles inside
    ``(0, ln(1 + HIGHEST_RATE))`` is that root and needs no bracket. With ``u = y/basis`` and
    ``τₖ`` the days (or periods) from the first flow, the value ``F = Σ cₖ·e^(−u·τₖ)`` and its
    derivatives ``F′ = −Σ cₖτₖ·e^(−u·τₖ)``, ``F″ = Σ cₖτₖ²·e^(−u·τₖ)`` are three row sums over
    one matrix of discount factors ``e^(−u·τ)`` (one ``exp`` over the rows' flows, row-major: no
    transposed copy of the inputs), and the step is Halley's, ``−2FF′/(2F′² − FF″)``: from the
    mean-and-variance guess two steps settle a loan (the second below 1e-7 in ``y``, leaving an
    error of order 1e-20). Rows whose step leaves the range or that do not settle in 8 steps go to
    the general solver."""
    rows, cols = c.shape
    if cols < 2:
        return np.arange(rows)
    c0 = c[:, 0]
    later = c[:, 1:]
    hi_later = later.max(axis=1)
    lo_later = later.min(axis=1)
    total = c.sum(axis=1)
    simple = np.where(c0 < 0, (lo_later >= 0) & (hi_later > 0), (hi_later <= 0) & (lo_later < 0))
    scale = np.where(c0 < 0, total - 2.0 * c0, 2.0 * c0 - total)
    simple &= (c0 != 0) & (np.abs(total) > 1e-12 * scale) & (np.sign(total) != np.sign(c0))
    sel = np.flatnonzero(simple)
    if not len(sel):
        return np.arange(rows)
    every = len(sel) == rows
    cs = c if every else c[sel]
    if d is None:
        span: F64 = np.broadcast_to(np.arange(cols, dtype=np.float64), cs.shape)
    else:
        ds = d if every else d[sel]
        span = np.subtract(ds, ds[:, :1], dtype=np.float64)
    cta = cs * span
    # the guess: the inflows' weights have mean time μ and variance σ² (in days or periods);
    # Σ wₖ·e^(−u·τₖ) ≈ W·e^(−uμ + u²σ²/2) = |c₀| gives σ²u²/2 − μu + ln(W/|c₀|) = 0
    out_abs = np.abs(cs[:, 0])
    in_abs = np.abs(cs[:, 0] - (total if every else total[sel]))
    first = np.abs(cta.sum(axis=1))
    second = np.abs(np.einsum("ij,ij->i", cta, span))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        big = np.log(in_abs / out_abs)
        mean = first / in_abs
        var = np.maximum(second / in_abs - mean * mean, 0.0)
        disc = mean * mean - 2.0 * var * big
        u = np.where(disc > 0, 2.0 * big / (mean + np.sqrt(np.maximum(disc, 0.0))), big / mean)
    scale_t = 1.0 if d is None else basis
    top = _Y_HI / scale_t
    u = np.where(np.isfinite(u) & (u > 0) & (u < top), u, 0.1 / scale_t)
    # ``here``: the rows of the current matrices, ``live`` those not yet converged; the
    # matrices are compressed only when fewer than half their rows are live
    here = np.arange(len(sel))
    live = np.ones(len(sel), dtype=np.bool_)
    done = np.zeros(len(sel), dtype=np.bool_)
    root = np.zeros(len(sel))
    cur = (cs, cta, span)
    work = np.empty(cs.shape)
    for _ in range(_FAST_STEPS):
        f, g1, g2 = _moments(*cur, u, work)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            step = 2.0 * f * g1 / (2.0 * g1 * g1 - f * g2)
        nxt = u + step
        ok = live & np.isfinite(nxt) & (nxt > 0) & (nxt < top)
        conv = ok & (np.abs(step) * scale_t <= _FAST_TOL * (1.0 + np.abs(nxt) * scale_t))
        root[here[conv]] = nxt[conv]
        done[here[conv]] = True
        live = ok & ~conv
        u = np.where(live, nxt, u)
        count = int(live.sum())
        if not count:
            break
        if 2 * count < len(live):
            here, u = here[live], u[live]
            cur = tuple(a[live] for a in cur)  # type: ignore[assignment]
            work = work[:count]
            live = np.ones(count, dtype=np.bool_)
    rates[sel[done]] = np.expm1(root[done] * scale_t)
    leftover = np.ones(rows, dtype=np.bool_)
    leftover[sel[done]] = False
    return np.flatnonzero(leftover)


def _moments(c: F64, ct: F64, span: F64, rate: F64, work: F64) -> tuple[F64, F64, F64]:
    """``Σ cₖ·e^(−u·τₖ)``, ``Σ cₖτₖ·e^(−u·τₖ)`` and ``Σ cₖτₖ²·e^(−u·τₖ)`` per row (``ct`` is
    ``c·τ``, ``rate`` = u per row, ``work`` a scratch matrix of the shape of ``c``)."""
    np.multiply(span, -rate[:, None], out=work)
    np.exp(work, out=work)
    f = np.einsum("ij,ij->i", c, work)
    g1 = np.einsum("ij,ij->i", ct, work)
    np.multiply(work, span, out=work)  # τ·e^(−u·τ): no third matrix of flows kept
    return f, g1, np.einsum("ij,ij->i", ct, work)


def _solve_general(c: F64, d: I64 | None, basis: float, rates: F64, failed: B) -> None:
    p = _Problem(c, d, basis)
    changes, first = _sign_changes(c)
    total = c.sum(axis=1)
    scale = np.abs(c).sum(axis=1)
    sign0 = np.where(np.abs(total) <= 1e-12 * scale, 0.0, np.sign(total))
    failed |= changes == 0
    one = np.flatnonzero(changes == 1)
    # rate 0 exactly
    zero = one[sign0[one] == 0]
    rates[zero] = 0.0
    one = one[sign0[one] != 0]
    positive = sign0[one] != first[one]
    lo = np.where(positive, 0.0, _Y_LO)
    hi = np.where(positive, _Y_HI, 0.0)
    # the sign at lo: sign0 on the positive side; on the negative side the opposite of sign0,
    # provided a root exists, which the far end's sign confirms
    far = np.where(positive, hi, lo)
    f_far, _ = p.evaluate(one, far)
    has_root = np.sign(f_far) != sign0[one]
    failed[one[~has_root]] = True
    keep = has_root
    one, lo, hi, positive = one[keep], lo[keep], hi[keep], positive[keep]
    s_lo = np.where(positive, sign0[one], -sign0[one])
    y0 = _guess(p, one, lo, hi)
    root, done = _newton(p, one, lo, hi, s_lo, y0)
    rates[one] = np.expm1(root)
    failed[one[~done]] = True
    many = np.flatnonzero(changes > 1)
    if len(many):
        _scan(p, many, sign0, rates, failed)


def _scan(p: _Problem, sel: I64, sign0: F64, rates: F64, failed: B) -> None:
    grid = np.array([_Y_LO, *(np.log1p(x) for x in _GRID if -0.99 < x < 10000), _Y_HI])
    signs = np.empty((len(sel), len(grid)))
    for k, y in enumerate(grid):
        if y == 0.0:
            signs[:, k] = sign0[sel]
        else:
            signs[:, k] = np.sign(p.evaluate(sel, np.full(len(sel), y))[0])
    brackets = (signs[:, :-1] != 0) & (signs[:, 1:] != 0) & (signs[:, :-1] != signs[:, 1:])
    zeros = signs == 0
    count = brackets.sum(axis=1) + zeros.sum(axis=1)
    failed[sel[count != 1]] = True
    exact = (count == 1) & zeros.any(axis=1)
    rates[sel[exact]] = np.expm1(grid[np.argmax(zeros[exact], axis=1)])
    solve = np.flatnonzero((count == 1) & ~zeros.any(axis=1))
    if not len(solve):
        return
    k = np.argmax(brackets[solve], axis=1)
    lo, hi = grid[k], grid[k + 1]
    s_lo = signs[solve, k]
    root, done = _newton(p, sel[solve], lo, hi, s_lo, 0.5 * (lo + hi))
    rates[sel[solve]] = np.expm1(root)
    failed[sel[solve[~done]]] = True
