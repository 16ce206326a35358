"""The IFRS 9 effective interest rate and the amortized-cost table (lender's or holder's view).

The EIR is the rate that discounts the contractual cash flows ``CFₖ`` exactly to the initial
carrying amount ``A₀`` (the amount lent or paid, minus fees received that are an integral part of
the rate, plus directly attributable transaction costs):

    A₀ = Σₖ CFₖ·(1 + EIR)^(−tₖ)

``tₖ`` counts periods for periodic flows (a periodic EIR) or years from ``start`` under a day count
for dated flows (an annual EIR). Each row of the amortized-cost table then earns interest on the
opening amount at the EIR: ``interest = opening·((1 + EIR)^τ − 1)``,
``closing = opening + interest − cash``; amounts stay exact ``Decimal``, rounded only for display.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import attrs

from coopfinance._calendar import DayCount
from coopfinance._decimal import CONTEXT, ONE, exact, to_decimal
from coopfinance.cost._flows import Amount, CashFlow, amounts_of, dated, discount
from coopfinance.cost._solver import common_units, solve_power
from coopfinance.errors import E_, InvalidValue

__all__ = ["AmortizedCostRow", "AmortizedCostTable", "eir"]


def _carrying(amount: Amount, fees: Amount, costs: Amount) -> Decimal:
    a0 = (
        to_decimal(amount, field="amount")
        - to_decimal(fees, field="fees")
        + to_decimal(costs, field="costs")
    )
    if a0 <= 0:
        raise InvalidValue(
            E_("'amount' net of fees plus costs must be positive (got %(a0)s).", a0=a0),
            field="amount",
            value=a0,
        )
    return a0


def _plan(
    flows: Iterable[Amount] | Iterable[CashFlow | tuple[dt.date, Amount]],
    start: dt.date | None,
    day_count: DayCount,
) -> tuple[list[Decimal], list[Fraction], list[dt.date | None]]:
    items = list(flows)
    if start is None:
        amounts = amounts_of(items, field="flows")  # type: ignore[arg-type]
        return amounts, [Fraction(k + 1) for k in range(len(amounts))], [None] * len(amounts)
    cfs = dated(items, field="flows")  # type: ignore[arg-type]
    if cfs[0].date < start:
        raise InvalidValue(
            E_(
                "'flows' must not precede 'start' %(isoformat_start)s (got %(isoformat_date)s).",
                isoformat_start=start.isoformat(),
                isoformat_date=cfs[0].date.isoformat(),
            ),
            field="flows",
            value=cfs[0].date,
        )
    times = [day_count.year_fraction(start, f.date) for f in cfs]
    return [f.amount for f in cfs], times, [f.date for f in cfs]


@exact
def eir(
    amount: Amount,
    flows: Iterable[Amount] | Iterable[CashFlow | tuple[dt.date, Amount]],
    *,
    fees: Amount = 0,
    costs: Amount = 0,
    start: dt.date | None = None,
    day_count: DayCount | str = DayCount.ACT_365F,
) -> Decimal:
    """The effective interest rate of an instrument carried initially at ``amount − fees + costs``.

    Without ``start``, ``flows`` are amounts at the end of periods 1, 2, … and the rate is per
    period; with ``start``, ``flows`` are ``(date, amount)`` pairs and the rate is annual effective,
    time by ``day_count``. Flows are what the holder receives (positive).

    IFRS for SMEs (2009) section 11 example: a bond bought for 900 plus 50 of costs, paying 40 a
    year for five years and 1,100 at the end:

    >>> eir(900, [40, 40, 40, 40, 1140], costs=50).quantize(Decimal("0.000001"))
    Decimal('0.069584')
    """
    a0 = _carrying(amount, fees, costs)
    amounts, times, _ = _plan(flows, start, DayCount.parse(day_count))
    numerators, denominator = common_units([Fraction(0), *times])
    return solve_power([-a0, *amounts], numerators, denominator, field="flows")


@attrs.frozen(slots=True, kw_only=True)
class AmortizedCostRow:
    """One period of an amortized-cost table (exact ``Decimal`` amounts)."""

    period: int
    date: dt.date | None
    opening: Decimal
    interest: Decimal
    cash_flow: Decimal
    closing: Decimal


@attrs.frozen(slots=True, kw_only=True)
class AmortizedCostTable:
    """The amortized cost of an instrument period by period at its effective interest rate.

    >>> t = AmortizedCostTable.build(900, [40, 40, 40, 40, 1140], costs=50)
    >>> print(t.to_table())
    period   opening  interest      cash   closing
         1    950.00     66.11     40.00    976.11
         2    976.11     67.92     40.00  1,004.03
         3  1,004.03     69.86     40.00  1,033.89
         4  1,033.89     71.94     40.00  1,065.83
         5  1,065.83     74.17  1,140.00      0.00
    """

    rate: Decimal
    rows: tuple[AmortizedCostRow, ...]

    @classmethod
    def build(
        cls,
        amount: Amount,
        flows: Iterable[Amount] | Iterable[CashFlow | tuple[dt.date, Amount]],
        *,
        fees: Amount = 0,
        costs: Amount = 0,
        start: dt.date | None = None,
        day_count: DayCount | str = DayCount.ACT_365F,
        rate: Amount | None = None,
    ) -> AmortizedCostTable:
        """The table for ``flows`` (as in :func:`eir`) at ``rate`` (default: the EIR itself).

        A given ``rate`` (e.g. one published rounded or truncated) leaves the last closing amount
        slightly off zero; the EIR closes it to within about 1e-15 of the amounts.
        """
        items: list[Any] = list(flows)
        dc = DayCount.parse(day_count)
        r = (
            eir(amount, items, fees=fees, costs=costs, start=start, day_count=dc)
            if rate is None
            else to_decimal(rate, field="rate")
        )
        a0 = _carrying(amount, fees, costs)
        amounts, times, dates = _plan(items, start, dc)
        rows: list[AmortizedCostRow] = []
        opening = a0
        previous = Fraction(0)
        with decimal.localcontext(CONTEXT):
            for k, (cash, t, d) in enumerate(zip(amounts, times, dates, strict=True)):
                growth = ONE / discount(r, t - previous) if t != previous else ONE
                interest = opening * (growth - ONE)
                closing = opening + interest - cash
                rows.append(
                    AmortizedCostRow(
                        period=k + 1,
                        date=d,
                        opening=opening,
                        interest=interest,
                        cash_flow=cash,
                        closing=closing,
                    )
                )
                opening, previous = closing, t
        return cls(rate=r, rows=tuple(rows))

    def to_table(self, places: int = 2) -> str:
        """The rows as text, amounts rounded half-up to ``places`` decimals (display only)."""
        unit = Decimal(1).scaleb(-places)

        def m(x: Decimal) -> str:
            q = x.quantize(unit, rounding=ROUND_HALF_UP)
            return f"{abs(q) if q == 0 else q:,.{places}f}"  # no "-0.00"

        dated_rows = any(r.date is not None for r in self.rows)
        head = ["date" if dated_rows else "period", "opening", "interest", "cash", "closing"]
        body: list[Sequence[str]] = [
            [
                r.date.isoformat() if r.date is not None else str(r.period),
                m(r.opening),
                m(r.interest),
                m(r.cash_flow),
                m(r.closing),
            ]
            for r in self.rows
        ]
        table = [head, *body]
        widths = [max(len(row[c]) for row in table) for c in range(5)]
        return "\n".join(
            "  ".join(row[c].rjust(widths[c]) for c in range(5)).rstrip() for row in table
        )
