"""``coopfinance plan FILE -o plan.html|plan.md|plan.pdf --lang es|en --templates DIR``, in-process."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from coopfinance.cli import main
from coopfinance.examples import examples_dir

EXAMPLE = str(examples_dir() / "plan-alfalfa.toml")
GOLDEN = Path(__file__).parent / "golden"


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(("name", "lang"), [("plan.html", "es"), ("plan.md", "en")])
def test_output_suffix_sets_the_format(tmp_path: Path, name: str, lang: str) -> None:
    """The file written is the golden document of that language and format."""
    target = tmp_path / name
    code, out, err = run(["plan", EXAMPLE, "-o", str(target), "--lang", lang])
    assert (code, err) == (0, "")
    fmt = target.suffix.lstrip(".")
    assert out == ""  # silence is golden: the file is the output (--verbose says "wrote")
    assert target.read_bytes() == (GOLDEN / f"plan.{lang}.{fmt}").read_bytes()


def test_unknown_suffix_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the error texts below are English: the CLI speaks it when asked (the locale here)
    monkeypatch.setenv("LANGUAGE", "en")
    code, out, err = run(["plan", EXAMPLE, "-o", str(tmp_path / "plan.docx")])
    assert (code, out) == (1, "")
    assert err.startswith("Error: 'output' must end in .txt, .csv, .json, .md, .html or .pdf (got ")
    assert not (tmp_path / "plan.docx").exists()


def test_templates_directory_overrides_and_is_sandboxed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the error texts below are English: the CLI speaks it when asked (the locale here)
    monkeypatch.setenv("LANGUAGE", "en")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "plan.md.j2").write_text("{{ title|md }}: {{ economic.npv|money(currency) }}\n")
    target = tmp_path / "plan.md"
    code, _, err = run(["plan", EXAMPLE, "-o", str(target), "--templates", str(mine)])
    assert (code, err) == (0, "")
    assert target.read_text(encoding="utf-8") == (
        "Alfalfa for a small dairy co-op (illustrative): S/ 49,464.84\n"
    )
    (mine / "plan.md.j2").write_text("{{ cycler.__init__.__globals__ }}\n")
    code, _, err = run(["plan", EXAMPLE, "-o", str(target), "--templates", str(mine)])
    assert code == 1
    assert "sandbox forbids" in err


def test_bad_lang_is_a_usage_error(tmp_path: Path) -> None:
    code, _, _ = run(["plan", EXAMPLE, "-o", str(tmp_path / "p.md"), "--lang", "fr"])
    assert code == 2
