"""The portfolio figures of an account on a date, fast: :meth:`LoanAccount.figures`.

An account paid on time is read off its schedule (:func:`on_time_figures`); any other is replayed
without the ledger and summed from the replay's items (:func:`replay_figures`). Both give exactly
what :func:`coopfinance.portfolio.exposure` sums from :meth:`LoanAccount.state`.
:func:`many_figures` does it for a portfolio, with the on-time majority recognized in bulk.
"""

from __future__ import annotations

import bisect
import datetime as dt
import decimal
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from coopfinance._decimal import CONTEXT, ZERO
from coopfinance.servicing._events import Payment
from coopfinance.servicing._lean import Columns, lean_figures
from coopfinance.servicing._policy import InterestMethod, Overpayment
from coopfinance.servicing._replay import AccountLike, Replay, schedule_of
from coopfinance.servicing._values import AccountStatus, Components, ItemKind

__all__ = ["Figures", "account_figures", "many_figures", "on_time_figures", "replay_figures"]


class Figures(NamedTuple):
    """An account's figures for portfolio work on a date (:meth:`LoanAccount.figures`).

    ``fallen_due`` is the principal, interest and fees of installments due so far, less what was
    waived or closed (moved by a reschedule or write-off); ``paid_of_due`` what was paid of it;
    ``written_off`` the total written off.
    """

    principal_outstanding: Decimal
    days_past_due: int
    status: AccountStatus
    fallen_due: Decimal
    paid_of_due: Decimal
    written_off: Decimal
    recovered: Decimal


def account_figures(
    account: AccountLike, as_of: dt.date, columns: Columns | None = None
) -> Figures:
    """The figures of ``account`` on ``as_of``: read off the schedule when it was paid on time,
    else replayed without the ledger, by :func:`~coopfinance.servicing._lean.lean_figures` when
    it takes the account (``columns``: its schedule's, if kept), else by the
    :class:`~coopfinance.servicing._replay.Replay` (``as_of`` is checked by the caller)."""
    fast = on_time_figures(account, as_of)
    if fast is not None:
        return fast
    lean = lean_figures(account, as_of, columns)
    if lean is not None:
        return Figures(*lean)  # type: ignore[arg-type]
    replay = Replay(account, detail=False)
    replay.replay(as_of)
    return replay_figures(replay, as_of)


class _OnTimeTable:
    """What recognizing an account paid on time needs of its schedule, prepared once.

    ``dues`` the due dates of the rows; ``paid_by[k]`` how many of the first ``k`` rows ask for
    a payment (a total that is not 0); ``pairs`` the (due date, total) of those rows, in order;
    ``known`` the figures already read off the schedule, by the number of rows due.
    """

    __slots__ = ("_columns", "dues", "known", "paid_by", "pairs", "usable")

    def __init__(self, rows: Sequence[Any]) -> None:
        self.dues = [row.due_date for row in rows]
        self.usable = all(a < b for a, b in zip(self.dues, self.dues[1:], strict=False))
        self.pairs = tuple((row.due_date, row.total) for row in rows if row.total)
        count = [0]
        for row in rows:
            count.append(count[-1] + (1 if row.total else 0))
        self.paid_by = count
        self.known: dict[int, Figures] = {}
        self._columns: Columns | None = None

    def columns(self, account: AccountLike) -> Columns:
        """The schedule's :class:`~coopfinance.servicing._lean.Columns`, made on first use."""
        if self._columns is None:
            self._columns = Columns(account)
        return self._columns


def _table_of(account: AccountLike) -> _OnTimeTable:
    held = getattr(account, "_on_time", None)
    if isinstance(held, _OnTimeTable):
        return held
    table = _OnTimeTable(schedule_of(account).installments)
    if hasattr(account, "_on_time"):
        object.__setattr__(account, "_on_time", table)
    return table


