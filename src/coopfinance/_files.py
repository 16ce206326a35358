"""Reading the files users hand to coopfinance: one helper, one kind of error for every failure.

A missing file, a directory, a permission problem or text that is not UTF-8 becomes the domain's own
error (``error=``), naming the field and the path, never a bare ``FileNotFoundError`` or
``UnicodeDecodeError``. A UTF-8 byte-order mark (as spreadsheet programs write) is accepted.

TOML and JSON numbers with a fraction are read as exact ``Decimal`` (never through binary floats).
"""

from __future__ import annotations

import contextlib
import json
import os
import pathlib
import tempfile
import tomllib
from decimal import Decimal
from typing import IO, Any

from coopfinance.errors import E_, InvalidValue

__all__ = ["data_lines", "open_text", "parse_data", "read_data", "read_text", "write_atomic"]

DATA_FORMATS = ("toml", "json")


def _reason(exc: OSError | UnicodeDecodeError) -> str:
    """Why a file cannot be read or written, as an error message (the system's own words for a
    rare failure)."""
    if isinstance(exc, UnicodeDecodeError):
        return E_("it is not UTF-8 text (byte %(start)s); save it as UTF-8", start=exc.start)
    if isinstance(exc, IsADirectoryError):
        return E_("it is a folder, not a file")
    if isinstance(exc, FileNotFoundError):
        return E_("no such file")
    if isinstance(exc, PermissionError):
        return E_("permission denied")
    return exc.strerror or type(exc).__name__


def _refuse(
    path: pathlib.Path, exc: OSError | UnicodeDecodeError, *, field: str, error: type[InvalidValue]
) -> InvalidValue:
    return error(
        E_(
            "%(field)s cannot be read (got %(path)s): %(reason)s.",
            field=repr(field),
            path=repr(str(path)),
            reason=_reason(exc),
        ),
        field=field,
        value=str(path),
    )


def read_text(
    path: str | pathlib.Path, *, field: str, error: type[InvalidValue] = InvalidValue
) -> str:
    """The whole text of a UTF-8 file (a byte-order mark is dropped).

    >>> read_text("/no/such/file.csv", field="deliveries")
    Traceback (most recent call last):
    ...
    coopfinance.errors.InvalidValue: 'deliveries' cannot be read (got '/no/such/file.csv'): no such file.
    """
    p = pathlib.Path(path)
    try:
        return p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise _refuse(p, exc, field=field, error=error) from None


def data_lines(path: pathlib.Path) -> int | None:
    """The lines of a CSV file after its header (a quick pass over its bytes, for a progress
    bar's total; ``None`` when it cannot be read: the loader then says why)."""
    try:
        with path.open("rb") as fh:
            count, last = 0, b"\n"
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                count += chunk.count(b"\n")
                last = chunk[-1:]
    except OSError:
        return None
    return max(count + (last != b"\n") - 1, 0)


def open_text(
    path: str | pathlib.Path, *, field: str, error: type[InvalidValue] = InvalidValue
) -> IO[str]:
    """The file opened for streaming (``newline=""`` as :mod:`csv` wants; a BOM is dropped).

    Decoding errors found later while reading surface as :class:`UnicodeDecodeError`: wrap the
    reading loop with :func:`decoding_errors` to map them.
    """
    p = pathlib.Path(path)
    try:
        return p.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise _refuse(p, exc, field=field, error=error) from None


def refuse_decoding(
    path: str | pathlib.Path,
    exc: UnicodeDecodeError,
    *,
    field: str,
    error: type[InvalidValue] = InvalidValue,
) -> InvalidValue:
    """The error for a file opened by :func:`open_text` whose bytes turned out not to be UTF-8."""
    return _refuse(pathlib.Path(path), exc, field=field, error=error)


def parse_data(
    text: str, *, fmt: str, field: str, source: str | None, error: type[InvalidValue]
) -> Any:
    """Parse TOML or JSON text (``fmt``) into plain data, numbers with a fraction as ``Decimal``.

    >>> parse_data('price = 1.45', fmt="toml", field="prices", source=None, error=InvalidValue)
    {'price': Decimal('1.45')}
    """
    where = E_(" in %(source)s", source=source) if source else ""
    try:
        if fmt == "toml":
            return tomllib.loads(text, parse_float=Decimal)
        if fmt == "json":
            return json.loads(text, parse_float=Decimal)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise error(
            E_(
                "%(field)s is not valid %(upper_fmt)s%(where)s: %(exc)s.",
                field=repr(field),
                upper_fmt=fmt.upper(),
                where=where,
                exc=exc,
            ),
            field=field,
            value=source,
        ) from None
    raise error(
        E_(
            "%(field)s must be TOML or JSON (got format %(fmt)s).", field=repr(field), fmt=repr(fmt)
        ),
        field=field,
        value=source,
    )


def read_data(
    path: str | pathlib.Path,
    *,
    field: str,
    error: type[InvalidValue] = InvalidValue,
    formats: tuple[str, ...] = DATA_FORMATS,
) -> Any:
    """The parsed content of a ``.toml`` or ``.json`` file (the suffix decides).

    >>> read_data("prices.yaml", field="prices")
    Traceback (most recent call last):
    ...
    coopfinance.errors.InvalidValue: 'prices' must be a .toml or .json file (got 'prices.yaml').
    """
    p = pathlib.Path(path)
    fmt = p.suffix.lower().lstrip(".")
    if fmt not in formats:
        kinds = " or ".join(f".{f}" for f in formats)
        raise error(
            E_(
                "%(field)s must be a %(kinds)s file (got %(p)s).",
                field=repr(field),
                kinds=kinds,
                p=repr(str(p)),
            ),
            field=field,
            value=str(p),
        )
    return parse_data(
        read_text(p, field=field, error=error), fmt=fmt, field=field, source=p.name, error=error
    )


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(
    path: str | pathlib.Path,
    data: str | bytes,
    *,
    field: str = "output",
    error: type[InvalidValue] = InvalidValue,
) -> pathlib.Path:
    """Write ``data`` (text as UTF-8, or bytes) to ``path`` atomically; return the path.

    The bytes go to a temporary file in the same folder (``.NAME.XXXX.tmp``), flushed to disk, then
    renamed over ``path`` (:func:`os.replace`, atomic on POSIX and Windows): a crash or Ctrl-C never
    leaves a half-written file under the final name, and readers see the old file or the new one.
    Missing parent folders are created. Every failure (a folder given as the file, a folder that
    cannot be created, no permission, a full disk) is ``error`` naming ``field`` and the path.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_atomic(folder / "a" / "x.txt", "hola").read_text(encoding="utf-8")
    'hola'
    >>> write_atomic(folder, "x")
    Traceback (most recent call last):
    ...
    coopfinance.errors.InvalidValue: 'output' cannot be written (got '...'): it is a folder, not a file.
    """
    p = pathlib.Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data

    def refuse(reason: str) -> InvalidValue:
        return error(
            E_(
                "%(field)s cannot be written (got %(path)s): %(reason)s.",
                field=repr(field),
                path=repr(str(p)),
                reason=reason,
            ),
            field=field,
            value=str(p),
        )

    if p.is_dir():
        raise refuse(E_("it is a folder, not a file"))
    tmp: str | None = None
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        mode = p.stat().st_mode & 0o777 if p.exists() else 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, p)
        tmp = None
    except (OSError, UnicodeDecodeError) as exc:
        if isinstance(exc, FileExistsError | NotADirectoryError):
            raise refuse(E_("a file stands where a folder is needed")) from None
        raise refuse(_reason(exc)) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return p
