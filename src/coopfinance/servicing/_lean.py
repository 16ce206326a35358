"""Late accounts replayed without per-item objects: :func:`lean_figures`.

A portfolio's late accounts (payments only, some late or short) are most of ``report_many``'s time
after the on-time ones are read off their schedules. :func:`lean_figures` replays such an account
to its portfolio figures on a date with the installments held as columns (lists of amounts, one
entry per installment) instead of :class:`~coopfinance.servicing._replay.Replay`'s item objects,
and without the ledger. It takes the same steps in the same order and does the same Decimal
operations as the replay (each step names the ``Replay`` method it mirrors), so its figures are
the replay's to the exponent; ``tests/servicing/test_lean.py`` holds the two equal (hypothesis,
and the benchmark's portfolio).

It takes only accounts where nothing else can happen (else it returns None and the account is
replayed): events up to the date are :class:`Payment` values and no disbursement tranche; extra
money waits for the next installments (:attr:`Overpayment.NEXT_INSTALLMENTS`) on the schedule's
interest; no late fee; due dates strictly increasing, no capitalized interest; a payment whose
money left over, with the credit held, reaches the principal not yet due (it might pay the loan
off) sends the account to the replay.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from coopfinance._decimal import CONTEXT, ZERO
from coopfinance._money import round_to
from coopfinance.servicing._events import Payment
from coopfinance.servicing._policy import GraceDays, InterestMethod, LateBase, Overpayment
from coopfinance.servicing._replay import (
    _INDEX,
    AccountLike,
    _late_rate,
    _rate_table,
    schedule_of,
)
from coopfinance.servicing._values import AccountStatus, Components

__all__ = ["lean_figures"]

_NO_WRITE_OFF = Components.of([ZERO, ZERO, ZERO, ZERO]).total


class _Bail(Exception):
    """The account needs the full replay after all."""


class Columns:
    """An account's schedule as the columns :func:`lean_figures` starts from (prepared once and
    kept with the account, see :func:`~coopfinance.servicing._figures.many_figures`); ``usable``
    is False for a schedule it does not take (due dates not increasing, capitalized interest)."""

    __slots__ = ("af", "ai", "ap", "cap", "due", "mode", "quantizable", "unit", "usable")

    def __init__(self, account: AccountLike) -> None:
        rows = schedule_of(account).installments
        terms = account.terms
        self.unit = unit = terms.rounding.unit_for(terms.principal.currency)
        self.mode = terms.rounding.mode.value
        tup = unit.as_tuple()
        self.quantizable = (
            tup.digits == (1,) and isinstance(tup.exponent, int) and tup.exponent <= 0
        )
        self.due = [row.due_date for row in rows]
        self.ap = [row.principal for row in rows]
        self.ai = [row.interest for row in rows]  # also the rows' scheduled interest
        self.af = [row.charges for row in rows]
        self.cap = [row.balance - row.opening_balance + row.principal for row in rows]
        self.usable = not any(self.cap) and all(
            a < b for a, b in zip(self.due, self.due[1:], strict=False)
        )


def lean_figures(
    account: AccountLike, as_of: dt.date, columns: Columns | None = None
) -> tuple[object, ...] | None:
    """The :class:`~coopfinance.servicing._figures.Figures` fields of ``account`` on ``as_of``
    (in the Decimal context of the caller), or None when the account is not one it takes.
    ``columns``: the account's :class:`Columns`, if kept."""
    late = account.late
    if (
        late.late_fee
        or account.overpayment is not Overpayment.NEXT_INSTALLMENTS
        or account.interest is not InterestMethod.SCHEDULE
    ):
        return None
    events = []
    for e in account.events:
        if e.date > as_of:
            break
        if type(e) is not Payment:
            return None
        events.append(e)
    if columns is None:
        columns = Columns(account)
    if not columns.usable:
        return None
    try:
        return _run(account, columns, events, as_of)
    except _Bail:
        return None


