"""Data and helpers of the book's tests."""

from __future__ import annotations

import pathlib
from collections.abc import Callable

from sqlalchemy.engine import Engine

ROSTER = (
    "farmer,name,role,route,joined,left\n"
    "M001,Carmen,member,R1,,\nM002,Jorge,member,R1,,\nS001,Rosa,supplier,R2,2026-01-10,\n"
)
PRICES = """currency = "PEN"
[[prices]]
from = 2026-01-01
to = 2026-06-30
base = "1.30"
solids_reference = "12.1"
solids_bonus_per_point = "0.10"
service_charges = { transport = "0.04" }
"""

Where = Callable[[], "str | Engine"]


def write(tmp: pathlib.Path, name: str, text: str) -> pathlib.Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path
