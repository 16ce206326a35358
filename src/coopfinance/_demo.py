"""``coopfinance demo``: the whole season of the bundled example co-op, run through a book and
written as documents.

This module orchestrates the library (layer 10 with the CLI): it writes the example's input files
to ``outdir/inputs``, records them in a SQLite book (``outdir/coop.db``: roster, prices, deliveries,
loans, obligations), closes the year's 24 fortnights (the installments deducted at source, with
the members' contributions and input advances), records the plant's payment for the milk and the
co-op's own costs, distributes the year's remanente (LGC art. 42), and renders every document from
that book (:meth:`Book.documents`): the fortnights' summaries, the last fortnight's liquidaciones,
each loan's schedule, key-facts sheet and statement, the portfolio at year end, the year's accounts
for the assembly, the training worksheets with each member's own figures; then the business plan
of the alfalfa expansion and a Monte Carlo stress test of the book's loans against milk price and
yield. Progress goes to a callback so the CLI can print it; nothing here prints.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import json
import tomllib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from coopfinance import text
from coopfinance._decimal import ZERO, exact
from coopfinance._files import write_atomic
from coopfinance.book import Book, BookDocuments, Closing, Membership
from coopfinance.coop import SurplusPolicy
from coopfinance.cost import cost_of_credit
from coopfinance.dairy import (
    MissedPickup,
    ObligationKind,
    SettlementFrequency,
    missed_pickups,
    periods_between,
)
from coopfinance.documents import (
    KeyFacts,
    format_date,
    format_money,
    format_number,
    format_percent,
    key_facts_context,
    rate_label,
    render,
    render_plan,
    render_training_report,
    render_worksheet,
    schedule_context,
    training_report_context,
)
from coopfinance.errors import E_, InvalidValue
from coopfinance.examples import (
    PLAN_FILES,
    YEAR,
    ExampleCoop,
    examples_dir,
    load,
    read_example,
)
from coopfinance.linked import (
    GuaranteeSource,
    Portfolio,
    PortfolioLoan,
    RevenueSharePlan,
    SolidarityGroup,
    cover,
    simulate,
)
from coopfinance.plans import BusinessPlan, report
from coopfinance.servicing import LoanAccount, Payment
from coopfinance.training import LANGUAGES as TRAINING_LANGUAGES
from coopfinance.training import Cohort, OutcomeRecord, worksheet

__all__ = ["MANIFEST", "DemoResult", "run_demo"]

Progress = Callable[[str], None]
_YEAR_END = YEAR.end
INPUTS = "inputs"
"""The folder of ``outdir`` the demo writes its input files to (edit one, run again)."""
INPUT_FILES = (
    "farmers.csv",
    "herds.csv",
    "prices.toml",
    "deliveries.csv",
    "loans.toml",
    "loan-notes.csv",
    "obligations.csv",
    "entries.csv",
    "cohort.toml",
    "pickup-plan.toml",
    "linked-loans.toml",
    "plan-alfalfa.toml",
    *PLAN_FILES,
)
BOOK = "coop.db"
YEAR_ACCOUNTS = "accounts/year-accounts.html"
TRAINING_REPORT = "training/report.html"
BUYER_PRICE = Decimal("1.37")
"""What the plant pays the co-op for a litre (illustrative): one sale per fortnight's milk."""
ASSEMBLY = dt.date(YEAR.end.year + 1, 3, 15)
"""The general assembly that approves the year's accounts and distributes the remanente."""
SURPLUS = SurplusPolicy(contribution_interest_rate="0.05", contribution_interest_cap="0.08")
"""5 % interest on the members' contributions, under a statute's cap of 8 % (LGC art. 5)."""
MANIFEST = ".coopfinance-demo.json"
"""The list of files the demo wrote, kept in its folder: a later run may replace those, and
refuses a folder holding anything else."""


@attrs.frozen(slots=True, kw_only=True)
class DemoResult:
    """What the demo wrote and the figures it checked."""

    outdir: Path
    files: tuple[Path, ...]
    loans: int
    total_lent: Decimal
    checks: tuple[str, ...]
    """Reconciliations that passed, in words."""


