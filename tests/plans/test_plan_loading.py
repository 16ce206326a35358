"""Loading plans from TOML, JSON and YAML: the same plan from each, errors that name the key path."""

from __future__ import annotations

import copy
import json
import tomllib
from decimal import Decimal

import pytest

from coopfinance.errors import FloatNotAllowed, InvalidLoanTerms, InvalidPlan, ParseError, WrongType
from coopfinance.examples import examples_dir
from coopfinance.plans import BusinessPlan, report
from coopfinance.plans._loading import yaml_available

EXAMPLE = examples_dir() / "plan-alfalfa.toml"


def _data():
    return tomllib.loads(EXAMPLE.read_text(encoding="utf-8"), parse_float=Decimal)


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def test_toml_json_and_mapping_give_the_same_plan(tmp_path):
    """The example read from TOML, from JSON with the same content, and from a mapping are equal."""
    from_toml = BusinessPlan.from_file(EXAMPLE)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_jsonable(_data())), encoding="utf-8")
    assert BusinessPlan.from_json(path.read_text(encoding="utf-8")) == from_toml
    assert BusinessPlan.from_toml(EXAMPLE.read_text(encoding="utf-8")) == from_toml
    assert BusinessPlan.from_file(path) == from_toml
    assert BusinessPlan.from_dict(_data()) == from_toml


def test_json_numbers_with_a_point_are_exact(tmp_path):
    """A bare 0.1 in JSON is read as Decimal('0.1'), not a float."""
    data = _jsonable(_data())
    data["cok"] = "__COK__"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data).replace('"__COK__"', "0.1"), encoding="utf-8")
    assert BusinessPlan.from_file(path).cok == Decimal("0.1")


@pytest.mark.skipif(not yaml_available(), reason="PyYAML is not installed")
def test_yaml_gives_the_same_plan(tmp_path):  # pragma: no cover - only with PyYAML
    import yaml

    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(_jsonable(_data())), encoding="utf-8")
    assert BusinessPlan.from_file(path) == BusinessPlan.from_file(EXAMPLE)
    assert BusinessPlan.from_yaml(path.read_text(encoding="utf-8")) == BusinessPlan.from_file(
        EXAMPLE
    )


