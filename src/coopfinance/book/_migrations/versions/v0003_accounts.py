"""The co-op's own accounts (issue 17): membership events, the contributions ledger's own entries,
the co-op's income and expense entries, the year's distributions and the exit liquidaciones.

Revision ID: 0003
Revises: 0001 (the integrator sets 0002 when both land)
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

import coopfinance.book._types

revision = "0003"
down_revision: str | None = "0002"
branch_labels = None
depends_on = None


def _coop(table: str) -> list[Any]:
    return [
        sa.Column("coop_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["coop_id"], ["book_coops.coop_id"], name=op.f(f"fk_{table}_coop_id_book_coops")
        ),
    ]


def _import(table: str) -> list[Any]:
    return [
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"], ["book_imports.id"], name=op.f(f"fk_{table}_import_id_book_imports")
        ),
    ]


def upgrade() -> None:
    exact = coopfinance.book._types.Exact
    t = "book_member_events"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_coop(t),
        sa.Column("farmer", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        *_import(t),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint("coop_id", "farmer", "kind", name=op.f(f"uq_{t}_coop_id_farmer_kind")),
    )
    t = "book_member_contributions"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_coop(t),
        sa.Column("farmer", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", exact(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        *_import(t),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint(
            "coop_id",
            "farmer",
            "date",
            "kind",
            "reference",
            name=op.f(f"uq_{t}_coop_id_farmer_date_kind_reference"),
        ),
    )
    t = "book_coop_entries"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_coop(t),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("amount", exact(), nullable=False),
        sa.Column("litres", exact(), nullable=True),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        *_import(t),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint(
            "coop_id", "kind", "date", "reference", name=op.f(f"uq_{t}_coop_id_kind_date_reference")
        ),
    )
    t = "book_distributions"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_coop(t),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("result", exact(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        *_import(t),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint("coop_id", "year", name=op.f(f"uq_{t}_coop_id_year")),
    )
    t = "book_liquidations"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_coop(t),
        sa.Column("farmer", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        *_import(t),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint("coop_id", "farmer", name=op.f(f"uq_{t}_coop_id_farmer")),
    )


def downgrade() -> None:
    for table in (
        "book_liquidations",
        "book_distributions",
        "book_coop_entries",
        "book_member_contributions",
        "book_member_events",
    ):
        op.drop_table(table)
