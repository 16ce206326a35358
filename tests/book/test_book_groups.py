"""Solidarity groups in the book (issue 18 §2): recorded from a groups file (idempotent, bad
entries with their line), applied at close after the individual check-off as
``linked.apply_guarantee`` defines, frozen with the close (read back equal, never recomputed),
the guarantee's payments posted to the borrower's loan, the guarantor's payable reduced; the
portfolio document's group table. SQLite always, PostgreSQL with COOPFINANCE_TEST_POSTGRES_URL."""

from __future__ import annotations

import datetime as dt
import pathlib
from decimal import Decimal

import pytest
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
from coopfinance.dairy import SettlementPolicy
from coopfinance.linked import GuaranteeSource, apply_guarantee

D = dt.date
ROSTER = "farmer,name\nM001,Carmen\nM002,Jorge\nM003,Rosa\nM004,Luis\n"
PRICES = """currency = "PEN"
[[prices]]
from = 2026-01-01
to = 2026-12-31
base = "1.30"
"""
GROUPS = """# the group of the Pampa route
[[group]]
id = "G1"
members = ["M001", "M002", "M003"]

[[deposit]]
to = "G1"
date = 2026-01-01
amount = "40.00"
reference = "aporte inicial"

[[deposit]]
to = "fund"
date = 2026-01-01
amount = "100.00"
reference = "fondo 2026"
"""


def _book(
    bind: object, coop: str, tmp: pathlib.Path, litres: dict[str, int], *, floor: str = "0.5"
) -> Book:
    """M001 borrows S/ 1,200 in 4 fortnightly installments with little milk; the others deliver
    ``litres`` a day each (a farmer left out delivers nothing)."""
    book = Book.init(
        bind,  # type: ignore[arg-type]
        coop=coop,
        pay_delay_days=5,
        policy=SettlementPolicy(floor_share=floor),
    )
    book.import_roster(write(tmp, "roster.csv", ROSTER))
    book.import_prices(write(tmp, "prices.toml", PRICES))
    rows = "".join(
        f"{f},{D(2026, 1, 1) + dt.timedelta(days=k)},{n}\n"
        for k in range(60)
        for f, n in litres.items()
    )
    book.import_deliveries(write(tmp, "d.csv", "farmer,date,litres\n" + rows))
    book.import_loans(
        write(
            tmp,
            "loans.toml",
            '[[loan]]\nid = "L1"\nfarmer = "M001"\nprincipal = "1200"\nrate = "18%"\n'
            'disbursed = "2026-01-01"\ninstallments = 4\nfrequency = "semi-monthly"\n',
        )
    )
    return book


def test_a_members_shortfall_is_covered_by_the_others_milk_savings_and_fund(
    where: Where, coop: str, tmp_path: pathlib.Path
) -> None:
    """M001's milk (5 L/day: S/ 97.50 a fortnight, half kept by the floor) cannot pay a S/ 313
    installment; M002 and M003 (40 L/day) pay from their milk above their floor first, in the
    group's order; the guarantee is exactly ``apply_guarantee`` on the frozen settlement, posted
    to L1 dated the pay date, and taken from the guarantors' payable."""
    book = _book(where(), coop, tmp_path, {"M001": 5, "M002": 40, "M003": 40})
    report = book.import_groups(write(tmp_path, "groups.toml", GROUPS))
    assert (report.new, report.already) == (3, 0)
    closing = book.close()
    (g,) = closing.guarantees
    groups = book.groups()
    expected = apply_guarantee(
        closing.settlement,
        [type(groups["G1"].group)(id="G1", members=groups["G1"].group.members, savings="40.00")],
        fund="100.00",
    )
    assert closing.guarantees == expected
    st1 = closing.settlement.statement("M001")
    short = sum((c.short for c in st1.collections if c.obligation.loan_id == "L1"), Decimal(0))
    assert short > 0
    assert g.covered("M001", "L1") == short  # the others' milk suffices
    assert g.from_source(GuaranteeSource.MEMBERS_MILK) == short
    assert [s.guarantor for s in g.steps] == ["M002"]  # the group's order: M002 first
    m2 = closing.settlement.statement("M002")
    assert closing.payable("M002") == m2.net - short >= m2.floor
    # posted to the loan, on the pay date, channel group-guarantee
    events = [
        e for e in book.account("L1").events if getattr(e, "channel", "") == "group-guarantee"
    ]
    assert [(e.date, e.amount) for e in events] == [(closing.pay_date, short)]
    assert book.account("L1").state(closing.pay_date).arrears == 0
    # read back as the close applied it
    assert book.guarantees(closing.period) == closing.guarantees
    # idempotent import; a closed period is never recomputed
    again = book.import_groups(write(tmp_path, "groups.toml", GROUPS))
    assert (again.new, again.already) == (0, 3)
    book.close()
    assert book.guarantees(closing.period) == closing.guarantees
    book.close_connection()


