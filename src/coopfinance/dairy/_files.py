"""Reading a dairy settings file (TOML or JSON) into plain data, numbers kept exact."""

from __future__ import annotations

import json
import pathlib
import tomllib
from decimal import Decimal
from typing import Any

from coopfinance.errors import InvalidValue

__all__ = ["read_table"]


def read_table(
    path: str | pathlib.Path, *, what: str, field: str, error: type[InvalidValue]
) -> Any:
    """The parsed content of a ``.toml`` or ``.json`` file; numbers are read as ``Decimal`` (never
    through binary floating point). ``what`` names the file in messages, ``error`` is raised for
    a wrong suffix or unparsable text."""
    p = pathlib.Path(path)
    text = p.read_text(encoding="utf-8")
    suffix = p.suffix.lower()
    try:
        if suffix == ".toml":
            return tomllib.loads(text, parse_float=Decimal)
        if suffix == ".json":
            return json.loads(text, parse_float=Decimal)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise error(
            f"{what!r} file {p.name!r} cannot be read: {exc}.", field=field, value=str(p)
        ) from None
    raise error(
        f"{what!r} file must end in .toml or .json (got {p.name!r}).", field=field, value=str(p)
    )
