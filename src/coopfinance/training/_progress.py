"""Cohorts and progress: who attended which session, quiz results, completion, pre/post gain per
module, and outcome indicators from the co-op's own records.

Rules (stated, overridable through :class:`CompletionRule`):

- a module is *completed* by a participant who attended each of its sessions at least once and,
  when the module has exercises, scored at least ``pass_mark`` on a post-quiz;
- the course is *completed* with attendance of at least ``min_attendance`` of the curriculum's
  sessions, a passed post-quiz in every module that has exercises, and every module completed
  (a participant with five of six modules completed has not completed the course);
- the *gain* of a module is the mean post-quiz score minus the mean pre-quiz score, in percentage
  points, over participants with both (each participant's best pre and best post); the normalised
  gain is ``(post − pre) / (100 − pre)`` (Hake 1998), the share of the possible gain achieved.

The cohort itself is :class:`coopfinance.training.Cohort` (``_cohort``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from coopfinance._decimal import exact, to_decimal
from coopfinance._fields import ParseableEnum
from coopfinance.errors import E_, InvalidTrainingRecord, InvalidValue
from coopfinance.training._quiz import QuizKind

__all__ = [
    "CompletionRule",
    "ModuleGain",
    "OutcomeIndicators",
    "OutcomePeriod",
    "OutcomeRecord",
    "Participant",
    "Progress",
    "QuizScore",
    "Role",
    "SessionHeld",
    "participants_from",
]

_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)


def _pct(numerator: Decimal, denominator: Decimal) -> Decimal:
    return (numerator * _HUNDRED / denominator).quantize(_CENT, ROUND_HALF_UP)


class Role(ParseableEnum):
    """How a participant relates to the co-op."""

    MEMBER = "member"
    """A socio: owns aportaciones, votes, shares the surplus."""
    SUPPLIER = "supplier"
    """A non-member supplier who sells milk to the co-op."""

    @classmethod
    def parse_error(cls) -> type[InvalidValue]:
        """A bad role is a training-record error."""
        return InvalidTrainingRecord


def _to_role(value: Role | str) -> Role:
    return Role.parse(value)


@attrs.frozen(slots=True, kw_only=True)
class Participant:
    """A person in a cohort."""

    id: str
    name: str
    role: Role = attrs.field(default=Role.MEMBER, converter=_to_role)


def _ids(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str):
        raise InvalidTrainingRecord(
            E_("'attended' must be a list of participant ids (got %(value)s).", value=repr(value)),
            field="attended",
            value=value,
        )
    return frozenset(value)


@attrs.frozen(slots=True, kw_only=True)
class SessionHeld:
    """A session given on ``date``, with who attended."""

    session_id: str
    date: dt.date
    attended: frozenset[str] = attrs.field(converter=_ids)


def _to_quiz_kind(value: QuizKind | str) -> QuizKind:
    return QuizKind.parse(value)


@attrs.frozen(slots=True, kw_only=True)
class QuizScore:
    """A participant's score on a module's pre- or post-quiz."""

    participant: str
    module_id: str
    kind: QuizKind = attrs.field(converter=_to_quiz_kind)
    correct: int
    total: int
    date: dt.date | None = None

    @exact
    def __attrs_post_init__(self) -> None:
        if self.total < 1 or not 0 <= self.correct <= self.total:
            raise InvalidTrainingRecord(
                E_(
                    "'correct' must be between 0 and 'total' %(total)s (got %(correct)s), "
                    "and 'total' at least 1, for %(participant)s in %(module_id)s.",
                    total=self.total,
                    correct=self.correct,
                    participant=self.participant,
                    module_id=self.module_id,
                ),
                field="correct",
                value=self.correct,
            )

    @property
    def percent(self) -> Decimal:
        """The score in percent, to 2 decimals."""
        return _pct(Decimal(self.correct), Decimal(self.total))


def _share(value: Decimal | int | str) -> Decimal:
    share = to_decimal(value, field="share")
    if not 0 <= share <= 1:
        raise InvalidTrainingRecord(
            E_("'share' must be between 0 and 100 %% (got %(share)s).", share=share),
            field="share",
            value=share,
        )
    return share


@attrs.frozen(slots=True, kw_only=True)
class CompletionRule:
    """When a module and the course count as completed (see the module docstring)."""

    min_attendance: Decimal = attrs.field(default=Decimal("0.8"), converter=_share)
    pass_mark: Decimal = attrs.field(default=Decimal("0.6"), converter=_share)


@attrs.frozen(slots=True, kw_only=True)
class Progress:
    """One participant's progress through the curriculum."""

    participant: Participant
    sessions_attended: tuple[str, ...]
    """Curriculum sessions attended at least once, in curriculum order."""
    sessions_total: int
    attendance: Decimal
    """``sessions attended / sessions in the curriculum``, in percent to 2 decimals."""
    modules_completed: tuple[str, ...]
    completed: bool

    def to_data(self) -> dict[str, Any]:
        """Plain values for a certificate or report."""
        return {
            "participant": self.participant.id,
            "name": self.participant.name,
            "role": self.participant.role.value,
            "sessions_attended": list(self.sessions_attended),
            "sessions_total": self.sessions_total,
            "attendance": str(self.attendance),
            "modules_completed": list(self.modules_completed),
            "completed": self.completed,
        }


