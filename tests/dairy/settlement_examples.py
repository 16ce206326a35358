"""The settlement used by the document tests and golden files: a small co-op's second fortnight.

Three farmers over January 2026 (two fortnights, settled with ``settle_season`` so that the second
one carries arrears from the first): quality samples with a solids bonus, a hygiene bonus and a
hygiene penalty, cooling; per-litre transport and chilling charges; an intermediary price for the
comparison; loan installments capped at 30 % of gross, inputs on credit, compulsory and voluntary
savings; a protection floor of 40 % of gross. Farmer F03 delivers too little to cover everything,
so the statement shows arrears created, carried in and carried out, voluntary savings dropped, and
(litres of 7.3 at prices of 1.335) a rounding line.
"""

from __future__ import annotations

import datetime as dt

from coopfinance.dairy import (
    Delivery,
    MilkPriceSchedule,
    Obligation,
    Period,
    Quality,
    Settlement,
    SettlementPolicy,
    settle_season,
)

COOP = "Cooperativa Agraria Manantial de Vida"
NAMES = {"F01": "Juana Quispe Mamani", "F02": "Rosa Huamán Ccori", "F03": "Teodoro Yupanqui"}

PRICES = MilkPriceSchedule.from_dict(
    {
        "prices": [
            {
                "from": "2026-01-01",
                "to": "2026-12-31",
                "base": "1.30",
                "solids_bonus_per_point": "0.10",
                "cooling_bonus": "0.03",
                "hygiene": [
                    {"up_to": 100000, "adjustment": "0.02"},
                    {"up_to": 500000, "adjustment": "0"},
                    {"up_to": None, "adjustment": "-0.05"},
                ],
                "service_charges": {"transporte": "0.04", "enfriamiento": "0.015"},
                "intermediary": "1.10",
            }
        ]
    }
)
POLICY = SettlementPolicy(floor_share="0.40")


def _deliveries() -> list[Delivery]:
    out = []
    for day in range(1, 32, 2):  # every other day, as on a route picked up on alternate days
        date = dt.date(2026, 1, day)
        out.append(
            Delivery(
                farmer="F01",
                date=date,
                litres="42.5",
                quality=Quality(total_solids="12.6", bacterial_count=80000, cooled=True),
            )
        )
        out.append(
            Delivery(
                farmer="F02",
                date=date,
                litres=30,
                quality=Quality(total_solids="11.9", bacterial_count=650000)
                if day % 4 == 1
                else None,
            )
        )
        out.append(
            Delivery(
                farmer="F03",
                date=date,
                litres="7.3",
                quality=Quality(total_solids="12.45", cooled=day == 23) if day > 20 else None,
            )
        )
    return out


def _obligations(period: Period) -> list[Obligation]:
    return [
        Obligation(farmer="F01", kind="loan-installment", amount="180.00", loan_id="CS-2025-014"),
        Obligation(farmer="F01", kind="compulsory-savings", amount="20.00"),
        Obligation(farmer="F02", kind="input-advance", amount="45.50", reference="sales minerales"),
        Obligation(farmer="F02", kind="voluntary-savings", amount="10.00"),
        Obligation(farmer="F03", kind="loan-installment", amount="95.00", loan_id="CS-2025-031"),
        Obligation(farmer="F03", kind="input-advance", amount="30.00", reference="vacuna"),
        Obligation(farmer="F03", kind="voluntary-savings", amount="5.00"),
    ]


def season() -> tuple[Settlement, ...]:
    """The two fortnights of January 2026."""
    return settle_season(
        _deliveries(),
        PRICES,
        dt.date(2026, 1, 1),
        dt.date(2026, 1, 31),
        _obligations,
        policy=POLICY,
        farmers=("F01", "F02", "F03"),
    )


def golden_settlement() -> Settlement:
    """The second fortnight (16–31 January 2026), with arrears carried in from the first."""
    return season()[1]
