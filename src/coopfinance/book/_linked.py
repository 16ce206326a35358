"""Milk-linked loans in the book (issue 18 §1): revenue-share loans collected at each close, the
KAS flexible options (skip an installment, prepay in the flush season) as servicing events, and
seasonal loans whose weights come from the farm's forecast.

**Revenue-share loans** (:class:`~coopfinance.linked.RevenueSharePlan`) are recorded in
``book_linked_loans`` (kind ``revenue-share``, the plan as plain data). At each
:meth:`~coopfinance.book.Book.close` the loan's obligation is the plan's
:meth:`~coopfinance.linked.RevenueSharePlan.due` for that period, from the farmer's milk value of
the period (the gross of the settlement)::

    dueₖ = min(owedₖ, min(cap, max(floor, ⌊share·Mₖ⌋)) + arrearsₖ₋₁)   before the last period
    dueₖ = owedₖ                                                    from the last period on

collected by check-off like any loan installment (kind ``loan-installment``, the loan's id) and
posted as a servicing :class:`~coopfinance.servicing.Payment` dated the pay date (channel
``milk``). What the milk could not pay, the balloon included, is arrears carried into the next
period's obligation. The loan's standing is never stored: it is replayed from the frozen
settlements (each closed period's gross and what it collected for the loan), so it always agrees
with them (:func:`revenue_share_collection`).

**In the co-op's accounts** (issue 17) the same replay is the one source of every figure: the
journal posts the disbursement, each period's interest on the period's last day and each
collection on the pay date (from milk payable, interest first, the period's unpaid interest
capitalized as the plan does), so the loan receivable equals the standing's balance after each pay
date. A member's **exit liquidación** nets the loan's payoff on its effective date (the standing
after the last closed period, plus interest to that day at the plan's rate,
:func:`accrued_interest`) against what the co-op owes the leaver; the replay stops at that
standing (its number is recorded with the liquidación) and later closes no longer collect the loan.
What the leaver still owes stays a receivable (no more interest: there is no milk to share) or is
written off.

**KAS options** (reference ``dairy-and-coop.md`` §1.1, Czura 2015; §8 "skip 2 installments",
"prepay 6 in flush season"): a book loan with options recorded (kind ``flex``: ``max_skips``,
``flush_months``, ``max_prepaid``, ``factor``) lets the farmer

- *skip* the next installment due after a date: a :class:`~coopfinance.servicing.Reschedule`
  event on that date whose due dates are the remaining ones without the first, plus the pay date
  of the settlement after the last (interest accrues over the longer period); at most
  ``max_skips`` in the loan's life, and only when nothing is overdue;
- *prepay in the flush season*: a reschedule on a day of a flush month whose first ``count``
  remaining installments in the flush months weigh ``factor`` (2: each pays one more in advance;
  :func:`~coopfinance.linked.prepay_in_flush`); at most ``max_prepaid`` installments in all.

Beyond those limits, on a closed period, or on a loan without options, the option is refused
(:class:`~coopfinance.book.BookError` naming the field and the value).

**Seasonal loans** (:func:`add_seasonal_loan`): the weights come from the farm's forecast milk
revenue of each installment's period (:func:`~coopfinance.linked.seasonal_plan`) on the
settlement calendar's pay dates, recorded as an ordinary check-off loan (weighted amortization).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coopfinance._decimal import ZERO, exact
from coopfinance._rates import Rate
from coopfinance.book import _ledger_schema as lt
from coopfinance.book import _schema as t
from coopfinance.book._common import (
    Coop,
    closed_through,
    current_members,
    dumps,
    lock,
    record_import,
)
from coopfinance.book._compat import LoanTerms, terms_from_dict
from coopfinance.book._errors import BookError
from coopfinance.book._groups import steps as guarantee_steps
from coopfinance.book._imports import events_of
from coopfinance.book._schema import ID, coop_column, metadata, provenance_columns
from coopfinance.book._store import Store
from coopfinance.dairy import (
    Delivery,
    MilkPriceSchedule,
    Obligation,
    Period,
    settle,
)
from coopfinance.documents import render, render_pdf, revenue_share_context
from coopfinance.errors import E_, CoopFinanceError
from coopfinance.linked import (
    RevenueShareCollection,
    RevenueShareDue,
    RevenueSharePlan,
    RevenueShareStanding,
    prepay_in_flush,
    seasonal_plan,
)
from coopfinance.servicing import LoanAccount, Reschedule, events_to_json

__all__ = [
    "FLEX",
    "REVENUE_SHARE",
    "LinkedLoans",
    "LoanOptions",
    "accrued_interest",
    "add_options",
    "add_revenue_share",
    "add_seasonal_loan",
    "close_obligations",
    "linked_loans",
    "liquidated_through",
    "loan_options",
    "plan_from_dict",
    "plan_to_dict",
    "prepay",
    "replay",
    "revenue_share_collection",
    "revenue_share_loans",
    "skip",
]

REVENUE_SHARE = "revenue-share"
FLEX = "flex"

linked_loans = sa.Table(
    "book_linked_loans",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    coop_column(),
    sa.Column("loan_id", ID, nullable=False),
    sa.Column("farmer", ID, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # revenue-share, flex
    sa.Column("terms", sa.Text, nullable=False),  # JSON: the plan, or the KAS options
    *provenance_columns(),
    sa.UniqueConstraint("coop_id", "loan_id", "kind"),
)

_PLAN_KEYS = (
    "principal",
    "rate",
    "rate_type",
    "disbursed",
    "share",
    "floor",
    "cap",
    "max_periods",
    "at_maturity",
    "extension_rate",
    "extension_rate_type",
    "extension_periods",
    "frequency",
    "day_count",
    "currency",
)


def _rate_dict(rate: Rate | None, key: str) -> dict[str, Any]:
    if rate is None:
        return {}
    if rate.period is not None or rate.compounding is not None:
        raise BookError(
            E_(
                "'%(key)s' must be an annual rate without compounding to be recorded "
                "in the book (got %(rate)s).",
                key=key,
                rate=rate,
            ),
            field=key,
            value=str(rate),
        )
    return {key: str(rate.value), f"{key}_type": rate.kind.value}


def plan_to_dict(plan: RevenueSharePlan) -> dict[str, Any]:
    """A revenue-share plan as plain data (:func:`plan_from_dict` reads it back equal).

    >>> plan = RevenueSharePlan(principal="1500", rate="18%", disbursed="2026-01-01",
    ...                         share="25%", floor="50", cap="400", max_periods=12)
    >>> plan_from_dict(plan_to_dict(plan)) == plan
    True
    """
    out: dict[str, Any] = {
        "principal": str(plan.principal),
        **_rate_dict(plan.rate, "rate"),
        "disbursed": plan.disbursed.isoformat(),
        "share": str(plan.share),
        "floor": str(plan.floor),
        "cap": None if plan.cap is None else str(plan.cap),
        "max_periods": plan.max_periods,
        "at_maturity": plan.at_maturity.value,
        **_rate_dict(plan.extension_rate, "extension_rate"),
        "extension_periods": plan.extension_periods,
        "frequency": plan.frequency.value,
        "day_count": plan.day_count.value,
        "currency": plan.currency.code,
    }
    return out


def plan_from_dict(data: Mapping[str, Any]) -> RevenueSharePlan:
    """A revenue-share plan from the plain data of :func:`plan_to_dict`."""
    unknown = sorted(set(data) - set(_PLAN_KEYS))
    if unknown:
        raise BookError(
            E_(
                "unknown revenue-share key %(unknown)s (known: %(plan_keys)s).",
                unknown=repr(unknown[0]),
                plan_keys=", ".join(_PLAN_KEYS),
            ),
            field=unknown[0],
            value=data[unknown[0]],
        )
    values = {k: v for k, v in data.items() if not k.endswith("rate_type")}
    for key in ("rate", "extension_rate"):
        if values.get(key) is not None:
            values[key] = Rate.parse(
                str(values[key]), str(data.get(f"{key}_type") or "effective-annual")
            )
    return RevenueSharePlan(**values)


def _check_new_loan(conn: Connection, coop: Coop, loan_id: str, farmer: str, day: dt.date) -> None:
    if not loan_id or len(loan_id) > 64:
        raise BookError(
            E_(
                "'loan_id' must be an id of 1 to 64 characters (got %(loan_id)s).",
                loan_id=repr(loan_id),
            ),
            field="loan_id",
            value=loan_id,
        )
    if farmer not in current_members(conn, coop.coop_id):
        raise BookError(
            E_("'farmer' %(farmer)s is not on the roster.", farmer=repr(farmer)),
            field="farmer",
            value=farmer,
        )
    lo, ll = t.loans, linked_loans
    taken = (
        conn.execute(
            sa.select(lo.c.loan_id).where(lo.c.coop_id == coop.coop_id, lo.c.loan_id == loan_id)
        ).first()
        or conn.execute(
            sa.select(ll.c.loan_id).where(
                ll.c.coop_id == coop.coop_id, ll.c.loan_id == loan_id, ll.c.kind == REVENUE_SHARE
            )
        ).first()
    )
    if taken is not None:
        raise BookError(
            E_("'loan_id' %(loan_id)s is already in the book.", loan_id=repr(loan_id)),
            field="loan_id",
            value=loan_id,
        )
    closed = closed_through(conn, coop.coop_id)
    if closed is not None and day <= closed:
        raise BookError(
            E_(
                "'disbursed' must be after the last closed period, which ends "
                "%(closed)s (got %(day)s): a closed settlement is never recomputed.",
                closed=closed,
                day=day,
            ),
            field="disbursed",
            value=day,
        )


def _insert(
    conn: Connection, coop: Coop, loan_id: str, farmer: str, *, kind: str, data: Any, user: str
) -> None:
    iid = record_import(conn, coop.coop_id, kind, loan_id, user, new=1, already=0)
    conn.execute(
        linked_loans.insert().values(
            coop_id=coop.coop_id,
            loan_id=loan_id,
            farmer=farmer,
            kind=kind,
            terms=dumps(data),
            import_id=iid,
            line=1,
        )
    )


def add_revenue_share(
    conn: Connection, coop: Coop, loan_id: str, farmer: str, *, plan: RevenueSharePlan, user: str
) -> None:
    """Record revenue-share loan ``loan_id`` of ``farmer``: collected by check-off from the first
    close of a period ending after its disbursement."""
    if not isinstance(plan, RevenueSharePlan):
        raise BookError(
            E_("'plan' must be a RevenueSharePlan (got %(type)s).", type=type(plan).__name__),
            field="plan",
            value=type(plan).__name__,
        )
    lock(conn, coop.coop_id)
    _check_new_loan(conn, coop, loan_id, farmer, plan.disbursed)
    if plan.currency.code != coop.currency:
        raise BookError(
            E_(
                "'currency' of the plan must be the book's %(currency)s (got %(code)s).",
                currency=coop.currency,
                code=plan.currency.code,
            ),
            field="currency",
            value=plan.currency.code,
        )
    if plan.frequency is not coop.policy.frequency:
        raise BookError(
            E_(
                "'frequency' of the plan must be the book's settlement frequency "
                "%(value)s (got %(value2)s).",
                value=coop.policy.frequency.value,
                value2=plan.frequency.value,
            ),
            field="frequency",
            value=plan.frequency.value,
        )
    _insert(conn, coop, loan_id, farmer, kind=REVENUE_SHARE, data=plan_to_dict(plan), user=user)


def revenue_share_loans(conn: Connection, coop: str) -> dict[str, tuple[str, RevenueSharePlan]]:
    """Every revenue-share loan: ``{loan id: (farmer, plan)}``."""
    ll = linked_loans
    return {
        r.loan_id: (r.farmer, plan_from_dict(json.loads(r.terms)))
        for r in conn.execute(
            sa.select(ll)
            .where(ll.c.coop_id == coop, ll.c.kind == REVENUE_SHARE)
            .order_by(ll.c.loan_id)
        )
    }


def liquidated_through(conn: Connection, coop: str) -> dict[str, tuple[str, dt.date, int]]:
    """The revenue-share loans netted in an exit liquidación: ``{loan id: (farmer, effective
    date, number of the last settlement counted)}``."""
    lq = lt.liquidations
    out: dict[str, tuple[str, dt.date, int]] = {}
    for r in conn.execute(sa.select(lq.c.farmer, lq.c.date, lq.c.data).where(lq.c.coop_id == coop)):
        day = r.date if isinstance(r.date, dt.date) else dt.date.fromisoformat(str(r.date))
        for item in json.loads(r.data).get("revenue_share", ()):
            out[str(item["loan_id"])] = (str(r.farmer), day, int(item["number"]))
    return out


def accrued_interest(
    plan: RevenueSharePlan, standing: RevenueShareStanding, day: dt.date
) -> Decimal:
    """Interest on ``standing.balance`` from ``standing.as_of`` to ``day`` at the rate of the next
    settlement (the plan's, the extension rate after ``max_periods``), rounded half up to the
    unit: what :meth:`~coopfinance.linked.RevenueSharePlan.due` would charge for a period
    ending on ``day``; 0 when ``day`` is not after ``as_of``.

    >>> plan = RevenueSharePlan(principal="1000", rate="18%", disbursed="2026-01-01",
    ...                         share="25%", floor="50", cap="400", max_periods=2)
    >>> accrued_interest(plan, plan.standing(), dt.date(2026, 1, 15))
    Decimal('6.46')
    """
    if day <= standing.as_of:
        return ZERO.quantize(plan.currency.unit)
    period = Period(start=standing.as_of + dt.timedelta(days=1), end=day)
    return plan.due(standing, period, ZERO).interest


def replay(
    conn: Connection, coop: str, loans: Mapping[str, tuple[str, RevenueSharePlan]] | None = None
) -> dict[str, tuple[list[RevenueShareDue], list[Decimal], list[RevenueShareStanding]]]:
    """Each loan (default: every revenue-share loan) through the closed settlements: its dues,
    what each collected and the standing after it; a loan netted in a liquidación stops at the
    standing the liquidación counted."""
    return _replay(conn, coop, revenue_share_loans(conn, coop) if loans is None else loans)


def _replay(
    conn: Connection, coop: str, loans: Mapping[str, tuple[str, RevenueSharePlan]]
) -> dict[str, tuple[list[RevenueShareDue], list[Decimal], list[RevenueShareStanding]]]:
    """Each loan through the closed settlements: its dues, what was collected, its standings."""
    out: dict[str, tuple[list[RevenueShareDue], list[Decimal], list[RevenueShareStanding]]] = {
        k: ([], [], []) for k in loans
    }
    if not loans:
        return out
    stop = {k: v[2] for k, v in liquidated_through(conn, coop).items() if k in loans}
    st, sf, sl, gs = t.settlements, t.settlement_farmers, t.settlement_lines, guarantee_steps
    farmers = sorted({f for f, _ in loans.values()})
    gross: dict[tuple[dt.date, str], Decimal] = {}
    for r in conn.execute(
        sa.select(sf.c.period_start, sf.c.farmer, sf.c.gross).where(
            sf.c.coop_id == coop, sf.c.farmer.in_(farmers)
        )
    ):
        gross[(r.period_start, r.farmer)] = r.gross
    paid: dict[tuple[dt.date, str], Decimal] = defaultdict(Decimal)
    for r in conn.execute(
        sa.select(sl.c.period_start, sl.c.loan_id, sl.c.collected).where(
            sl.c.coop_id == coop, sl.c.loan_id.in_(sorted(loans))
        )
    ):
        paid[(r.period_start, r.loan_id)] += r.collected
    for r in conn.execute(  # what a solidarity group's guarantee paid (issue 18 §2)
        sa.select(gs.c.period_start, gs.c.loan_id, gs.c.amount).where(
            gs.c.coop_id == coop, gs.c.loan_id.in_(sorted(loans))
        )
    ):
        paid[(r.period_start, r.loan_id)] += r.amount
    periods = [
        Period(start=r.period_start, end=r.period_end)
        for r in conn.execute(
            sa.select(st.c.period_start, st.c.period_end)
            .where(st.c.coop_id == coop)
            .order_by(st.c.period_start)
        )
    ]
    for loan_id, (farmer, plan) in loans.items():
        dues, collected, standings = out[loan_id]
        standing = plan.standing()
        unit = plan.currency.unit
        for p in periods:
            if p.end <= plan.disbursed:
                continue
            if loan_id in stop and len(dues) >= stop[loan_id]:
                break
            milk = gross.get((p.start, farmer), Decimal(0)).quantize(unit)
            d = plan.due(standing, p, milk)
            got = paid.get((p.start, loan_id), Decimal(0)).quantize(unit)
            standing = plan.post(standing, d, got)
            dues.append(d)
            collected.append(got)
            standings.append(standing)
            if standing.repaid:
                break
    return out


def revenue_share_collection(conn: Connection, coop: str, loan_id: str) -> RevenueShareCollection:
    """Revenue-share loan ``loan_id`` through the closed settlements (its dues, what each
    collected, the standing after each)."""
    loans = revenue_share_loans(conn, coop)
    if loan_id not in loans:
        raise BookError(
            E_(
                "'loan_id' %(loan_id)s is not a revenue-share loan of the book.",
                loan_id=repr(loan_id),
            ),
            field="loan_id",
            value=loan_id,
        )
    farmer, plan = loans[loan_id]
    dues, paid, standings = _replay(conn, coop, {loan_id: loans[loan_id]})[loan_id]
    return RevenueShareCollection(
        plan=plan,
        dues=tuple(dues),
        paid=tuple(paid),
        standings=tuple(standings) or (plan.standing(),),
        farmer=farmer,
        loan_id=loan_id,
    )


def close_obligations(
    conn: Connection,
    coop: Coop,
    period: Period,
    milk: Sequence[Delivery],
    prices: MilkPriceSchedule,
) -> list[Obligation]:
    """The revenue-share obligations of the close of ``period``: each loan disbursed before the
    period ends and not repaid, its due from the farmer's milk value of the period."""
    netted = liquidated_through(conn, coop.coop_id)  # a leaver's loan was netted at exit
    loans = {
        k: v
        for k, v in revenue_share_loans(conn, coop.coop_id).items()
        if v[1].disbursed < period.end and k not in netted
    }
    if not loans:
        return []
    replayed = _replay(conn, coop.coop_id, loans)
    farmers = sorted({f for f, _ in loans.values()})
    theirs = [d for d in milk if d.farmer in set(farmers)]
    values = settle(theirs, prices, period, [], coop.policy, farmers=farmers)
    out = []
    for loan_id, (farmer, plan) in loans.items():
        standings = replayed[loan_id][2]
        standing = standings[-1] if standings else plan.standing()
        if standing.repaid:
            continue
        d = plan.due(standing, period, values.statement(farmer).gross.quantize(plan.currency.unit))
        if d.due > 0:
            out.append(d.obligation(farmer, loan_id, reference=f"{REVENUE_SHARE} {d.number}"))
    return out


# --- seasonal loans ---------------------------------------------------------------------------


def add_seasonal_loan(
    conn: Connection,
    coop: Coop,
    loan_id: str,
    farmer: str,
    *,
    principal: Decimal | int | str,
    rate: Rate | Decimal | str,
    disbursed: dt.date,
    forecast: Iterable[Decimal | int | str],
    user: str,
    **terms: Any,
) -> LoanTerms:
    """Record a check-off loan whose installments follow the farm's forecast milk revenue: one
    installment per settlement period after ``disbursed`` (one per ``forecast`` figure), due on
    each period's pay date, weighted by :func:`~coopfinance.linked.seasonal_plan`."""
    lock(conn, coop.coop_id)
    _check_new_loan(conn, coop, loan_id, farmer, disbursed)
    revenue = list(forecast)
    dates: list[dt.date] = []
    p = coop.period_of(disbursed)
    while len(dates) < len(revenue):
        pay = coop.pay_date(p)
        if pay > disbursed:
            dates.append(pay)
        p = coop.next_period(p)
    try:
        made = seasonal_plan(principal, rate, disbursed, revenue, due_dates=dates, **terms)
        data = made.to_dict()
    except CoopFinanceError as exc:
        raise BookError(
            E_("loan %(loan_id)s: %(exc)s", loan_id=repr(loan_id), exc=exc),
            field=exc.field or "terms",
            value=exc.value,
        ) from None
    iid = record_import(conn, coop.coop_id, "loans", f"seasonal {loan_id}", user, new=1, already=0)
    conn.execute(
        t.loans.insert().values(
            coop_id=coop.coop_id,
            loan_id=loan_id,
            farmer=farmer,
            checkoff=True,
            terms=dumps(data),
            import_id=iid,
            line=1,
        )
    )
    return terms_from_dict(data)


# --- KAS options ------------------------------------------------------------------------------


class LoanOptions:
    """The KAS options a loan's terms allow: up to ``max_skips`` skipped installments; up to
    ``max_prepaid`` installments prepaid in the ``flush_months``, each weighing ``factor``."""

    __slots__ = ("factor", "flush_months", "max_prepaid", "max_skips")

    def __init__(
        self,
        max_skips: int = 2,
        flush_months: Iterable[int] = (6, 7, 8, 9, 10),
        max_prepaid: int = 6,
        factor: Decimal | int | str = 2,
    ) -> None:
        for name, value in (("max_skips", max_skips), ("max_prepaid", max_prepaid)):
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 60:
                raise BookError(
                    E_(
                        "'%(name)s' must be a whole number from 0 to 60 (got %(value)s).",
                        name=name,
                        value=repr(value),
                    ),
                    field=name,
                    value=value,
                )
        months = tuple(sorted(set(flush_months)))
        for m in months:
            if not isinstance(m, int) or isinstance(m, bool) or not 1 <= m <= 12:
                raise BookError(
                    E_("'flush_months' must be month numbers from 1 to 12 (got %(m)s).", m=repr(m)),
                    field="flush_months",
                    value=m,
                )
        if isinstance(factor, float):
            raise BookError(E_("'factor' must not be a float (got a float)."), field="factor")
        self.max_skips = max_skips
        self.flush_months = months
        self.max_prepaid = max_prepaid
        self.factor = Decimal(str(factor))
        if not self.factor > 1:
            raise BookError(
                E_("'factor' must be more than 1 (got %(factor)s).", factor=self.factor),
                field="factor",
                value=factor,
            )

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "max_skips": self.max_skips,
            "flush_months": list(self.flush_months),
            "max_prepaid": self.max_prepaid,
            "factor": str(self.factor),
        }

    def __repr__(self) -> str:
        return f"LoanOptions({self.to_dict()})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LoanOptions) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(json.dumps(self.to_dict()))


