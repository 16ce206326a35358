"""Milk-linked loans (issue 18 §1): revenue-share loans and the KAS options of book loans.

One table, ``book_linked_loans``: a revenue-share plan (kind ``revenue-share``) or the KAS options
a book loan allows (kind ``flex``), as plain-data JSON. Their check-off payments and the options
taken are ordinary rows of ``book_loan_events``; the standing of a revenue-share loan is replayed
from the frozen settlements (docs/linked.md).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision: str | None = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    t = "book_linked_loans"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("coop_id", sa.String(length=64), nullable=False),
        sa.Column("loan_id", sa.String(length=64), nullable=False),
        sa.Column("farmer", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coop_id"], ["book_coops.coop_id"], name=op.f(f"fk_{t}_coop_id_book_coops")
        ),
        sa.ForeignKeyConstraint(
            ["import_id"], ["book_imports.id"], name=op.f(f"fk_{t}_import_id_book_imports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint(
            "coop_id", "loan_id", "kind", name=op.f(f"uq_{t}_coop_id_loan_id_kind")
        ),
    )


def downgrade() -> None:
    op.drop_table("book_linked_loans")
