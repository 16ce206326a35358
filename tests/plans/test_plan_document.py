"""The business-plan document: goldens (es/en × md/html), a parsed HTML check, PDF text, escaping,
the sandbox for user templates, user overrides, and tables whose lines add up.

Golden files live in ``tests/plans/golden/plan.{lang}.{fmt}``; after a deliberate change to a plan
template, label, chart or the example plan, rewrite them and review the diff::

    COOPFINANCE_UPDATE_GOLDENS=1 python -m pytest tests/plans/test_plan_document.py
"""

from __future__ import annotations

import html.parser
import importlib.util
import pathlib
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from hypothesis import given
from tests.catalogs import labels as catalog_labels
from tests.golden import check_golden
from tests.strategies import plans

from coopfinance.documents import format_money, format_percent, plan_context, render, render_plan
from coopfinance.documents._plan import Table, cash_flow, income_statement
from coopfinance.errors import InvalidValue, UnsafeTemplate, WrongType
from coopfinance.examples import examples_dir
from coopfinance.plans import BusinessPlan, PlanReport, project, report

EXAMPLE = examples_dir() / "plan-alfalfa.toml"
GOLDEN = pathlib.Path(__file__).parent / "golden"

# the key figures of the example plan, as each language prints them
KEY_FIGURES = {
    "es": ("S/ 49,464.84", "31.39 %", "S/ 78,515.84", "92.53 %", "S/ 744.58"),
    "en": ("S/ 49,464.84", "31.39%", "S/ 78,515.84", "92.53%", "S/ 744.58"),
}


@pytest.fixture(scope="module")
def example() -> PlanReport:
    return report(BusinessPlan.from_file(EXAMPLE))


def _small_plan(**enterprise: object) -> BusinessPlan:
    """A one-year plan without a 'without plan' scenario (fast to evaluate)."""
    return BusinessPlan.from_dict(
        {
            "enterprise": {"name": "Cooperativa Pequeña", **enterprise},
            "start": "2026-03-01",
            "horizon_years": 2,
            "investments": [
                {
                    "name": "Tanque de frío",
                    "date": "2026-02-01",
                    "cost": "20000",
                    "useful_life_years": 10,
                }
            ],
            "financing": {
                "own_funds": "5000",
                "loan": {
                    "principal": "15000",
                    "rate": "18%",
                    "installments": 12,
                    "disbursed": "2026-02-10",
                    "holidays": "none",
                },
            },
            "with_plan": {
                "name": "con plan",
                "production": "150",
                "price_per_litre": "1.30",
                "costs": [{"name": "alimento", "amount": "0.80", "per": "litre"}],
            },
            "risks": ["**sequía** | <b>helada</b>"],
        }
    )


# -- goldens -----------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("lang", ["es", "en"])
def test_plan_document_matches_its_golden_file(example: PlanReport, lang: str, fmt: str) -> None:
    """The example plan renders exactly as its reviewed golden file (charts included)."""
    path = GOLDEN / f"plan.{lang}.{fmt}"
    check_golden(path, render_plan(example, lang=lang, fmt=fmt))


# -- the HTML, parsed ----------------------------------------------------------------------------
_VOID = {"meta", "link", "br", "hr", "img", "input", "col", "area", "base", "wbr", "source"}
_SVG_LEAVES = {"rect", "line", "circle", "polyline", "path"}  # written self-closing (<rect .../>)


