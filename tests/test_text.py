"""The text layer: gettext catalogs in every shipped language, real plurals, co-op overrides."""

from __future__ import annotations

import datetime as dt
import pathlib

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import write_po

from coopfinance.errors import InvalidTemplate, InvalidValue
from coopfinance.text import (
    LANGUAGES,
    LOCALE_DIR,
    Message,
    catalog_messages,
    check_lang,
    lang_from_env,
    placeholders,
    translator,
)


def _messages(lang: str) -> dict[str, object]:
    return {
        str(m.id if isinstance(m.id, str) else m.id[0]): m for m in catalog_messages(lang) if m.id
    }


@pytest.mark.parametrize("lang", [x for x in LANGUAGES if x != "en"])
def test_every_message_is_translated_with_the_same_placeholders(lang: str) -> None:
    """No empty, no fuzzy translation, and the placeholders of the English message in every form."""
    english = _messages("en")
    assert english, "the English catalog lists the messages"
    catalog = catalog_messages(lang)
    found = {}
    for m in catalog:
        if not m.id:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        texts = [m.string] if isinstance(m.string, str) else list(m.string)
        assert not m.fuzzy, f"{lang}: {ids[0]!r} is fuzzy"
        assert all(texts), f"{lang}: {ids[0]!r} has an empty translation"
        for text in texts:
            assert placeholders(text) == placeholders(ids[-1]), (lang, ids, text)
        found[ids[0]] = m
    assert set(found) == set(english), {
        "missing": sorted(set(english) - set(found)),
        "not in English": sorted(set(found) - set(english)),
    }


def test_plurals_are_real_plurals() -> None:
    es, pt = translator("es"), translator("pt_BR")
    one, many = "%(num)d day late", "%(num)d days late"
    assert es.ngettext(one, many, 1, num=1) == "1 día de atraso"
    assert es.ngettext(one, many, 2, num=2) == "2 días de atraso"
    assert es.ngettext(one, many, 0, num=0) == "0 días de atraso"
    # two forms, as GNU gettext writes Spanish (not the CLDR "many" form for millions)
    assert es.ngettext(one, many, 1_000_000, num=1_000_000) == "1000000 días de atraso"
    assert pt.ngettext(one, many, 0, num=0) == "0 dia de atraso"  # pt-BR: n > 1 is plural


@pytest.mark.parametrize(
    ("given", "lang"),
    [
        ("es", "es"),
        ("es_PE.UTF-8", "es"),
        ("ES-pe", "es"),
        ("en_US", "en"),
        ("pt-BR", "pt_BR"),
        ("pt", "pt_BR"),
        ("pt_BR.utf8", "pt_BR"),
    ],
)
def test_language_names(given: str, lang: str) -> None:
    assert check_lang(given) == lang


@pytest.mark.parametrize("bad", ["fr", "", None, 3, "C"])
def test_unknown_languages_are_refused(bad: object) -> None:
    with pytest.raises(InvalidValue, match="'lang' must be one of 'es', 'en', 'pt_BR'"):
        check_lang(bad)


def test_the_environment_chooses_the_language_in_gettext_order() -> None:
    assert lang_from_env({"LANG": "es_PE.UTF-8"}) == "es"
    assert lang_from_env({"LANG": "es_PE.UTF-8", "LC_ALL": "en_US.UTF-8"}) == "en"
    assert lang_from_env({"LANGUAGE": "fr:pt_BR", "LANG": "es_PE"}) == "pt_BR"
    assert lang_from_env({"LANG": "C.UTF-8"}) is None
    assert lang_from_env({}) is None


def test_a_mapping_overrides_a_message_and_the_rest_stays() -> None:
    es = translator("es", overrides={"Installment %(number)s": "Letra %(number)s"})
    assert es.gettext("Installment %(number)s", number=3) == "Letra 3"
    assert es.gettext("Installment") == "Cuota"
    assert translator("es").gettext("Installment %(number)s", number=3) == "Cuota 3"


def test_an_override_must_keep_the_placeholders() -> None:
    with pytest.raises(InvalidTemplate, match="must use the placeholders"):
        translator("es", overrides={"Installment %(number)s": "Letra %(numero)s"})
    with pytest.raises(InvalidTemplate, match="must map text to text"):
        translator("es", overrides={"Installment": 3})  # type: ignore[dict-item]


def _write_po(root: pathlib.Path, lang: str, entries: dict[str, str]) -> None:
    catalog = Catalog(locale=lang, domain="coopfinance")
    for msgid, text in entries.items():
        catalog.add(msgid, text)
    target = root / lang / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "coopfinance.po").open("wb") as fh:
        write_po(fh, catalog)


