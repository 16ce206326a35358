"""The error line the CLI prints is in the chosen language (issue 14): every error of
``coopfinance.errors`` carries its message id and parameters, and the CLI renders it through the
catalogs; ``str(exc)`` stays the English text app developers match.

The cases are what co-op staff meet: an option value, a file that is not there, a CSV with a bad
line (named by its number), a deliveries file outside the period, a TOML plan with an unknown
key, a training data file, a book that does not exist. Each prints one line (the deliveries
listing excepted: one line per bad row), exits 1, echoes the value given, and in Spanish and
Portuguese has none of the English words of the messages.
"""

from __future__ import annotations

import pathlib
import re
from collections.abc import Callable

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from cli_helpers import LOAN, Run, fixture_cli, no_locale  # noqa: F401

from coopfinance.errors import E_, EN_, CoopFinanceError, InvalidValue, ParseError, joined
from coopfinance.examples import examples_dir
from coopfinance.text import LANGUAGES, MARK, catalog_messages, error_message, error_text

ROOT = pathlib.Path(__file__).resolve().parents[2]
ENGLISH = re.compile(
    r"\b(must|got|line|cannot|is not|no such|file|between|required|unknown|outside|period|"
    r"negative|already|book|database)\b"
)
"""Words of the English messages that no Spanish or Portuguese error line may hold (the quoted
field names, e.g. ``'period'``, and option names are removed first: they are what the user
typed)."""

Case = Callable[[pathlib.Path], list[str]]


def _option(_tmp: pathlib.Path) -> list[str]:
    return ["schedule", *LOAN[:4], "--installments", "0", "--disbursed", "2026-01-15"]


def _missing_file(_tmp: pathlib.Path) -> list[str]:
    return ["schedule", "--terms", "/nonexistent/terms.json"]


def _csv_line(tmp: pathlib.Path) -> list[str]:
    path = tmp / "loans.csv"
    path.write_text(
        "id,principal,rate,installments,disbursed\nA,100,20%,12,2026-01-01\nB,-5,20%,12,2026-01-01\n",
        encoding="utf-8",
    )
    return ["portfolio", str(path)]


def _deliveries(tmp: pathlib.Path) -> list[str]:
    path = tmp / "d.csv"
    path.write_text("farmer,date,litres\nF01,2026-01-20,5\n", encoding="utf-8")
    prices = str(examples_dir() / "prices.toml")
    period = "2026-01-01..2026-01-15"
    return ["settle", "--deliveries", str(path), "--prices", prices, "--period", period]


def _plan(tmp: pathlib.Path) -> list[str]:
    text = (examples_dir() / "plan-alfalfa.toml").read_text(encoding="utf-8")
    path = tmp / "plan.toml"
    path.write_text("cosecha = 3\n" + text, encoding="utf-8")
    return ["plan", str(path)]


def _member(tmp: pathlib.Path) -> list[str]:
    path = tmp / "member.toml"
    path.write_text(
        'id = "M001"\nname = "Rosa"\n[milk]\nlitres = "-4"\nprice = "1.30"\n', encoding="utf-8"
    )
    return ["training", "worksheet", "--member", "M001", "--data", str(path)]


def _book(tmp: pathlib.Path) -> list[str]:
    return ["book", "status", "--book", str(tmp / "none.db")]


