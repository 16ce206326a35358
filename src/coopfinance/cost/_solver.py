"""The root finder behind every cost-of-credit rate: solve ``Σ cₖ·DF(tₖ, x) = 0`` for ``x``.

Two discount functions cover every convention coopfinance discloses:

- power form (IRR, XIRR, TCEA, APRC, EIR): ``DF = (1 + x)^(−tₖ)``, ``tₖ = nₖ/D`` exact (whole
  numbers ``nₖ`` of a unit ``1/D``: days of a 360- or 365-day year, periods);
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
   inside the bracket by bisection. Terms are scaled by ``(1 + x)^τ`` (τ the earliest or latest
   time) so nothing overflows at −99 % or 1,000,000 %.
3. **Decimal polish.** One Newton step in 34-digit ``Decimal`` (two at most) from the float root,
   which also checks it: a correction larger than float noise raises. In the power form the times
   are whole multiples of ``1/D`` (days/360, days/365, whole periods), so the step is taken on
   ``z = (1 + x)^(−1/D)`` with integer powers only: no decimal ``ln``/``exp`` is needed.

The rate is returned rounded to 20 decimal places.

**Fast path** (power form, the common case of a loan: distinct times, no zero amount, one sign
change, a sum clearly not zero, moderate exponents). Stages 2-3 in straight-line code without
Python loops over the amounts: Halley steps in float from the mean-time start (usually two), then
the value in 34-digit ``Decimal`` at the float root — powers of ``z`` for the few distinct time
gaps, running products, one product per run of a repeated amount object (a schedule's level
installment) — and one Newton correction with a float slope. No decimal root-finding loop: if the
correction exceeds 1e-12 in ``y`` the fast path gives up and the general path above solves.
Error bound of the result: the correction δ is accepted only if |δ| ≤ 1e-12 in ``y`` (typically
it is ~1e-15). The float slope is carried to the final point to first order after a last Halley
step s with s·T ≤ 1e-5 (T the gap between the mean times of the two signs), so its relative error
is ε ≲ (s·T)² + 1e-15 ≲ 1e-9. The error after the correction is ε·|δ| + (g″/2g′)·δ² + 34-digit
rounding ≤ ~1e-20 in ``y`` (typically ~1e-23), then ≤ 5e-21 from rounding to 20 places.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction
from itertools import accumulate, chain, compress, islice, pairwise, repeat
from math import exp, expm1, log, log1p
from operator import is_not, mul, ne, sub
from typing import NamedTuple

from coopfinance._decimal import CONTEXT, ONE, ZERO
from coopfinance.errors import E_, InvalidValue, MultipleSolutions, NoSolution

__all__ = [
    "HIGHEST_RATE",
    "LOWEST_RATE",
    "common_units",
    "solve_actuarial",
    "solve_power",
    "solve_power_rounded",
]

LOWEST_RATE = Decimal("-0.99")
"""The lowest rate per unit of time searched: −99 %."""
HIGHEST_RATE = Decimal(10000)
"""The highest rate per unit of time searched: 1,000,000 %."""

_GRID = (
    -0.99,
    -0.95,
    -0.9,
    -0.8,
    -0.7,
    -0.6,
    -0.5,
    -0.4,
    -0.3,
    -0.25,
    -0.2,
    -0.15,
    -0.1,
    -0.07,
    -0.05,
    -0.03,
    -0.02,
    -0.01,
    -0.005,
    -0.002,
    0.0,
    0.002,
    0.005,
    0.01,
    0.02,
    0.03,
    0.05,
    0.07,
    0.1,
    0.15,
    0.2,
    0.25,
    0.3,
    0.4,
    0.5,
    0.7,
    1.0,
    1.5,
    2.0,
    3.0,
    5.0,
    7.0,
    10.0,
    20.0,
    50.0,
    100.0,
    300.0,
    1000.0,
    3000.0,
    10000.0,
)
_QUANTUM = Decimal("1e-20")
_FLOAT_STEP = 1e-7  # a Newton step this small leaves an error near 1e-14; one decimal step fixes it
# A first decimal Newton correction (in y = ln(1 + x)) within 1e-12 leaves an error near 1e-24; a
# larger one earns a second step, which must then be within 1e-20, or the float root was not a root.
_ACCEPT = (Decimal("1e-12"), Decimal("1e-20"))

Evaluator = Callable[[float, float], tuple[float, float]]


# ------------------------------------------------------------------------------------------------
# Validation shared by both forms
# ------------------------------------------------------------------------------------------------


def _describe(amounts: Sequence[Decimal]) -> str:
    shown = ", ".join(str(a) for a in amounts[:6])
    more = f", … ({len(amounts)} amounts)" if len(amounts) > 6 else ""
    return f"[{shown}{more}]"


def _check_signs(amounts: Sequence[Decimal], field: str, floats: Sequence[float] = ()) -> int:
    """Sign changes of the nonzero ``amounts`` in order; raise unless there is at least one.

    ``floats`` (the amounts as floats, same signs) make the count faster when given.
    """
    if not amounts:
        raise InvalidValue(
            E_("%(field)s must not be empty (got []).", field=repr(field)), field=field, value=[]
        )
    signs = [c > 0 for c in (floats or amounts) if c]
    if not signs:
        raise InvalidValue(
            E_(
                "%(field)s must contain a positive and a negative amount (got only "
                "zeros: %(describe_amounts)s).",
                field=repr(field),
                describe_amounts=_describe(amounts),
            ),
            field=field,
            value=list(amounts),
        )
    changes: int = sum(map(ne, signs, signs[1:]))
    if changes == 0:
        kind = "positive" if signs[0] else "negative"
        raise NoSolution(
            E_(
                "%(field)s must contain a positive and a negative amount (got only "
                "%(kind)s amounts: %(describe_amounts)s).",
                field=repr(field),
                kind=kind,
                describe_amounts=_describe(amounts),
            ),
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
            E_(
                "'bracket' must be two rates lo < hi within [%(lowest_rate)s, "
                "%(highest_rate)s] (got (%(lo)s, %(hi)s)).",
                lowest_rate=LOWEST_RATE,
                highest_rate=HIGHEST_RATE,
                lo=lo,
                hi=hi,
            ),
            field="bracket",
            value=bracket,
        )
    return float(lo), float(hi)


def _sign(v: float) -> int:
    return (v > 0) - (v < 0)


# ------------------------------------------------------------------------------------------------
# The float stage: bracketed, safeguarded Newton on y = ln(1 + x)
# ------------------------------------------------------------------------------------------------


def _newton(
    ev: Evaluator, tau: float, a: float, fa: float, b: float, *, guess: float, horizon: float = 1.0
) -> tuple[float, bool]:
    """A root of ``ev`` in ``y`` between ``a`` and ``b``, where ``fa`` (the value at ``a``) is
    taken to be opposite in sign to the value at ``b``; Newton steps from ``guess``, bisection when
    they leave the bracket. Also says whether the root is confirmed: a value of the other sign was
    seen, or Newton converged (its step shrank below ``_FLOAT_STEP``); if not, the caller must check
    the sign at ``b``."""
    lo, hi = (a, b) if a < b else (b, a)
    flo_sign = _sign(fa) if a < b else -_sign(fa)
    seen = False
    y = guess if lo < guess < hi else 0.5 * (lo + hi)
    for _ in range(300):
        fy, dfy = ev(y, tau)
        s = _sign(fy)
        if s == 0:
            return y, True
        if s == flo_sign:
            lo = y
        else:
            hi = y
        seen = seen or s != _sign(fa)
        newton = dfy != 0.0
        if newton:
            nxt = y - fy / dfy
            newton = lo < nxt < hi
        if not newton:
            nxt = 0.5 * (lo + hi)
        if nxt == y or hi - lo <= 4e-16 * (1.0 + abs(y)):
            return nxt, seen
        # y·t is the dimensionless variable: a long horizon needs a smaller step in y
        if newton and abs(nxt - y) * horizon <= _FLOAT_STEP * (1.0 + abs(nxt) * horizon):
            return nxt, True
        y = nxt
    return y, seen  # pragma: no cover - bisection alone converges in fewer than 300 steps


def _value_sign(ev: Evaluator, y: float, t_first: float, t_last: float) -> int:
    return _sign(ev(y, t_first if y >= 0 else t_last)[0])


def _no_solution(field: str, where: str, given: Sequence[Decimal]) -> NoSolution:
    return NoSolution(
        E_(
            "%(field)s have no rate %(where)s that makes their present value zero "
            "(got %(describe_given)s).",
            field=repr(field),
            where=where,
            describe_given=_describe(given),
        ),
        field=field,
    )


def _find_root(
    ev: Evaluator,
    times: Sequence[float],
    amounts: Sequence[float],
    *,
    changes: int,
    sign0: int,
    bracket: tuple[float, float],
    field: str,
    given: Sequence[Decimal],
) -> float | None:
    """The float root ``y`` (``None`` when the rate is exactly 0), or raise.

    ``sign0`` is the exact sign of the value at rate 0 (the plain sum of the amounts).
    """
    lo_x, hi_x = bracket
    y_lo, y_hi = log(1.0 + lo_x), log(1.0 + hi_x)
    t_first, t_last = times[0], times[-1]
    horizon = max(1.0, t_last - t_first)
    where = E_("between %(lo)s and %(hi)s per period", lo=format(lo_x, "g"), hi=format(hi_x, "g"))
    if changes == 1:
        if sign0 == 0:
            if lo_x <= 0.0 <= hi_x:
                return None
            raise _no_solution(field, where, given)
        # f(+∞) has the sign of the earliest amount and f(−∞) that of the latest: the unique root
        # lies on the side of 0 where the sign at 0 is not yet the sign at infinity.
        positive_side = sign0 != _sign(amounts[0])
        end = y_hi if positive_side else y_lo
        tau = t_first if positive_side else t_last
        if y_lo <= 0.0 <= y_hi:
            start, f_start = 0.0, float(sign0) * max(abs(math.fsum(amounts)), 1e-300)
        else:
            start = max(0.0, y_lo) if positive_side else min(0.0, y_hi)
            f_start = ev(start, tau)[0]
        if (start < end) != positive_side or _sign(f_start) != sign0:
            raise _no_solution(field, where, given)
        y, seen = _newton(
            ev, tau, start, f_start, end, guess=_guess(times, amounts, start, end), horizon=horizon
        )
        if seen:
            return y
        f_end = ev(end, tau)[0]
        if f_end == 0:
            return end
        if _sign(f_end) == _sign(f_start):
            raise _no_solution(field, where, given)
        return _newton(ev, tau, start, f_start, end, guess=y, horizon=horizon)[
            0
        ]  # pragma: no cover
    grid = [log(1.0 + x) for x in _GRID if lo_x < x < hi_x]
    grid = [y_lo, *grid, y_hi]
    signs = [sign0 if y == 0.0 else _value_sign(ev, y, t_first, t_last) for y in grid]
    roots: list[float] = []
    for k, (y0, y1) in enumerate(pairwise(grid)):
        s0, s1 = signs[k], signs[k + 1]
        if s0 == 0:
            roots.append(y0)
        elif s1 not in (0, s0):
            tau = t_first if y0 >= 0 else t_last
            guess = 0.5 * (y0 + y1)
            roots.append(_newton(ev, tau, y0, ev(y0, tau)[0], y1, guess=guess, horizon=horizon)[0])
    if signs[-1] == 0:
        roots.append(grid[-1])
    if not roots:
        raise _no_solution(field, where, given)
    if roots == [0.0]:
        return None
    if len(roots) > 1:
        found = tuple(Decimal(repr(expm1(y))) for y in roots)
        listed = ", ".join(f"{expm1(y):.6g}" for y in roots)
        raise MultipleSolutions(
            E_(
                "%(field)s have several rates that make their present value zero: "
                "%(listed)s (got %(describe_given)s); give 'bracket' to choose one.",
                field=repr(field),
                listed=listed,
                describe_given=_describe(given),
            ),
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


def common_units(times: Sequence[Fraction]) -> tuple[list[int], int]:
    """Exact times as whole numbers of one unit: ``([n₀, n₁, …], D)`` with ``tₖ = nₖ/D``.

    >>> common_units([Fraction(0), Fraction(31, 365), Fraction(1, 2)])
    ([0, 62, 365], 730)
    """
    d = 1
    for t in times:
        d = d * t.denominator // math.gcd(d, t.denominator)
    return [int(t * d) for t in times], d


def _exact_sign(amounts: Sequence[Decimal], floats: Sequence[float]) -> int:
    """The sign of ``Σ amounts``: from the float sum when clear, else in exact decimal."""
    total = math.fsum(floats)
    if abs(total) > 1e-9 * sum(map(abs, floats)):
        return _sign(total)
    with decimal.localcontext(CONTEXT):
        exact = sum(amounts, ZERO)
    return (exact > 0) - (exact < 0)


def _to_floats(amounts: Sequence[Decimal], field: str) -> list[float]:
    out = list(map(float, amounts))
    if not all(map(math.isfinite, out)):
        raise InvalidValue(
            E_(
                "%(field)s must hold amounts below 1e300 (got %(describe_amounts)s).",
                field=repr(field),
                describe_amounts=_describe(amounts),
            ),
            field=field,
            value=list(amounts),
        )
    return out


def solve_power(
    amounts: Sequence[Decimal],
    numerators: Sequence[int],
    denominator: int = 1,
    *,
    field: str = "flows",
    bracket: tuple[Decimal, Decimal] | None = None,
) -> Decimal:
    """The rate ``x`` with ``Σ amounts[k]·(1 + x)^(−numerators[k]/denominator) = 0``.

    Times are exact: whole numbers of ``1/denominator`` (days for a 360- or 365-day year, periods
    for a periodic IRR), non-decreasing (callers check and report their own field). Only the
    relative signs of the amounts matter.

    >>> solve_power([Decimal(-100), Decimal(110)], [0, 1])
    Decimal('0.10000000000000000000')
    """
    if not amounts:
        raise InvalidValue(
            E_("%(field)s must not be empty (got []).", field=repr(field)), field=field, value=[]
        )
    span = _check_bracket(bracket)
    fast = _solve_power_fast(
        amounts, numerators, denominator, span, bracket or (LOWEST_RATE, HIGHEST_RATE)
    )
    if fast is not None:
        return fast
    return _solve_power_general(amounts, numerators, denominator, field=field, span=span)


def _solve_power_general(
    amounts: Sequence[Decimal],
    numerators: Sequence[int],
    denominator: int,
    *,
    field: str,
    span: tuple[float, float],
) -> Decimal:
    """:func:`solve_power` for any flows: merge, count roots, scan, scaled float Newton, polish."""
    agg_a: Sequence[Decimal] = amounts
    agg_n: Sequence[int] = numerators
    if len(set(numerators)) < len(numerators) or not all(amounts):
        merged_a: list[Decimal] = []
        merged_n: list[int] = []
        with decimal.localcontext(CONTEXT):
            for a, n in zip(amounts, numerators, strict=True):
                if merged_n and merged_n[-1] == n:
                    merged_a[-1] += a
                else:
                    merged_a.append(a)
                    merged_n.append(n)
        keep = [k for k, a in enumerate(merged_a) if a != 0]
        agg_a = [merged_a[k] for k in keep]
        agg_n = [merged_n[k] for k in keep]
        if not agg_a:
            _check_signs(amounts, field)  # raises if they are all zero
            raise InvalidValue(
                E_(
                    "%(field)s must contain a positive and a negative amount (got amounts "
                    "that add up to zero at each time: %(describe_amounts)s).",
                    field=repr(field),
                    describe_amounts=_describe(amounts),
                ),
                field=field,
                value=list(amounts),
            )
    cs = _to_floats(agg_a, field)
    changes = _check_signs(agg_a, field, cs)
    d = float(denominator)
    ts = [n / d for n in agg_n]

    def ev(y: float, tau: float) -> tuple[float, float]:
        f = df = 0.0
        for c, t in zip(cs, ts, strict=False):
            u = t - tau
            e = c * exp(-u * y)
            f += e
            df -= u * e
        return f, df

    y = _find_root(
        ev,
        ts,
        cs,
        changes=changes,
        sign0=_exact_sign(agg_a, cs),
        bracket=span,
        field=field,
        given=amounts,
    )
    if y is None:
        return ZERO.quantize(_QUANTUM)
    return _polish_power(agg_a, agg_n, denominator, floats=cs, y=y, field=field)


def _polish_power(
    amounts: Sequence[Decimal],
    numerators: Sequence[int],
    denominator: int,
    *,
    floats: Sequence[float],
    y: float,
    field: str,
) -> Decimal:
    """Newton steps on ``g(z) = Σ cₖ·z^(nₖ − n₀)``, ``z = (1 + x)^(−1/D)``: ``g`` in decimal by
    Horner's rule, ``g′`` in float (a slope good to 1e-12 is plenty for a step of 1e-13)."""
    n0 = numerators[0]
    gaps = [numerators[k + 1] - numerators[k] for k in range(len(amounts) - 1)]
    with decimal.localcontext(CONTEXT):
        z = Decimal(exp(-y / denominator))
        for attempt in range(2):
            lz = log(float(z))
            slope = math.fsum(
                [
                    (n - n0) * c * exp((n - n0 - 1) * lz)
                    for c, n in zip(floats, numerators, strict=True)
                ]
            )
            powers = {gap: z**gap for gap in set(gaps)}
            g = amounts[-1]
            for a, gap in zip(reversed(amounts[:-1]), reversed(gaps), strict=True):
                g = a + powers[gap] * g
            if slope == 0.0:  # pragma: no cover - a simple root has a nonzero slope
                break
            step = g / Decimal(slope)
            z -= step
            # the step in y = ln(1 + x) is about −D·step/z
            if abs(step) * denominator <= _ACCEPT[attempt] * z:
                x: Decimal = z ** (-denominator) - ONE
                return x.quantize(_QUANTUM)
    raise NoSolution(  # pragma: no cover - the float root always passes for a simple root
        E_(
            "%(field)s: the rate found in float arithmetic (%(expm1_y)s) could not "
            "be confirmed in decimal arithmetic.",
            field=repr(field),
            expm1_y=format(expm1(y), ".12g"),
        ),
        field=field,
    )


