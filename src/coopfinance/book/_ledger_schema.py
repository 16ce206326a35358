"""The tables of the co-op's own accounts (issue 17), on the book's metadata: membership events
(join and exit), the contributions ledger's entries not derived from settlements, the co-op's own
income and expense entries, the year's distributions and the exit liquidaciones.

Entries are only ever inserted, like the rest of the book; each names the import (or API call) that
recorded it and its line. Created by the Alembic revision ``0003``.
"""

from __future__ import annotations

import sqlalchemy as sa

from coopfinance.book._schema import ID, coop_column, metadata, provenance_columns
from coopfinance.book._types import Exact

__all__ = [
    "coop_entries",
    "distributions",
    "liquidations",
    "member_contributions",
    "member_events",
]


member_events = sa.Table(
    "book_member_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    coop_column(),
    sa.Column("farmer", ID, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # join, renuncia, exclusion, death
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    *provenance_columns(),
    sa.UniqueConstraint("coop_id", "farmer", "kind"),
)

member_contributions = sa.Table(
    "book_member_contributions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    coop_column(),
    sa.Column("farmer", ID, nullable=False),
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # cash, interest, retorno, paid, refund, ...
    sa.Column("amount", Exact, nullable=False),
    sa.Column("reference", sa.Text, nullable=False),
    *provenance_columns(),
    sa.UniqueConstraint("coop_id", "farmer", "date", "kind", "reference"),
)

coop_entries = sa.Table(
    "book_coop_entries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    coop_column(),
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),  # milk-sale, transport, staff, ...
    sa.Column("amount", Exact, nullable=False),
    sa.Column("litres", Exact),
    sa.Column("reference", sa.Text, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    *provenance_columns(),
    sa.UniqueConstraint("coop_id", "kind", "date", "reference"),
)

distributions = sa.Table(
    "book_distributions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    coop_column(),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("date", sa.Date, nullable=False),  # the assembly's date
    sa.Column("result", Exact, nullable=False),
    sa.Column("data", sa.Text, nullable=False),  # JSON: the distribution as computed
    sa.Column("import_id", sa.Integer, sa.ForeignKey("book_imports.id"), nullable=False),
    sa.UniqueConstraint("coop_id", "year"),
)

liquidations = sa.Table(
    "book_liquidations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    coop_column(),
    sa.Column("farmer", ID, nullable=False),
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("data", sa.Text, nullable=False),  # JSON: the liquidación as computed
    sa.Column("import_id", sa.Integer, sa.ForeignKey("book_imports.id"), nullable=False),
    sa.UniqueConstraint("coop_id", "farmer"),
)
