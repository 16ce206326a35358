"""Cohorts from TOML/JSON data: the same records as built in code, and errors with the key path."""

from __future__ import annotations

import datetime as dt
import json
import pathlib
from typing import Any

import pytest

from coopfinance.errors import InvalidCurriculum, InvalidTrainingRecord
from coopfinance.training import Cohort, Curriculum, Participant

TOML = """
id = "c1"
name = "Ica 2026"
curriculum = "default"
lang = "en"
participants = [
  { id = "M01", name = "Rosa Quispe" },
  { id = "S07", name = "Ana Flores", role = "supplier" },
]
sessions = [{ session = "milk-1", date = 2026-03-02, attended = ["M01", "S07"] }]
scores = [
  { participant = "M01", module = "milk", kind = "pre", correct = 1, total = 3 },
  { participant = "M01", module = "milk", kind = "post", correct = 3, total = 3, date = 2026-03-09 },
]
[rule]
pass_mark = "0.5"
"""


def test_toml_gives_the_cohort_built_in_code(tmp_path: pathlib.Path) -> None:
    built = (
        Cohort(
            id="c1",
            name="Ica 2026",
            curriculum=Curriculum.default("en"),
            participants=[
                Participant(id="M01", name="Rosa Quispe"),
                Participant(id="S07", name="Ana Flores", role="supplier"),
            ],
        )
        .record_session("milk-1", dt.date(2026, 3, 2), ["M01", "S07"])
        .record_quiz("M01", "milk", "pre", correct=1, total=3)
        .record_quiz("M01", "milk", "post", correct=3, total=3, date=dt.date(2026, 3, 9))
    )
    loaded = Cohort.from_toml(TOML, source="c.toml")
    assert loaded.participants == built.participants
    assert loaded.sessions_held == built.sessions_held
    assert loaded.scores == built.scores
    assert str(loaded.rule.pass_mark) == "0.5"
    assert loaded.gains() == built.gains()
    (tmp_path / "c.toml").write_text(TOML, encoding="utf-8")
    assert Cohort.from_file(tmp_path / "c.toml").scores == built.scores


def test_json_file_and_own_curriculum(tmp_path: pathlib.Path) -> None:
    data = {"id": "c2", "name": "x", "curriculum": "coop-ica",
            "participants": [{"id": "M01", "name": "Rosa"}]}  # fmt: skip
    (tmp_path / "c.json").write_text(json.dumps(data), encoding="utf-8")
    es = Curriculum.default("es")
    assert Cohort.from_file(tmp_path / "c.json", curriculum=es).curriculum is es
    with pytest.raises(InvalidTrainingRecord, match=r"'curriculum' 'coop-ica' is not bundled"):
        Cohort.from_file(tmp_path / "c.json")


BASE: dict[str, Any] = {"id": "c", "name": "n", "participants": [{"id": "M01", "name": "Rosa"}]}


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        ({"colour": "red"}, r"'colour' is not a cohort key; use id, name, curriculum, lang"),
        ({"name": " "}, r"'name' must not be empty \(got ' '\) in c\.toml"),
        ({"participants": [{"id": "M01"}]}, r"'participants\[0\]\.name' is required"),
        (
            {"participants": [{"id": "M01", "name": "R", "role": "boss"}]},
            r"'participants\[0\]\.role' must be one of member, supplier \(got 'boss'\)",
        ),
        ({"sessions": {"a": 1}}, r"'sessions' must be a list of tables"),
        (
            {"sessions": [{"session": "milk-1", "date": "2026-02-30", "attended": []}]},
            r"'sessions\[0\]\.date' must be a date such as '2026-01-15' \(got '2026-02-30'\)",
        ),
        (
            {"sessions": [{"session": "milk-1", "date": "2026-02-03", "attended": "M01"}]},
            r"'sessions\[0\]\.attended' must be a list of participant ids \(got 'M01'\)",
        ),
        (
            {"sessions": [{"session": "milk-1", "date": "2026-02-03", "attended": ["X"]}]},
            r"'sessions\[0\]\.attended' names people not in the participants \(got X\)",
        ),
        (
            {
                "scores": [
                    {
                        "participant": "M01",
                        "module": "milk",
                        "kind": "mid",
                        "correct": 1,
                        "total": 3,
                    }
                ]
            },
            r"'scores\[0\]\.kind' must be one of pre, post, practice \(got 'mid'\)",
        ),
        (
            {
                "scores": [
                    {
                        "participant": "M01",
                        "module": "milk",
                        "kind": "pre",
                        "correct": "one",
                        "total": 3,
                    }
                ]
            },
            r"'scores\[0\]\.correct' must be a whole number \(got 'one'\)",
        ),
        (
            {
                "scores": [
                    {
                        "participant": "M01",
                        "module": "milk",
                        "kind": "pre",
                        "correct": 4,
                        "total": 3,
                    }
                ]
            },
            r"'scores\[0\]\.correct' must be between 0 and 'total' 3 \(got 4\)",
        ),
        ({"rule": {"pass_mark": 0.6}}, r"'rule' must not be a float \(got 0\.6\)"),
        ({"rule": {"grade": "A"}}, r"'rule' must be a table of min_attendance, pass_mark"),
    ],
)
def test_bad_cohort_data_is_refused(extra: dict[str, Any], match: str) -> None:
    with pytest.raises(InvalidTrainingRecord, match=match):
        Cohort.from_dict({**BASE, **extra}, source="c.toml")


def test_unknown_session_and_language_are_refused() -> None:
    data = {**BASE, "sessions": [{"session": "nope-1", "date": "2026-02-03", "attended": []}]}
    with pytest.raises(InvalidTrainingRecord, match=r"'sessions\[0\]\.session' is not in curr"):
        Cohort.from_dict(data)
    with pytest.raises(
        InvalidCurriculum, match=r"'lang' must be one of es, en, pt_BR \(got 'fr'\)"
    ):
        Cohort.from_dict({**BASE, "lang": "fr"})


def test_bad_toml_is_reported() -> None:
    with pytest.raises(InvalidTrainingRecord, match=r"^'cohort' is not valid TOML in c\.toml: "):
        Cohort.from_toml("id = ", source="c.toml")


def test_one_cohort_format_the_records_reader_reads_the_cohort_file() -> None:
    """`CohortRecords.from_file` (training CLI) reads the file `Cohort.from_file` reads: `scores`
    are its `quizzes`, `lang` and `curriculum = "default"` pick the bundled curriculum."""
    from coopfinance.examples import examples_dir
    from coopfinance.training import Cohort, CohortRecords

    path = examples_dir() / "cohort.toml"
    records = CohortRecords.from_file(path)
    cohort = Cohort.from_file(path)
    assert records.cohort.participants == cohort.participants
    assert records.cohort.scores == cohort.scores
    assert [p.completed for p in records.cohort.progress_all()] == [
        p.completed for p in cohort.progress_all()
    ]


def test_scores_and_quizzes_together_are_refused() -> None:
    import pytest

    from coopfinance.errors import InvalidTrainingRecord
    from coopfinance.training import CohortRecords

    with pytest.raises(InvalidTrainingRecord, match="'scores' and 'quizzes' are the same section"):
        CohortRecords.from_dict({"id": "c", "name": "C", "scores": [], "quizzes": []})
