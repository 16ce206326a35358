"""Golden files: one helper, one update switch for the whole suite.

A golden file is a reviewed rendering kept in the repository; a test renders again and compares
byte for byte. When a change to a document is intended, rewrite the files and review the diff::

    COOPFINANCE_UPDATE_GOLDENS=1 python -m pytest tests/documents tests/dairy tests/plans tests/training
    git diff -- '*/golden/*'
"""

from __future__ import annotations

import difflib
import os
import pathlib

import pytest

UPDATE = os.environ.get("COOPFINANCE_UPDATE_GOLDENS") == "1"
"""The one switch: set ``COOPFINANCE_UPDATE_GOLDENS=1`` to rewrite golden files instead of comparing."""


def check_golden(path: pathlib.Path, actual: str) -> None:
    """Fail with a unified diff unless ``actual`` equals the golden file ``path`` byte for byte
    (with the switch on, write ``actual`` there instead)."""
    data = actual.encode("utf-8")
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return
    if not path.exists():
        pytest.fail(f"{path} is missing; create it with COOPFINANCE_UPDATE_GOLDENS=1 and review it")
    expected = path.read_bytes()
    if data != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.decode("utf-8").splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=str(path),
                tofile="rendered",
            )
        )
        pytest.fail(f"{path.name} differs (COOPFINANCE_UPDATE_GOLDENS=1 rewrites it):\n{diff}")