class _Checker(html.parser.HTMLParser):
    """Checks nesting (every element closed in order) and collects SVGs and references."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.svgs: list[dict[str, str | None]] = []
        self.references: list[str] = []
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        attributes = dict(attrs)
        if tag == "svg":
            self.svgs.append(attributes)
        for name in ("href", "src", "action", "xlink:href", "srcset", "data"):
            if attributes.get(name):
                self.references.append(f"{tag}[{name}]={attributes[name]}")
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in _SVG_LEAVES and tag not in _VOID:
            self.errors.append(f"self-closing <{tag}/> outside SVG shapes")
        attributes = dict(attrs)
        for name in ("href", "src", "xlink:href"):
            if attributes.get(name):
                self.references.append(f"{tag}[{name}]={attributes[name]}")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_html_is_well_formed_self_contained_and_shows_the_key_figures(
    example: PlanReport, lang: str
) -> None:
    """CI's stand-in for opening the page in a browser: the HTML nests correctly, every chart
    is an inline SVG with a viewBox, nothing is fetched (no http(s), no script), and the key
    figures (NPV, IRR, the installment) are in the text."""
    page = render_plan(example, lang=lang, fmt="html")
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert checker.errors == []
    assert checker.stack == []
    assert len(checker.svgs) == 3  # loan balance, monthly cash flow, sensitivity
    for svg in checker.svgs:
        assert re.fullmatch(r"0 0 \d+ \d+", svg.get("viewbox") or ""), svg  # names lowercased
    assert page.count(' viewBox="') == len(checker.svgs)
    assert checker.references == []
    assert "script" not in checker.tags
    assert "iframe" not in checker.tags
    without_namespace = page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "http://" not in without_namespace
    assert "https://" not in without_namespace
    assert "url(" not in page
    assert "@import" not in page
    text = " ".join("".join(checker.text).split())
    for figure in KEY_FIGURES[lang]:
        assert figure in text, figure
    for heading in range(1, 12):
        assert re.search(rf"<h2>{heading}\. ", page), heading


def test_markdown_shows_the_key_figures_and_the_whole_schedule(example: PlanReport) -> None:
    text = render_plan(example, lang="es", fmt="md")
    for figure in KEY_FIGURES["es"]:
        assert figure in text
    assert example.schedule is not None
    rows = [line for line in text.splitlines() if re.match(r"\| \d+ \| \d\d/\d\d/\d{4} \|", line)]
    assert len(rows) == len(example.schedule)
    assert "| **Total** | | | | **20,000.00** | **5,861.95** |" in text


# -- PDF -----------------------------------------------------------------------------------------
@pytest.mark.skipif(
    importlib.util.find_spec("weasyprint") is None, reason="WeasyPrint (coopfinance[pdf]) missing"
)
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")
@pytest.mark.filterwarnings("ignore:HarfBuzz-Subset will be required:DeprecationWarning")
def test_pdf_text_can_be_extracted_and_holds_the_key_figures(tmp_path: pathlib.Path) -> None:
    """The PDF (WeasyPrint) of a small plan, read back with pdftotext, shows its NPV, IRR and
    installment as the HTML does (a small plan keeps the layout under a few seconds)."""
    rep = report(_small_plan())
    assert rep.schedule is not None
    assert rep.economic.irr is not None
    figures = (
        format_money(rep.economic.npv, "PEN", lang="en"),
        format_percent(rep.economic.irr, lang="en"),
        format_money(rep.financial.npv, "PEN", lang="en"),
        format_money(rep.schedule.installment_amount, "PEN", lang="en"),
    )
    pdf = render_plan(rep, lang="en", fmt="pdf")
    assert pdf.startswith(b"%PDF-")
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    text = " ".join(text.split())
    for figure in figures:
        assert figure in text, figure
    assert "Economic and financial evaluation" in text


# -- user text is escaped -------------------------------------------------------------------------
def test_user_text_is_escaped_in_html_and_markdown() -> None:
    """An enterprise named <script>…</script> and a risk with markup print as text."""
    plan = _small_plan(name="<script>alert(1)</script>", location="Ica & Pisco")
    rep = report(plan)
    page = render_plan(rep, lang="es", fmt="html")
    assert "<script>" not in page
    assert "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Ica &amp; Pisco" in page
    # the chart titles and labels are escaped too: a label with markup in a user catalog
    text = render_plan(rep, lang="es", fmt="md")
    assert "<script>" not in text
    assert r"\<script\>alert(1)\</script\>" in text
    assert r"\*\*sequía\*\* \| \<b\>helada\</b\>" in text


# -- the sandbox ------------------------------------------------------------------------------------
def test_user_template_reaching_python_internals_is_refused(tmp_path: pathlib.Path) -> None:
    (tmp_path / "plan.html.j2").write_text("{{ ''.__class__.__mro__ }}", encoding="utf-8")
    with pytest.raises(UnsafeTemplate, match=r"plan\.html\.j2.*sandbox forbids.*'__class__'"):
        render_plan(_small_plan(), lang="es", fmt="html", template_dirs=[tmp_path])
    (tmp_path / "plan.md.j2").write_text("{{ plan.evolve.__globals__ }}", encoding="utf-8")
    with pytest.raises(UnsafeTemplate, match="__globals__"):
        render_plan(_small_plan(), lang="es", fmt="md", template_dirs=[tmp_path])


def test_bundled_templates_render_the_same_in_the_sandbox(example: PlanReport) -> None:
    """The bundled plan templates use nothing the sandbox forbids."""
    for lang in ("es", "en"):
        context = plan_context(example, lang=lang)
        for fmt in ("md", "html"):
            sandboxed = render("plan", context, lang=lang, fmt=fmt, sandboxed=True)
            assert sandboxed == render_plan(example, lang=lang, fmt=fmt)


def test_sandboxed_must_be_a_bool_or_none() -> None:
    with pytest.raises(WrongType, match=r"'sandboxed' must be True, False or None \(got 'yes'\)"):
        render("plan", {}, sandboxed="yes")  # type: ignore[arg-type]


# -- user overrides ---------------------------------------------------------------------------------
def test_user_templates_and_labels_override_the_bundled_ones(tmp_path: pathlib.Path) -> None:
    """A partial and a label in the user's directory win; the rest stays bundled."""
    (tmp_path / "partials").mkdir()
    (tmp_path / "partials" / "plan_sensitivity.html.j2").write_text(
        "<h2>9. {{ t('plan.section.sensitivity') }}</h2><p>{{ enterprise.name }}: "
        "{{ report.sensitivity.switching_economic.change|percent }}</p>\n",
        encoding="utf-8",
    )
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "en-plans.json").write_text(
        '{"plan.section.sensitivity": "What if?"}', encoding="utf-8"
    )
    page = render_plan(_small_plan(), lang="en", fmt="html", template_dirs=[tmp_path])
    assert "<h2>9. What if?</h2><p>Cooperativa Pequeña: " in page
    assert "Milk price" not in page  # the bundled sensitivity table is gone
    assert "<h2>8. Economic and financial evaluation</h2>" in page  # the rest is bundled


