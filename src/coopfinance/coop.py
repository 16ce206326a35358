"""Co-op economics: members (socios) and non-member suppliers, contributions, surplus distribution.

Layer 5 (DESIGN.md). The remanente is distributed as Peru's Ley General de Cooperativas (TUO D.S.
074-90-TR) art. 42 num. 2 orders it (FENACREP Q&A, reference §5):

1. at least 20 % to the Reserva Cooperativa (non-distributable);
2. interest on the members' contributions (aportaciones), at a rate the statute limits;
3. the statutory funds (education and others), as shares of the surplus;
4. the rest as patronage refunds (retornos) to **members only**, in proportion to their operations
   with the co-op (litres or value delivered); non-member suppliers are excluded (reference §5,
   "cooperativa cerrada" practice, and §8: education fund 10 % [A]).

Every amount is in whole céntimos and the parts sum to the surplus exactly: the reserve is rounded
up (so it is never below 20 %), the funds half-up, and each split among members uses the
largest-remainder (Hamilton) method.

**Another statute's percentages.** The 20 % floor is the LGC's; a co-op under another law sets
``SurplusPolicy.minimum_reserve_share`` to that law's floor and the shares to its own, e.g.
Argentina's Ley 20.337 art. 42 (5 % reserva legal, 5 % fondo de acción asistencial y laboral, 5 %
fondo de educación y capacitación)::

    SurplusPolicy(minimum_reserve_share="0.05", reserve_share="0.05", education_share="0.05",
                  funds={"acción asistencial y laboral": "0.05"})

or Colombia's Ley 79 de 1988 art. 54 (20 % reserva de protección de aportes, 20 % fondo de
educación, 10 % fondo de solidaridad): ``reserve_share="0.20", education_share="0.20",
funds={"solidaridad": "0.10"}``. Where the law (or the statute) gives the result of operations
with non-members to the members **in proportion to their capital** instead of to the reserve
(``ThirdPartyResult.CAPITAL``; Chile's LGC art. 38 par. 2: "a prorrata de las cuotas de
participación"), that part is split by contributions before the rest is distributed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import attrs

from coopfinance._decimal import CONTEXT, ONE, ZERO, exact, to_decimal
from coopfinance._fields import ParseableEnum, to_text
from coopfinance._money import Currency
from coopfinance.dairy import Obligation, ObligationKind
from coopfinance.errors import E_, InvalidSurplusDistribution, InvalidValue, ParseError

__all__ = [
    "Member",
    "PatronageBasis",
    "Supplier",
    "SurplusDistribution",
    "SurplusPolicy",
    "ThirdPartyResult",
    "allocate",
    "contribution_obligations",
    "distribute_result",
    "distribute_surplus",
]

_MIN_RESERVE = Decimal("0.20")


_Number = Decimal | int | str


def _dec(value: _Number, field: str) -> Decimal:
    try:
        d = to_decimal(value, field=field)
    except ParseError as exc:
        raise InvalidSurplusDistribution(str(exc), field=field, value=value) from None
    if d < 0:
        raise InvalidSurplusDistribution(
            E_("%(field)s must not be negative (got %(d)s).", field=repr(field), d=d),
            field=field,
            value=d,
        )
    return d


def _id(value: str) -> str:
    return to_text(value, field="id", error=InvalidSurplusDistribution)


def _contributions(value: _Number) -> Decimal:
    return _dec(value, "contributions")


@attrs.frozen(slots=True, kw_only=True)
class Member:
    """A member (socio): one vote, paid-in contributions (aportaciones), a share in the surplus.

    >>> Member(id="S01", name="Rosa Quispe", contributions="1500").contribute("50").contributions
    Decimal('1550')
    """

    id: str = attrs.field(converter=_id)
    name: str = ""
    contributions: Decimal = attrs.field(default=ZERO, converter=_contributions)

    def contribute(self, amount: Any) -> Member:
        """This member after paying ``amount`` more in contributions."""
        return attrs.evolve(self, contributions=self.contributions + _dec(amount, "amount"))


@attrs.frozen(slots=True, kw_only=True)
class Supplier:
    """A non-member supplier: sells milk to the co-op, has no share in the surplus."""

    id: str = attrs.field(converter=_id)
    name: str = ""


@exact
def contribution_obligations(
    members: Iterable[Member], amount: Any, *, reference: str = "aportación"
) -> tuple[Obligation, ...]:
    """Compulsory contributions to deduct at a settlement: one obligation per member.

    >>> [o.kind.value for o in contribution_obligations([Member(id="S01")], "10.00")]
    ['compulsory-savings']
    """
    due = _dec(amount, "amount")
    return tuple(
        Obligation(
            farmer=m.id, kind=ObligationKind.COMPULSORY_SAVINGS, amount=due, reference=reference
        )
        for m in members
    )


class PatronageBasis(ParseableEnum):
    """What patronage refunds are proportional to."""

    LITRES = "litres"
    VALUE = "value"

    @classmethod
    def parse_error(cls) -> type[InvalidValue]:
        return InvalidSurplusDistribution


class ThirdPartyResult(ParseableEnum):
    """Where the result of operations with non-members (terceros) goes.

    LGC art. 66 num. 1 (TUO D.S. 074-90-TR) separates the net income from operations with
    non-members (taxed) from the operations with members (Ley 29683 art. 3: not subject); retornos
    are by definition in proportion to **members'** operations (LGC art. 5 num. 1, art. 42 num. 2
    num. 4). The LGC text read does not say whether the third-party margin may be distributed;
    cooperative doctrine sends it to the irrepartible reserve (reference
    peru-regulation-and-coop-accounts.md §2.5). Default ``reserve``; ``distribute`` leaves it in
    the remanente distributed under art. 42; ``capital`` splits it by contributions."""

    RESERVE = "reserve"
    DISTRIBUTE = "distribute"
    CAPITAL = "capital"
    """The third-party result is split among the members in proportion to their contributions
    (:attr:`SurplusDistribution.capital`), before the rest is distributed: Chile's LGC art. 38
    par. 2 distributes the excedente "proveniente de operaciones con terceros" "a prorrata de las
    cuotas de participación"; the LUMUCO example (``tests/coop/test_distribute_result.py``) pays
    the non-members' commission as a dividend by shares held."""

    @classmethod
    def parse_error(cls) -> type[InvalidValue]:
        return InvalidSurplusDistribution


