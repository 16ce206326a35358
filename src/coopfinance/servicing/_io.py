"""Loading and saving events: JSON and CSV at the edge, errors with their line or position.

An event as plain data is a mapping with ``type`` (``disbursement``, ``payment``, ``charge``,
``waiver``, ``write-off``, ``recovery``, ``reschedule``, ``prepayment``), ``date`` (ISO 8601),
``id``, and the fields of its class: ``amount`` (a decimal string), ``channel``, ``component``,
``description``, ``choice``, ``capitalize`` and ``terms`` (the mapping read by
:meth:`LoanTerms.from_dict`, for a reschedule).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

from coopfinance._decimal import exact
from coopfinance._terms import LoanTerms
from coopfinance.errors import E_, CoopFinanceError, InvalidEvent, ParseError, UnknownLoan
from coopfinance.servicing._account import LoanAccount
from coopfinance.servicing._events import (
    ChargeApplied,
    Disbursement,
    Event,
    Payment,
    Prepayment,
    Recovery,
    Reschedule,
    Waiver,
    WriteOff,
    event_kind,
)

__all__ = [
    "CSV_COLUMNS",
    "accounts_from_csv",
    "event_from_dict",
    "event_to_dict",
    "events_from_csv",
    "events_from_json",
    "events_to_json",
]

_TYPES: dict[str, tuple[type, tuple[str, ...]]] = {
    "disbursement": (Disbursement, ("amount",)),
    "payment": (Payment, ("amount", "channel")),
    "charge": (ChargeApplied, ("amount", "component", "description")),
    "waiver": (Waiver, ("component", "amount")),
    "write-off": (WriteOff, ()),
    "recovery": (Recovery, ("amount", "channel")),
    "reschedule": (Reschedule, ("terms", "capitalize")),
    "prepayment": (Prepayment, ("amount", "choice", "channel")),
}

CSV_COLUMNS = (
    "type",
    "date",
    "id",
    "amount",
    "channel",
    "component",
    "description",
    "choice",
    "capitalize",
    "terms",
)
"""The columns an events CSV may have (``type``, ``date`` and ``id`` are required; a portfolio
file adds ``loan_id``)."""


def _bool(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    key = str(value).strip().lower()
    if key in ("true", "yes", "1", "si", "sí"):
        return True
    if key in ("false", "no", "0"):
        return False
    raise ParseError(
        E_(
            "%(field)s must be true or false (got %(value)s).", field=repr(field), value=repr(value)
        ),
        field=field,
        value=value,
    )


def event_from_dict(data: Mapping[str, Any]) -> Event:
    """One event from plain data (see the module docstring); empty values count as absent.

    >>> event_from_dict({"type": "payment", "date": "2026-02-15", "id": "p1",
    ...                     "amount": "489.11"})
    Payment(date=datetime.date(2026, 2, 15), amount=Decimal('489.11'), id='p1', channel='')
    """
    if not isinstance(data, Mapping):
        raise ParseError(
            E_(
                "an event must be an object with 'type', 'date' and 'id' (got %(data)s).",
                data=repr(data),
            ),
            field="event",
            value=data,
        )
    values = {k: v for k, v in data.items() if v is not None and v != ""}
    kind = str(values.pop("type", "")).strip().lower().replace("_", "-")
    if kind not in _TYPES:
        raise ParseError(
            E_(
                "'type' must be one of %(types)s (got %(get_data)s).",
                types=", ".join(_TYPES),
                get_data=repr(data.get("type")),
            ),
            field="type",
            value=data.get("type"),
        )
    cls, fields = _TYPES[kind]
    allowed = {"date", "id", *fields}
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise ParseError(
            E_(
                "%(unknown)s is not a field of a %(kind)s event (fields: %(allowed)s).",
                unknown=repr(unknown[0]),
                kind=kind,
                allowed=", ".join(sorted(allowed)),
            ),
            field=unknown[0],
            value=values[unknown[0]],
        )
    for key in ("date", "id"):
        if key not in values:
            raise ParseError(
                E_("a %(kind)s event needs %(key)s.", kind=kind, key=repr(key)),
                field=key,
                value=None,
            )
    if "amount" in fields and "amount" not in values and kind != "waiver":
        raise ParseError(
            E_("a %(kind)s event needs 'amount'.", kind=kind), field="amount", value=None
        )
    if kind == "reschedule":
        if "terms" not in values:
            raise ParseError(E_("a reschedule event needs 'terms'."), field="terms", value=None)
        terms = values["terms"]
        if isinstance(terms, str):
            try:
                terms = json.loads(terms)
            except json.JSONDecodeError as exc:
                raise ParseError(
                    E_("'terms' must be a JSON object (%(msg)s).", msg=exc.msg),
                    field="terms",
                    value=terms,
                ) from None
        values["terms"] = LoanTerms.from_dict(terms)
        if "capitalize" in values:
            values["capitalize"] = _bool(values["capitalize"], "capitalize")
    result: Event = cls(**values)
    return result


def event_to_dict(event: Event) -> dict[str, Any]:
    """The plain-data form of ``event`` (amounts as decimal strings, dates ISO 8601)."""
    out: dict[str, Any] = {
        "type": event_kind(event),
        "date": event.date.isoformat(),
        "id": event.id,
    }
    for key in _TYPES[event_kind(event)][1]:
        value = getattr(event, key)
        if value is None or value == "":
            continue
        if key == "terms":
            out[key] = value.to_dict()
        elif key in ("component", "choice"):
            out[key] = value.value
        elif isinstance(value, bool):
            out[key] = value
        else:
            out[key] = str(value)
    return out


@exact
def events_from_json(text: str) -> tuple[Event, ...]:
    """Events from JSON: a list of event objects, or an object with an ``events`` list.

    A bad event is reported with its position (1 for the first).
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(
            E_(
                "'events' must be JSON (%(msg)s at line %(lineno)s).",
                msg=exc.msg,
                lineno=exc.lineno,
            ),
            field="events",
            value=text[:80],
        ) from None
    if isinstance(data, Mapping):
        data = data.get("events")
    if not isinstance(data, list):
        raise ParseError(
            E_("'events' must be a JSON list of events or an object with an 'events' list."),
            field="events",
            value=text[:80],
        )
    out = []
    for position, item in enumerate(data, start=1):
        try:
            out.append(event_from_dict(item))
        except CoopFinanceError as exc:
            raise exc.at(E_("event %(position)s", position=position)) from None
    return tuple(out)


