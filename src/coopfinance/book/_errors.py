"""The book's errors: all subclass :class:`~coopfinance.errors.CoopFinanceError`."""

from __future__ import annotations

from typing import Any

import attrs

from coopfinance.errors import E_, EN_, InvalidValue, joined

__all__ = ["BookError", "BookSchemaError", "Conflict", "ImportRefused", "Problem", "WrongPeriod"]

_WHAT = {
    "roster": E_("roster"),
    "deliveries": E_("deliveries"),
    "prices": E_("prices"),
    "loans": E_("loans"),
    "payments": E_("payments"),
    "obligations": E_("obligations"),
    "entries": E_("entries"),
    "contributions": E_("contributions"),
}
"""The kinds of file an import names, as messages ("el archivo de entregas")."""

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
        diffs = joined(
            ", ",
            [
                E_(
                    "%(field)s %(recorded)s recorded, %(given)s given",
                    field=k,
                    recorded=self.recorded[k] if self.recorded[k] is not None else "-",
                    given=self.given[k] if self.given[k] is not None else "-",
                )
                for k in self.recorded
            ],
        )
        return E_(
            "%(identity)s is already recorded with other values (%(diffs)s); to correct it, give "
            "a 'reason'.",
            identity=" ".join(self.identity),
            diffs=diffs,
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
        shown: list[Any] = [
            E_("  line %(line)s: %(message)s", line=p.line, message=p.message)
            for p in problems[:_MAX_LISTED]
        ]
        if len(problems) > _MAX_LISTED:
            more = len(problems) - _MAX_LISTED
            shown.append(
                EN_(
                    "  … and %(num)s more problem",
                    "  … and %(num)s more problems",
                    more,
                    num=format(more, ","),
                )
            )
        head = EN_(
            "nothing imported: %(num)s bad line in the %(what)s file %(source)s:",
            "nothing imported: %(num)s bad lines in the %(what)s file %(source)s:",
            lines,
            num=format(lines, ","),
            what=_WHAT.get(what, what),
            source=source,
        )
        message = joined("\n", [head, *shown])
        value: Any = [p.line for p in problems]
        super().__init__(message, field="rows", value=value)
        self.problems = problems
        self.conflicts = conflicts
