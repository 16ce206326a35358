"""LoanAccount.figures: the portfolio figures of a state, fast. Accounts paid on time are read off
the schedule without a replay; every other account is replayed. Both must give exactly what
``exposure(account.state(as_of))`` gives (compared by ``repr``, so even Decimal exponents match)."""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
import random
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from tests.servicing.test_replay_equivalence import accounts

from coopfinance import Amortization, Frequency, Grace, LoanTerms, Rate
from coopfinance._decimal import CONTEXT
from coopfinance.errors import CoopFinanceError, InvalidValue, WrongType
from coopfinance.portfolio import Exposure, exposure, exposures
from coopfinance.servicing import (
    AllocationStrategy,
    ChargeApplied,
    LatePolicy,
    LoanAccount,
    Overpayment,
    Payment,
    Prepayment,
    _replay,
)
from coopfinance.servicing import _figures as figures_room
from coopfinance.servicing._lean import lean_figures


def _state_figures(account: LoanAccount, as_of: dt.date) -> Exposure:
    return exposure(account.state(as_of), account.id)


def _figures(account: LoanAccount, as_of: dt.date) -> Exposure:
    return Exposure(account.id, *account.figures(as_of))


@st.composite
def varied_terms(draw: st.DrawFn) -> LoanTerms:
    """Terms with grace, down payments, installment charges and every amortization."""
    kw: dict[str, Any] = {
        "principal": Decimal(draw(st.integers(100, 50_000)))
        + Decimal(draw(st.sampled_from([0, 37]))) / 100,
        "rate": Rate.effective_annual(draw(st.decimals(0, Decimal("0.80"), places=4))),
        "installments": draw(st.integers(1, 15)),
        "frequency": draw(st.sampled_from([Frequency.MONTHLY, Frequency.BIWEEKLY])),
        "amortization": draw(
            st.sampled_from(
                [
                    Amortization.LEVEL,
                    Amortization.CONSTANT_PRINCIPAL,
                    Amortization.FLAT,
                    Amortization.BULLET,
                    Amortization.INTEREST_ONLY,
                ]
            )
        ),
        "disbursed": draw(st.dates(dt.date(2024, 1, 1), dt.date(2030, 12, 31))),
    }
    if draw(st.booleans()):
        kw["grace"] = Grace(
            periods=draw(st.integers(1, 3)),
            kind=draw(st.sampled_from(["capitalize", "pay-interest", "waive"])),
        )
    if draw(st.booleans()):
        kw["down_payment"] = draw(st.sampled_from(["10%", "25%"]))
    if draw(st.booleans()):
        kw["charges"] = draw(st.sampled_from([["insurance:0.1%"], ["upfront:1%", "tax:0.005%"]]))
    try:
        return LoanTerms(**kw)
    except CoopFinanceError:
        assume(False)
        raise  # pragma: no cover


@st.composite
def on_time_accounts(draw: st.DrawFn, *, early: bool = False) -> tuple[LoanAccount, dt.date]:
    """An account whose payments up to ``as_of`` each pay one installment's total on its due
    date (every installment due by then), with any payments after ``as_of``; with ``early``,
    payments made up to 60 days before their due dates."""
    terms = draw(varied_terms())
    try:
        rows = terms.schedule().installments
    except CoopFinanceError:
        assume(False)
        raise  # pragma: no cover
    assume(all(a.due_date < b.due_date for a, b in itertools.pairwise(rows)))
    k = draw(st.integers(0, len(rows)))
    if k < len(rows):
        as_of = max(terms.disbursed, rows[k].due_date - dt.timedelta(days=draw(st.integers(1, 40))))
        if k and as_of < rows[k - 1].due_date:
            as_of = rows[k - 1].due_date
    else:
        as_of = rows[-1].due_date + dt.timedelta(days=draw(st.integers(0, 90)))
    events = []
    for r in rows:
        if r.total and (r.due_date <= as_of or draw(st.booleans())):
            day = r.due_date
            if early and draw(st.booleans()):
                day = max(terms.disbursed, day - dt.timedelta(days=draw(st.integers(1, 60))))
            events.append(Payment(date=day, amount=r.total, id=f"p{r.number}"))
    account = LoanAccount(
        terms=terms,
        events=events,
        id=draw(st.sampled_from(["", "L1"])),
        allocation=draw(
            st.sampled_from([AllocationStrategy.DEFAULT, AllocationStrategy(vertical=True)])
        ),
        late=draw(st.sampled_from([LatePolicy(), LatePolicy(compensatory=True, late_fee="5")])),
        overpayment=draw(st.sampled_from(list(Overpayment))),
    )
    return account, as_of


