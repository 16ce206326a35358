"""Closing fortnights: settled from the book, check-off payments on the pay date, frozen,
corrections as adjustments of the next open settlement; export and restore."""

from __future__ import annotations

import datetime as dt
import pathlib
from decimal import Decimal

import pytest
from book_helpers import (  # noqa: F401
    Where,
    fixture_book,
    fixture_coop,
    fixture_postgres_engine,
    fixture_where,
    write,
)

from coopfinance.book import Book, WrongPeriod
from coopfinance.dairy import Period

D = dt.date


def _season(book: Book, tmp: pathlib.Path, days: int = 60, litres: str = "40") -> None:
    rows = "".join(
        f"{f},{D(2026, 1, 1) + dt.timedelta(days=k)},{s},{litres},12.1\n"
        for k in range(days)
        for f in ("M001", "M002")
        for s in ("am", "pm")
    )
    book.import_deliveries(write(tmp, "d.csv", "farmer,date,shift,litres,total_solids\n" + rows))
    book.import_loans(
        write(
            tmp,
            "loans.toml",
            '[[loan]]\nid = "L1"\nfarmer = "M001"\nprincipal = "1500"\nrate = "18%"\n'
            'disbursed = "2026-01-01"\ninstallments = 6\nfrequency = "semi-monthly"\n'
            'charges = ["insurance:0.0675%:original"]\n',
        )
    )
    book.import_obligations(
        write(
            tmp,
            "o.csv",
            "farmer,kind,amount,due,reference\n"
            "M002,input-advance,5000.00,2026-01-15,feed\n"
            "M001,compulsory-savings,10.00,2026-01-31,aporte\n",
        )
    )


def test_periods_close_in_order_with_checkoff_payments_on_the_pay_date(
    book: Book, tmp_path: pathlib.Path
) -> None:
    _season(book, tmp_path)
    with pytest.raises(WrongPeriod, match="close in order"):
        book.close("2026-01-16..2026-01-31")
    first = book.close()
    assert first.period == Period.parse("2026-01-01..2026-01-15")
    assert first.pay_date == D(2026, 1, 20)
    (payment,) = first.payments["L1"]
    assert (payment.date, payment.channel) == (D(2026, 1, 20), "milk")
    with pytest.raises(WrongPeriod, match="already closed"):
        book.close("2026-01-01..2026-01-15")
    s = first.settlement
    assert s.summary.gross == s.summary.deductions + s.summary.net
    for f in s.statements:
        for c in f.collections:
            assert c.collected + c.short == c.due
    # M002 owes more than the milk: the shortfall is carried to the next fortnight
    second = book.close()
    carried = [
        c
        for c in second.settlement.statement("M002").collections
        if c.obligation.kind.value == "input-advance"
    ]
    assert carried
    assert carried[0].obligation.reference.startswith("arrears 2026-01-01..2026-01-15")
    assert book.settlement("2026-01-01..2026-01-15") == first.settlement  # frozen, as stored


def test_a_farmer_whose_milk_covers_every_deduction_is_never_charged_late(
    book: Book, tmp_path: pathlib.Path
) -> None:
    _season(book, tmp_path, days=120, litres="60")
    for _ in range(8):
        book.close()
    state = book.account("L1").state(D(2026, 4, 30))
    assert state.penalties_due == 0
    assert state.days_past_due == 0
    assert state.principal_outstanding == 0
    assert all(m.kind.value != "penalty" for m in state.movements if hasattr(m.kind, "value"))
    assert state.paid.penalties == 0


def test_a_correction_to_a_closed_period_is_an_adjustment_of_the_next_open_one(
    book: Book, tmp_path: pathlib.Path
) -> None:
    _season(book, tmp_path)
    first = book.close()
    frozen = book.settlement(first.period)
    fix = "farmer,date,shift,litres,total_solids,reason\nM001,2026-01-03,am,30,12.1,slip misread\n"
    assert book.import_deliveries(write(tmp_path, "fix.csv", fix)).corrected == 1
    up = "farmer,date,shift,litres,total_solids,reason\nM001,2026-01-04,pm,50,12.1,scale fixed\n"
    book.import_deliveries(write(tmp_path, "up.csv", up))
    assert book.settlement(first.period) == frozen  # never recomputed
    second = book.close()
    (down, back) = sorted(second.adjustments, key=lambda a: a.amount)
    assert down.amount == Decimal("-13.00")  # 10 litres less at S/ 1.30
    assert back.amount == Decimal("13.00")
    line = [
        c
        for c in second.settlement.statement("M001").collections
        if c.obligation.reference.startswith("adjustment")
    ]
    assert line[0].collected == Decimal("13.00")
    assert second.payable("M001") == second.settlement.statement("M001").net + Decimal("13.00")
    _, stored = book.closing(second.period)
    assert sorted(a.amount for a in stored) == [Decimal("-13.00"), Decimal("13.00")]
    third = book.close()
    assert third.adjustments == ()  # settled once


def test_the_statement_of_a_farmer_as_of_a_date(book: Book, tmp_path: pathlib.Path) -> None:
    _season(book, tmp_path)
    book.close()
    book.close()
    early = book.statement("M001", D(2026, 1, 25))
    late = book.statement("M001", D(2026, 2, 10))
    assert len(early.settlements) == 1
    assert len(late.settlements) == 2
    (loan_id, state) = late.loans[0]
    assert loan_id == "L1"
    assert state.days_past_due == 0


def test_an_export_imported_into_an_empty_book_gives_the_same_book(
    book: Book, tmp_path: pathlib.Path, where: Where, coop: str
) -> None:
    _season(book, tmp_path)
    book.close()
    fix = "farmer,date,shift,litres,total_solids,reason\nM001,2026-01-03,am,30,12.1,slip misread\n"
    book.import_deliveries(write(tmp_path, "fix.csv", fix))
    book.close()
    first = tmp_path / "export1"
    book.export(first)
    other = Book.init(where(), coop=coop + "-copy", pay_delay_days=5)
    other.restore(first)
    second = tmp_path / "export2"
    other.export(second)
    for path in sorted(first.glob("*.csv")):
        assert path.read_text() == (second / path.name).read_text(), path.name
    assert other.settlement("2026-01-16") == book.settlement("2026-01-16")
    assert other.account("L1") == book.account("L1")
