"""Export and restore of a book with the co-op's own accounts (issue 16 §5, issue 17): the five
tables of revision 0003 — membership events, contributions, the co-op's entries, distributions
and liquidaciones — are exported with the rest, and export → restore → export gives the same
files and the same accounts. SQLite always, PostgreSQL when ``COOPFINANCE_TEST_POSTGRES_URL`` is
set."""

from __future__ import annotations

import csv
import datetime as dt
import pathlib
from decimal import Decimal

from book_helpers import (  # noqa: F401
    PRICES,
    ROSTER,
    Where,
    fixture_coop,
    fixture_postgres_engine,
    fixture_where,
    write,
)

from coopfinance.book import EXPORT_TABLES, Book
from coopfinance.coop import SurplusPolicy

ACCOUNTS = (
    "member_events",
    "member_contributions",
    "coop_entries",
    "distributions",
    "liquidations",
)


def accounts_year(book: Book, tmp: pathlib.Path) -> None:
    """A small year with every kind of accounts entry: contributions deducted and paid at the
    office, a supplier joining, a member leaving and liquidated, the co-op's own entries, a loan,
    and the year's distribution."""
    book.import_roster(write(tmp, "roster.csv", ROSTER))
    book.import_prices(write(tmp, "prices.toml", PRICES.replace("2026-06-30", "2026-12-31")))
    rows = ["farmer,date,litres,total_solids"]
    for d in range(1, 32):
        rows += [f"M001,2026-01-{d:02d},40,12.1", f"M002,2026-01-{d:02d},25,12.3"]
        if d >= 10:
            rows.append(f"S001,2026-01-{d:02d},30,12.0")
    rows += [f"M001,2026-02-{d:02d},40,12.1" for d in range(1, 29)]
    rows += [f"S001,2026-02-{d:02d},30,12.0" for d in range(1, 29)]
    book.import_deliveries(write(tmp, "d.csv", "\n".join(rows) + "\n"))
    book.import_loans(
        write(
            tmp,
            "loans.toml",
            '[[loan]]\nid = "L1"\nfarmer = "M002"\nprincipal = "600"\nrate = "18%"\n'
            'disbursed = "2026-01-01"\ninstallments = 6\nfrequency = "semi-monthly"\n',
        )
    )
    book.import_obligations(
        write(
            tmp,
            "o.csv",
            "farmer,kind,amount,due,reference\n"
            "M001,compulsory-savings,10.00,2026-01-15,aporte\n"
            "M002,compulsory-savings,10.00,2026-01-15,aporte\n"
            "S001,compulsory-savings,10.00,2026-01-31,aporte\n"
            "M001,voluntary-savings,5.00,2026-02-15,ahorro\n",
        )
    )
    book.record_contributions(
        write(
            tmp,
            "c.csv",
            "farmer,date,kind,amount,reference\nM001,2026-01-12,cash,100.00,R-0001\n",
        )
    )
    book.join("S001", dt.date(2026, 2, 1))
    book.close()
    book.close()
    book.exit("M002", "renuncia", dt.date(2026, 1, 31), "moved to Lima, 'formula' =1+1")
    book.liquidate("M002", dt.date(2026, 2, 5))
    while (p := book.status().open_period) is not None and p.start.year == 2026:
        book.close(p)
    book.record_entries(
        write(
            tmp,
            "e.csv",
            "date,kind,amount,reference,litres,description\n"
            "2026-06-30,milk-sale,9000.00,G-1,5000,first half\n"
            "2026-06-30,transport,300.00,T-1,,\n"
            "2026-12-31,staff,1200.00,S-1,,\n",
        )
    )
    book.distribute(
        2026,
        dt.date(2027, 3, 15),
        SurplusPolicy(contribution_interest_rate="0.05", contribution_interest_cap="0.08"),
    )


def test_the_accounts_tables_are_exported_and_restored_exactly(
    where: Where, coop: str, tmp_path: pathlib.Path
) -> None:
    """Export → restore into an empty book → export: the same files, every accounts table
    among them with its rows; the restored book has the same journal, trial balance,
    contributions, liquidación and distribution."""
    assert set(ACCOUNTS) <= set(EXPORT_TABLES)
    book = Book.init(where(), coop=coop, name="Manantial de Vida", pay_delay_days=5)
    accounts_year(book, tmp_path)
    first = tmp_path / "export1"
    book.export(first)
    for name in ACCOUNTS:
        with (first / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            assert len(list(csv.reader(fh))) > 1, f"{name}.csv has no rows"
    other = Book.init(where(), coop=coop + "-copy", name="Manantial de Vida", pay_delay_days=5)
    other.restore(first)
    second = tmp_path / "export2"
    other.export(second)
    assert sorted(p.name for p in first.glob("*.csv")) == sorted(
        f"{name}.csv" for name in EXPORT_TABLES
    )
    for path in sorted(first.glob("*.csv")):
        assert path.read_text(encoding="utf-8") == (second / path.name).read_text(
            encoding="utf-8"
        ), path.name
    end = dt.date(2027, 3, 31)
    assert other.memberships() == book.memberships()
    assert other.journal(end) == book.journal(end)
    assert other.trial_balance(end) == book.trial_balance(end)
    assert other.liquidation("M002") == book.liquidation("M002")
    assert other.distribution(2026) == book.distribution(2026)
    for farmer in ("M001", "M002", "S001"):
        assert other.contributions(farmer) == book.contributions(farmer)
    assert other.contributions("M001").capital >= Decimal("100.00")
    book.close_connection()
    other.close_connection()
