"""The optimized replay gives exactly the states of the straightforward one (issue 4, speed).

``reference_replay`` is the engine as it was before the speed work; every state is compared by
``repr`` (so ``Decimal('0')`` and ``Decimal('0.00')`` count as different), errors by type and
message. Accounts mix every kind of event, every allocation strategy, overpayment rule and late
policy, on dates before, on and after due dates.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.servicing.reference_replay import reference_state
from tests.strategies import ALLOCATIONS as STRATEGIES
from tests.strategies import account_terms as loan_terms

from coopfinance import LoanTerms, Rate
from coopfinance.errors import CoopFinanceError
from coopfinance.servicing import (
    AccountState,
    ChargeApplied,
    Disbursement,
    LatePolicy,
    LoanAccount,
    Overpayment,
    Payment,
    Prepayment,
    Recovery,
    Reschedule,
    Waiver,
    WriteOff,
)

LATE = [
    LatePolicy(),
    LatePolicy.none(),
    LatePolicy(moratorium="70%", base="installment", compensatory=True),
    LatePolicy(late_fee="15", grace_days=3),
    LatePolicy(moratorium="40%", late_fee="2.50", grace_days=8, base="installment"),
    LatePolicy.light(),
    LatePolicy(late_fee="15", grace_days=3, grace_kind="franchise", compensatory=False),
    LatePolicy(late_fee="5%", late_fee_every=30, late_fee_cap="40", grace_days=5),
    LatePolicy(late_fee="2%", late_fee_basis="principal", base="principal"),
    LatePolicy(late_fee="3%", late_fee_basis="principal-interest", late_fee_every=15),
]


def _cents(draw: st.DrawFn, high: Decimal) -> Decimal:
    return draw(st.decimals(min_value=Decimal("0.01"), max_value=high, places=2))


@st.composite
def accounts(draw: st.DrawFn, *, plain: bool = False) -> LoanAccount:
    """Accounts with payments on due dates (exact, short, long), late and early payments, and
    (unless ``plain``) charges, waivers, prepayments, tranches, reschedules, write-offs and
    recoveries."""
    terms: LoanTerms = draw(loan_terms())
    schedule = terms.schedule()
    rows = [r for r in schedule.installments if r.number]
    span = (schedule.maturity - terms.disbursed).days + 90
    events: list[object] = []
    if not plain and draw(st.booleans()) and len(rows) > 1:
        first = rows[0].due_date - dt.timedelta(days=1)
        if first > terms.disbursed:
            part = terms.principal.amount.quantize(Decimal("0.01")) / 2
            part = part.quantize(Decimal("0.01"))
            events.append(Disbursement(date=terms.disbursed, amount=part, id="d1"))
            tranche_day = draw(st.dates(min_value=terms.disbursed, max_value=first))
            events.append(Disbursement(date=tranche_day, amount=part, id="d2"))
    for r in rows:
        how = draw(st.sampled_from(["exact", "exact", "late", "short", "long", "skip", "early"]))
        if how == "skip":
            continue
        day = r.due_date
        amount = r.total
        if how == "late":
            day += dt.timedelta(days=draw(st.integers(1, 45)))
        elif how == "early":
            day -= dt.timedelta(days=draw(st.integers(1, 10)))
            day = max(day, terms.disbursed)
        elif how == "short":
            amount = max(Decimal("0.01"), (amount * Decimal("0.6")).quantize(Decimal("0.01")))
        elif how == "long":
            amount += _cents(draw, Decimal("300"))
        events.append(Payment(date=day, amount=amount, id=f"p{r.number}", channel=how))
    if not plain:
        for k in range(draw(st.integers(0, 4))):
            day = terms.disbursed + dt.timedelta(days=draw(st.integers(0, span)))
            kind = draw(
                st.sampled_from(
                    ["charge", "waiver", "prepay", "reschedule", "writeoff", "recovery", "pay"]
                )
            )
            ident = f"x{k}"
            if kind == "charge":
                comp = draw(st.sampled_from(["fees", "penalties"]))
                amt = _cents(draw, Decimal("50"))
                events.append(
                    ChargeApplied(date=day, amount=amt, id=ident, component=comp, description="c")
                )
            elif kind == "waiver":
                comp = draw(st.sampled_from(["interest", "fees", "penalties"]))
                amt = None if draw(st.booleans()) else _cents(draw, Decimal("5"))
                events.append(Waiver(date=day, id=ident, component=comp, amount=amt))
            elif kind == "prepay":
                choice = draw(
                    st.sampled_from(["reduce-installment", "reduce-term", "reduce-term-relevel"])
                )
                amt = _cents(draw, terms.principal.amount)
                events.append(Prepayment(date=day, amount=amt, id=ident, choice=choice))
            elif kind == "reschedule":
                new = LoanTerms(
                    principal="1",
                    rate=Rate.effective_annual(draw(st.sampled_from(["0.2", "0.3"]))),
                    installments=draw(st.integers(1, 8)),
                    disbursed=day,
                )
                events.append(
                    Reschedule(date=day, id=ident, terms=new, capitalize=draw(st.booleans()))
                )
            elif kind == "writeoff":
                events.append(WriteOff(date=day, id=ident))
            elif kind == "recovery":
                events.append(Recovery(date=day, amount=_cents(draw, Decimal("500")), id=ident))
            else:
                events.append(Payment(date=day, amount=_cents(draw, Decimal("900")), id=ident))
    return LoanAccount(
        terms=terms,
        events=events,  # type: ignore[arg-type]
        allocation=draw(st.sampled_from(STRATEGIES)),
        overpayment=draw(st.sampled_from(list(Overpayment))),
        late=draw(st.sampled_from(LATE)),
        proration=draw(st.sampled_from([None, "accrual", "period-share"])),
    )


def _outcome(fn: object, *args: object) -> tuple[str, str]:
    try:
        result = fn(*args)  # type: ignore[operator]
    except CoopFinanceError as exc:
        return (type(exc).__name__, str(exc))
    return ("ok", repr(result))


def _dates(draw: st.DrawFn, account: LoanAccount) -> list[dt.date]:
    schedule = account.terms.schedule()
    dues = [r.due_date for r in schedule.installments]
    extra = [e.date for e in account.events]
    out = [account.terms.disbursed, schedule.maturity + dt.timedelta(days=200)]
    out.append(draw(st.sampled_from(dues)))
    out.append(draw(st.sampled_from(dues)) + dt.timedelta(days=draw(st.integers(-20, 40))))
    if extra:
        out.append(draw(st.sampled_from(extra)))
    return [max(d, account.terms.disbursed) for d in out]


@given(data=st.data())
def test_optimized_replay_equals_the_reference_on_any_account(data: st.DataObject) -> None:
    try:
        account = data.draw(accounts())
    except CoopFinanceError:  # e.g. a reschedule dated after a write-off: refused at creation
        return
    for as_of in _dates(data.draw, account):
        got = _outcome(account.state, as_of)
        want = _outcome(reference_state, account, as_of)
        assert got == want


@given(data=st.data())
def test_optimized_replay_equals_the_reference_on_plain_payments(data: st.DataObject) -> None:
    """The common case (only payments, on, before and after due dates), where installments
    settled for good are skipped by the daily steps."""
    account = data.draw(accounts(plain=True))
    for as_of in _dates(data.draw, account):
        assert repr(account.state(as_of)) == repr(reference_state(account, as_of))


def _without_detail(state: AccountState) -> str:
    import attrs

    return repr(attrs.evolve(state, allocations=(), movements=()))


@given(data=st.data())
def test_state_without_detail_has_every_figure_but_the_ledger(data: st.DataObject) -> None:
    try:
        account = data.draw(accounts())
    except CoopFinanceError:
        return
    for as_of in _dates(data.draw, account):
        got = _outcome(account.state, as_of, False)
        full = _outcome(account.state, as_of)
        if full[0] != "ok":
            assert got == full
            continue
        full_state = account.state(as_of)
        light = account.state(as_of, detail=False)
        assert light.allocations == ()
        assert light.movements == ()
        assert repr(light) == _without_detail(full_state)


@pytest.mark.parametrize("as_of", ["2026-01-15", "2026-02-15", "2026-03-20", "2026-12-31"])
def test_worked_example_states_match_the_reference(as_of: str) -> None:
    """The docstring example of LoanAccount, on several dates."""
    terms = LoanTerms(
        principal="5000", rate=Rate.effective_annual("35%"), installments=3, disbursed="2026-01-15"
    )
    account = LoanAccount(
        terms=terms,
        events=[
            Payment(date="2026-02-15", amount="1751.80", id="p1"),
            Payment(date="2026-03-20", amount="1000", id="p2"),
        ],
    )
    day = dt.date.fromisoformat(as_of)
    assert repr(account.state(day)) == repr(reference_state(account, day))
