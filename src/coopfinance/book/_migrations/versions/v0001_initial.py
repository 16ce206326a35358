"""The first schema of the co-op book: co-ops, imports, roster, prices, deliveries, loans and their
events, obligations and the frozen settlements.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import coopfinance.book._types

revision = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "book_coops",
        sa.Column("coop_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("policy", sa.Text(), nullable=False),
        sa.Column("pay_delay_days", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("coop_id", name=op.f("pk_book_coops")),
    )
    op.create_table(
        "book_imports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("coop_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("already", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coop_id"], ["book_coops.coop_id"], name=op.f("fk_book_imports_coop_id_book_coops")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_book_imports")),
    )
    op.create_table(
        "book_settlement_farmers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("coop_id", sa.String(length=64), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("farmer", sa.String(length=64), nullable=False),
        sa.Column("litres", coopfinance.book._types.Exact(), nullable=False),
        sa.Column("gross", coopfinance.book._types.Exact(), nullable=False),
        sa.Column("floor", coopfinance.book._types.Exact(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coop_id"],
            ["book_coops.coop_id"],
            name=op.f("fk_book_settlement_farmers_coop_id_book_coops"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_book_settlement_farmers")),
        sa.UniqueConstraint(
            "coop_id",
            "period_start",
            "farmer",
            name=op.f("uq_book_settlement_farmers_coop_id_period_start_farmer"),
        ),
    )
    op.create_table(
        "book_settlement_lines",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("coop_id", sa.String(length=64), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("farmer", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("loan_id", sa.String(length=64), nullable=True),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("due", coopfinance.book._types.Exact(), nullable=False),
        sa.Column("collected", coopfinance.book._types.Exact(), nullable=False),
        sa.Column("short", coopfinance.book._types.Exact(), nullable=False),
        sa.Column("correction_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["coop_id"],
            ["book_coops.coop_id"],
            name=op.f("fk_book_settlement_lines_coop_id_book_coops"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_book_settlement_lines")),
        sa.UniqueConstraint(
            "coop_id",
            "period_start",
            "farmer",
            "seq",
            name=op.f("uq_book_settlement_lines_coop_id_period_start_farmer_seq"),
        ),
    )
    op.create_table(
        "book_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("coop_id", sa.String(length=64), nullable=False),
        sa.Column("farmer", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("shift", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("litres", coopfinance.book._types.Exact(), nullable=False),
        sa.Column("total_solids", coopfinance.book._types.Exact(), nullable=True),
        sa.Column("fat", coopfinance.book._types.Exact(), nullable=True),
        sa.Column("bacterial_count", sa.BigInteger(), nullable=True),
        sa.Column("cooled", sa.Boolean(), nullable=True),
        sa.Column("route", sa.Text(), nullable=True),
        sa.Column("receipt", sa.Text(), nullable=True),
        sa.Column("corrects", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coop_id"], ["book_coops.coop_id"], name=op.f("fk_book_deliveries_coop_id_book_coops")
        ),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["book_imports.id"],
            name=op.f("fk_book_deliveries_import_id_book_imports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_book_deliveries")),
        sa.UniqueConstraint(
            "coop_id",
            "farmer",
            "date",
            "shift",
            "version",
            name=op.f("uq_book_deliveries_coop_id_farmer_date_shift_version"),
        ),
    )
    op.create_index(
        "ix_book_deliveries_period", "book_deliveries", ["coop_id", "date"], unique=False
    )
    op.create_table(
        "book_loan_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("coop_id", sa.String(length=64), nullable=False),
        sa.Column("loan_id", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("amount", coopfinance.book._types.Exact(), nullable=True),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coop_id"], ["book_coops.coop_id"], name=op.f("fk_book_loan_events_coop_id_book_coops")
        ),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["book_imports.id"],
            name=op.f("fk_book_loan_events_import_id_book_imports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_book_loan_events")),
        sa.UniqueConstraint(
            "coop_id", "event_id", name=op.f("uq_book_loan_events_coop_id_event_id")
        ),
    )
    op.create_index(
        "ix_book_loan_events_loan", "book_loan_events", ["coop_id", "loan_id"], unique=False
    )
    op.create_table(
        "book_loans",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("coop_id", sa.String(length=64), nullable=False),
        sa.Column("loan_id", sa.String(length=64), nullable=False),
        sa.Column("farmer", sa.String(length=64), nullable=False),
        sa.Column("checkoff", sa.Boolean(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coop_id"], ["book_coops.coop_id"], name=op.f("fk_book_loans_coop_id_book_coops")
        ),
        sa.ForeignKeyConstraint(
            ["import_id"], ["book_imports.id"], name=op.f("fk_book_loans_import_id_book_imports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_book_loans")),
        sa.UniqueConstraint("coop_id", "loan_id", name=op.f("uq_book_loans_coop_id_loan_id")),
    )
    op.create_table(
        "book_members",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("coop_id", sa.String(length=64), nullable=False),
        sa.Column("farmer", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("route", sa.Text(), nullable=True),
        sa.Column("pickup_days", sa.Text(), nullable=True),
        sa.Column("joined", sa.Date(), nullable=True),
        sa.Column("left", sa.Date(), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coop_id"], ["book_coops.coop_id"], name=op.f("fk_book_members_coop_id_book_coops")
        ),
        sa.ForeignKeyConstraint(
            ["import_id"], ["book_imports.id"], name=op.f("fk_book_members_import_id_book_imports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_book_members")),
        sa.UniqueConstraint(
            "coop_id", "farmer", "version", name=op.f("uq_book_members_coop_id_farmer_version")
        ),
    )
    op.create_table(
        "book_obligations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("coop_id", sa.String(length=64), nullable=False),
        sa.Column("farmer", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("amount", coopfinance.book._types.Exact(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coop_id"], ["book_coops.coop_id"], name=op.f("fk_book_obligations_coop_id_book_coops")
        ),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["book_imports.id"],
            name=op.f("fk_book_obligations_import_id_book_imports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_book_obligations")),
        sa.UniqueConstraint(
            "coop_id",
            "farmer",
            "kind",
            "due",
            "reference",
            name=op.f("uq_book_obligations_coop_id_farmer_kind_due_reference"),
        ),
    )
    op.create_table(
        "book_prices",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("coop_id", sa.String(length=64), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coop_id"], ["book_coops.coop_id"], name=op.f("fk_book_prices_coop_id_book_coops")
        ),
        sa.ForeignKeyConstraint(
            ["import_id"], ["book_imports.id"], name=op.f("fk_book_prices_import_id_book_imports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_book_prices")),
        sa.UniqueConstraint(
            "coop_id", "valid_from", name=op.f("uq_book_prices_coop_id_valid_from")
        ),
    )
    op.create_table(
        "book_settlements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("coop_id", sa.String(length=64), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("pay_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("policy", sa.Text(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coop_id"], ["book_coops.coop_id"], name=op.f("fk_book_settlements_coop_id_book_coops")
        ),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["book_imports.id"],
            name=op.f("fk_book_settlements_import_id_book_imports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_book_settlements")),
        sa.UniqueConstraint(
            "coop_id", "period_start", name=op.f("uq_book_settlements_coop_id_period_start")
        ),
    )


def downgrade() -> None:
    op.drop_table("book_settlements")
    op.drop_table("book_prices")
    op.drop_table("book_obligations")
    op.drop_table("book_members")
    op.drop_table("book_loans")
    op.drop_index("ix_book_loan_events_loan", table_name="book_loan_events")
    op.drop_table("book_loan_events")
    op.drop_index("ix_book_deliveries_period", table_name="book_deliveries")
    op.drop_table("book_deliveries")
    op.drop_table("book_settlement_lines")
    op.drop_table("book_settlement_farmers")
    op.drop_table("book_imports")
    op.drop_table("book_coops")
