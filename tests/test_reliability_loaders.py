"""Loaders refuse nonsense with the library's own error (issue 20 §2): hostile numbers, dates at
the calendar's edges, saved schedules that do not add up, files of the wrong shape.
The bounds are stated in docs/conventions.md, "Bounds"."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest

from coopfinance import LoanTerms, Rate, Schedule
from coopfinance._decimal import parse_number, to_decimal
from coopfinance._fields import to_date, to_whole
from coopfinance.cli import main
from coopfinance.errors import CoopFinanceError, InvalidValue

HOSTILE_NUMBERS = [
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
    "١٢٣",
    "１２",
    "1e15",
    "-1000000000000000",
]


@pytest.mark.parametrize("text", HOSTILE_NUMBERS)
def test_hostile_number_text_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(InvalidValue, match="'amount'"):
        parse_number(text, field="amount")
    with pytest.raises(InvalidValue, match="'amount'"):
        to_decimal(text, field="amount")


@pytest.mark.parametrize(
    "value", [Decimal("NaN"), Decimal("Infinity"), Decimal("1E+400"), "big", -(10**15)]
)
def test_hostile_number_values_are_refused(value: Any) -> None:
    value = 10**5000 if value == "big" else value
    with pytest.raises(InvalidValue, match="'amount'") as info:
        to_decimal(value, field="amount")
    assert len(str(info.value)) < 300  # a 5,000-digit integer is not echoed whole


@pytest.mark.parametrize(
    "value", ["١٢", "1" * 5000, "big", Decimal("1E+999999999"), "1e3", Decimal("NaN"), True]
)
def test_hostile_whole_numbers_are_refused(value: Any) -> None:
    value = 10**5000 if value == "big" else value
    with pytest.raises(CoopFinanceError, match="'seed'"):
        to_whole(value, field="seed")


def test_ordinary_numbers_still_read() -> None:
    assert parse_number("1,250.50", field="a") == Decimal("1250.50")
    assert parse_number("999999999999999", field="a") == Decimal("999999999999999")
    assert parse_number("1e-30", field="a") == Decimal("1e-30")
    assert parse_number("0e-999", field="a") == 0
    assert to_whole("600", field="n") == 600


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", dt.date(1, 1, 1), "1899-12-31"])
def test_dates_at_the_calendars_edges_are_refused_naming_the_field(value: Any) -> None:
    with pytest.raises(InvalidValue, match="'disbursed' must be a date between 1900-01-01"):
        to_date(value, field="disbursed")


def test_the_latest_date_still_builds_the_longest_schedule() -> None:
    terms = LoanTerms(
        principal="1000",
        rate=Rate.effective_annual("10%"),
        installments=600,
        disbursed="2199-12-31",
    )
    assert terms.schedule().maturity.year == 2249


@pytest.fixture(name="saved")
def fixture_saved() -> dict[str, Any]:
    terms = LoanTerms(
        principal="5000", rate=Rate.effective_annual("35%"), installments=3, disbursed="2026-01-15"
    )
    data: dict[str, Any] = json.loads(terms.schedule().to_json())
    del data["totals"]  # the row checks, not the totals, must catch these
    return data


def _set(path: tuple[Any, ...], value: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set(("principal",), "-5000"), "'principal' must be positive"),
        (_set(("principal",), "NaN"), "'principal' must be a number"),
        (_set(("fees_withheld",), "-1"), "'fees_withheld' must not be negative"),
        (_set(("installment_amount",), "Infinity"), "'installment_amount'"),
        (_set(("installments", 0, "interest"), "-1"), "installment 1: 'interest' must not be neg"),
        (_set(("installments", 1, "principal"), "1.00"), "installment 2: 'total' must be"),
        (_set(("installments", 1, "balance"), "1.00"), "installment 3: 'opening_balance'"),
        (_set(("installments", 0, "number"), 2), "installment 1: 'number' must be 1"),
        (_set(("installments", 2, "due_date"), "2026-01-01"), "'due_date' must be after"),
        (_set(("installments", 0, "charges"), "3.00"), "'charges' must be fees"),
        (_set(("installments", 0), 5), "installment 1 must be a table"),
        (_set(("installments",), None), "'installments' must be a list"),
        (_set(("disbursed",), "9999-12-31"), "'disbursed' must be a date between"),
    ],
)
def test_a_saved_schedule_that_does_not_add_up_is_refused(
    saved: dict[str, Any], change: Any, message: str
) -> None:
    change(saved)
    with pytest.raises(InvalidValue, match=message):
        Schedule.from_dict(saved)
    with pytest.raises(InvalidValue, match=message):
        Schedule.from_json(json.dumps(saved))


def test_a_schedule_that_does_not_repay_the_principal_is_refused(saved: dict[str, Any]) -> None:
    last = saved["installments"][-1]
    last["principal"] = str(Decimal(last["principal"]) - 1)
    last["total"] = str(Decimal(last["total"]) - 1)
    last["balance"] = "1.00"
    with pytest.raises(InvalidValue, match="last installment must be 0"):
        Schedule.from_dict(saved)


@pytest.mark.parametrize(
    "text", ["null", "3", "[]", '"x"', "[" * 100_000 + "]" * 100_000, '{"principal": NaN}']
)
def test_json_of_the_wrong_shape_is_the_loaders_error(text: str) -> None:
    with pytest.raises(InvalidValue, match="'schedule'"):
        Schedule.from_json(text)


def test_json_numbers_are_read_exactly_and_bounded(saved: dict[str, Any]) -> None:
    text = json.dumps(saved).replace('"5000.00"', "1e400", 1)
    with pytest.raises(InvalidValue, match="'principal' is too large"):
        Schedule.from_json(text)


def test_csv_rows_are_checked_with_their_line(saved: dict[str, Any]) -> None:
    csv_text = Schedule.from_dict(saved).to_csv()
    assert Schedule.from_csv(csv_text, currency="PEN", disbursed=dt.date(2026, 1, 15))
    bad = csv_text.replace(",1751.80,", ",-1751.80,", 1)
    with pytest.raises(InvalidValue, match="installment 1: 'total' must not be negative"):
        Schedule.from_csv(bad, currency="PEN", disbursed=dt.date(2026, 1, 15))
    quoted = csv_text.replace("\n1,", '\n"1,', 1)
    with pytest.raises(InvalidValue, match="malformed at line"):
        Schedule.from_csv(quoted, currency="PEN", disbursed=dt.date(2026, 1, 15))


LOAN = ["--principal", "1000", "--rate", "30%", "--installments", "12"]


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["schedule", *LOAN, "--disbursed", "2026-01-15", "--multiple", "1e400"], "multiple"),
        (["schedule", *LOAN, "--disbursed", "9999-01-01"], "disbursed"),
        (["schedule", *LOAN, "--disbursed", "0001-01-01"], "disbursed"),
        (["simulate", "--scenarios", "5", "--farmers", "3", "--loan-per-cow", "1e400"], "per_cow"),
        (["simulate", "--scenarios", "5", "--farmers", "3", "--yield-sd", "1e10"], "yield_sd"),
    ],
)
def test_values_that_used_to_reach_the_bug_line_are_the_loaders_errors(
    argv: list[str], field: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/cli.md listed these as internal errors; they are now the loaders' own (exit 1)."""
    assert main([*argv, "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: "), err
    assert field in err
    assert "internal" not in err.lower()


def test_nothing_but_the_librarys_errors(saved: dict[str, Any]) -> None:
    """Every refusal above is a CoopFinanceError (and a ValueError for old callers)."""
    saved["principal"] = "x"
    with pytest.raises(CoopFinanceError) as info:
        Schedule.from_dict(saved)
    assert isinstance(info.value, ValueError)


def test_a_milk_price_of_zero_is_refused() -> None:
    from coopfinance.dairy import MilkPriceSchedule

    row = {"from": "2026-01-01", "to": "2026-12-31", "base": "0"}
    with pytest.raises(InvalidValue, match="'base' must be a price above 0"):
        MilkPriceSchedule.from_dict({"currency": "PEN", "prices": [row]})
    with pytest.raises(InvalidValue, match="'currency'"):
        MilkPriceSchedule.from_dict({"currency": "", "prices": [{**row, "base": "1.2"}]})
