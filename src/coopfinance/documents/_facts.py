"""The figures of a key-facts sheet (Peru's *hoja resumen*), as data.

:class:`KeyFacts` only holds figures computed elsewhere (the schedule engine, :mod:`coopfinance.cost`);
it checks their types and signs and computes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from coopfinance._decimal import exact, to_decimal
from coopfinance._fields import non_negative, required_text, to_whole
from coopfinance._rates import rate_value
from coopfinance._schedule import Schedule
from coopfinance._terms import LoanTerms
from coopfinance.cost import cost_of_credit, tcea
from coopfinance.errors import E_, InvalidValue, WrongType, fmt_value
from coopfinance.linked import RevenueSharePlan, RevenueShareSchedule
from coopfinance.servicing import LateFeeBasis, LatePolicy
from coopfinance.servicing._policy import MAX_MORATORIUM

__all__ = [
    "KeyFacts",
    "RevenueShareFacts",
    "revenue_share_context",
    "revenue_share_facts_context",
]


def _schedule(_instance: Any, _attribute: attrs.Attribute[Schedule], value: object) -> None:
    if not isinstance(value, Schedule):
        raise WrongType(
            E_(
                "'schedule' must be a coopfinance Schedule (got %(type)s).",
                type=type(value).__name__,
            ),
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
    if value is None:
        return None
    rate = rate_value(value, field="moratorium_rate")
    if rate > MAX_MORATORIUM:
        raise InvalidValue(
            E_(
                "'moratorium_rate' must be at most %(max_moratorium)s %% a year (got "
                "%(normalize_rate)s %%); Agrobanco's is 19 %%.",
                max_moratorium=format(MAX_MORATORIUM * 100, "f"),
                normalize_rate=format((rate * 100).normalize(), "f"),
            ),
            field="moratorium_rate",
            value=value,
        )
    return rate


class _Percent(Decimal):
    __slots__ = ()


def _late_fee(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, str) and value.strip().endswith("%"):
        return _Percent(rate_value(value, field="late_fee"))
    return to_decimal(value, field="late_fee")


def _late_fee_basis(value: Any) -> str | None:
    if value is None:
        return None
    return LateFeeBasis.parse(value, field="late_fee_basis").value


def _late_fee_every(value: Any) -> int | None:
    return None if value is None else to_whole(value, field="late_fee_every")


def _late_fee_cap(value: Any) -> Decimal | None:
    return None if value is None else to_decimal(value, field="late_fee_cap")


def _notes(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise WrongType(
            E_(
                "'notes' must be a sequence of texts, not %(type)s (got %(value)s); "
                "write notes=(...,).",
                type=type(value).__name__,
                value=fmt_value(value),
            ),
            field="notes",
            value=value,
        )
    notes = tuple(value)
    for note in notes:
        if not isinstance(note, str):
            raise WrongType(
                E_(
                    "'notes' must hold texts (got %(type)s %(note)s).",
                    type=type(note).__name__,
                    note=fmt_value(note),
                ),
                field="notes",
                value=note,
            )
    return notes


@attrs.frozen(slots=True, kw_only=True)
class KeyFacts:
    """What a key-facts sheet (*hoja resumen*) shows, computed elsewhere; amounts in the
    schedule's currency, rates as ``Decimal`` fractions (``0.35`` for 35 %).

    - ``tea``: the effective annual rate; ``tcea``: the annual effective cost rate (``None`` if
      not computed); ``moratorium_rate`` and ``late_fee``: ``None`` if not charged. A late fee
      written with ``%`` (``"1.5%"``) is a percentage of what ``late_fee_basis`` names
      (``installment`` by default: the overdue installment; ``principal``,
      ``principal-interest``), otherwise an amount; ``late_fee_every`` (days) repeats it for each
      period of delay, ``late_fee_cap`` bounds it per installment. Rates follow the one rule of
      coopfinance: ``%`` means percent, a bare number is a fraction below 1.
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
    late_fee_basis: str | None = attrs.field(default=None, converter=_late_fee_basis)
    """``None`` for an amount; a :class:`~coopfinance.servicing.LateFeeBasis` value otherwise."""
    late_fee_every: int | None = attrs.field(default=None, converter=_late_fee_every)
    late_fee_cap: Decimal | None = attrs.field(
        default=None, converter=_late_fee_cap, validator=non_negative()
    )
    notes: tuple[str, ...] = attrs.field(default=(), converter=_notes)

    @exact
    def __attrs_post_init__(self) -> None:
        fee = self.late_fee
        if isinstance(fee, _Percent):
            object.__setattr__(self, "late_fee", Decimal(fee))
            if self.late_fee_basis is None:
                object.__setattr__(self, "late_fee_basis", LateFeeBasis.INSTALLMENT.value)
        if self.late_fee_basis == LateFeeBasis.FLAT.value:
            object.__setattr__(self, "late_fee_basis", None)
        principal = self.schedule.principal
        if self.late_fee_basis is None and fee is not None and fee > principal:
            raise InvalidValue(
                E_(
                    "'late_fee' must be at most the loan's principal, %(principal)s (got %(fee)s).",
                    principal=principal,
                    fee=format(fee, "f"),
                ),
                field="late_fee",
                value=fee,
            )
        if self.late_fee_basis is not None and fee is not None and fee >= 1:
            raise InvalidValue(
                E_(
                    "'late_fee' of a percentage fee must be below 100 %% (got %(fee)s); "
                    "write 5 %% as '5%%'.",
                    fee=fee,
                ),
                field="late_fee",
                value=fee,
            )

    @property
    def late_fee_key(self) -> str | None:
        """The message key that words a percentage late fee (``None`` for an amount)."""
        return None if self.late_fee_basis is None else f"key_facts.late_fee.{self.late_fee_basis}"

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
        late: LatePolicy | None = None,
    ) -> KeyFacts:
        """The key facts of ``terms``: its schedule and :func:`coopfinance.cost.cost_of_credit`.

        >>> from coopfinance import LoanTerms, Rate
        >>> terms = LoanTerms(principal="5000", rate=Rate.effective_annual("35%"), installments=6,
        ...                   disbursed="2026-01-15", charges=["upfront:1%", "insurance:0.1%"])
        >>> facts = KeyFacts.from_loan(terms, borrower="Juana Quispe", lender="Coop",
        ...                            product="Capital semilla", moratorium_rate="19%")
        >>> facts.fees_withheld, facts.total_insurance, facts.moratorium_rate
        (Decimal('50.00'), Decimal('17.86'), Decimal('0.19'))

        With ``late`` (the account's :class:`~coopfinance.servicing.LatePolicy`), the sheet shows
        its moratorium rate and late fee (``moratorium_rate`` and ``late_fee`` then must be unset):

        >>> facts = KeyFacts.from_loan(terms, borrower="Juana", lender="Coop", product="x",
        ...                            late=LatePolicy(late_fee="2%", late_fee_every=30))
        >>> facts.moratorium_rate, facts.late_fee, facts.late_fee_basis, facts.late_fee_every
        (Decimal('0.19'), Decimal('0.02'), 'installment', 30)
        """
        basis: str | None = None
        every: int | None = None
        cap: Decimal | None = None
        if late is not None:
            if moratorium_rate is not None or late_fee is not None:
                raise InvalidValue(
                    E_(
                        "give 'late' or 'moratorium_rate'/'late_fee', not both (got "
                        "late=%(late)s).",
                        late=repr(late),
                    ),
                    field="late",
                    value=late,
                )
            moratorium_rate = None if late.moratorium is None else late.moratorium.value
            if late.late_fee:
                late_fee = late.late_fee
                basis = None if not late.fee_is_percentage else late.late_fee_basis.value  # type: ignore[union-attr]
                every, cap = late.late_fee_every, late.late_fee_cap
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
            late_fee_basis=basis,
            late_fee_every=every,
            late_fee_cap=cap,
            notes=tuple(notes),
        )


