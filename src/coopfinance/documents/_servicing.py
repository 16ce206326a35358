"""The account statement (estado de cuenta) as a document, in Spanish or English."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from coopfinance import text
from coopfinance._decimal import exact
from coopfinance.documents._documents import rate_label
from coopfinance.documents._env import label_ids, render
from coopfinance.documents._format import format_date
from coopfinance.servicing import Statement

__all__ = ["render_statement", "statement_charts", "statement_context", "statement_text"]


@exact
def statement_context(
    statement: Statement, *, borrower: str, lender: str, lang: str
) -> dict[str, Any]:
    """What the ``statement`` templates use: the header, one row per movement (``date``, ``kind``,
    ``key`` (its label), ``reference``, ``settled_on`` (the settlement of a payment the check-off
    collected), ``label`` (in ``lang``), ``installment`` (on an installment-due line, the whole
    installment as the schedule row shows it: principal, interest, fees and insurance; else
    ``None``), ``charged`` (what the line added to the balance: the interest and charges, the
    principal being owed since the disbursement), ``paid``, ``balance``, ``credit``) and the
    summary of the state (``status_key`` and ``status`` in ``lang``).

    Every printed row adds up: previous balance + charged − paid = balance (the credit column
    holds what a payment left over)."""
    return {"borrower": borrower, "lender": lender, **_statement(statement, lang)}


_MILK_PAYMENT = re.compile(r"^milk-(\d{4}-\d\d-\d\d)-")
"""The id the check-off gives a payment it collects (``milk-<period start>-<farmer>-<loan>``:
:func:`coopfinance.dairy.loan_payments`), which statements show in words."""


def _movement(kind: str, reference: str) -> tuple[str, dt.date | None]:
    """``(label key, settlement date)`` of one statement line: a payment the check-off collected
    is named as such, with the date of its settlement."""
    found = _MILK_PAYMENT.match(reference) if kind == "payment" else None
    if found:
        return "statement.movement.milk-payment", dt.date.fromisoformat(found.group(1))
    return f"statement.movement.{kind}", None


def _line_label(tr: text.Translator, key: str, english: str, reference: str, on: Any) -> str:
    if on is not None:
        return tr.pgettext(key, english, date=on)
    label = tr.pgettext(key, english, ref=reference)
    if key != "statement.movement.installment-due" and reference:
        label += f" {reference}"
    return label


def _principal_due(statement: Statement) -> dict[tuple[dt.date, str], Decimal]:
    """The principal of each installment, by ``(due date, number)``."""
    return {
        (item.due_date, str(item.number)): item.due.principal
        for item in statement.state.installments
    }


def statement_charts(statement: Statement) -> dict[str, Any]:
    """The series of the statement's charts (the movements table is their text alternative):
    ``dates`` and ``balance`` (the balance owed after each movement: the balance over the
    season), and for every installment fallen due by the statement date ``numbers``, ``due``
    (what fell due of the installment, the late charges on it included) and ``paid`` (what
    was paid of it): paid against due.

    >>> import datetime as dt
    >>> from coopfinance import LoanTerms, Rate, LoanAccount, Payment
    >>> from coopfinance.servicing import statement
    >>> terms = LoanTerms(principal="1000", rate=Rate.effective_annual("20%"), installments=2,
    ...                   disbursed="2026-01-15")
    >>> account = LoanAccount(terms=terms, id="L-7",
    ...                       events=[Payment(date="2026-02-15", amount="300", id="p1")])
    >>> c = statement_charts(statement(account, dt.date(2026, 2, 20)))
    >>> c["numbers"], [str(v) for v in c["due"]], [str(v) for v in c["paid"]]
    (['1'], ['512.56'], ['300.00'])
    """
    fallen = [item for item in statement.state.installments if item.due_date <= statement.as_of]
    return {
        "dates": [line.date for line in statement.lines],
        "balance": [line.balance for line in statement.lines],
        "numbers": [str(item.number) for item in fallen],
        "due": [item.due.total for item in fallen],
        "paid": [item.paid.total for item in fallen],
    }


def _statement(statement: Statement, lang: str) -> dict[str, Any]:
    state = statement.state
    nxt = state.next_due()
    tr = text.translator(lang)
    english = label_ids()
    principal_due = _principal_due(statement)
    rows = []
    for line in statement.lines:
        key, on = _movement(line.kind.value, line.reference)
        # the whole installment as the schedule row shows it: the principal falling due (owed
        # since the disbursement, so not charged again) plus what the line charged (interest,
        # fees and insurance); late charges have lines of their own
        installment = (
            principal_due[line.date, line.reference] + line.charged
            if line.kind.value == "installment-due"
            else None
        )
        shown_on = None if on is None else format_date(on, lang=lang, style="short")
        rows.append(
            {
                "date": line.date,
                "kind": line.kind.value,
                "key": key,
                "reference": "" if on is not None else line.reference,
                "settled_on": on,
                "label": _line_label(tr, key, str(english[key]), line.reference, shown_on),
                "installment": installment,
                "charged": line.charged,
                "paid": line.paid,
                "balance": line.balance,
                "credit": line.credit_balance,
            }
        )
    status_key = f"statement.account_status.{state.status.value}"
    return {
        "account_id": statement.account_id,
        "currency": statement.currency,
        "as_of": statement.as_of,
        "principal": statement.principal,
        "rate_label": rate_label(statement.rate, lang),
        "status_key": status_key,
        "status": tr.label(status_key, str(english[status_key])),
        "rows": rows,
        "charts": statement_charts(statement),
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


@exact
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


@exact
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
