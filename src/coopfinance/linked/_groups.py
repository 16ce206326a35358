"""Solidarity groups (joint liability): individual loans with a joint guarantee, applied after the
individual check-off of a settlement.

The convention is Fineract's JLG (joint-liability group) loan: each loan belongs to one member
(the client) *and* to the group, unlike a group loan that belongs to the group alone (Apache
Fineract, PR #924 review: "JLG loans (loans which are associated with clients and groups)"); Mambu
calls the same product a *solidarity group*, "to monitor the individual" loans inside it. Here the
loans, their schedules and their check-off stay individual; the group adds a guarantee.

When a member's loan installment is short after the individual check-off
(:func:`~coopfinance.dairy.settle`), the group's guarantee rule covers the shortfall from its
sources **in the order the group sets** (:class:`GuaranteeSource`):

- ``members-milk``: the other members' milk, each guarantor at most what keeps them at the
  settlement floor: ``room_j = max(0, net_j − floor_j)``, taken member by member in the group's
  order (so nobody is ever taken below the floor);
- ``group-savings``: the group's pooled savings, up to their balance;
- ``guarantee-fund``: the co-op's guarantee fund, up to what it holds.

Each step is a :class:`GuaranteeStep` (who was covered, for which loan, from which source, by
whom, how much); what the sources cannot cover stays short, the loan's arrears. Invariants
(property-tested): the covered shortfalls sum to what the guarantors paid; no guarantor's net
goes below their floor; no source pays more than it holds; no shortfall is covered twice.

>>> from decimal import Decimal
>>> g = SolidarityGroup(id="G1", members=("F01", "F02", "F03"), savings="40")
>>> room = {"F01": Decimal("0"), "F02": Decimal("25.00"), "F03": Decimal("10.00")}
>>> r = cover(g, {("F01", "L1"): Decimal("60.00")}, room, fund="100")
>>> [(s.source.value, s.guarantor, str(s.amount)) for s in r.steps]
[('members-milk', 'F02', '25.00'), ('members-milk', 'F03', '10.00'), ('group-savings', 'G1', '25.00')]
>>> r.covered("F01"), r.paid_by("F02"), r.uncovered
(Decimal('60.00'), Decimal('25.00'), Decimal('0.00'))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from coopfinance._decimal import ZERO, exact
from coopfinance._fields import ParseableEnum
from coopfinance.dairy import FarmerSettlement, ObligationKind, Settlement
from coopfinance.errors import E_, InvalidLinkedPlan, InvalidValue
from coopfinance.linked._common import amount
from coopfinance.servicing import Payment

__all__ = [
    "DEFAULT_ORDER",
    "GroupGuarantee",
    "GuaranteeSource",
    "GuaranteeStep",
    "SolidarityGroup",
    "apply_guarantee",
    "cover",
    "member_shortfalls",
]


class GuaranteeSource(ParseableEnum):
    """Where a group's guarantee takes the money from."""

    MEMBERS_MILK = "members-milk"
    """The other members' milk of the same settlement, above their settlement floor."""
    GROUP_SAVINGS = "group-savings"
    """The group's pooled savings."""
    GUARANTEE_FUND = "guarantee-fund"
    """The co-op's guarantee fund."""

    @classmethod
    def parse_error(cls) -> type[InvalidValue]:
        return InvalidLinkedPlan


DEFAULT_ORDER = (
    GuaranteeSource.MEMBERS_MILK,
    GuaranteeSource.GROUP_SAVINGS,
    GuaranteeSource.GUARANTEE_FUND,
)
"""Others' milk first, then the group's savings, then the co-op's fund."""


def _members(value: Iterable[str]) -> tuple[str, ...]:
    out = tuple(str(m) for m in value)
    if len(out) < 2:
        raise InvalidLinkedPlan(
            E_(
                "'members' of a solidarity group must be at least 2 farmers (got %(out)s).",
                out=len(out),
            ),
            field="members",
            value=out,
        )
    if len(set(out)) != len(out):
        twice = next(m for m in out if out.count(m) > 1)
        raise InvalidLinkedPlan(
            E_("'members' must not name a farmer twice (got %(twice)s twice).", twice=repr(twice)),
            field="members",
            value=twice,
        )
    return out


def _order(value: Iterable[GuaranteeSource | str]) -> tuple[GuaranteeSource, ...]:
    out = tuple(GuaranteeSource.parse(v, field="order") for v in value)
    if not out or len(set(out)) != len(out):
        raise InvalidLinkedPlan(
            E_(
                "'order' must list each guarantee source at most once, at least one "
                "(got %(value_s)s).",
                value_s=[s.value for s in out],
            ),
            field="order",
            value=[s.value for s in out],
        )
    return out


