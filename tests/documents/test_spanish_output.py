"""Every Spanish output is Spanish: a marker catalog finds untranslated messages, a word list finds
English words.

The whole demo runs once in Spanish with ``COOPFINANCE_MARK_MISSING=1`` (:data:`text.MARK_ENV`):
every message a catalog lacks comes out as ``⟦English⟧`` (a pseudo-locale). Each test then reads
what the demo wrote (schedules, key-facts sheets, settlements and their summaries, the portfolio,
statements, the training report and worksheets, the business plan, the index) and what it reported
(progress lines and checks). Markdown and terminal text of the same documents are rendered in the
same marked state.
"""

from __future__ import annotations

import datetime as dt
import html
import pathlib
import re
from collections.abc import Iterable, Iterator

import attrs
import pytest
from tests.documents.examples import golden_facts, golden_schedule

from coopfinance import LoanAccount, LoanTerms, Payment, Rate, text
from coopfinance._demo import run_demo
from coopfinance.dairy import Delivery, MilkPriceSchedule, Period, loan_obligations, settle
from coopfinance.documents import (
    _env,
    render_key_facts,
    render_plan,
    render_schedule,
    render_settlement,
    render_settlement_summary,
    render_statement,
    schedule_text,
    statement_text,
)
from coopfinance.examples import examples_dir, load
from coopfinance.plans import BusinessPlan, report
from coopfinance.servicing import statement

# Common English words that are not also Spanish (nor Portuguese) words. "a", "no", "total", "plan",
# "capital", "principal", "final", "regional", "viable", "judicial" and "flat" (tasa flat) are
# Spanish too, so they are not listed.
_ENGLISH_WORDS = """
    the and of to in for with without on at by from is are be was were not this that these
    those it its an or as yes due date days day late loan loans payment payments paid pay
    interest balance fee fees charge charges insurance tax taxes scenario transport collection
    cooling chilling service services milk price prices per litre litres liter liters farmer
    farmers member members savings saving contribution contributions advance advances input
    inputs arrears carried current past refinanced restructured written off overdue outstanding
    report summary statement schedule week weeks month months year years annual monthly
    effective nominal rate rates cost credit net gross value first last next previous opening
    closing amount amounts number installment installments reference does exist exists unique
    flows economic financial every zero sign once more than less training exercise answer
    answers question questions key worksheet certificate guide session sessions co-op coop
    cooperative producers quality bonus penalty fat solids hygiene count expansion investment
    investments revenue income expenses operating discount type kind status state category
    performing illustrative example seed fund portfolio risk stress test repaid probability
    grace fixed equal woman women cow cows forage calves administration veterinary letter
    intent equipment chopper irrigation dry buyer stays shown management reading cash flow
    shipped replace purchased raise average yield fresh sold processing plant bonuses none
    unknown left short deductions deduction wrote loaded files
"""
ENGLISH = frozenset(_ENGLISH_WORDS.split())

ALLOWED = frozenset(
    {"TEA", "TCEA", "TEM", "TED", "TNA", "PDF", "PAR", "PAR30", "SBS", "PEN", "COK"}
)
"""Codes and proper names that may look like English words (none does today); identifiers of
the example's data (a training session's id such as ``credit-2``) are left out too."""


def _session_ids() -> list[str]:
    curriculum = load().cohort.curriculum
    return sorted((s.id for m in curriculum.modules for s in m.sessions), key=len, reverse=True)


_WORD = re.compile(r"[^\W\d_]+")  # letters only: "milk-2026-03-01-M001" has the word "milk"


def _words(content: str) -> str:
    content = re.sub(r"<style.*?</style>", " ", content, flags=re.S)
    content = re.sub(r"<[^>]+>", " ", content)  # tags and attributes (SVG text stays)
    return html.unescape(content)


def english_words(content: str, codes: Iterable[str] = ()) -> list[str]:
    """The English words of ``content`` (HTML tags, attributes and styles, and ``codes`` left
    out)."""
    content = _words(content)
    for code in codes:
        content = content.replace(code, " ")
    return [w for w in _WORD.findall(content) if w.lower() in ENGLISH and w not in ALLOWED]


