"""Documents and templates under hostile input (issue 20 §4): a user template cannot make a PDF
embed local files or fetch from the network, runaway templates are stopped, invisible and
bidirectional control characters in user text are neutralized, every CSV written is
formula-safe (OWASP, https://owasp.org/www-community/attacks/CSV_Injection)."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import pathlib
import time

import pytest

from coopfinance import LoanTerms, Rate
from coopfinance._csv import csv_text, escape_cell, safe_cell, unescape_cell
from coopfinance.book._journal import safe_cell as book_safe_cell
from coopfinance.cli._options import safe_cell as cli_safe_cell
from coopfinance.documents import render, render_pdf, render_schedule
from coopfinance.documents._env import neutralize
from coopfinance.errors import RenderLimit, UnsafeTemplate

needs_pdf = pytest.mark.skipif(
    importlib.util.find_spec("weasyprint") is None, reason="WeasyPrint is not installed"
)


def _template(tmp: pathlib.Path, body: str, name: str = "mine.html.j2") -> pathlib.Path:
    folder = tmp / "templates"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(body, encoding="utf-8")
    return folder


@needs_pdf
@pytest.mark.parametrize(
    "tag",
    [
        '<link rel="attachment" href="file:///etc/passwd">',
        '<img src="file:///etc/passwd">',
        '<img src="../../../../../../etc/passwd">',
        '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">',
    ],
)
def test_a_user_template_cannot_embed_local_files_or_fetch(
    tmp_path: pathlib.Path, tag: str
) -> None:
    folder = _template(tmp_path, f"<html><body>{tag}<p>hi</p></body></html>")
    with pytest.raises(UnsafeTemplate, match="outside the template folders"):
        render_pdf("mine", {}, template_dirs=[folder])


@needs_pdf
def test_a_file_in_the_user_template_folder_may_be_embedded(tmp_path: pathlib.Path) -> None:
    folder = _template(tmp_path, '<html><body><img src="logo.svg"><p>hi</p></body></html>')
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'
    (folder / "logo.svg").write_text(svg, encoding="utf-8")
    assert render_pdf("mine", {}, template_dirs=[folder]).startswith(b"%PDF")


@pytest.mark.parametrize(
    "body",
    [
        "{% for i in range(10**7) %}x{% endfor %}",
        "{{ 'x' * 10**8 }}",
        "{{ [1] * 10**8 }}",
        "{{ 2 ** 100000000 }}",
        "{% for i in range(90000) %}{% for j in range(90000) %}{% endfor %}{% endfor %}",
    ],
)
def test_runaway_user_templates_are_stopped(
    tmp_path: pathlib.Path, body: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coopfinance.documents import _env

    monkeypatch.setattr(_env, "MAX_RENDER_SECONDS", 1.0)
    folder = _template(tmp_path, body, "loop.md.j2")
    with pytest.raises(RenderLimit):
        render("loop", {}, template_dirs=[folder])


@pytest.mark.parametrize(
    "body",
    [
        "{% for x in big %}{% endfor %}",
        "{% for x in big %}{% if x < 0 %}{{ x }}{% endif %}{% endfor %}",
        "{% for x in big %}{% set y = x %}{% endfor %}done",
    ],
)
@pytest.mark.parametrize("sandboxed", [True, False])
def test_a_silent_loop_over_a_huge_context_list_is_stopped_by_time(
    tmp_path: pathlib.Path, body: str, sandboxed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A loop over a context value that prints nothing reaches none of the checks at range
    steps, repetitions or output chunks: the render's watchdog stops it after the time limit.
    ``big`` has 10¹⁵ items (years of looping): the render can end only by being stopped."""
    from coopfinance.documents import _env

    monkeypatch.setattr(_env, "MAX_RENDER_SECONDS", 0.2)
    folder = _template(tmp_path, body, "silent.md.j2")
    with pytest.raises(RenderLimit, match=r"longer than 0\.2 s"):
        render("silent", {"big": range(10**15)}, template_dirs=[folder], sandboxed=sandboxed)
    # the watchdog of a render that ended in time never fires later in the caller's code
    monkeypatch.setattr(_env, "MAX_RENDER_SECONDS", 0.05)
    quick = _template(tmp_path, "{{ big[0] }}", "quick.md.j2")
    assert render("quick", {"big": [7]}, template_dirs=[quick]) == "7"
    deadline = time.monotonic() + 0.3
    while time.monotonic() < deadline:  # a pure-Python loop an async exception would interrupt
        pass


