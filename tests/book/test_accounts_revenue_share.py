"""Revenue-share loans (issue 18, ``book/_linked.py``) in the co-op's accounts (issue 17): the
journal, the exit liquidación and the export carry the same amounts the settlements deducted — one
replay of the frozen settlements is the source of every figure. SQLite always, PostgreSQL when
``COOPFINANCE_TEST_POSTGRES_URL`` is set (never skipped then)."""

from __future__ import annotations

import datetime as dt
import decimal
import io
import pathlib
import tempfile
from decimal import ROUND_HALF_UP, Decimal

import pytest
from book_helpers import (  # noqa: F401
    PRICES,
    ROSTER,
    Where,
    fixture_book,
    fixture_coop,
    fixture_postgres_engine,
    fixture_where,
    write,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from coopfinance.book import Book, Closing, JournalEntry
from coopfinance.linked import RevenueSharePlan

D = Decimal
ZERO = D(0)
RS1 = RevenueSharePlan(
    principal="900", rate="18%", disbursed="2026-01-01", share="25%", floor="20", cap="150",
    max_periods=12,
)  # fmt: skip
RS2 = RevenueSharePlan(
    principal="800", rate="24%", disbursed="2026-01-10", share="20%", floor="10", cap="100",
    max_periods=12,
)  # fmt: skip


def _season(book: Book, tmp: pathlib.Path, days: int = 59) -> list[Closing]:
    """January and February: members M001 (40 L/day) and M002 (25 L/day), supplier S001 (30 L/day
    from 10 January); RS1 to member M002, RS2 to supplier S001; the four fortnights closed."""
    rows = ["farmer,date,litres,total_solids"]
    for k in range(days):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=k)
        rows += [f"M001,{day},40,12.1", f"M002,{day},25,12.1"]
        if day >= dt.date(2026, 1, 10):
            rows.append(f"S001,{day},30,12.1")
    book.import_deliveries(write(tmp, "d.csv", "\n".join(rows) + "\n"))
    book.import_obligations(
        write(
            tmp,
            "o.csv",
            "farmer,kind,amount,due,reference\n"
            "M002,compulsory-savings,10.00,2026-01-15,aporte\n"
            "M002,compulsory-savings,10.00,2026-01-31,aporte\n",
        )
    )
    book.add_revenue_share_loan("RS1", "M002", RS1)
    book.add_revenue_share_loan("RS2", "S001", RS2)
    return [book.close() for _ in range(4)]


def _by_farmer(entries: list[JournalEntry], farmer: str, role: str, day: dt.date) -> Decimal:
    return sum(
        (
            x.amount
            for e in entries
            if e.date <= day
            for x in e.lines
            if x.farmer == farmer and x.role == role
        ),
        ZERO,
    )


def _collected(book: Book, loan_id: str) -> list[Decimal]:
    """What each closed settlement deducted for ``loan_id`` (its frozen lines)."""
    out = []
    for p in book.closed_periods():
        s = book.settlement(p, with_deliveries=False)
        out.append(
            sum(
                (
                    c.collected
                    for x in s.statements
                    for c in x.collections
                    if c.obligation.loan_id == loan_id
                ),
                ZERO,
            )
        )
    return out


