"""Exercise generators, one per skill, grouped by :class:`Topic`.

Each generator takes a random source — ``random.Random``, ``numpy.random.Generator`` or an ``int``
seed — for numbers in realistic ranges (reference §4, §8: TEA 18–60 %, milk at S/ 0.95–1.75 a litre,
5-cow herds), and/or the member's own values as keyword arguments, which replace the drawn ones.
The answer is computed by the library's engines, so an answer key cannot drift from what the
library computes: :meth:`coopfinance.LoanTerms.schedule`, :func:`coopfinance.cost.tcea`,
:class:`coopfinance.Rate` conversions, :func:`coopfinance.dairy.settle` (milk value, settlement
net), :func:`coopfinance.coop.distribute_surplus` (patronage) and :func:`coopfinance.plans.payback`;
the worked solution reaches it step by step (see :meth:`Exercise.verify`). Only plain arithmetic
with no engine of its own (budget sums, the 30 % rule, break-even litres, savings deposits and
months) is computed here.

Modules by topic: ``_credit``, ``_milk``, ``_saving``, ``_budget``, ``_plans``, ``_coop``; what
they share (draws, the worked-solution builder, formatting) is in ``_kit``.

>>> ex = tea_to_tem(tea="35%")
>>> ex.answer, ex.unit.value
(Decimal('2.53'), 'percent')
>>> ex.check("2.92").mistake          # 35 % ÷ 12
<Mistake.TEA_DIVIDED_BY_12: 'tea-divided-by-12'>
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, TypeAlias

from coopfinance._decimal import exact
from coopfinance.errors import E_, InvalidValue, fmt_value
from coopfinance.training._exercise import Exercise, Topic
from coopfinance.training._generators._budget import household_surplus, repayment_capacity
from coopfinance.training._generators._coop import patronage_return
from coopfinance.training._generators._credit import (
    cronograma_interest,
    cronograma_principal,
    flat_offer_tcea,
    flat_vs_declining,
    tea_to_tem,
    tem_to_tea,
)
from coopfinance.training._generators._kit import RandomSource
from coopfinance.training._generators._milk import installment_share, milk_gross, settlement_net
from coopfinance.training._generators._plans import break_even_litres, payback_years
from coopfinance.training._generators._saving import savings_goal, savings_months

__all__ = [
    "GENERATORS",
    "RandomSource",
    "break_even_litres",
    "cronograma_interest",
    "cronograma_principal",
    "flat_offer_tcea",
    "flat_vs_declining",
    "generate",
    "generators_for",
    "household_surplus",
    "installment_share",
    "milk_gross",
    "patronage_return",
    "payback_years",
    "repayment_capacity",
    "savings_goal",
    "savings_months",
    "settlement_net",
    "tea_to_tem",
    "tem_to_tea",
]

# -- registry -----==================================================================================
GeneratorFn: TypeAlias = Callable[..., Exercise]

GENERATORS: Mapping[str, tuple[Topic, GeneratorFn]] = MappingProxyType(
    {
        "household_surplus": (Topic.BUDGET, household_surplus),
        "repayment_capacity": (Topic.BUDGET, repayment_capacity),
        "savings_months": (Topic.SAVING, savings_months),
        "savings_goal": (Topic.SAVING, savings_goal),
        "tea_to_tem": (Topic.CREDIT, tea_to_tem),
        "tem_to_tea": (Topic.CREDIT, tem_to_tea),
        "cronograma_interest": (Topic.CREDIT, cronograma_interest),
        "cronograma_principal": (Topic.CREDIT, cronograma_principal),
        "flat_vs_declining": (Topic.CREDIT, flat_vs_declining),
        "flat_offer_tcea": (Topic.CREDIT, flat_offer_tcea),
        "milk_gross": (Topic.MILK, milk_gross),
        "installment_share": (Topic.MILK, installment_share),
        "settlement_net": (Topic.MILK, settlement_net),
        "break_even_litres": (Topic.PLANS, break_even_litres),
        "payback_years": (Topic.PLANS, payback_years),
        "patronage_return": (Topic.COOP, patronage_return),
    }
)
"""Every generator by name, with its topic, in teaching order."""


@exact
def generators_for(topic: Topic | str) -> tuple[str, ...]:
    """The names of the generators of ``topic``, in teaching order."""
    t = Topic.parse(topic)
    return tuple(name for name, (tp, _) in GENERATORS.items() if tp is t)


@exact
def generate(name: str, rng: RandomSource = None, **member: Any) -> Exercise:
    """Run the generator ``name`` with ``rng`` and the member's own values.

    >>> generate("milk_gross", litres=1240, price="1.30").answer
    Decimal('1612.00')
    """
    if name not in GENERATORS:
        raise InvalidValue(
            E_(
                "'generator' must be one of %(generators)s (got %(name)s).",
                generators=", ".join(GENERATORS),
                name=fmt_value(name),
            ),
            field="generator",
            value=name,
        )
    return GENERATORS[name][1](rng, **member)