def _book_loan(conn: Connection, coop: str, loan_id: str) -> tuple[str, LoanTerms]:
    lo = t.loans
    r = conn.execute(
        sa.select(lo.c.farmer, lo.c.terms, lo.c.checkoff).where(
            lo.c.coop_id == coop, lo.c.loan_id == loan_id
        )
    ).first()
    if r is None:
        raise BookError(
            E_("'loan_id' %(loan_id)s is not in the book.", loan_id=repr(loan_id)),
            field="loan_id",
            value=loan_id,
        )
    return str(r.farmer), terms_from_dict(json.loads(r.terms))


def add_options(
    conn: Connection, coop: Coop, loan_id: str, options: LoanOptions, user: str
) -> None:
    """Record the KAS options that loan ``loan_id`` (a level check-off loan) allows."""
    lock(conn, coop.coop_id)
    farmer, terms = _book_loan(conn, coop.coop_id, loan_id)
    if terms.amortization.value != "level":
        raise BookError(
            E_(
                "KAS options go with a level loan (got %(value)s for %(loan_id)s).",
                value=terms.amortization.value,
                loan_id=repr(loan_id),
            ),
            field="amortization",
            value=terms.amortization.value,
        )
    if loan_options(conn, coop.coop_id, loan_id) is not None:
        raise BookError(
            E_("'loan_id' %(loan_id)s already has KAS options recorded.", loan_id=repr(loan_id)),
            field="loan_id",
            value=loan_id,
        )
    _insert(conn, coop, loan_id, farmer, kind=FLEX, data=options.to_dict(), user=user)


