"""One standard case of every loan and milk document, rendered to HTML (the charts and browser
tests use them): the golden cronograma with a month's expected milk income, the key facts, the
golden statement, a liquidación of a farmer delivering twice a day for a fortnight (quality on
every delivery), the co-op's summary of that fortnight and a portfolio report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests.dairy.settlement_examples import PRICES
from tests.documents.examples import golden_facts, golden_schedule

from coopfinance import LoanAccount, LoanTerms, Payment, Rate
from coopfinance.dairy import Delivery, Obligation, Period, Quality, Settlement, settle
from coopfinance.documents import (
    render_key_facts,
    render_portfolio,
    render_schedule,
    render_settlement,
    render_settlement_summary,
    render_statement,
)
from coopfinance.portfolio import exposure, report
from coopfinance.servicing import statement

COOP = "Cooperativa Agraria Manantial de Vida"
FARMER = "Juana Quispe Mamani"
MILK_INCOME = ["1450", "1380", "1200", "1150", "1250", "1400"]
"""The expected milk income of each installment's month (S/, from the farm's production)."""


def twice_a_day_fortnight() -> Settlement:
    """A fortnight (1–15 January 2026) of morning and evening deliveries from F01, each sampled,
    with two other farmers, a loan installment and savings deducted."""
    milk = []
    for day in range(1, 16):
        for shift, litres in (("am", "24.5"), ("pm", "19.0")):
            milk.append(
                Delivery(
                    farmer="F01",
                    date=dt.date(2026, 1, day),
                    shift=shift,
                    litres=litres,
                    quality=Quality(
                        total_solids="12.4" if day % 3 else "11.8",
                        bacterial_count=90000 if day % 5 else 450000,
                        cooled=shift == "pm" or day % 2 == 0,
                    ),
                )
            )
        for farmer, litres in (("F02", 30), ("F03", "7.3")):
            milk.append(Delivery(farmer=farmer, date=dt.date(2026, 1, day), litres=litres))
    obligations = [
        Obligation(farmer="F01", kind="loan-installment", amount="180.00", loan_id="CS-2025-014"),
        Obligation(farmer="F01", kind="compulsory-savings", amount="20.00"),
    ]
    return settle(milk, PRICES, Period.parse("2026-01-01..2026-01-15"), obligations=obligations)


def _statement_doc(lang: str) -> str:
    terms = LoanTerms(
        principal="5000", rate=Rate.effective_annual("35%"), installments=6, disbursed="2026-01-15"
    )
    account = LoanAccount(
        terms=terms,
        id="L-001",
        events=[
            Payment(date="2026-02-15", amount="908.98", id="p1", channel="milk"),
            Payment(date="2026-03-25", amount="908.98", id="p2", channel="cash"),
        ],
    )
    return render_statement(
        statement(account, dt.date(2026, 4, 20)),
        borrower=FARMER,
        lender=COOP,
        lang=lang,
        fmt="html",
    )


def _portfolio_doc(lang: str) -> str:
    as_of = dt.date(2026, 6, 20)
    states, loans = [], []
    for k, paid in enumerate(("908.98", "0", "450", "908.98")):
        terms = LoanTerms(
            principal="5000",
            rate=Rate.effective_annual("35%"),
            installments=6,
            disbursed=dt.date(2026, 1 + k % 3, 15),
        )
        first_due = dt.date(2026, 2 + k % 3, 15)
        events = [] if paid == "0" else [Payment(date=first_due, amount=paid, id=f"p{k}")]
        state = LoanAccount(terms=terms, id=f"L-{k}", events=events).state(as_of)
        states.append(state)
        loans.append(exposure(state, f"L-{k}"))
    return render_portfolio(
        report(states), lender=COOP, as_of=as_of, loans=loans, lang=lang, fmt="html"
    )


def every_html(lang: str = "es") -> dict[str, str]:
    """Document name → its standard case as self-contained HTML in ``lang``."""
    fortnight = twice_a_day_fortnight()
    [f01] = [s for s in fortnight.statements if s.farmer == "F01"]
    return {
        "schedule": render_schedule(
            golden_schedule(),
            borrower=FARMER,
            lender=COOP,
            lang=lang,
            fmt="html",
            milk_income=[Decimal(v) for v in MILK_INCOME],
        ),
        "key_facts": render_key_facts(golden_facts(), lang=lang, fmt="html"),
        "statement": _statement_doc(lang),
        "settlement": render_settlement(
            f01, fortnight, farmer_name=FARMER, coop_name=COOP, lang=lang, fmt="html"
        ),
        "settlement_summary": render_settlement_summary(
            fortnight, coop_name=COOP, lang=lang, fmt="html"
        ),
        "portfolio": _portfolio_doc(lang),
    }
