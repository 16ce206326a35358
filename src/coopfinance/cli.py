"""The ``coopfinance`` command: argv → domain values → library → output. The only module that prints.

Domain errors print ``Error: …`` on stderr and exit 1; usage errors exit 2 (argparse).
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TextIO

from coopfinance.__about__ import __version__
from coopfinance._terms import LoanTerms
from coopfinance.errors import CoopFinanceError, InvalidValue

__all__ = ["main", "run"]

_FORMATS = ("table", "csv", "json", "md", "html", "pdf")
_DOCUMENT_FORMATS = ("md", "html", "pdf")


def _add_loan_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("loan")
    g.add_argument(
        "--terms",
        default=None,
        metavar="FILE",
        help="loan terms from a JSON or TOML file (keys of LoanTerms.from_dict, see "
        "docs/interchange.md); options given on the command line override it",
    )
    g.add_argument("--principal", default=None, help="amount lent, e.g. 5000 or 'S/ 5,000'")
    g.add_argument("--currency", default=None, help="ISO 4217 code (default PEN)")
    g.add_argument("--rate", default=None, help="rate as '35%%' or '0.35'")
    g.add_argument(
        "--rate-type",
        default="effective-annual",
        choices=[
            "effective-annual",
            "nominal-annual",
            "effective-monthly",
            "effective-daily",
            "flat-monthly",
            "flat-annual",
        ],
        help="how the rate is quoted (default effective-annual, Peru's TEA)",
    )
    g.add_argument(
        "--installments",
        type=int,
        default=None,
        help="number of installments, grace periods included",
    )
    g.add_argument(
        "--frequency",
        default="monthly",
        help="weekly|biweekly|semimonthly|monthly|bimonthly|quarterly|semiannual|"
        "annual|<N>d (default monthly)",
    )
    g.add_argument("--disbursed", default=None, help="disbursement date, YYYY-MM-DD")
    g.add_argument("--first-due", default=None, help="first due date, YYYY-MM-DD")
    g.add_argument(
        "--due-dates",
        default=None,
        help="explicit due dates, comma-separated YYYY-MM-DD (replaces --frequency)",
    )
    g.add_argument(
        "--method",
        default=None,
        choices=["level", "constant-principal", "flat", "bullet", "interest-only", "weighted"],
        help="amortization (default level; flat for a flat rate)",
    )
    g.add_argument(
        "--weights",
        default=None,
        help="weighted method: one positive weight per installment after grace, comma-separated",
    )
    g.add_argument(
        "--day-count",
        default=None,
        choices=["act/360", "act/365", "act/act", "30/360", "30e/360", "per-period"],
        help="day count (default act/360; per-period for flat rates)",
    )
    g.add_argument("--grace", type=int, default=0, help="grace periods (default 0)")
    g.add_argument(
        "--grace-type",
        default="capitalize",
        choices=["capitalize", "pay-interest", "waive"],
        help="interest during grace (default capitalize)",
    )
    g.add_argument(
        "--rounding",
        default="half-up",
        choices=["half-up", "half-even"],
        help="rounding mode (default half-up)",
    )
    g.add_argument(
        "--rounding-unit",
        default=None,
        help="round every amount to a multiple of this (default: the currency's minor unit)",
    )
    g.add_argument(
        "--multiple",
        default=None,
        help="round the installment to a multiple of this step, e.g. 0.10 or 1",
    )
    g.add_argument(
        "--holidays",
        default="none",
        help="PE (Peru's public holidays; due dates roll to the next business day) or "
        "none (default)",
    )
    g.add_argument(
        "--charge",
        action="append",
        default=[],
        metavar="KIND:VALUE[:OPTION]",
        help="a charge, repeatable: upfront:1%%:withheld, upfront:100:financed, "
        "installment:10.00, installment:1%%:principal, insurance:0.10%%:balance, "
        "insurance:0.0675%%:original, tax:0.005%% (see docs/charges.md)",
    )
    g.add_argument("--down-payment", default=None, help="share due at disbursement, e.g. 25%%")
    g.add_argument(
        "--level-includes-insurance",
        action="store_true",
        help="keep principal + interest + insurance on the balance level",
    )
    g.add_argument(
        "--business-day",
        default=None,
        choices=["none", "following", "modified-following", "preceding"],
        help="rolling rule with --holidays (default following)",
    )


# What each loan option is when not given: only options that differ override a --terms file.
_UNSET: dict[str, Any] = {
    "principal": None,
    "currency": None,
    "rate": None,
    "rate_type": "effective-annual",
    "disbursed": None,
    "installments": None,
    "frequency": "monthly",
    "first_due": None,
    "due_dates": None,
    "amortization": None,
    "weights": None,
    "day_count": None,
    "grace": 0,
    "grace_type": "capitalize",
    "rounding": "half-up",
    "rounding_unit": None,
    "installment_multiple": None,
    "business_day": "none",
    "holidays": "none",
    "charges": [],
    "down_payment": None,
    "level_includes_insurance": False,
}


def _read_terms_file(path: str) -> dict[str, Any]:
    file = pathlib.Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidValue(
            f"'terms' must be a readable file (got {path!r}: {exc.strerror}).",
            field="terms",
            value=path,
        ) from None
    try:
        if file.suffix.lower() == ".toml":
            import tomllib

            data = tomllib.loads(text, parse_float=Decimal)  # numbers stay exact
        else:
            data = json.loads(text, parse_float=Decimal)
    except (ValueError, json.JSONDecodeError) as exc:
        raise InvalidValue(
            f"'terms' file {path!r} is not valid {file.suffix.lstrip('.').upper() or 'JSON'}: {exc}",
            field="terms",
            value=path,
        ) from None
    if not isinstance(data, dict):
        raise InvalidValue(
            f"'terms' file {path!r} must hold a table of loan terms (got {type(data).__name__}).",
            field="terms",
            value=path,
        )
    return {str(k): v for k, v in data.items()}


def _terms_mapping(ns: argparse.Namespace) -> dict[str, Any]:
    given = _given_terms(ns)
    if ns.terms is None:
        return given
    merged = _read_terms_file(ns.terms)
    for key, value in given.items():
        if value != _UNSET[key]:
            merged[key] = value
    return merged


def _given_terms(ns: argparse.Namespace) -> dict[str, Any]:
    holidays = ns.holidays
    business_day = ns.business_day
    if holidays.strip().lower() == "none" and business_day is None:
        business_day = "none"
    return {
        "principal": ns.principal,
        "currency": ns.currency,
        "rate": ns.rate,
        "rate_type": ns.rate_type,
        "disbursed": ns.disbursed,
        "installments": ns.installments,
        "frequency": ns.frequency if ns.due_dates is None else None,
        "first_due": ns.first_due,
        "due_dates": ns.due_dates,
        "amortization": ns.method,
        "weights": ns.weights,
        "day_count": ns.day_count,
        "grace": ns.grace,
        "grace_type": ns.grace_type,
        "rounding": ns.rounding,
        "rounding_unit": ns.rounding_unit,
        "installment_multiple": ns.multiple,
        "business_day": business_day,
        "holidays": holidays if holidays.strip().lower() != "none" else "none",
        "charges": ns.charge,
        "down_payment": ns.down_payment,
        "level_includes_insurance": ns.level_includes_insurance,
    }


def _add_document_options(p: argparse.ArgumentParser, *, key_facts: bool = False) -> None:
    g = p.add_argument_group("documents (--format md, html or pdf)")
    g.add_argument("--borrower", default="—", help="the borrower's name on the document")
    g.add_argument("--lender", default="—", help="the lender's name on the document")
    if key_facts:
        g.add_argument("--product", default="—", help="the loan product (key-facts sheet)")
        g.add_argument("--moratorium-rate", default=None, help="late-payment rate shown, e.g. 19%%")
        g.add_argument("--late-fee", default=None, help="late fee shown, e.g. 10.00")
    g.add_argument(
        "--templates",
        action="append",
        default=[],
        metavar="DIR",
        help="a template directory searched before the bundled one (repeatable)",
    )
    g.add_argument(
        "-o", "--output", default=None, help="write the document to this file (required for pdf)"
    )


def _emit(ns: argparse.Namespace, out: TextIO, document: str | bytes) -> int:
    if ns.output:
        path = pathlib.Path(ns.output)
        if isinstance(document, bytes):
            path.write_bytes(document)
        else:
            path.write_text(document, encoding="utf-8")
        return 0
    if isinstance(document, bytes):
        raise InvalidValue(
            "'output' is needed for a PDF (got none); pass -o FILE.pdf.", field="output", value=None
        )
    out.write(document if document.endswith("\n") else document + "\n")
    return 0


def _cmd_schedule(ns: argparse.Namespace, out: TextIO) -> int:
    terms = LoanTerms.from_dict(_terms_mapping(ns))
    schedule = terms.schedule()
    if ns.format in _DOCUMENT_FORMATS:
        from coopfinance.documents import rate_label, render, render_pdf, schedule_context

        context = schedule_context(
            schedule,
            borrower=ns.borrower,
            lender=ns.lender,
            rate_label=rate_label(terms.rate, ns.lang),
        )
        if ns.format == "pdf":
            return _emit(
                ns, out, render_pdf("schedule", context, lang=ns.lang, template_dirs=ns.templates)
            )
        return _emit(
            ns,
            out,
            render("schedule", context, lang=ns.lang, fmt=ns.format, template_dirs=ns.templates),
        )
    if ns.format == "json":
        out.write(schedule.to_json() + "\n")
    elif ns.format == "csv":
        out.write(schedule.to_csv())
    else:
        out.write(
            f"{terms.principal} · {terms.rate} · {terms.day_count.value} · "
            f"{terms.amortization.value}\n"
        )
        out.write(schedule.to_table(ns.lang) + "\n")
    return 0


_FIGURES = ("tea", "tcea", "apr", "aprc", "eir")


def _cmd_cost(ns: argparse.Namespace, out: TextIO) -> int:
    from coopfinance.cost import cost_of_credit

    terms = LoanTerms.from_dict(_terms_mapping(ns))
    includes = {}
    for figure in ("tcea", "apr", "aprc", "eir"):
        value = getattr(ns, f"{figure}_includes")
        includes[f"{figure}_includes"] = (
            None if value is None else [v.strip() for v in value.split(",") if v.strip()]
        )
    cost = cost_of_credit(terms, **includes)
    if ns.format in _DOCUMENT_FORMATS:
        from coopfinance.documents import KeyFacts, key_facts_context, render, render_pdf

        facts = KeyFacts.from_loan(
            terms,
            borrower=ns.borrower,
            lender=ns.lender,
            product=ns.product,
            moratorium_rate=ns.moratorium_rate,
            late_fee=ns.late_fee,
        )
        context = key_facts_context(facts)
        if ns.format == "pdf":
            return _emit(
                ns, out, render_pdf("key_facts", context, lang=ns.lang, template_dirs=ns.templates)
            )
        return _emit(
            ns,
            out,
            render("key_facts", context, lang=ns.lang, fmt=ns.format, template_dirs=ns.templates),
        )
    if ns.format == "json":
        out.write(json.dumps(cost.to_dict(), indent=2) + "\n")
        return 0
    money = terms.principal.currency.symbol
    names = {"tea": "TEA", "tcea": "TCEA", "apr": "APR (US)", "aprc": "APRC (EU)", "eir": "EIR"}
    for figure in _FIGURES:
        rate = getattr(cost, figure)
        shown = (rate * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
        included = cost.includes.get(figure)
        note = "" if included is None else f"  (includes: {', '.join(included) or 'no charges'})"
        out.write(f"{names[figure]:<10} {shown:>9} %{note}\n")
    for label, amount in (
        ("amount received", cost.net_disbursement),
        ("total interest", cost.total_interest),
        ("total fees", cost.total_fees),
        ("total insurance", cost.total_insurance),
        ("total taxes", cost.total_taxes),
        ("total to pay", cost.total_to_pay),
    ):
        out.write(f"{label:<16} {money} {amount:>12,.{terms.principal.currency.minor_unit}f}\n")
    return 0


def _cmd_demo(ns: argparse.Namespace, out: TextIO) -> int:
    import time

    from coopfinance._demo import run_demo

    start = time.perf_counter()

    def progress(message: str) -> None:
        sys.stderr.write(f"[{time.perf_counter() - start:5.1f} s] {message}\n")
        sys.stderr.flush()

    result = run_demo(ns.outdir, lang=ns.lang, progress=progress)
    for check in result.checks:
        out.write(f"ok  {check}\n")
    out.write(
        f"{len(result.files)} files in {result.outdir}; open {result.outdir / 'index.html'}\n"
    )
    return 0


# -- training ---------------------------------------------------------------------------------------
_TRAINING_WORDS = {
    "es": {"quiz": "Cuestionario", "pre": "de entrada", "post": "de salida",
           "practice": "de práctica", "seed": "semilla", "key": "Clave de respuestas",
           "answer": "Respuesta", "tolerance": "tolerancia", "mistake": "error típico"},
    "en": {"quiz": "Quiz", "pre": "pre-test", "post": "post-test", "practice": "practice",
           "seed": "seed", "key": "Answer key", "answer": "Answer", "tolerance": "tolerance",
           "mistake": "typical mistake"},
}  # fmt: skip


def _cmd_training(ns: argparse.Namespace, out: TextIO) -> int:
    from coopfinance.training import Quiz

    quiz = Quiz.build(ns.topic, seed=ns.seed, kind=ns.kind, count=ns.count)
    data = quiz.to_data(ns.lang, key=not ns.no_key)
    if ns.format == "json":
        out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return 0
    w = _TRAINING_WORDS[ns.lang]
    out.write(f"{w['quiz']} {w[data['kind']]}: {data['title']} ({w['seed']} {data['seed']})\n\n")
    for item in data["exercises"]:
        out.write(f"{item['number']}. {item['question']}\n")
        for c in item["choices"]:
            out.write(f"   {c['label']}) {c['text']}\n")
        out.write("\n")
    if ns.no_key:
        return 0
    out.write(f"{w['key']}\n{'=' * len(w['key'])}\n")
    for item in data["exercises"]:
        letter = next((c["label"] for c in item["choices"] if c["correct"]), None)
        shown = f"{letter}) {item['answer']}" if letter else item["answer"]
        out.write(
            f"{item['number']}. {w['answer']}: {shown}  ({w['tolerance']} ± {item['tolerance']})\n"
        )
        for step in item["steps"]:
            out.write(f"   {step}\n")
        for c in item["choices"]:
            if c["mistake"]:
                out.write(f"   {c['label']}) {w['mistake']}: {c['mistake']}\n")
    return 0


def _training_format(ns: argparse.Namespace) -> str:
    """``--format``, else the suffix of ``-o`` (.md, .html, .pdf), else md."""
    if ns.format is not None:
        return str(ns.format)
    if ns.output:
        suffix = pathlib.Path(ns.output).suffix.lower().lstrip(".")
        if suffix in _DOCUMENT_FORMATS:
            return suffix
        raise InvalidValue(
            f"'output' must end in .md, .html or .pdf, or pass --format (got {ns.output!r}).",
            field="output",
            value=ns.output,
        )
    return "md"


def _training_emit(ns: argparse.Namespace, out: TextIO, name: str, context: Any) -> int:
    from coopfinance.documents import render, render_pdf

    fmt = _training_format(ns)
    if fmt == "pdf":
        return _emit(ns, out, render_pdf(name, context, lang=ns.lang, template_dirs=ns.templates))
    document = render(name, context, lang=ns.lang, fmt=fmt, template_dirs=ns.templates)
    return _emit(ns, out, document)


def _training_curriculum(ns: argparse.Namespace) -> Any:
    from coopfinance.training import Curriculum

    course = Curriculum.default(ns.lang)
    if ns.curriculum:
        course = course.extend(Curriculum.from_file(ns.curriculum), replace=True)
    return course


def _cmd_training_worksheet(ns: argparse.Namespace, out: TextIO) -> int:
    from coopfinance.documents import worksheet_context
    from coopfinance.errors import InvalidMemberData
    from coopfinance.training import MemberData, worksheet

    member = MemberData.from_file(ns.data)
    if member.id != ns.member:
        raise InvalidMemberData(
            f"'member' {ns.member!r} is not the member of {ns.data} (its id is {member.id!r}).",
            field="member",
            value=ns.member,
        )
    sheet = worksheet(member, seed=ns.seed)
    context = worksheet_context(sheet, lang=ns.lang, key=ns.answers, coop=ns.coop)
    return _training_emit(ns, out, "training_worksheet", context)


def _cmd_training_guide(ns: argparse.Namespace, out: TextIO) -> int:
    from coopfinance.documents import guide_context

    context = guide_context(
        ns.session, seed=ns.seed, curriculum=_training_curriculum(ns), lang=ns.lang
    )
    return _training_emit(ns, out, "training_guide", context)


def _training_records(ns: argparse.Namespace) -> Any:
    from coopfinance.training import CohortRecords

    return CohortRecords.from_file(ns.cohort, curriculum=_training_curriculum(ns), lang=ns.lang)


def _cmd_training_certificate(ns: argparse.Namespace, out: TextIO) -> int:
    import datetime as dt

    from coopfinance.documents import certificate_context

    records = _training_records(ns)
    issued = None
    if ns.date is not None:
        try:
            issued = dt.date.fromisoformat(ns.date)
        except ValueError:
            raise InvalidValue(
                f"'date' must be a date such as 2026-05-18 (got {ns.date!r}).",
                field="date",
                value=ns.date,
            ) from None
    context = certificate_context(
        records.cohort,
        ns.participant,
        issued=issued,
        issuer=ns.issuer if ns.issuer is not None else records.issuer,
    )
    return _training_emit(ns, out, "training_certificate", context)


def _cmd_training_report(ns: argparse.Namespace, out: TextIO) -> int:
    from coopfinance.documents import training_report_context

    records = _training_records(ns)
    context = training_report_context(records.cohort, outcomes=records.outcomes)
    return _training_emit(ns, out, "training_report", context)


def _add_training_document_options(p: argparse.ArgumentParser, *, curriculum: bool) -> None:
    p.add_argument("--lang", default="es", choices=["es", "en"], help="language (default es)")
    if curriculum:
        p.add_argument(
            "--curriculum",
            default=None,
            metavar="FILE",
            help="a co-op's own modules (.toml or .json) added to the bundled curriculum",
        )
    p.add_argument(
        "--format",
        default=None,
        choices=_DOCUMENT_FORMATS,
        help="md, html or pdf (default: from the suffix of -o, else md)",
    )
    p.add_argument(
        "--templates",
        action="append",
        default=[],
        metavar="DIR",
        help="a template directory searched before the bundled one (repeatable)",
    )
    p.add_argument(
        "-o", "--output", default=None, help="write the document to this file (required for pdf)"
    )


def _add_training_parser(sub: Any) -> None:
    from coopfinance.training import GENERATORS

    topics = sorted({topic.value for topic, _ in GENERATORS.values()})
    t = sub.add_parser(
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
    q.add_argument("--kind", default="pre", choices=["pre", "post", "practice"], help="default pre")
    q.add_argument(
        "--count", type=int, default=None, help="number of exercises (default: one per generator)"
    )
    q.add_argument("--lang", default="es", choices=["es", "en"], help="language (default es)")
    q.add_argument("--no-key", action="store_true", help="leave out the answer key")
    q.add_argument("--format", default="text", choices=("text", "json"), help="output format")
    q.set_defaults(handler=_cmd_training)

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
    _add_training_document_options(w, curriculum=False)
    w.set_defaults(handler=_cmd_training_worksheet)

    g = tsub.add_parser(
        "guide",
        help="the trainer's guide to one session, with exercises and answer keys",
        description="Write the trainer's guide to a session: objectives, materials, activities "
        "with minutes, and practice exercises with worked solutions.",
    )
    g.add_argument("--session", required=True, metavar="ID", help="a session id, e.g. milk-2")
    g.add_argument("--seed", type=int, default=0, help="the exercises' seed")
    _add_training_document_options(g, curriculum=True)
    g.set_defaults(handler=_cmd_training_guide)

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
    _add_training_document_options(c, curriculum=True)
    c.set_defaults(handler=_cmd_training_certificate)

    r = tsub.add_parser(
        "report",
        help="a cohort's progress report: attendance, completion, gains, outcomes",
        description="Write the progress report of a cohort file: attendance and completion per "
        "participant, sessions held, pre/post gain per module and outcome indicators.",
    )
    r.add_argument("--cohort", required=True, metavar="FILE", help="the cohort file, .toml/.json")
    _add_training_document_options(r, curriculum=True)
    r.set_defaults(handler=_cmd_training_report)


# -- coopfinance plan ---------------------------------------------------------------------------
def _add_plan_parser(sub: Any) -> None:
    p = sub.add_parser(
        "plan",
        help="evaluate a business plan: NPV, IRR, B/C, payback, break-even, DSCR, sensitivity",
        description="Evaluate a business plan file (TOML, JSON, or YAML with PyYAML) and print "
        "its indicators.",
    )
    p.add_argument(
        "file", help="the plan: .toml, .json, .yaml or .yml (see examples/plan-alfalfa.toml)"
    )
    p.add_argument("--format", default="table", choices=("table", "json"), help="output format")
    d = p.add_argument_group("the plan document (-o plan.html, plan.md or plan.pdf)")
    d.add_argument(
        "-o",
        "--output",
        default=None,
        metavar="FILE",
        help="write the business-plan document to FILE; its suffix (.md, .html, .pdf) sets the "
        "format (PDF needs WeasyPrint)",
    )
    d.add_argument("--lang", default="es", choices=["es", "en"], help="document language (es)")
    d.add_argument(
        "--templates",
        action="append",
        default=[],
        metavar="DIR",
        help="a template directory searched before the bundled one (repeatable); its templates "
        "render in Jinja2's sandbox",
    )
    p.set_defaults(handler=_cmd_plan)


_PLAN_SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".pdf": "pdf"}


def _write_plan_document(rep: Any, ns: argparse.Namespace, out: TextIO) -> int:
    from coopfinance.documents import render_plan

    path = pathlib.Path(ns.output)
    fmt = _PLAN_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise InvalidValue(
            f"'output' must end in .md, .html or .pdf (got {ns.output!r}).",
            field="output",
            value=ns.output,
        )
    document = render_plan(rep, lang=ns.lang, fmt=fmt, template_dirs=ns.templates)
    if isinstance(document, bytes):
        path.write_bytes(document)
    else:
        path.write_text(document, encoding="utf-8")
    out.write(f"wrote {path} ({fmt}, {ns.lang})\n")
    return 0


def _pct(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{(value * 100).quantize(Decimal('0.01'), ROUND_HALF_UP)} %"


def _num(value: Decimal | None, places: int = 2) -> str:
    if value is None:
        return "—"
    return f"{value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):,}"


def _cmd_plan(ns: argparse.Namespace, out: TextIO) -> int:
    from coopfinance.plans import BusinessPlan, report

    rep = report(BusinessPlan.from_file(ns.file))
    if ns.output is not None:
        return _write_plan_document(rep, ns, out)
    if ns.format == "json":
        out.write(json.dumps(rep.indicators(), indent=2, ensure_ascii=False) + "\n")
        return 0
    plan = rep.plan
    money = plan.currency.symbol
    basis = "incremental (with − without plan)" if plan.incremental else "with plan"
    out.write(f"{plan.title or plan.enterprise.name}\n")
    out.write(
        f"{plan.start.isoformat()} to {plan.end.isoformat()} · COK {_pct(plan.cok)} · {basis}\n\n"
    )
    out.write(f"{'':<28}{'economic':>16}{'financial':>16}\n")
    e, f = rep.economic, rep.financial
    for label, a, b in (
        (f"NPV ({money})", _num(e.npv), _num(f.npv)),
        ("IRR", _pct(e.irr), _pct(f.irr)),
        ("benefit/cost", _num(e.benefit_cost), _num(f.benefit_cost)),
        ("payback (years)", _num(e.payback_years), _num(f.payback_years)),
        (
            "discounted payback (years)",
            _num(e.discounted_payback_years),
            _num(f.discounted_payback_years),
        ),
    ):
        out.write(f"{label:<28}{a:>16}{b:>16}\n")
    for ev in (e, f):
        if ev.irr_problem:
            out.write(f"note: {ev.irr_problem}\n")
    out.write(
        f"\n{'year':<6}{'break-even L/day':>18}{'planned L/day':>15}{'break-even price':>18}\n"
    )
    for be in rep.break_even:
        out.write(
            f"{be.year:<6}{_num(be.litres_per_day, 1):>18}{_num(be.litres_per_day_planned, 1):>15}"
            f"{_num(be.price_per_litre, 4):>18}\n"
        )
    d = rep.debt
    if d.yearly:
        out.write(
            f"\nDSCR minimum {_num(d.minimum)} (year {d.minimum_year}); monthly minimum "
            f"{_num(d.minimum_monthly)} (month {d.minimum_month})\n"
        )
        verdict = "within" if d.within_limit else "above"
        out.write(
            f"repayment capacity: debt service takes {_pct(d.repayment_ratio)} of the cash "
            f"available ({verdict} the {_pct(d.limit)} limit)\n"
        )
    gap = rep.sources_and_uses.gap
    if gap:
        out.write(f"funding gap at year 0: {money} {_num(gap)}\n")
    for sv in (rep.sensitivity.switching_economic, rep.sensitivity.switching_financial):
        if sv.factor is None:
            out.write(f"switching price ({sv.kind}): {sv.note}\n")
        else:
            out.write(
                f"switching price ({sv.kind}): {money} {_num(sv.price_per_litre, 4)} per litre "
                f"({_pct(sv.change)} from the plan){'; ' + sv.note if sv.note else ''}\n"
            )
    return 0


# --- settle (milk settlement with check-off deductions; coopfinance.dairy) -------------------------


def _cmd_settle(ns: argparse.Namespace, out: TextIO) -> int:
    from coopfinance.dairy import (
        Deliveries,
        MilkPriceSchedule,
        Period,
        SettlementPolicy,
        obligations_from_csv,
        settle,
    )

    period = Period.parse(ns.period)
    strict = None if ns.select_period else period
    try:
        if str(ns.deliveries).lower().endswith(".xlsx"):
            deliveries = Deliveries.from_xlsx(ns.deliveries, period=strict)
        else:
            deliveries = Deliveries.from_csv(ns.deliveries, period=strict)
        prices = MilkPriceSchedule.from_file(ns.prices)
        obligations = obligations_from_csv(ns.obligations) if ns.obligations else ()
    except OSError as exc:
        raise InvalidValue(
            f"cannot read {exc.filename!r}: {exc.strerror}.", field="file", value=exc.filename
        ) from None
    if ns.select_period:
        kept = deliveries.within(period)
        due = [ob for ob in obligations if ob.due is None or period.contains(ob.due)]
        sys.stderr.write(
            f"{period}: kept {len(kept)} of {len(deliveries)} deliveries and {len(due)} of "
            f"{len(obligations)} obligations; the others fall outside the period\n"
        )
        deliveries, obligations = kept, tuple(due)
    policy = SettlementPolicy(
        caps=SettlementPolicy().caps if ns.loan_cap is None else {"loan-installment": ns.loan_cap},
        floor_share=ns.floor_share,
        floor_price_per_litre=ns.floor_price,
    )
    result = settle(deliveries, prices, period, obligations, policy)
    if ns.farmer is not None or ns.summary:
        return _settle_document(ns, out, result)
    if ns.format == "json":
        out.write(json.dumps(result.to_dict(), indent=2) + "\n")
        return 0
    cur = result.currency
    q = cur.unit
    kinds = [k for k, _ in result.summary.deductions_by_kind]
    short = {
        "service-charge": "services",
        "input-advance": "inputs",
        "loan-installment": "loans",
        "compulsory-savings": "compulsory",
        "voluntary-savings": "voluntary",
    }
    head = ["farmer", "litres", "gross", *(short[k.value] for k in kinds), "net", "arrears"]
    rows = []
    for f in result.statements:
        by = [f.by_kind(k)[0] for k in kinds]
        rows.append([f.farmer, f.litres, f.gross, *by, f.net, f.arrears])
    s = result.summary
    rows.append(
        ["TOTAL", s.litres, s.gross, *(v for _, v in s.deductions_by_kind), s.net, s.arrears]
    )

    def cell(v: Any) -> str:
        return v if isinstance(v, str) else f"{v.quantize(q, ROUND_HALF_UP):,}"

    table = [head, *([cell(v) for v in r] for r in rows)]
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    out.write(f"Settlement {result.period} · {cur.code} · {s.farmers} farmers\n")
    for n, r in enumerate(table):
        out.write(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
            + "\n"
        )
        if n == 0 or n == len(table) - 2:
            out.write("  ".join("-" * w for w in widths) + "\n")
    return 0


def _settle_document(ns: argparse.Namespace, out: TextIO, result: Any) -> int:
    """``--farmer ID`` (the farmer's statement) or ``--summary`` (the co-op's), as md/html/pdf."""
    from coopfinance.documents import (
        render,
        render_pdf,
        settlement_context,
        settlement_summary_context,
    )

    if ns.farmer is not None and ns.summary:
        raise InvalidValue(
            "'--farmer' and '--summary' make different documents; give one of them.",
            field="farmer",
            value=ns.farmer,
        )
    fmt = "md"
    if ns.output:
        fmt = pathlib.Path(ns.output).suffix.lower().lstrip(".")
        if fmt not in _DOCUMENT_FORMATS:
            raise InvalidValue(
                f"'output' must end in .md, .html or .pdf (got {ns.output!r}).",
                field="output",
                value=ns.output,
            )
    coop = ns.coop_name or ("Cooperativa" if ns.lang == "es" else "Co-op")
    if ns.summary:
        name = "settlement_summary"
        context = settlement_summary_context(result, coop_name=coop)
    else:
        name = "settlement"
        context = settlement_context(
            result.statement(ns.farmer),
            result,
            farmer_name=ns.farmer_name or ns.farmer,
            coop_name=coop,
        )
    if fmt == "pdf":
        return _emit(ns, out, render_pdf(name, context, lang=ns.lang, template_dirs=ns.templates))
    return _emit(ns, out, render(name, context, lang=ns.lang, fmt=fmt, template_dirs=ns.templates))


def _add_settle_parser(sub: Any) -> None:
    p = sub.add_parser(
        "settle",
        help="settle a period's milk payments with check-off deductions (liquidación)",
        description="Settle one period: gross milk value per farmer, deductions in priority order "
        "within caps and above the floor, net pay and arrears.",
    )
    p.add_argument(
        "--deliveries",
        required=True,
        metavar="FILE.csv|xlsx",
        help="deliveries: farmer,date,litres[,total_solids,fat,bacterial_count,cooled,route]; "
        ".xlsx needs openpyxl (coopfinance[xlsx])",
    )
    p.add_argument("--prices", required=True, metavar="FILE.toml|json", help="milk price schedule")
    p.add_argument(
        "--period",
        required=True,
        metavar="START..END",
        help="settlement period, e.g. 2026-01-01..2026-01-15",
    )
    p.add_argument(
        "--select-period",
        action="store_true",
        help="the files hold more than this period (a season): settle only the deliveries dated "
        "in it and the obligations due in it (says how many were left out); without it, a "
        "delivery outside the period is an error",
    )
    p.add_argument(
        "--obligations",
        default=None,
        metavar="FILE.csv",
        help="amounts due: farmer,kind,amount[,loan_id,priority,reference]",
    )
    p.add_argument(
        "--loan-cap",
        default=None,
        metavar="SHARE",
        help="loan installments at most this share of gross (default 30%%)",
    )
    p.add_argument(
        "--floor-share",
        default="0",
        metavar="SHARE",
        help="the farmer keeps at least this share of gross (default 0)",
    )
    p.add_argument(
        "--floor-price",
        default="0",
        metavar="PER_LITRE",
        help="the farmer keeps at least this much per litre (default 0)",
    )
    p.add_argument("--format", default="table", choices=("table", "json"), help="output format")
    g = p.add_argument_group(
        "documents (the format follows the extension of -o: .md, .html or .pdf; Markdown on "
        "standard output without -o)"
    )
    g.add_argument(
        "--farmer", default=None, metavar="ID", help="write this farmer's statement (liquidación)"
    )
    g.add_argument(
        "--summary", action="store_true", help="write the co-op's period summary, reconciled"
    )
    g.add_argument("--farmer-name", default=None, help="the farmer's name (default: the ID)")
    g.add_argument("--coop-name", default=None, help="the co-op's name on the document")
    g.add_argument("--lang", default="es", choices=["es", "en"], help="language (default es)")
    g.add_argument(
        "--templates",
        action="append",
        default=[],
        metavar="DIR",
        help="a template directory searched before the bundled one (repeatable)",
    )
    g.add_argument(
        "-o", "--output", default=None, metavar="FILE", help="FILE.md, FILE.html or FILE.pdf"
    )
    p.set_defaults(handler=_cmd_settle)


# -- statement (loan servicing) -------------------------------------------------------------------
def _read_text(path: str, field: str) -> str:
    from coopfinance.errors import ParseError

    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError as exc:
        raise ParseError(
            f"{field!r} file cannot be read ({exc.strerror}): {path!r}.", field=field, value=path
        ) from None


def _cmd_statement(ns: argparse.Namespace, out: TextIO) -> int:
    import datetime as dt

    from coopfinance.errors import ParseError
    from coopfinance.servicing import (
        LatePolicy,
        LoanAccount,
        events_from_csv,
        events_from_json,
        statement,
    )

    try:
        terms_data = json.loads(_read_text(ns.terms, "terms"))
    except json.JSONDecodeError as exc:
        raise ParseError(
            f"'terms' must be a JSON object ({exc.msg} at line {exc.lineno}).",
            field="terms",
            value=ns.terms,
        ) from None
    if not isinstance(terms_data, dict):
        raise ParseError("'terms' must be a JSON object.", field="terms", value=ns.terms)
    terms = LoanTerms.from_dict(terms_data)
    text = _read_text(ns.events, "events")
    events = (
        events_from_json(text) if ns.events.lower().endswith(".json") else events_from_csv(text)
    )
    try:
        as_of = dt.date.fromisoformat(ns.as_of)
    except ValueError:
        raise ParseError(
            f"'as_of' must be a date such as '2026-01-15' (got {ns.as_of!r}).",
            field="as_of",
            value=ns.as_of,
        ) from None
    late = LatePolicy(
        moratorium=None if ns.moratorium.strip().lower() == "none" else ns.moratorium,
        base=ns.late_base,
        late_fee=ns.late_fee,
        grace_days=ns.grace_days,
    )
    account = LoanAccount(
        terms=terms,
        events=events,
        id=ns.id,
        allocation=ns.allocation,
        overpayment=ns.overpayment,
        late=late,
    )
    result = statement(account, as_of)
    if ns.format in _DOCUMENT_FORMATS:
        from coopfinance.documents import render_pdf, render_statement, statement_context

        if ns.format == "pdf":
            context = statement_context(
                result, borrower=ns.borrower, lender=ns.lender, lang=ns.lang
            )
            return _emit(
                ns, out, render_pdf("statement", context, lang=ns.lang, template_dirs=ns.templates)
            )
        return _emit(
            ns,
            out,
            render_statement(
                result,
                borrower=ns.borrower,
                lender=ns.lender,
                lang=ns.lang,
                fmt=ns.format,
                template_dirs=ns.templates,
            ),
        )
    if ns.format == "json":
        out.write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(result.to_text(ns.lang) + "\n")
    return 0


def _add_statement_parser(sub: Any) -> None:
    p = sub.add_parser(
        "statement",
        help="print a loan's account statement (estado de cuenta) from its terms and events",
        description="Replay a loan's events on its terms and print the statement as of a date.",
    )
    p.add_argument("--terms", required=True, help="loan terms as a JSON object (LoanTerms keys)")
    p.add_argument("--events", required=True, help="events file: .json, or CSV otherwise")
    p.add_argument("--as-of", required=True, help="statement date, YYYY-MM-DD")
    p.add_argument("--id", default="", help="account id shown on the statement")
    p.add_argument(
        "--allocation",
        default="default",
        help="payment allocation: default, interest-principal or a component list, with an "
        "optional :vertical (default: penalties,fees,interest,principal horizontal)",
    )
    p.add_argument(
        "--overpayment",
        default="next-installments",
        choices=["next-installments", "reduce-installment", "reduce-term"],
        help="what money beyond what is due does (default next-installments)",
    )
    p.add_argument("--moratorium", default="19%", help="moratorium TEA, or none (default 19%%)")
    p.add_argument(
        "--late-base",
        default="principal",
        choices=["principal", "installment"],
        help="what moratorium interest is charged on (default principal)",
    )
    p.add_argument("--late-fee", default="0", help="fixed fee per late installment (default 0)")
    p.add_argument("--grace-days", type=int, default=0, help="days before lateness costs (0)")
    p.add_argument(
        "--format",
        default="text",
        choices=("text", "json", *_DOCUMENT_FORMATS),
        help="output format; md, html and pdf give the printable statement",
    )
    p.add_argument("--lang", default="en", choices=["en", "es"], help="statement language")
    _add_document_options(p)
    p.set_defaults(handler=_cmd_statement)


# --- simulate (Monte Carlo of revenue-linked repayment; coopfinance.linked) ------------------------


def _cmd_simulate(ns: argparse.Namespace, out: TextIO) -> int:
    from coopfinance.linked import Portfolio, simulate

    portfolio = Portfolio.example(
        ns.farmers,
        ns.periods,
        seed=ns.seed,
        price=ns.price,
        loan_per_cow=ns.loan_per_cow,
        rate=ns.rate,
        loan_cap=ns.loan_cap,
    )

    def progress(done: int, total: int) -> None:
        sys.stderr.write(f"\rsimulated {done:,}/{total:,} scenarios")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    result = simulate(
        portfolio,
        scenarios=ns.scenarios,
        seed=ns.seed,
        price_sd=ns.price_sd,
        yield_sd=ns.yield_sd,
        price_persistence=ns.price_persistence,
        progress=None if ns.quiet else progress,
    )
    summary = result.summary()
    if ns.format == "json":
        out.write(json.dumps(summary, indent=2) + "\n")
        return 0

    def pct(x: float) -> str:
        return f"{100 * x:.2f} %"

    def periods(x: int | None) -> str:
        return "beyond the horizon" if x is None else str(x)

    rp = summary["repayment_periods"]
    cd = summary["collected_vs_due"]
    ey = summary["effective_yield"]
    rows = [
        ("loans simulated", f"{summary['loans']:,} ({ns.scenarios:,} scenarios × {ns.farmers} farmers)"),
        ("periods (fortnights)", str(ns.periods)),
        ("repaid within the horizon", pct(summary["repaid_within_horizon"])),
        ("repayment period p10 / p50 / p90",
         f"{periods(rp['p10'])} / {periods(rp['p50'])} / {periods(rp['p90'])}"),
        ("arrears > 30 days (probability)", pct(summary["probability_arrears_over_30_days"])),
        ("collected ÷ due, mean (p05)", f"{pct(cd['mean'])} ({pct(cd['p05'])})"),
        ("co-op effective yield, p05 / p50 / p95",
         f"{pct(ey['p05'])} / {pct(ey['p50'])} / {pct(ey['p95'])}"),
    ]  # fmt: skip
    width = max(len(k) for k, _ in rows)
    out.write(f"Monte Carlo of milk-linked repayment · seed {ns.seed}\n")
    for k, v in rows:
        out.write(f"{k.ljust(width)}  {v}\n")
    return 0


def _add_simulate_parser(sub: Any) -> None:
    p = sub.add_parser(
        "simulate",
        help="Monte Carlo of milk price and yield shocks on loans collected from milk payments",
        description="Simulate price and yield shocks on a co-op of small suppliers whose loan "
        "installments are collected at source (capped share of each fortnight's milk value): "
        "repayment time, arrears over 30 days, collected vs due, the co-op's effective yield.",
    )
    p.add_argument("--scenarios", type=int, default=1000, help="scenarios (default 1000)")
    p.add_argument("--farmers", type=int, default=200, help="farmers (default 200)")
    p.add_argument("--periods", type=int, default=48, help="fortnights (default 48)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--price-sd", default="0.10", help="sd of the log price shock per fortnight")
    p.add_argument("--yield-sd", default="0.15", help="sd of the log yield shock per fortnight")
    p.add_argument(
        "--price-persistence", default="0", metavar="RHO", help="AR(1) ρ of price shocks (0..1)"
    )
    p.add_argument("--price", default="1.30", help="expected price per litre (default S/ 1.30)")
    p.add_argument("--loan-per-cow", default="1200", help="amount lent per cow (default 1200)")
    p.add_argument("--rate", default="18%", help="TEA of the loans (default 18%%)")
    p.add_argument(
        "--loan-cap", default="30%", help="installments at most this share of gross (default 30%%)"
    )
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.add_argument("--format", default="table", choices=("table", "json"), help="output format")
    p.set_defaults(handler=_cmd_simulate)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``coopfinance`` command."""
    parser = argparse.ArgumentParser(
        prog="coopfinance",
        description="Loan schedules, cost of credit, servicing, milk settlements, business plans and "
        "training material for dairy cooperatives.",
    )
    parser.add_argument("--version", action="version", version=f"coopfinance {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser(
        "schedule",
        help="print a loan's repayment schedule (cronograma)",
        description="Print the repayment schedule of a loan.",
    )
    _add_loan_options(p)
    p.add_argument("--format", default="table", choices=_FORMATS, help="output format")
    p.add_argument(
        "--lang",
        default="en",
        choices=["en", "es"],
        help="language of the table headers and documents",
    )
    _add_document_options(p)
    p.set_defaults(handler=_cmd_schedule)
    c = sub.add_parser(
        "cost",
        help="print a loan's cost of credit: TEA, TCEA, APR, APRC, EIR and totals",
        description="Print the cost-of-credit figures of a loan, with what each one includes.",
    )
    _add_loan_options(c)
    for figure in ("tcea", "apr", "aprc", "eir"):
        c.add_argument(
            f"--{figure}-includes",
            default=None,
            metavar="LIST",
            help=f"charges the {figure.upper()} counts: comma-separated fees,insurance,taxes "
            "(empty for none; default per regulator)",
        )
    c.add_argument(
        "--format",
        default="table",
        choices=("table", "json", *_DOCUMENT_FORMATS),
        help="output format; md, html and pdf give the key-facts sheet (hoja resumen)",
    )
    c.add_argument("--lang", default="es", choices=["en", "es"], help="language of documents")
    _add_document_options(c, key_facts=True)
    c.set_defaults(handler=_cmd_cost)
    d = sub.add_parser(
        "demo",
        help="run a season of the bundled example co-op and write every document",
        description="Run the bundled example co-op (illustrative data modelled on Manantial de "
        "Vida) and write schedules, key-facts sheets and an index.html to OUTDIR.",
    )
    d.add_argument("outdir", nargs="?", default="coopfinance-demo", help="output directory")
    d.add_argument("--lang", default="es", choices=["en", "es"], help="language of documents")
    d.set_defaults(handler=_cmd_demo)
    _add_training_parser(sub)
    _add_plan_parser(sub)
    _add_settle_parser(sub)
    _add_statement_parser(sub)
    _add_simulate_parser(sub)
    return parser


def main(
    argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the command line with ``argv``; return the exit code (0 ok, 1 domain error, 2 usage)."""
    stdout = out if out is not None else sys.stdout
    stderr = err if err is not None else sys.stderr
    parser = build_parser()
    try:
        ns = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:  # argparse: usage errors exit 2, --help/--version exit 0
        return int(exc.code) if isinstance(exc.code, int) else 2
    try:
        handler: Any = ns.handler
        return int(handler(ns, stdout))
    except CoopFinanceError as exc:
        stderr.write(f"Error: {exc}\n")
        return 1


def run() -> None:  # pragma: no cover - the console-script entry point
    """Entry point of the ``coopfinance`` console script."""
    raise SystemExit(main())
