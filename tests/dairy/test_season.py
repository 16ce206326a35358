"""A full simulated season for a co-op like Manantial de Vida (38 members + 150 suppliers,
24 fortnights, seeded) reconciles to the céntimo, and its patronage refunds go to members only."""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

from coopfinance.coop import Member, Supplier, SurplusPolicy, distribute_surplus
from coopfinance.dairy import (
    Delivery,
    MilkPriceSchedule,
    Obligation,
    ObligationKind,
    Period,
    Quality,
    SettlementPolicy,
    settle_season,
)

CENT = Decimal("0.01")
START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def _season() -> tuple[list[str], list[str], list[Delivery], MilkPriceSchedule]:
    rng = random.Random(20260101)
    members = [f"S{i:02d}" for i in range(1, 39)]
    suppliers = [f"P{i:03d}" for i in range(1, 151)]
    milk = []
    day = START
    while day <= END:
        for farmer in members + suppliers:
            if rng.random() < 0.03:  # a missed day now and then
                continue
            litres = Decimal(rng.randint(40, 900)) / 10
            quality = Quality(
                total_solids=Decimal(rng.randint(1150, 1290)) / 100, cooled=farmer < "T"
            )
            milk.append(Delivery(farmer=farmer, date=day, litres=litres, quality=quality))
        day += dt.timedelta(days=1)
    prices = MilkPriceSchedule.from_dict(
        {
            "prices": [
                {
                    "from": "2026-01-01",
                    "to": "2026-04-30",
                    "base": "1.25",
                    "solids_bonus_per_point": "0.08",
                    "cooling_bonus": "0.02",
                    "service_charges": {"transport": "0.04", "chilling": "0.015"},
                },
                {
                    "from": "2026-05-01",
                    "to": "2026-12-31",
                    "base": "1.32",
                    "solids_bonus_per_point": "0.08",
                    "cooling_bonus": "0.02",
                    "service_charges": {"transport": "0.04", "chilling": "0.015"},
                },
            ]
        }
    )
    return members, suppliers, milk, prices


def test_manantial_de_vida_season_reconciles() -> None:
    members, suppliers, milk, prices = _season()
    rng = random.Random(7)
    installments = {m: Decimal(rng.randint(50, 400)) for m in members}

    def obligations(p: Period) -> list[Obligation]:
        out = []
        for m in members:
            if p.start.day == 16:  # monthly loan installment in the second fortnight
                out.append(
                    Obligation(
                        farmer=m, kind="loan-installment", amount=installments[m], loan_id=f"L-{m}"
                    )
                )
            out.append(Obligation(farmer=m, kind="compulsory-savings", amount="10.00"))
            out.append(Obligation(farmer=m, kind="voluntary-savings", amount="5.00"))
        out += [Obligation(farmer=s, kind="input-advance", amount="35.50") for s in suppliers[::3]]
        return out

    policy = SettlementPolicy(floor_share="0.40")
    season = settle_season(
        milk, prices, START, END, obligations, policy=policy, farmers=members + suppliers
    )
    assert len(season) == 24
    new_due = Decimal(0)
    carried_in = Decimal(0)
    for n, s in enumerate(season):
        m = s.summary
        assert m.farmers == 188
        assert m.gross == m.deductions + m.net
        assert m.gross == sum(f.gross for f in s.statements)
        assert m.net == sum(f.net for f in s.statements)
        for kind, v in m.deductions_by_kind:
            assert v == sum(f.by_kind(kind)[0] for f in s.statements)
        for f in s.statements:
            assert f.gross == f.deductions + f.net
            assert f.net >= (f.gross * policy.floor_share)
            assert f.by_kind(ObligationKind.LOAN_INSTALLMENT)[0] <= (f.gross * Decimal("0.30"))
        new = sum(o.amount for o in obligations(s.period))
        prev = season[n - 1].carried(policy) if n else ()
        carried = sum(o.amount for o in prev)
        # service charges come from the price schedule: what is due is what was collected or short
        due = sum(f.due for f in s.statements)
        services = sum(
            c.due
            for f in s.statements
            for c in f.collections
            if c.obligation.kind is ObligationKind.SERVICE_CHARGE
            and not c.obligation.reference.startswith("arrears")
        )
        assert due == new + carried + services
        assert m.deductions + m.arrears == due
        new_due += new + services
        carried_in += carried
    # over the season: everything due was collected, is still carried, or was voluntary and let go
    collected = sum(s.summary.deductions for s in season)
    still_carried = sum(o.amount for o in season[-1].carried(policy))
    dropped = sum(
        c.short
        for s in season
        for f in s.statements
        for c in f.collections
        if c.obligation.kind is ObligationKind.VOLUNTARY_SAVINGS
    )
    assert collected + still_carried + dropped == new_due
    # an independent gross: Σ per farmer and fortnight of round(Σ litres × price)
    total_gross = sum(s.summary.gross for s in season)
    independent = Decimal(0)
    for s in season:
        per: dict[str, Decimal] = {}
        for d in milk:
            if s.period.contains(d.date):
                per[d.farmer] = per.get(d.farmer, Decimal(0)) + d.litres * prices.price(
                    d.date, d.quality
                )
        independent += sum(v.quantize(CENT, ROUND_HALF_UP) for v in per.values())
    assert total_gross == independent

    # the year's surplus: patronage by litres to members only
    litres = {f.farmer: Decimal(0) for f in season[0].statements}
    for s in season:
        for f in s.statements:
            litres[f.farmer] += f.litres
    dist = distribute_surplus(
        "48213.37",
        [Member(id=m, contributions="1200") for m in members],
        litres,
        SurplusPolicy(contribution_interest_rate="0.04", contribution_interest_cap="0.06"),
        suppliers=[Supplier(id=s) for s in suppliers],
    )
    assert dist.total == Decimal("48213.37")
    assert {k for k, _ in dist.patronage} == set(members)
    assert len(dist.excluded) == 150