def paid_on_due_dates(
    account: AccountLike, as_of: dt.date, table: _OnTimeTable | None = None
) -> Figures | None:
    """The figures of an account whose events up to ``as_of`` are exactly one :class:`Payment`
    per installment due by then, on its due date and of its total; None for any other.

    The common case of :func:`on_time_figures` (no payment early), recognized by one comparison
    of the events' (date, amount) pairs with the schedule's (:class:`_OnTimeTable`, kept with the
    account). Its figures depend only on the number ``k`` of rows due by ``as_of``, so they are
    computed once per ``k`` by :func:`on_time_figures` itself and remembered: the same values.
    """
    if table is None:
        table = _table_of(account)
    if not table.usable:
        return None
    k = bisect.bisect_right(table.dues, as_of)
    m = table.paid_by[k]
    events = account.events
    if len(events) > m:
        if events[m].date <= as_of:
            return None  # another event by as_of: a payment made early, a charge, ...
        events = events[:m]
    elif len(events) < m:
        return None
    for e in events:
        if type(e) is not Payment:
            return None
    if tuple([(e.date, e.amount) for e in events]) != table.pairs[:m]:  # type: ignore[union-attr]
        return None
    known = table.known.get(k)
    if known is None:
        with decimal.localcontext(CONTEXT):  # remembered: made in the library's context
            known = on_time_figures(account, as_of)
        if known is None:  # pragma: no cover - on_time_figures accepts every such account
            return None
        table.known[k] = known
    return known


def many_figures(accounts: Sequence[AccountLike], as_of: dt.date) -> list[Figures]:
    """:func:`account_figures` of each account on ``as_of`` (checked by the caller, see
    :meth:`LoanAccount.figures`), in one Decimal context: accounts paid on their due dates are
    recognized in bulk (:func:`paid_on_due_dates`), any other goes through
    :func:`account_figures` (early payers read off the schedule, the rest replayed)."""
    out: list[Figures] = []
    add = out.append
    with decimal.localcontext(CONTEXT):
        for account in accounts:
            table = _table_of(account)
            fast = paid_on_due_dates(account, as_of, table)
            if fast is None:
                fast = account_figures(account, as_of, table.columns(account))
            add(fast)
    return out


_NO_WRITE_OFF = Components.of([ZERO, ZERO, ZERO, ZERO]).total


def on_time_figures(account: AccountLike, as_of: dt.date) -> Figures | None:
    """The figures of an account paid on time, read off its schedule; None for any other.

    Paid on time: the events up to ``as_of`` are only :class:`Payment` values which, in their
    canonical order, pay the installments in turn (those whose total is not 0), each exactly its
    ``total`` on or before its due date, and every installment due by ``as_of`` is paid; due dates
    strictly increase. A payment made early waits as a credit and pays its installment on the due
    date, so the replay pays each installment in full by its due date: nothing is ever late, and
    its snapshot holds what is summed here, in the same order (even the Decimal exponents match).

    Early payments must not let the replay do anything else with the money: the account must put
    what is left over to the next installments (:attr:`Overpayment.NEXT_INSTALLMENTS`), and on
    each date with a payment, the money received beyond what fell due must stay under the
    principal not yet due (so the payment cannot pay the loan off: a payoff also needs the
    accrued interest, which is never negative).
    """
    pays: list[Payment] = []
    for e in account.events:  # in the canonical order: by date
        if e.date > as_of:
            break
        if type(e) is not Payment:
            return None
        pays.append(e)
    rows = schedule_of(account).installments
    n = len(pays)
    j = 0
    early = False
    overdue = not_due = fallen = paid_due = ZERO
    prev: dt.date | None = None
    for row in rows:
        due = row.due_date
        if prev is not None and due <= prev:
            return None
        prev = due
        if row.total:
            if j < n:
                pay = pays[j]
                if pay.amount != row.total or pay.date > due:
                    return None
                early = early or pay.date < due
                j += 1
            elif due <= as_of:
                return None
        if due > as_of:
            not_due += row.principal - (row.balance - row.opening_balance + row.principal) - ZERO
            continue
        p = row.principal
        pp, pi, pf = _paid(p), _paid(row.interest), _paid(row.charges)
        overdue += p - pp - ZERO - ZERO  # what the replay leaves unpaid: nothing
        fallen += (p + row.interest + row.charges) - (ZERO + ZERO + ZERO)
        fallen -= ZERO + ZERO + ZERO
        paid_due += pp + pi + pf
    if j < n or (early and not _no_surplus_use(account, pays, rows)):
        return None
    status = AccountStatus.CLOSED if not_due == 0 else AccountStatus.ACTIVE
    return Figures(
        principal_outstanding=overdue + not_due,
        days_past_due=0,
        status=status,
        fallen_due=fallen,
        paid_of_due=paid_due,
        written_off=_NO_WRITE_OFF,
        recovered=ZERO,
    )


