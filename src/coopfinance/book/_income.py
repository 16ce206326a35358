"""The income statement (estado de resultados) and the year's distribution, from the journal.

The statement of a period sums the journal's income and expense lines dated in it (so it ties to
the settlements, the loan accounts and the co-op's own entries that produced them). Its result is
the remanente. The **result with third parties** is the result of the lines whose party is
``third`` (non-members' milk, their loans, their service charges) plus the non-members' share,
by litres delivered in the period, of the co-op's own lines (milk sold, transport, staff…), to the
céntimo (half up).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coopfinance._decimal import CONTEXT
from coopfinance.book import _ledger_schema as lt
from coopfinance.book import _schema as t
from coopfinance.book._accounts import Membership, contribution_entries, memberships
from coopfinance.book._common import Coop, closed_through, current_members, record_import
from coopfinance.book._compat import Currency
from coopfinance.book._errors import BookError
from coopfinance.book._journal import JournalEntry
from coopfinance.coop import (
    Member,
    PatronageBasis,
    SurplusDistribution,
    SurplusPolicy,
    ThirdPartyResult,
    distribute_result,
)
from coopfinance.errors import E_

__all__ = [
    "COST_LINES",
    "INCOME_LINES",
    "IncomeStatement",
    "YearDistribution",
    "distribute_year",
    "income_statement",
    "stored_distribution",
]

ZERO = Decimal(0)
CENT = Decimal("0.01")

INCOME_LINES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("milk_sales", ("milk_sales",)),
    ("service_income", ("service_income",)),
    ("loan_interest", ("loan_interest_income",)),
    ("loan_fees", ("loan_fees",)),
    ("recoveries", ("recoveries",)),
    ("other_income", ("other_income",)),
)
COST_LINES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("milk_cost", ("milk_cost",)),
    ("transport", ("transport",)),
    ("chilling", ("chilling",)),
    ("staff", ("staff",)),
    ("borrowing_interest", ("borrowing_interest",)),
    ("provisions", ("provision_member", "provision_third")),
    ("depreciation", ("depreciation",)),
    ("other_cost", ("other_cost",)),
)


@attrs.frozen(slots=True, kw_only=True)
class IncomeStatement:
    """Income and costs of ``start..end`` by line (keys of :data:`INCOME_LINES`,
    :data:`COST_LINES`), the result and its part from operations with third parties."""

    start: dt.date
    end: dt.date
    income: tuple[tuple[str, Decimal], ...]
    costs: tuple[tuple[str, Decimal], ...]
    third_party_result: Decimal
    litres_members: Decimal
    litres_third: Decimal

    @property
    def total_income(self) -> Decimal:
        return sum((v for _, v in self.income), ZERO)

    @property
    def total_costs(self) -> Decimal:
        return sum((v for _, v in self.costs), ZERO)

    @property
    def result(self) -> Decimal:
        """Income − costs: the remanente (negative: a loss)."""
        return self.total_income - self.total_costs

    @property
    def members_result(self) -> Decimal:
        return self.result - self.third_party_result

    def line(self, key: str) -> Decimal:
        return dict(self.income + self.costs)[key]


def _litres(
    conn: Connection, coop: str, ms: Mapping[str, Membership], start: dt.date, end: dt.date
) -> tuple[Decimal, Decimal]:
    st, sf = t.settlements, t.settlement_farmers
    mem = third = ZERO
    for r in conn.execute(
        sa.select(sf.c.farmer, sf.c.litres, st.c.period_end)
        .join(st, sa.and_(st.c.coop_id == sf.c.coop_id, st.c.period_start == sf.c.period_start))
        .where(sf.c.coop_id == coop, st.c.period_end >= start, st.c.period_end <= end)
    ):
        m = ms.get(r.farmer)
        if m is not None and m.is_member(r.period_end):
            mem += r.litres
        else:
            third += r.litres
    return mem, third


def income_statement(
    conn: Connection, coop: Coop, entries: Iterable[JournalEntry], start: dt.date, end: dt.date
) -> IncomeStatement:
    """The income statement of ``start..end`` (see the module docstring)."""
    ms = memberships(conn, coop.coop_id)
    total: dict[str, Decimal] = defaultdict(lambda: ZERO)
    third: dict[str, Decimal] = defaultdict(lambda: ZERO)
    common: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for e in entries:
        if not start <= e.date <= end:
            continue
        for x in e.lines:
            total[x.role] += x.amount
            if x.party == "third":
                third[x.role] += x.amount
            elif x.party == "":
                common[x.role] += x.amount
    lm, lt3 = _litres(conn, coop.coop_id, ms, start, end)

    def lines(
        spec: tuple[tuple[str, tuple[str, ...]], ...], sign: int, book: Mapping[str, Decimal]
    ) -> tuple[tuple[str, Decimal], ...]:
        return tuple((k, sign * sum((book.get(r, ZERO) for r in roles), ZERO)) for k, roles in spec)

    income = lines(INCOME_LINES, -1, total)
    costs = lines(COST_LINES, 1, total)
    share = CONTEXT.divide(lt3, lm + lt3) if lm + lt3 > 0 else ZERO
    own = sum((v for _, v in lines(INCOME_LINES, -1, third)), ZERO) - sum(
        (v for _, v in lines(COST_LINES, 1, third)), ZERO
    )
    shared = sum((v for _, v in lines(INCOME_LINES, -1, common)), ZERO) - sum(
        (v for _, v in lines(COST_LINES, 1, common)), ZERO
    )
    tp = (own + CONTEXT.multiply(shared, share)).quantize(CENT, ROUND_HALF_UP, CONTEXT)
    return IncomeStatement(
        start=start,
        end=end,
        income=income,
        costs=costs,
        third_party_result=tp,
        litres_members=lm,
        litres_third=lt3,
    )


@attrs.frozen(slots=True, kw_only=True)
class YearDistribution:
    """The year's distribution as the assembly approved it: the income statement, the
    contributions each member's interest was paid on (average daily balance), the patronage and the
    art. 42 distribution."""

    year: int
    date: dt.date
    statement: IncomeStatement
    contributions: tuple[tuple[str, Decimal], ...]
    patronage: tuple[tuple[str, Decimal], ...]
    distribution: SurplusDistribution
    names: tuple[tuple[str, str], ...]
    interest_rate: Decimal
    interest_cap: Decimal | None


def _average_capital(entries: list[Any], farmer: str, start: dt.date, end: dt.date) -> Decimal:
    """Average daily paid-in capital over ``start..end`` (members' lines only), to the céntimo."""
    days = (end - start).days + 1
    balance = ZERO
    weighted = ZERO
    for e in entries:
        if e.farmer != farmer or not e.member or e.capital == 0 or e.date > end:
            continue
        held = days if e.date < start else (end - e.date).days + 1
        balance += e.capital
        weighted += CONTEXT.multiply(e.capital, Decimal(held))
    return CONTEXT.divide(weighted, Decimal(days)).quantize(CENT, ROUND_HALF_UP, CONTEXT)


def distribute_year(
    conn: Connection,
    coop: Coop,
    *,
    entries: list[JournalEntry],
    year: int,
    date: dt.date,
    policy: SurplusPolicy,
    user: str,
) -> YearDistribution:
    """Compute and record the distribution of ``year`` approved on ``date`` (one per year)."""
    cid = coop.coop_id
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if policy.contribution_interest_rate > 0 and policy.contribution_interest_cap is None:
        raise BookError(
            E_(
                "'contribution_interest_cap' must be given with an interest rate on "
                "contributions: the interest on aportaciones is limited (LGC art. 5 "
                "num. 1) and the statute sets the limit."
            ),
            field="contribution_interest_cap",
            value=None,
        )
    closed = closed_through(conn, cid)
    if closed is None or closed < coop.period_of(end).end:
        raise BookError(
            E_(
                "'year' %(year)s is not closed: close every settlement period through "
                "%(end)s first (closed through %(closed)s).",
                year=year,
                end=end,
                closed=closed,
            ),
            field="year",
            value=year,
        )
    if date <= end:
        raise BookError(
            E_("'date' of the assembly must be after the year ends (got %(date)s).", date=date),
            field="date",
            value=date,
        )
    if policy.third_party is ThirdPartyResult.CAPITAL:
        raise BookError(
            "'third_party' 'capital' (the third-party result split by contributions) is not "
            "recorded by the book yet; use 'reserve' or 'distribute' (docs/accounts.md §3).",
            field="third_party",
            value=policy.third_party.value,
        )
    d = lt.distributions
    if (
        conn.execute(sa.select(d.c.id).where(d.c.coop_id == cid, d.c.year == year)).first()
        is not None
    ):
        raise BookError(
            E_("'year' %(year)s is already distributed.", year=year), field="year", value=year
        )
    statement = income_statement(conn, coop, entries, start, end)
    if statement.result <= 0:
        raise BookError(
            E_(
                "the year %(year)s has no remanente to distribute (result %(result)s).",
                year=year,
                result=statement.result,
            ),
            field="year",
            value=str(statement.result),
        )
    ms = memberships(conn, cid)
    ledger = contribution_entries(conn, cid, ms)
    st, sf = t.settlements, t.settlement_farmers
    patronage: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for r in conn.execute(
        sa.select(sf.c.farmer, sf.c.litres, sf.c.gross, st.c.period_start)
        .join(st, sa.and_(st.c.coop_id == sf.c.coop_id, st.c.period_start == sf.c.period_start))
        .where(sf.c.coop_id == cid, st.c.period_end >= start, st.c.period_end <= end)
    ):
        m = ms.get(r.farmer)
        if m is not None and m.is_member(r.period_start):
            patronage[r.farmer] += r.litres if policy.basis is PatronageBasis.LITRES else r.gross
    ids = sorted(
        f
        for f, m in ms.items()
        if m.member_role
        and (m.since is None or m.since <= end)
        and (m.until is None or m.until >= start)
    )
    capital = {f: _average_capital(ledger, f, start, end) for f in ids}
    members = [Member(id=f, contributions=capital[f]) for f in ids]
    dist = distribute_result(
        statement.result,
        statement.third_party_result,
        members,
        {f: patronage.get(f, ZERO) for f in ids},
        policy,
        currency=coop.currency,
    )
    names = current_members(conn, cid)
    iid = record_import(conn, cid, "distribution", str(year), user, new=len(ids), already=0)
    interest, refunds = dict(dist.interest), dict(dist.patronage)
    data = {
        "result": str(statement.result),
        "result_distributed": str(dist.total),
        "reserve": str(dist.reserve),
        "third_party_reserve": str(dist.third_party_reserve),
        "education": str(dist.education),
        "funds": [[k, str(v)] for k, v in dist.funds],
        "members": [[f, str(interest[f]), str(refunds[f])] for f in ids],
        "contributions": [[f, str(capital[f])] for f in ids],
        "patronage": [[f, str(patronage.get(f, ZERO))] for f in ids],
        "policy": {
            "reserve_share": str(policy.reserve_share),
            "minimum_reserve_share": str(policy.minimum_reserve_share),
            "rate": str(policy.contribution_interest_rate),
            "cap": None
            if policy.contribution_interest_cap is None
            else str(policy.contribution_interest_cap),
            "education_share": str(policy.education_share),
            "funds": [[k, str(v)] for k, v in policy.funds],
            "basis": policy.basis.value,
            "third_party": policy.third_party.value,
        },
    }
    conn.execute(
        d.insert().values(
            coop_id=cid,
            year=year,
            date=date,
            result=statement.result,
            data=json.dumps(data, sort_keys=True),
            import_id=iid,
        )
    )
    rows = []
    for n, f in enumerate(ids, start=1):
        for kind, amount in (("interest", interest[f]), ("retorno", refunds[f])):
            if amount:
                rows.append(
                    {
                        "coop_id": cid,
                        "farmer": f,
                        "date": date,
                        "kind": kind,
                        "amount": amount,
                        "reference": f"remanente {year}",
                        "import_id": iid,
                        "line": n,
                    }
                )
    if rows:
        conn.execute(lt.member_contributions.insert(), rows)
    return YearDistribution(
        year=year,
        date=date,
        statement=statement,
        contributions=tuple(capital.items()),
        patronage=tuple((f, patronage.get(f, ZERO)) for f in ids),
        distribution=dist,
        names=tuple((f, names[f].name) for f in ids if f in names),
        interest_rate=policy.contribution_interest_rate,
        interest_cap=policy.contribution_interest_cap,
    )


def stored_distribution(
    conn: Connection, coop: Coop, entries: list[JournalEntry], year: int
) -> YearDistribution:
    """The recorded distribution of ``year``, read back (never recomputed: the statement is the
    journal's, the parts are the stored ones)."""
    d = lt.distributions
    r = conn.execute(sa.select(d).where(d.c.coop_id == coop.coop_id, d.c.year == year)).first()
    if r is None:
        raise BookError(
            E_("'year' %(year)s has no distribution recorded.", year=year), field="year", value=year
        )
    data = json.loads(r.data)
    statement = income_statement(conn, coop, entries, dt.date(year, 1, 1), dt.date(year, 12, 31))
    from_members = data["members"]
    pol = data["policy"]
    dist = SurplusDistribution(
        surplus=Decimal(data["result"]),
        currency=Currency.of(coop.currency),
        reserve=Decimal(data["reserve"]),
        education=Decimal(data["education"]),
        funds=tuple((k, Decimal(v)) for k, v in data["funds"]),
        interest=tuple((f, Decimal(i)) for f, i, _ in from_members),
        patronage=tuple((f, Decimal(p)) for f, _, p in from_members),
        excluded=(),
        third_party_reserve=Decimal(data["third_party_reserve"]),
    )
    names = current_members(conn, coop.coop_id)
    return YearDistribution(
        year=year,
        date=r.date,
        statement=statement,
        contributions=tuple((f, Decimal(v)) for f, v in data["contributions"]),
        patronage=tuple((f, Decimal(v)) for f, v in data["patronage"]),
        distribution=dist,
        names=tuple((f, names[f].name) for f, _, _ in from_members if f in names),
        interest_rate=Decimal(pol["rate"]),
        interest_cap=None if pol["cap"] is None else Decimal(pol["cap"]),
    )
