"""The replay engine: a loan account's events applied, date by date, on its contract.

Replay rules (see docs/servicing.md):

- Events are put in the canonical order: by date, then kind (disbursement < charge < waiver <
  payment < prepayment < reschedule < write-off < recovery), then id. The order given never
  matters; an event given twice (same id, same content) is applied once; two different events
  with the same id are an error.
- On each date, in this order: late charges accrue on overdue installments, installments fall
  due, a credit balance pays what is due, then the date's events are applied.
- Scheduled interest is not recalculated when an installment is paid early or late (lateness
  costs what :class:`LatePolicy` says); interest "to a date" (payoff, prepayment, a new tranche,
  a reschedule) is the balance of the current period times the contract rate for the actual days
  since the period began: ``B·i(τ(start, date))``.
- Money is never lost: what a payment cannot apply becomes a credit (or prepays, per
  :class:`Overpayment`); the credit pays installments as they fall due.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from itertools import islice
from typing import Any, Protocol, cast

from coopfinance._builder import period_rates
from coopfinance._charges import ChargeKind
from coopfinance._conventions import Amortization, Grace
from coopfinance._decimal import CONTEXT, ONE, ZERO
from coopfinance._money import Money, round_to
from coopfinance._rates import Rate
from coopfinance._schedule import Schedule
from coopfinance._terms import LoanTerms
from coopfinance.errors import E_, InvalidEvent, InvalidLoanTerms
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
    AllocationStrategy,
    GraceDays,
    InterestMethod,
    LateBase,
    LateFeeBasis,
    LatePolicy,
    Overpayment,
    Proration,
)
from coopfinance.servicing._values import (
    AccountState,
    AccountStatus,
    Allocation,
    Components,
    ItemKind,
    Movement,
    MovementKind,
    components,
    item_state,
)

__all__ = ["AccountLike", "Replay", "cached_schedule", "schedule_of"]

_P, _I, _F, _X = 0, 1, 2, 3
_INDEX = {
    Component.PRINCIPAL: _P,
    Component.INTEREST: _I,
    Component.FEES: _F,
    Component.PENALTIES: _X,
}


class AccountLike(Protocol):
    """What a replay reads of an account (a :class:`~coopfinance.servicing.LoanAccount`)."""

    @property
    def terms(self) -> LoanTerms: ...
    @property
    def events(self) -> tuple[Event, ...]: ...
    @property
    def allocation(self) -> AllocationStrategy: ...
    @property
    def late(self) -> LatePolicy: ...
    @property
    def overpayment(self) -> Overpayment: ...
    @property
    def proration(self) -> Proration | None: ...
    @property
    def interest(self) -> InterestMethod: ...


@functools.lru_cache(maxsize=4096)
def cached_schedule(terms: LoanTerms) -> Schedule:
    """``terms.schedule()``, remembered for the last few thousand terms (a schedule is an
    immutable value): the segments a reschedule, prepayment or tranche builds, and accounts of
    one product that share their terms."""
    return terms.schedule()


def schedule_of(account: AccountLike) -> Schedule:
    """``account.terms.schedule()``, kept with the account itself.

    A portfolio has as many distinct terms as loans (each its own amount and date), far more
    than :func:`cached_schedule` holds: run over 20,000 accounts, an LRU cache of 4,096 terms
    misses every time and rebuilds every schedule on every call (and hashes every terms value).
    A :class:`~coopfinance.servicing.LoanAccount` keeps its schedule in a private slot instead
    (built on first use; a copy made by ``attrs.evolve`` starts empty), so a nightly run over the
    same accounts builds each schedule once. Other account-like values use :func:`cached_schedule`.
    """
    held = getattr(account, "_schedule", None)
    if held is not None:
        return cast(Schedule, held)
    schedule = cached_schedule(account.terms)
    if hasattr(account, "_schedule"):
        object.__setattr__(account, "_schedule", schedule)
    return schedule


_RATE_TABLES: dict[Rate, dict[int, Decimal]] = {}
"""``rate.period_rate(days/360)`` by rate, then days: late interest asks for the same few."""


def _rate_table(rate: Rate) -> dict[int, Decimal]:
    """The remembered late-interest rates of ``rate`` by days (equal rates share one table)."""
    table = _RATE_TABLES.get(rate)
    if table is None:
        if len(_RATE_TABLES) >= 256:
            _RATE_TABLES.clear()
        table = _RATE_TABLES[rate] = {}
    return table


def _late_rate(rate: Rate, days: int, table: dict[int, Decimal]) -> Decimal:
    """``rate.period_rate(Fraction(days, 360))``, remembered in ``rate``'s :func:`_rate_table`."""
    value = table.get(days)
    if value is None:
        if len(table) >= 8192:
            table.clear()
        value = table[days] = rate.period_rate(Fraction(days, 360))
    return value


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


