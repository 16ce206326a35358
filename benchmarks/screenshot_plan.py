"""Render the example business plan to HTML and screenshot it with headless Chromium (developer check).

Not part of CI: CI parses the HTML instead (tests/plans/test_plan_document.py). Run from the
repository root::

    PYTHONPATH=src python benchmarks/screenshot_plan.py [--lang es|en] [--out DIR]

It writes ``plan.<lang>.html`` and, when a Chromium is on PATH (``chromium``, ``chromium-browser``
or ``google-chrome``; on Debian/Ubuntu ``apt-get install chromium``), ``plan.<lang>.png`` (a
1280 px wide full page), then prints a Markdown table of what it did. Chromium runs with networking
disabled through a bogus proxy, so a page that needed the network would show broken parts. Open
the PNG and check the charts, the tables and the page breaks by eye.
"""

from __future__ import annotations

import argparse
import pathlib
import shutil
import subprocess
import time

from coopfinance.documents import render_plan
from coopfinance.plans import BusinessPlan, report

ROOT = pathlib.Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="es", choices=["es", "en"])
    parser.add_argument("--out", default="/tmp/coopfinance-plan", help="output directory")
    ns = parser.parse_args()
    out = pathlib.Path(ns.out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    page = render_plan(
        report(BusinessPlan.from_file(ROOT / "examples" / "plan-alfalfa.toml")),
        lang=ns.lang,
        fmt="html",
    )
    html_path = out / f"plan.{ns.lang}.html"
    html_path.write_text(page, encoding="utf-8")
    rendered = time.perf_counter() - started
    print("| step | result |\n|---|---|")
    print(f"| render HTML | {html_path} ({len(page):,} bytes, {rendered:.2f} s) |")
    browser = next(
        (b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None
    )
    if browser is None:
        print("| screenshot | skipped: no Chromium on PATH (apt-get install chromium) |")
        return 0
    png = out / f"plan.{ns.lang}.png"
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--proxy-server=127.0.0.1:9",  # nothing may be fetched
        "--window-size=1280,9000",
        f"--screenshot={png}",
        html_path.as_uri(),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    status = "ok" if result.returncode == 0 and png.exists() else f"failed ({result.returncode})"
    print(f"| screenshot | {png}: {status} |")
    return 0 if status == "ok" else 1


if __name__ == "__main__":
    raise SystemExit(main())
