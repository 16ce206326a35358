"""``coopfinance demo``: the whole season of the bundled example co-op, written as documents.

This module orchestrates the library (layer 9 with the CLI): it loads :mod:`coopfinance.examples`,
computes with the library and renders with :mod:`coopfinance.documents`. Progress goes to a callback
so the CLI can print it; nothing here prints.

The season: 42 seed-capital loans disbursed in February; 24 fortnightly settlements of a year of
daily deliveries in which the installments are deducted at source (check-off), with the members'
contributions and input advances; the loan accounts after those payments and the portfolio's
quality at year end; the business plan of the alfalfa expansion; the training cohort's worksheets,
report and certificates; and a Monte Carlo stress test of the loans against milk price and yield.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
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
from coopfinance.cost import cost_of_credit
from coopfinance.dairy import (
    MissedPickup,
    ObligationKind,
    Settlement,
    SettlementFrequency,
    SettlementPolicy,
    missed_pickups,
    periods_between,
    run_checkoff,
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
    render_portfolio,
    render_settlement,
    render_settlement_summary,
    render_statement,
    render_training_report,
    render_worksheet,
    schedule_context,
    settlement_summary_context,
)
from coopfinance.errors import InvalidValue
from coopfinance.examples import YEAR, ExampleCoop, load
from coopfinance.linked import Portfolio, PortfolioLoan, simulate
from coopfinance.plans import BusinessPlan
from coopfinance.portfolio import exposure, report
from coopfinance.servicing import LoanAccount, Payment, statement
from coopfinance.training import LANGUAGES as TRAINING_LANGUAGES
from coopfinance.training import Cohort, MemberData, worksheet

__all__ = ["MANIFEST", "DemoResult", "run_demo"]

Progress = Callable[[str], None]
_YEAR_END = YEAR.end
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
                f"'outdir' {str(self.root)!r} is a file, not a folder; choose a new folder.",
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
                f"'outdir' {str(self.root)!r} holds files the demo did not write "
                f"({', '.join(strangers[:3])}{more}); choose an empty or new folder.",
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
    """The example plan in ``lang`` (``plan-alfalfa.<lang>.toml``, the same figures in that
    language's words), else the bundled ``plan-alfalfa.toml`` (English)."""
    own = coop.directory / f"plan-alfalfa.{lang}.toml"
    return BusinessPlan.from_file(own) if own.is_file() else coop.plan


def _check(condition: bool, message: str, checks: list[str] | None = None) -> None:
    """Stop the demo if a reconciliation fails; record it in ``checks`` (the summary) if given."""
    if not condition:
        raise AssertionError(f"demo reconciliation failed: {message}")
    if checks is not None:
        checks.append(message)


def _loans(
    coop: ExampleCoop, out: _Out, lang: str, checks: list[str], say: Progress
) -> tuple[list[dict[str, Any]], Decimal, Decimal]:
    tr = text.translator(lang)
    rows: list[dict[str, Any]] = []
    lent = weighted = ZERO
    for k, loan in enumerate(coop.loans, start=1):
        farmer = coop.farmer(loan.farmer)
        schedule = loan.terms.schedule()
        _check(
            schedule.total_principal == schedule.principal,
            f"loan {loan.id}: principal repaid = principal lent",
        )
        cost = cost_of_credit(loan.terms)
        context = schedule_context(
            schedule,
            borrower=farmer.name,
            lender=coop.name,
            rate_label=rate_label(loan.terms.rate, lang),
        )
        out.write(
            f"loans/{loan.id}-schedule.html", render("schedule", context, lang=lang, fmt="html")
        )
        facts = KeyFacts.from_loan(
            loan.terms,
            borrower=farmer.name,
            lender=coop.name,
            product=tr.pgettext("demo", "Seed capital — alfalfa"),
            moratorium_rate=Decimal("0.19"),
        )
        out.write(
            f"loans/{loan.id}-key-facts.html",
            render("key_facts", key_facts_context(facts), lang=lang, fmt="html"),
        )
        principal = loan.terms.principal.amount
        lent += principal
        weighted += principal * cost.tcea
        rows.append(
            {
                "id": loan.id,
                "farmer": farmer.name,
                "plan": loan.plan,
                "principal": principal,
                "tcea": cost.tcea,
                "schedule_href": f"loans/{loan.id}-schedule.html",
                "key_facts_href": f"loans/{loan.id}-key-facts.html",
                "statement_href": f"loans/{loan.id}-statement.html",
                "note": loan.note,
            }
        )
        if k % 14 == 0 or k == len(coop.loans):
            say(
                tr.gettext(
                    "loans: %(done)s/%(total)s schedules and key-facts sheets",
                    done=k,
                    total=len(coop.loans),
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
    coop: ExampleCoop, out: _Out, lang: str, checks: list[str], say: Progress
) -> tuple[
    list[dict[str, Any]],
    list[dict[str, str]],
    dict[str, LoanAccount],
    Decimal,
    tuple[Settlement, ...],
]:
    tr = text.translator(lang)
    accounts: dict[str, list[LoanAccount]] = {}
    for loan in coop.loans:
        accounts.setdefault(loan.farmer, []).append(LoanAccount(terms=loan.terms, id=loan.id))
    periods = coop.periods()
    say(
        tr.gettext(
            "settlements: %(periods)s fortnights × %(farmers)s farmers, installments deducted "
            "at source",
            periods=len(periods),
            farmers=len(coop.farmers),
        )
    )
    policy = SettlementPolicy()
    season = run_checkoff(
        coop.deliveries,
        coop.prices,
        accounts,
        periods,
        other_obligations=coop.obligations_by_period(),
        policy=policy,
        farmers=[f.id for f in coop.farmers],
        # the example co-op's loans fall due on the 15th or the 1st: the first fortnight is paid
        # on its last day, the second on the 1st (so every installment is collected on its day)
        pay_dates={p: p.end if p.end.day == 15 else p.end + dt.timedelta(days=1) for p in periods},
    )
    links: list[dict[str, Any]] = []
    farmer_links: list[dict[str, str]] = []
    names = {f.id: f.name for f in coop.farmers}
    loan_collected = ZERO
    for s in season.settlements:
        summary = s.summary
        _check(
            summary.gross == summary.deductions + summary.net,
            f"fortnight {s.period}: gross = deductions + net",
        )
        for st in s.statements:
            for c in st.collections:
                _check(
                    c.collected + c.short == c.obligation.amount,
                    f"{st.farmer} {s.period}: collected + short = due",
                )
                if c.obligation.loan_id is not None:
                    loan_collected += c.collected
        href = out.write(
            f"settlements/{s.period.start.isoformat()}-summary.html",
            render_settlement_summary(
                s, coop_name=coop.name, farmer_names=names, lang=lang, fmt="html"
            ),
        )
        links.append({"start": s.period.start, "end": s.period.end, "href": href})
    checks.append(
        tr.gettext(
            "%(num)s fortnights: gross = deductions + net, and collected + short = due for "
            "every obligation, to the céntimo",
            num=len(season.settlements),
        )
    )
    last = season.settlements[-1]
    for st in last.statements:
        farmer_links.append({"label": st.farmer, "href": f"settlements/last/{st.farmer}.html"})
        out.write(
            f"settlements/last/{st.farmer}.html",
            render_settlement(
                st, last, farmer_name=names[st.farmer], coop_name=coop.name, lang=lang, fmt="html"
            ),
        )
    say(
        tr.gettext(
            "settlements: %(summaries)s co-op summaries, %(statements)s farmer statements for "
            "the last fortnight",
            summaries=len(season.settlements),
            statements=len(last.statements),
        )
    )
    final = {a.id: a for loans in season.accounts.values() for a in loans}
    paid = sum((e.amount for a in final.values() for e in a.events if isinstance(e, Payment)), ZERO)
    _check(
        paid == loan_collected,
        tr.gettext(
            "loan payments on the accounts (%(paid)s) = installments collected in the settlements",
            paid=format_money(paid, "PEN", lang=lang),
        ),
        checks,
    )
    return links, farmer_links, final, loan_collected, season.settlements


def _portfolio(
    coop: ExampleCoop, accounts: dict[str, LoanAccount], out: _Out, lang: str, say: Progress
) -> dict[str, Any]:
    states = {loan_id: a.state(_YEAR_END) for loan_id, a in accounts.items()}
    exposures = [exposure(st, loan_id) for loan_id, st in sorted(states.items())]
    quality = report(list(states.values()))
    out.write(
        "portfolio.html",
        render_portfolio(
            quality, lender=coop.name, as_of=_YEAR_END, loans=exposures, lang=lang, fmt="html"
        ),
    )
    for loan in coop.loans:
        out.write(
            f"loans/{loan.id}-statement.html",
            render_statement(
                statement(accounts[loan.id], _YEAR_END),
                borrower=coop.farmer(loan.farmer).name,
                lender=coop.name,
                lang=lang,
                fmt="html",
            ),
        )
    say(
        text.translator(lang).gettext(
            "portfolio: %(accounts)s accounts at %(date)s, PAR30 %(par)s",
            accounts=quality.accounts,
            date=format_date(_YEAR_END, lang=lang, style="short"),
            par=format_percent(quality.par[30], lang=lang),
        )
    )
    return {
        "outstanding": quality.outstanding,
        "par30": quality.par[30],
        "repayment_rate": quality.repayment_rate,
    }


def _cohort(coop: ExampleCoop, lang: str) -> Cohort:
    if coop.cohort.curriculum.lang == lang:
        return coop.cohort
    data = tomllib.loads((coop.directory / "cohort.toml").read_text(encoding="utf-8"))
    data["lang"] = lang
    return Cohort.from_dict(data, source="cohort.toml")


def _training(
    coop: ExampleCoop,
    out: _Out,
    lang: str,
    last: tuple[dict[str, Decimal], dict[str, Decimal]],
    say: Progress,
) -> list[dict[str, str]]:
    last_litres, last_price = last
    # the training texts exist in Spanish and English so far (their generators still pair es=/en=
    # texts): a document language without them gets the Spanish training documents
    lang = lang if lang in TRAINING_LANGUAGES else "es"
    cohort = _cohort(coop, lang)
    loans = {loan.farmer: loan for loan in coop.loans}
    out.write("training/report.html", render_training_report(cohort, lang=lang, fmt="html"))
    links = []
    for k, p in enumerate(cohort.participants):
        loan = loans.get(p.id)
        member = MemberData(
            id=p.id,
            name=p.name,
            loan=None if loan is None else loan.terms,
            litres=last_litres.get(p.id),
            price=last_price.get(p.id),
        )
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
    return links


def _stress(coop: ExampleCoop, say: Progress, lang: str) -> dict[str, Any]:
    """The co-op's own loans (:meth:`Portfolio.from_loans`) against each farmer's own milk.

    Each farmer's litres per fortnight are the season's deliveries; the fortnights of the loans'
    second year (2027) repeat the same fortnight of 2026 (the herd and Ica's seasonality repeat, an
    assumption of the demo); the price of a period is the schedule's price of a litre without a
    sample on that day of 2026. 500 scenarios of common price and per-farmer yield shocks."""
    book = [PortfolioLoan(loan_id=ln.id, farmer=ln.farmer, loan=ln.terms) for ln in coop.loans]
    schedules = [ln.terms.schedule() for ln in coop.loans]
    freq = SettlementFrequency.SEMI_MONTHLY
    first = min(s.disbursed for s in schedules)
    last = max(r.due_date for s in schedules for r in s if r.number > 0)
    grid = list(
        periods_between(
            freq.period_of(first + dt.timedelta(days=1)).start, freq.period_of(last).end, freq
        )
    )
    season = {p.start: coop.deliveries.within(p).litres_by_farmer() for p in coop.periods()}
    farmers = list(dict.fromkeys(ln.farmer for ln in coop.loans))
    production = {f: [season[_in_season(p.start)].get(f, ZERO) for p in grid] for f in farmers}
    prices = [coop.prices.price(_in_season(p.end)) for p in grid]
    portfolio = Portfolio.from_loans(book, production, prices, frequency=freq)
    result = simulate(
        portfolio, scenarios=500, seed=7, price_sd=Decimal("0.15"), yield_sd=Decimal("0.10")
    )
    summary = result.summary()
    names = {f.id: f.name for f in coop.farmers}
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
            loans=len(book),
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
    settlements: tuple[Settlement, ...],
    quality: dict[str, Any],
    names: dict[str, str],
    coop_name: str,
    links: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """The figures the index leads with, each taken from the context of the document it links
    to (one source: the test checks each appears, equal, in that document)."""
    first, last = settlements[0], settlements[-1]
    first_ctx = settlement_summary_context(first, coop_name=coop_name, farmer_names=names)
    last_ctx = settlement_summary_context(last, coop_name=coop_name, farmer_names=names)
    first_href, last_href = links[0]["href"], links[-1]["href"]
    story: list[dict[str, Any]] = [
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
    for k in last_ctx["kinds"]:
        if k["kind"] == ObligationKind.LOAN_INSTALLMENT.value:
            story += [
                {"key": "installments_due", "value": k["due"], "kind": "money",
                 "href": last_href},
                {"key": "installments_collected", "value": k["collected"], "kind": "money",
                 "href": last_href},
            ]  # fmt: skip
    story += [
        {"key": "repayment_rate", "value": quality["repayment_rate"], "kind": "percent",
         "href": "portfolio.html"},
        {"key": "par30", "value": quality["par30"], "kind": "percent", "href": "portfolio.html"},
    ]  # fmt: skip
    return story


@exact
def run_demo(
    outdir: str | Path,
    *,
    lang: str = "es",
    progress: Progress | None = None,
    coop: ExampleCoop | None = None,
    on_file: Callable[[Path], None] | None = None,
) -> DemoResult:
    """Run the season of the example co-op and write its documents and ``index.html`` to ``outdir``.

    ``outdir`` must be new, empty, or an earlier demo's folder (its files are listed in
    :data:`MANIFEST`): a folder holding anything else is refused (:class:`InvalidValue`) before any
    work. Every file is written atomically; ``on_file(path)`` is called after each one (a progress
    bar). Raises ``AssertionError`` if any reconciliation fails (it never should).
    """
    out = _Out(Path(outdir), on_file)
    out.check()
    try:
        out.root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidValue(
            f"'outdir' {str(out.root)!r} cannot be created: {exc.strerror}.",
            field="outdir",
            value=str(out.root),
        ) from None
    say = progress or (lambda _message: None)
    checks: list[str] = []
    data = coop or load()
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
    loans, lent, average = _loans(data, out, lang, checks, say)
    settlement_links, farmer_links, accounts, collected, settlements = _season(
        data, out, lang, checks, say
    )
    quality = _portfolio(data, accounts, out, lang, say)
    last = run_last_fortnight_figures(data)
    training_links = _training(data, out, lang, last, say)
    plan = _plan(data, lang)
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
    stress = _stress(data, say, lang)
    story = _story(
        settlements, quality, {f.id: f.name for f in data.farmers}, data.name, settlement_links
    )
    repaid = Decimal(str(stress["repaid_within_horizon"]))  # a float summary, shown as a rate
    arrears = Decimal(str(stress["probability_arrears_over_30_days"]))
    context = {
        "coop_name": data.name,
        "currency": "PEN",
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


def run_last_fortnight_figures(coop: ExampleCoop) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Litres and average price per litre of each farmer in the season's last fortnight."""
    period = coop.periods()[-1]
    litres: dict[str, Decimal] = {}
    value: dict[str, Decimal] = {}
    for d in coop.deliveries.within(period).items:
        price = coop.prices.price(d.date, d.quality)
        litres[d.farmer] = litres.get(d.farmer, ZERO) + d.litres
        value[d.farmer] = value.get(d.farmer, ZERO) + d.litres * price
    prices = {f: (value[f] / litres[f]).quantize(Decimal("0.01")) for f in litres if litres[f]}
    return litres, prices
