"""``--lang``, else the locale (``LANG=es_PE.UTF-8`` → Spanish), else Spanish, for the command's own
words too (issue 14)."""

from __future__ import annotations

import pytest
from cli_helpers import LOAN, Run, fixture_cli, no_locale, run_process  # noqa: F401

from coopfinance.examples import examples_dir

EXAMPLES = examples_dir()  # the bundled inputs: a checkout's examples/ or the installed wheel's
PLAN = str(EXAMPLES / "plan-alfalfa.toml")


@pytest.mark.parametrize(
    ("env", "word"),
    [
        ({}, "VAN"),
        ({"LANG": "es_PE.UTF-8"}, "VAN"),
        ({"LANG": "C.UTF-8"}, "VAN"),
        ({"LANG": "en_US.UTF-8"}, "NPV"),
        ({"LC_ALL": "pt_BR.UTF-8", "LANG": "en_US.UTF-8"}, "VPL"),
        ({"LANG": "fr_FR.UTF-8"}, "VAN"),  # not shipped: Spanish
    ],
)
def test_the_locale_chooses_the_language(
    cli: Run, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], word: str
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    r = cli("plan", PLAN)
    assert r.code == 0, r.err
    assert word in r.out


def test_lang_wins_over_the_locale(cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "es_PE.UTF-8")
    assert "NPV" in cli("plan", PLAN, "--lang", "en").out
    assert "VPL" in cli("plan", PLAN, "--lang", "pt-BR").out


def test_error_lines_follow_the_locale(cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "pt_BR.UTF-8")
    assert cli("schedule", "--rate", "x").err.startswith("Erro: ")
    monkeypatch.setenv("LANG", "es_PE.UTF-8")
    assert cli("schedule", "--rate", "x").err.startswith("Error: ")
    r = cli("schedule", *LOAN, "--method", "zigzag")
    assert "error de uso" in r.err


def test_an_unknown_language_is_refused(cli: Run) -> None:
    r = cli("plan", PLAN, "--lang", "fr")
    assert r.code == 2
    assert "'fr' is not a language of coopfinance (choose from es, en, pt_BR)" in r.err
    assert cli("plan", PLAN, "--lang", "es_PE.UTF-8").code == 0


def test_a_real_process_in_a_spanish_locale() -> None:
    proc = run_process(["plan", PLAN], env_extra={"LANG": "es_PE.UTF-8"})
    assert proc.returncode == 0, proc.stderr
    assert "beneficio/costo" in proc.stdout


@pytest.mark.parametrize("lang", ["es", "pt_BR"])
def test_the_cli_words_have_no_english_left(cli: Run, lang: str) -> None:
    """The plan table and the portfolio report in Spanish and Portuguese: none of the English words."""
    out = cli("plan", PLAN, "--lang", lang).out
    for english in ("payback", "benefit", "economic", "financial", "with plan", "break-even"):
        if lang == "pt_BR" and english == "payback":
            continue  # "payback" is the Brazilian term too
        assert english not in out, english
