"""Every error coopfinance raises on purpose.

One root, and leaves that also subclass the built-in exception they resemble, so that callers can catch
either ``CoopFinanceError`` (everything from this library) or the familiar built-in::

    CoopFinanceError
    ├── InvalidValue(ValueError)            a value of the right type that is not acceptable
    │   ├── ParseError                      text that cannot be read as a number, amount, rate or date
    │   ├── UnknownCurrency                 a currency code not in the ISO 4217 table
    │   ├── InvalidRate                     a rate out of range or of the wrong kind
    │   ├── InvalidLoanTerms                loan terms that do not define a schedule
    │   ├── InvalidCalendar                 dates, frequencies or calendars that do not fit
    │   ├── InvalidBatchInput               a bad entry in a batch (numpy) input array
    │   ├── InvalidEvent                    a loan-account event that cannot be applied
    │   │   └── UnknownLoan                 an event for a loan id that is not in the portfolio
    │   ├── InvalidProduction               herds, lactation curves or forage that do not fit
    │   ├── InvalidPriceSchedule            a milk price schedule with gaps, overlaps or bad terms
    │   ├── InvalidDelivery                 milk deliveries that fail validation (per-row problems)
    │   ├── InvalidSettlement               a settlement whose policy or obligations do not fit
    │   ├── InvalidSurplusDistribution      a surplus (remanente) that cannot be distributed
    │   ├── InvalidPlan                     a business plan whose inputs do not fit together
    │   ├── InvalidLinkedPlan               a revenue-linked plan or simulation that does not fit
    │   ├── InvalidCurriculum               training content (curriculum data) that does not validate
    │   ├── InvalidTrainingRecord           cohorts, attendance or quiz results that do not fit together
    │   │   └── CourseNotCompleted          a certificate asked for a participant who has not completed
    │   ├── InvalidMemberData               a member's worksheet data that does not fit together
    │   └── NoSolution                      flows that no rate makes worth zero
    │       ├── MultipleSolutions           flows that several rates do
    │       └── BatchNoSolution             rows of a batch of flows that have no single rate
    ├── WrongType(TypeError)                a value of a type that is refused
    │   ├── FloatNotAllowed                 a float where money or a rate is expected
    │   └── CurrencyMismatch                arithmetic between amounts in different currencies
    ├── RenderError                         a document that cannot be rendered
    │   ├── MissingValue(LookupError)       a template uses a variable or label that is not there
    │   ├── MissingTemplate(LookupError)    no template of that name in the template directories
    │   └── InvalidTemplate(ValueError)     a template or label catalog that cannot be read
    │       └── UnsafeTemplate              a user template that tries what the sandbox forbids
    └── MissingDependency(ImportError)      an optional package (WeasyPrint for PDF) is not installed

    DueDateWarning(UserWarning)             (a warning, not an error) loan due dates off the pay dates

Every message names the field and echoes the value, e.g.
``'installments' must be between 1 and 600 (got 0).``; the exception keeps both as the attributes
``field`` and ``value``.

Messages are catalog messages (docs/text.md, "Error messages"): a raise site writes
``E_("%(name)s must be positive (got %(value)s).", name=repr(name), value=fmt_value(v))``, an
:class:`ErrorText`, which *is* the English text (``str(exc)``, what doctests and app developers
match) and also keeps its message id and parameters, so that
:func:`coopfinance.text.error_message` gives the same message in Spanish or Portuguese (this
module imports no catalog: it stays below the text layer)::

    >>> err = InvalidValue(E_("%(name)s must be positive (got %(value)s).", name="'litres'",
    ...     value="-3"), field="litres", value=-3)
    >>> str(err)
    "'litres' must be positive (got -3)."
    >>> from coopfinance.text import error_message
    >>> error_message(err, "es")
    "'litres' (litros) debe ser positivo (se recibió -3)."
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any, Self

__all__ = [
    "EN_",
    "E_",
    "BatchNoSolution",
    "CoopFinanceError",
    "CourseNotCompleted",
    "CurrencyMismatch",
    "DueDateWarning",
    "ErrorText",
    "FloatNotAllowed",
    "InvalidBatchInput",
    "InvalidCalendar",
    "InvalidCurriculum",
    "InvalidDelivery",
    "InvalidEvent",
    "InvalidLinkedPlan",
    "InvalidLoanTerms",
    "InvalidMemberData",
    "InvalidPlan",
    "InvalidPriceSchedule",
    "InvalidProduction",
    "InvalidRate",
    "InvalidSettlement",
    "InvalidSurplusDistribution",
    "InvalidTemplate",
    "InvalidTrainingRecord",
    "InvalidValue",
    "MissingDependency",
    "MissingTemplate",
    "MissingValue",
    "MultipleSolutions",
    "NoSolution",
    "ParseError",
    "RenderError",
    "RenderLimit",
    "UnknownCurrency",
    "UnknownLoan",
    "UnsafeTemplate",
    "WrongType",
    "clause",
    "fmt_value",
    "joined",
    "renamed",
]

_MISSING: Any = object()


class ErrorText(str):
    """The English text of an error message that keeps its message id and parameters.

    It is a ``str`` (the English, as before: ``str(exc)`` and ``exc.message`` are unchanged for
    app developers), so it travels wherever a message did; :func:`coopfinance.text.error_message`
    puts ``msgid`` in another language through the catalogs (``context``: ``error`` for the
    messages of :func:`E_`; a document message shared with an error has its own) and fills in
    ``params``, a parameter that is itself an :class:`ErrorText` first. Text joined to it with
    ``+`` or an f-string is plain English again (the CLI then shows it as it is).

    >>> text = E_("%(field)s must be one of %(choices)s (got %(value)s).", field="'lang'",
    ...     choices="'es', 'en'", value="'fr'")
    >>> text, text.msgid
    ("'lang' must be one of 'es', 'en' (got 'fr').", '%(field)s must be one of %(choices)s (got %(value)s).')
    """

    msgid: str
    params: Mapping[str, Any]
    context: str | None
    plural: str | None
    n: int | None

    def __new__(
        cls,
        msgid: str,
        params: Mapping[str, Any] | None = None,
        context: str | None = "error",
        plural: str | None = None,
        n: int | None = None,
    ) -> Self:
        values = dict(params or {})
        english = (plural if plural is not None and n != 1 else msgid) % values
        if context == "clause":  # errors.clause: a message without its final period
            english = english.rstrip(".")
        elif context == "renamed":  # errors.renamed: a field named otherwise
            english = str(values["message"]).replace(str(values["old"]), str(values["new"]), 1)
        self = super().__new__(cls, english)
        self.msgid = msgid
        self.params = values
        self.context = context
        self.plural = plural
        self.n = n
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (ErrorText, (self.msgid, self.params, self.context, self.plural, self.n))


def E_(msgid: str, /, **params: Any) -> ErrorText:  # noqa: N802 (a gettext keyword)
    """An error message: ``msgid`` (English, ``%(name)s`` placeholders, ``%%`` for a percent sign)
    with ``params`` filled in. ``pybabel extract -k E_`` finds every one; the catalogs hold them
    under the context ``error``.

    >>> E_("%(field)s must be at most 100 %% (got %(value)s).", field="'share'", value="120")
    "'share' must be at most 100 % (got 120)."
    """
    return ErrorText(msgid, params)


def EN_(singular: str, plural: str, n: int, /, **params: Any) -> ErrorText:  # noqa: N802
    """A plural error message (``pybabel extract -k EN_:1,2``): the form for ``n`` in each
    language ("1 bad row", "3 bad rows").

    >>> EN_("%(num)s bad row", "%(num)s bad rows", 3, num=3)
    '3 bad rows'
    """
    return ErrorText(singular, params, plural=plural, n=n)


def clause(text: str) -> ErrorText:
    """``text`` (an error message) without its final period, in every language: for a message
    continued by where it happened (``"… (got -3) on line 4 of member.toml."``).

    >>> clause(E_("no such file")) + "!"
    'no such file!'
    """
    return ErrorText("%(message)s", {"message": text}, context="clause")


def renamed(text: str, old: str, new: str) -> ErrorText:
    """``text`` (an error message) with the first ``old`` (a quoted field name, which every
    language keeps as it is) replaced by ``new``: a field named by its key path in a file.

    >>> renamed(E_("'session' is required."), "'session'", "'sessions[0].session'")
    "'sessions[0].session' is required."
    """
    return ErrorText(
        "%(message)s%(old)s%(new)s", {"message": text, "old": old, "new": new}, context="renamed"
    )


def joined(separator: str, parts: Sequence[Any]) -> ErrorText:
    """``parts`` (error messages or text) joined by ``separator``, each put in the reader's
    language: the listing of a file's bad lines. No catalog entry (nothing to translate).

    >>> joined("; ", [E_("line %(line)s", line=2), "x"])
    'line 2; x'
    """
    sep = separator.replace("%", "%%")
    template = sep.join(f"%(p{k})s" for k in range(len(parts)))
    return ErrorText(template, {f"p{k}": part for k, part in enumerate(parts)}, context="")


class CoopFinanceError(Exception):
    """Root of every error raised on purpose by coopfinance.

    ``field`` names the input at fault (or ``None``) and ``value`` holds what was given.
    """

    field: str | None
    value: Any

    def __init__(self, message: str, *, field: str | None = None, value: Any = _MISSING) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.value = None if value is _MISSING else value

    def __str__(self) -> str:
        return self.message

    def at(self, where: str) -> Self:
        """A copy of this error placed in a file: ``where`` (``"line 7"``, ``"line 7 of
        deliveries.csv"``) is put before the message; every payload (``field``, ``value``,
        ``problems``, ``rows``, ``roots``, ``source``, ...) is kept.

        >>> err = InvalidValue("'litres' must be positive (got -3).", field="litres", value=-3)
        >>> moved = err.at("line 7 of deliveries.csv")
        >>> str(moved), moved.field, moved.value
        ("line 7 of deliveries.csv: 'litres' must be positive (got -3).", 'litres', -3)
        """
        moved = copy.copy(self)
        moved.message = E_("%(where)s: %(message)s", where=where, message=self.message)
        moved.args = (moved.message,)
        return moved


class InvalidValue(CoopFinanceError, ValueError):
    """A value of an accepted type whose content is not acceptable."""


class ParseError(InvalidValue):
    """Text that cannot be read as the number, amount, rate or date it should be."""


class UnknownCurrency(InvalidValue):
    """A currency code that is not in coopfinance's ISO 4217 table."""


