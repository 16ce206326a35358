"""``coopfinance examples DIR``: the bundled sample inputs copied to a folder, so that every command
of the docs runs from a wheel install (``cd DIR`` and paste).

A compressed file of the bundle (``deliveries.csv.gz``, the only one: the wheel stays small) is
written decompressed (``deliveries.csv``), the file the docs' commands read and a user edits.
Written besides the bundled files: ``loans.csv`` (the 42 example loans in the CSV that
``coopfinance portfolio`` reads) and ``terms.toml`` (one loan's terms, for ``--terms``).
"""

from __future__ import annotations

import argparse
import pathlib
from typing import Any, TextIO

from coopfinance.cli._options import console, write_output

__all__ = ["register"]

_SKIP = {"generate.py"}  # the generator of the files, not an input


def register(subparsers: Any) -> None:
    """Add ``examples``."""
    p = subparsers.add_parser(
        "examples",
        help="copy the bundled sample inputs to a folder (to run the docs' commands)",
        description="Copy the bundled example files (deliveries, prices, loans, plan, cohort…) to "
        "DIR; an existing file there is kept unless --force.",
    )
    p.add_argument("dir", nargs="?", default="coopfinance-examples", help="the folder to fill")
    p.set_defaults(handler=_examples)


def _loans_csv() -> str:
    import tomllib

    from coopfinance.examples import examples_dir

    data = tomllib.loads((examples_dir() / "loans.toml").read_text(encoding="utf-8"))
    lines = ["id,principal,rate,installments,disbursed"]
    for loan in data.get("loan", []):
        if loan.get("plan") == "level" and "grace" not in loan:
            lines.append(
                f"{loan['id']},{loan['principal']},{loan['rate']},{loan['installments']},"
                f"{loan['disbursed']}"
            )
    return "\n".join(lines) + "\n"


_TERMS = """# One loan's terms (LoanTerms.from_dict keys): coopfinance schedule --terms terms.toml
principal = "5000"
rate = "35%"
installments = 12
disbursed = "2026-01-15"
"""


def _examples(ns: argparse.Namespace, out: TextIO) -> int:
    from coopfinance.examples import examples_dir, read_example

    c = console(ns)
    source = examples_dir()
    target = pathlib.Path(ns.dir)
    files = sorted(p for p in source.iterdir() if p.is_file() and p.name not in _SKIP)
    quiet = argparse.Namespace(**{**vars(ns), "console": _Silent(c)})
    for p in files:
        if p.suffix == ".gz":
            name = p.name.removesuffix(".gz")
            write_output(quiet, target / name, read_example(name, source))
        else:
            name = p.name
            write_output(quiet, target / name, p.read_bytes())
        c.detail(c.t("wrote %(path)s", path=str(target / name)))
    write_output(quiet, target / "loans.csv", _loans_csv())
    write_output(quiet, target / "terms.toml", _TERMS)
    count = len(files) + 2
    out.write(
        c.nt(
            "%(num)d file copied to %(dir)s",
            "%(num)d files copied to %(dir)s",
            count,
            num=count,
            dir=str(target),
        )
        + "\n"
    )
    return 0


class _Silent:
    """The console with its status lines off (``examples`` says one line for all its files)."""

    def __init__(self, c: Any) -> None:
        self._c = c

    def __getattr__(self, name: str) -> Any:
        return getattr(self._c, name)

    def info(self, text: str) -> None:
        """Not said per file."""
