"""The close's milk totals summed by the database (issue 16, speed): the same totals, digit for
digit and exponent for exponent, as the plain sums of every delivery read back, and the same
frozen settlement as the close that reads every delivery (``grouped=False``), on SQLite and
PostgreSQL; generated books (hypothesis) and the bundled example season."""

from __future__ import annotations

import datetime as dt
import decimal
import io
import pathlib
import uuid
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from book_helpers import (  # noqa: F401
    ROSTER,
    Where,
    fixture_book,
    fixture_coop,
    fixture_postgres_engine,
    fixture_where,
    write,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopfinance._decimal import CONTEXT, ZERO
from coopfinance.book import Book, _close, _totals
from coopfinance.book import _schema as t
from coopfinance.book._common import price_rows, price_schedule
from coopfinance.dairy import Period, Quality
from coopfinance.dairy._deliveries import QUALITY_FIELDS
from coopfinance.examples import read_example

FIRST = Period.parse("2026-01-01..2026-01-15")
SECOND = Period.parse("2026-01-16..2026-01-31")

# two price periods inside the first fortnight, charges listed in another order by each, a
# hygiene tier and a price with more decimals than the litres
PRICES = """currency = "PEN"
[[prices]]
from = 2026-01-01
to = 2026-01-08
base = "1.30"
solids_bonus_per_point = "0.10"
cooling_bonus = "0.03"
hygiene = [{ up_to = 100000, adjustment = "0.03" }, { adjustment = "-0.05" }]
service_charges = { transport = "0.04", chilling = "0.015" }

[[prices]]
from = 2026-01-09
to = 2026-06-30
base = "1.3125"
solids_bonus_per_point = "0.075"
service_charges = { chilling = "0.0175", transport = "0.045" }
"""


class _Undo(Exception):
    """Raised to roll a close back after its result was read."""


def _closed(book: Book, period: Period, *, grouped: bool) -> dict[str, Any]:
    """A close of ``period``, rolled back: its settlement, its frozen rows and what reading it
    back gives."""
    seen: dict[str, Any] = {}

    def run() -> None:
        with book._store.transaction(write=True) as conn:
            closing = _close.close(conn, book.coop, period, "test", grouped=grouped)
            seen["settlement"] = closing.settlement.to_dict()
            seen["litres"] = [str(s.litres) for s in closing.settlement.statements]
            seen["payments"] = closing.payments
            for table in (t.settlement_farmers, t.settlement_lines, t.loan_events):
                cols = [c for c in table.columns if c.name not in ("id", "import_id")]
                query = sa.select(*cols).where(table.c.coop_id == book.coop.coop_id)
                seen[table.name] = sorted(tuple(repr(v) for v in r) for r in conn.execute(query))
            frozen = _close.frozen_settlement(conn, book.coop, period.start)[0]
            seen["frozen"] = frozen.to_dict()
            raise _Undo

    with pytest.raises(_Undo):
        run()
    return seen


def _plain_totals(book: Book, period: Period) -> tuple[list[tuple[str, ...]], Any]:
    """The database's totals, and the plain sums of the deliveries read back (per farmer and
    price period, in delivery order), as text."""
    cid = book.coop.coop_id
    with book._store.transaction(write=False) as conn:
        prices = price_schedule(price_rows(conn, cid), book.coop.currency, period)
        got = _totals.milk_totals(conn, cid, period, prices)
        milk = _close.deliveries_in(conn, cid, period)
    sums: dict[tuple[str, int], list[Any]] = {}
    with decimal.localcontext(CONTEXT):
        for d in milk:
            terms = prices.terms_on(d.date)
            row = sums.setdefault((d.farmer, id(terms)), [terms.valid_from, ZERO, ZERO])
            row[1] += d.litres
            row[2] += CONTEXT.multiply(d.litres, terms.price(d.quality))
    want = sorted((f, str(a), str(n), str(v)) for (f, _), (a, n, v) in sums.items())
    found = (
        None
        if got is None
        else [(m.farmer, str(m.terms.valid_from), str(m.litres), str(m.value)) for m in got]
    )
    return want, found


LITRES = st.one_of(
    st.integers(0, 90).map(str),
    st.integers(0, 9000).map(lambda c: f"{c // 100}.{c % 100:02d}"),  # "30.50" as typed
    st.integers(0, 90000).map(lambda c: f"{c // 1000}.{c % 1000:03d}"),
)
CELL = st.one_of(st.just(""), st.integers(1150, 1300).map(lambda c: f"{c / 100:.2f}"))
ROW = st.tuples(
    st.sampled_from(["M001", "M002"]),
    st.integers(1, 15),
    st.sampled_from(["am", "pm"]),
    LITRES,
    CELL,
    st.one_of(st.just(""), st.sampled_from(["3.5", "3.85", "4"])),
    st.one_of(st.just(""), st.sampled_from(["50000", "250000"])),
    st.sampled_from(["", "yes", "no"]),
)


def _rows_csv(rows: list[tuple[str, ...]], *, reason: str | None = None) -> str:
    head = "farmer,date,shift,litres,total_solids,fat,bacterial_count,cooled"
    seen: dict[tuple[str, int, str], tuple[str, ...]] = {}
    for r in rows:
        seen[(r[0], r[1], r[2])] = r  # one row per identity in a file
    lines = [
        f"{f},2026-01-{day:02d},{s},{litres},{ts},{fat},{count},{cooled}"
        + ("" if reason is None else f",{reason}")
        for (f, day, s), (_, _, _, litres, ts, fat, count, cooled) in seen.items()
    ]
    return "\n".join([head + ("" if reason is None else ",reason"), *lines]) + "\n"


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(ROW, min_size=0, max_size=30),
    st.lists(ROW, max_size=4),
    st.booleans(),
)
def test_the_database_totals_settle_as_every_delivery_does(
    where: Where,
    tmp_path: pathlib.Path,
    rows: list[tuple[str, ...]],
    fixes: list[tuple[str, ...]],
    savings: bool,
) -> None:
    book = Book.init(where(), coop=f"coop-{uuid.uuid4().hex[:10]}", pay_delay_days=5)
    book.import_roster(io.StringIO(ROSTER))
    book.import_prices(write(tmp_path, "prices.toml", PRICES))
    if rows:
        book.import_deliveries(io.StringIO(_rows_csv(rows)))
        recorded = {(r[0], r[1], r[2]) for r in rows}
        fixes = [f for f in fixes if (f[0], f[1], f[2]) in recorded]
        if fixes:  # corrections: a newer version of some identities, quality changed too
            book.import_deliveries(io.StringIO(_rows_csv(fixes, reason="slip misread")))
    if savings:
        book.import_obligations(
            io.StringIO("farmer,kind,amount,due,reference\nM001,input-advance,80.00,2026-01-15,x\n")
        )
    want, got = _plain_totals(book, FIRST)
    assert got == want
    assert _closed(book, FIRST, grouped=True) == _closed(book, FIRST, grouped=False)
    book.close_connection()


