"""Revenue-share loans in the loans file (issue 18 §1): a ``[[loan]]`` table with
``kind = "revenue-share"`` is recorded as :meth:`~coopfinance.book.Book.add_revenue_share_loan`
records it (``book_linked_loans``), the other keys being the
:class:`~coopfinance.linked.RevenueSharePlan`'s::

    [[loan]]
    id = "RS1"
    farmer = "M001"
    kind = "revenue-share"
    principal = "1500"
    rate = "18%"
    disbursed = 2026-01-01
    share = "25%"
    floor = "50"
    cap = "400"
    max_periods = 12
    at_maturity = "balloon"        # or "extend", with extension_rate and extension_periods

``currency`` and ``frequency`` default to the book's (and must be the book's). A revenue-share
loan is always collected by check-off (``checkoff = false`` is refused); its ``plan`` label, if
given, is not kept. The same loan again is "already recorded"; with other terms, a conflict; an
id that is a loan of the other kind, in the book or in the file, is refused. Each bad loan is
reported with its line (the loan's position in the file, as for the other loans) and the whole
file is then refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coopfinance.book import _imports
from coopfinance.book import _schema as t
from coopfinance.book._common import Coop, ImportReport, Member, closed_through, dumps
from coopfinance.book._csv import Source
from coopfinance.book._errors import Conflict, Problem
from coopfinance.book._linked import REVENUE_SHARE, linked_loans, plan_from_dict, plan_to_dict
from coopfinance.errors import E_, CoopFinanceError, ErrorText

__all__ = ["RevenueShareRows", "import_loans", "is_revenue_share", "revenue_share_rows"]

_OWN = ("id", "farmer", "plan", "checkoff", "kind")
_REQUIRED = ("principal", "rate", "disbursed", "share")


def is_revenue_share(item: Mapping[str, Any]) -> bool:
    """Whether a ``[[loan]]`` table is a revenue-share loan (``kind = "revenue-share"``)."""
    return str(item.get("kind", "")).strip().lower() == REVENUE_SHARE


def revenue_share_rows(
    conn: Connection,
    coop: Coop,
    items: Iterable[tuple[int, Mapping[str, Any]]],
    *,
    others: Iterable[Mapping[str, Any]],
    members: Mapping[str, Member],
    seen: dict[str, int],
    problems: list[Problem],
    conflicts: list[Conflict],
) -> tuple[list[dict[str, Any]], int]:
    """The rows to insert into ``book_linked_loans`` for the revenue-share ``items`` (``(line,
    table)``) and how many are already recorded; bad ones go to ``problems`` and ``conflicts``.
    ``seen`` holds the ids of the file's other loans (by line) and is updated; ``others`` are the
    rows of those to be recorded (one whose id is a recorded revenue-share loan is refused)."""
    ll, lo = linked_loans, t.loans
    recorded = {
        r.loan_id: (r.farmer, r.terms)
        for r in conn.execute(
            sa.select(ll).where(ll.c.coop_id == coop.coop_id, ll.c.kind == REVENUE_SHARE)
        )
    }
    book_loans = {
        r.loan_id for r in conn.execute(sa.select(lo.c.loan_id).where(lo.c.coop_id == coop.coop_id))
    }
    for row in others:
        if row["loan_id"] in recorded:
            problems.append(
                Problem(
                    line=row["line"],
                    field="id",
                    message=E_(
                        "loan %(loan_id)s is already in the book as a revenue-share loan.",
                        loan_id=repr(row["loan_id"]),
                    ),
                )
            )
    closed = closed_through(conn, coop.coop_id)
    out: list[dict[str, Any]] = []
    already = 0
    for k, item in items:
        loan_id = str(item.get("id", "")).strip()
        farmer = str(item.get("farmer", "")).strip()

        def bad(field: str, message: ErrorText, k: int = k) -> None:
            problems.append(Problem(line=k, field=field, message=message))

        if not loan_id or not farmer:
            bad("id", E_("a loan needs 'id' and 'farmer'."))
            continue
        if len(loan_id) > 64:
            bad(
                "id",
                E_(
                    "'loan_id' must be an id of 1 to 64 characters (got %(loan_id)s).",
                    loan_id=repr(loan_id),
                ),
            )
            continue
        if loan_id in seen:
            bad(
                "id",
                E_(
                    "loan %(loan_id)s is also loan %(seen)s.",
                    loan_id=repr(loan_id),
                    seen=seen[loan_id],
                ),
            )
            continue
        seen[loan_id] = k
        if loan_id in book_loans:
            bad(
                "id",
                E_(
                    "loan %(loan_id)s is already in the book as a loan of its own terms.",
                    loan_id=repr(loan_id),
                ),
            )
            continue
        if farmer not in members:
            bad("farmer", E_("'farmer' %(farmer)s is not on the roster.", farmer=repr(farmer)))
            continue
        if item.get("checkoff", True) is not True:
            bad(
                "checkoff",
                _of(
                    loan_id,
                    E_(
                        "a revenue-share loan is collected by check-off (got checkoff = "
                        "%(value)s).",
                        value=repr(item.get("checkoff")),
                    ),
                ),
            )
            continue
        data = {key: v for key, v in item.items() if key not in _OWN}
        data.setdefault("currency", coop.currency)
        data.setdefault("frequency", coop.policy.frequency.value)
        for key in ("disbursed",):
            if key in data and not isinstance(data[key], str):
                data[key] = str(data[key])  # a TOML date
        missing = [key for key in _REQUIRED if data.get(key) in (None, "")]
        if missing:
            bad(
                missing[0],
                E_(
                    "loan %(loan_id)s: %(field)s is required.",
                    loan_id=repr(loan_id),
                    field=repr(missing[0]),
                ),
            )
            continue
        try:
            plan = plan_from_dict(data)
        except CoopFinanceError as exc:  # floats too (a TypeError as well): refused with the line
            bad(exc.field or "terms", _of(loan_id, exc.message))
            continue
        if plan.currency.code != coop.currency:
            bad(
                "currency",
                _of(
                    loan_id,
                    E_(
                        "'currency' of the plan must be the book's %(currency)s (got %(code)s).",
                        currency=coop.currency,
                        code=plan.currency.code,
                    ),
                ),
            )
            continue
        if plan.frequency is not coop.policy.frequency:
            bad(
                "frequency",
                _of(
                    loan_id,
                    E_(
                        "'frequency' of the plan must be the book's settlement frequency "
                        "%(value)s (got %(value2)s).",
                        value=coop.policy.frequency.value,
                        value2=plan.frequency.value,
                    ),
                ),
            )
            continue
        text = dumps(plan_to_dict(plan))
        found = recorded.get(loan_id)
        if found is not None:
            if found == (farmer, text):
                already += 1
            else:
                conflicts.append(
                    Conflict(
                        line=k,
                        identity=(f"loan {loan_id}",),
                        recorded={"farmer": found[0], "terms": found[1]},
                        given={"farmer": farmer, "terms": text},
                    )
                )
            continue
        if closed is not None and plan.disbursed <= closed:
            bad(
                "disbursed",
                _of(
                    loan_id,
                    E_(
                        "'disbursed' must be after the last closed period, which ends "
                        "%(closed)s (got %(day)s): a closed settlement is never recomputed.",
                        closed=closed,
                        day=plan.disbursed,
                    ),
                ),
            )
            continue
        out.append(
            {
                "loan_id": loan_id,
                "farmer": farmer,
                "kind": REVENUE_SHARE,
                "terms": text,
                "line": k,
            }
        )
    return out, already


def _of(loan_id: str, message: Any) -> ErrorText:
    """``message`` about loan ``loan_id`` ("loan 'RS1': …")."""
    return E_("loan %(loan_id)s: %(exc)s", loan_id=repr(loan_id), exc=message)


class RevenueShareRows:
    """The revenue-share loans of a loans file, for :func:`coopfinance.book._imports.import_loans`
    (its ``linked`` rows)."""

    @staticmethod
    def claims(item: Mapping[str, Any]) -> bool:
        return is_revenue_share(item)

    @staticmethod
    def rows(
        conn: Connection,
        coop: Coop,
        items: list[tuple[int, Mapping[str, Any]]],
        *,
        others: list[dict[str, Any]],
        members: Mapping[str, Member],
        seen: dict[str, int],
        problems: list[Problem],
        conflicts: list[Conflict],
    ) -> tuple[list[dict[str, Any]], int]:
        return revenue_share_rows(
            conn, coop, items, others=others, members=members, seen=seen, problems=problems,
            conflicts=conflicts,
        )  # fmt: skip

    @staticmethod
    def insert(conn: Connection, rows: list[dict[str, Any]]) -> None:
        conn.execute(linked_loans.insert(), rows)


def import_loans(conn: Connection, coop: Coop, source: Source, user: str) -> ImportReport:
    """The book's loans file with its revenue-share loans (``kind = "revenue-share"``): see
    :func:`coopfinance.book._imports.import_loans` and the module docstring."""
    return _imports.import_loans(conn, coop, source, user, linked=RevenueShareRows())
