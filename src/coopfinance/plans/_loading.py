"""Plan inputs from TOML, JSON or YAML: plain data to a :class:`BusinessPlan`, errors with key paths.

Every error names where the bad value sits, as a key path such as ``investments[2].cost``, and
echoes the value: ``'investments[2].cost' must not be negative (got -3).`` Numbers with a decimal
point are read as exact ``Decimal`` (TOML and JSON through ``parse_float``, YAML through a loader
that keeps the text), so ``cok = 0.10`` is fine; amounts may also be written as text (``"10%"``,
``"1,250.50"``). Unknown keys are errors, never silently dropped.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from coopfinance._terms import LoanTerms
from coopfinance.errors import (
    CoopFinanceError,
    InvalidPlan,
    MultipleSolutions,
    ParseError,
    WrongType,
    fmt_value,
)
from coopfinance.plans._model import (
    BudgetLine,
    BusinessPlan,
    Buyer,
    Enterprise,
    Financing,
    Investment,
    MonthlyProduction,
    Scenario,
)

__all__ = ["load_file", "load_json", "load_toml", "load_yaml", "plan_from_mapping"]

_T = TypeVar("_T")

PLAN_KEYS = (
    "title",
    "start",
    "horizon_years",
    "currency",
    "cok",
    "income_tax_rate",
    "working_capital",
    "working_capital_recovered",
    "repayment_capacity_limit",
    "sensitivity_steps",
    "risks",
    "training",
    "notes",
    "enterprise",
    "investments",
    "financing",
    "with_plan",
    "without_plan",
)
ENTERPRISE_KEYS = (
    "name",
    "kind",
    "tax_id",
    "location",
    "representative",
    "members",
    "women_members",
    "objectives",
    "market",
    "buyers",
)
BUYER_KEYS = ("name", "product", "litres_per_day", "price_per_litre", "commitment")
INVESTMENT_KEYS = ("name", "date", "cost", "useful_life_years", "salvage_value", "category")
FINANCING_KEYS = ("own_funds", "grant", "grantor", "loan", "lender")
SCENARIO_KEYS = ("name", "description", "production", "price_per_litre", "costs", "other_income")
PRODUCTION_KEYS = ("litres_per_day", "year_factors")
LINE_KEYS = ("name", "amount", "per")


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _relocate(exc: CoopFinanceError, path: str) -> CoopFinanceError:
    """The same error, with its field (and the field quoted in its message) under ``path``."""
    if not path:
        return exc
    if exc.field is None:
        field = path
        message = f"{path!r}: {exc.message}"
    else:
        field = _join(path, exc.field) if path else exc.field
        old = repr(exc.field)
        message = (
            exc.message.replace(old, repr(field), 1)
            if old in exc.message
            else f"{field!r}: {exc.message}"
        )
    if isinstance(exc, MultipleSolutions):
        return MultipleSolutions(message, field=field, value=exc.value, roots=exc.roots)
    return type(exc)(message, field=field, value=exc.value)


def _build(path: str, factory: Callable[..., _T], **kwargs: Any) -> _T:
    try:
        return factory(**kwargs)
    except CoopFinanceError as exc:
        raise _relocate(exc, path) from None


def _table(data: Any, path: str, known: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise WrongType(
            f"{path or 'the plan'!r} must be a table of keys (got {type(data).__name__} "
            f"{fmt_value(data)}).",
            field=path or None,
            value=data,
        )
    for key in data:
        if key not in known:
            where = _join(path, str(key))
            raise InvalidPlan(
                f"unknown key {where!r} (known: {', '.join(known)}).", field=where, value=data[key]
            )
    return data


def _list(data: Any, path: str) -> list[Any]:
    if isinstance(data, (Mapping, str | bytes)) or not isinstance(data, list | tuple):
        raise WrongType(
            f"{path!r} must be a list (got {type(data).__name__} {fmt_value(data)}).",
            field=path,
            value=data,
        )
    return list(data)


def _required(data: Mapping[str, Any], key: str, path: str) -> Any:
    if data.get(key) is None:
        where = _join(path, key)
        raise InvalidPlan(f"{where!r} is required (got nothing).", field=where, value=None)
    return data[key]


def _kwargs(data: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: data[k] for k in keys if k in data and data[k] is not None}


def _line(data: Any, path: str) -> BudgetLine:
    t = _table(data, path, LINE_KEYS)
    _required(t, "name", path)
    _required(t, "amount", path)
    return _build(path, BudgetLine, **_kwargs(t, LINE_KEYS))


def _lines(data: Any, path: str) -> tuple[BudgetLine, ...]:
    return tuple(_line(item, _join(path, k)) for k, item in enumerate(_list(data, path)))


def _production(data: Any, path: str) -> Any:
    if isinstance(data, Mapping):
        t = _table(data, path, PRODUCTION_KEYS)
        _required(t, "litres_per_day", path)
        return _build(path, MonthlyProduction, **_kwargs(t, PRODUCTION_KEYS))
    return _build(path, MonthlyProduction, litres_per_day=data)


def _scenario(data: Any, path: str, default_name: str) -> Scenario:
    t = _table(data, path, SCENARIO_KEYS)
    production = _production(_required(t, "production", path), _join(path, "production"))
    _required(t, "price_per_litre", path)
    kwargs = _kwargs(t, ("description", "price_per_litre"))
    return _build(
        path,
        Scenario,
        name=t.get("name") or default_name,
        production=production,
        costs=_lines(t.get("costs", []), _join(path, "costs")),
        other_income=_lines(t.get("other_income", []), _join(path, "other_income")),
        **kwargs,
    )


def _enterprise(data: Any) -> Enterprise:
    path = "enterprise"
    t = _table(data, path, ENTERPRISE_KEYS)
    _required(t, "name", path)
    buyers = []
    for k, item in enumerate(_list(t.get("buyers", []), "enterprise.buyers")):
        where = f"enterprise.buyers[{k}]"
        b = _table(item, where, BUYER_KEYS)
        _required(b, "name", where)
        buyers.append(_build(where, Buyer, **_kwargs(b, BUYER_KEYS)))
    kwargs = _kwargs(t, tuple(k for k in ENTERPRISE_KEYS if k != "buyers"))
    return _build(path, Enterprise, buyers=buyers, **kwargs)


def _investments(data: Any) -> tuple[Investment, ...]:
    out = []
    for k, item in enumerate(_list(data, "investments")):
        where = f"investments[{k}]"
        t = _table(item, where, INVESTMENT_KEYS)
        for key in ("name", "date", "cost"):
            _required(t, key, where)
        out.append(_build(where, Investment, **_kwargs(t, INVESTMENT_KEYS)))
    return tuple(out)


def _loan(data: Any) -> LoanTerms:
    path = "financing.loan"
    if not isinstance(data, Mapping):
        raise WrongType(
            f"{path!r} must be a table of loan terms (got {type(data).__name__} {fmt_value(data)}).",
            field=path,
            value=data,
        )
    return _build(path, LoanTerms.from_dict, data=data)


def _financing(data: Any) -> Financing:
    path = "financing"
    t = _table(data, path, FINANCING_KEYS)
    loan = _loan(t["loan"]) if t.get("loan") is not None else None
    return _build(
        path, Financing, loan=loan, **_kwargs(t, ("own_funds", "grant", "grantor", "lender"))
    )


def plan_from_mapping(data: Any) -> BusinessPlan:
    """A :class:`BusinessPlan` from plain data; see :meth:`BusinessPlan.from_mapping`.

    >>> BusinessPlan.from_mapping({"enterprise": {"name": "Coop"}, "start": "2026-01-01",
    ...     "with_plan": {"production": "100", "price_per_litre": "1.30"},
    ...     "investments": [{"name": "Tank", "date": "2025-12-01", "cost": "-3"}]})
    Traceback (most recent call last):
    ...
    coopfinance.errors.InvalidPlan: 'investments[0].cost' must not be negative (got -3).
    """
    t = _table(data, "", PLAN_KEYS)
    _required(t, "start", "")
    enterprise = _enterprise(_required(t, "enterprise", ""))
    with_plan = _scenario(_required(t, "with_plan", ""), "with_plan", "with plan")
    without = t.get("without_plan")
    without_plan = None if without is None else _scenario(without, "without_plan", "without plan")
    investments = _investments(t.get("investments", []))
    financing = _financing(t["financing"]) if t.get("financing") is not None else Financing()
    simple = (
        "title",
        "start",
        "horizon_years",
        "currency",
        "cok",
        "income_tax_rate",
        "working_capital",
        "working_capital_recovered",
        "repayment_capacity_limit",
        "sensitivity_steps",
        "risks",
        "training",
        "notes",
    )
    kwargs = _kwargs(t, simple)
    if "working_capital_recovered" in kwargs and not isinstance(
        kwargs["working_capital_recovered"], bool
    ):
        value = kwargs["working_capital_recovered"]
        raise WrongType(
            f"'working_capital_recovered' must be true or false (got {fmt_value(value)}).",
            field="working_capital_recovered",
            value=value,
        )
    if "sensitivity_steps" in kwargs:
        kwargs["sensitivity_steps"] = _list(kwargs["sensitivity_steps"], "sensitivity_steps")
    return _build(
        "",
        BusinessPlan,
        enterprise=enterprise,
        with_plan=with_plan,
        without_plan=without_plan,
        investments=investments,
        financing=financing,
        **kwargs,
    )


def _read(path: str | os.PathLike[str], kind: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InvalidPlan(
            f"the {kind} plan file {str(path)!r} cannot be read: {exc.strerror or exc}.",
            field="path",
            value=str(path),
        ) from None


def load_toml(path: str | os.PathLike[str]) -> BusinessPlan:
    """A plan from a TOML file (decimals read exactly)."""
    raw = _read(path, "TOML")
    try:
        data = tomllib.loads(raw.decode("utf-8"), parse_float=Decimal)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ParseError(
            f"{str(path)!r} is not valid TOML: {exc}.", field="path", value=str(path)
        ) from None
    return plan_from_mapping(data)


def load_json(path: str | os.PathLike[str]) -> BusinessPlan:
    """A plan from a JSON file (decimals read exactly)."""
    raw = _read(path, "JSON")
    try:
        data = json.loads(raw.decode("utf-8"), parse_float=Decimal)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ParseError(
            f"{str(path)!r} is not valid JSON: {exc}.", field="path", value=str(path)
        ) from None
    return plan_from_mapping(data)


def yaml_available() -> bool:
    """Whether PyYAML can be imported (YAML plans need it)."""
    try:
        import yaml  # type: ignore[import-untyped, unused-ignore]  # noqa: F401
    except ImportError:
        return False
    return True


def load_yaml(path: str | os.PathLike[str]) -> BusinessPlan:
    """A plan from a YAML file; needs PyYAML (an :class:`InvalidPlan` error says so without it)."""
    try:
        import yaml
    except ImportError:
        raise InvalidPlan(
            f"reading the YAML plan {str(path)!r} needs PyYAML (pip install pyyaml); "
            "or write the plan as TOML or JSON.",
            field="path",
            value=str(path),
        ) from None
    raw = _read(path, "YAML")

    class _Loader(yaml.SafeLoader):  # type: ignore[misc, unused-ignore]
        """SafeLoader that keeps decimals exact."""

    def _decimal(loader: Any, node: Any) -> Decimal:
        text = str(loader.construct_scalar(node)).replace("_", "")
        return Decimal(text)

    _Loader.add_constructor("tag:yaml.org,2002:float", _decimal)
    try:
        data = yaml.load(raw.decode("utf-8"), Loader=_Loader)
    except (yaml.YAMLError, UnicodeDecodeError, ArithmeticError) as exc:
        raise ParseError(
            f"{str(path)!r} is not valid YAML: {exc}.", field="path", value=str(path)
        ) from None
    return plan_from_mapping(data)


def load_file(path: str | os.PathLike[str]) -> BusinessPlan:
    """A plan from ``.toml``, ``.json``, ``.yaml`` or ``.yml`` by suffix."""
    suffix = Path(path).suffix.lower()
    if suffix == ".toml":
        return load_toml(path)
    if suffix == ".json":
        return load_json(path)
    if suffix in (".yaml", ".yml"):
        return load_yaml(path)
    raise InvalidPlan(
        f"'path' must end in .toml, .json, .yaml or .yml (got {str(path)!r}).",
        field="path",
        value=str(path),
    )
