"""Griffe extension for the documentation site: show docstring doctests as code.

coopfinance's docstrings are prose with doctest examples (``>>>`` lines followed by their output),
which pytest runs (``--doctest-modules``). Markdown would read those lines as block quotes and the
outputs (``[(1, Decimal('487.5'))]``) as link references, so this extension wraps each doctest block
in a fenced ``pycon`` code block, and turns Sphinx roles (``:func:`x```) into code spans. It changes
what the site shows, never the source.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:py:)?(?:func|class|meth|mod|attr|data|exc|obj|const):`~?([^`]+)`")


def fence_doctests(text: str) -> str:
    """Wrap every run of doctest lines (``>>>`` to the next blank line) in a ``pycon`` fence."""
    out: list[str] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.lstrip()
        if stripped.startswith(">>>"):
            indent = line[: len(line) - len(stripped)]
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i][len(indent) :] if lines[i].startswith(indent) else lines[i])
                i += 1
            if out and out[-1].strip():
                out.append("")
            out.extend([f"{indent}```pycon", *(f"{indent}{b}" for b in block), f"{indent}```"])
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    """Fence doctest blocks and strip Sphinx roles in every docstring."""

    def _fix(self, obj: Any) -> None:
        doc = getattr(obj, "docstring", None)
        if doc is not None and not getattr(obj, "is_alias", False):
            doc.value = _ROLE.sub(r"`\1`", fence_doctests(doc.value))

    def on_instance(self, *, obj: Any, **_kwargs: Any) -> None:
        self._fix(obj)
