"""The straightforward replay engine, frozen as it was before the speed work (issue 4).

A verbatim copy of ``_Item`` and ``_Replay`` from ``coopfinance.servicing._account`` at commit
802f65d, kept here so a property test can check that the optimized engine gives the very same
:class:`AccountState` (``repr`` included, so ``Decimal('0')`` and ``Decimal('0.00')`` differ).
Not a test module: ``reference_state(account, as_of)`` is its only entry point.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from coopfinance._builder import period_rates
from coopfinance._charges import ChargeKind
from coopfinance._conventions import Amortization, Grace
from coopfinance._decimal import CONTEXT, ONE, ZERO
from coopfinance._money import Money, round_to
from coopfinance._schedule import Schedule
from coopfinance._terms import LoanTerms
from coopfinance.errors import InvalidEvent, InvalidLoanTerms
from coopfinance.servicing import AccountState, LoanAccount
from coopfinance.servicing._events import (
    ChargeApplied,
    Component,
    Disbursement,
    Event,
    Payment,
    Prepayment,
    PrepaymentChoice,
    Recovery,
    Reschedule,
    Waiver,
    WriteOff,
    event_kind,
)
from coopfinance.servicing._policy import (
    GraceDays,
    LateBase,
    LateFeeBasis,
    Overpayment,
    Proration,
)
from coopfinance.servicing._values import (
    AccountStatus,
    Allocation,
    Components,
    ItemKind,
    ItemState,
    Movement,
    MovementKind,
)

_P, _I, _F, _X = 0, 1, 2, 3
_INDEX = {
    Component.PRINCIPAL: _P,
    Component.INTEREST: _I,
    Component.FEES: _F,
    Component.PENALTIES: _X,
}


def reference_state(account: LoanAccount, as_of: dt.date) -> AccountState:
    """The state as the original engine computes it."""
    with decimal.localcontext(CONTEXT):
        return _Replay(account).run(as_of)


class _Item:
    __slots__ = (
        "amt",
        "cap",
        "carried",
        "closed",
        "due",
        "kind",
        "late_fee",
        "late_fees",
        "number",
        "opening",
        "paid",
        "ref",
        "row_interest",
        "seg_base",
        "seg_comp",
        "seg_mora",
        "seg_settled",
        "seg_start",
        "seq",
        "start",
        "waived",
    )

    def __init__(
        self,
        kind: ItemKind,
        number: int | None,
        due: dt.date,
        seq: int,
        *,
        ref: str = "",
        amt: list[Decimal] | None = None,
    ) -> None:
        self.kind = kind
        self.number = number
        self.due = due
        self.seq = seq
        self.ref = ref
        self.amt = amt if amt is not None else [ZERO, ZERO, ZERO, ZERO]
        self.paid = [ZERO, ZERO, ZERO, ZERO]
        self.waived = [ZERO, ZERO, ZERO, ZERO]
        self.closed = [ZERO, ZERO, ZERO, ZERO]
        self.cap = ZERO
        self.carried = ZERO
        self.row_interest = ZERO
        self.opening = ZERO
        self.start = due
        self.late_fee = ZERO
        self.late_fees = 0
        self.seg_start = due
        self.seg_base = ZERO
        self.seg_mora = ZERO
        self.seg_comp = ZERO
        self.seg_settled = ZERO

    def unpaid(self, c: int) -> Decimal:
        return self.amt[c] - self.paid[c] - self.waived[c] - self.closed[c]

    def settled(self) -> Decimal:
        """What has been paid or waived of the item, all components (a change is a touch)."""
        p, w = self.paid, self.waived
        return p[0] + p[1] + p[2] + p[3] + w[0] + w[1] + w[2] + w[3]


class _Replay:
    """The mutable engine behind :meth:`LoanAccount.state` (private; one use per replay)."""

    def __init__(self, account: LoanAccount) -> None:
        self.account = account
        terms = account.terms
        self.terms = terms
        self.currency = terms.principal.currency
        self.unit = terms.rounding.unit_for(self.currency)
        self.mode = terms.rounding.mode.value
        self.late = account.late
        self.strategy = account.allocation
        self.order = [_INDEX[c] for c in self.strategy.order]
        self.items: list[_Item] = []
        self.seq = 0
        self.credit = ZERO
        self.recovered = ZERO
        self.written_off = [ZERO, ZERO, ZERO, ZERO]
        self.disbursed = ZERO
        self.status = AccountStatus.ACTIVE
        self.allocations: list[Allocation] = []
        self.movements: list[Movement] = []
        self.seg_terms = terms
        self.installment_amount = ZERO

    # -- helpers ---------------------------------------------------------------------------------
    def rnd(self, x: Decimal) -> Decimal:
        return round_to(x, self.unit, self.mode)

    def new_item(self, kind: ItemKind, number: int | None, due: dt.date, ref: str = "") -> _Item:
        self.seq += 1
        item = _Item(kind, number, due, self.seq, ref=ref)
        self.items.append(item)
        return item

    def sort(self) -> None:
        self.items.sort(key=lambda it: (it.due, it.seq))

    def future(self, t: dt.date) -> list[_Item]:
        return [it for it in self.items if it.due > t and it.kind is ItemKind.INSTALLMENT]

    def principal_not_due(self, t: dt.date) -> Decimal:
        return sum((it.amt[_P] - it.cap - it.closed[_P] for it in self.future(t)), ZERO)

    def base(self, it: _Item) -> Decimal:
        if it.kind is not ItemKind.INSTALLMENT:
            return ZERO
        b = it.unpaid(_P)
        if self.late.base is LateBase.INSTALLMENT:
            sched = it.row_interest + it.carried
            b += max(sched - it.paid[_I] - it.waived[_I] - it.closed[_I], ZERO)
        return b

    def accrued(self, t: dt.date) -> Decimal:
        """Interest accrued from the start of the current period to ``t`` (not yet due)."""
        fut = self.future(t)
        if not fut:
            return ZERO
        first = fut[0]
        if t <= first.start:
            return first.carried
        full = first.row_interest + first.cap
        terms = self.seg_terms
        share = self.account.proration is Proration.PERIOD_SHARE or (
            self.account.proration is None and terms.rate.is_flat
        )
        if share or terms.amortization is Amortization.FLAT:
            span = (first.due - first.start).days
            part = self.rnd(full * (t - first.start).days / span) if span else full
        else:
            tau = terms.day_count.year_fraction(first.start, t, terms.frequency)
            part = self.rnd(first.opening * terms.rate.period_rate(tau))
        return first.carried + min(part, full)

    # -- schedule segments -------------------------------------------------------------------------
    def add_schedule(self, schedule: Schedule, first_number: int, carried: Decimal) -> None:
        prev = schedule.disbursed
        created = []
        for row in schedule.installments:
            number = first_number + row.number - 1 if row.number else 0
            it = self.new_item(ItemKind.INSTALLMENT, number, row.due_date)
            created.append(it)
            it.amt = [row.principal, row.interest, row.charges, ZERO]
            it.cap = row.capitalized
            it.row_interest = row.interest
            it.opening = row.opening_balance
            it.start = prev
            prev = row.due_date
        if carried:
            created[0].carried = carried
            created[0].amt[_I] += carried
        self.sort()

    def segment_terms(
        self, template: LoanTerms, principal: Decimal, t: dt.date, dates: Sequence[dt.date] | None
    ) -> LoanTerms:
        changes: dict[str, Any] = {
            "principal": Money(amount=principal, currency=self.currency),
            "disbursed": t,
            "charges": tuple(c for c in template.charges if c.kind is not ChargeKind.UPFRONT),
            "down_payment": None,
        }
        if dates is not None:
            weights = template.weights
            if weights is not None:
                weights = weights[len(weights) - len(dates) :]
            changes |= {
                "installments": None,
                "due_dates": tuple(dates),
                "first_due": None,
                "grace": Grace(),
                "weights": weights,
                "business_day": "none",
            }
        return template.evolve(**changes)

    def reamortize(
        self, t: dt.date, principal: Decimal, carried: Decimal, choice: PrepaymentChoice
    ) -> None:
        fut = self.future(t)
        if not fut:
            raise InvalidEvent(
                f"no installment falls due after {t} to re-amortize the balance over.",
                field="date",
                value=t,
            )
        dates = [it.due for it in fut]
        first_number = fut[0].number if fut[0].number is not None else 1
        for it in fut:
            self.items.remove(it)
        if principal <= 0:
            return
        terms = self.segment_terms(self.seg_terms, principal, t, dates)
        schedule = terms.schedule()
        shorter = choice in (PrepaymentChoice.REDUCE_TERM, PrepaymentChoice.REDUCE_TERM_RELEVEL)
        if shorter and self.installment_amount > 0:
            n = next(  # the fewest dates whose level installment is at most the current one
                k
                for k in range(1, len(dates) + 1)
                if k == len(dates)
                or self.segment_terms(self.seg_terms, principal, t, dates[:k])
                .schedule()
                .installment_amount
                <= self.installment_amount
            )
            terms = self.segment_terms(self.seg_terms, principal, t, dates[:n])
            if (
                choice is PrepaymentChoice.REDUCE_TERM
                and terms.amortization is Amortization.LEVEL
                and not terms.level_includes_insurance
                and n > 1
            ):
                # same cuota C, the last smaller: B = C·Σ_{k<n} v_k + w·C·v_n
                _, rates, _ = period_rates(terms, dates[:n])
                v = [ONE]
                for i in rates:
                    v.append(CONTEXT.divide(v[-1], ONE + i))
                pv = sum(v[1:n], ZERO)
                w = CONTEXT.divide(CONTEXT.divide(principal, self.installment_amount) - pv, v[n])
                if ZERO < w < ONE:
                    terms = terms.evolve(
                        amortization=Amortization.WEIGHTED, weights=(*([ONE] * (n - 1)), w)
                    )
            schedule = terms.schedule()
        self.installment_amount = schedule.installment_amount
        self.add_schedule(schedule, first_number, carried)

    # -- allocation --------------------------------------------------------------------------------
    def allocate(self, t: dt.date, amount: Decimal) -> tuple[list[Decimal], Decimal]:
        applied = [ZERO, ZERO, ZERO, ZERO]
        rem = amount
        due = [it for it in self.items if it.due <= t]
        if self.strategy.vertical:
            pairs = [(it, c) for c in self.order for it in due]
        else:
            pairs = [(it, c) for it in due for c in self.order]
        for it, c in pairs:
            if rem <= 0:
                break
            owed = it.unpaid(c)
            if owed > 0:
                x = owed if owed < rem else rem
                it.paid[c] += x
                applied[c] += x
                rem -= x
        return applied, rem

    def settle(self, t: dt.date, ref: str, principal: Decimal, interest: Decimal) -> _Item:
        it = self.new_item(ItemKind.SETTLEMENT, None, t, ref)
        it.amt = [principal, interest, ZERO, ZERO]
        self.sort()
        return it

    def use_surplus(
        self, t: dt.date, ref: str, rem: Decimal, applied: list[Decimal], mode: Overpayment
    ) -> Decimal:
        """Apply money left after all dues; return the change of the credit balance (negative
        when a payoff also draws on an existing credit)."""
        not_due = self.principal_not_due(t)
        if rem <= 0 or not_due <= 0:
            return rem
        accrued = self.accrued(t)
        if rem + self.credit >= accrued + not_due:  # pays the loan off, with any credit held
            item = self.settle(t, ref, not_due, accrued)
            item.paid = [not_due, accrued, ZERO, ZERO]
            self.add_movement(t, MovementKind.ACCRUED_INTEREST, ref, [ZERO, accrued, ZERO, ZERO])
            for it in self.future(t):
                self.items.remove(it)
            applied[_P] += not_due
            applied[_I] += accrued
            return rem - accrued - not_due
        if mode is Overpayment.NEXT_INSTALLMENTS:
            return rem
        choice = PrepaymentChoice(mode.value)
        interest = min(accrued, rem)
        principal = rem - interest
        item = self.settle(t, ref, principal, interest)
        item.paid = [principal, interest, ZERO, ZERO]
        self.add_movement(t, MovementKind.ACCRUED_INTEREST, ref, [ZERO, interest, ZERO, ZERO])
        applied[_P] += principal
        applied[_I] += interest
        self.reamortize(t, not_due - principal, accrued - interest, choice)
        return ZERO

    def add_movement(
        self,
        t: dt.date,
        kind: MovementKind,
        ref: str,
        amounts: list[Decimal],
        *,
        credit: Decimal = ZERO,
        description: str = "",
    ) -> None:
        if any(amounts) or credit:
            self.movements.append(
                Movement(
                    date=t,
                    kind=kind,
                    reference=ref,
                    amounts=Components.of(amounts),
                    credit=credit,
                    description=description,
                )
            )

    # -- the daily steps ---------------------------------------------------------------------------
    def accrue(self, t: dt.date) -> None:
        late = self.late
        grace = dt.timedelta(days=late.grace_days)
        mora = late.moratorium
        added = [ZERO, ZERO, ZERO, ZERO]
        for it in self.items:
            if it.kind is not ItemKind.INSTALLMENT or it.due >= t:
                continue
            if it.seg_base > 0:
                if late.grace_kind is GraceDays.FRANCHISE:
                    start = max(it.seg_start, it.due + grace)
                else:
                    start = it.seg_start if (t - it.due).days > late.grace_days else t
                if t > start:
                    tau = Fraction((t - start).days, 360)
                    if mora is not None:
                        total = self.rnd(it.seg_base * mora.period_rate(tau))
                        inc = total - it.seg_mora
                        it.seg_mora = total
                        it.amt[_X] += inc
                        added[_X] += inc
                    if late.compensatory:
                        total = self.rnd(it.seg_base * self.seg_terms.rate.period_rate(tau))
                        inc = total - it.seg_comp
                        it.seg_comp = total
                        it.amt[_I] += inc
                        added[_I] += inc
            days = (t - it.due).days - late.grace_days
            if late.late_fee and days > 0:
                owed = 1 if late.late_fee_every is None else 1 + (days - 1) // late.late_fee_every
                while it.late_fees < owed and it.unpaid(_P) + it.unpaid(_I) + it.unpaid(_F) > 0:
                    it.late_fees += 1
                    if late.late_fee_basis is LateFeeBasis.FLAT:
                        fee = late.late_fee
                    else:
                        sched = it.row_interest + it.carried
                        interest = max(sched - it.paid[_I] - it.waived[_I] - it.closed[_I], ZERO)
                        b = {
                            LateFeeBasis.PRINCIPAL: it.unpaid(_P),
                            LateFeeBasis.PRINCIPAL_INTEREST: it.unpaid(_P) + interest,
                            LateFeeBasis.INSTALLMENT: it.unpaid(_P) + interest + it.unpaid(_F),
                        }[late.late_fee_basis]
                        fee = self.rnd(b * late.late_fee)
                    if late.late_fee_cap is not None:
                        fee = max(min(fee, late.late_fee_cap - it.late_fee), ZERO)
                    it.late_fee += fee
                    it.amt[_X] += fee
                    added[_X] += fee
        self.add_movement(t, MovementKind.LATE_CHARGES, "", added)

    def fall_due(self, t: dt.date) -> None:
        for it in self.items:
            if it.due == t and it.kind is ItemKind.INSTALLMENT:
                amounts = [it.cap, it.amt[_I], it.amt[_F], ZERO]
                label = f"{it.number}"
                self.add_movement(t, MovementKind.INSTALLMENT_DUE, label, amounts)
                it.seg_start = t
                it.seg_base = self.base(it)
                it.seg_settled = it.settled()

    def apply_credit(self, t: dt.date) -> None:
        if self.credit <= 0 or self.status is AccountStatus.WRITTEN_OFF:
            return
        applied, rem = self.allocate(t, self.credit)
        used = self.credit - rem
        if used:
            self.credit = rem
            self.allocations.append(
                Allocation(
                    date=t,
                    reference=f"credit:{t.isoformat()}",
                    source="credit",
                    amount=used,
                    applied=Components.of(applied),
                )
            )
            self.add_movement(
                t, MovementKind.CREDIT_APPLIED, "", [-a for a in applied], credit=-used
            )

    def restart_segments(self, t: dt.date) -> None:
        for it in self.items:
            if it.kind is ItemKind.INSTALLMENT and it.due <= t:
                b = self.base(it)
                settled = it.settled()
                if b != it.seg_base or settled != it.seg_settled:
                    within = (t - it.due).days <= self.late.grace_days
                    tolerance = self.late.grace_kind is GraceDays.TOLERANCE
                    start = it.due if tolerance and within else t
                    it.seg_start, it.seg_base, it.seg_mora, it.seg_comp = start, b, ZERO, ZERO
                    it.seg_settled = settled

    # -- events ----------------------------------------------------------------------------------
    def start(self, tranche: Decimal | None) -> None:
        terms = self.terms
        if tranche is not None and tranche != terms.principal.amount:
            terms = terms.evolve(principal=Money(amount=tranche, currency=self.currency))
        schedule = terms.schedule()
        self.installment_amount = schedule.installment_amount
        self.disbursed = schedule.principal
        self.add_schedule(schedule, 1, ZERO)
        self.add_movement(
            terms.disbursed,
            MovementKind.DISBURSEMENT,
            "",
            [schedule.principal, ZERO, ZERO, ZERO],
        )
        for it in self.items:
            it.seg_start = it.due

    def apply(self, e: Event, t: dt.date) -> None:
        if isinstance(e, Payment | Recovery) and (
            isinstance(e, Recovery) or self.status is AccountStatus.WRITTEN_OFF
        ):
            self.recover(e, t)
        elif isinstance(e, Payment | Prepayment):
            self.pay(e, t)
        elif isinstance(e, Disbursement):
            self.tranche(e, t)
        elif isinstance(e, ChargeApplied):
            it = self.new_item(ItemKind.CHARGE, None, t, e.id)
            amounts = [ZERO, ZERO, ZERO, ZERO]
            amounts[_INDEX[e.component]] = e.amount
            it.amt = list(amounts)
            self.sort()
            self.add_movement(t, MovementKind.CHARGE, e.id, amounts, description=e.description)
        elif isinstance(e, Waiver):
            self.waive(e, t)
        elif isinstance(e, Reschedule):
            self.reschedule(e, t)
        elif isinstance(e, WriteOff):
            self.write_off(e, t)

    def pay(self, e: Payment | Prepayment, t: dt.date) -> None:
        applied, rem = self.allocate(t, e.amount)
        if isinstance(e, Prepayment):
            mode = Overpayment(e.choice.value)
            kind = MovementKind.PREPAYMENT
        else:
            mode = self.account.overpayment
            kind = MovementKind.PAYMENT
        to_credit = self.use_surplus(t, e.id, rem, applied, mode)
        self.credit += to_credit
        self.allocations.append(
            Allocation(
                date=t,
                reference=e.id,
                source=event_kind(e),
                amount=e.amount,
                applied=Components.of(applied),
                to_credit=to_credit,
            )
        )
        self.add_movement(
            t, kind, e.id, [-a for a in applied], credit=to_credit, description=e.channel
        )

    def recover(self, e: Payment | Recovery, t: dt.date) -> None:
        open_ = sum(self.written_off, ZERO) - self.recovered
        rec = min(e.amount, max(open_, ZERO))
        self.recovered += rec
        extra = e.amount - rec
        self.credit += extra
        self.allocations.append(
            Allocation(
                date=t,
                reference=e.id,
                source="recovery",
                amount=e.amount,
                applied=Components(),
                to_credit=extra,
                recovered=rec,
            )
        )
        self.movements.append(
            Movement(
                date=t,
                kind=MovementKind.RECOVERY,
                reference=e.id,
                amounts=Components(),
                credit=extra,
                description=f"{rec}",
            )
        )

    def tranche(self, e: Disbursement, t: dt.date) -> None:
        not_due = self.principal_not_due(t)
        accrued = self.accrued(t)
        self.reamortize(t, not_due + e.amount, accrued, PrepaymentChoice.REDUCE_INSTALLMENT)
        self.disbursed += e.amount
        self.add_movement(t, MovementKind.DISBURSEMENT, e.id, [e.amount, ZERO, ZERO, ZERO])

    def waive(self, e: Waiver, t: dt.date) -> None:
        c = _INDEX[e.component]
        due = [it for it in self.items if it.due <= t]
        available = sum((it.unpaid(c) for it in due), ZERO)
        want = available if e.amount is None else e.amount
        if want > available:
            raise InvalidEvent(
                f"'amount' of waiver {e.id!r} must be at most the {e.component.value} due on "
                f"{t}, {available} (got {want}).",
                field="amount",
                value=want,
            )
        rem = want
        for it in due:
            x = min(it.unpaid(c), rem)
            it.waived[c] += x
            rem -= x
        amounts = [ZERO, ZERO, ZERO, ZERO]
        amounts[c] = -want
        self.add_movement(t, MovementKind.WAIVER, e.id, amounts)

    def close_due(self, t: dt.date, components: Sequence[int]) -> list[Decimal]:
        moved = [ZERO, ZERO, ZERO, ZERO]
        for it in self.items:
            if it.due <= t:
                for c in components:
                    x = it.unpaid(c)
                    if x:
                        it.closed[c] += x
                        moved[c] += x
        return moved

    def close_future(self, t: dt.date, ref: str) -> tuple[Decimal, Decimal]:
        not_due = self.principal_not_due(t)
        accrued = self.accrued(t)
        for it in self.future(t):
            self.items.remove(it)
        item = self.settle(t, ref, not_due, accrued)
        item.closed = [not_due, accrued, ZERO, ZERO]
        return not_due, accrued

    def reschedule(self, e: Reschedule, t: dt.date) -> None:
        comps = [_P, _I, _F, _X] if e.capitalize else [_P]
        moved = self.close_due(t, comps)
        not_due, accrued = self.close_future(t, e.id)
        self.add_movement(t, MovementKind.ACCRUED_INTEREST, e.id, [ZERO, accrued, ZERO, ZERO])
        principal = sum(moved, ZERO) + not_due + accrued
        if principal <= 0:
            raise InvalidEvent(
                f"reschedule {e.id!r} on {t} has no balance to reschedule (got 0).",
                field="date",
                value=t,
            )
        try:
            terms = self.segment_terms(e.terms, principal, t, None)
            schedule = terms.schedule()
        except InvalidLoanTerms as exc:
            raise InvalidEvent(
                f"reschedule {e.id!r}: {exc}", field=exc.field, value=exc.value
            ) from None
        numbers = [it.number for it in self.items if it.number is not None]
        self.seg_terms = e.terms
        self.installment_amount = schedule.installment_amount
        self.add_schedule(schedule, max(numbers, default=0) + 1, ZERO)
        out = [-moved[_P] - not_due, -moved[_I] - accrued, -moved[_F], -moved[_X]]
        out[_P] += principal
        self.add_movement(t, MovementKind.RESCHEDULE, e.id, out)

    def write_off(self, e: WriteOff, t: dt.date) -> None:
        moved = self.close_due(t, [_P, _I, _F, _X])
        not_due = self.principal_not_due(t)
        for it in self.future(t):
            self.items.remove(it)
        if not_due:
            item = self.settle(t, e.id, not_due, ZERO)
            item.closed = [not_due, ZERO, ZERO, ZERO]
        moved[_P] += not_due
        self.written_off = moved
        self.status = AccountStatus.WRITTEN_OFF
        self.add_movement(t, MovementKind.WRITE_OFF, e.id, [-m for m in moved])

    # -- the loop --------------------------------------------------------------------------------
    def run(self, as_of: dt.date) -> AccountState:
        events = [e for e in self.account.events if e.date <= as_of]
        tranches = [e for e in events if isinstance(e, Disbursement)]
        self.start(tranches[0].amount if tranches else None)
        if tranches:
            events = [e for e in events if e is not tranches[0]]
        t = self.terms.disbursed
        i = 0
        first = True
        while True:
            if not first:
                candidates = [as_of] if as_of > t else []
                if i < len(events):
                    candidates.append(events[i].date)
                candidates.extend(it.due for it in self.items if t < it.due <= as_of)
                if not candidates:
                    break
                t = min(candidates)
            first = False
            self.accrue(t)
            self.fall_due(t)
            self.apply_credit(t)
            while i < len(events) and events[i].date == t:
                self.apply(events[i], t)
                i += 1
            self.restart_segments(t)
            if t >= as_of and i >= len(events):
                break
        return self.snapshot(as_of)

    def snapshot(self, as_of: dt.date) -> AccountState:
        items = []
        dpd = 0
        due_sum = [ZERO, ZERO, ZERO, ZERO]
        paid = [ZERO, ZERO, ZERO, ZERO]
        waived = [ZERO, ZERO, ZERO, ZERO]
        for it in self.items:
            out = [it.unpaid(c) for c in range(4)]
            late = 0
            if it.due <= as_of:
                for c in range(4):
                    due_sum[c] += out[c]
                if it.kind is ItemKind.INSTALLMENT and out[_P] + out[_I] + out[_F] > 0:
                    late = (as_of - it.due).days
                    dpd = max(dpd, late)
            for c in range(4):
                paid[c] += it.paid[c]
                waived[c] += it.waived[c]
            items.append(
                ItemState(
                    kind=it.kind,
                    number=it.number,
                    due_date=it.due,
                    reference=it.ref,
                    due=Components.of(it.amt),
                    paid=Components.of(it.paid),
                    waived=Components.of(it.waived),
                    closed=Components.of(it.closed),
                    outstanding=Components.of(out),
                    days_past_due=late,
                )
            )
        not_due = self.principal_not_due(as_of)
        accrued = self.accrued(as_of) if self.status is not AccountStatus.WRITTEN_OFF else ZERO
        status = self.status
        if status is AccountStatus.ACTIVE and not_due == 0 and sum(due_sum, ZERO) == 0:
            status = AccountStatus.CLOSED
        return AccountState(
            as_of=as_of,
            currency=self.currency.code,
            status=status,
            disbursed=self.disbursed,
            principal_overdue=due_sum[_P],
            principal_not_due=not_due,
            interest_due=due_sum[_I],
            interest_accrued=accrued,
            fees_due=due_sum[_F],
            penalties_due=due_sum[_X],
            days_past_due=dpd,
            credit=self.credit,
            installment_amount=self.installment_amount,
            paid=Components.of(paid),
            waived=Components.of(waived),
            written_off=Components.of(self.written_off),
            recovered=self.recovered,
            items=tuple(items),
            allocations=tuple(self.allocations),
            movements=tuple(self.movements),
        )
