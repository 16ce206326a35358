"""CPU time of each part of ``coopfinance demo`` (one run, in this process).

    PYTHONPATH=src python benchmarks/demo_sections.py [LABEL] [--lang es]

Each step of :func:`coopfinance._demo.run_demo` that exists in the checkout is wrapped with
``time.process_time``; the line printed is ``LABEL {step: seconds, ..., TOTAL: seconds}``. To
compare two checkouts, run it alternately from each (interleaved rounds) and compare TOTAL (not
part of ``benchmarks/run.py``: a demo run takes a quarter of a minute).
"""

from __future__ import annotations

import argparse
import functools
import tempfile
import time
from typing import Any

from coopfinance import _demo

STEPS = ("load", "_copy_inputs", "_book", "_loans", "_season", "_portfolio", "_year", "_training",
         "_stress", "_revenue_share", "_guarantees", "render_plan", "_missed", "render")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("label", nargs="?", default="demo")
    parser.add_argument("--lang", default="es")
    args = parser.parse_args()
    spent: dict[str, float] = {}

    def wrap(name: str) -> None:
        step = getattr(_demo, name, None)
        if step is None:
            return

        @functools.wraps(step)
        def timed(*a: Any, **k: Any) -> Any:
            t0 = time.process_time()
            try:
                return step(*a, **k)
            finally:
                spent[name] = spent.get(name, 0.0) + time.process_time() - t0

        setattr(_demo, name, timed)

    for name in STEPS:
        wrap(name)
    t0 = time.process_time()
    with tempfile.TemporaryDirectory() as folder:
        _demo.run_demo(f"{folder}/out", lang=args.lang)
    spent["TOTAL"] = time.process_time() - t0
    print(args.label, {k: round(v, 2) for k, v in spent.items()})


if __name__ == "__main__":
    main()
