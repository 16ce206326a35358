"""Portfolio quality from many loan accounts on one date: outstanding, PAR, aging, repayment rate,
write-offs, and Peru's SBS debtor categories with the provisions they require.

Functions take :class:`~coopfinance.servicing.AccountState` values or the lighter
:class:`Exposure` rows (one per loan; :func:`exposure` makes one from a state), so a co-op app can
store snapshots and report on 100,000 loans without replaying them again.

- ``PAR_N = Σ principal outstanding of loans more than N days past due / Σ principal outstanding``
  — the CGAP / MIX definition ("PAR > 30 days"): ``par(…, 30)`` is PAR30, ``par(…, 0)`` counts
  every loan with any arrears. A loan exactly 30 days late is not in PAR30.
- aging buckets by days past due, with count and principal.
- repayment rate ``= Σ paid of installments fallen due / Σ fallen due`` (principal, interest and
  fees; penalties excluded; waived and rescheduled amounts are not due).
- SBS categories for micro-enterprise credit by days past due (Res. SBS 11356-2008, "Reglamento
  para la Evaluación y Clasificación del Deudor y la Exigencia de Provisiones", chapter II,
  deudores minoristas): Normal up to 8 days, CPP 9–30, Deficiente 31–60, Dudoso 61–120,
  Pérdida more than 120; provisions as a share of principal outstanding per category
  (:class:`ProvisionPolicy`; defaults 1 %, 5 %, 25 %, 60 %, 100 %: Res. SBS 11356-2008 cap. III,
  Tabla 1, loans without preferred guarantees; see docs/servicing.md).
- SBS alignment (*alineamiento interno*, Res. SBS 11356-2008 num. 5.2): every loan of one debtor
  in the co-op takes the debtor's worst category, except loans whose balance is below
  S/ 100 or 1 % of the debtor's debt (whichever is greater), which do not pull the debtor down;
  a debtor with a refinanced or restructured loan is never Normal (at least CPP: "no la va a
  calificar como normal, sino como problemas potenciales", SBS in Gestión; see the reference
  peru-regulation-and-coop-accounts.md §1.3–1.4).
- SBS accounting states (:class:`LoanState`, Manual de Contabilidad, Rubro 14): vigente (1401),
  reestructurado (1403), refinanciado (1404), vencido (1405: micro and small business loans more
  than 30 days late, corporate, large and medium more than 15), en cobranza judicial (1406),
  castigado (written off, in memorandum accounts). A state is the loan's; a category the debtor's.

>>> rows = [Exposure(loan_id="a", principal_outstanding=Decimal("1000"), days_past_due=0),
...         Exposure(loan_id="b", principal_outstanding=Decimal("500"), days_past_due=45)]
>>> par(rows, 30)
Decimal('0.3333333333333333333333333333333333')
>>> [ (c.category.value, c.provision) for c in classify(rows) if c.count]
[('normal', Decimal('10.00')), ('deficiente', Decimal('125.00'))]
>>> loan_state(rows[1])
<LoanState.VENCIDO: 'vencido'>
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import enum
import gc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs

from coopfinance._decimal import CONTEXT, ZERO, exact, to_decimal
from coopfinance._fields import ParseableEnum
from coopfinance._frames import Numeric, to_dataframe
from coopfinance.errors import E_, InvalidValue, WrongType
from coopfinance.servicing import AccountState, AccountStatus, ItemKind, LoanAccount
from coopfinance.servicing._figures import many_figures

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_AGING",
    "SBS_MICRO",
    "AgingBucket",
    "Category",
    "CategoryLine",
    "CreditType",
    "Exposure",
    "GroupLine",
    "GroupStanding",
    "LoanLine",
    "LoanState",
    "PortfolioReport",
    "ProvisionPolicy",
    "StateLine",
    "aging",
    "align",
    "classify",
    "exposure",
    "exposures",
    "group_status",
    "loan_state",
    "outstanding",
    "par",
    "repayment_rate",
    "report",
    "report_many",
]


class CreditType(ParseableEnum):
    """The SBS credit type of a loan (Res. SBS 11356-2008 num. 4): it fixes when a loan is
    *vencido* (see :func:`loan_state`)."""

    MICRO = "micro"
    """Microempresa (the default: a dairy farmer's seed-capital loan)."""
    SMALL = "small"
    """Pequeña empresa."""
    MEDIUM = "medium"
    """Mediana empresa (vencido after more than 15 days)."""
    LARGE = "large"
    """Grandes empresas (vencido after more than 15 days)."""
    CORPORATE = "corporate"
    """Corporativos (vencido after more than 15 days)."""
    CONSUMER = "consumer"
    """Consumo (its unpaid installments are vencido after more than 30 days)."""
    MORTGAGE = "mortgage"
    """Hipotecario para vivienda (its unpaid installments are vencido after more than 30 days)."""


_VENCIDO_DAYS = {
    CreditType.MEDIUM: 15,
    CreditType.LARGE: 15,
    CreditType.CORPORATE: 15,
}


class LoanState(ParseableEnum):
    """A loan's accounting state as the SBS uses it (Manual de Contabilidad, Rubro 14)."""

    VIGENTE = "vigente"
    """Current: paid as agreed (account 1401)."""
    REESTRUCTURADO = "reestructurado"
    """Restructured under an insolvency agreement, Ley 27809 (1403)."""
    REFINANCIADO = "refinanciado"
    """Refinanced: term or amount changed because the debtor had difficulty paying (1404)."""
    VENCIDO = "vencido"
    """Past due beyond the SBS days for its credit type (1405)."""
    COBRANZA_JUDICIAL = "cobranza-judicial"
    """In court collection (1406)."""
    CASTIGADO = "castigado"
    """Written off against its provision, followed in memorandum accounts."""


class Exposure(NamedTuple):
    """One loan's figures on a date, as portfolio functions need them.

    A named tuple rather than an attrs class: a portfolio builds one per loan (100,000 of them).
    ``debtor`` groups a member's loans for the SBS alignment (blank: the loan is its own debtor);
    ``refinanced``, ``restructured`` and ``judicial`` are facts the lender records (a reschedule
    for payment difficulty is a refinancing: the caller says so).
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
    debtor: str = ""
    credit_type: CreditType = CreditType.MICRO
    refinanced: bool = False
    restructured: bool = False
    judicial: bool = False


@exact
def loan_state(row: Exposure) -> LoanState:
    """The SBS accounting state of one loan (see :class:`LoanState`).

    Castigado if written off; en cobranza judicial if in court; vencido if more than 30 days past
    due (15 for medium, large and corporate credit; the Manual moves refinanced loans in arrears
    to vencidos too); else reestructurado, refinanciado or vigente.

    >>> [loan_state(Exposure("a", Decimal(100), d)).value for d in (30, 31)]
    ['vigente', 'vencido']
    """
    if row.status is AccountStatus.WRITTEN_OFF:
        return LoanState.CASTIGADO
    if row.judicial:
        return LoanState.COBRANZA_JUDICIAL
    if row.days_past_due > _VENCIDO_DAYS.get(row.credit_type, 30):
        return LoanState.VENCIDO
    if row.restructured:
        return LoanState.REESTRUCTURADO
    if row.refinanced:
        return LoanState.REFINANCIADO
    return LoanState.VIGENTE


@exact
def exposure(state: AccountState, loan_id: str = "", **facts: Any) -> Exposure:
    """The :class:`Exposure` of one account state; ``facts``: ``debtor``, ``credit_type``,
    ``refinanced``, ``restructured``, ``judicial``."""
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
        **facts,
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
                E_("'accounts' must hold AccountState or Exposure values (got %(x)s).", x=repr(x)),
                field="accounts",
                value=x,
            )
    return out


def _ratio(part: Decimal, whole: Decimal) -> Decimal:
    return CONTEXT.divide(part, whole) if whole else ZERO


@exact
def outstanding(accounts: Iterable[Exposure | AccountState]) -> Decimal:
    """Gross portfolio: principal outstanding of loans not written off."""
    return sum((r.principal_outstanding for r in _live(accounts)), ZERO)


@exact
def par(accounts: Iterable[Exposure | AccountState], days: int) -> Decimal:
    """Portfolio at risk: share of principal outstanding in loans **more than** ``days`` days late
    (CGAP / MIX: PAR30 is "more than 30 days past due"); written-off loans are out of the
    portfolio.

    >>> par([Exposure("a", Decimal(100), 30), Exposure("b", Decimal(100), 31)], 30)
    Decimal('0.5')
    """
    rows = _live(accounts)
    total = sum((r.principal_outstanding for r in rows), ZERO)
    risk = sum((r.principal_outstanding for r in rows if r.days_past_due > days), ZERO)
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


@exact
def aging(
    accounts: Iterable[Exposure | AccountState], bounds: Sequence[int] = DEFAULT_AGING
) -> tuple[AgingBucket, ...]:
    """Count and principal outstanding by days past due, in buckets ending at ``bounds``
    (loans not written off)."""
    if list(bounds) != sorted(set(bounds)) or not bounds or bounds[0] < 0:
        raise InvalidValue(
            E_(
                "'bounds' must be increasing whole days, 0 or more (got %(list_bounds)s).",
                list_bounds=list(bounds),
            ),
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


@exact
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

    @exact
    def __attrs_post_init__(self) -> None:
        if len(self.bounds) != 4 or list(self.bounds) != sorted(set(self.bounds)):
            raise InvalidValue(
                E_(
                    "'bounds' must be 4 increasing day counts (got %(list_bounds)s).",
                    list_bounds=list(self.bounds),
                ),
                field="bounds",
                value=self.bounds,
            )
        if len(self.rates) != 5 or any(not 0 <= r <= 1 for r in self.rates):
            raise InvalidValue(
                E_(
                    "'rates' must be 5 shares between 0 and 1 (got %(r_r)s).",
                    r_r=[str(r) for r in self.rates],
                ),
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
1 %, 5 %, 25 %, 60 %, 100 % (Tabla 1: no preferred guarantee)."""

_ALIGNMENT_FLOOR = Decimal(100)
_ALIGNMENT_SHARE = Decimal("0.01")


def _own_category(row: Exposure, policy: ProvisionPolicy) -> Category:
    cat = policy.category(row.days_past_due)
    if (row.refinanced or row.restructured) and cat is Category.NORMAL:
        return Category.CPP
    return cat


@exact
def align(
    accounts: Iterable[Exposure | AccountState], policy: ProvisionPolicy = SBS_MICRO
) -> dict[str, Category]:
    """Each loan's SBS category after internal alignment, by ``loan_id``.

    A loan's own category comes from its days past due (a refinanced or restructured loan is at
    least CPP); a debtor's category is the worst among its loans whose balance is at least
    ``max(S/ 100, 1 % of the debtor's debt)``; every loan of the debtor takes it (a smaller loan
    keeps its own category if that is worse). Written-off loans are out.

    >>> rows = [Exposure("a", Decimal(5000), 0, debtor="m1"),
    ...         Exposure("b", Decimal(800), 45, debtor="m1"),
    ...         Exposure("c", Decimal(50), 70, debtor="m1")]
    >>> {k: v.value for k, v in align(rows).items()}
    {'a': 'deficiente', 'b': 'deficiente', 'c': 'dudoso'}
    """
    rows = _live(accounts)
    by_debtor: dict[str, list[Exposure]] = {}
    for r in rows:
        by_debtor.setdefault(r.debtor or f"\0{r.loan_id}", []).append(r)
    cats = list(Category)
    out: dict[str, Category] = {}
    for loans in by_debtor.values():
        debt = sum((r.principal_outstanding for r in loans), ZERO)
        floor = max(_ALIGNMENT_FLOOR, debt * _ALIGNMENT_SHARE)
        own = [cats.index(_own_category(r, policy)) for r in loans]
        counted = [k for r, k in zip(loans, own, strict=True) if r.principal_outstanding >= floor]
        worst = max(counted, default=0)
        for r, k in zip(loans, own, strict=True):
            out[r.loan_id] = cats[max(k, worst)]
    return out


@attrs.frozen(slots=True, kw_only=True)
class CategoryLine:
    """Loans of one category: count, principal outstanding, rate and provision (to the céntimo)."""

    category: Category
    count: int
    principal: Decimal
    rate: Decimal
    provision: Decimal


@exact
def classify(
    accounts: Iterable[Exposure | AccountState],
    policy: ProvisionPolicy = SBS_MICRO,
    *,
    aligned: bool = True,
) -> tuple[CategoryLine, ...]:
    """Count, principal and required provision by debtor category, after the SBS alignment
    (:func:`align`; ``aligned=False``: each loan by its own days past due only)."""
    cats = list(Category)
    counts = [0] * 5
    sums = [ZERO] * 5
    rows = _live(accounts)
    by_loan = align(rows, policy) if aligned else {}
    for r in rows:
        cat = by_loan[r.loan_id] if aligned else policy.category(r.days_past_due)
        k = cats.index(cat)
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
class StateLine:
    """Loans in one SBS accounting state: count and principal outstanding."""

    state: LoanState
    count: int
    principal: Decimal


@attrs.frozen(slots=True, kw_only=True)
class LoanLine:
    """One loan of the report: its SBS state and its (aligned) SBS category."""

    loan_id: str
    debtor: str
    state: LoanState
    category: Category | None
    """``None`` for a written-off loan (out of the classified portfolio)."""
    principal: Decimal
    days_past_due: int


@attrs.frozen(slots=True, kw_only=True)
class PortfolioReport:
    """Portfolio quality in one value (see :func:`report`)."""

    accounts: int
    active: int
    outstanding: Decimal
    par: dict[int, Decimal]
    """PAR by threshold in days: more than 0, 30 and 90 days by default."""
    aging: tuple[AgingBucket, ...]
    categories: tuple[CategoryLine, ...]
    provisions: Decimal
    repayment_rate: Decimal
    written_off: Decimal
    written_off_count: int
    recovered: Decimal
    states: tuple[StateLine, ...] = ()
    """Count and principal by SBS accounting state (closed loans are in none)."""
    loans: tuple[LoanLine, ...] = ()
    """Each loan not closed, with its SBS state and aligned category."""

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

    def to_dataframe(self, *, numeric: Numeric = False) -> pd.DataFrame:
        """:meth:`to_records` as a pandas ``DataFrame`` (optional extra ``pandas``): exact
        ``Decimal`` amounts by default, ``float64`` with ``numeric=True``, Arrow decimals with
        ``numeric="decimal"`` (see docs/conventions.md, "DataFrames")."""
        return to_dataframe(
            self.to_records(),
            ("category", "count", "principal", "rate", "provision"),
            "PortfolioReport",
            numeric,
        )


@exact
def report(
    accounts: Iterable[Exposure | AccountState],
    *,
    policy: ProvisionPolicy = SBS_MICRO,
    par_days: Sequence[int] = (0, 30, 90),
    aging_bounds: Sequence[int] = DEFAULT_AGING,
) -> PortfolioReport:
    """Every figure of this module for ``accounts`` (states or exposures on one date).

    ``par_days`` (default 0, 30, 90): PAR is "more than N days" (see :func:`par`).
    """
    rows = _rows(accounts)
    live = [r for r in rows if r.status is not AccountStatus.WRITTEN_OFF]
    gone = [r for r in rows if r.status is AccountStatus.WRITTEN_OFF]
    categories = classify(live, policy)
    by_loan = align(live, policy)
    lines = tuple(
        LoanLine(
            loan_id=r.loan_id,
            debtor=r.debtor,
            state=loan_state(r),
            category=by_loan.get(r.loan_id),
            principal=r.principal_outstanding,
            days_past_due=r.days_past_due,
        )
        for r in rows
        if r.status is not AccountStatus.CLOSED
    )
    states = tuple(
        StateLine(
            state=st,
            count=sum(1 for x in lines if x.state is st),
            principal=sum((x.principal for x in lines if x.state is st), ZERO),
        )
        for st in LoanState
    )
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
        states=states,
        loans=lines,
    )


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Keep the cyclic garbage collector out of a long loop, then restore it as it was.

    A replay makes many short-lived objects and no reference cycles worth collecting during the
    run, yet every few hundred allocations the collector walks all live objects (the accounts
    themselves): 10–15 % of ``report_many`` on 20,000 accounts (``benchmarks/run.py``). The objects
    alive before the loop are frozen (:func:`gc.freeze`) so the collection after it does not walk
    them again; both are undone on the way out, even on an error.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def _exposures_of(chunk: tuple[Sequence[LoanAccount], dt.date]) -> list[Exposure]:
    accounts, as_of = chunk
    for a in accounts:
        a._check_as_of(as_of)  # the errors of LoanAccount.figures
    with _no_cyclic_gc():
        figures = many_figures(accounts, as_of)
        return [Exposure(a.id, *f) for a, f in zip(accounts, figures, strict=True)]


