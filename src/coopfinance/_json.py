"""Plain data for JSON: the one serialization convention of every coopfinance value.

Every value that can be saved has ``to_dict()`` (plain data: ``str`` for decimals and amounts, ISO
8601 ``str`` for dates, enum values as their text, lists and dicts) and a class method
``from_dict(data)`` that reads it back exactly. ``to_json()`` / ``from_json(text)`` are the same
through JSON text; ``from_file(path)`` reads a file.

Apps that put coopfinance results (``Decimal``, dates, enums, values with ``to_dict``) into their own
JSON use :class:`JSONEncoder` or :func:`json_default`:

>>> import datetime as dt, json
>>> from decimal import Decimal
>>> json.dumps({"cuota": Decimal("489.11"), "vence": dt.date(2026, 2, 15)}, cls=JSONEncoder)
'{"cuota": "489.11", "vence": "2026-02-15"}'
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from decimal import Decimal
from typing import Any

__all__ = ["JSONEncoder", "json_default"]


def json_default(obj: Any) -> Any:
    """The JSON form of what :mod:`json` cannot write itself (``json.dumps(x, default=...)``):
    ``Decimal`` → its exact text, a date → ISO 8601, an enum → its value, a coopfinance value → its
    ``to_dict()``.

    >>> json_default(Decimal("0.35"))
    '0.35'
    >>> json_default(object())
    Traceback (most recent call last):
    ...
    TypeError: Object of type object is not JSON serializable
    """
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, dt.date):
        return obj.isoformat()
    if isinstance(obj, enum.Enum):
        return obj.value
    to_dict = getattr(obj, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if isinstance(obj, frozenset | set):
        return sorted(obj, key=str)
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


class JSONEncoder(json.JSONEncoder):
    """A :class:`json.JSONEncoder` that writes coopfinance results with :func:`json_default`."""

    def default(self, o: Any) -> Any:
        return json_default(o)
