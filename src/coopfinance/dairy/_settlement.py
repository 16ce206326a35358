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

The obligations are the interface with loan servicing: each :class:`Collection` says what was
collected and what is short for one :class:`Obligation` (a loan installment carries its ``loan_id``),
as plain frozen values to be turned into payment and arrears events on the loan accounts.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import pathlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from coopfinance._decimal import CONTEXT, ONE, ZERO, to_decimal
from coopfinance._money import Currency
from coopfinance.dairy._deliveries import Deliveries, Delivery
from coopfinance.dairy._periods import Period, SettlementFrequency, periods_between
from coopfinance.dairy._prices import MilkPriceSchedule
from coopfinance.errors import InvalidSettlement, ParseError, fmt_value

__all__ = [
    "DEFAULT_ORDER",
    "Collection",
    "FarmerSettlement",
    "Obligation",
    "ObligationKind",
    "PeriodSummary",
    "Settlement",
    "SettlementPolicy",
    "obligations_by_period",
    "obligations_from_csv",
    "settle",
    "settle_season",
]


class ObligationKind(enum.Enum):
    """What a deduction from the milk payment is for."""

    SERVICE_CHARGE = "service-charge"
    """Per-litre services: transport, chilling, co-op margin."""
    INPUT_ADVANCE = "input-advance"
    """Inputs bought on credit: feed, veterinary care, artificial insemination."""
    LOAN_INSTALLMENT = "loan-installment"
    """An installment due on a loan account (carries the loan id)."""
    COMPULSORY_SAVINGS = "compulsory-savings"
    """Compulsory savings or member contributions (aportaciones)."""
    VOLUNTARY_SAVINGS = "voluntary-savings"
    """Voluntary savings."""

    @classmethod
    def parse(cls, text: str | ObligationKind) -> ObligationKind:
        """Read a kind such as ``loan-installment`` (underscores accepted)."""
        if isinstance(text, ObligationKind):
            return text
        key = str(text).strip().lower().replace("_", "-")
        try:
            return cls(key)
        except ValueError:
            raise InvalidSettlement(
                f"'kind' must be one of {', '.join(k.value for k in cls)} (got {fmt_value(text)}).",
                field="kind",
                value=text,
            ) from None


DEFAULT_ORDER: tuple[ObligationKind, ...] = tuple(ObligationKind)
"""Reference §8 deduction order: services → inputs → loan installment → compulsory → voluntary savings."""


def _money(value: Any, field: str) -> Decimal:
    try:
        d = to_decimal(value, field=field)
    except ParseError as exc:
        raise InvalidSettlement(str(exc), field=field, value=value) from None
    if d < 0:
        raise InvalidSettlement(f"{field!r} must not be negative (got {d}).", field=field, value=d)
    return d


def _share(value: Any, field: str) -> Decimal:
    d = _money(value, field)
    if d > ONE:
        raise InvalidSettlement(
            f"{field!r} must be a share between 0 and 1 (got {d}).", field=field, value=d
        )
    return d


def _amount(value: Any) -> Decimal:
    return _money(value, "amount")


def _floor_share(value: Any) -> Decimal:
    return _share(value, "floor_share")


def _floor_price(value: Any) -> Decimal:
    return _money(value, "floor_price_per_litre")


def _parse_kind(value: Any) -> ObligationKind:
    return ObligationKind.parse(value)


def _parse_frequency(value: Any) -> SettlementFrequency:
    return SettlementFrequency.parse(value)


