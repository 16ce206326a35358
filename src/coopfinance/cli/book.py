"""``coopfinance book …``: the co-op book from the command line.

:func:`register` adds the ``book`` command and its subcommands (the CLI package's pattern); each
handler prints what it did on the command's output and returns the exit code.

Where the book is: ``--book URL_OR_PATH``, else the environment variable ``COOPFINANCE_BOOK``,
else ``./coop.db``. Which co-op: ``--coop``, else ``COOPFINANCE_COOP``, else the only one there.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import json
import os
import pathlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TextIO

from coopfinance._fields import to_date
from coopfinance.book._accounts import EXIT_KINDS
from coopfinance.book._book import Book
from coopfinance.book._chart import PCGE
from coopfinance.book._store import to_url
from coopfinance.cli._console import Console
from coopfinance.cli._options import (
    add_format,
    add_output,
    chosen_format,
    console,
    csv_text,
    emit,
    write_output,
)
from coopfinance.coop import PatronageBasis, SurplusPolicy, ThirdPartyResult
from coopfinance.dairy import SettlementFrequency, SettlementPolicy
from coopfinance.documents import render, render_pdf, render_settlement_summary
from coopfinance.documents._env import label_ids
from coopfinance.errors import InvalidValue
from coopfinance.text import LANGUAGES, translator

__all__ = ["register"]

_KINDS = ("roster", "prices", "deliveries", "payments", "loans", "obligations", "groups")


def _where(args: argparse.Namespace) -> str:
    return to_url(args.book or os.environ.get("COOPFINANCE_BOOK") or "coop.db")


def _open(args: argparse.Namespace) -> Book:
    return Book.open(_where(args), args.coop or os.environ.get("COOPFINANCE_COOP") or None)


def _init(args: argparse.Namespace) -> int:
    policy = SettlementPolicy(frequency=SettlementFrequency.parse(args.frequency))
    coop = args.coop or os.environ.get("COOPFINANCE_COOP")
    if not coop:
        raise InvalidValue(
            console(args).t(
                "'--coop' is required: the id of the co-op whose book this is (got nothing)."
            ),
            field="coop",
            value=None,
        )
    book = Book.init(
        _where(args),
        coop,
        name=args.name,
        currency=args.currency,
        policy=policy,
        pay_delay_days=args.pay_delay_days,
    )
    c = console(args)
    print(
        c.t(
            "book of %(name)s (%(coop)s) created in %(where)s",
            name=repr(book.coop.name),
            coop=book.coop.coop_id,
            where=_where(args),
        )
    )
    return 0


def _help(msgid: str) -> str:
    """A help text, in English: the help formatter (:mod:`coopfinance.cli._help`) looks it up in
    the catalogs (context ``cli help``) in the chosen language when the help is printed."""
    return msgid


def _import(ns: argparse.Namespace, out: TextIO) -> int:
    c = console(ns)
    book = _open(ns)
    with c.rows(c.t("importing %(file)s", file=ns.file)) as progress:
        report = getattr(book, f"import_{ns.kind}")(ns.file, progress=progress)
    line = c.t(
        "%(kind)s %(file)s: %(new)s new, %(already)s already recorded",
        kind=ns.kind,
        file=ns.file,
        new=f"{report.new:,}",
        already=f"{report.already:,}",
    )
    if report.corrected:
        line += c.t(", %(corrected)s corrected", corrected=f"{report.corrected:,}")
    out.write(line + "\n")
    return 0


def _close(args: argparse.Namespace) -> int:
    book = _open(args)
    c = console(args)
    with c.progress(None, str(args.period or "")) as bar:  # drawn only on a terminal
        done = 0

        def progress(now: int, total: int) -> None:
            nonlocal done
            bar.total = total  # type: ignore[attr-defined]  # tqdm's: known once settled
            bar.update(now - done)
            bar.refresh()  # type: ignore[attr-defined]  # a step is seconds: draw each
            done = now

        closing = book.close(args.period, progress=progress if c.bars() else None)
    s = closing.settlement.summary
    print(
        c.t(
            "closed %(period)s, paid %(day)s: %(farmers)s farmers, %(litres)s litres, gross "
            "%(gross)s, deductions %(deductions)s, net %(net)s, arrears %(arrears)s; "
            "%(payments)s check-off payments, %(adjustments)s adjustments",
            period=closing.period,
            day=closing.pay_date,
            farmers=s.farmers,
            litres=s.litres,
            gross=s.gross,
            deductions=s.deductions,
            net=s.net,
            arrears=s.arrears,
            payments=sum(len(p) for p in closing.payments.values()),
            adjustments=len(closing.adjustments),
        )
    )
    covered = sum((g.total for g in closing.guarantees), Decimal(0))
    if covered or any(g.uncovered for g in closing.guarantees):
        print(
            c.t(
                "group guarantees: %(covered)s covered, %(uncovered)s left as arrears",
                covered=covered,
                uncovered=sum((g.uncovered for g in closing.guarantees), Decimal(0)),
            )
        )
    return 0


def _status(args: argparse.Namespace) -> int:
    st = _open(args).status()
    c = console(args)
    print(
        c.t(
            "co-op %(coop)s: %(members)s on the roster, %(deliveries)s delivery entries, "
            "%(loans)s loans, %(imports)s imports and closes",
            coop=st.coop_id,
            members=st.members,
            deliveries=f"{st.deliveries:,}",
            loans=st.loans,
            imports=st.imports,
        )
    )
    closed = st.closed_through.isoformat() if st.closed_through else c.t("nothing closed")
    print(c.t("closed through: %(day)s", day=closed))
    nxt = str(st.open_period) if st.open_period else c.t("nothing recorded")
    print(c.t("next to close: %(period)s", period=nxt))
    return 0


def _statement(args: argparse.Namespace) -> int:
    as_of = to_date(args.as_of, field="as_of") if args.as_of else None
    st = _open(args).statement(args.farmer, as_of)
    c = console(args)
    print(c.t("%(farmer)s as of %(day)s", farmer=st.farmer, day=st.as_of.isoformat()))
    for pay, s, adjustments in st.settlements:
        extra = sum((a.amount for a in adjustments if a.amount > 0), 0)
        print(
            "  "
            + c.t(
                "%(period)s paid %(pay)s: litres %(litres)s, gross %(gross)s, deductions "
                "%(deductions)s, net %(net)s",
                period=str(s.period),
                pay=pay.isoformat(),
                litres=s.litres,
                gross=s.gross,
                deductions=s.deductions,
                net=s.net,
            )
            + (c.t(", adjustments +%(amount)s", amount=extra) if extra else "")
            + (c.t(", short %(amount)s", amount=s.arrears) if s.arrears else "")
        )
    for loan_id, state in st.loans:
        print(
            "  "
            + c.t(
                "loan %(loan)s: principal outstanding %(principal)s, arrears %(arrears)s, days "
                "past due %(days)s",
                loan=loan_id,
                principal=state.principal_outstanding,
                arrears=state.arrears,
                days=state.days_past_due,
            )
        )
    return 0


def _report(args: argparse.Namespace) -> int:
    book = _open(args)
    period: Any = args.period
    if period is None:
        closed = book.closed_periods()
        if not closed:
            raise InvalidValue(
                console(args).t(
                    "'period' has nothing to report: no period is closed yet (run 'book close')."
                ),
                field="period",
                value=None,
            )
        period = closed[-1]
    settlement = book.settlement(period)
    names = {f: m.name for f, m in book.members().items()}
    print(
        render_settlement_summary(
            settlement, coop_name=book.coop.name, farmer_names=names, lang=args.lang
        )
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    files = _open(args).export(args.dir)
    print(console(args).t("%(count)s files written to %(dir)s", count=len(files), dir=args.dir))
    return 0


def _groups(args: argparse.Namespace) -> int:
    """The solidarity groups (issue 18 §2): members, savings, guarantee calls paid by the date."""
    book = _open(args)
    c = console(args)
    as_of = to_date(args.as_of, field="as_of") if args.as_of else dt.date.today()
    groups = book.groups()
    if not groups:
        print(c.t("no solidarity group is recorded (record them with 'book import groups FILE')"))
        return 0
    held = book.guarantee_balances(as_of)
    calls = book.guarantee_calls(as_of)
    names = {f: m.name for f, m in book.members().items()}
    for gid, record in groups.items():
        count, amount = calls.get(gid, (0, Decimal(0)))
        print(
            c.t(
                "group %(group)s (since %(since)s): %(members)s; savings %(savings)s; "
                "%(calls)s guarantee calls, %(covered)s covered",
                group=gid,
                since=record.since.isoformat()
                if record.since != dt.date.min
                else c.t("the first period"),
                members=", ".join(f"{names.get(m, m)} ({m})" for m in record.group.members),
                savings=held.get(gid, Decimal(0)),
                calls=count,
                covered=amount,
            )
        )
    print(c.t("guarantee fund: %(amount)s", amount=held.get("fund", Decimal(0))))
    return 0


def _upgrade(args: argparse.Namespace) -> int:
    revision = Book.upgrade(_where(args))
    print(console(args).t("book schema at revision %(revision)s", revision=revision))
    return 0


def _printing(handler: Callable[[argparse.Namespace], int]) -> Callable[..., int]:
    """The handler with its ``print`` output sent to the command's ``out``."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace, out: TextIO) -> int:
        with contextlib.redirect_stdout(out):
            return handler(args)

    return run


