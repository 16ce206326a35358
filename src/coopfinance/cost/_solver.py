"""The root finder behind every cost-of-credit rate: solve ``Σ cₖ·DF(tₖ, x) = 0`` for ``x``.

Two discount functions cover every convention coopfinance discloses:

- power form (IRR, XIRR, TCEA, APRC, EIR): ``DF = (1 + x)^(−tₖ)``, ``tₖ`` an exact ``Fraction``;
- actuarial form (US Reg Z Appendix J): ``DF = 1 / ((1 + fₖ·x)·(1 + x)^(tₖ))``, ``tₖ`` whole unit
  periods and ``0 ≤ fₖ < 1`` a fraction of one earning simple interest.

Method, in three stages:

1. **Count roots.** Amounts at the same time are added and zeros dropped. If, in time order, the
   amounts change sign exactly once, there is exactly one root with ``x > −1`` (Descartes' rule of
   signs in ``z = (1 + x)^(−1/D)``; for the actuarial form ``DF(later)/DF(earlier)`` is monotone in
   ``x``, which gives the same conclusion). Otherwise the sign of the present value is scanned on a
   grid of rates from −99 % to 1,000,000 % per period (finer near 0): each sign change brackets a
   root; two or more raise :class:`~coopfinance.errors.MultipleSolutions`, none raises
   :class:`~coopfinance.errors.NoSolution`. (Roots closer together than the grid spacing, or roots
   where the value touches zero without changing sign, cannot be seen by a scan.)
2. **Float solve.** Newton steps on ``y = ln(1 + x)`` with the time exponents precomputed, kept
   inside the bracket by bisection. Terms are scaled by ``(1 + x)^τ`` (τ the earliest or latest time)
   so nothing overflows at −99 % or 1,000,000 %.
3. **Decimal polish.** One Newton step in 34-digit ``Decimal`` (two at most) from the float root,
   which also checks it: a correction larger than float noise raises. For the power form with
   times that are multiples of ``1/D`` (days/360, days/365, whole periods), the step is taken on
   ``z = (1 + x)^(−1/D)`` with integer powers only, so no decimal ``ln``/``exp`` is needed.

The rate is returned rounded to 20 decimal places.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction
from math import exp, expm1, log

from coopfinance._decimal import CONTEXT, ONE, ZERO
from coopfinance.errors import InvalidValue, MultipleSolutions, NoSolution

__all__ = ["LOWEST_RATE", "HIGHEST_RATE", "solve_actuarial", "solve_power"]

LOWEST_RATE = Decimal("-0.99")
"""The lowest rate per unit of time searched: −99 %."""
HIGHEST_RATE = Decimal(10000)
"""The highest rate per unit of time searched: 1,000,000 %."""

_GRID = (
    -0.99, -0.95, -0.9, -0.8, -0.7, -0.6, -0.5, -0.4, -0.3, -0.25, -0.2, -0.15, -0.1, -0.07,
    -0.05, -0.03, -0.02, -0.01, -0.005, -0.002, 0.0, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.07,
    0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 7.0, 10.0, 20.0, 50.0,
    100.0, 300.0, 1000.0, 3000.0, 10000.0,
)
_QUANTUM = Decimal("1e-20")
_MAX_DENOMINATOR = 10**6
_FLOAT_STEP = 1e-9  # a Newton step this small leaves an error far below float resolution
# A first decimal Newton correction within 1e-15 (relative) leaves an error near 1e-30; a larger one
# earns a second step, which must then be within 1e-20, or the float root was not a root.
_ACCEPT = (Decimal("1e-15"), Decimal("1e-20"))

Evaluator = Callable[[float, float], tuple[float, float]]


# ------------------------------------------------------------------------------------------------
# Validation shared by both forms
# ------------------------------------------------------------------------------------------------


def _describe(amounts: Sequence[Decimal]) -> str:
    shown = ", ".join(str(a) for a in amounts[:6])
    more = f", … ({len(amounts)} amounts)" if len(amounts) > 6 else ""
    return f"[{shown}{more}]"


def _check_signs(amounts: Sequence[Decimal], field: str) -> int:
    """Sign changes of the nonzero ``amounts`` in order; raise unless there is at least one."""
    if not amounts:
        raise InvalidValue(f"{field!r} must not be empty (got []).", field=field, value=[])
    signs = [a > 0 for a in amounts if a != 0]
    if not signs:
        raise InvalidValue(
            f"{field!r} must contain a positive and a negative amount (got only zeros: "
            f"{_describe(amounts)}).",
            field=field,
            value=list(amounts),
        )
    changes = sum(1 for a, b in zip(signs, signs[1:], strict=False) if a != b)
    if changes == 0:
        kind = "positive" if signs[0] else "negative"
        raise NoSolution(
            f"{field!r} must contain a positive and a negative amount (got only {kind} "
            f"amounts: {_describe(amounts)}).",
            field=field,
            value=list(amounts),
        )
    return changes


def _check_bracket(bracket: tuple[Decimal, Decimal] | None) -> tuple[float, float]:
    if bracket is None:
        return float(LOWEST_RATE), float(HIGHEST_RATE)
    lo, hi = bracket
    if not LOWEST_RATE <= lo < hi <= HIGHEST_RATE:
        raise InvalidValue(
            f"'bracket' must be two rates lo < hi within [{LOWEST_RATE}, {HIGHEST_RATE}] "
            f"(got ({lo}, {hi})).",
            field="bracket",
            value=bracket,
        )
    return float(lo), float(hi)


def _sign(v: float) -> int:
    return (v > 0) - (v < 0)


# ------------------------------------------------------------------------------------------------
# The float stage: bracketed, safeguarded Newton on y = ln(1 + x)
# ------------------------------------------------------------------------------------------------


def _newton(ev: Evaluator, tau: float, a: float, fa: float, b: float, guess: float) -> float:
    """A root of ``ev`` in ``y`` between ``a`` and ``b`` (``fa`` the value at ``a``, opposite in sign
    to the value at ``b``), starting from ``guess``; Newton steps, bisection when they leave the
    bracket."""
    lo, hi = (a, b) if a < b else (b, a)
    flo_sign = _sign(fa) if a < b else -_sign(fa)
    y = guess if lo < guess < hi else 0.5 * (lo + hi)
    for _ in range(300):
        fy, dfy = ev(y, tau)
        s = _sign(fy)
        if s == 0:
            return y
        if s == flo_sign:
            lo = y
        else:
            hi = y
        newton = dfy != 0.0
        if newton:
            step = fy / dfy
            nxt = y - step
            newton = lo < nxt < hi
        if not newton:
            nxt = 0.5 * (lo + hi)
        if nxt == y or hi - lo <= 4e-16 * (1.0 + abs(y)):
            return nxt
        if newton and abs(nxt - y) <= _FLOAT_STEP * (1.0 + abs(nxt)):
            return nxt
        y = nxt
    return y  # pragma: no cover - bisection alone converges in fewer than 300 steps


def _value_sign(ev: Evaluator, y: float, t_first: float, t_last: float) -> int:
    return _sign(ev(y, t_first if y >= 0 else t_last)[0])


def _find_root(
    ev: Evaluator,
    times: Sequence[float],
    amounts: Sequence[float],
    changes: int,
    exact_sum: Decimal,
    bracket: tuple[float, float],
    field: str,
    describe: str,
) -> float | None:
    """The float root ``y`` (``None`` when the rate is exactly 0), or raise."""
    lo_x, hi_x = bracket
    y_lo, y_hi = log(1.0 + lo_x), log(1.0 + hi_x)
    t_first, t_last = times[0], times[-1]
    where = f"between {lo_x:g} and {hi_x:g} per period"
    if changes == 1:
        if exact_sum == 0:
            if lo_x <= 0.0 <= hi_x:
                return None
        else:
            # f(+∞) has the sign of the earliest amount, f(−∞) that of the latest
            f0 = 1 if exact_sum > 0 else -1
            positive_side = f0 != _sign(amounts[0])
            end = y_hi if positive_side else y_lo
            start = max(0.0, y_lo) if positive_side else min(0.0, y_hi)
            tau = t_first if positive_side else t_last
            f_start = ev(start, tau)[0]
            f_end = ev(end, tau)[0]
            if _sign(f_start) != _sign(f_end) or f_end == 0:
                if f_end == 0:
                    return end
                return _newton(ev, tau, start, f_start, end, _guess(times, amounts, start, end))
        raise NoSolution(
            f"{field!r} have no rate {where} that makes their present value zero "
            f"(got {describe}).",
            field=field,
        )
    grid = [log(1.0 + x) for x in _GRID if lo_x < x < hi_x]
    grid = [y_lo, *grid, y_hi]
    signs = [_value_sign(ev, y, t_first, t_last) for y in grid]
    roots: list[float] = []
    for k, (y0, y1) in enumerate(zip(grid, grid[1:], strict=False)):
        s0, s1 = signs[k], signs[k + 1]
        if s0 == 0:
            roots.append(y0)
        elif s1 != 0 and s0 != s1:
            tau = t_first if y0 >= 0 else t_last
            roots.append(_newton(ev, tau, y0, ev(y0, tau)[0], y1, 0.5 * (y0 + y1)))
    if signs[-1] == 0:
        roots.append(grid[-1])
    if not roots:
        raise NoSolution(
            f"{field!r} have no rate {where} that makes their present value zero "
            f"(got {describe}).",
            field=field,
        )
    if len(roots) > 1:
        found = tuple(Decimal(repr(expm1(y))) for y in roots)
        listed = ", ".join(f"{expm1(y):.6g}" for y in roots)
        raise MultipleSolutions(
            f"{field!r} have several rates that make their present value zero: {listed} "
            f"(got {describe}); give 'bracket' to choose one.",
            field=field,
            roots=found,
        )
    return roots[0]


def _guess(times: Sequence[float], amounts: Sequence[float], a: float, b: float) -> float:
    """Where ``P·e^(−t̄₊·y) = N·e^(−t̄₋·y)`` for the positive and negative amounts' totals and
    mean times: close to the root for a loan, so Newton needs two or three steps."""
    pos = neg = tpos = tneg = 0.0
    for c, t in zip(amounts, times, strict=True):
        if c > 0:
            pos += c
            tpos += c * t
        else:
            neg -= c
            tneg -= c * t
    dt = tpos / pos - tneg / neg
    if dt == 0.0:
        return 0.5 * (a + b)
    y = log(pos / neg) / dt
    lo, hi = (a, b) if a < b else (b, a)
    return y if lo < y < hi else 0.5 * (a + b)


# ------------------------------------------------------------------------------------------------
# Power form: Σ cₖ·(1 + x)^(−tₖ) = 0
# ------------------------------------------------------------------------------------------------


def _aggregate_power(
    amounts: Sequence[Decimal], times: Sequence[Fraction]
) -> tuple[list[Decimal], list[Fraction]]:
    out_a: list[Decimal] = []
    out_t: list[Fraction] = []
    for a, t in zip(amounts, times, strict=True):
        if out_t and out_t[-1] == t:
            out_a[-1] += a
        else:
            out_a.append(a)
            out_t.append(t)
    keep = [k for k, a in enumerate(out_a) if a != 0]
    return [out_a[k] for k in keep], [out_t[k] for k in keep]


def solve_power(
    amounts: Sequence[Decimal],
    times: Sequence[Fraction],
    *,
    field: str = "flows",
    bracket: tuple[Decimal, Decimal] | None = None,
) -> Decimal:
    """The rate ``x`` with ``Σ amounts[k]·(1 + x)^(−times[k]) = 0``.

    ``times`` must be non-decreasing (callers check and report their own field). The signs of the
    amounts are the caller's convention: only their relative signs matter.

    >>> solve_power([Decimal(-100), Decimal(110)], [Fraction(0), Fraction(1)])
    Decimal('0.10000000000000000000')
    """
    _check_signs(amounts, field)
    with decimal.localcontext(CONTEXT):
        exact_sum = sum(amounts, ZERO)
        agg_a, agg_t = _aggregate_power(amounts, times)
    changes = _check_signs(agg_a, field)
    span = _check_bracket(bracket)
    describe = _describe(amounts)
    if len(agg_a) == 1:  # pragma: no cover - one amount cannot change sign
        raise AssertionError
    scale = max(abs(a) for a in agg_a)
    cs = [float(a / scale) for a in agg_a]
    ts = [float(t) for t in agg_t]

    def ev(y: float, tau: float) -> tuple[float, float]:
        f = df = 0.0
        for c, t in zip(cs, ts, strict=False):
            u = t - tau
            e = c * exp(-u * y)
            f += e
            df -= u * e
        return f, df

    y = _find_root(ev, ts, cs, changes, exact_sum, span, field, describe)
    if y is None:
        return ZERO.quantize(_QUANTUM)
    return _polish_power(agg_a, agg_t, y, field)


def _common_denominator(times: Sequence[Fraction]) -> int | None:
    d = 1
    for t in times:
        d = d * t.denominator // math.gcd(d, t.denominator)
        if d > _MAX_DENOMINATOR:
            return None
    return d


def _polish_power(amounts: list[Decimal], times: list[Fraction], y: float, field: str) -> Decimal:
    t0 = times[0]
    rel = [t - t0 for t in times]
    d = _common_denominator(rel)
    with decimal.localcontext(CONTEXT):
        if d is not None:
            ns = [int(t * d) for t in rel]
            z = Decimal(exp(-y / d))
            for attempt in range(2):
                cache: dict[int, Decimal] = {}
                w = ONE
                prev = 0
                g = gp = ZERO
                for c, n in zip(amounts, ns, strict=True):
                    gap = n - prev
                    if gap:
                        p = cache.get(gap)
                        if p is None:
                            p = cache[gap] = z**gap
                        w *= p
                        prev = n
                    cw = c * w
                    g += cw
                    gp += n * cw
                if gp == 0:  # pragma: no cover - a simple root has a nonzero slope
                    break
                step = g * z / gp
                z -= step
                if abs(step) <= _ACCEPT[attempt] * z:
                    x: Decimal = z ** (-d) - ONE
                    return x.quantize(_QUANTUM)
        else:
            x = Decimal(expm1(y))
            for attempt in range(2):
                ln1x = (ONE + x).ln()
                f = fp = ZERO
                for c, t in zip(amounts, rel, strict=True):
                    td = Decimal(t.numerator) / Decimal(t.denominator)
                    e = c * (-td * ln1x).exp()
                    f += e
                    fp -= td * e
                if fp == 0:  # pragma: no cover - a simple root has a nonzero slope
                    break
                step = f * (ONE + x) / fp
                x -= step
                if abs(step) <= _ACCEPT[attempt] * (ONE + abs(x)):
                    return x.quantize(_QUANTUM)
    raise NoSolution(  # pragma: no cover - the float root always passes for a simple root
        f"{field!r}: the rate found in float arithmetic ({expm1(y):.12g}) could not be confirmed "
        "in decimal arithmetic.",
        field=field,
    )


# ------------------------------------------------------------------------------------------------
# Actuarial form: Σ cₖ / ((1 + fₖ·x)·(1 + x)^(tₖ)) = 0
# ------------------------------------------------------------------------------------------------


def solve_actuarial(
    amounts: Sequence[Decimal],
    periods: Sequence[int],
    fractions: Sequence[Fraction],
    *,
    field: str = "flows",
    bracket: tuple[Decimal, Decimal] | None = None,
) -> Decimal:
    """The unit-period rate ``i`` with ``Σ amounts[k] / ((1 + fₖ·i)·(1 + i)^(tₖ)) = 0``.

    ``periods`` are the whole unit periods ``tₖ`` and ``fractions`` the fractions ``0 ≤ fₖ < 1``
    (Reg Z Appendix J (b)(5)-(8)); the positions ``tₖ + fₖ`` must be non-decreasing.

    >>> solve_actuarial([Decimal(-1000), Decimal(1044)], [0, 1], [Fraction(0), Fraction(0)])
    Decimal('0.04400000000000000000')
    """
    _check_signs(amounts, field)
    merged: dict[tuple[int, Fraction], Decimal] = {}
    with decimal.localcontext(CONTEXT):
        exact_sum = sum(amounts, ZERO)
        for a, t, f in zip(amounts, periods, fractions, strict=True):
            merged[(t, f)] = merged.get((t, f), ZERO) + a
    keys = sorted((k for k, a in merged.items() if a != 0), key=lambda k: k[0] + k[1])
    agg = [merged[k] for k in keys]
    changes = _check_signs(agg, field)
    span = _check_bracket(bracket)
    scale = max(abs(a) for a in agg)
    cs = [float(a / scale) for a in agg]
    ts = [float(t) for t, _ in keys]
    fs = [float(f) for _, f in keys]
    pos = [t + f for t, f in zip(ts, fs, strict=True)]

    def ev(y: float, tau: float) -> tuple[float, float]:
        x = expm1(y)
        g = 1.0 + x
        s = dsum = 0.0
        for c, t, f in zip(cs, ts, fs, strict=False):
            u = t - tau
            q = 1.0 + f * x
            e = c * exp(-u * y) / q
            s += e
            dsum -= e * (u + f * g / q)
        return s, dsum

    y = _find_root(ev, pos, cs, changes, exact_sum, span, field, _describe(amounts))
    if y is None:
        return ZERO.quantize(_QUANTUM)
    with decimal.localcontext(CONTEXT):
        x = Decimal(expm1(y))
        for attempt in range(2):
            one_x = ONE + x
            powers: dict[int, Decimal] = {}
            f_val = fp = ZERO
            for (t, fr), c in zip(keys, agg, strict=True):
                p = powers.get(t)
                if p is None:
                    p = powers[t] = one_x**t
                fd = Decimal(fr.numerator) / Decimal(fr.denominator)
                q = ONE + fd * x
                e = c / (q * p)
                f_val += e
                fp -= e * (fd / q + t / one_x)
            if fp == 0:  # pragma: no cover - a simple root has a nonzero slope
                break
            step = f_val / fp
            x -= step
            if abs(step) <= _ACCEPT[attempt] * (ONE + abs(x)):
                return x.quantize(_QUANTUM)
    raise NoSolution(  # pragma: no cover - the float root always passes for a simple root
        f"{field!r}: the rate found in float arithmetic ({expm1(y):.12g}) could not be confirmed "
        "in decimal arithmetic.",
        field=field,
    )
