"""Published schedules, reproduced to the cent. Each test cites its source.

Research notes with the full published tables: docs/sources.md.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from coopfinance import (
    Amortization,
    DayCount,
    Frequency,
    Grace,
    GraceType,
    LoanTerms,
    Rate,
    RoundingPolicy,
)
from coopfinance._builder import PLANNERS

D = Decimal


def col(schedule, name):  # type: ignore[no-untyped-def]
    return [getattr(r, name) for r in schedule]


def test_caja_huancayo_fixed_day_cuota_tea_360() -> None:
    """Caja Huancayo loan analysed in "Análisis de un préstamo de la Caja Huancayo" (Scribd 622056479):
    S/ 10,000, TEA 29.84 % (360-day year), disbursed 25 Nov 2019, 24 cuotas due the 2nd of each month
    from 2 Jan 2020 (first period 38 days). Published first cuota: 545.67 =
    K / Σ (1 + TEA)^(−dⱼ/360) with dⱼ actual days from disbursement."""
    terms = LoanTerms(
        principal="10000",
        rate=Rate.effective_annual("29.84%"),
        installments=24,
        disbursed=dt.date(2019, 11, 25),
        first_due=dt.date(2020, 1, 2),
    )
    s = terms.schedule()
    assert s.installment_amount == D("545.67")
    assert s[0].days == 38
    assert [r.due_date.day for r in s] == [2] * 24
    assert s.total_principal == D("10000.00")


def test_consumer_credit_sheet_30_day_periods_tem() -> None:
    """ "Fórmula Crédito Consumo 08-11-2019" (Peruvian caja sheet, Scribd 502370627): S/ 10,000 at an
    equivalent rate of 2.4000129 % per 30 days ("plazo fijo"), 12 cuotas, published cuota 968.98 and
    rows 1–3 (interest 240.00, 222.51, 204.59; amortization 728.98, 746.47, 764.39; balances
    9,271.02, 8,524.55, 7,760.16). The sheet carries unrounded amounts between rows (row 4 shows
    782.73 where row-by-row rounding, which coopfinance uses so that every row adds up, gives
    782.74)."""
    terms = LoanTerms(
        principal="10000",
        rate=Rate.effective_periodic("2.4000129%", "30d"),
        installments=12,
        frequency="30d",
        disbursed=dt.date(2019, 11, 8),
    )
    s = terms.schedule()
    assert s.installment_amount == D("968.98")
    assert col(s, "interest")[:3] == [D("240.00"), D("222.51"), D("204.59")]
    assert col(s, "principal")[:3] == [D("728.98"), D("746.47"), D("764.39")]
    assert col(s, "balance")[:3] == [D("9271.02"), D("8524.55"), D("7760.16")]
    assert col(s, "principal")[3] == D("782.74")


@pytest.mark.parametrize(
    ("tea", "tem"),
    [
        # CMAC Ica formula sheet (2018): TEA 39.29 % ↔ TEM 2.80 %
        ("39.29%", "0.0280"),
        # Caja PYME formula sheet (2017): TEA 40.92 % ↔ TEM 2.90 %
        ("40.92%", "0.0290"),
        # Banco Ripley "Fórmulas y Ejemplos – Préstamo Efectivo" (July 2022): TEM 2.92 % ↔ TEA 41.25 %
        ("41.25%", "0.0292"),
    ],
)
def test_tea_to_tem_as_printed_by_peruvian_lenders(tea: str, tem: str) -> None:
    """TEM = (1 + TEA)^(30/360) − 1, shown with 2 decimals in percent."""
    monthly = Rate.effective_annual(tea).to_effective_periodic(Frequency.MONTHLY).value
    assert monthly.quantize(D("0.0001")) == D(tem)


def test_ripley_tem_to_tea_and_ted() -> None:
    """Banco Ripley "Fórmulas y Ejemplos – Préstamo Efectivo" (July 2022): TEM 2.92 % gives
    TEA 41.25 % and TED 0.096 %."""
    tem = Rate.effective_monthly("2.92%")
    assert tem.to_effective_annual().value.quantize(D("0.0001")) == D("0.4125")
    ted = tem.to_effective_periodic(Frequency.days(1)).value
    assert ted.quantize(D("0.00001")) == D("0.00096")


def test_numpy_financial_pmt_docstring_mortgage() -> None:
    """numpy-financial ``pmt`` documentation: a 200,000 loan over 15 years at 7.5 % a year,
    monthly → 1,854.02 a month."""
    terms = LoanTerms(
        principal="US$ 200,000",
        rate=Rate.nominal_annual("7.5%"),
        installments=180,
        disbursed=dt.date(2026, 1, 1),
        day_count=DayCount.PER_PERIOD,
    )
    assert terms.schedule().installment_amount == D("1854.02")


def test_textbook_german_constant_principal() -> None:
    """ "Sistemas de Amortización" (class presentation, 29 Apr 2019, Scribd 408459335), example A:
    capital 9,000 over 8 periods at 2 % per period, constant amortization 1,125: interest 180,
    157.50, 135, ...; cuotas 1,305, 1,282.50, ..., 1,147.50."""
    terms = LoanTerms(
        principal="9000",
        rate=Rate.effective_periodic("2%", "annual"),
        installments=8,
        frequency="annual",
        disbursed=dt.date(2019, 1, 1),
        amortization=Amortization.CONSTANT_PRINCIPAL,
        day_count="per-period",
    )
    s = terms.schedule()
    assert set(col(s, "principal")) == {D("1125.00")}
    assert col(s, "interest") == [
        D(x) for x in ("180", "157.5", "135", "112.5", "90", "67.5", "45", "22.5")
    ]
    assert col(s, "total")[:2] == [D("1305.00"), D("1282.50")]
    assert s[-1].total == D("1147.50")


# ---- Apache Fineract e2e expectations (fineract-e2e-tests-runner/.../features) ----------------
# Fineract products: 2 decimals, HALF_EVEN rounding, installments in multiples of 1, and the
# "same as repayment period" interest calculation (the annual nominal rate ÷ 12 each month).

FINERACT = RoundingPolicy(mode="half-even", installment_multiple="1")


def test_fineract_rs02_declining_balance_multiples_of_one() -> None:
    """Fineract Loan.feature RS02 (TestRail C2492): 5,000 EUR, 12 % nominal, 18 monthly
    installments from 1 Nov 2022, equal installments in multiples of 1, HALF_EVEN: 305.00 × 17 and
    303.22; total interest 488.22."""
    terms = LoanTerms(
        principal="€ 5000",
        rate=Rate.nominal_annual("12%"),
        installments=18,
        disbursed=dt.date(2022, 10, 1),
        day_count="per-period",
        rounding=FINERACT,
    )
    s = terms.schedule()
    assert col(s, "total") == [D("305.00")] * 17 + [D("303.22")]
    assert col(s, "interest") == [
        D(x)
        for x in (
            "50.00",
            "47.45",
            "44.87",
            "42.27",
            "39.65",
            "36.99",
            "34.31",
            "31.61",
            "28.87",
            "26.11",
            "23.32",
            "20.50",
            "17.66",
            "14.79",
            "11.88",
            "8.95",
            "5.99",
            "3.00",
        )
    ]
    assert col(s, "balance")[:3] == [D("4745.00"), D("4487.45"), D("4227.32")]
    assert s.total_interest == D("488.22")


def test_fineract_rs01_flat_multiples_of_one() -> None:
    """Fineract Loan.feature RS01 (C2490): 5,000 EUR at 12 % flat a year, 18 months, multiples of
    1: interest 50.00 each month, principal 278.00 × 17 and 274.00, due 328.00 × 17 and 324.00."""
    terms = LoanTerms(
        principal="€ 5000",
        rate=Rate.flat_annual("12%"),
        installments=18,
        disbursed=dt.date(2022, 10, 1),
        rounding=FINERACT,
    )
    s = terms.schedule()
    assert terms.amortization is Amortization.FLAT
    assert set(col(s, "interest")) == {D("50.00")}
    assert col(s, "principal") == [D("278.00")] * 17 + [D("274.00")]
    assert col(s, "total") == [D("328.00")] * 17 + [D("324.00")]
    assert s.total_interest == D("900.00")


def test_fineract_rs04_equal_principal() -> None:
    """Fineract Loan.feature RS04 (C2494): 5,000 EUR, 12 %, 18 months, equal principal: 277.78 × 17
    and 277.74; dues 327.78, 325.00, 322.22, 319.45, ...; total interest 475.00."""
    terms = LoanTerms(
        principal="€ 5000",
        rate=Rate.nominal_annual("12%"),
        installments=18,
        disbursed=dt.date(2022, 10, 1),
        day_count="per-period",
        amortization="constant-principal",
        rounding=RoundingPolicy(mode="half-even"),
    )
    s = terms.schedule()
    assert col(s, "principal") == [D("277.78")] * 17 + [D("277.74")]
    assert col(s, "total")[:4] == [D("327.78"), D("325.00"), D("322.22"), D("319.45")]
    assert s[-1].total == D("280.52")
    assert s.total_interest == D("475.00")


def test_fineract_rs05_principal_grace() -> None:
    """Fineract Loan.feature RS05 (C2495): as RS02 with 3 periods of grace on principal (interest
    paid): 50.00 interest in periods 1–3, then 361.00 (EMI over 15 periods); the last is 351.36 +
    3.51 = 354.87; total interest 558.87."""
    terms = LoanTerms(
        principal="€ 5000",
        rate=Rate.nominal_annual("12%"),
        installments=18,
        disbursed=dt.date(2022, 10, 1),
        day_count="per-period",
        rounding=FINERACT,
        grace=Grace(periods=3, kind=GraceType.PAY_INTEREST),
    )
    s = terms.schedule()
    assert col(s, "total")[:3] == [D("50.00")] * 3
    assert (s[3].total, s[3].principal) == (D("361.00"), D("311.00"))
    assert (s[-1].principal, s[-1].interest, s[-1].total) == (D("351.36"), D("3.51"), D("354.87"))
    assert s.total_interest == D("558.87")


def test_fineract_c2961_flat_half_even_tie() -> None:
    """Fineract Loan.feature C2961: 1,250 EUR at 15 % flat, 4 months, multiples of 1: the interest
    1,250 × 15 % / 12 = 15.625 rounds half-even to 15.62; the last takes 15.64 and 312.86."""
    terms = LoanTerms(
        principal="€ 1250",
        rate=Rate.flat_annual("15%"),
        installments=4,
        disbursed=dt.date(2023, 8, 1),
        rounding=FINERACT,
    )
    s = terms.schedule()
    assert col(s, "interest") == [D("15.62")] * 3 + [D("15.64")]
    assert col(s, "principal") == [D("312.38")] * 3 + [D("312.86")]
    assert col(s, "total") == [D("328.00")] * 3 + [D("328.50")]


def test_fineract_c2962_declining_half_even_tie() -> None:
    """Fineract Loan.feature C2962: as C2961 on the declining balance: (306.38, 15.62, 322),
    (310.20, 11.80, 322), (314.08, 7.92, 322), (319.34, 3.99, 323.33)."""
    terms = LoanTerms(
        principal="€ 1250",
        rate=Rate.nominal_annual("15%"),
        installments=4,
        disbursed=dt.date(2023, 8, 1),
        day_count="per-period",
        rounding=FINERACT,
    )
    s = terms.schedule()
    assert [(r.principal, r.interest, r.total) for r in s] == [
        (D("306.38"), D("15.62"), D("322.00")),
        (D("310.20"), D("11.80"), D("322.00")),
        (D("314.08"), D("7.92"), D("322.00")),
        (D("319.34"), D("3.99"), D("323.33")),
    ]


@pytest.mark.parametrize(
    ("principal", "rate", "emi", "interest", "last"),
    [
        # EMICalculation.feature C3154: 100 EUR, 12 %, 360/30, 6 months from 1 Jan 2024
        ("100", "12%", "17.25", ["1.00", "0.84", "0.67", "0.51", "0.34", "0.17"], "17.28"),
        # EMICalculation.feature C3155: 100 EUR, 9.4822 %, 360/30
        ("100", "9.4822%", "17.13", ["0.79", "0.66", "0.53", "0.40", "0.27", "0.13"], "17.13"),
    ],
)
def test_fineract_progressive_emi_30_360(
    principal: str, rate: str, emi: str, interest: list[str], last: str
) -> None:
    """Fineract progressive EMI with a 360/30 day count (each month 30/360 of the nominal rate)."""
    terms = LoanTerms(
        principal=f"€ {principal}",
        rate=Rate.nominal_annual(rate),
        installments=6,
        disbursed=dt.date(2024, 1, 1),
        day_count=DayCount.THIRTY_360,
        rounding=RoundingPolicy(mode="half-even"),
    )
    s = terms.schedule()
    assert s.installment_amount == D(emi)
    assert col(s, "interest") == [D(x) for x in interest]
    assert s[-1].total == D(last)


def test_fixed_due_day_periods_vary_from_28_to_31_days() -> None:
    """A Peruvian "fecha fija" schedule: the 15th of each month, so periods have 28–31 days and the
    amortization is not smooth, while the cuota stays level (CMAC "fórmulas y ejemplos" sheets)."""
    s = LoanTerms(
        principal="6000",
        rate=Rate.effective_annual("40%"),
        installments=12,
        disbursed=dt.date(2026, 1, 15),
    ).schedule()
    assert {r.days for r in s} == {28, 30, 31}
    assert len({r.total for r in s[:-1]}) == 1
    principals = col(s, "principal")
    assert any(b < a for a, b in itertools.pairwise(principals))  # Feb: 28 days


def test_every_amortization_has_a_planner() -> None:
    """Adding an amortization kind means adding its planner (see coopfinance._builder)."""
    assert set(PLANNERS) == set(Amortization)
