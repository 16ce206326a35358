"""Export of a book to CSV files, and restore of an export into an empty book.

One file per table, ``<table>.csv`` (``deliveries.csv``, ``loan_events.csv`` …), with every column
but ``coop_id``; ``id`` is the row's position in its file (1, 2, …) and references to other rows
(``import_id``, ``corrects``, ``correction_id``) are positions too, so an export does not depend on
the database it came from. Decimals are written exactly, dates ISO 8601, booleans true/false,
nothing as an empty cell. ``coop.json`` holds the co-op's settings.

The co-op's own accounts (revision 0003) are exported too: ``member_events.csv`` (joins and
exits), ``member_contributions.csv``, ``coop_entries.csv``, ``distributions.csv`` and
``liquidations.csv`` (their ``data`` column is the recorded JSON, as stored). The milk-linked
loans of revision 0004 are in ``linked_loans.csv`` (a revenue-share plan or a loan's KAS options as
recorded JSON); their check-off payments are in ``loan_events.csv`` and what each settlement
collected in ``settlement_lines.csv``, so a restored book replays them to the same standing and
journal. The solidarity groups (revision 0005) are ``groups.csv``, ``guarantee_deposits.csv``
and ``guarantee_steps.csv`` (an export without them restores a book without groups).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import pathlib
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coopfinance._csv import escape_cell, unescape_cell
from coopfinance.book import _groups as _group_tables  # noqa: F401 (registers its tables)
from coopfinance.book import _ledger_schema as _accounts  # noqa: F401 (registers its tables)
from coopfinance.book import _linked  # noqa: F401 (registers book_linked_loans)
from coopfinance.book import _schema as t
from coopfinance.book._errors import BookError
from coopfinance.book._types import Exact, canonical
from coopfinance.errors import E_

__all__ = ["TABLES", "export", "restore"]

TABLES = (
    "imports",
    "members",
    "prices",
    "deliveries",
    "loans",
    "loan_events",
    "obligations",
    "settlements",
    "settlement_farmers",
    "settlement_lines",
    # the co-op's own accounts (issue 17, revision 0003)
    "member_events",
    "member_contributions",
    "coop_entries",
    "distributions",
    "liquidations",
    # milk-linked loans (issue 18, revision 0004): revenue-share plans and KAS options
    "linked_loans",
    # solidarity groups (issue 18 §2, revision 0005)
    "groups",
    "guarantee_deposits",
    "guarantee_steps",
)
"""The exported tables, in the order a restore loads them."""

_LATER = frozenset({"groups", "guarantee_deposits", "guarantee_steps"})
"""Tables an export of an older coopfinance may not have (restored as empty)."""

_REFS = {"import_id": "imports", "corrects": "deliveries", "correction_id": "deliveries"}


def _table(name: str) -> sa.Table:
    return t.metadata.tables[f"book_{name}"]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return canonical(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def export(conn: Connection, coop: str, directory: pathlib.Path) -> list[pathlib.Path]:
    """Write the co-op's rows (see the module docstring); returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    row = conn.execute(sa.select(t.coops).where(t.coops.c.coop_id == coop)).mappings().one()
    settings = {k: _text(v) if k != "policy" else json.loads(v) for k, v in row.items()}
    settings.pop("created_at")
    out = [directory / "coop.json"]
    out[0].write_text(json.dumps(settings, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    positions: dict[str, dict[int, int]] = {}
    for name in TABLES:
        table = _table(name)
        columns = [c.name for c in table.columns if c.name != "coop_id"]
        path = directory / f"{name}.csv"
        pos: dict[int, int] = {}
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            rows = conn.execute(
                sa.select(table).where(table.c.coop_id == coop).order_by(table.c.id)
            ).mappings()
            for n, r in enumerate(rows, start=1):
                pos[r["id"]] = n
                values = []
                for c in columns:
                    v = r[c]
                    if c == "id":
                        v = n
                    elif c in _REFS and v is not None:
                        v = (pos if _REFS[c] == name else positions[_REFS[c]])[v]
                    values.append(escape_cell(_text(v)))
                writer.writerow(values)
        positions[name] = pos
        out.append(path)
    return out


def _value(column: sa.Column[Any], text: str) -> Any:
    text = unescape_cell(text)
    if text == "":
        return None if column.nullable else ""
    kind = column.type
    if isinstance(kind, Exact):
        return Decimal(text)
    if isinstance(kind, sa.Boolean):
        return text == "true"
    if isinstance(kind, sa.DateTime):
        return dt.datetime.fromisoformat(text)
    if isinstance(kind, sa.Date):
        return dt.date.fromisoformat(text)
    if isinstance(kind, sa.Integer):
        return int(text)
    return text


_BULK = 5000
"""Rows per INSERT of a restore (an executemany; with RETURNING where new ids are needed)."""


def _insert_numbered(
    conn: Connection,
    table: sa.Table,
    name: str,
    rows: list[dict[str, Any]],
    *,
    ids: dict[str, dict[int, int]],
    mine: dict[int, int],
) -> None:
    """Insert ``rows`` (positions 1…) in bulk, recording each position's new id in ``mine``:
    batches of ``INSERT … RETURNING id`` in parameter order. A row pointing at a row of its own
    table (a correction at the delivery it corrects, always an earlier one) waits until that row's
    batch is in, so a batch ends just before it (corrections are few: batches stay large)."""
    insert = table.insert().returning(table.c.id, sort_by_parameter_order=True)
    batch: list[dict[str, Any]] = []
    first = 1

    def flush() -> None:
        nonlocal first
        if batch:
            for k, row in enumerate(conn.execute(insert, batch)):
                mine[first + k] = int(row[0])
            first += len(batch)
            batch.clear()

    for r in rows:
        for c, target in _REFS.items():
            if r.get(c) is None:
                continue
            if target == name:
                if r[c] not in mine:
                    flush()
                r[c] = mine[r[c]]
            else:
                r[c] = ids[target][r[c]]
        batch.append(r)
        if len(batch) >= _BULK:
            flush()
    flush()


def restore(conn: Connection, coop: str, directory: pathlib.Path) -> None:
    """Load an export into the co-op's book, which must hold no entries yet: each table in bulk
    (batches of :data:`_BULK` rows; ``INSERT … RETURNING`` where later rows need the new ids)."""
    settings = json.loads((directory / "coop.json").read_text(encoding="utf-8"))
    own = conn.execute(sa.select(t.coops.c.currency).where(t.coops.c.coop_id == coop)).scalar_one()
    if settings["currency"] != own:
        raise BookError(
            E_(
                "the export is in %(currency)s, this book in %(own)s.",
                currency=settings["currency"],
                own=own,
            ),
            field="currency",
            value=settings["currency"],
        )
    imports = _table("imports")
    if conn.execute(sa.select(imports.c.id).where(imports.c.coop_id == coop)).first():
        raise BookError(
            E_("a book is restored into an empty book only (this one has entries)."),
            field="book",
            value=coop,
        )
    ids: dict[str, dict[int, int]] = {}
    for name in TABLES:
        table = _table(name)
        if name in _LATER and not (directory / f"{name}.csv").exists():
            continue
        with (directory / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            rows = []
            for values in reader:
                record: dict[str, Any] = {"coop_id": coop}
                for c, v in zip(header, values, strict=True):
                    if c == "id":
                        continue
                    record[c] = _value(table.c[c], v)
                rows.append(record)
        mine: dict[int, int] = {}
        referenced = name in _REFS.values()  # its new ids are needed by later rows
        if not referenced:
            for r in rows:
                for c, target in _REFS.items():
                    if r.get(c) is not None:
                        r[c] = ids[target][r[c]]
            for k in range(0, len(rows), _BULK):
                conn.execute(table.insert(), rows[k : k + _BULK])
        else:
            _insert_numbered(conn, table, name, rows, ids=ids, mine=mine)
        ids[name] = mine
