"""``report_many`` keeps the cyclic GC out of its loop and restores it as it was (issue 22)."""

from __future__ import annotations

import datetime as dt
import gc

import pytest

from coopfinance import LoanTerms, Rate
from coopfinance.portfolio import exposure, report, report_many
from coopfinance.servicing import LoanAccount, Payment

TERMS = LoanTerms(
    principal="1000", rate=Rate.effective_annual("30%"), installments=6, disbursed="2026-01-10"
)
AS_OF = dt.date(2026, 5, 1)


def _accounts() -> list[LoanAccount]:
    rows = TERMS.schedule().installments
    on_time = [Payment(date=r.due_date, amount=r.total, id=f"p{r.number}") for r in rows[:3]]
    late = [Payment(date=rows[0].due_date + dt.timedelta(days=9), amount="100", id="l1")]
    return [
        LoanAccount(terms=TERMS, events=on_time, id="a"),
        LoanAccount(terms=TERMS, events=late, id="b"),
        LoanAccount(terms=TERMS, id="c"),
    ]


@pytest.mark.parametrize("enabled", [True, False])
def test_gc_state_restored(enabled: bool) -> None:
    accounts = _accounts()
    (gc.enable if enabled else gc.disable)()
    try:
        got = report_many(accounts, AS_OF)
        assert gc.isenabled() is enabled
        assert gc.get_freeze_count() == 0
    finally:
        gc.enable()
    assert got == report([exposure(a.state(AS_OF), a.id) for a in accounts])


def test_gc_restored_after_an_error() -> None:
    with pytest.raises(Exception, match="as_of"):
        report_many(_accounts(), dt.date(2025, 1, 1))
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
