"""Schedules convert to pandas DataFrames when pandas is installed, and say so when it is not."""

from __future__ import annotations

import builtins
from decimal import Decimal
from typing import Any

import pytest

from coopfinance import LoanTerms, Rate
from coopfinance.errors import MissingDependency

SCHEDULE = LoanTerms(
    principal="5000", rate=Rate.effective_annual("35%"), installments=6, disbursed="2026-01-15"
).schedule()


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
    with pytest.raises(MissingDependency, match=r"^'to_dataframe' needs pandas"):
        SCHEDULE.to_dataframe()