class Replay:
    """The mutable engine behind :meth:`LoanAccount.state` (one use per replay)."""

    def __init__(self, account: AccountLike, *, detail: bool = True) -> None:
        self.account = account
        self.detail = detail
        terms = account.terms
        self.terms = terms
        self.currency = terms.principal.currency
        self.unit = terms.rounding.unit_for(self.currency)
        self.mode = terms.rounding.mode.value
        tup = self.unit.as_tuple()
        self.quantizable = (
            tup.digits == (1,) and isinstance(tup.exponent, int) and tup.exponent <= 0
        )
        self.late = account.late
        self.strategy = account.allocation
        self.order = [_INDEX[c] for c in self.strategy.order]
        self.items: list[_Item] = []
        self.done = 0
        """How many leading items are settled for good (see :meth:`advance`)."""
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
        mora = account.late.moratorium
        self.mora_rates = _rate_table(mora) if mora is not None else {}
        self.comp_rate = terms.rate  # the contract rate whose late-interest table is held below
        self.comp_rates = _rate_table(terms.rate)
        """:func:`_rate_table` of ``comp_rate``, looked up once per rate, not per accrual (hashing
        a :class:`Rate` was a few % of ``report_many``)."""

    # -- helpers ---------------------------------------------------------------------------------
    def rnd(self, x: Decimal) -> Decimal:
        if self.quantizable:  # what round_to does for a unit such as 0.01, without its checks
            return x.quantize(self.unit, rounding=self.mode, context=CONTEXT)
        return round_to(x, self.unit, self.mode)

    def new_item(self, kind: ItemKind, number: int | None, due: dt.date, ref: str = "") -> _Item:
        self.seq += 1
        item = _Item(kind, number, due, self.seq, ref=ref)
        self.items.append(item)
        return item

    def sort(self) -> None:
        self.items.sort(key=lambda it: (it.due, it.seq))

    def advance(self, t: dt.date) -> None:
        """Move :attr:`done` past the leading items due before ``t`` with nothing unpaid and no
        late-interest base: such an item never changes again (what is unpaid only falls; new
        items sort after it), so the daily steps and allocation start after them."""
        items = self.items
        k = self.done
        while k < len(items):
            it = items[k]
            if it.due >= t or it.seg_base != 0:
                break
            amt, paid, waived, closed = it.amt, it.paid, it.waived, it.closed
            if (
                amt[0] - paid[0] - waived[0] - closed[0]
                or amt[1] - paid[1] - waived[1] - closed[1]
                or amt[2] - paid[2] - waived[2] - closed[2]
                or amt[3] - paid[3] - waived[3] - closed[3]
            ):
                break
            k += 1
        self.done = k

    def pending(self) -> Iterable[_Item]:
        """The items after the settled ones, by due date."""
        return islice(self.items, self.done, None)

    def future(self, t: dt.date) -> list[_Item]:
        return [it for it in self.items if it.due > t and it.kind is ItemKind.INSTALLMENT]

    def principal_not_due(self, t: dt.date) -> Decimal:
        total = ZERO
        for it in self.items:
            if it.due > t and it.kind is ItemKind.INSTALLMENT:
                total += it.amt[_P] - it.cap - it.closed[_P]
        return total

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
        proration = self.account.proration
        if proration is None:
            proration = Proration.PERIOD_SHARE if terms.rate.is_flat else Proration.ACCRUAL
        if proration is Proration.PERIOD_SHARE or terms.amortization is Amortization.FLAT:
            span = (first.due - first.start).days
            part = self.rnd(full * (t - first.start).days / span) if span else full
        else:
            tau = terms.day_count.year_fraction(first.start, t, terms.frequency)
            part = self.rnd(first.opening * terms.rate.period_rate(tau))
        return first.carried + min(part, full)

    # -- schedule segments -------------------------------------------------------------------------
    def addcached_schedule(self, schedule: Schedule, first_number: int, carried: Decimal) -> None:
        prev = schedule.disbursed
        created = []
        for row in schedule.installments:
            number = first_number + row.number - 1 if row.number else 0
            it = self.new_item(ItemKind.INSTALLMENT, number, row.due_date)
            created.append(it)
            it.amt = [row.principal, row.interest, row.charges, ZERO]
            it.cap = row.balance - row.opening_balance + row.principal  # row.capitalized
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
                E_("no installment falls due after %(t)s to re-amortize the balance over.", t=t),
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
        schedule = cached_schedule(terms)
        shorter = choice in (PrepaymentChoice.REDUCE_TERM, PrepaymentChoice.REDUCE_TERM_RELEVEL)
        if shorter and self.installment_amount > 0:
            lo, hi = 1, len(dates)
            while lo < hi:  # the fewest dates whose installment is at most the current one
                mid = (lo + hi) // 2
                trial = cached_schedule(
                    self.segment_terms(self.seg_terms, principal, t, dates[:mid])
                )
                if trial.installment_amount <= self.installment_amount:
                    hi = mid
                else:
                    lo = mid + 1
            terms = self.segment_terms(self.seg_terms, principal, t, dates[:lo])
            keep = (
                choice is PrepaymentChoice.REDUCE_TERM
                and terms.amortization is Amortization.LEVEL
                and not terms.level_includes_insurance
            )
            schedule = cached_schedule(
                self.same_cuota(terms, principal, dates[:lo]) if keep else terms
            )
        self.installment_amount = schedule.installment_amount
        self.addcached_schedule(schedule, first_number, carried)

    def same_cuota(
        self, terms: LoanTerms, principal: Decimal, dates: Sequence[dt.date]
    ) -> LoanTerms:
        """``terms`` over ``dates`` with every installment the current one ``C`` and the last
        smaller: weights 1, …, 1, ``w`` with ``w = (B/C − Σ_{k<n} v_k) / v_n`` (so the weighted
        annuity ``B / Σ wₖ·vₖ`` is exactly ``C``); the level terms if ``w`` is not in (0, 1)."""
        c = self.installment_amount
        _, rates, _ = period_rates(terms, dates)
        v = ONE
        acc = ZERO
        for i in rates[:-1]:
            v = CONTEXT.divide(v, ONE + i)
            acc += v
        v_last = CONTEXT.divide(v, ONE + rates[-1])
        w = CONTEXT.divide(CONTEXT.divide(principal, c) - acc, v_last)
        if not ZERO < w < ONE or len(dates) < 2:
            return terms
        weights = (*([ONE] * (len(dates) - 1)), w)
        return terms.evolve(amortization=Amortization.WEIGHTED, weights=weights)

    # -- allocation --------------------------------------------------------------------------------
    def allocate(self, t: dt.date, amount: Decimal) -> tuple[list[Decimal], Decimal]:
        applied = [ZERO, ZERO, ZERO, ZERO]
        rem = amount
        due = []
        for it in self.pending():  # sorted by due date
            if it.due > t:
                break
            due.append(it)
        if self.strategy.vertical:
            pairs = [(it, c) for c in self.order for it in due]
        else:
            pairs = [(it, c) for it in due for c in self.order]
        for it, c in pairs:
            if rem <= 0:
                break
            owed = it.amt[c] - it.paid[c] - it.waived[c] - it.closed[c]
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
        if rem <= 0:
            return rem
        not_due = self.principal_not_due(t)
        if not_due <= 0:
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
        if self.detail and (any(amounts) or credit):
            self.movements.append(
                Movement(
                    date=t,
                    kind=kind,
                    reference=ref,
                    amounts=components(*amounts),
                    credit=credit,
                    description=description,
                )
            )

    # -- the daily steps ---------------------------------------------------------------------------
    def late_fee(self, it: _Item) -> Decimal:
        """One late fee of ``it`` now: the amount, or the percentage of its overdue basis,
        rounded to the unit and held under the cap."""
        late = self.late
        basis = late.late_fee_basis
        if basis is LateFeeBasis.FLAT:
            fee = late.late_fee
        else:
            b = it.unpaid(_P)
            if basis is not LateFeeBasis.PRINCIPAL:
                sched = it.row_interest + it.carried
                b += max(sched - it.paid[_I] - it.waived[_I] - it.closed[_I], ZERO)
            if basis is LateFeeBasis.INSTALLMENT:
                b += it.unpaid(_F)
            fee = self.rnd(b * late.late_fee)
        if late.late_fee_cap is not None:
            fee = min(fee, late.late_fee_cap - it.late_fee)
        return max(fee, ZERO)

    def accrue(self, t: dt.date) -> None:
        late = self.late
        grace = dt.timedelta(days=late.grace_days)
        franchise = late.grace_kind is GraceDays.FRANCHISE
        mora = late.moratorium
        mora_rates = self.mora_rates
        added = [ZERO, ZERO, ZERO, ZERO]
        for it in self.pending():  # sorted by due date
            if it.due >= t:
                break
            if it.kind is not ItemKind.INSTALLMENT:
                continue
            if it.seg_base > 0:
                if franchise:
                    start = max(it.seg_start, it.due + grace)
                else:  # tolerance: nothing within the grace days, then every day from due
                    start = it.seg_start if t - it.due > grace else t
                if t > start:
                    days = (t - start).days
                    if mora is not None:
                        rate = _late_rate(mora, days, mora_rates)
                        total = self.rnd(it.seg_base * rate)
                        inc = total - it.seg_mora
                        it.seg_mora = total
                        it.amt[_X] += inc
                        added[_X] += inc
                    if late.compensatory:
                        contract = self.seg_terms.rate
                        if contract is not self.comp_rate:  # a reschedule changed the rate
                            self.comp_rate = contract
                            self.comp_rates = _rate_table(contract)
                        rate = _late_rate(contract, days, self.comp_rates)
                        total = self.rnd(it.seg_base * rate)
                        inc = total - it.seg_comp
                        it.seg_comp = total
                        it.amt[_I] += inc
                        added[_I] += inc
            if late.late_fee and (t - it.due).days > late.grace_days:
                every = late.late_fee_every
                beyond = (t - it.due).days - late.grace_days
                owed = 1 if every is None else 1 + (beyond - 1) // every
                while it.late_fees < owed and it.unpaid(_P) + it.unpaid(_I) + it.unpaid(_F) > 0:
                    it.late_fees += 1
                    fee = self.late_fee(it)
                    it.late_fee += fee
                    it.amt[_X] += fee
                    added[_X] += fee
        if self.detail:
            self.add_movement(t, MovementKind.LATE_CHARGES, "", added)

    def fall_due(self, t: dt.date) -> None:
        for it in self.pending():  # sorted by due date
            if it.due > t:
                break
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
            if self.detail:
                self.allocations.append(
                    Allocation(
                        date=t,
                        reference=f"credit:{t.isoformat()}",
                        source="credit",
                        amount=used,
                        applied=components(*applied),
                    )
                )
            self.add_movement(
                t, MovementKind.CREDIT_APPLIED, "", [-a for a in applied], credit=-used
            )

    def restart_segments(self, t: dt.date) -> None:
        by_installment = self.late.base is LateBase.INSTALLMENT
        tolerance = self.late.grace_kind is GraceDays.TOLERANCE
        grace = self.late.grace_days
        for it in self.pending():  # sorted by due date
            if it.due > t:
                break
            if it.kind is ItemKind.INSTALLMENT:
                # by principal, base() is the unpaid principal: inlined
                b = (
                    self.base(it)
                    if by_installment
                    else it.amt[0] - it.paid[0] - it.waived[0] - it.closed[0]
                )
                settled = it.settled()
                if b != it.seg_base or settled != it.seg_settled:
                    # a payment or waiver that touches the installment (any component, its
                    # late charges too) closes its accrual period (docs/servicing.md); within a
                    # tolerance, a new balance still counts every day from the due date
                    start = it.due if tolerance and (t - it.due).days <= grace else t
                    it.seg_start, it.seg_base, it.seg_mora, it.seg_comp = start, b, ZERO, ZERO
                    it.seg_settled = settled

    # -- events ----------------------------------------------------------------------------------
    def start(self, tranche: Decimal | None) -> None:
        terms = self.terms
        if tranche is not None and tranche != terms.principal.amount:
            terms = terms.evolve(principal=Money(amount=tranche, currency=self.currency))
            schedule = cached_schedule(terms)
        else:
            schedule = schedule_of(self.account)
        self.installment_amount = schedule.installment_amount
        self.disbursed = schedule.principal
        self.addcached_schedule(schedule, 1, ZERO)
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
            if (
                self.account.interest is InterestMethod.ACTUAL_BALANCE
                and mode is Overpayment.NEXT_INSTALLMENTS
            ):
                mode = Overpayment.REDUCE_INSTALLMENT  # paid early: on the balance, from today
        to_credit = self.use_surplus(t, e.id, rem, applied, mode)
        self.credit += to_credit
        if self.detail:
            self.allocations.append(
                Allocation(
                    date=t,
                    reference=e.id,
                    source=event_kind(e),
                    amount=e.amount,
                    applied=components(*applied),
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
        if not self.detail:
            return
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
                E_(
                    "'amount' of waiver %(id)s must be at most the %(value)s due on %(t)s, "
                    "%(available)s (got %(want)s).",
                    id=repr(e.id),
                    value=e.component.value,
                    t=t,
                    available=available,
                    want=want,
                ),
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
                E_(
                    "reschedule %(id)s on %(t)s has no balance to reschedule (got 0).",
                    id=repr(e.id),
                    t=t,
                ),
                field="date",
                value=t,
            )
        try:
            terms = self.segment_terms(e.terms, principal, t, None)
            schedule = cached_schedule(terms)
        except InvalidLoanTerms as exc:
            raise InvalidEvent(
                E_("reschedule %(id)s: %(exc)s", id=repr(e.id), exc=exc),
                field=exc.field,
                value=exc.value,
            ) from None
        numbers = [it.number for it in self.items if it.number is not None]
        self.seg_terms = e.terms
        self.installment_amount = schedule.installment_amount
        self.addcached_schedule(schedule, max(numbers, default=0) + 1, ZERO)
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
        self.replay(as_of)
        return self.snapshot(as_of)

    def replay(self, as_of: dt.date) -> None:
        """Apply the events up to ``as_of`` and step through the dates to it.

        Without the ledger (``detail=False``), a step on a due date with no event and no credit held
        only lets the installments of the day fall due: late interest of a segment is ``rnd(base ·
        rate(days from its start))``, a function of the step's date alone while the segment lasts
        (its base and what is paid of it only change through an event or a credit, and a change
        restarts it after the step), and the late fees owed are counted from the date too, so
        accruing at the next step that reads the amounts (an event, a credit, ``as_of``) adds up to
        the very same amounts (exact sums of whole céntimos). With the ledger every step is kept, as
        each writes its movement. Property-tested against the full state (``tests/servicing``).
        """
        quiet_steps = not self.detail
        events = [e for e in self.account.events if e.date <= as_of]
        tranches = [e for e in events if isinstance(e, Disbursement)]
        self.start(tranches[0].amount if tranches else None)
        if tranches:
            events = [e for e in events if e is not tranches[0]]
        t = self.terms.disbursed
        i = 0
        first = True
        n = len(events)
        while True:
            if not first:  # the next date where something happens: an event, a due date, as_of
                nxt = as_of if as_of > t else None
                if i < n and (nxt is None or events[i].date < nxt):
                    nxt = events[i].date
                for it in self.pending():  # sorted by due date: the first one after t
                    if it.due > t:
                        if it.due <= as_of and (nxt is None or it.due < nxt):
                            nxt = it.due
                        break
                if nxt is None:
                    break
                t = nxt
            first = False
            self.advance(t)
            if quiet_steps and t < as_of and self.credit <= 0 and (i >= n or events[i].date != t):
                # a due date with no event and no credit: only what falls due changes (see
                # the docstring); late charges are accrued at the next step that reads them
                self.fall_due(t)
                continue
            self.accrue(t)
            self.fall_due(t)
            self.apply_credit(t)
            while i < n and events[i].date == t:
                self.apply(events[i], t)
                i += 1
            self.restart_segments(t)
            if t >= as_of and i >= n:
                break

    def snapshot(self, as_of: dt.date) -> AccountState:
        items = []
        dpd = 0
        due_sum = [ZERO, ZERO, ZERO, ZERO]
        paid = [ZERO, ZERO, ZERO, ZERO]
        waived = [ZERO, ZERO, ZERO, ZERO]
        for it in self.items:
            a, p, w, c = it.amt, it.paid, it.waived, it.closed
            out = [a[0] - p[0] - w[0] - c[0], a[1] - p[1] - w[1] - c[1]]
            out += [a[2] - p[2] - w[2] - c[2], a[3] - p[3] - w[3] - c[3]]
            late = 0
            if it.due <= as_of:
                for k in range(4):
                    due_sum[k] += out[k]
                if it.kind is ItemKind.INSTALLMENT and out[_P] + out[_I] + out[_F] > 0:
                    late = (as_of - it.due).days
                    dpd = max(dpd, late)
            for k in range(4):
                paid[k] += p[k]
                waived[k] += w[k]
            items.append(
                item_state(
                    it.kind,
                    it.number,
                    it.due,
                    it.ref,
                    components(*a),
                    components(*p),
                    components(*w),
                    components(*c),
                    components(*out),
                    late,
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
