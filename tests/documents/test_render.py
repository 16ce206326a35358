"""Rendering: escaping of user text, strict undefined values, template overrides, self-contained HTML,
label catalogs, PDF without WeasyPrint, and errors that name what is wrong."""

from __future__ import annotations

import json
import pathlib
import re
import sys
from decimal import Decimal

import pytest
from tests.catalogs import labels as catalog_labels
from tests.documents.examples import golden_facts

import coopfinance
from coopfinance import text
from coopfinance.documents import (
    Column,
    KeyFacts,
    bundled_templates,
    render,
    render_key_facts,
    render_pdf,
    render_schedule,
    schedule_columns,
    schedule_context,
    template_search_path,
)
from coopfinance.errors import (
    CoopFinanceError,
    FloatNotAllowed,
    InvalidTemplate,
    InvalidValue,
    MissingDependency,
    MissingTemplate,
    MissingValue,
    RenderError,
    WrongType,
)

SCRIPT = "<script>alert(1)</script>"
FORMATS = ["md", "html"]
LANGS = ["es", "en"]


def _schedule_doc(schedule: coopfinance.Schedule, **kwargs: object) -> str:
    options: dict[str, object] = {"borrower": "Juana Quispe", "lender": "Cooperativa Manantial"}
    options.update(kwargs)
    return render_schedule(schedule, **options)  # type: ignore[arg-type]


# -- user text stays text -----------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_user_text_is_escaped_in_markdown(schedule: coopfinance.Schedule, lang: str) -> None:
    text = _schedule_doc(
        schedule, borrower=SCRIPT, lender="**Coop** | [x](y)", rate_label="_TEA_", lang=lang
    )
    assert SCRIPT not in text
    assert r"\<script\>alert(1)\</script\>" in text
    assert r"\*\*Coop\*\* \| \[x\](y)" in text
    assert r"\_TEA\_" in text
    facts = render_key_facts(golden_facts(schedule, borrower=SCRIPT, notes=("**x**",)), lang=lang)
    assert SCRIPT not in facts
    assert r"\<script\>" in facts
    assert r"- \*\*x\*\*" in facts


@pytest.mark.parametrize("lang", LANGS)
def test_user_text_is_escaped_in_html(schedule: coopfinance.Schedule, lang: str) -> None:
    html = _schedule_doc(schedule, borrower=SCRIPT, rate_label="a & b", lang=lang, fmt="html")
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "a &amp; b" in html
    facts = render_key_facts(
        golden_facts(schedule, product=SCRIPT, notes=("<b>x</b>",)), lang=lang, fmt="html"
    )
    assert "<script" not in facts
    assert "<b>" not in facts
    assert "<li>&lt;b&gt;x&lt;/b&gt;</li>" in facts


# -- strict: a missing value is an error naming it ------------------------------------------------
def test_a_missing_variable_raises_naming_it(schedule: coopfinance.Schedule) -> None:
    context = schedule_context(schedule, borrower="Juana", lender="Coop")
    del context["borrower"]
    for fmt in FORMATS:
        with pytest.raises(MissingValue, match=rf"'schedule.{fmt}.j2' needs 'borrower'") as info:
            render("schedule", context, fmt=fmt)
        assert info.value.field == "borrower"
        assert isinstance(info.value, LookupError)
        assert isinstance(info.value, RenderError)


def test_a_missing_attribute_raises_naming_it(tmp_path: pathlib.Path) -> None:
    (tmp_path / "letter.md.j2").write_text("Dear {{ member.name }}\n", encoding="utf-8")
    with pytest.raises(MissingValue, match=r"needs 'name' of 'dict object'.*letter.md.j2, line 1"):
        render("letter", {"member": {}}, template_dirs=[tmp_path])


def test_a_missing_variable_is_never_a_blank(tmp_path: pathlib.Path) -> None:
    (tmp_path / "note.md.j2").write_text("{% if flag %}yes{% endif %}\n", encoding="utf-8")
    with pytest.raises(MissingValue, match="'flag'"):
        render("note", {}, template_dirs=[tmp_path])