def _run(
    account: AccountLike, columns: Columns, events: list[Payment], as_of: dt.date
) -> tuple[object, ...]:
    terms = account.terms
    late = account.late
    unit, mode, quantizable = columns.unit, columns.mode, columns.quantizable

    def rnd(x: Decimal) -> Decimal:  # Replay.rnd
        if quantizable:
            return x.quantize(unit, rounding=mode, context=CONTEXT)
        return round_to(x, unit, mode)

    # the installments as columns (Replay.start / addcached_schedule); principal and fees never
    # change, interest and penalties do (late interest)
    due, cap, row_interest = columns.due, columns.cap, columns.ai
    count = len(due)
    amt = [columns.ap, list(columns.ai), columns.af, [ZERO] * count]
    paid = [[ZERO] * count, [ZERO] * count, [ZERO] * count, [ZERO] * count]
    seg_start = list(due)
    seg_base = [ZERO] * count
    seg_mora = [ZERO] * count
    seg_comp = [ZERO] * count
    seg_settled = [ZERO] * count  # what was paid of the installment when its period started
    ap, ai, af, ax = amt
    pp, pi, pf, px = paid

    def settled(k: int) -> Decimal:  # Replay's _Item.settled (nothing is waived here)
        return pp[k] + pi[k] + pf[k] + px[k]

    order = [_INDEX[c] for c in account.allocation.order]
    vertical = account.allocation.vertical
    by_installment = late.base is LateBase.INSTALLMENT
    tolerance = late.grace_kind is GraceDays.TOLERANCE
    franchise = late.grace_kind is GraceDays.FRANCHISE
    grace_days = late.grace_days
    grace = dt.timedelta(days=grace_days)
    mora = late.moratorium
    mora_rates = _rate_table(mora) if mora is not None else {}
    compensatory = late.compensatory
    contract = terms.rate
    comp_rates = _rate_table(contract)
    try:
        late_from = [d + grace for d in due]  # t - due > grace  ⇔  t > due + grace
    except OverflowError:  # a due date within the grace days of date.max
        raise _Bail from None
    credit = ZERO
    done = 0

    def base(k: int) -> Decimal:  # Replay.base (an installment)
        # without Replay's "- waived - closed" (0 here): a base is only compared and multiplied
        # by a rate then rounded to the unit, so its exponent never reaches a figure
        b = ap[k] - pp[k]
        if by_installment:
            b += max(row_interest[k] - pi[k], ZERO)
        return b

    def not_due_after(t: dt.date) -> Decimal:  # Replay.principal_not_due
        total = ZERO
        for k in range(count):
            if due[k] > t:
                total += ap[k] - cap[k] - ZERO
        return total

    def allocate(t: dt.date, amount: Decimal) -> Decimal:  # Replay.allocate: what is left
        rem = amount
        last = done
        while last < count and due[last] <= t:
            last += 1
        if vertical:
            for c in order:
                a, p = amt[c], paid[c]
                for k in range(done, last):
                    if rem <= 0:
                        return rem
                    owed = a[k] - p[k] - ZERO - ZERO
                    if owed > 0:
                        x = owed if owed < rem else rem
                        p[k] += x
                        rem -= x
            return rem
        for k in range(done, last):
            for c in order:
                if rem <= 0:
                    return rem
                owed = amt[c][k] - paid[c][k] - ZERO - ZERO
                if owed > 0:
                    x = owed if owed < rem else rem
                    paid[c][k] += x
                    rem -= x
        return rem

    n = len(events)
    dates = [e.date for e in events]
    i = 0
    t = terms.disbursed
    first = True
    while True:
        if not first:  # Replay.replay: the next date where something happens
            nxt = as_of if as_of > t else None
            if i < n and (nxt is None or dates[i] < nxt):
                nxt = dates[i]
            for k in range(done, count):
                if due[k] > t:
                    if due[k] <= as_of and (nxt is None or due[k] < nxt):
                        nxt = due[k]
                    break
            if nxt is None:
                break
            t = nxt
        first = False
        k = done  # Replay.advance
        while k < count:
            if due[k] >= t or seg_base[k] != 0:
                break
            if ap[k] != pp[k] or ai[k] != pi[k] or af[k] != pf[k] or ax[k] != px[k]:
                break
            k += 1
        done = k
        quiet = t < as_of and credit <= 0 and (i >= n or dates[i] != t)
        if not quiet:
            for k in range(done, count):  # Replay.accrue (no late fee)
                if due[k] >= t:
                    break
                b = seg_base[k]
                if b > 0:
                    if franchise:
                        start = max(seg_start[k], late_from[k])
                    else:
                        start = seg_start[k] if t > late_from[k] else t
                    if t > start:
                        days = (t - start).days
                        if mora is not None:
                            rate = mora_rates.get(days)  # _late_rate, its table read inline
                            if rate is None:
                                rate = _late_rate(mora, days, mora_rates)
                            total = (
                                (b * rate).quantize(unit, rounding=mode, context=CONTEXT)
                                if quantizable
                                else rnd(b * rate)
                            )
                            ax[k] += total - seg_mora[k]
                            seg_mora[k] = total
                        if compensatory:
                            rate = comp_rates.get(days)
                            if rate is None:
                                rate = _late_rate(contract, days, comp_rates)
                            total = (
                                (b * rate).quantize(unit, rounding=mode, context=CONTEXT)
                                if quantizable
                                else rnd(b * rate)
                            )
                            ai[k] += total - seg_comp[k]
                            seg_comp[k] = total
        for k in range(done, count):  # Replay.fall_due
            if due[k] > t:
                break
            if due[k] == t:
                seg_start[k] = t
                seg_base[k] = base(k)
                seg_settled[k] = settled(k)
        if quiet:
            continue
        if credit > 0:  # Replay.apply_credit
            rem = allocate(t, credit)
            if credit - rem:
                credit = rem
        while i < n and dates[i] == t:  # Replay.pay (a payment, next installments)
            rem = allocate(t, events[i].amount)
            if rem > 0:
                left = not_due_after(t)
                if left > 0 and rem + credit >= left:
                    raise _Bail  # it might pay the loan off: Replay.use_surplus decides
            credit += rem
            i += 1
        for k in range(done, count):  # Replay.restart_segments
            if due[k] > t:
                break
            b = base(k) if by_installment else ap[k] - pp[k]
            now = settled(k)
            if b != seg_base[k] or now != seg_settled[k]:  # a payment that touches it restarts
                seg_start[k] = due[k] if tolerance and t <= late_from[k] else t
                seg_base[k], seg_mora[k], seg_comp[k] = b, ZERO, ZERO
                seg_settled[k] = now
        if t >= as_of and i >= n:
            break
    # the figures (replay_figures)
    dpd = 0
    overdue = fallen = paid_due = due_sum = ZERO
    for k in range(count):
        if due[k] > as_of:
            continue
        out_p = ap[k] - pp[k] - ZERO - ZERO
        out_i = ai[k] - pi[k] - ZERO - ZERO
        out_f = amt[2][k] - paid[2][k] - ZERO - ZERO
        out_x = amt[3][k] - paid[3][k] - ZERO - ZERO
        overdue += out_p
        due_sum += out_p + out_i + out_f + out_x
        if out_p + out_i + out_f > 0:
            dpd = max(dpd, (as_of - due[k]).days)
        fallen += (ap[k] + ai[k] + amt[2][k]) - (ZERO + ZERO + ZERO)
        fallen -= ZERO + ZERO + ZERO
        paid_due += pp[k] + pi[k] + paid[2][k]
    not_due = not_due_after(as_of)
    status = AccountStatus.ACTIVE
    if not_due == 0 and due_sum == 0:
        status = AccountStatus.CLOSED
    return (overdue + not_due, dpd, status, fallen, paid_due, _NO_WRITE_OFF, ZERO)