@exact
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
            E_(
                "'workers' must be a whole number, 1 or more (got %(workers)s).",
                workers=repr(workers),
            ),
            field="workers",
            value=workers,
        )
    accounts = list(accounts)
    for a in accounts:
        if not isinstance(a, LoanAccount):
            raise WrongType(
                E_("'accounts' must hold LoanAccount values (got %(a)s).", a=repr(a)),
                field="accounts",
                value=a,
            )
    if workers == 1 or len(accounts) < 2:
        return _exposures_of((accounts, as_of))
    size = max(1, -(-len(accounts) // (workers * 4)))
    chunks = [(accounts[k : k + size], as_of) for k in range(0, len(accounts), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return [row for part in pool.map(_exposures_of, chunks) for row in part]


@exact
def report_many(
    accounts: Sequence[LoanAccount],
    as_of: dt.date,
    *,
    workers: int = 1,
    policy: ProvisionPolicy = SBS_MICRO,
    par_days: Sequence[int] = (0, 30, 90),
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


class GroupStanding(ParseableEnum):
    """A solidarity group's standing in the portfolio report."""

    CURRENT = "current"
    """No member's loan is late."""
    LATE = "late"
    """Some member's loan is late, none more than 30 days."""
    AT_RISK = "at-risk"
    """Some member's loan is more than 30 days late (PAR30)."""


@attrs.frozen(slots=True, kw_only=True)
class GroupLine:
    """One solidarity group in the portfolio report: its members' loans (by ``debtor``)."""

    group: str
    members: int
    loans: int
    outstanding: Decimal
    late_members: int
    par30: Decimal
    standing: GroupStanding


@exact
def group_status(
    groups: Mapping[str, Iterable[str]], accounts: Iterable[Exposure]
) -> tuple[GroupLine, ...]:
    """Each solidarity group's status: ``groups`` maps a group id to its members (farmer ids, the
    exposures' ``debtor``); a loan whose debtor is in no group is left out.

    >>> rows = [Exposure("L1", Decimal(300), 0, debtor="F01"),
    ...         Exposure("L2", Decimal(100), 45, debtor="F02")]
    >>> [(g.group, g.loans, g.late_members, g.par30, g.standing.value)
    ...  for g in group_status({"G1": ["F01", "F02"]}, rows)]
    [('G1', 2, 1, Decimal('0.25'), 'at-risk')]
    """
    rows = _live(accounts)
    out = []
    for gid, members in groups.items():
        ms = set(members)
        mine = [r for r in rows if r.debtor in ms]
        worst = max((r.days_past_due for r in mine), default=0)
        standing = (
            GroupStanding.AT_RISK
            if worst > 30
            else GroupStanding.LATE
            if worst > 0
            else GroupStanding.CURRENT
        )
        out.append(
            GroupLine(
                group=gid,
                members=len(ms),
                loans=len(mine),
                outstanding=outstanding(mine),
                late_members=len({r.debtor for r in mine if r.days_past_due > 0}),
                par30=par(mine, 30),
                standing=standing,
            )
        )
    return tuple(out)
