"""Checks on batch input arrays, done before any work starts.

Every check names the field, the first bad row and its value, e.g.
``'principal' must be positive (got -5.0 at index 3).``
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from coopfinance.errors import E_, InvalidBatchInput

__all__ = ["as_dates", "as_float", "as_int", "common_length", "first_bad"]


def first_bad(field: str, bad: npt.NDArray[np.bool_], values: npt.NDArray[Any], rule: str) -> None:
    """Raise for the first ``True`` in ``bad`` (a row mask over ``values``)."""
    if bad.any():
        k = int(np.argmax(bad))
        v = values[k]
        shown = str(v) if values.dtype.kind == "M" else (v.item() if hasattr(v, "item") else v)
        raise InvalidBatchInput(
            E_(
                "%(field)s %(rule)s (got %(shown)s at index %(k)s).",
                field=repr(field),
                rule=rule,
                shown=shown,
                k=k,
            ),
            field=field,
            value=shown,
            index=k,
        )


def _array(field: str, value: Any) -> npt.NDArray[Any]:
    arr = np.asarray(value)
    if arr.ndim > 1:
        raise InvalidBatchInput(
            E_(
                "%(field)s must be a scalar or a one-dimensional array (got shape %(shape)s).",
                field=repr(field),
                shape=arr.shape,
            ),
            field=field,
            value=arr.shape,
        )
    return arr


def as_float(field: str, value: Any) -> npt.NDArray[np.float64]:
    """``value`` as float64 (scalar or 1-D), finite (no NaN, no infinity)."""
    arr = _array(field, value)
    if arr.dtype.kind not in "fiu" or arr.dtype.kind == "b":
        raise InvalidBatchInput(
            E_(
                "%(field)s must hold numbers (got an array of %(dtype)s).",
                field=repr(field),
                dtype=arr.dtype,
            ),
            field=field,
            value=str(arr.dtype),
        )
    out = arr.astype(np.float64, copy=False).reshape(-1)
    first_bad(field, ~np.isfinite(out), out, E_("must be a finite number"))
    return out.reshape(arr.shape)


def as_int(field: str, value: Any) -> npt.NDArray[np.int64]:
    """``value`` as int64 (scalar or 1-D); floats must be whole numbers."""
    arr = _array(field, value)
    if arr.dtype.kind == "f":
        flat = arr.reshape(-1)
        first_bad(field, ~np.isfinite(flat) | (flat != np.round(flat)), flat, E_("must be whole"))
    elif arr.dtype.kind not in "iu":
        raise InvalidBatchInput(
            E_(
                "%(field)s must hold whole numbers (got an array of %(dtype)s).",
                field=repr(field),
                dtype=arr.dtype,
            ),
            field=field,
            value=str(arr.dtype),
        )
    return arr.astype(np.int64)


def as_dates(field: str, value: Any) -> npt.NDArray[np.int64]:
    """``value`` (datetime64, ``datetime.date`` or ISO text) as day numbers since 1970-01-01."""
    arr = _array(field, value)
    if arr.dtype.kind != "M":
        try:
            arr = arr.astype("datetime64[D]")
        except (ValueError, TypeError):
            raise InvalidBatchInput(
                E_(
                    "%(field)s must hold dates as datetime64[D] (got an array of %(dtype)s).",
                    field=repr(field),
                    dtype=arr.dtype,
                ),
                field=field,
                value=str(arr.dtype),
            ) from None
    arr = arr.astype("datetime64[D]")
    flat = arr.reshape(-1)
    first_bad(field, np.isnat(flat), flat, E_("must be a date, not NaT"))
    return arr.astype(np.int64)


def common_length(arrays: dict[str, npt.NDArray[Any]]) -> int:
    """The common length of the 1-D arrays (scalars broadcast); raise on a mismatch."""
    length: int | None = None
    first = ""
    for name, arr in arrays.items():
        if arr.ndim == 0:
            continue
        if length is None:
            length, first = len(arr), name
        elif len(arr) != length:
            raise InvalidBatchInput(
                E_(
                    "%(name)s must have the same length as %(first)s, %(length)s (got %(arr)s).",
                    name=repr(name),
                    first=repr(first),
                    length=length,
                    arr=len(arr),
                ),
                field=name,
                value=len(arr),
            )
    return 1 if length is None else length