def test_the_word_check_finds_english() -> None:
    assert english_words("<p class='total'>Cuota 1 due 15/02/2026</p>") == ["due"]
    assert english_words("Pago milk-2026-03-01-M001-L001") == ["milk"]
    assert english_words("Servicio: transport · with plan") == ["transport", "with"]
    assert english_words("Atraso de 1 día o más — TEA 35.00 % · TCEA · no · total") == []


@pytest.fixture(scope="module")
def marked() -> Iterator[None]:
    """Every translator marks missing messages while the module runs (then the caches are
    emptied again, so other tests see the plain catalogs)."""

    def clear() -> None:
        _env._cached.cache_clear()
        _env._WITH_MESSAGES.clear()

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(text.MARK_ENV, "1")
        clear()
        yield
    clear()


@attrs.frozen
class Output:
    name: str
    content: str


def _settlement_documents(lang: str) -> list[Output]:
    prices = MilkPriceSchedule.from_dict(
        {
            "prices": [
                {
                    "from": "2026-01-01",
                    "to": "2026-12-31",
                    "base": "1.30",
                    "service_charges": {"transport": "0.04", "chilling": "0.015"},
                    "intermediary": "1.10",
                }
            ],
            "service_names": {"transport": {"es": "Flete", "pt_BR": "Frete"}},
        }
    )
    terms = LoanTerms(
        principal="1500", rate=Rate.effective_annual("20%"), installments=6, disbursed="2025-12-01"
    )
    period = Period.parse("2026-01-01..2026-01-15")
    account = LoanAccount(terms=terms, id="L-9")
    dues = loan_obligations({"F01": [account]}, period)
    milk = [Delivery(farmer="F01", date=period.start, litres=40) for _ in range(3)]
    s = settle(milk, prices, period, dues)
    names = {"farmer_name": "Juana Quispe", "coop_name": "Cooperativa Manantial de Vida"}
    return [
        Output(
            f"settlement.{fmt}",
            render_settlement(s.statement("F01"), s, lang=lang, fmt=fmt, **names),
        )
        for fmt in ("md", "html")
    ] + [
        Output(
            f"settlement_summary.{fmt}",
            render_settlement_summary(s, coop_name=names["coop_name"], lang=lang, fmt=fmt),
        )
        for fmt in ("md", "html")
    ]


def _loan_documents(lang: str) -> list[Output]:
    parties = {"borrower": "Juana Quispe", "lender": "Cooperativa Manantial de Vida"}
    terms = LoanTerms(
        principal="5000", rate=Rate.effective_annual("35%"), installments=6, disbursed="2026-01-15"
    )
    account = LoanAccount(
        terms=terms,
        id="L-001",
        events=[Payment(date="2026-03-25", amount="908.98", id="p1", channel="milk")],
    )
    st = statement(account, dt.date(2026, 4, 20))
    out = []
    for fmt in ("md", "html"):
        out.append(
            Output(
                f"schedule.{fmt}", render_schedule(golden_schedule(), **parties, lang=lang, fmt=fmt)
            )
        )
        out.append(Output(f"key_facts.{fmt}", render_key_facts(golden_facts(), lang=lang, fmt=fmt)))
        out.append(Output(f"statement.{fmt}", render_statement(st, **parties, lang=lang, fmt=fmt)))
    out.append(Output("schedule.txt", schedule_text(golden_schedule(), lang=lang, terms=terms)))
    out.append(Output("statement.txt", statement_text(st, lang=lang)))
    return out


@attrs.frozen
class SpanishRun:
    files: tuple[Output, ...]
    said: tuple[str, ...]


@pytest.fixture(scope="module")
def spanish(marked: None, tmp_path_factory: pytest.TempPathFactory) -> SpanishRun:
    outdir = tmp_path_factory.mktemp("demo-es")
    said: list[str] = []
    result = run_demo(outdir, lang="es", progress=said.append)
    files = [
        Output(str(p.relative_to(outdir)), p.read_text(encoding="utf-8"))
        for p in result.files
        if p.suffix in (".html", ".md", ".txt")
    ]
    plan = BusinessPlan.from_file(examples_dir() / "plan-alfalfa.es.toml")
    files.append(Output("plan.md", render_plan(plan, lang="es", fmt="md")))
    files += _loan_documents("es") + _settlement_documents("es")
    said = [line.replace(str(outdir), "OUTDIR") for line in said]  # a path is not a word
    return SpanishRun(files=tuple(files), said=(*said, *result.checks))


