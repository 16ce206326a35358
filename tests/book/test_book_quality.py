"""The book stores protein, somatic cells and SNF per delivery (revision 0005) and prices them at
close with the recorded price terms, so a close equals :func:`coopfinance.dairy.settle` on the
same deliveries and prices (issue 18 §5). SQLite always, PostgreSQL with
COOPFINANCE_TEST_POSTGRES_URL.

The example season uses the processors' terms of reference ``dairy-and-coop.md`` §2.2: OCLA's
typical liquidation sample (3.64 % fat, 3.3 % protein, 416,000 somatic cells/ml) on a
Conaprole-like cell scale (a bonus below 250,000 cells/ml, nothing to 400,000, a penalty above)
priced per kg at density 1.032, then a fat × SNF rate chart (the two-axis table of Indian and
Peruvian collection centres)."""

from __future__ import annotations

import datetime as dt
import pathlib
import uuid
from decimal import ROUND_HALF_UP, Decimal

import pytest
import sqlalchemy as sa
from book_helpers import (  # noqa: F401
    Where,
    fixture_coop,
    fixture_postgres_engine,
    fixture_where,
    write,
)
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from coopfinance.book import Book, ImportRefused
from coopfinance.dairy import Delivery, MilkPriceSchedule, Quality, settle

D = dt.date
ROSTER = "farmer,name\nM001,Carmen\nM002,Jorge\nM003,Rosa\n"
PRICES = """currency = "PEN"
[[prices]]
from = 2026-01-01
to = 2026-01-15
base = "1.40"
per = "kg"
density = "1.032"
protein_reference = "3.3"
protein_bonus_per_point = "0.30"
somatic_cells = [{up_to = 250000, adjustment = "0.28"}, {up_to = 400000, adjustment = "0"},
                 {adjustment = "-0.07"}]

[[prices]]
from = 2026-01-16
to = 2026-12-31
base = "1.30"
protein_bonus_per_point = "0.20"
somatic_cells = [{up_to = 250000, adjustment = "0.02"}, {adjustment = "-0.03"}]
cooling_bonus = "0.03"
[prices.rate_chart]
fat = ["3.0", "3.5", "4.0", "4.5"]
snf = ["8.0", "8.5", "9.0"]
prices = [["1.20", "1.26", "1.32"], ["1.28", "1.34", "1.40"], ["1.36", "1.42", "1.48"],
          ["1.44", "1.50", "1.56"]]
"""
HEADER = "farmer,date,shift,litres,fat,total_solids,cooled,protein,somatic_cells,snf\n"

_text = st.one_of(
    st.none(), st.decimals(min_value=Decimal("2.5"), max_value=Decimal("5"), places=2)
)
_snf = st.one_of(
    st.none(), st.decimals(min_value=Decimal("7.5"), max_value=Decimal("9.5"), places=2)
)
_cells = st.one_of(st.none(), st.integers(50_000, 900_000))
_row = st.tuples(
    st.sampled_from(["M001", "M002", "M003"]),
    st.integers(0, 29),  # day of January
    st.sampled_from(["am", "pm"]),
    st.decimals(min_value=Decimal("0.5"), max_value=Decimal("80"), places=1),
    _text,  # fat
    _text,  # protein
    _cells,
    _snf,
    st.booleans(),
)


def _csv(rows: list[tuple[object, ...]]) -> str:
    out = []
    for farmer, day, shift, litres, fat, protein, cells, snf, cooled in rows:
        when = D(2026, 1, 1) + dt.timedelta(days=int(day))  # type: ignore[call-overload]
        cell = ["" if v is None else str(v) for v in (fat, None, protein, cells, snf)]
        out.append(
            f"{farmer},{when},{shift},{litres},{cell[0]},{cell[1]},{'yes' if cooled else 'no'},"
            f"{cell[2]},{cell[3]},{cell[4]}\n"
        )
    return HEADER + "".join(out)


