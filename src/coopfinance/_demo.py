"""``coopfinance demo``: the whole season of the bundled example co-op, written as documents.

This module orchestrates the library (layer 9 with the CLI): it loads :mod:`coopfinance.examples`,
computes with the library and renders with :mod:`coopfinance.documents`. Progress goes to a callback
so the CLI can print it; nothing here prints.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from coopfinance._decimal import ZERO
from coopfinance.cost import cost_of_credit
from coopfinance.documents import KeyFacts, key_facts_context, rate_label, render, schedule_context
from coopfinance.examples import ExampleCoop, load

__all__ = ["DemoResult", "run_demo"]

Progress = Callable[[str], None]


@attrs.frozen(slots=True, kw_only=True)
class DemoResult:
    """What the demo wrote and the figures it checked."""

    outdir: Path
    files: tuple[Path, ...]
    loans: int
    total_lent: Decimal
    checks: tuple[str, ...]
    """Reconciliations that passed, in words."""


def _write(path: Path, text: str, files: list[Path]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    files.append(path)


def _loans(
    coop: ExampleCoop, outdir: Path, lang: str, files: list[Path], progress: Progress
) -> tuple[list[dict[str, Any]], Decimal, Decimal]:
    rows: list[dict[str, Any]] = []
    lent = weighted = ZERO
    lender = coop.name
    for k, loan in enumerate(coop.loans, start=1):
        farmer = coop.farmer(loan.farmer)
        schedule = loan.terms.schedule()
        if schedule.total_principal != schedule.principal:
            raise AssertionError(f"loan {loan.id}: principal repaid differs from principal lent")
        cost = cost_of_credit(loan.terms)
        context = schedule_context(
            schedule,
            borrower=farmer.name,
            lender=lender,
            rate_label=rate_label(loan.terms.rate, lang),
        )
        _write(
            outdir / "loans" / f"{loan.id}-schedule.html",
            render("schedule", context, lang=lang, fmt="html"),
            files,
        )
        facts = KeyFacts.from_loan(
            loan.terms,
            borrower=farmer.name,
            lender=lender,
            product="Capital semilla — alfalfa",
            moratorium_rate=Decimal("0.19"),
        )
        _write(
            outdir / "loans" / f"{loan.id}-key-facts.html",
            render("key_facts", key_facts_context(facts), lang=lang, fmt="html"),
            files,
        )
        principal = loan.terms.principal.amount
        lent += principal
        weighted += principal * cost.tcea
        rows.append(
            {
                "id": loan.id,
                "farmer": farmer.name,
                "plan": loan.plan,
                "principal": principal,
                "tcea": cost.tcea,
                "schedule_href": f"loans/{loan.id}-schedule.html",
                "key_facts_href": f"loans/{loan.id}-key-facts.html",
            }
        )
        if k % 10 == 0 or k == len(coop.loans):
            progress(f"loans: {k}/{len(coop.loans)} schedules and key-facts sheets")
    return rows, lent, weighted / lent if lent else ZERO


def run_demo(
    outdir: str | Path,
    *,
    lang: str = "es",
    progress: Progress | None = None,
    coop: ExampleCoop | None = None,
) -> DemoResult:
    """Run the season of the example co-op and write its documents and ``index.html`` to ``outdir``.

    >>> import tempfile
    >>> result = run_demo(tempfile.mkdtemp(), lang="en")
    >>> result.loans, (result.outdir / "index.html").is_file()
    (42, True)
    """
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda _message: None)
    data = coop or load()
    files: list[Path] = []
    checks: list[str] = []
    say(f"loading {data.name}: {len(data.farmers)} farmers, {len(data.loans)} loans")
    loans, lent, average = _loans(data, out, lang, files, say)
    checks.append(f"{len(loans)} schedules repay exactly the principal lent")
    context = {
        "coop_name": data.name,
        "currency": "PEN",
        "loans": loans,
        "total_lent": lent,
        "average_tcea": average,
        "others": [],
    }
    _write(out / "index.html", render("demo_index", context, lang=lang, fmt="html"), files)
    say(f"wrote {len(files)} files to {out}")
    return DemoResult(
        outdir=out, files=tuple(files), loans=len(loans), total_lent=lent, checks=tuple(checks)
    )
