"""Check-off: loan installments collected at source from the milk settlement.

The bridge between the fortnightly settlement and loan servicing:

1. :func:`loan_obligations` turns each farmer's loan accounts into the loan-installment obligations
   of a settlement period: everything due and unpaid on the period's last day (installments falling
   due in the period, older arrears, late charges) — read from the account's replayed state, so
   arrears are carried forward by the account itself, never twice;
2. :func:`loan_payments` turns what a settlement collected for each loan into :class:`Payment`
   events dated on the period's last day (channel ``"milk"``);
3. :func:`run_checkoff` does both, period after period, and returns the settlements and the
   accounts with their new payments. What is short stays on the account as arrears and is due again
   in the next settlement.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

import attrs

from coopfinance._decimal import ZERO
from coopfinance.dairy._deliveries import Deliveries, Delivery
from coopfinance.dairy._obligations import Obligation, ObligationKind
from coopfinance.dairy._periods import Period
from coopfinance.dairy._prices import MilkPriceSchedule
from coopfinance.dairy._settlement import Settlement, SettlementPolicy, settle
from coopfinance.errors import InvalidSettlement
from coopfinance.servicing import LoanAccount, Payment

__all__ = ["CheckoffSeason", "loan_obligations", "loan_payments", "run_checkoff"]


def loan_obligations(
    accounts: Mapping[str, Sequence[LoanAccount]], period: Period
) -> list[Obligation]:
    """The loan-installment obligations of ``period``: per farmer and loan, what the account has due
    and unpaid on ``period.end`` (its ``arrears`` then).

    ``accounts`` maps a farmer id to that farmer's loan accounts; each account needs an ``id``.
    """
    out = []
    for farmer, loans in accounts.items():
        for account in loans:
            if not account.id:
                raise InvalidSettlement(
                    f"'accounts' of farmer {farmer!r} must have ids to collect installments "
                    "(got an account without id).",
                    field="accounts",
                    value=farmer,
                )
            if account.terms.disbursed > period.end:
                continue
            due = account.state(period.end).arrears
            if due > 0:
                out.append(
                    Obligation(
                        farmer=farmer,
                        kind=ObligationKind.LOAN_INSTALLMENT,
                        amount=due,
                        loan_id=account.id,
                        reference=f"due {period.end.isoformat()}",
                    )
                )
    return out


def loan_payments(settlement: Settlement) -> dict[str, list[Payment]]:
    """The payments a settlement collected for each loan id, dated on the period's last day."""
    out: dict[str, list[Payment]] = {}
    period = settlement.period
    for statement in settlement.statements:
        for c in statement.collections:
            ob = c.obligation
            if ob.kind is not ObligationKind.LOAN_INSTALLMENT or c.collected <= 0:
                continue
            assert ob.loan_id is not None  # required by Obligation for loan installments
            pid = f"milk-{period.start.isoformat()}-{statement.farmer}-{ob.loan_id}"
            out.setdefault(ob.loan_id, []).append(
                Payment(date=period.end, amount=c.collected, id=pid, channel="milk")
            )
    return out


@attrs.frozen(slots=True, kw_only=True)
class CheckoffSeason:
    """The settlements of a season and the loan accounts after their check-off payments."""

    settlements: tuple[Settlement, ...]
    accounts: dict[str, tuple[LoanAccount, ...]]

    def collected_for_loans(self) -> dict[str, Decimal]:
        """Total collected per loan id over the season."""
        totals: dict[str, Decimal] = {}
        for s in self.settlements:
            for loan_id, payments in loan_payments(s).items():
                totals[loan_id] = totals.get(loan_id, ZERO) + sum(
                    (p.amount for p in payments), ZERO
                )
        return totals


def run_checkoff(
    deliveries: Deliveries | Iterable[Delivery],
    prices: MilkPriceSchedule,
    accounts: Mapping[str, Sequence[LoanAccount]],
    periods: Iterable[Period],
    *,
    other_obligations: Mapping[Period, Iterable[Obligation]] | None = None,
    policy: SettlementPolicy | None = None,
    farmers: Iterable[str] | None = None,
) -> CheckoffSeason:
    """Settle ``periods`` in order, collecting loan installments at source.

    Each period's loan obligations come from the accounts as they stand after the previous
    periods' check-off payments; other obligations (inputs, savings) are given per period. Non-loan
    shortfalls are carried with :meth:`Settlement.carried`.
    """
    periods = list(periods)
    current = {f: tuple(loans) for f, loans in accounts.items()}
    index = {a.id: (f, k) for f, loans in current.items() for k, a in enumerate(loans)}
    settlements = []
    carried: tuple[Obligation, ...] = ()
    items = deliveries.items if isinstance(deliveries, Deliveries) else tuple(deliveries)
    buckets: dict[Period, list[Delivery]] = {p: [] for p in periods}
    ordered = sorted(periods, key=lambda p: p.start)
    for d in items:
        for p in ordered:  # a season has a few dozen periods: a scan is fine
            if p.contains(d.date):
                buckets[p].append(d)
                break
    roster = None if farmers is None else tuple(farmers)
    for period in periods:
        others = list((other_obligations or {}).get(period, ()))
        obligations = [*carried, *others, *loan_obligations(current, period)]
        result = settle(buckets[period], prices, period, obligations, policy, farmers=roster)
        settlements.append(result)
        for loan_id, payments in loan_payments(result).items():
            farmer, k = index[loan_id]
            loans = list(current[farmer])
            loans[k] = loans[k].with_events(*payments)
            current[farmer] = tuple(loans)
        carried = tuple(
            ob for ob in result.carried(policy) if ob.kind is not ObligationKind.LOAN_INSTALLMENT
        )
    return CheckoffSeason(settlements=tuple(settlements), accounts=current)
