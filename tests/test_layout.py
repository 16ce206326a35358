"""The code layout the design promises (docs/design.md): no import cycle, no function-level import
of a coopfinance module outside the CLI package, and every public module's ``__all__`` exactly its
public names (the Hypothesis / httpx practice)."""

from __future__ import annotations

import ast
import importlib
import pathlib
import pkgutil

import pytest

import coopfinance

SRC = pathlib.Path(coopfinance.__file__).parent
LAZY_ALLOWED = ("coopfinance.cli",)  # subcommands load lazily there, for start-up time


def _modules() -> dict[str, pathlib.Path]:
    found = {}
    for path in SRC.rglob("*.py"):
        if "_bundled" in path.parts:
            continue
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(["coopfinance", *parts])] = path
    return found


MODULES = _modules()


def _resolve(module: str, node: ast.ImportFrom) -> list[str]:
    """The coopfinance modules an ``from X import a, b`` reaches (a submodule or the package)."""
    if node.level:
        base = module.split(".")
        if MODULES[module].name != "__init__.py":
            base = base[:-1]
        base = base[: len(base) - node.level + 1]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if not target.startswith("coopfinance"):
        return []
    out = []
    for alias in node.names:
        sub = f"{target}.{alias.name}"
        out.append(sub if sub in MODULES else target)
    return out


def _imports(module: str) -> list[tuple[str, ast.stmt, bool]]:
    """(target, node, at module level) for every coopfinance import of ``module``."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found: list[tuple[str, ast.stmt, bool]] = []

    def visit(node: ast.AST, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ImportFrom):
                found.extend((t, child, top) for t in _resolve(module, child))
            elif isinstance(child, ast.Import):
                found.extend(
                    (a.name, child, top) for a in child.names if a.name.startswith("coopfinance")
                )
            inner = top and not isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda
            )
            visit(child, inner)

    visit(tree, True)
    return found


def test_no_function_level_internal_imports() -> None:
    """Outside the CLI package, every coopfinance import is at the top of its module: a
    function-level import hides a layering problem (or an import cycle)."""
    lazy = [
        f"{module}:{node.lineno} imports {target}"
        for module in MODULES
        if not module.startswith(LAZY_ALLOWED)
        for target, node, top in _imports(module)
        if not top
    ]
    assert not lazy, lazy


def test_import_graph_has_no_cycle() -> None:
    """Module imports (``TYPE_CHECKING`` ones included) form a DAG: each module can be read with
    only what it imports in mind."""
    graph = {
        module: {t for t, _, _ in _imports(module) if t in MODULES and t != module}
        for module in MODULES
    }
    # a package's __init__ re-exports its children: an import of the package from one of its own
    # children is the cycle; an import of a child by the package is the re-export and fine.
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def walk(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                walk(nxt, stack)
        stack.pop()
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            walk(module, [])
    assert not cycles, [" -> ".join(c) for c in cycles[:10]]


def _public_modules() -> list[str]:
    names = ["coopfinance"]
    for info in pkgutil.walk_packages(coopfinance.__path__, "coopfinance."):
        if not any(part.startswith("_") for part in info.name.split(".")[1:]):
            names.append(info.name)
    return names


def _public_names(name: str) -> set[str]:
    """Names a module makes public: those it defines (def, class, assignment) and those it takes
    from its own private submodules (``from coopfinance.cost._solver import irr`` in
    ``coopfinance.cost``); the top package re-exports from anywhere in coopfinance. A name imported
    from another module is that module's, not this one's."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            out.add(node.name)
        elif isinstance(node, ast.Assign):
            out.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            out.add(node.target.id)
        elif isinstance(node, ast.ImportFrom):
            for target in set(_resolve(name, node)):
                own = name == "coopfinance" or target.startswith(f"{name}._")
                if own and target != f"{name}.__about__":
                    out.update(a.asname or a.name for a in node.names)
    return {n for n in out if not n.startswith("_")}


@pytest.mark.parametrize("name", _public_modules())
def test_all_is_exactly_the_public_names(name: str) -> None:
    """``__all__`` of every public module lists exactly the names it makes public: nothing
    exported that is not there, nothing public that is not exported."""
    mod = importlib.import_module(name)
    assert hasattr(mod, "__all__"), f"{name} has no __all__"
    declared = set(mod.__all__) - {"__version__"}
    assert len(set(mod.__all__)) == len(mod.__all__), f"{name}.__all__ lists a name twice"
    public = _public_names(name)
    assert declared == public, {
        "exported but not public": sorted(declared - public),
        "public but not exported": sorted(public - declared),
    }
