"""Storage: exact decimals, schema versions and migrations, co-ops kept apart, one transaction
per write."""

from __future__ import annotations

import pathlib
import threading
from decimal import Decimal

import pytest
import sqlalchemy as sa
from book_helpers import (  # noqa: F401
    Where,
    fixture_book,
    fixture_coop,
    fixture_postgres_engine,
    fixture_where,
    write,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from coopfinance.book import Book, BookError, BookSchemaError
from coopfinance.book import _deliveries as deliveries_module
from coopfinance.book._migrate import head_revision
from coopfinance.book._schema import metadata
from coopfinance.book._store import Store, create_engine
from coopfinance.book._types import Exact, canonical

_ROUND = sa.Table("book_exact_probe", sa.MetaData(), sa.Column("v", Exact))


@settings(max_examples=25, deadline=None)
@given(
    st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
        lambda d: abs(d.adjusted()) < 60
    )
)
def test_decimals_round_trip_exactly_on_sqlite(value: Decimal) -> None:
    engine = create_engine("sqlite://")
    with engine.begin() as conn:
        _ROUND.create(conn, checkfirst=True)
        conn.execute(_ROUND.delete())
        conn.execute(_ROUND.insert().values(v=value))
        back = conn.execute(sa.select(_ROUND.c.v)).scalar_one()
        raw = conn.exec_driver_sql("SELECT v FROM book_exact_probe").scalar_one()
    assert back == value
    assert canonical(back) == canonical(value)
    assert isinstance(raw, str)  # never REAL


def test_decimals_round_trip_exactly_on_the_backend(where: Where, coop: str) -> None:
    bind = where()
    engine = create_engine(bind) if isinstance(bind, str) else bind
    values = [
        Decimal("0.1"),
        Decimal("32.50"),
        Decimal("-1E+3"),
        Decimal("1234567890.123456789012"),
    ]
    with engine.begin() as conn:
        _ROUND.create(conn, checkfirst=True)
        conn.execute(_ROUND.delete())
        conn.execute(_ROUND.insert(), [{"v": v} for v in values])
        back = [r[0] for r in conn.execute(sa.select(_ROUND.c.v))]
        _ROUND.drop(conn)
    assert back == values
    assert [canonical(v) for v in back] == ["0.1", "32.5", "-1000", "1234567890.123456789012"]


def test_floats_are_refused() -> None:
    with pytest.raises(BookError, match="exact decimals"):
        Exact().process_bind_param(0.1, create_engine("sqlite://").dialect)


