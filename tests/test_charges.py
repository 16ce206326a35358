"""Charges on the schedule: upfront fees, installment fees, insurance, taxes, down payment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import loan_terms

from coopfinance import (
    Amortization,
    Charge,
    ChargeBasis,
    ChargeKind,
    InvalidLoanTerms,
    LoanTerms,
    ParseError,
    Rate,
    Schedule,
    Upfront,
)
from coopfinance.cost import apr_of, aprc_of, eir_of, tcea
from coopfinance.errors import InvalidValue

D = Decimal
BASE: dict[str, Any] = {
    "principal": "5000",
    "rate": Rate.effective_annual("35%"),
    "installments": 12,
    "disbursed": dt.date(2026, 1, 15),
}


def terms(**changes: Any) -> LoanTerms:
    return LoanTerms(**{**BASE, **changes})


@pytest.mark.parametrize(
    ("text", "kind", "value", "basis", "extra"),
    [
        (
            "upfront:1%:withheld",
            ChargeKind.UPFRONT,
            "0.01",
            ChargeBasis.AMOUNT,
            {"upfront": Upfront.WITHHELD},
        ),
        (
            "upfront:100:financed",
            ChargeKind.UPFRONT,
            "100",
            ChargeBasis.FLAT,
            {"upfront": Upfront.FINANCED},
        ),
        ("installment:10.00", ChargeKind.INSTALLMENT, "10.00", ChargeBasis.FLAT, {}),
        ("installment:1%:principal", ChargeKind.INSTALLMENT, "0.01", ChargeBasis.PRINCIPAL, {}),
        ("installment:1%", ChargeKind.INSTALLMENT, "0.01", ChargeBasis.INSTALLMENT, {}),
        ("insurance:0.10%:balance", ChargeKind.INSURANCE, "0.001", ChargeBasis.BALANCE, {}),
        ("insurance:0.0675%:original", ChargeKind.INSURANCE, "0.000675", ChargeBasis.ORIGINAL, {}),
        (
            "insurance:0.10%:prorated",
            ChargeKind.INSURANCE,
            "0.001",
            ChargeBasis.BALANCE,
            {"prorated": True},
        ),
        ("insurance:9.00", ChargeKind.INSURANCE, "9.00", ChargeBasis.FLAT, {}),
        (
            "tax:0.005%",
            ChargeKind.TAX,
            "0.00005",
            ChargeBasis.PAYMENT,
            {"on_payments": True, "on_disbursement": True},
        ),
        (
            "tax:0.005%:payments",
            ChargeKind.TAX,
            "0.00005",
            ChargeBasis.PAYMENT,
            {"on_disbursement": False},
        ),
    ],
)
def test_charge_grammar(
    text: str, kind: ChargeKind, value: str, basis: ChargeBasis, extra: dict[str, Any]
) -> None:
    c = Charge.parse(text)
    assert (c.kind, c.value, c.basis) == (kind, D(value), basis)
    for name, expected in extra.items():
        assert getattr(c, name) == expected
    assert Charge.parse(c.describe()) == c


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: Charge.parse("discount:1%"), InvalidValue, r"^'kind' must be one of upfront"),
        (lambda: Charge.parse("upfront"), ParseError, r"^'charge' must be KIND:VALUE"),
        (
            lambda: Charge.parse("upfront:1%:later"),
            ParseError,
            r"^'charge' 'upfront:1%:later': option 'later' must be one of financed, withheld",
        ),
        (lambda: Charge.parse("tax:5.00"), InvalidValue, r"^'value' of a tax must be a percentage"),
        (
            lambda: Charge.parse("insurance:150%"),
            InvalidValue,
            r"^'value' of a percentage charge must be below 100 %",
        ),
        (
            lambda: Charge.installment_fee("-1"),
            InvalidValue,
            r"^'value' of a installment charge must not be negative \(got -1\)\.$",
        ),
        (
            lambda: Charge(kind="insurance", value="0.01", basis="interest"),
            InvalidValue,
            r"^'basis' of a insurance charge must be one of balance, flat, original",
        ),
        (
            lambda: terms(charges=["upfront:5000"]).schedule(),
            InvalidLoanTerms,
            r"^'charges' withheld at disbursement \(5000.00\) must be less than the amount lent",
        ),
        (
            lambda: terms(level_includes_insurance=True),
            InvalidLoanTerms,
            r"^'level_includes_insurance' needs level amortization and insurance on the balance",
        ),
        (
            lambda: terms(down_payment="100%"),
            InvalidLoanTerms,
            r"^'down_payment' must be a share between 0 and 100 %",
        ),
        (lambda: terms(charges=[42]), TypeError, r"^'charges' must hold Charge values"),
    ],
)
def test_bad_charges_are_refused(make: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        make()


def test_upfront_fees_withheld_and_financed() -> None:
    withheld = terms(charges=["upfront:2%"]).schedule()
    assert withheld.fees_withheld == D("100.00")
    assert withheld.net_disbursement == D("4900.00")
    assert withheld.principal == D("5000.00")
    financed = terms(charges=["upfront:100:financed"]).schedule()
    assert financed.fees_financed == D("100.00")
    assert financed.principal == financed.total_principal == D("5100.00")
    assert financed.amount_lent == financed.net_disbursement == D("5000.00")
    assert financed.installment_amount > withheld.installment_amount


def test_insurance_on_the_balance_reproduces_a_peruvian_sheet() -> None:
    """ "Fórmula Crédito Consumo 08-11-2019" (Scribd 502370627): desgravamen 0.10 % of the opening
    balance each 30-day period: 10.00, 9.27, 8.52 on balances 10,000.00, 9,271.02, 8,524.55."""
    s = LoanTerms(
        principal="10000",
        rate=Rate.effective_periodic("2.4000129%", "30d"),
        installments=12,
        frequency="30d",
        disbursed=dt.date(2019, 11, 8),
        charges=["insurance:0.10%"],
    ).schedule()
    assert [r.insurance for r in s[:3]] == [D("10.00"), D("9.27"), D("8.52")]
    assert s.installment_amount == D("968.98")


def test_agrobanco_insurance_on_the_original_amount() -> None:
    """Agrobanco's 2022 tariff: desgravamen 0.0675 % a month on the initial amount: S/ 6.75 a
    month on S/ 10,000, whatever the balance; quarterly installments carry three months."""
    monthly = terms(principal="10000", charges=["insurance:0.0675%:original"]).schedule()
    assert {r.insurance for r in monthly} == {D("6.75")}
    quarterly = terms(
        principal="10000",
        installments=4,
        frequency="quarterly",
        charges=["insurance:0.0675%:original"],
    ).schedule()
    assert {r.insurance for r in quarterly} == {D("20.25")}


def test_prorated_insurance_follows_the_days() -> None:
    s = terms(charges=["insurance:0.30%:prorated"]).schedule()
    feb = s[1]  # 28 days
    assert feb.days == 28
    assert feb.insurance == (feb.opening_balance * D("0.003") * 28 / 30).quantize(D("0.01"))


def test_itf_is_rounded_down_to_five_centimos() -> None:
    """ITF 0.005 % (Ley 29667): S/ 10,000 × 0.005 % = S/ 0.50 (reference, cost-of-credit.md §1.5);
    smaller amounts round down to a multiple of S/ 0.05, so a S/ 900 payment pays nothing."""
    s = terms(principal="10000", installments=1, charges=["tax:0.005%"]).schedule()
    assert s.taxes_withheld == D("0.50")
    assert s[0].taxes == D("0.50")  # on a payment of 10,254.xx: 0.5127 → 0.50
    small = terms(charges=["tax:0.005%"]).schedule()
    assert {r.taxes for r in small} == {D("0.00")}


def test_level_including_insurance_keeps_the_total_level() -> None:
    s = terms(charges=["insurance:0.10%"], level_includes_insurance=True).schedule()
    totals = {r.total for r in s[:-1]}
    assert len(totals) == 1
    assert all(r.insurance > 0 for r in s)
    plain = terms(charges=["insurance:0.10%"]).schedule()
    assert len({r.total for r in plain[:-1]}) > 1


def test_down_payment_is_installment_zero() -> None:
    s = terms(down_payment="25%").schedule()
    row = s[0]
    assert (row.number, row.due_date, row.days, row.principal) == (0, s.disbursed, 0, D("1250.00"))
    assert s[1].opening_balance == D("3750.00")
    assert s.total_principal == D("5000.00")
    assert len(s) == 13


def test_fees_as_percentages_of_each_basis() -> None:
    s = terms(
        charges=["installment:1%:principal", "installment:2%:interest", "installment:0.1%:amount"]
    ).schedule()
    r = s[0]
    expected = (
        (r.principal * D("0.01")).quantize(D("0.01"))
        + (r.interest * D("0.02")).quantize(D("0.01"))
        + D("5.00")
    )
    assert r.fees == expected


@given(
    loan_terms(),
    st.sampled_from(
        [
            "installment:3",  # whole units in every currency (CLP too)
            "insurance:0.10%",
            "upfront:1%",
            "insurance:0.05%:original",
            "installment:1%",
        ]
    ),
)
def test_charge_columns_add_up(base: LoanTerms, charge: str) -> None:
    s = base.evolve(charges=[charge, "tax:0.005%"]).schedule()
    for r in s:
        assert r.charges == r.fees + r.insurance + r.taxes
        assert r.total == r.principal + r.interest + r.charges
        assert min(r.fees, r.insurance, r.taxes) >= 0
    t = s.totals()
    assert t["charges"] == t["fees"] + t["insurance"] + t["taxes"]
    assert t["total"] == t["principal"] + t["interest"] + t["charges"]
    # the schedule of principal and interest is not changed by charges on top of it
    plain = base.schedule()
    assert [r.principal for r in s] == [r.principal for r in plain] or charge.startswith("upfront")


@given(
    loan_terms(methods=[Amortization.LEVEL, Amortization.CONSTANT_PRINCIPAL], grace=False),
    st.sampled_from(["upfront:1%", "installment:5.00", "insurance:0.10%", "upfront:50:financed"]),
)
def test_adding_a_fee_never_lowers_any_figure(base: LoanTerms, charge: str) -> None:
    with_fee = base.evolve(charges=[charge])
    plain, charged = base.schedule(), with_fee.schedule()
    if charged.total_charges + charged.fees_withheld + charged.fees_financed == 0:
        return  # the fee rounded to nothing on a tiny loan
    for figure in (tcea, aprc_of, eir_of):
        try:
            lo, hi = figure(plain), figure(charged)
        except InvalidValue:
            return  # a schedule the regulator's figure cannot price (one flow each side etc.)
        assert hi >= lo - D("1e-12"), figure.__name__


@given(loan_terms(methods=[Amortization.LEVEL], grace=False, multiples=False))
def test_tcea_equals_tea_without_charges_and_exceeds_it_with_them(base: LoanTerms) -> None:
    if base.rate.kind.value != "effective-annual" or base.day_count.value != "act/360":
        return
    s = base.schedule()
    unit = base.rounding.unit_for(base.principal.currency)
    if s.principal < 10_000 * unit or s.total_interest < 1_000 * unit:
        return  # rounding to the unit dominates the rate of a tiny loan or a tiny interest
    if s.installment_amount < 5_000 * unit:
        return  # CLP 62,200 installments rounded to 100 move a 112 % TEA by 0.0007
    tea = base.rate.value
    assert abs(tcea(s) - tea) < D("0.0005")
    fee = base.evolve(charges=["installment:1%"]).schedule()
    if fee.total_fees > 0:
        assert tcea(fee) > tcea(s)


def test_apr_of_a_simple_loan_is_the_nominal_rate() -> None:
    """12 equal monthly periods on 30/360 at 12 % nominal: Reg Z's APR is 12.00 %."""
    s = LoanTerms(
        principal="US$ 1000",
        rate=Rate.nominal_annual("12%"),
        installments=12,
        disbursed=dt.date(2026, 1, 1),
        day_count="30/360",
    ).schedule()
    assert (apr_of(s) * 100).quantize(D("0.01")) == D("12.00")


def test_charged_schedule_json_round_trips() -> None:
    s = terms(charges=["upfront:1%", "insurance:0.1%", "tax:0.005%"], down_payment="10%").schedule()
    assert Schedule.from_json(s.to_json()) == s
    back = Schedule.from_csv(
        s.to_csv(), currency="PEN", disbursed=s.disbursed, installment_amount=s.installment_amount
    )
    assert back.installments == s.installments
