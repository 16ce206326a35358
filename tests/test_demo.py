"""``coopfinance demo`` runs end to end on the bundled example, through a SQLite book, and every link
of its index resolves; every figure agrees across the documents rendered from that book.

The demo takes seconds: every test here shares one run of the command (the ``demo`` fixture).
"""

from __future__ import annotations

import calendar
import contextlib
import html
import io
import pathlib
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs
import pytest

from coopfinance import LoanTerms, _demo
from coopfinance._demo import DemoResult
from coopfinance.book import Book, Closing
from coopfinance.cli import main
from coopfinance.dairy import ObligationKind
from coopfinance.documents import format_money
from coopfinance.errors import InvalidValue
from coopfinance.examples import YEAR, load, read_example
from coopfinance.plans import BusinessPlan, MonthlyProduction, report


@attrs.frozen
class DemoRun:
    """One run of ``coopfinance demo OUTDIR --lang en``: exit code, stdout, stderr, the result."""

    code: int
    out: str
    err: str
    result: DemoResult
    outdir: pathlib.Path


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    outdir = tmp_path_factory.mktemp("demo") / "out"
    results: list[DemoResult] = []
    real = _demo.run_demo

    def recording(*args: Any, **kwargs: Any) -> DemoResult:
        result = real(*args, **kwargs)
        results.append(result)
        return result

    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stderr(err):
        mp.setattr(_demo, "run_demo", recording)
        code = main(["demo", str(outdir), "--lang", "en"], out=out, err=err)
    return DemoRun(code, out.getvalue(), err.getvalue(), results[0], outdir)


def test_demo_writes_documents_and_an_index_whose_links_resolve(demo: DemoRun) -> None:
    result = demo.result
    index = (demo.outdir / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+)"', index)
    assert all((demo.outdir / link).is_file() for link in links)
    # three documents per loan, 24 fortnights, every farmer's last statement, the portfolio,
    # the plan, the training report and a worksheet per participant
    assert len(links) >= 3 * result.loans + 24 + 188 + 3
    for page in (
        "portfolio.html",
        "plan.html",
        "training/report.html",
        "accounts/year-accounts.html",
        "coop.db",
        "inputs/deliveries.csv",
    ):
        assert page in links
    assert any("installments collected in the settlements" in c for c in result.checks)
    assert not re.search(r'(href|src)="https?:', index)  # nothing fetched from the network
    assert re.search(r"\[ *\d+\.\d s\] loaded", demo.err)
    assert "book: 24 fortnights closed" in demo.err
    coop = load()
    assert result.total_lent == sum(
        (loan.terms.principal.amount for loan in coop.loans), Decimal(0)
    )


def test_a_late_loans_statement_says_what_happened(demo: DemoRun) -> None:
    """The loan officer's note (``loan-notes.csv``) is on the statement of each loan in trouble."""
    coop = load()
    troubled = [loan for loan in coop.loans if loan.note]
    assert troubled
    for loan in troubled:
        page = (demo.outdir / "loans" / f"{loan.id}-statement.html").read_text(encoding="utf-8")
        assert "What happened" in page
        assert html.escape(loan.note) in page, loan.id
    quiet = (demo.outdir / "loans" / "L001-statement.html").read_text(encoding="utf-8")
    assert "What happened" not in quiet or "L001" in {loan.id for loan in troubled}


def test_demo_command(demo: DemoRun) -> None:
    assert demo.code == 0
    assert "ok  45 schedules repay exactly the principal lent" in demo.out
    assert (demo.outdir / "loans" / "L001-key-facts.html").is_file()


def test_example_data_is_consistent() -> None:
    coop = load()
    ids = [f.id for f in coop.farmers]
    assert len(ids) == len(set(ids)) == 188
    assert sum(f.is_member for f in coop.farmers) == 38
    assert all(1 <= f.cows <= 10 for f in coop.farmers)
    assert {loan.farmer for loan in coop.loans} <= set(ids)


_FIGURE = re.compile(
    r'<tr class="story-figure"><th scope="row">(.*?)</th>\s*<td class="figure">(.*?)</td>\s*'
    r'<td><a class="source" href="(.*?)"',
    re.S,
)