class InvalidRate(InvalidValue):
    """A rate out of its allowed range, or of a kind that does not fit where it is used."""


class InvalidLoanTerms(InvalidValue):
    """Loan terms that do not define a schedule (principal, installments, grace, weights, ...)."""


class InvalidCalendar(InvalidValue):
    """Dates, frequencies or holiday calendars that do not fit together."""


class InvalidProduction(InvalidValue):
    """Herd, lactation-curve, seasonal or forage values that do not define a production forecast."""


class InvalidPriceSchedule(InvalidValue):
    """A milk price schedule with a gap or an overlap between its periods, or no price for a date."""


class InvalidDelivery(InvalidValue):
    """A milk delivery that is not acceptable; for a file, ``problems`` lists every bad row.

    ``problems`` holds ``(line, field, message)`` tuples in file order (empty for a single delivery).
    """

    problems: tuple[tuple[int, str, str], ...]

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        value: Any = _MISSING,
        problems: tuple[tuple[int, str, str], ...] = (),
    ) -> None:
        super().__init__(message, field=field, value=value)
        self.problems = problems


class InvalidSettlement(InvalidValue):
    """Settlement periods, obligations or deduction policies that do not fit together."""


class InvalidSurplusDistribution(InvalidValue):
    """A surplus (remanente) distribution that the co-op law (LGC art. 42) or the data do not allow."""


