"""Portfolio quality as the field reads it (issue 15 §8): PAR "more than N days", SBS alignment,
refinanced loans, SBS accounting states and their labels in the portfolio document.

Sources (see /work/shared/reference/peru-regulation-and-coop-accounts.md):
- CGAP, "Microfinance Consensus Guidelines: Definitions of Selected Financial Terms, Ratios, and
  Adjustments for Microfinance" (2003) and the MIX Market glossary: PAR30 is the outstanding
  balance of loans with one or more installments *more than* 30 days past due.
- Res. SBS 11356-2008 (days bands for micro credit, alignment num. 5.2, provision Tabla 1).
- El Analista, "Mejoras al alineamiento interno y externo" (2015): a current mortgage plus a card
  15 days late makes the whole debtor CPP.
- Gestión: a refinanced Normal debtor "no la va a calificar como normal, sino como problemas
  potenciales".
- SBS Manual de Contabilidad, Rubro 14: vigente 1401, reestructurado 1403, refinanciado 1404,
  vencido 1405 (micro and small: more than 30 days), cobranza judicial 1406.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from coopfinance.documents import render_portfolio
from coopfinance.portfolio import (
    SBS_MICRO,
    Category,
    CreditType,
    Exposure,
    LoanState,
    align,
    classify,
    loan_state,
    par,
    report,
)
from coopfinance.servicing import AccountStatus

D = Decimal


def test_par30_is_more_than_30_days() -> None:
    rows = [Exposure("a", D(100), 30), Exposure("b", D(100), 31), Exposure("c", D(200), 0)]
    assert par(rows, 30) == D("0.25")
    assert par(rows, 0) == D("0.5")  # any arrears


@given(
    st.lists(st.tuples(st.integers(1, 10_000), st.integers(0, 400)), min_size=1, max_size=30),
    st.integers(0, 365),
)
def test_par_counts_exactly_the_loans_beyond_the_threshold(
    loans: list[tuple[int, int]], d: int
) -> None:
    rows = [Exposure(str(i), D(p), dpd) for i, (p, dpd) in enumerate(loans)]
    total = sum(D(p) for p, _ in loans)
    risk = sum(D(p) for p, dpd in loans if dpd > d)
    assert par(rows, d) * total == risk or abs(par(rows, d) * total - risk) < D("1e-25")
    assert par(rows, d) >= par(rows, d + 1)


def test_alignment_el_analista_example() -> None:
    # a current loan plus a small-but-counted loan 15 days late: the whole debtor is CPP
    rows = [Exposure("house", D(50_000), 0, debtor="m"), Exposure("card", D(1_000), 15, debtor="m")]
    assert set(align(rows).values()) == {Category.CPP}


def test_small_balances_do_not_pull_the_debtor_down() -> None:
    rows = [Exposure("big", D(20_000), 0, debtor="m"), Exposure("tiny", D(99), 200, debtor="m")]
    got = align(rows)
    assert got["big"] is Category.NORMAL
    assert got["tiny"] is Category.PERDIDA


def test_refinanced_normal_debtor_is_cpp_and_provisioned_at_5_percent() -> None:
    rows = [Exposure("r", D(1_000), 0, refinanced=True)]
    lines = {c.category: c for c in classify(rows)}
    assert lines[Category.CPP].count == 1
    assert lines[Category.CPP].provision == D("50.00")
    assert loan_state(rows[0]) is LoanState.REFINANCIADO
    # a refinanced loan more than 30 days late is vencido (Manual, Rubro 14)
    assert loan_state(Exposure("r", D(1), 31, refinanced=True)) is LoanState.VENCIDO


@given(
    st.lists(
        st.tuples(st.integers(1, 10_000), st.integers(0, 400), st.sampled_from("abc")),
        min_size=1,
        max_size=20,
    )
)
def test_alignment_never_improves_a_loan_and_equalises_counted_loans(
    loans: list[tuple[int, int, str]],
) -> None:
    rows = [Exposure(str(i), D(p), dpd, debtor=m) for i, (p, dpd, m) in enumerate(loans)]
    got = align(rows)
    cats = list(Category)
    for r in rows:
        assert cats.index(got[r.loan_id]) >= cats.index(SBS_MICRO.category(r.days_past_due))
    # the provisions after alignment are at least those without it
    assert sum(c.provision for c in classify(rows)) >= sum(
        c.provision for c in classify(rows, aligned=False)
    )


def test_vencido_days_by_credit_type() -> None:
    assert loan_state(Exposure("m", D(1), 30)) is LoanState.VIGENTE
    assert loan_state(Exposure("m", D(1), 31)) is LoanState.VENCIDO
    assert (
        loan_state(Exposure("c", D(1), 16, credit_type=CreditType.CORPORATE)) is LoanState.VENCIDO
    )
    assert loan_state(Exposure("j", D(1), 0, judicial=True)) is LoanState.COBRANZA_JUDICIAL
    assert (
        loan_state(Exposure("w", D(0), 0, status=AccountStatus.WRITTEN_OFF)) is LoanState.CASTIGADO
    )


def _book() -> list[Exposure]:
    return [
        Exposure("L-1", D(1_000), 0, debtor="ana"),
        Exposure("L-2", D(800), 45, debtor="beto"),
        Exposure("L-3", D(1_200), 0, debtor="carla", refinanced=True),
        Exposure(
            "L-4", D(0), 200, debtor="dora", status=AccountStatus.WRITTEN_OFF, written_off=D(900)
        ),
    ]


def test_portfolio_shows_each_loan_in_its_state_and_category_in_spanish_and_english() -> None:
    rows = _book()
    r = report(rows)
    states = {line.loan_id: (line.state, line.category) for line in r.loans}
    assert states == {
        "L-1": (LoanState.VIGENTE, Category.NORMAL),
        "L-2": (LoanState.VENCIDO, Category.DEFICIENTE),
        "L-3": (LoanState.REFINANCIADO, Category.CPP),
        "L-4": (LoanState.CASTIGADO, None),
    }
    as_of = dt.date(2026, 6, 30)
    es = render_portfolio(r, lender="Coop", as_of=as_of, loans=rows, lang="es")
    en = render_portfolio(r, lender="Coop", as_of=as_of, loans=rows, lang="en")
    for word in ("Vigente", "Vencido", "Refinanciado", "Castigado", "Atraso de más de 30 días"):
        assert word in es
    for word in ("Current", "Past due", "Refinanced", "Written off", "More than 30 days late"):
        assert word in en
    line = next(x for x in es.splitlines() if x.startswith("| L-2 "))
    assert "Vencido" in line
    assert "Deficiente" in line
    line = next(x for x in en.splitlines() if x.startswith("| L-3 "))
    assert "Refinanced" in line
    html = render_portfolio(r, lender="Coop", as_of=as_of, loans=rows, lang="pt_BR", fmt="html")
    assert "Baixado como prejuízo" in html
    assert "Refinanciado" in html
