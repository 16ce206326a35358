"""The repayment schedule (cronograma): its rows, totals and exports, and reading them back.

A schedule is a value: :mod:`coopfinance._builder` makes it from loan terms
(:meth:`LoanTerms.schedule`); this module knows nothing of terms. Exports are JSON
(:meth:`Schedule.to_json` / :meth:`Schedule.from_json`), plain data (:meth:`Schedule.to_dict` /
:meth:`Schedule.from_dict`), CSV rows (:meth:`Schedule.to_csv` / :meth:`Schedule.from_csv`), a file
of either (:meth:`Schedule.from_file`), records and a pandas DataFrame.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import pathlib
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple, overload

import attrs

from coopfinance._csv import csv_text
from coopfinance._decimal import ZERO, exact, to_decimal
from coopfinance._fields import to_date, to_whole
from coopfinance._files import read_text
from coopfinance._frames import Numeric, to_dataframe
from coopfinance._money import Currency, Money
from coopfinance.errors import E_, CoopFinanceError, InvalidValue, ParseError, fmt_value

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["COLUMNS", "Installment", "Schedule"]

COLUMNS = (
    "number",
    "due_date",
    "days",
    "opening_balance",
    "principal",
    "interest",
    "fees",
    "insurance",
    "taxes",
    "charges",
    "total",
    "balance",
)
"""The columns of every export, in order."""


def _to_currency(value: Currency | str) -> Currency:
    return Currency.of(value)


class Installment(NamedTuple):
    """One row of a schedule. Amounts are ``Decimal`` in the schedule's currency.

    ``charges = fees + insurance + taxes``; ``total = principal + interest + charges``;
    ``balance = opening_balance + capitalized − principal``. A down payment due at disbursement is
    row number 0.

    An immutable named tuple rather than an attrs class: a schedule makes one per row, and a tuple
    is built in a quarter of the time (see docs/design.md).
    """

    number: int
    due_date: dt.date
    days: int
    """Calendar days since the previous due date (or the disbursement)."""
    opening_balance: Decimal
    principal: Decimal
    interest: Decimal
    fees: Decimal
    """Installment fees (commissions)."""
    insurance: Decimal
    """Credit life insurance (seguro de desgravamen)."""
    taxes: Decimal
    """Taxes on the payment, such as Peru's ITF."""
    charges: Decimal
    """``fees + insurance + taxes``."""
    total: Decimal
    balance: Decimal
    """The closing balance after this installment."""

    @property
    @exact
    def capitalized(self) -> Decimal:
        """Interest added to the balance in this period instead of being paid."""
        return self.balance - self.opening_balance + self.principal

    def to_record(self) -> dict[str, Any]:
        """The row as plain values: amounts ``Decimal``, the date a ``date``."""
        return dict(zip(COLUMNS, self, strict=True))


def _installments(value: Sequence[Installment]) -> tuple[Installment, ...]:
    return tuple(value)


