"""Obligations: what a farmer owes at a settlement (services, inputs, loan installments, savings),
and what a settlement collected of each.

The obligations are the interface with loan servicing: each :class:`Collection` says what was
collected and what is short for one :class:`Obligation` (a loan installment carries its ``loan_id``),
as plain frozen values to be turned into payment and arrears events on the loan accounts.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import pathlib
from collections.abc import Iterable
from decimal import Decimal
from typing import IO

import attrs

from coopfinance._decimal import exact, to_decimal
from coopfinance._fields import ParseableEnum, to_optional_date, to_text, to_whole
from coopfinance._files import open_text, refuse_decoding
from coopfinance.dairy._periods import Period
from coopfinance.errors import E_, EN_, InvalidSettlement, InvalidValue, ParseError, joined

__all__ = [
    "DEFAULT_ORDER",
    "Collection",
    "Obligation",
    "ObligationKind",
    "amount_of",
    "obligations_by_period",
    "obligations_from_csv",
    "obligations_from_file",
]


class ObligationKind(ParseableEnum):
    """What a deduction from the milk payment is for."""

    SERVICE_CHARGE = "service-charge"
    """Per-litre services: transport, chilling, co-op margin."""
    INPUT_ADVANCE = "input-advance"
    """Inputs bought on credit: feed, veterinary care, artificial insemination."""
    LOAN_INSTALLMENT = "loan-installment"
    """An installment due on a loan account (carries the loan id)."""
    COMPULSORY_SAVINGS = "compulsory-savings"
    """Compulsory savings or member contributions (aportaciones)."""
    VOLUNTARY_SAVINGS = "voluntary-savings"
    """Voluntary savings."""

    @classmethod
    def parse_error(cls) -> type[InvalidValue]:
        return InvalidSettlement


DEFAULT_ORDER: tuple[ObligationKind, ...] = tuple(ObligationKind)
"""Reference §8 deduction order: services → inputs → loan installment → compulsory → voluntary savings."""


def amount_of(value: Decimal | int | str, field: str) -> Decimal:
    """``value`` as an amount of money, zero or more (an :class:`InvalidSettlement` if not)."""
    try:
        d = to_decimal(value, field=field)
    except ParseError as exc:
        raise InvalidSettlement(str(exc), field=field, value=value) from None
    if d < 0:
        raise InvalidSettlement(
            E_("%(field)s must not be negative (got %(d)s).", field=repr(field), d=d),
            field=field,
            value=d,
        )
    return d


def _kind(value: ObligationKind | str) -> ObligationKind:
    return ObligationKind.parse(value, field="kind")


def _amount(value: Decimal | int | str) -> Decimal:
    return amount_of(value, "amount")


def _priority(value: int | str | None) -> int | None:
    return None if value is None else to_whole(value, field="priority", error=InvalidSettlement)


def _due(value: dt.date | str | None) -> dt.date | None:
    return to_optional_date(value, field="due", error=InvalidSettlement)


@attrs.frozen(slots=True, kw_only=True)
class Obligation:
    """An amount due from one farmer at one settlement.

    ``priority`` (lower first) overrides the policy's order of kinds; ties keep the order given.
    A loan installment needs its ``loan_id``. ``due`` (optional) dates the obligation, so that a
    season's obligations can be given in one list and sorted into settlement periods with
    :func:`obligations_by_period`; :func:`settle` itself does not look at it.

    >>> ob = Obligation(farmer="F01", kind="loan-installment", amount="120.50", loan_id="L-7")
    >>> ob.kind, ob.amount
    (<ObligationKind.LOAN_INSTALLMENT: 'loan-installment'>, Decimal('120.50'))
    """

    farmer: str
    kind: ObligationKind = attrs.field(converter=_kind)
    amount: Decimal = attrs.field(converter=_amount)
    priority: int | None = attrs.field(default=None, converter=_priority)
    loan_id: str | None = None
    reference: str = ""
    due: dt.date | None = attrs.field(default=None, converter=_due)

    @exact
    def __attrs_post_init__(self) -> None:
        if self.kind is ObligationKind.LOAN_INSTALLMENT and not self.loan_id:
            raise InvalidSettlement(
                E_(
                    "'loan_id' is required for a loan installment (farmer %(farmer)s).",
                    farmer=repr(self.farmer),
                ),
                field="loan_id",
                value=self.loan_id,
            )


@attrs.frozen(slots=True, kw_only=True)
class Collection:
    """What one settlement collected of one obligation, and what is short (arrears created)."""

    obligation: Obligation
    collected: Decimal
    short: Decimal

    @property
    def due(self) -> Decimal:
        """The amount that was due: ``collected + short``."""
        return self.collected + self.short


_OBLIGATION_COLUMNS = ("farmer", "kind", "amount", "loan_id", "priority", "reference", "due")


@exact
def obligations_by_period(
    obligations: Iterable[Obligation], periods: Iterable[Period]
) -> dict[Period, tuple[Obligation, ...]]:
    """Sort dated obligations into the settlement periods that contain their ``due`` date, in the
    order given: the mapping :func:`settle_season` takes. Every period gets an entry (maybe empty).

    An obligation without ``due``, or due outside every period, is an error naming it (nothing is
    dropped).

    >>> from coopfinance.dairy import periods_between, SettlementFrequency
    >>> ps = periods_between(dt.date(2026, 1, 1), dt.date(2026, 1, 31),
    ...                      SettlementFrequency.SEMI_MONTHLY)
    >>> obs = [Obligation(farmer="M01", kind="compulsory-savings", amount="10", due=f"2026-01-{d}")
    ...        for d in (15, 31)]
    >>> [(str(p), len(v)) for p, v in obligations_by_period(obs, ps).items()]
    [('2026-01-01..2026-01-15', 1), ('2026-01-16..2026-01-31', 1)]
    >>> obligations_by_period([Obligation(farmer="M01", kind="input-advance", amount="5")], ps)
    Traceback (most recent call last):
    ...
    coopfinance.errors.InvalidSettlement: obligation 1 (M01 input-advance 5) has no 'due' date.
    """
    ordered = tuple(periods)
    out: dict[Period, list[Obligation]] = {p: [] for p in ordered}
    by_date: dict[dt.date, Period] = {}
    for p in ordered:
        for i in range(p.days):
            by_date[p.start + dt.timedelta(days=i)] = p
    for n, ob in enumerate(obligations, start=1):
        what = f"obligation {n} ({ob.farmer} {ob.kind.value} {ob.amount})"
        if ob.due is None:
            raise InvalidSettlement(
                E_("%(what)s has no 'due' date.", what=what), field="due", value=None
            )
        found = by_date.get(ob.due)
        if found is None:
            span = f"{ordered[0].start}..{ordered[-1].end}" if ordered else "no period"
            raise InvalidSettlement(
                E_(
                    "%(what)s: 'due' %(due)s is outside the periods (%(span)s).",
                    what=what,
                    due=ob.due,
                    span=span,
                ),
                field="due",
                value=ob.due,
            )
        out[found].append(ob)
    return {p: tuple(v) for p, v in out.items()}


@exact
def obligations_from_csv(text: str) -> tuple[Obligation, ...]:
    """Read obligations from CSV text with columns ``farmer,kind,amount`` and optionally
    ``loan_id,priority,reference,due`` (``due`` a date such as 2026-01-15, for
    :func:`obligations_by_period`); every bad row is reported with its line number.

    >>> text = "farmer,kind,amount,loan_id\\nF01,loan-installment,120.50,L-7\\nF02,input-advance,-5,\\n"
    >>> obligations_from_csv(text)
    Traceback (most recent call last):
    ...
    coopfinance.errors.InvalidSettlement: 1 bad row in the obligations file:
      line 3: 'amount' must not be negative (got -5).
    """
    return _read_obligations(io.StringIO(text, newline=""))


@exact
def obligations_from_file(path: str | pathlib.Path) -> tuple[Obligation, ...]:
    """Read an obligations CSV file (UTF-8, a byte-order mark accepted) as
    :func:`obligations_from_csv` reads its text."""
    with open_text(path, field="obligations", error=InvalidSettlement) as fh:
        try:
            return _read_obligations(fh)
        except UnicodeDecodeError as exc:
            raise refuse_decoding(path, exc, field="obligations", error=InvalidSettlement) from None


def _read_obligations(fh: IO[str]) -> tuple[Obligation, ...]:
    reader = csv.DictReader(fh)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in _OBLIGATION_COLUMNS[:3] if c not in header]
    unknown = [c for c in header if c not in _OBLIGATION_COLUMNS]
    if missing or unknown:
        raise InvalidSettlement(
            E_(
                "the obligations file needs the columns farmer, kind, amount and may "
                "have loan_id, priority, reference, due (got %(header)s).",
                header=", ".join(header) or "no header",
            ),
            field="columns",
            value=header,
        )
    reader.fieldnames = header
    out: list[Obligation] = []
    lines: list[tuple[int, InvalidValue]] = []
    for row in reader:
        try:
            farmer = to_text(row.get("farmer") or "", field="farmer", error=InvalidSettlement)
            out.append(
                Obligation(
                    farmer=farmer,
                    kind=row.get("kind") or "",
                    amount=row.get("amount") or "",
                    loan_id=(row.get("loan_id") or "").strip() or None,
                    priority=(row.get("priority") or "").strip() or None,
                    reference=(row.get("reference") or "").strip(),
                    due=(row.get("due") or "").strip() or None,
                )
            )
        except InvalidSettlement as exc:
            lines.append((reader.line_num, exc))
    problems = [exc.at(E_("line %(line)s", line=line)) for line, exc in lines]
    if problems:
        n = len(problems)
        head = EN_(
            "%(num)s bad row in the obligations file:",
            "%(num)s bad rows in the obligations file:",
            n,
            num=format(n, ","),
        )
        raise InvalidSettlement(
            joined("\n  ", [head, *(p.message for p in problems)]),
            field="rows",
            value=[line for line, _ in lines],
        )
    return tuple(out)
