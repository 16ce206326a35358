"""Portfolio metrics over N accounts: outstanding balance and portfolio at risk.

``PAR_d = Σ balance of accounts more than d days past due / Σ balance`` (the whole outstanding
balance of a late account counts, not only its arrears). Balances are summed in whole cents as
integers, so the figures are exact and do not depend on the order of summation (a Dask run over
partitions gives the same Decimals as one in memory).
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from coopfinance._decimal import CONTEXT
from coopfinance.batch._validate import as_float, as_int, common_length, first_bad
from coopfinance.errors import E_, InvalidBatchInput

__all__ = ["DEFAULT_THRESHOLDS", "PortfolioMetrics", "portfolio_metrics", "portfolio_sums"]

DEFAULT_THRESHOLDS = (30, 90)
"""PAR30 and PAR90."""

_RATIO = Decimal("1e-10")


@attrs.frozen(slots=True, kw_only=True)
class PortfolioMetrics:
    """Outstanding balance, number of accounts and portfolio at risk by days-past-due threshold.

    ``at_risk[d]`` is the balance of accounts more than ``d`` days past due, ``par[d]`` its share of
    :attr:`outstanding` (0 for an empty portfolio), rounded to 10 decimal places.
    """

    accounts: int
    outstanding: Decimal
    at_risk: Mapping[int, Decimal]
    par: Mapping[int, Decimal]


def portfolio_sums(
    balance: Any, days_past_due: Any, thresholds: Sequence[int] = DEFAULT_THRESHOLDS
) -> npt.NDArray[np.int64]:
    """The additive part of :func:`portfolio_metrics`: ``[accounts, outstanding cents, at-risk
    cents per threshold]`` as int64 (sum these over partitions, then :func:`metrics_from_sums`)."""
    bal = as_float("balance", balance)
    dpd = as_int("days_past_due", days_past_due)
    common_length({"balance": bal, "days_past_due": dpd})
    bal, dpd = np.broadcast_arrays(np.atleast_1d(bal), np.atleast_1d(dpd))
    first_bad("balance", bal < 0, bal, E_("must not be negative"))
    first_bad("days_past_due", dpd < 0, dpd, E_("must not be negative"))
    first_bad("balance", bal >= 9e13, bal, E_("must be below 9e13"))
    cents = np.floor(bal * 100.0 + 0.5).astype(np.int64)
    out = [len(cents), int(cents.sum())]
    out.extend(int(cents[dpd > t].sum()) for t in _thresholds(thresholds))
    return np.array(out, dtype=np.int64)


def _thresholds(thresholds: Sequence[int]) -> tuple[int, ...]:
    out = tuple(thresholds)
    for t in out:
        if not isinstance(t, int | np.integer) or isinstance(t, bool) or t < 0:
            raise InvalidBatchInput(
                E_(
                    "'thresholds' must be whole numbers of days, not negative (got %(t)s).",
                    t=repr(t),
                ),
                field="thresholds",
                value=t,
            )
    return out


def metrics_from_sums(
    sums: npt.NDArray[np.int64], thresholds: Sequence[int] = DEFAULT_THRESHOLDS
) -> PortfolioMetrics:
    """:class:`PortfolioMetrics` from the (summed) output of :func:`portfolio_sums`."""
    ts = _thresholds(thresholds)
    accounts, total = int(sums[0]), int(sums[1])
    with decimal.localcontext(CONTEXT):
        outstanding = Decimal(total).scaleb(-2)
        at_risk = {t: Decimal(int(c)).scaleb(-2) for t, c in zip(ts, sums[2:], strict=True)}
        par = {
            t: (Decimal(int(c)) / Decimal(total)).quantize(_RATIO) if total else Decimal(0)
            for t, c in zip(ts, sums[2:], strict=True)
        }
    return PortfolioMetrics(accounts=accounts, outstanding=outstanding, at_risk=at_risk, par=par)


def portfolio_metrics(
    balance: Any, days_past_due: Any, *, thresholds: Sequence[int] = DEFAULT_THRESHOLDS
) -> PortfolioMetrics:
    """Outstanding balance and PAR over N accounts, from plain arrays.

    ``balance`` (currency units, rounded half-up to the cent) and ``days_past_due`` (whole days):
    1-D arrays of one length, no NaN, not negative.
    ``PAR_d = Σ balance[dpd > d] / Σ balance``.

    >>> m = portfolio_metrics([5000, 1200.5, 800], [0, 45, 120])
    >>> m.outstanding, m.at_risk[30], m.par[30], m.par[90]
    (Decimal('7000.50'), Decimal('2000.50'), Decimal('0.2857653025'), Decimal('0.1142775516'))
    """
    return metrics_from_sums(portfolio_sums(balance, days_past_due, thresholds), thresholds)
