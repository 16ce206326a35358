"""Reading the small training input files (member figures, cohort records) with errors that name
the key path and, for TOML, the line.

``tomllib`` reports syntax errors with their line but gives no positions for values, so
:func:`line_of` finds the line of a key path by reading the table headers and ``key =`` lines of
the text: enough for the flat tables and top-level arrays of tables these files use.
"""

from __future__ import annotations

import json
import pathlib
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from coopfinance.errors import CoopFinanceError

_ARRAY = re.compile(r"^\s*\[\[\s*([^\]]+?)\s*\]\]")
_TABLE = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")
_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+|\"[^\"]*\")\s*=")

Path = tuple[str | int, ...]


def _parts(name: str) -> tuple[str, ...]:
    return tuple(p.strip().strip('"') for p in name.split("."))


def key_lines(text: str) -> dict[Path, int]:
    """Every key path defined in ``text`` (tables, array-of-table entries, keys) → its line.

    >>> lines = key_lines('id = "M001"\\n[loan]\\nprincipal = "5000"\\n[[x]]\\na = 1\\n[[x]]\\na = 2\\n')
    >>> lines[("loan", "principal")], lines[("x", 1, "a")], lines[("x", 1)]
    (3, 7, 6)
    """
    found: dict[Path, int] = {}
    counts: dict[tuple[str, ...], int] = {}
    prefix: Path = ()
    for number, line in enumerate(text.splitlines(), start=1):
        if m := _ARRAY.match(line):
            name = _parts(m.group(1))
            counts[name] = counts.get(name, -1) + 1
            prefix = (*name, counts[name])
            found.setdefault(prefix, number)
        elif m := _TABLE.match(line):
            prefix = _parts(m.group(1))
            found.setdefault(prefix, number)
        elif m := _KEY.match(line):
            found.setdefault((*prefix, m.group(1).strip('"')), number)
    return found


def line_of(lines: Mapping[Path, int], path: Sequence[str | int]) -> int | None:
    """The line of the longest prefix of ``path`` that ``lines`` knows (``None`` if none)."""
    for n in range(len(path), 0, -1):
        line = lines.get(tuple(path[:n]))
        if line is not None:
            return line
    return None


def dotted(path: Sequence[str | int]) -> str:
    """``("participants", 2, "name")`` → ``participants[2].name``."""
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out


class Where:
    """Where an error is: ``on line 7 of member.toml`` or ``in member.json``."""

    def __init__(self, source: str | None, lines: Mapping[Path, int] | None = None) -> None:
        self.source = source
        self.lines = lines or {}

    def __call__(self, path: Sequence[str | int]) -> str:
        line = line_of(self.lines, path)
        if line is not None:
            return f" on line {line}" + (f" of {self.source}" if self.source else "")
        return f" in {self.source}" if self.source else ""


def parse_text(
    text: str,
    *,
    fmt: str,
    source: str | None,
    error: Callable[..., CoopFinanceError],
) -> tuple[dict[str, Any], Where]:
    """Parse TOML or JSON text (numbers with a fraction stay exact ``Decimal`` s) into a table."""
    where = f" in {source}" if source else ""
    try:
        if fmt == "toml":
            data: Any = tomllib.loads(text, parse_float=Decimal)
        else:
            data = json.loads(text, parse_float=Decimal)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise error(
            f"the file is not valid {fmt.upper()}: {exc}{where}.", field=None, value=source
        ) from None
    if not isinstance(data, dict):
        raise error(
            f"the file must hold a table at the top (got {type(data).__name__}){where}.",
            field=None,
            value=source,
        )
    return data, Where(source, key_lines(text) if fmt == "toml" else None)


def read_file(
    path: str | pathlib.Path, *, field: str, error: Callable[..., CoopFinanceError]
) -> tuple[str, str]:
    """The text of a ``.toml`` or ``.json`` file and its format."""
    p = pathlib.Path(path)
    fmt = p.suffix.lower().lstrip(".")
    if fmt not in ("toml", "json"):
        raise error(
            f"{field!r} must be a .toml or .json file (got {str(p)!r}).", field=field, value=str(p)
        )
    try:
        return p.read_text(encoding="utf-8"), fmt
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise error(
            f"{field!r} cannot be read (got {str(p)!r}): {reason}.", field=field, value=str(p)
        ) from None