def _deliveries(rows: list[tuple[object, ...]]) -> list[Delivery]:
    out = []
    for farmer, day, shift, litres, fat, protein, cells, snf, cooled in rows:
        out.append(
            Delivery(
                farmer=str(farmer),
                date=D(2026, 1, 1) + dt.timedelta(days=int(day)),  # type: ignore[call-overload]
                shift=str(shift),
                litres=litres,  # type: ignore[arg-type]
                quality=Quality(
                    fat=fat,  # type: ignore[arg-type]
                    protein=protein,  # type: ignore[arg-type]
                    somatic_cells=cells,  # type: ignore[arg-type]
                    snf=snf,  # type: ignore[arg-type]
                    cooled=bool(cooled),
                ),
            )
        )
    return out


def _unique(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    seen: dict[tuple[object, ...], tuple[object, ...]] = {}
    for r in rows:
        seen.setdefault(r[:3], r)
    return list(seen.values())


def _check(bind: object, tmp: pathlib.Path, rows: list[tuple[object, ...]]) -> None:
    """Close January's two fortnights from the book and settle the same deliveries in memory:
    every statement (litres, gross, floor, net) is the same."""
    rows = _unique(rows)
    book = Book.init(bind, coop=f"q-{uuid.uuid4().hex[:8]}")  # type: ignore[arg-type]
    book.import_roster(write(tmp, "roster.csv", ROSTER))
    prices_path = write(tmp, "prices.toml", PRICES)
    book.import_prices(prices_path)
    book.import_deliveries(write(tmp, "d.csv", _csv(rows)))
    schedule = MilkPriceSchedule.from_file(prices_path)
    milk = _deliveries(rows)
    for _ in range(2):
        closing = book.close()
        period = closing.period
        mine = [d for d in milk if period.start <= d.date <= period.end]
        expected = settle(
            mine, schedule, period, (), book.coop.policy, farmers=["M001", "M002", "M003"]
        )
        got = {s.farmer: (s.litres, s.gross, s.floor, s.net) for s in closing.settlement.statements}
        assert got == {s.farmer: (s.litres, s.gross, s.floor, s.net) for s in expected.statements}
        frozen = book.settlement(period)
        assert [s.gross for s in frozen.statements] == [s.gross for s in expected.statements]
    book.close_connection()


SEASON = [
    ("M001", 0, "am", Decimal("20.0"), Decimal("3.64"), Decimal("3.3"), 416_000, None, True),
    ("M001", 0, "pm", Decimal("18.5"), Decimal("3.64"), Decimal("3.5"), 180_000, None, True),
    ("M002", 3, "am", Decimal("40.0"), None, None, None, None, False),
    (
        "M002",
        20,
        "am",
        Decimal("35.0"),
        Decimal("3.8"),
        Decimal("3.5"),
        200_000,
        Decimal("8.6"),
        True,
    ),
    ("M003", 21, "pm", Decimal("12.0"), Decimal("4.2"), None, 500_000, Decimal("8.9"), False),
    (
        "M003",
        22,
        "am",
        Decimal("12.0"),
        Decimal("2.9"),
        Decimal("3.1"),
        None,
        Decimal("8.2"),
        False,
    ),
]


def test_an_example_season_closes_as_settle_prices_it(where: Where, tmp_path: pathlib.Path) -> None:
    """OCLA's sample at 416,000 cells/ml loses S/ 0.07/kg, the cleaner milk gains S/ 0.28/kg and
    the protein bonus; the second fortnight reads the rate chart (fat 3.8 %, SNF 8.6 %: S/ 1.34)."""
    _check(where(), tmp_path, SEASON)
    # the first farmer's first fortnight, by hand: 1.40 − 0.07 and 1.40 + 0.28 + 0.30·0.2 per kg
    schedule = MilkPriceSchedule.from_file(write(tmp_path, "p.toml", PRICES))
    ocla = Quality(fat="3.64", protein="3.3", somatic_cells=416_000, cooled=True)
    assert schedule.price(D(2026, 1, 1), ocla) == Decimal("1.33") * Decimal("1.032")


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@example(rows=SEASON)
@given(rows=st.lists(_row, min_size=1, max_size=25))
def test_a_close_equals_settle_on_the_same_quality_data(
    where: Where, tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[object, ...]]
) -> None:
    _check(where(), tmp_path_factory.mktemp("q"), rows)


