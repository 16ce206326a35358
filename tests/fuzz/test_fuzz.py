"""The fuzz suite (issue 20 §6): hostile values per field kind, and the hand-picked table, over the
public loaders and a few CLI commands. Only the library's own errors (``CoopFinanceError``) and
clean exit codes may come out: no ``KeyError``, ``TypeError``, ``RecursionError``,
``decimal.InvalidOperation``, ``ValueError`` from the standard library, or a traceback.

The CI profile runs ``COOPFINANCE_FUZZ_EXAMPLES`` examples per test (default 40); the larger run is

    COOPFINANCE_FUZZ_EXAMPLES=2000 python -m pytest tests/fuzz -q -p no:cacheprovider

(documented in docs/contributing.md).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopfinance import LoanTerms, Money, Rate, Schedule
from coopfinance._decimal import parse_number, to_decimal
from coopfinance._fields import to_date, to_whole
from coopfinance.cli import main
from coopfinance.dairy import Deliveries, MilkPriceSchedule, Period, PickupPlan
from coopfinance.errors import CoopFinanceError
from coopfinance.plans import BusinessPlan
from coopfinance.servicing import events_from_csv, events_from_json
from coopfinance.training import MemberData

EXAMPLES = int(os.environ.get("COOPFINANCE_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# The hand-picked table of issue 20: numbers, dates and text an attacker or a careless clerk types.
NUMBERS = [
    "NaN",
    "nan",
    "sNaN",
    "Infinity",
    "-Infinity",
    "inf",
    "1e400",
    "1E+999999999",
    "1e-400",
    "9" * 5000,
    "٣",
    "１２",
    "-5",
    "0",
    "",
    " ",
    "x",
    "1,2,3",
    "1..2",
    "35%%",
    "%",
    "1e",
    "0x10",
    "1_000",
    "+-1",
    "1e15",
    "1e-30",
    "\u202e100",
    "100\x00",
]
DATES = ["0001-01-01", "9999-12-31", "2026-02-30", "2026-13-01", "٢٠٢٦-٠١-٠١", "", "2026-1-1", "x"]

numbers = st.one_of(
    st.sampled_from(NUMBERS),
    st.text(max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.floats(),
    st.booleans(),
    st.none(),
)
dates = st.one_of(st.sampled_from(DATES), st.dates().map(str), st.text(max_size=12), st.none())
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


def only_ours(call: Callable[[], Any]) -> None:
    """Run ``call``: it may succeed or raise the library's errors, nothing else."""
    with contextlib.suppress(CoopFinanceError):
        call()


@FUZZ
@given(value=numbers)
def test_number_readers(value: Any) -> None:
    only_ours(lambda: to_decimal(value, field="amount"))
    only_ours(lambda: to_whole(value, field="count"))
    if isinstance(value, str):
        only_ours(lambda: parse_number(value, field="amount"))
        only_ours(lambda: Money.parse(value, "PEN"))
        only_ours(lambda: Rate.parse(value, "effective-annual"))


@FUZZ
@given(value=dates)
def test_date_readers(value: Any) -> None:
    only_ours(lambda: to_date(value, field="day"))
    if isinstance(value, str):
        only_ours(lambda: Period.parse(f"{value}..2026-01-15"))


@FUZZ
@given(principal=numbers, rate=numbers, installments=numbers, disbursed=dates, grace=numbers)
def test_loan_terms_from_dict(
    principal: Any, rate: Any, installments: Any, disbursed: Any, grace: Any
) -> None:
    data = {"principal": principal, "rate": rate, "installments": installments}
    data |= {"disbursed": disbursed, "grace": grace}

    def build() -> None:
        LoanTerms.from_dict(data).schedule()

    only_ours(build)


@FUZZ
@given(data=json_values)
def test_loaders_of_plain_data_of_any_shape(data: Any) -> None:
    for loader in (
        Schedule.from_dict,
        LoanTerms.from_dict,
        MilkPriceSchedule.from_dict,
        PickupPlan.from_dict,
        BusinessPlan.from_dict,
        MemberData.from_dict,
    ):
        only_ours(lambda loader=loader: loader(data))  # type: ignore[misc]
    only_ours(lambda: Schedule.from_json(json.dumps(data)))
    only_ours(lambda: events_from_json(json.dumps(data)))


_SAVED = json.loads(
    LoanTerms(
        principal="1000", rate=Rate.effective_annual("20%"), installments=3, disbursed="2026-01-15"
    )
    .schedule()
    .to_json()
)
_KEYS = ["principal", "interest", "fees", "charges", "total", "balance", "opening_balance"]


@FUZZ
@given(key=st.sampled_from(_KEYS), row=st.integers(0, 2), value=numbers)
def test_saved_schedules_with_a_hostile_cell(key: str, row: int, value: Any) -> None:
    data = json.loads(json.dumps(_SAVED))
    data["installments"][row][key] = value
    only_ours(lambda: Schedule.from_dict(data))
    text = (
        Schedule.from_dict(_SAVED).to_csv().replace(_SAVED["installments"][row][key], str(value), 1)
    )
    only_ours(lambda: Schedule.from_csv(text, currency="PEN", disbursed=dt.date(2026, 1, 15)))


@FUZZ
@given(text=st.text(max_size=200), litres=numbers, day=dates)
def test_csv_loaders(text: str, litres: Any, day: Any) -> None:
    rows = f"farmer,date,litres\nF01,{day},{litres}\n"
    for csv_text in (text, rows, '"' + rows, "farmer,date,litres\n" + text):
        only_ours(lambda csv_text=csv_text: Deliveries.from_csv(csv_text, farmers={"F01"}))  # type: ignore[misc]
        only_ours(lambda csv_text=csv_text: events_from_csv(csv_text))  # type: ignore[misc]


@pytest.mark.parametrize("text", ["null", "3", "[]", "[" * 100_000 + "]" * 100_000, "\ufeff{}"])
def test_wrong_shapes_of_json(text: str) -> None:
    only_ours(lambda: Schedule.from_json(text))
    only_ours(lambda: BusinessPlan.from_json(text))
    only_ours(lambda: MemberData.from_json(text))


def _cli(*argv: str) -> int:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([*argv, "--lang", "en"])
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code if isinstance(exc.code, int) else 2
    assert "Traceback" not in err.getvalue()
    assert "internal error" not in err.getvalue().lower(), err.getvalue()
    return code


@FUZZ
@given(principal=numbers, rate=numbers, installments=numbers, disbursed=dates)
def test_cli_schedule_and_cost(
    principal: Any, rate: Any, installments: Any, disbursed: Any
) -> None:
    for command in ("schedule", "cost"):
        argv = [f"--principal={principal}", f"--rate={rate}", f"--installments={installments}"]
        code = _cli(command, *argv, f"--disbursed={disbursed}")
        assert code in (0, 1, 2)


@FUZZ
@given(
    value=numbers,
    option=st.sampled_from(["--seed", "--price", "--loan-per-cow", "--price-sd", "--rate"]),
)
def test_cli_simulate(value: Any, option: str) -> None:
    code = _cli(
        "simulate", "--scenarios", "4", "--farmers", "2", "--periods", "3", f"{option}={value}"
    )
    assert code in (0, 1, 2)


def test_decimal_inputs_do_not_leak_the_standard_librarys_errors() -> None:
    for value in (Decimal("sNaN"), Decimal("-0E-1000000"), Decimal("1E+999999")):
        only_ours(lambda value=value: to_decimal(value, field="x"))  # type: ignore[misc]
