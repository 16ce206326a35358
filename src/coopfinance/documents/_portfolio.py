"""The portfolio-quality report (cartera) as a document, in Spanish or English."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from coopfinance._decimal import ZERO, exact
from coopfinance.documents._env import render
from coopfinance.portfolio import Exposure, PortfolioReport

__all__ = ["portfolio_context", "render_portfolio"]

_CATEGORY_KEYS = {
    "normal": "portfolio.category.normal",
    "cpp": "portfolio.category.cpp",
    "deficiente": "portfolio.category.deficiente",
    "dudoso": "portfolio.category.dudoso",
    "perdida": "portfolio.category.perdida",
}


@exact
def portfolio_context(
    report: PortfolioReport,
    *,
    lender: str,
    as_of: dt.date,
    loans: Sequence[Exposure] = (),
    currency: str = "PEN",
    arrears: Mapping[str, Decimal] | None = None,
) -> dict[str, Any]:
    """What the ``portfolio`` templates use: the report's figures, PAR ("more than N days") as
    fractions, the aging, SBS state and SBS category tables, and (optionally) one line per loan
    with its SBS state and aligned category (message keys, as the report computed them).

    A loan's ``arrears`` is ``arrears[loan id]`` when given (the account's own
    ``AccountState.arrears``: what its statement shows, insurance and late charges included), else
    the exposure's principal, interest and fees fallen due and unpaid.

    ``groups`` is empty here: :meth:`coopfinance.book.Book.documents` fills it with the solidarity
    groups' table.

    ``charts`` holds the series of the aging bars (``buckets``, ``principal`` and ``count`` per
    bucket; the aging table is their text alternative)."""
    if arrears is not None:
        owed = {e.loan_id: arrears[e.loan_id] for e in loans}
    else:
        owed = {e.loan_id: e.fallen_due - e.paid_of_due for e in loans}
    outstanding = report.outstanding
    lines = {line.loan_id: line for line in report.loans}

    def state_key(loan_id: str) -> str:
        line = lines.get(loan_id)
        return f"portfolio.state.{line.state.value}" if line is not None else ""

    def category_key(loan_id: str) -> str:
        line = lines.get(loan_id)
        if line is None or line.category is None:
            return ""
        return _CATEGORY_KEYS[line.category.value]

    return {
        "lender": lender,
        "as_of": as_of,
        "currency": currency,
        "groups": [],  # the book's documents add the solidarity groups' table (issue 18 §2)
        "accounts": report.accounts,
        "active": report.active,
        "outstanding": outstanding,
        "par": [{"days": d, "share": share} for d, share in sorted(report.par.items())],
        "aging": [
            {"label": b.label, "count": b.count, "principal": b.principal} for b in report.aging
        ],
        "categories": [
            {
                "key": _CATEGORY_KEYS[c.category.value],
                "count": c.count,
                "principal": c.principal,
                "rate": c.rate,
                "provision": c.provision,
            }
            for c in report.categories
        ],
        "states": [
            {"key": f"portfolio.state.{s.state.value}", "count": s.count, "principal": s.principal}
            for s in report.states
        ],
        "provisions": report.provisions,
        "repayment_rate": report.repayment_rate,
        "written_off": report.written_off,
        "written_off_count": report.written_off_count,
        "recovered": report.recovered,
        "loans": [
            {
                "id": e.loan_id,
                "outstanding": e.principal_outstanding,
                "arrears": owed[e.loan_id],
                "days_past_due": e.days_past_due,
                "state": state_key(e.loan_id),
                "category": category_key(e.loan_id),
            }
            for e in loans
        ],
        "total_arrears": sum(owed.values(), ZERO),
        "charts": {
            "buckets": [b.label for b in report.aging],
            "principal": [b.principal for b in report.aging],
            "count": [Decimal(b.count) for b in report.aging],
        },
    }


@exact
def render_portfolio(
    report: PortfolioReport,
    *,
    lender: str,
    as_of: dt.date,
    loans: Sequence[Exposure] = (),
    lang: str = "es",
    fmt: str = "md",
    template_dirs: Iterable[str] = (),
) -> str:
    """The portfolio-quality report as Markdown or self-contained HTML.

    >>> import datetime as dt
    >>> from coopfinance import LoanTerms, Rate, LoanAccount
    >>> from coopfinance.portfolio import exposure, report
    >>> terms = LoanTerms(principal="1000", rate=Rate.effective_annual("20%"), installments=2,
    ...                   disbursed="2026-01-15")
    >>> state = LoanAccount(terms=terms, id="L-7").state(dt.date(2026, 3, 20))
    >>> text = render_portfolio(report([state]), lender="Coop", as_of=dt.date(2026, 3, 20),
    ...                         loans=[exposure(state, "L-7")], lang="en")
    >>> print(text.splitlines()[0])
    # Portfolio quality
    """
    context = portfolio_context(report, lender=lender, as_of=as_of, loans=loans)
    return render("portfolio", context, lang=lang, fmt=fmt, template_dirs=template_dirs)
