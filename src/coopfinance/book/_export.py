"""Export of a book to CSV files, and restore of an export into an empty book.

One file per table, ``<table>.csv`` (``deliveries.csv``, ``loan_events.csv`` …), with every column
but ``coop_id``; ``id`` is the row's position in its file (1, 2, …) and references to other rows
(``import_id``, ``corrects``, ``correction_id``) are positions too, so an export does not depend on
the database it came from. Decimals are written exactly, dates ISO 8601, booleans true/false,
nothing as an empty cell. ``coop.json`` holds the co-op's settings.
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

from coopfinance.book import _schema as t
from coopfinance.book._errors import BookError
from coopfinance.book._types import Exact, canonical

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
)
"""The exported tables, in the order a restore loads them."""

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
                    values.append(_text(v))
                writer.writerow(values)
        positions[name] = pos
        out.append(path)
    return out


def _value(column: sa.Column[Any], text: str) -> Any:
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


def restore(conn: Connection, coop: str, directory: pathlib.Path) -> None:
    """Load an export into the co-op's book, which must hold no entries yet."""
    settings = json.loads((directory / "coop.json").read_text(encoding="utf-8"))
    own = conn.execute(sa.select(t.coops.c.currency).where(t.coops.c.coop_id == coop)).scalar_one()
    if settings["currency"] != own:
        raise BookError(
            f"the export is in {settings['currency']}, this book in {own}.",
            field="currency",
            value=settings["currency"],
        )
    imports = _table("imports")
    if conn.execute(sa.select(imports.c.id).where(imports.c.coop_id == coop)).first():
        raise BookError(
            "a book is restored into an empty book only (this one has entries).",
            field="book",
            value=coop,
        )
    ids: dict[str, dict[int, int]] = {}
    for name in TABLES:
        table = _table(name)
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
        for n, r in enumerate(rows, start=1):
            for c, target in _REFS.items():
                if r.get(c) is not None:
                    r[c] = (mine if target == name else ids[target])[r[c]]
            if referenced:
                key = conn.execute(table.insert().values(**r)).inserted_primary_key
                assert key is not None
                mine[n] = int(key[0])
        if not referenced and rows:
            conn.execute(table.insert(), rows)
        ids[name] = mine
