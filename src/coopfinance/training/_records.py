"""A cohort's records (the cohort file of :mod:`coopfinance.training._cohort_file` with the
co-op's outcome records and the certificates' issuer), and completion certificates."""

from __future__ import annotations

import pathlib
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from coopfinance._decimal import exact
from coopfinance.errors import E_, CourseNotCompleted, joined
from coopfinance.training._cohort import Cohort
from coopfinance.training._cohort_file import (
    CohortFile,
    parse_cohort,
    read_cohort,
    read_cohort_file,
)
from coopfinance.training._curriculum import Curriculum
from coopfinance.training._files import Where
from coopfinance.training._progress import OutcomeIndicators, OutcomeRecord, Progress
from coopfinance.training._quiz import QuizKind

__all__ = ["CohortRecords", "certify"]


def _outcomes(value: Iterable[OutcomeRecord]) -> tuple[OutcomeRecord, ...]:
    return tuple(value)


@attrs.frozen(slots=True, kw_only=True)
class CohortRecords:
    """A cohort with the co-op's outcome records and who issues its certificates."""

    cohort: Cohort
    outcomes: tuple[OutcomeRecord, ...] = attrs.field(converter=_outcomes, default=())
    issuer: str | None = None

    def indicators(self) -> OutcomeIndicators:
        """The outcome indicators of :attr:`outcomes` (see :meth:`Cohort.outcomes`)."""
        return self.cohort.outcomes(self.outcomes)

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        *,
        curriculum: Curriculum | None = None,
        lang: str = "es",
        source: str | None = None,
    ) -> CohortRecords:
        """Records from plain data; ``curriculum`` defaults to ``Curriculum.default(lang)``.

        The one cohort file (:meth:`Cohort.from_file` reads it too): ``scores`` may be written
        ``quizzes``, ``lang`` picks the default curriculum's language and
        ``curriculum = "default"`` names it.
        """
        return cls._of(read_cohort(data, Where(source), curriculum, lang))

    @classmethod
    def from_toml(
        cls,
        text: str,
        *,
        curriculum: Curriculum | None = None,
        lang: str = "es",
        source: str | None = None,
    ) -> CohortRecords:
        """Records from TOML text; errors name the key path and the line.

        >>> CohortRecords.from_toml('id = "c"\\nname = "C"\\n[[participants]]\\nid = "m01"\\n'
        ...     'name = "Rosa"\\n[[sessions]]\\nsession = "milk-9"\\ndate = 2026-03-02\\n'
        ...     'attended = ["m01"]\\n', source="cohort.toml")
        Traceback (most recent call last):
        ...
        coopfinance.errors.InvalidTrainingRecord: 'sessions[0].session' is not in curriculum ...
        (got 'milk-9') on line 7 of cohort.toml.
        """
        return cls._of(parse_cohort(text, "toml", curriculum, lang, source))

    @classmethod
    def from_json(
        cls,
        text: str,
        *,
        curriculum: Curriculum | None = None,
        lang: str = "es",
        source: str | None = None,
    ) -> CohortRecords:
        """Records from JSON text."""
        return cls._of(parse_cohort(text, "json", curriculum, lang, source))

    @classmethod
    def from_file(
        cls, path: str | pathlib.Path, *, curriculum: Curriculum | None = None, lang: str = "es"
    ) -> CohortRecords:
        """Records from a ``.toml`` or ``.json`` file."""
        return cls._of(read_cohort_file(path, curriculum, lang))

    @classmethod
    def _of(cls, file: CohortFile) -> CohortRecords:
        return cls(cohort=Cohort(**file.cohort), outcomes=file.outcomes, issuer=file.issuer)


@exact
def certify(cohort: Cohort, participant_id: str) -> Progress:
    """The progress of a participant who completed the course; otherwise
    :class:`~coopfinance.errors.CourseNotCompleted` saying what is missing.

    >>> import datetime as dt
    >>> from coopfinance.training import Participant
    >>> c = Cohort(id="ica", name="Ica", curriculum=Curriculum.default("es"),
    ...            participants=[Participant(id="m01", name="Rosa Quispe")])
    >>> certify(c.record_session("milk-1", dt.date(2026, 3, 2), ["m01"]), "m01")
    Traceback (most recent call last):
    ...
    coopfinance.errors.CourseNotCompleted: 'participant' m01 (Rosa Quispe) has not completed the
    course of cohort 'ica': attendance 8.33 % (needs 80.00 %); no passed post-quiz (60.00 % or
    more) in budget, saving, credit, milk, plans, coop.
    """
    progress = cohort.progress(participant_id)
    if progress.completed:
        return progress
    needs = cohort.rule.min_attendance * 100
    reasons: list[str] = []
    if progress.attendance < needs:
        reasons.append(
            E_(
                "attendance %(attendance)s %% (needs %(needs)s %%)",
                attendance=progress.attendance,
                needs=format(needs, ".2f"),
            )
        )
    pass_pct = cohort.rule.pass_mark * 100
    failed = []
    for m in cohort.curriculum.modules:
        if not m.exercises:
            continue
        marks = [
            s.percent
            for s in cohort.scores
            if s.participant == participant_id and s.module_id == m.id and s.kind is QuizKind.POST
        ]
        if not marks or max(marks) < pass_pct:
            failed.append(m.id)
    if failed:
        reasons.append(
            E_(
                "no passed post-quiz (%(pass_mark)s %% or more) in %(modules)s",
                pass_mark=format(pass_pct, ".2f"),
                modules=", ".join(failed),
            )
        )
    missing = [m.id for m in cohort.curriculum.modules if m.id not in progress.modules_completed]
    if missing and not failed:
        reasons.append(E_("modules not completed: %(modules)s", modules=", ".join(missing)))
    p = progress.participant
    raise CourseNotCompleted(
        E_(
            "'participant' %(id)s (%(name)s) has not completed the course of "
            "cohort %(id2)s: %(reasons)s.",
            id=p.id,
            name=p.name,
            id2=repr(cohort.id),
            reasons=joined("; ", reasons),
        ),
        field="participant",
        value=p.id,
    )