def test_the_example_season_closes_the_same_both_ways(
    where: Where, coop: str, tmp_path: pathlib.Path
) -> None:
    """The bundled co-op (examples/): its first fortnights, each closed both ways, then for
    real (carried shortfalls and check-off loans in the later ones)."""
    book = Book.init(where(), coop=coop, pay_delay_days=0)
    for name, load in (
        ("farmers.csv", book.import_roster),
        ("prices.toml", book.import_prices),
        ("deliveries.csv", book.import_deliveries),
        ("loans.toml", book.import_loans),
        ("obligations.csv", book.import_obligations),
    ):
        load(write(tmp_path, name, read_example(name)))
    period = FIRST
    for _ in range(3):
        want, got = _plain_totals(book, period)
        assert got == want
        assert got  # summed by the database, not vacuous
        fast, plain = _closed(book, period, grouped=True), _closed(book, period, grouped=False)
        assert fast == plain
        assert fast["book_settlement_lines"]
        book.close(period)
        period = book.coop.next_period(period)
    book.close_connection()


def test_litres_too_long_for_64_bit_sums_take_the_row_path(
    book: Book, tmp_path: pathlib.Path
) -> None:
    """Litres with 12 decimals: on SQLite the scaled sum could pass 2⁶³, so the database is not
    asked (``milk_totals`` is ``None``) and the close reads every delivery; on PostgreSQL
    ``NUMERIC`` sums it."""
    rows = "".join(
        f"M00{f},2026-01-{d:02d},am,{d}{f}.{'7' * 12},12.5,,,yes\n"
        for d in range(1, 16)
        for f in (1, 2)
    )
    book.import_deliveries(
        write(
            tmp_path,
            "d.csv",
            "farmer,date,shift,litres,total_solids,fat,bacterial_count,cooled\n" + rows,
        )
    )
    want, got = _plain_totals(book, FIRST)
    if book._store.bind.dialect.name == "sqlite":
        assert got is None
    else:
        assert got == want
    assert _closed(book, FIRST, grouped=True) == _closed(book, FIRST, grouped=False)


