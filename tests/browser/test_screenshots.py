"""Golden screenshots of key documents, compared with a tolerance (issue 21 §1).

Headless Chromium (Debian's ``chromium``) takes a screenshot of the first A4 page of each
document at the printable width (703 CSS px × 1,000 px); the image is kept in grey at half size
(352 × 500 px, a few tens of KB as an optimised PNG) in ``tests/browser/golden/<name>.png``.
A screenshot matches its golden when at most :data:`MAX_CHANGED` of its pixels differ by more
than :data:`TOLERANCE` grey levels: anti-aliasing and a Chromium update move a few edge pixels,
a changed figure, label, column or chart moves hundreds.

After a deliberate change to a template, rewrite them and look at the images before
committing::

    COOPFINANCE_UPDATE_GOLDENS=1 python -m pytest tests/browser/test_screenshots.py

Fonts are pinned: each page is shot with ``DejaVu Sans`` forced (the documents' first font),
hinting and LCD anti-aliasing off. Skipped without ``chromium``, Pillow or the DejaVu fonts
(``fonts-dejavu-core``), so a machine that would render other glyphs never compares.
"""

from __future__ import annotations

import importlib.util
import os
import pathlib
import shutil
import subprocess
from typing import Any

import pytest
from tests.browser.cases import all_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
GOLDEN = pathlib.Path(__file__).parent / "golden"
SHOTS = ("schedule", "settlement", "plan", "training_certificate")
WIDTH, HEIGHT = 703, 1000  # A4's printable width at 96 px/in; most of its height
TOLERANCE = 48  # grey levels (of 255) a pixel may move without counting as changed
MAX_CHANGED = 0.004  # the share of pixels that may change: 0.4 % (≈ 700 of 176,000)
PIN = """<style>
* { font-family: "DejaVu Sans" !important; }
@media screen { body { margin: 0 !important; } }
</style>"""


def _dejavu() -> bool:
    match = shutil.which("fc-match")
    if match is None:
        return False
    out = subprocess.run([match, "DejaVu Sans"], capture_output=True, text=True, check=False)
    return out.stdout.startswith("DejaVuSans.ttf")


pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed"),
    pytest.mark.skipif(importlib.util.find_spec("PIL") is None, reason="Pillow is not installed"),
    pytest.mark.skipif(CHROMIUM is not None and not _dejavu(), reason="no DejaVu Sans font"),
]


def _update() -> bool:
    return os.environ.get("COOPFINANCE_UPDATE_GOLDENS") == "1"


@pytest.fixture(scope="module")
def documents() -> dict[str, str]:
    every = all_html("es")
    return {name: every[name] for name in SHOTS}


def shot(html: str, folder: pathlib.Path, name: str) -> Any:
    """The page's screenshot as a grey Pillow image at half size."""
    from PIL import Image

    assert CHROMIUM is not None
    page = folder / f"{name}.html"
    page.write_text(html.replace("</head>", PIN + "</head>", 1), encoding="utf-8")
    png = folder / f"{name}.png"
    done = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            "--font-render-hinting=none",
            "--disable-lcd-text",
            "--force-color-profile=srgb",
            f"--window-size={WIDTH},{HEIGHT}",
            f"--screenshot={png}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert png.exists(), done.stderr[-2000:]
    with Image.open(png) as image:
        grey = image.convert("L")
    return grey.resize((WIDTH // 2 + WIDTH % 2, HEIGHT // 2), Image.Resampling.BOX)


def changed(image: Any, golden: Any) -> float:
    """The share of pixels that differ by more than :data:`TOLERANCE` grey levels."""
    if image.size != golden.size:
        return 1.0
    a, b = image.tobytes(), golden.tobytes()
    moved = sum(1 for x, y in zip(a, b, strict=True) if abs(x - y) > TOLERANCE)
    return moved / len(a)


def _save(image: Any, path: pathlib.Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, optimize=True)


@pytest.mark.parametrize("name", SHOTS)
def test_screenshot_matches_its_golden_within_tolerance(
    documents: dict[str, str], name: str, tmp_path: pathlib.Path
) -> None:
    from PIL import Image

    image = shot(documents[name], tmp_path, name)
    path = GOLDEN / f"{name}.png"
    if _update() or not path.exists():
        _save(image, path)
        if not _update():
            pytest.fail(f"{path} was missing and has been written: review it and commit it")
        return
    with Image.open(path) as golden:
        share = changed(image, golden.convert("L"))
    if share > MAX_CHANGED:
        _save(image, tmp_path / f"{name}.actual.png")
    assert share <= MAX_CHANGED, (
        f"{name}: {share:.2%} of the pixels changed (at most {MAX_CHANGED:.2%}); the screenshot "
        f"is {tmp_path / f'{name}.actual.png'}; COOPFINANCE_UPDATE_GOLDENS=1 rewrites the golden"
    )


def test_the_comparison_sees_a_changed_figure(
    documents: dict[str, str], tmp_path: pathlib.Path
) -> None:
    """The tolerance can fail: the liquidación with one more line of text is caught, while the
    same page shot twice is identical."""
    html = documents["settlement"]
    first = shot(html, tmp_path, "a")
    assert changed(shot(html, tmp_path, "b"), first) == 0.0
    edited = html.replace("<main>", "<main><h1>Liquidación corregida · S/ 9,999.99</h1>", 1)
    assert edited != html
    assert changed(shot(edited, tmp_path, "c"), first) > MAX_CHANGED


def test_goldens_are_small() -> None:
    """The committed images stay small: grey, half size, optimised."""
    for path in sorted(GOLDEN.glob("*.png")):
        assert path.stat().st_size < 120_000, f"{path.name} is {path.stat().st_size:,} bytes"