def _opt_int(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise InvalidSettlement(
        f"'priority' must be a whole number (got {fmt_value(value)}).",
        field="priority",
        value=value,
    )


def _opt_due(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InvalidSettlement(
        f"'due' must be a date YYYY-MM-DD (got {fmt_value(value)}).", field="due", value=value
    )


@attrs.frozen(slots=True, kw_only=True)
class Obligation:
    """An amount due from one farmer at one settlement.

    ``priority`` (lower first) overrides the policy's order of kinds; ties keep the order given.
    A loan installment needs its ``loan_id``. ``due`` (optional) dates the obligation, so that a
    season's obligations can be given in one list and sorted into settlement periods with
    :func:`obligations_by_period`; :func:`settle` itself does not look at it.

    >>> ob = Obligation(farmer="F01", kind="loan-installment", amount="120.50", loan_id="L-7")
    >>> ob.kind, ob.amount
    (<ObligationKind.LOAN_INSTALLMENT: 'loan-installment'>, Decimal('120.50'))
    """

    farmer: str
    kind: ObligationKind = attrs.field(converter=_parse_kind)
    amount: Decimal = attrs.field(converter=_amount)
    priority: int | None = attrs.field(default=None, converter=_opt_int)
    loan_id: str | None = None
    reference: str = ""
    due: dt.date | None = attrs.field(default=None, converter=_opt_due)

    def __attrs_post_init__(self) -> None:
        if self.kind is ObligationKind.LOAN_INSTALLMENT and not self.loan_id:
            raise InvalidSettlement(
                f"'loan_id' is required for a loan installment (farmer {self.farmer!r}).",
                field="loan_id",
                value=self.loan_id,
            )


@attrs.frozen(slots=True, kw_only=True)
class Collection:
    """What one settlement collected of one obligation, and what is short (arrears created)."""

    obligation: Obligation
    collected: Decimal
    short: Decimal

    @property
    def due(self) -> Decimal:
        """The amount that was due: ``collected + short``."""
        return self.collected + self.short


def _to_order(value: Iterable[Any]) -> tuple[ObligationKind, ...]:
    order = tuple(ObligationKind.parse(k) for k in value)
    if sorted(k.value for k in order) != sorted(k.value for k in ObligationKind):
        raise InvalidSettlement(
            "'order' must list every kind exactly once: "
            f"{', '.join(k.value for k in ObligationKind)} (got {', '.join(k.value for k in order)}).",
            field="order",
            value=order,
        )
    return order


def _to_caps(
    value: Mapping[Any, Any] | Iterable[tuple[Any, Any]],
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
        default=SettlementFrequency.SEMI_MONTHLY, converter=_parse_frequency
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
            f"'farmer' {farmer!r} has no statement in {self.period}.", field="farmer", value=farmer
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

    def to_dataframe(self) -> Any:
        """:meth:`to_records` as a pandas ``DataFrame`` (optional extra ``pandas``)."""
        from coopfinance._frames import to_dataframe

        return to_dataframe(self.to_records(), self._RECORD_COLUMNS, "Settlement")

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
                    f"obligation for unknown farmer {ob.farmer!r} ({ob.kind.value} {ob.amount}).",
                    field="farmer",
                    value=ob.farmer,
                )
    unit = prices.currency.unit
    for ob in obs:
        if _round(ob.amount, unit, ROUND_HALF_UP) != ob.amount:
            raise InvalidSettlement(
                f"'amount' of an obligation must be in whole {prices.currency.code} minor units "
                f"(got {ob.amount} for {ob.farmer!r}).",
                field="amount",
                value=ob.amount,
            )
    litres: dict[str, Decimal] = defaultdict(lambda: ZERO)
    value: dict[str, Decimal] = defaultdict(lambda: ZERO)
    charges: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    terms_cache: dict[dt.date, Any] = {}
    for d in items:
        terms = terms_cache.get(d.date)
        if terms is None:
            terms = terms_cache[d.date] = prices.terms_on(d.date)
        litres[d.farmer] += d.litres
        value[d.farmer] += CONTEXT.multiply(d.litres, terms.price(d.quality))
        for name, per_litre in terms.service_charges:
            charges[d.farmer][name] += CONTEXT.multiply(d.litres, per_litre)
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
        summary=_summarize(period, statements, pol),
        deliveries=items,
        prices=prices,
        policy=pol,
    )


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


def _summarize(
    period: Period, statements: tuple[FarmerSettlement, ...], policy: SettlementPolicy
) -> PeriodSummary:
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
                f"delivery of {d.farmer!r} on {d.date} is outside the season {start}..{end}.",
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


_OBLIGATION_COLUMNS = ("farmer", "kind", "amount", "loan_id", "priority", "reference", "due")


def obligations_by_period(
    obligations: Iterable[Obligation], periods: Iterable[Period]
) -> dict[Period, tuple[Obligation, ...]]:
    """Sort dated obligations into the settlement periods that contain their ``due`` date, in the
    order given: the mapping :func:`settle_season` takes. Every period gets an entry (maybe empty).

    An obligation without ``due``, or due outside every period, is an error naming it (nothing is
    dropped).

    >>> from coopfinance.dairy import periods_between, SettlementFrequency
    >>> ps = periods_between(dt.date(2026, 1, 1), dt.date(2026, 1, 31),
    ...                      SettlementFrequency.SEMI_MONTHLY)
    >>> obs = [Obligation(farmer="M01", kind="compulsory-savings", amount="10", due=f"2026-01-{d}")
    ...        for d in (15, 31)]
    >>> [(str(p), len(v)) for p, v in obligations_by_period(obs, ps).items()]
    [('2026-01-01..2026-01-15', 1), ('2026-01-16..2026-01-31', 1)]
    >>> obligations_by_period([Obligation(farmer="M01", kind="input-advance", amount="5")], ps)
    Traceback (most recent call last):
    ...
    coopfinance.errors.InvalidSettlement: obligation 1 (M01 input-advance 5) has no 'due' date.
    """
    ordered = tuple(periods)
    out: dict[Period, list[Obligation]] = {p: [] for p in ordered}
    by_date: dict[dt.date, Period] = {}
    for p in ordered:
        for i in range(p.days):
            by_date[p.start + dt.timedelta(days=i)] = p
    for n, ob in enumerate(obligations, start=1):
        what = f"obligation {n} ({ob.farmer} {ob.kind.value} {ob.amount})"
        if ob.due is None:
            raise InvalidSettlement(f"{what} has no 'due' date.", field="due", value=None)
        found = by_date.get(ob.due)
        if found is None:
            span = f"{ordered[0].start}..{ordered[-1].end}" if ordered else "no period"
            raise InvalidSettlement(
                f"{what}: 'due' {ob.due} is outside the periods ({span}).",
                field="due",
                value=ob.due,
            )
        out[found].append(ob)
    return {p: tuple(v) for p, v in out.items()}


def obligations_from_csv(source: str | pathlib.Path | Any) -> tuple[Obligation, ...]:
    """Read obligations from a CSV with columns ``farmer,kind,amount`` and optionally
    ``loan_id,priority,reference,due`` (``due`` a date YYYY-MM-DD, for
    :func:`obligations_by_period`); every bad row is reported with its line number.

    >>> import io
    >>> text = "farmer,kind,amount,loan_id\\nF01,loan-installment,120.50,L-7\\nF02,input-advance,-5,\\n"
    >>> obligations_from_csv(io.StringIO(text))
    Traceback (most recent call last):
    ...
    coopfinance.errors.InvalidSettlement: 1 bad row in the obligations file:
      line 3: 'amount' must not be negative (got -5).
    """
    if isinstance(source, str | pathlib.Path):
        with pathlib.Path(source).open(encoding="utf-8-sig", newline="") as fh:
            return _read_obligations(fh)
    return _read_obligations(source)


def _read_obligations(fh: Any) -> tuple[Obligation, ...]:
    reader = csv.DictReader(fh)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in _OBLIGATION_COLUMNS[:3] if c not in header]
    unknown = [c for c in header if c not in _OBLIGATION_COLUMNS]
    if missing or unknown:
        raise InvalidSettlement(
            f"the obligations file needs the columns farmer, kind, amount and may have loan_id, "
            f"priority, reference, due (got {', '.join(header) or 'no header'}).",
            field="columns",
            value=header,
        )
    reader.fieldnames = header
    out: list[Obligation] = []
    problems: list[tuple[int, str]] = []
    for row in reader:
        try:
            out.append(
                Obligation(
                    farmer=(row.get("farmer") or "").strip(),
                    kind=row.get("kind") or "",
                    amount=row.get("amount") or "",
                    loan_id=(row.get("loan_id") or "").strip() or None,
                    priority=(row.get("priority") or "").strip() or None,
                    reference=(row.get("reference") or "").strip(),
                    due=(row.get("due") or "").strip() or None,
                )
            )
            if not out[-1].farmer:
                out.pop()
                problems.append((reader.line_num, "'farmer' must not be blank."))
        except InvalidSettlement as exc:
            problems.append((reader.line_num, str(exc)))
    if problems:
        n = len(problems)
        raise InvalidSettlement(
            f"{n} bad row{'s' if n != 1 else ''} in the obligations file:\n"
            + "\n".join(f"  line {ln}: {msg}" for ln, msg in problems),
            field="rows",
            value=[ln for ln, _ in problems],
        )
    return tuple(out)