def test_a_missing_label_raises_naming_the_key(tmp_path: pathlib.Path) -> None:
    (tmp_path / "note.md.j2").write_text("{{ t('no.such.key') }}\n", encoding="utf-8")
    with pytest.raises(MissingValue, match=r"label 'no.such.key' is not in the 'en' catalog"):
        render("note", {}, lang="en", template_dirs=[tmp_path])


# -- user templates come first --------------------------------------------------------------------
def test_a_user_template_overrides_the_bundled_one(
    tmp_path: pathlib.Path, schedule: coopfinance.Schedule
) -> None:
    (tmp_path / "schedule.md.j2").write_text(
        "Cronograma de {{ borrower|md }}: {{ installment_count }} cuotas de "
        "{{ installment_amount|money(currency) }}\n",
        encoding="utf-8",
    )
    text = _schedule_doc(schedule, template_dirs=[tmp_path])
    assert text == "Cronograma de Juana Quispe: 6 cuotas de S/ 908.98\n"
    assert _schedule_doc(schedule).startswith("# Cronograma de pagos\n")  # others unaffected


def test_a_user_layout_restyles_every_html_document(
    tmp_path: pathlib.Path, schedule: coopfinance.Schedule
) -> None:
    base = (bundled_templates() / "base.html.j2").read_text(encoding="utf-8")
    (tmp_path / "base.html.j2").write_text(
        base.replace("<main>", '<main class="manantial">'), encoding="utf-8"
    )
    assert '<main class="manantial">' in _schedule_doc(
        schedule, fmt="html", template_dirs=[tmp_path]
    )
    facts = render_key_facts(golden_facts(schedule), fmt="html", template_dirs=[tmp_path])
    assert '<main class="manantial">' in facts


def test_user_labels_override_bundled_ones_key_by_key(
    tmp_path: pathlib.Path, schedule: coopfinance.Schedule
) -> None:
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "es.json").write_text(
        json.dumps({"field.borrower": "Socio"}), encoding="utf-8"
    )
    text = _schedule_doc(schedule, template_dirs=[str(tmp_path)])
    assert "- **Socio:** Juana Quispe" in text
    assert "- **Entidad:** Cooperativa Manantial" in text


def test_the_search_path_puts_user_directories_first(tmp_path: pathlib.Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    assert template_search_path([first, second]) == (first, second, bundled_templates())


def test_the_bundled_templates_are_found() -> None:
    """From an editable install (repo-root templates/) or a wheel (coopfinance/_bundled/templates)."""
    where = bundled_templates()
    package = pathlib.Path(coopfinance.__file__).resolve().parent
    assert where in (package / "_bundled" / "templates", package.parents[1] / "templates")
    for name in ("base.html.j2", "schedule.md.j2", "schedule.html.j2", "key_facts.md.j2"):
        assert (where / name).is_file(), name


# -- self-contained HTML --------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_html_is_one_self_contained_page(
    schedule: coopfinance.Schedule, facts: KeyFacts, lang: str
) -> None:
    for html in (
        _schedule_doc(schedule, lang=lang, fmt="html"),
        render_key_facts(facts, lang=lang, fmt="html"),
    ):
        assert html.startswith("<!DOCTYPE html>\n")
        assert f'<html lang="{lang}">' in html
        assert "<style>" in html
        # the SVG namespace of the inline charts is a name, never fetched
        local = html.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert not re.search(r"https?://|//[a-z]", local, re.IGNORECASE)
        assert not re.search(r"<(link|script|img|iframe)\b|@import|url\(", html, re.IGNORECASE)


# -- the label catalogs ---------------------------------------------------------------------------
def test_every_language_has_every_label() -> None:
    """Each shipped catalog translates every label (no empty text), with the English one's keys."""
    english = catalog_labels("en")
    assert english
    for lang in text.LANGUAGES:
        labels = catalog_labels(lang)
        assert sorted(labels) == sorted(english), (lang, set(labels) ^ set(english))
        assert all(v.strip() for v in labels.values()), lang


