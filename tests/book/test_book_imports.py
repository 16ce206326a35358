"""Imports: nothing doubled, nothing dropped, nothing half-done."""

from __future__ import annotations

import datetime as dt
import pathlib

import pytest
from book_helpers import fixture_book, fixture_coop, fixture_postgres_engine, fixture_where, write  # noqa: F401

from coopfinance.book import Book, BookError, ImportRefused

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
    """A change that contradicts nothing recorded (a new route, a name) is the next version."""
    report = book.import_roster(
        write(
            tmp_path,
            "r2.csv",
            "farmer,name,role,route,joined,left\nM001,Carmen Torres,member,R3,,\n",
        )
    )
    assert (report.new, report.corrected) == (0, 1)
    assert (book.members()["M001"].route, book.members()["M001"].version) == ("R3", 1)


ROSTER_HEAD = "farmer,name,role,route,joined,left\n"


def _roster(book: Book, tmp: pathlib.Path, body: str) -> str:
    return str(book.import_roster(write(tmp, "again.csv", ROSTER_HEAD + body)))


def test_a_roster_cannot_bring_back_a_farmer_who_left(book: Book, tmp_path: pathlib.Path) -> None:
    """Issue 17 §2: a farmer leaves only through an exit, and a roster re-import that shows the
    leaver active again, or moves their dates, is refused naming the line; nothing is recorded."""
    book.import_deliveries(
        write(tmp_path, "d.csv", "farmer,date,litres\nM002,2026-01-05,20\nM001,2026-01-05,30\n")
    )
    book.close()
    book.exit("M002", "renuncia", dt.date(2026, 1, 20), "moved away")
    before = list(book.entries("members"))
    for body, field in (
        ("M001,Carmen,member,R1,,\nM002,Jorge,member,R1,,\n", "back"),  # active again
        ("M002,Jorge,member,R1,,2026-02-28\n", "moved"),  # the exit date moved
        ("M002,Jorge,member,R1,2025-01-01,2026-01-20\n", "joined"),  # a join date changed
        ("M002,Jorge,supplier,R1,,2026-01-20\n", "role"),
    ):
        with pytest.raises(ImportRefused) as info:
            _roster(book, tmp_path, body)
        (problem,) = info.value.problems
        assert problem.line == body.count("\n") + 1, field
        assert "'farmer' 'M002' left the co-op on 2026-01-20 (renuncia" in problem.message
        assert "new member, under a new id" in problem.message
    assert list(book.entries("members")) == before
    # what agrees with the exit (the left date as recorded) is accepted: a new route
    assert _roster(book, tmp_path, "M002,Jorge,member,R9,,2026-01-20\n").endswith("1 corrected")


def test_a_roster_left_date_is_refused_a_farmer_leaves_through_an_exit(
    book: Book, tmp_path: pathlib.Path
) -> None:
    with pytest.raises(ImportRefused, match=r"line 2: 'left' 2026-03-31 for 'M001'.*'book exit'"):
        _roster(book, tmp_path, "M001,Carmen,member,R1,,2026-03-31\n")
    book.exit("M001", "renuncia", dt.date(2026, 3, 31))
    with pytest.raises(ImportRefused, match="not on the roster on 2026-04-02"):
        _milk(book, tmp_path, "M001,2026-04-02,,10,\n")
    # a new farmer may come with both dates (they left before the book began)
    assert _roster(book, tmp_path, "X001,Old,supplier,R1,2025-01-01,2025-06-30\n").startswith(
        "1 new"
    )


def test_a_join_date_or_role_that_would_change_closed_periods_is_refused(
    book: Book, tmp_path: pathlib.Path
) -> None:
    book.import_deliveries(
        write(tmp_path, "d.csv", "farmer,date,litres\nS001,2026-01-12,20\nM001,2026-01-12,30\n")
    )
    # before any close a join date may be corrected, but not past a recorded delivery
    with pytest.raises(
        ImportRefused, match=r"line 2: 'joined' 2026-01-13 for 'S001'.* from 2026-01-12"
    ):
        _roster(book, tmp_path, "S001,Rosa,supplier,R2,2026-01-13,\n")
    assert _roster(book, tmp_path, "S001,Rosa,supplier,R2,2026-01-11,\n").endswith("1 corrected")
    book.close()
    with pytest.raises(
        ImportRefused, match=r"'joined' of 'S001' changes from 2026-01-11 to 2026-01-02"
    ):
        _roster(book, tmp_path, "S001,Rosa,supplier,R2,2026-01-02,\n")
    with pytest.raises(
        ImportRefused, match=r"'role' of 'S001' changes from supplier to member.*'book join'"
    ):
        _roster(book, tmp_path, "S001,Rosa,member,R2,2026-01-11,\n")
    # a supplier who joined through the book may be listed as a member
    book.join("S001", dt.date(2026, 1, 16))
    assert _roster(book, tmp_path, "S001,Rosa,member,R2,2026-01-11,\n").endswith("1 corrected")
    assert book.memberships()["S001"].since == dt.date(2026, 1, 16)


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


def test_an_import_reports_its_progress_per_chunk_of_rows(
    book: Book, tmp_path: pathlib.Path
) -> None:
    """Issue 21: ``progress(done, total)`` every PROGRESS_EVERY rows, the total counted first for
    a path, and once at the end; the import records the same source and the same rows."""
    rows = [
        f"{f},{dt.date(2026, 1, 1) + dt.timedelta(days=d % 180)},s{d // 180},1{d % 7}\n"
        for d in range(12_500)
        for f in ("M001", "M002")
    ]
    path = write(tmp_path, "big.csv", "farmer,date,shift,litres\n" + "".join(rows))
    seen: list[tuple[int, int | None]] = []
    report = book.import_deliveries(path, progress=lambda done, total: seen.append((done, total)))
    assert str(report) == "25,000 new, 0 already recorded"
    assert seen == [(0, 25_000), (10_000, 25_000), (20_000, 25_000), (25_000, 25_000)]
    (record,) = [r for r in book.entries("imports") if r["kind"] == "deliveries"]
    assert record["source"] == str(path)
    seen.clear()
    prices = write(tmp_path, "p.toml", (tmp_path / "prices.toml").read_text())
    assert str(book.import_prices(prices, progress=lambda *a: seen.append(a))).startswith("0 new")
    assert seen == [(0, None), (1, 1)]
    seen.clear()
    with pytest.raises(ImportRefused):
        book.import_deliveries(
            write(tmp_path, "bad.csv", "farmer,date,litres\nM001,2026-01-02,-1\n"),
            progress=lambda *a: seen.append(a),
        )
    assert seen == [(0, 1)]  # refused: no final call
    bad = tmp_path / "latin1.csv"
    bad.write_bytes(b"farmer,date,litres\nM\xf3,2026-01-02,1\n")
    with pytest.raises(BookError, match=r"latin1\.csv"):
        book.import_deliveries(bad, progress=lambda *a: seen.append(a))
