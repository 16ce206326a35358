"""``coopfinance training``: quizzes, session guides, worksheets, certificates and cohort reports."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from coopfinance._fields import to_date
from coopfinance.cli._options import (
    DOCUMENT_FORMATS,
    add_format,
    add_lang,
    add_output,
    add_templates,
    choices,
    chosen_format,
    csv_text,
    emit,
    write_document,
)
from coopfinance.errors import E_, InvalidValue
from coopfinance.training import GENERATORS, QuizKind

__all__ = ["MAX_QUIZ", "register"]

MAX_QUIZ = 200
"""The most exercises one quiz holds (``--count``)."""


def _quiz(ns: argparse.Namespace, out: TextIO) -> int:
    from coopfinance.documents import render
    from coopfinance.training import Quiz

    if ns.count is not None and ns.count > MAX_QUIZ:
        raise InvalidValue(
            E_(
                "'--count' must be at most %(max_quiz)s exercises (got %(count)s).",
                max_quiz=MAX_QUIZ,
                count=format(ns.count, ","),
            ),
            field="count",
            value=ns.count,
        )
    fmt = chosen_format(ns)
    quiz = Quiz.build(ns.topic, seed=ns.seed, kind=ns.kind, count=ns.count)
    data = quiz.to_data(ns.lang, key=not ns.no_key)
    if fmt == "json":
        return emit(ns, out, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    if fmt == "csv":
        return emit(ns, out, _quiz_csv(data))
    return emit(
        ns, out, render("quiz", {"quiz": data, "key": not ns.no_key}, lang=ns.lang, fmt="txt")
    )


def _quiz_csv(data: Any) -> str:
    """One line per exercise: its plain fields (formula-safe), lists and tables as JSON."""
    items = data.get("exercises") or data.get("questions") or [] if isinstance(data, dict) else []
    if not items or not isinstance(items[0], dict):
        return csv_text(
            ("field", "value"),
            [(k, json.dumps(v, ensure_ascii=False, default=str)) for k, v in dict(data).items()],
        )
    header = list(items[0])
    return csv_text(
        header,
        (
            [
                json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, dict | list) else v
                for v in (item.get(h) for h in header)
            ]
            for item in items
        ),
    )


def _format(ns: argparse.Namespace) -> str:
    """``--format``, else the suffix of ``-o`` (.md, .html, .pdf), else md."""
    fmt = chosen_format(ns)
    return "md" if fmt == "table" else fmt


def _emit(ns: argparse.Namespace, out: TextIO, name: str, context: Any) -> int:
    return write_document(ns, out, name, context, _format(ns))


def _curriculum(ns: argparse.Namespace) -> Any:
    from coopfinance.training import Curriculum

    course = Curriculum.default(ns.lang)
    if ns.curriculum:
        course = course.extend(Curriculum.from_file(ns.curriculum), replace=True)
    return course


def _worksheet(ns: argparse.Namespace, out: TextIO) -> int:
    from coopfinance.documents import worksheet_context
    from coopfinance.errors import InvalidMemberData
    from coopfinance.training import MemberData, worksheet

    member = MemberData.from_file(ns.data)
    if member.id != ns.member:
        raise InvalidMemberData(
            E_(
                "'member' %(member)s is not the member of %(data)s (its id is %(id)s).",
                member=repr(ns.member),
                data=ns.data,
                id=repr(member.id),
            ),
            field="member",
            value=ns.member,
        )
    sheet = worksheet(member, seed=ns.seed)
    context = worksheet_context(sheet, lang=ns.lang, key=ns.answers, coop=ns.coop)
    return _emit(ns, out, "training_worksheet", context)


def _guide(ns: argparse.Namespace, out: TextIO) -> int:
    from coopfinance.documents import guide_context

    context = guide_context(ns.session, seed=ns.seed, curriculum=_curriculum(ns), lang=ns.lang)
    return _emit(ns, out, "training_guide", context)


def _records(ns: argparse.Namespace) -> Any:
    from coopfinance.training import CohortRecords

    return CohortRecords.from_file(ns.cohort, curriculum=_curriculum(ns), lang=ns.lang)


def _certificate(ns: argparse.Namespace, out: TextIO) -> int:
    from coopfinance.documents import certificate_context

    records = _records(ns)
    issued = None if ns.date is None else to_date(ns.date, field="date", error=InvalidValue)
    context = certificate_context(
        records.cohort,
        ns.participant,
        issued=issued,
        issuer=ns.issuer if ns.issuer is not None else records.issuer,
    )
    return _emit(ns, out, "training_certificate", context)


def _report(ns: argparse.Namespace, out: TextIO) -> int:
    from coopfinance.documents import training_report_context

    records = _records(ns)
    context = training_report_context(records.cohort, outcomes=records.outcomes)
    return _emit(ns, out, "training_report", context)


def _add_document_options(p: argparse.ArgumentParser, *, curriculum: bool) -> None:
    add_lang(p, help="language of the document")
    if curriculum:
        p.add_argument(
            "--curriculum",
            default=None,
            metavar="FILE",
            help="a co-op's own modules (.toml or .json) added to the bundled curriculum",
        )
    add_format(p, DOCUMENT_FORMATS, default="md")
    add_templates(p)
    add_output(p)


def register(subparsers: Any) -> None:
    """Add ``training`` and its subcommands."""
    topics = sorted({topic.value for topic, _ in GENERATORS.values()})
    t = subparsers.add_parser(
        "training",
        help="financial training: quizzes, session guides, worksheets, certificates, reports",
        description="Financial training for co-op members.",
    )
    tsub = t.add_subparsers(dest="training_command", required=True, metavar="TRAINING_COMMAND")
    q = tsub.add_parser(
        "quiz",
        help="print a quiz with its answer key",
        description="Print a quiz built from the exercise generators of a topic, deterministic "
        "for a seed, with the answer key and worked solutions.",
    )
    q.add_argument("--topic", required=True, choices=topics, help="the module's topic")
    q.add_argument("--seed", type=int, required=True, help="the same seed gives the same quiz")
    q.add_argument("--kind", default="pre", choices=choices(QuizKind), help="default pre")
    q.add_argument(
        "--count",
        type=int,
        default=None,
        help=f"number of exercises, 1 to {MAX_QUIZ} (default: one per generator)",
    )
    add_lang(q, help="language of the quiz")
    q.add_argument("--no-key", action="store_true", help="leave out the answer key")
    add_format(q, ("text", "csv", "json"), default="text")
    add_output(q, metavar="FILE")
    q.set_defaults(handler=_quiz)

    w = tsub.add_parser(
        "worksheet",
        help="a member's personal worksheet from their own figures (or its answer key)",
        description="Write a personal worksheet whose exercises use the member's own loan, milk, "
        "budget and savings figures (file format: docs/training.md). --answers writes the "
        "trainer's answer key instead.",
    )
    w.add_argument("--member", required=True, metavar="ID", help="the member's id (checked)")
    w.add_argument(
        "--data", required=True, metavar="FILE", help="the member's figures, .toml or .json"
    )
    w.add_argument("--seed", type=int, default=0, help="picks the schedule row and choice order")
    w.add_argument("--answers", action="store_true", help="the trainer's answer key")
    w.add_argument("--coop", default=None, help="the co-op's name on the worksheet")
    _add_document_options(w, curriculum=False)
    w.set_defaults(handler=_worksheet)

    g = tsub.add_parser(
        "guide",
        help="the trainer's guide to one session, with exercises and answer keys",
        description="Write the trainer's guide to a session: objectives, materials, activities "
        "with minutes, and practice exercises with worked solutions.",
    )
    g.add_argument("--session", required=True, metavar="ID", help="a session id, e.g. milk-2")
    g.add_argument("--seed", type=int, default=0, help="the exercises' seed")
    _add_document_options(g, curriculum=True)
    g.set_defaults(handler=_guide)

    c = tsub.add_parser(
        "certificate",
        help="a completion certificate (only for a participant who completed)",
        description="Write the completion certificate of a participant of a cohort file; an "
        "error says what is missing when the participant has not completed.",
    )
    c.add_argument("--cohort", required=True, metavar="FILE", help="the cohort file, .toml/.json")
    c.add_argument("--participant", required=True, metavar="ID", help="the participant's id")
    c.add_argument("--date", default=None, help="date issued (default: last session attended)")
    c.add_argument("--issuer", default=None, help="who issues it (default: the file's issuer)")
    _add_document_options(c, curriculum=True)
    c.set_defaults(handler=_certificate)

    r = tsub.add_parser(
        "report",
        help="a cohort's progress report: attendance, completion, gains, outcomes",
        description="Write the progress report of a cohort file: attendance and completion per "
        "participant, sessions held, pre/post gain per module and outcome indicators.",
    )
    r.add_argument("--cohort", required=True, metavar="FILE", help="the cohort file, .toml/.json")
    _add_document_options(r, curriculum=True)
    r.set_defaults(handler=_report)