@attrs.frozen(slots=True, kw_only=True)
class Schedule:
    """An immutable repayment schedule.

    >>> from coopfinance import LoanTerms, Rate
    >>> s = LoanTerms(principal="5000", rate=Rate.effective_annual("35%"), installments=3,
    ...               disbursed="2026-01-15").schedule()
    >>> [str(row.total) for row in s], s.total_interest
    (['1751.80', '1751.80', '1751.79'], Decimal('255.39'))
    """

    currency: Currency = attrs.field(converter=_to_currency)
    principal: Decimal
    disbursed: dt.date
    installment_amount: Decimal
    """The regular installment: the level amount for LEVEL, the amount for weight 1 for WEIGHTED,
    otherwise the first installment after grace."""
    installments: tuple[Installment, ...] = attrs.field(converter=_installments)
    fees_withheld: Decimal = ZERO
    """Upfront fees deducted from the disbursement."""
    fees_financed: Decimal = ZERO
    """Upfront fees added to the principal (they are part of :attr:`principal`)."""
    taxes_withheld: Decimal = ZERO
    """Taxes on the disbursement (e.g. ITF) deducted from it."""

    @classmethod
    def trusted(  # noqa: PLR0917 - the fields in order, for the builder's one call
        cls,
        currency: Currency,
        principal: Decimal,
        disbursed: dt.date,
        installment_amount: Decimal,
        installments: tuple[Installment, ...],
        fees_withheld: Decimal,
        fees_financed: Decimal,
        taxes_withheld: Decimal,
    ) -> Schedule:
        """A schedule from values already in their final types (a :class:`Currency`, a tuple of
        rows), built without running the converters: the schedule builder's path. Equal to
        ``Schedule(...)`` of the same values (tested); never use it on raw input.
        """
        self = object.__new__(cls)
        _set = object.__setattr__
        _set(self, "currency", currency)
        _set(self, "principal", principal)
        _set(self, "disbursed", disbursed)
        _set(self, "installment_amount", installment_amount)
        _set(self, "installments", installments)
        _set(self, "fees_withheld", fees_withheld)
        _set(self, "fees_financed", fees_financed)
        _set(self, "taxes_withheld", taxes_withheld)
        return self

    @property
    @exact
    def amount_lent(self) -> Decimal:
        """The amount of the loan before financed fees: ``principal − fees_financed``."""
        return self.principal - self.fees_financed

    @property
    @exact
    def net_disbursement(self) -> Decimal:
        """What the borrower receives in hand: the amount lent less fees and taxes withheld."""
        return self.amount_lent - self.fees_withheld - self.taxes_withheld

    # -- sequence behaviour ----------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.installments)

    def __iter__(self) -> Iterator[Installment]:
        return iter(self.installments)

    @overload
    def __getitem__(self, index: int) -> Installment: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Installment, ...]: ...
    def __getitem__(self, index: int | slice) -> Installment | tuple[Installment, ...]:
        return self.installments[index]

    # -- totals ---------------------------------------------------------------------------------
    @property
    def maturity(self) -> dt.date:
        """The last due date."""
        return self.installments[-1].due_date

    @exact
    def _sum(self, name: str) -> Decimal:
        return sum((getattr(r, name) for r in self.installments), ZERO)

    @property
    def total_principal(self) -> Decimal:
        """Principal repaid: the principal lent plus any capitalized interest."""
        return self._sum("principal")

    @property
    def total_interest(self) -> Decimal:
        """Interest paid over the schedule."""
        return self._sum("interest")

    @property
    def total_fees(self) -> Decimal:
        """Installment fees paid over the schedule (upfront fees are on the schedule itself)."""
        return self._sum("fees")

    @property
    def total_insurance(self) -> Decimal:
        """Insurance paid over the schedule."""
        return self._sum("insurance")

    @property
    def total_taxes(self) -> Decimal:
        """Taxes paid with the installments (the disbursement's are :attr:`taxes_withheld`)."""
        return self._sum("taxes")

    @property
    def total_charges(self) -> Decimal:
        """Charges paid with the installments: fees, insurance and taxes."""
        return self._sum("charges")

    @property
    def total_payments(self) -> Decimal:
        """Everything the borrower pays."""
        return self._sum("total")

    def totals(self) -> dict[str, Decimal]:
        """Each amount column summed over the rows."""
        return {
            "principal": self.total_principal,
            "interest": self.total_interest,
            "fees": self.total_fees,
            "insurance": self.total_insurance,
            "taxes": self.total_taxes,
            "charges": self.total_charges,
            "total": self.total_payments,
        }

    def money(self, amount: Decimal) -> Money:
        """``amount`` as :class:`Money` in this schedule's currency."""
        return Money(amount=amount, currency=self.currency)

    # -- exports ----------------------------------------------------------------------------------
    def to_records(self) -> list[dict[str, Any]]:
        """One dict per row with the keys of :data:`COLUMNS` (``Decimal`` amounts, ``date`` dates)."""
        return [r.to_record() for r in self.installments]

    def to_dataframe(self, *, numeric: Numeric = False) -> pd.DataFrame:
        """The rows as a pandas ``DataFrame`` (optional extra ``pandas``): one row per installment,
        columns :data:`COLUMNS`, ``number`` as index. Amounts are exact ``Decimal`` objects by
        default; ``numeric=True`` gives ``float64`` amounts and ``datetime64`` dates (for
        analysis and charts), ``numeric="decimal"`` exact Arrow decimals (needs ``pyarrow``;
        see docs/conventions.md, "DataFrames").

        Without pandas, :meth:`to_records` gives the same data as plain dicts.
        """
        frame = to_dataframe(self.to_records(), COLUMNS, "Schedule", numeric)
        return frame.set_index("number")

    @exact
    def to_dict(self) -> dict[str, Any]:
        """The JSON interchange form: amounts as decimal strings, dates ISO 8601."""
        return {
            "currency": self.currency.code,
            "principal": str(self.principal),
            "disbursed": self.disbursed.isoformat(),
            "installment_amount": str(self.installment_amount),
            "fees_withheld": str(self.fees_withheld),
            "fees_financed": str(self.fees_financed),
            "taxes_withheld": str(self.taxes_withheld),
            "installments": [
                {
                    k: (
                        v.isoformat()
                        if isinstance(v, dt.date)
                        else v
                        if isinstance(v, int)
                        else str(v)
                    )
                    for k, v in r.to_record().items()
                }
                for r in self.installments
            ],
            "totals": {k: str(v) for k, v in self.totals().items()},
        }

    @exact
    def to_json(self, *, indent: int | None = 2) -> str:
        """The schedule as JSON (see :meth:`to_dict`); :meth:`from_json` reads it back exactly."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    @exact
    def from_dict(cls, data: Mapping[str, Any]) -> Schedule:
        """The inverse of :meth:`to_dict`; totals, if present, must agree with the rows.

        Validated like a schedule the builder made: finite, bounded, non-negative amounts, rows
        that add up and a principal repaid exactly (see :func:`_check_loaded`).
        """
        if not isinstance(data, Mapping):
            raise ParseError(
                E_(
                    "'schedule' must be a table of keys such as 'currency' and "
                    "'installments' (got %(kind_data)s).",
                    kind_data=_kind(data),
                ),
                field="schedule",
                value=_kind(data),
            )
        raw_rows = data.get("installments")
        if not isinstance(raw_rows, list | tuple) and "installments" in data:
            raise ParseError(
                E_(
                    "'installments' must be a list of rows (got %(kind_raw_rows)s).",
                    kind_raw_rows=_kind(raw_rows),
                ),
                field="installments",
                value=_kind(raw_rows),
            )
        try:
            rows = [_row_from_mapping(r, i + 1) for i, r in enumerate(data["installments"])]
            schedule = cls(
                currency=data["currency"],
                principal=_dec(data["principal"], "principal"),
                disbursed=_date(data["disbursed"], "disbursed"),
                installment_amount=_dec(data["installment_amount"], "installment_amount"),
                installments=rows,
                fees_withheld=_dec(data.get("fees_withheld", 0), "fees_withheld"),
                fees_financed=_dec(data.get("fees_financed", 0), "fees_financed"),
                taxes_withheld=_dec(data.get("taxes_withheld", 0), "taxes_withheld"),
            )
        except KeyError as exc:
            raise ParseError(
                E_(
                    "a schedule needs the key %(args)s (got keys %(data)s).",
                    args=repr(exc.args[0]),
                    data=sorted(data),
                ),
                field=str(exc.args[0]),
                value=None,
            ) from None
        totals = data.get("totals")
        if totals is not None:
            for key, value in schedule.totals().items():
                if key in totals and _dec(totals[key], f"totals.{key}") != value:
                    raise InvalidValue(
                        E_(
                            "'totals.%(key)s' must equal the sum of the rows, %(value)s (got "
                            "%(totals)s).",
                            key=key,
                            value=value,
                            totals=totals[key],
                        ),
                        field=f"totals.{key}",
                        value=totals[key],
                    )
        return _check_loaded(schedule)

    @classmethod
    @exact
    def from_json(cls, text: str) -> Schedule:
        """Read a schedule written by :meth:`to_json`."""
        try:
            data = json.loads(
                text, parse_constant=_no_constant, parse_float=Decimal, parse_int=Decimal
            )
        except json.JSONDecodeError as exc:
            raise ParseError(
                E_(
                    "'schedule' must be JSON (%(msg)s at line %(lineno)s).",
                    msg=exc.msg,
                    lineno=exc.lineno,
                ),
                field="schedule",
                value=text[:80],
            ) from None
        except RecursionError:
            raise ParseError(
                E_("'schedule' must be JSON of a schedule's shape (got nesting too deep to read)."),
                field="schedule",
                value=text[:80],
            ) from None
        return cls.from_dict(data)

    @exact
    def to_csv(self) -> str:
        """The rows as CSV with a header of :data:`COLUMNS` (amounts as decimal strings)."""
        rows = ([r.due_date.isoformat() if k == 1 else v for k, v in enumerate(r)] for r in self)
        return csv_text(COLUMNS, rows)

    @classmethod
    @exact
    def from_csv(
        cls,
        text: str,
        *,
        currency: Currency | str,
        disbursed: dt.date,
        installment_amount: Decimal | None = None,
    ) -> Schedule:
        """Read rows written by :meth:`to_csv`; a bad row is reported with its line number.

        The CSV holds only rows: give the ``currency`` and ``disbursed`` date. Without
        ``installment_amount`` the most frequent installment total (earliest on ties) is used.
        """
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        try:
            return cls._from_reader(reader, currency, disbursed, installment_amount)
        except csv.Error as exc:
            raise ParseError(
                E_(
                    "the schedule CSV is malformed at line %(line_num)s (%(exc)s).",
                    line_num=reader.line_num,
                    exc=exc,
                ),
                field="schedule",
                value=None,
            ).at(E_("line %(line_num)s", line_num=reader.line_num)) from None

    @classmethod
    def _from_reader(
        cls,
        reader: csv.DictReader[str],
        currency: Currency | str,
        disbursed: dt.date | str,
        installment_amount: Decimal | None,
    ) -> Schedule:
        if reader.fieldnames is None or list(reader.fieldnames) != list(COLUMNS):
            raise ParseError(
                E_(
                    "the schedule CSV header must be %(columns)s (got %(fieldnames_reader)s).",
                    columns=",".join(COLUMNS),
                    fieldnames_reader=",".join(reader.fieldnames or []),
                ),
                field="header",
                value=reader.fieldnames,
            )
        rows = []
        for line, record in enumerate(reader, start=2):
            try:
                rows.append(_row_from_mapping(record, line))
            except CoopFinanceError as exc:
                raise exc.at(E_("line %(line)s", line=line)) from None
        if not rows:
            raise ParseError(
                E_("the schedule CSV has no rows (got only a header)."), field="rows", value=None
            )
        if installment_amount is None:
            totals = [r.total for r in rows[:-1]] or [rows[0].total]
            installment_amount = max(totals, key=lambda t: (totals.count(t), -totals.index(t)))
        schedule = cls(
            currency=currency,
            principal=rows[0].opening_balance,
            disbursed=_date(disbursed, "disbursed"),
            installment_amount=_dec(installment_amount, "installment_amount"),
            installments=rows,
        )
        return _check_loaded(schedule, where="row of installment")

    @classmethod
    @exact
    def from_file(
        cls,
        path: str | pathlib.Path,
        *,
        currency: Currency | str | None = None,
        disbursed: dt.date | str | None = None,
        installment_amount: Decimal | None = None,
    ) -> Schedule:
        """Read a ``.json`` file written from :meth:`to_json` or a ``.csv`` one from :meth:`to_csv`
        (the suffix decides); a CSV needs ``currency`` and ``disbursed`` (see :meth:`from_csv`)."""
        p = pathlib.Path(path)
        suffix = p.suffix.lower()
        if suffix not in (".json", ".csv"):
            raise ParseError(
                E_("'schedule' must be a .json or .csv file (got %(p)s).", p=repr(str(p))),
                field="schedule",
                value=str(p),
            )
        text = read_text(p, field="schedule", error=ParseError)
        if suffix == ".json":
            return cls.from_json(text)
        if currency is None or disbursed is None:
            raise ParseError(
                E_(
                    "a schedule CSV needs 'currency' and 'disbursed' (got %(currency)s, "
                    "%(disbursed)s).",
                    currency=repr(currency),
                    disbursed=repr(disbursed),
                ),
                field="currency" if currency is None else "disbursed",
                value=None,
            )
        return cls.from_csv(
            text,
            currency=currency,
            disbursed=_date(disbursed, "disbursed"),
            installment_amount=installment_amount,
        )


def _check_loaded(schedule: Schedule, *, where: str = "installment") -> Schedule:
    """Refuse a loaded schedule that no builder could have made (issue 20 §2): negative amounts,
    rows out of order (a row 0, a down payment on the day of disbursement, may come first), a
    row whose parts do not add up to its total, a balance that does not carry
    to the next row, a principal that is not repaid exactly.

    The identities, per row: ``charges = fees + insurance + taxes``, ``total = principal +
    interest + charges``, ``opening_balance = previous balance`` (the first row's is the
    schedule's principal); and over the schedule ``Σ principal = principal + Σ capitalized`` with
    a last balance of zero.
    """

    def bad(field: str, value: object, message: str) -> ParseError:
        return ParseError(
            E_(
                "%(field)s %(message)s (got %(value)s).",
                field=repr(field),
                message=message,
                value=fmt_value(value),
            ),
            field=field,
            value=value,
        )

    if schedule.principal <= 0:
        raise bad("principal", schedule.principal, E_("must be positive"))
    previous_balance = schedule.principal
    previous_date = schedule.disbursed
    capitalized = ZERO
    first = 0 if schedule.installments and schedule.installments[0].number == 0 else 1
    for k, row in enumerate(schedule.installments, start=first):
        label = (
            E_("installment %(number)s", number=k)
            if where == "installment"
            else E_("row of installment %(number)s", number=k)
        )
        try:
            if row.number != k:
                raise bad(
                    "number",
                    row.number,
                    E_("must be %(k)s: rows are numbered from 1 in order", k=k),
                )
            if row.due_date < previous_date or (row.due_date == previous_date and k > 0):
                raise bad(
                    "due_date",
                    row.due_date,
                    E_("must be after %(previous_date)s", previous_date=previous_date),
                )
            if row.days < 0:
                raise bad("days", row.days, E_("must not be negative"))
            for name in (
                "opening_balance",
                "interest",
                "fees",
                "insurance",
                "taxes",
                "charges",
                "total",
                "balance",
            ):
                if getattr(row, name) < 0:
                    raise bad(name, getattr(row, name), E_("must not be negative"))
            if row.opening_balance != previous_balance:
                raise bad(
                    "opening_balance",
                    row.opening_balance,
                    E_(
                        "must be the balance carried from before, %(previous_balance)s",
                        previous_balance=previous_balance,
                    ),
                )
            if row.charges != row.fees + row.insurance + row.taxes:
                raise bad(
                    "charges",
                    row.charges,
                    E_(
                        "must be fees + insurance + taxes = %(taxes_fees)s",
                        taxes_fees=row.fees + row.insurance + row.taxes,
                    ),
                )
            if row.total != row.principal + row.interest + row.charges:
                raise bad(
                    "total",
                    row.total,
                    E_(
                        "must be principal + interest + charges = %(charges_principal)s",
                        charges_principal=row.principal + row.interest + row.charges,
                    ),
                )
        except ParseError as exc:
            raise exc.at(label) from None
        previous_balance, previous_date = row.balance, row.due_date
        capitalized += row.capitalized
    for name in (
        "principal",
        "installment_amount",
        "fees_withheld",
        "fees_financed",
        "taxes_withheld",
    ):
        value = getattr(schedule, name)
        if value < 0 or (name == "principal" and value == 0):
            raise bad(
                name, value, "must be positive" if name == "principal" else "must not be negative"
            )
    if schedule.installments and previous_balance != 0:
        raise bad(
            "balance",
            previous_balance,
            E_("of the last installment must be 0: the schedule must repay the principal"),
        )
    repaid = schedule.total_principal
    if schedule.installments and repaid != schedule.principal + capitalized:
        raise bad(
            "principal",
            repaid,
            E_(
                "repaid must equal the principal lent plus interest capitalized, "
                "%(principal_capitalized)s",
                principal_capitalized=schedule.principal + capitalized,
            ),
        )
    return schedule


def _dec(value: Any, field: str) -> Decimal:
    return to_decimal(value, field=field)


def _date(value: Any, field: str) -> dt.date:
    return to_date(value, field=field, error=ParseError)


def _int(value: Any, field: str) -> int:
    return to_whole(value, field=field, error=ParseError)


def _kind(value: object) -> str:
    """How a value of the wrong shape is named in a message: ``null``, ``a number``, ``a list``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float | Decimal):
        return f"a number, {value}"
    if isinstance(value, str):
        return f"text {fmt_value(value[:40])}"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


