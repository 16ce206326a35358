"""Revenue-share repayment: each settlement pays a share of the milk value, within a floor and a cap.

For settlement period ``k`` ending on ``dₖ`` (the payment date), with milk value ``Mₖ``::

    interestₖ = round(Bₖ₋₁ · iₖ)          iₖ = (1 + r)^(daysₖ/360) − 1  (TEA, actual days / 360)
    owedₖ     = Bₖ₋₁ + interestₖ
    dueₖ      = min(owedₖ, min(cap, max(floor, ⌊share·Mₖ⌋)))
    paidₖ     = min(dueₖ, Mₖ)              never more than the milk value
    Bₖ        = owedₖ − paidₖ              unpaid interest is capitalized

until the balance is 0: the last payment takes exactly the remaining balance plus its interest.
At the maximum term (``max_periods``) the :class:`MaturityRule` applies: BALLOON makes the whole
``owedₖ`` due and paid in that period (the part beyond the share is :attr:`balloon`); EXTEND goes on
at ``extension_rate`` for up to ``extension_periods`` more periods, then the balance is a balloon.

In the cycle (:meth:`RevenueSharePlan.due`, :meth:`RevenueSharePlan.post`,
:meth:`RevenueSharePlan.to_obligations`) the settlement, not the plan, decides what is paid: it
collects ``paidₖ ≤ dueₖ`` (what check-off could take after the charges ahead of the loan and the
cap), and what it could not take is **arrears**, carried into the next period's obligation::

    dueₖ      = min(owedₖ, regularₖ + arrearsₖ₋₁)     before the last period
    dueₖ      = owedₖ                                 in the last period and after (balloon)
    arrearsₖ  = dueₖ − paidₖ,   Bₖ = owedₖ − paidₖ

so a balloon the milk cannot pay is arrears like any other, collected at the next settlements
(interest still accruing at the plan's rate, the extension rate after ``max_periods``).

Defaults follow reference ``dairy-and-coop.md`` §8: TEA with a 360-day base (Agrobanco), semi-monthly
settlements, a term of at most 12 months (24 fortnights, Centenary SACCO / AgroPerú). One Acre Fund's
fully flexible repayment with a final deadline (§1.2) is the share-0 / floor-0 extreme of this plan.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

import attrs

from coopfinance._calendar import DayCount
from coopfinance._decimal import CONTEXT, ZERO, exact
from coopfinance._fields import ParseableEnum, to_date, whole
from coopfinance._money import Currency
from coopfinance._rates import Rate
from coopfinance.dairy import Obligation, ObligationKind, Period, SettlementFrequency
from coopfinance.errors import E_, CoopFinanceError, InvalidLinkedPlan, InvalidValue
from coopfinance.linked._common import amount, as_rate, share, whole_units

__all__ = [
    "MaturityRule",
    "RevenueShareCollection",
    "RevenueShareDue",
    "RevenueSharePlan",
    "RevenueShareRow",
    "RevenueShareSchedule",
    "RevenueShareStanding",
]


class MaturityRule(ParseableEnum):
    """What happens when the maximum term is reached with a balance left."""

    BALLOON = "balloon"
    """The whole balance and its interest are due in the last period."""
    EXTEND = "extend"
    """The plan goes on at ``extension_rate`` for up to ``extension_periods`` more periods."""

    @classmethod
    def parse_error(cls) -> type[InvalidValue]:
        return InvalidLinkedPlan


class RevenueShareRow(NamedTuple):
    """One settlement of a revenue-share plan. Amounts are ``Decimal``.

    ``balance = opening_balance + interest − paid``; ``principal`` is what ``paid`` repays beyond
    the interest (0 when the payment does not cover it, the rest being :attr:`capitalized`).
    """

    number: int
    period: Period
    days: int
    milk_value: Decimal
    opening_balance: Decimal
    due: Decimal
    paid: Decimal
    interest: Decimal
    principal: Decimal
    balance: Decimal

    @property
    def capitalized(self) -> Decimal:
        """Interest of this period that the payment did not cover, added to the balance."""
        return self.interest - min(self.interest, self.paid)

    @property
    def short(self) -> Decimal:
        """``due − paid``: what the milk value could not cover."""
        return self.due - self.paid


_Number = Decimal | int | str


def _principal(value: _Number) -> Decimal:
    d = amount(value, "principal")
    if d == 0:
        raise InvalidLinkedPlan(
            E_("'principal' must be positive (got 0)."), field="principal", value=d
        )
    return d


def _share(value: _Number) -> Decimal:
    return share(value, "share")


def _floor(value: _Number) -> Decimal:
    return amount(value, "floor")


def _cap(value: _Number | None) -> Decimal | None:
    return None if value is None else amount(value, "cap")


def _rate(value: Rate | _Number) -> Rate:
    return as_rate(value, "rate")


def _opt_rate(value: Rate | _Number | None) -> Rate | None:
    return None if value is None else as_rate(value, "extension_rate")


def _date(value: dt.date | str) -> dt.date:
    return to_date(value, field="disbursed", error=InvalidLinkedPlan)


def _maturity(value: MaturityRule | str) -> MaturityRule:
    return MaturityRule.parse(value, field="at_maturity")


def _frequency(value: SettlementFrequency | str) -> SettlementFrequency:
    return SettlementFrequency.parse(value)


def _day_count(value: DayCount | str) -> DayCount:
    return DayCount.parse(value)


def _currency(value: Currency | str) -> Currency:
    return Currency.of(value)


@attrs.frozen(slots=True, kw_only=True)
class RevenueSharePlan:
    """A loan repaid by a share of each settlement's milk value, within a floor and a cap per period.

    ``rate`` (Rate, or text read as TEA) accrues on the balance by actual days (``day_count``,
    ACT/360 by default). ``floor`` ≤ ``cap`` (``cap=None``: no cap). After ``max_periods``
    settlements ``at_maturity`` applies (see the module docstring).

    >>> plan = RevenueSharePlan(principal="1500", rate="18%", disbursed="2026-01-01", share="25%",
    ...                         floor="50", cap="400", max_periods=12)
    >>> milk = ["620", "640", "700", "180", "660", "690", "700", "650", "600", "700", "700"]
    >>> s = plan.run(milk)
    >>> [(r.paid, r.interest, r.balance) for r in s.rows[3:4]]
    [(Decimal('50.00'), Decimal('6.22'), Decimal('994.25'))]
    >>> last = s.rows[-1]
    >>> s.repaid, len(s), last.paid, last.opening_balance + last.interest
    (True, 11, Decimal('19.31'), Decimal('19.31'))
    >>> s.total_paid == plan.principal + s.total_interest
    True
    """

    principal: Decimal = attrs.field(converter=_principal)
    rate: Rate = attrs.field(converter=_rate)
    disbursed: dt.date = attrs.field(converter=_date)
    share: Decimal = attrs.field(converter=_share)
    floor: Decimal = attrs.field(default=ZERO, converter=_floor)
    cap: Decimal | None = attrs.field(default=None, converter=_cap)
    max_periods: int = attrs.field(default=24, validator=whole(1, error=InvalidLinkedPlan))
    at_maturity: MaturityRule = attrs.field(default=MaturityRule.BALLOON, converter=_maturity)
    extension_rate: Rate | None = attrs.field(default=None, converter=_opt_rate)
    extension_periods: int = attrs.field(default=0, validator=whole(0, error=InvalidLinkedPlan))
    frequency: SettlementFrequency = attrs.field(
        default=SettlementFrequency.SEMI_MONTHLY, converter=_frequency
    )
    day_count: DayCount = attrs.field(default=DayCount.ACT_360, converter=_day_count)
    currency: Currency = attrs.field(factory=lambda: Currency.of("PEN"), converter=_currency)

    @exact
    def __attrs_post_init__(self) -> None:
        unit, code = self.currency.unit, self.currency.code
        whole_units(self.principal, unit, "principal", code)
        whole_units(self.floor, unit, "floor", code)
        if self.cap is not None:
            whole_units(self.cap, unit, "cap", code)
            if self.floor > self.cap:
                raise InvalidLinkedPlan(
                    E_(
                        "'floor' must not exceed 'cap' %(cap)s (got %(floor)s).",
                        cap=self.cap,
                        floor=self.floor,
                    ),
                    field="floor",
                    value=self.floor,
                )
        if self.share == 0 and self.floor == 0:
            raise InvalidLinkedPlan(
                E_(
                    "'share' and 'floor' must not both be 0: nothing would ever be paid "
                    "(got share 0)."
                ),
                field="share",
                value=self.share,
            )
        if self.at_maturity is MaturityRule.EXTEND:
            if self.extension_rate is None or self.extension_periods < 1:
                raise InvalidLinkedPlan(
                    E_(
                        "'extension_rate' and 'extension_periods' ≥ 1 are needed to extend at "
                        "maturity (got %(extension_rate)s for %(extension_periods)s periods).",
                        extension_rate=self.extension_rate,
                        extension_periods=self.extension_periods,
                    ),
                    field="extension_rate",
                    value=self.extension_rate,
                )
        elif self.extension_rate is not None or self.extension_periods:
            raise InvalidLinkedPlan(
                E_(
                    "'extension_rate' and 'extension_periods' go only with "
                    "at_maturity=extend (got %(extension_periods)s periods).",
                    extension_periods=self.extension_periods,
                ),
                field="extension_periods",
                value=self.extension_periods,
            )

    @property
    def last_period(self) -> int:
        """The number of the period in which whatever is left falls due."""
        extra = self.extension_periods if self.at_maturity is MaturityRule.EXTEND else 0
        return self.max_periods + extra

    def regular_payment(self, milk_value: Decimal) -> Decimal:
        """``min(cap, max(floor, ⌊share·M⌋))``: what a period's settlement takes before the balance
        and the milk value bound it."""
        taken = CONTEXT.multiply(self.share, milk_value).quantize(
            self.currency.unit, rounding=ROUND_FLOOR
        )
        taken = max(taken, self.floor)
        taken = taken if self.cap is None else min(taken, self.cap)
        return taken.quantize(self.currency.unit)

    def _periods(
        self, milk_values: Mapping[Any, Any] | Iterable[Any]
    ) -> list[tuple[Period, Decimal]]:
        items: list[tuple[Any, Any]]
        if isinstance(milk_values, Mapping):
            items = list(milk_values.items())
        else:
            values = list(milk_values)
            if values and isinstance(values[0], tuple):
                items = [tuple(v) for v in values]
            else:
                items = []
                day = self.disbursed + dt.timedelta(days=1)
                for v in values:
                    p = self.frequency.period_of(day)
                    items.append((Period(start=max(p.start, day), end=p.end), v))
                    day = p.end + dt.timedelta(days=1)
        if not items:
            raise InvalidLinkedPlan(
                E_("'milk_values' must hold at least one period (got none)."),
                field="milk_values",
                value=(),
            )
        out: list[tuple[Period, Decimal]] = []
        prev = self.disbursed
        unit, code = self.currency.unit, self.currency.code
        for k, (p, v) in enumerate(items, start=1):
            period = p if isinstance(p, Period) else Period.parse(str(p))
            where = f" in period {k}"
            if period.end <= prev:
                raise InvalidLinkedPlan(
                    E_(
                        "'milk_values' periods must end after %(isoformat_prev)s (got "
                        "%(period)s)%(where)s.",
                        isoformat_prev=prev.isoformat(),
                        period=period,
                        where=where,
                    ),
                    field="milk_values",
                    value=str(period),
                )
            m = amount(v, "milk_values", where=where)
            whole_units(m, unit, "milk_values", code, where=where)
            out.append((period, m))
            prev = period.end
        return out

    def standing(self) -> RevenueShareStanding:
        """The standing on the disbursement day: the principal owed, nothing in arrears."""
        unit = self.currency.unit
        return RevenueShareStanding(
            number=0, as_of=self.disbursed, balance=self.principal.quantize(unit),
            arrears=ZERO.quantize(unit),
        )  # fmt: skip

    def due(
        self, standing: RevenueShareStanding, period: Period, milk_value: Decimal | int | str
    ) -> RevenueShareDue:
        """The obligation of the settlement of ``period`` (the next after ``standing``), given
        that period's milk value: interest on the balance from ``standing.as_of`` to the period
        end (the plan's rate, the extension rate after ``max_periods``), then the share within
        floor and cap plus any arrears, bounded by the balance; the whole balance from the last
        period on (see the module docstring).

        >>> plan = RevenueSharePlan(principal="1000", rate="18%", disbursed="2026-01-01",
        ...                         share="25%", floor="50", cap="400", max_periods=2)
        >>> d = plan.due(plan.standing(), Period.parse("2026-01-01..2026-01-15"), "600")
        >>> d.interest, d.regular, d.due
        (Decimal('6.46'), Decimal('150.00'), Decimal('150.00'))
        >>> after = plan.post(plan.standing(), d, "120")  # check-off could take only S/ 120
        >>> after.balance, after.arrears
        (Decimal('886.46'), Decimal('30.00'))
        >>> last = plan.due(after, Period.parse("2026-01-16..2026-01-31"), "600")
        >>> last.due, last.balloon  # the maximum term: everything left falls due
        (Decimal('893.01'), Decimal('713.01'))
        """
        if period.end <= standing.as_of:
            raise InvalidLinkedPlan(
                E_(
                    "'period' must end after %(isoformat_as_of)s (got %(period)s).",
                    isoformat_as_of=standing.as_of.isoformat(),
                    period=period,
                ),
                field="period",
                value=str(period),
            )
        unit, code = self.currency.unit, self.currency.code
        number = standing.number + 1
        where = f" in period {number}"
        milk = amount(milk_value, "milk_value", where=where)
        whole_units(milk, unit, "milk_value", code, where=where)
        rate = self.rate if number <= self.max_periods else self.extension_rate or self.rate
        with decimal.localcontext(CONTEXT):
            i = rate.period_rate(self.day_count.year_fraction(standing.as_of, period.end, None))
            interest = (standing.balance * i).quantize(unit, rounding=ROUND_HALF_UP)
            owed = standing.balance + interest
            regular = self.regular_payment(milk)
            maturity = number >= self.last_period
            due = owed if maturity else min(owed, regular + standing.arrears)
        return RevenueShareDue(
            number=number, period=period, milk_value=milk, opening_balance=standing.balance,
            interest=interest, regular=regular, arrears_before=standing.arrears, due=due,
            at_maturity=maturity,
        )  # fmt: skip

    def post(
        self, standing: RevenueShareStanding, due: RevenueShareDue, paid: Decimal | int | str
    ) -> RevenueShareStanding:
        """The standing after the settlement collected ``paid`` (0 ≤ paid ≤ due) of ``due``."""
        p = amount(paid, "paid", where=f" in period {due.number}")
        whole_units(p, self.currency.unit, "paid", self.currency.code)
        if p > due.due:
            raise InvalidLinkedPlan(
                E_(
                    "'paid' must not exceed the period's due %(due)s (got %(p)s) in period "
                    "%(number)s.",
                    due=due.due,
                    p=p,
                    number=due.number,
                ),
                field="paid",
                value=p,
            )
        if due.number != standing.number + 1 or due.opening_balance != standing.balance:
            raise InvalidLinkedPlan(
                E_(
                    "'due' must be the next obligation after settlement %(number)s (got "
                    "period %(number2)s).",
                    number=standing.number,
                    number2=due.number,
                ),
                field="due",
                value=due.number,
            )
        return RevenueShareStanding(
            number=due.number,
            as_of=due.period.end,
            balance=(due.owed - p).quantize(self.currency.unit),
            arrears=(due.due - p).quantize(self.currency.unit),
        )

    def to_obligations(
        self,
        milk_values: Mapping[Any, Any] | Iterable[Any],
        *,
        farmer: str,
        loan_id: str,
        available: Iterable[Decimal | int | str] | None = None,
    ) -> RevenueShareCollection:
        """The loan through consecutive settlements: each period's obligation from its milk
        value, collected up to ``available`` (what each settlement could take for this loan after
        the deductions ahead of it and the cap; default the milk value itself). Stops once repaid
        or when the values run out.

        When milk suffices (``available`` ≥ due every period) the collections are exactly those
        of :meth:`run` and repay ``principal + interest``; otherwise the shortfall, the balloon
        included, is arrears carried forward.

        >>> plan = RevenueSharePlan(principal="1000", rate="18%", disbursed="2026-01-01",
        ...                         share="25%", floor="50", cap="400", max_periods=4)
        >>> c = plan.to_obligations(["600"] * 6, farmer="F01", loan_id="RS-1",
        ...                         available=["600", "600", "600", "100", "600", "600"])
        >>> [str(d.due) for d in c.dues], [str(s.arrears) for s in c.standings]
        (['150.00', '150.00', '150.00', '571.11', '474.37'], ['0.00', '0.00', '0.00', '471.11', '0.00'])
        >>> c.standing.repaid, c.total_paid == plan.principal + c.total_interest
        (True, True)
        >>> c.obligations[3].amount, c.obligations[3].loan_id
        (Decimal('571.11'), 'RS-1')
        """
        try:
            periods = self._periods(milk_values)
        except CoopFinanceError as exc:
            if isinstance(exc, InvalidLinkedPlan | TypeError):
                raise
            raise InvalidLinkedPlan(str(exc), field="milk_values", value=exc.value) from None
        limits = None if available is None else list(available)
        if limits is not None and len(limits) < len(periods):
            raise InvalidLinkedPlan(
                E_(
                    "'available' must give one amount per period, %(periods)s (got %(limits)s).",
                    periods=len(periods),
                    limits=len(limits),
                ),
                field="available",
                value=len(limits),
            )
        standing = self.standing()
        dues: list[RevenueShareDue] = []
        paid: list[Decimal] = []
        standings: list[RevenueShareStanding] = []
        for k, (period, milk) in enumerate(periods):
            d = self.due(standing, period, milk)
            if limits is None:
                room = milk
            else:
                where = f" in period {k + 1}"
                room = amount(limits[k], "available", where=where)
                whole_units(room, self.currency.unit, "available", self.currency.code, where=where)
            p = min(d.due, room).quantize(self.currency.unit)
            standing = self.post(standing, d, p)
            dues.append(d)
            paid.append(p)
            standings.append(standing)
            if standing.repaid:
                break
        return RevenueShareCollection(
            plan=self, dues=tuple(dues), paid=tuple(paid), standings=tuple(standings),
            farmer=farmer, loan_id=loan_id,
        )  # fmt: skip

    def run(self, milk_values: Mapping[Any, Any] | Iterable[Any]) -> RevenueShareSchedule:
        """The plan applied to the milk value of each settlement period.

        ``milk_values``: a mapping ``Period → value``, ``(Period, value)`` pairs (a period may be
        text ``START..END``), or plain values for consecutive settlement periods of ``frequency``
        from the day after disbursement. Payments fall on each period's last day. The schedule stops
        when the loan is repaid, at the last period, or when the values run out (balance left).
        """
        try:
            periods = self._periods(milk_values)
        except CoopFinanceError as exc:
            if isinstance(exc, InvalidLinkedPlan | TypeError):
                raise
            raise InvalidLinkedPlan(str(exc), field="milk_values", value=exc.value) from None
        unit = self.currency.unit
        balance = self.principal.quantize(unit)
        prev = self.disbursed
        rows: list[RevenueShareRow] = []
        balloon = ZERO.quantize(unit)
        last = self.last_period
        with decimal.localcontext(CONTEXT):
            for k, (period, milk) in enumerate(periods, start=1):
                days = (period.end - prev).days
                rate = self.rate if k <= self.max_periods else self.extension_rate
                assert rate is not None
                i = rate.period_rate(self.day_count.year_fraction(prev, period.end, None))
                interest = (balance * i).quantize(unit, rounding=ROUND_HALF_UP)
                owed = balance + interest
                regular = min(owed, self.regular_payment(milk))
                due = regular
                paid = min(regular, milk)
                if k == last and paid < owed:
                    balloon = owed - paid
                    due = paid = owed
                principal = paid - min(paid, interest)
                rows.append(
                    RevenueShareRow(
                        number=k,
                        period=period,
                        days=days,
                        milk_value=milk,
                        opening_balance=balance,
                        due=due,
                        paid=paid,
                        interest=interest,
                        principal=principal,
                        balance=owed - paid,
                    )
                )
                balance = owed - paid
                prev = period.end
                if balance == 0 or k == last:
                    break
        return RevenueShareSchedule(plan=self, rows=tuple(rows), balloon=balloon)


@attrs.frozen(slots=True, kw_only=True)
class RevenueShareStanding:
    """Where a revenue-share loan stands after ``number`` settlements: the balance (interest
    accrued up to ``as_of`` included) and the part of it that fell due and was not paid."""

    number: int
    as_of: dt.date
    balance: Decimal
    arrears: Decimal

    @property
    def repaid(self) -> bool:
        """Whether nothing is owed."""
        return self.balance == 0


@attrs.frozen(slots=True, kw_only=True)
class RevenueShareDue:
    """The obligation of one settlement period, from :meth:`RevenueSharePlan.due`.

    ``regular`` is the share of the milk value within floor and cap (before the balance bounds
    it); ``arrears_before`` what earlier settlements left unpaid; ``due`` what this settlement asks.
    ``balloon`` is the part of ``due`` beyond ``regular + arrears_before`` (the maximum term).
    """

    number: int
    period: Period
    milk_value: Decimal
    opening_balance: Decimal
    interest: Decimal
    regular: Decimal
    arrears_before: Decimal
    due: Decimal
    at_maturity: bool

    @property
    def owed(self) -> Decimal:
        """The balance with this period's interest."""
        return self.opening_balance + self.interest

    @property
    def balloon(self) -> Decimal:
        """What the maximum term adds to the share and the arrears."""
        return self.due - min(self.due, self.regular + self.arrears_before)

    def obligation(self, farmer: str, loan_id: str, *, reference: str = "") -> Obligation:
        """The check-off obligation of this period (a loan installment, dated on the period end)."""
        return Obligation(
            farmer=farmer,
            kind=ObligationKind.LOAN_INSTALLMENT,
            amount=self.due,
            loan_id=loan_id,
            reference=reference,
            due=self.period.end,
        )


@attrs.frozen(slots=True, kw_only=True)
class RevenueShareCollection:
    """A revenue-share loan through the settlements: each period's obligation, what was paid,
    and the standing after it (from :meth:`RevenueSharePlan.to_obligations`)."""

    plan: RevenueSharePlan
    dues: tuple[RevenueShareDue, ...]
    paid: tuple[Decimal, ...]
    standings: tuple[RevenueShareStanding, ...]
    farmer: str
    loan_id: str

    @property
    def obligations(self) -> tuple[Obligation, ...]:
        """One :class:`~coopfinance.dairy.Obligation` per settlement, for ``dairy.settle``."""
        return tuple(d.obligation(self.farmer, self.loan_id) for d in self.dues)

    @property
    def standing(self) -> RevenueShareStanding:
        """After the last settlement."""
        return self.standings[-1]

    @property
    def total_paid(self) -> Decimal:
        """Everything collected."""
        return sum(self.paid, ZERO)

    @property
    def total_interest(self) -> Decimal:
        """All the interest accrued."""
        return sum((d.interest for d in self.dues), ZERO)


@attrs.frozen(slots=True, kw_only=True)
class RevenueShareSchedule:
    """The rows of a revenue-share plan run on milk values, and the balloon paid at maturity."""

    plan: RevenueSharePlan
    rows: tuple[RevenueShareRow, ...]
    balloon: Decimal
    """What the last period took beyond the revenue share (0 unless the balloon was needed)."""

    def __iter__(self) -> Any:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def balance(self) -> Decimal:
        """The balance after the last row (0 once repaid)."""
        return self.rows[-1].balance

    @property
    def repaid(self) -> bool:
        """Whether the loan is repaid."""
        return self.balance == 0

    @property
    def total_paid(self) -> Decimal:
        """Everything paid."""
        return sum((r.paid for r in self.rows), ZERO)

    @property
    def total_interest(self) -> Decimal:
        """All the interest accrued."""
        return sum((r.interest for r in self.rows), ZERO)

    @property
    def payoff(self) -> Period | None:
        """The period of the last payment, when the loan is repaid."""
        return self.rows[-1].period if self.repaid else None

    def to_table(self) -> str:
        """A plain-text table of the rows."""
        head = ("#", "period", "milk value", "due", "paid", "interest", "principal", "balance")
        body = [
            (
                str(r.number),
                str(r.period),
                *(f"{x:,.2f}" for x in (r.milk_value, r.due, r.paid, r.interest, r.principal)),
                f"{r.balance:,.2f}",
            )
            for r in self.rows
        ]
        widths = [max(len(x[i]) for x in (head, *body)) for i in range(len(head))]
        lines = [
            "  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in (head, *body)
        ]
        return "\n".join(lines)
