"""Portfolio quality from many loan accounts on one date: outstanding, PAR, aging, repayment rate,
write-offs, and Peru's SBS debtor categories with the provisions they require.

Functions take :class:`~coopfinance.servicing.AccountState` values or the lighter
:class:`Exposure` rows (one per loan; :func:`exposure` makes one from a state), so a co-op app can
store snapshots and report on 100,000 loans without replaying them again.

- ``PAR_N = Σ principal outstanding of loans N or more days past due / Σ principal outstanding``
  (so PAR1 counts every loan with any arrears; CGAP's "more than 30 days" is ``par(…, 31)``).
- aging buckets by days past due, with count and principal.
- repayment rate ``= Σ paid of installments fallen due / Σ fallen due`` (principal, interest and
  fees; penalties excluded; waived and rescheduled amounts are not due).
- SBS categories for micro-enterprise credit by days past due (Res. SBS 11356-2008, "Reglamento
  para la Evaluación y Clasificación del Deudor y la Exigencia de Provisiones", chapter II,
  deudores minoristas): Normal up to 8 days, CPP 9–30, Deficiente 31–60, Dudoso 61–120,
  Pérdida more than 120; provisions as a share of principal outstanding per category
  (:class:`ProvisionPolicy`; defaults 1 %, 5 %, 25 %, 60 %, 100 %, see docs/servicing.md).

>>> rows = [Exposure(loan_id="a", principal_outstanding=Decimal("1000"), days_past_due=0),
...         Exposure(loan_id="b", principal_outstanding=Decimal("500"), days_past_due=45)]
>>> par(rows, 30)
Decimal('0.3333333333333333333333333333333333')
>>> [ (c.category.value, c.provision) for c in classify(rows) if c.count]
[('normal', Decimal('10.00')), ('deficiente', Decimal('125.00'))]
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from typing import Any, NamedTuple

import attrs

from coopfinance._decimal import CONTEXT, ZERO, to_decimal
from coopfinance._frames import to_dataframe
from coopfinance.errors import InvalidValue, WrongType
from coopfinance.servicing import AccountState, AccountStatus, ItemKind, LoanAccount

__all__ = [
    "DEFAULT_AGING",
    "SBS_MICRO",
    "AgingBucket",
    "Category",
    "CategoryLine",
    "Exposure",
    "PortfolioReport",
    "ProvisionPolicy",
    "aging",
    "classify",
    "exposure",
    "exposures",
    "outstanding",
    "par",
    "repayment_rate",
    "report",
    "report_many",
]


class Exposure(NamedTuple):
    """One loan's figures on a date, as portfolio functions need them.

    A named tuple rather than an attrs class: a portfolio builds one per loan (100,000 of them).
    """

    loan_id: str
    principal_outstanding: Decimal
    days_past_due: int
    status: AccountStatus = AccountStatus.ACTIVE
    fallen_due: Decimal = ZERO
    """Principal, interest and fees of installments due so far (less waived and moved)."""
    paid_of_due: Decimal = ZERO
    """What was paid of :attr:`fallen_due`."""
    written_off: Decimal = ZERO
    recovered: Decimal = ZERO


def exposure(state: AccountState, loan_id: str = "") -> Exposure:
    """The :class:`Exposure` of one account state."""
    due = paid = ZERO
    for item in state.items:
        if item.kind is ItemKind.INSTALLMENT and item.due_date <= state.as_of:
            d, p, w, c = item.due, item.paid, item.waived, item.closed
            due += (d.principal + d.interest + d.fees) - (w.principal + w.interest + w.fees)
            due -= c.principal + c.interest + c.fees
            paid += p.principal + p.interest + p.fees
    return Exposure(
        loan_id=loan_id,
        principal_outstanding=state.principal_outstanding,
        days_past_due=state.days_past_due,
        status=state.status,
        fallen_due=due,
        paid_of_due=paid,
        written_off=state.written_off.total,
        recovered=state.recovered,
    )


def _live(items: Iterable[Exposure | AccountState]) -> list[Exposure]:
    return [r for r in _rows(items) if r.status is not AccountStatus.WRITTEN_OFF]


def _rows(items: Iterable[Exposure | AccountState]) -> list[Exposure]:
    out = []
    for i, x in enumerate(items):
        if isinstance(x, Exposure):
            out.append(x)
        elif isinstance(x, AccountState):
            out.append(exposure(x, str(i)))
        else:
            raise WrongType(
                f"'accounts' must hold AccountState or Exposure values (got {x!r}).",
                field="accounts",
                value=x,
            )
    return out


def _ratio(part: Decimal, whole: Decimal) -> Decimal:
    return CONTEXT.divide(part, whole) if whole else ZERO


def outstanding(accounts: Iterable[Exposure | AccountState]) -> Decimal:
    """Gross portfolio: principal outstanding of loans not written off."""
    return sum((r.principal_outstanding for r in _live(accounts)), ZERO)


def par(accounts: Iterable[Exposure | AccountState], days: int) -> Decimal:
    """Portfolio at risk: share of principal outstanding in loans ``days`` or more days late
    (written-off loans are out of the portfolio)."""
    rows = _live(accounts)
    total = sum((r.principal_outstanding for r in rows), ZERO)
    risk = sum((r.principal_outstanding for r in rows if r.days_past_due >= days), ZERO)
    return _ratio(risk, total)


DEFAULT_AGING = (0, 30, 60, 90, 180)
"""Upper bounds of the aging buckets: current (0), 1–30, 31–60, 61–90, 91–180, over 180."""


@attrs.frozen(slots=True, kw_only=True)
class AgingBucket:
    """Loans whose days past due lie in ``low..high`` (``high`` None: no upper bound)."""

    low: int
    high: int | None
    count: int
    principal: Decimal

    @property
    def label(self) -> str:
        """``"0"``, ``"1-30"``, ``">180"``."""
        if self.high is None:
            return f">{self.low - 1}"
        return str(self.high) if self.low == self.high else f"{self.low}-{self.high}"


def aging(
    accounts: Iterable[Exposure | AccountState], bounds: Sequence[int] = DEFAULT_AGING
) -> tuple[AgingBucket, ...]:
    """Count and principal outstanding by days past due, in buckets ending at ``bounds``
    (loans not written off)."""
    if list(bounds) != sorted(set(bounds)) or not bounds or bounds[0] < 0:
        raise InvalidValue(
            f"'bounds' must be increasing whole days, 0 or more (got {list(bounds)}).",
            field="bounds",
            value=bounds,
        )
    lows = [0, *(b + 1 for b in bounds)]
    highs: list[int | None] = [*bounds, None]
    counts = [0] * len(lows)
    sums = [ZERO] * len(lows)
    for r in _live(accounts):
        k = bisect.bisect_left(bounds, r.days_past_due)
        counts[k] += 1
        sums[k] += r.principal_outstanding
    return tuple(
        AgingBucket(low=lo, high=hi, count=n, principal=s)
        for lo, hi, n, s in zip(lows, highs, counts, sums, strict=True)
    )


def repayment_rate(accounts: Iterable[Exposure | AccountState]) -> Decimal:
    """``Σ paid of what fell due / Σ what fell due`` (1 when nothing fell due yet)."""
    rows = _rows(accounts)
    due = sum((r.fallen_due for r in rows), ZERO)
    paid = sum((r.paid_of_due for r in rows), ZERO)
    return _ratio(paid, due) if due else Decimal(1)


class Category(enum.Enum):
    """SBS debtor categories (Res. SBS 11356-2008)."""

    NORMAL = "normal"
    CPP = "cpp"
    """Con problemas potenciales."""
    DEFICIENTE = "deficiente"
    DUDOSO = "dudoso"
    PERDIDA = "perdida"


def _bounds(value: Iterable[int | str]) -> tuple[int, ...]:
    return tuple(int(v) for v in value)


def _rates(value: Iterable[Decimal | int | str]) -> tuple[Decimal, ...]:
    return tuple(to_decimal(v, field="rates") for v in value)


@attrs.frozen(slots=True, kw_only=True)
class ProvisionPolicy:
    """Debtor categories by days past due and the provision rate of each.

    ``bounds[k]`` is the most days past due of category ``k`` (the last category has no bound);
    ``rates[k]`` is its provision on principal outstanding. The default is the SBS rule for
    micro-enterprise credit without preferred guarantees (:data:`SBS_MICRO`).

    >>> SBS_MICRO.category(9)
    <Category.CPP: 'cpp'>
    """

    bounds: tuple[int, ...] = attrs.field(default=(8, 30, 60, 120), converter=_bounds)
    rates: tuple[Decimal, ...] = attrs.field(
        default=("0.01", "0.05", "0.25", "0.60", "1.00"), converter=_rates
    )

    def __attrs_post_init__(self) -> None:
        if len(self.bounds) != 4 or list(self.bounds) != sorted(set(self.bounds)):
            raise InvalidValue(
                f"'bounds' must be 4 increasing day counts (got {list(self.bounds)}).",
                field="bounds",
                value=self.bounds,
            )
        if len(self.rates) != 5 or any(not 0 <= r <= 1 for r in self.rates):
            raise InvalidValue(
                f"'rates' must be 5 shares between 0 and 1 (got {[str(r) for r in self.rates]}).",
                field="rates",
                value=self.rates,
            )

    def category(self, days_past_due: int) -> Category:
        """The category of a debtor ``days_past_due`` days late."""
        for k, bound in enumerate(self.bounds):
            if days_past_due <= bound:
                return list(Category)[k]
        return Category.PERDIDA

    def rate(self, category: Category) -> Decimal:
        """The provision rate of ``category``."""
        return self.rates[list(Category).index(category)]


SBS_MICRO = ProvisionPolicy()
"""Micro-enterprise credit, Res. SBS 11356-2008: ≤8, 9–30, 31–60, 61–120, >120 days;
1 %, 5 %, 25 %, 60 %, 100 %."""


@attrs.frozen(slots=True, kw_only=True)
class CategoryLine:
    """Loans of one category: count, principal outstanding, rate and provision (to the céntimo)."""

    category: Category
    count: int
    principal: Decimal
    rate: Decimal
    provision: Decimal


def classify(
    accounts: Iterable[Exposure | AccountState], policy: ProvisionPolicy = SBS_MICRO
) -> tuple[CategoryLine, ...]:
    """Count, principal and required provision by debtor category."""
    cats = list(Category)
    counts = [0] * 5
    sums = [ZERO] * 5
    for r in _rows(accounts):
        if r.status is AccountStatus.WRITTEN_OFF:
            continue
        k = cats.index(policy.category(r.days_past_due))
        counts[k] += 1
        sums[k] += r.principal_outstanding
    return tuple(
        CategoryLine(
            category=c,
            count=counts[k],
            principal=sums[k],
            rate=policy.rates[k],
            provision=(sums[k] * policy.rates[k]).quantize(Decimal("0.01"), "ROUND_HALF_UP"),
        )
        for k, c in enumerate(cats)
    )


@attrs.frozen(slots=True, kw_only=True)
class PortfolioReport:
    """Portfolio quality in one value (see :func:`report`)."""

    accounts: int
    active: int
    outstanding: Decimal
    par: dict[int, Decimal]
    """PAR by threshold in days (1, 30, 90 by default)."""
    aging: tuple[AgingBucket, ...]
    categories: tuple[CategoryLine, ...]
    provisions: Decimal
    repayment_rate: Decimal
    written_off: Decimal
    written_off_count: int
    recovered: Decimal

    def to_records(self) -> list[dict[str, Any]]:
        """One plain dict per SBS category: count, principal, provision rate and provision."""
        return [
            {
                "category": c.category.value,
                "count": c.count,
                "principal": c.principal,
                "rate": c.rate,
                "provision": c.provision,
            }
            for c in self.categories
        ]

    def to_dataframe(self) -> Any:
        """:meth:`to_records` as a pandas ``DataFrame`` (optional extra ``pandas``)."""
        return to_dataframe(
            self.to_records(),
            ("category", "count", "principal", "rate", "provision"),
            "PortfolioReport",
        )


def report(
    accounts: Iterable[Exposure | AccountState],
    *,
    policy: ProvisionPolicy = SBS_MICRO,
    par_days: Sequence[int] = (1, 30, 90),
    aging_bounds: Sequence[int] = DEFAULT_AGING,
) -> PortfolioReport:
    """Every figure of this module for ``accounts`` (states or exposures on one date)."""
    rows = _rows(accounts)
    live = [r for r in rows if r.status is not AccountStatus.WRITTEN_OFF]
    gone = [r for r in rows if r.status is AccountStatus.WRITTEN_OFF]
    categories = classify(live, policy)
    return PortfolioReport(
        accounts=len(rows),
        active=sum(1 for r in rows if r.status is AccountStatus.ACTIVE),
        outstanding=outstanding(live),
        par={d: par(live, d) for d in par_days},
        aging=aging(live, aging_bounds),
        categories=categories,
        provisions=sum((c.provision for c in categories), ZERO),
        repayment_rate=repayment_rate(rows),
        written_off=sum((r.written_off for r in gone), ZERO),
        written_off_count=len(gone),
        recovered=sum((r.recovered for r in gone), ZERO),
    )


def _exposures_of(chunk: tuple[Sequence[LoanAccount], dt.date]) -> list[Exposure]:
    accounts, as_of = chunk
    return [Exposure(a.id, *a.figures(as_of)) for a in accounts]


def exposures(
    accounts: Sequence[LoanAccount], as_of: dt.date, *, workers: int = 1
) -> list[Exposure]:
    """The :class:`Exposure` of each account on ``as_of``, in order (``loan_id`` is the account's
    ``id``), replayed without the ledger (``state(as_of, detail=False)``).

    ``workers`` > 1 replays in that many processes (:class:`ProcessPoolExecutor`), in chunks of
    accounts; the result is the same as with one. Each account is sent to a worker and its
    exposure back, so it pays off only for thousands of accounts (see docs/servicing.md).
    """
    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
        raise InvalidValue(
            f"'workers' must be a whole number, 1 or more (got {workers!r}).",
            field="workers",
            value=workers,
        )
    accounts = list(accounts)
    for a in accounts:
        if not isinstance(a, LoanAccount):
            raise WrongType(
                f"'accounts' must hold LoanAccount values (got {a!r}).", field="accounts", value=a
            )
    if workers == 1 or len(accounts) < 2:
        return _exposures_of((accounts, as_of))
    size = max(1, -(-len(accounts) // (workers * 4)))
    chunks = [(accounts[k : k + size], as_of) for k in range(0, len(accounts), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return [row for part in pool.map(_exposures_of, chunks) for row in part]


def report_many(
    accounts: Sequence[LoanAccount],
    as_of: dt.date,
    *,
    workers: int = 1,
    policy: ProvisionPolicy = SBS_MICRO,
    par_days: Sequence[int] = (1, 30, 90),
    aging_bounds: Sequence[int] = DEFAULT_AGING,
) -> PortfolioReport:
    """:func:`report` on ``accounts`` replayed to ``as_of`` (in ``workers`` processes, see
    :func:`exposures`); the same report as ``report([a.state(as_of) for a in accounts])``.

    >>> import datetime as dt
    >>> from coopfinance import LoanTerms, Rate
    >>> terms = LoanTerms(principal="1000", rate=Rate.effective_annual("30%"), installments=6,
    ...                   disbursed="2026-01-10")
    >>> r = report_many([LoanAccount(terms=terms, id="a")], dt.date(2026, 4, 1))
    >>> r.par[30], r.outstanding
    (Decimal('1'), Decimal('1000.00'))
    """
    rows = exposures(accounts, as_of, workers=workers)
    return report(rows, policy=policy, par_days=par_days, aging_bounds=aging_bounds)