def test_topic_catalogs_are_loaded(tmp_path: pathlib.Path) -> None:
    """Labels in i18n/<lang>-<topic>.json are found like those of i18n/<lang>.json."""
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "es-extra.json").write_text('{"extra.label": "Etiqueta"}', "utf-8")
    (tmp_path / "x.md.j2").write_text('{{ t("extra.label") }}', "utf-8")
    assert render("x", {}, lang="es", fmt="md", template_dirs=[tmp_path]).strip() == "Etiqueta"


def test_every_schedule_column_has_a_label(schedule: coopfinance.Schedule) -> None:
    """A field added to Installment needs its `column.<name>` label in every catalog."""
    for lang in LANGS:
        catalog = catalog_labels(lang)
        missing = [c.name for c in schedule_columns(schedule) if f"column.{c.name}" not in catalog]
        assert not missing, (lang, missing)


def test_every_label_the_templates_use_exists() -> None:
    used: set[str] = set()
    for path in bundled_templates().rglob("*.j2"):
        used |= set(re.findall(r"""t\(["']([\w.]+)["']\)""", path.read_text(encoding="utf-8")))
    assert used
    for lang in LANGS:
        assert used <= set(catalog_labels(lang)), (lang, used - set(catalog_labels(lang)))


# -- the schedule table follows the Installment fields --------------------------------------------
def test_columns_are_every_installment_field_with_totals_for_flows(
    schedule: coopfinance.Schedule,
) -> None:
    """Without charges the fees, insurance and taxes columns are left out; with them, every field
    shows and every flow column is totalled as the schedule totals it."""
    columns = schedule_columns(schedule)
    optional = {"fees", "insurance", "taxes"}
    assert [c.name for c in columns] == [
        f for f in coopfinance.Installment._fields if f not in optional
    ]
    totals = {c.name: c.total for c in columns if c.total is not None}
    assert totals == {k: v for k, v in schedule.totals().items() if k not in optional}
    charged = coopfinance.LoanTerms(
        principal="5000",
        rate=coopfinance.Rate.effective_annual("35%"),
        installments=6,
        disbursed="2026-01-15",
        charges=["installment:5.00", "insurance:0.1%", "tax:0.01%"],
    ).schedule()
    columns = schedule_columns(charged)
    # the components show, their sum ``charges`` does not: a printed row adds up as printed
    assert [c.name for c in columns] == [
        f for f in coopfinance.Installment._fields if f != "charges"
    ]
    assert {c.name: c.total for c in columns if c.total is not None} == {
        k: v for k, v in charged.totals().items() if k != "charges"
    }


def test_an_added_column_is_rendered_and_totalled(
    schedule: coopfinance.Schedule, tmp_path: pathlib.Path
) -> None:
    """Documents iterate over the fields: a schedule-like table with an extra column just works."""
    context = schedule_context(schedule, borrower="Juana", lender="Coop")
    extra = [*context["columns"]]
    extra.insert(-2, Column(name="insurance", kind="money", total=Decimal("12.00")))
    context["columns"] = tuple(extra)
    context["rows"] = [{**row, "insurance": Decimal("2.00")} for row in context["rows"]]
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "en.json").write_text('{"column.insurance": "Insurance"}')
    text = render("schedule", context, lang="en", template_dirs=[tmp_path])
    assert "| Charges | Insurance | Installment |" in text
    assert "| 0.00 | 2.00 | 908.98 |" in text
    assert "| **0.00** | **12.00** | **5,453.87** |" in text


