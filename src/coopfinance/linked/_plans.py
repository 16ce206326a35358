"""Seasonal plans and the flexible options of the KAS dairy-loan trial, as exact :class:`LoanTerms`.

- :func:`seasonal_plan`: installments weighted by forecast milk revenue, ``Cₖ = wₖ·X`` with
  ``X = B / Σ wₖ·vₖ`` (the WEIGHTED amortization) and ``wₖ = rₖ·m / Σ rⱼ`` (revenue normalised to
  mean 1, so all-equal revenue gives weights of exactly 1: the level plan), optionally after a grace
  period that ends when the alfalfa is established.
- :func:`skip_installments` (KAS "Flex A": delay two principal installments, Czura 2015): the skipped
  due dates are removed and as many are added after maturity; the level installment is solved again
  on those explicit dates, interest accruing on the actual days.
- :func:`prepay_in_flush` (KAS "Flex B": prepay six installments during lactation): the first
  ``count`` installments falling in the flush-season months weigh ``factor`` (2: each pays its own
  installment and one in advance), the others 1; the weighted plan lowers every other installment.

Sources: reference ``dairy-and-coop.md`` §1.1 (J-PAL / IFMR LEAD / Czura 2015, KAS Foundation RCT)
and §8 (defaults: "skip 2 installments", "prepay 6 in flush season", optional 2-month grace).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from coopfinance._calendar import Frequency
from coopfinance._conventions import Amortization, Grace, GraceType
from coopfinance._decimal import CONTEXT, ONE, exact
from coopfinance._fields import to_whole
from coopfinance._money import Money
from coopfinance._rates import Rate
from coopfinance._terms import LoanTerms
from coopfinance.errors import E_, InvalidLinkedPlan, fmt_value
from coopfinance.linked._common import amounts, as_rate

__all__ = ["normalized_weights", "prepay_in_flush", "seasonal_plan", "skip_installments"]


@exact
def normalized_weights(revenue: Sequence[Decimal]) -> tuple[Decimal, ...]:
    """Revenue scaled to mean 1: ``wₖ = rₖ·m / Σ rⱼ`` (equal revenue gives exactly 1 each).

    >>> normalized_weights([Decimal(600), Decimal(900), Decimal(1500)])
    (Decimal('0.6'), Decimal('0.9'), Decimal('1.5'))
    """
    m = Decimal(len(revenue))
    total = sum(revenue, Decimal(0))
    return tuple(CONTEXT.divide(CONTEXT.multiply(r, m), total) for r in revenue)


def _grace(grace: int | Grace, kind: GraceType | str) -> Grace:
    if isinstance(grace, Grace):
        return grace
    return Grace(periods=grace, kind=kind)


@exact
def seasonal_plan(
    principal: Money | Decimal | int | str,
    rate: Rate | Decimal | str,
    disbursed: dt.date | str,
    forecast_revenue_per_period: Iterable[Decimal | int | str],
    *,
    installments: int | None = None,
    grace: int | Grace = 0,
    grace_kind: GraceType | str = GraceType.CAPITALIZE,
    grace_until: dt.date | None = None,
    frequency: Frequency | str = Frequency.SEMI_MONTHLY,
    due_dates: Sequence[dt.date] | None = None,
    **terms: Any,
) -> LoanTerms:
    """Loan terms whose installments follow the forecast milk revenue (WEIGHTED amortization).

    ``forecast_revenue_per_period`` gives one figure per installment (grace periods included, their
    figures are not used); after grace every figure must be positive. Weights are the revenue after
    grace normalised to mean 1 (:func:`normalized_weights`), so ``Cₖ = wₖ·X``, ``X = B / Σ wₖ·vₖ``
    with ``vₖ`` the discount factors of the actual periods. ``grace_until`` (e.g. an
    :class:`~coopfinance.dairy.Alfalfa`'s ``first_cut``) sets the grace to the number of due dates
    before that day. ``rate`` as text is an effective annual rate (TEA); periods default to the
    settlement fortnights (semi-monthly, reference §8); ``terms`` go to :class:`LoanTerms`.

    >>> revenue = ["600", "600", "900", "900", "1200", "1200"]
    >>> t = seasonal_plan("3000", "18%", "2026-01-01", revenue)
    >>> [row.total for row in t.schedule()]
    [Decimal('342.33'), Decimal('342.33'), Decimal('513.49'), Decimal('513.49'),
     Decimal('684.66'), Decimal('684.66')]
    """
    revenue = amounts(forecast_revenue_per_period, "forecast_revenue_per_period")
    n = len(revenue) if installments is None else installments
    if n != len(revenue):
        raise InvalidLinkedPlan(
            E_(
                "'forecast_revenue_per_period' must give one figure per installment, "
                "%(n)s (got %(revenue)s).",
                n=n,
                revenue=len(revenue),
            ),
            field="forecast_revenue_per_period",
            value=len(revenue),
        )
    probe = LoanTerms(
        principal=principal,
        rate=as_rate(rate),
        disbursed=disbursed,
        installments=None if due_dates is not None else n,
        frequency=frequency,
        due_dates=due_dates,
        **terms,
    )
    g = _grace(grace, grace_kind)
    if grace_until is not None:
        before = sum(1 for d in probe.dates() if d < grace_until)
        g = Grace(periods=before, kind=g.kind)
    if g.periods >= n:
        raise InvalidLinkedPlan(
            E_(
                "'grace' must leave at least one installment of the %(n)s (got %(periods)s).",
                n=n,
                periods=g.periods,
            ),
            field="grace",
            value=g.periods,
        )
    after = revenue[g.periods :]
    for k, r in enumerate(after, start=g.periods + 1):
        if r == 0:
            raise InvalidLinkedPlan(
                E_(
                    "'forecast_revenue_per_period' must be positive after grace (got 0 in "
                    "period %(k)s); lengthen the grace or move the due dates.",
                    k=k,
                ),
                field="forecast_revenue_per_period",
                value=r,
            )
    return probe.evolve(
        amortization=Amortization.WEIGHTED, weights=normalized_weights(after), grace=g
    )


def _check_level(terms: LoanTerms, what: str) -> None:
    if terms.amortization is not Amortization.LEVEL:
        raise InvalidLinkedPlan(
            E_(
                "%(what)s transforms a level schedule (got %(value)s).",
                what=what,
                value=terms.amortization.value,
            ),
            field="amortization",
            value=terms.amortization.value,
        )


def _next_dates(terms: LoanTerms, dates: list[dt.date], count: int) -> list[dt.date]:
    """``count`` due dates after the last of ``dates``: the terms' own calendar continued, or, for
    explicit due dates, steps of the last period's length."""
    if terms.due_dates is None:
        longer = terms.evolve(installments=terms.count + count).dates()
        return longer[terms.count :]
    step = dates[-1] - (dates[-2] if len(dates) > 1 else terms.disbursed)
    return [dates[-1] + step * (k + 1) for k in range(count)]


@exact
def skip_installments(terms: LoanTerms, which: Iterable[int], *, max_skips: int = 2) -> LoanTerms:
    """Terms in which installments ``which`` (numbers from 1) are skipped: nothing is due on their
    dates, as many installments are added after maturity, and the level installment is solved again
    on the explicit dates (interest accrues over the longer periods, on actual days).

    KAS "Flex A" lets the borrower delay two installments (Czura 2015; reference §8: "skip 2
    installments"); ``max_skips`` bounds how many. Skipped numbers must be after any grace.

    >>> from coopfinance import LoanTerms, Rate
    >>> base = LoanTerms(principal="2400", rate=Rate.effective_annual("18%"), installments=6,
    ...                  disbursed="2026-01-01", frequency="monthly")
    >>> flex = skip_installments(base, [2])
    >>> [(r.due_date.isoformat(), r.total) for r in flex.schedule()][:3]
    [('2026-02-01', Decimal('424.64')), ('2026-04-01', Decimal('424.64')),
     ('2026-05-01', Decimal('424.64'))]
    >>> flex.schedule().maturity
    datetime.date(2026, 8, 1)
    """
    _check_level(terms, "skip_installments")
    skipped = sorted(set(which))
    n, g = terms.count, terms.grace.periods
    if not skipped:
        raise InvalidLinkedPlan(
            E_("'which' must name at least one installment (got none)."), field="which", value=()
        )
    if len(skipped) > max_skips:
        raise InvalidLinkedPlan(
            E_(
                "'which' may skip at most %(max_skips)s installments (got %(skipped)s).",
                max_skips=max_skips,
                skipped=len(skipped),
            ),
            field="which",
            value=tuple(skipped),
        )
    for k in skipped:
        if not isinstance(k, int) or isinstance(k, bool) or not g < k <= n:
            raise InvalidLinkedPlan(
                E_(
                    "'which' must be installment numbers from %(g)s to %(n)s (got %(k)s).",
                    g=g + 1,
                    n=n,
                    k=fmt_value(k),
                ),
                field="which",
                value=k,
            )
    dates = terms.dates()
    kept = [d for k, d in enumerate(dates, start=1) if k not in skipped]
    new = kept + _next_dates(terms, dates, len(skipped))
    return terms.evolve(installments=None, first_due=None, due_dates=new)


@exact
def prepay_in_flush(
    terms: LoanTerms,
    months: Iterable[int],
    count: int = 6,
    *,
    factor: Decimal | int | str = 2,
) -> LoanTerms:
    """Terms in which the first ``count`` installments due in the flush-season ``months`` weigh
    ``factor`` (default 2: the installment and one more in advance) and every other one weighs 1.

    The weighted schedule ``Cₖ = wₖ·X``, ``X = B / Σ wₖ·vₖ`` keeps the dates and the amount lent;
    the prepaid amounts lower every other installment (KAS "Flex B": prepay six installments during
    the lactation; reference §8 "prepay 6 in flush season"). Ica's flush is about June–October
    (reference §8 seasonal multipliers above 1).

    >>> from coopfinance import LoanTerms, Rate
    >>> base = LoanTerms(principal="2400", rate=Rate.effective_annual("18%"), installments=6,
    ...                  disbursed="2026-04-01", frequency="monthly")
    >>> [r.total for r in prepay_in_flush(base, [6, 7], count=2).schedule()]
    [Decimal('313.89'), Decimal('627.79'), Decimal('627.79'), Decimal('313.89'), Decimal('313.89'),
     Decimal('313.90')]
    """
    _check_level(terms, "prepay_in_flush")
    flush = set(months)
    for m in flush:
        if not isinstance(m, int) or isinstance(m, bool) or not 1 <= m <= 12:
            raise InvalidLinkedPlan(
                E_("'months' must be month numbers from 1 to 12 (got %(m)s).", m=fmt_value(m)),
                field="months",
                value=m,
            )
    count = to_whole(count, field="count", lo=1, error=InvalidLinkedPlan)
    w = amounts([factor], "factor")[0]
    if w <= ONE:
        raise InvalidLinkedPlan(
            E_("'factor' must be more than 1 (got %(w)s).", w=w), field="factor", value=w
        )
    g = terms.grace.periods
    dates = terms.dates()[g:]
    weights: list[Decimal] = []
    left = count
    for d in dates:
        if left and d.month in flush:
            weights.append(w)
            left -= 1
        else:
            weights.append(ONE)
    if left == count:
        raise InvalidLinkedPlan(
            E_("no installment falls in the flush-season 'months' %(flush)s.", flush=sorted(flush)),
            field="months",
            value=tuple(sorted(flush)),
        )
    if left:
        raise InvalidLinkedPlan(
            E_(
                "'count' asks for %(count)s installments in the flush-season months "
                "%(flush)s but only %(count_left)s fall there.",
                count=count,
                flush=sorted(flush),
                count_left=count - left,
            ),
            field="count",
            value=count,
        )
    if all(x == w for x in weights):
        raise InvalidLinkedPlan(
            E_(
                "'count' must leave some installment outside the prepayment (got "
                "%(count)s of %(weights)s).",
                count=count,
                weights=len(weights),
            ),
            field="count",
            value=count,
        )
    return terms.evolve(amortization=Amortization.WEIGHTED, weights=tuple(weights))
