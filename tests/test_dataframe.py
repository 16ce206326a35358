"""Schedules convert to pandas DataFrames when pandas is installed, and say so when it is not."""

from __future__ import annotations

import builtins
from decimal import Decimal
from typing import Any

import pytest

from coopfinance import LoanTerms, Rate
from coopfinance.errors import MissingDependency

SCHEDULE_TERMS = LoanTerms(
    principal="5000", rate=Rate.effective_annual("35%"), installments=6, disbursed="2026-01-15"
)
SCHEDULE = SCHEDULE_TERMS.schedule()


def test_to_dataframe_keeps_exact_decimals() -> None:
    pd = pytest.importorskip("pandas")
    frame = SCHEDULE.to_dataframe()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.index) == [1, 2, 3, 4, 5, 6]
    assert frame.loc[1, "interest"] == Decimal("130.90")
    assert sum(frame["principal"]) == Decimal("5000.00")


def test_without_pandas_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_pandas(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(MissingDependency, match=r"^'Schedule.to_dataframe' needs pandas"):
        SCHEDULE.to_dataframe()


def test_settlements_and_portfolio_reports_convert_too() -> None:
    import datetime as dt

    from coopfinance import LoanAccount
    from coopfinance.dairy import Delivery, MilkPriceSchedule, Obligation, Period, settle
    from coopfinance.portfolio import report

    prices = MilkPriceSchedule.flat("1.30", "2026-01-01", "2026-12-31")
    milk = [Delivery(farmer="F01", date=dt.date(2026, 1, d), litres=40) for d in range(1, 16)]
    s = settle(
        milk,
        prices,
        Period.parse("2026-01-01..2026-01-15"),
        [Obligation(farmer="F01", kind="input-advance", amount="150.00")],
    )
    records = s.to_records()
    assert records == [
        {
            "farmer": "F01",
            "period_start": dt.date(2026, 1, 1),
            "period_end": dt.date(2026, 1, 15),
            "litres": Decimal(600),
            "gross": Decimal("780.00"),
            "deductions": Decimal("150.00"),
            "net": Decimal("630.00"),
            "due": Decimal("150.00"),
            "arrears": Decimal("0.00"),
        }
    ]
    state = LoanAccount(terms=SCHEDULE_TERMS, id="L1").state(dt.date(2026, 4, 1))
    quality = report([state])
    assert sum(r["count"] for r in quality.to_records()) == 1
    pd = pytest.importorskip("pandas")
    assert isinstance(s.to_dataframe(), pd.DataFrame)
    assert next(iter(quality.to_dataframe()["category"])) == "normal"