def _savings(value: Decimal | int | str) -> Decimal:
    return amount(value, "savings")


@attrs.frozen(slots=True, kw_only=True)
class SolidarityGroup:
    """A joint-liability group: ``members`` (farmer ids, in the order guarantors are asked),
    the guarantee ``order`` of its sources, and the group's pooled ``savings`` balance."""

    id: str = attrs.field(converter=str)
    members: tuple[str, ...] = attrs.field(converter=_members)
    order: tuple[GuaranteeSource, ...] = attrs.field(default=DEFAULT_ORDER, converter=_order)
    savings: Decimal = attrs.field(default=ZERO, converter=_savings)


@attrs.frozen(slots=True, kw_only=True)
class GuaranteeStep:
    """One step of a guarantee: ``amount`` of ``borrower``'s shortfall on ``loan_id`` covered
    from ``source`` by ``guarantor`` (a member for ``members-milk``, the group's id for its
    savings, ``"fund"`` for the co-op's guarantee fund)."""

    group: str
    borrower: str
    loan_id: str
    source: GuaranteeSource
    guarantor: str
    amount: Decimal


@attrs.frozen(slots=True, kw_only=True)
class GroupGuarantee:
    """What a group's guarantee did in one settlement: its steps, and what stayed uncovered."""

    group: SolidarityGroup
    steps: tuple[GuaranteeStep, ...]
    shortfalls: tuple[tuple[str, str, Decimal], ...]
    """``(borrower, loan id, shortfall)`` after the individual check-off, in the order covered."""

    @property
    def total(self) -> Decimal:
        """Everything the guarantors paid."""
        return sum((s.amount for s in self.steps), ZERO)

    @property
    def uncovered(self) -> Decimal:
        """The shortfalls the sources could not cover (still the loans' arrears)."""
        return sum((x for _, _, x in self.shortfalls), ZERO) - self.total

    def covered(self, borrower: str, loan_id: str | None = None) -> Decimal:
        """What the guarantee paid for ``borrower`` (on ``loan_id``, when given)."""
        return sum(
            (
                s.amount
                for s in self.steps
                if s.borrower == borrower and (loan_id is None or s.loan_id == loan_id)
            ),
            ZERO,
        )

    def paid_by(self, guarantor: str) -> Decimal:
        """What ``guarantor`` paid (a member's milk, the group's savings, the fund)."""
        return sum((s.amount for s in self.steps if s.guarantor == guarantor), ZERO)

    def from_source(self, source: GuaranteeSource | str) -> Decimal:
        """What the guarantee took from ``source``."""
        src = GuaranteeSource.parse(source, field="source")
        return sum((s.amount for s in self.steps if s.source is src), ZERO)

    def lines(self, farmer: str) -> tuple[GuaranteeStep, ...]:
        """The steps a member's liquidación shows: those covering them and those they paid."""
        return tuple(s for s in self.steps if farmer in (s.borrower, s.guarantor))

    def net(self, settlement: Settlement, farmer: str) -> Decimal:
        """A member's net after the guarantee: the statement's net less what their milk paid."""
        return settlement.statement(farmer).net - self.paid_by(farmer)

    def payments(self, pay_date: dt.date) -> dict[str, tuple[Payment, ...]]:
        """The payments the guarantee makes to the borrowers' loans, dated ``pay_date``, channel
        ``group-guarantee`` (one per loan and source): ``{loan id: payments}``."""
        out: dict[str, list[Payment]] = {}
        merged: dict[tuple[str, GuaranteeSource], Decimal] = {}
        for s in self.steps:
            merged[(s.loan_id, s.source)] = merged.get((s.loan_id, s.source), ZERO) + s.amount
        for (loan_id, source), paid in merged.items():
            out.setdefault(loan_id, []).append(
                Payment(
                    date=pay_date,
                    amount=paid,
                    id=f"guarantee-{pay_date.isoformat()}-{self.group.id}-{loan_id}-{source.value}",
                    channel="group-guarantee",
                )
            )
        return {k: tuple(v) for k, v in out.items()}


