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

from collections.abc import Callable
from decimal import Decimal

from coopfinance._schedule import Schedule
from coopfinance.cost._flows import Amount, DatedFlows, dated
from coopfinance.cost._solver import solve_power
from coopfinance.errors import InvalidValue

__all__ = ["tcea"]

_TCEA_OF: list[Callable[..., Decimal]] = []


def _schedule_tcea() -> Callable[..., Decimal]:
    """:func:`~coopfinance.cost._disclosure.tcea_of`, imported on first use (that module imports
    this one) and kept: an import statement per call costs 2 µs of a ~60 µs solve."""
    if not _TCEA_OF:
        from coopfinance.cost._disclosure import tcea_of

        _TCEA_OF.append(tcea_of)
    return _TCEA_OF[0]


def tcea(source: Schedule | DatedFlows, *, received: Amount | None = None) -> Decimal:
    """The TCEA of a :class:`~coopfinance.Schedule` or of dated flows, as a fraction (2 dp in %).

    - ``Schedule``: the borrower receives ``schedule.principal`` (or ``received``, e.g. net of fees
      withheld) on ``schedule.disbursed`` and pays each installment's ``total`` on its due date.
    - dated flows: ``(date, amount)`` pairs or :class:`CashFlow` values in the borrower's view,
      what is received positive and what is paid negative; days count from the first date.

    >>> from coopfinance import LoanTerms, Rate
    >>> s = LoanTerms(principal="5000", rate=Rate.effective_annual("35%"), installments=12,
    ...               disbursed="2026-01-15").schedule()
    >>> tcea(s).quantize(Decimal("0.0001"))
    Decimal('0.3500')
    >>> tcea(s, received="4900").quantize(Decimal("0.0001"))   # S/ 100 withheld at disbursement
    Decimal('0.4035')
    """
    if isinstance(source, Schedule):
        return _schedule_tcea()(source, received=received)
    if received is not None:
        raise InvalidValue(
            f"'received' applies only to a Schedule; put the amount received among the flows "
            f"(got {received}).",
            field="received",
            value=received,
        )
    items = dated(source)
    start = items[0].date
    days = [(f.date - start).days for f in items]
    return solve_power([f.amount for f in items], days, 360, field="flows")