def test_savings_then_the_fund_when_the_others_have_no_room(
    where: Where, coop: str, tmp_path: pathlib.Path
) -> None:
    """M002 and M003 deliver nothing: the group's savings (S/ 40) then the co-op's fund (S/ 100)
    cover what they can, the rest stays L1's arrears; the next close sees the savings spent."""
    book = _book(where(), coop, tmp_path, {"M001": 5})
    book.import_groups(write(tmp_path, "groups.toml", GROUPS))
    first = book.close()
    (g,) = first.guarantees
    assert g.from_source("group-savings") == Decimal("40.00")
    assert g.from_source("guarantee-fund") == Decimal("100.00")
    assert g.uncovered > 0
    assert book.account("L1").state(first.pay_date).arrears == g.uncovered
    assert book.guarantee_balances(first.period.end) == {"G1": Decimal(0), "fund": Decimal(0)}
    second = book.close()
    assert second.guarantees[0].total == 0
    assert book.guarantees(first.period) == first.guarantees
    calls = book.guarantee_calls(second.pay_date)
    assert calls == {"G1": (1, Decimal("140.00"))}
    book.close_connection()


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@example(litres=[5, 40, 0], floor="0.5", savings="40.00", fund="100.00")
@given(
    litres=st.lists(st.integers(0, 60), min_size=3, max_size=3),
    floor=st.sampled_from(["0", "0.3", "0.7"]),
    savings=st.sampled_from(["0.00", "25.50", "300.00"]),
    fund=st.sampled_from(["0.00", "80.00"]),
)
def test_a_group_guarantee_never_takes_a_member_below_the_settlement_floor(
    tmp_path_factory: pytest.TempPathFactory,
    litres: list[int],
    floor: str,
    savings: str,
    fund: str,
) -> None:
    """Whatever the milk, floor and balances: no guarantor's payable goes below their floor
    (or their net, when the net is already below it), the covered shortfalls are what the sources
    paid, no source pays more than it holds, and the close equals ``apply_guarantee``."""
    tmp = tmp_path_factory.mktemp("g")
    book = _book(
        "sqlite://",
        "p",
        tmp,
        {**{f"M00{k + 1}": n for k, n in enumerate(litres) if n}, "M004": 10},  # M004: no group
        floor=floor,
    )
    text = GROUPS.replace('"40.00"', f'"{savings}"').replace('"100.00"', f'"{fund}"')
    text = text.replace('amount = "0.00"', 'amount = "0.01"')  # a deposit is more than 0
    book.import_groups(write(tmp, "groups.toml", text))
    for _ in range(2):
        closing = book.close()
        s = closing.settlement
        for g in closing.guarantees:
            for m in g.group.members:
                st_m = s.statement(m)
                assert closing.payable(m) >= min(st_m.net, st_m.floor)
            assert g.total == sum((x for _, _, x in g.shortfalls), Decimal(0)) - g.uncovered
            assert g.from_source("group-savings") <= g.group.savings
        assert book.guarantees(closing.period) == closing.guarantees
    book.close_connection()


def test_bad_entries_are_refused_with_their_line_and_nothing_is_recorded(
    where: Where, coop: str, tmp_path: pathlib.Path
) -> None:
    book = _book(where(), coop, tmp_path, {"M001": 5, "M002": 40})
    bad = """[[group]]
id = "G1"
members = ["M001", "M009"]

[[group]]
id = "G2"
members = ["M002"]

[[group]]
id = "G3"
members = ["M002", "M003"]
order = ["members-milk", "the-bank"]

[[deposit]]
to = "G7"
date = 2026-01-01
amount = "5"
reference = "x"

[[deposit]]
to = "fund"
date = 2026-01-01
amount = "-5"
reference = "y"
"""
    with pytest.raises(ImportRefused) as err:
        book.import_groups(write(tmp_path, "bad.toml", bad))
    lines = [(p.line, p.field) for p in err.value.problems]
    assert lines == [(1, "members"), (5, "members"), (9, "order"), (14, "to"), (20, "amount")]
    assert book.groups() == {}
    # a farmer in two groups, a group recorded with other members: refused
    book.import_groups(write(tmp_path, "g.toml", GROUPS))
    other = (
        '[[group]]\nid = "G1"\nmembers = ["M001", "M004"]\n\n'
        '[[group]]\nid = "G2"\nmembers = ["M003", "M004"]\n'
    )
    with pytest.raises(ImportRefused) as err:
        book.import_groups(write(tmp_path, "other.toml", other))
    assert [(p.line, p.field) for p in err.value.problems] == [(1, "conflict"), (5, "members")]
    book.close()
    late = '[[deposit]]\nto = "G1"\ndate = 2026-01-10\namount = "5"\nreference = "tarde"\n'
    with pytest.raises(ImportRefused, match="closed settlement is never recomputed"):
        book.import_groups(write(tmp_path, "late.toml", late))
    book.close_connection()