def loan_options(conn: Connection, coop: str, loan_id: str) -> LoanOptions | None:
    """The KAS options recorded for ``loan_id`` (``None``: none)."""
    ll = linked_loans
    r = conn.execute(
        sa.select(ll.c.terms).where(
            ll.c.coop_id == coop, ll.c.loan_id == loan_id, ll.c.kind == FLEX
        )
    ).first()
    if r is None:
        return None
    d = json.loads(r.terms)
    return LoanOptions(d["max_skips"], d["flush_months"], d["max_prepaid"], d["factor"])


def _kas_events(conn: Connection, coop: str, loan_id: str, prefix: str) -> list[Any]:
    ev = t.loan_events
    return list(
        conn.execute(
            sa.select(ev.c.event_id, ev.c.event)
            .where(
                ev.c.coop_id == coop,
                ev.c.loan_id == loan_id,
                ev.c.event_id.like(f"kas-{prefix}-%"),
            )
            .order_by(ev.c.id)
        )
    )


def _current_dates(conn: Connection, coop: str, loan_id: str, terms: LoanTerms) -> list[dt.date]:
    """The loan's due dates as its last reschedule left them."""
    ev = t.loan_events
    dates = list(terms.dates())
    for r in conn.execute(
        sa.select(ev.c.event)
        .where(ev.c.coop_id == coop, ev.c.loan_id == loan_id)
        .order_by(ev.c.date, ev.c.id)
    ):
        data = json.loads(r.event)
        if data.get("type") == "reschedule":
            cut = dt.date.fromisoformat(data["date"])
            later = terms_from_dict(data["terms"]).dates()
            dates = [d for d in dates if d <= cut] + list(later)
    return dates


