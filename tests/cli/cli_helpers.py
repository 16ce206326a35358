"""Helpers of the CLI tests: no locale from the machine, an in-process runner, a real process.

Imported by the test modules as ``from cli_helpers import ...`` (not ``conftest``: the name is taken
by ``tests/conftest.py``)."""

from __future__ import annotations

import io
import os
import pathlib
import subprocess
import sys
from collections.abc import Callable, Sequence

import attrs
import pytest

from coopfinance.cli import main

SRC = pathlib.Path(__file__).resolve().parents[2] / "src"
LOAN = ["--principal", "5000", "--rate", "35%", "--installments", "12", "--disbursed", "2026-01-15"]


@attrs.frozen
class Result:
    """One run of the command."""

    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def no_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)


Run = Callable[..., Result]


@pytest.fixture(name="cli")
def fixture_cli() -> Run:
    """``cli(*argv, stdin="")``: run ``coopfinance`` in-process."""

    def run(*argv: str, stdin: str | None = None) -> Result:
        out, err = io.StringIO(), io.StringIO()
        code = main(
            list(argv), out=out, err=err, stdin=None if stdin is None else io.StringIO(stdin)
        )
        return Result(code, out.getvalue(), err.getvalue())

    return run


def env(**extra: str) -> dict[str, str]:
    """The environment of a subprocess: this checkout's ``src`` first, no locale but ``extra``."""
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
    }
    base["PYTHONPATH"] = os.pathsep.join([str(SRC), base.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return base | extra


def command(args: Sequence[str]) -> list[str]:
    """``python -m coopfinance ARGS`` with this interpreter."""
    return [sys.executable, "-m", "coopfinance", *args]


def run_process(
    args: Sequence[str], *, env_extra: dict[str, str] | None = None, cwd: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the command as a real process."""
    return subprocess.run(
        command(args),
        capture_output=True,
        text=True,
        env=env(**(env_extra or {})),
        timeout=300,
        cwd=cwd,
        check=False,
    )
