"""Reading the small training input files (curricula, member figures, cohort records) with errors
that name the key path and, for TOML, the line; the files themselves are read by
:mod:`coopfinance._files`.

``tomllib`` reports syntax errors with their line but gives no positions for values, so
:func:`line_of` finds the line of a key path by reading the table headers and ``key =`` lines of
the text: enough for the flat tables and top-level arrays of tables these files use.
"""

from __future__ import annotations

import pathlib
import re
from collections.abc import Mapping, Sequence
from typing import Any

from coopfinance._files import DATA_FORMATS, parse_data, read_text
from coopfinance.errors import E_, InvalidValue

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
            if self.source:
                return E_(" on line %(line)s of %(source)s", line=line, source=self.source)
            return E_(" on line %(line)s", line=line)
        return E_(" in %(source)s", source=self.source) if self.source else ""


def parse_table(
    text: str, *, fmt: str, field: str, source: str | None, error: type[InvalidValue]
) -> tuple[dict[str, Any], Where]:
    """Parse TOML or JSON text (:func:`coopfinance._files.parse_data`: numbers with a fraction
    stay exact ``Decimal`` s) into a table, with the :class:`Where` of its key paths."""
    data = parse_data(text, fmt=fmt, field=field, source=source, error=error)
    if not isinstance(data, dict):
        where = E_(" in %(source)s", source=source) if source else ""
        raise error(
            E_(
                "%(field)s must hold a table at the top (got %(type)s)%(where)s.",
                field=repr(field),
                type=type(data).__name__,
                where=where,
            ),
            field=field,
            value=source,
        )
    return data, Where(source, key_lines(text) if fmt == "toml" else None)


def read_table(
    path: str | pathlib.Path, *, field: str, error: type[InvalidValue]
) -> tuple[dict[str, Any], Where]:
    """The table of a ``.toml`` or ``.json`` file (read by :func:`coopfinance._files.read_text`)
    and the :class:`Where` of its key paths."""
    p = pathlib.Path(path)
    fmt = p.suffix.lower().lstrip(".")
    if fmt not in DATA_FORMATS:
        raise error(
            E_(
                "%(field)s must be a .toml or .json file (got %(p)s).",
                field=repr(field),
                p=repr(str(p)),
            ),
            field=field,
            value=str(p),
        )
    text = read_text(p, field=field, error=error)
    return parse_table(text, fmt=fmt, field=field, source=p.name, error=error)