class InvalidEvent(InvalidValue):
    """A loan-account event that cannot be applied: a negative amount, a payment before the
    disbursement, an event after a write-off, two different events with the same id, ..."""


class UnknownLoan(InvalidEvent):
    """An event (e.g. a row of a portfolio file) for a loan id that has no terms."""


class InvalidLinkedPlan(InvalidValue):
    """Revenue-linked repayment inputs that do not fit: a revenue-share plan (share, floor, cap,
    term), forecast revenue or milk values, an affordability or simulation input."""


class NoSolution(InvalidValue):
    """Cash flows for which no rate in the searched range makes the present value zero."""


class MultipleSolutions(NoSolution):
    """Cash flows for which several rates make the present value zero; ``roots`` holds those found.

    ``roots`` are the rates found (``Decimal``, ascending); narrow the search with ``bracket=`` to
    choose one.
    """

    roots: tuple[Any, ...]

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        value: Any = _MISSING,
        roots: tuple[Any, ...] = (),
    ) -> None:
        super().__init__(message, field=field, value=value)
        self.roots = roots


class InvalidBatchInput(InvalidValue):
    """A bad entry in an input array of :mod:`coopfinance.batch`; ``index`` is the first bad row.

    ``index`` is ``None`` when the fault is not one row's (e.g. arrays of different lengths).
    """

    index: int | None

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        value: Any = _MISSING,
        index: int | None = None,
    ) -> None:
        super().__init__(message, field=field, value=value)
        self.index = index