def test_the_journal_posts_what_the_settlements_deducted(
    book: Book, tmp_path: pathlib.Path
) -> None:
    """Every entry balances; milk payable is cleared on each pay date (the revenue-share check-off
    included: before, it stayed on milk payable); the loan receivable after each pay date is the
    replay's balance; the journal's collections are the settlements' lines, the payments posted to
    the loan and the replay's ``paid``, all three the same; the interest income is the replay's."""
    closings = _season(book, tmp_path)
    entries = book.journal()
    assert all(e.balanced for e in entries)
    periods = book.closed_periods()
    for loan_id, farmer, s in (("RS1", "M002", "member"), ("RS2", "S001", "third")):
        c = book.revenue_share(loan_id)
        assert list(c.paid) == _collected(book, loan_id)
        posted = [
            e
            for e in entries
            if e.source == "loan:payment" and e.reference.startswith(f"{loan_id} ")
        ]
        from_milk = [sum(x.amount for x in e.lines if x.role == "milk_payable") for e in posted]
        assert from_milk == list(c.paid)
        # the payments each close posted to the loan (loan_events), on the pay date
        assert [
            sum((x.amount for x in k.payments.get(loan_id, ())), ZERO) for k in closings
        ] == list(c.paid)
        assert [e.date for e in posted] == [k.pay_date for k in closings]
        for p, standing in zip(periods, c.standings, strict=True):
            pay, _ = book.closing(p)
            receivable = _by_farmer(entries, farmer, f"loan_{s}", pay) + _by_farmer(
                entries, farmer, f"loan_interest_{s}", pay
            )
            assert receivable == standing.balance
            assert _by_farmer(entries, farmer, f"loan_interest_{s}", pay) == 0  # capitalized
            # between the period's end and the pay date the period's interest is receivable
            assert _by_farmer(entries, farmer, f"loan_interest_{s}", p.end) == next(
                d.interest for d in c.dues if d.period == p
            )
        assert all(x.party == s for e in posted for x in e.lines)
    rows = {r.role: r.balance for r in book.trial_balance(dt.date(2026, 3, 5))}
    assert rows["milk_payable"] == 0
    interest = book.revenue_share("RS1").total_interest + book.revenue_share("RS2").total_interest
    st_ = book.income_statement(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert st_.line("loan_interest") == interest
    assert -rows["loan_interest_income"] == interest


def test_milk_payable_equals_what_is_unpaid_with_revenue_share_loans(
    book: Book, tmp_path: pathlib.Path
) -> None:
    _season(book, tmp_path)
    for day in (
        dt.date(2026, 1, 15),
        dt.date(2026, 1, 18),
        dt.date(2026, 2, 3),
        dt.date(2026, 3, 1),
    ):
        rows = {r.role: r.balance for r in book.trial_balance(day)}
        unpaid = ZERO
        for p in book.closed_periods():
            pay, _ = book.closing(p)
            if p.end <= day < pay:
                unpaid += sum(
                    (x.gross for x in book.settlement(p, with_deliveries=False).statements), ZERO
                )
        assert -rows.get("milk_payable", ZERO) == unpaid


def _accrued(balance: Decimal, days: int, tea: str) -> Decimal:
    """Interest by hand: ``round(B · ((1 + TEA)^(days/360) − 1))``, half up (the plan's ACT/360)."""
    with decimal.localcontext() as ctx:
        ctx.prec = 40
        rate = (1 + D(tea)) ** (D(days) / 360) - 1
        return (balance * rate).quantize(D("0.01"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize("write_off", [False, True])
def test_an_exit_liquidacion_nets_the_revenue_share_loan(
    book: Book, tmp_path: pathlib.Path, write_off: bool
) -> None:
    """M002 leaves on 28 February; the liquidación on 2 March holds the last fortnight's milk (paid
    5 March, the effective date) and nets RS1's payoff: the balance after the last settlement plus
    interest from 28 February to 5 March. What is left stays a receivable (or is written off);
    later closes no longer collect the loan; the identity holds to the céntimo."""
    _season(book, tmp_path)
    before = book.revenue_share("RS1")
    book.exit("M002", "renuncia", dt.date(2026, 2, 28))
    liq = book.liquidate("M002", dt.date(2026, 3, 2), write_off=write_off)
    assert liq.date == dt.date(2026, 3, 5)
    last = before.standing
    assert last.as_of == dt.date(2026, 2, 28)
    interest = _accrued(last.balance, 5, "0.18")
    owed = last.balance + interest
    ((loan_id, netted, left),) = liq.loans
    assert loan_id == "RS1"
    assert netted == min(owed, liq.credits)
    assert netted + left == owed
    assert liq.paid_out == liq.credits - netted
    assert liq.left_owed == left > 0  # S/ 303.88 of milk does not cover S/ 441.07
    assert liq.credits - liq.debts == liq.paid_out - liq.left_owed
    assert book.liquidation("M002") == liq

    entries = book.journal(dt.date(2026, 3, 31))
    assert all(e.balanced for e in entries)
    end = dt.date(2026, 3, 31)
    assert _by_farmer(entries, "M002", "member_payable", end) == 0
    receivable = _by_farmer(entries, "M002", "loan_member", end) + _by_farmer(
        entries, "M002", "loan_interest_member", end
    )
    assert receivable == (0 if write_off else left)
    assert _by_farmer(entries, "M002", "allowance_member", end) == (left if write_off else 0)
    assert liq.receivable == (0 if write_off else left)
    # the interest to the effective date is income, once
    assert -_by_farmer(entries, "M002", "loan_interest_income", end) == (
        before.total_interest + interest
    )

    # a March fortnight closed afterwards: RS1 is not collected again, the replay stops there
    book.import_deliveries(
        io.StringIO(
            "farmer,date,litres,total_solids\n"
            + "".join(f"M001,2026-03-{d:02d},40,12.1\n" for d in range(1, 16))
        )
    )
    march = book.close()
    assert "RS1" not in march.payments
    assert not any(s.farmer == "M002" for s in march.settlement.statements)
    assert book.revenue_share("RS1").standings == before.standings
    again = book.journal(dt.date(2026, 3, 31))
    receivable = _by_farmer(again, "M002", "loan_member", end) + _by_farmer(
        again, "M002", "loan_interest_member", end
    )
    assert receivable == (0 if write_off else left)


def test_revenue_share_loans_are_exported_and_restored(
    where: Where, coop: str, tmp_path: pathlib.Path
) -> None:
    """``linked_loans.csv`` is in the export: a restored book has the same loans, replays them to
    the same standings and journal (before, the plans were lost and the journal differed)."""
    book = Book.init(where(), coop=coop, name="Manantial de Vida", pay_delay_days=5)
    book.import_roster(write(tmp_path, "roster.csv", ROSTER))
    book.import_prices(write(tmp_path, "prices.toml", PRICES))
    _season(book, tmp_path)
    book.exit("M002", "renuncia", dt.date(2026, 2, 28))
    book.liquidate("M002", dt.date(2026, 3, 2))
    first = tmp_path / "export1"
    book.export(first)
    assert (first / "linked_loans.csv").read_text(encoding="utf-8").count("\n") == 3
    other = Book.init(where(), coop=coop + "-copy", name="Manantial de Vida", pay_delay_days=5)
    other.restore(first)
    second = tmp_path / "export2"
    other.export(second)
    for path in sorted(first.glob("*.csv")):
        assert path.read_text(encoding="utf-8") == (second / path.name).read_text(
            encoding="utf-8"
        ), path.name
    assert other.revenue_share_loans() == book.revenue_share_loans()
    for loan_id in ("RS1", "RS2"):
        assert other.revenue_share(loan_id) == book.revenue_share(loan_id)
    end = dt.date(2026, 3, 31)
    assert other.journal(end) == book.journal(end)
    assert other.trial_balance(end) == book.trial_balance(end)
    assert other.liquidation("M002") == book.liquidation("M002")
    book.close_connection()
    other.close_connection()


@settings(max_examples=6, deadline=None)
@given(
    litres=st.lists(st.integers(0, 40), min_size=4, max_size=4),
    principal=st.integers(100, 1500),
    share=st.sampled_from(["10%", "25%", "40%"]),
    write_off=st.booleans(),
)
def test_property_the_journal_ties_to_the_replay(
    litres: list[int], principal: int, share: str, write_off: bool
) -> None:
    """Any milk (a fortnight of none included) and any loan: every entry balances, milk payable
    is zero once every pay date has passed, and the receivable equals the replay's balance; then
    the borrower leaves: the liquidación's identity holds, the leaver's member payable is zero and
    what is left of the loan is the receivable (zero when written off)."""
    tmp = pathlib.Path(tempfile.mkdtemp())
    book = Book.init("sqlite://", coop="p", name="Manantial de Vida", pay_delay_days=5)
    book.import_roster(write(tmp, "roster.csv", ROSTER))
    book.import_prices(write(tmp, "prices.toml", PRICES))
    rows = ["farmer,date,litres,total_solids", "M001,2026-01-01,30,12.1"]
    for k in range(59):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=k)
        if litres[min(k // 15, 3)]:
            rows.append(f"M002,{day},{litres[min(k // 15, 3)]},12.1")
    book.import_deliveries(write(tmp, "d.csv", "\n".join(rows) + "\n"))
    plan = RevenueSharePlan(
        principal=principal, rate="18%", disbursed="2026-01-01", share=share, floor="20",
        cap="150", max_periods=3,
    )  # fmt: skip
    book.add_revenue_share_loan("RS1", "M002", plan)
    for _ in range(4):
        book.close()
    entries = book.journal(dt.date(2026, 3, 31))
    assert all(e.balanced for e in entries)
    rows_ = {r.role: r.balance for r in book.trial_balance(dt.date(2026, 3, 31))}
    assert rows_.get("milk_payable", ZERO) == 0
    c = book.revenue_share("RS1")
    assert rows_.get("loan_member", ZERO) + rows_.get("loan_interest_member", ZERO) == (
        c.standing.balance
    )
    assert -rows_.get("loan_interest_income", ZERO) == c.total_interest
    assert rows_.get("cash", ZERO) == -(
        plan.principal
        + sum(
            (
                x.net
                for p in book.closed_periods()
                for x in book.settlement(p, with_deliveries=False).statements
            ),
            ZERO,
        )
    )
    book.exit("M002", "renuncia", dt.date(2026, 2, 28))
    liq = book.liquidate("M002", dt.date(2026, 3, 2), write_off=write_off)
    assert liq.credits - liq.debts == liq.paid_out - liq.left_owed
    netted = {a: (n, b) for a, n, b in liq.loans}
    if c.standing.repaid:
        assert "RS1" not in netted
        left = ZERO
    else:  # the payoff: the balance after the last settlement plus interest to the day, by hand
        days = (liq.date - c.standing.as_of).days
        owed = c.standing.balance + _accrued(c.standing.balance, days, "0.18")
        assert netted["RS1"][0] + netted["RS1"][1] == owed
        left = netted["RS1"][1]
    end = dt.date(2026, 3, 31)
    after = book.journal(end)
    assert all(e.balanced for e in after)
    assert _by_farmer(after, "M002", "member_payable", end) == 0
    receivable = _by_farmer(after, "M002", "loan_member", end) + _by_farmer(
        after, "M002", "loan_interest_member", end
    )
    assert receivable == (0 if write_off else left)


def test_a_leavers_open_loan_is_not_asked_of_the_milk_again(
    book: Book, tmp_path: pathlib.Path
) -> None:
    """A check-off loan the liquidación could not pay off stays a receivable of the leaver (issue
    17 §2: "an open loan of a farmer who left is handled"): later closes no longer put its
    installments on a settlement of the leaver (before, every close gave the leaver, off the
    roster and without milk, a statement with the whole overdue installment short), and the
    journal's receivable is servicing's."""
    rows = ["farmer,date,litres,total_solids"]
    for k in range(59):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=k)
        rows += [f"M001,{day},40,12.1", f"M002,{day},5,12.1"]
    rows += [f"M001,2026-03-{d:02d},40,12.1" for d in range(1, 16)]
    book.import_deliveries(write(tmp_path, "d.csv", "\n".join(rows) + "\n"))
    book.import_loans(
        write(
            tmp_path,
            "loans.toml",
            '[[loan]]\nid = "L1"\nfarmer = "M002"\nprincipal = "1500"\nrate = "18%"\n'
            'disbursed = "2026-01-01"\ninstallments = 12\nfrequency = "semi-monthly"\n',
        )
    )
    for _ in range(4):
        book.close()
    book.exit("M002", "renuncia", dt.date(2026, 2, 28))
    liq = book.liquidate("M002", dt.date(2026, 3, 2))
    ((_, netted, left),) = liq.loans
    assert netted == liq.credits
    assert left > 0
    march = book.close()
    assert not any(s.farmer == "M002" for s in march.settlement.statements)
    assert "L1" not in march.payments
    day = dt.date(2026, 3, 20)
    state = book.account("L1").state(day)
    entries = book.journal(day)
    receivable = _by_farmer(entries, "M002", "loan_member", day) + _by_farmer(
        entries, "M002", "loan_interest_member", day
    )
    assert receivable == (
        state.principal_outstanding + state.interest_due + state.fees_due + state.penalties_due
    )
