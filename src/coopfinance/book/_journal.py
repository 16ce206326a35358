"""The double-entry journal, derived from what the book records (never stored, never typed in):
every money movement becomes a balanced entry on the roles of a :class:`~coopfinance.book._chart.Chart`.

- a period's milk (gross, per farmer), dated the period's last day, and an increase adjustment
  paid with the net: debit ``milk_cost``, credit ``milk_payable``;
- on the pay date, each deduction collected: debit ``milk_payable``, credit ``service_income``
  (a decrease adjustment: ``milk_cost``), ``other_receivable_*`` (input advances) or
  ``contributions`` (a supplier's: ``third_party_savings``); the net paid: debit
  ``milk_payable``, credit ``cash`` (a leaver's milk held for the liquidación: ``member_payable``);
- an input advance (an obligation), on its due date: debit ``other_receivable_*``, credit ``cash``;
- a loan (servicing movements): disbursement debit ``loan_*``, credit ``cash``; interest, fees and
  late charges falling due debit ``loan_interest_*``, credit ``loan_interest_income`` /
  ``loan_fees``; a payment debit ``milk_payable`` (check-off), ``cash`` or ``member_payable``
  (netted at exit), credit the receivables (an excess: ``borrower_credit``; after a write-off:
  ``recoveries``); a waiver debits the income (principal: ``other_cost``); a write-off (castigo,
  PCGE: 19x against 14/16) debits ``allowance_*``;
- a revenue-share loan (``coopfinance.book._linked``, one replay of the frozen settlements):
  disbursement debit ``loan_*``, credit ``cash``; each period's interest on the period's last
  day debit ``loan_interest_*``, credit ``loan_interest_income``; on the pay date what the
  settlement collected debit ``milk_payable`` (what a solidarity group's guarantee paid:
  ``cash``, as for any loan), credit the interest first and then ``loan_*``, the
  period's unpaid interest capitalized (debit ``loan_*``, credit ``loan_interest_*``); netted in
  an exit liquidación: the interest to that day, then debit ``member_payable``, and a castigo
  debit ``allowance_*`` for what is written off;
- the co-op's own entries (sales, costs, provisions, depreciation): :data:`ENTRY_KINDS`;
- a contribution paid in cash: debit ``cash``, credit ``contributions``; retornos paid: debit
  ``surplus_payable``, credit ``cash``; a supplier who joins: their savings become aportaciones
  (debit ``third_party_savings``, credit ``contributions``);
- the year's distribution, on the assembly's date: debit ``remanente``, credit ``reserve``,
  ``education_fund``, ``other_funds`` and ``surplus_payable`` (each member's interest and retorno);
- an exit liquidación: debit ``contributions`` and ``surplus_payable``, credit ``member_payable``,
  which is then netted against the debts and paid out.

Each line names its farmer (if any) and ``party``: ``member`` or ``third`` (the farmer's status on
the entry's date; a loan keeps the status of its disbursement day), or ``""`` for the co-op's own
entries (shared between operations with members and with third parties).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coopfinance._csv import safe_cell
from coopfinance.book import _close, _linked
from coopfinance.book import _ledger_schema as lt
from coopfinance.book import _schema as t
from coopfinance.book._accounts import Membership, contribution_entries, memberships
from coopfinance.book._chart import Chart
from coopfinance.book._common import Coop
from coopfinance.book._groups import guaranteed
from coopfinance.servicing import MovementKind

__all__ = [
    "ENTRY_KINDS",
    "FAR",
    "LEDGER_COLUMNS",
    "JournalEntry",
    "JournalLine",
    "TrialBalanceRow",
    "journal",
    "last_recorded",
    "ledger_csv",
    "safe_cell",
    "trial_balance",
]

ZERO = Decimal(0)
FAR = dt.date(9999, 12, 31)

ENTRY_KINDS: dict[str, tuple[str, str]] = {
    "milk-sale": ("cash", "milk_sales"),
    "other-income": ("cash", "other_income"),
    "transport": ("transport", "cash"),
    "chilling": ("chilling", "cash"),
    "staff": ("staff", "cash"),
    "borrowing-interest": ("borrowing_interest", "cash"),
    "other-cost": ("other_cost", "cash"),
    "provision": ("provision_member", "allowance_member"),
    "provision-third": ("provision_third", "allowance_third"),
    "depreciation": ("depreciation", "accumulated_depreciation"),
}
"""The co-op's own entries: ``kind → (debit role, credit role)``."""