def _option_checks(
    conn: Connection, coop: Coop, loan_id: str, date: dt.date
) -> tuple[LoanOptions, LoanTerms, list[dt.date]]:
    options = loan_options(conn, coop.coop_id, loan_id)
    if options is None:
        raise BookError(
            E_("'loan_id' %(loan_id)s has no KAS options in its terms.", loan_id=repr(loan_id)),
            field="loan_id",
            value=loan_id,
        )
    closed = closed_through(conn, coop.coop_id)
    if closed is not None and date <= closed:
        raise BookError(
            E_(
                "'date' must be after the last closed period, which ends %(closed)s "
                "(got %(date)s).",
                closed=closed,
                date=date,
            ),
            field="date",
            value=date,
        )
    _, terms = _book_loan(conn, coop.coop_id, loan_id)
    if date < terms.disbursed:
        raise BookError(
            E_(
                "'date' must be on or after the disbursement %(disbursed)s (got %(date)s).",
                disbursed=terms.disbursed,
                date=date,
            ),
            field="date",
            value=date,
        )
    dates = [d for d in _current_dates(conn, coop.coop_id, loan_id, terms) if d > date]
    return options, terms, dates


def _post(conn: Connection, coop: Coop, loan_id: str, event: Reschedule, user: str) -> None:
    data = json.loads(events_to_json((event,), indent=None))[0]
    iid = record_import(conn, coop.coop_id, "kas", event.id, user, new=1, already=0)
    conn.execute(
        t.loan_events.insert().values(
            coop_id=coop.coop_id,
            loan_id=loan_id,
            event_id=event.id,
            date=event.date,
            amount=None,
            event=dumps(data),
            period_start=None,
            import_id=iid,
            line=1,
        )
    )