def test_the_portfolio_and_the_liquidaciones_show_the_group(
    where: Where, coop: str, tmp_path: pathlib.Path
) -> None:
    """The portfolio document's group table and the members' liquidaciones carry what the close
    computed (the guarantee's steps, the members' loans' arrears), in Spanish and English."""
    book = _book(where(), coop, tmp_path, {"M001": 5})
    book.import_groups(write(tmp_path, "groups.toml", GROUPS))
    closing = book.close()
    (g,) = closing.guarantees
    docs = book.documents(as_of=closing.pay_date)
    ctx = docs.portfolio()
    (row,) = ctx["groups"]
    arrears = book.account("L1").state(closing.pay_date).arrears
    assert row["members"] == ["Carmen", "Jorge", "Rosa"]
    assert (row["loans"], row["arrears"], row["calls"], row["covered"]) == (
        1,
        arrears,
        1,
        g.total,
    )
    assert row["outstanding"] == book.account("L1").state(closing.pay_date).principal_outstanding
    es = docs.render("portfolio", ctx, lang="es")
    en = docs.render("portfolio", ctx, lang="en", fmt="html")
    assert "## Grupos solidarios" in es
    assert "Garantías ejecutadas" in es
    assert "Con atraso" in es or "En riesgo" in es or "Al día" in es
    assert "Solidarity groups" in en
    assert "Guarantee calls" in en
    for text in (es, en):
        assert "140.00" in text  # what the savings and the fund covered
    liq = docs.liquidacion("M001", closing.period)
    assert liq["guarantee"]["group"] == "G1"
    assert sum(x["amount"] for x in liq["guarantee"]["covered"]) == g.covered("M001")
    assert liq["payable"] == closing.payable("M001")
    text = docs.render("settlement", liq, lang="es")
    assert "G1" in text
    book.close_connection()


