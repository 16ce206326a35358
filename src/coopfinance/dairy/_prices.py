"""Milk price schedule: base price per litre over time, quality bonuses and penalties, service charges.

Structure from Chagray et al. 2023 (Huaura: base price plus bonuses/penalties for total solids and
hygiene) and reference §8: base S/1.30 per litre, bonus values 0 unless given ([A]: no Peruvian
schedule with amounts was found), reference quality 12.1 % total solids.

As processors price it (issue 18 §5): a protein bonus per point over a reference (3.3 %, the
typical OCLA liquidation, reference §2.2), somatic-cell-count tiers (Conaprole's quality plan pays
up to 20 % below 250,000 cells/ml, reference §2.2), a price stated per kg or per litre
(``per = "kg"``: litres are converted with ``density`` kg/L, default 1.032, whole raw milk
cooled to about 4 °C, within the 1.0296–1.0340 g/ml of Peru's raw-milk standard NTP 202.001 at
15 °C [A: the exact density of a co-op's milk is a parameter]), and a fat × SNF rate chart
(:class:`RateChart`: the two-axis table Indian co-operative collection centres print their rate
from, read by band — the row and column at or below the sample's fat and SNF, the way the chart
is applied at the collection point — or, optionally, interpolated bilinearly). SNF (solids not
fat) is the sample's own ``snf`` or, when not measured, ``total_solids − fat``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import pathlib
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from coopfinance._decimal import CONTEXT, ZERO, exact, to_decimal
from coopfinance._fields import ParseableEnum, to_date, to_table
from coopfinance._files import read_data
from coopfinance._money import Currency
from coopfinance.errors import E_, InvalidPriceSchedule, InvalidValue, ParseError, renamed
from coopfinance.text import LANGUAGES, check_lang

__all__ = [
    "DENSITY",
    "ChartLookup",
    "HygieneTier",
    "MilkPriceSchedule",
    "PriceTerms",
    "Quality",
    "RateChart",
]

DENSITY = Decimal("1.032")
"""kg per litre of cooled whole raw milk (module docstring: NTP 202.001 range, [A])."""


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


def _protein(value: _Number | None) -> Decimal | None:
    return None if value is None else _number(value, "protein")


def _snf(value: _Number | None) -> Decimal | None:
    return None if value is None else _number(value, "snf")


@attrs.frozen(slots=True, kw_only=True)
class Quality:
    """A quality sample of a delivery: total solids %, fat %, bacterial count (UFC/ml), cooled;
    protein %, somatic cells (cells/ml) and SNF % (solids not fat).

    ``None`` means not measured: no bonus or penalty for that criterion.
    """

    total_solids: Decimal | None = attrs.field(default=None, converter=_total_solids)
    fat: Decimal | None = attrs.field(default=None, converter=_fat)
    bacterial_count: int | None = None
    cooled: bool = False
    protein: Decimal | None = attrs.field(default=None, converter=_protein)
    somatic_cells: int | None = None
    snf: Decimal | None = attrs.field(default=None, converter=_snf)

    @property
    def solids_not_fat(self) -> Decimal | None:
        """``snf``, or ``total_solids − fat`` when both are measured."""
        if self.snf is not None:
            return self.snf
        if self.total_solids is not None and self.fat is not None:
            return self.total_solids - self.fat
        return None


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
            E_(
                "'hygiene' tiers must have increasing 'up_to' bounds, only the last "
                "may be open (got %(bounds)s).",
                bounds=bounds,
            ),
            field="hygiene",
            value=bounds,
        )
    return tiers


class ChartLookup(ParseableEnum):
    """How a fat × SNF rate chart is read."""

    BAND = "band"
    """The row and column at or below the sample's fat and SNF (the printed chart's reading)."""
    INTERPOLATE = "interpolate"
    """Bilinear interpolation between the four surrounding cells (clamped at the edges)."""

    @classmethod
    def parse_error(cls) -> type[InvalidValue]:
        return InvalidPriceSchedule


def _axis(value: Iterable[_Number], field: str) -> tuple[Decimal, ...]:
    out = tuple(_number(v, field) for v in value)
    if not out or any(b <= a for a, b in itertools.pairwise(out)):
        raise InvalidPriceSchedule(
            E_(
                "'rate_chart.%(field)s' must be increasing percentages, at least one "
                "(got %(v_v)s).",
                field=field,
                v_v=[str(v) for v in out],
            ),
            field=f"rate_chart.{field}",
            value=out,
        )
    return out


def _fat_axis(value: Iterable[_Number]) -> tuple[Decimal, ...]:
    return _axis(value, "fat")


def _snf_axis(value: Iterable[_Number]) -> tuple[Decimal, ...]:
    return _axis(value, "snf")


def _cells(value: Iterable[Iterable[_Number]]) -> tuple[tuple[Decimal, ...], ...]:
    return tuple(tuple(_number(v, "rate_chart.prices") for v in row) for row in value)


def _below(value: _Number) -> Decimal:
    return _number(value, "rate_chart.below")


def _lookup(value: ChartLookup | str) -> ChartLookup:
    return ChartLookup.parse(value, field="rate_chart.lookup")


@attrs.frozen(slots=True, kw_only=True)
class RateChart:
    """A two-axis fat × SNF rate chart: ``prices[i][j]`` is the price for fat ``fat[i]`` % and
    SNF ``snf[j]`` % (per litre or per kg, as the terms' ``per`` says).

    Band lookup: ``i = max{i: fat[i] ≤ fat}``, ``j = max{j: snf[j] ≤ snf}``; a sample below the
    first row or column is priced at ``below`` (default 0: milk the chart does not accept).
    Interpolation: bilinear in the surrounding cells, clamped to the chart's edges.

    >>> chart = RateChart(fat=["3.0", "3.5", "4.0"], snf=["8.0", "8.5"],
    ...                   prices=[["1.20", "1.26"], ["1.28", "1.34"], ["1.36", "1.42"]])
    >>> chart.rate(Decimal("3.7"), Decimal("8.6")), chart.rate(Decimal("2.9"), Decimal("8.6"))
    (Decimal('1.34'), Decimal('0'))
    >>> attrs.evolve(chart, lookup="interpolate").rate(Decimal("3.75"), Decimal("8.25"))
    Decimal('1.3500')
    """

    fat: tuple[Decimal, ...] = attrs.field(converter=_fat_axis)
    snf: tuple[Decimal, ...] = attrs.field(converter=_snf_axis)
    prices: tuple[tuple[Decimal, ...], ...] = attrs.field(converter=_cells)
    lookup: ChartLookup = attrs.field(default=ChartLookup.BAND, converter=_lookup)
    below: Decimal = attrs.field(default=ZERO, converter=_below)

    @exact
    def __attrs_post_init__(self) -> None:
        if len(self.prices) != len(self.fat) or any(len(r) != len(self.snf) for r in self.prices):
            raise InvalidPriceSchedule(
                E_(
                    "'rate_chart.prices' must have %(fat_self)s rows (fat) of %(snf_self)s "
                    "prices (SNF) (got %(r_r)s).",
                    fat_self=len(self.fat),
                    snf_self=len(self.snf),
                    r_r=[len(r) for r in self.prices],
                ),
                field="rate_chart.prices",
                value=len(self.prices),
            )
        for row in self.prices:
            for v in row:
                if v < 0:
                    raise InvalidPriceSchedule(
                        E_("'rate_chart.prices' must not be negative (got %(v)s).", v=v),
                        field="rate_chart.prices",
                        value=v,
                    )

    def rate(self, fat: Decimal, snf: Decimal) -> Decimal:
        """The chart's price for a sample of ``fat`` % and ``snf`` %."""
        if self.lookup is ChartLookup.BAND:
            i = bisect.bisect_right(self.fat, fat) - 1
            j = bisect.bisect_right(self.snf, snf) - 1
            if i < 0 or j < 0:
                return self.below
            return self.prices[i][j]
        fi, fw = _bracket(self.fat, fat)
        sj, sw = _bracket(self.snf, snf)
        p = self.prices
        f1, s1 = min(fi + 1, len(self.fat) - 1), min(sj + 1, len(self.snf) - 1)
        top = p[fi][sj] + CONTEXT.multiply(sw, p[fi][s1] - p[fi][sj])
        bottom = p[f1][sj] + CONTEXT.multiply(sw, p[f1][s1] - p[f1][sj])
        return top + CONTEXT.multiply(fw, bottom - top)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (decimal strings) that the price file's ``rate_chart`` reads back."""
        return {
            "fat": [str(v) for v in self.fat],
            "snf": [str(v) for v in self.snf],
            "prices": [[str(v) for v in row] for row in self.prices],
            "lookup": self.lookup.value,
            "below": str(self.below),
        }


def _bracket(axis: tuple[Decimal, ...], x: Decimal) -> tuple[int, Decimal]:
    """The cell at or below ``x`` on ``axis`` and the weight of the next one (clamped)."""
    if x <= axis[0] or len(axis) == 1:
        return 0, ZERO
    if x >= axis[-1]:
        return len(axis) - 1, ZERO
    i = bisect.bisect_right(axis, x) - 1
    return i, CONTEXT.divide(x - axis[i], axis[i + 1] - axis[i])


def _to_chart(value: RateChart | Mapping[str, Any] | None) -> RateChart | None:
    if value is None or isinstance(value, RateChart):
        return value
    unknown = sorted(set(value) - {"fat", "snf", "prices", "lookup", "below"})
    if unknown:
        raise InvalidPriceSchedule(
            E_(
                "unknown rate_chart field %(unknown)s; known: below, fat, lookup, prices, snf.",
                unknown=repr(unknown[0]),
            ),
            field=f"rate_chart.{unknown[0]}",
            value=value[unknown[0]],
        )
    for key in ("fat", "snf", "prices"):
        if key not in value:
            raise InvalidPriceSchedule(
                E_("'rate_chart' needs %(key)s.", key=repr(key)),
                field=f"rate_chart.{key}",
                value=None,
            )
    return RateChart(**{k: (str(v) if isinstance(v, float) else v) for k, v in value.items()})


def _basis(value: str) -> str:
    v = str(value).strip().lower()
    aliases = {"l": "litre", "liter": "litre", "litro": "litre", "kilogram": "kg", "kilo": "kg"}
    v = aliases.get(v, v)
    if v not in ("litre", "kg"):
        raise InvalidPriceSchedule(
            E_("'per' must be litre or kg (got %(value)s).", value=repr(value)),
            field="per",
            value=value,
        )
    return v


def _protein_reference(value: _Number) -> Decimal:
    return _number(value, "protein_reference")


def _protein_bonus_per_point(value: _Number) -> Decimal:
    return _number(value, "protein_bonus_per_point")


def _density(value: _Number) -> Decimal:
    d = _number(value, "density")
    if not Decimal("0.9") <= d <= Decimal("1.1"):
        raise InvalidPriceSchedule(
            E_("'density' must be kg per litre, between 0.9 and 1.1 (got %(d)s).", d=d),
            field="density",
            value=d,
        )
    return d


def _to_cell_tiers(value: Iterable[HygieneTier | Mapping[str, Any]]) -> tuple[HygieneTier, ...]:
    try:
        return _to_tiers(value)
    except InvalidPriceSchedule as exc:
        raise InvalidPriceSchedule(
            renamed(exc.message, "'hygiene'", "'somatic_cells'"),
            field="somatic_cells",
            value=exc.value,
        ) from None


def _to_charges(value: Mapping[str, _Number]) -> tuple[tuple[str, Decimal], ...]:
    out = []
    for name, amount in dict(value).items():
        d = _number(amount, f"service_charges.{name}")
        if d < 0:
            raise InvalidPriceSchedule(
                E_("'service_charges.%(name)s' must not be negative (got %(d)s).", name=name, d=d),
                field=f"service_charges.{name}",
                value=d,
            )
        out.append((str(name), d))
    return tuple(out)


@attrs.frozen(slots=True, kw_only=True)
class PriceTerms:
    """The price rules valid from ``valid_from`` to ``valid_to`` (both inclusive).

    Price of a litre with quality ``q``::

        p = composition + π·(protein − protein_ref) + hygiene(UFC) + cells(SCC) + cooling·[cooled]
        composition = chart(fat, SNF)                      with a ``rate_chart``
                    = base + s·(ST − ST_ref) + f·(fat − fat_ref)   otherwise

    clipped at 0; ``s``, ``f`` and ``π`` are soles per unit per percentage point. Amounts are per
    litre, or per kg with ``per="kg"``: then ``price_per_kg`` is that ``p`` and the price per
    litre is ``p × density`` (and the other way round for ``per="litre"``). The service charges (per
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
    protein_reference: Decimal = attrs.field(default=Decimal("3.3"), converter=_protein_reference)
    protein_bonus_per_point: Decimal = attrs.field(default=ZERO, converter=_protein_bonus_per_point)
    somatic_cells: tuple[HygieneTier, ...] = attrs.field(default=(), converter=_to_cell_tiers)
    rate_chart: RateChart | None = attrs.field(default=None, converter=_to_chart)
    per: str = attrs.field(default="litre", converter=_basis)
    density: Decimal = attrs.field(default=DENSITY, converter=_density)

    @exact
    def __attrs_post_init__(self) -> None:
        if self.valid_to < self.valid_from:
            raise InvalidPriceSchedule(
                E_(
                    "'valid_to' must not be before 'valid_from' (got "
                    "%(valid_from)s..%(valid_to)s).",
                    valid_from=self.valid_from,
                    valid_to=self.valid_to,
                ),
                field="valid_to",
                value=self.valid_to,
            )
        if self.base <= 0:  # a price of 0 settles every litre for nothing (issue 20 §2)
            raise InvalidPriceSchedule(
                E_("'base' must not be negative (got %(base)s).", base=self.base)
                if self.base < 0
                else E_("'base' must be a price above 0 per litre (got %(base)s).", base=self.base),
                field="base",
                value=self.base,
            )

    def hygiene_adjustment(self, count: int | None) -> Decimal:
        """The adjustment per litre of the first tier whose bound the count does not exceed."""
        if count is None or not self.hygiene:
            return ZERO
        for tier in self.hygiene:
            if tier.up_to is None or count <= tier.up_to:
                return tier.adjustment
        return self.hygiene[-1].adjustment

    def cells_adjustment(self, count: int | None) -> Decimal:
        """The adjustment of the first somatic-cell tier whose bound the count does not exceed."""
        if count is None or not self.somatic_cells:
            return ZERO
        for tier in self.somatic_cells:
            if tier.up_to is None or count <= tier.up_to:
                return tier.adjustment
        return self.somatic_cells[-1].adjustment

    def composition_price(self, quality: Quality | None = None) -> Decimal:
        """The chart's price for the sample's fat and SNF (a sample without them: ``base``), or
        ``base`` with the solids and fat bonuses; in the terms' own unit (``per``)."""
        q = quality or _NO_SAMPLE
        if self.rate_chart is not None:
            snf = q.solids_not_fat
            if q.fat is None or snf is None:
                return self.base
            return self.rate_chart.rate(q.fat, snf)
        p = self.base
        if q.total_solids is not None and self.solids_bonus_per_point:
            p += CONTEXT.multiply(
                self.solids_bonus_per_point, q.total_solids - self.solids_reference
            )
        if q.fat is not None and self.fat_bonus_per_point:
            p += CONTEXT.multiply(self.fat_bonus_per_point, q.fat - self.fat_reference)
        return p

    def unit_price(self, quality: Quality | None = None) -> Decimal:
        """Gross price in the terms' own unit (per litre or per kg, ``per``)."""
        q = quality or _NO_SAMPLE
        p = self.composition_price(q)
        if q.protein is not None and self.protein_bonus_per_point:
            p += CONTEXT.multiply(self.protein_bonus_per_point, q.protein - self.protein_reference)
        p += self.hygiene_adjustment(q.bacterial_count)
        p += self.cells_adjustment(q.somatic_cells)
        if q.cooled:
            p += self.cooling_bonus
        return max(p, ZERO)

    def components(self, quality: Quality | None = None) -> tuple[tuple[str, str, Decimal], ...]:
        """The parts of :meth:`unit_price` as ``(label key, English label, amount)``, for a
        document to print through the catalogs (``t(key)``; Spanish: "Tabla de precios grasa ×
        SNG", "Recuento de células somáticas", …); only the parts that apply, in the terms' unit.

        >>> t = PriceTerms(valid_from="2026-01-01", valid_to="2026-12-31", cooling_bonus="0.03")
        >>> [(key, str(amount)) for key, _, amount in t.components(Quality(cooled=True))]
        [('price.composition', '1.30'), ('price.cooling', '0.03')]
        """
        q = quality or _NO_SAMPLE
        chart = self.rate_chart is not None and q.fat is not None and q.solids_not_fat is not None
        out = [
            ("price.rate_chart", "Fat × SNF rate chart", self.composition_price(q))
            if chart
            else ("price.composition", "Fat and solids price", self.composition_price(q))
        ]
        if q.protein is not None and self.protein_bonus_per_point:
            out.append(("price.protein", "Protein bonus", CONTEXT.multiply(
                self.protein_bonus_per_point, q.protein - self.protein_reference)))  # fmt: skip
        for key, label, amount in (
            ("price.hygiene", "Bacterial count", self.hygiene_adjustment(q.bacterial_count)),
            ("price.somatic_cells", "Somatic cell count", self.cells_adjustment(q.somatic_cells)),
            ("price.cooling", "Cooling bonus", self.cooling_bonus if q.cooled else ZERO),
        ):
            if amount:
                out.append((key, label, amount))
        return tuple(out)

    def price(self, quality: Quality | None = None) -> Decimal:
        """Gross price per litre for ``quality`` (base when no sample).

        >>> kg = PriceTerms(valid_from="2026-01-01", valid_to="2026-12-31", base="1.40", per="kg",
        ...                 protein_bonus_per_point="0.20",
        ...                 somatic_cells=[{"up_to": 250000, "adjustment": "0.05"},
        ...                                {"up_to": None, "adjustment": "-0.10"}])
        >>> q = Quality(protein="3.5", somatic_cells=180000)
        >>> kg.price_per_kg(q), kg.price(q)  # S/ per kg, and per litre at 1.032 kg/L
        (Decimal('1.490'), Decimal('1.537680'))
        """
        p = self.unit_price(quality)
        return CONTEXT.multiply(p, self.density) if self.per == "kg" else p

    def price_per_kg(self, quality: Quality | None = None) -> Decimal:
        """Gross price per kg: the per-kg price, or the price per litre ÷ ``density``."""
        p = self.unit_price(quality)
        return p if self.per == "kg" else CONTEXT.divide(p, self.density)

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
                E_("'intermediary' price is not given for these terms."),
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
            E_("'terms' must hold at least one price period."), field="terms", value=()
        )
    for before, after in itertools.pairwise(terms):
        if after.valid_from <= before.valid_to:
            raise InvalidPriceSchedule(
                E_(
                    "price periods overlap: %(valid_from)s..%(valid_to)s and "
                    "%(valid_from2)s..%(valid_to2)s.",
                    valid_from=before.valid_from,
                    valid_to=before.valid_to,
                    valid_from2=after.valid_from,
                    valid_to2=after.valid_to,
                ),
                field="terms",
                value=(before.valid_to, after.valid_from),
            )
        if after.valid_from != before.valid_to + dt.timedelta(days=1):
            raise InvalidPriceSchedule(
                E_(
                    "price schedule has a gap: no price from %(valid_to_before)s to "
                    "%(valid_from_after)s.",
                    valid_to_before=before.valid_to + dt.timedelta(days=1),
                    valid_from_after=after.valid_from - dt.timedelta(days=1),
                ),
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
    "protein_reference": "protein_reference",
    "protein_bonus_per_point": "protein_bonus_per_point",
    "somatic_cells": "somatic_cells",
    "rate_chart": "rate_chart",
    "per": "per",
    "density": "density",
}


