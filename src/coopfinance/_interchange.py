"""Plain data (JSON, TOML, CLI options) to domain values: parsed in one place."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from coopfinance._calendar import BusinessDay, HolidayCalendar
from coopfinance._money import Money, RoundingPolicy
from coopfinance._rates import Rate
from coopfinance.errors import InvalidLoanTerms, ParseError, WrongType

if TYPE_CHECKING:
    from coopfinance._terms import LoanTerms

__all__ = ["TERMS_KEYS", "terms_from_mapping", "terms_to_mapping"]

TERMS_KEYS = (
    "principal",
    "currency",
    "rate",
    "rate_type",
    "disbursed",
    "installments",
    "frequency",
    "first_due",
    "due_dates",
    "amortization",
    "weights",
    "day_count",
    "grace",
    "grace_type",
    "rounding",
    "rounding_unit",
    "installment_multiple",
    "business_day",
    "holidays",
    "charges",
    "down_payment",
    "level_includes_insurance",
)


def _int(data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise WrongType(f"{key!r} must be a whole number (got {value!r}).", field=key, value=value)
    try:
        return int(value)
    except ValueError:
        raise ParseError(
            f"{key!r} must be a whole number (got {value!r}).", field=key, value=value
        ) from None


def _holidays(value: Any) -> HolidayCalendar:
    if value is None:
        return HolidayCalendar.peru()
    if isinstance(value, str):
        key = value.strip().lower()
        if key == "none":
            return HolidayCalendar.none()
        return HolidayCalendar(country=value.strip().upper())
    raise WrongType(
        f"'holidays' must be a country code such as 'PE' or 'none' (got {value!r}).",
        field="holidays",
        value=value,
    )


def terms_from_mapping(data: Mapping[str, Any]) -> LoanTerms:
    """:class:`LoanTerms` from plain data; see :meth:`LoanTerms.from_mapping` for the keys."""
    from coopfinance._terms import Grace, LoanTerms

    unknown = sorted(set(data) - set(TERMS_KEYS))
    if unknown:
        raise InvalidLoanTerms(
            f"unknown loan-terms key {unknown[0]!r} (known: {', '.join(TERMS_KEYS)}).",
            field=unknown[0],
            value=data[unknown[0]],
        )
    for key in ("principal", "rate", "disbursed"):
        if data.get(key) is None:
            raise InvalidLoanTerms(f"{key!r} is required (got None).", field=key, value=None)
    principal = data["principal"]
    currency = data.get("currency")
    money = Money.parse(principal, currency) if not isinstance(principal, Money) else principal
    rate = data["rate"]
    if not isinstance(rate, Rate):
        rate = Rate.parse(rate, data.get("rate_type") or "effective-annual")
    holidays = _holidays(data.get("holidays"))
    business_day = data.get("business_day")
    if business_day is None:
        roll = data.get("holidays") not in (None, "none", "None", "NONE")
        business_day = BusinessDay.FOLLOWING if roll else BusinessDay.UNADJUSTED
    due = data.get("due_dates")
    if isinstance(due, str):
        due = [d for d in due.split(",") if d.strip()]
    kwargs: dict[str, Any] = {
        "principal": money,
        "rate": rate,
        "disbursed": data["disbursed"],
        "installments": _int(data, "installments"),
        "first_due": data.get("first_due"),
        "due_dates": due,
        "weights": data.get("weights"),
        "grace": Grace(
            periods=_int(data, "grace") or 0, kind=data.get("grace_type") or "capitalize"
        ),
        "rounding": RoundingPolicy(
            mode=data.get("rounding") or "half-up",
            unit=data.get("rounding_unit"),
            installment_multiple=data.get("installment_multiple"),
        ),
        "business_day": business_day,
        "holidays": holidays,
    }
    for key in ("frequency", "amortization", "day_count", "down_payment"):
        if data.get(key) is not None:
            kwargs[key] = data[key]
    if data.get("charges"):
        kwargs["charges"] = data["charges"]
    if data.get("level_includes_insurance") is not None:
        flag = data["level_includes_insurance"]
        if not isinstance(flag, bool):
            raise WrongType(
                f"'level_includes_insurance' must be true or false (got {flag!r}).",
                field="level_includes_insurance",
                value=flag,
            )
        kwargs["level_includes_insurance"] = flag
    return LoanTerms(**kwargs)


def terms_to_mapping(terms: LoanTerms) -> dict[str, Any]:
    """The inverse of :func:`terms_from_mapping` for terms built from plain data.

    Rates are written with their value and kind (``rate_type``); effective rates per a period other
    than a month or a day, and holiday calendars with extra dates, have no plain form and raise.
    """
    from coopfinance._rates import RateKind

    r = terms.rate
    kinds = {
        RateKind.EFFECTIVE_ANNUAL: "effective-annual",
        RateKind.NOMINAL_ANNUAL: "nominal-annual",
        RateKind.FLAT_ANNUAL: "flat-annual",
    }
    rate_type = kinds.get(r.kind)
    if rate_type is None:
        label = str(r.period)
        rate_type = {
            (RateKind.EFFECTIVE_PERIODIC, "monthly"): "effective-monthly",
            (RateKind.EFFECTIVE_PERIODIC, "1d"): "effective-daily",
            (RateKind.FLAT_PERIODIC, "monthly"): "flat-monthly",
        }.get((r.kind, label))
    if rate_type is None or terms.holidays.extra:
        raise InvalidLoanTerms(
            f"these terms have no plain-data form (rate {r}, holidays {terms.holidays}).",
            field="terms",
            value=terms,
        )
    out: dict[str, Any] = {
        "principal": str(terms.principal.amount),
        "currency": terms.currency,
        "rate": str(r.value),
        "rate_type": rate_type,
        "disbursed": terms.disbursed.isoformat(),
        "installments": terms.count,
        "frequency": terms.frequency.label,
        "amortization": terms.amortization.value,
        "day_count": terms.day_count.value,
        "grace": terms.grace.periods,
        "grace_type": terms.grace.kind.value,
        "rounding": terms.rounding.mode.name.lower().replace("_", "-"),
        "business_day": terms.business_day.value,
        "holidays": terms.holidays.country or "none",
    }
    if terms.first_due is not None:
        out["first_due"] = terms.first_due.isoformat()
    if terms.due_dates is not None:
        out["due_dates"] = [d.isoformat() for d in terms.due_dates]
    if terms.weights is not None:
        out["weights"] = [str(w) for w in terms.weights]
    if terms.rounding.unit is not None:
        out["rounding_unit"] = str(terms.rounding.unit)
    if terms.rounding.installment_multiple is not None:
        out["installment_multiple"] = str(terms.rounding.installment_multiple)
    if terms.charges:
        out["charges"] = [c.describe() for c in terms.charges]
    if terms.down_payment is not None:
        out["down_payment"] = str(terms.down_payment)
    if terms.level_includes_insurance:
        out["level_includes_insurance"] = True
    return out