# ------------------------------------------------------------------------------------------------
# Power form, fast path: one sign change, distinct times, moderate exponents
# ------------------------------------------------------------------------------------------------

_FAST_ITERATIONS = 40  # Halley takes 3-5; bisection steps first from a far start
_HALLEY_STEP = 1e-5  # a Halley step (times the mean-time gap) this small leaves ~1e-15 (cubic)
_TINY, _HUGE = 1e-250, 1e250  # discount factors beyond these go to the scaled general path


def _runs(amounts: Sequence[Decimal]) -> tuple[list[int], list[Decimal]]:
    """Where runs of one repeated ``Decimal`` *object* start, and those objects: a schedule's level
    installments are one shared object. When most amounts differ, every amount is its own run."""
    count = len(amounts)
    starts = [0, *compress(range(1, count), map(is_not, islice(amounts, 1, None), amounts))]
    if 2 * len(starts) > count:
        return list(range(count)), list(amounts)
    return starts, list(map(amounts.__getitem__, starts))


class _FloatRoot(NamedTuple):
    """The float stage of the fast path: the root ``y`` and what the decimal stage reuses."""

    y: float
    step: float  # the last Halley step (already added to ``y``)
    g1: float  # Σ cₖnₖ·pₖ and Σ cₖnₖ²·pₖ at ``y − step``
    g2: float
    cs: list[float]  # the amounts as floats, one per time
    rel: list[int]  # nₖ − n₀
    cut: int  # the index of the first amount of the second sign
    gaps: list[int]  # nₖ₊₁ − nₖ
    starts: list[int]  # where runs of one repeated amount object start (see _runs)
    objs: list[Decimal]  # and those objects


