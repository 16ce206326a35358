"""Fortnightly settlement (liquidación) with check-off deductions, caps, a protection floor and arrears.

For each farmer and period::

    gross  = round(Σ litresᵢ × priceᵢ)                         (half-up to the céntimo, once)
    keep   = min(gross, ⌈max(floor_share·gross, floor_price·litres)⌉)   the protection floor
    for each obligation in priority order:
        collectedₖ = min(dueₖ, room left = gross − keep − collected so far,
                         cap of its kind left = ⌊cap_share·gross⌋ − collected of that kind)
        shortₖ     = dueₖ − collectedₖ                          (arrears created)
    net    = gross − Σ collectedₖ

so ``gross = deductions + net`` and ``collected + short = due`` hold to the céntimo for every farmer,
and the period summary is the sum of the statements. Defaults (reference §8, [A] built from the Kenya
Dairy Board circular and the Lessos check-off): order services → inputs on credit → loan installment →
compulsory savings → voluntary savings; loan installments capped at 30 % of gross (Gestión's 30 %
rule); a floor given as a share of gross and/or a net price per litre (KDB "≥ Sh30/L net"), 0 unless set.

The obligations themselves (:class:`Obligation`, :class:`Collection`) are in
:mod:`coopfinance.dairy._obligations`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import attrs

from coopfinance._decimal import CONTEXT, ONE, ZERO, exact
from coopfinance._fields import to_text
from coopfinance._frames import Numeric, to_dataframe
from coopfinance._money import Currency
from coopfinance.dairy._deliveries import Deliveries, Delivery
from coopfinance.dairy._obligations import (
    DEFAULT_ORDER,
    Collection,
    Obligation,
    ObligationKind,
    amount_of,
)
from coopfinance.dairy._periods import Period, SettlementFrequency, periods_between
from coopfinance.dairy._prices import MilkPriceSchedule, PriceTerms, Quality
from coopfinance.errors import E_, InvalidSettlement

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FarmerSettlement",
    "MilkTotal",
    "PeriodSummary",
    "Settlement",
    "SettlementPolicy",
    "settle",
    "settle_season",
    "settle_totals",
    "summarize",
]


_Number = Decimal | int | str


def _share(value: _Number, field: str) -> Decimal:
    d = amount_of(value, field)
    if d > ONE:
        raise InvalidSettlement(
            E_("%(field)s must be a share between 0 and 1 (got %(d)s).", field=repr(field), d=d),
            field=field,
            value=d,
        )
    return d


def _floor_share(value: _Number) -> Decimal:
    return _share(value, "floor_share")


def _floor_price(value: _Number) -> Decimal:
    return amount_of(value, "floor_price_per_litre")


def _total_farmer(value: str) -> str:
    return to_text(value, field="farmer", error=InvalidSettlement)


def _total_litres(value: _Number) -> Decimal:
    return amount_of(value, "litres")


def _total_value(value: _Number) -> Decimal:
    return amount_of(value, "value")


def _frequency(value: SettlementFrequency | str) -> SettlementFrequency:
    return SettlementFrequency.parse(value)


def _to_order(value: Iterable[ObligationKind | str]) -> tuple[ObligationKind, ...]:
    order = tuple(ObligationKind.parse(k) for k in value)
    if sorted(k.value for k in order) != sorted(k.value for k in ObligationKind):
        raise InvalidSettlement(
            E_(
                "'order' must list every kind exactly once: %(value_k)s (got %(value_k2)s).",
                value_k=", ".join(k.value for k in ObligationKind),
                value_k2=", ".join(k.value for k in order),
            ),
            field="order",
            value=order,
        )
    return order


def _to_caps(
    value: Mapping[str, _Number]
    | Mapping[ObligationKind, _Number]
    | Iterable[tuple[ObligationKind | str, _Number]],
) -> tuple[tuple[ObligationKind, Decimal], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple(
        (ObligationKind.parse(k), _share(v, f"caps[{ObligationKind.parse(k).value}]"))
        for k, v in items
    )


@attrs.frozen(slots=True, kw_only=True)
class SettlementPolicy:
    """How the co-op settles: period length, deduction order, caps per kind and the farmer's floor.

    - ``frequency``: semi-monthly (quincenal) by default (reference §8).
    - ``order``: kinds in deduction order (default :data:`DEFAULT_ORDER`, reference §8).
    - ``caps``: per kind, the most it may take as a share of gross; default loan installments ≤ 30 %.
    - ``floor_share`` and ``floor_price_per_litre``: the farmer keeps at least the larger of
      ``floor_share·gross`` and ``floor_price_per_litre·litres`` (never more than gross).
    - ``carry_voluntary``: whether voluntary savings not collected are carried forward (default no).

    >>> policy = SettlementPolicy(floor_share="0.5")
    >>> dict(policy.caps)[ObligationKind.LOAN_INSTALLMENT]
    Decimal('0.30')
    """

    frequency: SettlementFrequency = attrs.field(
        default=SettlementFrequency.SEMI_MONTHLY, converter=_frequency
    )
    order: tuple[ObligationKind, ...] = attrs.field(default=DEFAULT_ORDER, converter=_to_order)
    caps: tuple[tuple[ObligationKind, Decimal], ...] = attrs.field(
        default=((ObligationKind.LOAN_INSTALLMENT, Decimal("0.30")),), converter=_to_caps
    )
    floor_share: Decimal = attrs.field(default=ZERO, converter=_floor_share)
    floor_price_per_litre: Decimal = attrs.field(default=ZERO, converter=_floor_price)
    carry_voluntary: bool = False

    def rank(self, kind: ObligationKind) -> int:
        """Position of ``kind`` in the deduction order, from 1."""
        return self.order.index(kind) + 1

    def cap_share(self, kind: ObligationKind) -> Decimal | None:
        """The cap of ``kind`` as a share of gross, or ``None``."""
        for k, share in self.caps:
            if k is kind:
                return share
        return None


@attrs.frozen(slots=True, kw_only=True)
class FarmerSettlement:
    """One farmer's statement for one period (liquidación)."""

    farmer: str
    period: Period
    litres: Decimal
    gross: Decimal
    floor: Decimal
    collections: tuple[Collection, ...]

    @property
    def deductions(self) -> Decimal:
        """Everything collected."""
        return sum((c.collected for c in self.collections), ZERO)

    @property
    def net(self) -> Decimal:
        """Paid to the farmer: ``gross − deductions``."""
        return self.gross - self.deductions

    @property
    def due(self) -> Decimal:
        """Everything due."""
        return sum((c.due for c in self.collections), ZERO)

    @property
    def arrears(self) -> Decimal:
        """Everything due and not collected."""
        return sum((c.short for c in self.collections), ZERO)

    def by_kind(self, kind: ObligationKind) -> tuple[Decimal, Decimal]:
        """``(collected, short)`` of one kind."""
        got = [c for c in self.collections if c.obligation.kind is kind]
        return sum((c.collected for c in got), ZERO), sum((c.short for c in got), ZERO)


