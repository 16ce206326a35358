"""The close's fast path (issue 16, speed): deliveries read from the driver and built with
``Delivery.trusted`` equal the validated ``Delivery`` of every recorded row, and the settlement
of the close equals the validated path's ``settle`` of those deliveries."""

from __future__ import annotations

import pathlib

import attrs
import sqlalchemy as sa
from book_helpers import (  # noqa: F401
    Where,
    fixture_book,
    fixture_coop,
    fixture_postgres_engine,
    fixture_where,
    write,
)

from coopfinance.book import Book, _close
from coopfinance.book import _schema as t
from coopfinance.dairy import Delivery, Period, settle


def test_the_fast_path_sets_every_field_of_a_delivery() -> None:
    assert tuple(a.name for a in attrs.fields(Delivery)) == _close._SLOT_NAMES


def test_the_fast_path_gives_exactly_the_validated_deliveries_and_settlement(
    book: Book, tmp_path: pathlib.Path
) -> None:
    rows = "".join(
        f"{f},2026-01-{d:02d},{s},{30 + d % 7}.{d % 3}5,{12 + d % 2}.1,3.{d % 4},{1000 * d},"
        f"{'yes' if d % 2 else 'no'},R{d % 2},slip-{f}-{d}{s}\n"
        for d in range(1, 16)
        for f in ("M001", "M002")
        for s in ("am", "pm")
    )
    header = "farmer,date,shift,litres,total_solids,fat,bacterial_count,cooled,route,receipt\n"
    book.import_deliveries(write(tmp_path, "d.csv", header + rows))
    fix = "farmer,date,shift,litres,reason\nM001,2026-01-03,am,12.5,slip misread\n"
    book.import_deliveries(write(tmp_path, "fix.csv", fix))
    period = Period.parse("2026-01-01..2026-01-15")
    with book._store.transaction(write=False) as conn:
        fast = _close.deliveries_in(conn, book.coop.coop_id, period)
        d = t.deliveries
        recorded = conn.execute(
            sa.select(d)
            .where(d.c.coop_id == book.coop.coop_id)
            .order_by(d.c.farmer, d.c.date, d.c.shift, d.c.version)
        ).all()
    latest: dict[tuple[object, ...], object] = {}
    for r in recorded:
        latest[(r.farmer, r.date, r.shift)] = _close._delivery(r)
    slow = list(latest.values())
    assert fast == slow
    assert [repr(x) for x in fast] == [repr(x) for x in slow]
    closing = book.close(period)
    prices = closing.settlement.prices
    assert prices is not None
    validated = settle(
        slow, prices, period, farmers=[s.farmer for s in closing.settlement.statements]
    )
    assert [s.gross for s in closing.settlement.statements] == [
        s.gross for s in validated.statements
    ]
    assert closing.settlement.statements[0].litres == validated.statements[0].litres