@exact
def cover(
    group: SolidarityGroup,
    shortfalls: Mapping[tuple[str, str], Decimal | int | str],
    room: Mapping[str, Decimal | int | str],
    *,
    fund: Decimal | int | str = ZERO,
) -> GroupGuarantee:
    """Cover ``shortfalls`` (``{(borrower, loan id): amount}``, borrowers members of the group)
    from the group's sources in its ``order``: each member's ``room`` (what their milk can give
    without going below the settlement floor), the group's savings, and ``fund`` (what the
    co-op's guarantee fund holds). A borrower's own room is never used for their own loan."""
    left_room = {
        m: amount(room.get(m, ZERO), "room", where=E_(" of %(m)s", m=repr(m)))
        for m in group.members
    }
    savings = group.savings
    fund_left = amount(fund, "fund")
    steps: list[GuaranteeStep] = []
    owed: list[tuple[str, str, Decimal]] = []
    for (borrower, loan_id), short in shortfalls.items():
        if borrower not in group.members:
            raise InvalidLinkedPlan(
                E_(
                    "'shortfalls' names %(borrower)s, not a member of group %(id)s.",
                    borrower=repr(borrower),
                    id=repr(group.id),
                ),
                field="shortfalls",
                value=borrower,
            )
        need = amount(short, "shortfalls", where=E_(" of %(borrower)s", borrower=repr(borrower)))
        owed.append((borrower, loan_id, need))
        for source in group.order:
            if need == 0:
                break
            if source is GuaranteeSource.MEMBERS_MILK:
                for m in group.members:
                    if m == borrower or need == 0:
                        continue
                    take = min(need, max(left_room[m], ZERO))
                    if take > 0:
                        steps.append(GuaranteeStep(group=group.id, borrower=borrower,
                                                   loan_id=loan_id, source=source, guarantor=m,
                                                   amount=take))  # fmt: skip
                        left_room[m] -= take
                        need -= take
                continue
            pool = savings if source is GuaranteeSource.GROUP_SAVINGS else fund_left
            take = min(need, pool)
            if take > 0:
                who = group.id if source is GuaranteeSource.GROUP_SAVINGS else "fund"
                steps.append(GuaranteeStep(group=group.id, borrower=borrower, loan_id=loan_id,
                                           source=source, guarantor=who, amount=take))  # fmt: skip
                need -= take
                if source is GuaranteeSource.GROUP_SAVINGS:
                    savings -= take
                else:
                    fund_left -= take
    return GroupGuarantee(group=group, steps=tuple(steps), shortfalls=tuple(owed))


def member_shortfalls(
    statements: Mapping[str, FarmerSettlement], group: SolidarityGroup
) -> tuple[tuple[str, str, Decimal], ...]:
    """The group members' loan-installment shortfalls after the individual check-off, ``(borrower,
    loan id, short)`` per member and loan in the group's order (what :func:`apply_guarantee`
    covers); ``statements`` by farmer."""
    out: dict[tuple[str, str], Decimal] = {}
    for m in group.members:
        if m not in statements:
            continue
        for c in statements[m].collections:
            o = c.obligation
            if o.kind is ObligationKind.LOAN_INSTALLMENT and c.short > 0:
                key = (m, o.loan_id or "")
                out[key] = out.get(key, ZERO) + c.short
    return tuple((b, loan, x) for (b, loan), x in out.items())


@exact
def apply_guarantee(
    settlement: Settlement,
    groups: Iterable[SolidarityGroup],
    *,
    fund: Decimal | int | str = ZERO,
) -> tuple[GroupGuarantee, ...]:
    """Each group's guarantee on ``settlement`` (after the individual check-off): the members'
    loan-installment shortfalls, covered as :func:`cover` says, each member's room being
    ``max(0, net − floor)`` of their statement. ``fund`` is shared by the groups, in the order
    given. A farmer may be in one group only."""
    seen: dict[str, str] = {}
    out: list[GroupGuarantee] = []
    fund_left = amount(fund, "fund")
    farmers = {s.farmer: s for s in settlement.statements}
    for g in groups:
        for m in g.members:
            if m in seen:
                raise InvalidLinkedPlan(
                    E_(
                        "farmer %(m)s is in groups %(seen)s and %(id)s: one group per farmer.",
                        m=repr(m),
                        seen=repr(seen[m]),
                        id=repr(g.id),
                    ),
                    field="members",
                    value=m,
                )
            seen[m] = g.id
        room = {
            m: max(farmers[m].net - farmers[m].floor, ZERO) if m in farmers else ZERO
            for m in g.members
        }
        shortfalls = {(b, loan): x for b, loan, x in member_shortfalls(farmers, g)}
        result = cover(g, shortfalls, room, fund=fund_left)
        fund_left -= result.from_source(GuaranteeSource.GUARANTEE_FUND)
        out.append(result)
    return tuple(out)