def _float_root(
    amounts: Sequence[Decimal],
    numerators: Sequence[int],
    denominator: int,
    span: tuple[float, float],
) -> _FloatRoot | None:
    """The fast path's float stage: Halley on ``y = ln(1 + x)`` from the mean-time start, the
    powers ``z^(nₖ − n₀)`` by C-level ``map``/``sum`` (no Python loop over the amounts). ``None``
    unless the flows are easy (see :func:`_solve_power_fast`) and Halley converges in range."""
    count = len(amounts)
    if count < 2:
        return None
    gaps = list(map(sub, islice(numerators, 1, None), numerators))
    if min(gaps) <= 0:
        return None
    starts, objs = _runs(amounts)
    sizes = list(map(sub, [*islice(starts, 1, None), count], starts))
    fl = list(map(float, objs))
    if 0.0 in fl:
        return None
    # one sign change: the run signs read [s]·k + [−s]·(runs − k)
    signs = list(map((0.0).__lt__, fl))
    split = signs.index(not signs[0]) if signs[0] is not signs[-1] else 0
    if not split or signs.count(signs[0]) != split:
        return None
    cs = fl if len(fl) == count else list(chain.from_iterable(map(repeat, fl, sizes)))
    head = math.fsum(map(mul, fl[:split], sizes[:split]))  # one sign each
    tail = math.fsum(map(mul, fl[split:], sizes[split:]))
    if not (math.isfinite(head) and math.isfinite(tail)):
        return None
    if abs(head + tail) <= 1e-9 * (abs(head) + abs(tail)):
        return None  # the rate may be exactly 0: the general path decides in decimal
    n0 = numerators[0]
    rel = list(numerators) if n0 == 0 else [n - n0 for n in numerators]
    cns = list(map(mul, cs, rel))
    cn2s = list(map(mul, cns, rel))
    d = float(denominator)
    cut = starts[split]

    # start where P·e^(−t̄₊·y) = N·e^(−t̄₋·y) (totals and mean times of the two signs)
    horizon = (math.fsum(cns[cut:]) / tail - math.fsum(cns[:cut]) / head) / d  # t̄₋ − t̄₊ > 0
    y = log(-tail / head) / horizon
    y_lo, y_hi = log1p(span[0]), log1p(span[1])
    # Halley steps on F(y) = Σ cₖ·e^(−nₖ·y/D): with g₀ = Σ cₖ·pₖ, g₁ = Σ cₖnₖ·pₖ, g₂ = Σ cₖnₖ²·pₖ
    # (pₖ = z^nₖ), F = g₀, F′ = −g₁/D, F″ = g₂/D²; the step is −2FF′/(2F′² − FF″). Safeguarded:
    # one root, and F has the sign of the last flows below it (they dominate as y → −∞), so each
    # evaluation narrows a bracket [lo, hi]; a step that leaves it (a start far from the root,
    # say 134 back in 2 periods and 67 in 96 for 100) bisects instead.
    if not y_lo < y < y_hi:
        y = 0.5 * (y_lo + y_hi)
    below = tail > 0  # F > 0 below the root when the last flows are positive
    lo, hi = y_lo, y_hi
    g1 = g2 = 0.0
    for _ in range(_FAST_ITERATIONS):
        ps = list(map(pow, repeat(exp(-y / d)), rel))
        if not _TINY < ps[-1] < _HUGE:  # far from any root in range: narrow and bisect
            if ps[-1] <= _TINY:
                hi = y
            else:
                lo = y
            step = 0.5 * (lo + hi) - y
            y += step
            continue
        g0 = sum(map(mul, cs, ps))
        g1 = sum(map(mul, cns, ps))
        g2 = sum(map(mul, cn2s, ps))
        if (g0 > 0) is below:
            lo = y
        else:
            hi = y
        denom = 2.0 * g1 * g1 - g0 * g2
        step = 2.0 * d * g0 * g1 / denom if denom != 0.0 else math.inf
        if abs(step) * horizon <= _HALLEY_STEP:  # y·t is the dimensionless variable
            y += step
            break
        if not lo < y + step < hi:
            step = 0.5 * (lo + hi) - y
        y += step
    else:
        return None
    if not _TINY < exp(-y / d) ** rel[-1] < _HUGE:
        return None
    return _FloatRoot(y, step, g1, g2, cs, rel, cut, gaps, starts, objs)


