"""Properties of the book over generated seasons (issue 16 §7): importing in any order or twice
gives the same book; per period gross = deductions + net and collected + short = due; replaying
the recorded entries through the pure ``settle`` reproduces every frozen settlement; a farmer whose
milk covered every deduction is never charged late. An in-memory SQLite book per example (the
backends' own tests are in test_book_storage.py)."""

from __future__ import annotations

import datetime as dt
import io
import pathlib
import random
import tempfile

from hypothesis import given, settings
from hypothesis import strategies as st

from coopfinance.book import Book
from coopfinance.dairy import ObligationKind, settle

ROSTER = "farmer,name\nM001,Carmen\nM002,Jorge\nM003,Rosa\n"
PRICES = """currency = "PEN"
[[prices]]
from = 2026-01-01
to = 2026-06-30
base = "1.30"
solids_reference = "12.1"
solids_bonus_per_point = "0.10"
service_charges = { transport = "0.04" }
"""
HEADER = "farmer,date,shift,litres,total_solids\n"
D = dt.date


def _book() -> Book:
    book = Book.init("sqlite://", coop="p", pay_delay_days=5)
    book.import_roster(io.StringIO(ROSTER))
    path = pathlib.Path(tempfile.mkdtemp()) / "prices.toml"
    path.write_text(PRICES)
    book.import_prices(path)
    return book


def _rows(litres: list[int], days: int) -> list[str]:
    return [
        f"{f},{D(2026, 1, 1) + dt.timedelta(days=k)},{s},"
        f"{litres[(k * 6 + j * 2 + i) % len(litres)]},12.{k % 3}\n"
        for k in range(days)
        for j, f in enumerate(("M001", "M002", "M003"))
        for i, s in enumerate(("am", "pm"))
    ]


def _loans(book: Book, principal: int) -> None:
    path = pathlib.Path(tempfile.mkdtemp()) / "loans.toml"
    path.write_text(
        f'[[loan]]\nid = "L1"\nfarmer = "M001"\nprincipal = "{principal}"\nrate = "18%"\n'
        'disbursed = "2026-01-01"\ninstallments = 4\nfrequency = "semi-monthly"\n'
        'charges = ["insurance:0.0675%:original"]\n'
    )
    book.import_loans(path)


def _deliveries(book: Book) -> list[tuple[object, ...]]:
    return sorted(
        (r["farmer"], r["date"], r["shift"], r["version"], r["litres"], r["total_solids"])
        for r in book.entries("deliveries")
    )


SEASON = st.lists(st.integers(0, 60), min_size=1, max_size=12)


@settings(max_examples=15, deadline=None)
@given(litres=SEASON, seed=st.integers(0, 2**16))
def test_any_order_and_twice_give_the_same_book(litres: list[int], seed: int) -> None:
    rows = _rows(litres, 30)
    shuffled = rows[:]
    random.Random(seed).shuffle(shuffled)
    a, b = _book(), _book()
    first = a.import_deliveries(io.StringIO(HEADER + "".join(rows)))
    again = a.import_deliveries(io.StringIO(HEADER + "".join(rows)))
    assert (again.new, again.already) == (0, first.new)
    b.import_deliveries(io.StringIO(HEADER + "".join(shuffled)))
    assert _deliveries(a) == _deliveries(b)
    for _ in range(2):
        assert a.close().settlement == b.close().settlement


@settings(max_examples=10, deadline=None)
@given(litres=SEASON, principal=st.integers(200, 4000))
def test_every_period_balances_and_replays_to_its_frozen_settlement(
    litres: list[int], principal: int
) -> None:
    book = _book()
    book.import_deliveries(io.StringIO(HEADER + "".join(_rows(litres, 60))))
    _loans(book, principal)
    for _ in range(4):
        book.close()
    covered = True
    for period in book.closed_periods():
        s = book.settlement(period)
        assert s.summary.gross == s.summary.deductions + s.summary.net
        for f in s.statements:
            assert f.gross == f.deductions + f.net
            for c in f.collections:
                assert c.collected + c.short == c.due
                covered = covered and c.short == 0
        # replay: the recorded deliveries and the frozen obligations through the pure engine
        assert s.prices is not None
        charges = {name for terms in s.prices.terms for name, _ in terms.service_charges}
        given_obligations = [
            c.obligation
            for f in s.statements
            for c in f.collections
            if not (
                c.obligation.kind is ObligationKind.SERVICE_CHARGE
                and c.obligation.reference in charges
                and c.obligation.priority is None
            )
        ]
        replayed = settle(
            s.deliveries,
            s.prices,
            period,
            given_obligations,
            s.policy,
            farmers=[f.farmer for f in s.statements],
        )
        assert [
            (f.farmer, f.gross, f.net, f.deductions, f.arrears) for f in replayed.statements
        ] == [(f.farmer, f.gross, f.net, f.deductions, f.arrears) for f in s.statements]
    if covered:
        state = book.account("L1").state(D(2026, 3, 5))
        assert state.paid.penalties == 0
        assert state.penalties_due == 0
        assert state.days_past_due == 0


@settings(max_examples=8, deadline=None)
@given(litres=SEASON, principal=st.integers(200, 4000), fix=st.integers(0, 80))
def test_an_export_restored_into_an_empty_book_gives_the_same_book(
    litres: list[int], principal: int, fix: int
) -> None:
    """Export → restore into an empty book → export again: the same files, the same frozen
    settlements and loan accounts (a correction of a closed period included)."""
    book = _book()
    book.import_deliveries(io.StringIO(HEADER + "".join(_rows(litres, 45))))
    _loans(book, principal)
    book.close()
    book.import_deliveries(
        io.StringIO(
            f"farmer,date,shift,litres,total_solids,reason\nM002,2026-01-05,am,{fix},12.1,fixed\n"
        )
    )
    book.close()
    book.close()
    first = pathlib.Path(tempfile.mkdtemp())
    book.export(first)
    other = Book.init("sqlite://", coop="p", pay_delay_days=5)
    other.restore(first)
    second = pathlib.Path(tempfile.mkdtemp())
    other.export(second)
    for path in sorted(first.glob("*.csv")):
        assert path.read_text() == (second / path.name).read_text(), path.name
    for period in book.closed_periods():
        assert other.settlement(period) == book.settlement(period)
        assert other.closing(period) == book.closing(period)
    assert other.accounts() == book.accounts()
