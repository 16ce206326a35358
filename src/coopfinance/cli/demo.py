"""``coopfinance demo``: a season of the bundled example co-op, every document written."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any, TextIO

from coopfinance.cli._options import add_lang

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add ``demo``."""
    d = subparsers.add_parser(
        "demo",
        help="run a season of the bundled example co-op and write every document",
        description="Run the bundled example co-op (illustrative data modelled on Manantial de "
        "Vida) and write schedules, key-facts sheets and an index.html to OUTDIR.",
    )
    d.add_argument("outdir", nargs="?", default="coopfinance-demo", help="output directory")
    add_lang(d, default="es", help="language of documents")
    d.set_defaults(handler=_demo)


def _demo(ns: argparse.Namespace, out: TextIO) -> int:
    from coopfinance._demo import run_demo

    start = time.perf_counter()

    def progress(message: str) -> None:
        sys.stderr.write(f"[{time.perf_counter() - start:5.1f} s] {message}\n")
        sys.stderr.flush()

    result = run_demo(ns.outdir, lang=ns.lang, progress=progress)
    for check in result.checks:
        out.write(f"ok  {check}\n")
    out.write(
        f"{len(result.files)} files in {result.outdir}; open {result.outdir / 'index.html'}\n"
    )
    return 0
