"""Cost-of-credit figures of a schedule, with what each one includes stated and overridable.

A schedule's charges sit in three columns — ``fees`` (with the upfront fees withheld or financed),
``insurance`` and ``taxes`` — and each regulator counts a different set of them:

=========  ===============================  ====================================================
figure     default components               rule
=========  ===============================  ====================================================
TCEA (PE)  fees, insurance                  SBS: commissions, fees and insurance the borrower
                                            pays the lender; never taxes (ITF) — §1.4, §5.5
APR (US)   fees, insurance                  Reg Z finance charge: fees and required credit
                                            insurance; taxes left out (override if they are
                                            finance charges in your case)
APRC (EU)  fees, insurance, taxes           CCD total cost of credit: interest, fees, taxes and
                                            compulsory insurance
EIR        fees                             IFRS 9: fees integral to the rate; insurance is a
                                            separate service
=========  ===============================  ====================================================

Pass ``include=`` to any function to decide otherwise; the figures always say what they included.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from decimal import Decimal
from itertools import combinations
from types import MappingProxyType
from typing import TYPE_CHECKING

import attrs

from coopfinance._decimal import ZERO, to_decimal
from coopfinance._schedule import Schedule
from coopfinance.cost._apr import apr
from coopfinance.cost._aprc import TimeBasis, aprc
from coopfinance.cost._eir import eir
from coopfinance.cost._solver import solve_power
from coopfinance.errors import InvalidValue, fmt_value

if TYPE_CHECKING:
    from coopfinance._terms import LoanTerms

__all__ = [
    "DEFAULT_INCLUDES",
    "Component",
    "CostOfCredit",
    "apr_of",
    "aprc_of",
    "cost_of_credit",
    "eir_of",
    "schedule_flows",
    "tcea_of",
]


class Component(enum.Enum):
    """A column of charges that a cost figure may include."""

    FEES = "fees"
    INSURANCE = "insurance"
    TAXES = "taxes"


_ALL = frozenset(Component)
DEFAULT_INCLUDES = MappingProxyType(
    {
        "tcea": frozenset({Component.FEES, Component.INSURANCE}),
        "apr": frozenset({Component.FEES, Component.INSURANCE}),
        "aprc": _ALL,
        "eir": frozenset({Component.FEES}),
    }
)
"""What each figure includes unless told otherwise (see the module docstring)."""

Include = Iterable[Component | str] | None


def _components(include: Include, figure: str) -> frozenset[Component]:
    if include is None:
        return DEFAULT_INCLUDES[figure]
    if isinstance(include, str | Component):
        include = [include]
    out = set()
    for item in include:
        if isinstance(item, Component):
            out.add(item)
            continue
        try:
            out.add(Component(str(item).strip().lower()))
        except ValueError:
            raise InvalidValue(
                f"'include' must name fees, insurance or taxes (got {fmt_value(item)}).",
                field="include",
                value=item,
            ) from None
    return frozenset(out)


def schedule_flows(
    schedule: Schedule, include: Include = None, *, figure: str = "tcea"
) -> tuple[Decimal, list[tuple[dt.date, Decimal]]]:
    """What the borrower receives at disbursement and pays on each due date, counting the charges
    in ``include`` (default: those of ``figure``).

    Received: ``principal`` less financed and withheld upfront fees (when fees count) and taxes
    withheld (when taxes count). Paid: principal + interest + the included columns. Payments due on
    the disbursement date (a down payment) are netted against what is received.
    """
    parts = _components(include, figure)
    fees, insurance, taxes = (
        c in parts for c in (Component.FEES, Component.INSURANCE, Component.TAXES)
    )
    received = schedule.principal
    if fees:
        received -= schedule.fees_financed + schedule.fees_withheld
    if taxes:
        received -= schedule.taxes_withheld
    paid: list[tuple[dt.date, Decimal]] = []
    for r in schedule.installments:
        amount = r.principal + r.interest
        if fees:
            amount += r.fees
        if insurance:
            amount += r.insurance
        if taxes:
            amount += r.taxes
        if r.due_date <= schedule.disbursed:
            received -= amount
        elif amount:
            paid.append((r.due_date, amount))
    if received <= 0:
        raise InvalidValue(
            f"'schedule' leaves the borrower nothing at disbursement (received {received}): fees "
            "and the down payment must be less than the amount lent.",
            field="schedule",
            value=received,
        )
    return received, paid


def tcea_of(
    schedule: Schedule, *, include: Include = None, received: Decimal | int | str | None = None
) -> Decimal:
    """Peru's TCEA of ``schedule``: ``Σ Fⱼ(1 + TCEA)^(−dⱼ/360) = received`` (see :func:`tcea`);
    ``received`` overrides the amount the borrower received."""
    parts = _components(include, "tcea")
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


def _plan(parts: frozenset[Component]) -> tuple[bool, bool, tuple[str, ...]]:
    return (
        Component.FEES in parts,
        Component.TAXES in parts,
        tuple(c.value for c in Component if c not in parts),
    )


_PLANS = {
    frozenset(chosen): _plan(frozenset(chosen))
    for k in range(len(_ALL) + 1)
    for chosen in combinations(Component, k)
}
"""For each set of components: (fees count, taxes count, the columns left out of a payment) —
looked up by the set's cached hash, cheaper than testing enum members (their hash is Python)."""


