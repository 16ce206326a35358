"""The repayment schedule (cronograma) and the engine that builds it from :class:`LoanTerms`.

For installments ``k = 1..n`` with due dates ``d_k`` and period rates ``i_k`` (see :class:`Rate`):

- discount factors ``v_k = Π_{j≤k} 1/(1 + i_j)`` (counted from the end of grace);
- LEVEL: ``C = B / Σ v_k``; WEIGHTED: ``C_k = w_k·X`` with ``X = B / Σ w_k·v_k``;
- each row: ``interest_k = round(balance_{k−1} · i_k)``, ``principal_k = C_k − interest_k``;
  the last row takes the remaining balance, so principal repaid equals principal lent exactly;
- CONSTANT_PRINCIPAL: ``principal_k = round(B/m)``; FLAT: total interest ``Σ B·i_k`` spread evenly;
  BULLET: ``B·i(whole term)`` with the principal at maturity; INTEREST_ONLY: interest, then principal.

A row that is due less than the interest it accrues (capitalizing grace, a small seasonal weight)
pays what it can and adds the rest to the balance (shown by :attr:`Installment.capitalized`).
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import functools
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn, overload

import attrs

from coopfinance._calendar import (
    BusinessDay,
    DayCount,
    Frequency,
    HolidayCalendar,
    calendar_dates,
)
from coopfinance._decimal import CONTEXT, ONE, ZERO, fraction_to_decimal
from coopfinance._money import Currency, Money, round_to
from coopfinance._rates import Rate
from coopfinance.errors import InvalidLoanTerms, InvalidValue, ParseError

if TYPE_CHECKING:
    from coopfinance._terms import LoanTerms

__all__ = ["COLUMNS", "Installment", "Schedule", "build_schedule"]

COLUMNS = (
    "number",
    "due_date",
    "days",
    "opening_balance",
    "principal",
    "interest",
    "fees",
    "insurance",
    "taxes",
    "charges",
    "total",
    "balance",
)
"""The columns of every export, in order."""


def _to_currency(value: Currency | str) -> Currency:
    return Currency.of(value)


class Installment(NamedTuple):
    """One row of a schedule. Amounts are ``Decimal`` in the schedule's currency.

    ``charges = fees + insurance + taxes``; ``total = principal + interest + charges``;
    ``balance = opening_balance + capitalized − principal``. A down payment due at disbursement is
    row number 0.

    An immutable named tuple rather than an attrs class: a schedule makes one per row, and a tuple
    is built in a quarter of the time (see docs/design.md).
    """

    number: int
    due_date: dt.date
    days: int
    """Calendar days since the previous due date (or the disbursement)."""
    opening_balance: Decimal
    principal: Decimal
    interest: Decimal
    fees: Decimal
    """Installment fees (commissions)."""
    insurance: Decimal
    """Credit life insurance (seguro de desgravamen)."""
    taxes: Decimal
    """Taxes on the payment, such as Peru's ITF."""
    charges: Decimal
    """``fees + insurance + taxes``."""
    total: Decimal
    balance: Decimal
    """The closing balance after this installment."""

    @property
    def capitalized(self) -> Decimal:
        """Interest added to the balance in this period instead of being paid."""
        return self.balance - self.opening_balance + self.principal

    def to_record(self) -> dict[str, Any]:
        """The row as plain values: amounts ``Decimal``, the date a ``date``."""
        return dict(zip(COLUMNS, self, strict=True))


def _installments(value: Sequence[Installment]) -> tuple[Installment, ...]:
    return tuple(value)