def _third_party(value: ThirdPartyResult | str) -> ThirdPartyResult:
    return ThirdPartyResult.parse(value, field="third_party")


def _fraction(value: _Number, field: str) -> Decimal:
    d = _dec(value, field)
    if d > ONE:
        raise InvalidSurplusDistribution(
            E_("%(field)s must be at most 1 (got %(d)s).", field=repr(field), d=d),
            field=field,
            value=d,
        )
    return d


def _reserve_share(value: _Number) -> Decimal:
    return _fraction(value, "reserve_share")


def _minimum_reserve_share(value: _Number) -> Decimal:
    return _fraction(value, "minimum_reserve_share")


def _education_share(value: _Number) -> Decimal:
    return _dec(value, "education_share")


def _interest_rate(value: _Number) -> Decimal:
    return _dec(value, "contribution_interest_rate")


def _opt_cap(value: _Number | None) -> Decimal | None:
    return None if value is None else _dec(value, "contribution_interest_cap")


def _funds(value: Mapping[str, _Number]) -> tuple[tuple[str, Decimal], ...]:
    return tuple((str(k), _dec(v, f"funds.{k}")) for k, v in dict(value).items())


def _basis(value: PatronageBasis | str) -> PatronageBasis:
    return PatronageBasis.parse(value, field="basis")


