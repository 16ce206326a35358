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
    with pytest.raises(InvalidTrainingRecord, match=r"'curriculum' must be default, .*'coop-ica'"):
        Cohort.from_file(tmp_path / "c.json")


BASE: dict[str, Any] = {"id": "c", "name": "n", "participants": [{"id": "M01", "name": "Rosa"}]}


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        ({"colour": "red"}, r"'colour' is unknown; known: id, name, curriculum"),
        ({"name": " "}, r"'name' must be non-blank text \(got ' '\) in c\.toml"),
        ({"lang": "fr"}, r"'lang' must be es or en \(got 'fr'\)"),
        ({"participants": [{"id": "M01"}]}, r"'participants\[0\]\.name' is required"),
        (
            {"participants": [{"id": "M01", "name": "R", "role": "boss"}]},
            r"'participants\[0\]\.role' must be member or supplier \(got 'boss'\)",
        ),
        ({"sessions": {"a": 1}}, r"'sessions' must be a list of tables"),
        (
            {"sessions": [{"session": "milk-1", "date": "2026-02-30", "attended": []}]},
            r"'sessions\[0\]\.date' must be a date YYYY-MM-DD \(got '2026-02-30'\)",
        ),
        (
            {"sessions": [{"session": "milk-1", "date": "2026-02-03", "attended": "M01"}]},
            r"'sessions\[0\]\.attended' must be a list of participant ids \(got 'M01'\)",
        ),
        (
            {"sessions": [{"session": "milk-1", "date": "2026-02-03", "attended": ["X"]}]},
            r"names people not in cohort 'c' \(got X\)",
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
            r"'scores\[0\]\.kind' must be pre, post or practice \(got 'mid'\)",
        ),
        (
            {
                "scores": [
                    {
                        "participant": "M01",
                        "module": "milk",
                        "kind": "pre",
                        "correct": "1",
                        "total": 3,
                    }
                ]
            },
            r"'scores\[0\]\.correct' must be a whole number \(got '1'\)",
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
            r"'correct' must be between 0 and 'total' 3 \(got 4\)",
        ),
        ({"rule": {"pass_mark": 0.6}}, r"'rule\.pass_mark' must be text such as \"0\.8\""),
        ({"rule": {"grade": "A"}}, r"'rule\.grade' is unknown"),
    ],
)
def test_bad_cohort_data_is_refused(extra: dict[str, Any], match: str) -> None:
    with pytest.raises(InvalidTrainingRecord, match=match):
        Cohort.from_mapping({**BASE, **extra}, source="c.toml")


def test_unknown_session_is_a_curriculum_error() -> None:
    data = {**BASE, "sessions": [{"session": "nope-1", "date": "2026-02-03", "attended": []}]}
    with pytest.raises(InvalidCurriculum):
        Cohort.from_mapping(data)


def test_bad_toml_is_reported() -> None:
    with pytest.raises(InvalidTrainingRecord, match=r"not valid TOML: .* \(in c\.toml\)"):
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
        CohortRecords.from_mapping({"id": "c", "name": "C", "scores": [], "quizzes": []})