def _solve_power_fast(
    amounts: Sequence[Decimal],
    numerators: Sequence[int],
    denominator: int,
    span: tuple[float, float],
    bounds: tuple[Decimal, Decimal],
) -> Decimal | None:
    """The root of ``g(z) = Σ cₖ·z^(nₖ − n₀)``, ``z = (1 + x)^(−1/D)``, when it is easy; ``None``
    otherwise (the general path then decides, and raises the errors).

    Easy means: at least two amounts, none zero, strictly increasing times, exactly one sign change
    (so exactly one root with ``x > −1``: Descartes), a sum clearly not zero (so the root is not
    0), discount factors within 1e±250, Halley in float converging inside the bracket in a few
    steps, and a decimal correction within 1e-12 in ``y = ln(1 + x)``.

    Float stage (:func:`_float_root`): Halley on ``y`` from the mean-time start. Decimal stage,
    straight-line: ``z₀`` = the float ``z`` to 17 digits, ``g(z₀)`` in 34 digits — ``z₀^(gap)``
    for the few distinct gaps (28-31 days), running products, one multiplication per run of a
    repeated amount — then one Newton correction ``z₁ = z₀ − g(z₀)/g′`` (``g′`` in float) and
    ``x = z₁^(−D) − 1``. Amounts are converted to float once per run.
    """
    root = _float_root(amounts, numerators, denominator, span)
    if root is None:
        return None
    y, step, g1, g2, _, _, _, gaps, starts, objs = root
    count = len(amounts)
    d = float(denominator)
    zf = exp(-y / d)
    # g′(z) = Σ cₖ·nₖ·z^(nₖ − 1) at the new point, to first order from the last evaluation:
    # d(g₁)/dy = −g₂/D
    slope = (g1 - g2 * step / d) / zf
    with decimal.localcontext(CONTEXT):
        z0 = Decimal(repr(zf))  # any point near the root will do; 17 digits are cheaper than 52
        distinct = sorted(set(gaps))
        p = z0 ** distinct[0]
        factor = {distinct[0]: p}
        for a, b in pairwise(distinct):
            p *= z0 if b - a == 1 else z0 ** (b - a)
            factor[b] = p
        dps = list(accumulate(map(factor.__getitem__, gaps), mul, initial=ONE))
        if len(objs) == count:
            g = sum(map(mul, amounts, dps), ZERO)
        else:
            g = ZERO
            for obj, a, b in zip(objs, starts, [*islice(starts, 1, None), count], strict=True):
                g += obj * (dps[a] if b - a == 1 else sum(dps[a:b], ZERO))
        correction = g / Decimal(slope)
        if abs(correction) * denominator > _ACCEPT[0] * z0:
            return None
        x: Decimal = (z0 - correction) ** -denominator - ONE
        if not bounds[0] <= x <= bounds[1]:
            return None
        return x.quantize(_QUANTUM)