# --- the book's documents and the co-op's accounts -------------------------------------------

_DOCUMENT_FORMATS = ("md", "html", "pdf")
_TABLE_FORMATS = ("table", "csv", "json")


def _day(text: str | None, field: str) -> dt.date | None:
    return to_date(text, field=field) if text else None


def _document(ns: argparse.Namespace, name: str, context: dict[str, Any], fmt: str) -> str | bytes:
    if fmt == "pdf":
        return render_pdf(name, context, lang=ns.lang)
    return render(name, context, lang=ns.lang, fmt=fmt)


def _documents(ns: argparse.Namespace, out: TextIO) -> int:
    """Every document of the book as of a date, one file each in ``-o DIR``."""
    c = console(ns)
    book = _open(ns)
    as_of = _day(ns.as_of, "as_of") or dt.date.today()
    docs = book.documents(as_of)
    fmt = ns.format or "md"
    folder = pathlib.Path(ns.output)
    if folder.exists() and not folder.is_dir():
        raise InvalidValue(
            c.t("'-o' %(path)s must be a folder for the documents.", path=repr(str(folder))),
            field="output",
            value=str(folder),
        )
    folder.mkdir(parents=True, exist_ok=True)
    wanted = book.settlement(ns.period, with_deliveries=False).period if ns.period else None
    written = 0

    def write(name: str, stem: str, context: dict[str, Any]) -> None:
        nonlocal written
        write_output(ns, folder / f"{stem}.{fmt}", _document(ns, name, context, fmt))
        written += 1

    for period in book.closed_periods():
        if wanted is not None and period != wanted:
            continue
        pay, _ = book.closing(period)
        if pay > as_of:
            continue
        start = period.start.isoformat()
        write("settlement_summary", f"settlement_summary-{start}", docs.summary(period))
        for st in book.settlement(period, with_deliveries=False).statements:
            write(
                "settlement", f"settlement-{start}-{st.farmer}", docs.liquidacion(st.farmer, period)
            )
    for loan_id, (_, account) in sorted(book.accounts().items()):
        if account.terms.disbursed > as_of:
            continue
        write("statement", f"statement-{loan_id}", docs.loan_statement(loan_id, lang=ns.lang))
        write("key_facts", f"key_facts-{loan_id}", docs.key_facts(loan_id))
    write("portfolio", "portfolio", docs.portfolio())
    out.write(
        c.t(
            "%(count)s documents as of %(day)s written to %(dir)s",
            count=written,
            day=as_of.isoformat(),
            dir=str(folder),
        )
        + "\n"
    )
    return 0


