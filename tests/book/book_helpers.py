"""Data, helpers and fixtures of the book's tests (imported by each test module: a conftest here
would clash with tests/conftest.py).

The book's tests run on SQLite always and on PostgreSQL when ``COOPFINANCE_TEST_POSTGRES_URL`` is set
(CI sets it). With the variable set and the server unreachable, the PostgreSQL tests fail: they are
never skipped."""

from __future__ import annotations

import os
import pathlib
import uuid
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from coopfinance.book import Book

ROSTER = (
    "farmer,name,role,route,joined,left\n"
    "M001,Carmen,member,R1,,\nM002,Jorge,member,R1,,\nS001,Rosa,supplier,R2,2026-01-10,\n"
)
PRICES = """currency = "PEN"
[[prices]]
from = 2026-01-01
to = 2026-06-30
base = "1.30"
solids_reference = "12.1"
solids_bonus_per_point = "0.10"
service_charges = { transport = "0.04" }
"""

Where = Callable[[], "str | Engine"]


def write(tmp: pathlib.Path, name: str, text: str) -> pathlib.Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


POSTGRES = os.environ.get("COOPFINANCE_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES else [])]


@pytest.fixture(scope="session", name="postgres_engine")
def fixture_postgres_engine() -> Iterator[Engine]:
    """One schema per test session on the server (parallel sessions do not collide)."""
    assert POSTGRES is not None
    schema = f"book_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES)
    with admin.begin() as conn:  # fails the tests (never skips) when the server is unreachable
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine = sa.create_engine(POSTGRES, connect_args={"options": f"-csearch_path={schema}"})
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.dispose()


@pytest.fixture(params=BACKENDS, name="where")
def fixture_where(request: pytest.FixtureRequest, tmp_path: pathlib.Path) -> Where:
    """Where a book lives, per backend: a SQLite file of this test, or the session's schema."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'coop.db'}"
        return lambda: url
    engine = request.getfixturevalue("postgres_engine")
    return lambda: engine


@pytest.fixture(name="coop")
def fixture_coop() -> str:
    """A co-op id of its own for each test (PostgreSQL tests share a schema)."""
    return f"coop-{uuid.uuid4().hex[:10]}"


@pytest.fixture(name="book")
def fixture_book(where: Where, coop: str, tmp_path: pathlib.Path) -> Iterator[Book]:
    """A book with a roster (M001, M002, supplier S001 from 10 January) and the first half's
    prices, paid 5 days after each fortnight."""
    b = Book.init(where(), coop=coop, name="Manantial de Vida", pay_delay_days=5)
    b.import_roster(write(tmp_path, "roster.csv", ROSTER))
    b.import_prices(write(tmp_path, "prices.toml", PRICES))
    yield b
    b.close_connection()
