"""Imports: nothing doubled, nothing dropped, nothing half-done."""

from __future__ import annotations

import pathlib

import pytest
from book_helpers import fixture_book, fixture_coop, fixture_postgres_engine, fixture_where, write  # noqa: F401

from coopfinance.book import Book, ImportRefused

HEAD = "farmer,date,shift,litres,total_solids\n"


def _milk(book: Book, tmp: pathlib.Path, body: str, name: str = "d.csv") -> str:
    return str(book.import_deliveries(write(tmp, name, HEAD + body)))


def test_importing_the_same_file_twice_records_nothing_the_second_time(
    book: Book, tmp_path: pathlib.Path
) -> None:
    body = "".join(
        f"M001,2026-01-{d:02d},{s},30.5,12.3\n" for d in range(1, 8) for s in ("am", "pm")
    )
    assert _milk(book, tmp_path, body) == "14 new, 0 already recorded"
    assert _milk(book, tmp_path, body) == "0 new, 14 already recorded"
    assert book.status().deliveries == 14
    # the same file in another order, litres written otherwise: still the same deliveries
    other = "".join(reversed(body.replace("30.5,", "30.50,").splitlines(keepends=True)))
    assert _milk(book, tmp_path, other) == "0 new, 14 already recorded"


def test_the_same_identity_twice_in_a_file_is_reported_with_both_lines(
    book: Book, tmp_path: pathlib.Path
) -> None:
    body = "M001,2026-01-02,,30,\nM002,2026-01-02,,20,\nM001,2026-01-02,,30,\n"
    with pytest.raises(
        ImportRefused, match=r"line 4: delivery M001 2026-01-02 \(no shift\) is also on line 2"
    ):
        _milk(book, tmp_path, body)
    assert book.status().deliveries == 0


def test_a_conflict_with_a_recorded_delivery_is_refused_and_a_correction_recorded(
    book: Book, tmp_path: pathlib.Path
) -> None:
    _milk(book, tmp_path, "M001,2026-01-02,am,30,12.0\n")
    with pytest.raises(ImportRefused) as info:
        _milk(book, tmp_path, "M001,2026-01-02,am,31,12.0\n")
    (conflict,) = info.value.conflicts
    assert (conflict.line, conflict.recorded, conflict.given) == (
        2,
        {"litres": "30"},
        {"litres": "31"},
    )
    fixed = book.import_deliveries(
        write(
            tmp_path,
            "fix.csv",
            "farmer,date,shift,litres,reason\nM001,2026-01-02,am,31,slip misread\n",
        )
    )
    assert (fixed.new, fixed.corrected) == (0, 1)
    rows = list(book.entries("deliveries"))
    assert [(r["version"], r["litres"], r["reason"]) for r in rows] == [
        (0, 30, None),
        (1, 31, "slip misread"),
    ]
    assert rows[1]["corrects"] == rows[0]["id"]


def test_every_bad_line_of_a_file_is_reported_in_one_go(book: Book, tmp_path: pathlib.Path) -> None:
    body = (
        "M001,2026-01-02,,-3,\n"  # negative litres
        "X999,2026-01-02,,10,\n"  # not on the roster
        "S001,2026-01-05,,10,\n"  # the supplier joins on the 10th
        "M001,2026-07-02,,10,\n"  # no price in force
        "M002,2026-02-30,,10,\n"  # no such date
        "M002,2026-01-03,,10,140\n"  # not a percentage
        "M002,2026-01-04,,10,\n"  # a good line: not imported either
    )
    with pytest.raises(ImportRefused) as info:
        _milk(book, tmp_path, body)
    assert [p.line for p in info.value.problems] == [2, 3, 4, 5, 6, 7]
    text = str(info.value)
    assert "6 bad lines" in text
    assert "'farmer' 'S001' is not on the roster on 2026-01-05" in text
    assert "no milk price is recorded for 2026-07-02" in text
    assert book.status().deliveries == 0


def test_roster_changes_are_new_versions(book: Book, tmp_path: pathlib.Path) -> None:
    report = book.import_roster(
        write(
            tmp_path,
            "r2.csv",
            "farmer,name,role,route,joined,left\nM001,Carmen,member,R1,,2026-03-31\n",
        )
    )
    assert (report.new, report.corrected) == (0, 1)
    assert book.members()["M001"].left is not None
    with pytest.raises(ImportRefused, match="not on the roster on 2026-04-02"):
        _milk(book, tmp_path, "M001,2026-04-02,,10,\n")


def test_payments_with_a_recorded_receipt_are_not_posted_again(
    book: Book, tmp_path: pathlib.Path
) -> None:
    loans = write(
        tmp_path,
        "loans.toml",
        '[[loan]]\nid = "L1"\nfarmer = "M001"\nprincipal = "1200"\nrate = "18%"\n'
        'disbursed = "2026-01-05"\ninstallments = 6\ncheckoff = false\n',
    )
    assert str(book.import_loans(loans)) == "1 new, 0 already recorded"
    assert str(book.import_loans(loans)) == "0 new, 1 already recorded"
    pay = write(tmp_path, "p.csv", "loan_id,date,amount,receipt\nL1,2026-02-05,100.00,R-1\n")
    assert str(book.import_payments(pay)) == "1 new, 0 already recorded"
    assert str(book.import_payments(pay)) == "0 new, 1 already recorded"
    bad = write(
        tmp_path,
        "p2.csv",
        "loan_id,date,amount,receipt\nL1,2026-02-05,90.00,R-1\nL9,2026-02-05,1,R-2\n",
    )
    with pytest.raises(ImportRefused) as info:
        book.import_payments(bad)
    assert [p.line for p in info.value.problems] == [2, 3]
    assert len(book.account("L1").events) == 1


def test_a_checkoff_loan_takes_its_due_dates_from_the_calendar(
    book: Book, tmp_path: pathlib.Path
) -> None:
    loans = write(
        tmp_path,
        "loans.toml",
        '[[loan]]\nid = "L1"\nfarmer = "M001"\nprincipal = "1200"\nrate = "18%"\n'
        'disbursed = "2026-01-05"\ninstallments = 3\n',
    )
    book.import_loans(loans)
    dates = [str(d) for d in book.account("L1").terms.dates()]
    assert dates == [
        "2026-02-20",
        "2026-03-20",
        "2026-04-20",
    ]  # 1–15 is paid on the 20th
    off = write(
        tmp_path,
        "off.toml",
        '[[loan]]\nid = "L2"\nfarmer = "M002"\nprincipal = "1200"\nrate = "18%"\n'
        'disbursed = "2026-01-05"\ndue_dates = ["2026-02-15", "2026-03-15"]\n',
    )
    with pytest.raises(ImportRefused, match="falls due on 2026-02-15, not a pay date"):
        book.import_loans(off)


def test_obligations_are_idempotent_and_checked(book: Book, tmp_path: pathlib.Path) -> None:
    text = "farmer,kind,amount,due,reference\nM001,compulsory-savings,10.00,2026-01-15,aporte 1\n"
    path = write(tmp_path, "o.csv", text)
    assert str(book.import_obligations(path)) == "1 new, 0 already recorded"
    assert str(book.import_obligations(path)) == "0 new, 1 already recorded"
    bad = write(
        tmp_path,
        "o2.csv",
        text.replace("10.00", "12.00") + "M001,loan-installment,5,2026-01-15,x\n",
    )
    with pytest.raises(ImportRefused) as info:
        book.import_obligations(bad)
    assert [p.line for p in info.value.problems] == [2, 3]
