"""What a cost-of-credit figure of a schedule counts: the charge columns, stated and overridable.

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
from collections.abc import Iterable
from decimal import Decimal
from types import MappingProxyType

from coopfinance._decimal import exact
from coopfinance._fields import ParseableEnum
from coopfinance._schedule import Schedule
from coopfinance.errors import E_, InvalidValue

__all__ = ["DEFAULT_INCLUDES", "CostComponent", "Include", "components", "schedule_flows"]


class CostComponent(ParseableEnum):
    """A column of charges that a cost figure may include (``include=`` of each figure)."""

    FEES = "fees"
    INSURANCE = "insurance"
    TAXES = "taxes"


_ALL = frozenset(CostComponent)
DEFAULT_INCLUDES = MappingProxyType(
    {
        "tcea": frozenset({CostComponent.FEES, CostComponent.INSURANCE}),
        "apr": frozenset({CostComponent.FEES, CostComponent.INSURANCE}),
        "aprc": _ALL,
        "eir": frozenset({CostComponent.FEES}),
    }
)
"""What each figure includes unless told otherwise (see the module docstring)."""

Include = Iterable[CostComponent | str] | None


def components(include: Include, figure: str) -> frozenset[CostComponent]:
    """The components ``include`` names, or the default ones of ``figure``."""
    if include is None:
        return DEFAULT_INCLUDES[figure]
    if isinstance(include, str | CostComponent):
        include = [include]
    return frozenset(CostComponent.parse(item, field="include") for item in include)


@exact
def schedule_flows(
    schedule: Schedule, include: Include = None, *, figure: str = "tcea"
) -> tuple[Decimal, list[tuple[dt.date, Decimal]]]:
    """What the borrower receives at disbursement and pays on each due date, counting the charges
    in ``include`` (default: those of ``figure``).

    Received: ``principal`` less financed and withheld upfront fees (when fees count) and taxes
    withheld (when taxes count). Paid: principal + interest + the included columns. Payments due on
    the disbursement date (a down payment) are netted against what is received.
    """
    parts = components(include, figure)
    fees, insurance, taxes = (
        c in parts for c in (CostComponent.FEES, CostComponent.INSURANCE, CostComponent.TAXES)
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
            E_(
                "'schedule' leaves the borrower nothing at disbursement (received "
                "%(received)s): fees and the down payment must be less than the amount "
                "lent.",
                received=received,
            ),
            field="schedule",
            value=received,
        )
    return received, paid