def test_the_index_leads_with_figures_each_equal_in_the_document_it_links_to(
    demo: DemoRun,
) -> None:
    """Every figure of the story (litres, the co-op's price against the intermediary's,
    installments collected at source, repayment, PAR30) is printed, to the digit, in the document
    its row links to (a settlement summary shows amounts in its tables without the currency)."""
    index = (demo.outdir / "index.html").read_text(encoding="utf-8")
    figures = _FIGURE.findall(index)
    assert len(figures) >= 8
    assert index.index('class="story-figure"') < index.index("loans/L001-schedule.html")
    for label, value, href in figures:
        document = (demo.outdir / href).read_text(encoding="utf-8")
        bare = value.removeprefix("S/").strip().replace("\xa0", "")
        assert value in document or f">{bare}<" in document, (label, value, href)


def test_portfolio_at_risk_is_in_the_range_of_peruvian_rural_lenders(demo: DemoRun) -> None:
    """PAR30 between 4 % and 9 %: Asbanc on SBS data (Nov 2017) puts the agricultural portfolio's
    morosidad at 6.29 % for cajas rurales and 8.83 % for cajas municipales; a check-off lender
    sits near the lower end (shared/reference/peru-regulation-and-coop-accounts.md §1.8)."""
    index = (demo.outdir / "index.html").read_text(encoding="utf-8")
    par = {label: value for label, value, _ in _FIGURE.findall(index)}
    value = Decimal(par["Portfolio at risk, more than 30 days"].rstrip("%"))
    assert Decimal(4) <= value <= Decimal(9), value


def test_a_missed_pickup_is_a_day_the_farm_had_milk_and_dry_days_are_apart(
    demo: DemoRun,
) -> None:
    """A one-cow farm whose cow is dry, or a member who sold the herd, is not a missed pickup."""
    coop = load()
    missed, dry = _demo._missed(coop)
    assert missed
    assert dry
    assert all(coop.herds[m.farmer].litres(m.date) > 0 for m in missed)
    assert all(coop.herds[m.farmer].litres(m.date) == 0 for m in dry)
    leaver = next(loan.farmer for loan in coop.loans if "retiró" in loan.note)
    assert not [m for m in missed if m.farmer == leaver and m.date.month >= 9]
    assert any("missed pickups, each on a day the farm had milk" in c for c in demo.result.checks)
    index = (demo.outdir / "index.html").read_text(encoding="utf-8")
    assert f"<td>{len(missed):,}</td>" in index
    assert f"<td>{len(dry):,}</td>" in index


def _money(value: Decimal) -> str:
    return format_money(value, "PEN", lang="en")


def test_the_demo_runs_through_a_book_made_of_its_input_files(demo: DemoRun) -> None:
    """``OUTDIR/inputs`` holds the files the book imported (the deliveries as plain CSV, to edit);
    the book holds every delivery of them, the 24 closed fortnights and the year's distribution."""
    inputs = demo.outdir / "inputs"
    text = (inputs / "deliveries.csv").read_text(encoding="utf-8")
    assert text == read_example("deliveries.csv")
    book = Book.open(demo.outdir / "coop.db")
    try:
        status = book.status()
        assert status.deliveries == len(text.splitlines()) - 1
        periods = book.closed_periods()
        assert len(periods) == 24
        assert (periods[0].start, periods[-1].end) == (YEAR.start, YEAR.end)
        year = book.distribution(YEAR.end.year)
        assert year.distribution.total == year.statement.result > 0
    finally:
        book.close_connection()
    manifest = (demo.outdir / _demo.MANIFEST).read_text(encoding="utf-8")
    assert '"inputs/loans.toml"' in manifest
    assert '"coop.db"' in manifest


