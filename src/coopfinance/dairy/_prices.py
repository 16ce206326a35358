"""Milk price schedule: base price per litre over time, quality bonuses and penalties, service charges.

Structure from Chagray et al. 2023 (Huaura: base price plus bonuses/penalties for total solids and
hygiene) and reference §8: base S/1.30 per litre, bonus values 0 unless given ([A]: no Peruvian
schedule with amounts was found), reference quality 12.1 % total solids.
"""

from __future__ import annotations

import datetime as dt
import itertools
import pathlib
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from coopfinance._decimal import CONTEXT, ZERO, to_decimal
from coopfinance._fields import to_date
from coopfinance._files import read_data
from coopfinance._money import Currency
from coopfinance.errors import InvalidPriceSchedule, InvalidValue, ParseError
from coopfinance.text import LANGUAGES, check_lang

__all__ = ["HygieneTier", "MilkPriceSchedule", "PriceTerms", "Quality"]


_Number = Decimal | int | str


def _number(value: _Number, field: str) -> Decimal:
    try:
        return to_decimal(value, field=field)
    except ParseError as exc:
        raise InvalidPriceSchedule(str(exc), field=field, value=value) from None


def _total_solids(value: _Number | None) -> Decimal | None:
    return None if value is None else _number(value, "total_solids")


def _fat(value: _Number | None) -> Decimal | None:
    return None if value is None else _number(value, "fat")


def _intermediary(value: _Number | None) -> Decimal | None:
    return None if value is None else _number(value, "intermediary")


def _adjustment(value: _Number) -> Decimal:
    return _number(value, "adjustment")


def _base(value: _Number) -> Decimal:
    return _number(value, "base")


def _solids_reference(value: _Number) -> Decimal:
    return _number(value, "solids_reference")


def _solids_bonus_per_point(value: _Number) -> Decimal:
    return _number(value, "solids_bonus_per_point")


def _fat_reference(value: _Number) -> Decimal:
    return _number(value, "fat_reference")


def _fat_bonus_per_point(value: _Number) -> Decimal:
    return _number(value, "fat_bonus_per_point")


def _cooling_bonus(value: _Number) -> Decimal:
    return _number(value, "cooling_bonus")


def _valid_from(value: dt.date | str) -> dt.date:
    return to_date(value, field="valid_from", error=InvalidPriceSchedule)


def _valid_to(value: dt.date | str) -> dt.date:
    return to_date(value, field="valid_to", error=InvalidPriceSchedule)


@attrs.frozen(slots=True, kw_only=True)
class Quality:
    """A quality sample of a delivery: total solids %, fat %, bacterial count (UFC/ml), cooled.

    ``None`` means not measured: no bonus or penalty for that criterion.
    """

    total_solids: Decimal | None = attrs.field(default=None, converter=_total_solids)
    fat: Decimal | None = attrs.field(default=None, converter=_fat)
    bacterial_count: int | None = None
    cooled: bool = False


@attrs.frozen(slots=True, kw_only=True)
class HygieneTier:
    """Price adjustment per litre for a bacterial count up to ``up_to`` UFC/ml (``None``: any count)."""

    up_to: int | None
    adjustment: Decimal = attrs.field(converter=_adjustment)


def _to_tiers(value: Iterable[HygieneTier | Mapping[str, Any]]) -> tuple[HygieneTier, ...]:
    tiers = tuple(
        t
        if isinstance(t, HygieneTier)
        else HygieneTier(up_to=t.get("up_to"), adjustment=t["adjustment"])
        for t in value
    )
    bounds = [t.up_to for t in tiers]
    if None in bounds[:-1] or any(
        a is not None and b is not None and b <= a for a, b in itertools.pairwise(bounds)
    ):
        raise InvalidPriceSchedule(
            f"'hygiene' tiers must have increasing 'up_to' bounds, only the last may be open "
            f"(got {bounds}).",
            field="hygiene",
            value=bounds,
        )
    return tiers


def _to_charges(value: Mapping[str, _Number]) -> tuple[tuple[str, Decimal], ...]:
    out = []
    for name, amount in dict(value).items():
        d = _number(amount, f"service_charges.{name}")
        if d < 0:
            raise InvalidPriceSchedule(
                f"'service_charges.{name}' must not be negative (got {d}).",
                field=f"service_charges.{name}",
                value=d,
            )
        out.append((str(name), d))
    return tuple(out)


