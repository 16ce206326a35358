"""``coopfinance portfolio``: schedules, TCEA and the portfolio report of a CSV of loans, through the
batch engine (:mod:`coopfinance.batch`), in chunks with a progress bar.

The CSV (one loan a line, a header first)::

    id,principal,rate,installments,disbursed[,days_past_due]
    L001,1500,18%,12,2026-02-01,0

``rate`` is the TEA (``18%`` or ``0.18``); loans are level, monthly, act/360 (the batch engine's
defaults, as ``LoanTerms`` would give them). ``--as-of`` takes the balance after the installments due
by that date (paid as scheduled) as the outstanding balance; without it, the amount lent.
``days_past_due`` (default 0) places each loan in the portfolio at risk (PAR30, PAR90).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TextIO

from coopfinance._decimal import to_decimal
from coopfinance._fields import to_date, to_whole
from coopfinance._files import open_text, refuse_decoding
from coopfinance.cli._options import (
    add_format,
    add_output,
    chosen_format,
    console,
    csv_text,
    emit,
    input_path,
    write_output,
)
from coopfinance.errors import E_, CoopFinanceError, InvalidValue, ParseError

__all__ = ["MAX_LOANS", "register"]

MAX_LOANS = 2_000_000
"""The most loans one run reads (memory: about 1 KB per loan for the schedules of a chunk)."""
_CHUNK = 10_000
_REQUIRED = ("id", "principal", "rate", "installments", "disbursed")


def register(subparsers: Any) -> None:
    """Add ``portfolio``."""
    p = subparsers.add_parser(
        "portfolio",
        help="schedules, TCEA and portfolio report of a CSV of loans (batch engine)",
        description="Read a CSV of loans (id,principal,rate,installments,disbursed"
        "[,days_past_due]) and compute every schedule, each loan's TCEA and the portfolio "
        "report (outstanding, PAR30, PAR90) with the batch engine, in chunks.",
    )
    p.add_argument("loans", metavar="LOANS.csv", help="the loans ('-' reads standard input)")
    p.add_argument(
        "--as-of", default=None, help="outstanding balance after installments due by this date"
    )
    p.add_argument(
        "--schedules",
        default=None,
        metavar="FILE.csv",
        help="also write every installment of every loan to this CSV",
    )
    add_format(
        p,
        ("table", "csv", "json"),
        default="table",
        help="table: the report; csv/json: one line per loan with its TCEA, and the report (json)",
    )
    add_output(p, metavar="FILE")
    p.set_defaults(handler=_portfolio)


_PLAIN = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,8})?")
_RATE = re.compile(r"[0-9]{1,5}(?:\.[0-9]{1,10})?%?")
_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WHOLE = re.compile(r"[0-9]{1,6}")


def _row(cols: dict[str, list[Any]], row: dict[str, str | None]) -> None:
    """One loan's fields: plain spellings on a fast path, anything else through the field kit
    (which accepts what ``LoanTerms`` accepts and words the errors)."""
    principal = row["principal"] or ""
    rate = (row["rate"] or "").strip()
    n = row["installments"] or ""
    disbursed = row["disbursed"] or ""
    dpd = row.get("days_past_due") or "0"
    cols["id"].append(row["id"] or "")
    if _PLAIN.fullmatch(principal) and float(principal) > 0:
        cols["principal"].append(float(principal))
    else:
        cols["principal"].append(float(_bounded(to_decimal(principal, field="principal"))))
    if _RATE.fullmatch(rate):
        cols["rate"].append(float(rate[:-1]) / 100 if rate.endswith("%") else float(rate))
    else:
        cols["rate"].append(float(to_decimal(rate, field="rate")))
    if _WHOLE.fullmatch(n) and 1 <= int(n) <= 600:
        cols["installments"].append(int(n))
    else:
        cols["installments"].append(to_whole(n, field="installments", lo=1, hi=600))
    if _ISO.fullmatch(disbursed):
        cols["disbursed"].append(disbursed)
    else:
        cols["disbursed"].append(to_date(disbursed, field="disbursed").isoformat())
    if _WHOLE.fullmatch(dpd):
        cols["days_past_due"].append(int(dpd))
    else:
        cols["days_past_due"].append(to_whole(dpd, field="days_past_due", lo=0, hi=100_000))


def _read(
    path: str, ns: argparse.Namespace, tick: Callable[[int], Any] = lambda _n: None
) -> dict[str, list[Any]]:
    cols: dict[str, list[Any]] = {k: [] for k in (*_REQUIRED, "days_past_due")}
    fh = open_text(path, field="loans", error=ParseError)
    shown = "<stdin>" if ns.loans == "-" else path
    with fh:
        try:
            reader = csv.DictReader(fh)
            missing = [k for k in _REQUIRED if k not in (reader.fieldnames or ())]
            if missing:
                raise ParseError(
                    E_(
                        "'loans' %(shown)s needs the columns %(required)s (missing %(missing)s).",
                        shown=shown,
                        required=", ".join(_REQUIRED),
                        missing=", ".join(missing),
                    ),
                    field="loans",
                    value=shown,
                )
            for row in reader:
                line = reader.line_num
                if len(cols["id"]) >= MAX_LOANS:
                    raise InvalidValue(
                        E_(
                            "'loans' %(shown)s holds more than %(max_loans)s loans, the most one "
                            "run reads; split the file.",
                            shown=shown,
                            max_loans=format(MAX_LOANS, ","),
                        ),
                        field="loans",
                        value=shown,
                    )
                try:
                    _row(cols, row)
                except CoopFinanceError as exc:
                    raise exc.at(E_("line %(line)s of %(shown)s", line=line, shown=shown)) from None
                if len(cols["id"]) % _CHUNK == 0:
                    tick(_CHUNK)
        except csv.Error as exc:
            raise ParseError(
                E_("'loans' %(shown)s is not valid CSV: %(exc)s.", shown=shown, exc=exc),
                field="loans",
                value=shown,
            ) from None
        except UnicodeDecodeError as exc:
            raise refuse_decoding(path, exc, field="loans", error=ParseError) from None
    if not cols["id"]:
        raise ParseError(
            E_("'loans' %(shown)s holds no loan.", shown=shown), field="loans", value=shown
        )
    return cols


def _bounded(value: Decimal) -> Decimal:
    if not 0 < value < Decimal("1e12"):
        raise InvalidValue(
            E_(
                "'principal' must be above 0 and below 1,000,000,000,000 (got %(value)s).",
                value=value,
            ),
            field="principal",
            value=value,
        )
    return value


def _portfolio(ns: argparse.Namespace, out: TextIO) -> int:
    import numpy as np

    from coopfinance.batch import iter_schedules, portfolio_metrics, solve_rates

    c = console(ns)
    fmt = chosen_format(ns)
    with c.progress(None, c.t("reading"), unit="loan") as reading:
        cols = _read(input_path(ns, ns.loans, suffix=".csv"), ns, reading.update)
    as_of = None if ns.as_of is None else to_date(ns.as_of, field="as_of", error=InvalidValue)
    n = len(cols["id"])
    c.detail(c.nt("%(num)d loan read", "%(num)d loans read", n, num=n))
    principal = np.array(cols["principal"])
    rate = np.array(cols["rate"])
    installments = np.array(cols["installments"], dtype=np.int64)
    try:
        disbursed = np.array(cols["disbursed"], dtype="datetime64[D]")
    except ValueError:  # a date such as 2026-02-30 that matched the fast path's shape
        for k, text in enumerate(cols["disbursed"]):
            try:
                to_date(text, field="disbursed")
            except CoopFinanceError as exc:
                raise exc.at(E_("loan %(id)s", id=repr(cols["id"][k]))) from None
        raise
    tcea = np.zeros(n)
    installment = np.zeros(n)
    interest = np.zeros(n)
    balance = np.zeros(n)
    long_rows: list[str] = []
    ids = np.array(cols["id"], dtype=object)
    start = 0
    with c.progress(n, c.t("loans"), unit="loan") as bar:
        for chunk in iter_schedules(principal, rate, installments, disbursed, chunk_size=_CHUNK):
            size = len(chunk.n)
            part = slice(start, start + size)
            installment[part] = chunk.installment
            interest[part] = chunk.interest.sum(axis=1)
            flows = np.concatenate([-chunk.lent[:, None], chunk.total], axis=1)
            days = np.concatenate(
                [np.zeros((size, 1), dtype=np.int64), np.cumsum(chunk.days, axis=1)], axis=1
            )
            tcea[part] = solve_rates(flows, days, basis=360)
            if as_of is None:
                balance[part] = chunk.lent
            else:
                due = chunk.due_date
                paid = chunk.valid & (due <= np.datetime64(as_of.isoformat()))
                count = paid.sum(axis=1)
                last = np.where(count > 0, chunk.balance[np.arange(size), count - 1], chunk.lent)
                balance[part] = np.where(disbursed[part] <= np.datetime64(as_of), last, 0.0)
            if ns.schedules:
                long_rows.append(_long_csv(chunk.to_long(), ids, start))
            start += size
            bar.update(size)
    if ns.schedules:
        header = "loan,number,due_date,principal,interest,total,balance\n"
        write_output(ns, ns.schedules, header + "".join(long_rows))
    metrics = portfolio_metrics(balance, np.array(cols["days_past_due"]))
    lent = Decimal(round(float(principal.sum()) * 100)).scaleb(-2)
    weighted = Decimal(str(round(float((tcea * principal).sum() / principal.sum()), 8)))
    report = {
        "loans": n,
        "lent": str(lent),
        "interest": f"{interest.sum():.2f}",
        "average_tcea": str(weighted),
        "as_of": None if as_of is None else as_of.isoformat(),
        "outstanding": str(metrics.outstanding),
        "par30": str(metrics.par[30]),
        "par90": str(metrics.par[90]),
    }
    if fmt == "json":
        loans = [_loan(cols, k, installment, interest, tcea) for k in range(n)]
        return emit(ns, out, json.dumps({"report": report, "loans": loans}, indent=1) + "\n")
    if fmt == "csv":
        columns = ("id", "principal", "installments", "installment", "interest", "tcea")
        rows = (list(_loan(cols, k, installment, interest, tcea).values()) for k in range(n))
        return emit(ns, out, csv_text(columns, rows))
    return emit(ns, out, _table(c, report, as_of))


def _long_csv(long: dict[str, Any], ids: Any, start: int) -> str:
    """A chunk's installments as CSV lines (loan id, number, due date, amounts to the cent)."""
    import numpy as np

    columns = [
        (ids[start + long["loan"]]).astype(str),
        long["number"].astype(str),
        long["due_date"].astype(str),
        *(np.char.mod("%.2f", long[k]) for k in ("principal", "interest", "total", "balance")),
    ]
    return "".join(",".join(row) + "\n" for row in zip(*columns, strict=True))


