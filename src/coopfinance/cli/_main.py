"""The entry of the ``coopfinance`` command: the parser made of the command modules, ``main`` and
the console script's ``run``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from coopfinance.__about__ import __version__
from coopfinance.cli import (
    book,
    cost,
    demo,
    plan,
    schedule,
    settle,
    simulate,
    statement,
    training,
)
from coopfinance.errors import CoopFinanceError

__all__ = ["build_parser", "main", "run"]

# The command groups, in the order ``coopfinance --help`` lists them.
COMMANDS = (schedule, cost, demo, training, plan, settle, statement, simulate, book)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``coopfinance`` command: each command module registers its own."""
    parser = argparse.ArgumentParser(
        prog="coopfinance",
        description="Loan schedules, cost of credit, servicing, milk settlements, business plans and "
        "training material for dairy cooperatives.",
    )
    parser.add_argument("--version", action="version", version=f"coopfinance {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(
    argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the command line with ``argv``; return the exit code (0 ok, 1 domain error, 2 usage)."""
    stdout = out if out is not None else sys.stdout
    stderr = err if err is not None else sys.stderr
    parser = build_parser()
    try:
        ns = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:  # argparse: usage errors exit 2, --help/--version exit 0
        return int(exc.code) if isinstance(exc.code, int) else 2
    try:
        handler: Any = ns.handler
        return int(handler(ns, stdout))
    except CoopFinanceError as exc:
        stderr.write(f"Error: {exc}\n")
        return 1


def run() -> None:  # pragma: no cover - the console-script entry point
    """Entry point of the ``coopfinance`` console script."""
    raise SystemExit(main())
