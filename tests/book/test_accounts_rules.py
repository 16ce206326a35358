"""The rules of the co-op's own accounts (issue 17, docs/accounts.md): what is refused and why, the
chart's mapping, the ledger's formula safety, the schema upgrade, and properties of the journal on
generated seasons."""

from __future__ import annotations

import datetime as dt
import io
import pathlib
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic import command
from book_helpers import (  # noqa: F401
    PRICES,
    ROSTER,
    fixture_book,
    fixture_coop,
    fixture_postgres_engine,
    fixture_where,
    write,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopfinance.book import PCGE, Book, BookError, ImportRefused, WrongPeriod, safe_cell
from coopfinance.book._migrate import _config, head_revision
from coopfinance.coop import SurplusPolicy

D = Decimal
ZERO = D(0)


@pytest.mark.parametrize("first", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_run_gets_a_quote(first: str) -> None:
    assert safe_cell(first + "1+1") == "'" + first + "1+1"
    assert safe_cell("M001 " + first) == "M001 " + first


def test_the_chart_maps_to_the_coops_codes() -> None:
    assert PCGE.account("milk_payable").code == "4212"
    mine = PCGE.with_codes({"cash": ("101", "Caja"), "milk_sales": "7011"}, name="mine")
    assert (mine.account("cash").code, mine.account("cash").name) == ("101", "Caja")
    with pytest.raises(BookError, match="role the journal does not use: 'bank'"):
        PCGE.with_codes({"bank": "104"})
    with pytest.raises(BookError, match="share the code '1041'"):
        PCGE.with_codes({"milk_sales": "1041"})


def test_a_book_of_schema_0001_upgrades_to_the_accounts(tmp_path: pathlib.Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        command.upgrade(_config(conn), "0001")
    engine.dispose()
    assert Book.upgrade(url) == head_revision()
    b = Book.init(url, coop="c")
    assert list(b.entries("coop_entries")) == []
    b.close_connection()


def test_bad_entries_are_reported_by_line(book: Book, tmp_path: pathlib.Path) -> None:
    text = (
        "date,kind,amount,reference\n2026-01-31,transport,300.00,T1\n2026-01-31,bribes,9.00,X\n"
        "2026-01-31,staff,-5.00,P1\n2026-01-31,transport,300.00,T1\n"
    )
    with pytest.raises(ImportRefused) as err:
        book.record_entries(write(tmp_path, "e.csv", text))
    assert [p.line for p in err.value.problems] == [3, 4, 5]
    assert list(book.entries("coop_entries")) == []
    book.record_entries(
        write(tmp_path, "e.csv", "date,kind,amount,reference\n2026-01-31,transport,300.00,T1\n")
    )
    with pytest.raises(ImportRefused, match="T1"):
        book.record_entries(
            write(tmp_path, "e.csv", "date,kind,amount,reference\n2026-01-31,transport,301.00,T1\n")
        )
    with pytest.raises(ImportRefused):
        book.record_contributions(
            write(
                tmp_path, "c.csv", "farmer,date,kind,amount,reference\nX9,2026-01-05,cash,50.00,r\n"
            )
        )
    book.record_contributions(
        write(
            tmp_path, "c.csv", "farmer,date,kind,amount,reference\nM001,2026-01-05,cash,50.00,r\n"
        )
    )
    assert book.contributions("M001").capital == D("50.00")


def _close_january(book: Book, tmp: pathlib.Path) -> None:
    rows = "".join(f"M001,2026-01-{d:02d},40\nM002,2026-01-{d:02d},30\n" for d in range(1, 32))
    book.import_deliveries(write(tmp, "d.csv", "farmer,date,litres\n" + rows))
    book.close()
    book.close()


def test_what_a_distribution_refuses(book: Book, tmp_path: pathlib.Path) -> None:
    _close_january(book, tmp_path)
    with pytest.raises(BookError, match=r"LGC art\. 5"):
        book.distribute(2026, dt.date(2027, 3, 1), SurplusPolicy(contribution_interest_rate="0.05"))
    with pytest.raises(BookError, match="is not closed"):
        book.distribute(2026, dt.date(2027, 3, 1))
    with pytest.raises(BookError, match="no distribution recorded"):
        book.distribution(2026)


def test_a_loss_is_not_distributed(coop: str, tmp_path: pathlib.Path) -> None:
    b = Book.init(f"sqlite:///{tmp_path / 'loss.db'}", coop=coop, pay_delay_days=0)
    b.import_roster(write(tmp_path, "r.csv", ROSTER))
    b.import_prices(write(tmp_path, "p.toml", PRICES.replace("2026-06-30", "2026-12-31")))
    b.import_deliveries(write(tmp_path, "d.csv", "farmer,date,litres\nM001,2026-01-02,10\n"))
    while (p := b.status().open_period) is not None and p.start.year == 2026:
        b.close(p)
    with pytest.raises(BookError, match="no remanente"):
        b.distribute(2026, dt.date(2027, 3, 1))
    b.record_entries(
        write(tmp_path, "e.csv", "date,kind,amount,reference\n2026-12-31,milk-sale,100.00,G\n")
    )
    with pytest.raises(BookError, match="'capital'"):  # not recorded by the book yet
        b.distribute(2026, dt.date(2027, 3, 1), SurplusPolicy(third_party="capital"))
    ley_20337 = SurplusPolicy(  # another law's floor and split (Argentina, art. 42: 5/5/5 %)
        minimum_reserve_share="0.05",
        reserve_share="0.05",
        education_share="0.05",
        funds={"acción asistencial y laboral": "0.05"},
    )
    y = b.distribute(2026, dt.date(2027, 3, 1), ley_20337)
    # milk sold 100.00 + transport charged 10 L x 0.04 - milk paid 10 L x 1.30
    assert y.distribution.total == y.statement.result == D("100.00") + D("0.40") - D("13.00")
    # 5 % of 87.40 = 4.37 each; the rest, 74.29, is M001's retorno (the only member)
    assert y.distribution.reserve == y.distribution.education == D("4.37")
    assert y.distribution.funds == (("acción asistencial y laboral", D("4.37")),)
    assert y.distribution.to_member("M001") == D("74.29")
    with pytest.raises(BookError, match="already distributed"):
        b.distribute(2026, dt.date(2027, 3, 1))
    b.close_connection()


def test_join_exit_and_liquidation_refusals(book: Book, tmp_path: pathlib.Path) -> None:
    _close_january(book, tmp_path)
    with pytest.raises(WrongPeriod):
        book.join("S001", dt.date(2026, 1, 16))
    with pytest.raises(BookError, match="not on the roster"):
        book.join("X9", dt.date(2026, 2, 1))
    with pytest.raises(BookError, match="no exit recorded"):
        book.liquidate("M001", dt.date(2026, 2, 5))
    with pytest.raises(BookError, match="deliveries recorded after it"):
        book.exit("M001", "renuncia", dt.date(2026, 1, 20))
    book.exit("M001", "exclusion", dt.date(2026, 1, 31), "statute art. 12")
    with pytest.raises(BookError, match="already left"):
        book.exit("M001", "death", dt.date(2026, 2, 1))
    with pytest.raises(BookError, match="before the exit"):
        book.liquidate("M001", dt.date(2026, 1, 30))
    liq = book.liquidate("M001", dt.date(2026, 2, 5))
    assert liq.milk > 0  # the second fortnight, paid on 5 February, held for the liquidación
    assert liq.paid_out == liq.milk + liq.refund
    with pytest.raises(BookError, match="already liquidated"):
        book.liquidate("M001", dt.date(2026, 2, 6))
    with pytest.raises(ImportRefused, match="not on the roster"):
        book.import_deliveries(
            write(tmp_path, "late.csv", "farmer,date,litres\nM001,2026-02-02,10\n")
        )


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    litres=st.tuples(
        st.integers(1, 80), st.integers(0, 80), st.integers(0, 80), st.integers(0, 80)
    ),
    advance=st.integers(0, 3000),
    paid=st.lists(st.integers(1, 400), max_size=3),
    join=st.booleans(),
)
def test_every_journal_balances_and_ties(
    tmp_path: pathlib.Path,
    litres: tuple[int, int, int, int],
    advance: int,
    paid: list[int],
    join: bool,
) -> None:
    b = Book.init("sqlite://", coop="p", pay_delay_days=5)
    b.import_roster(io.StringIO(ROSTER))
    b.import_prices(write(tmp_path, "prices.toml", PRICES))
    rows = ["farmer,date,litres"]
    for k, farmer in enumerate(("M001", "M002", "S001")):
        rows += [f"{farmer},2026-01-{d:02d},{litres[k]}" for d in range(10, 32) if litres[k]]
    rows += [f"S001,2026-02-{d:02d},{litres[3]}" for d in range(1, 16) if litres[3]]
    b.import_deliveries(io.StringIO("\n".join(rows) + "\n"))
    b.import_loans(
        write(
            tmp_path,
            "loans.toml",
            '[[loan]]\nid = "L1"\nfarmer = "M002"\nprincipal = "900"\nrate = "24%"\n'
            'disbursed = "2026-01-01"\ninstallments = 4\nfrequency = "semi-monthly"\n'
            '[[loan]]\nid = "L2"\nfarmer = "S001"\nprincipal = "500"\nrate = "24%"\ncheckoff = false\n'
            'disbursed = "2026-01-10"\ninstallments = 2\nfrequency = "monthly"\n',
        )
    )
    b.import_obligations(
        io.StringIO(
            "farmer,kind,amount,due,reference\n"
            f"M001,input-advance,{advance}.00,2026-01-20,feed\n"
            "S001,compulsory-savings,10.00,2026-01-31,aporte\n"
            "M002,compulsory-savings,10.00,2026-02-10,aporte\n"
        )
    )
    if paid:
        b.import_payments(
            io.StringIO(
                "loan_id,date,amount,receipt\n"
                + "".join(f"L2,2026-01-{12 + k},{a}.00,R{k}\n" for k, a in enumerate(paid))
            )
        )
    if join:
        b.join("S001", dt.date(2026, 2, 1))
    for _ in range(3):
        if b.status().open_period is not None and b.status().open_period.start < dt.date(
            2026, 2, 16
        ):  # type: ignore[union-attr]
            b.close()
    for day in (dt.date(2026, 1, 15), dt.date(2026, 1, 31), dt.date(2026, 2, 20)):
        entries = b.journal(day)
        assert all(e.balanced for e in entries)
        rows_tb = b.trial_balance(day)
        assert sum((r.debit for r in rows_tb), ZERO) == sum((r.credit for r in rows_tb), ZERO)
        got = {r.role: r.balance for r in rows_tb}
        for loan_id, role in (("L1", "loan_member"), ("L2", "loan_third")):
            assert got.get(role, ZERO) == b.account(loan_id).state(day).principal_outstanding
        capital = sum((b.contributions(f, day).capital for f in ("M001", "M002", "S001")), ZERO)
        assert -(got.get("contributions", ZERO) + got.get("third_party_savings", ZERO)) == capital
    b.close_connection()


def test_a_liquidated_members_arrears_are_not_carried_again(
    book: Book, tmp_path: pathlib.Path
) -> None:
    """What a final liquidación netted (the arrears of the last settlement) is not collected a
    second time from the next settlement."""
    book.import_obligations(
        io.StringIO(
            "farmer,kind,amount,due,reference\nM001,input-advance,5000.00,2026-01-20,feed\n"
        )
    )
    rows = "".join(f"M001,2026-01-{d:02d},40\nM002,2026-01-{d:02d},30\n" for d in range(1, 32))
    rows += "".join(f"M002,2026-02-{d:02d},30\n" for d in range(1, 16))
    book.import_deliveries(write(tmp_path, "d.csv", "farmer,date,litres\n" + rows))
    book.close()
    january = book.close()
    short = january.settlement.statement("M001")
    assert short.arrears > 0  # the advance is larger than the milk: the rest would be carried
    book.exit("M001", "renuncia", dt.date(2026, 1, 31), "moved away")
    liq = book.liquidate("M001", dt.date(2026, 2, 5))
    assert liq.debts >= short.arrears  # the liquidación nets what was left short
    february = book.close()
    assert [s for s in february.settlement.statements if s.farmer == "M001"] == []