def test_a_newer_schema_is_refused_and_an_older_one_upgraded(tmp_path: pathlib.Path) -> None:
    url = f"sqlite:///{tmp_path / 'coop.db'}"
    Book.init(url, coop="c1").close_connection()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE coopfinance_book_version SET version_num = '9999'")
    with pytest.raises(BookSchemaError, match="newer coopfinance"):
        Book.open(url)
    with pytest.raises(BookSchemaError, match="newer coopfinance"):
        Book.upgrade(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM coopfinance_book_version")
    with pytest.raises(BookSchemaError, match="no book in this database"):
        Book.open(url)
    engine.dispose()


def test_upgrade_of_an_empty_database_creates_the_schema(tmp_path: pathlib.Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert Book.upgrade(url) == head_revision()
    assert Book.upgrade(url) == head_revision()  # nothing to do the second time


def test_the_migrations_build_the_schema_of_the_code(where: Where, coop: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    b = Book.init(where(), coop=coop)
    bind = b._store.bind
    engine = bind if not isinstance(bind, sa.Connection) else bind.engine
    with engine.connect() as conn:  # type: ignore[union-attr]
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert [d for d in diff if "coopfinance_book_version" not in repr(d)] == []
    b.close_connection()


def test_a_book_never_reads_or_writes_another_coops_rows(
    where: Where, coop: str, tmp_path: pathlib.Path
) -> None:
    bind = where()
    a = Book.init(bind, coop=coop + "-a")
    b = Book.init(bind, coop=coop + "-b")
    a.import_roster(write(tmp_path, "r.csv", "farmer,name\nM001,Ana\nM002,Eva\n"))
    report = b.import_roster(write(tmp_path, "r.csv", "farmer,name\nM001,Other Ana\n"))
    assert (report.new, report.already) == (1, 0)
    assert {m.name for m in a.members().values()} == {"Ana", "Eva"}
    assert {m.name for m in b.members().values()} == {"Other Ana"}
    assert all(r["coop_id"] == coop + "-b" for r in b.entries("members"))
    with pytest.raises(BookError, match="must be given"):
        Book.open(bind)


def _snapshot(book: Book) -> dict[str, list[dict[str, object]]]:
    return {name: list(book.entries(name)) for name in ("imports", "deliveries", "members")}


def test_a_fault_mid_import_leaves_the_book_exactly_as_before(
    book: Book, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = "".join(f"M001,2026-01-{d:02d},30\n" for d in range(1, 16))
    book.import_deliveries(write(tmp_path, "d0.csv", "farmer,date,litres\n" + rows))
    before = _snapshot(book)
    original = deliveries_module.record_import

    def fail_after_recording(*args: object, **kwargs: object) -> int:
        original(*args, **kwargs)  # type: ignore[arg-type]
        raise RuntimeError("disk full")

    monkeypatch.setattr(deliveries_module, "record_import", fail_after_recording)
    more = "".join(f"M002,2026-01-{d:02d},20\n" for d in range(1, 16))
    with pytest.raises(RuntimeError, match="disk full"):
        book.import_deliveries(write(tmp_path, "d1.csv", "farmer,date,litres\n" + more))
    assert _snapshot(book) == before


def test_a_connection_of_the_app_in_a_transaction_is_never_committed(
    tmp_path: pathlib.Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'coop.db'}"
    Book.init(url, coop="c1").close_connection()
    engine = create_engine(url)
    with engine.connect() as conn:
        conn.begin()
        book = Book.open(conn, "c1")
        book.import_roster(write(tmp_path, "r.csv", "farmer,name\nM001,Ana\n"))
        assert len(book.members()) == 1
        conn.rollback()  # the app decides
    assert len(Book.open(url, "c1").members()) == 0


def test_two_writers_at_once_lose_nothing_and_double_nothing(
    where: Where, coop: str, tmp_path: pathlib.Path
) -> None:
    bind = where()
    Book.init(bind, coop=coop).close_connection()
    path = write(tmp_path, "r.csv", "farmer,name\n" + "".join(f"F{i:03d},x\n" for i in range(200)))
    reports = []

    def run() -> None:
        b = Book.open(bind, coop)
        reports.append(b.import_roster(path))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted((r.new, r.already) for r in reports) == [(0, 200), (0, 200), (200, 0)]
    assert len(Book.open(bind, coop).members()) == 200


def test_sqlite_is_configured_for_an_embedded_book(tmp_path: pathlib.Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'c.db'}")
    with Store(engine).transaction(write=False) as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_a_book_at_revision_0001_is_refused_until_upgraded(tmp_path: pathlib.Path) -> None:
    """Revision 0002 follows 0001: a 0001 book must be upgraded before it is read."""
    from alembic import command

    from coopfinance.book._migrate import _config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(_config(conn), "0001")
    engine.dispose()
    with pytest.raises(BookSchemaError, match="older schema 0001"):
        Book.open(url)
    assert Book.upgrade(url) == head_revision()


def test_a_book_at_revision_0003_upgrades_to_the_linked_loans_table(tmp_path: pathlib.Path) -> None:
    """Revision 0004 (issue 18 §1) adds ``book_linked_loans`` after 0003; a 0003 book is refused
    until upgraded, then holds the table and records revenue-share loans."""
    from alembic import command

    from coopfinance.book._migrate import _config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(_config(conn), "0003")
    assert "book_linked_loans" not in sa.inspect(engine).get_table_names()
    engine.dispose()
    with pytest.raises(BookSchemaError, match="older schema 0003"):
        Book.open(url)
    assert Book.upgrade(url) == head_revision()
    engine = create_engine(url)
    assert "book_linked_loans" in sa.inspect(engine).get_table_names()
    engine.dispose()
