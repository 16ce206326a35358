"""Alembic environment of the book's migrations, run by :mod:`coopfinance.book._migrate` on the
connection the book holds (``config.attributes["connection"]``); importing it does nothing."""

from __future__ import annotations

from alembic import context

from coopfinance.book._schema import metadata

VERSION_TABLE = "coopfinance_book_version"


def _run() -> None:
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if getattr(context, "config", None) is not None:  # run by Alembic, not merely imported
    _run()
