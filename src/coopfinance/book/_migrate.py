"""Running the book's Alembic migrations on the book's own connection (no ``alembic.ini``)."""

from __future__ import annotations

import pathlib

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from coopfinance.book._errors import BookSchemaError
from coopfinance.book._migrations.env import VERSION_TABLE
from coopfinance.errors import E_

__all__ = ["check_revision", "current_revision", "head_revision", "upgrade"]

_SCRIPTS = pathlib.Path(__file__).parent / "_migrations"


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head_revision() -> str:
    """The newest schema revision this coopfinance knows."""
    head = _scripts().get_current_head()
    assert head is not None
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision recorded in the database (``None``: no book there)."""
    ctx = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return ctx.get_current_revision()


def check_revision(connection: Connection) -> None:
    """Refuse a database with no book, an older one (to upgrade) or a newer one."""
    found = current_revision(connection)
    head = head_revision()
    if found == head:
        return
    if found is None:
        raise BookSchemaError(
            E_(
                "there is no book in this database; create one with 'coopfinance book "
                "init' (or Book.init)."
            ),
            field="book",
            value=None,
        )
    known = {s.revision for s in _scripts().walk_revisions()}
    if found not in known:
        raise BookSchemaError(
            E_(
                "this book was written by a newer coopfinance (schema %(found)s; this "
                "one knows up to %(head)s): upgrade coopfinance to read it.",
                found=found,
                head=head,
            ),
            field="schema",
            value=found,
        )
    raise BookSchemaError(
        E_(
            "this book has the older schema %(found)s (current %(head)s): run "
            "'coopfinance book upgrade' (or Book.upgrade) first; make a copy of "
            "the database before.",
            found=found,
            head=head,
        ),
        field="schema",
        value=found,
    )


def upgrade(connection: Connection) -> None:
    """Migrate the database to the newest schema, inside the caller's transaction."""
    found = current_revision(connection)
    if found is not None and found not in {s.revision for s in _scripts().walk_revisions()}:
        check_revision(connection)  # a newer book: refuse
    command.upgrade(_config(connection), "head")
