"""A generated year of a co-op like Manantial de Vida (the bundled example: 38 members and 150
suppliers, 64,866 deliveries, 42 loans, contributions deducted every fortnight) through the book:
the journal balances, the ledger ties to servicing and to the settlements, the income statement
ties to its sources, the distribution sums to the surplus, every member's contributions statement
equals the deductions on their liquidaciones, and exits net to the céntimo (issue 17)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

import pytest

from coopfinance.book import Book, BookError
from coopfinance.coop import SurplusPolicy
from coopfinance.examples import examples_dir, read_example

D = Decimal
ZERO = D(0)
YEAR_END = dt.date(2026, 12, 31)
ASSEMBLY = dt.date(2027, 3, 15)
BUYER_PRICE = D("1.55")  # illustrative plant price per litre
MONTHLY = {"transport": "2500.00", "staff": "3000.00", "chilling": "800.00",
           "borrowing-interest": "400.00", "depreciation": "500.00"}  # fmt: skip
POLICY = SurplusPolicy(contribution_interest_rate="0.05", contribution_interest_cap="0.08")


def _month_ends() -> list[dt.date]:
    return [dt.date(2026, m + 1, 1) - dt.timedelta(days=1) for m in range(1, 12)] + [YEAR_END]


@pytest.fixture(scope="module", name="year")
def fixture_year(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Book]:
    tmp = tmp_path_factory.mktemp("year")
    d = examples_dir()
    b = Book.init(f"sqlite:///{tmp / 'year.db'}", coop="manantial", name="Manantial de Vida",
                  pay_delay_days=5)  # fmt: skip
    b.import_roster(d / "farmers.csv")
    b.import_prices(d / "prices.toml")
    b.import_deliveries(io.StringIO(read_example("deliveries.csv")))  # the shipped .gz
    b.import_loans(d / "loans.toml")
    b.import_obligations(d / "obligations.csv")
    rows = ["date,kind,amount,reference,litres"]
    for p in iter(lambda: b.status().open_period, None):
        if p.start.year != 2026:
            break
        closing = b.close(p)
        litres = sum((s.litres for s in closing.settlement.statements), ZERO)
        rows.append(f"{closing.pay_date},milk-sale,{(litres * BUYER_PRICE).quantize(D('0.01'))},"
                    f"G-{p.start},{litres}")  # fmt: skip
    for end in _month_ends():
        rows += [f"{end},{k},{v},{k}-{end:%m}," for k, v in MONTHLY.items()]
    rows.append(f"{YEAR_END},provision,1000.00,prov-2026,")
    (tmp / "entries.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    b.record_entries(tmp / "entries.csv")
    yield b
    b.close_connection()


def test_the_journal_balances_and_ties_to_servicing_and_settlements(year: Book) -> None:
    accounts = year.accounts()
    periods = year.closed_periods()
    settlements = {p: year.settlement(p, with_deliveries=False) for p in periods}
    pays = {p: year.closing(p) for p in periods}
    assert all(e.balanced for e in year.journal(YEAR_END))
    # a day between a period's end and its pay date, and the quarters' ends
    for day in (
        dt.date(2026, 1, 18),
        dt.date(2026, 3, 31),
        dt.date(2026, 6, 30),
        dt.date(2026, 9, 30),
        YEAR_END,
    ):
        rows = year.trial_balance(day)
        assert sum((r.debit for r in rows), ZERO) == sum((r.credit for r in rows), ZERO)
        got = {r.role: r.balance for r in rows}
        states = [a.state(day) for _, a in accounts.values() if a.terms.disbursed <= day]
        principal = sum((s.principal_outstanding for s in states), ZERO)
        assert got.get("loan_member", ZERO) + got.get("loan_third", ZERO) == principal
        unpaid = ZERO
        for p in periods:
            pay, adjustments = pays[p]
            if p.end <= day < pay:
                unpaid += sum((x.gross for x in settlements[p].statements), ZERO)
                unpaid += sum((a.amount for a in adjustments if a.amount > 0), ZERO)
        assert -got.get("milk_payable", ZERO) == unpaid


def test_the_income_statement_ties_to_its_sources(year: Book) -> None:
    st = year.income_statement(dt.date(2026, 1, 1), YEAR_END)
    periods = year.closed_periods()
    gross = ZERO
    service = ZERO
    litres = ZERO
    for p in periods:
        s = year.settlement(p, with_deliveries=False)
        gross += sum((x.gross for x in s.statements), ZERO)
        litres += sum((x.litres for x in s.statements), ZERO)
        pay, adjustments = year.closing(p)
        gross += sum((a.amount for a in adjustments if a.amount > 0), ZERO)
        if pay <= YEAR_END:
            service += sum(
                (c.collected for x in s.statements for c in x.collections
                 if c.obligation.kind.value == "service-charge"), ZERO)  # fmt: skip
    assert st.line("milk_cost") == gross
    assert st.line("service_income") == service
    interest = ZERO
    for _, a in year.accounts().values():
        state = a.state(YEAR_END)
        interest += state.paid.interest + state.interest_due + state.written_off.interest
        interest += state.waived.interest
    assert st.line("loan_interest") == interest
    assert st.line("staff") == D("36000.00")
    assert st.line("provisions") == D("1000.00")
    assert st.litres_members + st.litres_third == litres
    assert st.result == st.total_income - st.total_costs
    assert st.result > 0


def test_the_distribution_sums_to_the_surplus_and_is_credited(year: Book) -> None:
    dist = year.distribute(2026, ASSEMBLY, POLICY)
    d = dist.distribution
    assert d.total == dist.statement.result
    assert d.third_party_reserve == max(dist.statement.third_party_result, ZERO)
    members = {f for f, m in year.memberships().items() if m.member_role}
    assert {f for f, _ in d.patronage} == members
    assert year.distribution(2026).distribution == d
    rows = {r.role: r.balance for r in year.trial_balance(ASSEMBLY)}
    assert -rows["surplus_payable"] == sum((v for _, v in d.interest + d.patronage), ZERO)
    assert -rows["reserve"] == d.reserve + d.third_party_reserve
    for farmer, interest in d.interest:
        statement = year.contributions(farmer, ASSEMBLY)
        assert statement.interest == interest
        assert statement.payable == interest + dict(d.patronage)[farmer]
        capital = dict(dist.contributions)[farmer]
        assert interest <= (capital * D("0.05")).quantize(D("0.01")) + D("0.01")
    with pytest.raises(BookError, match="already distributed"):
        year.distribute(2026, ASSEMBLY, POLICY)


def test_contributions_equal_the_deductions_on_the_liquidaciones(year: Book) -> None:
    deducted: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for p in year.closed_periods():
        for s in year.settlement(p, with_deliveries=False).statements:
            deducted[s.farmer] += sum(
                (c.collected for c in s.collections if c.obligation.kind.value.endswith("savings")),
                ZERO,
            )
    for farmer, m in year.memberships().items():
        if m.member_role:
            # dated the pay date: the last fortnight's on 5 January
            assert year.contributions(farmer, dt.date(2027, 1, 5)).capital == deducted[farmer]


def _farmer_balance(book: Book, farmer: str, role: str, day: dt.date) -> Decimal:
    return sum(
        (
            x.amount
            for e in book.journal(day)
            for x in e.lines
            if x.farmer == farmer and x.role == role
        ),
        ZERO,
    )


@pytest.mark.parametrize(
    ("when", "write_off"), [(dt.date(2027, 1, 5), False), (dt.date(2027, 3, 20), True)]
)
def test_exit_nets_to_the_centimo(year: Book, when: dt.date, write_off: bool) -> None:
    if not list(year.entries("distributions")):  # when run alone
        year.distribute(2026, ASSEMBLY, POLICY)
    loans = {farmer for farmer, _ in year.accounts().values()}
    taken = {r["farmer"] for r in year.entries("liquidations")}
    farmer = next(
        f for f, m in sorted(year.memberships().items())
        if m.member_role and m.exit is None and f in loans and f not in taken
    )  # fmt: skip
    year.exit(farmer, "renuncia" if not write_off else "death", YEAR_END, "test")
    before = year.contributions(farmer, when)
    liq = year.liquidate(farmer, when, write_off=write_off)
    assert liq.refund == before.capital
    assert liq.pending == before.payable
    assert liq.refund + liq.pending + liq.milk - liq.debts == liq.paid_out - liq.left_owed
    if when == dt.date(2027, 1, 5):
        assert liq.milk > 0  # the last fortnight's net, held for the liquidación
    assert year.liquidation(farmer) == liq
    assert _farmer_balance(year, farmer, "member_payable", liq.date) == 0
    after = year.contributions(farmer, liq.date)
    assert (after.capital, after.payable) == (ZERO, ZERO)
    for loan_id, _, left in liq.loans:
        state = year.account(loan_id).state(liq.date)
        assert state.payoff.total == (ZERO if write_off else left)
    assert liq.receivable == (ZERO if write_off else liq.left_owed)
    rows = year.trial_balance(liq.date)
    assert sum((r.debit for r in rows), ZERO) == sum((r.credit for r in rows), ZERO)
    assert year.members()[farmer].left == YEAR_END


@pytest.mark.parametrize("lang", ["es", "en", "pt_BR"])
def test_the_assembly_document_reconciles_and_speaks_one_language(year: Book, lang: str) -> None:
    if not list(year.entries("distributions")):  # when run alone
        year.distribute(2026, ASSEMBLY, POLICY)
    d = year.distribution(2026).distribution
    for fmt in ("md", "html"):
        text = year.assembly_document(2026, lang=lang, fmt=fmt)
        assert isinstance(text, str)
        note = {"es": "La distribución suma el remanente al céntimo.",
                "en": "The distribution adds up to the surplus to the céntimo.",
                "pt_BR": "A distribuição soma as sobras ao centavo."}[lang]  # fmt: skip
        assert note in text
        if lang == "es":
            assert "Remanente del ejercicio" in text
            assert "Total distributed" not in text
        member = d.patronage[0][0]
        assert member in text
    farmer = d.interest[0][0]
    statement = year.contributions_document(farmer, ASSEMBLY, lang=lang)
    assert isinstance(statement, str)
    assert {"es": "Estado de aportaciones", "en": "Statement of contributions",
            "pt_BR": "Extrato de cotas-partes"}[lang] in statement  # fmt: skip
    for r in year.entries("liquidations"):
        doc = year.liquidation_document(r["farmer"], lang=lang, fmt="html")
        assert isinstance(doc, str)
        assert r["farmer"] in doc


@pytest.mark.skipif(importlib.util.find_spec("weasyprint") is None, reason="WeasyPrint missing")
def test_the_assembly_document_prints_as_pdf(year: Book) -> None:
    if not list(year.entries("distributions")):  # when run alone
        year.distribute(2026, ASSEMBLY, POLICY)
    pdf = year.assembly_document(2026, lang="es", fmt="pdf")
    assert isinstance(pdf, bytes)
    assert pdf.startswith(b"%PDF-")
