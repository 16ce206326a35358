"""An app checked with ``mypy --strict`` sees the types of the loan values' constructors: the
converters are named functions with an annotated first parameter, so the attrs plugin types
``__init__`` (a converter typed ``Any`` would let ``LoanTerms(principal=2000.0)`` through)."""

from __future__ import annotations

import pathlib
import re

import pytest

import coopfinance

mypy_api = pytest.importorskip("mypy.api")

APP = """\
import datetime as dt
from decimal import Decimal

from coopfinance import Charge, Grace, LoanTerms, Rate, RoundingPolicy

RATE = Rate.effective_annual("35%")
DAY = dt.date(2026, 1, 15)

LoanTerms(principal="5000", rate=RATE, installments=12, disbursed=DAY)
LoanTerms(principal=Decimal("5000"), rate=RATE, installments=12, disbursed="2026-01-15",
          frequency="monthly", amortization="weighted", weights=["1", 2, Decimal(3)],
          day_count="act/360", grace=Grace(periods=1, kind="pay-interest"),
          rounding=RoundingPolicy(), business_day="following", charges=["upfront:1%"],
          down_payment="10%", first_due="2026-02-15", due_dates=None)
LoanTerms(principal=Charge.upfront_fee("1%"), rate=RATE, installments=12, disbursed=DAY)  # E
LoanTerms(principal=2000.0, rate=RATE, installments=12, disbursed=DAY)  # E
LoanTerms(principal="5000", rate="35%", installments=12, disbursed=DAY)  # E
LoanTerms(principal="5000", rate=RATE, installments="12", disbursed=DAY)  # E
LoanTerms(principal="5000", rate=RATE, installments=12, disbursed=20260115)  # E
LoanTerms(principal="5000", rate=RATE, installments=12, disbursed=DAY, weights=[1.0])  # E
LoanTerms(principal="5000", rate=RATE, installments=12, disbursed=DAY, amortization=1)  # E
LoanTerms(principal="5000", rate=RATE, installments=12, disbursed=DAY, down_payment=0.1)  # E
Grace(periods="2")  # E
"""


def test_mypy_strict_catches_wrongly_typed_loan_terms(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = tmp_path / "app.py"
    app.write_text(APP, encoding="utf-8")
    monkeypatch.setenv("MYPYPATH", str(pathlib.Path(coopfinance.__file__).parent.parent))
    stdout, stderr, _ = mypy_api.run(
        [
            str(app),
            "--strict",
            "--follow-imports=silent",  # the app's errors only: coopfinance is checked on its own
            "--no-error-summary",
            "--show-error-codes",
            f"--cache-dir={tmp_path / 'cache'}",
        ]
    )
    assert not stderr, stderr
    wrong = r"app\.py:(\d+): error: .*\[(?:arg-type|list-item)\]"
    flagged = {int(m) for m in re.findall(wrong, stdout)}
    expected = {n for n, line in enumerate(APP.splitlines(), start=1) if line.endswith("# E")}
    assert flagged == expected, stdout
    assert "error" not in re.sub(wrong, "", stdout), stdout
