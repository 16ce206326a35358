"""AccountState.to_dict: every field as plain JSON-ready data (what an app stores)."""

from __future__ import annotations

import datetime as dt
import json

import attrs

from coopfinance import LoanTerms, Rate
from coopfinance.servicing import AccountState, LoanAccount, Payment, Waiver

TERMS = LoanTerms(
    principal="1000", rate=Rate.effective_annual("20%"), installments=3, disbursed="2026-01-15"
)


def test_state_to_dict_is_plain_json_of_every_field() -> None:
    account = LoanAccount(
        terms=TERMS,
        events=[
            Payment(date="2026-02-15", amount="300", id="p1"),
            Waiver(date="2026-04-01", component="penalties", id="w1"),
        ],
    )
    state = account.state(dt.date(2026, 4, 20))
    data = state.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {f.name for f in attrs.fields(AccountState)}
    assert data["as_of"] == "2026-04-20"
    assert data["status"] == state.status.value
    assert data["principal_not_due"] == str(state.principal_not_due)
    assert data["paid"]["total"] == str(state.paid.total)
    assert len(data["items"]) == len(state.items)
    assert data["items"][0]["kind"] == "installment"
    assert data["items"][0]["outstanding"]["total"] == str(state.items[0].outstanding.total)
    assert [a["reference"] for a in data["allocations"]] == [a.reference for a in state.allocations]
    assert [m["kind"] for m in data["movements"]] == [m.kind.value for m in state.movements]
