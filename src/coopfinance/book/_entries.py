"""Imports of the co-op's own entries (income and expenses) and of the contributions paid at the
office or retornos paid out: nothing doubled (an identity recorded with the same values is
counted ``already``), a recorded identity with other values a conflict, every bad line reported."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coopfinance._decimal import to_decimal
from coopfinance.book import _ledger_schema as lt
from coopfinance.book._accounts import memberships
from coopfinance.book._common import Coop, ImportReport, lock, record_import
from coopfinance.book._csv import Source, csv_rows, source_name
from coopfinance.book._errors import Conflict, Problem
from coopfinance.book._imports import _refuse
from coopfinance.book._journal import ENTRY_KINDS
from coopfinance.book._types import canonical
from coopfinance.errors import E_, CoopFinanceError

__all__ = ["CONTRIBUTION_KINDS", "import_contributions", "import_entries"]

CONTRIBUTION_KINDS = ("cash", "paid")


def _amount(text: str, field: str) -> Decimal:
    d = to_decimal(text, field=field)
    if d <= 0 or d != d.quantize(Decimal("0.01")):
        raise ValueError(
            E_(
                "'%(field)s' must be a positive amount in céntimos (got %(text)s).",
                field=field,
                text=repr(text),
            )
        )
    return d


def _run(
    conn: Connection,
    coop: Coop,
    source: Source,
    user: str,
    *,
    what: str,
    table: Any,
    columns: tuple[tuple[str, ...], tuple[str, ...]],
    parse: Callable[[dict[str, str]], dict[str, Any]],
    identity: tuple[str, ...],
) -> ImportReport:
    name = source_name(source)
    lock(conn, coop.coop_id)
    recorded = {
        tuple(getattr(r, k) for k in identity): r
        for r in conn.execute(sa.select(table).where(table.c.coop_id == coop.coop_id))
    }
    problems: list[Problem] = []
    conflicts: list[Conflict] = []
    inserts: list[dict[str, Any]] = []
    seen: dict[tuple[Any, ...], int] = {}
    already = 0
    with csv_rows(source, what, *columns) as (rows, bad):
        for line, row in rows:
            try:
                values = parse(row)
            except (CoopFinanceError, ValueError) as exc:
                field = getattr(exc, "field", None) or what
                said = exc.args[0] if len(exc.args) == 1 else exc
                message = said if isinstance(said, str) else str(said)  # an ErrorText stays one
                problems.append(Problem(line=line, field=field, message=message))
                continue
            key = tuple(values[k] for k in identity)
            if key in seen:
                problems.append(
                    Problem(
                        line=line,
                        field=what,
                        message=E_("the same entry is on line %(seen)s.", seen=seen[key]),
                    )
                )
                continue
            seen[key] = line
            found = recorded.get(key)
            if found is not None:
                if canonical(found.amount) == canonical(values["amount"]):
                    already += 1
                else:
                    conflicts.append(
                        Conflict(
                            line=line,
                            identity=tuple(map(str, key)),
                            recorded={"amount": canonical(found.amount)},
                            given={"amount": canonical(values["amount"])},
                        )
                    )
                continue
            inserts.append({**values, "line": line})
        problems.extend(bad)
    _refuse(what, name, problems, conflicts)
    iid = record_import(conn, coop.coop_id, what, name, user, new=len(inserts), already=already)
    if inserts:
        conn.execute(
            table.insert(), [{"coop_id": coop.coop_id, "import_id": iid, **r} for r in inserts]
        )
    return ImportReport(kind=what, source=name, new=len(inserts), already=already)


def import_entries(conn: Connection, coop: Coop, source: Source, user: str) -> ImportReport:
    """The co-op's own entries (see ``Book.record_entries``)."""

    def parse(row: dict[str, str]) -> dict[str, Any]:
        kind = row["kind"]
        if kind not in ENTRY_KINDS:
            raise ValueError(
                E_(
                    "'kind' must be one of %(kinds)s (got %(kind)s).",
                    kinds=", ".join(ENTRY_KINDS),
                    kind=repr(kind),
                )
            )
        litres = row.get("litres", "")
        return {
            "date": dt.date.fromisoformat(row["date"]),
            "kind": kind,
            "amount": _amount(row["amount"], "amount"),
            "litres": to_decimal(litres, field="litres") if litres else None,
            "reference": row["reference"],
            "description": row.get("description", ""),
        }

    return _run(
        conn,
        coop,
        source,
        user,
        what="entries",
        table=lt.coop_entries,
        columns=(("date", "kind", "amount", "reference"), ("litres", "description")),
        parse=parse,
        identity=("kind", "date", "reference"),
    )


def import_contributions(conn: Connection, coop: Coop, source: Source, user: str) -> ImportReport:
    """Contributions paid at the office and retornos paid out (see ``Book.record_contributions``)."""
    ms = memberships(conn, coop.coop_id)

    def parse(row: dict[str, str]) -> dict[str, Any]:
        kind = row["kind"]
        if kind not in CONTRIBUTION_KINDS:
            raise ValueError(E_("'kind' must be cash or paid (got %(kind)s).", kind=repr(kind)))
        farmer = row["farmer"]
        if farmer not in ms:
            raise ValueError(E_("'farmer' %(farmer)s is not on the roster.", farmer=repr(farmer)))
        return {
            "farmer": farmer,
            "date": dt.date.fromisoformat(row["date"]),
            "kind": kind,
            "amount": _amount(row["amount"], "amount"),
            "reference": row["reference"],
        }

    return _run(
        conn,
        coop,
        source,
        user,
        what="contributions",
        table=lt.member_contributions,
        columns=(("farmer", "date", "kind", "amount", "reference"), ()),
        parse=parse,
        identity=("farmer", "date", "kind", "reference"),
    )
