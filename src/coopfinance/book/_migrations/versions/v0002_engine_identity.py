"""The book on the pure engines' delivery identity and pay dates: no table changes.

Revision 0002 records that the book's deliveries (farmer, date, shift, receipt) and check-off
payments (dated the pay date) are the dairy engine's own: ``Delivery.shift``/``receipt`` and
``run_checkoff(pay_dates=…)`` (docs/book.md, "Decisions"). The tables of 0001 already hold these
columns, so the upgrade changes nothing; later revisions (0003: the co-op's accounts) build on it.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

revision = "0002"
down_revision: str | None = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: the 0001 tables already carry shift and receipt."""


def downgrade() -> None:
    """Nothing to undo."""
