"""Importing deliveries: streamed, checked in the database, recorded whole or not at all.

The file is read row by row; each row is checked on its own (litres, date, quality sample) and put
in a temporary staging table, a few thousand rows at a time (``COPY`` on PostgreSQL), so memory stays
flat whatever the size of the file. The checks against the file itself and against the book then
run as SQL over the staging table:

- two rows with the same identity (farmer, date, shift) in the file: reported with their lines;
- a farmer not on the roster that day, a date in a closed period (unless the row gives a
  ``reason``: a correction), a date with no milk price recorded: an error naming the line;
- the identity already recorded with the same litres and quality: "already recorded", skipped;
  with other litres or quality: a :class:`Conflict`, unless the row gives a ``reason``, which
  makes it a correction (the identity's next version, pointing at the one it corrects).

Any problem refuses the whole file, with every bad line; otherwise the new rows and the
corrections are inserted from the staging table in one statement each.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coopfinance.book import _schema as t
from coopfinance.book._common import Coop, ImportReport, closed_through, lock, record_import
from coopfinance.book._csv import Source, source_name, table_rows
from coopfinance.book._errors import Conflict, ImportRefused, Problem
from coopfinance.book._types import Exact, canonical
from coopfinance.errors import E_

__all__ = ["COLUMNS", "import_deliveries", "parse_rows"]

REQUIRED = ("farmer", "date", "litres")
OPTIONAL = (
    "shift",
    "receipt",
    "total_solids",
    "fat",
    "bacterial_count",
    "cooled",
    "route",
    "reason",
    "protein",
    "somatic_cells",
    "snf",
)
COLUMNS = REQUIRED + OPTIONAL
"""The columns of a deliveries file: the engine's (``Deliveries.from_csv``) and ``shift``
(morning/evening, or a collection number; empty when there is one collection a day),
``receipt`` (the collection slip's number), ``reason`` (makes the row a correction) and the
processors' quality columns ``protein`` (%), ``somatic_cells`` (cells/ml) and ``snf`` (% solids
not fat; revision 0005), priced at close as :func:`~coopfinance.dairy.settle` prices them."""

_BATCH = 5000
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = {"1", "true", "yes", "y", "si", "sí"}
_FALSE = {"0", "false", "no", "n"}

_STAGE = sa.MetaData()
staging = sa.Table(
    "book_staging",
    _STAGE,
    sa.Column("line", sa.Integer, nullable=False),
    sa.Column("farmer", sa.String(64), nullable=False),
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("shift", sa.String(16), nullable=False),
    sa.Column("litres", Exact, nullable=False),
    sa.Column("total_solids", Exact),
    sa.Column("fat", Exact),
    sa.Column("bacterial_count", sa.BigInteger),
    sa.Column("cooled", sa.Boolean),
    sa.Column("route", sa.Text),
    sa.Column("receipt", sa.Text),
    sa.Column("reason", sa.Text),
    sa.Column("protein", Exact),
    sa.Column("somatic_cells", sa.BigInteger),
    sa.Column("snf", Exact),
    prefixes=["TEMPORARY"],
    postgresql_on_commit="DROP",
)
_NAMES = [c.name for c in staging.columns]
_COUNTS = ("bacterial_count", "somatic_cells")
_VALUES = (
    "litres",
    "total_solids",
    "fat",
    "bacterial_count",
    "cooled",
    "protein",
    "somatic_cells",
    "snf",
)
"""What a conflict compares: the litres and the quality sample."""


def _decimal(text: str, field: str, line: int, problems: list[Problem]) -> str | None:
    try:
        d = Decimal(text.replace(",", "") if field in _COUNTS else text)
    except InvalidOperation:
        d = None
    if d is None or not d.is_finite():
        problems.append(
            Problem(
                line=line,
                field=field,
                message=E_(
                    "%(field)s must be a number (got %(text)s).", field=repr(field), text=repr(text)
                ),
            )
        )
        return None
    if d < 0:
        problems.append(
            Problem(
                line=line,
                field=field,
                message=E_(
                    "%(field)s must not be negative (got %(text)s).", field=repr(field), text=text
                ),
            )
        )
        return None
    if field in ("total_solids", "fat", "protein", "snf") and d > 100:
        problems.append(
            Problem(
                line=line,
                field=field,
                message=E_(
                    "%(field)s must be a percentage between 0 and 100 (got %(text)s).",
                    field=repr(field),
                    text=text,
                ),
            )
        )
        return None
    return canonical(d)


def parse_rows(
    rows: Iterator[tuple[int, dict[str, str]]], problems: list[Problem]
) -> Iterator[tuple[Any, ...]]:
    """Staging tuples (in the order of the staging table's columns) for the good rows; a bad
    row's problems go to ``problems``."""
    for line, row in rows:
        before = len(problems)
        farmer = row["farmer"]
        if not farmer:
            problems.append(Problem(line=line, field="farmer", message=E_("'farmer' is blank.")))
        day = row["date"]
        if not _ISO.match(day):
            problems.append(
                Problem(
                    line=line,
                    field="date",
                    message=E_(
                        "'date' must be a date such as '2026-01-15' (got %(day)s).", day=repr(day)
                    ),
                )
            )
        else:
            try:
                dt.date.fromisoformat(day)
            except ValueError:
                problems.append(
                    Problem(
                        line=line,
                        field="date",
                        message=E_(
                            "'date' must be a date such as '2026-01-15' (got %(day)s).",
                            day=repr(day),
                        ),
                    )
                )
        litres = _decimal(row["litres"], "litres", line, problems)
        ts = row.get("total_solids", "")
        fat = row.get("fat", "")
        ufc = row.get("bacterial_count", "")
        cooled_text = row.get("cooled", "").lower()
        ts_c = _decimal(ts, "total_solids", line, problems) if ts else None
        fat_c = _decimal(fat, "fat", line, problems) if fat else None
        count = None
        if ufc:
            c = _decimal(ufc, "bacterial_count", line, problems)
            if c is not None:
                if "." in c:
                    problems.append(
                        Problem(
                            line=line,
                            field="bacterial_count",
                            message=E_(
                                "'bacterial_count' must be a whole number of UFC/ml (got %(ufc)s).",
                                ufc=repr(ufc),
                            ),
                        )
                    )
                else:
                    count = int(c)
        protein = row.get("protein", "")
        protein_c = _decimal(protein, "protein", line, problems) if protein else None
        cells = _whole(row.get("somatic_cells", ""), "somatic_cells", "cells/ml", line, problems)
        snf = row.get("snf", "")
        snf_c = _decimal(snf, "snf", line, problems) if snf else None
        cooled: bool | None = None
        if cooled_text in _TRUE:
            cooled = True
        elif cooled_text in _FALSE:
            cooled = False
        elif cooled_text:
            problems.append(
                Problem(
                    line=line,
                    field="cooled",
                    message=E_(
                        "'cooled' must be yes or no (got %(cooled_text)s).",
                        cooled_text=repr(cooled_text),
                    ),
                )
            )
        if len(problems) > before:
            continue
        yield (
            line,
            farmer,
            day,
            row.get("shift", "").lower(),
            litres,
            ts_c,
            fat_c,
            count,
            cooled,
            row.get("route") or None,
            row.get("receipt") or None,
            row.get("reason") or None,
            protein_c,
            cells,
            snf_c,
        )


def _whole(text: str, field: str, unit: str, line: int, problems: list[Problem]) -> int | None:
    """A count (``somatic_cells``): a whole number, thousands commas allowed."""
    if not text:
        return None
    c = _decimal(text, field, line, problems)
    if c is None:
        return None
    if "." in c:
        problems.append(
            Problem(
                line=line,
                field=field,
                message=E_(
                    "%(field)s must be a whole number of %(unit)s (got %(text)s).",
                    field=repr(field),
                    unit=unit,
                    text=repr(text),
                ),
            )
        )
        return None
    return int(c)


def _load(conn: Connection, batches: Iterator[list[tuple[Any, ...]]]) -> None:
    dialect = conn.dialect.name
    if dialect == "sqlite":
        conn.exec_driver_sql("DROP TABLE IF EXISTS temp.book_staging")
    staging.create(conn)
    if dialect == "postgresql":
        raw: Any = conn.connection.driver_connection
        with (
            raw.cursor() as cur,
            cur.copy(f"COPY book_staging ({', '.join(_NAMES)}) FROM STDIN") as copy,
        ):
            for batch in batches:
                for row in batch:
                    copy.write_row(row)
        return
    marks = ", ".join("?" for _ in _NAMES)
    sql = f"INSERT INTO book_staging ({', '.join(_NAMES)}) VALUES ({marks})"
    for batch in batches:
        conn.exec_driver_sql(sql, batch)


def _batches(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def import_deliveries(conn: Connection, coop: Coop, source: Source, user: str) -> ImportReport:
    """Import a deliveries file, CSV or ``.xlsx`` (the ``xlsx`` extra; streamed in read-only
    mode, rows numbered as Excel shows them): see the module docstring and :data:`COLUMNS`."""
    name = source_name(source)
    lock(conn, coop.coop_id)
    problems: list[Problem] = []
    with table_rows(source, "deliveries", REQUIRED, OPTIONAL) as (rows, bad):
        _load(conn, _batches(parse_rows(rows, problems)))
        problems.extend(bad)
    s, d = staging, t.deliveries
    conn.exec_driver_sql(
        "CREATE INDEX ix_book_staging_identity ON book_staging (farmer, date, shift)"
    )
    conn.exec_driver_sql("ANALYZE book_staging")  # a temporary table gets no statistics else
    cid = coop.coop_id
    same_identity = sa.and_(
        d.c.coop_id == cid, d.c.farmer == s.c.farmer, d.c.date == s.c.date, d.c.shift == s.c.shift
    )
    newer = d.alias("newer")
    current = sa.and_(
        same_identity,
        ~sa.exists().where(
            newer.c.coop_id == d.c.coop_id,
            newer.c.farmer == d.c.farmer,
            newer.c.date == d.c.date,
            newer.c.shift == d.c.shift,
            newer.c.version > d.c.version,
        ),
    )
    differs = sa.or_(*(s.c[k].is_distinct_from(d.c[k]) for k in _VALUES))
    # 1. the same identity twice in the file
    for r in conn.execute(
        sa.select(
            s.c.farmer,
            s.c.date,
            s.c.shift,
            sa.func.min(s.c.line),
            sa.func.max(s.c.line),
            sa.func.count(),
        )
        .group_by(s.c.farmer, s.c.date, s.c.shift)
        .having(sa.func.count() > 1)
    ):
        more = f" (and {r[5] - 2} more lines)" if r[5] > 2 else ""
        problems.append(
            Problem(
                line=r[4],
                field="identity",
                message=E_(
                    "delivery %(r)s %(r2)s %(r3)s is also on line %(r4)s%(more)s; give "
                    "each collection its own shift.",
                    r=r[0],
                    r2=r[1],
                    r3=r[2] or "(no shift)",
                    r4=r[3],
                    more=more,
                ),
            )
        )
    # 2. not on the roster that day
    m, m2 = t.members, t.members.alias("m2")
    on_roster = sa.exists().where(
        m.c.coop_id == cid,
        m.c.farmer == s.c.farmer,
        ~sa.exists().where(
            m2.c.coop_id == cid, m2.c.farmer == m.c.farmer, m2.c.version > m.c.version
        ),
        sa.or_(m.c.joined.is_(None), m.c.joined <= s.c.date),
        sa.or_(m.c.left.is_(None), m.c.left >= s.c.date),
    )
    for r in conn.execute(sa.select(s.c.line, s.c.farmer, s.c.date).where(~on_roster)):
        problems.append(
            Problem(
                line=r[0],
                field="farmer",
                message=E_("'farmer' %(r)s is not on the roster on %(r2)s.", r=repr(r[1]), r2=r[2]),
            )
        )
    # 3. in a closed period, not a correction
    closed = closed_through(conn, cid)
    if closed is not None:
        for r in conn.execute(
            sa.select(s.c.line, s.c.date).where(s.c.date <= closed, s.c.reason.is_(None))
        ):
            problems.append(
                Problem(
                    line=r[0],
                    field="date",
                    message=E_(
                        "'date' %(r)s is in a closed period (closed through %(closed)s); a "
                        "correction needs a 'reason'.",
                        r=r[1],
                        closed=closed,
                    ),
                )
            )
    # 4. no price in force
    p = t.prices
    priced = sa.exists().where(
        p.c.coop_id == cid, p.c.valid_from <= s.c.date, p.c.valid_to >= s.c.date
    )
    for r in conn.execute(sa.select(s.c.line, s.c.date).where(~priced)):
        problems.append(
            Problem(
                line=r[0], field="date", message=E_("no milk price is recorded for %(r)s.", r=r[1])
            )
        )
    # 5. conflicts with what is recorded
    conflicts = []
    for r in conn.execute(
        sa.select(s, *(d.c[k].label(f"was_{k}") for k in _VALUES))
        .select_from(s.join(d, current))
        .where(differs, s.c.reason.is_(None))
    ):
        changed = [k for k in _VALUES if getattr(r, k) != getattr(r, f"was_{k}")]
        conflicts.append(
            Conflict(
                line=r.line,
                identity=(r.farmer, str(r.date), r.shift or "(no shift)"),
                recorded={k: _text(getattr(r, f"was_{k}")) for k in changed},
                given={k: _text(getattr(r, k)) for k in changed},
            )
        )
    if problems or conflicts:
        everything = sorted(
            [
                *problems,
                *(Problem(line=c.line, field="conflict", message=c.message()) for c in conflicts),
            ],
            key=lambda q: q.line,
        )
        raise ImportRefused(E_("deliveries"), name, tuple(everything), tuple(conflicts))
    total = conn.execute(sa.select(sa.func.count()).select_from(s)).scalar_one()
    new = conn.execute(
        sa.select(sa.func.count()).select_from(s).where(~sa.exists().where(same_identity))
    ).scalar_one()
    corrected = conn.execute(
        sa.select(sa.func.count()).select_from(s.join(d, current)).where(differs)
    ).scalar_one()
    already = total - new - corrected
    iid = record_import(conn, cid, "deliveries", name, user, new=new + corrected, already=already)
    columns = [
        "coop_id",
        "farmer",
        "date",
        "shift",
        "version",
        *_VALUES,
        "route",
        "receipt",
        "reason",
        "import_id",
        "line",
        "corrects",
    ]
    copied = [s.c.farmer, s.c.date, s.c.shift]
    rest = [
        *(s.c[k] for k in _VALUES),
        s.c.route,
        s.c.receipt,
        s.c.reason,
        sa.literal(iid, sa.Integer),
        s.c.line,
    ]
    if new:
        conn.execute(
            d.insert().from_select(
                columns,
                sa.select(
                    sa.literal(cid, sa.String), *copied, sa.literal(0, sa.Integer), *rest, sa.null()
                ).where(~sa.exists().where(same_identity)),
            )
        )
    if corrected:
        conn.execute(
            d.insert().from_select(
                columns,
                sa.select(sa.literal(cid, sa.String), *copied, d.c.version + 1, *rest, d.c.id)
                .select_from(s.join(d, current))
                .where(differs),
            )
        )
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("DROP TABLE temp.book_staging")
    else:
        staging.drop(conn)
    return ImportReport(
        kind="deliveries", source=name, new=new, already=already, corrected=corrected
    )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return canonical(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
