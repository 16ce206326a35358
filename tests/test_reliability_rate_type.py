"""Issue 20 §2: ``LoanTerms(rate=...)`` given anything but a ``Rate`` is the library's own error
naming the field; it was an ``AttributeError`` from the defaults computed before the check
(``'str' object has no attribute 'is_flat'``), found while trying the README as a new user."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from coopfinance import LoanTerms, Rate
from coopfinance.errors import CoopFinanceError, WrongType


@pytest.mark.parametrize("rate", ["18%", "0.18", Decimal("0.18"), 18, None, {"tea": "18%"}])
def test_a_rate_that_is_not_a_rate_is_refused_naming_the_field(rate: object) -> None:
    with pytest.raises(WrongType) as caught:
        LoanTerms(principal="1000", rate=rate, installments=12, disbursed=dt.date(2026, 1, 1))  # type: ignore[arg-type]
    assert isinstance(caught.value, CoopFinanceError)
    assert isinstance(caught.value, TypeError)
    assert caught.value.field == "rate"
    assert caught.value.value == rate
    assert "Rate.effective_annual('18%')" in str(caught.value)
    assert repr(rate) in str(caught.value)


def test_a_rate_is_taken_as_given() -> None:
    rate = Rate.effective_annual("18%")
    terms = LoanTerms(principal="1000", rate=rate, installments=12, disbursed="2026-01-01")
    assert terms.rate is rate
