"""report_many / exposures: the portfolio of many accounts, replayed without the ledger and
optionally in worker processes, gives the report of the full states."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.servicing.test_replay_equivalence import accounts

from coopfinance import LoanTerms, Rate
from coopfinance.errors import CoopFinanceError, InvalidValue, WrongType
from coopfinance.portfolio import exposure, exposures, report, report_many
from coopfinance.servicing import LoanAccount, Payment

AS_OF = dt.date(2026, 9, 20)


def _book() -> list[LoanAccount]:
    out = []
    for k in range(12):
        terms = LoanTerms(
            principal=Decimal(1000 + 250 * k),
            rate=Rate.effective_annual(Decimal(20 + k) / 100),
            installments=12,
            disbursed=dt.date(2026, 1, 1) + dt.timedelta(days=2 * k),
        )
        rows = [r for r in terms.schedule().installments if r.due_date <= AS_OF]
        events = [
            Payment(date=r.due_date + dt.timedelta(days=k % 3 * 9), amount=r.total, id=f"p{n}")
            for n, r in enumerate(rows)
            if n < 8 - k % 4
        ]
        out.append(LoanAccount(terms=terms, events=events, id=f"L{k}"))
    return out


@given(data=st.data())
def test_exposures_without_the_ledger_equal_those_of_full_states(data: st.DataObject) -> None:
    try:
        account = data.draw(accounts())
    except CoopFinanceError:
        return
    as_of = account.terms.schedule().maturity + dt.timedelta(days=data.draw(st.integers(-60, 60)))
    as_of = max(as_of, account.terms.disbursed)
    try:
        full = exposure(account.state(as_of), account.id)
    except CoopFinanceError:
        return
    assert exposures([account], as_of) == [full]


@pytest.mark.parametrize("workers", [1, 2])
def test_report_many_equals_the_report_of_the_states(workers: int) -> None:
    book = _book()
    want = report([exposure(a.state(AS_OF), a.id) for a in book])
    assert report_many(book, AS_OF, workers=workers) == want
    assert [e.loan_id for e in exposures(book, AS_OF, workers=workers)] == [a.id for a in book]
    assert want.par[30] > 0  # the book has late loans: the comparison is not between empties


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"workers": 0}, InvalidValue, r"'workers' must be a whole number, 1 or more \(got 0\)"),
        ({"workers": True}, InvalidValue, r"'workers' .* \(got True\)"),
        ({"workers": "2"}, InvalidValue, r"'workers' .* \(got '2'\)"),
    ],
)
def test_report_many_refuses_bad_workers(
    kwargs: dict[str, object], error: type, match: str
) -> None:
    with pytest.raises(error, match=match):
        report_many(_book()[:1], AS_OF, **kwargs)  # type: ignore[arg-type]


def test_report_many_refuses_what_is_not_an_account() -> None:
    with pytest.raises(WrongType, match=r"'accounts' must hold LoanAccount values \(got 'x'\)"):
        report_many(["x"], AS_OF)  # type: ignore[list-item]


def test_a_pickled_account_leaves_its_kept_schedule_behind() -> None:
    """What crosses to a worker process is the account's value; the schedule and the on-time
    table it keeps are rebuilt there, and give the same figures."""
    import pickle

    book = _book()
    want = report_many(book, AS_OF)  # builds and keeps every schedule
    assert all(a._schedule is not None for a in book)
    copies = pickle.loads(pickle.dumps(book))
    assert copies == book
    assert all(c._schedule is None and c._on_time is None for c in copies)
    assert len(pickle.dumps(book)) == len(pickle.dumps(_book()))  # as if never replayed
    assert report_many(copies, AS_OF) == want
    assert [c.state(AS_OF) for c in copies] == [a.state(AS_OF) for a in book]