def test_a_rerun_from_the_inputs_folder_reads_them_in_place(tmp_path: pathlib.Path) -> None:
    """``--from OUTDIR/inputs`` copies nothing: the user's edits are what the book imports."""
    folder = tmp_path / "inputs"
    folder.mkdir()
    out = _demo._Out(tmp_path)
    for name in _demo.INPUT_FILES:
        (folder / name).write_text(f"edited {name}\n", encoding="utf-8")
    assert _demo._copy_inputs(folder, out) == folder
    assert (folder / "loans.toml").read_text(encoding="utf-8") == "edited loans.toml\n"
    assert len(out.files) == len(_demo.INPUT_FILES)
    (folder / "entries.csv").unlink()
    with pytest.raises(InvalidValue, match=r"has no 'entries\.csv'"):
        _demo._copy_inputs(folder, _demo._Out(tmp_path))


def test_every_figure_agrees_across_the_demos_documents(demo: DemoRun) -> None:
    """The cross-document agreement test of the book (tests/book/test_book_documents.py) on the
    demo's own book: for every fortnight, each farmer's liquidación has the summary's milk value
    and net, and the liquidaciones' deductions add up to the summary's by kind; the last
    fortnight's liquidaciones the demo wrote print that milk value; each loan's statement the demo
    wrote prints the balance of the portfolio report, with the same arrears and days late; the
    next installment on a statement is a row of its key-facts sheet."""
    book = Book.open(demo.outdir / "coop.db")
    try:
        # the book's documents, each frozen settlement read once (as the demo reads them)
        docs = book.documents(YEAR.end)
        periods = book.closed_periods()
        for period in periods:
            summary = docs.summary(period)
            by_kind: dict[str, Decimal] = {}
            for row in summary["farmers"]:
                liq = docs.liquidacion(row["id"], period)
                assert (liq["gross"], liq["net"]) == (row["gross"], row["net"]), row["id"]
                for r in liq["rows"]:
                    by_kind[r["kind"]] = by_kind.get(r["kind"], Decimal(0)) + r["collected"]
                if period == periods[-1]:
                    page = demo.outdir / "settlements" / "last" / f"{row['id']}.html"
                    written = page.read_text(encoding="utf-8")
                    assert _money(liq["gross"]) in written, row["id"]
                    assert _money(liq["payable"]) in written, row["id"]
            for kind in summary["kinds"]:
                assert by_kind.get(kind["kind"], Decimal(0)) == kind["collected"], kind
        lines = {line["id"]: line for line in docs.portfolio()["loans"]}
        portfolio_page = (demo.outdir / "portfolio.html").read_text(encoding="utf-8")
        for loan_id in book.accounts():
            st = docs.loan_statement(loan_id, lang="en")
            line = lines[loan_id]
            assert st["principal_outstanding"] == line["outstanding"]
            assert st["arrears"] == line["arrears"], loan_id
            assert st["days_past_due"] == line["days_past_due"]
            written = (demo.outdir / "loans" / f"{loan_id}-statement.html").read_text("utf-8")
            if st["principal_outstanding"]:
                assert _money(st["principal_outstanding"]) in written, loan_id
            assert loan_id in portfolio_page
            facts = docs.key_facts(loan_id)
            if st["next_installment"] is not None:
                assert st["next_installment"]["amount"] in {r["total"] for r in facts["rows"]}
    finally:
        book.close_connection()


def _rows(terms: LoanTerms) -> int:
    return sum(1 for r in terms.schedule() if r.number > 0)


