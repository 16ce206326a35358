"""The training documents: the trainer's session guide, a member's personal worksheet (and its
answer key), the completion certificate and the cohort's progress report.

The data comes from :mod:`coopfinance.training` (layer 7): a curriculum's session and the
exercises of its generators, :func:`~coopfinance.training.worksheet`,
:func:`~coopfinance.training.certify` and a :class:`~coopfinance.training.Cohort`. Each document
has a *context* function (what its templates use, so a co-op's own templates get the same names)
and a *render* function; PDF is ``render_pdf(name, context, ...)`` with the same context.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from coopfinance import text
from coopfinance._decimal import exact
from coopfinance.documents._documents import rate_label
from coopfinance.documents._env import render
from coopfinance.documents._format import check_lang
from coopfinance.errors import E_, InvalidValue, WrongType, fmt_value
from coopfinance.training import (
    Cohort,
    Curriculum,
    OutcomeRecord,
    Quiz,
    Worksheet,
    certify,
)

__all__ = [
    "certificate_context",
    "guide_context",
    "render_certificate",
    "render_guide",
    "render_training_report",
    "render_worksheet",
    "training_report_context",
    "worksheet_context",
]

_HUNDRED = Decimal(100)
_Dirs = Iterable[str | os.PathLike[str]]


def _same_lang(curriculum: Curriculum, lang: str, what: str) -> None:
    if curriculum.lang != lang:
        raise InvalidValue(
            E_(
                "'lang' must be the language of the %(what)s's curriculum %(lang)s "
                "(got %(lang2)s); load the %(what)s with the curriculum in %(lang2)s.",
                what=what,
                lang=repr(curriculum.lang),
                lang2=repr(lang),
            ),
            field="lang",
            value=lang,
        )


def _places(value: Decimal | None, minimum: int) -> int:
    if value is None:
        return minimum
    exponent = value.normalize().as_tuple().exponent
    return min(6, max(minimum, -exponent if isinstance(exponent, int) else 0))


def _fraction(percent: Decimal | None) -> Decimal | None:
    """Percentage points → a fraction, for the ``percent`` filter."""
    return None if percent is None else percent / _HUNDRED


# -- the session guide ----------------------------------------------------------------------------
@exact
def guide_context(
    session_id: str, *, seed: int, curriculum: Curriculum | None = None, lang: str = "es"
) -> dict[str, Any]:
    """What the ``training_guide`` templates use.

    ``curriculum`` (its title), ``module`` (id, title, summary), ``session`` (id, title, minutes,
    objectives, materials, activities with title, minutes, method, description), ``seed`` and
    ``exercises``: the session's generators run for ``seed`` (a practice quiz), each with its
    question, choices, answer, worked solution (``steps``) and the mistake behind each distractor.
    ``curriculum`` defaults to the bundled one in ``lang``.
    """
    lang = check_lang(lang)
    course = curriculum if curriculum is not None else Curriculum.default(lang)
    _same_lang(course, lang, "guide")
    module = course.module_of(session_id)
    session = course.session(session_id)
    exercises: list[dict[str, Any]] = []
    if session.exercises:
        quiz = Quiz.build(module.topic, seed=seed, kind="practice", generators=session.exercises)
        exercises = quiz.to_data(lang, key=True)["exercises"]
    return {
        "curriculum": {"id": course.id, "title": course.title},
        "module": {"id": module.id, "title": module.title, "summary": module.summary},
        "session": {
            "id": session.id,
            "title": session.title,
            "minutes": session.minutes,
            "objectives": list(session.objectives),
            "materials": list(session.materials),
            "activities": [
                {
                    "title": a.title,
                    "minutes": a.minutes,
                    "method": a.method.value,
                    "description": a.description,
                }
                for a in session.activities
            ],
        },
        "seed": seed,
        "exercises": exercises,
    }


@exact
def render_guide(
    session_id: str,
    *,
    seed: int,
    curriculum: Curriculum | None = None,
    lang: str = "es",
    fmt: str = "md",
    template_dirs: _Dirs = (),
    messages: text.Overrides | None = None,
) -> str:
    """The trainer's guide to one session: objectives, materials, activities with their minutes,
    and the practice exercises with worked solutions and answer keys.

    >>> text = render_guide("milk-2", seed=7, lang="en")
    >>> print(text.splitlines()[0])
    # Trainer's guide: The installment taken from the milk
    """
    context = guide_context(session_id, seed=seed, curriculum=curriculum, lang=lang)
    return render(
        "training_guide",
        context,
        lang=lang,
        fmt=fmt,
        template_dirs=template_dirs,
        messages=messages,
    )


# -- the personal worksheet -----------------------------------------------------------------------
@exact
def worksheet_context(
    sheet: Worksheet, *, lang: str = "es", key: bool = False, coop: str | None = None
) -> dict[str, Any]:
    """What the ``training_worksheet`` templates use.

    Everything :meth:`Worksheet.to_data` gives (``name``, ``member``, ``key``, ``exercises``),
    plus ``coop`` (or ``None``), ``currency`` and the member's figures as numbers: ``loan``
    (principal, rate, installments, installment, disbursed, maturity, row), ``milk`` (litres,
    price, installment, service_per_litre, savings, and ``places``: the decimals that show
    litres, price and service charge exactly), ``budget`` (income, costs) and
    ``savings_goal`` (goal, monthly); each ``None`` when not given. Without ``key`` nothing in
    the context holds an answer.
    """
    if not isinstance(sheet, Worksheet):
        raise WrongType(
            E_("'sheet' must be a Worksheet (got %(type)s).", type=type(sheet).__name__),
            field="sheet",
            value=sheet,
        )
    lang = check_lang(lang)
    m = sheet.member
    loan = None
    if m.loan is not None:
        schedule = m.loan.schedule()
        loan = {
            "principal": schedule.principal,
            "rate": rate_label(m.loan.rate, lang),
            "installments": len(schedule),
            "installment": schedule.installment_amount,
            "disbursed": schedule.disbursed,
            "maturity": schedule.maturity,
            "row": sheet.row,
        }
    milk = None
    if m.litres is not None:
        milk = {
            "litres": m.litres,
            "price": m.price,
            "installment": m.loan_installment,
            "service_per_litre": m.service_per_litre,
            "savings": m.savings if m.service_per_litre is not None else None,
            # decimals to show a figure exactly (S/ 0.055 a litre must not read S/ 0.06)
            "places": {
                "litres": _places(m.litres, 0),
                "price": _places(m.price, 2),
                "service_per_litre": _places(m.service_per_litre, 2),
            },
        }
    return {
        **sheet.to_data(lang, key=key),
        "coop": coop,
        "currency": "PEN",
        "loan": loan,
        "milk": milk,
        "budget": None if m.income is None else {"income": m.income, "costs": m.costs},
        "savings_goal": None if m.goal is None else {"goal": m.goal, "monthly": m.monthly},
    }


@exact
def render_worksheet(
    sheet: Worksheet,
    *,
    key: bool = False,
    coop: str | None = None,
    lang: str = "es",
    fmt: str = "md",
    template_dirs: _Dirs = (),
    messages: text.Overrides | None = None,
) -> str:
    """A member's personal worksheet: their own figures, then each exercise with room to answer.
    With ``key`` it is the trainer's answer key: answers, worked solutions and typical mistakes.

    >>> from coopfinance.training import MemberData, worksheet
    >>> sheet = worksheet(MemberData(id="M001", name="Rosa Quispe", litres=1240, price="1.30"),
    ...                   seed=1)
    >>> text = render_worksheet(sheet, lang="es")
    >>> "S/ 1,612.00" in text, "S/ 1,612.00" in render_worksheet(sheet, key=True, lang="es")
    (False, True)
    """
    context = worksheet_context(sheet, lang=lang, key=key, coop=coop)
    return render(
        "training_worksheet",
        context,
        lang=lang,
        fmt=fmt,
        template_dirs=template_dirs,
        messages=messages,
    )


# -- the certificate ------------------------------------------------------------------------------
def _cohort(value: object) -> Cohort:
    if not isinstance(value, Cohort):
        raise WrongType(
            E_("'cohort' must be a Cohort (got %(type)s).", type=type(value).__name__),
            field="cohort",
            value=value,
        )
    return value


@exact
def certificate_context(
    cohort: Cohort,
    participant_id: str,
    *,
    issued: dt.date | None = None,
    issuer: str | None = None,
) -> dict[str, Any]:
    """What the ``training_certificate`` templates use; raises
    :class:`~coopfinance.errors.CourseNotCompleted` for a participant who has not completed.

    ``name``, ``participant``, ``role``, ``cohort`` (its name), ``course`` (the curriculum's
    title), ``modules`` (titles of the modules completed), ``sessions_attended``,
    ``sessions_total``, ``attendance`` (a fraction), ``hours`` (the minutes of the sessions
    attended ÷ 60, to one decimal), ``issued`` (default: the last session the participant
    attended) and ``issuer`` (or ``None``).
    """
    cohort = _cohort(cohort)
    progress = certify(cohort, participant_id)
    if issued is not None and not isinstance(issued, dt.date):
        raise WrongType(
            E_("'issued' must be a date (got %(issued)s).", issued=fmt_value(issued)),
            field="issued",
            value=issued,
        )
    attended = [h.date for h in cohort.sessions_held if participant_id in h.attended]
    minutes = sum(cohort.curriculum.session(s).minutes for s in progress.sessions_attended)
    titles = {m.id: m.title for m in cohort.curriculum.modules}
    return {
        "name": progress.participant.name,
        "participant": progress.participant.id,
        "role": progress.participant.role.value,
        "cohort": cohort.name,
        "course": cohort.curriculum.title,
        "modules": [titles[m] for m in progress.modules_completed],
        "sessions_attended": len(progress.sessions_attended),
        "sessions_total": progress.sessions_total,
        "attendance": _fraction(progress.attendance),
        "hours": (Decimal(minutes) / 60).quantize(Decimal("0.1"), ROUND_HALF_UP),
        "issued": issued if issued is not None else max(attended),
        "issuer": issuer,
    }


@exact
def render_certificate(
    cohort: Cohort,
    participant_id: str,
    *,
    issued: dt.date | None = None,
    issuer: str | None = None,
    lang: str = "es",
    fmt: str = "md",
    template_dirs: _Dirs = (),
    messages: text.Overrides | None = None,
) -> str:
    """The completion certificate of one participant who completed the course (otherwise
    :class:`~coopfinance.errors.CourseNotCompleted`, saying what is missing)."""
    _same_lang(_cohort(cohort).curriculum, check_lang(lang), "cohort")
    context = certificate_context(cohort, participant_id, issued=issued, issuer=issuer)
    return render(
        "training_certificate",
        context,
        lang=lang,
        fmt=fmt,
        template_dirs=template_dirs,
        messages=messages,
    )


# -- the cohort report ----------------------------------------------------------------------------
@exact
def training_report_context(
    cohort: Cohort, *, outcomes: Iterable[OutcomeRecord] = ()
) -> dict[str, Any]:
    """What the ``training_report`` templates use.

    ``cohort`` (id, name), ``course``, ``rule`` (min_attendance, pass_mark as fractions),
    ``participants`` (id, name, role, attended, total, attendance, modules, completed),
    ``completed`` and ``completion`` (how many completed, and the share), ``mean_attendance``,
    ``sessions`` held (date, id, title, module, present, of), ``gains`` per module (title,
    participants, mean_pre, mean_post as fractions, ``gain`` in points, ``normalized_gain``) and
    ``outcomes`` (:class:`~coopfinance.training.OutcomeIndicators` as fractions and soles, or
    ``None`` when no record is given). Percentages are fractions for the ``percent`` filter.
    """
    cohort = _cohort(cohort)
    records = tuple(outcomes)
    course = cohort.curriculum
    rows: list[dict[str, Any]] = []
    attendances: list[Decimal] = []
    for p in cohort.progress_all():
        attendances.append(p.attendance / _HUNDRED)
        rows.append(
            {
                "id": p.participant.id,
                "name": p.participant.name,
                "role": p.participant.role.value,
                "attended": len(p.sessions_attended),
                "total": p.sessions_total,
                "attendance": _fraction(p.attendance),
                "modules": len(p.modules_completed),
                "completed": p.completed,
            }
        )
    n = len(rows)
    done = sum(1 for r in rows if r["completed"])
    mean = sum(attendances, Decimal(0)) / n if n else Decimal(0)
    mean_attendance = mean.quantize(Decimal("0.0001"), ROUND_HALF_UP)
    sessions = []
    for h in sorted(cohort.sessions_held, key=lambda h: (h.date, h.session_id)):
        sessions.append(
            {
                "date": h.date,
                "id": h.session_id,
                "title": course.session(h.session_id).title,
                "module": course.module_of(h.session_id).title,
                "present": len(h.attended),
                "of": n,
            }
        )
    gains = [
        {
            "module": g.module_id,
            "title": course.module(g.module_id).title,
            "participants": g.participants,
            "mean_pre": _fraction(g.mean_pre),
            "mean_post": _fraction(g.mean_post),
            "gain": g.gain,
            "normalized_gain": g.normalized_gain,
        }
        for g in cohort.gains()
    ]
    indicators = None
    if records:
        out = cohort.outcomes(records)
        indicators = {
            "participants": out.participants,
            "on_time_before": _fraction(out.on_time_before),
            "on_time_after": _fraction(out.on_time_after),
            "on_time_change": out.on_time_change,
            "savings_before": out.mean_savings_before,
            "savings_after": out.mean_savings_after,
            "savings_change": out.savings_change,
        }
    return {
        "cohort": {"id": cohort.id, "name": cohort.name},
        "course": course.title,
        "currency": "PEN",
        "rule": {
            "min_attendance": cohort.rule.min_attendance,
            "pass_mark": cohort.rule.pass_mark,
        },
        "participants": rows,
        "completed": done,
        "completion": (Decimal(done) / n) if n else Decimal(0),
        "mean_attendance": mean_attendance,
        "sessions": sessions,
        "gains": gains,
        "outcomes": indicators,
    }


@exact
def render_training_report(
    cohort: Cohort,
    *,
    outcomes: Iterable[OutcomeRecord] = (),
    lang: str = "es",
    fmt: str = "md",
    template_dirs: _Dirs = (),
    messages: text.Overrides | None = None,
) -> str:
    """The cohort's progress report: attendance and completion per participant, sessions held,
    pre/post gain per module and the outcome indicators from the co-op's records."""
    _same_lang(_cohort(cohort).curriculum, check_lang(lang), "cohort")
    context = training_report_context(cohort, outcomes=outcomes)
    return render(
        "training_report",
        context,
        lang=lang,
        fmt=fmt,
        template_dirs=template_dirs,
        messages=messages,
    )