def _contributions(ns: argparse.Namespace, out: TextIO) -> int:
    doc = _open(ns).contributions_document(
        ns.farmer, _day(ns.as_of, "as_of"), lang=ns.lang, fmt=chosen_format(ns)
    )
    return emit(ns, out, doc)


def _join(ns: argparse.Namespace, out: TextIO) -> int:
    day = to_date(ns.date, field="date")
    _open(ns).join(ns.farmer, day)
    c = console(ns)
    out.write(c.t("%(farmer)s is a member from %(day)s", farmer=ns.farmer, day=day) + "\n")
    return 0


def _exit(ns: argparse.Namespace, out: TextIO) -> int:
    day = to_date(ns.date, field="date")
    _open(ns).exit(ns.farmer, ns.kind, day, ns.reason or "")
    c = console(ns)
    out.write(
        c.t(
            "%(farmer)s left the co-op on %(day)s (%(kind)s); the final liquidación: "
            "'book liquidate %(farmer)s DATE'",
            farmer=ns.farmer,
            day=day,
            kind=ns.kind,
        )
        + "\n"
    )
    return 0


def _liquidate(ns: argparse.Namespace, out: TextIO) -> int:
    fmt = chosen_format(ns)
    book = _open(ns)
    liq = book.liquidate(ns.farmer, to_date(ns.date, field="date"), write_off=ns.write_off)
    c = console(ns)
    c.info(
        c.t(
            "liquidación of %(farmer)s recorded on %(day)s: paid out %(paid)s, still owed %(owed)s",
            farmer=liq.farmer,
            day=liq.date,
            paid=liq.paid_out,
            owed=liq.left_owed,
        )
    )
    return emit(ns, out, book.liquidation_document(ns.farmer, lang=ns.lang, fmt=fmt))