# -- bad input ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"fmt": "docx"}, InvalidValue, r"'fmt' must be one of 'md', 'html', 'pdf' \(got 'docx'\)"),
        ({"lang": "fr"}, InvalidValue, r"'lang' must be one of .*\(got 'fr'\)"),
    ],
)
def test_bad_arguments(kwargs: dict[str, str], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        render_plan(_small_plan(), **kwargs)  # type: ignore[arg-type]


def test_plan_must_be_a_plan_or_a_report() -> None:
    with pytest.raises(
        WrongType, match=r"'plan' must be a BusinessPlan or a PlanReport \(got dict\)"
    ):
        render_plan({}, lang="es", fmt="md")  # type: ignore[call-overload]


# -- the tables add up ---------------------------------------------------------------------------------
def _check_running_sums(table: Table) -> None:
    """Each bold line is the previous bold line (if any) plus the money lines between them, and
    every total is the sum of its line."""
    running: list[Decimal] | None = None
    for line in table.lines:
        if line.kind != "money" or line.key in ("plan.line.cash_balance", "plan.line.loan_balance"):
            continue
        if line.total is not None:
            assert line.total == sum(line.values, Decimal(0)), line.key
        if line.strong:
            if running is not None:
                assert list(line.values) == running, line.key
            running = list(line.values)
        else:
            running = (
                list(line.values)
                if running is None
                else [a + b for a, b in zip(running, line.values, strict=True)]
            )


@given(plans())
def test_income_statement_and_cash_flow_lines_add_up(plan: BusinessPlan) -> None:
    """Outflows are negative, so every result line is the sum of the lines above it."""
    w = project(plan)
    _check_running_sums(income_statement(w.yearly[1:]))
    table = cash_flow(w.yearly, with_loan=w.schedule is not None)
    _check_running_sums(table)
    balances = {line.key: line for line in table.lines}
    if w.schedule is not None:
        assert balances["plan.line.loan_balance"].values == tuple(r.loan_balance for r in w.yearly)
        assert balances["plan.line.loan_balance"].total is None


def test_evaluation_flows_are_with_minus_without(example: PlanReport) -> None:
    lines = plan_context(example, lang="en")["evaluation_flows"].lines
    econ_with, econ_without, econ, fin_with, fin_without, fin = lines
    assert econ.values == example.economic.flows
    assert fin.values == example.financial.flows
    assert [a + b for a, b in zip(econ_with.values, econ_without.values, strict=True)] == list(
        econ.values
    )
    assert [a + b for a, b in zip(fin_with.values, fin_without.values, strict=True)] == list(
        fin.values
    )


def test_dynamic_label_keys_exist_in_both_catalogs(example: PlanReport) -> None:
    """Keys built in Python (table lines, sources, uses) or in templates (variables, kinds)."""

    ctx = plan_context(example, lang="es")
    keys = {
        line.key
        for t in ("income_statement", "cash_flow", "evaluation_flows")
        for line in ctx[t].lines
    }
    keys |= {row["key"] for row in (*ctx["uses"], *ctx["sources"]) if row["key"]}
    keys |= {"plan.use.fees_withheld", "plan.variable.price", "plan.variable.yield"}
    keys |= {"plan.eval.economic", "plan.eval.financial"}
    for lang in ("es", "en"):
        catalog = catalog_labels(lang)
        assert keys <= set(catalog), keys - set(catalog)