def test_the_demo_wrote_every_kind_of_document(spanish: SpanishRun) -> None:
    names = {f.name for f in spanish.files}
    for expected in ("index.html", "portfolio.html", "plan.html", "training/report.html"):
        assert expected in names
    for folder in ("loans/", "settlements/", "settlements/last/", "training/worksheets/"):
        assert any(n.startswith(folder) for n in names), folder


def test_no_message_is_missing_from_the_spanish_catalog(spanish: SpanishRun) -> None:
    """The marker catalog tags every message the Spanish catalog lacks: none may appear."""
    assert text.translator("es").gettext("Not a message") == "⟦Not a message⟧"  # marking is on
    found = {
        f.name: re.findall(r"⟦[^⟧]*⟧", f.content)[:3] for f in spanish.files if "⟦" in f.content
    }
    assert not found, found
    assert not [line for line in spanish.said if "⟦" in line]


def test_no_english_word_in_the_spanish_demo(spanish: SpanishRun) -> None:
    codes = _session_ids()
    found = {f.name: sorted(set(english_words(f.content, codes)))[:8] for f in spanish.files}
    assert not {k: v for k, v in found.items() if v}, found
    said = {line: english_words(line) for line in spanish.said}
    assert not {k: v for k, v in said.items() if v}, said


def test_service_charges_and_check_off_lines_are_named_in_spanish(spanish: SpanishRun) -> None:
    liquidacion = next(f.content for f in spanish.files if f.name == "settlement.md")
    assert "Servicio: Flete" in liquidacion  # the price file's own Spanish name
    assert "Servicio: Enfriamiento" in liquidacion  # the catalog's name of "chilling"
    assert re.search(r"L-9: vence el \d\d/\d\d/2026", liquidacion)


@pytest.mark.parametrize("lang", ["pt_BR"])
def test_brazilian_portuguese_is_a_catalog_alone(marked: None, lang: str) -> None:
    """The schedule, the key-facts sheet and the liquidación in pt-BR: the pt_BR catalog is all
    they need (no message marked missing, no Spanish or English label left)."""
    outputs = _loan_documents(lang) + _settlement_documents(lang)
    marks = {o.name: re.findall(r"⟦[^⟧]*⟧", o.content)[:3] for o in outputs if "⟦" in o.content}
    assert not marks, marks
    joined = "\n".join(o.content for o in outputs)
    for portuguese in ("Cronograma", "Parcela", "Juros", "Frete", "Resfriamento"):
        assert portuguese in joined, portuguese
    for other in ("Cuota", "Interés", "Installment", "Interest", "Liquidación de leche"):
        assert other not in joined, other


def test_portuguese_service_charge_from_the_price_file(marked: None) -> None:
    liquidacao = next(
        o.content for o in _settlement_documents("pt_BR") if o.name == "settlement.md"
    )
    assert "Frete" in liquidacao
    assert "vence em" in liquidacao


def test_example_plan_files_have_the_same_figures() -> None:
    """The Spanish example plan is the English one in other words: every figure equal."""
    en = BusinessPlan.from_file(examples_dir() / "plan-alfalfa.toml")
    es = BusinessPlan.from_file(examples_dir() / "plan-alfalfa.es.toml")
    a, b = report(en), report(es)
    assert (a.economic.npv, a.financial.npv, a.economic.irr) == (
        b.economic.npv,
        b.financial.npv,
        b.economic.irr,
    )


def test_the_whole_demo_in_brazilian_portuguese_needs_no_other_message(
    marked: None, tmp_path: pathlib.Path
) -> None:
    """pt-BR covers every document of the demo (the training documents stay Spanish until the
    training texts are catalog messages): no message is marked missing."""
    said: list[str] = []
    result = run_demo(tmp_path, lang="pt_BR", progress=said.append)
    marks = {
        str(p.relative_to(tmp_path)): re.findall(r"⟦[^⟧]*⟧", content)[:3]
        for p in result.files
        if p.suffix == ".html" and "⟦" in (content := p.read_text(encoding="utf-8"))
    }
    assert not marks, marks
    assert not [line for line in said if "⟦" in line]
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert '<html lang="pt-BR">' in index  # BCP 47, as HTML wants it
