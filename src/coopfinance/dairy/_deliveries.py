"""Milk deliveries (farmer, date, shift, litres, quality sample), loaded from CSV or XLSX, and
collection coverage.

A delivery's **identity** is farmer + date + shift (``Delivery.identity``): the shift tells a
morning collection from an evening one (``am``/``pm``, or a collection number), empty when the
co-op collects once a day. Two rows of a file with the same identity are reported with both line
numbers and nothing is read (issue 16: the same row given twice is never paid twice).
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import pathlib
import unicodedata
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from typing import IO, Any

import attrs

from coopfinance._decimal import ZERO, exact, to_decimal
from coopfinance._fields import to_date, to_table, to_text
from coopfinance._files import data_lines, open_text, read_data, refuse_decoding
from coopfinance.dairy._periods import Period
from coopfinance.dairy._prices import Quality
from coopfinance.errors import (
    E_,
    EN_,
    InvalidDelivery,
    MissingDependency,
    ParseError,
    fmt_value,
    joined,
)

__all__ = [
    "Deliveries",
    "Delivery",
    "MissedPickup",
    "PickupPlan",
    "cell_text",
    "column_name",
    "load_openpyxl",
    "missed_pickups",
]

_MAX_LISTED = 20
"""A file's error message lists this many problems; ``InvalidDelivery.problems`` holds them all."""

RowProgress = Callable[[int, "int | None"], object]
"""What a deliveries loader reports its progress to: ``progress(done, total)``, the rows read so
far (kept or left out) and the rows of the file (``None`` when not known beforehand)."""

PROGRESS_EVERY = 10_000
"""Rows read between two calls of a loader's ``progress``."""


class _Rows:
    """The rows a loader has read, reported to ``progress`` (when given): ``(0, total)`` first,
    every :data:`PROGRESS_EVERY` rows, and ``(n, n)`` when the file is read without error."""

    __slots__ = ("done", "progress", "total")

    def __init__(self, progress: RowProgress | None, total: int | None) -> None:
        self.progress = progress
        self.total = total
        self.done = 0
        if progress is not None:
            progress(0, total)

    def tick(self) -> None:
        self.done += 1
        if self.progress is not None and self.done % PROGRESS_EVERY == 0:
            self.progress(self.done, self.total)

    def finish(self) -> None:
        if self.progress is not None:
            self.progress(self.done, self.done)


def _outside(row: Mapping[str, str], select: Period) -> bool:
    """Whether the row's date can be read and falls outside ``select`` (a row whose date cannot
    be read is kept, to be reported with the others)."""
    try:
        day = _date(row.get("date") or "")
    except InvalidDelivery:
        return False
    return not select.contains(day)


def _number(value: Decimal | int | str, field: str) -> Decimal:
    try:
        return to_decimal(value, field=field)
    except ParseError as exc:
        raise InvalidDelivery(str(exc), field=field, value=value) from None


def _litres(value: Decimal | int | str) -> Decimal:
    d = _number(value, "litres")
    if d < 0:
        raise InvalidDelivery(
            E_("'litres' must not be negative (got %(d)s).", d=d), field="litres", value=d
        )
    return d


def _farmer(value: str) -> str:
    return to_text(value, field="farmer", error=InvalidDelivery)


def _date(value: dt.date | str) -> dt.date:
    return to_date(value, field="date", error=InvalidDelivery)


_SHIFT_MAX = 16