def _arrears(conn: Connection, coop: str, loan_id: str, date: dt.date) -> Decimal:
    """What loan ``loan_id`` has overdue on ``date`` (its account with every recorded event)."""
    _, terms = _book_loan(conn, coop, loan_id)
    ev = t.loan_events
    events = [
        events_of(r.event)
        for r in conn.execute(
            sa.select(ev.c.event)
            .where(ev.c.coop_id == coop, ev.c.loan_id == loan_id)
            .order_by(ev.c.id)
        )
    ]
    if date < terms.disbursed:
        return ZERO
    return LoanAccount(terms=terms, events=events, id=loan_id).state(date).arrears


def _remaining(terms: LoanTerms, date: dt.date, dates: list[dt.date]) -> LoanTerms:
    return terms.evolve(
        disbursed=date,
        installments=None,
        first_due=None,
        due_dates=tuple(dates),
        grace=type(terms.grace)(),
        charges=(),
        down_payment=None,
    )


def skip(
    conn: Connection, coop: Coop, loan_id: str, date: dt.date, user: str, *, arrears: Decimal
) -> Reschedule:
    """The farmer skips the next installment of ``loan_id`` due after ``date`` (KAS Flex A);
    ``arrears`` is what the account has overdue on ``date`` (a skip needs 0)."""
    lock(conn, coop.coop_id)
    options, terms, dates = _option_checks(conn, coop, loan_id, date)
    taken = len(_kas_events(conn, coop.coop_id, loan_id, "skip"))
    if taken >= options.max_skips:
        raise BookError(
            E_(
                "loan %(loan_id)s allows %(max_skips)s skipped installments and "
                "%(taken)s are taken: no more skips (got a skip on %(date)s).",
                loan_id=repr(loan_id),
                max_skips=options.max_skips,
                taken=taken,
                date=date,
            ),
            field="max_skips",
            value=taken + 1,
        )
    if arrears > 0:
        raise BookError(
            E_(
                "a skip is for a loan that is up to date: %(loan_id)s has %(arrears)s "
                "overdue on %(date)s.",
                loan_id=repr(loan_id),
                arrears=arrears,
                date=date,
            ),
            field="arrears",
            value=arrears,
        )
    if len(dates) < 1:
        raise BookError(
            E_(
                "loan %(loan_id)s has no installment due after %(date)s to skip.",
                loan_id=repr(loan_id),
                date=date,
            ),
            field="date",
            value=date,
        )
    last = dates[-1]
    p = coop.period_of(last)
    extra = last
    while extra <= last:
        extra = coop.pay_date(p)
        p = coop.next_period(p)
    new = [*dates[1:], extra]
    event = Reschedule(
        date=date,
        id=f"kas-skip-{loan_id}-{taken + 1}",
        terms=_remaining(terms, date, new),
        capitalize=True,
    )
    _post(conn, coop, loan_id, event, user)
    return event