class _Out:
    """The demo's folder: every file written atomically (temporary file, then rename) and listed in
    the manifest."""

    def __init__(self, root: Path, on_file: Callable[[Path], None] | None = None) -> None:
        self.root = root
        self.files: list[Path] = []
        self._on_file = on_file

    def write(self, relative: str, data: str | bytes) -> str:
        path = self.root / relative
        write_atomic(path, data, field="outdir")
        self.files.append(path)
        if self._on_file is not None:
            self._on_file(path)
        return relative

    def check(self) -> None:
        """Refuse a folder that holds anything the demo did not write (its manifest says what)."""
        if self.root.exists() and not self.root.is_dir():
            raise InvalidValue(
                E_(
                    "'outdir' %(root)s is a file, not a folder; choose a new folder.",
                    root=repr(str(self.root)),
                ),
                field="outdir",
                value=str(self.root),
            )
        if not self.root.is_dir():
            return
        ours = set(self._manifest())
        strangers = sorted(
            str(p.relative_to(self.root))
            for p in self.root.rglob("*")
            if not p.is_dir() and p.name != MANIFEST and str(p.relative_to(self.root)) not in ours
        )
        if strangers:
            more = f" and {len(strangers) - 3} more" if len(strangers) > 3 else ""
            raise InvalidValue(
                E_(
                    "'outdir' %(root)s holds files the demo did not write "
                    "(%(strangers)s%(more)s); choose an empty or new folder.",
                    root=repr(str(self.root)),
                    strangers=", ".join(strangers[:3]),
                    more=more,
                ),
                field="outdir",
                value=str(self.root),
            )

    def _manifest(self) -> list[str]:
        try:
            data = json.loads((self.root / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        files = data.get("files") if isinstance(data, dict) else None
        return [str(f) for f in files] if isinstance(files, list) else []

    def save_manifest(self) -> None:
        """Write the manifest last: the files of this run, relative to the folder."""
        names = sorted(str(p.relative_to(self.root)) for p in self.files)
        write_atomic(
            self.root / MANIFEST, json.dumps({"files": names}, indent=0) + "\n", field="outdir"
        )


def _plan(coop: ExampleCoop, lang: str) -> BusinessPlan:
    """The co-op's own plan in ``lang`` (``plan-manantial.<lang>.toml``: the alfalfa its
    seed-capital loans pay for, from its own figures, in that language's words), else the English
    one, else the generic ``plan-alfalfa.toml`` of a folder that has neither."""
    for name in (f"plan-manantial.{lang}.toml", "plan-manantial.en.toml"):
        if (own := coop.directory / name).is_file():
            return BusinessPlan.from_file(own)
    return coop.plan


def _check(condition: bool, message: str, checks: list[str] | None = None) -> None:
    """Stop the demo if a reconciliation fails; record it in ``checks`` (the summary) if given."""
    if not condition:
        raise AssertionError(f"demo reconciliation failed: {message}")
    if checks is not None:
        checks.append(message)


def _copy_inputs(source: Path, out: _Out) -> Path:
    """Write the season's input files into ``outdir/inputs`` (the deliveries as plain CSV, to
    edit) and return that folder. When the inputs come from that folder already (``--from
    OUTDIR/inputs``), nothing is copied: the user's edits are what the book imports."""
    target = out.root / INPUTS
    same = target.resolve() == source.resolve()
    for name in INPUT_FILES:
        relative = f"{INPUTS}/{name}"
        if same:
            if not (target / name).is_file():
                raise InvalidValue(
                    E_(
                        "'inputs' %(source)s has no %(name)s.",
                        source=repr(str(source)),
                        name=repr(name),
                    ),
                    field="inputs",
                    value=name,
                )
            out.files.append(target / name)
        elif name == "deliveries.csv" or (source / name).is_file():
            out.write(relative, read_example(name, source))
    return target


@attrs.frozen(slots=True, kw_only=True)
class _LinkedLoans:
    """``linked-loans.toml``: revenue-share loans ``(id, farmer, purpose, plan)`` and solidarity
    groups."""

    revenue_share: tuple[tuple[str, str, str, RevenueSharePlan], ...] = ()
    groups: tuple[SolidarityGroup, ...] = ()


def _linked(inputs: Path) -> _LinkedLoans:
    """The milk-linked loans of ``inputs/linked-loans.toml`` (none when the file is absent)."""
    path = inputs / "linked-loans.toml"
    if not path.is_file():
        return _LinkedLoans()
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    loans = []
    for row in data.get("revenue_share", []):
        body = dict(row)
        loan_id, farmer, purpose = body.pop("id"), body.pop("farmer"), body.pop("purpose", "")
        loans.append((str(loan_id), str(farmer), str(purpose), RevenueSharePlan(**body)))
    groups = tuple(SolidarityGroup(**dict(g)) for g in data.get("group", []))
    return _LinkedLoans(revenue_share=tuple(loans), groups=groups)


def _book(
    out: _Out, inputs: Path, coop_name: str, lang: str, say: Progress
) -> tuple[Book, list[Closing]]:
    """A new SQLite book in ``outdir/coop.db``: the inputs imported, every fortnight of the year
    closed, the plant's payment for each fortnight's milk and the co-op's own costs recorded, the
    year's remanente distributed by the assembly."""
    tr = text.translator(lang)
    path = out.root / BOOK
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    book = Book.init(f"sqlite:///{path}", coop="manantial", name=coop_name, pay_delay_days=0)
    out.files.append(path)
    reports = [
        book.import_roster(inputs / "farmers.csv"),
        book.import_prices(inputs / "prices.toml"),
        book.import_deliveries(inputs / "deliveries.csv"),
        book.import_loans(inputs / "loans.toml"),
        book.import_obligations(inputs / "obligations.csv"),
    ]
    linked = _linked(inputs)
    for loan_id, farmer, _purpose, plan in linked.revenue_share:
        book.add_revenue_share_loan(loan_id, farmer, plan)
    say(
        tr.gettext(
            "book: %(deliveries)s deliveries imported",
            deliveries=format_number(reports[2].new, lang=lang),
        )
    )
    closings: list[Closing] = []
    while (period := book.status().open_period) is not None and period.end <= _YEAR_END:
        closings.append(book.close(period))
    say(tr.gettext("book: %(num)s fortnights closed", num=len(closings)))
    sales = ["date,kind,amount,reference,litres"]
    for c in closings:
        litres = sum((st.litres for st in c.settlement.statements), ZERO)
        amount = (litres * BUYER_PRICE).quantize(Decimal("0.01"))
        sales.append(f"{c.pay_date},milk-sale,{amount},G-{c.settlement.period.start},{litres}")
    book.record_entries(io.StringIO("\n".join(sales) + "\n"))
    costs = (inputs / "entries.csv").read_text(encoding="utf-8")
    if costs.strip():
        book.record_entries(io.StringIO(costs))
    book.distribute(YEAR.end.year, ASSEMBLY, SURPLUS)
    return book, closings


def _loans(
    book: Book,
    docs: BookDocuments,
    out: _Out,
    *,
    lang: str,
    checks: list[str],
    say: Progress,
    coop: ExampleCoop,
) -> tuple[list[dict[str, Any]], Decimal, Decimal]:
    tr = text.translator(lang)
    rows: list[dict[str, Any]] = []
    lent = weighted = ZERO
    names = {f: m.name for f, m in book.members().items()}
    accounts = book.accounts()
    plans = {loan.id: loan.plan for loan in coop.loans}
    notes = {loan.id: loan.note for loan in coop.loans}
    for k, (loan_id, (farmer, account)) in enumerate(sorted(accounts.items()), start=1):
        terms = account.terms
        schedule = terms.schedule()
        _check(
            schedule.total_principal == schedule.principal,
            f"loan {loan_id}: principal repaid = principal lent",
        )
        cost = cost_of_credit(terms)
        context = schedule_context(
            schedule,
            borrower=names[farmer],
            lender=book.coop.name,
            rate_label=rate_label(terms.rate, lang),
        )
        out.write(
            f"loans/{loan_id}-schedule.html", render("schedule", context, lang=lang, fmt="html")
        )
        facts = KeyFacts.from_loan(
            terms,
            borrower=names[farmer],
            lender=book.coop.name,
            product=tr.pgettext("demo", "Seed capital — alfalfa"),
            moratorium_rate=Decimal("0.19"),
        )
        out.write(
            f"loans/{loan_id}-key-facts.html",
            render("key_facts", key_facts_context(facts), lang=lang, fmt="html"),
        )
        statement = docs.loan_statement(loan_id, lang=lang)
        statement["officer_note"] = notes.get(loan_id, "")  # why a late loan is late
        out.write(
            f"loans/{loan_id}-statement.html",
            docs.render("statement", statement, lang=lang, fmt="html"),
        )
        principal = terms.principal.amount
        lent += principal
        weighted += principal * cost.tcea
        rows.append(
            {
                "id": loan_id,
                "farmer": names[farmer],
                "farmer_id": farmer,
                "plan": plans.get(loan_id, "level"),
                "principal": principal,
                "tcea": cost.tcea,
                "schedule_href": f"loans/{loan_id}-schedule.html",
                "key_facts_href": f"loans/{loan_id}-key-facts.html",
                "statement_href": f"loans/{loan_id}-statement.html",
                "note": notes.get(loan_id, ""),
                "disbursed": terms.disbursed,
            }
        )
        if k % 15 == 0 or k == len(accounts):
            say(
                tr.gettext(
                    "loans: %(done)s/%(total)s schedules, key-facts sheets and statements",
                    done=k,
                    total=len(accounts),
                )
            )
    checks.append(
        tr.ngettext(
            "%(num)s schedule repays exactly the principal lent",
            "%(num)s schedules repay exactly the principal lent",
            len(rows),
            num=len(rows),
        )
    )
    return rows, lent, weighted / lent if lent else ZERO


def _season(
    book: Book,
    docs: BookDocuments,
    closings: list[Closing],
    out: _Out,
    *,
    lang: str,
    checks: list[str],
    say: Progress,
) -> tuple[list[dict[str, Any]], list[dict[str, str]], Decimal, list[dict[str, Any]]]:
    """Every fortnight's summary and the last fortnight's liquidaciones, from the book's frozen
    settlements; the check-off's collections equal the payments posted to the loan accounts."""
    tr = text.translator(lang)
    memberships = book.memberships()
    links: list[dict[str, Any]] = []
    contexts: list[dict[str, Any]] = []
    loan_collected = share_collected = ZERO
    revenue_share = set(book.revenue_share_loans())
    for c in closings:
        s = c.settlement
        summary = s.summary
        _check(
            summary.gross == summary.deductions + summary.net,
            f"fortnight {s.period}: gross = deductions + net",
        )
        for st in s.statements:
            for col in st.collections:
                _check(
                    col.collected + col.short == col.obligation.amount,
                    f"{st.farmer} {s.period}: collected + short = due",
                )
                if col.obligation.loan_id in revenue_share:
                    share_collected += col.collected
                elif col.obligation.loan_id is not None:
                    loan_collected += col.collected
        context = docs.summary(s.period)
        context["split"] = _split(context["farmers"], memberships, s.period.start)
        context["routes"] = docs.routes(s.period)
        days = (s.period.end - s.period.start).days + 1
        context["litres_per_day"] = (context["totals"]["litres"] / days).quantize(Decimal("0.1"))
        href = out.write(
            f"settlements/{s.period.start.isoformat()}-summary.html",
            docs.render("settlement_summary", context, lang=lang, fmt="html"),
        )
        roll = docs.payment_roll(s.period)
        _check(
            roll["total"]
            == summary.net + sum((a.amount for a in c.adjustments if a.amount > 0), ZERO),
            f"fortnight {s.period}: payment roll = net paid",
        )
        roll_href = None
        if c is closings[-1]:  # like the liquidaciones: the last fortnight's is written
            roll_href = out.write(
                f"settlements/{s.period.start.isoformat()}-payment-roll.html",
                docs.render("payment_roll", roll, lang=lang, fmt="html"),
            )
        context["payment_roll"] = roll
        contexts.append(context)
        links.append(
            {"start": s.period.start, "end": s.period.end, "href": href, "roll_href": roll_href}
        )
    checks.append(
        tr.gettext(
            "%(num)s fortnights: gross = deductions + net, and collected + short = due for "
            "every obligation, to the céntimo",
            num=len(closings),
        )
    )
    last = closings[-1].settlement
    farmer_links: list[dict[str, str]] = []
    for st in last.statements:
        farmer_links.append({"label": st.farmer, "href": f"settlements/last/{st.farmer}.html"})
        out.write(
            f"settlements/last/{st.farmer}.html",
            docs.render(
                "settlement", docs.liquidacion(st.farmer, last.period), lang=lang, fmt="html"
            ),
        )
    say(
        tr.gettext(
            "settlements: %(summaries)s co-op summaries, %(statements)s farmer statements for "
            "the last fortnight",
            summaries=len(closings),
            statements=len(last.statements),
        )
    )
    paid = sum(
        (
            e.amount
            for _, a in book.accounts().values()
            for e in a.events
            if isinstance(e, Payment) and e.date <= _YEAR_END
        ),
        ZERO,
    )
    _check(
        paid == loan_collected,
        tr.gettext(
            "loan payments on the accounts (%(paid)s) = installments collected in the settlements",
            paid=format_money(paid, "PEN", lang=lang),
        ),
        checks,
    )
    repaid = sum((book.revenue_share(i).total_paid for i in revenue_share), ZERO)
    _check(
        repaid == share_collected,
        tr.gettext(
            "revenue-share loans: paid (%(paid)s) = collected from the milk in the settlements",
            paid=format_money(repaid, "PEN", lang=lang),
        ),
        checks,
    )
    return links, farmer_links, loan_collected, contexts


def _revenue_share(book: Book, out: _Out, lang: str) -> list[dict[str, Any]]:
    """Each revenue-share loan's statement from the book (its terms and every closed
    settlement's milk value, due, paid, balance and arrears), and its row for the index."""
    rows = []
    names = {f: m.name for f, m in book.members().items()}
    for loan_id, (farmer, plan) in sorted(book.revenue_share_loans().items()):
        collection = book.revenue_share(loan_id)
        href = out.write(
            f"loans/{loan_id}-revenue-share.html",
            str(book.revenue_share_document(loan_id, lang=lang, fmt="html")),
        )
        rows.append(
            {
                "id": loan_id,
                "farmer": farmer,
                "name": names[farmer],
                "principal": plan.principal,
                "share": plan.share,
                "floor": plan.floor,
                "cap": plan.cap,
                "paid": collection.total_paid,
                "balance": collection.standing.balance,
                "arrears": collection.standing.arrears,
                "href": href,
            }
        )
    return rows


def _guarantees(
    groups: tuple[SolidarityGroup, ...], closings: list[Closing]
) -> list[dict[str, Any]]:
    """Each solidarity group's guarantee over the closed fortnights, in memory
    (:func:`~coopfinance.linked.cover` on the frozen settlements: the book's close does not post
    group guarantees yet, so these are what the group's rule would cover, not payments on the
    accounts). A fortnight's new shortfall of a member's loan is what the check-off left short
    less what was already short the fortnight before (the arrears carried in), so nothing is
    covered twice; the others' room is ``max(0, net − floor)`` of their statements; the group's
    savings go down by what they cover. Fortnights without a new shortfall are left out."""
    rows = []
    for group in groups:
        savings = group.savings
        before: dict[tuple[str, str], Decimal] = {}
        for c in closings:
            statements = {st.farmer: st for st in c.settlement.statements}
            now: dict[tuple[str, str], Decimal] = {}
            for m in group.members:
                st = statements.get(m)
                for col in () if st is None else st.collections:
                    loan_id = col.obligation.loan_id
                    if col.obligation.kind is ObligationKind.LOAN_INSTALLMENT and loan_id:
                        now[m, loan_id] = now.get((m, loan_id), ZERO) + col.short
            new = {k: v - before.get(k, ZERO) for k, v in now.items() if v > before.get(k, ZERO)}
            before = now
            if not new:
                continue
            room = {
                m: max(statements[m].net - statements[m].floor, ZERO)
                for m in group.members
                if m in statements
            }
            g = cover(attrs.evolve(group, savings=savings), new, room)
            savings -= g.from_source(GuaranteeSource.GROUP_SAVINGS)
            rows.append(
                {
                    "group": group.id,
                    "members": group.members,
                    "period": c.settlement.period,
                    "short": sum(new.values(), ZERO),
                    "milk": g.from_source(GuaranteeSource.MEMBERS_MILK),
                    "savings": g.from_source(GuaranteeSource.GROUP_SAVINGS),
                    "uncovered": g.uncovered,
                    "savings_left": savings,
                }
            )
    return rows


def _split(
    rows: list[dict[str, Any]], memberships: dict[str, Membership], day: dt.date
) -> list[dict[str, Any]]:
    """A summary's farmers split into members (on the period's first day, as patronage counts
    them) and non-member suppliers: how many, their litres, milk value, deductions and net."""
    out = []
    for role in ("member", "supplier"):
        mine = [
            r
            for r in rows
            if (m := memberships.get(r["id"])) is not None
            and m.is_member(day) == (role == "member")
        ]
        out.append(
            {
                "role": role,
                "farmers": len(mine),
                **{k: sum((r[k] for r in mine), ZERO) for k in _SPLIT},
            }
        )
    return out


_SPLIT = ("litres", "gross", "deductions", "net", "arrears")


def _portfolio(docs: BookDocuments, out: _Out, lang: str, say: Progress) -> dict[str, Any]:
    context = docs.portfolio()
    par30 = next(p["share"] for p in context["par"] if p["days"] == 30)
    out.write("portfolio.html", docs.render("portfolio", context, lang=lang, fmt="html"))
    say(
        text.translator(lang).gettext(
            "portfolio: %(accounts)s accounts at %(date)s, PAR30 %(par)s",
            accounts=context["accounts"],
            date=format_date(_YEAR_END, lang=lang, style="short"),
            par=format_percent(par30, lang=lang),
        )
    )
    return {
        "outstanding": context["outstanding"],
        "par30": par30,
        "repayment_rate": context["repayment_rate"],
    }


def _year(book: Book, out: _Out, lang: str, say: Progress) -> dict[str, Any]:
    """The general assembly's accounts of the year (the remanente and its distribution) and each
    member's statement of contributions, from the book."""
    year = book.distribution(YEAR.end.year)
    out.write(
        "accounts/year-accounts.html",
        str(book.assembly_document(YEAR.end.year, lang=lang, fmt="html")),
    )
    d = year.distribution
    returned = sum((v for _, v in d.interest + d.patronage), ZERO)
    say(
        text.translator(lang).gettext(
            "the year's accounts: remanente %(result)s, %(returned)s returned to the members",
            result=format_money(year.statement.result, "PEN", lang=lang),
            returned=format_money(returned, "PEN", lang=lang),
        )
    )
    return {"result": year.statement.result, "returned": returned}


def _cohort(coop: ExampleCoop, lang: str) -> Cohort:
    if coop.cohort.curriculum.lang == lang:
        return coop.cohort
    data = tomllib.loads((coop.directory / "cohort.toml").read_text(encoding="utf-8"))
    data["lang"] = lang
    return Cohort.from_dict(data, source="cohort.toml")


def course_end(cohort: Cohort) -> dt.date:
    """The day of the cohort's last session: the records up to it are "before", later ones
    "after" the training."""
    return max(h.date for h in cohort.sessions_held)


def outcome_records(
    cohort: Cohort,
    accounts: dict[str, tuple[str, LoanAccount]],
    closings: list[Closing],
) -> list[OutcomeRecord]:
    """Each participant's outcome records from the book (:class:`OutcomeRecord`), before the
    course's last session (:func:`course_end`) and after it, to the year's end.

    ``installments_due``: the installments of the participant's loans due in the period;
    ``installments_on_time``: those whose due date found the loan's payments (the check-off's,
    dated the pay date) covering every installment due so far, ``Σ payments ≤ due date ≥ Σ
    installments ≤ due date``; ``savings``: the members' contributions (aportaciones) collected in
    the settlements paid by the period's end, the balance the co-op holds for the participant
    (a non-member supplier has none)."""
    end = course_end(cohort)
    due = {p.id: {"before": [0, 0], "after": [0, 0]} for p in cohort.participants}
    for farmer, account in accounts.values():
        if farmer not in due:
            continue
        payments = sorted((e.date, e.amount) for e in account.events if isinstance(e, Payment))
        owed = ZERO
        for row in account.terms.schedule():
            if row.number == 0 or row.due_date > _YEAR_END:
                continue
            owed += row.total
            paid = sum((a for d, a in payments if d <= row.due_date), ZERO)
            tally = due[farmer]["before" if row.due_date <= end else "after"]
            tally[0] += 1
            tally[1] += paid >= owed
    saved = {p.id: {"before": ZERO, "after": ZERO} for p in cohort.participants}
    for c in closings:
        for st in c.settlement.statements:
            if st.farmer not in saved:
                continue
            kept = sum(
                (
                    col.collected
                    for col in st.collections
                    if col.obligation.kind is ObligationKind.COMPULSORY_SAVINGS
                ),
                ZERO,
            )
            if c.pay_date <= end:
                saved[st.farmer]["before"] += kept
            if c.pay_date <= _YEAR_END:
                saved[st.farmer]["after"] += kept
    return [
        OutcomeRecord(
            participant=p.id,
            period=period,
            installments_due=due[p.id][period][0],
            installments_on_time=due[p.id][period][1],
            savings=saved[p.id][period],
        )
        for p in cohort.participants
        for period in ("before", "after")
    ]


def _training(
    coop: ExampleCoop,
    docs: BookDocuments,
    accounts: dict[str, tuple[str, LoanAccount]],
    closings: list[Closing],
    out: _Out,
    *,
    lang: str,
    say: Progress,
) -> tuple[list[dict[str, str]], dict[str, Any]]:
    """The cohort's report, with the outcome indicators of the book's repayment and savings
    records (:func:`outcome_records`), and each participant's worksheet with their own figures of
    the last fortnight, from the book (:meth:`BookDocuments.worksheet_member`: litres, the price
    that gives the liquidación's gross, the installment collected). Returns the worksheets' links
    and the report's completion and indicators (for the index)."""
    period = closings[-1].settlement.period
    # the training texts exist in Spanish and English so far (their generators still pair es=/en=
    # texts): a document language without them gets the Spanish training documents
    lang = lang if lang in TRAINING_LANGUAGES else "es"
    cohort = _cohort(coop, lang)
    records = outcome_records(cohort, accounts, closings)
    out.write(
        TRAINING_REPORT,
        render_training_report(cohort, outcomes=records, lang=lang, fmt="html"),
    )
    links = []
    for k, p in enumerate(cohort.participants):
        member = attrs.evolve(docs.worksheet_member(p.id, period), name=p.name)
        sheet = worksheet(member, seed=k)
        links.append({"label": p.id, "href": f"training/worksheets/{p.id}.html"})
        out.write(
            f"training/worksheets/{p.id}.html",
            render_worksheet(sheet, coop=coop.name, lang=lang, fmt="html"),
        )
    say(
        text.translator(lang).gettext(
            "training: cohort report and %(num)s personal worksheets",
            num=len(cohort.participants),
        )
    )
    context = training_report_context(cohort, outcomes=records)
    return links, {"completion": context["completion"], "outcomes": context["outcomes"]}


def _stress(
    book: Book, closings: list[Closing], coop: ExampleCoop, say: Progress, lang: str
) -> dict[str, Any]:
    """The book's loans (:meth:`Portfolio.from_loans`) against each farmer's own milk.

    Each farmer's litres per fortnight are those of the book's settlements; the fortnights of the
    loans' second year (2027) repeat the same fortnight of 2026 (the herd and Ica's seasonality
    repeat, an assumption of the demo); the price of a period is the schedule's price of a litre
    without a sample on that day of 2026. 500 scenarios of common price and per-farmer yield
    shocks."""
    accounts = sorted(book.accounts().items())
    loans = [PortfolioLoan(loan_id=i, farmer=f, loan=a.terms) for i, (f, a) in accounts]
    schedules = [a.terms.schedule() for _, (_, a) in accounts]
    freq = SettlementFrequency.SEMI_MONTHLY
    first = min(s.disbursed for s in schedules)
    last = max(r.due_date for s in schedules for r in s if r.number > 0)
    grid = list(
        periods_between(
            freq.period_of(first + dt.timedelta(days=1)).start, freq.period_of(last).end, freq
        )
    )
    season = {
        c.settlement.period.start: {st.farmer: st.litres for st in c.settlement.statements}
        for c in closings
    }
    farmers = list(dict.fromkeys(ln.farmer for ln in loans))
    production = {f: [season[_in_season(p.start)].get(f, ZERO) for p in grid] for f in farmers}
    prices = [coop.prices.price(_in_season(p.end)) for p in grid]
    portfolio = Portfolio.from_loans(loans, production, prices, frequency=freq)
    result = simulate(
        portfolio, scenarios=500, seed=7, price_sd=Decimal("0.15"), yield_sd=Decimal("0.10")
    )
    summary = result.summary()
    names = {f: m.name for f, m in book.members().items()}
    rows = [
        {
            "farmer": row["farmer"],
            "name": names[row["farmer"]],
            "loans": row["loans"],
            "p_over_30_days": Decimal(str(row["p_over_30_days"])),
            "p_not_repaid": Decimal(str(row["p_not_repaid"])),
        }
        for row in result.farmer_table()
    ]
    summary["farmers_table"] = rows
    say(
        text.translator(lang).gettext(
            "stress test: the co-op's %(loans)s loans, 500 price and yield scenarios",
            loans=len(loans),
        )
    )
    return summary


def _missed(coop: ExampleCoop) -> tuple[list[MissedPickup], list[MissedPickup]]:
    """The route's misses split in two: a day counts as a missed pickup only when the farm was due
    on its route and had milk (a cow of its herd in milk, ``herds.csv``); a day with the whole herd
    dry, or gone, is a dry day, reported apart (the route did not forget anyone)."""
    due, _per_day = missed_pickups(coop.pickup_plan, coop.deliveries, YEAR)
    missed: list[MissedPickup] = []
    dry: list[MissedPickup] = []
    for m in due:
        herd = coop.herds.get(m.farmer)
        (dry if herd is not None and herd.litres(m.date) == 0 else missed).append(m)
    return missed, dry


def _in_season(day: dt.date) -> dt.date:
    """The same day in the example's season (29 February is not a risk: 2026 and 2027 are not
    leap years)."""
    return day.replace(year=YEAR.start.year)


def _story(
    contexts: list[dict[str, Any]],
    quality: dict[str, Any],
    year: dict[str, Any],
    links: list[dict[str, Any]],
    due_days: set[dt.date],
    *,
    training: dict[str, Any],
) -> list[dict[str, Any]]:
    """The figures the index leads with, each taken from the context of the document it links
    to (one source: the test checks each appears, equal, in that document). The installments
    are those of the last fortnight in which installments fall due (``due_days``: the loans'
    due dates, each a pay date of the calendar)."""
    first_ctx, last_ctx = contexts[0], contexts[-1]
    first_href, last_href = links[0]["href"], links[-1]["href"]
    due_at = max(
        (k for k, c in enumerate(contexts) if any(c["period"].start <= d <= c["period"].end
                                                  for d in due_days)),
        default=len(contexts) - 1,
    )  # fmt: skip
    due_ctx, due_href = contexts[due_at], links[due_at]["href"]
    story: list[dict[str, Any]] = [
        {"key": "litres_per_day_before", "value": first_ctx["litres_per_day"], "kind": "number",
         "href": first_href},
        {"key": "litres_per_day_after", "value": last_ctx["litres_per_day"], "kind": "number",
         "href": last_href},
        {"key": "litres_before", "value": first_ctx["totals"]["litres"], "kind": "number",
         "href": first_href},
        {"key": "litres_after", "value": last_ctx["totals"]["litres"], "kind": "number",
         "href": last_href},
    ]  # fmt: skip
    comparison = last_ctx["comparison"]
    if comparison is not None:
        story += [
            {"key": "coop_pays", "value": comparison["coop"], "kind": "money", "href": last_href},
            {"key": "intermediary_pays", "value": comparison["intermediary"], "kind": "money",
             "href": last_href},
        ]  # fmt: skip
    for k in due_ctx["kinds"]:
        if k["kind"] == ObligationKind.LOAN_INSTALLMENT.value:
            story += [
                {"key": "installments_due_last", "value": k["due"], "kind": "money",
                 "href": due_href},
                {"key": "installments_collected_last", "value": k["collected"], "kind": "money",
                 "href": due_href},
            ]  # fmt: skip
    story += [
        {"key": "repayment_rate", "value": quality["repayment_rate"], "kind": "percent",
         "href": "portfolio.html"},
        {"key": "par30", "value": quality["par30"], "kind": "percent", "href": "portfolio.html"},
        {"key": "surplus", "value": year["result"], "kind": "money", "href": YEAR_ACCOUNTS},
        {"key": "surplus_returned", "value": year["returned"], "kind": "money",
         "href": YEAR_ACCOUNTS},
        {"key": "training_completion", "value": training["completion"], "kind": "percent",
         "href": TRAINING_REPORT},
    ]  # fmt: skip
    outcomes = training["outcomes"]
    for key in ("on_time_before", "on_time_after"):
        if outcomes is not None and outcomes[key] is not None:
            story.append(
                {"key": key, "value": outcomes[key], "kind": "percent", "href": TRAINING_REPORT}
            )
    return story


@exact
def run_demo(
    outdir: str | Path,
    *,
    lang: str = "es",
    progress: Progress | None = None,
    inputs: str | Path | None = None,
    on_file: Callable[[Path], None] | None = None,
) -> DemoResult:
    """Run the season of the example co-op through a book and write its documents and
    ``index.html`` to ``outdir``.

    The input files (roster, prices, deliveries, loans, obligations, the co-op's costs, herds,
    cohort, pickup plan, business plan) are first written to ``outdir/inputs`` (from ``inputs``,
    default the bundled example); the book ``outdir/coop.db`` (SQLite) imports them, closes the
    year's 24 fortnights, records the plant's payments and the costs, and distributes the
    remanente; every document is rendered from that book. Edit a file in ``outdir/inputs`` and
    run again with ``inputs=outdir/inputs`` (``coopfinance demo OUT --from OUT/inputs``).

    ``outdir`` must be new, empty, or an earlier demo's folder (its files are listed in
    :data:`MANIFEST`): a folder holding anything else is refused (:class:`InvalidValue`) before any
    work. Every document is written atomically; ``on_file(path)`` is called after each one (a
    progress bar). Raises ``AssertionError`` if any reconciliation fails (it never should).
    """
    out = _Out(Path(outdir), on_file)
    out.check()
    try:
        out.root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidValue(
            E_(
                "'outdir' %(root)s cannot be created: %(strerror)s.",
                root=repr(str(out.root)),
                strerror=exc.strerror,
            ),
            field="outdir",
            value=str(out.root),
        ) from None
    say = progress or (lambda _message: None)
    checks: list[str] = []
    source = Path(inputs) if inputs is not None else examples_dir()
    folder = _copy_inputs(source, out)
    data = load(folder)
    tr = text.translator(lang)
    say(
        tr.gettext(
            "loaded %(coop)s: %(farmers)s farmers, %(loans)s loans, %(deliveries)s deliveries",
            coop=data.name,
            farmers=len(data.farmers),
            loans=len(data.loans),
            deliveries=format_number(len(data.deliveries.items), lang=lang),
        )
    )
    book, closings = _book(out, folder, data.name, lang, say)
    book_currency_symbol = closings[-1].settlement.currency.symbol
    try:
        docs = book.documents(_YEAR_END)
        loans, lent, average = _loans(book, docs, out, lang=lang, checks=checks, say=say, coop=data)
        settlement_links, farmer_links, collected, contexts = _season(
            book, docs, closings, out, lang=lang, checks=checks, say=say
        )
        quality = _portfolio(docs, out, lang, say)
        year = _year(book, out, lang, say)
        training_links, training = _training(
            data, docs, book.accounts(), closings, out, lang=lang, say=say
        )
        stress = _stress(book, closings, data, say, lang)
        shares = _revenue_share(book, out, lang)
        guarantees = _guarantees(_linked(folder).groups, closings)
        due_days = {
            r.due_date
            for _, account in book.accounts().values()
            for r in account.terms.schedule()
            if r.number > 0
        }
    finally:
        book.close_connection()
    plan = report(_plan(data, lang))  # evaluated once, rendered twice
    out.write("plan.html", render_plan(plan, lang=lang, fmt="html"))
    plan_pdf = importlib.util.find_spec("weasyprint") is not None  # the optional extra ``pdf``
    if plan_pdf:
        out.write("plan.pdf", render_plan(plan, lang=lang, fmt="pdf"))
    say(
        tr.gettext(
            "business plan: the alfalfa expansion, with projections, indicators and sensitivity"
        )
    )
    missed, dry = _missed(data)
    _check(
        all(data.herds[m.farmer].litres(m.date) > 0 for m in missed),
        tr.ngettext(
            "%(num)s missed pickup, each on a day the farm had milk and was due on its route",
            "%(num)s missed pickups, each on a day the farm had milk and was due on its route",
            len(missed),
            num=len(missed),
        ),
        checks,
    )
    story = _story(contexts, quality, year, settlement_links, due_days, training=training)
    repaid = Decimal(str(stress["repaid_within_horizon"]))  # a float summary, shown as a rate
    arrears = Decimal(str(stress["probability_arrears_over_30_days"]))
    disbursed = [loan["disbursed"] for loan in loans]
    context = {
        "coop_name": data.name,
        "currency": "PEN",
        "currency_symbol": book_currency_symbol,
        "loans": loans,
        "total_lent": lent,
        "average_tcea": average,
        "collected": collected,
        "missed_pickups": len(missed),
        "dry_days": len(dry),
        "settlements": settlement_links,
        "farmer_statements": farmer_links,
        "portfolio": quality,
        "worksheets": training_links,
        "stress_repaid": repaid,
        "stress_arrears": arrears,
        "stress_farmers": stress["farmers_table"],
        "story": story,
        "money_chart": {
            "labels": [format_date(c["period"].start, lang=lang, style="short") for c in contexts],
            "gross": [c["totals"]["gross"] for c in contexts],
            "deductions": [c["totals"]["deductions"] for c in contexts],
            "net": [c["payment_roll"]["total"] for c in contexts],
        },
        "litres_chart": {
            "labels": [format_date(c["period"].start, lang=lang, style="short") for c in contexts],
            "litres": [c["litres_per_day"] for c in contexts],
            "first_loan": min(disbursed) if disbursed else None,
            "last_loan": max(disbursed) if disbursed else None,
        },
        "year": year,
        "year_accounts": YEAR_ACCOUNTS,
        "book": BOOK,
        "inputs": INPUTS,
        "input_files": [
            {
                "name": f.name,
                "key": f.name.removesuffix(f.suffix).replace("-", "_").replace(".", "_"),
            }
            for f in out.files
            if f.parent.name == INPUTS
        ],
        "declined": [
            {
                "farmer": d.farmer,
                "name": data.farmer(d.farmer).name,
                "requested": d.requested,
                "reason": d.reason,
            }
            for d in data.declined
        ],
        "troubled": [loan for loan in loans if loan["note"]],
        "revenue_share": shares,
        "guarantees": guarantees,
        "groups": [
            {
                "id": g.id,
                "members": [f"{m} {data.farmer(m).name}" for m in g.members],
                "savings": g.savings,
            }
            for g in _linked(folder).groups
        ],
        "plan_pdf": plan_pdf,
    }
    out.write("index.html", render("demo_index", context, lang=lang, fmt="html"))
    out.save_manifest()
    say(tr.gettext("wrote %(num)s files to %(folder)s", num=len(out.files), folder=out.root))
    return DemoResult(
        outdir=out.root,
        files=tuple(out.files),
        loans=len(loans),
        total_lent=lent,
        checks=tuple(checks),
    )
