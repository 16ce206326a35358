"""Every document in a real browser (issue 21 §1): headless Chromium (Debian's ``chromium``
package) prints each standard case to PDF, and a measurement in the page checks that nothing is
wider than A4's printable width.

- **Print**: ``chromium --headless --print-to-pdf`` gives an A4 PDF; the page counts of the
  standard cases are pinned (the liquidación of a fortnight delivered twice a day is 1 page).
- **Width**: a copy of each document gets a small script (the documents themselves have none)
  that lays the page out at 703 CSS px (A4's 210 mm less the 12 mm margins each side, at
  96 px/in) and records the widest right edge of any element and the page's ``scrollWidth`` in
  the DOM, which ``--dump-dom`` returns. A screenshot cannot show what was cut off, and reading
  the DOM without running layout tells nothing about widths: so the browser measures.

Skipped without ``chromium`` on the PATH; CI installs it (``apt-get install -y chromium``).
"""

from __future__ import annotations

import pathlib
import re
import shutil
import subprocess

import pytest
from tests.browser.cases import all_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
PRINTABLE_PX = 703  # (210 mm − 2 × 12 mm) / 25.4 × 96
PAGES = {  # the standard cases' page counts on A4
    "schedule": 2,
    "key_facts": 2,
    "statement": 2,
    "settlement": 1,
    "settlement_summary": 2,
    "portfolio": 2,
    "plan": 7,
    "training_guide": 2,
    "training_worksheet": 4,
    "training_worksheet_key": 6,
    "training_certificate": 2,
    "training_report": 2,
}
MEASURE = """<script>
addEventListener("load", () => {
  let right = 0;
  for (const el of document.body.querySelectorAll("*")) {
    right = Math.max(right, el.getBoundingClientRect().right);
  }
  document.body.setAttribute("data-right", String(Math.ceil(right)));
  document.body.setAttribute("data-scroll", String(document.documentElement.scrollWidth));
});
</script>
<style>@media screen { body { padding: 0 !important; margin: 0 !important; } }</style>
"""


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, *FLAGS, *args], capture_output=True, text=True, timeout=120, check=False
    )


def _pages(pdf: pathlib.Path) -> int:
    info = shutil.which("pdfinfo")
    if info:
        out = subprocess.run([info, str(pdf)], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE).group(1))  # type: ignore[union-attr]
    return len(re.findall(rb"/Type\s*/Page(?![a-z])", pdf.read_bytes()))


@pytest.fixture(scope="module")
def documents() -> dict[str, str]:
    return all_html("es")


@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_document_prints_to_a4_with_its_page_count(
    documents: dict[str, str], name: str, tmp_path: pathlib.Path
) -> None:
    page = tmp_path / f"{name}.html"
    page.write_text(documents[name], encoding="utf-8")
    pdf = tmp_path / f"{name}.pdf"
    done = _chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert pdf.exists(), done.stderr[-2000:]
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert _pages(pdf) == PAGES[name]
    if shutil.which("pdfinfo"):
        out = subprocess.run(
            ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
        ).stdout
        assert "(A4)" in out


def _widths(html: str, path: pathlib.Path) -> tuple[int, int]:
    """(the widest right edge of any element, the page's scrollWidth) at the printable width."""
    path.write_text(html.replace("</head>", MEASURE + "</head>", 1), encoding="utf-8")
    done = _chromium(f"--window-size={PRINTABLE_PX},1123", "--dump-dom", path.as_uri())
    found = re.search(r'data-right="(\d+)" data-scroll="(\d+)"', done.stdout)
    assert found, done.stderr[-2000:]
    return int(found.group(1)), int(found.group(2))


@pytest.fixture(scope="module")
def english() -> dict[str, str]:
    return all_html("en")


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_nothing_is_wider_than_a4(
    documents: dict[str, str],
    english: dict[str, str],
    name: str,
    lang: str,
    tmp_path: pathlib.Path,
) -> None:
    """In both languages (English labels are shorter, Spanish and Portuguese longer: the training
    report's gains table was 957 px wide in Spanish, 857 in English, before its headings wrapped)."""
    html = (documents if lang == "es" else english)[name]
    right, scroll = _widths(html, tmp_path / f"{name}.html")
    assert right <= PRINTABLE_PX, f"{name} ({lang}): an element ends at {right} px"
    assert scroll <= PRINTABLE_PX, f"{name} ({lang}): the page scrolls to {scroll} px"


def test_the_width_check_sees_an_overflow(
    documents: dict[str, str], tmp_path: pathlib.Path
) -> None:
    """The measurement can fail: a table wider than the page is caught."""
    wide = documents["schedule"].replace("<main>", '<main><div style="width: 900px">x</div>', 1)
    right, scroll = _widths(wide, tmp_path / "wide.html")
    assert right > PRINTABLE_PX
    assert scroll > PRINTABLE_PX