def test_groups_from_the_command_line(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from coopfinance.cli import main

    url = f"sqlite:///{tmp_path / 'coop.db'}"
    _book(url, "cli", tmp_path, {"M001": 5, "M002": 40, "M003": 40}).close_connection()
    write(tmp_path, "groups.toml", GROUPS)
    common = ["--book", url, "--lang", "es"]
    assert main(["book", "import", "groups", str(tmp_path / "groups.toml"), *common]) == 0
    assert main(["book", "import", "groups", str(tmp_path / "groups.toml"), *common]) == 0
    out = capsys.readouterr().out
    assert "nuevos: 3, ya registrados: 0" in out
    assert "nuevos: 0, ya registrados: 3" in out
    assert main(["book", "close", *common]) == 0
    out = capsys.readouterr().out
    assert "garantías de grupo:" in out
    assert "queda como atraso" in out
    assert main(["book", "groups", "--as-of", "2026-01-31", *common]) == 0
    out = capsys.readouterr().out
    assert "grupo G1" in out
    assert "Carmen (M001)" in out
    assert "1 garantías ejecutadas" in out
    assert "ahorro 40.00" in out
    assert "fondo de garantía: 100.00" in out
    assert main(["book", "groups", "--as-of", "2026-01-31", "--book", url, "--lang", "en"]) == 0
    assert "guarantee fund: 100.00" in capsys.readouterr().out


def test_export_and_restore_keep_the_groups_and_their_frozen_steps(
    where: Where, coop: str, tmp_path: pathlib.Path
) -> None:
    book = _book(where(), coop, tmp_path, {"M001": 5})
    book.import_groups(write(tmp_path, "groups.toml", GROUPS))
    closing = book.close()
    first = book.export(tmp_path / "export")
    assert {p.name for p in first} >= {
        "groups.csv",
        "guarantee_deposits.csv",
        "guarantee_steps.csv",
    }
    copy = Book.init(where(), coop=f"{coop}-copy", pay_delay_days=5)
    copy.restore(tmp_path / "export")
    assert copy.groups() == book.groups()
    assert copy.guarantees(closing.period) == closing.guarantees
    assert copy.guarantee_balances(closing.pay_date) == book.guarantee_balances(closing.pay_date)
    copy.export(tmp_path / "again")
    for p in first:
        if p.suffix == ".csv":
            assert (tmp_path / "again" / p.name).read_text() == p.read_text(), p.name
    book.close_connection()
    copy.close_connection()


def test_a_revenue_share_loan_in_a_group_counts_what_the_guarantee_paid(
    tmp_path: pathlib.Path,
) -> None:
    """A 40 % share is more than the 30 % check-off cap takes: the group covers the rest from the
    others' milk, and the loan's replayed standing counts it as paid (no arrears)."""
    from coopfinance.linked import RevenueSharePlan

    book = _book("sqlite://", "rs", tmp_path, {"M001": 20, "M002": 40, "M003": 40}, floor="0")
    book.add_revenue_share_loan(
        "RS1",
        "M001",
        RevenueSharePlan(
            principal="900", rate="18%", disbursed="2026-01-01", share="40%", max_periods=12
        ),
    )
    book.import_groups(write(tmp_path, "groups.toml", GROUPS))
    closing = book.close()
    (g,) = closing.guarantees
    st1 = closing.settlement.statement("M001")
    (line,) = [c for c in st1.collections if c.obligation.loan_id == "RS1"]
    assert line.short > 0
    assert g.covered("M001", "RS1") == line.short
    c = book.revenue_share("RS1")
    assert c.paid == (line.collected + line.short,)
    assert c.standings[-1].arrears == 0
    book.close_connection()


def test_a_close_that_fails_in_the_guarantee_leaves_the_book_unchanged(
    where: Where, coop: str, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guarantee is written in the close's one transaction: a fault after its steps and
    payments are written leaves no settlement, step or payment behind."""
    from coopfinance.book import _close

    book = _book(where(), coop, tmp_path, {"M001": 5, "M002": 40, "M003": 40})
    book.import_groups(write(tmp_path, "groups.toml", GROUPS))
    real = _close.apply_group_guarantees

    def failing(*args: object, **kwargs: object) -> object:
        found = real(*args, **kwargs)  # type: ignore[arg-type]
        assert found[0].steps  # written, then:
        raise RuntimeError("disk full")

    monkeypatch.setattr(_close, "apply_group_guarantees", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        book.close()
    assert book.closed_periods() == []
    assert list(book.entries("guarantee_steps")) == []
    assert len(book.account("L1").events) == 0
    monkeypatch.setattr(_close, "apply_group_guarantees", real)
    assert book.close().guarantees[0].steps
    book.close_connection()


@pytest.mark.parametrize("kind", ["level", "revenue-share"])
def test_the_journal_clears_every_milk_payable_when_a_guarantee_pays(
    tmp_path: pathlib.Path, kind: str
) -> None:
    """A guarantee's payment is journaled as a loan payment whose counterpart is cash (the
    guarantor is paid that much less): every farmer's milk payable is cleared on the pay date,
    every entry balances, and the loan receivable is what the loans (M001's L1, and RS1) still
    owe."""
    from coopfinance.linked import RevenueSharePlan

    book = _book("sqlite://", "j", tmp_path, {"M001": 20, "M002": 40, "M003": 40}, floor="0")
    loan = "L1"
    if kind == "revenue-share":
        loan = "RS1"
        book.add_revenue_share_loan(
            loan,
            "M001",
            RevenueSharePlan(
                principal="900", rate="18%", disbursed="2026-01-01", share="40%", max_periods=12
            ),
        )
    book.import_groups(write(tmp_path, "groups.toml", GROUPS))
    closing = book.close()
    assert closing.guarantees[0].covered("M001", loan) > 0
    entries = book.journal(closing.pay_date)
    assert all(e.balanced for e in entries)
    owed: dict[str, Decimal] = {}
    for e in entries:
        for x in e.lines:
            if x.role == "milk_payable":
                owed[x.farmer] = owed.get(x.farmer, Decimal(0)) + x.amount
    assert set(owed.values()) == {Decimal(0)}
    receivable = sum(
        (x.amount for e in entries for x in e.lines if x.role == "loan_member"), Decimal(0)
    )
    expected = book.account("L1").state(closing.pay_date).principal_outstanding
    if kind == "revenue-share":
        expected += book.revenue_share(loan).standing.balance
    assert receivable == expected
    book.close_connection()