@attrs.frozen(slots=True, kw_only=True)
class Schedule:
    """An immutable repayment schedule.

    >>> from coopfinance import LoanTerms, Rate
    >>> s = LoanTerms(principal="5000", rate=Rate.effective_annual("35%"), installments=3,
    ...               disbursed="2026-01-15").schedule()
    >>> [str(row.total) for row in s], s.total_interest
    (['1751.80', '1751.80', '1751.79'], Decimal('255.39'))
    """

    currency: Currency = attrs.field(converter=_to_currency)
    principal: Decimal
    disbursed: dt.date
    installment_amount: Decimal
    """The regular installment: the level amount for LEVEL, the amount for weight 1 for WEIGHTED,
    otherwise the first installment after grace."""
    installments: tuple[Installment, ...] = attrs.field(converter=_installments)
    fees_withheld: Decimal = ZERO
    """Upfront fees deducted from the disbursement."""
    fees_financed: Decimal = ZERO
    """Upfront fees added to the principal (they are part of :attr:`principal`)."""
    taxes_withheld: Decimal = ZERO
    """Taxes on the disbursement (e.g. ITF) deducted from it."""

    @property
    def amount_lent(self) -> Decimal:
        """The amount of the loan before financed fees: ``principal − fees_financed``."""
        return self.principal - self.fees_financed

    @property
    def net_disbursement(self) -> Decimal:
        """What the borrower receives in hand: the amount lent less fees and taxes withheld."""
        return self.amount_lent - self.fees_withheld - self.taxes_withheld

    # -- sequence behaviour ----------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.installments)

    def __iter__(self) -> Iterator[Installment]:
        return iter(self.installments)

    @overload
    def __getitem__(self, index: int) -> Installment: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Installment, ...]: ...
    def __getitem__(self, index: int | slice) -> Installment | tuple[Installment, ...]:
        return self.installments[index]

    # -- totals ---------------------------------------------------------------------------------
    @property
    def maturity(self) -> dt.date:
        """The last due date."""
        return self.installments[-1].due_date

    def _sum(self, name: str) -> Decimal:
        return sum((getattr(r, name) for r in self.installments), ZERO)

    @property
    def total_principal(self) -> Decimal:
        """Principal repaid: the principal lent plus any capitalized interest."""
        return self._sum("principal")

    @property
    def total_interest(self) -> Decimal:
        """Interest paid over the schedule."""
        return self._sum("interest")

    @property
    def total_fees(self) -> Decimal:
        """Installment fees paid over the schedule (upfront fees are on the schedule itself)."""
        return self._sum("fees")

    @property
    def total_insurance(self) -> Decimal:
        """Insurance paid over the schedule."""
        return self._sum("insurance")

    @property
    def total_taxes(self) -> Decimal:
        """Taxes paid with the installments (the disbursement's are :attr:`taxes_withheld`)."""
        return self._sum("taxes")

    @property
    def total_charges(self) -> Decimal:
        """Charges paid with the installments: fees, insurance and taxes."""
        return self._sum("charges")

    @property
    def total_payments(self) -> Decimal:
        """Everything the borrower pays."""
        return self._sum("total")

    def totals(self) -> dict[str, Decimal]:
        """Each amount column summed over the rows."""
        return {
            "principal": self.total_principal,
            "interest": self.total_interest,
            "fees": self.total_fees,
            "insurance": self.total_insurance,
            "taxes": self.total_taxes,
            "charges": self.total_charges,
            "total": self.total_payments,
        }

    def money(self, amount: Decimal) -> Money:
        """``amount`` as :class:`Money` in this schedule's currency."""
        return Money(amount=amount, currency=self.currency)

    # -- exports ----------------------------------------------------------------------------------
    def to_records(self) -> list[dict[str, Any]]:
        """One dict per row with the keys of :data:`COLUMNS` (``Decimal`` amounts, ``date`` dates)."""
        return [r.to_record() for r in self.installments]

    def to_dataframe(self) -> Any:
        """The rows as a pandas ``DataFrame`` (optional extra ``pandas``): one row per installment,
        columns :data:`COLUMNS`, amounts kept as exact ``Decimal`` objects, ``number`` as index.

        Without pandas, :meth:`to_records` gives the same data as plain dicts.
        """
        from coopfinance._frames import to_dataframe

        frame = to_dataframe(self.to_records(), COLUMNS, "Schedule")
        return frame.set_index("number")

    def to_dict(self) -> dict[str, Any]:
        """The JSON interchange form: amounts as decimal strings, dates ISO 8601."""
        return {
            "currency": self.currency.code,
            "principal": str(self.principal),
            "disbursed": self.disbursed.isoformat(),
            "installment_amount": str(self.installment_amount),
            "fees_withheld": str(self.fees_withheld),
            "fees_financed": str(self.fees_financed),
            "taxes_withheld": str(self.taxes_withheld),
            "installments": [
                {
                    k: (
                        v.isoformat()
                        if isinstance(v, dt.date)
                        else v
                        if isinstance(v, int)
                        else str(v)
                    )
                    for k, v in r.to_record().items()
                }
                for r in self.installments
            ],
            "totals": {k: str(v) for k, v in self.totals().items()},
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """The schedule as JSON (see :meth:`to_dict`); :meth:`from_json` reads it back exactly."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Schedule:
        """The inverse of :meth:`to_dict`; totals, if present, must agree with the rows."""
        try:
            rows = [_row_from_mapping(r, i + 1) for i, r in enumerate(data["installments"])]
            schedule = cls(
                currency=data["currency"],
                principal=_dec(data["principal"], "principal"),
                disbursed=_date(data["disbursed"], "disbursed"),
                installment_amount=_dec(data["installment_amount"], "installment_amount"),
                installments=rows,
                fees_withheld=_dec(data.get("fees_withheld", 0), "fees_withheld"),
                fees_financed=_dec(data.get("fees_financed", 0), "fees_financed"),
                taxes_withheld=_dec(data.get("taxes_withheld", 0), "taxes_withheld"),
            )
        except KeyError as exc:
            raise ParseError(
                f"a schedule needs the key {exc.args[0]!r} (got keys {sorted(data)}).",
                field=str(exc.args[0]),
                value=None,
            ) from None
        totals = data.get("totals")
        if totals is not None:
            for key, value in schedule.totals().items():
                if key in totals and _dec(totals[key], f"totals.{key}") != value:
                    raise InvalidValue(
                        f"'totals.{key}' must equal the sum of the rows, {value} "
                        f"(got {totals[key]}).",
                        field=f"totals.{key}",
                        value=totals[key],
                    )
        return schedule

    @classmethod
    def from_json(cls, text: str) -> Schedule:
        """Read a schedule written by :meth:`to_json`."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ParseError(
                f"'schedule' must be JSON ({exc.msg} at line {exc.lineno}).",
                field="schedule",
                value=text[:80],
            ) from None
        return cls.from_dict(data)

    def to_csv(self) -> str:
        """The rows as CSV with a header of :data:`COLUMNS` (amounts as decimal strings)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for r in self.installments:
            writer.writerow([r.due_date.isoformat() if k == 1 else v for k, v in enumerate(r)])
        return out.getvalue()

    @classmethod
    def from_csv(
        cls,
        text: str,
        *,
        currency: Currency | str,
        disbursed: dt.date,
        installment_amount: Decimal | None = None,
    ) -> Schedule:
        """Read rows written by :meth:`to_csv`; a bad row is reported with its line number.

        The CSV holds only rows: give the ``currency`` and ``disbursed`` date. Without
        ``installment_amount`` the most frequent installment total (earliest on ties) is used.
        """
        reader = csv.DictReader(io.StringIO(text))
        if reader.fieldnames is None or list(reader.fieldnames) != list(COLUMNS):
            raise ParseError(
                f"the schedule CSV header must be {','.join(COLUMNS)} "
                f"(got {','.join(reader.fieldnames or [])}).",
                field="header",
                value=reader.fieldnames,
            )
        rows = []
        for line, record in enumerate(reader, start=2):
            try:
                rows.append(_row_from_mapping(record, line))
            except ParseError as exc:
                raise ParseError(f"line {line}: {exc}", field=exc.field, value=exc.value) from None
        if not rows:
            raise ParseError(
                "the schedule CSV has no rows (got only a header).", field="rows", value=None
            )
        if installment_amount is None:
            totals = [r.total for r in rows[:-1]] or [rows[0].total]
            installment_amount = max(totals, key=lambda t: (totals.count(t), -totals.index(t)))
        return cls(
            currency=currency,
            principal=rows[0].opening_balance,
            disbursed=disbursed,
            installment_amount=installment_amount,
            installments=rows,
        )


_HEADS = {
    "en": {
        "number": "#",
        "due_date": "due date",
        "days": "days",
        "opening_balance": "opening",
        "principal": "principal",
        "interest": "interest",
        "fees": "fees",
        "insurance": "insurance",
        "taxes": "taxes",
        "charges": "charges",
        "total": "total",
        "balance": "balance",
        "sum": "total",
    },
    "es": {
        "number": "N.º",
        "due_date": "vencimiento",
        "days": "días",
        "opening_balance": "saldo inicial",
        "principal": "amortización",
        "interest": "interés",
        "fees": "comisiones",
        "insurance": "seguro",
        "taxes": "impuestos",
        "charges": "cargos",
        "total": "cuota",
        "balance": "saldo",
        "sum": "total",
    },
}


def _dec(value: Any, field: str) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except decimal.InvalidOperation:
            pass
    raise ParseError(
        f"{field!r} must be a decimal string (got {value!r}).", field=field, value=value
    )


def _date(value: Any, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ParseError(
            f"{field!r} must be an ISO date such as '2026-01-15' (got {value!r}).",
            field=field,
            value=value,
        ) from None


def _int(value: Any, field: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise ParseError(
            f"{field!r} must be a whole number (got {value!r}).", field=field, value=value
        ) from None


def _row_from_mapping(r: Mapping[str, Any], where: int) -> Installment:
    try:
        return Installment(
            number=_int(r["number"], "number"),
            due_date=_date(r["due_date"], "due_date"),
            days=_int(r["days"], "days"),
            opening_balance=_dec(r["opening_balance"], "opening_balance"),
            principal=_dec(r["principal"], "principal"),
            interest=_dec(r["interest"], "interest"),
            fees=_dec(r.get("fees", 0), "fees"),
            insurance=_dec(r.get("insurance", 0), "insurance"),
            taxes=_dec(r.get("taxes", 0), "taxes"),
            charges=_dec(r["charges"], "charges"),
            total=_dec(r["total"], "total"),
            balance=_dec(r["balance"], "balance"),
        )
    except KeyError as exc:
        raise ParseError(
            f"installment {where} needs the key {exc.args[0]!r}.",
            field=str(exc.args[0]),
            value=None,
        ) from None


# ------------------------------------------------------------------------------------------------
# The engine
# ------------------------------------------------------------------------------------------------

_tuple_new = tuple.__new__


def period_rates(
    terms: LoanTerms, dates: Sequence[dt.date]
) -> tuple[list[int], list[Decimal], list[Fraction]]:
    """Days, period rates ``i_k`` and year fractions ``τ_k`` for each period of ``dates``.

    Each distinct period is priced once (most monthly periods have 28–31 days).
    """
    return _period_rates(terms.rate, terms.day_count, terms.frequency, terms.disbursed, dates)


def _period_rates(
    rate: Rate, dc: DayCount, freq: Frequency, disbursed: dt.date, dates: Sequence[dt.date]
) -> tuple[list[int], list[Decimal], list[Fraction]]:
    days: list[int] = []
    rates: list[Decimal] = []
    taus: list[Fraction] = []
    seen: dict[Any, tuple[Decimal, Fraction]] = {}
    by_days = dc.value in ("act/360", "act/365")
    prev = disbursed
    for d in dates:
        n = (d - prev).days
        key: Any = n if by_days else (prev, d)
        hit = seen.get(key)
        if hit is None:
            tau = dc.year_fraction(prev, d, freq)
            hit = (rate.period_rate(tau), tau)
            seen[key] = hit
        days.append(n)
        rates.append(hit[0])
        taus.append(hit[1])
        prev = d
    return days, rates, taus


@functools.lru_cache(maxsize=1024)
def _calendar_part(  # noqa: PLR0917 - an lru_cache key: positional on purpose
    disbursed: dt.date,
    frequency: Frequency,
    installments: int | None,
    first_due: dt.date | None,
    due_dates: tuple[dt.date, ...] | None,
    business_day: BusinessDay,
    holidays: HolidayCalendar,
    rate: Rate,
    day_count: DayCount,
) -> tuple[
    tuple[dt.date, ...],
    tuple[int, ...],
    tuple[Decimal, ...],
    tuple[Fraction, ...],
    tuple[Decimal, ...],
]:
    """Due dates, days, period rates ``i_k``, year fractions and ``1/(1 + i_k)`` for a loan's
    calendar and rate, whatever its amount: loans disbursed together on the same product share it.
    """
    dates = calendar_dates(
        disbursed, frequency, installments, first_due, due_dates, business_day, holidays
    )
    days, rates, taus = _period_rates(rate, day_count, frequency, disbursed, dates)
    inverse: dict[Decimal, Decimal] = {}
    discounts = []
    for i in rates:
        v = inverse.get(i)
        if v is None:
            v = inverse[i] = CONTEXT.divide(ONE, ONE + i)
        discounts.append(v)
    return tuple(dates), tuple(days), tuple(rates), tuple(taus), tuple(discounts)


_RUNAWAY = 100
"""A balance beyond this multiple of the principal means the terms cannot be repaid."""


def _runaway(terms: LoanTerms, number: int, balance: Decimal) -> NoReturn:
    raise InvalidLoanTerms(
        f"the balance grows past {_RUNAWAY} times the principal by installment {number} "
        f"({balance:.2f}): the installments never cover the interest; check 'rate' ({terms.rate}), "
        "'weights' and 'grace'.",
        field="rate",
        value=terms.rate.value,
    )


def build_schedule(terms: LoanTerms) -> Schedule:
    """Build the schedule of ``terms`` (the engine behind :meth:`LoanTerms.schedule`)."""
    try:
        return _build(terms)
    except (decimal.InvalidOperation, decimal.Overflow):
        raise InvalidLoanTerms(
            "the schedule's amounts exceed 34 significant digits: check 'rate' "
            f"({terms.rate}), 'installments' ({terms.count}) and 'frequency' ({terms.frequency}).",
            field="rate",
            value=terms.rate.value,
        ) from None


def _build(terms: LoanTerms) -> Schedule:
    from coopfinance._charges import ChargeKind, Upfront
    from coopfinance._terms import Amortization, GraceType

    currency = terms.principal.currency
    unit = terms.rounding.unit_for(currency)
    mode = terms.rounding.mode.value
    step = terms.rounding.installment_multiple
    quantizable = unit.as_tuple().digits == (1,) and int(unit.as_tuple().exponent) <= 0

    def rnd(x: Decimal) -> Decimal:
        return x.quantize(unit, mode) if quantizable else round_to(x, unit, mode)

    def to_step(x: Decimal) -> Decimal:
        return rnd(x) if step is None else round_to(x, step, mode)

    dates, days, rates, taus, discounts = _calendar_part(
        terms.disbursed,
        terms.frequency,
        terms.installments,
        terms.first_due,
        terms.due_dates,
        terms.business_day,
        terms.holidays,
        terms.rate,
        terms.day_count,
    )
    n = len(dates)
    method = terms.amortization
    g = terms.grace.periods
    grace_kind = terms.grace.kind
    charges = terms.charges
    rows: list[Installment] = []

    with decimal.localcontext(CONTEXT):
        zero = rnd(ZERO)  # 0.00 in PEN: zeros print with the currency's decimals
        lent = rnd(terms.principal.amount)  # a multiple of the unit: this only sets the exponent
        # ---- upfront fees and the down payment ---------------------------------------------------
        withheld = financed = zero
        for c in charges:
            if c.kind is ChargeKind.UPFRONT:
                fee = rnd(c.value * lent) if c.is_rate else rnd(c.value)
                if c.upfront is Upfront.FINANCED:
                    financed += fee
                else:
                    withheld += fee
        principal = lent + financed
        if withheld >= lent:
            raise InvalidLoanTerms(
                f"'charges' withheld at disbursement ({withheld}) must be less than the amount "
                f"lent ({lent}).",
                field="charges",
                value=withheld,
            )
        balance = principal
        if terms.down_payment is not None:
            down = rnd(lent * terms.down_payment)
            balance = principal - down
            rows.append(
                Installment(
                    number=0,
                    due_date=terms.disbursed,
                    days=0,
                    opening_balance=principal,
                    principal=down,
                    interest=zero,
                    fees=zero,
                    insurance=zero,
                    taxes=zero,
                    charges=zero,
                    total=down,
                    balance=balance,
                )
            )
        # insurance on the balance folded into a level installment ("cuota total" kept level)
        folded = _folded_insurance(terms, dates, days) if terms.level_includes_insurance else None

        # ---- grace periods --------------------------------------------------------------------
        for k in range(g):
            accrued = rnd(balance * rates[k])
            if grace_kind is GraceType.CAPITALIZE:
                paid, closing = zero, balance + accrued
            elif grace_kind is GraceType.PAY_INTEREST:
                paid, closing = accrued, balance
            else:
                paid, closing = zero, balance
            rows.append(
                Installment(
                    number=k + 1,
                    due_date=dates[k],
                    days=days[k],
                    opening_balance=balance,
                    principal=zero,
                    interest=paid,
                    fees=zero,
                    insurance=zero,
                    taxes=zero,
                    charges=zero,
                    total=paid,
                    balance=closing,
                )
            )
            balance = closing

        # a céntimo loan in many installments rounds them to zero: measure against n units too
        ceiling = max(principal, unit * n) * _RUNAWAY
        if balance > ceiling:
            _runaway(terms, g, balance)
        m = n - g
        base = balance
        targets: list[Decimal] | None = None  # what each amortizing row is due, where fixed
        level = ZERO
        if method is Amortization.LEVEL or method is Amortization.WEIGHTED:
            weights = terms.weights if method is Amortization.WEIGHTED else None
            v = ONE
            acc = ZERO
            for j in range(g, n):
                v *= discounts[j] if folded is None else ONE / (ONE + rates[j] + folded[j])
                acc += v if weights is None else weights[j - g] * v
            x = base / acc
            level = rnd(x)
            if weights is None:
                level = to_step(x)
                targets = [level] * m
            else:
                targets = [to_step(w * x) for w in weights]
        elif method is Amortization.CONSTANT_PRINCIPAL:
            share = rnd(base / m)
        elif method is Amortization.FLAT:
            flat_total = rnd(sum((base * rates[j] for j in range(g, n)), ZERO))
            flat_interest = rnd(flat_total / m)
            flat_share = rnd(base / m)
            targets = [to_step(flat_share + flat_interest)] * m
        elif method is Amortization.BULLET:
            tau_total = sum(taus, Fraction(0))
            bullet_interest = rnd(base * terms.rate.period_rate(tau_total))

        start = g
        hot = folded is None and quantizable and method is not Amortization.FLAT
        if targets is not None and hot:
            # the hot path (level and weighted): rows that pay their interest in full
            append = rows.append
            for j in range(g, n - 1):
                opening = balance
                accrued = (opening * rates[j]).quantize(unit, mode)
                target = targets[j - g]
                if accrued >= target:
                    break  # this row capitalizes: the general loop below handles it
                princ = target - accrued
                if princ > opening:
                    break
                balance = opening - princ
                append(
                    _tuple_new(
                        Installment,
                        (
                            j + 1,
                            dates[j],
                            days[j],
                            opening,
                            princ,
                            accrued,
                            zero,
                            zero,
                            zero,
                            zero,
                            target,
                            balance,
                        ),
                    )
                )
                start = j + 1

        interest_paid_flat = ZERO
        for j in range(start, n):
            last = j == n - 1
            opening = balance
            folded_row = zero if folded is None else rnd(opening * folded[j])
            if method is Amortization.FLAT:
                remaining = flat_total - interest_paid_flat
                interest = remaining if last or remaining < flat_interest else flat_interest
                interest_paid_flat += interest
                accrued = interest
            elif method is Amortization.BULLET:
                accrued = bullet_interest if last else zero
            else:
                accrued = rnd(opening * rates[j])
            if last:
                paid_interest, princ, capitalized = accrued, opening, zero
            elif targets is not None:
                target = targets[j - g] - folded_row
                paid_interest = accrued if accrued < target else target
                princ = target - paid_interest
                capitalized = accrued - paid_interest
                princ = min(princ, opening + capitalized)
            elif method is Amortization.CONSTANT_PRINCIPAL:
                paid_interest, capitalized = accrued, zero
                princ = share if share < opening else opening
                if step is not None:
                    princ = round_to(princ + paid_interest, step, mode) - paid_interest
                    princ = min(max(princ, zero), opening)
            else:  # BULLET and INTEREST_ONLY before maturity
                paid_interest, princ, capitalized = accrued, zero, zero
            closing = opening + capitalized - princ
            if capitalized and closing > ceiling:
                _runaway(terms, j + 1, closing)
            total = princ + paid_interest + folded_row
            rows.append(
                Installment(
                    number=j + 1,
                    due_date=dates[j],
                    days=days[j],
                    opening_balance=opening,
                    principal=princ,
                    interest=paid_interest,
                    fees=zero,
                    insurance=folded_row,
                    taxes=zero,
                    charges=folded_row,
                    total=total,
                    balance=closing,
                )
            )
            balance = closing

        regular = (
            level if targets is not None and method is not Amortization.FLAT else rows[-m].total
        )
        taxes_withheld = zero
        if charges:
            rows, taxes_withheld = _apply_charges(
                terms, rows, lent, principal, withheld, folded is not None, rnd
            )

    return Schedule(
        currency=currency,
        principal=principal,
        disbursed=terms.disbursed,
        installment_amount=regular,
        installments=rows,
        fees_withheld=withheld,
        fees_financed=financed,
        taxes_withheld=taxes_withheld,
    )


def _months_per_period(terms: LoanTerms, days: int) -> Fraction:
    """How many months of a monthly insurance rate one period carries."""
    if terms.due_dates is not None:
        return Fraction(days, 30)
    return Fraction(12) / terms.frequency.periods_per_year


def _folded_insurance(
    terms: LoanTerms, dates: Sequence[dt.date], days: Sequence[int]
) -> list[Decimal]:
    """Per period, the insurance rate on the balance to fold into a level installment."""
    from coopfinance._charges import ChargeBasis, ChargeKind

    out = []
    for k in range(len(dates)):
        total = ZERO
        for c in terms.charges:
            if c.kind is ChargeKind.INSURANCE and c.basis is ChargeBasis.BALANCE:
                months = Fraction(days[k], 30) if c.prorated else _months_per_period(terms, days[k])
                total += c.value * fraction_to_decimal(months)
        out.append(total)
    return out


def _apply_charges(  # noqa: PLR0917 - a private step of _build, called once
    terms: LoanTerms,
    rows: list[Installment],
    lent: Decimal,
    principal: Decimal,
    withheld: Decimal,
    folded: bool,
    rnd: Any,
) -> tuple[list[Installment], Decimal]:
    """Fees, insurance and taxes on each row; the tax on the disbursement."""
    from coopfinance._charges import ChargeBasis, ChargeKind

    currency = terms.principal.currency
    zero = rnd(ZERO)
    out = []
    for r in rows:
        fees = zero
        insurance = r.insurance
        live = r.opening_balance > 0 and r.number > 0
        for c in terms.charges:
            if not live:
                break
            if c.kind is ChargeKind.INSTALLMENT:
                basis = {
                    ChargeBasis.FLAT: ONE,
                    ChargeBasis.AMOUNT: lent,
                    ChargeBasis.INSTALLMENT: r.principal + r.interest,
                    ChargeBasis.PRINCIPAL: r.principal,
                    ChargeBasis.INTEREST: r.interest,
                }[c.basis]
                fees += rnd(c.value * basis)
            elif c.kind is ChargeKind.INSURANCE:
                if c.basis is ChargeBasis.FLAT:
                    insurance += rnd(c.value)
                    continue
                if folded and c.basis is ChargeBasis.BALANCE:
                    continue  # already in the level installment
                months = Fraction(r.days, 30) if c.prorated else _months_per_period(terms, r.days)
                on = r.opening_balance if c.basis is ChargeBasis.BALANCE else principal
                insurance += rnd(on * c.value * fraction_to_decimal(months))
        taxes = zero
        paid = r.principal + r.interest + fees + insurance
        for c in terms.charges:
            if c.kind is ChargeKind.TAX and c.on_payments:
                taxes += c.tax_rounding().round(paid * c.value, currency)
        charges = fees + insurance + taxes
        out.append(
            r._replace(
                fees=fees,
                insurance=insurance,
                taxes=taxes,
                charges=charges,
                total=r.principal + r.interest + charges,
            )
        )
    on_disbursement = zero
    for c in terms.charges:
        if c.kind is ChargeKind.TAX and c.on_disbursement:
            on_disbursement += c.tax_rounding().round((lent - withheld) * c.value, currency)
    return out, on_disbursement