@attrs.frozen(slots=True, kw_only=True)
class PeriodSummary:
    """The co-op's totals for one period: the sums of the farmer statements."""

    period: Period
    farmers: int
    litres: Decimal
    gross: Decimal
    deductions_by_kind: tuple[tuple[ObligationKind, Decimal], ...]
    arrears_by_kind: tuple[tuple[ObligationKind, Decimal], ...]
    net: Decimal

    @property
    def deductions(self) -> Decimal:
        """Total collected."""
        return sum((v for _, v in self.deductions_by_kind), ZERO)

    @property
    def arrears(self) -> Decimal:
        """Total arrears created."""
        return sum((v for _, v in self.arrears_by_kind), ZERO)


@attrs.frozen(slots=True, kw_only=True)
class Settlement:
    """The settlement of one period: a statement per farmer and the co-op summary.

    :func:`settle` also keeps what it settled from (``deliveries``, ``prices``, ``policy``), so that
    a farmer's statement can show each delivery with its price and the intermediary comparison
    (``coopfinance.documents.render_settlement``). They are left out of ``repr`` and equality.
    """

    period: Period
    currency: Currency
    statements: tuple[FarmerSettlement, ...]
    summary: PeriodSummary
    deliveries: tuple[Delivery, ...] = attrs.field(default=(), repr=False, eq=False)
    prices: MilkPriceSchedule | None = attrs.field(default=None, repr=False, eq=False)
    policy: SettlementPolicy | None = attrs.field(default=None, repr=False, eq=False)

    def deliveries_of(self, farmer: str) -> tuple[Delivery, ...]:
        """The deliveries of ``farmer`` in this settlement, by date (stable for the same day)."""
        return tuple(
            sorted((d for d in self.deliveries if d.farmer == farmer), key=lambda d: d.date)
        )

    def statement(self, farmer: str) -> FarmerSettlement:
        """The statement of ``farmer``."""
        for s in self.statements:
            if s.farmer == farmer:
                return s
        raise InvalidSettlement(
            E_(
                "'farmer' %(farmer)s has no statement in %(period)s.",
                farmer=repr(farmer),
                period=self.period,
            ),
            field="farmer",
            value=farmer,
        )

    def carried(self, policy: SettlementPolicy | None = None) -> tuple[Obligation, ...]:
        """What is short, as obligations for the next settlement (arrears carried forward), under
        ``policy`` (default: the policy it was settled with)."""
        p = policy or self.policy or SettlementPolicy()
        out = []
        for s in self.statements:
            for c in s.collections:
                ob = c.obligation
                if c.short == 0 or (
                    ob.kind is ObligationKind.VOLUNTARY_SAVINGS and not p.carry_voluntary
                ):
                    continue
                ref = (
                    ob.reference
                    if ob.reference.startswith("arrears")
                    else (f"arrears {self.period}" + (f" {ob.reference}" if ob.reference else ""))
                )
                out.append(attrs.evolve(ob, amount=c.short, reference=ref))
        return tuple(out)

    _RECORD_COLUMNS = (
        "farmer",
        "period_start",
        "period_end",
        "litres",
        "gross",
        "deductions",
        "net",
        "due",
        "arrears",
    )

    def to_records(self) -> list[dict[str, Any]]:
        """One plain dict per farmer: litres, gross, deductions, net, due and arrears (``Decimal``),
        with the period's first and last day."""
        return [
            {
                "farmer": st.farmer,
                "period_start": self.period.start,
                "period_end": self.period.end,
                "litres": st.litres,
                "gross": st.gross,
                "deductions": st.deductions,
                "net": st.net,
                "due": st.due,
                "arrears": st.arrears,
            }
            for st in self.statements
        ]

    def to_dataframe(self, *, numeric: Numeric = False) -> pd.DataFrame:
        """:meth:`to_records` as a pandas ``DataFrame`` (optional extra ``pandas``): exact
        ``Decimal`` amounts by default, ``float64`` with ``numeric=True``, Arrow decimals with
        ``numeric="decimal"`` (see docs/conventions.md, "DataFrames")."""
        return to_dataframe(self.to_records(), self._RECORD_COLUMNS, "Settlement", numeric)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping (amounts as strings)."""
        s = self.summary
        return {
            "period": str(self.period),
            "currency": self.currency.code,
            "summary": {
                "farmers": s.farmers,
                "litres": str(s.litres),
                "gross": str(s.gross),
                "deductions": {k.value: str(v) for k, v in s.deductions_by_kind},
                "net": str(s.net),
                "arrears": {k.value: str(v) for k, v in s.arrears_by_kind},
            },
            "farmers": [
                {
                    "farmer": f.farmer,
                    "litres": str(f.litres),
                    "gross": str(f.gross),
                    "floor": str(f.floor),
                    "deductions": [
                        {
                            "kind": c.obligation.kind.value,
                            "loan_id": c.obligation.loan_id,
                            "reference": c.obligation.reference,
                            "due": str(c.due),
                            "collected": str(c.collected),
                            "short": str(c.short),
                        }
                        for c in f.collections
                    ],
                    "net": str(f.net),
                    "arrears": str(f.arrears),
                }
                for f in self.statements
            ],
        }


def _round(amount: Decimal, unit: Decimal, mode: str) -> Decimal:
    return amount.quantize(unit, rounding=mode, context=CONTEXT)


@exact
def settle(
    deliveries: Deliveries | Iterable[Delivery],
    prices: MilkPriceSchedule,
    period: Period,
    obligations: Iterable[Obligation] = (),
    policy: SettlementPolicy | None = None,
    *,
    farmers: Iterable[str] | None = None,
) -> Settlement:
    """Settle one period: gross milk value per farmer, deductions in order within caps and above the
    floor, net pay, and arrears created (see the module docstring for the formulas).

    Every delivery must fall in ``period``; with ``farmers`` given, every delivery and obligation
    must belong to one of them, and each gets a statement (even with no milk). Per-litre service
    charges of the price schedule become ``SERVICE_CHARGE`` obligations, one per named charge.
    The milk is summed per farmer and price period (:class:`MilkTotal`) and each farmer settled
    from those sums, the step :func:`settle_totals` runs (one formula for both).

    >>> prices = MilkPriceSchedule.flat("1.30", "2026-01-01", "2026-12-31",
    ...                                 service_charges={"transport": "0.05"})
    >>> milk = [Delivery(farmer="F01", date=dt.date(2026, 1, d), litres=30) for d in range(1, 16)]
    >>> loan = Obligation(farmer="F01", kind="loan-installment", amount="200", loan_id="L-1")
    >>> s = settle(milk, prices, Period.parse("2026-01-01..2026-01-15"), [loan])
    >>> f = s.statement("F01")
    >>> f.gross, f.net
    (Decimal('585.00'), Decimal('387.00'))
    >>> [(c.obligation.kind.value, c.collected, c.short) for c in f.collections]
    [('service-charge', Decimal('22.50'), Decimal('0.00')),
     ('loan-installment', Decimal('175.50'), Decimal('24.50'))]
    """
    pol = policy or SettlementPolicy()
    items = tuple(deliveries)
    known = None if farmers is None else tuple(dict.fromkeys(farmers))
    Deliveries(items=items).check(farmers=known, period=period)
    litres: dict[str, Decimal] = {}
    value: dict[str, Decimal] = {}
    charges: dict[str, dict[str, Decimal]] = {}
    _accumulate(items, prices, litres, value, charges)
    return _settlement(
        period,
        prices,
        pol,
        known,
        litres=litres,
        value=value,
        charges=charges,
        obs=tuple(obligations),
        deliveries=items,
    )


@attrs.frozen(slots=True, kw_only=True)
class MilkTotal:
    """One farmer's milk of one period under one set of price terms: ``litres = Σ litresᵢ`` and
    ``value = Σ litresᵢ × price(qualityᵢ)`` over the farmer's deliveries on the days of ``terms``
    (each product and sum exact). What :func:`settle_totals` settles from; a database can sum it
    (the co-op book's close does).

    >>> terms = MilkPriceSchedule.flat("1.30", "2026-01-01", "2026-12-31").terms[0]
    >>> MilkTotal(farmer="F01", terms=terms, litres="450", value="585.0").value
    Decimal('585.0')
    """

    farmer: str = attrs.field(converter=_total_farmer)
    terms: PriceTerms = attrs.field(validator=attrs.validators.instance_of(PriceTerms))
    litres: Decimal = attrs.field(converter=_total_litres)
    value: Decimal = attrs.field(converter=_total_value)

    @classmethod
    def trusted(cls, farmer: str, terms: PriceTerms, litres: Decimal, value: Decimal) -> MilkTotal:
        """A total from values already valid (a ``str`` farmer, ``PriceTerms``, non-negative
        ``Decimal`` sums), without the converters: what the co-op book's close builds from the
        sums its database returns. Equal to ``MilkTotal(...)`` of the same values (tested).

        >>> terms = MilkPriceSchedule.flat("1.30", "2026-01-01", "2026-12-31").terms[0]
        >>> MilkTotal.trusted("F01", terms, Decimal("450"), Decimal("585.0")) == MilkTotal(
        ...     farmer="F01", terms=terms, litres="450", value="585.0")
        True
        """
        self = object.__new__(cls)
        _set = object.__setattr__
        _set(self, "farmer", farmer)
        _set(self, "terms", terms)
        _set(self, "litres", litres)
        _set(self, "value", value)
        return self


@exact
def settle_totals(
    totals: Iterable[MilkTotal],
    prices: MilkPriceSchedule,
    period: Period,
    obligations: Iterable[Obligation] = (),
    policy: SettlementPolicy | None = None,
    *,
    farmers: Iterable[str] | None = None,
) -> Settlement:
    """Settle one period from each farmer's milk totals per price period instead of the
    deliveries: the same settlement as :func:`settle` of deliveries with those totals.

    Per farmer, over its totals in the order given::

        litres = Σ litresₜ      value = Σ valueₜ      charge of name n = Σ litresₜ × cₙ(termsₜ)

    then the per-farmer step of the module docstring (gross, floor, deductions in order, caps).
    :func:`settle` computes the same three sums from the deliveries (``Σ litresᵢ·c`` is
    ``c·Σ litresᵢ`` when no step rounds) and settles them with this step. Every sum here is exact:
    one that would need more than 34 significant digits is refused (``InvalidSettlement``,
    field ``totals``; settle the deliveries instead). ``terms`` must be terms of ``prices`` in
    force in ``period``; with ``farmers`` given, every total belongs to one of them. The
    settlement keeps no deliveries (``Settlement.deliveries`` is empty).

    >>> prices = MilkPriceSchedule.flat("1.30", "2026-01-01", "2026-12-31",
    ...                                 service_charges={"transport": "0.05"})
    >>> period = Period.parse("2026-01-01..2026-01-15")
    >>> totals = [MilkTotal(farmer="F01", terms=prices.terms[0], litres="450", value="585.00")]
    >>> loan = Obligation(farmer="F01", kind="loan-installment", amount="200", loan_id="L-1")
    >>> s = settle_totals(totals, prices, period, [loan])
    >>> s.statement("F01").net, s.statement("F01").arrears
    (Decimal('387.00'), Decimal('24.50'))
    """
    pol = policy or SettlementPolicy()
    rows = tuple(totals)
    known = None if farmers is None else tuple(dict.fromkeys(farmers))
    allowed = [t for t in prices.terms if t.valid_from <= period.end and t.valid_to >= period.start]
    known_set = None if known is None else set(known)
    for n, row in enumerate(rows, start=1):
        if not any(row.terms is t or row.terms == t for t in allowed):
            raise InvalidSettlement(
                E_(
                    "total %(n)s (%(farmer)s): its 'terms' (%(start)s..%(end)s) are not terms of "
                    "the price schedule in force in %(period)s.",
                    n=n,
                    farmer=repr(row.farmer),
                    start=row.terms.valid_from,
                    end=row.terms.valid_to,
                    period=period,
                ),
                field="terms",
                value=row.terms,
            )
        if known_set is not None and row.farmer not in known_set:
            raise InvalidSettlement(
                E_(
                    "total %(n)s: 'farmer' %(farmer)s is not a known farmer.",
                    n=n,
                    farmer=repr(row.farmer),
                ),
                field="farmer",
                value=row.farmer,
            )
    litres: dict[str, Decimal] = {}
    value: dict[str, Decimal] = {}
    charges: dict[str, dict[str, Decimal]] = {}
    groups = [(r.farmer, r.terms, r.litres, r.value) for r in rows]
    if not _sums(groups, litres, value, charges):
        raise InvalidSettlement(
            E_(
                "a farmer's milk totals do not sum exactly in 34 significant digits; settle the "
                "deliveries instead."
            ),
            field="totals",
            value=len(rows),
        )
    return _settlement(
        period,
        prices,
        pol,
        known,
        litres=litres,
        value=value,
        charges=charges,
        obs=tuple(obligations),
    )


def _settlement(
    period: Period,
    prices: MilkPriceSchedule,
    pol: SettlementPolicy,
    known: tuple[str, ...] | None,
    *,
    litres: dict[str, Decimal],
    value: dict[str, Decimal],
    charges: dict[str, dict[str, Decimal]],
    obs: tuple[Obligation, ...],
    deliveries: tuple[Delivery, ...] = (),
) -> Settlement:
    """The per-farmer step shared by :func:`settle` and :func:`settle_totals`: obligations
    checked, service charges rounded into obligations, each farmer settled, the summary."""
    if known is not None:
        known_set = set(known)
        for ob in obs:
            if ob.farmer not in known_set:
                raise InvalidSettlement(
                    E_(
                        "obligation for unknown farmer %(farmer)s (%(value)s %(amount)s).",
                        farmer=repr(ob.farmer),
                        value=ob.kind.value,
                        amount=ob.amount,
                    ),
                    field="farmer",
                    value=ob.farmer,
                )
    unit = prices.currency.unit
    for ob in obs:
        if _round(ob.amount, unit, ROUND_HALF_UP) != ob.amount:
            raise InvalidSettlement(
                E_(
                    "'amount' of an obligation must be in whole %(code)s minor units (got "
                    "%(amount)s for %(farmer)s).",
                    code=prices.currency.code,
                    amount=ob.amount,
                    farmer=repr(ob.farmer),
                ),
                field="amount",
                value=ob.amount,
            )
    by_farmer: dict[str, list[Obligation]] = defaultdict(list)
    for ob in obs:
        by_farmer[ob.farmer].append(ob)
    for farmer, named in charges.items():
        for name, amount in named.items():
            rounded = _round(amount, unit, ROUND_HALF_UP)
            if rounded:
                by_farmer[farmer].append(_service_charge(farmer, rounded, name))
    order = known if known is not None else tuple(sorted(set(litres) | set(by_farmer)))
    step = _Step(pol, unit, period).farmer
    statements = tuple(
        step(f, litres.get(f, ZERO), value.get(f, ZERO), by_farmer.get(f, [])) for f in order
    )
    return Settlement(
        period=period,
        currency=prices.currency,
        statements=statements,
        summary=summarize(period, statements, pol),
        deliveries=deliveries,
        prices=prices,
        policy=pol,
    )


_OBLIGATION_SLOTS: tuple[Any, ...] = tuple(
    vars(Obligation)[a.name].__set__ for a in attrs.fields(Obligation)
)
"""The setters of :class:`Obligation`'s slots, in field order (``tests/dairy/
test_settlement_fast.py`` checks :func:`_service_charge` equals the validated ``Obligation``)."""


def _service_charge(farmer: str, amount: Decimal, name: str) -> Obligation:
    """``Obligation(farmer=farmer, kind=SERVICE_CHARGE, amount=amount, reference=name)`` from
    values already valid (a rounded, non-negative charge), without running the converters."""
    made = object.__new__(Obligation)
    put_farmer, put_kind, put_amount, put_priority, put_loan, put_reference, put_due = (
        _OBLIGATION_SLOTS
    )
    put_farmer(made, farmer)
    put_kind(made, ObligationKind.SERVICE_CHARGE)
    put_amount(made, amount)
    put_priority(made, None)
    put_loan(made, None)
    put_reference(made, name)
    put_due(made, None)
    return made


def _recording() -> decimal.Context:
    """A copy of the current context that rounds as it does but records instead of trapping
    ``Rounded``/``Inexact``, its flags cleared: a shortcut is taken only if no step of it set
    ``Rounded`` (every digit kept, exponent included)."""
    ctx = decimal.getcontext().copy()
    ctx.traps[decimal.Rounded] = ctx.traps[decimal.Inexact] = False
    ctx.clear_flags()
    return ctx


def _accumulate(
    items: tuple[Delivery, ...],
    prices: MilkPriceSchedule,
    litres: dict[str, Decimal],
    value: dict[str, Decimal],
    charges: dict[str, dict[str, Decimal]],
) -> None:
    """Litres, milk value ``Σ litres·price(quality)`` and per-litre service charges per farmer.

    The plain loop (:func:`_plain`: one price and one product per charge and delivery) is the
    definition; the shortcut gives the same Decimals, which ``tests/dairy/test_settlement_fast.py``
    checks against it:

    - the price of each distinct (terms, quality) pair is computed once (a price is a pure
      function of the two frozen values);
    - litres and value are summed per farmer and price period (:func:`_grouped`), then per
      farmer with a charge ``c·Σ litres`` per period instead of ``Σ c·litresᵢ`` (:func:`_sums`,
      the step :func:`settle_totals` takes): equal, exponent included (``e(c) + min eᵢ`` both
      ways), whenever no step rounds. Every step runs in a context that records ``Rounded``
      (:func:`_recording`): all terms are ≥ 0 (litres and prices are never negative), so each
      partial sum and product of the plain loop is at most the shortcut's total at an exponent
      no smaller, and fits the precision whenever the shortcut's does. A step that rounded sends
      the whole settlement to the plain loop.
    """
    groups = _grouped(items, prices)
    if groups is not None and _sums(groups, litres, value, charges):
        return
    litres.clear()
    value.clear()
    charges.clear()
    _plain(items, prices, litres, value, charges)


_QUALITY_KEY = operator.attrgetter(*(a.name for a in attrs.fields(Quality)))
"""Every field of a :class:`Quality` as one tuple (what its ``==`` compares), hashed in C."""


def _grouped(
    items: tuple[Delivery, ...], prices: MilkPriceSchedule
) -> list[tuple[str, PriceTerms, Decimal, Decimal]] | None:
    """``(farmer, terms, Σ litres, Σ litres·price)`` per farmer and price period, in the order
    of each pair's first delivery; ``None`` if a step rounded."""
    dates = {d.date for d in items}
    terms_of = {day: prices.terms_on(day) for day in dates}
    distinct = list({id(t): t for t in terms_of.values()}.values())
    memo: dict[Any, Decimal] = {}
    ctx = _recording()
    out: list[tuple[str, PriceTerms, Decimal, Decimal]] = []
    with decimal.localcontext(ctx) as c:
        if len(distinct) <= 1:  # one price period: sums per farmer
            litres: dict[str, Decimal] = {}
            value: dict[str, Decimal] = {}
            if distinct:
                _sum_one(items, distinct[0], memo, litres, value)
                only = distinct[0]
                out = [(f, only, n, value[f]) for f, n in litres.items()]
        else:
            keyed_litres: dict[tuple[str, int], Decimal] = {}
            keyed_value: dict[tuple[str, int], Decimal] = {}
            by_id = {id(t): t for t in distinct}
            for d in items:
                terms = terms_of[d.date]
                q = d.quality
                key = (id(terms), None if q is None else _QUALITY_KEY(q))
                price = memo.get(key)
                if price is None:
                    price = memo[key] = terms.price(q)
                k = (d.farmer, id(terms))
                n = d.litres
                keyed_litres[k] = keyed_litres.get(k, ZERO) + n
                keyed_value[k] = keyed_value.get(k, ZERO) + n * price
            out = [(f, by_id[t], n, keyed_value[f, t]) for (f, t), n in keyed_litres.items()]
        if c.flags[decimal.Rounded]:
            return None
    return out