def _tcea_flows(
    schedule: Schedule, parts: frozenset[Component]
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


def apr_of(schedule: Schedule, *, include: Include = None) -> Decimal:
    """The US Reg Z Appendix J APR of ``schedule`` (one advance, the installments as payments)."""
    received, paid = schedule_flows(schedule, include, figure="apr")
    return apr([(schedule.disbursed, received)], paid)


def aprc_of(
    schedule: Schedule, *, include: Include = None, time_basis: TimeBasis | str = TimeBasis.CALENDAR
) -> Decimal:
    """The EU APRC of ``schedule`` (CCD Annex I), annual compounding."""
    received, paid = schedule_flows(schedule, include, figure="aprc")
    return aprc([(schedule.disbursed, received)], paid, time_basis=time_basis)


def eir_of(schedule: Schedule, *, include: Include = None) -> Decimal:
    """The IFRS 9 effective interest rate of ``schedule``, annual effective on ACT/365F, from the
    lender's side: the net amount advanced against the contractual collections."""
    received, paid = schedule_flows(schedule, include, figure="eir")
    return eir(received, paid, start=schedule.disbursed)


@attrs.frozen(slots=True, kw_only=True)
class CostOfCredit:
    """Every cost figure of one loan, with what each includes (rates are annual fractions)."""

    tea: Decimal
    """The contract's effective annual rate (for flat or nominal rates: the equivalent one)."""
    tcea: Decimal
    apr: Decimal
    aprc: Decimal
    eir: Decimal
    total_interest: Decimal
    total_fees: Decimal
    """Installment fees plus upfront fees (withheld and financed)."""
    total_insurance: Decimal
    total_taxes: Decimal
    """Taxes on payments plus taxes withheld at disbursement."""
    total_to_pay: Decimal
    """Everything paid over the schedule, including a down payment."""
    net_disbursement: Decimal
    includes: dict[str, tuple[str, ...]]
    """For each figure, the components it counted."""

    def to_dict(self) -> dict[str, object]:
        """Plain data: rates and amounts as decimal strings."""
        out: dict[str, object] = {
            k: str(getattr(self, k))
            for k in (
                "tea",
                "tcea",
                "apr",
                "aprc",
                "eir",
                "total_interest",
                "total_fees",
                "total_insurance",
                "total_taxes",
                "total_to_pay",
                "net_disbursement",
            )
        }
        out["includes"] = {k: list(v) for k, v in self.includes.items()}
        return out


def cost_of_credit(
    loan: LoanTerms | Schedule,
    *,
    tcea_includes: Include = None,
    apr_includes: Include = None,
    aprc_includes: Include = None,
    eir_includes: Include = None,
) -> CostOfCredit:
    """TEA, TCEA, APR, APRC and EIR of a loan, and its totals.

    >>> from coopfinance import LoanTerms, Rate
    >>> terms = LoanTerms(principal="5000", rate=Rate.effective_annual("35%"), installments=12,
    ...                   disbursed="2026-01-15", charges=["upfront:2%", "insurance:0.10%"])
    >>> c = cost_of_credit(terms)
    >>> [str((x * 100).quantize(Decimal("0.01"))) for x in (c.tea, c.tcea)]
    ['35.00', '42.01']
    >>> c.includes["tcea"]
    ('fees', 'insurance')
    """
    from coopfinance._terms import LoanTerms

    schedule = loan.schedule() if isinstance(loan, LoanTerms) else loan
    if isinstance(loan, LoanTerms) and not loan.rate.is_flat:
        tea = loan.rate.to_effective_annual().value
    else:
        tea = tcea_of(schedule, include=())
    chosen = {
        "tcea": _components(tcea_includes, "tcea"),
        "apr": _components(apr_includes, "apr"),
        "aprc": _components(aprc_includes, "aprc"),
        "eir": _components(eir_includes, "eir"),
    }
    order = list(Component)
    return CostOfCredit(
        tea=tea,
        tcea=tcea_of(schedule, include=chosen["tcea"]),
        apr=apr_of(schedule, include=chosen["apr"]),
        aprc=aprc_of(schedule, include=chosen["aprc"]),
        eir=eir_of(schedule, include=chosen["eir"]),
        total_interest=schedule.total_interest,
        total_fees=schedule.total_fees + schedule.fees_withheld + schedule.fees_financed,
        total_insurance=schedule.total_insurance,
        total_taxes=schedule.total_taxes + schedule.taxes_withheld,
        total_to_pay=schedule.total_payments,
        net_disbursement=schedule.net_disbursement,
        includes={k: tuple(c.value for c in order if c in v) for k, v in chosen.items()},
    )