# (case, the value echoed, then what each language says)
CASES: dict[str, tuple[Case, str, dict[str, str]]] = {
    "option value": (
        _option,
        "0",
        {
            "es": "'installments' (número de cuotas) debe estar entre 1 y 600 (se recibió 0).",
            "en": "'installments' must be between 1 and 600 (got 0).",
            "pt_BR": "'installments' (número de parcelas) deve estar entre 1 e 600 (recebido 0).",
        },
    ),
    "missing file": (
        _missing_file,
        "/nonexistent/terms.json",
        {
            "es": "no se puede leer (se recibió '/nonexistent/terms.json'): no existe el archivo.",
            "en": "cannot be read (got '/nonexistent/terms.json'): no such file.",
            "pt_BR": "não pode ser lido (recebido '/nonexistent/terms.json'): o arquivo não existe.",
        },
    ),
    "csv line": (
        _csv_line,
        "-5",
        {
            "es": "línea 3 de ",
            "en": "line 3 of ",
            "pt_BR": "linha 3 de ",
        },
    ),
    "deliveries": (
        _deliveries,
        "2026-01-20",
        {
            "es": "1 entrega cae fuera de 2026-01-01..2026-01-15 (en la línea 2)",
            "en": "1 delivery falls outside 2026-01-01..2026-01-15 (at line 2)",
            "pt_BR": "1 entrega cai fora de 2026-01-01..2026-01-15 (na linha 2)",
        },
    ),
    "plan key": (
        _plan,
        "cosecha",
        {
            "es": "clave desconocida 'cosecha'",
            "en": "unknown key 'cosecha'",
            "pt_BR": "chave desconhecida 'cosecha'",
        },
    ),
    "member data": (
        _member,
        "-4",
        {
            "es": "'milk.litres' (litros) debe ser positivo (se recibió -4) en la línea 4 de ",
            "en": "'milk.litres' must be positive (got -4) on line 4 of ",
            "pt_BR": "'milk.litres' (litros) deve ser positivo (recebido -4) na linha 4 de ",
        },
    ),
    "no book": (
        _book,
        "coopfinance book init",
        {
            "es": "no hay libro en esta base de datos; cree uno con 'coopfinance book init'",
            "en": "there is no book in this database; create one with 'coopfinance book init'",
            "pt_BR": "não há livro neste banco de dados; crie um com 'coopfinance book init'",
        },
    ),
}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", list(CASES))
def test_the_error_line_is_in_the_language_chosen(
    cli: Run, tmp_path: pathlib.Path, name: str, lang: str
) -> None:
    case, echoed, said = CASES[name]
    r = cli(*case(tmp_path), "--lang", lang)
    assert r.code == 1, r.err
    assert r.out == ""
    first = r.err.splitlines()[0]
    assert first.startswith({"es": "Error: ", "en": "Error: ", "pt_BR": "Erro: "}[lang]), r.err
    assert said[lang] in r.err, r.err
    assert echoed in r.err
    if name != "deliveries":  # a listing of bad rows, one line each; every other error one line
        assert r.err.count("\n") == 1, r.err
    if lang != "en":
        words = ENGLISH.findall(re.sub(r"'[^']*'|--[\w-]+", "''", r.err))
        assert not words, (words, r.err)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("es", "coopfinance settle: error de uso: faltan los argumentos obligatorios"),
        ("en", "coopfinance settle: error: the following arguments are required"),
        ("pt_BR", "coopfinance settle: erro de uso: faltam os argumentos obrigatórios"),
    ],
)
def test_a_usage_error_is_one_line_in_the_language_the_command_line_names(
    cli: Run, lang: str, said: str
) -> None:
    """A usage error is read before the options are: its own words and argparse's come in the
    language ``--lang`` names (the Portuguese line was half Spanish: 'erro' from argparse, 'error
    de uso … vea' from the CLI)."""
    r = cli("settle", "--lang", lang)
    assert r.code == 2
    assert r.err.startswith(said), r.err
    assert r.err.count("\n") == 1, r.err
    if lang != "en":
        words = ENGLISH.findall(re.sub(r"'[^']*'|--[\w-]+", "''", r.err))
        assert not words, (words, r.err)