def _no_constant(name: str) -> Any:
    raise ParseError(
        E_("'schedule' must not hold %(name)s: amounts are finite numbers.", name=name),
        field="schedule",
        value=name,
    )


def _row_from_mapping(r: Mapping[str, Any], where: int) -> Installment:
    if not isinstance(r, Mapping):
        raise ParseError(
            E_(
                "installment %(where)s must be a table of keys (got %(kind_r)s).",
                where=where,
                kind_r=_kind(r),
            ),
            field="installments",
            value=_kind(r),
        )
    try:
        return Installment(
            number=_int(r["number"], "number"),
            due_date=_date(r["due_date"], "due_date"),
            days=_int(r["days"], "days"),
            opening_balance=_dec(r["opening_balance"], "opening_balance"),
            principal=_dec(r["principal"], "principal"),
            interest=_dec(r["interest"], "interest"),
            fees=_dec(r.get("fees", 0), "fees"),
            insurance=_dec(r.get("insurance", 0), "insurance"),
            taxes=_dec(r.get("taxes", 0), "taxes"),
            charges=_dec(r["charges"], "charges"),
            total=_dec(r["total"], "total"),
            balance=_dec(r["balance"], "balance"),
        )
    except KeyError as exc:
        raise ParseError(
            E_(
                "installment %(where)s needs the key %(args)s.", where=where, args=repr(exc.args[0])
            ),
            field=str(exc.args[0]),
            value=None,
        ) from None