def test_the_business_plan_is_the_coops_own_from_the_books_figures(demo: DemoRun) -> None:
    """``plan-manantial.<lang>.toml`` (the plan the demo renders) is Manantial de Vida's own: its
    members are the book's members, its investment and loan are the book's loans (the alfalfa
    they pay for), and each recorded month of 2026 is the borrowers' litres a day in the book's
    settlements of that month; the Spanish, English and Portuguese files hold the same figures."""
    plan = BusinessPlan.from_file(demo.outdir / "inputs" / "plan-manantial.en.toml")
    book = Book.open(demo.outdir / "coop.db")
    try:
        members = [f for f, m in book.memberships().items() if m.is_member(YEAR.start)]
        assert plan.enterprise.members == len(members) == 38
        accounts = book.accounts()
        lent = sum((a.terms.principal.amount for _, a in accounts.values()), Decimal(0))
        assert plan.financing.loan is not None
        assert plan.financing.loan.principal.amount == plan.total_investment == lent
        assert _rows(plan.financing.loan) == max(_rows(a.terms) for _, a in accounts.values())
        borrowers = {f for f, _ in accounts.values()}
        by_month: dict[int, Decimal] = {}
        for period in book.closed_periods():
            litres = sum(
                (st.litres for st in book.settlement(period).statements if st.farmer in borrowers),
                Decimal(0),
            )
            by_month[period.start.month] = by_month.get(period.start.month, Decimal(0)) + litres
    finally:
        book.close_connection()
    production = plan.with_plan.production
    assert isinstance(production, MonthlyProduction)
    for k, month in enumerate(range(3, 13)):  # the plan starts in March 2026
        days = calendar.monthrange(2026, month)[1]
        expected = (by_month[month] / days).quantize(Decimal("0.1"), ROUND_HALF_UP)
        assert production.litres_per_day[k] == expected, month
    january = (by_month[1] / 31).quantize(Decimal("0.1"), ROUND_HALF_UP)
    december = (by_month[12] / 31).quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert f"from {january:,} to {december:,} litres a day" in plan.enterprise.objectives[1]
    assert december > january  # the alfalfa raised the borrowers' milk
    page = (demo.outdir / "plan.html").read_text(encoding="utf-8")
    assert html.escape(plan.title) in page
    evaluated = report(plan)
    assert evaluated.economic.npv > 0
    for lang in ("es", "pt_BR"):
        other = report(
            BusinessPlan.from_file(demo.outdir / "inputs" / f"plan-manantial.{lang}.toml")
        )
        assert (other.economic.npv, other.financial.npv, other.economic.irr) == (
            evaluated.economic.npv,
            evaluated.financial.npv,
            evaluated.economic.irr,
        ), lang


def test_training_outcomes_are_the_books_repayment_and_savings_records(demo: DemoRun) -> None:
    """The training report's outcome indicators come from the book: an installment is on time
    when the settlement paid on its due date collected all that was due on the loan (nothing
    short); the savings are the members' contributions the settlements collected by the course's
    last session and by the year's end. Derived here from the book's frozen settlements, they are
    the records the demo used; the completion rate on the index is the report's."""
    coop = load()
    cohort = coop.cohort
    end = _demo.course_end(cohort)
    book = Book.open(demo.outdir / "coop.db")
    try:
        accounts = book.accounts()
        due_dates = {
            loan_id: {r.due_date for r in a.terms.schedule() if r.number > 0}
            for loan_id, (_, a) in accounts.items()
        }
        counts: dict[tuple[str, str], list[Any]] = {
            (p.id, k): [0, 0, Decimal(0)] for p in cohort.participants for k in ("before", "after")
        }
        closings = []
        for period in book.closed_periods():
            pay_date, adjustments = book.closing(period)
            settlement = book.settlement(period, with_deliveries=False)
            closings.append(
                Closing(
                    period=period,
                    pay_date=pay_date,
                    settlement=settlement,
                    payments={},
                    adjustments=adjustments,
                )
            )
            for st in settlement.statements:
                for k in ("before", "after"):
                    if (st.farmer, k) not in counts or (k == "before" and pay_date > end):
                        continue
                    tally = counts[st.farmer, k]
                    for col in st.collections:
                        if col.obligation.kind is ObligationKind.COMPULSORY_SAVINGS:
                            tally[2] += col.collected
                        loan_id = col.obligation.loan_id
                        if (
                            loan_id is not None
                            and pay_date in due_dates[loan_id]
                            and (k == "after") == (pay_date > end)
                        ):
                            tally[0] += 1
                            tally[1] += col.short == 0
        records = _demo.outcome_records(cohort, accounts, closings)
    finally:
        book.close_connection()
    for r in records:
        due, on_time, savings = counts[r.participant, r.period.value]
        assert (r.installments_due, r.installments_on_time, r.savings) == (due, on_time, savings), r
    indicators = cohort.outcomes(records)
    assert indicators.on_time_before is not None
    assert indicators.on_time_after is not None
    assert indicators.on_time_after >= Decimal(90)  # the check-off collects nearly every one
    index = (demo.outdir / "index.html").read_text(encoding="utf-8")
    figures = {label: value for label, value, _ in _FIGURE.findall(index)}
    report = (demo.outdir / "training" / "report.html").read_text(encoding="utf-8")
    completion = figures["Borrowers who completed the course (every module)"]
    done = sum(p.completed for p in cohort.progress_all())
    assert completion == f"{Decimal(done) / len(cohort.participants) * 100:.2f}%"
    assert completion in report
    assert (
        figures["Installments paid on time, after the course"] == f"{indicators.on_time_after:.2f}%"
    )


