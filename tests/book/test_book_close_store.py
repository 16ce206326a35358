"""The close's frozen rows written through the driver (issue 16, speed): the same rows as the
plain SQLAlchemy path on each backend, a fault mid-close leaves the book exactly as before, and
``progress`` reports the farmers stored."""

from __future__ import annotations

import datetime as dt
import io
import pathlib
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
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

from coopfinance.book import Book, _close
from coopfinance.book import _schema as t
from coopfinance.book._store import bulk_insert
from coopfinance.book._types import Exact
from coopfinance.cli import main
from coopfinance.dairy import Period

D = dt.date
FIRST = Period.parse("2026-01-01..2026-01-15")
SECOND = Period.parse("2026-01-16..2026-01-31")


class _Undo(Exception):
    """Raised to roll a close back after its rows were read."""


def _season(book: Book, tmp: pathlib.Path) -> None:
    """Two fortnights of two members (odd litres, qualities), a check-off loan, savings, an
    input advance larger than the milk (shortfalls carried), and a correction of each sign to
    the first fortnight recorded after it closed (adjustment lines of the second)."""
    rows = "".join(
        f"{f},{D(2026, 1, 1) + dt.timedelta(days=k)},{s},{30 + k % 7}.{k % 3}5,1{k % 3}.{k % 10}\n"
        for k in range(31)
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


def _corrections(book: Book, tmp: pathlib.Path) -> None:
    fix = (
        "farmer,date,shift,litres,total_solids,reason\n"
        "M001,2026-01-03,am,20,12.1,slip misread\n"
        "M002,2026-01-04,pm,55.5,12.1,scale fixed\n"
    )
    assert book.import_deliveries(write(tmp, "fix.csv", fix)).corrected == 2


def _frozen_rows(conn: Any, coop: str) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of the tables a close writes, as the book reads them (``Exact`` canonical) and
    as the driver returns them (SQLite: the stored text), without their ids."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for table in (t.settlement_farmers, t.settlement_lines):
        cols = [c for c in table.columns if c.name != "id"]
        query = sa.select(*cols).where(table.c.coop_id == coop).order_by(*cols[1:4])
        out[table.name] = [tuple(repr(v) for v in r) for r in conn.execute(query)]
        if conn.dialect.name == "sqlite":
            names = ", ".join(f'"{c.name}"' for c in cols)
            raw = conn.exec_driver_sql(
                f"SELECT {names} FROM {table.name} WHERE coop_id = ? ORDER BY 2, 3, 4", (coop,)
            )
            out[f"{table.name} (stored)"] = [tuple(r) for r in raw]
    return out


def _close_and_read(book: Book, period: Period, *, fast: bool) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def run() -> None:
        with book._store.transaction(write=True) as conn:
            closing = _close.close(conn, book.coop, period, "test", fast=fast)
            seen.update(_frozen_rows(conn, book.coop.coop_id))
            seen["settlement"] = closing.settlement
            seen["frozen"] = _close.frozen_settlement(conn, book.coop, period.start)
            raise _Undo

    with pytest.raises(_Undo):
        run()
    return seen


def test_the_driver_writes_exactly_the_rows_of_the_plain_path(
    book: Book, tmp_path: pathlib.Path
) -> None:
    _season(book, tmp_path)
    fast = _close_and_read(book, FIRST, fast=True)
    plain = _close_and_read(book, FIRST, fast=False)
    assert fast == plain
    assert fast["book_settlement_lines"]  # not vacuous
    book.close(FIRST)
    _corrections(book, tmp_path)
    fast = _close_and_read(book, SECOND, fast=True)
    plain = _close_and_read(book, SECOND, fast=False)
    assert fast == plain
    kinds = {r[4] for r in fast["book_settlement_lines"]}
    assert "'adjustment'" in kinds  # the credit line of a correction, with its correction id
    assert any(r[-1] != "None" for r in fast["book_settlement_lines"])
    assert fast["frozen"][0] == fast["settlement"]  # read back, the settlement that was closed


def _snapshot(book: Book) -> dict[str, list[tuple[Any, ...]]]:
    cid = book.coop.coop_id
    with book._store.transaction(write=False) as conn:
        return {
            table.name: sorted(
                (
                    tuple(repr(v) for v in r)
                    for r in conn.execute(sa.select(table).where(table.c.coop_id == cid))
                ),
            )
            for table in t.metadata.sorted_tables
            if "coop_id" in table.c
        }


def test_a_fault_mid_close_leaves_the_book_exactly_as_before(
    book: Book, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _season(book, tmp_path)
    before = _snapshot(book)
    calls: list[str] = []

    def fail_on_the_lines(conn: Any, table: sa.Table, *args: Any, **kwargs: Any) -> None:
        bulk_insert(conn, table, *args, **kwargs)  # the statements are written, then …
        calls.append(table.name)
        if table is t.settlement_lines:
            raise RuntimeError("disk full")

    monkeypatch.setattr(_close, "bulk_insert", fail_on_the_lines)
    with pytest.raises(RuntimeError, match="disk full"):
        book.close(FIRST)
    assert calls == ["book_settlement_farmers", "book_settlement_lines"]
    assert _snapshot(book) == before
    monkeypatch.undo()
    assert book.close().period == FIRST  # and the close then goes through
    assert _snapshot(book) != before


def test_progress_reports_the_farmers_stored_and_the_end_of_the_close(
    book: Book, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _season(book, tmp_path)
    monkeypatch.setattr(_close, "_CHUNK", 1)
    seen: list[tuple[int, int]] = []
    closing = book.close(progress=lambda done, total: seen.append((done, total)))
    farmers = len(closing.settlement.statements)
    assert farmers == 3  # M001, M002 and the supplier S001 on the roster from 10 January
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_bulk_insert_refuses_a_float_on_the_plain_path(where: Where) -> None:
    engine = where()
    bind = sa.create_engine(engine) if isinstance(engine, str) else engine
    table = sa.Table(f"n_{id(bind)}", sa.MetaData(), sa.Column("x", Exact))
    with bind.connect() as conn, conn.begin():
        table.create(conn)
        with pytest.raises(Exception, match="exact decimals, not float"):
            bulk_insert(conn, table, ["x"], [(0.1,)], fast=False)
        if conn.dialect.name == "sqlite":
            with pytest.raises(Exception, match="exact decimals, not float"):
                bulk_insert(conn, table, ["x"], [(0.1,)])
        bulk_insert(conn, table, ["x"], [(Decimal("1.50"),)])
        assert conn.execute(sa.select(table.c.x)).scalar_one() == Decimal("1.5")
        conn.rollback()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_book_close_draws_a_progress_bar_on_a_terminal_only(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    book = Book.init("coop.db", coop="c1", pay_delay_days=5)
    book.import_roster(write(tmp_path, "r.csv", ROSTER))
    book.import_prices(write(tmp_path, "p.toml", PRICES))
    _season(book, tmp_path)
    book.close_connection()
    monkeypatch.setattr(_close, "_CHUNK", 1)
    out, err = io.StringIO(), _Terminal()
    assert main(["--lang", "en", "book", "close", "2026-01-01..2026-01-15"], out=out, err=err) == 0
    assert "closed 2026-01-01..2026-01-15" in out.getvalue()
    assert "3/3" in err.getvalue()  # tqdm's count of farmers stored
    out, err = io.StringIO(), io.StringIO()  # not a terminal: no bar
    assert main(["--lang", "en", "book", "close"], out=out, err=err) == 0
    assert "closed 2026-01-16..2026-01-31" in out.getvalue()
    assert err.getvalue() == ""
