"""The labels of the bundled gettext catalogs, as tests read them (label key → text)."""

from __future__ import annotations

from coopfinance import text


def labels(lang: str) -> dict[str, str]:
    """Every label of ``lang``: the gettext messages whose context is the label key."""
    return {
        str(m.context): str(m.string)
        for m in text.catalog_messages(lang)
        if m.context and m.id and m.string
    }
