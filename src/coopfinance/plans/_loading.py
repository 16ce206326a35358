"""Plan inputs from TOML, JSON or YAML: plain data to a :class:`BusinessPlan`, errors with key paths.

Every error names where the bad value sits, as a key path such as ``investments[2].cost``, and
echoes the value: ``'investments[2].cost' must not be negative (got -3).`` Numbers with a decimal
point are read as exact ``Decimal`` (TOML and JSON through ``parse_float``, YAML through a loader
that keeps the text), so ``cok = 0.10`` is fine; amounts may also be written as text (``"10%"``,
``"1,250.50"``). Unknown keys are errors, never silently dropped.
"""

from __future__ import annotations

import copy
import pathlib
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from coopfinance._files import parse_data, read_text
from coopfinance._terms import LoanTerms
from coopfinance.errors import E_, CoopFinanceError, InvalidPlan, WrongType, fmt_value, renamed
from coopfinance.plans._enterprise import Buyer, Enterprise, Financing, Investment
from coopfinance.plans._operations import BudgetLine, MonthlyProduction, Scenario

__all__ = ["PLAN_FORMATS", "build", "parse_plan", "plan_fields", "read_plan", "yaml_available"]

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
_PARTS = ("enterprise", "investments", "financing", "with_plan", "without_plan")
"""The plan keys read as parts; the others are given to the plan as they are."""
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
    """The same error (every payload kept), its field and the field quoted in its message put
    under the key path ``path``: ``'cost' ...`` becomes ``'investments[2].cost' ...``."""
    if not path:
        return exc
    field = path if exc.field is None else _join(path, exc.field)
    old = repr(exc.field)
    message: str
    if exc.field is not None and old in exc.message:
        message = renamed(exc.message, old, repr(field))
    else:
        message = E_("%(where)s: %(message)s", where=repr(field), message=exc.message)
    moved = copy.copy(exc)
    moved.message, moved.args, moved.field = message, (message,), field
    return moved


def build(path: str, factory: Callable[..., _T], **kwargs: Any) -> _T:
    """``factory(**kwargs)``, its errors placed under the key path ``path``."""
    try:
        return factory(**kwargs)
    except CoopFinanceError as exc:
        raise _relocate(exc, path) from None