@given(case=on_time_accounts())
def test_accounts_paid_on_time_are_read_off_the_schedule(case: tuple[LoanAccount, dt.date]) -> None:
    account, as_of = case
    fast = figures_room.on_time_figures(account, as_of)
    assert fast is not None
    want = _state_figures(account, as_of)
    assert repr(Exposure(account.id, *fast)) == repr(want)
    assert _figures(account, as_of) == want


@given(case=on_time_accounts(early=True))
def test_accounts_paid_early_read_off_the_schedule_equal_the_replay(
    case: tuple[LoanAccount, dt.date],
) -> None:
    account, as_of = case
    want = _state_figures(account, as_of)
    fast = figures_room.on_time_figures(account, as_of)
    if fast is not None:
        assert repr(Exposure(account.id, *fast)) == repr(want)
    assert repr(_figures(account, as_of)) == repr(want)


@given(data=st.data())
def test_figures_equal_those_of_the_full_state(data: st.DataObject) -> None:
    try:
        account = data.draw(accounts())
    except CoopFinanceError:
        return
    as_of = account.terms.schedule().maturity + dt.timedelta(days=data.draw(st.integers(-120, 60)))
    as_of = max(as_of, account.terms.disbursed)
    try:
        want = _state_figures(account, as_of)
    except CoopFinanceError:
        return
    assert repr(_figures(account, as_of)) == repr(want)


TERMS = LoanTerms(
    principal="3000", rate=Rate.effective_annual("30%"), installments=6, disbursed="2026-01-10"
)
ROWS = TERMS.schedule().installments
AS_OF = dt.date(2026, 5, 20)  # four installments due


def _on_time(n: int = 4) -> list[Any]:
    return [Payment(date=r.due_date, amount=r.total, id=f"p{r.number}") for r in ROWS[:n]]


def _day(d: dt.date, days: int) -> dt.date:
    return d + dt.timedelta(days=days)


OUTSIDE = {
    "one paid a day late": [
        *_on_time(3),
        Payment(date=_day(ROWS[3].due_date, 1), amount=ROWS[3].total, id="p4"),
    ],
    "the last paid early (it could pay the loan off)": [
        *_on_time(5),
        Payment(date=_day(ROWS[5].due_date, -3), amount=ROWS[5].total, id="p6"),
    ],
    "one paid short": [
        *_on_time(3),
        Payment(date=ROWS[3].due_date, amount=ROWS[3].total - 1, id="p4"),
    ],
    "one paid long": [
        *_on_time(3),
        Payment(date=ROWS[3].due_date, amount=ROWS[3].total + 1, id="p4"),
    ],
    "one missing": _on_time(3),
    "two on one date": [*_on_time(4), Payment(date=ROWS[3].due_date, amount="10", id="x")],
    "a charge": [*_on_time(4), ChargeApplied(date=AS_OF, amount="10", id="c1")],
    "a prepayment": [*_on_time(4), Prepayment(date=AS_OF, amount="100", id="pp")],
    "nothing paid, installments due": [],
}


