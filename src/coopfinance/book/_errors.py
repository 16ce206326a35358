"""The book's errors: all subclass :class:`~coopfinance.errors.CoopFinanceError`."""

from __future__ import annotations

from typing import Any

import attrs

from coopfinance.errors import InvalidValue

__all__ = ["BookError", "BookSchemaError", "Conflict", "ImportRefused", "Problem", "WrongPeriod"]

_MAX_LISTED = 20
"""An error message lists this many problems; ``ImportRefused.problems`` holds them all."""


class BookError(InvalidValue):
    """Something the book refuses: an unknown co-op, a missing entry, a bad request."""


class BookSchemaError(BookError):
    """The database holds no book, a book of an older schema (run ``book upgrade``) or of a newer
    coopfinance than this one (upgrade coopfinance)."""


class WrongPeriod(BookError):
    """A close out of order, of a period already closed, or an entry dated in a closed period."""


@attrs.frozen(slots=True, kw_only=True)
class Problem:
    """One bad line of an imported file: its line number, the field at fault and why."""

    line: int
    field: str
    message: str


@attrs.frozen(slots=True, kw_only=True)
class Conflict:
    """A line whose identity is already recorded with other values (and no correction reason).

    ``recorded`` and ``given`` hold the differing values, by field name, as text.
    """

    line: int
    identity: tuple[str, ...]
    recorded: dict[str, str | None]
    given: dict[str, str | None]

    def message(self) -> str:
        """A one-line description: what differs, recorded → given."""
        diffs = ", ".join(
            f"{k} {self.recorded[k] if self.recorded[k] is not None else '-'} recorded, "
            f"{self.given[k] if self.given[k] is not None else '-'} given"
            for k in self.recorded
        )
        return (
            f"{' '.join(self.identity)} is already recorded with other values ({diffs}); "
            "to correct it, give a 'reason'."
        )


class ImportRefused(BookError):
    """An import that recorded nothing: every bad line of the file is in ``problems`` (sorted by
    line), the conflicts with recorded entries also in ``conflicts``."""

    problems: tuple[Problem, ...]
    conflicts: tuple[Conflict, ...]

    def __init__(
        self,
        what: str,
        source: str,
        problems: tuple[Problem, ...],
        conflicts: tuple[Conflict, ...] = (),
    ) -> None:
        lines = len({p.line for p in problems})
        shown = "\n".join(f"  line {p.line}: {p.message}" for p in problems[:_MAX_LISTED])
        if len(problems) > _MAX_LISTED:
            shown += f"\n  … and {len(problems) - _MAX_LISTED:,} more problems"
        message = (
            f"nothing imported: {lines:,} bad line{'s' if lines != 1 else ''} in the {what} file "
            f"{source}:\n{shown}"
        )
        value: Any = [p.line for p in problems]
        super().__init__(message, field="rows", value=value)
        self.problems = problems
        self.conflicts = conflicts
