"""Loan servicing: a loan's events replayed on its contract into the state on any date.

>>> import datetime as dt
>>> from coopfinance import LoanTerms, Rate
>>> from coopfinance.servicing import LoanAccount, Payment
>>> terms = LoanTerms(principal="5000", rate=Rate.effective_annual("35%"), installments=12,
...                   disbursed="2026-01-15")
>>> account = LoanAccount(terms=terms, events=[Payment(date="2026-02-15", amount="489.11", id="p1")])
>>> account.state(dt.date(2026, 2, 15)).principal_outstanding
Decimal('4641.79')
"""

from coopfinance.servicing._account import LoanAccount
from coopfinance.servicing._events import (
    SAME_DAY_RANK,
    ChargeApplied,
    Component,
    Disbursement,
    Event,
    Payment,
    Prepayment,
    PrepaymentChoice,
    Recovery,
    Reschedule,
    Waiver,
    WriteOff,
)
from coopfinance.servicing._figures import Figures
from coopfinance.servicing._io import (
    accounts_from_csv,
    events_from_csv,
    events_from_json,
    events_to_json,
)
from coopfinance.servicing._policy import (
    AllocationStrategy,
    GraceDays,
    InterestMethod,
    LateBase,
    LateFeeBasis,
    LatePolicy,
    Overpayment,
    Proration,
)
from coopfinance.servicing._statement import Statement, StatementLine, statement
from coopfinance.servicing._values import (
    AccountState,
    AccountStatus,
    Allocation,
    Components,
    ItemKind,
    ItemState,
    Movement,
    MovementKind,
    PayoffQuote,
)

__all__ = [
    "SAME_DAY_RANK",
    "AccountState",
    "AccountStatus",
    "Allocation",
    "AllocationStrategy",
    "ChargeApplied",
    "Component",
    "Components",
    "Disbursement",
    "Event",
    "Figures",
    "GraceDays",
    "InterestMethod",
    "ItemKind",
    "ItemState",
    "LateBase",
    "LateFeeBasis",
    "LatePolicy",
    "LoanAccount",
    "Movement",
    "MovementKind",
    "Overpayment",
    "Payment",
    "PayoffQuote",
    "Prepayment",
    "PrepaymentChoice",
    "Proration",
    "Recovery",
    "Reschedule",
    "Statement",
    "StatementLine",
    "Waiver",
    "WriteOff",
    "accounts_from_csv",
    "events_from_csv",
    "events_from_json",
    "events_to_json",
    "statement",
]
