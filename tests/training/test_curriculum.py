"""Curricula: the bundled content validates in both languages, co-ops extend it, and bad data is
refused with the file and key path named."""

from __future__ import annotations

import json
import re

import pytest

from coopfinance.errors import InvalidCurriculum
from coopfinance.training import (
    GENERATORS,
    LANGUAGES,
    MAX_MINUTES,
    MIN_MINUTES,
    Curriculum,
    Topic,
    check_translations,
)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_bundled_curriculum_validates(lang: str) -> None:
    course = Curriculum.default(lang)
    assert course.lang == lang
    assert {m.topic for m in course.modules} == set(Topic)
    for module, session in course.sessions():
        assert MIN_MINUTES <= session.minutes <= MAX_MINUTES
        assert session.objectives
        assert session.activities
        assert sum(a.minutes for a in session.activities) <= session.minutes
        for name in session.exercises:
            assert GENERATORS[name][0] is module.topic or module.topic is Topic.SAVING


def test_both_languages_have_the_same_modules_sessions_and_times() -> None:
    es, en = Curriculum.default("es"), Curriculum.default("en")
    check_translations(es, en)
    assert [s.id for _, s in es.sessions()] == [s.id for _, s in en.sessions()]
    assert es.minutes == en.minutes
    assert es.module("credit").title != en.module("credit").title


def test_every_generator_is_used_by_the_bundled_curriculum() -> None:
    used = {g for _, s in Curriculum.default("es").sessions() for g in s.exercises}
    assert used == set(GENERATORS)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_bundled_content_is_written_in_short_sentences(lang: str) -> None:
    """For adults with little schooling: no sentence in objectives or activities runs past 20 words."""
    course = Curriculum.default(lang)
    texts = [o for _, s in course.sessions() for o in s.objectives]
    texts += [a.description for _, s in course.sessions() for a in s.activities]
    for text in texts:
        for sentence in re.split(r"(?<=[.?!])\s+", text):
            assert len(sentence.split()) <= 20, sentence


def test_translation_mismatch_is_reported_with_its_path() -> None:
    es, en = Curriculum.default("es"), Curriculum.default("en")
    m = en.modules[2]
    s = m.sessions[0]
    import attrs

    changed = attrs.evolve(
        en,
        modules=(
            *en.modules[:2],
            attrs.evolve(m, sessions=(attrs.evolve(s, minutes=50), *m.sessions[1:])),
            *en.modules[3:],
        ),
    )
    with pytest.raises(InvalidCurriculum, match=r"'modules\[2\]\.sessions\[0\]\.minutes' differs"):
        check_translations(es, changed)


COOP_MODULE = """
id = "coop-ica"
lang = "es"
title = "Módulos propios de la cooperativa"

[[modules]]
id = "cold-chain"
title = "El tanque de frío"
topic = "milk"

[[modules.sessions]]
id = "cold-chain-1"
title = "La leche fría vale más"
minutes = 30
objectives = ["Saber cuánto paga el bono de frío."]
exercises = ["milk_gross"]

[[modules.sessions.activities]]
title = "Visita al tanque"
minutes = 30
method = "demonstration"
"""


def test_a_coop_extends_the_default_with_its_own_modules() -> None:
    own = Curriculum.from_toml(COOP_MODULE, source="coop.toml")
    course = Curriculum.default("es").extend(own)
    assert course.modules[-1].id == "cold-chain"
    assert course.session("cold-chain-1").minutes == 30
    assert course.module_of("cold-chain-1").id == "cold-chain"
    with pytest.raises(InvalidCurriculum, match="repeat module id 'cold-chain'"):
        course.extend(own)
    replaced = course.extend(own, replace=True)
    assert len(replaced.modules) == len(course.modules)
    with pytest.raises(InvalidCurriculum, match="'lang' of an extension must be 'en'"):
        Curriculum.default("en").extend(own)


def test_json_and_files_load(tmp_path) -> None:
    data = Curriculum.default("en").to_data()
    data.pop("minutes")
    for m in data["modules"]:
        m.pop("minutes")
    path = tmp_path / "course.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert Curriculum.from_file(path) == Curriculum.default("en")
    toml = tmp_path / "coop.toml"
    toml.write_text(COOP_MODULE, encoding="utf-8")
    assert Curriculum.from_file(toml).id == "coop-ica"


def _broken(old: str, new: str) -> str:
    assert old in COOP_MODULE
    return COOP_MODULE.replace(old, new, 1)


BAD = [
    (_broken("minutes = 30\nobjectives", "minutes = 90\nobjectives"),
     r"'modules\[0\]\.sessions\[0\]\.minutes' must be between 30 and 60 \(got 90\) in coop\.toml\."),
    (_broken('topic = "milk"', 'topic = "cows"'),
     r"'modules\[0\]\.topic' must be one of budget, saving, credit, milk, plans, coop \(got 'cows'\)"),
    (_broken('exercises = ["milk_gross"]', 'exercises = ["milk_gros"]'),
     r"'modules\[0\]\.sessions\[0\]\.exercises\[0\]' must name an exercise generator"),
    (_broken('method = "demonstration"', 'method = "lecture"'),
     r"'modules\[0\]\.sessions\[0\]\.activities\[0\]\.method' must be one of"),
    (_broken("minutes = 30\nmethod", "minutes = 45\nmethod"),
     r"'modules\[0\]\.sessions\[0\]\.activities' must fit in the session's 30 minutes "
     r"\(got '45 minutes'\)"),
    (_broken('title = "El tanque de frío"', 'title = "El tanque de frío"\ncolour = "blue"'),
     r"'modules\[0\]\.colour' is not a known key"),
    (_broken('objectives = ["Saber cuánto paga el bono de frío."]', "objectives = []"),
     r"'modules\[0\]\.sessions\[0\]\.objectives' must list at least one item"),
    (_broken('id = "cold-chain-1"', 'id = "Cold Chain"'),
     r"'modules\[0\]\.sessions\[0\]\.id' must be lower-case letters, digits and '-'"),
    (_broken('lang = "es"', 'lang = "fr"'), r"'lang' must be one of es, en, pt_BR \(got 'fr'\)"),
    (_broken('title = "Módulos propios de la cooperativa"\n', ""), r"'title' is required"),
    (_broken("[[modules.sessions]]", "[[modules.sessions]\n"), r"^'curriculum' is not valid TOML in coop"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), BAD)
def test_bad_curriculum_data_names_file_and_key_path(text: str, message: str) -> None:
    with pytest.raises(InvalidCurriculum, match=message) as info:
        Curriculum.from_toml(text, source="coop.toml")
    assert info.value.source == "coop.toml"


def test_duplicate_session_ids_are_refused() -> None:
    twice = COOP_MODULE + COOP_MODULE[COOP_MODULE.index("[[modules]]") :].replace(
        'id = "cold-chain"', 'id = "cold-chain-b"'
    )
    with pytest.raises(InvalidCurriculum, match="'sessions' id 'cold-chain-1' of module"):
        Curriculum.from_toml(twice, source="coop.toml")


def test_unknown_look_ups_and_languages() -> None:
    course = Curriculum.default("es")
    with pytest.raises(InvalidCurriculum, match="'module' must be one of budget, saving"):
        course.module("nope")
    with pytest.raises(InvalidCurriculum, match="'session' is not in curriculum 'coop-lechera'"):
        course.session("nope")
    with pytest.raises(
        InvalidCurriculum, match="'lang' must be one of es, en, pt_BR \\(got 'qu'\\)"
    ):
        Curriculum.default("qu")
