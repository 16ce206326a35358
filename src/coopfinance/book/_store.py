"""Where a book lives: an engine made from a URL or a path, or the app's own Engine/Connection, and
the one way to run a transaction on it.

- ``sqlite:///coop.db`` (or a bare path) is the embedded default: WAL journal, foreign keys on,
  a busy timeout, and writes that take the write lock when they begin (``BEGIN IMMEDIATE``), so
  two processes writing at once queue instead of failing half-way;
- ``postgresql+psycopg://…`` is a server; each write locks its co-op's row first
  (``SELECT … FOR UPDATE``), so writers of one co-op queue and writers of others do not wait;
- a Connection the app hands over is used as it is: when it is already in a transaction the book
  works in a SAVEPOINT and never commits; otherwise the book begins and commits its own.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import pathlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

from coopfinance.book._types import Exact, canonical

__all__ = ["Store", "bulk_insert", "create_engine", "to_url"]

_WRITE = "coopfinance_book_write"


def to_url(where: str | pathlib.Path) -> str:
    """A URL from what a user typed: a URL stays, a path becomes ``sqlite:///path``.

    >>> to_url("coop.db"), to_url("postgresql+psycopg://u@host/db")
    ('sqlite:///coop.db', 'postgresql+psycopg://u@host/db')
    """
    text = str(where)
    return text if "://" in text else f"sqlite:///{text}"


def create_engine(url: str, **options: Any) -> Engine:
    """An engine for a book at ``url`` (SQLite configured as the module docstring says).

    >>> create_engine("sqlite://").dialect.name
    'sqlite'
    """
    url = to_url(url)
    if not url.startswith("sqlite"):
        return sa.create_engine(url, **options)
    memory = sa.engine.make_url(url).database in (None, "", ":memory:")
    if memory:
        options.setdefault("poolclass", StaticPool)
        options.setdefault("connect_args", {"check_same_thread": False})
    engine = sa.create_engine(url, **options)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # the book emits BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 60000")
        if not memory:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


class Store:
    """Transactions on the book's database (see the module docstring)."""

    def __init__(self, bind: Engine | Connection) -> None:
        self.bind = bind

    @property
    def dialect(self) -> str:
        """``sqlite``, ``postgresql`` …"""
        return self.bind.dialect.name

    @contextlib.contextmanager
    def transaction(self, *, write: bool) -> Iterator[Connection]:
        """One transaction (or a SAVEPOINT in the app's): committed when the block ends, rolled
        back when it raises."""
        if isinstance(self.bind, Connection):
            conn = self.bind
            if conn.in_transaction():
                with conn.begin_nested():
                    yield conn
            else:
                with conn.begin():
                    yield conn
            return
        with self.bind.connect() as conn:
            conn.execution_options(**{_WRITE: write})
            with conn.begin():
                yield conn

    def dispose(self) -> None:
        """Close the pool of an engine the book made."""
        if isinstance(self.bind, Engine):
            self.bind.dispose()


def bulk_insert(
    conn: Connection,
    table: sa.Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    fast: bool = True,
) -> None:
    """Insert ``rows`` (tuples of book values in the order of ``columns``) into ``table``, in the
    connection's transaction.

    The fast path writes through the DB-API driver, past SQLAlchemy's per-value type processing
    (issue 16: the close of 20,000 farmers spent more time converting the decimals it stored than
    settling them): on SQLite one ``executemany`` of rows converted as the column types store
    them (an :class:`~coopfinance.book._types.Exact` decimal as its canonical text, a date as ISO
    text, a boolean as 0/1); on PostgreSQL ``COPY … FROM STDIN`` (psycopg adapts ``Decimal``,
    ``date`` and ``None`` itself). ``fast=False``, or another dialect, inserts through SQLAlchemy
    (:class:`~coopfinance.book._types.Exact` refuses floats there). Both paths store the same rows
    (``tests/book/test_book_fast_path.py`` compares them on both backends).

    >>> engine = create_engine("sqlite://")
    >>> numbers = sa.Table("n", sa.MetaData(), sa.Column("x", Exact), sa.Column("d", sa.Date))
    >>> with engine.begin() as conn:
    ...     numbers.create(conn)
    ...     bulk_insert(conn, numbers, ["x", "d"], [(Decimal("32.50"), dt.date(2026, 1, 15))])
    ...     conn.exec_driver_sql("SELECT x, d FROM n").all()
    [('32.5', '2026-01-15')]
    """
    dialect = conn.dialect.name
    if not fast or dialect not in ("sqlite", "postgresql"):
        batch = [dict(zip(columns, row, strict=True)) for row in rows]
        if batch:
            conn.execute(table.insert(), batch)
        return
    names = ", ".join(f'"{c}"' for c in columns)
    raw: Any = conn.connection.driver_connection
    if dialect == "postgresql":
        with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    converters = [_sqlite_converter(table.c[c].type) for c in columns]
    marks = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"
    if all(f is None for f in converters):
        converted: Iterable[Sequence[Any]] = rows
    else:
        at = [(k, f) for k, f in enumerate(converters) if f is not None]
        converted = (_converted(row, at) for row in rows)
    cursor = raw.cursor()
    try:
        cursor.executemany(sql, converted)
    finally:
        cursor.close()


def _converted(row: Sequence[Any], at: list[tuple[int, Callable[[Any], Any]]]) -> list[Any]:
    out = list(row)
    for k, f in at:
        value = out[k]
        if value is not None:
            out[k] = f(value)
    return out


def _sqlite_converter(kind: Any) -> Callable[[Any], Any] | None:
    """How SQLite stores a value of a column type as the book writes it (``None``: as it is)."""
    if isinstance(kind, Exact):
        return _CanonicalText()
    if isinstance(kind, sa.Date):
        return _iso_date
    if isinstance(kind, sa.Boolean):
        return int
    return None


def _iso_date(value: dt.date) -> str:
    return value.isoformat()


class _CanonicalText:
    """A decimal as its canonical text (what :class:`Exact` stores on SQLite), each distinct
    value converted once (money repeats); ``float`` refused as :class:`Exact` refuses it."""

    def __init__(self) -> None:
        self._seen: dict[Decimal | int | str, str] = {}

    def __call__(self, value: Any) -> str:
        found = self._seen.get(value)
        if found is None:
            if type(value) is not Decimal:
                return Exact().process_bind_param(value, _SQLITE)  # type: ignore[no-any-return]
            found = self._seen[value] = canonical(value)
        return found


_SQLITE: Any = sqlite_dialect.dialect()