@attrs.frozen(slots=True, kw_only=True)
class JournalLine:
    """One line: ``amount`` debited (positive) or credited (negative) to ``role``."""

    role: str
    amount: Decimal
    farmer: str = ""
    party: str = ""

    @property
    def debit(self) -> Decimal:
        return self.amount if self.amount > 0 else ZERO

    @property
    def credit(self) -> Decimal:
        return -self.amount if self.amount < 0 else ZERO


@attrs.frozen(slots=True, kw_only=True)
class JournalEntry:
    """A balanced entry: its lines' amounts sum to zero (debits = credits)."""

    date: dt.date
    source: str
    reference: str
    lines: tuple[JournalLine, ...]

    @property
    def balanced(self) -> bool:
        return sum((x.amount for x in self.lines), ZERO) == 0


class _Entries:
    def __init__(self) -> None:
        self.out: list[JournalEntry] = []

    def add(self, date: dt.date, source: str, reference: str, lines: Iterable[JournalLine]) -> None:
        kept = tuple(x for x in lines if x.amount != 0)
        if not kept:
            return
        entry = JournalEntry(date=date, source=source, reference=reference, lines=kept)
        assert entry.balanced, entry
        self.out.append(entry)


def _party(ms: dict[str, Membership], farmer: str, day: dt.date) -> str:
    m = ms.get(farmer)
    return "member" if m is not None and m.is_member(day) else "third"


def _sub(party: str) -> str:
    return "member" if party == "member" else "third"


def _liquidation_from(conn: Connection, coop: str) -> dict[str, tuple[dt.date, dict[str, Any]]]:
    lq = lt.liquidations
    return {
        r.farmer: (r.date, json.loads(r.data))
        for r in conn.execute(
            sa.select(lq.c.farmer, lq.c.date, lq.c.data).where(lq.c.coop_id == coop)
        )
    }


