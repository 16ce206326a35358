"""Lactation curves and seasonal multipliers fitted to the co-op's recorded deliveries.

Wood (1967) ``y = a·tᵇ·e^(−c·t)`` is fitted by least squares on its logarithm,
``ln y = ln a + b·ln t − c·t`` (linear in ``ln a, b, c``: the classical method, Wood 1967), then
refined by Levenberg–Marquardt on the litres themselves (minimising ``Σ (y − ŷ)²``); the refinement
is kept only when it lowers the residual sum of squares on the litres scale. The log fit weighs the
tail of the lactation as much as the peak; the non-linear one weighs litres, which is what the
co-op pays for. Wilmink (1987) ``y = a + b·e^(−0.05·t) + c·t`` is linear in ``a, b, c``: one exact
least-squares solve.

Goodness of fit on the litres scale: ``R² = 1 − SSE/SST``, ``RMSE = √(SSE/n)``. Fewer than
:data:`MIN_POINTS` usable points (distinct days in milk with positive litres for Wood) is refused:
three parameters from a handful of test days are not a forecast.

Seasonal multipliers (:func:`fit_seasonality`): for each calendar year ``y`` and month ``m`` with
records, the mean litres per day ``M_{y,m}``; the year's level ``L_y`` is the mean of its monthly
means; ``f_m`` is the mean over the years of ``M_{y,m}/L_y``; the result is rescaled to a
day-weighted mean of 1 (:meth:`SeasonalProfile.normalized`). Ratios to the year's own level take
out a trend between seasons (a herd that grows from one year to the next). Every month must be seen
in at least ``min_seasons`` years.

Floats (numpy, float64) are used for the solves; fitted parameters are returned as ``Decimal``
rounded to 10 significant digits, so a fitted curve is an ordinary exact :class:`LactationCurve`.
Vásquez et al. 2021 (reference ``dairy-and-coop.md`` §3.2) fit both curves to Huaura test-day
records and found Wood best for first parity and Wilmink for later ones; both are offered here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import decimal
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from coopfinance._decimal import CONTEXT, ZERO, exact, to_decimal
from coopfinance.dairy._deliveries import Delivery
from coopfinance.dairy._production import CurveKind, LactationCurve, SeasonalProfile
from coopfinance.errors import E_, InvalidProduction

__all__ = [
    "MIN_POINTS",
    "CurveFit",
    "fit_coop_lactation",
    "fit_curve",
    "fit_lactation",
    "fit_seasonality",
]

MIN_POINTS = 6
"""Fewest usable points a curve fit accepts (three parameters, and three degrees of freedom left)."""

_F64 = npt.NDArray[np.float64]
_WILMINK_K = -0.05


def _sig(x: float) -> Decimal:
    return Decimal(f"{x:.10g}")


@attrs.frozen(slots=True, kw_only=True)
class CurveFit:
    """A fitted lactation curve and how well it fits (litres scale).

    ``method`` is ``"log-linear"`` or ``"non-linear"`` (Wood: which of the two was kept) or
    ``"linear"`` (Wilmink). ``r_squared`` and ``rmse`` (litres per day) are rounded to 6 decimals.
    """

    curve: LactationCurve
    points: int
    r_squared: Decimal
    rmse: Decimal
    method: str


def _arrays(days: Iterable[Any], litres: Iterable[Any]) -> tuple[_F64, _F64]:
    t = [int(d) for d in days]
    y = [to_decimal(v, field="litres") for v in litres]
    if len(t) != len(y):
        raise InvalidProduction(
            E_(
                "'days' and 'litres' must have the same length (got %(t)s and %(y)s).",
                t=len(t),
                y=len(y),
            ),
            field="litres",
            value=len(y),
        )
    for d in t:
        if d < 1:
            raise InvalidProduction(
                E_("'days' (days in milk) must be at least 1 (got %(d)s).", d=d),
                field="days",
                value=d,
            )
    for v in y:
        if v < 0:
            raise InvalidProduction(
                E_("'litres' must not be negative (got %(v)s).", v=v), field="litres", value=v
            )
    return np.array(t, dtype=np.float64), np.array([float(v) for v in y], dtype=np.float64)


def _too_few(n: int, what: str) -> InvalidProduction:
    return InvalidProduction(
        E_(
            "too few points to fit a %(what)s curve: %(n)s usable, at least "
            "%(min_points)s needed (distinct days in milk with litres recorded).",
            what=what,
            n=n,
            min_points=MIN_POINTS,
        ),
        field="points",
        value=n,
    )


def _gof(y: _F64, fitted: _F64) -> tuple[Decimal, Decimal]:
    sse = float(((y - fitted) ** 2).sum())
    sst = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - sse / sst if sst > 0 else (1.0 if sse == 0 else 0.0)
    rmse = math.sqrt(sse / len(y))
    return Decimal(f"{r2:.6f}"), Decimal(f"{rmse:.6f}")


def _wood(theta: _F64, t: _F64) -> _F64:
    out: _F64 = np.exp(theta[0] + theta[1] * np.log(t) - theta[2] * t)
    return out


def _refine_wood(theta: _F64, t: _F64, y: _F64) -> _F64:
    """Levenberg–Marquardt on ``Σ (y − a·tᵇ·e^(−ct))²`` over ``(ln a, b, c)``."""
    lam = 1e-3
    cur = theta.copy()
    r = y - _wood(cur, t)
    sse = float(r @ r)
    for _ in range(200):
        f = _wood(cur, t)
        jac = np.column_stack([f, f * np.log(t), -f * t])
        jtj = jac.T @ jac
        g = jac.T @ r
        try:
            step = np.linalg.solve(jtj + lam * np.diag(np.diag(jtj)), g)
        except np.linalg.LinAlgError:
            break
        new = cur + step
        rn = y - _wood(new, t)
        sn = float(rn @ rn)
        if np.isfinite(sn) and sn < sse:
            done = sse - sn <= 1e-14 * max(sse, 1e-300)
            cur, r, sse = new, rn, sn
            lam = max(lam / 10, 1e-12)
            if done:
                break
        else:
            lam *= 10
            if lam > 1e12:
                break
    return cur


@exact
def fit_curve(
    days: Iterable[Any], litres: Iterable[Any], kind: CurveKind | str = "wood"
) -> CurveFit:
    """Fit a Wood or Wilmink curve to ``(day in milk, litres per day)`` points.

    Several points on one day are averaged first. Wood uses only positive litres (its logarithm).

    >>> t = list(range(5, 300, 10))
    >>> true = LactationCurve.peruvian_crossbred()
    >>> fit = fit_curve(t, [true.at(d) for d in t])
    >>> fit.curve.a, fit.curve.b, fit.curve.c, fit.r_squared
    (Decimal('2.251'), Decimal('0.591'), Decimal('0.00695'), Decimal('1.000000'))
    >>> fit_curve([1, 2, 3], ["5", "6", "7"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    coopfinance.errors.InvalidProduction: too few points to fit a wood curve: 3 usable, at least 6 ...
    """
    k = CurveKind.parse(kind, field="kind")
    if k is CurveKind.FLAT:
        raise InvalidProduction(
            E_("'kind' must be wood or wilmink to fit a curve (got flat)."),
            field="kind",
            value="flat",
        )
    t_raw, y_raw = _arrays(days, litres)
    by_day: dict[float, list[float]] = defaultdict(list)
    for d, v in zip(t_raw.tolist(), y_raw.tolist(), strict=True):
        if k is CurveKind.WILMINK or v > 0:
            by_day[d].append(v)
    if len(by_day) < MIN_POINTS:
        raise _too_few(len(by_day), k.value)
    t = np.array(sorted(by_day), dtype=np.float64)
    y = np.array([sum(by_day[d]) / len(by_day[d]) for d in t.tolist()], dtype=np.float64)
    if k is CurveKind.WILMINK:
        x = np.column_stack([np.ones_like(t), np.exp(_WILMINK_K * t), t])
        coef = np.linalg.lstsq(x, y, rcond=None)[0]
        curve = LactationCurve.wilmink(_sig(coef[0]), _sig(coef[1]), _sig(coef[2]))
        fitted = np.maximum(x @ coef, 0.0)
        r2, rmse = _gof(y, fitted)
        return CurveFit(curve=curve, points=len(t), r_squared=r2, rmse=rmse, method="linear")
    x = np.column_stack([np.ones_like(t), np.log(t), -t])
    theta = np.linalg.lstsq(x, np.log(y), rcond=None)[0]
    method = "log-linear"
    sse0 = float(((y - _wood(theta, t)) ** 2).sum())
    refined = _refine_wood(theta, t, y)
    sse1 = float(((y - _wood(refined, t)) ** 2).sum())
    if sse1 < sse0 and refined[1] > 0 and refined[2] > 0:
        theta, method = refined, "non-linear"
    a, b, c = math.exp(theta[0]), float(theta[1]), float(theta[2])
    if not (b > 0 and c > 0):
        raise InvalidProduction(
            E_(
                "the records do not follow a Wood curve (fitted b=%(b)s, c=%(c)s; both "
                "must be positive: a rise to a peak, then a decline); try "
                "kind='wilmink'.",
                b=format(b, ".4g"),
                c=format(c, ".4g"),
            ),
            field="kind",
            value="wood",
        )
    curve = LactationCurve.wood(_sig(a), _sig(b), _sig(c))
    r2, rmse = _gof(y, _wood(theta, t))
    return CurveFit(curve=curve, points=len(t), r_squared=r2, rmse=rmse, method=method)


def _points(
    deliveries: Iterable[Delivery],
    calved: Mapping[str, dt.date],
    cows: Mapping[str, int] | None,
) -> dict[str, tuple[list[int], list[Decimal]]]:
    per_day: dict[tuple[str, dt.date], Decimal] = defaultdict(lambda: ZERO)
    for d in deliveries:
        if d.farmer in calved:
            per_day[(d.farmer, d.date)] = CONTEXT.add(per_day[(d.farmer, d.date)], d.litres)
    out: dict[str, tuple[list[int], list[Decimal]]] = {}
    for (farmer, day), litres in sorted(per_day.items()):
        t = (day - calved[farmer]).days + 1
        if t < 1:
            continue
        n = 1 if cows is None else cows.get(farmer, 1)
        if n < 1:
            raise InvalidProduction(
                E_(
                    "'cows' of %(farmer)s must be at least 1 (got %(n)s).", farmer=repr(farmer), n=n
                ),
                field="cows",
                value=n,
            )
        days, values = out.setdefault(farmer, ([], []))
        days.append(t)
        values.append(CONTEXT.divide(litres, Decimal(n)))
    return out


@exact
def fit_lactation(
    deliveries: Iterable[Delivery],
    calved: Mapping[str, dt.date],
    *,
    kind: CurveKind | str = "wood",
    cows: Mapping[str, int] | None = None,
) -> dict[str, CurveFit]:
    """One curve per farm from its recorded deliveries (litres per day; a day's deliveries summed).

    ``calved`` gives each farm's calving date (day in milk 1; a herd calving together, or the
    farm's reference cow); farms without one are left out, deliveries before it ignored. With
    ``cows`` the litres are per cow. A farm with too few points is refused, naming the farm.
    """
    fits: dict[str, CurveFit] = {}
    for farmer, (days, litres) in _points(deliveries, calved, cows).items():
        try:
            fits[farmer] = fit_curve(days, litres, kind)
        except InvalidProduction as exc:
            raise InvalidProduction(
                E_("farmer %(farmer)s: %(exc)s", farmer=repr(farmer), exc=exc),
                field=exc.field,
                value=exc.value,
            ) from None
    for farmer in calved:
        if farmer not in fits:
            raise InvalidProduction(
                E_(
                    "farmer %(farmer)s: no deliveries after the calving date %(calved)s.",
                    farmer=repr(farmer),
                    calved=calved[farmer],
                ),
                field="calved",
                value=farmer,
            )
    return fits


@exact
def fit_coop_lactation(
    deliveries: Iterable[Delivery],
    calved: Mapping[str, dt.date],
    *,
    kind: CurveKind | str = "wood",
    cows: Mapping[str, int] | None = None,
) -> CurveFit:
    """One curve for the co-op: every farm's points pooled by day in milk (per cow with ``cows``)."""
    days: list[int] = []
    litres: list[Decimal] = []
    for d, v in _points(deliveries, calved, cows).values():
        days += d
        litres += v
    return fit_curve(days, litres, kind)


@exact
def fit_seasonality(
    records: Iterable[Delivery] | Iterable[tuple[dt.date, Any]], *, min_seasons: int = 2
) -> SeasonalProfile:
    """Monthly multipliers (day-weighted mean 1) from litres recorded over several seasons.

    ``records``: deliveries (all farms summed per day) or ``(date, litres)`` pairs.

    >>> prof = SeasonalProfile.ica().normalized()
    >>> days = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(731)]
    >>> fitted = fit_seasonality([(d, 100 * prof.factor(d)) for d in days])
    >>> [round(f, 3) for f in fitted.factors[:3]]
    [Decimal('0.935'), Decimal('0.905'), Decimal('0.925')]
    """
    with decimal.localcontext(CONTEXT):
        return _seasonality(records, min_seasons)


def _seasonality(
    records: Iterable[Delivery] | Iterable[tuple[dt.date, Any]], min_seasons: int
) -> SeasonalProfile:
    daily: dict[dt.date, Decimal] = defaultdict(lambda: ZERO)
    for r in records:
        if isinstance(r, Delivery):
            daily[r.date] += r.litres
        else:
            day, v = r
            x = to_decimal(v, field="litres")
            if x < 0:
                raise InvalidProduction(
                    E_("'litres' must not be negative (got %(x)s).", x=x), field="litres", value=x
                )
            daily[day] += x
    cells: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    for day, v in daily.items():
        cells[(day.year, day.month)].append(v)
    means = {k: CONTEXT.divide(sum(v, ZERO), Decimal(len(v))) for k, v in cells.items()}
    ratios: dict[int, list[Decimal]] = defaultdict(list)
    for year in sorted({y for y, _ in means}):
        mine = {m: v for (y, m), v in means.items() if y == year}
        level = CONTEXT.divide(sum(mine.values(), ZERO), Decimal(len(mine)))
        if level == 0:
            continue
        for m, v in mine.items():
            ratios[m].append(CONTEXT.divide(v, level))
    short = [m for m in range(1, 13) if len(ratios[m]) < min_seasons]
    if short:
        names = ", ".join(calendar.month_abbr[m] for m in short)
        raise InvalidProduction(
            E_(
                "too few seasons to fit monthly multipliers: %(names)s recorded in "
                "fewer than %(min_seasons)s years.",
                names=names,
                min_seasons=min_seasons,
            ),
            field="records",
            value=tuple(short),
        )
    raw = [CONTEXT.divide(sum(ratios[m], ZERO), Decimal(len(ratios[m]))) for m in range(1, 13)]
    return SeasonalProfile(factors=raw).normalized()