def test_the_default_language_is_spanish_and_the_locale_chooses(
    cli: Run, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = _option(tmp_path)
    assert "debe estar entre 1 y 600 (se recibió 0)" in cli(*argv).err
    monkeypatch.setenv("LANG", "pt_BR.UTF-8")
    assert "deve estar entre 1 e 600 (recebido 0)" in cli(*argv).err
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert cli(*argv).err == "Error: 'installments' must be between 1 and 600 (got 0).\n"


def test_an_error_keeps_its_english_text_and_payload() -> None:
    """``str(exc)``, ``field`` and ``value`` are what they were: app developers match them."""
    from coopfinance import LoanTerms

    with pytest.raises(InvalidValue) as info:
        LoanTerms.from_dict(
            {"principal": "5000", "rate": "35%", "installments": 0, "disbursed": "2026-01-15"}
        )
    exc = info.value
    assert str(exc) == "'installments' must be between 1 and 600 (got 0)."
    assert (exc.field, exc.value) == ("installments", 0)
    assert error_message(exc, "en") == str(exc)
    assert error_message(exc, "es") == (
        "'installments' (número de cuotas) debe estar entre 1 y 600 (se recibió 0)."
    )
    moved = exc.at(E_("line %(line)s of %(source)s", line=7, source="loans.csv"))
    assert str(moved) == "line 7 of loans.csv: 'installments' must be between 1 and 600 (got 0)."
    assert error_message(moved, "pt_BR").startswith("linha 7 de loans.csv: 'installments'")
    assert (moved.field, moved.value) == ("installments", 0)


def test_an_error_survives_pickling_with_its_message_id() -> None:
    """Errors cross process boundaries (the batch engine's workers)."""
    import pickle

    exc = ParseError(E_("no such file"), field="terms", value="x")
    back = pickle.loads(pickle.dumps(exc))
    assert str(back) == "no such file"
    assert error_message(back, "es") == "no existe el archivo"


def test_plurals_and_listings() -> None:
    one = EN_("%(num)s bad delivery:", "%(num)s bad deliveries:", 1, num=1)
    three = EN_("%(num)s bad delivery:", "%(num)s bad deliveries:", 3, num=3)
    assert (one, three) == ("1 bad delivery:", "3 bad deliveries:")
    assert error_text(one, "es") == "1 entrega con errores:"
    assert error_text(three, "pt_BR") == "3 entregas com erros:"
    listing = joined("\n", [three, E_("no such file")])
    assert error_text(listing, "es") == "3 entregas con errores:\nno existe el archivo"


def _error_ids() -> set[tuple[str, str | None]]:
    """Every error message the code writes: what ``pybabel extract -k E_ -k EN_:1,2`` finds."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found: set[tuple[str, str | None]] = set()
    for _file, _line, msgid, _comments, _context in extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords={"E_": None, "EN_": (1, 2)},
        directory_filter=lambda d: (
            not pathlib.Path(d).name.startswith(".") and pathlib.Path(d).name != "__pycache__"
        ),
    ):
        if isinstance(msgid, tuple):
            found.add((str(msgid[0]), str(msgid[1])))
        else:
            found.add((str(msgid), None))
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_error_message_has_a_translation(lang: str) -> None:
    """Walks the error message ids of the code: each is in the catalog of ``lang`` under the
    context ``error``, translated (not empty, not fuzzy; plurals in every form), with the same
    placeholders (the catalog test checks those), and renders without the missing-message mark."""
    if not (ROOT / "babel.cfg").is_file():
        pytest.skip("the repository's babel.cfg is not here (tests run from a copy)")
    ids = _error_ids()
    assert len(ids) > 600, "the extraction finds the error messages of the code"
    catalog = {
        str(m.id if isinstance(m.id, str) else m.id[0]): m
        for m in catalog_messages(lang)
        if m.context == "error" and m.id
    }
    missing, untranslated = [], []
    for msgid, plural in sorted(ids, key=lambda x: x[0]):
        m = catalog.get(msgid)
        if m is None:
            missing.append(msgid)
            continue
        forms = [m.string] if isinstance(m.string, str) else list(m.string)
        if m.fuzzy or not all(forms) or (plural is not None) != isinstance(m.id, tuple):
            untranslated.append(msgid)
    assert not missing, (lang, missing)
    assert not untranslated, (lang, untranslated)
    mark = MARK.replace("%s", "")
    for msgid, plural in ids:
        params = dict.fromkeys(re.findall(r"%\((\w+)\)s", msgid), "x")
        text = EN_(msgid, plural, 2, **params) if plural is not None else E_(msgid, **params)
        shown = error_text(text, lang, mark_missing=True)
        assert mark[0] not in shown, (lang, msgid, shown)


def test_every_error_class_renders_through_the_catalogs() -> None:
    """A message written without ``E_`` (plain text) is shown as it is: never a crash."""
    exc = CoopFinanceError("plain text", field="x")
    assert error_message(exc, "es") == "plain text"
    assert error_message(ValueError("boom"), "pt_BR") == "boom"


def test_a_message_that_cannot_be_rendered_falls_back_to_english(
    cli: Run, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broken translation (a co-op's catalog, a bug) never shows a traceback: the English."""

    def broken(_exc: BaseException, _lang: str) -> str:
        raise KeyError("x")

    monkeypatch.setattr("coopfinance.text.error_message", broken)
    r = cli(*_option(tmp_path))
    assert (r.code, r.err) == (1, "Error: 'installments' must be between 1 and 600 (got 0).\n")