@attrs.frozen(slots=True, kw_only=True)
class SurplusPolicy:
    """The statute's distribution parameters (reference §8 defaults).

    - ``reserve_share`` ≥ ``minimum_reserve_share`` (default 0.20 both: LGC art. 42; set the
      minimum to the law's when another applies, e.g. 0.05 for Argentina's Ley 20.337 art. 42);
    - ``contribution_interest_rate`` on paid-in contributions for the year (default 0), never above
      ``contribution_interest_cap`` when the statute sets one;
    - ``education_share`` (default 0.10 [A]) and other ``funds`` by name, as shares of the surplus;
    - ``basis``: patronage by litres (default) or value delivered.
    """

    reserve_share: Decimal = attrs.field(default=_MIN_RESERVE, converter=_reserve_share)
    contribution_interest_rate: Decimal = attrs.field(default=ZERO, converter=_interest_rate)
    contribution_interest_cap: Decimal | None = attrs.field(default=None, converter=_opt_cap)
    education_share: Decimal = attrs.field(default=Decimal("0.10"), converter=_education_share)
    funds: tuple[tuple[str, Decimal], ...] = attrs.field(factory=tuple, converter=_funds)
    basis: PatronageBasis = attrs.field(default=PatronageBasis.LITRES, converter=_basis)
    third_party: ThirdPartyResult = attrs.field(
        default=ThirdPartyResult.RESERVE, converter=_third_party
    )
    """Where a positive result of operations with non-members goes (:func:`distribute_result`)."""
    minimum_reserve_share: Decimal = attrs.field(
        default=_MIN_RESERVE, converter=_minimum_reserve_share
    )
    """The law's floor for ``reserve_share``: 0.20 under the LGC (art. 42 num. 2); another law's
    when the co-op is under it (Ley 20.337 art. 42: 0.05; Ley 79 de 1988 art. 54: 0.20)."""

    @exact
    def __attrs_post_init__(self) -> None:
        floor = self.minimum_reserve_share
        if self.reserve_share < floor:
            law = " (LGC art. 42)" if floor == _MIN_RESERVE else " ('minimum_reserve_share')"
            raise InvalidSurplusDistribution(
                E_(
                    "'reserve_share' must be at least %(floor)s%(law)s and at most 1 (got %(got)s).",
                    floor=floor,
                    law=law,
                    got=self.reserve_share,
                ),
                field="reserve_share",
                value=self.reserve_share,
            )
        cap = self.contribution_interest_cap
        if cap is not None and self.contribution_interest_rate > cap:
            raise InvalidSurplusDistribution(
                E_(
                    "'contribution_interest_rate' must not exceed the statute's cap "
                    "%(cap)s (got %(contribution_interest_rate)s).",
                    cap=cap,
                    contribution_interest_rate=self.contribution_interest_rate,
                ),
                field="contribution_interest_rate",
                value=self.contribution_interest_rate,
            )
        total = self.reserve_share + self.education_share + sum((s for _, s in self.funds), ZERO)
        if total > ONE:
            raise InvalidSurplusDistribution(
                E_(
                    "reserve, education and other funds must not exceed the surplus (got "
                    "%(total)s).",
                    total=total,
                ),
                field="funds",
                value=total,
            )


@exact
def allocate(total: Decimal, weights: Mapping[str, Decimal], unit: Decimal) -> dict[str, Decimal]:
    """Split ``total`` (a multiple of ``unit``) in proportion to ``weights``, in whole units, by the
    largest-remainder method: each gets ``⌊total·wᵢ/W⌋``, and the units left go one each to the
    largest remainders (ties to the earlier key). The parts sum to ``total`` exactly.

    >>> allocate(Decimal("100.00"), {"a": Decimal(1), "b": Decimal(1), "c": Decimal(1)},
    ...          Decimal("0.01"))
    {'a': Decimal('33.34'), 'b': Decimal('33.33'), 'c': Decimal('33.33')}
    """
    w_total = sum(weights.values(), ZERO)
    if w_total <= 0:
        raise InvalidSurplusDistribution(
            E_(
                "weights must have a positive sum to allocate %(total)s (got %(w_total)s).",
                total=total,
                w_total=w_total,
            ),
            field="weights",
            value=w_total,
        )
    units = int(CONTEXT.divide(total, unit))
    w_exact = Fraction(w_total)
    exact = {k: Fraction(units) * Fraction(w) / w_exact for k, w in weights.items()}
    floors = {k: math.floor(q) for k, q in exact.items()}
    left = units - sum(floors.values())
    keys = list(weights)
    order = sorted(range(len(keys)), key=lambda i: (-(exact[keys[i]] - floors[keys[i]]), i))
    for i in order[:left]:
        floors[keys[i]] += 1
    return {k: CONTEXT.multiply(Decimal(floors[k]), unit) for k in keys}


