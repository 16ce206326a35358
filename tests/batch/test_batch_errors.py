"""Bad batch inputs are refused before work starts, naming the field, first bad index and value."""

from __future__ import annotations

import numpy as np
import pytest

from coopfinance.batch import portfolio_metrics, schedules, solve_rates
from coopfinance.errors import BatchNoSolution, InvalidBatchInput

D = np.datetime64("2026-01-15")
OK = {"principal": [1000, 2000], "rate": [0.3, 0.3], "installments": [12, 12], "disbursed": D}

BAD_SCHEDULES = [
    (
        {"principal": [1000, 2000, 3000]},
        r"'rate' must have the same length as 'principal', 3 \(got 2\)",
    ),
    (
        {"principal": [1000, float("nan")]},
        r"'principal' must be a finite number \(got nan at index 1\)",
    ),
    ({"principal": [1000, -5]}, r"'principal' must be positive \(got -5.0 at index 1\)"),
    ({"rate": [0.3, -0.1]}, r"'rate' must be between 0 and 100 .* \(got -0.1 at index 1\)"),
    ({"installments": [0, 12]}, r"'installments' must be between 1 and 600 \(got 0 at index 0\)"),
    (
        {"installments": [12, 601]},
        r"'installments' must be between 1 and 600 \(got 601 at index 1\)",
    ),
    ({"installments": [12, 1.5]}, r"'installments' must be whole \(got 1.5 at index 1\)"),
    (
        {"disbursed": ["2026-01-01", "NaT"]},
        r"'disbursed' must be a date, not NaT \(got NaT at index 1\)",
    ),
    (
        {"grace": [0, 12]},
        r"'grace' must be fewer periods than the 'installments' \(got 12 at index 1\)",
    ),
    (
        {"grace": 1, "amortization": "bullet"},
        r"'grace' does not apply to a bullet loan \(got 1 at index 0\)",
    ),
    (
        {"amortization": ["level", "weighted"]},
        r"'amortization' must be level, .* \(got 'weighted' at index 1\)",
    ),
    ({"frequency": "semimonthly"}, r"'frequency' must be month-, year-, week- or day-based"),
    ({"day_count": "30/360"}, r"'day_count' must be act/360, act/365 or per-period"),
    ({"chunk_size": 0}, r"'chunk_size' must be at least 1 \(got 0\)"),
]


@pytest.mark.parametrize(("change", "message"), BAD_SCHEDULES)
def test_bad_schedule_inputs(change: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidBatchInput, match=message) as info:
        schedules(**{**OK, **change})  # type: ignore[arg-type]
    assert info.value.field is not None


def test_the_error_keeps_field_index_and_value() -> None:
    with pytest.raises(InvalidBatchInput) as info:
        schedules([1, 2, -3], 0.1, 3, D)
    assert (info.value.field, info.value.index, info.value.value) == ("principal", 2, -3.0)
    assert isinstance(info.value, ValueError)


BAD_SOLVE = [
    ([[-1, 2]], [[0, 1, 2]], r"'days' must have the shape of 'amounts'"),
    (
        [[-1, float("inf")]],
        None,
        r"'amounts' must hold finite numbers in row \(got -1.0 at index 0\)",
    ),
    (
        [[-1, 2], [-1, 2]],
        [[0, 30], [30, 0]],
        r"'days' must not decrease along the row .* index 1\)",
    ),
    ([-1, 2], None, r"'amounts' must be a two-dimensional array"),
]


@pytest.mark.parametrize(("amounts", "days", "message"), BAD_SOLVE)
def test_bad_solve_inputs(amounts: object, days: object, message: str) -> None:
    with pytest.raises(InvalidBatchInput, match=message):
        solve_rates(amounts, days)


def test_failing_rows_are_listed_or_masked_never_nan() -> None:
    flows = [[-100, 110, 0], [1, 1, 1], [-100, 230, -132], [0, 0, 0]]
    with pytest.raises(
        BatchNoSolution, match=r"'amounts' rows 1, 2, 3 have no single rate"
    ) as info:
        solve_rates(flows)
    assert info.value.rows == (1, 2, 3)
    masked = solve_rates(flows, on_failure="mask")
    assert list(masked.mask) == [False, True, True, True]
    assert masked[0] == pytest.approx(0.1, abs=1e-12)
    assert not np.isnan(masked.data).any()


BAD_METRICS = [
    ([100, 200], [0], r"'days_past_due' must have the same length as 'balance', 2 \(got 1\)"),
    ([100, float("nan")], [0, 0], r"'balance' must be a finite number \(got nan at index 1\)"),
    ([100, -1], [0, 0], r"'balance' must not be negative \(got -1.0 at index 1\)"),
    ([100, 1], [0, -3], r"'days_past_due' must not be negative \(got -3 at index 1\)"),
]


@pytest.mark.parametrize(("balance", "dpd", "message"), BAD_METRICS)
def test_bad_metric_inputs(balance: object, dpd: object, message: str) -> None:
    with pytest.raises(InvalidBatchInput, match=message):
        portfolio_metrics(balance, dpd)
