"""Solidarity groups and the processors' quality columns (issue 18 §2 and §5).

- ``book_deliveries`` gains ``protein`` (%), ``somatic_cells`` (cells/ml) and ``snf`` (% solids
  not fat), priced at close with the price terms recorded (protein and somatic-cell tiers, the
  fat × SNF chart), as :func:`~coopfinance.dairy.settle` prices them;
- ``book_groups``: a solidarity group (its members in the order guarantors are asked, the order of
  its guarantee sources, the first day its guarantee applies) as plain-data JSON;
- ``book_guarantee_deposits``: money put into a group's savings or the co-op's guarantee fund;
- ``book_guarantee_steps``: each step of a group guarantee a close applied, frozen with it.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

import coopfinance.book._types

revision = "0005"
down_revision: str | None = "0004"
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
    op.add_column("book_deliveries", sa.Column("protein", exact(), nullable=True))
    op.add_column("book_deliveries", sa.Column("somatic_cells", sa.BigInteger(), nullable=True))
    op.add_column("book_deliveries", sa.Column("snf", exact(), nullable=True))
    t = "book_groups"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_coop(t),
        sa.Column("group_id", sa.String(length=64), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        *_import(t),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint("coop_id", "group_id", name=op.f(f"uq_{t}_coop_id_group_id")),
    )
    t = "book_guarantee_deposits"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_coop(t),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("amount", exact(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        *_import(t),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint(
            "coop_id", "holder", "reference", name=op.f(f"uq_{t}_coop_id_holder_reference")
        ),
    )
    t = "book_guarantee_steps"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_coop(t),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.String(length=64), nullable=False),
        sa.Column("borrower", sa.String(length=64), nullable=False),
        sa.Column("loan_id", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("guarantor", sa.String(length=64), nullable=False),
        sa.Column("amount", exact(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint(
            "coop_id", "period_start", "seq", name=op.f(f"uq_{t}_coop_id_period_start_seq")
        ),
    )


def downgrade() -> None:
    op.drop_table("book_guarantee_steps")
    op.drop_table("book_guarantee_deposits")
    op.drop_table("book_groups")
    with op.batch_alter_table("book_deliveries") as batch:
        batch.drop_column("snf")
        batch.drop_column("somatic_cells")
        batch.drop_column("protein")
