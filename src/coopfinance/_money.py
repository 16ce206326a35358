"""Money: an exact ``Decimal`` amount in one ISO 4217 currency, and the rounding policy of a schedule."""

from __future__ import annotations

import enum
import re
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal
from typing import ClassVar

import attrs

from coopfinance._decimal import CONTEXT, ZERO, parse_number, to_decimal
from coopfinance._fields import positive
from coopfinance.errors import (
    E_,
    CurrencyMismatch,
    InvalidValue,
    ParseError,
    UnknownCurrency,
    WrongType,
    fmt_value,
)

__all__ = ["Currency", "Money", "RoundingMode", "RoundingPolicy"]

# ISO 4217 codes with their minor unit (number of decimals) and a common symbol. The minor units are
# those of the ISO 4217 list (e.g. CLP, JPY, PYG, KRW: 0; BHD, KWD, JOD, OMR, TND: 3).
_ISO4217: dict[str, tuple[int, str]] = {
    "PEN": (2, "S/"),
    "USD": (2, "US$"),
    "EUR": (2, "€"),
    "BOB": (2, "Bs"),
    "COP": (2, "COL$"),
    "MXN": (2, "MX$"),
    "ARS": (2, "AR$"),
    "BRL": (2, "R$"),
    "UYU": (2, "$U"),
    "GTQ": (2, "Q"),
    "HNL": (2, "L"),
    "NIO": (2, "C$"),
    "CRC": (2, "₡"),
    "DOP": (2, "RD$"),
    "GBP": (2, "£"),
    "CHF": (2, "CHF"),
    "CAD": (2, "CA$"),
    "AUD": (2, "A$"),
    "NZD": (2, "NZ$"),
    "CNY": (2, "CN¥"),
    "INR": (2, "₹"),
    "KES": (2, "KSh"),
    "UGX": (0, "USh"),
    "TZS": (2, "TSh"),
    "RWF": (0, "FRw"),
    "ETB": (2, "Br"),
    "GHS": (2, "GH₵"),
    "NGN": (2, "₦"),
    "XOF": (0, "CFA"),
    "XAF": (0, "FCFA"),
    "ZAR": (2, "R"),
    "ZMW": (2, "K"),
    "PHP": (2, "₱"),
    "IDR": (2, "Rp"),
    "BDT": (2, "৳"),
    "PKR": (2, "Rs"),
    "NPR": (2, "Rs"),
    "LKR": (2, "Rs"),
    "SEK": (2, "kr"),
    "NOK": (2, "kr"),
    "DKK": (2, "kr"),
    "PLN": (2, "zł"),
    "CZK": (2, "Kč"),
    "HUF": (2, "Ft"),
    "RON": (2, "lei"),
    "TRY": (2, "₺"),
    "CLP": (0, "CLP$"),
    "JPY": (0, "¥"),
    "KRW": (0, "₩"),
    "PYG": (0, "₲"),
    "VND": (0, "₫"),
    "ISK": (0, "kr"),
    "CLF": (4, "UF"),
    "BHD": (3, "BD"),
    "KWD": (3, "KD"),
    "JOD": (3, "JD"),
    "OMR": (3, "OMR"),
    "TND": (3, "DT"),
    "IQD": (3, "IQD"),
    "LYD": (3, "LD"),
}
_SYMBOLS = {"S/.": "PEN", "S/": "PEN", "US$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
_SYMBOLS_LONGEST_FIRST = tuple(sorted(_SYMBOLS, key=len, reverse=True))
_UNITS = {n: Decimal(1).scaleb(-n) for n in range(5)}
"""The minor units 10⁻ⁿ of the currencies, made once."""


@attrs.frozen(slots=True)
class Currency:
    """An ISO 4217 currency: its code, minor unit (decimals) and a display symbol.

    >>> Currency.of("PEN")
    Currency(code='PEN', minor_unit=2, symbol='S/')
    >>> Currency.of("CLP").unit
    Decimal('1')
    """

    code: str
    minor_unit: int
    symbol: str

    _cache: ClassVar[dict[str, Currency]] = {}

    @classmethod
    def of(cls, code: Currency | str) -> Currency:
        """The currency for an ISO 4217 code (case-insensitive), or ``code`` itself if a Currency."""
        if isinstance(code, Currency):
            return code
        if not isinstance(code, str):
            raise WrongType(
                E_(
                    "'currency' must be an ISO 4217 code such as 'PEN' (got %(code)s).",
                    code=fmt_value(code),
                ),
                field="currency",
                value=code,
            )
        key = code.strip().upper()
        found = cls._cache.get(key)
        if found is not None:
            return found
        if key not in _ISO4217:
            raise UnknownCurrency(
                E_(
                    "'currency' must be an ISO 4217 code coopfinance knows, such as 'PEN', "
                    "'USD' or 'EUR' (got %(code)s).",
                    code=fmt_value(code),
                ),
                field="currency",
                value=code,
            )
        minor, symbol = _ISO4217[key]
        currency = cls(code=key, minor_unit=minor, symbol=symbol)
        cls._cache[key] = currency
        return currency

    @property
    def unit(self) -> Decimal:
        """The smallest amount of the currency: ``0.01`` for PEN, ``1`` for CLP."""
        unit = _UNITS.get(self.minor_unit)
        return Decimal(1).scaleb(-self.minor_unit) if unit is None else unit

    @staticmethod
    def codes() -> tuple[str, ...]:
        """Every code in the table, sorted."""
        return tuple(sorted(_ISO4217))


def _to_currency(value: Currency | str) -> Currency:
    return Currency.of(value)


def _amount(value: Decimal | int | str) -> Decimal:
    return to_decimal(value, field="amount")


_CODE_RE = re.compile(r"^([A-Za-z]{3})\s+(.+)$|^(.+?)\s+([A-Za-z]{3})$")


def _symbol_or_code(s: str) -> tuple[str | None, str]:
    """The currency a leading symbol or a leading or trailing ISO code names, and the rest."""
    for symbol in _SYMBOLS_LONGEST_FIRST:
        if s.startswith(symbol):
            return _SYMBOLS[symbol], s[len(symbol) :].strip()
    m = _CODE_RE.match(s)
    if m and (m.group(1) or m.group(4)):
        code = (m.group(1) or m.group(4)).upper()
        if code in _ISO4217:
            return code, (m.group(2) or m.group(3)).strip()
    return None, s


@attrs.frozen(slots=True, order=False)
class Money:
    """An exact amount of money in one currency.

    Arithmetic works only between amounts of the same currency (else :class:`CurrencyMismatch`);
    multiplying or dividing by a ``Decimal``/``int`` scalar is allowed. Floats are refused.

    >>> Money("1250.50", "PEN") + Money("0.50", "PEN")
    Money(amount=Decimal('1251.00'), currency=Currency(code='PEN', minor_unit=2, symbol='S/'))
    >>> str(Money.parse("S/ 1,250.50"))
    'S/ 1,250.50'
    """

    amount: Decimal = attrs.field(converter=_amount)
    currency: Currency = attrs.field(converter=_to_currency, factory=lambda: Currency.of("PEN"))

    @classmethod
    def parse(cls, text: str | Decimal | int, currency: Currency | str | None = None) -> Money:
        """Read an amount such as ``"S/ 1,250.50"``, ``"PEN 1250.5"``, ``"1250.50 USD"`` or ``"1250"``.

        The currency comes from a leading symbol or a three-letter code; otherwise from ``currency``
        (default PEN). A symbol or code that contradicts ``currency`` is an error.
        """
        if not isinstance(text, str):
            return cls(amount=to_decimal(text, field="amount"), currency=currency or "PEN")
        s = text.strip()
        found: str | None = None
        if not (s[:1].isdigit() and s[-1:].isdigit()):  # else no symbol or code can be there
            found, s = _symbol_or_code(s)
        if found is not None and currency is not None and Currency.of(currency).code != found:
            raise CurrencyMismatch(
                E_(
                    "'amount' %(text)s is in %(found)s, but the currency given is %(code)s.",
                    text=repr(text),
                    found=found,
                    code=Currency.of(currency).code,
                ),
                field="amount",
                value=text,
            )
        try:
            amount = parse_number(s, field="amount")
        except ParseError:
            raise ParseError(
                E_(
                    "'amount' must be an amount such as 'S/ 1,250.50' or '1250.50' (got %(text)s).",
                    text=repr(text),
                ),
                field="amount",
                value=text,
            ) from None
        return cls(amount=amount, currency=found or currency or "PEN")

    def _same(self, other: object, op: str) -> Money:
        if not isinstance(other, Money):
            raise WrongType(
                E_(
                    "cannot %(op)s Money and %(type)s %(other)s; wrap the amount in Money.",
                    op=op,
                    type=type(other).__name__,
                    other=repr(other),
                ),
                field="other",
                value=other,
            )
        if other.currency != self.currency:
            raise CurrencyMismatch(
                E_(
                    "cannot %(op)s %(code)s and %(code2)s amounts (%(self)s and %(other)s).",
                    op=op,
                    code=self.currency.code,
                    code2=other.currency.code,
                    self=self,
                    other=other,
                ),
                field="currency",
                value=other.currency.code,
            )
        return other

    def __add__(self, other: Money) -> Money:
        o = self._same(other, "add")
        return Money(amount=CONTEXT.add(self.amount, o.amount), currency=self.currency)

    def __sub__(self, other: Money) -> Money:
        o = self._same(other, "subtract")
        return Money(amount=CONTEXT.subtract(self.amount, o.amount), currency=self.currency)

    def __mul__(self, factor: Decimal | int | str) -> Money:
        f = to_decimal(factor, field="factor")
        return Money(amount=CONTEXT.multiply(self.amount, f), currency=self.currency)

    __rmul__ = __mul__

    def __truediv__(self, divisor: Decimal | int | str) -> Money:
        d = to_decimal(divisor, field="divisor")
        if d == 0:
            raise InvalidValue(
                E_("'divisor' must not be zero (got 0)."), field="divisor", value=divisor
            )
        return Money(amount=CONTEXT.divide(self.amount, d), currency=self.currency)

    def __neg__(self) -> Money:
        return Money(amount=-self.amount, currency=self.currency)

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._same(other, "compare").amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._same(other, "compare").amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._same(other, "compare").amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._same(other, "compare").amount

    def round(self, policy: RoundingPolicy | None = None) -> Money:
        """This amount rounded to ``policy``'s unit (default: the currency's minor unit, half-up)."""
        p = policy or RoundingPolicy()
        return Money(amount=p.round(self.amount, self.currency), currency=self.currency)

    def __str__(self) -> str:
        minor = self.currency.minor_unit
        shown = self.amount.quantize(self.currency.unit, rounding=ROUND_HALF_UP, context=CONTEXT)
        return f"{self.currency.symbol} {shown:,.{minor}f}"

    @classmethod
    def zero(cls, currency: Currency | str = "PEN") -> Money:
        """No money, in ``currency``."""
        return cls(amount=ZERO, currency=currency)


class RoundingMode(enum.Enum):
    """How amounts are rounded to the rounding unit."""

    HALF_UP = ROUND_HALF_UP
    """Half away from zero, as Peruvian lenders print (the default)."""
    HALF_EVEN = ROUND_HALF_EVEN
    """Banker's rounding, Apache Fineract's default."""
    DOWN = ROUND_DOWN
    """Toward zero (truncate)."""
    UP = ROUND_UP
    """Away from zero."""


def _to_unit(value: Decimal | int | str | None) -> Decimal | None:
    return None if value is None else to_decimal(value, field="unit")


def _to_multiple(value: Decimal | int | str | None) -> Decimal | None:
    return None if value is None else to_decimal(value, field="installment_multiple")


def _to_mode(value: RoundingMode | str) -> RoundingMode:
    if isinstance(value, RoundingMode):
        return value
    try:
        return RoundingMode[str(value).strip().upper().replace("-", "_")]
    except KeyError:
        raise InvalidValue(
            E_(
                "'mode' must be one of half-up, half-even, down, up (got %(value)s).",
                value=fmt_value(value),
            ),
            field="mode",
            value=value,
        ) from None


@attrs.frozen(slots=True, kw_only=True)
class RoundingPolicy:
    """How a schedule rounds money.

    - ``mode``: :class:`RoundingMode` (``HALF_UP`` by default, ``HALF_EVEN`` available).
    - ``unit``: every amount is a multiple of it; ``None`` means the currency's minor unit (0.01 for
      PEN). Use ``100`` for a zero-decimal currency lent in multiples of 100.
    - ``installment_multiple``: the installment total is rounded to a multiple of this step (``0.10``,
      ``1``), as lenders do that print "cuotas en múltiplos de"; the last installment absorbs the rest.

    >>> RoundingPolicy(unit="100").round(Decimal("1234567.5"), Currency.of("CLP"))
    Decimal('1234600')
    """

    mode: RoundingMode = attrs.field(default=RoundingMode.HALF_UP, converter=_to_mode)
    unit: Decimal | None = attrs.field(default=None, converter=_to_unit, validator=positive())
    installment_multiple: Decimal | None = attrs.field(
        default=None, converter=_to_multiple, validator=positive()
    )

    def unit_for(self, currency: Currency) -> Decimal:
        """The rounding unit for ``currency`` (``unit`` if set, else the currency's minor unit)."""
        return self.unit if self.unit is not None else currency.unit

    def round(self, amount: Decimal, currency: Currency) -> Decimal:
        """``amount`` rounded to a multiple of the unit with this policy's mode."""
        return round_to(amount, self.unit_for(currency), self.mode.value)


def round_to(amount: Decimal, unit: Decimal, mode: str) -> Decimal:
    """``amount`` rounded to a multiple of ``unit`` (``mode`` is a :mod:`decimal` rounding constant)."""
    tup = unit.as_tuple()
    if tup.digits == (1,) and isinstance(tup.exponent, int) and tup.exponent <= 0:
        return amount.quantize(unit, rounding=mode, context=CONTEXT)
    steps = CONTEXT.divide(amount, unit).quantize(Decimal(1), rounding=mode, context=CONTEXT)
    return CONTEXT.multiply(steps, unit)
