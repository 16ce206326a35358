"""Peru's TCEA (tasa de costo efectivo anual), as the SBS transparency rules define it.

The TCEA is the effective annual rate, on a 360-day year, that makes the installments' present value
equal to the amount the borrower actually received:

    Σⱼ Fⱼ·(1 + TCEA)^(−dⱼ/360) = amount received

``Fⱼ`` is everything due at installment ``j`` (principal, interest, commissions, fees and insurance
charged to the borrower; not taxes such as the ITF), ``dⱼ`` the actual days from disbursement to its
due date. Fees withheld at disbursement lower the amount received. Without any charge the TCEA
equals the loan's TEA (up to the rounding of installments to céntimos).
"""

from __future__ import annotations

from decimal import Decimal
from itertools import combinations

from coopfinance._decimal import ZERO, to_decimal
from coopfinance._schedule import Schedule
from coopfinance.cost._components import CostComponent, Include, components, schedule_flows
from coopfinance.cost._flows import Amount, DatedFlows, dated
from coopfinance.cost._solver import solve_power
from coopfinance.errors import InvalidValue

__all__ = ["tcea"]


def tcea(
    source: Schedule | DatedFlows, *, include: Include = None, received: Amount | None = None
) -> Decimal:
    """The TCEA of a :class:`~coopfinance.Schedule` or of dated flows, as a fraction (2 dp in %).

    - ``Schedule``: the borrower receives ``schedule.principal`` less the upfront fees (and taxes
      withheld, if counted) on ``schedule.disbursed`` — or ``received`` — and pays on each due date
      principal, interest and the charge columns in ``include`` (default fees and insurance, never
      taxes: see :data:`~coopfinance.cost.DEFAULT_INCLUDES`);
    - dated flows: ``(date, amount)`` pairs or :class:`CashFlow` values in the borrower's view,
      what is received positive and what is paid negative; days count from the first date.

    One name for one figure: the TCEA of a schedule *is* the TCEA of its flows, so the argument
    decides how the flows are found (a schedule knows its dates and which columns are charges);
    ``include`` and ``received`` apply to a schedule only.

    >>> from coopfinance import LoanTerms, Rate
    >>> s = LoanTerms(principal="5000", rate=Rate.effective_annual("35%"), installments=12,
    ...               disbursed="2026-01-15").schedule()
    >>> tcea(s).quantize(Decimal("0.0001"))
    Decimal('0.3500')
    >>> tcea(s, received="4900").quantize(Decimal("0.0001"))   # S/ 100 withheld at disbursement
    Decimal('0.4035')
    """
    if isinstance(source, Schedule):
        return _of_schedule(source, include, received)
    if received is not None:
        raise InvalidValue(
            f"'received' applies only to a Schedule; put the amount received among the flows "
            f"(got {received}).",
            field="received",
            value=received,
        )
    if include is not None:
        raise InvalidValue(
            f"'include' applies only to a Schedule; flows already hold what is paid "
            f"(got {include!r}).",
            field="include",
            value=include,
        )
    items = dated(source)
    start = items[0].date
    days = [(f.date - start).days for f in items]
    return solve_power([f.amount for f in items], days, 360, field="flows")


def _of_schedule(schedule: Schedule, include: Include, received: Amount | None) -> Decimal:
    """``Σ Fⱼ(1 + TCEA)^(−dⱼ/360) = received`` over the schedule's rows."""
    parts = components(include, "tcea")
    flows = _tcea_flows(schedule, parts)
    if flows is None:  # a payment due at disbursement, a row of zero, nothing received
        net, paid = schedule_flows(schedule, parts)
        start = schedule.disbursed
        amounts = [-net, *(a for _, a in paid)]
        days = [0, *((d - start).days for d, _ in paid)]
    else:
        amounts, days = flows
    if received is not None:
        received = to_decimal(received, field="received")
        if received <= 0:
            raise InvalidValue(
                f"'received' must be positive (got {received}).", field="received", value=received
            )
        amounts[0] = -received
    return solve_power(amounts, days, 360, field="schedule")


def _plan(parts: frozenset[CostComponent]) -> tuple[bool, bool, tuple[str, ...]]:
    return (
        CostComponent.FEES in parts,
        CostComponent.TAXES in parts,
        tuple(c.value for c in CostComponent if c not in parts),
    )


_PLANS = {
    frozenset(chosen): _plan(frozenset(chosen))
    for k in range(len(CostComponent) + 1)
    for chosen in combinations(CostComponent, k)
}
"""For each set of components: (fees count, taxes count, the columns left out of a payment) —
looked up by the set's cached hash, cheaper than testing enum members (their hash is Python)."""


def _tcea_flows(
    schedule: Schedule, parts: frozenset[CostComponent]
) -> tuple[list[Decimal], list[int]] | None:
    """``(amounts, days)`` of the TCEA equation as :func:`schedule_flows` gives them, the amount
    received first and negated (only relative signs matter), the payments positive; ``None`` when
    :func:`schedule_flows` must decide (a payment due at disbursement, a row with nothing to pay,
    nothing received).

    The payments are the rows' own ``total`` objects less the excluded columns (``total =
    principal + interest + fees + insurance + taxes``), so a level installment stays one shared
    ``Decimal`` and the solver converts it to float once.
    """
    rows = schedule.installments
    if not rows:
        return None
    fees, taxes, excluded = _PLANS[parts]
    received = schedule.principal
    if fees:
        received -= schedule.fees_financed + schedule.fees_withheld
    if taxes:
        received -= schedule.taxes_withheld
    if received <= 0:
        return None
    if excluded == ("taxes",):
        amounts = [r.total - r.taxes if r.taxes else r.total for r in rows]
    elif not excluded:
        amounts = [r.total for r in rows]
    else:
        amounts = [r.total - sum([getattr(r, name) for name in excluded], ZERO) for r in rows]
    start = schedule.disbursed.toordinal()
    days = [r.due_date.toordinal() - start for r in rows]
    if min(days) <= 0 or not all(amounts):
        return None
    return [-received, *amounts], [0, *days]
