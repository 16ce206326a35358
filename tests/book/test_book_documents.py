"""Every document from the book (issue 16 §5): the consistency test renders every document of a
whole generated season and checks that each figure appearing in two documents is the same number
(milk value, deductions by kind, installment including insurance, balance, arrears, days late),
in the values handed to the templates and in the rendered text."""

from __future__ import annotations

import datetime as dt
import pathlib
import random
from collections import defaultdict
from decimal import Decimal

import pytest
from book_helpers import (  # noqa: F401
    Where,
    fixture_book,
    fixture_coop,
    fixture_postgres_engine,
    fixture_where,
    write,
)

from coopfinance.book import Book, BookError
from coopfinance.documents import format_money

D = dt.date


def _season(book: Book, tmp: pathlib.Path, seed: int) -> None:
    """Two shifts a day for 90 days: M001 delivers plenty, M002 little (its loan falls behind);
    both have check-off loans with insurance, M002 an input advance; one correction of a closed
    period raises M001's milk (a credit on a later liquidación)."""
    rng = random.Random(seed)
    rows = "".join(
        f"{f},{D(2026, 1, 1) + dt.timedelta(days=k)},{s},{rng.randint(lo, hi)},12.{rng.randint(0, 3)}\n"
        for k in range(90)
        for f, lo, hi in (("M001", 40, 60), ("M002", 2, 8))
        for s in ("am", "pm")
    )
    book.import_deliveries(write(tmp, "d.csv", "farmer,date,shift,litres,total_solids\n" + rows))
    loans = "".join(
        f'[[loan]]\nid = "{loan}"\nfarmer = "{farmer}"\nprincipal = "{amount}"\nrate = "18%"\n'
        'disbursed = "2026-01-01"\ninstallments = 6\nfrequency = "semi-monthly"\n'
        'charges = ["insurance:0.0675%:original"]\n'
        for loan, farmer, amount in (("L1", "M001", 1500 + seed), ("L2", "M002", 900))
    )
    book.import_loans(write(tmp, "loans.toml", loans))
    book.import_obligations(
        write(
            tmp,
            "o.csv",
            "farmer,kind,amount,due,reference\nM002,input-advance,80.00,2026-01-15,feed\n",
        )
    )
    book.close()
    fix = "farmer,date,shift,litres,total_solids,reason\nM001,2026-01-04,pm,90,12.1,scale fixed\n"
    book.import_deliveries(write(tmp, "fix.csv", fix))
    for _ in range(5):
        book.close()


def _money(value: Decimal) -> str:
    return format_money(value, "PEN", lang="es")


@pytest.mark.parametrize("seed", [1, 2])
def test_every_figure_is_the_same_on_every_document(
    book: Book, tmp_path: pathlib.Path, seed: int
) -> None:
    _season(book, tmp_path, seed)
    periods = book.closed_periods()
    as_of = D(2026, 4, 30)
    docs = book.documents(as_of)
    accounts = book.accounts()
    schedules = {loan_id: account.terms.schedule() for loan_id, (_, account) in accounts.items()}
    credits_seen = 0
    for period in periods:
        summary = docs.summary(period)
        summary_text = docs.render("settlement_summary", summary)
        by_kind: dict[str, Decimal] = defaultdict(Decimal)
        for row in summary["farmers"]:
            farmer = row["id"]
            liq = docs.liquidacion(farmer, period)
            text = docs.render("settlement", liq)
            docs.render("settlement", liq, fmt="html", lang="en")
            # milk value: the liquidación, the summary, the worksheet
            assert liq["gross"] == row["gross"]
            assert _money(liq["gross"]) in text
            assert _money(row["gross"]).split("S/ ")[1] in summary_text
            assert liq["net"] == row["net"]
            for r in liq["rows"]:
                by_kind[r["kind"]] += r["collected"]
            if liq["credits"]:
                credits_seen += 1
                assert _money(liq["payable"]) in text
                closing_payable = liq["net"] + sum(c["amount"] for c in liq["credits"])
                assert liq["payable"] == closing_payable
            if liq["litres"]:
                sheet = docs.worksheet(farmer, period)
                docs.render("training_worksheet", sheet)
                (milk,) = [e for e in sheet["exercises"] if e["generator"] == "milk_gross"]
                assert Decimal(milk["answer_value"]) == liq["gross"]
                # installment including insurance: the worksheet, the key facts, the liquidación
                member = docs.worksheet_member(farmer, period)
                if member.installment is not None:
                    (loan_id,) = [k for k, (f, _) in accounts.items() if f == farmer]
                    facts = docs.key_facts(loan_id)
                    totals = {r["total"] for r in facts["rows"]}
                    assert member.installment in totals
                    assert any(r.total == member.installment for r in schedules[loan_id])
                    loan_rows = [r for r in liq["rows"] if r["kind"] == "loan-installment"]
                    if loan_rows and loan_rows[0]["due"] == member.installment:
                        assert _money(member.installment).split("S/ ")[1] in text
        # deductions by kind: the liquidaciones add up to the summary
        for kind in summary["kinds"]:
            assert by_kind.get(kind["kind"], Decimal(0)) == kind["collected"]
    assert credits_seen >= 1  # the correction's credit is on a liquidación
    # balance, arrears, days late: the loan statement and the portfolio report
    portfolio = docs.portfolio()
    docs.render("portfolio", portfolio)
    lines = {line["id"]: line for line in portfolio["loans"]}
    for loan_id in accounts:
        st = docs.loan_statement(loan_id)
        text = docs.render("statement", st)
        facts = docs.key_facts(loan_id)
        docs.render("key_facts", facts)
        assert st["principal_outstanding"] == lines[loan_id]["outstanding"]
        assert st["days_past_due"] == lines[loan_id]["days_past_due"]
        assert st["arrears"] == lines[loan_id]["arrears"], loan_id
        assert _money(st["principal_outstanding"]) in text or st["principal_outstanding"] == 0
        nxt = st["next_installment"]
        if nxt is not None:
            assert nxt["amount"] in {r["total"] for r in facts["rows"]}


def test_documents_are_as_of_a_date(book: Book, tmp_path: pathlib.Path) -> None:
    _season(book, tmp_path, 3)
    early = book.documents(D(2026, 1, 19))  # the first fortnight is paid on the 20th
    with pytest.raises(BookError, match="paid on 2026-01-20"):
        early.liquidacion("M001", "2026-01-01..2026-01-15")
    assert book.documents(D(2026, 1, 20)).liquidacion("M001", "2026-01-01")["gross"] > 0
    with pytest.raises(BookError, match="after 2025-12-31"):
        book.documents(D(2025, 12, 31)).loan_statement("L1")