@attrs.frozen(slots=True, kw_only=True)
class PriceTerms:
    """The price rules valid from ``valid_from`` to ``valid_to`` (both inclusive).

    Price of a litre with quality ``q``::

        p = base + s·(ST − ST_ref) + f·(fat − fat_ref) + hygiene(UFC) + cooling·[cooled]

    clipped at 0; ``s`` and ``f`` are soles per litre per percentage point. The service charges (per
    litre: transport, chilling, co-op margin …) are deducted in the settlement, first in line, so
    the net price is ``p − Σ charges``.

    >>> terms = PriceTerms(valid_from="2026-01-01", valid_to="2026-12-31", base="1.30",
    ...                    solids_bonus_per_point="0.10", cooling_bonus="0.03",
    ...                    service_charges={"transport": "0.05"}, intermediary="1.10")
    >>> terms.price(Quality(total_solids="12.6", cooled=True))
    Decimal('1.380')
    >>> terms.net_price(Quality()), terms.advantage_over_intermediary(Quality())
    (Decimal('1.25'), Decimal('0.15'))
    """

    valid_from: dt.date = attrs.field(converter=_valid_from)
    valid_to: dt.date = attrs.field(converter=_valid_to)
    base: Decimal = attrs.field(default=Decimal("1.30"), converter=_base)
    solids_reference: Decimal = attrs.field(default=Decimal("12.1"), converter=_solids_reference)
    solids_bonus_per_point: Decimal = attrs.field(default=ZERO, converter=_solids_bonus_per_point)
    fat_reference: Decimal = attrs.field(default=Decimal("3.5"), converter=_fat_reference)
    fat_bonus_per_point: Decimal = attrs.field(default=ZERO, converter=_fat_bonus_per_point)
    hygiene: tuple[HygieneTier, ...] = attrs.field(default=(), converter=_to_tiers)
    cooling_bonus: Decimal = attrs.field(default=ZERO, converter=_cooling_bonus)
    service_charges: tuple[tuple[str, Decimal], ...] = attrs.field(
        factory=tuple, converter=_to_charges
    )
    intermediary: Decimal | None = attrs.field(default=None, converter=_intermediary)

    def __attrs_post_init__(self) -> None:
        if self.valid_to < self.valid_from:
            raise InvalidPriceSchedule(
                f"'valid_to' must not be before 'valid_from' (got {self.valid_from}..{self.valid_to}).",
                field="valid_to",
                value=self.valid_to,
            )
        if self.base < 0:
            raise InvalidPriceSchedule(
                f"'base' must not be negative (got {self.base}).", field="base", value=self.base
            )

    def hygiene_adjustment(self, count: int | None) -> Decimal:
        """The adjustment per litre of the first tier whose bound the count does not exceed."""
        if count is None or not self.hygiene:
            return ZERO
        for tier in self.hygiene:
            if tier.up_to is None or count <= tier.up_to:
                return tier.adjustment
        return self.hygiene[-1].adjustment

    def price(self, quality: Quality | None = None) -> Decimal:
        """Gross price per litre for ``quality`` (base when no sample)."""
        q = quality or _NO_SAMPLE
        p = self.base
        if q.total_solids is not None and self.solids_bonus_per_point:
            p += CONTEXT.multiply(
                self.solids_bonus_per_point, q.total_solids - self.solids_reference
            )
        if q.fat is not None and self.fat_bonus_per_point:
            p += CONTEXT.multiply(self.fat_bonus_per_point, q.fat - self.fat_reference)
        p += self.hygiene_adjustment(q.bacterial_count)
        if q.cooled:
            p += self.cooling_bonus
        return max(p, ZERO)

    @property
    def service_charge_per_litre(self) -> Decimal:
        """Sum of the per-litre service charges."""
        return sum((c for _, c in self.service_charges), ZERO)

    def net_price(self, quality: Quality | None = None) -> Decimal:
        """Price per litre after service charges."""
        return self.price(quality) - self.service_charge_per_litre

    def advantage_over_intermediary(self, quality: Quality | None = None) -> Decimal:
        """How much more per litre the co-op pays, net of service charges, than the intermediary."""
        if self.intermediary is None:
            raise InvalidPriceSchedule(
                "'intermediary' price is not given for these terms.",
                field="intermediary",
                value=None,
            )
        return self.net_price(quality) - self.intermediary


_NO_SAMPLE = Quality()


def _to_terms(value: Iterable[PriceTerms | Mapping[str, Any]]) -> tuple[PriceTerms, ...]:
    terms = sorted(
        (t if isinstance(t, PriceTerms) else _terms_from_dict(t) for t in value),
        key=lambda t: t.valid_from,
    )
    if not terms:
        raise InvalidPriceSchedule(
            "'terms' must hold at least one price period.", field="terms", value=()
        )
    for before, after in itertools.pairwise(terms):
        if after.valid_from <= before.valid_to:
            raise InvalidPriceSchedule(
                f"price periods overlap: {before.valid_from}..{before.valid_to} and "
                f"{after.valid_from}..{after.valid_to}.",
                field="terms",
                value=(before.valid_to, after.valid_from),
            )
        if after.valid_from != before.valid_to + dt.timedelta(days=1):
            raise InvalidPriceSchedule(
                f"price schedule has a gap: no price from {before.valid_to + dt.timedelta(days=1)} "
                f"to {after.valid_from - dt.timedelta(days=1)}.",
                field="terms",
                value=(before.valid_to, after.valid_from),
            )
    return tuple(terms)