@attrs.frozen(slots=True, kw_only=True)
class SurplusDistribution:
    """The result of :func:`distribute_surplus`; the parts sum to ``surplus`` to the céntimo."""

    surplus: Decimal
    currency: Currency
    reserve: Decimal
    education: Decimal
    funds: tuple[tuple[str, Decimal], ...]
    interest: tuple[tuple[str, Decimal], ...]
    patronage: tuple[tuple[str, Decimal], ...]
    excluded: tuple[tuple[str, Decimal], ...]
    """Suppliers' deliveries left out of the patronage base (litres or value)."""
    third_party_reserve: Decimal = ZERO
    """The result of operations with non-members sent to the reserve (:func:`distribute_result`),
    besides the art. 42 reserve."""
    capital: tuple[tuple[str, Decimal], ...] = ()
    """The result of operations with non-members split among the members by contributions
    (``ThirdPartyResult.CAPITAL``); empty otherwise."""

    @property
    def total(self) -> Decimal:
        """Sum of every part (equals ``surplus``)."""
        parts = [self.reserve, self.third_party_reserve, self.education]
        parts += [v for _, v in self.funds] + [v for _, v in self.interest]
        parts += [v for _, v in self.patronage] + [v for _, v in self.capital]
        return sum(parts, ZERO)

    def to_member(self, member: str) -> Decimal:
        """Interest, patronage refund and share of the third-party result of one member."""
        return (
            dict(self.interest).get(member, ZERO)
            + dict(self.patronage).get(member, ZERO)
            + dict(self.capital).get(member, ZERO)
        )


@exact
def distribute_surplus(
    surplus: Any,
    members: Iterable[Member],
    patronage: Mapping[str, Any],
    policy: SurplusPolicy | None = None,
    *,
    suppliers: Iterable[Supplier] = (),
    currency: Currency | str = "PEN",
) -> SurplusDistribution:
    """Distribute the year's surplus (remanente) per LGC art. 42 (see the module docstring).

    ``patronage`` maps each member (and, if given, supplier) to the litres or value delivered;
    suppliers' entries are excluded, unknown ids are an error. Interest on contributions is paid
    at the policy's rate, scaled down pro rata if the surplus left after the reserve and funds
    cannot cover it.

    >>> members = [Member(id="S01", contributions="1000"), Member(id="S02", contributions="3000")]
    >>> d = distribute_surplus("10000.00", members, {"S01": "12000", "S02": "6000", "P07": "9000"},
    ...                        SurplusPolicy(contribution_interest_rate="0.05"),
    ...                        suppliers=[Supplier(id="P07")])
    >>> d.reserve, d.education
    (Decimal('2000.00'), Decimal('1000.00'))
    >>> dict(d.interest)
    {'S01': Decimal('50.00'), 'S02': Decimal('150.00')}
    >>> dict(d.patronage)
    {'S01': Decimal('4533.33'), 'S02': Decimal('2266.67')}
    >>> d.total
    Decimal('10000.00')
    """
    pol = policy or SurplusPolicy()
    cur = Currency.of(currency)
    unit = cur.unit
    total = _dec(surplus, "surplus")
    if total.quantize(unit, context=CONTEXT) != total:
        raise InvalidSurplusDistribution(
            E_(
                "'surplus' must be in whole %(code)s minor units (got %(total)s).",
                code=cur.code,
                total=total,
            ),
            field="surplus",
            value=total,
        )
    mems = tuple(members)
    ids = [m.id for m in mems]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise InvalidSurplusDistribution(
            E_("member %(dup)s is listed twice.", dup=repr(dup)), field="members", value=dup
        )
    supplier_ids = {s.id for s in suppliers}
    both = supplier_ids & set(ids)
    if both:
        raise InvalidSurplusDistribution(
            E_("%(both)s is both a member and a supplier.", both=repr(sorted(both)[0])),
            field="suppliers",
            value=both,
        )
    base: dict[str, Decimal] = {}
    excluded: list[tuple[str, Decimal]] = []
    for key, amount in patronage.items():
        d = _dec(amount, f"patronage[{key}]")
        if key in supplier_ids:
            excluded.append((key, d))
        elif key in ids:
            base[key] = d
        else:
            raise InvalidSurplusDistribution(
                E_("patronage for %(key)s, who is neither a member nor a supplier.", key=repr(key)),
                field="patronage",
                value=key,
            )
    reserve = CONTEXT.multiply(total, pol.reserve_share).quantize(unit, ROUND_CEILING, CONTEXT)
    education = CONTEXT.multiply(total, pol.education_share).quantize(unit, ROUND_HALF_UP, CONTEXT)
    funds = tuple(
        (name, CONTEXT.multiply(total, share).quantize(unit, ROUND_HALF_UP, CONTEXT))
        for name, share in pol.funds
    )
    available = total - reserve - education - sum((v for _, v in funds), ZERO)
    if available < 0:  # rounding of funds that add up to the whole surplus
        raise InvalidSurplusDistribution(
            E_("reserve and funds exceed the surplus %(total)s after rounding.", total=total),
            field="funds",
            value=available,
        )
    owed = {m.id: CONTEXT.multiply(m.contributions, pol.contribution_interest_rate) for m in mems}
    owed_total = sum(owed.values(), ZERO)
    interest_total = min(owed_total, available).quantize(unit, ROUND_FLOOR, CONTEXT)
    interest = (
        allocate(interest_total, owed, unit) if interest_total > 0 else dict.fromkeys(ids, ZERO)
    )
    pool = available - interest_total
    member_base = {k: v for k, v in base.items() if v > 0}
    if pool > 0 and not member_base:
        raise InvalidSurplusDistribution(
            E_(
                "no member delivered anything: the patronage refund %(pool)s has nobody to go to.",
                pool=pool,
            ),
            field="patronage",
            value=pool,
        )
    refunds = allocate(pool, member_base, unit) if pool > 0 else {}
    return SurplusDistribution(
        surplus=total,
        currency=cur,
        reserve=reserve,
        education=education,
        funds=funds,
        interest=tuple((i, interest.get(i, ZERO)) for i in ids),
        patronage=tuple((i, refunds.get(i, ZERO)) for i in ids),
        excluded=tuple(excluded),
    )


