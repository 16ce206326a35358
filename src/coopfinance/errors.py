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
    │   ├── InvalidEvent                    a loan-account event that cannot be applied
    │   │   └── UnknownLoan                 an event for a loan id that has no terms
    │   └── NoSolution                      flows that no rate makes worth zero
    │       └── MultipleSolutions           flows that several rates do
    └── WrongType(TypeError)                a value of a type that is refused
        ├── FloatNotAllowed                 a float where money or a rate is expected
        └── CurrencyMismatch                arithmetic between amounts in different currencies

Every message names the field and echoes the value, e.g.
``'installments' must be between 1 and 600 (got 0).``; the exception keeps both as the attributes
``field`` and ``value``.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CoopFinanceError",
    "CurrencyMismatch",
    "FloatNotAllowed",
    "InvalidCalendar",
    "InvalidEvent",
    "InvalidLoanTerms",
    "InvalidRate",
    "InvalidValue",
    "MultipleSolutions",
    "NoSolution",
    "ParseError",
    "UnknownCurrency",
    "UnknownLoan",
    "WrongType",
]

_MISSING: Any = object()


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


class InvalidEvent(InvalidValue):
    """A loan-account event that cannot be applied: a negative amount, a payment before the
    disbursement, an event after a write-off, two different events with the same id, ..."""


class UnknownLoan(InvalidEvent):
    """An event (e.g. a row of a portfolio file) for a loan id that has no terms."""


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


class WrongType(CoopFinanceError, TypeError):
    """A value of a type that is refused where it was given."""


class FloatNotAllowed(WrongType):
    """A ``float`` given where money or a rate is expected (floats cannot hold céntimos exactly)."""


class CurrencyMismatch(WrongType):
    """Arithmetic or comparison between amounts in different currencies."""


def fmt_value(value: Any) -> str:
    """Echo a value in a message: ``repr`` for text (so blanks show), ``str`` for everything else."""
    if isinstance(value, str):
        return repr(value)
    return str(value)