def test_each_fortnight_has_a_payment_roll_equal_to_the_liquidaciones(demo: DemoRun) -> None:
    """The planilla de pagos of every fortnight (the book's ``payment_roll``) totals the
    summary's net plus the earlier fortnights' increases settled with it; the demo writes the last
    fortnight's (as it writes that fortnight's liquidaciones), linked from the index, where every
    farmer's row is the ``payable`` of their liquidación, printed on the roll."""
    index = (demo.outdir / "index.html").read_text(encoding="utf-8")
    book = Book.open(demo.outdir / "coop.db")
    try:
        docs = book.documents(YEAR.end)
        periods = book.closed_periods()
        for period in periods:
            href = f"settlements/{period.start.isoformat()}-payment-roll.html"
            assert (f'href="{href}"' in index) == (period == periods[-1])
            roll = docs.payment_roll(period)
            summary = docs.summary(period)
            _, adjustments = book.closing(period)
            raised = sum((a.amount for a in adjustments if a.amount > 0), Decimal(0))
            assert roll["total"] == summary["totals"]["net"] + raised
            assert roll["count"] == summary["summary"].farmers == len(summary["farmers"])
        last = periods[-1]
        roll = docs.payment_roll(last)
        page = (demo.outdir / f"settlements/{last.start.isoformat()}-payment-roll.html").read_text(
            encoding="utf-8"
        )
        assert _money(roll["total"]) in page
        members = book.members()
        for route in roll["routes"]:
            assert route["total"] == sum((r["net"] for r in route["rows"]), Decimal(0))
            for row in route["rows"]:
                assert members[row["id"]].route == route["route"]
                assert row["net"] == docs.liquidacion(row["id"], last)["payable"], row["id"]
                assert f"{row['id']} — {html.escape(row['name'])}" in page
                assert f">{_money(row['net']).removeprefix('S/').strip()}<" in page, row["id"]
    finally:
        book.close_connection()


def test_litres_and_quality_by_route_are_the_books(demo: DemoRun) -> None:
    """Each summary's routes add up to its litres; in the last fortnight each route's litres,
    total solids and cooled share, recomputed here from the book's deliveries and roster, are the
    summary's, and the summary page prints them."""
    book = Book.open(demo.outdir / "coop.db")
    try:
        docs = book.documents(YEAR.end)
        periods = book.closed_periods()
        for period in periods:
            routes = docs.routes(period)
            assert (
                sum((r["litres"] for r in routes), Decimal(0))
                == (docs.summary(period)["totals"]["litres"])
            )
        last = periods[-1]
        settlement = book.settlement(last)
        route_of = {f: m.route for f, m in book.members().items()}
        page = (demo.outdir / f"settlements/{last.start.isoformat()}-summary.html").read_text(
            encoding="utf-8"
        )
        for r in docs.routes(last):
            mine = [d for d in settlement.deliveries if route_of[d.farmer] == r["route"]]
            litres = sum((d.litres for d in mine), Decimal(0))
            assert litres == r["litres"]
            solids = sum((d.litres * d.quality.total_solids for d in mine if d.quality), Decimal(0))
            assert (solids / litres).quantize(Decimal("0.01"), ROUND_HALF_UP) == r["total_solids"]
            cooled = sum((d.litres for d in mine if d.quality and d.quality.cooled), Decimal(0))
            assert (cooled / litres).quantize(Decimal("0.0001"), ROUND_HALF_UP) == r["cooled"]
            assert f'<th scope="row">{r["route"]}</th>' in page
            assert f">{r['total_solids']}<" in page
    finally:
        book.close_connection()