def _loan(
    cols: dict[str, list[Any]], k: int, inst: Any, interest: Any, tcea: Any
) -> dict[str, Any]:
    return {
        "id": cols["id"][k],
        "principal": f"{cols['principal'][k]:.2f}",
        "installments": cols["installments"][k],
        "installment": f"{inst[k]:.2f}",
        "interest": f"{interest[k]:.2f}",
        "tcea": f"{tcea[k]:.8f}",
    }


def _pct(text: str) -> str:
    return f"{Decimal(text) * 100:.2f} %"


def _table(c: Any, report: dict[str, Any], as_of: dt.date | None) -> str:
    rows = [
        (c.t("Loans"), f"{report['loans']:,}"),
        (c.t("Amount lent"), f"{Decimal(report['lent']):,.2f}"),
        (c.t("Interest over the terms"), f"{Decimal(report['interest']):,.2f}"),
        (c.t("Average TCEA (weighted by amount)"), _pct(report["average_tcea"])),
        (
            c.t("Outstanding as of %(date)s", date=as_of.isoformat())
            if as_of
            else c.t("Outstanding (amount lent)"),
            f"{Decimal(report['outstanding']):,.2f}",
        ),
        ("PAR30", _pct(report["par30"])),
        ("PAR90", _pct(report["par90"])),
    ]
    width = max(len(label) for label, _ in rows) + 2
    return "".join(f"{label:<{width}}{value:>18}\n" for label, value in rows)
