"""Training in any language of the catalogs: the exercises, the worksheet and its answer key, the
session guides, the certificate and the report are rendered in Brazilian Portuguese from the pt_BR
catalog alone (no Python text, no data file in Portuguese), with no message missing."""

from __future__ import annotations

import pathlib
import re
from collections.abc import Iterator
from decimal import Decimal

import pytest

from coopfinance import text
from coopfinance.documents import (
    _env,
    render_certificate,
    render_guide,
    render_training_report,
    render_worksheet,
)
from coopfinance.training import (
    GENERATORS,
    LANGUAGES,
    CohortRecords,
    Curriculum,
    MemberData,
    Mistake,
    Unit,
    check_translations,
    format_value,
    generate,
    worksheet,
)
from coopfinance.training._exercise import Texts

DATA = pathlib.Path(__file__).parent / "data"
_MARK = re.compile(r"⟦[^⟧]*⟧")


@pytest.fixture
def marked() -> Iterator[None]:
    """Every translator marks a message no catalog has as ``⟦English⟧`` while the test runs."""

    def clear() -> None:
        _env._cached.cache_clear()
        _env._WITH_MESSAGES.clear()

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(text.MARK_ENV, "1")
        clear()
        yield
    clear()


def test_training_languages_are_the_catalogs() -> None:
    assert LANGUAGES == text.LANGUAGES
    assert "pt_BR" in LANGUAGES


@pytest.mark.parametrize("lang", text.LANGUAGES)
def test_every_generator_speaks_every_language(marked: None, lang: str) -> None:
    """Each generator's question, steps, choices and mistakes come from the catalog of ``lang``."""
    for name in GENERATORS:
        for seed in range(3):
            data = generate(name, seed).to_data(lang)
            shown = "\n".join(
                [data["question"], *data["steps"]]
                + [c["mistake"] for c in data["choices"] if c["mistake"]]
            )
            assert not _MARK.findall(shown), (name, seed, _MARK.findall(shown))
    for mistake in Mistake:
        assert "⟦" not in mistake.describe(lang)


def test_a_portuguese_exercise_is_portuguese() -> None:
    ex = generate("installment_share", litres=1240, price="1.30", installment=300)
    assert ex.question["pt_BR"] == (
        "Nesta quinzena você entregou 1.240 L a S/ 1,30 o litro. Sua parcela é S/ 300,00. "
        "Que parte (%) do seu bruto a parcela leva?"
    )
    assert ex.question["es"] == (
        "Esta quincena entregó 1,240 L a S/ 1.30 el litro. Su cuota es S/ 300.00. "
        "¿Qué parte (%) de su bruto se lleva la cuota?"
    )
    assert ex.solution("pt_BR")[0] == "Litros entregues = 1.240 L"
    assert ex.check("99").feedback("pt_BR") == "A resposta é 18,61 %."
    assert ex.check("18.61").feedback("pt_BR") == "Correto!"


def test_plurals_follow_the_count() -> None:
    """'1 mes', '12 meses': the count picks the catalog's plural form."""
    one = generate("savings_goal", goal=1000, months=1, tea="4%")
    many = generate("savings_goal", goal=1000, months=12, tea="4%")
    assert "en 1 mes." in one.question["es"]
    assert "en 12 meses." in many.question["es"]
    assert "in 1 month." in one.question["en"]
    assert "in 12 months." in many.question["en"]
    assert "em 1 mês." in one.question["pt_BR"]


def test_texts_read_any_language_and_refuse_others() -> None:
    t = generate("milk_gross", litres=1240, price="1.30").question
    assert isinstance(t, Texts)
    assert list(t) == list(text.LANGUAGES)
    with pytest.raises(KeyError):
        t["fr"]


def test_units_and_figures_per_language() -> None:
    assert Unit.MONTHS.label("pt_BR") == "meses"
    assert Unit.YEARS.label("es") == "años"
    assert format_value(Decimal("1612"), Unit.SOLES, 2, "pt_BR") == ("S/ 1.612,00")


def test_the_curriculum_is_one_file_read_in_every_language(marked: None) -> None:
    """The bundled curriculum has one source (English ids); each language is its catalog."""
    data = pathlib.Path(text.__file__).parent / "training" / "data"
    assert sorted(p.name for p in data.iterdir() if p.suffix == ".toml") == ["default.toml"]
    es, pt = Curriculum.default("es"), Curriculum.default("pt_BR")
    check_translations(es, pt)
    for lang in text.LANGUAGES:
        course = Curriculum.default(lang)
        texts = [course.title, course.audience] + [
            t
            for m, s in course.sessions()
            for t in (
                m.title,
                m.summary,
                s.title,
                *s.objectives,
                *s.materials,
                *tuple(x for a in s.activities for x in (a.title, a.description)),
            )
        ]
        assert not [t for t in texts if "⟦" in t], lang
    assert es.module("credit").title == "El crédito: leer el cronograma y comparar ofertas"
    assert pt.module("credit").title == "O crédito: ler o cronograma e comparar ofertas"


def test_brazilian_portuguese_training_documents_are_a_catalog_alone(marked: None) -> None:
    """The worksheet, its answer key, every session guide, a certificate and the cohort report
    in pt-BR: nothing marked missing, Portuguese words present, Spanish and English absent."""
    sheet = worksheet(MemberData.from_file(DATA / "member.toml"), seed=3)
    outputs = {
        "worksheet": render_worksheet(sheet, lang="pt_BR"),
        "key": render_worksheet(sheet, lang="pt_BR", key=True),
        "worksheet.html": render_worksheet(sheet, lang="pt_BR", fmt="html"),
    }
    for _, session in Curriculum.default("pt_BR").sessions():
        outputs[f"guide {session.id}"] = render_guide(session.id, seed=7, lang="pt_BR")
    records = CohortRecords.from_file(DATA / "cohort.toml", lang="pt_BR")
    outputs["certificate"] = render_certificate(records.cohort, "m01", lang="pt_BR")
    outputs["report"] = render_training_report(records.cohort, lang="pt_BR")
    marks = {k: _MARK.findall(v)[:3] for k, v in outputs.items() if "⟦" in v}
    assert not marks, marks
    joined = "\n".join(outputs.values())
    for portuguese in ("Parcela", "Empréstimo", "Você", "quinzena", "Resposta"):
        assert portuguese in joined, portuguese
    for other in ("Cuota del préstamo", "Su cuota", "Loan installment", "Your installment"):
        assert other not in joined, other
    key = outputs["key"]
    assert "S/ 1.612,00" in key  # Rosa's gross, written as Portuguese writes numbers
