"""The book's tables (SQLAlchemy Core). Every row carries its ``coop_id``; entries are only ever
inserted (a correction is a new row pointing at the one it corrects), and each names the import
that recorded it (``import_id``: when, by whom, from which file) and its ``line`` in that file.

The schema of this module is the head of the Alembic migrations in ``_migrations/versions``: a
change here needs a new migration (a test compares them).
"""

from __future__ import annotations

import sqlalchemy as sa

from coopfinance.book._types import Exact

__all__ = [
    "SCHEMA_REVISION",
    "coop_column",
    "coops",
    "deliveries",
    "imports",
    "loan_events",
    "loans",
    "members",
    "metadata",
    "obligations",
    "prices",
    "provenance_columns",
    "settlement_farmers",
    "settlement_lines",
    "settlements",
]

SCHEMA_REVISION = "0005"
"""The Alembic revision of the schema this coopfinance writes."""

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = sa.String(64)


def coop_column() -> sa.Column[str]:
    """The ``coop_id`` column every table of the book has (a book reads only its co-op's rows)."""
    return sa.Column("coop_id", ID, sa.ForeignKey("book_coops.coop_id"), nullable=False)


def provenance_columns() -> list[sa.Column[int]]:
    """Where an entry came from: the import (file, who, when) and the line in its file."""
    return [
        sa.Column("import_id", sa.Integer, sa.ForeignKey("book_imports.id"), nullable=False),
        sa.Column("line", sa.Integer, nullable=False),
    ]


coops = sa.Table(
    "book_coops",
    metadata,
    sa.Column("coop_id", ID, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("policy", sa.Text, nullable=False),  # JSON: the settlement policy in force
    sa.Column("pay_delay_days", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

imports = sa.Table(
    "book_imports",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    coop_column(),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("recorded_by", sa.Text, nullable=False),
    sa.Column("new", sa.Integer, nullable=False),
    sa.Column("already", sa.Integer, nullable=False),
)

members = sa.Table(
    "book_members",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    coop_column(),
    sa.Column("farmer", ID, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("route", sa.Text),
    sa.Column("pickup_days", sa.Text),
    sa.Column("joined", sa.Date),
    sa.Column("left", sa.Date),
    *provenance_columns(),
    sa.UniqueConstraint("coop_id", "farmer", "version"),
)

prices = sa.Table(
    "book_prices",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    coop_column(),
    sa.Column("valid_from", sa.Date, nullable=False),
    sa.Column("valid_to", sa.Date, nullable=False),
    sa.Column("terms", sa.Text, nullable=False),  # JSON: the price period as given
    *provenance_columns(),
    sa.UniqueConstraint("coop_id", "valid_from"),
)

deliveries = sa.Table(
    "book_deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    coop_column(),
    sa.Column("farmer", ID, nullable=False),
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("shift", sa.String(16), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("litres", Exact, nullable=False),
    sa.Column("total_solids", Exact),
    sa.Column("fat", Exact),
    sa.Column("bacterial_count", sa.BigInteger),
    sa.Column("cooled", sa.Boolean),
    sa.Column("route", sa.Text),
    sa.Column("receipt", sa.Text),
    sa.Column("corrects", sa.Integer),  # id of the row this one corrects
    sa.Column("reason", sa.Text),
    *provenance_columns(),
    sa.Column("protein", Exact),  # revision 0005 (issue 18 §5)
    sa.Column("somatic_cells", sa.BigInteger),
    sa.Column("snf", Exact),
    sa.UniqueConstraint("coop_id", "farmer", "date", "shift", "version"),
)

loans = sa.Table(
    "book_loans",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    coop_column(),
    sa.Column("loan_id", ID, nullable=False),
    sa.Column("farmer", ID, nullable=False),
    sa.Column("checkoff", sa.Boolean, nullable=False),
    sa.Column("terms", sa.Text, nullable=False),  # JSON: LoanTerms as plain data
    *provenance_columns(),
    sa.UniqueConstraint("coop_id", "loan_id"),
)

loan_events = sa.Table(
    "book_loan_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    coop_column(),
    sa.Column("loan_id", ID, nullable=False),
    sa.Column("event_id", sa.String(128), nullable=False),  # the receipt number of a payment
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("amount", Exact),
    sa.Column("event", sa.Text, nullable=False),  # JSON: the servicing event as plain data
    sa.Column("period_start", sa.Date),  # the close that posted it (check-off payments)
    *provenance_columns(),
    sa.UniqueConstraint("coop_id", "event_id"),
)

obligations = sa.Table(
    "book_obligations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    coop_column(),
    sa.Column("farmer", ID, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("amount", Exact, nullable=False),
    sa.Column("due", sa.Date, nullable=False),
    sa.Column("reference", sa.Text, nullable=False),
    sa.Column("priority", sa.Integer),
    *provenance_columns(),
    sa.UniqueConstraint("coop_id", "farmer", "kind", "due", "reference"),
)

settlements = sa.Table(
    "book_settlements",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    coop_column(),
    sa.Column("period_start", sa.Date, nullable=False),
    sa.Column("period_end", sa.Date, nullable=False),
    sa.Column("pay_date", sa.Date, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("policy", sa.Text, nullable=False),
    sa.Column("import_id", sa.Integer, sa.ForeignKey("book_imports.id"), nullable=False),
    sa.UniqueConstraint("coop_id", "period_start"),
)

settlement_farmers = sa.Table(
    "book_settlement_farmers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    coop_column(),
    sa.Column("period_start", sa.Date, nullable=False),
    sa.Column("farmer", ID, nullable=False),
    sa.Column("litres", Exact, nullable=False),
    sa.Column("gross", Exact, nullable=False),
    sa.Column("floor", Exact, nullable=False),
    sa.UniqueConstraint("coop_id", "period_start", "farmer"),
)

settlement_lines = sa.Table(
    "book_settlement_lines",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    coop_column(),
    sa.Column("period_start", sa.Date, nullable=False),
    sa.Column("farmer", ID, nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),  # an obligation kind, or "adjustment"
    sa.Column("loan_id", ID),
    sa.Column("reference", sa.Text, nullable=False),
    sa.Column("priority", sa.Integer),
    sa.Column("due_date", sa.Date),  # the obligation's own due date, when it has one
    sa.Column("due", Exact, nullable=False),
    sa.Column("collected", Exact, nullable=False),
    sa.Column("short", Exact, nullable=False),
    sa.Column("correction_id", sa.Integer),  # the delivery correction an adjustment line settles
    sa.UniqueConstraint("coop_id", "period_start", "farmer", "seq"),
)

sa.Index("ix_book_deliveries_period", deliveries.c.coop_id, deliveries.c.date)
sa.Index("ix_book_loan_events_loan", loan_events.c.coop_id, loan_events.c.loan_id)