def _sum_one(
    items: tuple[Delivery, ...],
    terms: PriceTerms,
    memo: dict[Any, Decimal],
    litres: dict[str, Decimal],
    value: dict[str, Decimal],
) -> None:
    """The sums of :func:`_grouped` when one price period covers every delivery (the common
    case: no per-delivery terms)."""
    price_of = terms.price
    key_of = _QUALITY_KEY
    get_litres, get_value = litres.get, value.get
    for d in items:
        q = d.quality
        key = None if q is None else key_of(q)
        price = memo.get(key)
        if price is None:
            price = memo[key] = price_of(q)
        farmer = d.farmer
        n = d.litres
        litres[farmer] = get_litres(farmer, ZERO) + n
        value[farmer] = get_value(farmer, ZERO) + n * price


def _sums(
    groups: Iterable[tuple[str, PriceTerms, Decimal, Decimal]],
    litres: dict[str, Decimal],
    value: dict[str, Decimal],
    charges: dict[str, dict[str, Decimal]],
) -> bool:
    """Per farmer, over its groups in order: ``Σ litresₜ``, ``Σ valueₜ`` and, per charge name,
    ``Σ litresₜ·cₙ``; ``False`` (the dicts partly filled) if a step rounded."""
    with decimal.localcontext(_recording()) as c:
        for farmer, terms, n, v in groups:
            litres[farmer] = litres.get(farmer, ZERO) + n
            value[farmer] = value.get(farmer, ZERO) + v
            if terms.service_charges:
                named = charges.get(farmer)
                if named is None:
                    named = charges[farmer] = {}
                for name, per_litre in terms.service_charges:
                    named[name] = named.get(name, ZERO) + n * per_litre
        return not c.flags[decimal.Rounded]


