"""Every link of the README resolves (issue 21 §3).

No public repository or documentation site exists yet, so the README links are relative (decision
in docs/conventions.md, "README links"): they work in a checkout and in the sdist, which ships
every target. This test fails on a link to a missing file or heading anchor, on a target the sdist
leaves out, and on an absolute link to a host other than the ones allowed.
"""

from __future__ import annotations

import re
import tomllib
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
LINK = re.compile(r"(?<!\!)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
ALLOWED_HOSTS = {"pypi.org", "www.python.org", "docs.python.org", "keepachangelog.com"}

pytestmark = pytest.mark.skipif(not README.exists(), reason="no README in this checkout")


def _links() -> list[str]:
    text = README.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)  # code blocks hold no links
    return LINK.findall(text)


def _anchors(path: Path) -> set[str]:
    """GitHub-style anchors of a Markdown file's headings."""
    out = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            out.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return out


def test_the_readme_has_links() -> None:
    assert len(_links()) >= 5


@pytest.mark.parametrize("link", _links() if README.exists() else [])
def test_each_readme_link_resolves(link: str) -> None:
    parts = urllib.parse.urlsplit(link)
    if parts.scheme in ("http", "https"):
        assert parts.hostname in ALLOWED_HOSTS, f"{link}: no absolute links to unknown hosts"
        return
    assert not parts.scheme, f"{link}: unexpected scheme"
    target = (ROOT / parts.path).resolve() if parts.path else README
    assert target.exists(), f"{link}: {target} does not exist"
    assert ROOT in target.parents or target == ROOT, f"{link}: outside the repository"
    if parts.fragment:
        assert target.suffix == ".md", link
        assert parts.fragment in _anchors(target), f"{link}: no such heading"


def test_the_sdist_ships_every_readme_link_target() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    included = config["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]
    for link in _links():
        path = urllib.parse.urlsplit(link).path
        if not path or urllib.parse.urlsplit(link).scheme:
            continue
        top = Path(path).parts[0]
        assert top in included, f"{link}: {top} is not in the sdist"