@exact
def distribute_result(
    result: Any,
    third_party: Any,
    members: Iterable[Member],
    patronage: Mapping[str, Any],
    policy: SurplusPolicy | None = None,
    *,
    suppliers: Iterable[Supplier] = (),
    currency: Currency | str = "PEN",
) -> SurplusDistribution:
    """Distribute the year's ``result`` of which ``third_party`` came from operations with
    non-members: with ``policy.third_party`` ``reserve`` (the default, see
    :class:`ThirdPartyResult`) a positive third-party result (at most the whole result) goes to
    the reserve first and the rest is distributed by :func:`distribute_surplus`; with
    ``distribute`` the whole result is; with ``capital`` it (at most the whole result) is split
    among the members in proportion to their contributions, to the céntimo by largest remainder
    (``capital`` of the answer), and the rest is distributed. A negative third-party result stays
    in the result (the members' operations bear the loss). ``surplus`` of the answer is the whole
    ``result``.

    >>> d = distribute_result("1000.00", "300.00", [Member(id="S01")], {"S01": "10"})
    >>> d.third_party_reserve, d.reserve, d.education, dict(d.patronage)["S01"], d.total
    (Decimal('300.00'), Decimal('140.00'), Decimal('70.00'), Decimal('490.00'), Decimal('1000.00'))
    """
    pol = policy or SurplusPolicy()
    total = _dec(result, "result")
    try:
        tp = to_decimal(third_party, field="third_party")
    except ParseError as exc:
        raise InvalidSurplusDistribution(str(exc), field="third_party", value=third_party) from None
    kept = ZERO
    if pol.third_party is not ThirdPartyResult.DISTRIBUTE and tp > 0:
        kept = min(tp, total)
    mems = tuple(members)
    d = distribute_surplus(
        total - kept, mems, patronage, pol, suppliers=suppliers, currency=currency
    )
    if pol.third_party is ThirdPartyResult.RESERVE:
        return attrs.evolve(d, surplus=total, third_party_reserve=kept)
    if pol.third_party is ThirdPartyResult.DISTRIBUTE or kept == 0:
        return attrs.evolve(d, surplus=total)
    weights = {m.id: m.contributions for m in mems if m.contributions > 0}
    if not weights:
        raise InvalidSurplusDistribution(
            E_(
                "no member has contributions: the third-party result %(kept)s has nobody to go to.",
                kept=kept,
            ),
            field="contributions",
            value=kept,
        )
    split = allocate(kept, weights, d.currency.unit)
    return attrs.evolve(
        d, surplus=total, capital=tuple((m.id, split.get(m.id, ZERO)) for m in mems)
    )