@attrs.frozen(slots=True, kw_only=True)
class ModuleGain:
    """Pre/post results of a module over the participants who took both quizzes."""

    module_id: str
    participants: int
    mean_pre: Decimal
    mean_post: Decimal
    gain: Decimal
    """``mean_post − mean_pre`` in percentage points."""
    normalized_gain: Decimal | None
    """``gain / (100 − mean_pre)``, to 4 decimals; ``None`` when the pre-quiz mean is 100."""


class OutcomePeriod(ParseableEnum):
    """Whether a record is from before or after the training (the field ``period``)."""

    BEFORE = "before"
    AFTER = "after"

    @classmethod
    def parse_error(cls) -> type[InvalidValue]:
        """A bad period is a training-record error."""
        return InvalidTrainingRecord


def _to_period(value: OutcomePeriod | str) -> OutcomePeriod:
    return OutcomePeriod.parse(value, field="period")


def _money(value: Decimal | int | str) -> Decimal:
    return to_decimal(value, field="savings")


@attrs.frozen(slots=True, kw_only=True)
class OutcomeRecord:
    """A participant's figures from the co-op's own records for a period: installments due and paid
    on time, and the savings balance at the end of the period."""

    participant: str
    period: OutcomePeriod = attrs.field(converter=_to_period)
    installments_due: int = 0
    installments_on_time: int = 0
    savings: Decimal = attrs.field(default=Decimal(0), converter=_money)

    @exact
    def __attrs_post_init__(self) -> None:
        if not 0 <= self.installments_on_time <= self.installments_due:
            raise InvalidTrainingRecord(
                E_(
                    "'installments_on_time' must be between 0 and 'installments_due' "
                    "%(installments_due)s (got %(installments_on_time)s) for "
                    "%(participant)s.",
                    installments_due=self.installments_due,
                    installments_on_time=self.installments_on_time,
                    participant=self.participant,
                ),
                field="installments_on_time",
                value=self.installments_on_time,
            )
        if self.savings < 0:
            raise InvalidTrainingRecord(
                E_(
                    "'savings' must not be negative (got %(savings)s) for %(participant)s.",
                    savings=self.savings,
                    participant=self.participant,
                ),
                field="savings",
                value=self.savings,
            )


@attrs.frozen(slots=True, kw_only=True)
class OutcomeIndicators:
    """Behaviour before and after the training (rates in percent, savings in soles).

    On-time repayment rate = Σ installments on time / Σ installments due (``None`` if none due);
    mean savings over the participants with a record in the period.
    """

    participants: int
    on_time_before: Decimal | None
    on_time_after: Decimal | None
    mean_savings_before: Decimal | None
    mean_savings_after: Decimal | None

    @property
    def on_time_change(self) -> Decimal | None:
        """Change of the on-time rate, in percentage points."""
        if self.on_time_before is None or self.on_time_after is None:
            return None
        return self.on_time_after - self.on_time_before

    @property
    def savings_change(self) -> Decimal | None:
        """Change of mean savings, in soles."""
        if self.mean_savings_before is None or self.mean_savings_after is None:
            return None
        return self.mean_savings_after - self.mean_savings_before


@exact
def participants_from(rows: Iterable[Mapping[str, Any]]) -> tuple[Participant, ...]:
    """Participants from plain rows with ``id``, ``name`` and optionally ``role``."""
    out = []
    for k, row in enumerate(rows):
        try:
            out.append(
                Participant(
                    id=str(row["id"]), name=str(row["name"]), role=row.get("role", "member")
                )
            )
        except KeyError as exc:
            raise InvalidTrainingRecord(
                E_("'participants[%(k)s].%(args)s' is required (got None).", k=k, args=exc.args[0]),
                field=f"participants[{k}].{exc.args[0]}",
                value=None,
            ) from None
    return tuple(out)