def _words(c: Console, *keys: str) -> list[str]:
    """Column headings from the catalogs (context ``cli``)."""
    english = {
        "date": "Date",
        "source": "Source",
        "reference": "Reference",
        "account": "Account",
        "name": "Name",
        "debit": "Debit",
        "credit": "Credit",
        "balance": "Balance",
        "total": "Total",
        "item": "Item",
        "amount": "Amount",
    }
    return [c.t(english[k]) for k in keys]


def _table(rows: list[list[str]], numeric: set[int]) -> str:
    widths = [max(len(r[k]) for r in rows) for k in range(len(rows[0]))]
    lines = []
    for r in rows:
        cells = [
            v.rjust(widths[k]) if k in numeric else v.ljust(widths[k]) for k, v in enumerate(r)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def _journal(ns: argparse.Namespace, out: TextIO) -> int:
    book = _open(ns)
    as_of = _day(ns.as_of, "as_of")
    fmt = chosen_format(ns)
    if fmt == "csv":
        return emit(ns, out, book.ledger_csv(as_of))
    c = console(ns)
    rows = [_words(c, "date", "source", "reference", "account", "name", "debit", "credit")]
    for e in book.journal(as_of):
        if as_of is not None and e.date > as_of:
            continue
        rows.append([e.date.isoformat(), e.source, e.reference, "", "", "", ""])
        for x in e.lines:
            acc = PCGE.account(x.role)
            rows.append(
                ["", "", x.farmer, acc.code, acc.name, str(x.debit or ""), str(x.credit or "")]
            )
    return emit(ns, out, _table(rows, {5, 6}))


def _trial_balance(ns: argparse.Namespace, out: TextIO) -> int:
    book = _open(ns)
    rows_tb = book.trial_balance(_day(ns.as_of, "as_of"))
    fmt = chosen_format(ns)
    zero = Decimal(0)
    debit = sum((r.debit for r in rows_tb), zero)
    credit = sum((r.credit for r in rows_tb), zero)
    if fmt == "json":
        data = {
            "accounts": [
                {
                    "code": r.code,
                    "name": r.name,
                    "role": r.role,
                    "debit": str(r.debit),
                    "credit": str(r.credit),
                    "balance": str(r.balance),
                }
                for r in rows_tb
            ],
            "debit": str(debit),
            "credit": str(credit),
        }
        return emit(ns, out, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    if fmt == "csv":
        numbers = [[r.code, r.name, r.debit, r.credit, r.balance] for r in rows_tb]
        return emit(ns, out, csv_text(["code", "name", "debit", "credit", "balance"], numbers))
    body = [[r.code, r.name, str(r.debit), str(r.credit), str(r.balance)] for r in rows_tb]
    c = console(ns)
    head = _words(c, "account", "name", "debit", "credit", "balance")
    total = [c.t("Total"), "", str(debit), str(credit), str(debit - credit)]
    return emit(ns, out, _table([head, *body, total], {2, 3, 4}))


def _label(lang: str, key: str) -> str:
    english = label_ids()[key]
    assert isinstance(english, str)
    return translator(lang).label(key, english)


def _income_statement(ns: argparse.Namespace, out: TextIO) -> int:
    if ns.year is not None and (ns.start or ns.end):
        raise InvalidValue(
            console(ns).t("give '--year' or '--from' and '--to', not both."),
            field="year",
            value=ns.year,
        )
    if ns.year is not None:
        start, end = dt.date(ns.year, 1, 1), dt.date(ns.year, 12, 31)
    else:
        if not (ns.start and ns.end):
            raise InvalidValue(
                console(ns).t("'--year', or '--from' and '--to', is needed (got neither)."),
                field="year",
                value=None,
            )
        start, end = to_date(ns.start, field="from"), to_date(ns.end, field="to")
    st = _open(ns).income_statement(start, end)
    fmt = chosen_format(ns)
    totals = (
        ("total_income", st.total_income),
        ("total_costs", st.total_costs),
        ("result", st.result),
        ("third_party", st.third_party_result),
    )
    if fmt == "json":
        data = {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "income": {k: str(v) for k, v in st.income},
            "costs": {k: str(v) for k, v in st.costs},
            **{k: str(v) for k, v in totals},
        }
        return emit(ns, out, json.dumps(data, indent=2) + "\n")
    if fmt == "csv":
        rows: list[list[Any]] = [["income", k, v] for k, v in st.income]
        rows += [["costs", k, v] for k, v in st.costs]
        rows += [["total", k, v] for k, v in totals]
        return emit(ns, out, csv_text(["section", "item", "amount"], rows))
    c = console(ns)
    table = [_words(c, "item", "amount")]
    table += [[_label(ns.lang, f"accounts.line.{k}"), str(v)] for k, v in st.income + st.costs]
    table += [[_label(ns.lang, f"accounts.item.{k}"), str(v)] for k, v in totals]
    head = c.t("%(start)s to %(end)s", start=start.isoformat(), end=end.isoformat())
    return emit(ns, out, head + "\n" + _table(table, {1}))


def _distribute(ns: argparse.Namespace, out: TextIO) -> int:
    fmt = chosen_format(ns)
    policy = SurplusPolicy(
        reserve_share=ns.reserve_share,
        minimum_reserve_share=ns.minimum_reserve_share,
        contribution_interest_rate=ns.interest_rate,
        contribution_interest_cap=ns.interest_cap,
        education_share=ns.education_share,
        basis=ns.basis,
        third_party=ns.third_party,
    )
    book = _open(ns)
    y = book.distribute(ns.year, to_date(ns.date, field="date"), policy)
    c = console(ns)
    c.info(
        c.t(
            "the remanente of %(year)s, %(result)s, is distributed (assembly of %(day)s)",
            year=ns.year,
            result=y.statement.result,
            day=y.date,
        )
    )
    return emit(ns, out, book.assembly_document(ns.year, lang=ns.lang, fmt=fmt))


def _assembly(ns: argparse.Namespace, out: TextIO) -> int:
    doc = _open(ns).assembly_document(ns.year, lang=ns.lang, fmt=chosen_format(ns))
    return emit(ns, out, doc)


def register(subparsers: Any) -> None:
    """Add ``book`` and its subcommands."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--book", help=_help("URL or SQLite path (default $COOPFINANCE_BOOK or ./coop.db)")
    )
    common.add_argument(
        "--coop", help=_help("co-op id (default $COOPFINANCE_COOP or the only one)")
    )
    book = subparsers.add_parser("book", help=_help("the co-op book: record, close, report"))
    sub = book.add_subparsers(dest="book_command", required=True)
    p = sub.add_parser("init", parents=[common], help=_help("create a co-op's book"))
    p.add_argument("--name", help=_help("the co-op's name on its documents"))
    p.add_argument("--currency", default="PEN", help=_help("ISO 4217 code (default PEN)"))
    p.add_argument(
        "--frequency",
        default="semi-monthly",
        help=_help("settlement periods (default semi-monthly: the 1st-15th and 16th-end)"),
    )
    p.add_argument(
        "--pay-delay-days",
        type=int,
        default=0,
        help=_help("days from a period's last day to its pay date, 0 to 6 (default 0)"),
    )
    p.set_defaults(handler=_printing(_init))
    p = sub.add_parser("import", parents=[common], help=_help("record a file"))
    p.add_argument("kind", choices=_KINDS, help=_help("what the file holds"))
    p.add_argument(
        "file", help=_help("the file (CSV; deliveries also .xlsx; prices and loans TOML/JSON)")
    )
    p.set_defaults(handler=_import)
    p = sub.add_parser("close", parents=[common], help="close a period (default the next)")
    p.add_argument("period", nargs="?")
    p.set_defaults(handler=_printing(_close))
    p = sub.add_parser("status", parents=[common], help=_help("what the book holds"))
    p.set_defaults(handler=_printing(_status))
    p = sub.add_parser("statement", parents=[common], help=_help("a farmer's statement"))
    p.add_argument("farmer", help=_help("the farmer's id"))
    p.add_argument("--as-of", help=_help("as of this date, YYYY-MM-DD (default today)"))
    p.set_defaults(handler=_printing(_statement))
    p = sub.add_parser("report", parents=[common], help=_help("a closed period's summary"))
    p.add_argument(
        "--period", help=_help("a closed period, START..END or a day in it (default the last)")
    )
    p.add_argument("--lang", default="es", choices=LANGUAGES)
    p.set_defaults(handler=_printing(_report))
    p = sub.add_parser("export", parents=[common], help=_help("write the book to CSV files"))
    p.add_argument("dir", help=_help("the folder to write"))
    p.set_defaults(handler=_printing(_export))
    p = sub.add_parser(
        "groups",
        parents=[common],
        help=_help("the solidarity groups: members, savings, guarantee calls"),
    )
    p.add_argument("--as-of", help=_help("as of this date, YYYY-MM-DD (default today)"))
    p.set_defaults(handler=_printing(_groups))
    p = sub.add_parser("upgrade", parents=[common], help=_help("migrate the book's schema"))
    p.set_defaults(handler=_printing(_upgrade))
    _register_documents(sub, common)


def _as_of(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--as-of", help=_help("as of this date, YYYY-MM-DD (default everything recorded)")
    )


def _output(p: argparse.ArgumentParser, formats: tuple[str, ...], default: str) -> None:
    add_format(p, formats, default=default, help=_help("the output's format"))
    add_output(
        p,
        help=_help(
            "write to this file, atomically (its extension sets the format; '-' is standard "
            "output; an existing file needs --force)"
        ),
    )


def _register_documents(sub: Any, common: argparse.ArgumentParser) -> None:
    """The book's documents and the co-op's accounts (issues 16 §5 and 17)."""
    p = sub.add_parser(
        "documents",
        parents=[common],
        help=_help("render every document of the book as of a date into a folder"),
        description=_help(
            "Liquidaciones and summaries of the periods paid by the date, each loan's statement "
            "and key-facts sheet, and the portfolio report, one file each."
        ),
    )
    p.add_argument("--as-of", help=_help("as of this date, YYYY-MM-DD (default today)"))
    p.add_argument("--period", help=_help("only this closed period, START..END or a day in it"))
    p.add_argument(
        "--format", choices=_DOCUMENT_FORMATS, help=_help("the documents' format (default md)")
    )
    p.add_argument(
        "-o", "--output", required=True, metavar="DIR", help=_help("the folder to write")
    )
    p.set_defaults(handler=_documents)

    p = sub.add_parser(
        "contributions", parents=[common], help=_help("a member's statement of contributions")
    )
    p.add_argument("farmer", help=_help("the farmer's id"))
    _as_of(p)
    _output(p, _DOCUMENT_FORMATS, "md")
    p.set_defaults(handler=_contributions)

    p = sub.add_parser("join", parents=[common], help=_help("a supplier becomes a member"))
    p.add_argument("farmer", help=_help("the farmer's id"))
    p.add_argument("date", help=_help("the first day of an open settlement period, YYYY-MM-DD"))
    p.set_defaults(handler=_join)

    p = sub.add_parser(
        "exit", parents=[common], help=_help("record that a farmer leaves the co-op")
    )
    p.add_argument("farmer", help=_help("the farmer's id"))
    p.add_argument("kind", choices=EXIT_KINDS, help=_help("why the farmer leaves"))
    p.add_argument("date", help=_help("the day the farmer leaves, YYYY-MM-DD"))
    p.add_argument("--reason", default="", help=_help("the reason, as recorded"))
    p.set_defaults(handler=_exit)

    p = sub.add_parser(
        "liquidate",
        parents=[common],
        help=_help("the final liquidación of a farmer who left: computed, posted and recorded"),
    )
    p.add_argument("farmer", help=_help("the farmer's id"))
    p.add_argument("date", help=_help("the liquidación's date, YYYY-MM-DD (on or after the exit)"))
    p.add_argument(
        "--write-off",
        action="store_true",
        help=_help("write off what the farmer still owes (castigo) instead of keeping it owed"),
    )
    _output(p, _DOCUMENT_FORMATS, "md")
    p.set_defaults(handler=_liquidate)

    for name, what, formats, default in (
        (
            "journal",
            _help("the double-entry journal (csv: the general ledger)"),
            ("table", "csv"),
            "table",
        ),
        ("ledger", _help("the general ledger as CSV, for the co-op's accountant"), ("csv",), "csv"),
        ("trial-balance", _help("the trial balance"), _TABLE_FORMATS, "table"),
    ):
        p = sub.add_parser(name, parents=[common], help=what)
        _as_of(p)
        _output(p, formats, default)
        p.set_defaults(handler=_trial_balance if name == "trial-balance" else _journal)

    p = sub.add_parser(
        "income-statement", parents=[common], help=_help("the co-op's income statement")
    )
    p.add_argument("--year", type=int, help=_help("a calendar year"))
    p.add_argument("--from", dest="start", help=_help("first day, YYYY-MM-DD"))
    p.add_argument("--to", dest="end", help=_help("last day, YYYY-MM-DD"))
    _output(p, _TABLE_FORMATS, "table")
    p.set_defaults(handler=_income_statement)

    p = sub.add_parser(
        "distribute",
        parents=[common],
        help=_help("distribute the year's remanente (LGC art. 42) and write the assembly document"),
    )
    p.add_argument("year", type=int, help=_help("the year whose remanente is distributed"))
    p.add_argument("--date", required=True, help=_help("the general assembly's date, YYYY-MM-DD"))
    p.add_argument(
        "--reserve-share", default="0.20", help=_help("share to the reserve, at least 0.20")
    )
    p.add_argument(
        "--minimum-reserve-share",
        default="0.20",
        help=_help("the law's floor for the reserve share (default 0.20, LGC art. 42)"),
    )
    p.add_argument(
        "--interest-rate",
        default="0",
        help=_help("interest on contributions for the year, e.g. 0.05 (needs --interest-cap)"),
    )
    p.add_argument(
        "--interest-cap", default=None, help=_help("the statute's cap on that interest, e.g. 0.08")
    )
    p.add_argument(
        "--education-share",
        default="0.10",
        help=_help("share to the education fund (default 0.10)"),
    )
    p.add_argument(
        "--basis",
        default="litres",
        choices=[m.value for m in PatronageBasis],
        help=_help("retornos in proportion to litres or value delivered"),
    )
    p.add_argument(
        "--third-party",
        default="reserve",
        choices=[m.value for m in ThirdPartyResult if m is not ThirdPartyResult.CAPITAL],
        help=_help("where the result of operations with non-members goes (default reserve)"),
    )
    _output(p, _DOCUMENT_FORMATS, "md")
    p.set_defaults(handler=_distribute)

    p = sub.add_parser(
        "assembly", parents=[common], help=_help("the assembly document of a distributed year")
    )
    p.add_argument("year", type=int, help=_help("the year"))
    _output(p, _DOCUMENT_FORMATS, "md")
    p.set_defaults(handler=_assembly)