def _shift(value: str | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InvalidDelivery(
            E_(
                "'shift' must be text such as 'am' or a collection number (got %(value)s).",
                value=repr(value),
            ),
            field="shift",
            value=value,
        )
    text = str(value).strip().lower()
    if len(text) > _SHIFT_MAX:
        raise InvalidDelivery(
            E_(
                "'shift' must be at most %(shift_max)s characters (got %(text)s).",
                shift_max=_SHIFT_MAX,
                text=repr(text),
            ),
            field="shift",
            value=text,
        )
    return text


def _receipt(value: str | int | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InvalidDelivery(
            E_("'receipt' must be the slip's number as text (got %(value)s).", value=repr(value)),
            field="receipt",
            value=value,
        )
    return str(value).strip() or None


@attrs.frozen(slots=True, kw_only=True)
class Delivery:
    """Litres delivered by one farmer on one day and shift, with an optional quality sample,
    route and collection slip (``receipt``). ``shift`` is ``""`` (one collection a day) unless
    given; :attr:`identity` is ``(farmer, date, shift)``.

    >>> Delivery(farmer="F01", date="2026-01-03", litres="32.5", shift="AM")
    Delivery(farmer='F01', date=datetime.date(2026, 1, 3), litres=Decimal('32.5'), quality=None,
             route=None, shift='am', receipt=None)
    >>> Delivery(farmer="F01", date="2026-01-03", litres="-3")
    Traceback (most recent call last):
    ...
    coopfinance.errors.InvalidDelivery: 'litres' must not be negative (got -3).
    """

    farmer: str = attrs.field(converter=_farmer)
    date: dt.date = attrs.field(converter=_date)
    litres: Decimal = attrs.field(converter=_litres)
    quality: Quality | None = None
    route: str | None = None
    shift: str = attrs.field(default="", converter=_shift)
    receipt: str | None = attrs.field(default=None, converter=_receipt)

    @property
    def identity(self) -> tuple[str, dt.date, str]:
        """``(farmer, date, shift)``: what tells one collection from another."""
        return (self.farmer, self.date, self.shift)

    @classmethod
    def trusted(
        cls,
        farmer: str,
        date: dt.date,
        litres: Decimal,
        quality: Quality | None = None,
        *,
        route: str | None = None,
        shift: str = "",
        receipt: str | None = None,
    ) -> Delivery:
        """A delivery from values already validated (a ``str`` farmer, a ``date``, a non-negative
        ``Decimal`` of litres, a canonical shift), built without running the converters again:
        the fast path of the co-op book, which checked every row when it was imported.
        Equal to ``Delivery(...)`` of the same values (tested); never use it on raw input.

        >>> Delivery.trusted("F01", dt.date(2026, 1, 3), Decimal("32.5")) == Delivery(
        ...     farmer="F01", date="2026-01-03", litres="32.5")
        True
        """
        self = object.__new__(cls)
        _set = object.__setattr__
        _set(self, "farmer", farmer)
        _set(self, "date", date)
        _set(self, "litres", litres)
        _set(self, "quality", quality)
        _set(self, "route", route)
        _set(self, "shift", shift)
        _set(self, "receipt", receipt)
        return self


_REQUIRED = ("farmer", "date", "litres")
_OPTIONAL = (
    "total_solids",
    "fat",
    "bacterial_count",
    "cooled",
    "route",
    "shift",
    "receipt",
    "protein",
    "somatic_cells",
    "snf",
)
QUALITY_FIELDS: tuple[str, ...] = tuple(
    name for name in _OPTIONAL if name in {a.name for a in attrs.fields(Quality)}
)
"""The columns of a deliveries file that make up its quality sample: every field of
:class:`Quality` (``tests/dairy/test_quality_columns.py`` checks none is missing)."""
FIELDS: tuple[str, ...] = _REQUIRED + _OPTIONAL
"""Every column of a deliveries file, in order: the one list the co-op book reads too."""
_ALIASES = {
    "productor": "farmer",
    "fecha": "date",
    "litros": "litres",
    "liters": "litres",
    "grasa": "fat",
    "solidos totales": "total_solids",
    "recuento bacteriano": "bacterial_count",
    "ufc": "bacterial_count",
    "enfriada": "cooled",
    "turno": "shift",
    "ruta": "route",
    "recibo": "receipt",
    "proteina": "protein",
    "celulas somaticas": "somatic_cells",
    "recuento de celulas somaticas": "somatic_cells",
    "rcs": "somatic_cells",
    "scc": "somatic_cells",
    "sng": "snf",
    "solidos no grasos": "snf",
    "solids not fat": "snf",
}
"""Other names of the columns: the Spanish ones of Peruvian collection sheets (productor, fecha,
litros, grasa, sólidos totales, UFC, proteína, células somáticas or RCS, SNG or sólidos no grasos,
…) and English abbreviations (SCC), compared without accents, case, or the difference between
spaces and underscores."""


def column_name(header: str) -> str:
    """A deliveries column's canonical name: ``"Células somáticas"`` → ``"somatic_cells"``,
    ``"SNG"`` → ``"snf"``, ``"Proteína"`` → ``"protein"``; other names lower-cased and stripped.

    >>> [column_name(h) for h in ("Proteína", "RCS", "sólidos no grasos", " Litres ")]
    ['protein', 'somatic_cells', 'snf', 'litres']
    """
    name = header.strip().lower()
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)
    ).replace("_", " ")
    plain = " ".join(plain.split())
    return _ALIASES.get(
        plain, plain.replace(" ", "_") if plain.replace(" ", "_") in _OPTIONAL else name
    )


_TRUE = {"1", "true", "yes", "y", "si", "sí"}
_FALSE = {"0", "false", "no", "n", ""}


def _count(text: str, field: str, unit: str) -> int | None:
    if not text:
        return None
    try:
        count = int(text.replace(",", ""))
    except ValueError:
        raise InvalidDelivery(
            E_(
                "%(field)s must be a whole number of %(unit)s (got %(text)s).",
                field=repr(field),
                unit=unit,
                text=repr(text),
            ),
            field=field,
            value=text,
        ) from None
    if count < 0:
        raise InvalidDelivery(
            E_("%(field)s must not be negative (got %(count)s).", field=repr(field), count=count),
            field=field,
            value=count,
        )
    return count