EARLY = [
    *_on_time(2),
    Payment(date=_day(ROWS[2].due_date, -3), amount=ROWS[2].total, id="p3"),
    Payment(date=_day(ROWS[2].due_date, -2), amount=ROWS[3].total, id="p4"),
]


@pytest.mark.parametrize(
    "events", [*OUTSIDE.values(), EARLY], ids=[*OUTSIDE.keys(), "early, reduce-term"]
)
def test_accounts_outside_the_fast_path_are_replayed(
    events: list[Any], monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    name = request.node.callspec.id
    overpayment = "reduce-term" if events is EARLY else "next-installments"
    account = LoanAccount(terms=TERMS, events=events, id="L", overpayment=overpayment)
    as_of = max([AS_OF, *(e.date for e in events)])
    assert figures_room.on_time_figures(account, as_of) is None
    replays: list[dt.date] = []
    original = _replay.Replay.replay

    def counted(self: Any, as_of: dt.date) -> None:
        replays.append(as_of)
        original(self, as_of)

    monkeypatch.setattr(_replay.Replay, "replay", counted)
    got = _figures(account, as_of)
    with decimal.localcontext(CONTEXT):  # payments only: the lean replay takes most of them
        lean = lean_figures(account, as_of)
    assert replays == ([] if lean is not None else [as_of])
    replayed = {"a charge", "a prepayment", "early, reduce-term"}
    replayed.add("the last paid early (it could pay the loan off)")
    assert (lean is None) == (name in replayed)
    assert repr(got) == repr(_state_figures(account, as_of))


@pytest.mark.parametrize(
    "as_of", [TERMS.disbursed, _day(ROWS[0].due_date, -1), AS_OF, _day(ROWS[-1].due_date, 30)]
)
@pytest.mark.parametrize("events", [_on_time(6), EARLY], ids=["on time", "early"])
def test_on_time_and_not_yet_due_accounts_are_not_replayed(
    as_of: dt.date, events: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    if events is EARLY and as_of > AS_OF:
        events = [*EARLY, *_on_time(6)[4:]]
    account = LoanAccount(terms=TERMS, events=events, id="L")
    want = _state_figures(account, as_of)
    monkeypatch.setattr(_replay.Replay, "replay", None)  # would fail if called
    got = _figures(account, as_of)
    assert repr(got) == repr(want)
    assert got.days_past_due == 0
    assert got.fallen_due == got.paid_of_due
    assert (got.status.value == "closed") == (as_of >= ROWS[-1].due_date)


def test_exposures_use_the_figures() -> None:
    book = [LoanAccount(terms=TERMS, events=ev, id=name) for name, ev in OUTSIDE.items()]
    book.append(LoanAccount(terms=TERMS, events=_on_time(), id="ok"))
    assert exposures(book, AS_OF) == [_state_figures(a, AS_OF) for a in book]


def test_schedules_are_remembered_per_terms() -> None:
    twin = LoanTerms(
        principal="3000", rate=Rate.effective_annual("30%"), installments=6, disbursed="2026-01-10"
    )
    first = _replay.cached_schedule(TERMS)
    assert _replay.cached_schedule(twin) is first
    assert first == TERMS.schedule()
    other = twin.evolve(installments=7)
    assert _replay.cached_schedule(other) is not first
    assert len(_replay.cached_schedule(other).installments) == 7


@pytest.mark.parametrize(
    ("as_of", "error", "message"),
    [
        ("2026-05-20", WrongType, r"'as_of' must be a date \(got '2026-05-20'\)"),
        (
            dt.date(2026, 1, 9),
            InvalidValue,
            r"'as_of' must not be before the disbursement on 2026-01-10 \(got 2026-01-09\)",
        ),
    ],
)
def test_figures_bad_input(as_of: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        LoanAccount(terms=TERMS).figures(as_of)


@given(case=on_time_accounts(), again=st.integers(0, 120))
def test_accounts_paid_on_due_dates_are_recognized_in_bulk(
    case: tuple[LoanAccount, dt.date], again: int
) -> None:
    """The bulk check (one comparison with the schedule's table, figures remembered per number
    of rows due) recognizes every account paid on its due dates and gives exactly the figures
    of the full state, also on a second date read from the same remembered table."""
    account, as_of = case
    fast = figures_room.paid_on_due_dates(account, as_of)
    assert fast is not None
    assert repr(Exposure(account.id, *fast)) == repr(_state_figures(account, as_of))
    later = as_of + dt.timedelta(days=again)
    got = figures_room.many_figures([account], later)
    assert repr(Exposure(account.id, *got[0])) == repr(_state_figures(account, later))


@given(case=on_time_accounts(early=True))
def test_the_bulk_check_takes_only_accounts_paid_on_due_dates(
    case: tuple[LoanAccount, dt.date],
) -> None:
    account, as_of = case
    want = _state_figures(account, as_of)
    fast = figures_room.paid_on_due_dates(account, as_of)
    paid = [e for e in account.events if e.date <= as_of]
    on_due = {r.due_date: r.total for r in account.terms.schedule().installments}
    if any(on_due.get(e.date) != e.amount for e in paid):
        assert fast is None  # a payment made early is never taken by the bulk check
    if fast is not None:
        assert repr(Exposure(account.id, *fast)) == repr(want)
    assert repr(Exposure(account.id, *figures_room.many_figures([account], as_of)[0])) == repr(want)


@pytest.mark.parametrize("events", [*OUTSIDE.values(), EARLY], ids=[*OUTSIDE.keys(), "early"])
def test_the_bulk_check_refuses_accounts_outside_it(events: list[Any]) -> None:
    account = LoanAccount(terms=TERMS, events=events, id="L")
    as_of = max([AS_OF, *(e.date for e in events)])
    assert figures_room.paid_on_due_dates(account, as_of) is None
    got = figures_room.many_figures([account], as_of)[0]
    assert repr(Exposure(account.id, *got)) == repr(_state_figures(account, as_of))


def benchmark_book(n: int, seed: int) -> list[LoanAccount]:
    """``benchmarks/run.py``'s mix (70 % on time, 20 % late or partly, 10 % stopped)."""
    rng = random.Random(seed)
    book = []
    for k in range(n):
        terms = LoanTerms(
            principal=Decimal(rng.randrange(1000, 20001, 50)),
            rate=Rate.effective_annual(Decimal(rng.randrange(18, 46)) / 100),
            installments=12,
            disbursed=dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(0, 30)),
        )
        events = []
        behaviour = rng.random()
        for row in terms.schedule().installments:
            if behaviour < 0.7:
                events.append(Payment(date=row.due_date, amount=row.total, id=f"{k}-{row.number}"))
            elif behaviour < 0.9:
                late = row.due_date + dt.timedelta(days=rng.randrange(1, 40))
                share = Decimal(rng.choice([50, 80, 100, 100])) / 100
                amount = (row.total * share).quantize(Decimal("0.01"))
                events.append(Payment(date=late, amount=amount, id=f"{k}-{row.number}"))
        book.append(LoanAccount(terms=terms, events=events, id=str(k)))
    return book


def test_the_benchmark_mix_equals_the_full_states() -> None:
    """``benchmarks/run.py``'s portfolio (70 % on time, 20 % late or partly, 10 % stopped) on
    two dates: every account's figures in bulk equal those of its full state."""
    book = benchmark_book(300, seed=5)
    for as_of in (dt.date(2026, 9, 20), dt.date(2027, 2, 3)):
        want = [repr(_state_figures(a, as_of)) for a in book]
        for _ in range(2):  # the second time from the tables kept with the accounts
            got = figures_room.many_figures(book, as_of)
            assert [repr(Exposure(a.id, *f)) for a, f in zip(book, got, strict=True)] == want
