"""Check-off: loan installments collected at source from the milk settlement.

The bridge between the fortnightly settlement and loan servicing:

1. :func:`loan_obligations` turns each farmer's loan accounts into the loan-installment obligations
   of a settlement period: everything due and unpaid on the period's **pay date** (installments
   falling due up to it, older arrears, late charges) — read from the account's replayed state, so
   arrears are carried forward by the account itself, never twice;
2. :func:`loan_payments` turns what a settlement collected for each loan into :class:`Payment`
   events dated on the **pay date** (channel ``"milk"``): an installment due on the pay date of
   the period in which it falls due is paid on time;
3. :func:`run_checkoff` does both, period after period, and returns the settlements and the
   accounts with their new payments. What is short stays on the account as arrears and is due again
   in the next settlement.

Pay dates (issue 16): ``run_checkoff(pay_dates={period: day})`` or ``pay_delay_days=n`` (each
period paid ``n`` days after its last day); by default a period is paid on its last day. A
check-off loan whose due dates are not pay dates is collected late by construction (an installment
due between two pay dates waits for the next one), so :func:`run_checkoff` warns with
:class:`~coopfinance.errors.DueDateWarning` naming the loan and the first such date
(:func:`off_calendar`). A delivery dated outside every period given is **refused**
(``InvalidSettlement`` listing them): nothing vanishes from a settlement without a word.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

import attrs

from coopfinance._decimal import ZERO, exact
from coopfinance.dairy._deliveries import Deliveries, Delivery
from coopfinance.dairy._obligations import Obligation, ObligationKind
from coopfinance.dairy._periods import Period
from coopfinance.dairy._prices import MilkPriceSchedule
from coopfinance.dairy._settlement import Settlement, SettlementPolicy, settle
from coopfinance.errors import E_, DueDateWarning, InvalidSettlement
from coopfinance.servicing import LoanAccount, Payment

__all__ = [
    "CheckoffSeason",
    "loan_obligations",
    "loan_payments",
    "off_calendar",
    "pay_dates_of",
    "run_checkoff",
]


@exact
def loan_obligations(
    accounts: Mapping[str, Sequence[LoanAccount]],
    period: Period,
    *,
    pay_date: dt.date | None = None,
) -> list[Obligation]:
    """The loan-installment obligations of ``period``: per farmer and loan, what the account has due
    and unpaid on the pay date (``pay_date``, default ``period.end``: its ``arrears`` then).

    ``accounts`` maps a farmer id to that farmer's loan accounts; each account needs an ``id``.
    A loan disbursed after the pay date owes nothing yet.
    """
    on = period.end if pay_date is None else pay_date
    if on < period.end:
        raise InvalidSettlement(
            E_(
                "'pay_date' %(on)s of %(period)s is before the period's last day.",
                on=on,
                period=period,
            ),
            field="pay_date",
            value=on,
        )
    out = []
    for farmer, loans in accounts.items():
        for account in loans:
            if not account.id:
                raise InvalidSettlement(
                    E_(
                        "'accounts' of farmer %(farmer)s must have ids to collect installments "
                        "(got an account without id).",
                        farmer=repr(farmer),
                    ),
                    field="accounts",
                    value=farmer,
                )
            if account.terms.disbursed > on:
                continue
            due = account.state(on).arrears
            if due > 0:
                out.append(
                    Obligation(
                        farmer=farmer,
                        kind=ObligationKind.LOAN_INSTALLMENT,
                        amount=due,
                        loan_id=account.id,
                        reference=f"due {on.isoformat()}",
                    )
                )
    return out


@exact
def loan_payments(
    settlement: Settlement, *, pay_date: dt.date | None = None
) -> dict[str, list[Payment]]:
    """The payments a settlement collected for each loan id, dated on the pay date (``pay_date``,
    default the period's last day); id ``milk-<period start>-<farmer>-<loan id>``."""
    out: dict[str, list[Payment]] = {}
    period = settlement.period
    on = period.end if pay_date is None else pay_date
    for statement in settlement.statements:
        for c in statement.collections:
            ob = c.obligation
            if ob.kind is not ObligationKind.LOAN_INSTALLMENT or c.collected <= 0:
                continue
            assert ob.loan_id is not None  # required by Obligation for loan installments
            pid = f"milk-{period.start.isoformat()}-{statement.farmer}-{ob.loan_id}"
            out.setdefault(ob.loan_id, []).append(
                Payment(date=on, amount=c.collected, id=pid, channel="milk")
            )
    return out


@exact
def pay_dates_of(
    periods: Iterable[Period],
    pay_dates: Mapping[Period, dt.date] | None = None,
    pay_delay_days: int | None = None,
) -> dict[Period, dt.date]:
    """Each period's pay date: from ``pay_dates`` (every period must be there), else
    ``pay_delay_days`` (0–6) after its last day, else its last day. A pay date before its period
    ends, or after the next period's, is refused.

    >>> p = Period.parse("2026-01-01..2026-01-15")
    >>> pay_dates_of([p], pay_delay_days=5)[p]
    datetime.date(2026, 1, 20)
    """
    ordered = sorted(periods, key=lambda p: p.start)
    if pay_dates is not None and pay_delay_days is not None:
        raise InvalidSettlement(
            E_("give 'pay_dates' or 'pay_delay_days', not both."),
            field="pay_dates",
            value=pay_delay_days,
        )
    if pay_delay_days is not None and not (
        isinstance(pay_delay_days, int) and not isinstance(pay_delay_days, bool)
    ):
        raise InvalidSettlement(
            E_(
                "'pay_delay_days' must be a whole number of days (got %(pay_delay_days)s).",
                pay_delay_days=repr(pay_delay_days),
            ),
            field="pay_delay_days",
            value=pay_delay_days,
        )
    if pay_delay_days is not None and not 0 <= pay_delay_days <= 6:
        raise InvalidSettlement(
            E_(
                "'pay_delay_days' must be 0 to 6 (got %(pay_delay_days)s): a period is "
                "paid before the next one ends.",
                pay_delay_days=pay_delay_days,
            ),
            field="pay_delay_days",
            value=pay_delay_days,
        )
    out: dict[Period, dt.date] = {}
    for k, p in enumerate(ordered):
        if pay_dates is not None:
            if p not in pay_dates:
                raise InvalidSettlement(
                    E_("'pay_dates' has no pay date for %(p)s.", p=p),
                    field="pay_dates",
                    value=str(p),
                )
            day = pay_dates[p]
        else:
            day = p.end + dt.timedelta(days=pay_delay_days or 0)
        nxt = ordered[k + 1] if k + 1 < len(ordered) else None
        if day < p.end or (nxt is not None and day > nxt.end):
            raise InvalidSettlement(
                E_(
                    "'pay_dates' of %(p)s must fall from its last day to the next period's "
                    "last day (got %(day)s).",
                    p=p,
                    day=day,
                ),
                field="pay_dates",
                value=day,
            )
        out[p] = day
    return out


@exact
def off_calendar(
    accounts: Mapping[str, Sequence[LoanAccount]], pay_dates: Mapping[Period, dt.date]
) -> list[tuple[str, dt.date, dt.date | None]]:
    """The check-off loans whose due dates are not pay dates: ``(loan id, first such due date,
    the pay date that collects it or None)``, for due dates from the first period's start to the
    last pay date (the calendar known).

    >>> from coopfinance import LoanTerms, Rate
    >>> terms = LoanTerms(principal="600", rate=Rate.effective_annual("18%"), installments=2,
    ...                   disbursed="2026-01-01", first_due="2026-01-10", frequency="semimonthly")
    >>> p = Period.parse("2026-01-01..2026-01-15")
    >>> off_calendar({"F01": [LoanAccount(terms=terms, id="L1")]}, {p: dt.date(2026, 1, 20)})
    [('L1', datetime.date(2026, 1, 10), datetime.date(2026, 1, 20))]
    """
    if not pay_dates:
        return []
    ordered = sorted(pay_dates.items(), key=lambda kv: kv[0].start)
    first, last = ordered[0][0].start, ordered[-1][1]
    days = {d for _, d in ordered}
    out = []
    for loans in accounts.values():
        for account in loans:
            for due in account.terms.dates():
                if first <= due <= last and due not in days:
                    collects = next((d for _, d in ordered if d >= due), None)
                    out.append((account.id or "", due, collects))
                    break
    return out


@attrs.frozen(slots=True, kw_only=True)
class CheckoffSeason:
    """The settlements of a season, their pay dates and the loan accounts after their check-off
    payments."""

    settlements: tuple[Settlement, ...]
    accounts: dict[str, tuple[LoanAccount, ...]]
    pay_dates: dict[Period, dt.date] = attrs.field(factory=dict)

    def collected_for_loans(self) -> dict[str, Decimal]:
        """Total collected per loan id over the season."""
        totals: dict[str, Decimal] = {}
        for s in self.settlements:
            for loan_id, payments in loan_payments(s).items():
                totals[loan_id] = totals.get(loan_id, ZERO) + sum(
                    (p.amount for p in payments), ZERO
                )
        return totals


@exact
def run_checkoff(
    deliveries: Deliveries | Iterable[Delivery],
    prices: MilkPriceSchedule,
    accounts: Mapping[str, Sequence[LoanAccount]],
    periods: Iterable[Period],
    *,
    other_obligations: Mapping[Period, Iterable[Obligation]] | None = None,
    policy: SettlementPolicy | None = None,
    farmers: Iterable[str] | None = None,
    pay_dates: Mapping[Period, dt.date] | None = None,
    pay_delay_days: int | None = None,
) -> CheckoffSeason:
    """Settle ``periods`` in order, collecting loan installments at source.

    Each period's loan obligations come from the accounts as they stand after the previous
    periods' check-off payments: everything due up to the period's pay date (``pay_dates`` or
    ``pay_delay_days``, see :func:`pay_dates_of`; default its last day), collected on that day.
    Other obligations (inputs, savings) are given per period. Non-loan shortfalls are carried with
    :meth:`Settlement.carried`.

    A delivery outside every period is refused (:class:`InvalidSettlement` listing each, numbered
    from 1 in the order given). A loan whose due dates are not pay dates
    (:func:`off_calendar`) is warned about with :class:`DueDateWarning`.
    """
    periods = list(periods)
    paid = pay_dates_of(periods, pay_dates, pay_delay_days)
    for loan_id, due, collects in off_calendar(accounts, paid):
        when = (
            E_("collected on %(day)s", day=collects) if collects else E_("after the last pay date")
        )
        warnings.warn(
            DueDateWarning(
                E_(
                    "loan %(loan)s falls due on %(due)s, which is not a pay date (%(when)s): its "
                    "installments are collected late and charged late interest; take the due "
                    "dates from the settlement calendar.",
                    loan=repr(loan_id),
                    due=due,
                    when=when,
                )
            ),
            stacklevel=2,
        )
    current = {f: tuple(loans) for f, loans in accounts.items()}
    index = {a.id: (f, k) for f, loans in current.items() for k, a in enumerate(loans)}
    settlements = []
    carried: tuple[Obligation, ...] = ()
    items = deliveries.items if isinstance(deliveries, Deliveries) else tuple(deliveries)
    buckets: dict[Period, list[Delivery]] = {p: [] for p in periods}
    ordered = sorted(periods, key=lambda p: p.start)
    outside: list[tuple[int, Delivery]] = []
    for n, d in enumerate(items, start=1):
        for p in ordered:  # a season has a few dozen periods: a scan is fine
            if p.contains(d.date):
                buckets[p].append(d)
                break
        else:
            outside.append((n, d))
    if outside:
        listing = "\n".join(
            f"  delivery {n}: {d.farmer!r} on {d.date} ({d.litres} L)" for n, d in outside[:20]
        )
        more = f"\n  … and {len(outside) - 20:,} more" if len(outside) > 20 else ""
        span = f"{ordered[0].start}..{ordered[-1].end}" if ordered else "no period"
        raise InvalidSettlement(
            E_(
                "%(outside)s deliveries fall outside the periods settled (%(span)s); "
                "give their periods too, or leave them out:\n%(listing)s%(more)s",
                outside=len(outside),
                span=span,
                listing=listing,
                more=more,
            ),
            field="deliveries",
            value=[n for n, _ in outside],
        )
    roster = None if farmers is None else tuple(farmers)
    for period in periods:
        others = list((other_obligations or {}).get(period, ()))
        obligations = [
            *carried,
            *others,
            *loan_obligations(current, period, pay_date=paid[period]),
        ]
        result = settle(buckets[period], prices, period, obligations, policy, farmers=roster)
        settlements.append(result)
        for loan_id, payments in loan_payments(result, pay_date=paid[period]).items():
            farmer, k = index[loan_id]
            loans = list(current[farmer])
            loans[k] = loans[k].with_events(*payments)
            current[farmer] = tuple(loans)
        carried = tuple(
            ob for ob in result.carried(policy) if ob.kind is not ObligationKind.LOAN_INSTALLMENT
        )
    return CheckoffSeason(settlements=tuple(settlements), accounts=current, pay_dates=paid)
