"""The public surface: ``__all__`` is complete, and lower layers never import higher ones."""

from __future__ import annotations

import ast
import pathlib
import types

import coopfinance

SRC = pathlib.Path(coopfinance.__file__).parent

# Layer of each module (DESIGN.md): a module may import only modules of its own or a lower layer.
LAYERS = {
    "errors": 1,
    "_decimal": 1,
    "_csv": 1,
    "_money": 1,
    "_rates": 1,
    "_calendar": 1,
    "__about__": 1,
    "_terms": 2,
    "_charges": 2,
    "_frames": 1,
    "_fields": 1,
    "_files": 1,
    "_json": 1,
    "text": 1,
    "_schedule": 2,
    "_conventions": 2,
    "_builder": 2,
    "cost": 2,
    "servicing": 3,
    "portfolio": 3,
    "dairy": 4,
    "linked": 4,
    "coop": 5,
    "plans": 6,
    "training": 7,
    "documents": 8,
    "book": 9,
    "cli": 10,
    "_demo": 10,
    "examples": 10,
    "__main__": 10,
    "__init__": 10,
    "batch": 10,
}


def test_all_names_exist_and_are_exported() -> None:
    """Every name in ``__all__`` exists, and every public non-module name is in it (the exact
    check per module is tests/test_layout.py)."""
    for name in coopfinance.__all__:
        assert hasattr(coopfinance, name), name
    public = {
        n
        for n, v in vars(coopfinance).items()
        if not n.startswith("_") and not isinstance(v, types.ModuleType)
    }
    assert public <= set(coopfinance.__all__), public - set(coopfinance.__all__)


def test_contract_names_from_the_design() -> None:
    for name in (
        "Money",
        "Rate",
        "DayCount",
        "Frequency",
        "Amortization",
        "Grace",
        "RoundingPolicy",
        "LoanTerms",
        "Schedule",
        "Installment",
        "CoopFinanceError",
    ):
        assert name in coopfinance.__all__


def _layer(module: str) -> int:
    top = module.split(".", maxsplit=1)[0]
    if top not in LAYERS:
        raise AssertionError(f"module {module!r} has no layer in LAYERS; add it")
    return LAYERS[top]


def test_lower_layers_never_import_higher_ones() -> None:
    violations = []
    for path in SRC.rglob("*.py"):
        if "_bundled" in path.parts:  # data shipped in the wheel (examples/generate.py), not code
            continue
        rel = path.relative_to(SRC).with_suffix("")
        module = ".".join(rel.parts)
        if module.endswith("__init__") and module != "__init__":
            module = module[: -len(".__init__")]
        own = _layer(module)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.startswith("coopfinance")
            ):
                names = [node.module]
                if node.module == "coopfinance":  # from coopfinance import text: the submodule
                    names = [
                        f"coopfinance.{a.name}" if a.name in LAYERS else node.module
                        for a in node.names
                    ]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names if a.name.startswith("coopfinance")]
            for name in names:
                target = name.removeprefix("coopfinance").lstrip(".") or "__init__"
                if _layer(target) > own:
                    violations.append(f"{module} (layer {own}) imports {name}")
    assert not violations, violations


def test_package_ships_type_information() -> None:
    assert (SRC / "py.typed").exists()
