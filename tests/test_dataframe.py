"""Schedules convert to pandas DataFrames when pandas is installed, and say so when it is not."""

from __future__ import annotations

import builtins
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from coopfinance import LoanTerms, Rate
from coopfinance.errors import InvalidValue, MissingDependency

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


def _settlement() -> Any:
    import datetime as dt

    from coopfinance.dairy import Delivery, MilkPriceSchedule, Obligation, Period, settle

    prices = MilkPriceSchedule.flat("1.30", "2026-01-01", "2026-12-31")
    milk = [
        Delivery(farmer=f, date=dt.date(2026, 1, d), litres=Decimal("40.5"))
        for f in ("F01", "F02")
        for d in range(1, 16)
    ]
    return settle(
        milk,
        prices,
        Period.parse("2026-01-01..2026-01-15"),
        [Obligation(farmer="F01", kind="input-advance", amount="150.00")],
    )


def _report() -> Any:
    import datetime as dt

    from coopfinance import LoanAccount
    from coopfinance.portfolio import report

    return report([LoanAccount(terms=SCHEDULE_TERMS, id="L1").state(dt.date(2026, 4, 1))])


VALUES = {
    "Schedule": lambda: SCHEDULE,
    "Settlement": _settlement,
    "PortfolioReport": _report,
}


@pytest.mark.parametrize("what", sorted(VALUES))
def test_numeric_true_gives_float_columns_equal_to_the_exact_ones(what: str) -> None:
    """``numeric=True``: every amount column is ``float64`` (every date ``datetime64``), equal to
    the exact ``Decimal`` column rounded to a float; text and counts unchanged; the default frame
    still holds the exact ``Decimal`` objects."""
    pd = pytest.importorskip("pandas")
    value = VALUES[what]()
    exact, numeric = value.to_dataframe(), value.to_dataframe(numeric=True)
    assert list(numeric.columns) == list(exact.columns)
    assert list(numeric.index) == list(exact.index)
    converted = 0
    for column in exact.columns:
        cells = list(exact[column])
        if all(isinstance(c, Decimal) for c in cells):
            assert numeric[column].dtype == "float64", column
            assert list(numeric[column]) == [float(c) for c in cells]
            converted += 1
        elif all(isinstance(c, dt.date) for c in cells):
            assert pd.api.types.is_datetime64_any_dtype(numeric[column]), column
            assert [t.date() for t in numeric[column]] == cells
            converted += 1
        else:
            assert list(numeric[column]) == cells, column
    assert converted >= 3
    assert all(isinstance(c, Decimal) for c in exact[exact.columns[-1]])


@pytest.mark.parametrize("what", sorted(VALUES))
def test_numeric_decimal_gives_exact_arrow_decimal_columns(what: str) -> None:
    """``numeric="decimal"``: Arrow decimal columns that hold every value exactly (their sums
    are the exact sums) and Arrow dates."""
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    value = VALUES[what]()
    exact, typed = value.to_dataframe(), value.to_dataframe(numeric="decimal")
    for column in exact.columns:
        cells = list(exact[column])
        if all(isinstance(c, Decimal) for c in cells):
            assert isinstance(typed[column].dtype, pd.ArrowDtype), column
            assert "decimal" in str(typed[column].dtype)
            assert [Decimal(c) for c in typed[column]] == cells
            assert Decimal(typed[column].sum()) == sum(cells, Decimal(0))
        elif all(isinstance(c, dt.date) for c in cells):
            assert "date32" in str(typed[column].dtype)
            assert list(typed[column]) == cells


def test_arrow_decimals_widen_for_many_digits() -> None:
    """A column whose values need more than 38 digits in all is a ``decimal256``."""
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    from coopfinance._frames import to_dataframe

    values = [Decimal("123456789012345.12345678901234567890123456"), Decimal("1")]
    frame = to_dataframe([{"x": v} for v in values], ["x"], "Test", numeric="decimal")
    assert "decimal256" in str(frame["x"].dtype)
    assert [Decimal(v) for v in frame["x"]] == values
    assert isinstance(frame["x"].dtype, pd.ArrowDtype)


@pytest.mark.parametrize("numeric", ["yes", 1, None, "Float"])
def test_an_unknown_numeric_choice_is_refused(numeric: object) -> None:
    pytest.importorskip("pandas")
    with pytest.raises(InvalidValue, match=r"'numeric' must be False, True, 'float' or 'decimal'"):
        SCHEDULE.to_dataframe(numeric=numeric)  # type: ignore[arg-type]


def test_arrow_decimals_without_pyarrow_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pandas")
    real_import = builtins.__import__

    def no_arrow(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_arrow)
    with pytest.raises(MissingDependency, match=r"^'Schedule.to_dataframe' needs pyarrow"):
        SCHEDULE.to_dataframe(numeric="decimal")
