"""Read the tables of a rendered HTML document back as text cells (for the adds-up tests)."""

from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict[str, list[list[str]]]] = []
        self._stack: list[dict[str, list[list[str]]]] = []
        self._section = "tbody"
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: ARG002
        if tag == "table":
            table: dict[str, list[list[str]]] = {"thead": [], "tbody": [], "tfoot": []}
            self.tables.append(table)
            self._stack.append(table)
            self._section = "tbody"
        elif tag in ("thead", "tbody", "tfoot"):
            self._section = tag
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._stack:
            self._stack[-1][self._section].append(self._row)
            self._row = None
        elif tag in ("thead", "tfoot"):
            self._section = "tbody"
        elif tag == "table" and self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> list[dict[str, list[list[str]]]]:
    """Every ``<table>`` as ``{"thead": rows, "tbody": rows, "tfoot": rows}`` of cell texts."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def amount(cell: str, lang: str = "es") -> Decimal:
    """A printed amount (``1,234.50``, ``S/ 12.00``, ``−3.00``, pt_BR ``1.234,50``; empty = 0)."""
    cleaned = cell.replace("S/", "").replace("\u2212", "-").strip()
    if lang == "pt_BR":
        cleaned = cleaned.replace(".", "").replace(",", ".")
    cleaned = cleaned.replace(",", "")
    return Decimal(cleaned or "0")