class BatchNoSolution(NoSolution):
    """Rows of a batch of cash flows with no single rate in the searched range; ``rows`` lists them.

    ``rows`` holds the indices (ascending) of the rows that have no rate, or several.
    """

    rows: tuple[int, ...]

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        value: Any = _MISSING,
        rows: tuple[int, ...] = (),
    ) -> None:
        super().__init__(message, field=field, value=value)
        self.rows = rows


class InvalidPlan(InvalidValue):
    """A business plan whose inputs do not fit together (horizon, dates, financing, scenarios).

    When the plan was loaded from a file, ``field`` is the key path, e.g. ``investments[2].cost``.
    """


class WrongType(CoopFinanceError, TypeError):
    """A value of a type that is refused where it was given."""


class FloatNotAllowed(WrongType):
    """A ``float`` given where money or a rate is expected (floats cannot hold céntimos exactly)."""


class CurrencyMismatch(WrongType):
    """Arithmetic or comparison between amounts in different currencies."""


class RenderError(CoopFinanceError):
    """A document that cannot be rendered; catch this for any of the three leaves below."""


class MissingValue(RenderError, LookupError):
    """A template uses a variable, attribute or label (``t("key")``) that is not there.

    ``field`` names what is missing (``'borrower'``, ``'column.fees'``); templates never print a
    blank for it.
    """


class MissingTemplate(RenderError, LookupError):
    """No template of the requested name in the user's template directories or the bundled ones."""


class InvalidTemplate(RenderError, ValueError):
    """A template with a syntax error, or a label catalog that is not a JSON object of strings."""


class UnsafeTemplate(InvalidTemplate):
    """A template that does what Jinja2's sandbox forbids (e.g. ``{{ ''.__class__.__mro__ }}``).

    Templates from a user's template directory render in the sandbox, so they cannot reach Python
    internals through attributes such as ``__class__`` or call unsafe methods.
    """


class MissingDependency(CoopFinanceError, ImportError):
    """An optional package is needed but not installed (WeasyPrint for PDF: ``coopfinance[pdf]``)."""


class InvalidCurriculum(InvalidValue):
    """Curriculum data that does not validate; ``source`` names the file and ``field`` the key path.

    ``field`` is a path such as ``modules[2].sessions[0].minutes``; ``source`` is the file name (or
    ``None`` for data given in memory).
    """

    source: str | None

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        value: Any = _MISSING,
        source: str | None = None,
    ) -> None:
        super().__init__(message, field=field, value=value)
        self.source = source


class InvalidTrainingRecord(InvalidValue):
    """Training records that do not fit together: an unknown participant, session or module, a
    score above the maximum, a duplicate id."""


class CourseNotCompleted(InvalidTrainingRecord):
    """A completion certificate asked for a participant who has not completed the course; the
    message says what is missing (attendance, post-quizzes)."""


class InvalidMemberData(InvalidValue):
    """A member's own figures (loan, milk, budget, savings) for a personal worksheet that do not
    validate; ``field`` is the key path, e.g. ``milk.litres``."""


class RenderLimit(InvalidTemplate):
    """A template stopped by a resource limit: a ``range()`` or repetition too long, an output too
    large, or a render that took too long (issue 20 §4; the limits are in
    ``coopfinance.documents._env``)."""


class DueDateWarning(UserWarning):
    """A loan collected by check-off has due dates that are not pay dates of the settlement
    calendar: an installment falling due between two pay dates is collected on the next one, after
    its due date, and the account charges it late (issue 16). Not an error: the run goes on."""


def fmt_value(value: Any) -> str:
    """Echo a value in a message: ``repr`` for text (so blanks show), ``str`` for everything else."""
    if isinstance(value, str):
        return repr(value)
    return str(value)
