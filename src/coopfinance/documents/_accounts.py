"""The co-op's own accounts as documents: a member's statement of contributions, a leaver's final
liquidación and the year's accounts for the general assembly (issue 17).

The contexts are built by the book (``coopfinance.book``: ``contributions_context``,
``liquidation_context``, ``assembly_context``) from what it recorded and computed; the templates
only lay the figures out (``member_contributions``, ``member_liquidation``, ``year_accounts``; ``.md.j2`` and
``.html.j2``; PDF with :func:`~coopfinance.documents.render_pdf` of the same name and context).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from coopfinance._decimal import exact
from coopfinance.documents._env import render

__all__ = ["render_assembly", "render_contributions", "render_liquidation"]


@exact
def render_contributions(
    context: Mapping[str, Any],
    *,
    lang: str = "es",
    fmt: str = "md",
    template_dirs: Iterable[str | os.PathLike[str]] = (),
) -> str:
    """A member's statement of contributions (aportaciones), Markdown or HTML."""
    return render("member_contributions", context, lang=lang, fmt=fmt, template_dirs=template_dirs)


@exact
def render_liquidation(
    context: Mapping[str, Any],
    *,
    lang: str = "es",
    fmt: str = "md",
    template_dirs: Iterable[str | os.PathLike[str]] = (),
) -> str:
    """A leaver's final liquidación, Markdown or HTML."""
    return render("member_liquidation", context, lang=lang, fmt=fmt, template_dirs=template_dirs)


@exact
def render_assembly(
    context: Mapping[str, Any],
    *,
    lang: str = "es",
    fmt: str = "md",
    template_dirs: Iterable[str | os.PathLike[str]] = (),
) -> str:
    """The year's accounts for the general assembly: the income statement, the art. 42
    distribution and each member's interest and retorno, reconciled to the céntimo."""
    return render("year_accounts", context, lang=lang, fmt=fmt, template_dirs=template_dirs)
