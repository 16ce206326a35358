"""Revenue-share loans in the book's loans file (issue 18 §1): ``kind = "revenue-share"``
records what ``Book.add_revenue_share_loan`` records, idempotently; bad loans are refused with
their line (the loan's position in the file) and nothing is recorded. SQLite always, PostgreSQL
with COOPFINANCE_TEST_POSTGRES_URL."""

from __future__ import annotations

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

from coopfinance.book import Book, ImportRefused
from coopfinance.linked import RevenueSharePlan

LOANS = """[[loan]]
id = "L1"
farmer = "M002"
principal = "600"
rate = "18%"
disbursed = "2026-01-01"
installments = 4
frequency = "semi-monthly"

[[loan]]
id = "RS1"
farmer = "M001"
kind = "revenue-share"
principal = "500"
rate = "18%"
disbursed = 2026-01-01
share = "25%"
floor = "20"
cap = "150"
max_periods = 12
"""


def test_a_revenue_share_loan_from_the_loans_file_is_the_one_add_revenue_share_loan_records(
    book: Book, tmp_path: pathlib.Path
) -> None:
    report = book.import_loans(write(tmp_path, "loans.toml", LOANS))
    assert (report.new, report.already) == (2, 0)
    plan = RevenueSharePlan(
        principal="500", rate="18%", disbursed="2026-01-01", share="25%", floor="20", cap="150",
        max_periods=12,
    )  # fmt: skip
    assert book.revenue_share_loans() == {"RS1": ("M001", plan)}
    assert set(book.accounts()) == {"L1"}
    again = book.import_loans(write(tmp_path, "loans.toml", LOANS))
    assert (again.new, again.already) == (0, 2)
    rows = "".join(f"M001,2026-01-{d:02d},40\n" for d in range(1, 16))
    book.import_deliveries(write(tmp_path, "d.csv", "farmer,date,litres\n" + rows))
    closing = book.close()
    (due,) = book.revenue_share("RS1").dues
    assert sum((p.amount for p in closing.payments["RS1"]), Decimal(0)) == due.due > 0


def test_bad_revenue_share_loans_are_refused_with_their_line(
    book: Book, tmp_path: pathlib.Path
) -> None:
    bad = """[[loan]]
id = "RS1"
farmer = "M001"
kind = "revenue-share"
principal = "500"
rate = "18%"
disbursed = 2026-01-01

[[loan]]
id = "RS2"
farmer = "M009"
kind = "revenue-share"
principal = "500"
rate = "18%"
disbursed = 2026-01-01
share = "25%"

[[loan]]
id = "RS3"
farmer = "M001"
kind = "revenue-share"
checkoff = false
principal = "500"
rate = "18%"
disbursed = 2026-01-01
share = "25%"

[[loan]]
id = "RS4"
farmer = "M001"
kind = "revenue-share"
principal = 500.0
rate = "18%"
disbursed = 2026-01-01
share = "140%"

[[loan]]
id = "RS5"
farmer = "M001"
kind = "revenue-share"
principal = "500"
rate = "18%"
disbursed = 2026-01-01
share = "25%"
currency = "USD"

[[loan]]
id = "RS6"
farmer = "M001"
kind = "revenue-share"
principal = "500"
rate = "18%"
disbursed = 2026-01-01
share = "25%"
max_periods = 0
"""
    with pytest.raises(ImportRefused) as err:
        book.import_loans(write(tmp_path, "bad.toml", bad))
    got = [(p.line, p.field) for p in err.value.problems]
    assert got == [
        (1, "share"),
        (2, "farmer"),
        (3, "checkoff"),
        (4, "share"),  # (500.0 is fine: TOML numbers are read as exact decimals)
        (5, "currency"),
        (6, "max_periods"),
    ]
    assert book.revenue_share_loans() == {}
    # recorded, then given with other terms, or as the id of an ordinary loan: refused
    book.import_loans(write(tmp_path, "loans.toml", LOANS))
    other = LOANS.replace('share = "25%"', 'share = "30%"').replace('id = "L1"', 'id = "RS1"')
    with pytest.raises(ImportRefused) as err:
        book.import_loans(write(tmp_path, "other.toml", other))
    assert [(p.line, p.field) for p in err.value.problems] == [(1, "id"), (2, "id")]
    changed = LOANS.replace('share = "25%"', 'share = "30%"')
    with pytest.raises(ImportRefused) as err:
        book.import_loans(write(tmp_path, "changed.toml", changed))
    assert [(p.line, p.field) for p in err.value.problems] == [(2, "conflict")]
