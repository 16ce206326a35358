"""After any event sequence the account state agrees with the statement's next item (issue 15 §4):
installment amount, next due date and amount, remaining count, maturity."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.servicing.test_replay_equivalence import accounts

from coopfinance import Amortization
from coopfinance.errors import CoopFinanceError
from coopfinance.servicing import AccountStatus, ItemKind, LoanAccount, statement


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_state_fields_agree_with_the_statements_next_item(data: st.DataObject) -> None:
    try:
        account: LoanAccount = data.draw(accounts())
        maturity = account.terms.schedule().maturity
        as_of = account.terms.disbursed + dt.timedelta(
            days=data.draw(st.integers(0, (maturity - account.terms.disbursed).days + 30))
        )
        result = statement(account, as_of)
    except CoopFinanceError:
        return
    state = result.state
    plain = result.to_dict()
    future = [i for i in state.items if i.kind is ItemKind.INSTALLMENT and i.due_date > state.as_of]
    nxt = plain["next_installment"]
    if not future:
        assert nxt is None
        assert state.next_due_date is None
        assert state.remaining_installments == 0
        return
    assert nxt["due_date"] == state.next_due_date.isoformat()  # type: ignore[union-attr]
    assert Decimal(nxt["amount"]) == state.next_due_amount == future[0].due.total
    assert state.remaining_installments == len(future) == plain["summary"]["remaining_installments"]
    assert state.maturity == future[-1].due_date
    assert plain["summary"]["maturity"] == future[-1].due_date.isoformat()
    assert Decimal(plain["summary"]["installment_amount"]) == state.installment_amount
    # a level plan: every installment but the first and the last is the state's installment
    seg = account.terms
    level = seg.amortization is Amortization.LEVEL and not seg.level_includes_insurance
    rescheduled = any(type(e).__name__ == "Reschedule" for e in account.events)
    if level and not rescheduled and state.status is AccountStatus.ACTIVE and not seg.grace.periods:
        for i in future[1:-1]:
            assert i.due.principal + i.due.interest == state.installment_amount