def _row_quality(row: Mapping[str, str]) -> Quality | None:
    ts = (row.get("total_solids") or "").strip()
    fat = (row.get("fat") or "").strip()
    ufc = (row.get("bacterial_count") or "").strip()
    cooled_text = (row.get("cooled") or "").strip().lower()
    protein = (row.get("protein") or "").strip()
    scc = (row.get("somatic_cells") or "").strip()
    snf = (row.get("snf") or "").strip()
    if not (ts or fat or ufc or cooled_text or protein or scc or snf):
        return None
    count = _count(ufc, "bacterial_count", "UFC/ml")
    cells = _count(scc, "somatic_cells", "cells/ml")
    if cooled_text not in _TRUE | _FALSE:
        raise InvalidDelivery(
            E_("'cooled' must be yes or no (got %(cooled_text)s).", cooled_text=repr(cooled_text)),
            field="cooled",
            value=cooled_text,
        )
    for name, text in (("total_solids", ts), ("fat", fat), ("protein", protein), ("snf", snf)):
        if text:
            value = _number(text, name)
            if not 0 <= value <= 100:
                raise InvalidDelivery(
                    E_(
                        "%(name)s must be a percentage between 0 and 100 (got %(value)s).",
                        name=repr(name),
                        value=value,
                    ),
                    field=name,
                    value=value,
                )
    return Quality(
        total_solids=ts or None,
        fat=fat or None,
        bacterial_count=count,
        cooled=cooled_text in _TRUE,
        protein=protein or None,
        somatic_cells=cells,
        snf=snf or None,
    )


def _check_header(header: list[str]) -> None:
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        raise InvalidDelivery(
            E_(
                "the deliveries file needs the columns %(required)s (missing "
                "%(missing)s; got %(header)s).",
                required=", ".join(_REQUIRED),
                missing=", ".join(missing),
                header=", ".join(header) or "no header",
            ),
            field="columns",
            value=header,
        )
    unknown_cols = [c for c in header if c not in _REQUIRED + _OPTIONAL]
    if unknown_cols:
        raise InvalidDelivery(
            E_(
                "unknown column %(unknown_cols)s in the deliveries file; known: "
                "%(required__optional)s.",
                unknown_cols=repr(unknown_cols[0]),
                required__optional=", ".join(_REQUIRED + _OPTIONAL),
            ),
            field="columns",
            value=unknown_cols,
        )