def test_the_close_reads_the_dairy_list_of_delivery_fields() -> None:
    """One list of fields (``dairy._deliveries.FIELDS``): the close reads each one the book's
    table has, and every quality field ``Quality`` has is among them or not stored."""
    import attrs

    assert set(QUALITY_FIELDS) == {a.name for a in attrs.fields(Quality)}
    assert set(_close._delivery_columns()) == {
        "farmer",
        "date",
        "litres",
        "route",
        "shift",
        "receipt",
        *(k for k in QUALITY_FIELDS if k in t.deliveries.c),
    }
    assert _totals.quality_columns() == [k for k in QUALITY_FIELDS if k in t.deliveries.c]


def test_a_trusted_total_equals_a_validated_one() -> None:
    from coopfinance.dairy import MilkPriceSchedule, MilkTotal

    terms = MilkPriceSchedule.flat("1.30", "2026-01-01", "2026-12-31").terms[0]
    for n, v in (("0", "0"), ("12.50", "16.2500"), ("1E+3", "1300")):
        made = MilkTotal.trusted("F1", terms, Decimal(n), Decimal(v))
        assert made == MilkTotal(farmer="F1", terms=terms, litres=n, value=v)
        assert repr(made) == repr(MilkTotal(farmer="F1", terms=terms, litres=n, value=v))


def test_the_day_helper_reads_iso_text() -> None:
    assert _totals._day("2026-01-03") == dt.date(2026, 1, 3)


def test_litres_stored_with_trailing_zeros_sum_at_their_canonical_exponent(
    book: Book, tmp_path: pathlib.Path
) -> None:
    """Text written into the table by something other than the book ("32.50"): the totals still
    carry the exponent of the canonical values the row path reads back."""
    rows = "".join(
        f"M00{f},2026-01-{d:02d},am,{d + f}.{d % 4}5,12.5,,,yes\n"
        for d in range(1, 16)
        for f in (1, 2)
    )
    header = "farmer,date,shift,litres,total_solids,fat,bacterial_count,cooled\n"
    book.import_deliveries(write(tmp_path, "d.csv", header + rows))
    with book._store.transaction(write=True) as conn:
        d = t.deliveries
        text = sa.type_coerce(d.c.litres, sa.Text())
        if conn.dialect.name == "sqlite":
            conn.execute(d.update().values(litres=sa.literal_column("litres || '00'")))
        else:
            conn.execute(d.update().values(litres=sa.cast(text, sa.Numeric(12, 4))))
    want, got = _plain_totals(book, FIRST)
    assert got == want
    assert any("." in n for _, _, n, _ in want)
    assert _closed(book, FIRST, grouped=True) == _closed(book, FIRST, grouped=False)