def _plain(
    items: tuple[Delivery, ...],
    prices: MilkPriceSchedule,
    litres: dict[str, Decimal],
    value: dict[str, Decimal],
    charges: dict[str, dict[str, Decimal]],
) -> None:
    """The definition: per delivery its terms, its price, ``litres·price`` and ``litres·c`` per
    charge (products in :data:`CONTEXT`, sums in the current context), added in order."""
    terms_cache: dict[dt.date, PriceTerms] = {}
    for d in items:
        terms = terms_cache.get(d.date)
        if terms is None:
            terms = terms_cache[d.date] = prices.terms_on(d.date)
        farmer = d.farmer
        litres[farmer] = litres.get(farmer, ZERO) + d.litres
        value[farmer] = value.get(farmer, ZERO) + CONTEXT.multiply(d.litres, terms.price(d.quality))
        for name, per_litre in terms.service_charges:
            named = charges.setdefault(farmer, {})
            named[name] = named.get(name, ZERO) + CONTEXT.multiply(d.litres, per_litre)


class _Step:
    """The per-farmer step of one settlement (the module docstring's formulas), with what depends
    only on the policy and currency worked out once: the kinds' ranks and caps (keyed by
    ``id(kind)``: an Enum member hashes in Python, and this runs for every obligation), and a
    floor term whose share or price is zero (``0 × x`` rounds to the same zero for every
    ``x ≥ 0``, sign included)."""

    def __init__(self, policy: SettlementPolicy, unit: Decimal, period: Period) -> None:
        self.policy, self.unit, self.period = policy, unit, period
        self.ranks = {id(k): i for i, k in enumerate(policy.order, start=1)}
        self.caps = {id(k): share for k, share in policy.caps}
        self.by_share = self._fixed(policy.floor_share)
        self.by_price = self._fixed(policy.floor_price_per_litre)

    def _fixed(self, factor: Decimal) -> Decimal | None:
        if not factor.is_zero():
            return None
        return _round(CONTEXT.multiply(factor, ONE), self.unit, ROUND_CEILING)

    def farmer(
        self, farmer: str, litres: Decimal, value: Decimal, obligations: list[Obligation]
    ) -> FarmerSettlement:
        """One farmer's statement."""
        unit, policy = self.unit, self.policy
        gross = value.quantize(unit, rounding=ROUND_HALF_UP, context=CONTEXT)
        by_share = self.by_share
        if by_share is None:
            by_share = _round(CONTEXT.multiply(policy.floor_share, gross), unit, ROUND_CEILING)
        by_price = self.by_price
        if by_price is None:
            by_price = _round(
                CONTEXT.multiply(policy.floor_price_per_litre, litres), unit, ROUND_CEILING
            )
        floor = min(max(by_share, by_price), gross)
        room = gross - floor
        ranks, caps = self.ranks, self.caps
        if len(obligations) > 1:  # by priority (default: the kind's rank), then rank, as given
            keyed = []
            for i, ob in enumerate(obligations):
                rank = ranks[id(ob.kind)]
                keyed.append((rank if ob.priority is None else ob.priority, rank, i, ob))
            keyed.sort(key=_SORT_KEY)
            ordered: Iterable[Obligation] = [k[3] for k in keyed]
        else:
            ordered = obligations
        cap_left: dict[int, Decimal] = {}
        collections = []
        for ob in ordered:
            amount = ob.amount
            take = min(amount, room)
            kind = id(ob.kind)
            share = caps.get(kind)
            if share is not None:  # ⌊cap_share·gross⌋ less what this kind already took
                left = cap_left.get(kind)
                if left is None:
                    left = _round(CONTEXT.multiply(share, gross), unit, ROUND_FLOOR)
                take = min(take, left)
                cap_left[kind] = left - take
            room -= take
            collections.append(Collection(obligation=ob, collected=take, short=amount - take))
        return FarmerSettlement(
            farmer=farmer,
            period=self.period,
            litres=litres,
            gross=gross,
            floor=floor,
            collections=tuple(collections),
        )


