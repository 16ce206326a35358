"""Build hook: compile the gettext catalogs (``.po`` → ``.mo``) into the wheel.

Only the ``.po`` sources are kept in git; the compiled catalogs are made here, at build time, by
Babel (never hand-edited). Fuzzy entries are left out of the compiled catalog, as gettext does.
An editable install reads the ``.po`` files directly (``coopfinance.text``).
"""

from __future__ import annotations

import pathlib
import tempfile
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hatchling.builders.hooks.plugin.interface import BuildHookInterface

LOCALE = pathlib.Path("src", "coopfinance", "locale")


class CompileCatalogs(BuildHookInterface):  # type: ignore[type-arg]
    """Writes ``coopfinance/locale/<lang>/LC_MESSAGES/coopfinance.mo`` for every ``.po``."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        out = pathlib.Path(tempfile.mkdtemp(prefix="coopfinance-mo-"))
        root = pathlib.Path(self.root)
        for po in sorted((root / LOCALE).glob("*/LC_MESSAGES/*.po")):
            rel = po.relative_to(root / LOCALE).with_suffix(".mo")
            target = out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as src:
                catalog = read_po(src, locale=rel.parts[0])
            with target.open("wb") as dst:
                write_mo(dst, catalog, use_fuzzy=False)
            build_data["force_include"][str(target)] = f"coopfinance/locale/{rel.as_posix()}"
