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
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import attrs

from coopfinance._decimal import CONTEXT, ONE, ZERO, exact
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
from coopfinance.dairy._prices import MilkPriceSchedule
from coopfinance.errors import E_, InvalidSettlement

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FarmerSettlement",
    "PeriodSummary",
    "Settlement",
    "SettlementPolicy",
    "settle",
    "settle_season",
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
    obs = tuple(obligations)
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
    litres: dict[str, Decimal] = defaultdict(lambda: ZERO)
    value: dict[str, Decimal] = defaultdict(lambda: ZERO)
    charges: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    _accumulate(items, prices, litres, value, charges)
    by_farmer: dict[str, list[Obligation]] = defaultdict(list)
    for ob in obs:
        by_farmer[ob.farmer].append(ob)
    for farmer, named in charges.items():
        for name, amount in named.items():
            rounded = _round(amount, unit, ROUND_HALF_UP)
            if rounded:
                by_farmer[farmer].append(
                    Obligation(
                        farmer=farmer,
                        kind=ObligationKind.SERVICE_CHARGE,
                        amount=rounded,
                        reference=name,
                    )
                )
    order = known if known is not None else tuple(sorted(set(litres) | set(by_farmer)))
    statements = tuple(
        _settle_farmer(
            f,
            period=period,
            litres=litres.get(f, ZERO),
            value=value.get(f, ZERO),
            obligations=by_farmer.get(f, []),
            policy=pol,
            unit=unit,
        )
        for f in order
    )
    return Settlement(
        period=period,
        currency=prices.currency,
        statements=statements,
        summary=summarize(period, statements, pol),
        deliveries=items,
        prices=prices,
        policy=pol,
    )


_ROUNDED = (decimal.Rounded, decimal.Inexact)  # the signals a trapped exact sum may raise


def _accumulate(
    items: tuple[Delivery, ...],
    prices: MilkPriceSchedule,
    litres: dict[str, Decimal],
    value: dict[str, Decimal],
    charges: dict[str, dict[str, Decimal]],
) -> None:
    """Litres, milk value ``Σ litres·price(quality)`` and per-litre service charges per farmer.

    Two shortcuts give the same Decimals as the plain loop (one price and one product per charge
    and delivery), which ``tests/dairy/test_settlement_fast.py`` checks against it:

    - the price of each distinct (terms, quality) pair is computed once (a price is a pure
      function of the two frozen values);
    - a charge is ``p·Σ litres`` over the deliveries priced by the same terms instead of
      ``Σ p·litresᵢ``: equal, exponent included (``e(p) + min eᵢ`` both ways), whenever no step
      rounds, i.e. the product fits the precision (``CONTEXT.prec``, 34, or the current context's
      if lower, which the running sums use): the digits of ``p`` and of ``Σ litres`` together at
      most that, all terms of one sign, and every sum of the shortcut exact (checked by a
      context trapping ``Rounded``: a farmer's charge over several price periods is a sum
      the plain loop adds in another order). Otherwise the plain loop is taken.
    """
    terms_cache: dict[dt.date, Any] = {}
    price_memo: dict[tuple[int, Any], Decimal] = {}
    charged: dict[tuple[str, int], Decimal] = defaultdict(lambda: ZERO)
    by_id: dict[int, Any] = {}
    prec = min(CONTEXT.prec, decimal.getcontext().prec)  # the sums run in the current context
    # every sum of the shortcut is checked exact (no digit dropped, exponent kept): a rounded step
    # would give other Decimals than the plain loop's order of additions
    exact = decimal.Context(prec=prec, traps=[decimal.Rounded, decimal.Inexact])
    grouped = True
    for d in items:
        terms = terms_cache.get(d.date)
        if terms is None:
            terms = terms_cache[d.date] = prices.terms_on(d.date)
            by_id[id(terms)] = terms
        farmer, q = d.farmer, d.quality
        litres[farmer] += d.litres
        key = (id(terms), q)
        price = price_memo.get(key)
        if price is None:
            price = price_memo[key] = terms.price(q)
        value[farmer] += CONTEXT.multiply(d.litres, price)
        if grouped and terms.service_charges:
            try:
                charged[farmer, id(terms)] = exact.add(charged[farmer, id(terms)], d.litres)
            except _ROUNDED:
                grouped = False
    if grouped:
        try:
            for (farmer, tid), total in charged.items():
                n = len(total.as_tuple().digits)
                for name, per_litre in by_id[tid].service_charges:
                    if n + len(per_litre.as_tuple().digits) > prec:
                        raise decimal.Rounded(per_litre)
                    product = CONTEXT.multiply(total, per_litre)
                    charges[farmer][name] = exact.add(charges[farmer][name], product)
            return
        except _ROUNDED:
            pass
    charges.clear()  # a sum too long to be exact both ways: the plain loop for every delivery
    for d in items:
        for name, per_litre in terms_cache[d.date].service_charges:
            charges[d.farmer][name] += CONTEXT.multiply(d.litres, per_litre)


def _settle_farmer(
    farmer: str,
    *,
    period: Period,
    litres: Decimal,
    value: Decimal,
    obligations: list[Obligation],
    policy: SettlementPolicy,
    unit: Decimal,
) -> FarmerSettlement:
    gross = _round(value, unit, ROUND_HALF_UP)
    floor = max(
        _round(CONTEXT.multiply(policy.floor_share, gross), unit, ROUND_CEILING),
        _round(CONTEXT.multiply(policy.floor_price_per_litre, litres), unit, ROUND_CEILING),
    )
    floor = min(floor, gross)
    room = gross - floor
    cap_left: dict[ObligationKind, Decimal] = {}
    for kind, share in policy.caps:
        cap_left[kind] = _round(CONTEXT.multiply(share, gross), unit, ROUND_FLOOR)
    indexed = sorted(
        enumerate(obligations),
        key=lambda io: (
            io[1].priority if io[1].priority is not None else policy.rank(io[1].kind),
            policy.rank(io[1].kind),
            io[0],
        ),
    )
    collections = []
    for _, ob in indexed:
        take = min(ob.amount, room)
        left = cap_left.get(ob.kind)
        if left is not None:
            take = min(take, left)
            cap_left[ob.kind] = left - take
        room -= take
        collections.append(Collection(obligation=ob, collected=take, short=ob.amount - take))
    return FarmerSettlement(
        farmer=farmer,
        period=period,
        litres=litres,
        gross=gross,
        floor=floor,
        collections=tuple(collections),
    )


@exact
def summarize(
    period: Period, statements: tuple[FarmerSettlement, ...], policy: SettlementPolicy
) -> PeriodSummary:
    """The co-op's summary of ``statements``: the sums of the farmer statements, by kind in the
    policy's order (what :func:`settle` gives as ``Settlement.summary``; the co-op book uses it for
    the frozen statements it reads back)."""
    collected: dict[ObligationKind, Decimal] = dict.fromkeys(policy.order, ZERO)
    short: dict[ObligationKind, Decimal] = dict.fromkeys(policy.order, ZERO)
    for s in statements:
        for c in s.collections:
            collected[c.obligation.kind] += c.collected
            short[c.obligation.kind] += c.short
    return PeriodSummary(
        period=period,
        farmers=len(statements),
        litres=sum((s.litres for s in statements), ZERO),
        gross=sum((s.gross for s in statements), ZERO),
        deductions_by_kind=tuple(collected.items()),
        arrears_by_kind=tuple(short.items()),
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