def _terms_from_dict(data: Mapping[str, Any]) -> PriceTerms:
    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        raise InvalidPriceSchedule(
            E_(
                "unknown price field %(unknown)s; known: %(keys)s.",
                unknown=repr(unknown[0]),
                keys=", ".join(sorted(_KEYS)),
            ),
            field=unknown[0],
            value=data[unknown[0]],
        )
    for required in ("from", "to"):
        if required not in data and f"valid_{required}" not in data:
            raise InvalidPriceSchedule(
                E_(
                    "each price period needs %(required)s (a date YYYY-MM-DD).",
                    required=repr(required),
                ),
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
    out["protein_reference"] = str(terms.protein_reference)
    out["protein_bonus_per_point"] = str(terms.protein_bonus_per_point)
    out["somatic_cells"] = [
        {"up_to": tier.up_to, "adjustment": str(tier.adjustment)} for tier in terms.somatic_cells
    ]
    if terms.rate_chart is not None:
        out["rate_chart"] = terms.rate_chart.to_dict()
    out["per"] = terms.per
    out["density"] = str(terms.density)
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
                E_(
                    "'%(field)s' must be a table of names by language, e.g. { es = "
                    '"Flete", en = "Transport" } (got %(names)s).',
                    field=field,
                    names=repr(names),
                ),
                field=field,
                value=names,
            )
        found = []
        for lang, name in pairs:
            try:
                code = check_lang(lang)
            except InvalidValue:
                raise InvalidPriceSchedule(
                    E_(
                        "'%(field)s.%(lang)s' must name a language (%(languages)s) (got "
                        "%(lang2)s).",
                        field=field,
                        lang=lang,
                        languages=", ".join(LANGUAGES),
                        lang2=repr(lang),
                    ),
                    field=f"{field}.{lang}",
                    value=lang,
                ) from None
            if not isinstance(name, str) or not name.strip():
                raise InvalidPriceSchedule(
                    E_(
                        "'%(field)s.%(lang)s' must be a name (got %(name)s).",
                        field=field,
                        lang=lang,
                        name=repr(name),
                    ),
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

    @exact
    def __attrs_post_init__(self) -> None:
        charges = {name for t in self.terms for name, _ in t.service_charges}
        for charge, _names in self.service_names:
            if charge not in charges:
                raise InvalidPriceSchedule(
                    E_(
                        "'service_names.%(charge)s' names a service charge no price period has "
                        "(charges: %(charges)s).",
                        charge=charge,
                        charges=", ".join(sorted(charges)) or "none",
                    ),
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
        data = to_table(data, field="price schedule", error=InvalidPriceSchedule)
        prices = data.get("prices")
        if not isinstance(prices, list):
            raise InvalidPriceSchedule(
                E_(
                    "a price schedule needs a list 'prices' of periods with 'from', 'to' "
                    "and 'base'."
                ),
                field="prices",
                value=prices,
            )
        names = data.get("service_names", {})
        if not isinstance(names, Mapping):
            raise InvalidPriceSchedule(
                E_(
                    "'service_names' must be a table {charge = { es = ..., en = ... }} "
                    "(got %(names)s).",
                    names=repr(names),
                ),
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
            E_(
                "no milk price for %(day)s: the schedule covers %(start)s..%(end)s.",
                day=day,
                start=self.start,
                end=self.end,
            ),
            field="date",
            value=day,
        )

    def price(self, day: dt.date, quality: Quality | None = None) -> Decimal:
        """Gross price per litre on ``day`` for ``quality``."""
        return self.terms_on(day).price(quality)
