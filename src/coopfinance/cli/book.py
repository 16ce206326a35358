"""``coopfinance book …``: the co-op book from the command line.

:func:`register` adds the ``book`` command and its subcommands (the CLI package's pattern); each
handler prints what it did on the command's output and returns the exit code.

Where the book is: ``--book URL_OR_PATH``, else the environment variable ``COOPFINANCE_BOOK``,
else ``./coop.db``. Which co-op: ``--coop``, else ``COOPFINANCE_COOP``, else the only one there.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
from collections.abc import Callable
from typing import Any, TextIO

from coopfinance._fields import to_date
from coopfinance.book._book import Book
from coopfinance.book._store import to_url
from coopfinance.cli._options import console
from coopfinance.dairy import SettlementFrequency, SettlementPolicy
from coopfinance.documents import render_settlement_summary
from coopfinance.errors import InvalidValue
from coopfinance.text import LANGUAGES

__all__ = ["register"]

_KINDS = ("roster", "prices", "deliveries", "payments", "loans", "obligations")


def _where(args: argparse.Namespace) -> str:
    return to_url(args.book or os.environ.get("COOPFINANCE_BOOK") or "coop.db")


def _open(args: argparse.Namespace) -> Book:
    return Book.open(_where(args), args.coop or os.environ.get("COOPFINANCE_COOP") or None)


def _init(args: argparse.Namespace) -> int:
    policy = SettlementPolicy(frequency=SettlementFrequency.parse(args.frequency))
    coop = args.coop or os.environ.get("COOPFINANCE_COOP")
    if not coop:
        raise InvalidValue(
            "'--coop' is required: the id of the co-op whose book this is (got nothing).",
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
    print(f"book of {book.coop.name!r} ({book.coop.coop_id}) created in {_where(args)}")
    return 0


def _import(args: argparse.Namespace) -> int:
    book = _open(args)
    report = getattr(book, f"import_{args.kind}")(args.file)
    print(f"{args.kind} {args.file}: {report}")
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
        f"closed {closing.period}, paid {closing.pay_date}: {s.farmers} farmers, "
        f"{s.litres} litres, gross {s.gross}, deductions {s.deductions}, net {s.net}, "
        f"arrears {s.arrears}; {sum(len(p) for p in closing.payments.values())} check-off "
        f"payments, {len(closing.adjustments)} adjustments"
    )
    return 0


def _status(args: argparse.Namespace) -> int:
    st = _open(args).status()
    print(
        f"co-op {st.coop_id}: {st.members} on the roster, {st.deliveries:,} delivery entries, "
        f"{st.loans} loans, {st.imports} imports and closes"
    )
    print(f"closed through: {st.closed_through or 'nothing closed'}")
    print(f"next to close: {st.open_period or 'nothing recorded'}")
    return 0


def _statement(args: argparse.Namespace) -> int:
    as_of = to_date(args.as_of, field="as_of") if args.as_of else None
    st = _open(args).statement(args.farmer, as_of)
    print(f"{st.farmer} as of {st.as_of}")
    for pay, s, adjustments in st.settlements:
        extra = sum((a.amount for a in adjustments if a.amount > 0), 0)
        print(
            f"  {s.period} paid {pay}: litres {s.litres}, gross {s.gross}, deductions "
            f"{s.deductions}, net {s.net}"
            + (f", adjustments +{extra}" if extra else "")
            + (f", short {s.arrears}" if s.arrears else "")
        )
    for loan_id, state in st.loans:
        print(
            f"  loan {loan_id}: principal outstanding {state.principal_outstanding}, arrears "
            f"{state.arrears}, days past due {state.days_past_due}"
        )
    return 0


def _report(args: argparse.Namespace) -> int:
    book = _open(args)
    period: Any = args.period
    if period is None:
        closed = book.closed_periods()
        if not closed:
            raise InvalidValue(
                "'period' has nothing to report: no period is closed yet (run 'book close').",
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
    print(f"{len(files)} files written to {args.dir}")
    return 0


def _upgrade(args: argparse.Namespace) -> int:
    revision = Book.upgrade(_where(args))
    print(f"book schema at revision {revision}")
    return 0


def _printing(handler: Callable[[argparse.Namespace], int]) -> Callable[..., int]:
    """The handler with its ``print`` output sent to the command's ``out``."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace, out: TextIO) -> int:
        with contextlib.redirect_stdout(out):
            return handler(args)

    return run


def register(subparsers: Any) -> None:
    """Add ``book`` and its subcommands."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--book", help="URL or SQLite path (default $COOPFINANCE_BOOK or ./coop.db)"
    )
    common.add_argument("--coop", help="co-op id (default $COOPFINANCE_COOP or the only one)")
    book = subparsers.add_parser("book", help="the co-op book: record, close, report")
    sub = book.add_subparsers(dest="book_command", required=True)
    p = sub.add_parser("init", parents=[common], help="create a co-op's book")
    p.add_argument("--name")
    p.add_argument("--currency", default="PEN")
    p.add_argument("--frequency", default="semi-monthly")
    p.add_argument("--pay-delay-days", type=int, default=0)
    p.set_defaults(handler=_printing(_init))
    p = sub.add_parser("import", parents=[common], help="record a file")
    p.add_argument("kind", choices=_KINDS)
    p.add_argument("file")
    p.set_defaults(handler=_printing(_import))
    p = sub.add_parser("close", parents=[common], help="close a period (default the next)")
    p.add_argument("period", nargs="?")
    p.set_defaults(handler=_printing(_close))
    p = sub.add_parser("status", parents=[common], help="what the book holds")
    p.set_defaults(handler=_printing(_status))
    p = sub.add_parser("statement", parents=[common], help="a farmer's statement")
    p.add_argument("farmer")
    p.add_argument("--as-of")
    p.set_defaults(handler=_printing(_statement))
    p = sub.add_parser("report", parents=[common], help="a closed period's summary")
    p.add_argument("--period")
    p.add_argument("--lang", default="es", choices=LANGUAGES)
    p.set_defaults(handler=_printing(_report))
    p = sub.add_parser("export", parents=[common], help="write the book to CSV files")
    p.add_argument("dir")
    p.set_defaults(handler=_printing(_export))
    p = sub.add_parser("upgrade", parents=[common], help="migrate the book's schema")
    p.set_defaults(handler=_printing(_upgrade))
