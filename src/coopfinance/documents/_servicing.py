"""The account statement (estado de cuenta) as a document, in Spanish or English."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from coopfinance import text
from coopfinance.documents._documents import rate_label
from coopfinance.documents._env import render
from coopfinance.servicing import Statement

__all__ = ["render_statement", "statement_context", "statement_text"]


def statement_context(
    statement: Statement, *, borrower: str, lender: str, lang: str
) -> dict[str, Any]:
    """What the ``statement`` templates use: the header, one row per movement (``date``, ``label``,
    ``charged``, ``paid``, ``balance``, ``credit``) and the summary of the state."""
    return {"borrower": borrower, "lender": lender, **_statement(statement, lang)}


def _statement(statement: Statement, lang: str) -> dict[str, Any]:
    state = statement.state
    nxt = state.next_due()
    return {
        "account_id": statement.account_id,
        "currency": statement.currency,
        "as_of": statement.as_of,
        "principal": statement.principal,
        "rate_label": rate_label(statement.rate, lang),
        "status": statement.status_label(lang),
        "rows": [
            {
                "date": line.date,
                "label": Statement.line_label(line, lang),
                "charged": line.charged,
                "paid": line.paid,
                "balance": line.balance,
                "credit": line.credit_balance,
            }
            for line in statement.lines
        ],
        "owed": state.owed,
        "principal_outstanding": state.principal_outstanding,
        "arrears": state.arrears,
        "days_past_due": state.days_past_due,
        "credit": state.credit,
        "payoff": state.payoff.total,
        "next_installment": None
        if nxt is None
        else {"number": nxt.number, "due_date": nxt.due_date, "amount": nxt.due.total},
    }


def render_statement(
    statement: Statement,
    *,
    borrower: str,
    lender: str,
    lang: str = "es",
    fmt: str = "md",
    template_dirs: Iterable[str] = (),
    messages: text.Overrides | None = None,
) -> str:
    """The account statement of a loan as Markdown or self-contained HTML.

    >>> import datetime as dt
    >>> from coopfinance import LoanTerms, Rate, LoanAccount, Payment
    >>> from coopfinance.servicing import statement
    >>> terms = LoanTerms(principal="1000", rate=Rate.effective_annual("20%"), installments=2,
    ...                   disbursed="2026-01-15")
    >>> account = LoanAccount(terms=terms, id="L-7",
    ...                       events=[Payment(date="2026-02-15", amount="522.49", id="p1")])
    >>> text = render_statement(statement(account, dt.date(2026, 2, 20)), borrower="Juana Quispe",
    ...                         lender="Coop", lang="es")
    >>> print(text.splitlines()[0])
    # Estado de cuenta
    >>> "S/ 504.31" in text
    True
    """
    context = statement_context(statement, borrower=borrower, lender=lender, lang=lang)
    return render(
        "statement", context, lang=lang, fmt=fmt, template_dirs=template_dirs, messages=messages
    )


def statement_text(
    statement: Statement,
    *,
    lang: str = "en",
    template_dirs: Iterable[str] = (),
    messages: text.Overrides | None = None,
) -> str:
    """The statement as plain text for a terminal (``statement.txt.j2``, what ``coopfinance
    statement`` prints), in English or Spanish (``es``).

    >>> import datetime as dt
    >>> from coopfinance import LoanTerms, Rate, LoanAccount, Payment
    >>> from coopfinance.servicing import statement
    >>> terms = LoanTerms(principal="1000", rate=Rate.effective_annual("20%"), installments=2,
    ...                   disbursed="2026-01-15")
    >>> account = LoanAccount(terms=terms, id="L-7",
    ...                       events=[Payment(date="2026-02-15", amount="522.49", id="p1")])
    >>> print(statement_text(statement(account, dt.date(2026, 2, 20))))
    Account statement L-7 as of 2026-02-20 (PEN)
    date       movement           charged   paid  balance credit
    2026-01-15 Disbursement      1,000.00        1,000.00   0.00
    2026-02-15 Installment 1 due    15.82        1,015.82   0.00
    2026-02-15 Payment p1                 522.49   504.31  10.98
    Owed: 504.31 · Arrears: 0.00 · Days past due: 0 · Payoff today: 494.61
    Next installment: 2 · 2026-03-15 · 511.51 · Status: active
    """
    context = _statement(statement, lang)
    text = render(
        "statement", context, lang=lang, fmt="txt", template_dirs=template_dirs, messages=messages
    )
    return text.removesuffix("\n")