def test_quality_columns_are_checked_compared_and_corrected(
    where: Where, coop: str, tmp_path: pathlib.Path
) -> None:
    """A bad protein, SNF or cell count is refused with its line; the same row again is already
    recorded; another protein is a conflict, or a correction with a reason, which a closed period
    settles as an adjustment priced with the new protein."""
    book = Book.init(where(), coop=coop)
    book.import_roster(write(tmp_path, "roster.csv", ROSTER))
    book.import_prices(write(tmp_path, "prices.toml", PRICES))
    bad = HEADER + (
        "M001,2026-01-02,am,10,,,,101,,\n"
        "M001,2026-01-03,am,10,,,,,12.5k,\n"
        "M001,2026-01-04,am,10,,,,,250000.5,\n"
        "M001,2026-01-05,am,10,,,,,,-1\n"
    )
    with pytest.raises(ImportRefused) as err:
        book.import_deliveries(write(tmp_path, "bad.csv", bad))
    assert [(p.line, p.field) for p in err.value.problems] == [
        (2, "protein"),
        (3, "somatic_cells"),
        (4, "somatic_cells"),
        (5, "snf"),
    ]
    good = HEADER + "M001,2026-01-02,am,10,3.64,,yes,3.3,416000,\n"
    assert book.import_deliveries(write(tmp_path, "good.csv", good)).new == 1
    assert book.import_deliveries(write(tmp_path, "good.csv", good)).already == 1
    other = HEADER + "M001,2026-01-02,am,10,3.64,,yes,3.5,416000,\n"
    with pytest.raises(ImportRefused, match=r"protein 3\.3 recorded, 3\.5 given"):
        book.import_deliveries(write(tmp_path, "other.csv", other))
    first = book.close()
    before = first.settlement.statement("M001").gross
    fixed = HEADER.rstrip("\n") + ",reason\n" + "M001,2026-01-02,am,10,3.64,,yes,3.5,180000,,lab\n"
    assert book.import_deliveries(write(tmp_path, "fix.csv", fixed)).corrected == 1
    second = book.close()
    (adjustment,) = second.adjustments
    schedule = MilkPriceSchedule.from_file(write(tmp_path, "p.toml", PRICES))
    clean = Quality(fat="3.64", protein="3.5", somatic_cells=180_000, cooled=True)
    after = (10 * schedule.price(D(2026, 1, 2), clean)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert adjustment.amount == after - before > 0
    book.close_connection()


def test_a_book_at_revision_0004_upgrades_to_the_quality_columns_and_groups(
    tmp_path: pathlib.Path,
) -> None:
    """Revision 0005 adds the three quality columns and the three group tables after 0004; a
    0004 book is refused until upgraded, then records and prices protein."""
    from alembic import command

    from coopfinance.book import BookSchemaError
    from coopfinance.book._migrate import _config, head_revision
    from coopfinance.book._store import create_engine

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(_config(conn), "0004")
    inspect = sa.inspect(engine)
    assert "book_groups" not in inspect.get_table_names()
    assert "protein" not in {c["name"] for c in inspect.get_columns("book_deliveries")}
    engine.dispose()
    with pytest.raises(BookSchemaError, match="older schema 0004"):
        Book.open(url)
    assert Book.upgrade(url) == head_revision() == "0005"
    engine = create_engine(url)
    inspect = sa.inspect(engine)
    assert {"book_groups", "book_guarantee_deposits", "book_guarantee_steps"} <= set(
        inspect.get_table_names()
    )
    assert {"protein", "somatic_cells", "snf"} <= {
        c["name"] for c in inspect.get_columns("book_deliveries")
    }
    engine.dispose()
