"""Every invalid input raises a coopfinance error with a pinned message; one table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

import coopfinance.cost
from coopfinance import LoanTerms, Rate
from coopfinance.cost import (
    AmortizedCostTable,
    CashFlow,
    UnitPeriodFlow,
    apr,
    apr_at_positions,
    apr_within_tolerance,
    aprc,
    aprc_percent,
    eir,
    irr,
    npv,
    percent,
    tcea,
    xirr,
    xnpv,
)
from coopfinance.errors import (
    CoopFinanceError,
    FloatNotAllowed,
    InvalidCalendar,
    InvalidRate,
    InvalidValue,
    MultipleSolutions,
    NoSolution,
    WrongType,
)

D = dt.date
SCHEDULE = LoanTerms(
    principal="5000", rate=Rate.effective_annual("35%"), installments=3, disbursed=D(2026, 1, 15)
).schedule()

BAD: list[tuple[str, Callable[[], Any], type[Exception], str]] = [
    ("empty values", lambda: irr([]), InvalidValue, r"^'values' must not be empty \(got \[\]\)\.$"),
    (
        "only zeros",
        lambda: irr([0, 0]),
        InvalidValue,
        r"^'values' must contain a positive and a negative amount \(got only zeros: \[0, 0\]\)\.$",
    ),
    (
        "one sign",
        lambda: irr([1, 2]),
        NoSolution,
        r"'values' must contain a positive and a negative amount \(got only positive amounts",
    ),
    (
        "zero at every time",
        lambda: xirr([(D(2026, 1, 1), 5), (D(2026, 1, 1), -5)]),
        InvalidValue,
        r"'flows' must contain a positive and a negative amount \(got amounts that add "
        r"up to zero at each time: \[5, -5\]\)\.$",
    ),
    (
        "float amount",
        lambda: irr([-100, 110.0]),
        FloatNotAllowed,
        r"'values' must not be a float \(got 110\.0\)",
    ),
    (
        "rate beyond the range",
        lambda: irr([-1, 100_000_000]),
        NoSolution,
        r"^'values' have no rate between -0\.99 and 10000 per period .* \(got \[-1, 100000000\]\)\.$",
    ),
    (
        "rate below the range",
        lambda: irr([-100, "0.5"]),
        NoSolution,
        r"no rate between -0\.99 and 10000 per period",
    ),
    (
        "several roots",
        lambda: irr([-100, 100, 0, -7]),
        MultipleSolutions,
        r"several rates that make their present value zero: -0\.678894, -0\.0832997 .*'bracket'",
    ),
    (
        "root outside a bracket",
        lambda: irr([-100, 110], bracket=("0.2", "0.5")),
        NoSolution,
        r"no rate between 0\.2 and 0\.5 per period",
    ),
    (
        "bad bracket",
        lambda: irr([-100, 110], bracket=("0.5", "0.2")),
        InvalidValue,
        r"^'bracket' must be two rates lo < hi within \[-0\.99, 10000\] \(got \(0\.5, 0\.2\)\)\.$",
    ),
    (
        "values as text",
        lambda: irr("-100,110"),
        WrongType,  # type: ignore[arg-type]
        r"'values' must be a list of amounts",
    ),
    (
        "dates out of order",
        lambda: xirr([(D(2026, 2, 1), -10), (D(2026, 1, 1), 11)]),
        InvalidCalendar,
        r"^'flows' must be in date order: flow 2 on 2026-01-01 comes before flow 1 on 2026-02-01 "
        r"\(got 2026-01-01\)\.$",
    ),
    (
        "per-period day count",
        lambda: xirr([(D(2026, 1, 1), -10), (D(2027, 1, 1), 11)], day_count="per-period"),
        InvalidCalendar,
        r"'day_count' must measure calendar time",
    ),
    (
        "not a pair",
        lambda: xirr([(D(2026, 1, 1), -10, 3)]),
        WrongType,  # type: ignore[list-item]
        r"'flows' must hold CashFlow or \(date, amount\) pairs",
    ),
    (
        "datetime in a flow",
        lambda: CashFlow(date=dt.datetime(2026, 1, 1), amount=1),
        WrongType,
        r"'date' must be a datetime\.date",
    ),
    (
        "rate of -100 %",
        lambda: npv(-1, [1, 2]),
        InvalidRate,
        r"^'rate' must be greater than -1 \(got -1\)\.$",
    ),
    (
        "xnpv rate of -150 %",
        lambda: xnpv("-1.5", [(D(2026, 1, 1), 1)]),
        InvalidRate,
        r"'rate' must be greater than -1 \(got -1\.5\)",
    ),
    (
        "received with flows",
        lambda: tcea([(D(2026, 1, 1), 10), (D(2026, 2, 1), -11)], received=9),
        InvalidValue,
        r"^'received' applies only to a Schedule.*\(got 9\)\.$",
    ),
    (
        "received of zero",
        lambda: tcea(SCHEDULE, received="0"),
        InvalidValue,
        r"^'received' must be positive \(got 0\)\.$",
    ),
    (
        "negative APR payment",
        lambda: apr([(D(2026, 1, 1), 100)], [(D(2026, 2, 1), -110)]),
        InvalidValue,
        r"^'payments' amounts must be positive \(got -110\)\.$",
    ),
    (
        "payment before the term",
        lambda: apr([(D(2026, 1, 1), 100)], [(D(2025, 12, 1), 110)]),
        InvalidCalendar,
        r"'payments' must not start before the term 2026-01-01 \(got 2025-12-01\)",
    ),
    (
        "fraction of one",
        lambda: UnitPeriodFlow(amount=1, periods=0, fraction=1),
        InvalidValue,
        r"^'fraction' must be at least 0 and less than 1 \(got 1\)\.$",
    ),
    (
        "float fraction",
        lambda: UnitPeriodFlow(amount=1, periods=0, fraction=0.5),
        WrongType,
        r"'fraction' must not be a float \(got 0\.5\)",
    ),
    (
        "negative periods",
        lambda: UnitPeriodFlow(amount=1, periods=-1),
        InvalidValue,
        r"'periods' must be at least 0 \(got -1\)",
    ),
    (
        "no periods per year",
        lambda: apr_at_positions([(1, 0)], [(2, 1)], periods_per_year=0),
        InvalidValue,
        r"^'periods_per_year' must be positive \(got 0\)\.$",
    ),
    (
        "empty advances",
        lambda: apr_at_positions([], [(2, 1)], periods_per_year=12),
        InvalidValue,
        r"^'advances' must not be empty \(got \[\]\)\.$",
    ),
    (
        "float tolerance",
        lambda: apr_within_tolerance(0.1, "0.1"),
        FloatNotAllowed,
        r"'disclosed' must not be a float",
    ),
    (
        "APRC with zero drawdown",
        lambda: aprc([(D(2026, 1, 1), 0)], [(D(2026, 2, 1), 1)]),
        InvalidValue,
        r"^'drawdowns' amounts must be positive \(got 0 on 2026-01-01\)\.$",
    ),
    (
        "APRC repaid first",
        lambda: aprc([(D(2026, 2, 1), 10)], [(D(2026, 1, 1), 11)]),
        InvalidValue,
        r"'repayments' must not start before the first drawdown 2026-02-01",
    ),
    (
        "APRC time basis",
        lambda: aprc([(D(2026, 1, 1), 10)], [(D(2027, 1, 1), 11)], time_basis="weeks"),
        InvalidValue,
        r"^'time_basis' must be one of act/365, calendar, equal-months \(got 'weeks'\)\.$",
    ),
    (
        "APRC no decimals",
        lambda: aprc_percent("0.1", 0),
        InvalidValue,
        r"^'places' must be a whole number of at least 1 \(got 0\)\.$",
    ),
    (
        "percent places",
        lambda: percent("0.1", 11),
        InvalidValue,
        r"'places' must be a whole number from 0 to 10 \(got 11\)",
    ),
    (
        "EIR fees above the amount",
        lambda: eir(100, [110], fees=100),
        InvalidValue,
        r"^'amount' net of fees plus costs must be positive \(got 0\)\.$",
    ),
    (
        "EIR flow before start",
        lambda: eir(100, [(D(2025, 1, 1), 110)], start=D(2026, 1, 1)),
        InvalidValue,
        r"'flows' must not precede 'start' 2026-01-01 \(got 2025-01-01\)",
    ),
    (
        "table with a float rate",
        lambda: AmortizedCostTable.build(100, [110], rate=0.1),
        FloatNotAllowed,
        r"'rate' must not be a float",
    ),
]


@pytest.mark.parametrize(("case", "call", "error", "message"), BAD, ids=[b[0] for b in BAD])
def test_invalid_input_is_refused_with_a_clear_message(
    case: str, call: Callable[[], Any], error: type[Exception], message: str
) -> None:
    """Each bad input raises the named coopfinance error, whose message matches."""
    with pytest.raises(error, match=message) as info:
        call()
    assert isinstance(info.value, CoopFinanceError)


def test_multiple_solutions_is_a_no_solution_and_a_value_error() -> None:
    """MultipleSolutions ⊂ NoSolution ⊂ InvalidValue ⊂ ValueError, so callers may catch any."""
    assert issubclass(MultipleSolutions, NoSolution)
    assert issubclass(NoSolution, InvalidValue)
    assert issubclass(NoSolution, ValueError)


def test_no_result_is_ever_nan() -> None:
    """A rate is a finite Decimal, or an error is raised — never NaN (checked across shapes)."""
    shapes = [[-100, 110], [-100, 0, 0, 0, 121], [100, -110], [-1, 1], [-100, 50, 50]]
    for values in shapes:
        rate = irr(values)
        assert isinstance(rate, Decimal)
        assert rate.is_finite()


def test_zero_rate_is_exact() -> None:
    """Flows that add up to zero have a rate of exactly 0 (no float noise)."""
    assert irr([-100, 50, 50]) == 0
    assert tcea([(D(2026, 1, 1), 100), (D(2026, 7, 1), -100)]) == 0
    assert irr([-1, 2, -1]) == 0  # a double root at 0, found exactly on the grid


def test_public_names_are_exported() -> None:
    """coopfinance.cost exports exactly its documented public names, each one defined."""
    names = set(coopfinance.cost.__all__)
    assert names == {n for n in dir(coopfinance.cost) if not n.startswith("_")} - {
        "_apr",
        "_aprc",
        "_disclosure",
        "_eir",
        "_flows",
        "_solver",
        "_tcea",
    }
    assert all(hasattr(coopfinance.cost, n) for n in names)
    assert len(set(coopfinance.cost.__all__)) == len(coopfinance.cost.__all__)


def test_apr_tolerance_bounds() -> None:
    """1/8 point for regular transactions and 1/4 for irregular ones, bounds included."""
    assert apr_within_tolerance("0.10125", "0.1")
    assert not apr_within_tolerance("0.10126", "0.1")
    assert apr_within_tolerance("0.0975", "0.1", irregular=True)
    assert not apr_within_tolerance("0.0974", "0.1", irregular=True)


def test_unit_period_flow_series() -> None:
    """A series puts equal amounts one unit period apart from its first position."""
    s = UnitPeriodFlow.series("10", 3, periods=2, fraction=Fraction(1, 2))
    assert [(f.periods, f.fraction) for f in s] == [
        (2, Fraction(1, 2)),
        (3, Fraction(1, 2)),
        (4, Fraction(1, 2)),
    ]