def _settlement_entries(
    conn: Connection,
    coop: Coop,
    *,
    ms: dict[str, Membership],
    held: dict[str, dt.date],
    e: _Entries,
    as_of: dt.date,
) -> None:
    cid = coop.coop_id
    st, sf, sl = t.settlements, t.settlement_farmers, t.settlement_lines
    periods = conn.execute(
        sa.select(st.c.period_start, st.c.period_end, st.c.pay_date)
        .where(st.c.coop_id == cid, st.c.period_end <= as_of)
        .order_by(st.c.period_start)
    ).all()
    gross: dict[dt.date, dict[str, Decimal]] = defaultdict(dict)
    for r in conn.execute(
        sa.select(sf.c.period_start, sf.c.farmer, sf.c.gross).where(sf.c.coop_id == cid)
    ):
        gross[r.period_start][r.farmer] = r.gross
    lines: dict[dt.date, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for r in conn.execute(
        sa.select(sl).where(sl.c.coop_id == cid).order_by(sl.c.period_start, sl.c.farmer, sl.c.seq)
    ):
        lines[r.period_start][r.farmer].append(r)
    for start, end, pay in periods:
        milk: list[JournalLine] = []
        for farmer, g in sorted(gross[start].items()):
            p = _party(ms, farmer, end)
            inc = sum((x.due for x in lines[start][farmer] if x.kind == _close.ADJUSTMENT), ZERO)
            milk += [
                JournalLine(role="milk_cost", amount=g + inc, farmer=farmer, party=p),
                JournalLine(role="milk_payable", amount=-(g + inc), farmer=farmer, party=p),
            ]
        e.add(end, "milk", f"{start.isoformat()}..{end.isoformat()}", milk)
        if pay > as_of:
            continue
        for farmer, g in sorted(gross[start].items()):
            p = _party(ms, farmer, pay)
            out: list[JournalLine] = []
            deducted = ZERO
            inc = ZERO
            for x in lines[start][farmer]:
                if x.kind == _close.ADJUSTMENT:
                    inc += x.due
                    continue
                if x.kind == "loan-installment" or x.collected == 0:
                    deducted += x.collected
                    continue  # the loan's payment movement posts it
                deducted += x.collected
                if x.kind == "service-charge":
                    role = "milk_cost" if "adjustment" in x.reference else "service_income"
                elif x.kind == "input-advance":
                    role = f"other_receivable_{_sub(p)}"
                else:  # compulsory- or voluntary-savings
                    role = "contributions" if p == "member" else "third_party_savings"
                out += [
                    JournalLine(role="milk_payable", amount=x.collected, farmer=farmer, party=p),
                    JournalLine(role=role, amount=-x.collected, farmer=farmer, party=p),
                ]
            net = g - deducted + inc
            to = "member_payable" if farmer in held and pay >= held[farmer] else "cash"
            out += [
                JournalLine(role="milk_payable", amount=net, farmer=farmer, party=p),
                JournalLine(role=to, amount=-net, farmer=farmer, party=p),
            ]
            e.add(pay, "settlement", f"{start.isoformat()} {farmer}", out)


def _obligation_entries(
    conn: Connection, coop: str, ms: dict[str, Membership], e: _Entries, as_of: dt.date
) -> None:
    ob = t.obligations
    for r in conn.execute(
        sa.select(ob)
        .where(ob.c.coop_id == coop, ob.c.kind == "input-advance", ob.c.due <= as_of)
        .order_by(ob.c.id)
    ):
        p = _party(ms, r.farmer, r.due)
        e.add(
            r.due,
            "input-advance",
            r.reference,
            [
                JournalLine(
                    role=f"other_receivable_{_sub(p)}", amount=r.amount, farmer=r.farmer, party=p
                ),
                JournalLine(role="cash", amount=-r.amount, farmer=r.farmer, party=p),
            ],
        )


_INCOME = {"interest": "loan_interest_income", "fees": "loan_fees", "penalties": "loan_fees"}
_COMPONENTS = ("principal", "interest", "fees", "penalties")
_PAY = {
    MovementKind.PAYMENT,
    MovementKind.PREPAYMENT,
    MovementKind.RECOVERY,
    MovementKind.CREDIT_APPLIED,
}


def _loan_entries(
    conn: Connection, coop: str, ms: dict[str, Membership], e: _Entries, as_of: dt.date
) -> None:
    ev = t.loan_events
    money = {}
    for r in conn.execute(
        sa.select(ev.c.event_id, ev.c.amount, ev.c.event).where(ev.c.coop_id == coop)
    ):
        money[r.event_id] = (r.amount, str(json.loads(r.event).get("channel", "")))
    for loan_id, (farmer, account) in sorted(_close.accounts(conn, coop).items()):
        if account.terms.disbursed > as_of:
            continue
        p = _party(ms, farmer, account.terms.disbursed)
        s = _sub(p)
        recv = {
            "principal": f"loan_{s}",
            "interest": f"loan_interest_{s}",
            "fees": f"loan_interest_{s}",
            "penalties": f"loan_interest_{s}",
        }
        for m in account.state(as_of, detail=True).movements:
            deltas = {c: getattr(m.amounts, c) for c in _COMPONENTS}
            lines = [
                JournalLine(role=recv[c], amount=d, farmer=farmer, party=p)
                for c, d in deltas.items()
            ]
            if m.credit:
                lines.append(
                    JournalLine(role="borrower_credit", amount=-m.credit, farmer=farmer, party=p)
                )
            rest = -sum((x.amount for x in lines), ZERO)  # what balances the entry
            if m.kind in _PAY:
                amount, channel = money.get(m.reference, (None, ""))
                source = {"milk": "milk_payable", "liquidacion": "member_payable"}.get(
                    channel, "cash"
                )
                if m.kind is MovementKind.CREDIT_APPLIED:
                    source, amount = "borrower_credit", None
                received = rest if amount is None else amount
                lines.append(JournalLine(role=source, amount=received, farmer=farmer, party=p))
                if received != rest:
                    lines.append(
                        JournalLine(
                            role="recoveries", amount=rest - received, farmer=farmer, party=p
                        )
                    )
            elif m.kind is MovementKind.WRITE_OFF:
                lines.append(
                    JournalLine(role=f"allowance_{s}", amount=rest, farmer=farmer, party=p)
                )
            elif m.kind is MovementKind.WAIVER:
                for c, d in deltas.items():
                    role = _INCOME.get(c, "other_cost")
                    lines.append(JournalLine(role=role, amount=-d, farmer=farmer, party=p))
            elif m.kind is MovementKind.DISBURSEMENT:
                for c, d in deltas.items():
                    lines.append(
                        JournalLine(role=_INCOME.get(c, "cash"), amount=-d, farmer=farmer, party=p)
                    )
            elif m.kind is MovementKind.RESCHEDULE:
                lines.append(
                    JournalLine(role="loan_interest_income", amount=rest, farmer=farmer, party=p)
                )
            else:  # installment due, late charges, charges, accrued interest
                for c, d in deltas.items():
                    role = _INCOME.get(c, "cash")
                    lines.append(JournalLine(role=role, amount=-d, farmer=farmer, party=p))
                if m.credit:
                    lines.append(JournalLine(role="cash", amount=m.credit, farmer=farmer, party=p))
            e.add(m.date, f"loan:{m.kind.value}", f"{loan_id} {m.reference}".strip(), lines)


def _revenue_share_entries(
    conn: Connection,
    coop: str,
    *,
    ms: dict[str, Membership],
    liq: dict[str, tuple[dt.date, dict[str, Any]]],
    e: _Entries,
    as_of: dt.date,
) -> None:
    """The revenue-share loans (see the module docstring): every figure from the one replay of
    the frozen settlements that the closes collected by (:func:`_linked.replay`)."""
    loans = _linked.revenue_share_loans(conn, coop)
    if not loans:
        return
    replayed = _linked.replay(conn, coop, loans)
    covered = guaranteed(conn, coop)  # issue 18 §2: paid by a group's guarantee, not the milk
    st = t.settlements
    pay = {
        r.period_start: r.pay_date
        for r in conn.execute(
            sa.select(st.c.period_start, st.c.pay_date).where(st.c.coop_id == coop)
        )
    }
    for loan_id, (farmer, plan) in loans.items():
        if plan.disbursed > as_of:
            continue
        p = _party(ms, farmer, plan.disbursed)
        s = _sub(p)

        def line(role: str, amount: Decimal, p: str = p, farmer: str = farmer) -> JournalLine:
            return JournalLine(role=role, amount=amount, farmer=farmer, party=p)

        ref = f"{loan_id} {_linked.REVENUE_SHARE}"
        e.add(
            plan.disbursed,
            "loan:disbursement",
            ref,
            [line(f"loan_{s}", plan.principal), line("cash", -plan.principal)],
        )
        netted = next(
            (
                x
                for x in (liq[farmer][1].get("revenue_share", ()) if farmer in liq else ())
                if x["loan_id"] == loan_id
            ),
            None,
        )
        cutoff = liq[farmer][0] if netted is not None else FAR
        dues, paid, _ = replayed[loan_id]
        for d, got in zip(dues, paid, strict=True):
            if d.period.end > as_of:
                break
            e.add(
                d.period.end,
                "loan:interest",
                f"{ref} {d.number}",
                [line(f"loan_interest_{s}", d.interest), line("loan_interest_income", -d.interest)],
            )
            day = min(pay[d.period.start], cutoff)
            if day > as_of:
                continue
            interest = min(got, d.interest)
            capitalized = d.interest - interest
            by_group = covered.get((d.period.start, loan_id), ZERO)
            e.add(
                day,
                "loan:payment",
                f"{ref} {d.number}",
                [
                    line("milk_payable", got - by_group),
                    *([line("cash", by_group)] if by_group else []),
                    line(f"loan_interest_{s}", -interest - capitalized),
                    line(f"loan_{s}", capitalized - (got - interest)),
                ],
            )
        if netted is None or cutoff > as_of:
            continue
        interest = Decimal(netted["interest"])
        amount, left = Decimal(netted["netted"]), Decimal(netted["left"])
        to_interest = min(amount, interest)
        lines = [
            line(f"loan_interest_{s}", interest),
            line("loan_interest_income", -interest),
            line("member_payable", amount, liq[farmer][1]["party"]),
            line(f"loan_interest_{s}", -to_interest),
            line(f"loan_{s}", -(amount - to_interest)),
        ]
        if liq[farmer][1].get("written_off") and left > 0:
            lines += [
                line(f"allowance_{s}", left),
                line(f"loan_interest_{s}", -(interest - to_interest)),
                line(f"loan_{s}", -(left - (interest - to_interest))),
            ]
        e.add(cutoff, "liquidacion", ref, lines)


def _own_entries(conn: Connection, coop: str, e: _Entries, as_of: dt.date) -> None:
    ce = lt.coop_entries
    for r in conn.execute(
        sa.select(ce).where(ce.c.coop_id == coop, ce.c.date <= as_of).order_by(ce.c.date, ce.c.id)
    ):
        dr, cr = ENTRY_KINDS[r.kind]
        e.add(
            r.date,
            r.kind,
            r.reference,
            [JournalLine(role=dr, amount=r.amount), JournalLine(role=cr, amount=-r.amount)],
        )


def _member_entries(
    conn: Connection, coop: str, ms: dict[str, Membership], e: _Entries, as_of: dt.date
) -> None:
    entries = contribution_entries(conn, coop, ms)
    savings: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for c in entries:
        if c.date > as_of:
            continue
        if not c.member:
            savings[c.farmer] += c.capital
        if c.kind == "cash":
            role = "contributions" if c.member else "third_party_savings"
            e.add(
                c.date,
                "contribution",
                c.reference,
                [
                    JournalLine(
                        role="cash",
                        amount=c.amount,
                        farmer=c.farmer,
                        party="member" if c.member else "third",
                    ),
                    JournalLine(
                        role=role,
                        amount=-c.amount,
                        farmer=c.farmer,
                        party="member" if c.member else "third",
                    ),
                ],
            )
        elif c.kind == "paid":
            e.add(
                c.date,
                "surplus-paid",
                c.reference,
                [
                    JournalLine(
                        role="surplus_payable", amount=c.amount, farmer=c.farmer, party="member"
                    ),
                    JournalLine(role="cash", amount=-c.amount, farmer=c.farmer, party="member"),
                ],
            )
    for farmer, m in sorted(ms.items()):
        day = m.joined_event
        if day is None or day > as_of:
            continue
        before = sum(
            (c.capital for c in entries if c.farmer == farmer and not c.member and c.date < day),
            ZERO,
        )
        e.add(
            day,
            "join",
            farmer,
            [
                JournalLine(
                    role="third_party_savings", amount=before, farmer=farmer, party="member"
                ),
                JournalLine(role="contributions", amount=-before, farmer=farmer, party="member"),
            ],
        )


def _distribution_entries(conn: Connection, coop: str, e: _Entries, as_of: dt.date) -> None:
    d = lt.distributions
    for r in conn.execute(
        sa.select(d).where(d.c.coop_id == coop, d.c.date <= as_of).order_by(d.c.year)
    ):
        data = json.loads(r.data)
        lines = [
            JournalLine(role="remanente", amount=Decimal(data["result_distributed"])),
            JournalLine(
                role="reserve",
                amount=-(Decimal(data["reserve"]) + Decimal(data["third_party_reserve"])),
            ),
            JournalLine(role="education_fund", amount=-Decimal(data["education"])),
            JournalLine(
                role="other_funds", amount=-sum((Decimal(v) for _, v in data["funds"]), ZERO)
            ),
        ]
        for farmer, interest, retorno in data["members"]:
            lines.append(
                JournalLine(
                    role="surplus_payable",
                    amount=-(Decimal(interest) + Decimal(retorno)),
                    farmer=farmer,
                    party="member",
                )
            )
        e.add(r.date, "distribution", str(r.year), lines)


def _liquidation_entries(
    liq: dict[str, tuple[dt.date, dict[str, Any]]], e: _Entries, as_of: dt.date
) -> None:
    for farmer, (day, data) in sorted(liq.items()):
        if day > as_of:
            continue
        p = data["party"]
        refund, pending = Decimal(data["refund"]), Decimal(data["pending"])
        lines = [
            JournalLine(
                role="contributions" if p == "member" else "third_party_savings",
                amount=refund,
                farmer=farmer,
                party=p,
            ),
            JournalLine(role="surplus_payable", amount=pending, farmer=farmer, party=p),
            JournalLine(role="member_payable", amount=-(refund + pending), farmer=farmer, party=p),
        ]
        for kind, paid in (
            ("service-charge", data["service_paid"]),
            ("input-advance", data["inputs_paid"]),
        ):
            role = "service_income" if kind == "service-charge" else f"other_receivable_{_sub(p)}"
            lines += [
                JournalLine(role="member_payable", amount=Decimal(paid), farmer=farmer, party=p),
                JournalLine(role=role, amount=-Decimal(paid), farmer=farmer, party=p),
            ]
        out = Decimal(data["paid_out"])
        lines += [
            JournalLine(role="member_payable", amount=out, farmer=farmer, party=p),
            JournalLine(role="cash", amount=-out, farmer=farmer, party=p),
        ]
        wo = Decimal(data["inputs_written_off"])
        lines += [
            JournalLine(role=f"allowance_{_sub(p)}", amount=wo, farmer=farmer, party=p),
            JournalLine(role=f"other_receivable_{_sub(p)}", amount=-wo, farmer=farmer, party=p),
        ]
        e.add(day, "liquidacion", farmer, lines)


def journal(conn: Connection, coop: Coop, as_of: dt.date | None = None) -> list[JournalEntry]:
    """Every entry dated ``as_of`` or earlier (default: everything), in date order."""
    day = as_of or last_recorded(conn, coop)
    ms = memberships(conn, coop.coop_id)
    liq = _liquidation_from(conn, coop.coop_id)
    held = {f: d for f, (d, data) in liq.items() if data.get("milk_from")}
    held = {f: dt.date.fromisoformat(liq[f][1]["milk_from"]) for f in held}
    e = _Entries()
    _settlement_entries(conn, coop, ms=ms, held=held, e=e, as_of=day)
    _obligation_entries(conn, coop.coop_id, ms, e, day)
    _loan_entries(conn, coop.coop_id, ms, e, day)
    _revenue_share_entries(conn, coop.coop_id, ms=ms, liq=liq, e=e, as_of=day)
    _own_entries(conn, coop.coop_id, e, day)
    _member_entries(conn, coop.coop_id, ms, e, day)
    _distribution_entries(conn, coop.coop_id, e, day)
    _liquidation_entries(liq, e, day)
    return sorted(e.out, key=lambda x: x.date)


def last_recorded(conn: Connection, coop: Coop) -> dt.date:
    """The journal's default date: the latest day the book records anything on (a pay date, a
    loan event or disbursement, an entry, a distribution, a liquidación)."""
    cid = coop.coop_id
    days: list[Any] = []
    for col, table in (
        (t.settlements.c.pay_date, t.settlements),
        (t.loan_events.c.date, t.loan_events),
        (t.obligations.c.due, t.obligations),
        (lt.coop_entries.c.date, lt.coop_entries),
        (lt.member_contributions.c.date, lt.member_contributions),
        (lt.distributions.c.date, lt.distributions),
        (lt.liquidations.c.date, lt.liquidations),
        (lt.member_events.c.date, lt.member_events),
    ):
        days.append(
            conn.execute(sa.select(sa.func.max(col)).where(table.c.coop_id == cid)).scalar()
        )
    for _, account in _close.accounts(conn, cid).values():
        days.append(account.terms.disbursed)
    days += [plan.disbursed for _, plan in _linked.revenue_share_loans(conn, cid).values()]
    found = [_close._date(d) for d in days if d is not None]
    return max(found) if found else dt.date(1970, 1, 1)


@attrs.frozen(slots=True, kw_only=True)
class TrialBalanceRow:
    """One account of the trial balance: total debits, total credits and the balance (debit +)."""

    code: str
    name: str
    role: str
    debit: Decimal
    credit: Decimal

    @property
    def balance(self) -> Decimal:
        return self.debit - self.credit


def trial_balance(
    entries: Iterable[JournalEntry], chart: Chart, as_of: dt.date | None = None
) -> list[TrialBalanceRow]:
    """The trial balance as of ``as_of``: one row per account used, by code. Its debits equal its
    credits, since every entry balances."""
    debit: dict[str, Decimal] = defaultdict(lambda: ZERO)
    credit: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for entry in entries:
        if as_of is not None and entry.date > as_of:
            continue
        for x in entry.lines:
            debit[x.role] += x.debit
            credit[x.role] += x.credit
    rows = [
        TrialBalanceRow(
            code=chart.account(r).code,
            name=chart.account(r).name,
            role=r,
            debit=debit[r],
            credit=credit[r],
        )
        for r in set(debit) | set(credit)
    ]
    return sorted(rows, key=lambda r: r.code)


LEDGER_COLUMNS = (
    "date",
    "entry",
    "source",
    "reference",
    "account",
    "account_name",
    "debit",
    "credit",
    "farmer",
    "party",
)


def ledger_csv(entries: Iterable[JournalEntry], chart: Chart, as_of: dt.date | None = None) -> str:
    """The general ledger as CSV text: one row per journal line dated ``as_of`` or earlier
    (columns :data:`LEDGER_COLUMNS`), amounts as exact decimals; user text made formula-safe.
    Numbers are written as numbers (a negative amount never appears: debit and credit columns)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(LEDGER_COLUMNS)
    for n, entry in enumerate(entries, start=1):
        if as_of is not None and entry.date > as_of:
            continue
        for x in entry.lines:
            acc = chart.account(x.role)
            w.writerow(
                [
                    entry.date.isoformat(),
                    n,
                    entry.source,
                    safe_cell(entry.reference),
                    safe_cell(acc.code),
                    safe_cell(acc.name),
                    format(x.debit, "f"),
                    format(x.credit, "f"),
                    safe_cell(x.farmer),
                    x.party,
                ]
            )
    return buf.getvalue()
