"""Plain records to a pandas DataFrame, when pandas is installed (optional extra ``pandas``).

Three column kinds, chosen with ``numeric`` (docs/conventions.md, "DataFrames"):

- ``numeric=False`` (the default): amounts stay exact ``Decimal`` objects (``object`` columns) and
  dates stay ``datetime.date`` objects, exactly the values of ``to_records()``;
- ``numeric=True`` (or ``"float"``): amounts become ``float64`` and dates ``datetime64``, the
  columns pandas, NumPy and plotting libraries compute with — rounded to 15–17 significant
  digits, so for analysis and charts, never to feed a figure back to coopfinance;
- ``numeric="decimal"``: amounts become Arrow decimals (``pd.ArrowDtype(pa.decimal128(38, s))``,
  ``s`` the most decimal places in the column; ``decimal256`` when 38 digits are not enough) and
  dates Arrow ``date32``: typed, vectorised and still exact (needs ``pyarrow``).

Text and whole-number columns are the same in the three (``int64`` for counts).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Literal

from coopfinance.errors import E_, InvalidValue, MissingDependency, fmt_value

__all__ = ["NUMERIC_CHOICES", "Numeric", "check_numeric", "to_dataframe"]

Numeric = bool | Literal["float", "decimal"]
"""What ``to_dataframe(numeric=...)`` takes."""
NUMERIC_CHOICES: tuple[object, ...] = (False, True, "float", "decimal")


def check_numeric(numeric: object) -> str:
    """``numeric`` as ``"object"``, ``"float"`` or ``"decimal"``; anything else is refused.

    >>> check_numeric(True), check_numeric(False), check_numeric("decimal")
    ('float', 'object', 'decimal')
    """
    if numeric is False:
        return "object"
    if numeric is True or numeric == "float":
        return "float"
    if numeric == "decimal":
        return "decimal"
    raise InvalidValue(
        E_(
            "'numeric' must be False, True, 'float' or 'decimal' (got %(numeric)s).",
            numeric=fmt_value(numeric),
        ),
        field="numeric",
        value=numeric,
    )


def _import(module: str, what: str, extra: str) -> Any:
    try:
        return __import__(module)
    except ImportError:
        raise MissingDependency(
            E_(
                "'%(what)s.to_dataframe' needs %(module)s: pip install %(extra)s (or "
                "use %(what)s.to_records()).",
                what=what,
                module=module,
                extra=extra,
            ),
            field=module,
            value=None,
        ) from None


def _arrow_decimal(pa: Any, values: Sequence[Decimal]) -> Any:
    """The narrowest Arrow decimal type that holds every value exactly."""
    parts = [v.as_tuple() for v in values]
    exponents = [p.exponent for p in parts if isinstance(p.exponent, int)]
    scale = max([0, *(-e for e in exponents)])
    whole = max([1, *(len(p.digits) + p.exponent for p in parts if isinstance(p.exponent, int))])
    return pa.decimal128(38, scale) if whole + scale <= 38 else pa.decimal256(76, scale)


def _column(pd: Any, values: list[Any], mode: str, what: str) -> Any:
    """One column converted to ``mode``, or the values unchanged when they are not amounts or
    dates (text, whole numbers, a mix)."""
    present = [v for v in values if v is not None]
    if not present:
        return values
    if all(isinstance(v, Decimal) for v in present):
        if mode == "float":
            floats = [float("nan") if v is None else float(v) for v in values]
            return pd.Series(floats, dtype="float64")
        pa = _import("pyarrow", what, "pyarrow")
        kind = _arrow_decimal(pa, present)
        return pd.Series(pd.array(pa.array(values, type=kind), dtype=pd.ArrowDtype(kind)))
    if all(isinstance(v, dt.date) and not isinstance(v, dt.datetime) for v in present):
        if mode == "float":
            return pd.to_datetime(pd.Series(values, dtype="object"))
        pa = _import("pyarrow", what, "pyarrow")
        kind = pa.date32()
        return pd.Series(pd.array(pa.array(values, type=kind), dtype=pd.ArrowDtype(kind)))
    return values


def to_dataframe(
    records: Sequence[dict[str, Any]],
    columns: Sequence[str],
    what: str,
    numeric: object = False,
) -> Any:
    """``records`` as a ``pandas.DataFrame`` with ``columns``; a clear error without pandas.

    ``numeric`` picks the column kinds (see the module docstring): by default amounts stay exact
    ``Decimal`` objects (an ``object`` column) and dates stay ``date`` objects.
    """
    mode = check_numeric(numeric)
    pd = _import("pandas", what, "'coopfinance[pandas]'")
    rows = list(records)
    if mode == "object":
        return pd.DataFrame.from_records(rows, columns=list(columns))
    data = {c: _column(pd, [r.get(c) for r in rows], mode, what) for c in columns}
    return pd.DataFrame(data, columns=list(columns))