def cell_text(value: Any) -> str:
    """An Excel cell as the text a CSV would hold: dates ISO (a date-time by its day), numbers to
    15 significant digits (Excel's display precision), booleans yes/no, empty cells ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()  # a delivery is dated by its day; the hour is dropped
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format(Decimal(f"{value:.15g}").normalize(), "f")
    return str(value)


def load_openpyxl(source: Any) -> tuple[Any, Any]:
    """The optional openpyxl module and its bad-file exception (the ``xlsx`` extra), or a
    :class:`~coopfinance.errors.MissingDependency` naming ``source`` and the way out."""
    try:
        openpyxl: Any = importlib.import_module("openpyxl")
        bad_file: Any = importlib.import_module("openpyxl.utils.exceptions").InvalidFileException
    except ImportError as exc:
        raise MissingDependency(
            E_(
                "reading deliveries from an .xlsx workbook needs the optional package "
                "openpyxl, which is not installed (%(exc)s); install it with: pip "
                "install 'coopfinance[xlsx]', or save the sheet as CSV and use "
                "Deliveries.from_file.",
                exc=exc,
            ),
            field="source",
            value=str(source),
        ) from None
    return openpyxl, bad_file


def _to_items(value: Iterable[Delivery]) -> tuple[Delivery, ...]:
    return tuple(value)


@attrs.frozen(slots=True, kw_only=True)
class Deliveries:
    """A collection of deliveries, in the order given.

    >>> data = "farmer,date,litres\\nF01,2026-01-01,30\\nF02,2026-01-01,-2\\nF03,2026-01-40,5\\n"
    >>> Deliveries.from_csv(data, farmers={"F01", "F02"})
    Traceback (most recent call last):
    ...
    coopfinance.errors.InvalidDelivery: 2 bad rows in the deliveries file:
      line 3: 'litres' must not be negative (got -2).
      line 4: 'date' must be a date such as '2026-01-15' (got '2026-01-40').
      line 4: 'farmer' 'F03' is not a known farmer.
    """

    items: tuple[Delivery, ...] = attrs.field(converter=_to_items)

    def __iter__(self) -> Iterator[Delivery]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @classmethod
    def from_csv(
        cls,
        text: str,
        *,
        farmers: Iterable[str] | None = None,
        period: Period | None = None,
    ) -> Deliveries:
        """Read deliveries from CSV text with columns ``farmer,date,litres`` and optionally
        ``total_solids,fat,bacterial_count,cooled,route,shift,receipt,protein,somatic_cells,snf``
        (the quality columns also by their Spanish names: ``proteína``, ``células somáticas`` or
        ``RCS``, ``SNG`` or ``sólidos no grasos``; see :func:`column_name`).

        Every bad row is reported, with its line number and reason, in one
        :class:`~coopfinance.errors.InvalidDelivery` whose ``problems`` lists
        ``(line, field, message)``: negative or unreadable litres, a bad date, a date outside
        ``period``, a farmer not in ``farmers`` (when given), a row with the identity (farmer,
        date, shift) of an earlier row (naming both lines). Nothing is silently dropped.
        """
        return cls._read(io.StringIO(text, newline=""), farmers, period)

    @classmethod
    def from_file(
        cls,
        path: str | pathlib.Path,
        *,
        farmers: Iterable[str] | None = None,
        period: Period | None = None,
        progress: RowProgress | None = None,
    ) -> Deliveries:
        """Read a deliveries CSV file (UTF-8, a byte-order mark accepted) as :meth:`from_csv`
        reads its text, row by row; a file that cannot be read is an :class:`InvalidDelivery`
        naming it. ``progress(done, total)``, if given, is called with the rows read so far and
        the file's rows (its lines after the header, counted first): ``(0, total)`` before,
        every 10,000 rows, and ``(n, n)`` once the file is read without error.

        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "d.csv"
        >>> _ = path.write_text("farmer,date,litres\\nF01,2026-01-01,30\\nF02,2026-01-01,12\\n")
        >>> seen = []
        >>> len(Deliveries.from_file(path, progress=lambda done, total: seen.append((done, total))))
        2
        >>> seen
        [(0, 2), (2, 2)]
        """
        total = data_lines(pathlib.Path(path)) if progress is not None else None
        with open_text(path, field="deliveries", error=InvalidDelivery) as fh:
            try:
                return cls._read(fh, farmers, period, rows=_Rows(progress, total))
            except UnicodeDecodeError as exc:
                raise refuse_decoding(
                    path, exc, field="deliveries", error=InvalidDelivery
                ) from None

    @classmethod
    def from_xlsx(
        cls,
        source: str | pathlib.Path | Any,
        *,
        sheet: str | None = None,
        farmers: Iterable[str] | None = None,
        period: Period | None = None,
        progress: RowProgress | None = None,
    ) -> Deliveries:
        """Read deliveries from an Excel workbook (``.xlsx``): the same columns as
        :meth:`from_csv`, names in the first row of ``sheet`` (default: the active sheet).

        Needs the optional package openpyxl (``pip install 'coopfinance[xlsx]'``); without it this
        raises :class:`~coopfinance.errors.MissingDependency`. Every bad row is reported with its
        row number as Excel shows it (the header is row 1), exactly like the CSV loader; fully
        empty rows are skipped. Cell values are read as Excel shows them: date cells become dates,
        number cells become decimals of at most 15 significant digits (Excel's display precision,
        so a litre count typed as ``32.5`` is ``Decimal('32.5')``, never a binary float), and
        ``TRUE``/``FALSE`` cells are read as yes/no.

        The sheet is streamed (openpyxl's read-only mode, one row at a time), as a CSV file is:
        only the deliveries are kept, never the sheet's rows. ``progress``: as
        :meth:`from_file` (the total is the sheet's recorded dimension, ``None`` without one).
        """
        return cls._read_xlsx(source, sheet, farmers, period, progress=progress)

    @classmethod
    def _read_xlsx(
        cls,
        source: str | pathlib.Path | Any,
        sheet: str | None,
        farmers: Iterable[str] | None,
        period: Period | None,
        *,
        select: Period | None = None,
        left_out: list[int] | None = None,
        progress: RowProgress | None = None,
    ) -> Deliveries:
        openpyxl, bad_file = load_openpyxl(source)
        source_arg = str(source) if isinstance(source, pathlib.Path) else source
        try:
            book = openpyxl.load_workbook(source_arg, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, bad_file) as exc:
            raise InvalidDelivery(
                E_(
                    "cannot read %(source)s as an Excel .xlsx workbook (%(exc)s).",
                    source=fmt_value(str(source)),
                    exc=exc,
                ),
                field="source",
                value=str(source),
            ) from None
        try:
            if sheet is None:
                ws = book.active
            elif sheet in book.sheetnames:
                ws = book[sheet]
            else:
                raise InvalidDelivery(
                    E_(
                        "'sheet' %(sheet)s is not in the workbook; its sheets are %(n_n)s.",
                        sheet=repr(sheet),
                        n_n=", ".join(repr(n) for n in book.sheetnames),
                    ),
                    field="sheet",
                    value=sheet,
                )
            rows = ws.iter_rows(values_only=True)
            first = next(rows, None)
            header = [column_name(cell_text(c)) for c in (first or ())]
            while header and not header[-1]:
                header.pop()
            if "" in header:
                raise InvalidDelivery(
                    E_(
                        "column %(index_header)s of the deliveries sheet has no name in row 1 "
                        "(got %(header)s).",
                        index_header=header.index("") + 1,
                        header=", ".join(header),
                    ),
                    field="columns",
                    value=header,
                )
            _check_header(header)
            recorded = getattr(ws, "max_row", None) if progress is not None else None
            counted = _Rows(progress, recorded - 1 if isinstance(recorded, int) else None)

            def numbered() -> Iterator[tuple[int, dict[str, str], int]]:  # streamed, not listed
                for number, values in enumerate(rows, start=2):
                    counted.tick()
                    cells = [cell_text(v) for v in values]
                    if not any(c.strip() for c in cells):
                        continue
                    extra = [c for c in cells[len(header) :] if c.strip()]
                    row = dict(zip(header, cells[: len(header)], strict=False))
                    if select is not None and not extra and _outside(row, select):
                        if left_out is not None:
                            left_out[0] += 1
                        continue
                    yield number, row, len(header) + len(extra) if extra else 0

            kept = cls._parse(numbered(), header, farmers, period, where="row", what="sheet")
        finally:
            book.close()
        counted.finish()
        return kept

    @classmethod
    def select_from_file(
        cls,
        path: str | pathlib.Path,
        period: Period,
        *,
        farmers: Iterable[str] | None = None,
        progress: RowProgress | None = None,
    ) -> tuple[Deliveries, int]:
        """The deliveries of a file (a season, years) dated in ``period``, and how many rows were
        left out: the file is read once, row by row, and only the period's rows are kept, so
        one fortnight of a ten-year file needs the memory of that fortnight (issue 20 §5).

        A CSV file, or an Excel workbook when the name ends in ``.xlsx`` (its active sheet,
        streamed as :meth:`from_xlsx` reads it). Every row's date is read (a row whose date
        cannot be read is reported, as by :meth:`from_file`); the rows dated in ``period`` are
        checked in full, the others only for their date. ``progress``: as :meth:`from_file`,
        counting every row read, kept or left out.
        """
        left_out = [0]
        if str(path).lower().endswith(".xlsx"):
            kept = cls._read_xlsx(
                path, None, farmers, None, select=period, left_out=left_out, progress=progress
            )
            return kept, left_out[0]
        total = data_lines(pathlib.Path(path)) if progress is not None else None
        with open_text(path, field="deliveries", error=InvalidDelivery) as fh:
            try:
                kept = cls._read(
                    fh,
                    farmers,
                    None,
                    select=period,
                    left_out=left_out,
                    rows=_Rows(progress, total),
                )
            except UnicodeDecodeError as exc:
                raise refuse_decoding(
                    path, exc, field="deliveries", error=InvalidDelivery
                ) from None
        return kept, left_out[0]

    @classmethod
    def _read(
        cls,
        fh: IO[str],
        farmers: Iterable[str] | None,
        period: Period | None,
        *,
        select: Period | None = None,
        left_out: list[int] | None = None,
        rows: _Rows | None = None,
    ) -> Deliveries:
        reader = csv.DictReader(fh)
        header = [column_name(h) for h in (reader.fieldnames or [])]
        _check_header(header)
        reader.fieldnames = header
        tick = rows.tick if rows is not None and rows.progress is not None else None

        def numbered() -> Iterator[tuple[int, dict[str, str], int]]:  # streamed, not listed
            for row in reader:
                if tick is not None:
                    tick()
                extra: Any = row.pop(None, None)
                if select is not None and not extra and _outside(row, select):
                    if left_out is not None:
                        left_out[0] += 1
                    continue
                yield reader.line_num, row, len(header) + len(extra) if extra else 0

        kept = cls._parse(numbered(), header, farmers, period, where="line", what="file")
        if rows is not None:
            rows.finish()
        return kept

    @classmethod
    def _parse(
        cls,
        numbered: Iterable[tuple[int, dict[str, str], int]],
        header: list[str],
        farmers: Iterable[str] | None,
        period: Period | None,
        *,
        where: str,
        what: str,
    ) -> Deliveries:
        """Rows given as ``(line or row number, {column: text}, fields when too many else 0)``."""
        known = None if farmers is None else set(farmers)
        problems: list[tuple[int, str, str]] = []
        items: list[Delivery] = []
        seen: dict[tuple[str, dt.date, str], int] = {}
        for line, row, too_many in numbered:
            if too_many:
                problems.append(
                    (
                        line,
                        "columns",
                        E_(
                            "has %(fields)s fields, the header %(header)s.",
                            fields=too_many,
                            header=len(header),
                        ),
                    )
                )
                continue
            found: dict[str, Any] = {}
            row_problems: list[tuple[int, str, str]] = []
            for name, conv in (("litres", _litres), ("date", _date), ("farmer", _farmer)):
                try:
                    found[name] = conv(row.get(name) or "")
                except InvalidDelivery as exc:
                    row_problems.append((line, name, str(exc)))
            if "date" in found and period is not None and not period.contains(found["date"]):
                row_problems.append(
                    (
                        line,
                        "date",
                        E_(
                            "'date' %(date)s is outside the period %(period)s.",
                            date=found["date"],
                            period=period,
                        ),
                    )
                )
            if "farmer" in found and known is not None and found["farmer"] not in known:
                row_problems.append(
                    (
                        line,
                        "farmer",
                        E_(
                            "'farmer' %(farmer)s is not a known farmer.",
                            farmer=repr(found["farmer"]),
                        ),
                    )
                )
            quality = None
            try:
                quality = _row_quality(row)
            except InvalidDelivery as exc:
                row_problems.append((line, exc.field or "quality", str(exc)))
            shift = ""
            try:
                shift = _shift(row.get("shift") or "")
            except InvalidDelivery as exc:
                row_problems.append((line, "shift", str(exc)))
            if "farmer" in found and "date" in found and not row_problems:
                key = (found["farmer"], found["date"], shift)
                first = seen.setdefault(key, line)
                if first != line:
                    row_problems.append(
                        (
                            line,
                            "identity",
                            (
                                E_(
                                    "delivery %(farmer)s %(date)s %(shift)s is also on line "
                                    "%(first)s; give each collection its own 'shift'.",
                                    farmer=key[0],
                                    date=key[1],
                                    shift=shift or E_("(no shift)"),
                                    first=first,
                                )
                                if where == "line"
                                else E_(
                                    "delivery %(farmer)s %(date)s %(shift)s is also on row "
                                    "%(first)s; give each collection its own 'shift'.",
                                    farmer=key[0],
                                    date=key[1],
                                    shift=shift or E_("(no shift)"),
                                    first=first,
                                )
                            ),
                        )
                    )
            if row_problems:
                problems.extend(row_problems)
                continue
            route = (row.get("route") or "").strip() or None
            items.append(
                Delivery.trusted(
                    found["farmer"],
                    found["date"],
                    found["litres"],
                    quality,
                    route=route,
                    shift=shift,
                    receipt=(row.get("receipt") or "").strip() or None,
                )
            )
        if problems:
            lines = {p[0] for p in problems}
            shown = problems[:_MAX_LISTED]
            entries: list[Any] = [
                E_("  line %(line)s: %(message)s", line=ln, message=msg)
                if where == "line"
                else E_("  row %(line)s: %(message)s", line=ln, message=msg)
                for ln, _, msg in shown
            ]
            if len(problems) > _MAX_LISTED:
                more = len(problems) - _MAX_LISTED
                entries.append(
                    EN_(
                        "  … and %(num)s more problem (the error's 'problems' attribute lists "
                        "them all)",
                        "  … and %(num)s more problems (the error's 'problems' attribute lists "
                        "them all)",
                        more,
                        num=format(more, ","),
                    )
                )
            count = len(lines)
            head = (
                EN_(
                    "%(num)s bad row in the deliveries file:",
                    "%(num)s bad rows in the deliveries file:",
                    count,
                    num=format(count, ","),
                )
                if what == "file"
                else EN_(
                    "%(num)s bad row in the deliveries sheet:",
                    "%(num)s bad rows in the deliveries sheet:",
                    count,
                    num=format(count, ","),
                )
            )
            raise InvalidDelivery(
                joined("\n", [head, *entries]),
                field="rows",
                value=sorted(lines),
                problems=tuple(problems),
            )
        return cls(items=items)

    def check(self, *, farmers: Iterable[str] | None = None, period: Period | None = None) -> None:
        """Raise :class:`InvalidDelivery` listing every delivery of an unknown farmer or outside
        ``period`` (deliveries are numbered from 1 in the order given)."""
        known = None if farmers is None else set(farmers)
        problems = []
        for n, d in enumerate(self.items, start=1):
            if period is not None and not period.contains(d.date):
                problems.append(
                    (
                        n,
                        "date",
                        E_(
                            "'date' %(date)s is outside the period %(period)s.",
                            date=d.date,
                            period=period,
                        ),
                    )
                )
            if known is not None and d.farmer not in known:
                problems.append(
                    (
                        n,
                        "farmer",
                        E_("'farmer' %(farmer)s is not a known farmer.", farmer=repr(d.farmer)),
                    )
                )
        if problems:
            count = len({p[0] for p in problems})
            head = EN_("%(num)s bad delivery:", "%(num)s bad deliveries:", count, num=count)
            entries = [
                E_("  delivery %(n)s: %(message)s", n=n, message=msg) for n, _, msg in problems
            ]
            raise InvalidDelivery(
                joined("\n", [head, *entries]),
                field="deliveries",
                value=[p[0] for p in problems],
                problems=tuple(problems),
            )

    def within(self, period: Period) -> Deliveries:
        """The deliveries dated in ``period``."""
        return Deliveries(items=[d for d in self.items if period.contains(d.date)])

    def litres_by_farmer(self) -> dict[str, Decimal]:
        """Total litres per farmer."""
        out: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for d in self.items:
            out[d.farmer] += d.litres
        return dict(out)


_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _to_plan(
    value: Mapping[str, Mapping[str, Iterable[int]]],
) -> dict[str, dict[str, frozenset[int]]]:
    plan: dict[str, dict[str, frozenset[int]]] = {}
    for route, suppliers in value.items():
        plan[str(route)] = {}
        for farmer, days in suppliers.items():
            days_set = frozenset(days)
            bad = [d for d in days_set if not (isinstance(d, int) and 0 <= d <= 6)]
            if bad:
                raise InvalidDelivery(
                    E_(
                        "'pickup days' of %(farmer)s on route %(route)s must be weekdays 0 "
                        "(Monday) to 6 (Sunday) (got %(map_bad)s).",
                        farmer=repr(farmer),
                        route=repr(route),
                        map_bad=sorted(map(str, bad)),
                    ),
                    field="pickup_days",
                    value=bad,
                )
            plan[str(route)][str(farmer)] = days_set
    return plan


@attrs.frozen(slots=True, kw_only=True)
class MissedPickup:
    """A supplier expected on a route on a day, with no delivery recorded."""

    date: dt.date
    route: str
    farmer: str


@attrs.frozen(slots=True, kw_only=True)
class PickupPlan:
    """Expected pickup weekdays (0 = Monday … 6 = Sunday) per supplier per route.

    >>> plan = PickupPlan.daily({"Cabeza de Toro": ["F01", "F02"]})
    >>> sorted(plan.routes["Cabeza de Toro"]["F01"])
    [0, 1, 2, 3, 4, 5, 6]
    """

    routes: Mapping[str, Mapping[str, frozenset[int]]] = attrs.field(converter=_to_plan)

    @classmethod
    def daily(cls, routes: Mapping[str, Iterable[str]]) -> PickupPlan:
        """Every supplier picked up every day on its route."""
        return cls(routes={r: dict.fromkeys(fs, range(7)) for r, fs in routes.items()})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "pickup plan") -> PickupPlan:
        """From ``{"routes": [{"name", "days", "farmers", "farmer_days"?}, …]}`` (TOML/JSON shape).

        ``days`` are the route's pickup weekdays: ``"daily"`` or a list of ``mon`` … ``sun``
        (or 0 = Monday … 6 = Sunday); ``farmer_days`` optionally gives some farmers other days.
        A farmer on two routes, an unknown key or weekday is an error naming the route.

        >>> plan = PickupPlan.from_dict({"routes": [
        ...     {"name": "R1", "days": "daily", "farmers": ["F01", "F02"]},
        ...     {"name": "R2", "days": ["mon", "wed", "fri"], "farmers": ["F03"]}]})
        >>> sorted(plan.routes["R2"]["F03"]), len(plan.routes["R1"])
        ([0, 2, 4], 2)
        >>> PickupPlan.from_dict({"routes": [{"name": "R1", "days": ["lun"], "farmers": []}]})
        Traceback (most recent call last):
        ...
        coopfinance.errors.InvalidDelivery: 'routes[0].days' must be daily or ... (got 'lun') in pickup plan.
        """
        data = to_table(data, field=source, error=InvalidDelivery)
        routes = data.get("routes")
        if not isinstance(routes, list):
            raise InvalidDelivery(
                E_(
                    "'routes' must be a list of routes with name, days and farmers (got "
                    "%(routes)s) in %(source)s.",
                    routes=fmt_value(routes),
                    source=source,
                ),
                field="routes",
                value=routes,
            )
        plan: dict[str, dict[str, frozenset[int]]] = {}
        seen: dict[str, str] = {}
        for k, route in enumerate(routes):
            where = f"routes[{k}]"
            if not isinstance(route, Mapping):
                raise InvalidDelivery(
                    E_(
                        "%(where)s must be a table (got %(route)s) in %(source)s.",
                        where=repr(where),
                        route=fmt_value(route),
                        source=source,
                    ),
                    field=where,
                    value=route,
                )
            unknown = sorted(set(route) - {"name", "days", "farmers", "farmer_days"})
            missing = [key for key in ("name", "days", "farmers") if key not in route]
            if unknown or missing:
                bad = unknown[0] if unknown else missing[0]
                raise InvalidDelivery(
                    E_(
                        "'%(where)s.%(bad)s' is %(unknown)s: a route has name, days, farmers "
                        "and optionally farmer_days (in %(source)s).",
                        where=where,
                        bad=bad,
                        unknown="unknown" if unknown else "required",
                        source=source,
                    ),
                    field=f"{where}.{bad}",
                    value=route.get(bad),
                )
            name = str(route["name"])
            days = _weekdays(route["days"], f"{where}.days", source)
            own = route.get("farmer_days", {})
            if not isinstance(own, Mapping):
                raise InvalidDelivery(
                    E_(
                        "'%(where)s.farmer_days' must map farmer ids to days (got %(own)s) in "
                        "%(source)s.",
                        where=where,
                        own=fmt_value(own),
                        source=source,
                    ),
                    field=f"{where}.farmer_days",
                    value=own,
                )
            farmers = route["farmers"]
            if isinstance(farmers, str) or not isinstance(farmers, list):
                raise InvalidDelivery(
                    E_(
                        "'%(where)s.farmers' must be a list of farmer ids (got %(farmers)s) in "
                        "%(source)s.",
                        where=where,
                        farmers=fmt_value(farmers),
                        source=source,
                    ),
                    field=f"{where}.farmers",
                    value=farmers,
                )
            stray = sorted(set(map(str, own)) - set(map(str, farmers)))
            if stray:
                raise InvalidDelivery(
                    E_(
                        "'%(where)s.farmer_days' names %(stray)s, who is not in the route's "
                        "farmers (in %(source)s).",
                        where=where,
                        stray=repr(stray[0]),
                        source=source,
                    ),
                    field=f"{where}.farmer_days",
                    value=stray[0],
                )
            entry = plan.setdefault(name, {})
            for farmer in map(str, farmers):
                if farmer in seen:
                    raise InvalidDelivery(
                        E_(
                            "'%(where)s.farmers' repeats %(farmer)s, already on route %(seen)s (in "
                            "%(source)s).",
                            where=where,
                            farmer=repr(farmer),
                            seen=repr(seen[farmer]),
                            source=source,
                        ),
                        field=f"{where}.farmers",
                        value=farmer,
                    )
                seen[farmer] = name
                entry[farmer] = (
                    _weekdays(own[farmer], f"{where}.farmer_days.{farmer}", source)
                    if farmer in own
                    else days
                )
        return cls(routes=plan)

    @classmethod
    def from_file(cls, path: str | pathlib.Path) -> PickupPlan:
        """Load a ``.toml`` or ``.json`` file shaped as :meth:`from_dict` expects."""
        data = read_data(path, field="pickup_plan", error=InvalidDelivery)
        return cls.from_dict(data, source=pathlib.Path(path).name)

    def to_dict(self) -> dict[str, Any]:
        """Plain data that :meth:`from_dict` reads back into an equal plan: per route its
        ``name``, the first farmer's weekdays as ``days``, its ``farmers`` and, for those picked up
        on other days, ``farmer_days``.

        >>> plan = PickupPlan.from_dict({"routes": [
        ...     {"name": "R1", "days": ["mon", "thu"], "farmers": ["F01", "F02"],
        ...      "farmer_days": {"F02": "daily"}}]})
        >>> plan.to_dict()["routes"][0]["farmer_days"]
        {'F02': ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']}
        >>> PickupPlan.from_dict(plan.to_dict()) == plan
        True
        """
        routes = []
        for name, suppliers in self.routes.items():
            days = next(iter(suppliers.values()), frozenset())
            own = {f: _day_names(d) for f, d in suppliers.items() if d != days}
            route: dict[str, Any] = {
                "name": name,
                "days": _day_names(days),
                "farmers": list(suppliers),
            }
            if own:
                route["farmer_days"] = own
            routes.append(route)
        return {"routes": routes}

    def farmers(self) -> dict[str, str]:
        """Each farmer's route."""
        return {f: r for r, fs in self.routes.items() for f in fs}


def _day_names(days: frozenset[int]) -> list[str]:
    return [_WEEKDAYS[d] for d in sorted(days)]


def _weekdays(value: Any, field: str, source: str) -> frozenset[int]:
    if isinstance(value, str) and value.strip().lower() == "daily":
        return frozenset(range(7))
    items = value if isinstance(value, list) else [value]
    out = set()
    for item in items:
        key = item.strip().lower() if isinstance(item, str) else None
        if key in _WEEKDAYS or key in _WEEKDAY_NAMES:
            out.add(_WEEKDAYS.index(key[:3]))
        elif isinstance(item, int) and not isinstance(item, bool) and 0 <= item <= 6:
            out.add(item)
        else:
            raise InvalidDelivery(
                E_(
                    "%(field)s must be daily or weekdays mon … sun or 0–6 (got %(item)s) "
                    "in %(source)s.",
                    field=repr(field),
                    item=fmt_value(item),
                    source=source,
                ),
                field=field,
                value=item,
            )
    return frozenset(out)


@exact
def missed_pickups(
    plan: PickupPlan, deliveries: Deliveries, period: Period
) -> tuple[tuple[MissedPickup, ...], dict[tuple[dt.date, str], int]]:
    """Who was expected and not collected ("nobody forgotten"), and the count per (day, route).

    A pickup counts as made when the supplier has a delivery that day (on any route: the milk
    arrived). Days with no miss are absent from the counts.

    >>> plan = PickupPlan.daily({"R1": ["F01", "F02"]})
    >>> got = Deliveries(items=[Delivery(farmer="F01", date="2026-01-01", litres=20)])
    >>> missed, counts = missed_pickups(plan, got, Period.parse("2026-01-01..2026-01-01"))
    >>> [(m.farmer, m.route) for m in missed], counts
    ([('F02', 'R1')], {(datetime.date(2026, 1, 1), 'R1'): 1})
    """
    delivered = {(d.farmer, d.date) for d in deliveries if period.contains(d.date)}
    missed: list[MissedPickup] = []
    counts: Counter[tuple[dt.date, str]] = Counter()
    for i in range(period.days):
        day = period.start + dt.timedelta(days=i)
        for route in sorted(plan.routes):
            for farmer in sorted(plan.routes[route]):
                if day.weekday() in plan.routes[route][farmer] and (farmer, day) not in delivered:
                    missed.append(MissedPickup(date=day, route=route, farmer=farmer))
                    counts[(day, route)] += 1
    return tuple(missed), dict(counts)
