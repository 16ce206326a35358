"""Where the book meets the other areas' values: loan terms to and from plain data, and the
plain-data form of a :class:`~coopfinance.dairy.SettlementPolicy`, which has none of its own yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from coopfinance._json import json_default
from coopfinance._money import Currency
from coopfinance._terms import LoanTerms
from coopfinance.dairy import SettlementPolicy

# Names of the top package, taken from their layer-1/2 modules: a layer-9 module may not import
# ``coopfinance`` itself (layer 10). When issue 13 moves them, change these lines only.
__all__ = [
    "Currency",
    "LoanTerms",
    "json_default",
    "policy_from_dict",
    "policy_to_dict",
    "terms_from_dict",
]


def terms_from_dict(data: Mapping[str, Any]) -> LoanTerms:
    """Loan terms from their plain data (the keys of ``LoanTerms.from_dict``)."""
    return LoanTerms.from_dict(data)


def policy_to_dict(policy: SettlementPolicy) -> dict[str, Any]:
    """A settlement policy as JSON-ready data (decimals as text).

    >>> policy_from_dict(policy_to_dict(SettlementPolicy(floor_share="0.5"))).floor_share
    Decimal('0.5')
    """
    return {
        "frequency": policy.frequency.value,
        "order": [k.value for k in policy.order],
        "caps": {k.value: str(v) for k, v in policy.caps},
        "floor_share": str(policy.floor_share),
        "floor_price_per_litre": str(policy.floor_price_per_litre),
        "carry_voluntary": policy.carry_voluntary,
    }


def policy_from_dict(data: Mapping[str, Any]) -> SettlementPolicy:
    """The policy :func:`policy_to_dict` wrote."""
    return SettlementPolicy(
        frequency=data["frequency"],
        order=data["order"],
        caps=data["caps"],
        floor_share=data["floor_share"],
        floor_price_per_litre=data["floor_price_per_litre"],
        carry_voluntary=bool(data["carry_voluntary"]),
    )