# -- errors ---------------------------------------------------------------------------------------
def test_pdf_without_weasyprint_raises_a_clear_error(
    schedule: coopfinance.Schedule, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint now fails
    context = schedule_context(schedule, borrower="Juana", lender="Coop")
    with pytest.raises(MissingDependency, match=r"WeasyPrint.*pip install 'coopfinance\[pdf\]'"):
        render_pdf("schedule", context)
    with pytest.raises(ImportError):
        render_pdf("schedule", context)


def test_pdf_with_weasyprint(schedule: coopfinance.Schedule) -> None:
    pytest.importorskip("weasyprint")
    context = schedule_context(schedule, borrower="Juana", lender="Coop")
    assert render_pdf("schedule", context, lang="en").startswith(b"%PDF")


def test_a_template_with_a_syntax_error(tmp_path: pathlib.Path) -> None:
    (tmp_path / "broken.md.j2").write_text("line\n{% if %}\n", encoding="utf-8")
    with pytest.raises(InvalidTemplate, match=r"broken.md.j2 has a syntax error on line 2"):
        render("broken", {}, template_dirs=[tmp_path])


def test_a_catalog_that_is_not_an_object_of_strings(tmp_path: pathlib.Path) -> None:
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "es.json").write_text('{"field.borrower": 1}', encoding="utf-8")
    (tmp_path / "note.md.j2").write_text("{{ t('field.borrower') }}\n", encoding="utf-8")
    with pytest.raises(InvalidTemplate, match=r"es.json must be a JSON object of strings"):
        render("note", {}, template_dirs=[tmp_path])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"name": "letter"}, MissingTemplate, r"no template 'letter.md.j2' in .*templates"),
        ({"lang": "qu"}, InvalidValue, r"'lang' must be one of 'es', 'en', 'pt_BR' \(got 'qu'\)"),
        ({"fmt": "pdf"}, InvalidValue, r"'fmt' must be one of 'md', 'html', 'txt' \(got 'pdf'\)"),
        ({"name": ""}, InvalidValue, r"'name' must be a document name .*\(got ''\)"),
        ({"context": {"lang": "en"}}, InvalidValue, r"'context' must not set 'lang'"),
        ({"context": [1]}, WrongType, r"'context' must be a mapping .*\(got list\)"),
        ({"template_dirs": "mine"}, WrongType, r"'template_dirs' .* not one path \(got 'mine'\)"),
        (
            {"template_dirs": ["/no/such/dir"]},
            InvalidValue,
            r"existing directories .*'/no/such/dir'",
        ),
    ],
)
def test_bad_render_arguments(
    kwargs: dict[str, object], error: type[Exception], match: str
) -> None:
    options: dict[str, object] = {"name": "schedule", "context": {}}
    options.update(kwargs)
    name, context = options.pop("name"), options.pop("context")
    with pytest.raises(error, match=match):
        render(name, context, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "error", "match"),
    [
        ({"borrower": ""}, InvalidValue, r"'borrower' must not be empty \(got ''\)"),
        ({"lender": 5}, InvalidValue, r"'lender' must be text \(got int 5\)"),
        ({"schedule": "x"}, WrongType, r"'schedule' must be a coopfinance Schedule \(got str\)"),
        ({"tea": 0.35}, FloatNotAllowed, r"'tea' must not be a float \(got 0.35\)"),
        ({"tcea": "abc"}, InvalidValue, r"'tcea' must be a number .*'abc'"),
        ({"fees_withheld": "-1"}, InvalidValue, r"'fees_withheld' must not be negative \(got -1\)"),
        ({"late_fee": "-0.01"}, InvalidValue, r"'late_fee' must not be negative \(got -0.01\)"),
        ({"notes": "one note"}, WrongType, r"'notes' must be a sequence of texts, not str"),
        ({"notes": ("ok", 3)}, WrongType, r"'notes' must hold texts \(got int 3\)"),
    ],
)
def test_bad_key_facts(changes: dict[str, object], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match) as info:
        golden_facts(**changes)
    assert isinstance(info.value, CoopFinanceError)
    assert info.value.field == next(iter(changes))


def test_key_facts_optional_figures_show_as_not_applicable(schedule: coopfinance.Schedule) -> None:
    facts = golden_facts(schedule, tcea=None, moratorium_rate=None, late_fee=None, notes=())
    text = render_key_facts(facts, lang="en")
    assert "- **Annual effective cost rate (TCEA):** Not computed" in text
    assert "- **Default interest rate (annual):** Not applicable" in text
    assert "- **Late-payment fee:** Not applicable" in text
    assert "## Notes" not in text


def test_a_column_kind_must_be_known() -> None:
    with pytest.raises(
        InvalidValue, match=r"'kind' must be one of 'number', 'date', 'money' \(got 'text'\)"
    ):
        Column(name="notes", kind="text")


def test_key_facts_are_frozen(facts: KeyFacts) -> None:
    with pytest.raises(AttributeError):
        facts.tea = Decimal("0.5")  # type: ignore[misc]