def _table(data: Any, path: str, known: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise WrongType(
            E_(
                "%(path)s must be a table of keys (got %(type)s %(data)s).",
                path=repr(path or "the plan"),
                type=type(data).__name__,
                data=fmt_value(data),
            ),
            field=path or None,
            value=data,
        )
    for key in data:
        if key not in known:
            where = _join(path, str(key))
            raise InvalidPlan(
                E_(
                    "unknown key %(where)s (known: %(known)s).",
                    where=repr(where),
                    known=", ".join(known),
                ),
                field=where,
                value=data[key],
            )
    return data


def _list(data: Any, path: str) -> list[Any]:
    if isinstance(data, (Mapping, str | bytes)) or not isinstance(data, list | tuple):
        raise WrongType(
            E_(
                "%(path)s must be a list (got %(type)s %(data)s).",
                path=repr(path),
                type=type(data).__name__,
                data=fmt_value(data),
            ),
            field=path,
            value=data,
        )
    return list(data)


def _required(data: Mapping[str, Any], key: str, path: str) -> Any:
    if data.get(key) is None:
        where = _join(path, key)
        raise InvalidPlan(
            E_("%(where)s is required (got nothing).", where=repr(where)), field=where, value=None
        )
    return data[key]


def _kwargs(data: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: data[k] for k in keys if k in data and data[k] is not None}


def _line(data: Any, path: str) -> BudgetLine:
    t = _table(data, path, LINE_KEYS)
    _required(t, "name", path)
    _required(t, "amount", path)
    return build(path, BudgetLine, **_kwargs(t, LINE_KEYS))


def _lines(data: Any, path: str) -> tuple[BudgetLine, ...]:
    return tuple(_line(item, _join(path, k)) for k, item in enumerate(_list(data, path)))


def _production(data: Any, path: str) -> MonthlyProduction:
    if isinstance(data, Mapping):
        t = _table(data, path, PRODUCTION_KEYS)
        _required(t, "litres_per_day", path)
        return build(path, MonthlyProduction, **_kwargs(t, PRODUCTION_KEYS))
    return build(path, MonthlyProduction, litres_per_day=data)


def _scenario(data: Any, path: str, default_name: str) -> Scenario:
    t = _table(data, path, SCENARIO_KEYS)
    production = _production(_required(t, "production", path), _join(path, "production"))
    _required(t, "price_per_litre", path)
    kwargs = _kwargs(t, ("description", "price_per_litre"))
    return build(
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
        buyers.append(build(where, Buyer, **_kwargs(b, BUYER_KEYS)))
    kwargs = _kwargs(t, tuple(k for k in ENTERPRISE_KEYS if k != "buyers"))
    return build(path, Enterprise, buyers=buyers, **kwargs)


def _investments(data: Any) -> tuple[Investment, ...]:
    out = []
    for k, item in enumerate(_list(data, "investments")):
        where = f"investments[{k}]"
        t = _table(item, where, INVESTMENT_KEYS)
        for key in ("name", "date", "cost"):
            _required(t, key, where)
        out.append(build(where, Investment, **_kwargs(t, INVESTMENT_KEYS)))
    return tuple(out)


def _loan(data: Any) -> LoanTerms:
    path = "financing.loan"
    if not isinstance(data, Mapping):
        raise WrongType(
            E_(
                "%(path)s must be a table of loan terms (got %(type)s %(data)s).",
                path=repr(path),
                type=type(data).__name__,
                data=fmt_value(data),
            ),
            field=path,
            value=data,
        )
    return build(path, LoanTerms.from_dict, data=data)


def _financing(data: Any) -> Financing:
    path = "financing"
    t = _table(data, path, FINANCING_KEYS)
    loan = _loan(t["loan"]) if t.get("loan") is not None else None
    return build(
        path, Financing, loan=loan, **_kwargs(t, ("own_funds", "grant", "grantor", "lender"))
    )


def plan_fields(data: Any) -> dict[str, Any]:
    """The keyword arguments of :class:`~coopfinance.plans.BusinessPlan` read from plain data, every
    part built and checked (errors name the key path); see :meth:`BusinessPlan.from_dict`."""
    t = _table(data, "", PLAN_KEYS)
    _required(t, "start", "")
    enterprise = _enterprise(_required(t, "enterprise", ""))
    with_plan = _scenario(_required(t, "with_plan", ""), "with_plan", "with plan")
    without = t.get("without_plan")
    without_plan = None if without is None else _scenario(without, "without_plan", "without plan")
    investments = _investments(t.get("investments", []))
    financing = _financing(t["financing"]) if t.get("financing") is not None else Financing()
    simple = tuple(k for k in PLAN_KEYS if k not in _PARTS)
    kwargs = _kwargs(t, simple)
    if "working_capital_recovered" in kwargs and not isinstance(
        kwargs["working_capital_recovered"], bool
    ):
        value = kwargs["working_capital_recovered"]
        raise WrongType(
            E_(
                "'working_capital_recovered' must be true or false (got %(value)s).",
                value=fmt_value(value),
            ),
            field="working_capital_recovered",
            value=value,
        )
    if "sensitivity_steps" in kwargs:
        kwargs["sensitivity_steps"] = _list(kwargs["sensitivity_steps"], "sensitivity_steps")
    return {
        "enterprise": enterprise,
        "with_plan": with_plan,
        "without_plan": without_plan,
        "investments": investments,
        "financing": financing,
        **kwargs,
    }


PLAN_FORMATS = {".toml": "toml", ".json": "json", ".yaml": "yaml", ".yml": "yaml"}
"""The plan file suffixes and the format each is read as."""


def yaml_available() -> bool:
    """Whether PyYAML can be imported (YAML plans need it)."""
    try:
        import yaml  # type: ignore[import-untyped, unused-ignore]  # noqa: F401
    except ImportError:
        return False
    return True


def _parse_yaml(text: str, source: str | None) -> Any:
    where = f" {source!r}" if source else ""
    try:
        import yaml
    except ImportError:
        raise InvalidPlan(
            E_(
                "reading the YAML plan%(where)s needs PyYAML (pip install pyyaml); or "
                "write the plan as TOML or JSON.",
                where=where,
            ),
            field="plan",
            value=source,
        ) from None

    class _Loader(yaml.SafeLoader):  # type: ignore[misc, unused-ignore]
        """SafeLoader that keeps decimals exact."""

    def _decimal(loader: Any, node: Any) -> Decimal:
        return Decimal(str(loader.construct_scalar(node)).replace("_", ""))

    _Loader.add_constructor("tag:yaml.org,2002:float", _decimal)
    try:
        return yaml.load(text, Loader=_Loader)
    except (yaml.YAMLError, ArithmeticError) as exc:
        at = E_(" in %(source)s", source=source) if source else ""
        raise InvalidPlan(
            E_("'plan' is not valid YAML%(at)s: %(exc)s.", at=at, exc=exc),
            field="plan",
            value=source,
        ) from None


def parse_plan(text: str, fmt: str, *, source: str | None = None) -> Any:
    """Plain data from plan text in ``fmt`` (``toml``, ``json`` or ``yaml``), decimals exact."""
    if fmt == "yaml":
        return _parse_yaml(text, source)
    return parse_data(text, fmt=fmt, field="plan", source=source, error=InvalidPlan)


def read_plan(path: str | pathlib.Path) -> Any:
    """Plain data from a ``.toml``, ``.json``, ``.yaml`` or ``.yml`` plan file (by suffix)."""
    p = pathlib.Path(path)
    fmt = PLAN_FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise InvalidPlan(
            E_("'path' must end in .toml, .json, .yaml or .yml (got %(p)s).", p=repr(str(p))),
            field="path",
            value=str(p),
        )
    text = read_text(p, field="plan", error=InvalidPlan)
    return parse_plan(text, fmt, source=p.name)