# ------------------------------------------------------------------------------------------------
# Power form, rounded and certified: the rate to a stated number of places, proved by two signs
# ------------------------------------------------------------------------------------------------

_U = 2.0**-53  # the unit roundoff of a float


def solve_power_rounded(
    amounts: Sequence[Decimal],
    numerators: Sequence[int],
    denominator: int = 1,
    *,
    places: int,
    field: str = "flows",
) -> Decimal:
    """:func:`solve_power`'s root rounded to ``places`` decimal places (half to even), certified.

    The rate ``x*`` with ``g(x) = Σ amounts[k]·(1 + x)^(−numerators[k]/denominator) = 0``, as the
    nearest multiple ``r`` of ``q = 10^(−places)``. When the flows are easy (as for
    :func:`solve_power`'s fast path: one sign change, distinct times), ``r`` is the float root
    rounded to ``q`` and is *proved* right without a decimal solve: ``g`` has opposite signs at two
    points strictly inside ``(r − q/2, r + q/2)``, so the one root (Descartes) lies in between and
    rounds to ``r`` whatever the tie rule. Each sign is that of a float sum whose rounding error is
    bounded (:func:`_certified_power`). When the certificate fails (a root within ~2 % of ``q/2``
    of a rounding boundary, an extreme exponent) the exact solver answers:
    ``solve_power(…).quantize(q)``, good to 1e-20 (so a root within 1e-20 of a midpoint, the
    only case where the two could differ, is rounded from its 20-place value).

    >>> solve_power_rounded([Decimal(-100), Decimal(110)], [0, 1], places=10)
    Decimal('0.1000000000')
    >>> solve_power_rounded([Decimal(-3), *[Decimal(1)] * 3], [0, 1, 2, 3], places=6)
    Decimal('0.000000')
    """
    got = _certified_power(amounts, numerators, denominator, places)
    if got is None:
        exact = solve_power(amounts, numerators, denominator, field=field)
        got = exact.quantize(Decimal(1).scaleb(-places), context=CONTEXT)
    return got if got else abs(got)  # no −0