@pytest.mark.skipif(yaml_available(), reason="PyYAML is installed")
def test_yaml_without_pyyaml_says_what_to_do(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text("title: x\n", encoding="utf-8")
    with pytest.raises(InvalidPlan, match=r"needs PyYAML \(pip install pyyaml\)"):
        BusinessPlan.from_file(path)


def _set(data, path, value):
    """Set ``value`` at a key path such as ``investments[1].cost`` (None deletes the key)."""
    parts = path.replace("[", ".[").split(".")
    target = data
    for part in parts[:-1]:
        target = target[int(part[1:-1])] if part.startswith("[") else target[part]
    last = parts[-1]
    if last.startswith("["):
        target[int(last[1:-1])] = value
    elif value is None:
        del target[last]
    else:
        target[last] = value
    return data


BAD = [
    (
        "investments[1].cost",
        "-3",
        InvalidPlan,
        r"^'investments\[1\]\.cost' must not be negative \(got -3\)\.$",
    ),
    (
        "investments[2].cost",
        1500.5,
        FloatNotAllowed,
        r"^'investments\[2\]\.cost' must not be a float \(got 1500\.5\)",
    ),
    (
        "investments[0].date",
        "2026-13-01",
        ParseError,
        r"^'investments\[0\]\.date' must be a date .*\(got '2026-13-01'\)",
    ),
    (
        "investments[0].useful_life_years",
        "0",
        InvalidPlan,
        r"'investments\[0\]\.useful_life_years' must be positive.*\(got 0\)",
    ),
    (
        "investments[1].salvage_value",
        "99999",
        InvalidPlan,
        r"'investments\[1\]\.salvage_value' must not exceed the cost 18000 \(got 99999\)",
    ),
    (
        "investments[0].colour",
        "red",
        InvalidPlan,
        r"^unknown key 'investments\[0\]\.colour' \(known: name, date, cost",
    ),
    (
        "investments[0].name",
        None,
        InvalidPlan,
        r"^'investments\[0\]\.name' is required \(got nothing\)\.$",
    ),
    ("investments", {"name": "x"}, WrongType, r"^'investments' must be a list \(got dict"),
    (
        "investments[0]",
        "tank",
        WrongType,
        r"^'investments\[0\]' must be a table of keys \(got str 'tank'\)",
    ),
    (
        "investments[0].date",
        "2040-01-01",
        InvalidPlan,
        r"^'investments\[0\]\.date' must fall within the plan, by 2031-02-28 \(got 2040-01-01\)",
    ),
    (
        "with_plan.costs[1].per",
        "week",
        InvalidPlan,
        r"^'with_plan\.costs\[1\]\.per' must be one of litre, month, year \(got 'week'\)",
    ),
    (
        "with_plan.costs[0].amount",
        "abc",
        ParseError,
        r"^'with_plan\.costs\[0\]\.amount' must be a number .*\(got 'abc'\)",
    ),
    (
        "with_plan.price_per_litre",
        ["1.3", "1.4"],
        InvalidPlan,
        r"^'with_plan\.price_per_litre' must hold 1 price or one per year, 5 \(got 2\)",
    ),
    (
        "with_plan.production.litres_per_day",
        ["1", "2", "3"],
        InvalidPlan,
        r"^'with_plan\.production\.litres_per_day' must hold 1 value, 12 .* 60 \(got 3\)",
    ),
    (
        "without_plan.production.year_factors",
        ["-1"],
        InvalidPlan,
        r"^'without_plan\.production\.year_factors' must not be negative \(got -1\)",
    ),
    (
        "with_plan.production",
        None,
        InvalidPlan,
        r"^'with_plan\.production' is required \(got nothing\)",
    ),
    (
        "financing.loan.installments",
        0,
        InvalidLoanTerms,
        r"^'financing\.loan\.installments' must be between 1 and 600 \(got 0\)",
    ),
    (
        "financing.loan.installments",
        72,
        InvalidPlan,
        r"^'financing\.loan' must be repaid within the plan, by 2031-02-28 .*due 2032-02-10",
    ),
    (
        "financing.loan.rate",
        "eighteen",
        ParseError,
        r"^'financing\.loan\.rate' must be a number such as '1250\.50' or '35%' \(got 'eighteen'\)\.$",
    ),
    ("financing.grant", "-1", InvalidPlan, r"^'financing\.grant' must not be negative \(got -1\)"),
    (
        "enterprise.members",
        "many",
        InvalidPlan,
        r"^'enterprise\.members' must be a whole number \(got 'many'\)",
    ),
    (
        "enterprise.women_members",
        30,
        InvalidPlan,
        r"^'enterprise\.women_members' must be between 0 and 20 \(got 30\)\.$",
    ),
    (
        "enterprise.buyers[0].price_per_litre",
        "-1",
        InvalidPlan,
        r"^'enterprise\.buyers\[0\]\.price_per_litre' must not be negative",
    ),
    ("horizon_years", 0, InvalidPlan, r"^'horizon_years' must be between 1 and 30 \(got 0\)"),
    ("cok", "1001%", InvalidPlan, r"^'cok' must be between -50% and 1000% \(got 10\.01\)\.$"),
    (
        "income_tax_rate",
        "120%",
        InvalidPlan,
        r"^'income_tax_rate' must be between 0% and 99% \(got 1\.2\)",
    ),
    ("start", "March", ParseError, r"^'start' must be a date such as '2026-01-15' \(got 'March'\)"),
    (
        "working_capital_recovered",
        "yes",
        WrongType,
        r"^'working_capital_recovered' must be true or false \(got 'yes'\)",
    ),
    (
        "sensitivity_steps",
        ["-100%"],
        InvalidPlan,
        r"^'sensitivity_steps' must be above -100 % \(got -1\)",
    ),
    ("budget", "1", InvalidPlan, r"^unknown key 'budget' \(known: title, start"),
]


@pytest.mark.parametrize(("path", "value", "error", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_names_the_key_path(path, value, error, message):
    data = _set(copy.deepcopy(_data()), path, value)
    with pytest.raises(error, match=message) as info:
        BusinessPlan.from_dict(data)
    assert info.value.field is not None
    assert info.value.field.split(".")[0].split("[")[0] == path.split(".")[0].split("[")[0]


def test_file_errors(tmp_path):
    with pytest.raises(InvalidPlan, match=r"^'plan' cannot be read \(got '.*missing\.toml'\)"):
        BusinessPlan.from_file(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("title = \n", encoding="utf-8")
    with pytest.raises(InvalidPlan, match=r"^'plan' is not valid TOML in bad\.toml"):
        BusinessPlan.from_file(bad)
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{", encoding="utf-8")
    with pytest.raises(InvalidPlan, match=r"^'plan' is not valid JSON in bad\.json"):
        BusinessPlan.from_file(bad_json)
    with pytest.raises(InvalidPlan, match=r"^'plan' is not valid JSON: "):
        BusinessPlan.from_json("{")
    with pytest.raises(
        InvalidPlan, match=r"must end in \.toml, \.json, \.yaml or \.yml \(got '.*plan\.txt'\)"
    ):
        BusinessPlan.from_file(tmp_path / "plan.txt")
    with pytest.raises(WrongType, match=r"^'the plan' must be a table of keys \(got list"):
        BusinessPlan.from_dict([])


def test_the_report_serialises_to_plain_json():
    """to_dict and indicators hold only JSON types (Decimals as text)."""
    r = report(BusinessPlan.from_file(EXAMPLE))
    assert json.loads(json.dumps(r.to_dict()))["plan"]["currency"] == "PEN"
    assert json.loads(json.dumps(r.indicators()))["economic"]["npv"].startswith("49464.8")
