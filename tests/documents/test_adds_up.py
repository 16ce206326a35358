"""Every printed table adds up as printed (issue 21 §1): parse the rendered HTML back and check
each row and each total with the printed figures only.

- the cronograma: principal + interest + every printed charge column = total, for every row, and
  each total row = the sum of its column (the ``charges`` sum is not printed next to its parts);
- the account statement: previous balance + charged − (paid − what went to the credit) = balance,
  and an installment-due line shows the whole installment, the schedule row's total.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from tests.documents.examples import golden_facts
from tests.documents.tables import amount, tables

import coopfinance
from coopfinance.documents import render_key_facts, render_schedule, render_statement
from coopfinance.documents._documents import schedule_columns
from coopfinance.servicing import LoanAccount, Payment, statement


def _charged_terms() -> coopfinance.LoanTerms:
    """A loan with an installment fee, credit life insurance and the ITF (every charge column)."""
    return coopfinance.LoanTerms(
        principal="5000",
        rate=coopfinance.Rate.effective_annual("35%"),
        installments=6,
        disbursed="2026-01-15",
        charges=["installment:5.00", "insurance:0.1%", "tax:0.01%"],
    )


def _check_schedule_table(html: str, names: list[str], lang: str = "es") -> None:
    def amount_(cell: str) -> Decimal:
        return amount(cell, lang)

    [table] = [t for t in tables(html) if t["tfoot"]]
    assert len(table["thead"][0]) == len(names)
    flows = [n for n in names if n in {"principal", "interest", "fees", "insurance", "taxes"}]
    flows += ["charges"] if "charges" in names else []
    total_at = names.index("total")
    for row in table["tbody"]:
        assert sum(amount_(row[names.index(n)]) for n in flows) == amount_(row[total_at]), row
    [foot] = table["tfoot"]
    for k, name in enumerate(names):
        if foot[k] and k:
            assert amount_(foot[k]) == sum(amount_(row[k]) for row in table["tbody"]), name


@pytest.mark.parametrize("lang", ["es", "en", "pt_BR"])
def test_a_charged_schedule_adds_up_as_printed(lang: str) -> None:
    """Fees, insurance and taxes are printed and their sum is not: summing the printed row gives
    the printed total (before, ``Cargos`` repeated ``Seguro`` and the row counted it twice)."""
    s = _charged_terms().schedule()
    names = [c.name for c in schedule_columns(s)]
    assert "charges" not in names
    assert {"fees", "insurance", "taxes"} <= set(names)
    _check_schedule_table(render_schedule(s, lang=lang, fmt="html"), names, lang)


def test_a_plain_schedule_and_the_key_facts_add_up() -> None:
    s = coopfinance.LoanTerms(
        principal="5000",
        rate=coopfinance.Rate.effective_annual("35%"),
        installments=6,
        disbursed="2026-01-15",
    ).schedule()
    names = [c.name for c in schedule_columns(s)]
    assert "charges" in names
    _check_schedule_table(render_schedule(s, borrower="J", lender="C", fmt="html"), names)
    charged = _charged_terms().schedule()
    facts = golden_facts(
        charged,
        total_insurance=sum((r.insurance for r in charged), Decimal(0)),
        total_to_pay=charged.total_payments,
    )
    _check_schedule_table(
        render_key_facts(facts, fmt="html"), [c.name for c in schedule_columns(charged)]
    )


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_statement_adds_up_and_shows_the_whole_installment(lang: str) -> None:
    terms = coopfinance.LoanTerms(
        principal="1000",
        rate=coopfinance.Rate.effective_annual("20%"),
        installments=3,
        disbursed="2026-01-15",
        charges=["insurance:0.1%"],
    )
    account = LoanAccount(
        terms=terms,
        id="L-7",
        events=[
            Payment(date="2026-02-15", amount="360.00", id="p1"),
            Payment(date="2026-03-20", amount="200.00", id="p2"),
        ],
    )
    stated = statement(account, dt.date(2026, 4, 20))
    html = render_statement(stated, borrower="J", lender="C", lang=lang, fmt="html")
    movements = next(t for t in tables(html) if t["thead"] and len(t["thead"][0]) == 7)
    rows = movements["tbody"]
    wholes = [amount(r[2]) for r in rows if r[2]]
    # the first installment as the schedule prints it (insurance included); the later ones as the
    # engine re-stated them after the overpayment (one source: the account's due items)
    assert wholes[0] == terms.schedule()[0].total
    assert terms.schedule()[0].insurance > 0
    due_lines = [ln for ln in stated.lines if ln.kind.value == "installment-due"]
    principal = [i.due.principal for i in stated.state.installments]
    assert wholes == [p + ln.charged for p, ln in zip(principal, due_lines, strict=True)]
    balance = credit = Decimal(0)
    for r in rows:
        charged, paid, new_balance, new_credit = (amount(r[k]) for k in (3, 4, 5, 6))
        to_credit = max(new_credit - credit, Decimal(0))
        assert balance + charged - (paid - to_credit) == new_balance, r
        balance, credit = new_balance, new_credit
