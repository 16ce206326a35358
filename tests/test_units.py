"""Units that cannot be mistaken (issue 15 §1): '%' means percent everywhere; a bare number for a
rate is a fraction below 1, otherwise refused with a message that suggests the '%' form; money is
in whole units of its currency (no sub-céntimo fee, principal or late fee)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopfinance import Charge, LoanTerms, Rate
from coopfinance.cli import main
from coopfinance.errors import InvalidLoanTerms, InvalidRate
from coopfinance.servicing import LatePolicy


@pytest.mark.parametrize(
    ("build", "field", "suggestion"),
    [
        (lambda: Rate.effective_annual("35"), "rate", "35%"),
        (lambda: Rate.effective_monthly(2), "rate", "2%"),
        (lambda: Rate.parse(Decimal("35.0"), "tea"), "rate", "35%"),  # a TOML/JSON number
        (
            lambda: LoanTerms.from_dict(
                {"principal": "5000", "rate": "35", "installments": 12, "disbursed": "2026-01-15"}
            ),
            "rate",
            "35%",
        ),
        (lambda: LatePolicy(moratorium="19"), "moratorium", "19%"),
        (lambda: LatePolicy(moratorium=Decimal(70)), "moratorium", "70%"),
    ],
)
def test_a_bare_percentage_is_refused_with_a_suggestion(
    build: object, field: str, suggestion: str
) -> None:
    with pytest.raises(InvalidRate) as info:
        build()  # type: ignore[operator]
    assert info.value.field == field
    assert f"'{suggestion}'" in str(info.value)
    assert "(got " in str(info.value)


@given(st.decimals(min_value=0, max_value=Decimal("0.9999"), places=4))
def test_a_fraction_and_its_percentage_are_the_same_rate(fraction: Decimal) -> None:
    percent = f"{(fraction * 100).normalize():f}%"
    assert Rate.effective_annual(fraction) == Rate.effective_annual(percent)
    assert LatePolicy(moratorium=fraction).moratorium == LatePolicy(moratorium=percent).moratorium


@given(st.decimals(min_value=1, max_value=100, places=2))
def test_rates_from_100_percent_up_need_the_percent_sign(value: Decimal) -> None:
    with pytest.raises(InvalidRate):
        Rate.effective_annual(value)
    assert Rate.effective_annual(f"{value}%").value == value / 100


def test_terms_write_the_rate_with_its_unit_and_read_it_back() -> None:
    terms = LoanTerms(
        principal="5000", rate=Rate.effective_annual("150%"), installments=3, disbursed="2026-01-15"
    )
    data = terms.to_dict()
    assert data["rate"] == "150%"
    assert LoanTerms.from_dict(data) == terms


@pytest.mark.parametrize(
    ("principal", "charges", "field"),
    [
        ("1000.005", (), "principal"),
        ("1000", ("installment:2.345",), "charges"),
        ("1000", ("upfront:0.001",), "charges"),
    ],
)
def test_sub_centimo_money_is_refused(principal: str, charges: tuple[str, ...], field: str) -> None:
    with pytest.raises(InvalidLoanTerms, match=r"whole number of PEN 0.01") as info:
        LoanTerms(
            principal=principal,
            rate=Rate.effective_annual("35%"),
            installments=3,
            disbursed="2026-01-15",
            charges=charges,
        )
    assert info.value.field == field


def test_a_zero_decimal_currency_refuses_fractions() -> None:
    with pytest.raises(InvalidLoanTerms, match=r"CLP 1 \(got 10000.5\)"):
        LoanTerms(
            principal="CLP 10000.5",
            rate=Rate.effective_annual("35%"),
            installments=3,
            disbursed="2026-01-15",
        )
    assert Charge.parse("installment:1.5%").value == Decimal("0.015")


def test_the_cli_refuses_a_bare_rate_in_one_line() -> None:
    out, err = io.StringIO(), io.StringIO()
    argv = ["schedule", "--principal", "5000", "--rate", "35", "--installments", "12",
            "--disbursed", "2026-01-15"]  # fmt: skip
    assert main(argv, out=out, err=err) == 1
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1
    assert "'35%'" in lines[0]
    assert "(se recibió '35')" in lines[0]  # the default language, Spanish
