"""Bad input gets a clear error that names the field and echoes the value: one table, messages pinned."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from coopfinance import (
    CoopFinanceError,
    CurrencyMismatch,
    FloatNotAllowed,
    Grace,
    InvalidCalendar,
    InvalidLoanTerms,
    InvalidRate,
    LoanTerms,
    Money,
    ParseError,
    Rate,
    RoundingPolicy,
    UnknownCurrency,
)

BASE: dict[str, Any] = {
    "principal": "5000",
    "rate": Rate.effective_annual("35%"),
    "installments": 12,
    "disbursed": dt.date(2026, 1, 15),
}


def terms(**changes: Any) -> LoanTerms:
    return LoanTerms(**{**BASE, **changes})


CASES = [
    (
        "principal zero",
        lambda: terms(principal="0"),
        InvalidLoanTerms,
        r"^'principal' must be positive \(got 0\)\.$",
    ),
    (
        "principal negative",
        lambda: terms(principal=-5),
        InvalidLoanTerms,
        r"^'principal' must be positive \(got -5\)\.$",
    ),
    (
        "negative rate",
        lambda: Rate.effective_annual("-1%"),
        InvalidRate,
        r"^'rate' must not be negative \(got -0\.01\)\.$",
    ),
    (
        "absurd rate",
        lambda: Rate.effective_annual("35000%"),
        InvalidRate,
        r"^'rate' must be at most 100",
    ),
    (
        "zero installments",
        lambda: terms(installments=0),
        InvalidLoanTerms,
        r"^'installments' must be between 1 and 600 \(got 0\)\.$",
    ),
    (
        "too many installments",
        lambda: terms(installments=601),
        InvalidLoanTerms,
        r"^'installments' must be between 1 and 600 \(got 601\)\.$",
    ),
    (
        "no installments",
        lambda: terms(installments=None),
        InvalidLoanTerms,
        r"^'installments' is needed when no 'due_dates' are given \(got None\)\.$",
    ),
    (
        "first due before disbursement",
        lambda: terms(first_due=dt.date(2026, 1, 10)),
        InvalidLoanTerms,
        r"^'first_due' must be after the disbursement date 2026-01-15 \(got 2026-01-10\)\.$",
    ),
    (
        "first due on disbursement",
        lambda: terms(first_due="2026-01-15"),
        InvalidLoanTerms,
        r"^'first_due' must be after the disbursement date 2026-01-15 \(got 2026-01-15\)\.$",
    ),
    (
        "due dates out of order",
        lambda: terms(installments=None, due_dates=["2026-03-01", "2026-02-01"]),
        InvalidCalendar,
        r"^'due_dates' must be after due date 1 2026-03-01 \(got 2026-02-01 for installment 2\)\.$",
    ),
    (
        "grace equal to installments",
        lambda: terms(grace=Grace(periods=12)),
        InvalidLoanTerms,
        r"^'grace' must be fewer periods than the 12 installments \(got 12\)\.$",
    ),
    (
        "grace negative",
        lambda: Grace(periods=-1),
        InvalidLoanTerms,
        r"^'grace' must not be negative \(got -1\)\.$",
    ),
    (
        "weights wrong length",
        lambda: terms(amortization="weighted", weights=["1", "2"]),
        InvalidLoanTerms,
        r"^'weights' must give one weight per installment after grace, 12 \(got 2 weights\)\.$",
    ),
    (
        "weights missing",
        lambda: terms(amortization="weighted"),
        InvalidLoanTerms,
        r"^'weights' must give one weight per installment after grace, 12 \(got None\)\.$",
    ),
    (
        "weight zero",
        lambda: terms(amortization="weighted", weights=["1"] * 11 + ["0"]),
        InvalidLoanTerms,
        r"^'weights' must all be positive \(got 0\)\.$",
    ),
    (
        "weights without weighted",
        lambda: terms(weights=["1"] * 12),
        InvalidLoanTerms,
        r"^'weights' go only with weighted amortization \(got level\)\.$",
    ),
    (
        "unknown currency",
        lambda: Money("10", "XYZ"),
        UnknownCurrency,
        r"^'currency' must be an ISO 4217 code coopfinance knows, such as 'PEN', 'USD' or 'EUR' "
        r"\(got 'XYZ'\)\.$",
    ),
    (
        "float principal",
        lambda: terms(principal=5000.0),
        FloatNotAllowed,
        r"^'principal' must not be a float \(got 5000\.0\): pass a str such as '5000\.0' or a "
        r"Decimal\.$",
    ),
    (
        "float rate",
        lambda: Rate.effective_annual(0.35),
        FloatNotAllowed,  # type: ignore[arg-type]
        r"^'rate' must not be a float \(got 0\.35\)",
    ),
    (
        "float money",
        lambda: Money(12.5, "PEN"),
        FloatNotAllowed,
        r"^'amount' must not be a float \(got 12\.5\)",
    ),
    (
        "unparsable amount",
        lambda: Money.parse("cinco mil"),
        ParseError,
        r"^'amount' must be an amount such as 'S/ 1,250\.50' or '1250\.50' \(got 'cinco mil'\)\.$",
    ),
    (
        "unparsable rate",
        lambda: Rate.effective_annual("35 por ciento"),
        ParseError,
        r"^'rate' must be a number such as '1250\.50' or '35%' \(got '35 por ciento'\)\.$",
    ),
    (
        "unparsable date",
        lambda: terms(disbursed="15/01/2026"),
        ParseError,
        r"^'disbursed' must be a date such as '2026-01-15' \(got '15/01/2026'\)\.$",
    ),
    (
        "unknown frequency",
        lambda: terms(frequency="fortnightly-ish"),
        InvalidCalendar,
        r"^'frequency' must be weekly, .* \(got 'fortnightly-ish'\)\.$",
    ),
    (
        "unknown day count",
        lambda: terms(day_count="act/364"),
        InvalidCalendar,
        r"^'day_count' must be one of act/360, act/365, act/act, 30/360, 30e/360, per-period "
        r"\(got 'act/364'\)\.$",
    ),
    (
        "flat rate with level method",
        lambda: terms(rate=Rate.flat("2%"), amortization="level"),
        InvalidLoanTerms,
        r"^'amortization' must be flat for a flat rate \(got level\)\.$",
    ),
    (
        "bullet with grace",
        lambda: terms(amortization="bullet", grace=Grace(periods=1)),
        InvalidLoanTerms,
        r"^'grace' does not apply to a bullet loan",
    ),
    (
        "principal not a multiple of the unit",
        lambda: terms(principal=Money("1050", "CLP"), rounding=RoundingPolicy(unit="100")),
        InvalidLoanTerms,
        r"^'principal' must be a multiple of the rounding unit 100 \(got 1050\)\.$",
    ),
    (
        "multiple not a multiple of the unit",
        lambda: terms(rounding=RoundingPolicy(installment_multiple="0.015")),
        InvalidLoanTerms,
        r"^'installment_multiple' must be a multiple of the rounding unit 0\.01 \(got 0\.015\)\.$",
    ),
    (
        "negative rounding unit",
        lambda: RoundingPolicy(unit="-1"),
        CoopFinanceError,
        r"^'unit' must be positive \(got -1\)\.$",
    ),
    (
        "mixing currencies",
        lambda: Money("1", "PEN") + Money("1", "USD"),
        CurrencyMismatch,
        r"^cannot add PEN and USD amounts \(S/ 1\.00 and US\$ 1\.00\)\.$",
    ),
    (
        "unknown key in mapping",
        lambda: LoanTerms.from_dict({**BASE, "tasa": "3%"}),
        InvalidLoanTerms,
        r"^unknown loan-terms key 'tasa'",
    ),
    (
        "rate kind with period",
        lambda: Rate(value="0.1", period="monthly"),
        InvalidRate,
        r"^'period' applies only to periodic rates, not to effective-annual \(got monthly\)\.$",
    ),
]


@pytest.mark.parametrize(("case", "make", "error", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_with_a_clear_message(
    case: str, make: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message) as info:
        make()
    assert isinstance(info.value, CoopFinanceError)


def test_errors_keep_field_and_value() -> None:
    with pytest.raises(InvalidLoanTerms) as info:
        terms(installments=0)
    assert (info.value.field, info.value.value) == ("installments", 0)


def test_leaves_subclass_the_matching_builtin() -> None:
    with pytest.raises(ValueError, match="installments"):
        terms(installments=0)
    with pytest.raises(TypeError, match="float"):
        Money(1.5, "PEN")
    with pytest.raises(TypeError, match="PEN and USD"):
        Money("1", "PEN") - Money("1", "USD")


def test_float_is_refused_everywhere_money_or_a_rate_enters() -> None:
    with pytest.raises(FloatNotAllowed):
        Money("1", "PEN") * 1.5  # type: ignore[operator]
    with pytest.raises(FloatNotAllowed):
        RoundingPolicy(unit=0.01)  # type: ignore[arg-type]
    with pytest.raises(FloatNotAllowed):
        terms(amortization="weighted", weights=[1.0] * 12)
    with pytest.raises(FloatNotAllowed):
        Rate.flat(0.02)  # type: ignore[arg-type]
    with pytest.raises(FloatNotAllowed):
        Money.parse(Decimal("1")) / 2.0  # type: ignore[operator]


def test_terms_whose_installments_never_cover_interest_are_refused() -> None:
    """Six years of capitalizing grace at 120 % a year multiply the debt by more than 100."""
    runaway = terms(
        rate=Rate.effective_annual("120%"),
        installments=8,
        frequency="annual",
        grace=Grace(periods=6),
    )
    with pytest.raises(InvalidLoanTerms, match=r"^the balance grows past 100 times the principal"):
        runaway.schedule()