def test_a_seasonal_loans_key_facts_give_the_installments_range_not_one_figure(
    demo: DemoRun,
) -> None:
    """A seasonal loan's installments differ (weights from the forecast): its key-facts sheet
    gives the lowest and highest row total of the book's schedule (each row is in the schedule
    below) instead of one amount that no row has."""
    coop = load()
    book = Book.open(demo.outdir / "coop.db")
    try:
        accounts = book.accounts()
    finally:
        book.close_connection()
    seasonal = [loan.id for loan in coop.loans if loan.plan == "seasonal"]
    assert seasonal
    for loan_id in seasonal:
        schedule = accounts[loan_id][1].terms.schedule()
        totals = [row.total for row in schedule]
        assert schedule.installment_amount not in totals
        page = (demo.outdir / "loans" / f"{loan_id}-key-facts.html").read_text(encoding="utf-8")
        assert f"from {_money(min(totals))} to {_money(max(totals))}" in page, loan_id
        assert f"<td>{_money(schedule.installment_amount)}</td>" not in page


def test_revenue_share_loans_are_collected_from_the_milk_in_the_book(demo: DemoRun) -> None:
    """The example's revenue-share loans (``linked-loans.toml``) are in the book; what each has
    been paid is what the frozen settlements collected for it, and the index and the loan's
    statement print it."""
    index = (demo.outdir / "index.html").read_text(encoding="utf-8")
    book = Book.open(demo.outdir / "coop.db")
    try:
        loans = book.revenue_share_loans()
        assert sorted(loans) == ["R001", "R002", "R003"]
        collected = dict.fromkeys(loans, Decimal(0))
        for period in book.closed_periods():
            for st in book.settlement(period, with_deliveries=False).statements:
                for col in st.collections:
                    if col.obligation.loan_id in collected:
                        assert loans[col.obligation.loan_id][0] == st.farmer
                        collected[col.obligation.loan_id] += col.collected
        for loan_id, (_farmer, plan) in loans.items():
            paid = book.revenue_share(loan_id).total_paid
            assert paid == collected[loan_id] > 0
            assert paid >= plan.principal  # repaid within the year, interest on top
            assert f'<td class="money">{_money(paid)}</td>' in index
            page = (demo.outdir / "loans" / f"{loan_id}-revenue-share.html").read_text("utf-8")
            assert _money(paid) in page
            assert f'href="loans/{loan_id}-revenue-share.html"' in index
    finally:
        book.close_connection()


def test_the_solidarity_groups_guarantee_covers_from_the_members_milk_within_their_floor(
    demo: DemoRun,
) -> None:
    """The group's guarantee (in memory: the book's close does not post it yet) on the book's
    settlements: each fortnight's new shortfall is what the others' milk, then the savings,
    cover plus what stays short; no guarantor gives more than their net above the floor."""
    groups = _demo._linked(demo.outdir / "inputs").groups
    assert [g.id for g in groups] == ["G01"]
    book = Book.open(demo.outdir / "coop.db")
    try:
        closings = []
        for period in book.closed_periods():
            pay_date, adjustments = book.closing(period)
            settlement = book.settlement(period, with_deliveries=False)
            closings.append(
                Closing(period=period, pay_date=pay_date, settlement=settlement, payments={},
                        adjustments=adjustments)
            )  # fmt: skip
    finally:
        book.close_connection()
    rows = _demo._guarantees(groups, closings)
    assert rows  # the member who lost the irrigation turn falls short from August
    by_start = {c.settlement.period.start: c.settlement for c in closings}
    for r in rows:
        assert r["milk"] + r["savings"] + r["uncovered"] == r["short"]
        settlement = by_start[r["period"].start]
        room = sum(
            (max(st.net - st.floor, Decimal(0)) for st in settlement.statements
             if st.farmer in r["members"]),
            Decimal(0),
        )  # fmt: skip
        assert r["milk"] <= room
    index = (demo.outdir / "index.html").read_text(encoding="utf-8")
    assert _money(rows[0]["short"]) in index