@attrs.frozen(slots=True, kw_only=True)
class RevenueShareFacts:
    """The key facts of a revenue-share loan (issue 18 §1): its terms as the farmer reads them
    ("x % of your milk, between S/ floor and S/ cap per fortnight"), and the plan run on the
    **expected** milk values of each settlement, with the cost of credit of those flows — an
    estimate, since what is paid depends on the milk delivered (the sheet says so).

    ``tcea_estimate`` is :func:`~coopfinance.cost.tcea` of the dated flows (the principal received
    on the disbursement day, each expected payment on its period's last day), ``None`` when the
    expected flows do not repay the loan.

    >>> from coopfinance.linked import RevenueSharePlan
    >>> plan = RevenueSharePlan(principal="1500", rate="18%", disbursed="2026-01-01",
    ...                         share="25%", floor="50", cap="400", max_periods=12)
    >>> facts = RevenueShareFacts.from_plan(plan, ["640"] * 12, borrower="Juana", lender="Coop",
    ...                                     product="Crédito lechero")
    >>> len(facts.expected), facts.expected.repaid, facts.tcea_estimate
    (10, True, Decimal('0.1800'))
    """

    borrower: str = attrs.field(validator=required_text())
    lender: str = attrs.field(validator=required_text())
    product: str = attrs.field(validator=required_text())
    plan: RevenueSharePlan
    expected: RevenueShareSchedule
    tcea_estimate: Decimal | None

    @classmethod
    @exact
    def from_plan(
        cls,
        plan: RevenueSharePlan,
        expected_milk: Iterable[Any],
        *,
        borrower: str,
        lender: str,
        product: str,
    ) -> RevenueShareFacts:
        """The facts of ``plan`` with the milk values expected at each settlement (the farm's
        forecast), as :meth:`~coopfinance.linked.RevenueSharePlan.run` reads them."""
        expected = plan.run(expected_milk)
        estimate: Decimal | None = None
        if expected.repaid:
            flows = [(plan.disbursed, plan.principal)]
            flows += [(r.period.end, -r.paid) for r in expected.rows if r.paid]
            estimate = tcea(flows).quantize(Decimal("0.0001"))  # 2 dp in %, as the TCEA
        return cls(
            borrower=borrower, lender=lender, product=product, plan=plan, expected=expected,
            tcea_estimate=estimate,
        )  # fmt: skip


