"""Worked examples: published arrears formulas from Peruvian lenders' "fórmulas y ejemplos"
sheets, and a prepayment computed by hand from the stated formulas."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from coopfinance import LoanTerms, Rate
from coopfinance.servicing import (
    LatePolicy,
    LoanAccount,
    Payment,
    Prepayment,
    PrepaymentChoice,
)

# Formula sheets: "Cálculo de Intereses por Incumplimiento de Pago",
#   CT = C + CP·[(1 + TComp)^(n/360) − 1] + CP·[(1 + TMora)^(n/360) − 1]
# where CP is the unpaid installment's principal and interest (no insurance or fees).
SHEET = LatePolicy(moratorium="70%", base="installment", compensatory=True)


def _one_installment(principal: str, tea: str, charges: tuple[str, ...] = ()) -> LoanTerms:
    return LoanTerms(
        principal=principal,
        rate=Rate.effective_annual(tea),
        due_dates=["2026-02-14"],
        disbursed="2026-01-15",
        charges=charges,
    )


def test_arrears_personal_loan_five_days_late() -> None:
    """https://studylib.es/doc/6937544 ("Cálculo de Intereses por Incumplimiento de Pago", a
    Peruvian lender's consumer-loan sheet in soles; the lender is not named in the stored copy):
    cuota S/ 176.97 at 16.5 % TEA paid 5 days late with a 70 % moratorium TEA: compensatory
    S/ 0.38 and moratorium S/ 1.31.

    The sheet prints CT = S/ 178.65, the sum before rounding each charge
    (176.97 + 0.3758 + 1.3091 = 178.6549); coopfinance rounds each charge to the céntimo, as it
    is posted, so the total is 176.97 + 0.38 + 1.31 = 178.66.
    """
    terms = _one_installment("174.73", "16.5%")  # one 30-day installment of 176.97
    assert terms.schedule().installments[0].total == Decimal("176.97")
    state = LoanAccount(terms=terms, late=SHEET).state(dt.date(2026, 2, 19))
    assert state.days_past_due == 5
    assert state.interest_due - Decimal("2.24") == Decimal("0.38")
    assert state.penalties_due == Decimal("1.31")
    assert state.payoff.total == Decimal("178.66")


def test_arrears_vehicle_loan_with_insurance_five_days_late() -> None:
    """https://studylib.es/doc/6973934 (the same formula, a vehicle-loan sheet): cuota S/ 1,507.61 of
    which CP = S/ 1,257.04 (the rest insurance and postage), 16 % TEA, 5 days late at 70 %:
    CT = 1,507.61 + 2.59 + 9.30 = S/ 1,519.50. The insurance is not charged late interest.
    """
    terms = _one_installment("1241.59", "16%", ("installment:250.57",))
    row = terms.schedule().installments[0]
    assert (row.total, row.principal + row.interest) == (Decimal("1507.61"), Decimal("1257.04"))
    account = LoanAccount(terms=terms, late=SHEET)
    state = account.state(dt.date(2026, 2, 19))
    assert state.interest_due - row.interest == Decimal("2.59")
    assert state.penalties_due == Decimal("9.30")
    assert state.payoff.total == Decimal("1519.50")
    paid = account.with_events(Payment(date="2026-02-19", amount="1519.50", id="p"))
    assert paid.state(dt.date(2026, 2, 19)).owed == 0


def test_moratorium_on_overdue_principal_at_agrobancos_rate() -> None:
    """The lighter variant (coopfinance's default before issue 15): 19 % TEA (Agrobanco's price
    sheet) on the overdue principal only, no late compensatory interest.

    Installment 2 of S/ 5,000 at 35 % TEA in 3 months has principal 1,672.00; 5 days late:
    1,672.00 × (1.19^(5/360) − 1) = 1,672.00 × 0.0024189… = S/ 4.04.
    """
    terms = LoanTerms(
        principal="5000", rate=Rate.effective_annual("35%"), installments=3, disbursed="2026-01-15"
    )
    account = LoanAccount(
        terms=terms,
        events=[Payment(date="2026-02-15", amount="1751.80", id="p1")],
        late=LatePolicy.light(),
    )
    assert account.state(dt.date(2026, 3, 20)).penalties_due == Decimal("4.04")


def test_default_late_policy_follows_the_peruvian_formula_sheets() -> None:
    """The default (issue 15 §7), the formula of the sheets cited above
    (https://studylib.es/doc/6937544): moratorium on the whole unpaid cuota (principal +
    interest) plus compensatory interest at the contract rate, here with Agrobanco's 19 %.

    Installment 2 of the loan above, S/ 1,751.80, 5 days late:
    moratorium 1,751.80 × (1.19^(5/360) − 1) = 4.24; compensatory 1,751.80 × (1.35^(5/360) − 1)
    = 7.32.
    """
    terms = LoanTerms(
        principal="5000", rate=Rate.effective_annual("35%"), installments=3, disbursed="2026-01-15"
    )
    account = LoanAccount(
        terms=terms, events=[Payment(date="2026-02-15", amount="1751.80", id="p1")]
    )
    state = account.state(dt.date(2026, 3, 20))
    assert state.penalties_due == Decimal("4.24")
    assert state.interest_due - Decimal("79.80") == Decimal("7.32")


def test_partial_prepayment_hand_computed() -> None:
    """No published prepayment example with numbers was found with the search tool; this one is
    computed by hand from the formulas Peruvian sheets state (interest to the date on actual days
    at the TEA, 360-day year; French installment C = B / Σ vₖ).

    S/ 5,000 at 35 % TEA, 3 monthly installments from 2026-01-15; installment 1 (1,751.80) paid
    on time, balance 3,379.10. On 2026-03-01 (14 days later) S/ 1,000 prepaid:
    - interest to date: 3,379.10 × (1.35^(14/360) − 1) = 3,379.10 × 0.0117391 = 39.67
    - principal prepaid: 1,000 − 39.67 = 960.33; new balance 2,418.77
    - reduce the installment: i₁ = 1.35^(14/360) − 1 = 0.0117391 (to 03-15),
      i₂ = 1.35^(31/360) − 1 = 0.0261792 (to 04-15); v₁ = 0.988397, v₂ = 0.963186;
      C = 2,418.77 / 1.951583 = 1,239.39.
    - reduce the term, re-levelled: the 1,751.80 installment cannot cover 2,418.77 plus
      interest in one period, so both dates stay, and the schedule is the same as above.
    - reduce the term keeping the cuota (the default): 1,751.80 on 03-15 (interest
      2,418.77 × 0.0117391 = 28.39, principal 1,723.41, balance 695.36), then the rest on 04-15:
      695.36 × 1.0261792 = 713.56.
    """
    terms = LoanTerms(
        principal="5000", rate=Rate.effective_annual("35%"), installments=3, disbursed="2026-01-15"
    )
    for choice in PrepaymentChoice:
        account = LoanAccount(
            terms=terms,
            events=[
                Payment(date="2026-02-15", amount="1751.80", id="p1"),
                Prepayment(date="2026-03-01", amount="1000", id="pp", choice=choice),
            ],
        )
        state = account.state(dt.date(2026, 3, 1))
        alloc = state.allocations[-1]
        assert (alloc.applied.interest, alloc.applied.principal) == (
            Decimal("39.67"),
            Decimal("960.33"),
        )
        assert state.principal_outstanding == Decimal("2418.77")
        rows = [i for i in state.installments if i.due_date > state.as_of]
        want = [Decimal("1239.39"), Decimal("1239.39")]
        if choice is PrepaymentChoice.REDUCE_TERM:
            want = [Decimal("1751.80"), Decimal("713.56")]
        assert [r.due.total for r in rows] == want
        assert sum(r.due.principal for r in rows) == Decimal("2418.77")


def test_reduce_term_drops_installments() -> None:
    """S/ 5,000 at 35 % TEA in 12 months; S/ 2,000 prepaid two weeks after installment 1:
    reducing the term keeps the installment of 489.11 ("same cuota, fewer cuotas", as Peruvian
    lenders describe the *pago anticipado con reducción del número de cuotas*: La República,
    "¿Qué es el pago anticipado y el adelanto de cuota?", 2019,
    https://larepublica.pe/economia/2019/09/16/que-es-el-pago-anticipado-y-el-adelanto-de-cuota-conoce-las-diferencias-y-beneficios)
    and needs 6 more (7 in all), the last one smaller; re-levelled, 6 more of 484.14; reducing
    the installment keeps 11 more of 280.82.

    Each row of the kept cuota is re-derived here from the stated formulas: interest = balance ×
    (1.35^(days/360) − 1) rounded to the céntimo, principal = 489.11 − interest, the last row the
    balance plus its interest."""
    terms = LoanTerms(
        principal="5000", rate=Rate.effective_annual("35%"), installments=12, disbursed="2026-01-15"
    )
    states = {}
    for choice in PrepaymentChoice:
        states[choice] = LoanAccount(
            terms=terms,
            events=[
                Payment(date="2026-02-15", amount="489.11", id="p1"),
                Prepayment(date="2026-03-01", amount="2000", id="pp", choice=choice),
            ],
        ).state(dt.date(2026, 3, 1))
    short = states[PrepaymentChoice.REDUCE_TERM]
    low = states[PrepaymentChoice.REDUCE_INSTALLMENT]
    assert len(short.installments) == 7
    assert short.installment_amount == Decimal("489.11")
    future = [i for i in short.installments if i.due_date > short.as_of]
    assert [i.due.total for i in future[:-1]] == [Decimal("489.11")] * 5
    balance = Decimal("2696.28")
    start = dt.date(2026, 3, 1)
    for i in future:
        days = (i.due_date - start).days
        interest = (balance * (Decimal("1.35") ** (Decimal(days) / 360) - 1)).quantize(
            Decimal("0.01")
        )
        assert i.due.interest == interest
        principal = balance if i is future[-1] else Decimal("489.11") - interest
        assert i.due.principal == principal
        balance -= principal
        start = i.due_date
    assert balance == 0
    assert future[-1].due.total == Decimal("457.27")
    relevel = states[PrepaymentChoice.REDUCE_TERM_RELEVEL]
    assert relevel.installment_amount == Decimal("484.14")
    assert len(relevel.installments) == 7
    assert len(low.installments) == 12
    assert low.installments[1].due.total == Decimal("280.82")
    assert short.principal_outstanding == low.principal_outstanding == Decimal("2696.28")


def test_payoff_proration_choices() -> None:
    """Interest of the current period in a payoff on 2026-03-01, 14 of the 28 days from 02-15 to
    03-15, balance 3,379.10 (the loan of the prepayment example above):

    - accrual by the day count (the default for a TEA): 3,379.10 × (1.35^(14/360) − 1) = 39.67;
    - Apache Fineract's pre-closure rule (the period's interest × days elapsed ÷ days in the
      period, Fineract's ``preClosureInterestCalculationStrategy`` "till pre-close date" on a
      non-recalculated loan, as issue 15 reads it): 79.80 × 14 / 28 = 39.90.
    """
    terms = LoanTerms(
        principal="5000", rate=Rate.effective_annual("35%"), installments=3, disbursed="2026-01-15"
    )
    events = [Payment(date="2026-02-15", amount="1751.80", id="p1")]
    day = dt.date(2026, 3, 1)
    default = LoanAccount(terms=terms, events=events).payoff(day)
    accrual = LoanAccount(terms=terms, events=events, proration="accrual").payoff(day)
    share = LoanAccount(terms=terms, events=events, proration="period-share").payoff(day)
    assert default.interest == accrual.interest == Decimal("39.67")
    assert share.interest == Decimal("39.90")
    assert share.principal == accrual.principal == Decimal("3379.10")