def prepay(
    conn: Connection, coop: Coop, loan_id: str, date: dt.date, *, count: int, user: str
) -> Reschedule:
    """The farmer prepays: the next ``count`` installments due in the flush months after ``date``
    weigh the options' ``factor`` (KAS Flex B); ``date`` must be in a flush month."""
    lock(conn, coop.coop_id)
    options, terms, dates = _option_checks(conn, coop, loan_id, date)
    if date.month not in options.flush_months:
        raise BookError(
            E_(
                "'date' must fall in the flush months %(list_flush_months)s of loan "
                "%(loan_id)s (got %(date)s).",
                list_flush_months=list(options.flush_months),
                loan_id=repr(loan_id),
                date=date,
            ),
            field="date",
            value=date,
        )
    done = 0
    for r in _kas_events(conn, coop.coop_id, loan_id, "prepay"):
        done += int(str(r.event_id).rsplit("-", 1)[1])
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise BookError(
            E_("'count' must be a whole number ≥ 1 (got %(count)s).", count=repr(count)),
            field="count",
        )
    if done + count > options.max_prepaid:
        raise BookError(
            E_(
                "loan %(loan_id)s allows %(max_prepaid)s prepaid installments and "
                "%(done)s are taken (got %(count)s more).",
                loan_id=repr(loan_id),
                max_prepaid=options.max_prepaid,
                done=done,
                count=count,
            ),
            field="count",
            value=count,
        )
    base = _remaining(terms, date, dates).evolve(amortization="level", weights=None)
    try:
        weighted = prepay_in_flush(base, options.flush_months, count, factor=options.factor)
    except CoopFinanceError as exc:
        raise BookError(
            E_("loan %(loan_id)s: %(exc)s", loan_id=repr(loan_id), exc=exc),
            field=exc.field or "count",
            value=exc.value,
        ) from None
    event = Reschedule(
        date=date,
        id=f"kas-prepay-{loan_id}-{date.isoformat()}-{count}",
        terms=weighted,
        capitalize=True,
    )
    _post(conn, coop, loan_id, event, user)
    return event