@exact
def events_to_json(events: tuple[Event, ...] | list[Event], *, indent: int | None = 2) -> str:
    """Events as a JSON list; :func:`events_from_json` reads it back exactly."""
    return json.dumps([event_to_dict(e) for e in events], indent=indent, ensure_ascii=False)


def _rows(text: str, extra: tuple[str, ...] = ()) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        return _read_rows(reader, extra)
    except csv.Error as exc:
        raise ParseError(
            E_(
                "line %(line_num)s: the events CSV is malformed (%(exc)s).",
                line_num=reader.line_num,
                exc=exc,
            ),
            field="events",
            value=None,
        ) from None


def _read_rows(
    reader: csv.DictReader[str], extra: tuple[str, ...]
) -> list[tuple[int, dict[str, str]]]:
    header = [h.strip() for h in reader.fieldnames or []]
    allowed = (*CSV_COLUMNS, *extra)
    unknown = [h for h in header if h not in allowed]
    missing = [h for h in ("type", "date", "id", *extra) if h not in header]
    if unknown or missing:
        problem = f"unknown column {unknown[0]!r}" if unknown else f"missing column {missing[0]!r}"
        raise ParseError(
            E_(
                "line 1: the events CSV header has an %(problem)s (columns: "
                "%(allowed)s; got %(header)s).",
                problem=problem,
                allowed=", ".join(allowed),
                header=",".join(header),
            ),
            field="header",
            value=header,
        )
    reader.fieldnames = header
    rows = []
    for record in reader:
        if None in record:
            raise ParseError(
                E_(
                    "line %(line_num)s: more cells than columns (got %(record)s).",
                    line_num=reader.line_num,
                    record=repr(record[None]),
                ),
                field="row",
                value=reader.line_num,
            )
        rows.append((reader.line_num, {k: (v or "").strip() for k, v in record.items()}))
    return rows


def _row_event(line: int, record: dict[str, str]) -> Event:
    try:
        return event_from_dict(record)
    except CoopFinanceError as exc:
        raise exc.at(E_("line %(line)s", line=line)) from None


@exact
def events_from_csv(text: str) -> tuple[Event, ...]:
    """Events from CSV with a header of :data:`CSV_COLUMNS` (any subset holding ``type``,
    ``date`` and ``id``); a bad row is reported with its line number.

    >>> events_from_csv("type,date,id,amount\\npayment,2026-02-15,p1,489.11\\n")[0].amount
    Decimal('489.11')
    """
    return tuple(_row_event(line, record) for line, record in _rows(text))


@exact
def accounts_from_csv(
    terms: Mapping[str, LoanTerms], text: str, **options: Any
) -> dict[str, LoanAccount]:
    """Accounts of a portfolio: ``terms`` by loan id, and a CSV of events with a ``loan_id``
    column. An event for a loan without terms is an :class:`~coopfinance.errors.UnknownLoan`
    error with its line number; a loan without events gets an account all the same.
    ``options`` go to every :class:`LoanAccount` (``allocation``, ``late``, ``overpayment``).
    """
    by_loan: dict[str, list[Event]] = {loan: [] for loan in terms}
    for line, record in _rows(text, ("loan_id",)):
        loan = record.pop("loan_id")
        if loan not in by_loan:
            raise UnknownLoan(
                E_(
                    "line %(line)s: 'loan_id' %(loan)s has no loan terms (known: %(by_loan)s).",
                    line=line,
                    loan=repr(loan),
                    by_loan=", ".join(sorted(by_loan)) or "none",
                ),
                field="loan_id",
                value=loan,
            )
        by_loan[loan].append(_row_event(line, record))
    out = {}
    for loan, events in by_loan.items():
        try:
            out[loan] = LoanAccount(terms=terms[loan], events=events, id=loan, **options)
        except InvalidEvent as exc:
            raise exc.at(E_("loan %(loan)s", loan=repr(loan))) from None
    return out
