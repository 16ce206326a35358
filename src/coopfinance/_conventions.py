"""The conventions of the loan model: how principal is repaid and what grace does to interest.

A leaf module (it imports only the field-parsing kit and the errors): the terms, the schedule
builder, the batch engine and the CLI all read :class:`Amortization`, :class:`GraceType` and
:class:`Grace` from here. The calendar's conventions (:class:`~coopfinance.Frequency`,
:class:`~coopfinance.DayCount`, :class:`~coopfinance.BusinessDay`) are layer-1 primitives in
``_calendar``; the charges' (``ChargeKind``, ``ChargeBasis``, ``Upfront``) live with
:class:`~coopfinance.Charge`.

How each amortization kind is built is in :mod:`coopfinance._builder` (one planner per kind).
"""

from __future__ import annotations

import attrs

from coopfinance._fields import ParseableEnum, to_whole
from coopfinance.errors import E_, InvalidLoanTerms, InvalidValue

__all__ = ["MAX_INSTALLMENTS", "Amortization", "Grace", "GraceType"]

MAX_INSTALLMENTS = 600
"""The most installments a schedule may have (50 years monthly, 11 years weekly)."""


class _TermsConvention(ParseableEnum):
    """A convention of loan terms: a bad name raises :class:`~coopfinance.errors.InvalidLoanTerms`."""

    @classmethod
    def parse_error(cls) -> type[InvalidValue]:
        """Loan terms' conventions raise :class:`~coopfinance.errors.InvalidLoanTerms`."""
        return InvalidLoanTerms


class Amortization(_TermsConvention):
    """How principal is repaid.

    >>> Amortization.parse("constant_principal")
    <Amortization.CONSTANT_PRINCIPAL: 'constant-principal'>
    """

    LEVEL = "level"
    """French: the same total each period, ``C = P / Σ vₖ`` (cuota fija)."""
    CONSTANT_PRINCIPAL = "constant-principal"
    """German: the same principal each period, interest on the balance (cuota decreciente)."""
    FLAT = "flat"
    """Interest on the original principal for the whole term, spread evenly."""
    BULLET = "bullet"
    """Principal and all interest at maturity, nothing before."""
    INTEREST_ONLY = "interest-only"
    """Interest each period, principal at maturity."""
    WEIGHTED = "weighted"
    """Installments proportional to given weights: ``Cₖ = wₖ·P / Σ wₖ·vₖ`` (seasonal plans)."""


class GraceType(_TermsConvention):
    """What happens to interest during grace periods.

    >>> GraceType.parse("pay-interest")
    <GraceType.PAY_INTEREST: 'pay-interest'>
    """

    CAPITALIZE = "capitalize"
    """"Gracia total": nothing is paid and interest is added to the balance."""
    PAY_INTEREST = "pay-interest"
    """"Gracia parcial": only interest is paid."""
    WAIVE = "waive"
    """Nothing is paid and no interest is charged (an interest-free period)."""


def _grace_periods(value: int) -> int:
    periods = to_whole(value, field="grace", error=InvalidLoanTerms)
    if periods < 0:
        raise InvalidLoanTerms(
            E_("'grace' must not be negative (got %(periods)s).", periods=periods),
            field="grace",
            value=periods,
        )
    return periods


def _grace_type(value: GraceType | str) -> GraceType:
    return GraceType.parse(value)


@attrs.frozen(slots=True, kw_only=True)
class Grace:
    """``periods`` grace periods at the start of the schedule, counted among the installments.

    >>> Grace(periods=2, kind=GraceType.PAY_INTEREST)
    Grace(periods=2, kind=<GraceType.PAY_INTEREST: 'pay-interest'>)
    """

    periods: int = attrs.field(default=0, converter=_grace_periods)
    kind: GraceType = attrs.field(default=GraceType.CAPITALIZE, converter=_grace_type)