_KEYS = {
    "from": "valid_from",
    "to": "valid_to",
    "valid_from": "valid_from",
    "valid_to": "valid_to",
    "base": "base",
    "solids_reference": "solids_reference",
    "solids_bonus_per_point": "solids_bonus_per_point",
    "fat_reference": "fat_reference",
    "fat_bonus_per_point": "fat_bonus_per_point",
    "hygiene": "hygiene",
    "cooling_bonus": "cooling_bonus",
    "service_charges": "service_charges",
    "intermediary": "intermediary",
}


def _terms_from_dict(data: Mapping[str, Any]) -> PriceTerms:
    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        raise InvalidPriceSchedule(
            f"unknown price field {unknown[0]!r}; known: {', '.join(sorted(_KEYS))}.",
            field=unknown[0],
            value=data[unknown[0]],
        )
    for required in ("from", "to"):
        if required not in data and f"valid_{required}" not in data:
            raise InvalidPriceSchedule(
                f"each price period needs {required!r} (a date YYYY-MM-DD).",
                field=required,
                value=None,
            )
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        kwargs[_KEYS[key]] = str(value) if isinstance(value, float) else value
    return PriceTerms(**kwargs)


def _terms_to_dict(terms: PriceTerms) -> dict[str, Any]:
    out: dict[str, Any] = {
        "from": terms.valid_from.isoformat(),
        "to": terms.valid_to.isoformat(),
    }
    for name in (
        "base",
        "solids_reference",
        "solids_bonus_per_point",
        "fat_reference",
        "fat_bonus_per_point",
        "cooling_bonus",
    ):
        out[name] = str(getattr(terms, name))
    out["hygiene"] = [
        {"up_to": tier.up_to, "adjustment": str(tier.adjustment)} for tier in terms.hygiene
    ]
    out["service_charges"] = {name: str(amount) for name, amount in terms.service_charges}
    if terms.intermediary is not None:
        out["intermediary"] = str(terms.intermediary)
    return out


def _to_currency(value: Currency | str) -> Currency:
    return Currency.of(value)


ServiceNames = tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
"""Display names of service charges: ``((charge, ((lang, name), …)), …)``."""


def _to_service_names(value: Mapping[str, Mapping[str, str]] | ServiceNames) -> ServiceNames:
    """``{charge: {lang: name}}`` (a price file's ``[service_names]`` table) as sorted tuples;
    languages as :func:`coopfinance.text.check_lang` names them (``pt-BR`` → ``pt_BR``)."""
    items = value.items() if isinstance(value, Mapping) else value
    out = []
    for charge, names in items:
        field = f"service_names.{charge}"
        pairs = names.items() if isinstance(names, Mapping) else names
        if not isinstance(charge, str) or not isinstance(pairs, Iterable):
            raise InvalidPriceSchedule(
                f"'{field}' must be a table of names by language, e.g. "
                f'{{ es = "Flete", en = "Transport" }} (got {names!r}).',
                field=field,
                value=names,
            )
        found = []
        for lang, name in pairs:
            try:
                code = check_lang(lang)
            except InvalidValue:
                raise InvalidPriceSchedule(
                    f"'{field}.{lang}' must name a language ({', '.join(LANGUAGES)}) "
                    f"(got {lang!r}).",
                    field=f"{field}.{lang}",
                    value=lang,
                ) from None
            if not isinstance(name, str) or not name.strip():
                raise InvalidPriceSchedule(
                    f"'{field}.{lang}' must be a name (got {name!r}).",
                    field=f"{field}.{lang}",
                    value=name,
                )
            found.append((code, name.strip()))
        out.append((charge, tuple(sorted(found))))
    return tuple(sorted(out))


