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
import pathlib
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

__all__ = ["Store", "create_engine", "to_url"]

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
