"""The SMS for the farmer's phone (issue 21 §1): per liquidación and per payment, a short text
in the GSM-7 alphabet (3GPP TS 23.038 §6.2.1: 160 characters in one part, 153 per part when
concatenated), two parts at most, with litres, value, deducted, net and the next installment."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.documents.every_document import COOP, twice_a_day_fortnight

from coopfinance import LoanAccount, LoanTerms, Payment, Rate
from coopfinance.documents import (
    GSM7,
    gsm7_length,
    payment_sms,
    settlement_sms,
    sms_parts,
    to_gsm7,
)
from coopfinance.errors import InvalidValue


def _loan() -> tuple[Payment, LoanAccount]:
    terms = LoanTerms(
        principal="5000", rate=Rate.effective_annual("35%"), installments=6, disbursed="2026-01-15"
    )
    paid = Payment(date="2026-02-15", amount="908.98", id="p1", channel="milk")
    return paid, LoanAccount(terms=terms, id="CS-2025-014", events=[paid])


@pytest.mark.parametrize("lang", ["es", "en", "pt_BR"])
def test_the_settlement_sms_says_everything_in_one_part(lang: str) -> None:
    s = twice_a_day_fortnight()
    [f01] = [x for x in s.statements if x.farmer == "F01"]
    paid, account = _loan()
    sms = settlement_sms(
        f01, s, coop_name="Coop Manantial de Vida", state=account.state(paid.date), lang=lang
    )
    assert all(c in GSM7 for c in sms)
    assert gsm7_length(sms) <= 160
    assert sms_parts(sms) == 1
    for figure in ("652.5", "878.91", "235.89", "643.02", "908.98"):
        assert figure.replace(".", "") in re.sub(r"[^0-9 ]", "", sms).split()
    assert "15/03/2026" in sms or "03/15/2026" in sms


def test_the_spanish_settlement_sms_reads_as_spanish() -> None:
    s = twice_a_day_fortnight()
    [f01] = [x for x in s.statements if x.farmer == "F01"]
    paid, account = _loan()
    sms = settlement_sms(f01, s, coop_name=COOP, state=account.state(paid.date))
    assert sms == (
        "Cooperativa Agraria Manantial de Vida: leche 01/01/2026-15/01/2026: 652.5 L, valor "
        "S/ 878.91, descuento S/ 235.89, neto S/ 643.02. Prox. cuota S/ 908.98 el 15/03/2026."
    )
    assert sms_parts(sms) == 2  # a long co-op name takes the second part: still allowed


def test_the_payment_sms_folds_accents_and_fits_one_part() -> None:
    paid, account = _loan()
    sms = payment_sms(
        paid, account.state(paid.date), coop_name="Cooperativa Ganadera Huañec", loan_id="CS-014"
    )
    assert "Huañec" in sms  # ñ is GSM-7
    assert sms_parts(sms) == 1
    assert "S/ 908.98" in sms
    assert "Saldo S/ 4,221.92" in sms
    sms = payment_sms(paid, account.state(paid.date), coop_name="Asociación Ríos", loan_id="X")
    assert sms.startswith("Asociacion Rios:")


def test_a_message_longer_than_two_parts_is_refused() -> None:
    paid, account = _loan()
    with pytest.raises(InvalidValue, match="must fit 2 parts"):
        payment_sms(paid, account.state(paid.date), coop_name="C" * 300, loan_id="X")


def test_gsm7_length_and_parts() -> None:
    assert gsm7_length("[€]") == 6
    assert sms_parts("a" * 160) == 1
    assert sms_parts("a" * 306) == 2
    assert sms_parts("a" * 307) == 3
    with pytest.raises(InvalidValue, match="GSM-7"):
        gsm7_length("canción")


@given(st.text(max_size=60))
def test_folding_always_gives_gsm7_and_keeps_gsm7_text(message: str) -> None:
    folded = to_gsm7(message)
    assert len(folded) == len(message)
    gsm7_length(folded)  # does not raise
    kept = "".join(c for c in message if c in GSM7)
    assert to_gsm7(kept) == kept