def _no_surplus_use(account: AccountLike, pays: list[Payment], rows: Sequence[Any]) -> bool:
    """Whether the money a replay holds after each date's payments (at most ``R − D``: received
    so far less the totals due so far, all of which are paid) only waits as a credit: the account
    keeps overpayments for the next installments and ``R − D`` stays below the principal not yet
    due on every payment date where it is positive (see :func:`on_time_figures`)."""
    if account.overpayment is not Overpayment.NEXT_INSTALLMENTS:
        return False
    if getattr(account, "interest", None) is InterestMethod.ACTUAL_BALANCE:
        return False  # money held early is applied to the balance at once
    received = due_total = ZERO
    not_due = sum(
        (row.principal - (row.balance - row.opening_balance + row.principal) for row in rows), ZERO
    )
    k = 0
    for idx, pay in enumerate(pays):
        received += pay.amount
        t = pay.date
        if idx + 1 < len(pays) and pays[idx + 1].date == t:
            continue  # the date's last payment
        while k < len(rows) and rows[k].due_date <= t:
            due_total += rows[k].total
            row = rows[k]
            not_due -= row.principal - (row.balance - row.opening_balance + row.principal)
            k += 1
        if received > due_total and received - due_total >= not_due:
            return False
    return True


def _paid(owed: Decimal) -> Decimal:
    """What the replay's allocation records as paid of a component owing ``owed`` in full."""
    return ZERO + owed if owed > 0 else ZERO


def replay_figures(replay: Replay, as_of: dt.date) -> Figures:
    """What :func:`coopfinance.portfolio.exposure` sums from :meth:`Replay.snapshot`'s state,
    summed from the replay's items in the same order (same values, same Decimal exponents)."""
    dpd = 0
    overdue = fallen = paid_due = ZERO
    due_sum = ZERO
    for it in replay.items:
        if it.due > as_of:
            continue
        a, p, w, c = it.amt, it.paid, it.waived, it.closed
        out_p = a[0] - p[0] - w[0] - c[0]
        out_i = a[1] - p[1] - w[1] - c[1]
        out_f = a[2] - p[2] - w[2] - c[2]
        out_x = a[3] - p[3] - w[3] - c[3]
        overdue += out_p
        due_sum += out_p + out_i + out_f + out_x
        if it.kind is ItemKind.INSTALLMENT:
            if out_p + out_i + out_f > 0:
                dpd = max(dpd, (as_of - it.due).days)
            fallen += (a[0] + a[1] + a[2]) - (w[0] + w[1] + w[2])
            fallen -= c[0] + c[1] + c[2]
            paid_due += p[0] + p[1] + p[2]
    not_due = replay.principal_not_due(as_of)
    status = replay.status
    if status is AccountStatus.ACTIVE and not_due == 0 and due_sum == 0:
        status = AccountStatus.CLOSED
    return Figures(
        principal_outstanding=overdue + not_due,
        days_past_due=dpd,
        status=status,
        fallen_due=fallen,
        paid_of_due=paid_due,
        written_off=Components.of(replay.written_off).total,
        recovered=replay.recovered,
    )