# --- the book's methods -----------------------------------------------------------------------


class LinkedLoans:
    """The :class:`~coopfinance.book.Book` methods of milk-linked loans (see the module
    docstring); a mixin of ``Book``, kept here so the book's own module stays small."""

    _store: Store
    coop: Coop
    user: str

    @exact
    def add_revenue_share_loan(self, loan_id: str, farmer: str, plan: RevenueSharePlan) -> None:
        """Record revenue-share loan ``loan_id`` of ``farmer``, collected at each close from the
        period's milk value (share within floor and cap, plus arrears; the balloon at the
        maximum term)."""
        with self._store.transaction(write=True) as conn:
            add_revenue_share(conn, self.coop, loan_id, farmer, plan=plan, user=self.user)

    @exact
    def revenue_share(self, loan_id: str) -> RevenueShareCollection:
        """Revenue-share loan ``loan_id`` through the closed settlements: each period's due, what
        check-off collected, the standing (balance, arrears) after it."""
        with self._store.transaction(write=False) as conn:
            return revenue_share_collection(conn, self.coop.coop_id, loan_id)

    def revenue_share_loans(self) -> dict[str, tuple[str, RevenueSharePlan]]:
        """Every revenue-share loan: ``{loan id: (farmer, plan)}``."""
        with self._store.transaction(write=False) as conn:
            return revenue_share_loans(conn, self.coop.coop_id)

    @exact
    def add_seasonal_loan(
        self,
        loan_id: str,
        farmer: str,
        *,
        principal: Decimal | int | str,
        rate: Rate | Decimal | str,
        disbursed: dt.date,
        forecast: Iterable[Decimal | int | str],
        **terms: Any,
    ) -> LoanTerms:
        """Record a check-off loan weighted by the farm's forecast revenue of each period
        (:func:`~coopfinance.linked.seasonal_plan`), one installment per pay date."""
        with self._store.transaction(write=True) as conn:
            return add_seasonal_loan(
                conn, self.coop, loan_id, farmer, principal=principal, rate=rate,
                disbursed=disbursed, forecast=forecast, user=self.user, **terms,
            )  # fmt: skip

    def allow_options(self, loan_id: str, options: LoanOptions | None = None) -> None:
        """Record the KAS options loan ``loan_id`` allows (default: skip 2, prepay 6 in
        June–October at twice the installment)."""
        with self._store.transaction(write=True) as conn:
            add_options(conn, self.coop, loan_id, options or LoanOptions(), self.user)

    @exact
    def skip_installment(self, loan_id: str, date: dt.date) -> Reschedule:
        """The farmer skips the next installment of ``loan_id`` due after ``date``."""
        with self._store.transaction(write=True) as conn:
            arrears = _arrears(conn, self.coop.coop_id, loan_id, date)
            return skip(conn, self.coop, loan_id, date, self.user, arrears=arrears)

    @exact
    def prepay_in_flush(self, loan_id: str, date: dt.date, count: int = 1) -> Reschedule:
        """The farmer prepays ``count`` installments in the flush season from ``date``."""
        with self._store.transaction(write=True) as conn:
            return prepay(conn, self.coop, loan_id, date, count=count, user=self.user)

    @exact
    def revenue_share_document(
        self, loan_id: str, *, lang: str = "es", fmt: str = "md"
    ) -> str | bytes:
        """Revenue-share loan ``loan_id``'s statement: its terms ("x % of your milk, between
        S/ floor and S/ cap per fortnight") and each closed settlement's milk value, due, paid,
        interest, balance and arrears (``fmt``: ``md``, ``html`` or ``pdf``)."""
        with self._store.transaction(write=False) as conn:
            c = revenue_share_collection(conn, self.coop.coop_id, loan_id)
            name = current_members(conn, self.coop.coop_id)[c.farmer].name
        rows = [
            {
                "number": d.number, "period": d.period, "milk_value": d.milk_value, "due": d.due,
                "paid": p, "interest": d.interest, "balance": s.balance, "arrears": s.arrears,
            }
            for d, p, s in zip(c.dues, c.paid, c.standings, strict=False)
        ]  # fmt: skip
        ctx = revenue_share_context(
            c.plan, rows, borrower=name, lender=self.coop.name, product=loan_id, statement=True,
            as_of=c.standing.as_of,
        )  # fmt: skip
        if fmt == "pdf":
            return render_pdf("revenue_share", ctx, lang=lang)
        return render("revenue_share", ctx, lang=lang, fmt=fmt)