def _certified_power(
    amounts: Sequence[Decimal], numerators: Sequence[int], denominator: int, places: int
) -> Decimal | None:
    """The root rounded to ``places`` decimal places with its certificate, or ``None``.

    With ``z = (1 + x)^(−1/D)`` the value is ``g(z) = Σ cₖ·z^(mₖ)``, ``mₖ = nₖ − n₀ ≥ 0``; one sign
    change of the ``cₖ`` in time order gives exactly one root ``z* > 0`` (Descartes), ``z``
    decreasing in ``x``. For the candidate ``r`` and ``h = q/2``:

    - the end points ``z(r ∓ h)`` are computed in float as ``exp(−log1p(x)/D)``, whose error is a
      few units in the last place plus the float rounding of ``x`` carried through; they are moved
      *inward* by ``ε = 2⁻⁴⁹·(1 + |ln z|) + 2⁻⁵⁰·(|x| + h)/(D·(1 + x))`` (at least four times
      that error), giving float points ``z_a < z(r − h)`` and ``z_b > z(r + h)``, which must
      still be in order, ``z_b < z_a`` (at 15 places and more the interval can be narrower than
      the float error: found by the property test);
    - ``g(z_a)`` and ``g(z_b)`` are float sums of ``m`` terms ``c̃ₖ·pow(z, mₖ)``: each term is off
      by at most ``6u`` relatively (the amount's conversion, ``pow`` within 4 ulp, the product;
      ``u = 2⁻⁵³``) and the sum adds ``(m − 1)u`` of ``Σ|terms|``, so ``|error| ≤ (m + 5)·u·Σ|terms|``;
      a sign counts only when ``|g̃| > B = (m + 8)·2u·Σ|terms|``, twice that bound.

    Opposite certified signs put ``z*`` strictly between ``z_b`` and ``z_a``, hence ``x*`` strictly
    inside ``(r − h, r + h)``: ``r`` is the rounded root. The points also must lie in the solver's
    range (−99 % to 1,000,000 %), where :func:`solve_power` looks.
    """
    root = _float_root(amounts, numerators, denominator, (float(LOWEST_RATE), float(HIGHEST_RATE)))
    if root is None:
        return None
    cs, rel, cut = root.cs, root.rel, root.cut
    text = f"{expm1(root.y):.{places}f}"  # correctly rounded from the float's exact value
    h = 0.5 * 10.0**-places
    xf = float(text)
    lo_x, hi_x = xf - h, xf + h
    if not -0.99 < lo_x < hi_x < 10000.0:
        return None
    d = float(denominator)
    count = len(cs)
    if len(root.objs) == count:  # every amount its own run: sums over all the terms
        runs = None
        head_cs = cs[:cut]
        bound = (count + 8) * 2.0 * _U
    else:  # a few runs of one repeated amount: Σ_runs f·Σ_run z^m, one fused pass
        ends = [*islice(root.starts, 1, None), count]
        runs = [
            (cs[a], rel[a] if b - a == 1 else rel[a:b])
            for a, b in zip(root.starts, ends, strict=True)
        ]
        bound = (count + 8 + len(runs)) * 2.0 * _U
    signs = []
    points = []
    for x, inward in ((lo_x, -1.0), (hi_x, 1.0)):
        arg = log1p(x) / d
        eps = 2.0**-49 * (1.0 + abs(arg)) + 2.0**-50 * (abs(x) + h) / (d * (1.0 + x))
        points.append(exp(-arg) * (1.0 + inward * eps))
    z_a, z_b = points
    if not z_b < z_a:  # the interval is narrower than the float error: no certificate
        return None
    for z in points:
        if not _TINY < z ** rel[-1] < _HUGE:
            return None
        if runs is None:
            ps = list(map(pow, repeat(z), rel))
            total = sum(map(mul, cs, ps))
            head = sum(map(mul, head_cs, ps))
            size = abs(head) + abs(total - head)  # Σ|terms|: one sign before ``cut``, one after
        else:
            total = size = 0.0
            for f, m in runs:
                term = f * (z**m if isinstance(m, int) else sum(map(pow, repeat(z), m)))
                total += term
                size += abs(term)
        if not abs(total) > bound * size:
            return None
        signs.append(total > 0)
    if signs[0] is signs[1]:
        return None
    return Decimal(text)


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
        for a, t, f in zip(amounts, periods, fractions, strict=True):
            merged[(t, f)] = merged.get((t, f), ZERO) + a
    keys = sorted((k for k, a in merged.items() if a != 0), key=lambda k: k[0] + k[1])
    agg = [merged[k] for k in keys]
    span = _check_bracket(bracket)
    cs = _to_floats(agg, field)
    changes = _check_signs(agg, field, cs)
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

    y = _find_root(
        ev,
        pos,
        cs,
        changes=changes,
        sign0=_exact_sign(agg, cs),
        bracket=span,
        field=field,
        given=amounts,
    )
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
        E_(
            "%(field)s: the rate found in float arithmetic (%(expm1_y)s) could not "
            "be confirmed in decimal arithmetic.",
            field=repr(field),
            expm1_y=format(expm1(y), ".12g"),
        ),
        field=field,
    )
