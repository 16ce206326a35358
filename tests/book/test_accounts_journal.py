"""The co-op's own accounts (issue 17): contributions ledger, double-entry journal, trial balance,
general-ledger CSV, income statement, distribution, join and exit (docs/accounts.md)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import pathlib
from decimal import Decimal

import pytest
from book_helpers import (  # noqa: F401
    fixture_book,
    fixture_coop,
    fixture_postgres_engine,
    fixture_where,
    write,
)

from coopfinance.book import PCGE, Book, BookError, WrongPeriod

D = Decimal
ZERO = D(0)


def _deliveries(farmers: dict[str, str], start: dt.date, days: int) -> str:
    rows = ["farmer,date,litres,total_solids"]
    for k in range(days):
        day = start + dt.timedelta(days=k)
        for f, litres in farmers.items():
            rows.append(f"{f},{day.isoformat()},{litres},12.1")
    return "\n".join(rows) + "\n"


def season(book: Book, tmp: pathlib.Path) -> None:
    """January: two members and a supplier, a check-off loan, an input advance, contributions."""
    book.import_deliveries(
        write(
            tmp,
            "d.csv",
            _deliveries({"M001": "40", "M002": "25", "S001": "30"}, dt.date(2026, 1, 10), 22),
        )
    )
    book.import_loans(
        write(
            tmp,
            "loans.toml",
            '[[loan]]\nid = "L1"\nfarmer = "M001"\nprincipal = "1500"\nrate = "18%"\n'
            'disbursed = "2026-01-01"\ninstallments = 6\nfrequency = "semi-monthly"\n',
        )
    )
    book.import_obligations(
        write(
            tmp,
            "o.csv",
            "farmer,kind,amount,due,reference\n"
            "M002,input-advance,90.00,2026-01-15,feed\n"
            "M001,compulsory-savings,10.00,2026-01-15,aporte\n"
            "M002,compulsory-savings,10.00,2026-01-15,aporte\n"
            "M001,compulsory-savings,10.00,2026-01-31,aporte\n"
            "M002,voluntary-savings,5.00,2026-01-31,ahorro\n"
            "S001,compulsory-savings,10.00,2026-01-31,aporte\n",
        )
    )
    book.close()
    book.close()


def test_every_entry_balances_and_the_trial_balance_balances(
    book: Book, tmp_path: pathlib.Path
) -> None:
    season(book, tmp_path)
    entries = book.journal()
    assert entries
    assert all(e.balanced for e in entries)
    for day in (dt.date(2026, 1, 15), dt.date(2026, 1, 20), dt.date(2026, 2, 5), None):
        rows = book.trial_balance(day)
        assert sum((r.debit for r in rows), ZERO) == sum((r.credit for r in rows), ZERO)


def test_loan_receivable_equals_servicing_and_milk_payable_what_is_unpaid(
    book: Book, tmp_path: pathlib.Path
) -> None:
    season(book, tmp_path)
    for day in (
        dt.date(2026, 1, 16),
        dt.date(2026, 1, 20),
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 5),
    ):
        rows = {r.role: r.balance for r in book.trial_balance(day)}
        state = book.account("L1").state(day)
        assert rows.get("loan_member", ZERO) == state.principal_outstanding
        assert (
            rows.get("loan_interest_member", ZERO)
            == state.interest_due + state.fees_due + state.penalties_due
        )
        unpaid = ZERO
        for p in book.closed_periods():
            pay, adjustments = book.closing(p)
            if p.end <= day < pay:
                s = book.settlement(p, with_deliveries=False)
                # owed from the period's end, deductions taken on the pay date
                unpaid += sum((x.gross for x in s.statements), ZERO)
                unpaid += sum((a.amount for a in adjustments if a.amount > 0), ZERO)
        assert -rows.get("milk_payable", ZERO) == unpaid


def test_contributions_statement_equals_the_deductions(book: Book, tmp_path: pathlib.Path) -> None:
    season(book, tmp_path)
    for farmer in ("M001", "M002", "S001"):
        deducted = ZERO
        for p in book.closed_periods():
            s = book.settlement(p, with_deliveries=False).statement(farmer)
            deducted += sum(
                (c.collected for c in s.collections if c.obligation.kind.value.endswith("savings")),
                ZERO,
            )
        assert book.contributions(farmer).capital == deducted
    assert book.contributions("M001").compulsory == D("20.00")
    assert book.contributions("M002").voluntary == D("5.00")
    rows = {r.role: r.balance for r in book.trial_balance()}
    assert -rows["contributions"] == D("35.00")  # members' aportaciones
    assert -rows["third_party_savings"] == D("10.00")  # the supplier's savings


def test_ledger_csv_is_formula_safe_and_sums(book: Book, tmp_path: pathlib.Path) -> None:
    season(book, tmp_path)
    book.record_entries(
        write(
            tmp_path,
            "e.csv",
            "date,kind,amount,reference\n2026-01-31,milk-sale,4000.00,=HYPERLINK(1)\n",
        )
    )
    text = book.ledger_csv()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sum(D(r["debit"]) for r in rows) == sum(D(r["credit"]) for r in rows)
    assert any(r["reference"] == "'=HYPERLINK(1)" for r in rows)
    assert not any(v.startswith(("=", "+", "@")) for r in rows for v in r.values())
    mapped = PCGE.with_codes({"cash": "101"})
    assert "101," in book.ledger_csv(chart=mapped)


def test_record_entries_twice_records_nothing_the_second_time(
    book: Book, tmp_path: pathlib.Path
) -> None:
    text = (
        "date,kind,amount,reference\n2026-01-31,transport,300.00,T1\n2026-01-31,staff,900.00,P1\n"
    )
    assert (book.record_entries(write(tmp_path, "e.csv", text)).new) == 2
    again = book.record_entries(write(tmp_path, "e.csv", text))
    assert (again.new, again.already) == (0, 2)


def test_income_statement_ties_and_the_distribution_sums(
    book: Book, tmp_path: pathlib.Path
) -> None:
    season(book, tmp_path)
    gross = sum(
        (
            x.gross
            for p in book.closed_periods()
            for x in book.settlement(p, with_deliveries=False).statements
        ),
        ZERO,
    )
    book.record_entries(
        write(
            tmp_path,
            "e.csv",
            "date,kind,amount,reference,litres\n"
            f"2026-01-31,milk-sale,{(gross * D('1.25')).quantize(D('0.01'))},G-01,2090\n"
            "2026-01-31,transport,100.00,T1,\n",
        )
    )
    st = book.income_statement(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert st.line("milk_cost") == gross
    state = book.account("L1").state(dt.date(2026, 12, 31))
    assert st.line("loan_interest") == state.paid.interest + state.interest_due
    assert st.result == st.total_income - st.total_costs
    assert ZERO < st.third_party_result < st.result


def test_join_and_exit_rules(book: Book, tmp_path: pathlib.Path) -> None:
    with pytest.raises(BookError, match="first day of a settlement period"):
        book.join("S001", dt.date(2026, 1, 10))
    book.join("S001", dt.date(2026, 1, 16))
    assert book.memberships()["S001"].is_member(dt.date(2026, 1, 16))
    assert not book.memberships()["S001"].is_member(dt.date(2026, 1, 15))
    with pytest.raises(BookError, match="already a member"):
        book.join("S001", dt.date(2026, 2, 1))
    with pytest.raises(BookError, match="kind"):
        book.exit("M002", "moved", dt.date(2026, 1, 31))
    book.exit("M002", "renuncia", dt.date(2026, 1, 31))
    assert book.members()["M002"].left == dt.date(2026, 1, 31)
    with pytest.raises(WrongPeriod):
        book.liquidate("M002", dt.date(2026, 2, 5))
