"""The close's milk totals summed by the database (issue 16, the close of 20,000 farmers).

Instead of reading every delivery of the period into Python, the close asks the database for
each farmer's totals per price period (:class:`~coopfinance.dairy.MilkTotal`)::

    litres = Σ litresᵢ        value = Σ litresᵢ × price(termsᵢ, sampleᵢ)

over the latest version of each delivery identity, and settles them with
:func:`~coopfinance.dairy.settle_totals` (the per-farmer step :func:`~coopfinance.dairy.settle`
also runs). The price of each distinct (price period, quality sample) of the period is computed
once in Python (:meth:`PriceTerms.price`, the same call the delivery path makes) and handed to
the database in a temporary table; the database joins it to the deliveries and sums exactly:

- **SQLite** (decimals stored as canonical text): litres and prices as scaled 64-bit integers
  (litres × 10^S, S the most decimals of any litre figure of the period; price × 10^Sp), summed
  as integers. Before the query, a bound proves no product or sum can reach 2⁶³ (rows ×
  10^(digits of the longest litre figure) × the largest scaled price); if it could, ``None``.
- **PostgreSQL**: ``NUMERIC`` sums, exact at any size (``min_scale`` needs PostgreSQL 13).

Each sum is then a ``Decimal`` with the exponent the delivery path's sum has (the smallest
exponent of its terms: ``-max(canonical decimals)``), so the totals are the delivery path's, digit
for digit and exponent for exponent; a total that does not fit (a step would round) gives
``None``. ``None`` means: read the deliveries (the close's row path). ``tests/book/
test_book_totals.py`` checks both paths give the same frozen settlement, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coopfinance._decimal import CONTEXT
from coopfinance.book import _schema as t
from coopfinance.book._types import Exact, canonical
from coopfinance.dairy import MilkPriceSchedule, MilkTotal, Period, PriceTerms, Quality
from coopfinance.dairy._deliveries import QUALITY_FIELDS

__all__ = ["milk_totals"]

_INT64 = 2**63 - 1
_EXACT = decimal.Context(
    prec=CONTEXT.prec,
    Emin=CONTEXT.Emin,
    Emax=CONTEXT.Emax,
    traps=[decimal.Inexact, decimal.InvalidOperation, decimal.Overflow],
)
"""Rebuilding a summed total at its exponent: only trailing zeros may go (``Rounded`` without
``Inexact``); a digit lost, or more digits than the precision, is an error (the row path)."""

_TABLE = "coopfinance_milk_prices"


def quality_columns() -> list[str]:
    """The quality fields the deliveries table stores (the dairy list, :data:`QUALITY_FIELDS`, as
    far as the book's schema has them)."""
    return [name for name in QUALITY_FIELDS if name in t.deliveries.c]


def milk_totals(
    conn: Connection, coop: str, period: Period, prices: MilkPriceSchedule
) -> list[MilkTotal] | None:
    """Each farmer's milk totals of ``period`` per price period, by farmer then price period;
    ``None`` when the database cannot give them exactly (see the module docstring)."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        version = conn.dialect.server_version_info or (0,)
        if version < (13,):
            return None
    elif dialect != "sqlite":
        return None
    spans = [p for p in prices.terms if p.valid_from <= period.end and p.valid_to >= period.start]
    if not spans:
        return None
    d = t.deliveries
    where = [d.c.coop_id == coop, d.c.date >= period.start, d.c.date <= period.end]
    sqlite = dialect == "sqlite"
    litres = sa.type_coerce(d.c.litres, sa.Text() if sqlite else sa.Numeric(asdecimal=True))
    stored: Any
    decimals: Any
    width: Any
    padded: Any
    if sqlite:
        dot = sa.func.instr(litres, ".")
        stored = sa.case((dot > 0, sa.func.length(litres) - dot), else_=0)  # decimals as stored
        decimals = sa.case(  # canonical decimals (the exponent the row path reads back)
            (dot > 0, sa.func.length(sa.func.rtrim(litres, "0")) - dot), else_=0
        )
        width = sa.func.max(sa.func.length(litres) - stored)
        # litres text with a trailing zero after the point (not canonical): count them
        padded = sa.func.sum(
            sa.case((sa.and_(dot > 0, sa.func.substr(litres, -1) == "0"), 1), else_=0)
        )
    else:
        stored = decimals = sa.func.min_scale(litres)
        width = padded = sa.literal(0)
    head = conn.execute(
        sa.select(
            sa.func.count(),
            sa.func.max(stored),
            width,
            sa.func.max(d.c.version),
            sa.func.min(d.c.date),
            sa.func.max(d.c.date),
            padded,
        ).where(*where)
    ).one()
    rows, scale, digits, newest, first, last, trailing = head
    if not rows:
        return []
    if not trailing:  # stored canonical (as the book writes): the decimals are the exponent
        decimals = stored
    if _day(first) < spans[0].valid_from or _day(last) > spans[-1].valid_to:
        return None  # a delivery without a price: the row path names it
    scale, digits = int(scale or 0), int(digits or 0)
    if newest:  # corrections recorded: only the latest version of each identity counts
        n = d.alias("newer")
        where.append(
            ~sa.exists().where(
                n.c.coop_id == d.c.coop_id,
                n.c.farmer == d.c.farmer,
                n.c.date == d.c.date,
                n.c.shift == d.c.shift,
                n.c.version > d.c.version,
            )
        )
    span = (
        sa.literal_column("0", sa.Integer)
        if len(spans) == 1
        else sa.case(
            *((d.c.date <= s.valid_to, i) for i, s in enumerate(spans[:-1])), else_=len(spans) - 1
        )
    )
    names = quality_columns()
    keys = [_key(d.c[name], sqlite) for name in names]
    priced = _prices(conn, spans, names, keys, where=where, span=span, sqlite=sqlite)
    if priced is None:
        return None
    table, largest, price_scale, on = priced
    if sqlite and rows * 10 ** (digits + scale) * max(largest, 1) > _INT64:
        _drop(conn)
        return None
    if sqlite:
        # litres × 10^scale: the digits as an integer, × 10^(scale − its decimals)
        digits_only = sa.func.replace(litres, ".", "", type_=sa.Text())
        power = sa.case({k: 10 ** (scale - k) for k in range(scale + 1)}, value=stored)
        amount: Any = sa.cast(digits_only, sa.BigInteger) * power
        total_type: Any = sa.BigInteger()
    else:
        amount = litres
        total_type = sa.Numeric(asdecimal=True)
    query = (
        sa.select(
            d.c.farmer,
            span.label("span"),
            sa.func.sum(amount, type_=total_type),
            sa.func.sum(amount * table.c.price, type_=total_type),
            sa.func.max(decimals),
            sa.func.max(decimals + table.c.decimals),
            sa.func.count(table.c.price),
            sa.func.count(),
        )
        .select_from(d.outerjoin(table, sa.and_(*on) if on else sa.true()))
        .where(*where)
        .group_by(d.c.farmer, *([span] if len(spans) > 1 else []))
        .order_by(d.c.farmer, *([span] if len(spans) > 1 else []))
    )
    out: list[MilkTotal] = []
    try:
        for farmer, k, summed, valued, places, value_places, found, counted in conn.execute(query):
            if found != counted:
                return None  # a sample without a price row: cannot happen, never guessed
            total, value = Decimal(summed), Decimal(valued)
            if sqlite:
                total = total.scaleb(-scale, context=_EXACT)
                value = value.scaleb(-(scale + price_scale), context=_EXACT)
            out.append(
                MilkTotal.trusted(
                    str(farmer),
                    spans[int(k)],
                    _at(total, int(places)),
                    _at(value, int(value_places)),
                )
            )
    except (decimal.Inexact, decimal.InvalidOperation, decimal.Overflow):
        return None
    finally:
        _drop(conn)
    return out


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _at(value: Decimal, places: int) -> Decimal:
    """``value`` with exponent ``-places``, its value kept (else ``decimal.Inexact``)."""
    return value.quantize(Decimal((0, (1,), -places)), context=_EXACT)


def _key(column: Any, sqlite: bool) -> tuple[Any, Any]:
    """A quality column as a join key that matches NULL to NULL with plain ``=`` (hash-joinable):
    ``(coalesce(column, zero), column IS NULL)``; on SQLite a decimal is its stored text."""
    if isinstance(column.type, Exact):
        kind: Any = sa.Text() if sqlite else sa.Numeric(asdecimal=True)
        zero: Any = "" if sqlite else Decimal(0)
    elif isinstance(column.type, sa.Boolean):
        kind, zero = sa.Boolean(), False
    else:
        kind, zero = sa.BigInteger(), 0
    value = sa.func.coalesce(sa.type_coerce(column, kind), sa.literal(zero, kind), type_=kind)
    return value, column.is_(None)


def _prices(
    conn: Connection,
    spans: list[PriceTerms],
    names: list[str],
    keys: list[tuple[Any, Any]],
    *,
    where: list[Any],
    span: Any,
    sqlite: bool,
) -> tuple[sa.Table, int, int, list[Any]] | None:
    """The temporary table of the price of each distinct (price period, sample) of the period:
    ``(table, largest stored price, price scale, join conditions)`` (on SQLite prices are stored
    × 10^scale)."""
    d = t.deliveries
    picked = [k for pair in keys for k in pair]
    samples = conn.execute(sa.select(span, *picked).where(*where).distinct()).all()
    priced: list[tuple[int, tuple[Any, ...], Decimal]] = []
    with decimal.localcontext(CONTEXT):
        for row in samples:
            k, raw = int(row[0]), row[1:]
            fields: dict[str, Any] = {}
            for i, name in enumerate(names):
                value, missing = raw[2 * i], raw[2 * i + 1]
                if not missing:
                    fields[name] = _field(d.c[name], value)
            quality = Quality(**fields) if fields else None
            priced.append((k, raw, spans[k].price(quality)))
    places = max((max(_places(p), 0) for _, _, p in priced), default=0)
    meta = sa.MetaData()
    columns: list[sa.Column[Any]] = [sa.Column("span", sa.Integer)]
    for name, (value, _) in zip(names, keys, strict=True):
        columns += [sa.Column(f"k_{name}", value.type), sa.Column(f"n_{name}", sa.Boolean)]
    columns += [
        sa.Column("price", sa.BigInteger if sqlite else sa.Numeric(asdecimal=True)),
        sa.Column("decimals", sa.Integer),
    ]
    table = sa.Table(_TABLE, meta, *columns, prefixes=["TEMPORARY"], postgresql_on_commit="DROP")
    # The join matches only what varies among the period's samples (each lookup costs SQLite a
    # few microseconds per column): a column NULL in every row is left out, a column never NULL
    # is matched by value alone, the price period only when the fortnight has two.
    on: list[Any] = [table.c.span == span] if len(spans) > 1 else []
    for i, (name, (value, missing)) in enumerate(zip(names, keys, strict=True)):
        nulls = {bool(row[1 + 2 * i + 1]) for row in samples}
        if nulls != {True}:
            on.append(table.c[f"k_{name}"] == value)
        if nulls == {True, False}:
            on.append(table.c[f"n_{name}"] == missing)
    used = [c for c in on if isinstance(c.left, sa.Column) and c.left.table is table]
    if used:  # the join's key: without it SQLite scans the table once per delivery
        sa.Index(f"{_TABLE}_key", *(c.left for c in used))
    _drop(conn)
    table.create(conn)
    largest = 0
    rows = []
    for k, raw, price in priced:
        stored: Any = price
        if sqlite:
            stored = int(price.scaleb(places, context=_EXACT))
            largest = max(largest, abs(stored))
        entry: dict[str, Any] = {"span": k, "price": stored}
        entry["decimals"] = _places(price)
        for i, name in enumerate(names):
            entry[f"k_{name}"], entry[f"n_{name}"] = raw[2 * i], bool(raw[2 * i + 1])
        rows.append(entry)
    if rows:
        conn.execute(table.insert(), rows)
    if not sqlite:
        conn.exec_driver_sql(f"ANALYZE {_TABLE}")
    return table, largest, places, on


def _places(price: Decimal) -> int:
    """The decimals of a (finite) price: minus its exponent."""
    exponent = price.as_tuple().exponent
    assert isinstance(exponent, int)
    return -exponent


def _field(column: Any, value: Any) -> Any:
    """A stored quality value as :class:`Quality` takes it (decimals canonical, as read back)."""
    if isinstance(column.type, Exact):
        return Decimal(canonical(Decimal(value)))
    if isinstance(column.type, sa.Boolean):
        return bool(value)
    return int(value)


def _drop(conn: Connection) -> None:
    conn.exec_driver_sql(
        f"DROP TABLE IF EXISTS temp.{_TABLE}"
        if conn.dialect.name == "sqlite"
        else f"DROP TABLE IF EXISTS {_TABLE}"
    )
