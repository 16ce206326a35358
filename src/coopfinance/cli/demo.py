"""``coopfinance demo``: a season of the bundled example co-op, every document written."""

from __future__ import annotations

import argparse
import pathlib
import time
from typing import Any, TextIO

from coopfinance.cli._options import add_lang, console

__all__ = ["register"]

_FILES = 440  # what the demo writes (12 inputs, the book, 45 loans × 3, 24 summaries, 188
# liquidaciones, 45 worksheets, …): the bar


def register(subparsers: Any) -> None:
    """Add ``demo``."""
    d = subparsers.add_parser(
        "demo",
        help="run a season of the bundled example co-op and write every document",
        description="Run the bundled example co-op (illustrative data modelled on Manantial de "
        "Vida) through a SQLite book (OUTDIR/coop.db) and write every document and an index.html "
        "to OUTDIR. The input files are written to OUTDIR/inputs first: edit one and run again "
        "with --from OUTDIR/inputs. OUTDIR must be new, empty or an earlier demo's folder: a "
        "folder holding other files is refused.",
    )
    d.add_argument("outdir", nargs="?", default="coopfinance-demo", help="output directory")
    d.add_argument(
        "--from",
        dest="inputs",
        metavar="DIR",
        help="read the input files from DIR (e.g. OUTDIR/inputs after editing one) instead of "
        "the bundled example",
    )
    add_lang(d, help="language of documents")
    d.set_defaults(handler=_demo)


def _demo(ns: argparse.Namespace, out: TextIO) -> int:
    from coopfinance._demo import run_demo

    c = console(ns)
    start = time.perf_counter()
    with c.progress(_FILES, c.t("demo"), unit="file") as bar:

        def progress(message: str) -> None:
            if c.bars():  # on a terminal the bar says it
                bar.set_description_str(message[:40])
            else:  # in a log: one timed line per step (not with --quiet)
                c.info(f"[{time.perf_counter() - start:5.1f} s] {message}")

        def on_file(_path: pathlib.Path) -> None:
            bar.update(1)

        result = run_demo(
            ns.outdir, lang=ns.lang, inputs=ns.inputs, progress=progress, on_file=on_file
        )
    if not c.quiet:
        for check in result.checks:
            out.write(c.t("ok  %(check)s", check=check) + "\n")
    out.write(
        c.t(
            "%(count)s files in %(dir)s; open %(index)s",
            count=len(result.files),
            dir=str(result.outdir),
            index=str(result.outdir / "index.html"),
        )
        + "\n"
    )
    return 0
