"""Plausibility (issue 20 §2): inputs that parse but make the output meaningless are refused with
the field named and the value echoed, at the bounds stated in docs/conventions.md, "Bounds"."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest

from coopfinance import LoanTerms, Rate
from coopfinance.cli import main
from coopfinance.documents import KeyFacts
from coopfinance.errors import InvalidLinkedPlan, InvalidValue
from coopfinance.linked import Portfolio, simulate
from coopfinance.servicing import LatePolicy, LoanAccount

TERMS = LoanTerms(
    principal="5000", rate=Rate.effective_annual("35%"), installments=3, disbursed="2026-01-15"
)


@pytest.mark.parametrize(
    ("options", "match"),
    [
        (
            {"loan_per_cow": "1e14"},
            r"'loan_per_cow' must be at most 10 years .* got 100000000000000",
        ),
        ({"loan_per_cow": "30842.51"}, r"= 30842\.50; got 30842\.51"),
        ({"price": "0"}, r"'price' must be above 0 \(got 0\)"),
        ({"litres_per_cow_day": "0"}, r"'litres_per_cow_day' must be above 0"),
        ({"litres_per_cow_day": "250"}, r"'litres_per_cow_day' must be at most 100 \(got 250\)"),
        ({"farmers": 100_001}, r"'farmers'"),
    ],
)
def test_an_implausible_example_cooperative_is_refused(options: dict[str, Any], match: str) -> None:
    kwargs: dict[str, Any] = {"farmers": 5, "periods": 12, **options}
    with pytest.raises(InvalidLinkedPlan, match=match) as info:
        Portfolio.example(**kwargs)
    assert info.value.field in {*options}


def test_the_loan_per_cow_bound_is_inclusive() -> None:
    """Ten years of a cow's milk at S/ 1.30 and 6.5 L a day: S/ 30,842.50 is accepted."""
    pf = Portfolio.example(3, 6, loan_per_cow="30842.50")
    assert pf.principal.max() > 0


def test_simulate_refuses_absurd_sizes_and_amounts() -> None:
    pf = Portfolio.example(3, 6)
    with pytest.raises(InvalidLinkedPlan, match="'scenarios'"):
        simulate(pf, scenarios=1_000_001)
    huge = Portfolio(
        disbursed=pf.disbursed,
        period_ends=pf.period_ends,
        litres=pf.litres,
        price=pf.price,
        installments=pf.installments * 1e12,
        principal=pf.principal * 1e12,
    )
    with pytest.raises(InvalidLinkedPlan, match=r"'portfolio' principal must stay below") as info:
        simulate(huge, scenarios=32)
    assert info.value.field == "principal"


def test_the_cli_refuses_an_absurd_loan_per_cow_in_one_line() -> None:
    out, err = io.StringIO(), io.StringIO()
    argv = ["simulate", "--scenarios", "32", "--farmers", "5", "--periods", "12"]
    code = main([*argv, "--loan-per-cow", "1e14"], out=out, err=err)
    assert code == 1
    assert err.getvalue().count("\n") == 1
    assert "'loan_per_cow'" in err.getvalue()
    assert "100000000000000" in err.getvalue()
    assert out.getvalue() == ""


@pytest.mark.parametrize(
    ("moratorium", "match"),
    [
        ("1000.01%", r"at most 1000 % a year \(got 1000\.01 %\)"),
        ("9999%", r"at most 1000 % a year \(got 9999 %\)"),
        (Rate.effective_monthly("50%"), r"at most 1000 % a year \(got 12874\.63"),
        (Rate.nominal_annual("2000%"), r"\(got 2000 %\)"),
    ],
)
def test_an_absurd_moratorium_rate_is_refused(moratorium: Any, match: str) -> None:
    with pytest.raises(InvalidValue, match=match) as info:
        LatePolicy(moratorium=moratorium)
    assert info.value.field == "moratorium"


@pytest.mark.parametrize("moratorium", ["19%", "150%", "1000%", Rate.effective_monthly("5%")])
def test_a_high_but_plausible_moratorium_is_accepted(moratorium: Any) -> None:
    """From 100 % up a rate is written with '%' (it used to be refused as a bare number 'rate')."""
    late = LatePolicy(moratorium=moratorium)
    assert late.moratorium is not None
    assert late.moratorium.annual_factor() <= 10


@pytest.mark.parametrize("fee", ["5000.01", "1e14"])
def test_a_flat_late_fee_above_the_principal_is_refused(fee: str) -> None:
    with pytest.raises(
        InvalidValue, match=r"'late_fee' must be at most the loan's principal"
    ) as info:
        LoanAccount(terms=TERMS, late=LatePolicy(late_fee=fee))
    assert info.value.field == "late_fee"
    assert f"{Decimal(fee):f}" in str(info.value)


def test_a_late_fee_up_to_the_principal_and_percentage_fees_are_accepted() -> None:
    LoanAccount(terms=TERMS, late=LatePolicy(late_fee="5000"))
    LoanAccount(terms=TERMS, late=LatePolicy(late_fee="99%"))


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"moratorium_rate": "1900%"}, "moratorium_rate"),
        ({"late_fee": "1e14"}, "late_fee"),
        ({"late_fee": "5000.01"}, "late_fee"),
    ],
)
def test_the_key_facts_sheet_refuses_an_absurd_late_cost(
    options: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidValue) as info:
        KeyFacts.from_loan(TERMS, borrower="Ana", lender="Coop", product="Semilla", **options)
    assert info.value.field == field


def test_the_statement_command_refuses_an_absurd_late_fee(tmp_path: Any) -> None:
    terms = tmp_path / "terms.json"
    terms.write_text(
        '{"principal": "5000", "rate": "35%", "installments": 3, "disbursed": "2026-01-15"}',
        encoding="utf-8",
    )
    events = tmp_path / "events.csv"
    events.write_text("type,date,id,amount\npayment,2026-03-30,p1,1751.80\n", encoding="utf-8")
    base = ["statement", "--terms", str(terms), "--events", str(events), "--as-of", "2026-04-20"]
    for extra, needle in (
        (["--late-fee", "1e14"], "'late_fee'"),
        (["--moratorium", "9999%"], "'moratorium'"),
    ):
        out, err = io.StringIO(), io.StringIO()
        assert main([*base, *extra], out=out, err=err) == 1
        assert needle in err.getvalue()
        assert err.getvalue().count("\n") == 1