_SORT_KEY = operator.itemgetter(0, 1, 2)


@exact
def summarize(
    period: Period, statements: tuple[FarmerSettlement, ...], policy: SettlementPolicy
) -> PeriodSummary:
    """The co-op's summary of ``statements``: the sums of the farmer statements, by kind in the
    policy's order (what :func:`settle` gives as ``Settlement.summary``; the co-op book uses it for
    the frozen statements it reads back)."""
    # by id(kind): an Enum member hashes in Python, once per collection would be most of the time
    collected = {id(k): ZERO for k in policy.order}
    short = dict(collected)
    for s in statements:
        for c in s.collections:
            k = id(c.obligation.kind)
            collected[k] += c.collected
            short[k] += c.short
    return PeriodSummary(
        period=period,
        farmers=len(statements),
        litres=sum((s.litres for s in statements), ZERO),
        gross=sum((s.gross for s in statements), ZERO),
        deductions_by_kind=tuple((k, collected[id(k)]) for k in policy.order),
        arrears_by_kind=tuple((k, short[id(k)]) for k in policy.order),
        net=sum((s.net for s in statements), ZERO),
    )


@exact
def settle_season(
    deliveries: Deliveries | Iterable[Delivery],
    prices: MilkPriceSchedule,
    start: dt.date,
    end: dt.date,
    obligations: Callable[[Period], Iterable[Obligation]] | Mapping[Period, Iterable[Obligation]],
    *,
    policy: SettlementPolicy | None = None,
    farmers: Iterable[str] | None = None,
) -> tuple[Settlement, ...]:
    """Settle every period from ``start`` to ``end``, carrying what is short into the next period.

    ``obligations`` gives the new obligations of each period (a mapping or a function of the
    period). Arrears carried forward come first within their kind.
    """
    pol = policy or SettlementPolicy()
    periods = tuple(periods_between(start, end, pol.frequency))
    buckets: dict[Period, list[Delivery]] = {p: [] for p in periods}
    by_date: dict[dt.date, Period] = {}
    for p in periods:
        for i in range(p.days):
            by_date[p.start + dt.timedelta(days=i)] = p
    for d in deliveries:
        found = by_date.get(d.date)
        if found is None:
            raise InvalidSettlement(
                E_(
                    "delivery of %(farmer)s on %(date)s is outside the season %(start)s..%(end)s.",
                    farmer=repr(d.farmer),
                    date=d.date,
                    start=start,
                    end=end,
                ),
                field="date",
                value=d.date,
            )
        buckets[found].append(d)
    known = None if farmers is None else tuple(farmers)
    carried: tuple[Obligation, ...] = ()
    out = []
    for p in periods:
        new = obligations(p) if callable(obligations) else obligations.get(p, ())
        s = settle(buckets[p], prices, p, (*carried, *new), pol, farmers=known)
        carried = s.carried(pol)
        out.append(s)
    return tuple(out)