def test_the_output_size_is_bounded(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coopfinance.documents import _env

    monkeypatch.setattr(_env, "MAX_OUTPUT_CHARS", 1000)
    folder = _template(tmp_path, "{% for i in range(5000) %}{{ i }}\n{% endfor %}", "big.md.j2")
    with pytest.raises(RenderLimit, match="longer than 1,000 characters"):
        render("big", {}, template_dirs=[folder])


def test_bidirectional_overrides_in_user_text_are_neutralized() -> None:
    """U+202E (right-to-left override) would show 'Ana S/ 1000.05' as another amount."""
    terms = LoanTerms(
        principal="1000", rate=Rate.effective_annual("20%"), installments=2, disbursed="2026-01-15"
    )
    borrower = "Ana \u202e50.0001 \u2066x\u2069\u200b"
    for fmt in ("md", "html"):
        doc = render_schedule(terms.schedule(), borrower=borrower, lender="Coop", fmt=fmt)
        assert "\u202e" not in doc
        assert "\u2066" not in doc
        assert "\u200b" not in doc
        assert "Ana \ufffd50.0001" in doc
    assert neutralize("José Núñez") == "José Núñez"
    assert neutralize(12) == 12


@pytest.mark.parametrize("writer", [safe_cell, cli_safe_cell, book_safe_cell])
@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1"])
def test_every_csv_helper_is_the_one_formula_safe_helper(writer: object, cell: str) -> None:
    assert writer is safe_cell
    assert safe_cell(cell) == "'" + cell
    assert unescape_cell(escape_cell(cell)) == cell


def test_csv_text_and_the_schedule_csv_are_formula_safe() -> None:
    rows = list(csv.reader(io.StringIO(csv_text(["name", "n"], [["=cmd|' /C calc'!A0", 5]]))))
    assert rows[1] == ["'=cmd|' /C calc'!A0", "5"]
    terms = LoanTerms(
        principal="1000", rate=Rate.effective_annual("20%"), installments=2, disbursed="2026-01-15"
    )
    for row in csv.reader(io.StringIO(terms.schedule().to_csv())):
        assert not any(cell.startswith(("=", "+", "@")) for cell in row)


def test_the_ledger_and_the_book_export_are_formula_safe(tmp_path: pathlib.Path) -> None:
    from coopfinance.book import Book

    book = Book.init(f"sqlite:///{tmp_path / 'c.db'}", coop="c", name='=HYPERLINK("x")')
    try:
        (tmp_path / "r.csv").write_text(
            "farmer,name,role,joined\nM001,=cmd|x,member,2026-01-01\n", encoding="utf-8"
        )
        book.import_roster(tmp_path / "r.csv")
        book.record_contributions(_contribution(tmp_path))
        ledger = book.ledger_csv()
        files = book.export(tmp_path / "out")
    finally:
        book.close_connection()
    for text in [ledger, *(p.read_text(encoding="utf-8") for p in files if p.suffix == ".csv")]:
        for row in csv.reader(io.StringIO(text)):
            assert not any(c.startswith(("=", "+", "@")) for c in row), row
    restored = Book.init(f"sqlite:///{tmp_path / 'd.db'}", coop="c2", name="x")
    restored.close_connection()


def _contribution(tmp: pathlib.Path) -> pathlib.Path:
    path = tmp / "contrib.csv"
    path.write_text(
        f"farmer,kind,amount,date,reference\nM001,cash,10.00,{dt.date(2026, 1, 5)},=evil()\n",
        encoding="utf-8",
    )
    return path