def test_a_folder_of_po_files_overrides_messages(tmp_path: pathlib.Path) -> None:
    _write_po(tmp_path, "es", {"Installment": "Letra"})
    es = translator("es", overrides=tmp_path)
    assert es.gettext("Installment") == "Letra"
    assert es.ngettext("%(num)d day late", "%(num)d days late", 2, num=2) == "2 días de atraso"
    assert translator("en", overrides=tmp_path).gettext("Installment") == "Installment"


def test_a_po_override_with_other_placeholders_is_refused(tmp_path: pathlib.Path) -> None:
    _write_po(tmp_path, "es", {"Installment %(number)s": "Letra"})
    with pytest.raises(InvalidTemplate, match="must use the placeholders"):
        translator("es", overrides=tmp_path)
    with pytest.raises(InvalidTemplate, match="must be a folder"):
        translator("es", overrides=tmp_path / "missing")


def test_messages_carry_parameters_not_prose() -> None:
    msg = Message(msgid="Installment %(number)s", params={"number": 4})
    assert translator("es").message(msg) == "Cuota 4"
    assert translator("pt_BR").message(msg) == "Parcela 4"
    assert translator("en").message(msg, fmt=lambda v: f"#{v}") == "Installment #4"
    with pytest.raises(InvalidTemplate, match="cannot take the values"):
        translator("es").gettext("Installment %(number)s")


def test_an_installed_wheel_ships_compiled_catalogs() -> None:
    """The build compiles every .po into a .mo (CI runs this suite on the installed wheel)."""
    sources = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/coopfinance.po"))
    assert {p.parts[-3] for p in sources} == set(LANGUAGES)
    if "site-packages" in LOCALE_DIR.parts:
        for po in sources:
            assert po.with_suffix(".mo").is_file(), po


def _not_hidden(dirpath: str) -> bool:
    name = pathlib.Path(dirpath).name
    return not name.startswith(".") and name != "__pycache__"


def test_every_extracted_message_is_in_the_catalogs() -> None:
    """What ``pybabel extract -F babel.cfg -k N_ -k E_ -k EN_:1,2 .`` finds in the code and the
    templates (``_()``, ``gettext``, ``ngettext``, ``pgettext``, ``{% trans %}``, ``N_()``, the
    error messages ``E_()``/``EN_()``) is in every catalog, so a
    message written in the code cannot be missing from a language (labels looked up by key with
    ``t()`` are checked by the catalog tests above)."""
    root = pathlib.Path(__file__).resolve().parents[1]
    if not (root / "babel.cfg").is_file():
        pytest.skip("the repository's babel.cfg is not here (tests run from a copy)")
    with (root / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = {**DEFAULT_KEYWORDS, "N_": None, "E_": None, "EN_": (1, 2)}  # E_: error messages
    found = {
        (context, msgid if isinstance(msgid, str) else msgid[0])
        for _file, _line, msgid, _comments, context in extract_from_dir(
            str(root),
            method_map,
            options_map,
            keywords=keywords,
            # babel skips folders named "_..." by default; the package's private modules live in
            # them (training/_generators), so only hidden folders and caches are skipped
            directory_filter=_not_hidden,
        )
    }
    assert any("TEM (%(m)s" in msgid for _c, msgid in found), "private folders are extracted"
    assert len(found) >= 20, "the extraction finds the messages of the code"
    for lang in LANGUAGES:
        catalog = {
            (m.context, str(m.id if isinstance(m.id, str) else m.id[0]))
            for m in catalog_messages(lang)
            if m.id and m.string
        }
        ids = {msgid for _context, msgid in catalog} | {
            str(m.id[1]) for m in catalog_messages(lang) if m.string and isinstance(m.id, tuple)
        }
        missing = sorted(
            (c, m) for c, m in found if (c, m) not in catalog and (c is not None or m not in ids)
        )
        assert not missing, (lang, missing)


def test_the_statement_data_holds_no_english_rate_label() -> None:
    """``Statement.to_dict`` writes the rate as value and code (documents name it per language)."""
    from coopfinance import LoanAccount, LoanTerms
    from coopfinance.servicing import statement

    terms = LoanTerms.from_dict(
        {"principal": "5000", "rate": "35%", "installments": 12, "disbursed": "2026-01-15"}
    )
    data = statement(LoanAccount(terms=terms, events=[]), dt.date(2026, 3, 1)).to_dict()
    assert (data["rate"], data["rate_type"]) == ("35%", "effective-annual")
