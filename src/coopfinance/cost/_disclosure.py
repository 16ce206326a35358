"""Every cost figure of one loan at once (:func:`cost_of_credit`), and the APR, APRC and EIR of a
schedule (``apr_of``, ``aprc_of``, ``eir_of``; the TCEA of a schedule is :func:`~coopfinance.cost.tcea`).

What each figure counts is in :mod:`coopfinance.cost._components` (:data:`DEFAULT_INCLUDES`); pass
``include=`` to decide otherwise. The figures always say what they included.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from coopfinance._decimal import exact
from coopfinance._schedule import Schedule
from coopfinance._terms import LoanTerms
from coopfinance.cost._apr import apr
from coopfinance.cost._aprc import TimeBasis, aprc
from coopfinance.cost._components import CostComponent, Include, components, schedule_flows
from coopfinance.cost._eir import eir
from coopfinance.cost._tcea import tcea

__all__ = ["CostOfCredit", "apr_of", "aprc_of", "cost_of_credit", "eir_of"]


@exact
def apr_of(schedule: Schedule, *, include: Include = None) -> Decimal:
    """The US Reg Z Appendix J APR of ``schedule`` (one advance, the installments as payments)."""
    received, paid = schedule_flows(schedule, include, figure="apr")
    return apr([(schedule.disbursed, received)], paid)


def _equal_last(schedule: Schedule, paid: list[tuple[dt.date, Decimal]]) -> None:
    """Make the last payment's principal and interest the regular installment (the EU/UK
    representative example's assumption of equal installments), in place."""
    rows = schedule.installments
    if not rows or not paid:
        return
    last = rows[-1]
    gap = schedule.installment_amount - (last.principal + last.interest)
    d, amount = paid[-1]
    if d == last.due_date:
        paid[-1] = (d, amount + gap)


@exact
def aprc_of(
    schedule: Schedule,
    *,
    include: Include = None,
    time_basis: TimeBasis | str = TimeBasis.CALENDAR,
    equal_last: bool = False,
) -> Decimal:
    """The EU APRC of ``schedule`` (CCD Annex I), annual compounding; time by ``time_basis``
    (:class:`TimeBasis`); with ``equal_last`` the last installment's principal and interest are
    taken equal to the others (the representative example's assumption)."""
    received, paid = schedule_flows(schedule, include, figure="aprc")
    paid = list(paid)
    if equal_last:
        _equal_last(schedule, paid)
    return aprc([(schedule.disbursed, received)], paid, time_basis=time_basis)


@exact
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


@exact
def cost_of_credit(
    loan: LoanTerms | Schedule,
    *,
    tcea_includes: Include = None,
    apr_includes: Include = None,
    aprc_includes: Include = None,
    eir_includes: Include = None,
    time_basis: TimeBasis | str = TimeBasis.CALENDAR,
    equal_last: bool = False,
) -> CostOfCredit:
    """TEA, TCEA, APR, APRC and EIR of a loan, and its totals.

    - The TCEA of terms measures time as their schedule prices it (their ``day_count``: actual
      days over 360 by default, the SBS formula; 30/360 or one period = 1/k year otherwise), so a
      loan without fees has TCEA = TEA whatever its day count (see :mod:`coopfinance.cost._tcea`).
      A bare schedule knows no day count: its TCEA counts actual days over 360.
    - ``time_basis`` measures time in the APRC (:class:`TimeBasis`: ``calendar`` by default, the
      EU CCD's ``equal-months`` — each month 1/12 year, so the APRC of a monthly loan does not
      move with its disbursement date —, or ``act/365``); ``equal_last`` takes the last
      installment's principal and interest equal to the others in the APRC, as representative
      examples assume.

    >>> from coopfinance import LoanTerms, Rate
    >>> terms = LoanTerms(principal="5000", rate=Rate.effective_annual("35%"), installments=12,
    ...                   disbursed="2026-01-15", charges=["upfront:2%", "insurance:0.10%"])
    >>> c = cost_of_credit(terms)
    >>> [str((x * 100).quantize(Decimal("0.01"))) for x in (c.tea, c.tcea)]
    ['35.00', '42.01']
    >>> c.includes["tcea"]
    ('fees', 'insurance')
    """
    schedule = loan.schedule() if isinstance(loan, LoanTerms) else loan
    if isinstance(loan, LoanTerms):
        priced: dict[str, object] = {"day_count": loan.day_count, "frequency": loan.frequency}
    else:
        priced = {}
    if isinstance(loan, LoanTerms) and not loan.rate.is_flat:
        tea = loan.rate.to_effective_annual().value
    else:
        tea = tcea(schedule, include=(), **priced)  # type: ignore[arg-type]
    chosen = {
        "tcea": components(tcea_includes, "tcea"),
        "apr": components(apr_includes, "apr"),
        "aprc": components(aprc_includes, "aprc"),
        "eir": components(eir_includes, "eir"),
    }
    order = list(CostComponent)
    return CostOfCredit(
        tea=tea,
        tcea=tcea(schedule, include=chosen["tcea"], **priced),  # type: ignore[arg-type]
        apr=apr_of(schedule, include=chosen["apr"]),
        aprc=aprc_of(
            schedule, include=chosen["aprc"], time_basis=time_basis, equal_last=equal_last
        ),
        eir=eir_of(schedule, include=chosen["eir"]),
        total_interest=schedule.total_interest,
        total_fees=schedule.total_fees + schedule.fees_withheld + schedule.fees_financed,
        total_insurance=schedule.total_insurance,
        total_taxes=schedule.total_taxes + schedule.taxes_withheld,
        total_to_pay=schedule.total_payments,
        net_disbursement=schedule.net_disbursement,
        includes={k: tuple(c.value for c in order if c in v) for k, v in chosen.items()},
    )