def revenue_share_context(
    plan: RevenueSharePlan,
    rows: Iterable[Mapping[str, Any]],
    *,
    borrower: str,
    lender: str,
    product: str,
    statement: bool,
    tcea_estimate: Decimal | None = None,
    as_of: dt.date | None = None,
) -> dict[str, Any]:
    """The context of the ``revenue_share`` template: the key-facts sheet (``statement=False``:
    the expected rows and the estimated cost) or the loan's statement (``statement=True``: the
    settlements so far, with arrears). Each row: ``number``, ``period``, ``milk_value``,
    ``due``, ``paid``, ``interest``, ``balance``, ``arrears``."""
    table = [dict(r) for r in rows]
    last = table[-1] if table else None
    return {
        "statement": statement,
        "borrower": borrower,
        "lender": lender,
        "product": product,
        "plan": plan,
        "currency": plan.currency.code,
        "share_places": 0 if (plan.share * 100) == (plan.share * 100).to_integral_value() else 2,
        "per": f"revenue_share.per.{plan.frequency.value.replace('-', '_')}",
        "rows": table,
        "tcea_estimate": tcea_estimate,
        "as_of": as_of,
        "balance": plan.principal if last is None else last["balance"],
        "arrears": Decimal(0) if last is None else last["arrears"],
        "total_paid": sum((r["paid"] for r in table), Decimal(0)),
        "total_interest": sum((r["interest"] for r in table), Decimal(0)),
    }


def revenue_share_facts_context(facts: RevenueShareFacts) -> dict[str, Any]:
    """The ``revenue_share`` template's context of a key-facts sheet."""
    rows = [
        {
            "number": r.number, "period": r.period, "milk_value": r.milk_value, "due": r.due,
            "paid": r.paid, "interest": r.interest, "balance": r.balance,
            "arrears": r.due - r.paid,
        }
        for r in facts.expected.rows
    ]  # fmt: skip
    return revenue_share_context(
        facts.plan, rows, borrower=facts.borrower, lender=facts.lender, product=facts.product,
        statement=False, tcea_estimate=facts.tcea_estimate,
    )  # fmt: skip