@attrs.frozen(slots=True, kw_only=True)
class MilkPriceSchedule:
    """Price terms over time, contiguous: a gap or an overlap between periods is an error.

    >>> schedule = MilkPriceSchedule.from_dict({"prices": [
    ...     {"from": "2026-01-01", "to": "2026-03-31", "base": "1.30"},
    ...     {"from": "2026-04-01", "to": "2026-12-31", "base": "1.35"}]})
    >>> schedule.terms_on(dt.date(2026, 5, 1)).base
    Decimal('1.35')
    >>> MilkPriceSchedule.from_dict({"prices": [
    ...     {"from": "2026-01-01", "to": "2026-03-30"}, {"from": "2026-04-01", "to": "2026-12-31"}]})
    Traceback (most recent call last):
    ...
    coopfinance.errors.InvalidPriceSchedule: price schedule has a gap: no price from 2026-03-31 to 2026-03-31.
    """

    terms: tuple[PriceTerms, ...] = attrs.field(converter=_to_terms)
    currency: Currency = attrs.field(default=Currency.of("PEN"), converter=_to_currency)
    service_names: ServiceNames = attrs.field(default=(), converter=_to_service_names)
    """How documents name each service charge, per language (the price file's ``[service_names]``
    table: ``transport = { es = "Flete", en = "Transport" }``); a charge or a language without a
    name here is named by the message catalogs (the library's own charge names), else by its key."""

    def __attrs_post_init__(self) -> None:
        charges = {name for t in self.terms for name, _ in t.service_charges}
        for charge, _names in self.service_names:
            if charge not in charges:
                raise InvalidPriceSchedule(
                    f"'service_names.{charge}' names a service charge no price period has "
                    f"(charges: {', '.join(sorted(charges)) or 'none'}).",
                    field=f"service_names.{charge}",
                    value=charge,
                )

    def service_name(self, charge: str, lang: str) -> str | None:
        """The display name the price file gives ``charge`` in ``lang``, or ``None``.

        >>> prices = MilkPriceSchedule.from_dict({"prices": [{"from": "2026-01-01",
        ...     "to": "2026-12-31", "service_charges": {"transport": "0.04"}}],
        ...     "service_names": {"transport": {"es": "Flete", "en": "Haulage"}}})
        >>> prices.service_name("transport", "es"), prices.service_name("transport", "pt_BR")
        ('Flete', None)
        """
        for name, names in self.service_names:
            if name == charge:
                return dict(names).get(check_lang(lang))
        return None

    @classmethod
    def flat(cls, base: Any, start: Any, end: Any, **kwargs: Any) -> MilkPriceSchedule:
        """One set of terms from ``start`` to ``end``."""
        currency = kwargs.pop("currency", "PEN")
        return cls(
            terms=[PriceTerms(valid_from=start, valid_to=end, base=base, **kwargs)],
            currency=currency,
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MilkPriceSchedule:
        """From ``{"currency": "PEN", "prices": [{"from", "to", "base", …}, …]}`` (TOML/JSON shape)."""
        prices = data.get("prices")
        if not isinstance(prices, list):
            raise InvalidPriceSchedule(
                "a price schedule needs a list 'prices' of periods with 'from', 'to' and 'base'.",
                field="prices",
                value=prices,
            )
        names = data.get("service_names", {})
        if not isinstance(names, Mapping):
            raise InvalidPriceSchedule(
                "'service_names' must be a table {charge = { es = ..., en = ... }} "
                f"(got {names!r}).",
                field="service_names",
                value=names,
            )
        return cls(terms=prices, currency=data.get("currency", "PEN"), service_names=names)

    @classmethod
    def from_file(cls, path: str | pathlib.Path) -> MilkPriceSchedule:
        """Load a ``.toml`` or ``.json`` file shaped as :meth:`from_dict` expects."""
        data = read_data(path, field="prices", error=InvalidPriceSchedule)
        return cls.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        """Plain data that :meth:`from_dict` reads back into an equal schedule (amounts as
        decimal strings, dates ISO 8601).

        >>> schedule = MilkPriceSchedule.flat("1.30", "2026-01-01", "2026-12-31",
        ...                                   service_charges={"transport": "0.05"})
        >>> schedule.to_dict()["prices"][0]["service_charges"]
        {'transport': '0.05'}
        >>> MilkPriceSchedule.from_dict(schedule.to_dict()) == schedule
        True
        """
        out: dict[str, Any] = {
            "currency": self.currency.code,
            "prices": [_terms_to_dict(t) for t in self.terms],
        }
        if self.service_names:
            out["service_names"] = {charge: dict(names) for charge, names in self.service_names}
        return out

    @property
    def start(self) -> dt.date:
        """First day with a price."""
        return self.terms[0].valid_from

    @property
    def end(self) -> dt.date:
        """Last day with a price."""
        return self.terms[-1].valid_to

    def terms_on(self, day: dt.date) -> PriceTerms:
        """The terms valid on ``day``; an error outside the schedule."""
        for t in self.terms:
            if t.valid_from <= day <= t.valid_to:
                return t
        raise InvalidPriceSchedule(
            f"no milk price for {day}: the schedule covers {self.start}..{self.end}.",
            field="date",
            value=day,
        )

    def price(self, day: dt.date, quality: Quality | None = None) -> Decimal:
        """Gross price per litre on ``day`` for ``quality``."""
        return self.terms_on(day).price(quality)
