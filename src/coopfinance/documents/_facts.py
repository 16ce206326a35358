"""The figures of a key-facts sheet (Peru's *hoja resumen*), as data.

:class:`KeyFacts` only holds figures computed elsewhere (the schedule engine, :mod:`coopfinance.cost`);
it checks their types and signs and computes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs

from coopfinance._decimal import to_decimal
from coopfinance._fields import non_negative, required_text
from coopfinance._schedule import Schedule
from coopfinance._terms import LoanTerms
from coopfinance.cost import cost_of_credit
from coopfinance.errors import WrongType, fmt_value

__all__ = ["KeyFacts"]


def _schedule(_instance: Any, _attribute: attrs.Attribute[Schedule], value: object) -> None:
    if not isinstance(value, Schedule):
        raise WrongType(
            f"'schedule' must be a coopfinance Schedule (got {type(value).__name__}).",
            field="schedule",
            value=value,
        )


# attrs converters must be named functions for mypy: one per field, so errors name it.


def _tea(value: Any) -> Decimal:
    return to_decimal(value, field="tea")


def _tcea(value: Any) -> Decimal | None:
    return None if value is None else to_decimal(value, field="tcea")


def _fees_withheld(value: Any) -> Decimal:
    return to_decimal(value, field="fees_withheld")


def _fees_financed(value: Any) -> Decimal:
    return to_decimal(value, field="fees_financed")


def _total_interest(value: Any) -> Decimal:
    return to_decimal(value, field="total_interest")


def _total_fees(value: Any) -> Decimal:
    return to_decimal(value, field="total_fees")


def _total_insurance(value: Any) -> Decimal:
    return to_decimal(value, field="total_insurance")


def _total_taxes(value: Any) -> Decimal:
    return to_decimal(value, field="total_taxes")


def _total_to_pay(value: Any) -> Decimal:
    return to_decimal(value, field="total_to_pay")


def _moratorium_rate(value: Any) -> Decimal | None:
    return None if value is None else to_decimal(value, field="moratorium_rate")


def _late_fee(value: Any) -> Decimal | None:
    return None if value is None else to_decimal(value, field="late_fee")


def _notes(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise WrongType(
            f"'notes' must be a sequence of texts, not {type(value).__name__} "
            f"(got {fmt_value(value)}); write notes=(...,).",
            field="notes",
            value=value,
        )
    notes = tuple(value)
    for note in notes:
        if not isinstance(note, str):
            raise WrongType(
                f"'notes' must hold texts (got {type(note).__name__} {fmt_value(note)}).",
                field="notes",
                value=note,
            )
    return notes


@attrs.frozen(slots=True, kw_only=True)
class KeyFacts:
    """What a key-facts sheet (*hoja resumen*) shows, computed elsewhere; amounts in the
    schedule's currency, rates as ``Decimal`` fractions (``0.35`` for 35 %).

    - ``tea``: the effective annual rate; ``tcea``: the annual effective cost rate (``None`` if
      not computed); ``moratorium_rate`` and ``late_fee``: ``None`` if not charged.
    - ``fees_withheld``: upfront fees taken from the disbursement; ``fees_financed``: upfront fees
      added to the principal. The sheet shows the net amount received as
      ``schedule.principal − fees_withheld − fees_financed``.
    - ``total_*`` and ``total_to_pay``: sums over the whole schedule.

    >>> from coopfinance import LoanTerms, Rate
    >>> s = LoanTerms(principal="5000", rate=Rate.effective_annual("35%"), installments=6,
    ...               disbursed="2026-01-15").schedule()
    >>> facts = KeyFacts(borrower="Juana Quispe", lender="Cooperativa Manantial de Vida",
    ...                  product="Capital semilla", schedule=s, tea="0.35", tcea="0.3983",
    ...                  fees_withheld="50", total_interest=s.total_interest,
    ...                  total_fees="50", total_to_pay=s.total_payments)
    >>> facts.tea, facts.moratorium_rate
    (Decimal('0.35'), None)
    >>> KeyFacts(borrower="Juana", lender="Coop", product="x", schedule=s, tea=0.35,
    ...          total_interest=0, total_to_pay=0)
    Traceback (most recent call last):
    ...
    coopfinance.errors.FloatNotAllowed: 'tea' must not be a float (got 0.35): ...
    """

    borrower: str = attrs.field(validator=required_text())
    lender: str = attrs.field(validator=required_text())
    product: str = attrs.field(validator=required_text())
    schedule: Schedule = attrs.field(validator=_schedule)
    tea: Decimal = attrs.field(converter=_tea, validator=non_negative())
    tcea: Decimal | None = attrs.field(default=None, converter=_tcea, validator=non_negative())
    fees_withheld: Decimal = attrs.field(
        default=Decimal(0), converter=_fees_withheld, validator=non_negative()
    )
    fees_financed: Decimal = attrs.field(
        default=Decimal(0), converter=_fees_financed, validator=non_negative()
    )
    total_interest: Decimal = attrs.field(converter=_total_interest, validator=non_negative())
    total_fees: Decimal = attrs.field(
        default=Decimal(0), converter=_total_fees, validator=non_negative()
    )
    total_insurance: Decimal = attrs.field(
        default=Decimal(0), converter=_total_insurance, validator=non_negative()
    )
    total_taxes: Decimal = attrs.field(
        default=Decimal(0), converter=_total_taxes, validator=non_negative()
    )
    total_to_pay: Decimal = attrs.field(converter=_total_to_pay, validator=non_negative())
    moratorium_rate: Decimal | None = attrs.field(
        default=None, converter=_moratorium_rate, validator=non_negative()
    )
    late_fee: Decimal | None = attrs.field(
        default=None, converter=_late_fee, validator=non_negative()
    )
    notes: tuple[str, ...] = attrs.field(default=(), converter=_notes)

    @classmethod
    def from_loan(
        cls,
        terms: LoanTerms,
        *,
        borrower: str,
        lender: str,
        product: str,
        moratorium_rate: Decimal | int | str | None = None,
        late_fee: Decimal | int | str | None = None,
        notes: Iterable[str] = (),
    ) -> KeyFacts:
        """The key facts of ``terms``: its schedule and :func:`coopfinance.cost.cost_of_credit`.

        >>> from coopfinance import LoanTerms, Rate
        >>> terms = LoanTerms(principal="5000", rate=Rate.effective_annual("35%"), installments=6,
        ...                   disbursed="2026-01-15", charges=["upfront:1%", "insurance:0.1%"])
        >>> facts = KeyFacts.from_loan(terms, borrower="Juana Quispe", lender="Coop",
        ...                            product="Capital semilla", moratorium_rate="19%")
        >>> facts.fees_withheld, facts.total_insurance, facts.moratorium_rate
        (Decimal('50.00'), Decimal('17.86'), Decimal('0.19'))
        """
        schedule = terms.schedule()
        cost = cost_of_credit(schedule) if terms.rate.is_flat else cost_of_credit(terms)
        return cls(
            borrower=borrower,
            lender=lender,
            product=product,
            schedule=schedule,
            tea=cost.tea,
            tcea=cost.tcea,
            fees_withheld=schedule.fees_withheld,
            fees_financed=schedule.fees_financed,
            total_interest=cost.total_interest,
            total_fees=cost.total_fees,
            total_insurance=cost.total_insurance,
            total_taxes=cost.total_taxes,
            total_to_pay=cost.total_to_pay,
            moratorium_rate=moratorium_rate,
            late_fee=late_fee,
            notes=tuple(notes),
        )
