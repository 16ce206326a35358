"""Peru's TCEA (tasa de costo efectivo anual), as the SBS transparency rules define it.

The TCEA is the effective annual rate, on a 360-day year, that makes the installments' present value
equal to the amount the borrower actually received:

    Σⱼ Fⱼ·(1 + TCEA)^(−dⱼ/360) = amount received

``Fⱼ`` is everything due at installment ``j`` (principal, interest, commissions, fees and insurance
charged to the borrower; not taxes such as the ITF), ``dⱼ`` the actual days from disbursement to its
due date. Fees withheld at disbursement lower the amount received.

**Time as the schedule prices it.** The SBS formula (Res. SBS 8181-2012, Reglamento de
Transparencia, now Res. SBS 3274-2017: TCEA on a 360-day year; with equal 30-day periods the same
figure is ``TCEA = (1 + TCEM)^12 − 1``, the TCEM being the periodic IRR) counts actual days, as a schedule on
ACT/360 — Peru's default — prices interest. A schedule priced on another day count (30/360, one
period = 1/k year, ACT/365) charges ``(1 + TEA)^τ − 1`` over a period of year fraction ``τ``; its
TCEA counts time the same way (``tcea(schedule, day_count=…, frequency=…)``, which
:func:`~coopfinance.cost.cost_of_credit` does for terms): ``Σ Fⱼ·(1 + TCEA)^(−τⱼ)`` with ``τⱼ`` the
schedule's own year fractions summed to due date ``j``. So without any charge the TCEA equals the
loan's TEA (up to the rounding of installments to céntimos) whatever the day count: the disclosed
rate never falls below the contract rate because of the calendar.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from itertools import combinations, repeat
from operator import itemgetter, sub

from coopfinance._calendar import DayCount, Frequency
from coopfinance._decimal import ZERO, exact, to_decimal
from coopfinance._schedule import COLUMNS, Schedule
from coopfinance.cost._components import CostComponent, Include, components, schedule_flows
from coopfinance.cost._flows import Amount, DatedFlows, dated
from coopfinance.cost._solver import common_units, solve_power_rounded
from coopfinance.errors import E_, InvalidValue

__all__ = ["PLACES", "tcea"]

PLACES = 10
"""The TCEA is returned to 10 decimal places of the rate (1e-8 percentage points), certified."""


@exact
def tcea(
    source: Schedule | DatedFlows,
    *,
    include: Include = None,
    received: Amount | None = None,
    day_count: DayCount | str | None = None,
    frequency: Frequency | str | None = None,
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
    ``include`` and ``received`` apply to a schedule only, as do ``day_count`` and ``frequency``:
    the schedule's day count, so that time is measured as the schedule priced it (default
    ACT/360, the SBS formula; see the module docstring).

    **Precision.** The TCEA is returned to 10 decimal places of the rate (``Decimal('0.3500005482')``,
    1e-8 of a percentage point; documents show 2 places in percent), and those 10 places are
    *exact*: the figure is the root of the equation above rounded to 10 places (half to even), not
    an approximation of it. It is found in float and proved: the present value, with its float
    rounding error bounded, has opposite signs just inside both ends of the figure's rounding
    interval, and there is one root (one sign change); when that proof fails (a root within ~2 %
    of half a unit of the 10th place of a boundary) the exact 34-digit decimal solver answers and
    its root is rounded (see :func:`~coopfinance.cost._solver.solve_power_rounded`).

    >>> from coopfinance import LoanTerms, Rate
    >>> s = LoanTerms(principal="5000", rate=Rate.effective_annual("35%"), installments=12,
    ...               disbursed="2026-01-15").schedule()
    >>> tcea(s).quantize(Decimal("0.0001"))
    Decimal('0.3500')
    >>> tcea(s, received="4900").quantize(Decimal("0.0001"))   # S/ 100 withheld at disbursement
    Decimal('0.4035')
    """
    if isinstance(source, Schedule):
        dc = None if day_count is None else DayCount.parse(day_count)
        freq = None if frequency is None else Frequency.parse(frequency)
        return _of_schedule(source, include, received, dc, freq)
    if received is not None:
        raise InvalidValue(
            E_(
                "'received' applies only to a Schedule; put the amount received among "
                "the flows (got %(received)s).",
                received=received,
            ),
            field="received",
            value=received,
        )
    if include is not None:
        raise InvalidValue(
            E_(
                "'include' applies only to a Schedule; flows already hold what is paid "
                "(got %(include)s).",
                include=repr(include),
            ),
            field="include",
            value=include,
        )
    items = dated(source)
    start = items[0].date
    days = [(f.date - start).days for f in items]
    return solve_power_rounded([f.amount for f in items], days, 360, places=PLACES, field="flows")


def _of_schedule(
    schedule: Schedule,
    include: Include,
    received: Amount | None,
    day_count: DayCount | None = None,
    frequency: Frequency | None = None,
) -> Decimal:
    """``Σ Fⱼ(1 + TCEA)^(−dⱼ/360) = received`` over the schedule's rows (``τⱼ`` of
    ``day_count`` instead of ``dⱼ/360`` when given and not ACT/360)."""
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
                E_("'received' must be positive (got %(received)s).", received=received),
                field="received",
                value=received,
            )
        amounts[0] = -received
    if day_count is not None and day_count is not DayCount.ACT_360:
        numerators, unit = _priced_times(schedule.disbursed, days, day_count, frequency)
        return solve_power_rounded(amounts, numerators, unit, places=PLACES, field="schedule")
    return solve_power_rounded(amounts, days, 360, places=PLACES, field="schedule")


def _priced_times(
    start: dt.date, days: list[int], day_count: DayCount, frequency: Frequency | None
) -> tuple[list[int], int]:
    """The year fractions the schedule priced, summed period by period to each date."""
    taus: dict[int, Fraction] = {0: Fraction(0)}
    prev, acc = start, Fraction(0)
    for d in sorted(set(days)):
        if d <= 0:
            taus[d] = Fraction(0)
            continue
        date = start + dt.timedelta(days=d)
        acc += day_count.year_fraction(prev, date, frequency)
        taus[d] = acc
        prev = date
    return common_units([taus[d] for d in days])


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


_TOTAL = itemgetter(COLUMNS.index("total"))
_TAXES = itemgetter(COLUMNS.index("taxes"))
_DUE = itemgetter(COLUMNS.index("due_date"))


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
    if not excluded or (excluded == ("taxes",) and not any(map(_TAXES, rows))):
        amounts = list(map(_TOTAL, rows))  # C loops: the rows' own total objects
    elif excluded == ("taxes",):
        amounts = [r.total - r.taxes if r.taxes else r.total for r in rows]
    else:
        amounts = [r.total - sum([getattr(r, name) for name in excluded], ZERO) for r in rows]
    start = schedule.disbursed.toordinal()
    days = list(map(sub, map(dt.date.toordinal, map(_DUE, rows)), repeat(start)))
    if min(days) <= 0 or not all(amounts):
        return None
    return [-received, *amounts], [0, *days]
