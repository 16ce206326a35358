"""Regenerate the bundled example co-op (illustrative data, modelled on Manantial de Vida).

Run from the repository root: ``python examples/generate.py [--out DIR]`` (default: this
directory). The output is deterministic for the seed below and is checked in (a test regenerates it
into a temporary directory and compares byte for byte); edit the parameters here, not the generated
files. It uses coopfinance from ``src/`` next to this directory when there is one.

Files (formats are the library's own loaders; see ``coopfinance.examples``):

- ``farmers.csv``: id, name, role (member/supplier), route, cows, litres_per_cow_day;
- ``loans.toml``: seed-capital loans for alfalfa (``LoanTerms.from_dict`` keys);
- ``deliveries.csv.gz``: a year of daily deliveries with a reception sample (``Deliveries.from_csv``
  of the decompressed text; only the compressed file is kept);
- ``prices.toml``: the milk price schedule, with a price change on 1 July (``MilkPriceSchedule``);
- ``entries.csv``: the co-op's own monthly costs and a year-end provision (``Book.record_entries``);
- ``obligations.csv``: input advances and members' contributions with due dates
  (``obligations_from_file``; loan installments come from the loan schedules, service charges from
  the price schedule);
- ``cohort.toml``: the training cohort of the borrowers (``training.Cohort.from_file``);
- ``pickup-plan.toml``: routes and pickup weekdays (``dairy.PickupPlan.from_file``);
- ``plan-manantial.<lang>.toml`` (es, en, pt_BR): the co-op's own business plan, the alfalfa of
  its loans from its own figures (``plans.BusinessPlan.from_file``; see ``plans()`` below);
- ``plan-alfalfa.toml`` is written by hand (``plans.BusinessPlan.from_file``).

Herds (``herds.csv``): each farmer's ``cows`` cows with calvings spread over the 305 + 86-day
cycle from a random phase; Wood's Peruvian crossbred curve scaled so that a cow's mean over the
cycle is the farmer's ``litres_per_cow_day`` (``coopfinance.examples.herd_curve``), the Ica
seasonality. Deliveries are that herd's litres, and for borrowers the alfalfa their loan pays for
(S/ 4,500 a hectare, first cut 90 days after sowing), with integer-seeded noise (±12 % at most), a
few days per route when the truck did not come, and rare single misses. The Chincha Baja route is
not collected on Sundays (the milk is made into cheese at home). A herd whose cows are all dry
delivers nothing (a dry day, not a missed pickup). Total solids and the bacterial count are
measured at reception on every delivery (analyser and reductase test), around 12.1 % and in four
hygiene tiers.

Loans (``loans.toml``): 30 members and 18 suppliers apply for S/ 1,500–6,000 (seeded); each
application is sized with ``coopfinance.linked.affordability`` against the herd's forecast (no
alfalfa counted, no knowledge of what will go wrong): every monthly installment at most 30 % of
the net milk (S/ 1.30 less S/ 0.055 of services a litre) of the fortnight whose settlement pays it
(the second of the month before: the check-off pays it on the 1st); capped by ``loan_limit`` (9 ×
the last 3 months' milk, Centenary SACCO's rule, reference §8) and rounded down to S/ 100; under
S/ 1,000 the application is declined with that figure as the reason (``[[declined]]``), as is a
herd dry in a paying fortnight. 18 monthly installments at a TEA of 18 % (Agrobanco's rate for
small loans) with Agrobanco's desgravamen of 0.0675 % a month on the original amount (reference
§8); level, seasonal (weights from ``seasonal_plan`` on the same forecast) and level with two
months of interest-only grace in turn.

Trouble (``loan-notes.csv``): three member borrowers with at least three cows, chosen by seed,
meet a sick cow (two cows lost on 20 September), a dry spell (no irrigation turn from August:
milk at 5 %) and a departure (the herd sold on 1 September). With the check-off collecting
everything else, that puts PAR30 at year end at about 5.7 %, inside the 4–9 % that SBS data give
for the agricultural portfolios of Peruvian rural lenders (Asbanc on SBS data, Nov 2017: cajas
rurales 6.29 %, cajas municipales 8.83 %; shared/reference/peru-regulation-and-coop-accounts.md
§1.8).

The co-op is illustrative: 38 members and 150 non-member suppliers in Cabeza de Toro (Ica, Peru),
herds of about 5 cows (Midagri 2025: most producers have fewer than 10 head), 6.5–10 litres per cow
per day, four collection routes. Names are invented.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import io
import json
import random
import sys
import tomllib
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import attrs

SEED = 20260201
HERE = Path(__file__).resolve().parent
if (HERE.parent / "src" / "coopfinance").is_dir():
    sys.path.insert(0, str(HERE.parent / "src"))

from coopfinance.dairy import (  # noqa: E402
    Alfalfa,
    Cow,
    Herd,
    SeasonalProfile,
    SettlementFrequency,
    periods_between,
)
from coopfinance.examples import CYCLE, herd_curve  # noqa: E402
from coopfinance.linked import affordability, loan_limit, seasonal_plan  # noqa: E402
from coopfinance.training import Curriculum  # noqa: E402

YEAR_START, YEAR_END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
COST_PER_HECTARE = 4500  # alfalfa establishment, as in plan-alfalfa.toml (36,000 for 8 ha)
NO_SUNDAY_ROUTES = ("Chincha Baja",)
HYGIENE = ((0.30, 60), (0.40, 180), (0.20, 520), (0.10, 1400))  # share of farms, base count (000)
CONTRIBUTION = "10.00"  # members' aportación per fortnight
MEMBERS, SUPPLIERS = 38, 150
ROUTES = ("Cabeza de Toro", "San José", "El Carmen", "Chincha Baja")
FIRST = (
    "Juana",
    "Rosa",
    "María",
    "Elena",
    "Carmen",
    "Lucía",
    "Teresa",
    "Sonia",
    "Julia",
    "Ana",
    "José",
    "Juan",
    "Pedro",
    "Luis",
    "Carlos",
    "Jorge",
    "Víctor",
    "Manuel",
    "Raúl",
    "Félix",
)
LAST = (
    "Quispe",
    "Mamani",
    "Huamán",
    "Ccahuana",
    "Pariona",
    "Chumpitaz",
    "Tasayco",
    "Yataco",
    "Cabrera",
    "Saravia",
    "Hernández",
    "Guillén",
    "Munayco",
    "Peña",
    "Uribe",
    "Napa",
    "Ramos",
    "Torres",
    "Flores",
    "Espinoza",
)


def farmers(rng: random.Random) -> list[dict[str, str]]:
    rows = []
    names: set[str] = set()
    for k in range(MEMBERS + SUPPLIERS):
        while True:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}"
            if name not in names:
                names.add(name)
                break
        member = k < MEMBERS
        cows = max(1, min(10, round(rng.gauss(5.5 if member else 4.5, 2))))
        rows.append(
            {
                "id": f"{'M' if member else 'S'}{k + 1:03d}",
                "name": name,
                "role": "member" if member else "supplier",
                "route": ROUTES[k % len(ROUTES)],
                "cows": str(cows),
                "litres_per_cow_day": f"{rng.uniform(6.5, 10.0):.1f}",
            }
        )
    return rows


TERM = 18  # monthly installments: alfalfa pays from its first cut, about 3 months after sowing
MINIMUM = 1000  # the smallest seed-capital loan the co-op makes
NET_PRICE = Decimal("1.30") - Decimal("0.055")  # base price less transport and chilling (prices)
CAPACITY = "0.30"  # installment at most 30 % of the paying fortnight's net milk (linked docs)
APPLICANTS_SUPPLIERS = 18
# APPLICANTS_SUPPLIERS: suppliers who apply, besides the first 30 members; the tutorial's Lucía
# asks for S/ 1,500 over 12 months
ASKED = {"M003": (1500, 12)}
# A realistic minority in trouble (the co-op's own records would show these; the dates and
# sizes are assumptions): each loan's cause is written in its note, in the loan officer's
# Spanish (notes and reasons are the co-op's records, like the names).
TROUBLE = {
    "sick-cow": "dos vacas perdidas por mastitis el 20 de septiembre",
    "dry-spell": "sin turno de riego desde agosto: se perdió la alfalfa, vacas secadas antes de "
    "tiempo, leche al 5 %",
    "leaves": "el socio vendió el hato el 1 de septiembre y se retiró de la cooperativa",
}
DRY_SPELL = (dt.date(2026, 8, 1), dt.date(2026, 12, 31), Decimal("0.05"))
SICK_COW, LEAVES = dt.date(2026, 9, 20), dt.date(2026, 9, 1)


def herds(people: list[dict[str, str]]) -> list[dict[str, str]]:
    """Each farmer's cows: calvings spread over the 305 + 86-day cycle from a random phase."""
    rng = _stream("herds")
    rows = []
    for f in people:
        n = int(f["cows"])
        phase = rng.randrange(CYCLE)
        for i in range(n):
            offset = (phase + i * CYCLE // n + rng.randrange(-10, 11)) % CYCLE
            calved = YEAR_START - dt.timedelta(days=offset)
            rows.append({"farmer": f["id"], "cow": str(i + 1), "calved": calved.isoformat(),
                         "leaves": ""})  # fmt: skip
    return rows


def _herd(farmer: dict[str, str], cows: list[dict[str, str]], *, forecast: bool = False) -> Herd:
    """The farmer's herd; a ``forecast`` (at the application) does not know which cows leave."""
    curve = herd_curve(Decimal(farmer["litres_per_cow_day"]))
    return Herd(
        cows=[
            Cow(calved=c["calved"], leaves=None if forecast else c["leaves"] or None) for c in cows
        ],
        curve=curve,
        seasonality=SeasonalProfile.ica(),
    )


def _paying_fortnights(disbursed: dt.date, term: int) -> list[tuple[dt.date, dt.date]]:
    """The fortnight whose settlement pays each monthly installment: due on the 1st, paid from
    the second fortnight of the month before (the check-off pays it on the 1st)."""
    out = []
    due = disbursed
    for _ in range(term):
        due = (due.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        end = due - dt.timedelta(days=1)
        out.append((end.replace(day=16), end))
    return out


def _net_income(herd: Herd, start: dt.date, end: dt.date) -> Decimal:
    days = (end - start).days + 1
    litres = sum((herd.litres(start + dt.timedelta(days=i)) for i in range(days)), Decimal(0))
    return (litres * NET_PRICE).quantize(Decimal("0.01"))


def loans(people: list[dict[str, str]], cows: dict[str, list[dict[str, str]]]) -> str:
    """Applications sized with the library's own rules against each farm's forecast (no alfalfa
    counted: the lift is not yet there): the largest loan whose installments stay within 30 % of
    the paying fortnight's net milk (``affordability``), capped by 9 × the last 3 months' milk
    proceeds (``loan_limit``, Centenary SACCO's rule) and by what was asked; below S/ 1,000 the
    application is declined with that figure as the reason. Seasonal loans weigh their
    installments by the forecast (``seasonal_plan``)."""
    lines = [
        "# Seed-capital loans for alfalfa (illustrative). Generated by examples/generate.py.",
        "# Every key of a [[loan]] table except id, farmer, plan and note is a LoanTerms.from_dict",
        "# key. Each was sized with coopfinance.linked.affordability (installment at most 30 % of",
        "# the paying fortnight's forecast net milk) and loan_limit (9 x the last 3 months' milk);",
        "# [[declined]] lists the applications that failed those rules.",
        "",
    ]
    rng = _stream("loans")
    declined = []
    applicants = people[:30] + rng.sample(people[MEMBERS:], APPLICANTS_SUPPLIERS)
    k = 0
    for farmer in applicants:
        herd = _herd(farmer, cows[farmer["id"]], forecast=True)
        requested = rng.randrange(1500, 6001, 100)
        requested, term = ASKED.get(farmer["id"], (requested, TERM))
        disbursed = dt.date(2026, 2, 1) + dt.timedelta(days=rng.choice((0, 0, 0, 28)))
        plan = ("level", "seasonal", "level-grace")[k % 3]
        income = [_net_income(herd, a, b) for a, b in _paying_fortnights(disbursed, term)]
        last3 = [
            _net_income(herd, dt.date(2025, m0, 1), dt.date(y1, m1, 1) - dt.timedelta(days=1))
            for m0, y1, m1 in ((10, 2025, 11), (11, 2025, 12), (12, 2026, 1))
        ]
        limit = loan_limit(last3)
        grace = 2 if plan == "level-grace" else 0
        if min(income[grace:]) <= 0:
            declined.append((farmer, requested, "hato seco en una quincena de pago"))
            continue
        fit = affordability(
            income, "18%", disbursed=disbursed, capacity=CAPACITY, frequency="monthly",
            amortization="weighted" if plan == "seasonal" else "level", step=100,
            grace=grace,
        )  # fmt: skip
        principal = min(Decimal(requested), fit.principal, limit)
        principal = principal.quantize(Decimal("100"), ROUND_DOWN)
        if principal < MINIMUM:
            declined.append(
                (farmer, requested,
                 f"capacidad S/ {fit.principal} (30 % de la leche de la quincena, cuota "
                 f"{fit.binding_period}), límite S/ {limit}: menos del mínimo de S/ {MINIMUM}")
            )  # fmt: skip
            continue
        k += 1
        lines += [
            "[[loan]]",
            f'id = "L{k:03d}"',
            f'farmer = "{farmer["id"]}"',
            f'plan = "{plan}"',
            f'principal = "{principal}"',
            'rate = "18%"',
            f'disbursed = "{disbursed.isoformat()}"',
            f"installments = {term}",
            'charges = ["insurance:0.0675%:original"]',
        ]
        if plan == "seasonal":
            terms = seasonal_plan(principal, "18%", disbursed, income, frequency="monthly")
            assert terms.weights is not None
            lines += [
                'amortization = "weighted"',
                "weights = [" + ", ".join(f'"{w.quantize(Decimal("0.0001"))}"'
                                          for w in terms.weights) + "]",
            ]  # fmt: skip
        if plan == "level-grace":
            lines += ["grace = 2", 'grace_type = "pay-interest"']
        lines.append("")
    for farmer, requested, reason in declined:
        lines += [
            "[[declined]]",
            f'farmer = "{farmer["id"]}"',
            f'requested = "{requested}"',
            f'reason = "{reason}"',
            "",
        ]
    return "\n".join(lines)


def troubles(loan_rows: list[dict[str, object]], people: list[dict[str, str]]) -> dict[str, str]:
    """Three borrowers with at least three cows, one per kind of trouble (seeded)."""
    rng = _stream("trouble")
    cows = {f["id"]: int(f["cows"]) for f in people}
    members = [str(r["farmer"]) for r in loan_rows if str(r["farmer"]).startswith("M")]
    big = [i for i in members if cows[i] >= 3]
    picked = rng.sample(big, 3)
    return dict(zip(picked, TROUBLE, strict=True))


def _stream(name: str) -> random.Random:
    """An independent random stream per file, so that changing one file leaves the others alone."""
    return random.Random(f"{SEED}-{name}")


def _days() -> list[dt.date]:
    return [YEAR_START + dt.timedelta(days=i) for i in range((YEAR_END - YEAR_START).days + 1)]


def deliveries(
    people: list[dict[str, str]],
    loan_rows: list[dict[str, object]],
    cows: dict[str, list[dict[str, str]]],
    trouble: dict[str, str],
) -> str:
    rng = _stream("deliveries")
    by_farmer = {str(row["farmer"]): row for row in loan_rows}
    days = _days()
    down = {route: set(rng.sample(days, rng.randint(3, 6))) for route in ROUTES}
    traits = []
    for f in people:
        herd = _herd(f, cows[f["id"]])
        loan = by_farmer.get(f["id"])
        if loan is not None and trouble.get(f["id"]) != "leaves":
            hectares = (Decimal(str(loan["principal"])) / COST_PER_HECTARE).quantize(
                Decimal("0.01")
            )
            sown = dt.date.fromisoformat(str(loan["disbursed"])) + dt.timedelta(days=7)
            herd = attrs.evolve(
                herd, alfalfa=[Alfalfa(hectares=hectares, sown=sown, establishment_days=90)]
            )
        solids = 1210 + rng.randint(-30, 30)  # the farm's mean total solids, hundredths of a %
        pick, acc, count = rng.random(), 0.0, HYGIENE[-1][1]
        for share, base_count in HYGIENE:
            acc += share
            if pick < acc:
                count = base_count
                break
        cooled = rng.random() < (0.7 if f["role"] == "member" else 0.2)
        traits.append((f, herd, solids, count, cooled))
    out = io.StringIO()
    out.write("farmer,date,litres,total_solids,bacterial_count,cooled\n")
    tenth = Decimal("0.1")
    for day in days:
        for f, herd, solids, count, cooled in traits:
            if day in down[f["route"]] or rng.randrange(250) == 0:
                continue
            if day.weekday() == 6 and f["route"] in NO_SUNDAY_ROUTES:
                continue
            expected = herd.litres(day)
            if trouble.get(f["id"]) == "dry-spell" and DRY_SPELL[0] <= day <= DRY_SPELL[1]:
                expected *= DRY_SPELL[2]
            if expected == 0:
                continue
            noise = Decimal(1000 + sum(rng.randint(-40, 40) for _ in range(3))) / 1000
            litres = (expected * noise).quantize(tenth, ROUND_HALF_UP)
            if litres <= 0:
                continue
            ts = solids + rng.randint(-15, 15) + rng.randint(-15, 15)
            ufc = count * rng.randint(70, 140) // 100 * 1000
            out.write(
                f"{f['id']},{day.isoformat()},{litres},{ts // 100}.{ts % 100:02d},{ufc},"
                f"{'yes' if cooled else 'no'}\n"
            )
    return out.getvalue()


def prices() -> str:
    common = [
        'solids_reference = "12.1"',
        'solids_bonus_per_point = "0.10"',
        'cooling_bonus = "0.03"',
        "hygiene = [",
        '  { up_to = 100000, adjustment = "0.03" },',
        '  { up_to = 300000, adjustment = "0.01" },',
        '  { up_to = 1000000, adjustment = "0.00" },',
        '  { adjustment = "-0.05" },',
        "]",
        'service_charges = { transport = "0.04", chilling = "0.015" }',
    ]
    return "\n".join(
        [
            "# Milk price schedule of the example co-op (illustrative amounts). Generated by",
            "# examples/generate.py; read with coopfinance.dairy.MilkPriceSchedule.from_file.",
            "# Price of a litre = base + solids bonus x (total solids - 12.1) + hygiene tier",
            "# + cooling bonus; service charges per litre are deducted at settlement. The buyer",
            "# raised its price on 1 July; 'intermediary' is what the acopiador pays, for comparison.",
            'currency = "PEN"',
            "",
            "# How the documents name each service charge, per language (the key is the charge's",
            "# name in service_charges); a language without a name uses coopfinance's catalog.",
            "[service_names]",
            'transport = { es = "Flete", en = "Transport", pt_BR = "Frete" }',
            'chilling = { es = "Enfriamiento en tanque", en = "Tank chilling", pt_BR = "Resfriamento"'
            " }",
            "",
            "[[prices]]",
            "from = 2026-01-01",
            "to = 2026-06-30",
            'base = "1.30"',
            *common,
            'intermediary = "1.10"',
            "",
            "[[prices]]",
            "from = 2026-07-01",
            "to = 2026-12-31",
            'base = "1.35"',
            *common,
            'intermediary = "1.12"',
            "",
        ]
    )


def obligations(people: list[dict[str, str]]) -> str:
    rng = _stream("obligations")
    periods = list(periods_between(YEAR_START, YEAR_END, SettlementFrequency.SEMI_MONTHLY))
    rows = []
    for f in people:
        if f["role"] == "member":
            for k, p in enumerate(periods):
                rows.append(
                    (
                        p.end,
                        f["id"],
                        "compulsory-savings",
                        CONTRIBUTION,
                        f"aportación {k + 1}/{len(periods)}",
                    )
                )
    advanced = rng.sample(people, 40)
    for n, f in enumerate(sorted(advanced, key=lambda r: r["id"]), start=1):
        what = rng.choice(("alimento balanceado", "sanidad (veterinario)", "inseminación"))
        amount = rng.randrange(150, 601, 10)
        start = rng.randrange(len(periods) - 4)
        parts = rng.randint(2, 4)
        each = (Decimal(amount) / parts).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        for j in range(parts):
            due = each if j < parts - 1 else Decimal(amount) - each * (parts - 1)
            rows.append(
                (
                    periods[start + 1 + j].end,
                    f["id"],
                    "input-advance",
                    str(due),
                    f"adelanto A{n:03d} {what} {j + 1}/{parts}",
                )
            )
    rows.sort(key=lambda r: (r[0], r[1]))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("farmer", "kind", "amount", "reference", "due"))
    for due_date, farmer, kind, amount, ref in rows:
        writer.writerow((farmer, kind, amount, ref, due_date.isoformat()))
    return out.getvalue()


MAKE_UP = 0.75  # [A] share of the absent who come to a session's make-up: no published rate found
PASS_MARK = 0.6


def cohort(people: list[dict[str, str]], loan_rows: list[dict[str, object]]) -> str:
    rng = _stream("cohort")
    names = {f["id"]: f for f in people}
    ids = [str(row["farmer"]) for row in loan_rows]
    curriculum = Curriculum.default("es")
    people_lines = [
        f'  {{ id = "{i}", name = "{names[i]["name"]}", role = "{names[i]["role"]}" }},'
        for i in ids
    ]
    body = [
        "# Training cohort of the example co-op (illustrative): the borrowers of the seed-capital",
        "# loans take the default curriculum, one session each Saturday from 10 January, with a",
        "# pre-quiz at a module's first session and a post-quiz at its last. Generated by",
        "# examples/generate.py; read with coopfinance.training.Cohort.from_file.",
        'id = "mdv-2026"',
        'name = "Manantial de Vida 2026 (ejemplo)"',
        'curriculum = "default"',
        'lang = "es"',
        "",
        "participants = [",
        *people_lines,
        "]",
        "",
    ]
    keen = {i: rng.uniform(0.75, 1.0) for i in ids}
    skill = {i: rng.uniform(0.25, 0.6) for i in ids}
    day = dt.date(2026, 1, 10)  # Saturdays from 10 January
    held: dict[str, tuple[dt.date, list[str]]] = {}
    body.append("sessions = [")
    for _, session in curriculum.sessions():
        present = [i for i in ids if rng.random() < keen[i]]
        held[session.id] = (day, present)
        body.append(
            f'  {{ session = "{session.id}", date = {day.isoformat()}, '
            f"attended = [{', '.join(f'{chr(34)}{i}{chr(34)}' for i in present)}] }},"
        )
        day += dt.timedelta(days=7)
    # make-up sessions (recuperación), on the two Wednesdays after each session: who missed it
    # comes with probability MAKE_UP each time (a stream of their own, so the Saturdays stay as
    # they were); a post-quiz missed or failed is taken at the make-up (the best mark counts:
    # Cohort.progress)
    again = _stream("cohort-make-up")
    make_ups: dict[str, list[tuple[dt.date, list[str]]]] = {}
    for _, session in curriculum.sessions():
        date, present = held[session.id]
        seen = set(present)
        make_ups[session.id] = []
        for k in (1, 2):
            came = [i for i in ids if i not in seen and again.random() < MAKE_UP]
            seen.update(came)
            make_ups[session.id].append((date + dt.timedelta(days=4 + 7 * (k - 1)), came))
            if came:
                body.append(
                    f'  {{ session = "{session.id}", '
                    f"date = {(date + dt.timedelta(days=4 + 7 * (k - 1))).isoformat()}, "
                    f"attended = [{', '.join(f'{chr(34)}{i}{chr(34)}' for i in came)}] }},"
                )
    body += ["]", "", "scores = ["]
    for module in curriculum.modules:
        total = len(module.exercises)
        first, last = module.sessions[0].id, module.sessions[-1].id
        passed: set[str] = set()
        for kind, sid in (("pre", first), ("post", last)):
            date, present = held[sid]
            for i in present:
                p = skill[i] if kind == "pre" else min(0.95, skill[i] + rng.uniform(0.25, 0.45))
                correct = sum(rng.random() < p for _ in range(total))
                body.append(
                    f'  {{ participant = "{i}", module = "{module.id}", kind = "{kind}", '
                    f"correct = {correct}, total = {total}, date = {date.isoformat()} }},"
                )
                if kind == "post" and correct >= PASS_MARK * total:
                    passed.add(i)
        been = set(held[last][1])
        for later, came in make_ups[last]:
            been.update(came)
            for i in sorted(been - passed, key=ids.index):
                p = min(0.95, skill[i] + again.uniform(0.30, 0.50))
                correct = sum(again.random() < p for _ in range(total))
                if correct >= PASS_MARK * total:
                    passed.add(i)
                body.append(
                    f'  {{ participant = "{i}", module = "{module.id}", kind = "post", '
                    f"correct = {correct}, total = {total}, date = {later.isoformat()} }},"
                )
    body += ["]", "", "[rule]", 'min_attendance = "0.8"', f'pass_mark = "{PASS_MARK}"', ""]
    return "\n".join(body)


def pickup_plan(people: list[dict[str, str]]) -> str:
    lines = [
        "# Collection routes and pickup weekdays of the example co-op (illustrative). Generated by",
        "# examples/generate.py; read with coopfinance.dairy.PickupPlan.from_file. days: daily or",
        "# a list of mon ... sun; farmer_days = { ID = [...] } gives a farmer other days.",
    ]
    for route in ROUTES:
        farmers = [f["id"] for f in people if f["route"] == route]
        days = (
            '["mon", "tue", "wed", "thu", "fri", "sat"]' if route in NO_SUNDAY_ROUTES else '"daily"'
        )
        lines += ["", "[[routes]]", f'name = "{route}"', f"days = {days}", "farmers = ["]
        for k in range(0, len(farmers), 10):
            lines.append("  " + ", ".join(f'"{i}"' for i in farmers[k : k + 10]) + ",")
        lines.append("]")
    return "\n".join(lines) + "\n"


# The co-op's own monthly costs (illustrative, in soles): the collection truck and its driver,
# the chilling centre's power, two staff, interest on the co-op's own borrowing, depreciation of
# the tank; and a provision for the loans in trouble at year end. The plant buys the milk at
# BUYER_PRICE a litre (the demo records one sale per fortnight from the book's closes).
MONTHLY_COSTS = {"transport": "2500.00", "staff": "3000.00", "chilling": "800.00",
                 "borrowing-interest": "400.00", "depreciation": "500.00"}  # fmt: skip
PROVISION = "1000.00"


def entries() -> str:
    """``entries.csv``: the co-op's own costs, one row per kind and month (``record_entries``)."""
    rows = []
    for month in range(1, 13):
        end = dt.date(2026, month, 28) + dt.timedelta(days=4)
        end -= dt.timedelta(days=end.day)
        rows += [{"date": end.isoformat(), "kind": k, "amount": v, "reference": f"{k}-{end:%m}"}
                 for k, v in MONTHLY_COSTS.items()]  # fmt: skip
    rows.append({"date": "2026-12-31", "kind": "provision", "amount": PROVISION,
                 "reference": "prov-2026"})  # fmt: skip
    return _csv(rows)


def _csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


# The co-op's own business plan (plan-manantial.<lang>.toml): the alfalfa sown with the seed-capital
# loans, evaluated for the borrowers' farms, with and without it. Every figure is the example's
# own: members and women members from farmers.csv, the loans' total and terms from loans.toml,
# the hectares they pay for (COST_PER_HECTARE), 2026's litres from the deliveries; the months
# after the recorded year come from the same herd model the deliveries were drawn from (Wood
# curve and Ica seasonality, with and without the alfalfa); without it, a recorded month is its
# litres times the herds' modelled ratio of the month without and with the alfalfa. Unit costs
# that no example file holds are the hand-written alfalfa plan's assumptions (purchased feed
# 0.62 → 0.52 a litre; maintenance 24,000 a year for 8 ha, 3,000 a hectare).
PLAN_START, PLAN_YEARS = dt.date(2026, 3, 1), 5
FEED_WITH, FEED_WITHOUT, UPKEEP_PER_HECTARE = "0.52", "0.62", 3000
BUYER_PRICE = "1.37"  # what the plant pays the co-op a litre (coopfinance._demo.BUYER_PRICE)
WOMEN = set(FIRST[:10])
PLAN_TEXT = {
    "es": {
        "title": "Alfalfa con capital semilla: Cooperativa Agraria Manantial de Vida (ilustrativo)",
        "head": "# EJEMPLO ILUSTRATIVO — el plan de la cooperativa del ejemplo, con sus propias cifras.",
        "kind": "cooperativa agraria",
        "location": "Cabeza de Toro, Ica, Perú",
        "objectives": [
            "Sembrar {ha} ha de alfalfa en las {farms} fincas que tomaron un préstamo de capital "
            "semilla ({members} socios y {suppliers} proveedores)",
            "Subir la leche de esas fincas de {before} a {after} litros al día (enero y "
            "diciembre de 2026, registrados)",
        ],
        "market": "Leche fresca vendida a la planta procesadora; la cooperativa paga a cada "
        "productor por quincena, con bonificaciones por calidad, y descuenta la cuota en la "
        "liquidación.",
        "buyer": "Planta procesadora (ilustrativo)",
        "commitment": "contrato de compra",
        "investment": "Instalación de alfalfa, {ha} ha ({loans} préstamos de capital semilla)",
        "category": "forraje",
        "lender": "fondo de capital semilla de la cooperativa",
        "with": "con alfalfa",
        "with_desc": "las {farms} fincas prestatarias con la alfalfa de sus préstamos: 2026 "
        "registrado, luego el modelo de cada hato",
        "without": "sin alfalfa",
        "without_desc": "las mismas fincas y hatos sin alfalfa (modelo de cada hato: curva de "
        "Wood, estacionalidad de Ica)",
        "feed": "Concentrado y forraje comprado",
        "services": "Flete y enfriamiento (descontados en la liquidación)",
        "upkeep": "Mantenimiento de la alfalfa (agua, abono, mano de obra)",
        "risks": [
            "Sin turno de riego se pierde la alfalfa (una finca en 2026: préstamo {dry}).",
            "Una vaca enferma baja la leche y la cuota queda pendiente (préstamo {sick}).",
            "Un socio que vende su hato deja de entregar leche (préstamo {leaves}).",
        ],
        "training": [
            "Curso de finanzas de la cooperativa para todos los prestatarios (sábados desde "
            "el 10 de enero)",
        ],
        "notes": "Generado por examples/generate.py con los datos del ejemplo; el préstamo del "
        "plan reúne los {loans} préstamos de la cartera (mismo total, tasa y plazo).",
    },
    "en": {
        "title": "Alfalfa with seed capital: Manantial de Vida agrarian co-op (illustrative)",
        "head": "# ILLUSTRATIVE EXAMPLE — the example co-op's own plan, from its own figures.",
        "kind": "agrarian cooperative",
        "location": "Cabeza de Toro, Ica, Peru",
        "objectives": [
            "Sow {ha} ha of alfalfa on the {farms} farms that took a seed-capital loan "
            "({members} members and {suppliers} suppliers)",
            "Raise those farms' milk from {before} to {after} litres a day (January and "
            "December 2026, recorded)",
        ],
        "market": "Fresh milk sold to the processing plant; the co-op pays each farmer by "
        "fortnight, with quality bonuses, and deducts the installment in the settlement.",
        "buyer": "Processing plant (illustrative)",
        "commitment": "purchase contract",
        "investment": "Alfalfa establishment, {ha} ha ({loans} seed-capital loans)",
        "category": "forage",
        "lender": "the co-op's seed-capital fund",
        "with": "with alfalfa",
        "with_desc": "the {farms} borrowing farms with the alfalfa of their loans: 2026 "
        "recorded, then each herd's model",
        "without": "without alfalfa",
        "without_desc": "the same farms and herds without alfalfa (each herd's model: Wood "
        "curve, Ica seasonality)",
        "feed": "Purchased concentrate and forage",
        "services": "Transport and chilling (deducted in the settlement)",
        "upkeep": "Alfalfa upkeep (water, fertiliser, labour)",
        "risks": [
            "Without an irrigation turn the alfalfa is lost (one farm in 2026: loan {dry}).",
            "A sick cow lowers the milk and the installment falls behind (loan {sick}).",
            "A member who sells the herd stops delivering (loan {leaves}).",
        ],
        "training": [
            "The co-op's finance course for every borrower (Saturdays from 10 January)",
        ],
        "notes": "Generated by examples/generate.py from the example's data; the plan's loan "
        "stands for the portfolio's {loans} loans (same total, rate and term).",
    },
    "pt_BR": {
        "title": "Alfafa com capital semente: Cooperativa Agrária Manantial de Vida (ilustrativo)",
        "head": "# EXEMPLO ILUSTRATIVO — o plano da cooperativa do exemplo, com seus próprios números.",
        "kind": "cooperativa agrária",
        "location": "Cabeza de Toro, Ica, Peru",
        "objectives": [
            "Plantar {ha} ha de alfafa nas {farms} propriedades que tomaram um empréstimo de "
            "capital semente ({members} cooperados e {suppliers} fornecedores)",
            "Elevar o leite dessas propriedades de {before} para {after} litros por dia (janeiro "
            "e dezembro de 2026, registrados)",
        ],
        "market": "Leite fresco vendido à usina; a cooperativa paga cada produtor por quinzena, "
        "com bonificações por qualidade, e desconta a parcela no acerto.",
        "buyer": "Usina de laticínios (ilustrativo)",
        "commitment": "contrato de compra",
        "investment": "Implantação de alfafa, {ha} ha ({loans} empréstimos de capital semente)",
        "category": "forragem",
        "lender": "fundo de capital semente da cooperativa",
        "with": "com alfafa",
        "with_desc": "as {farms} propriedades tomadoras com a alfafa dos seus empréstimos: 2026 "
        "registrado, depois o modelo de cada rebanho",
        "without": "sem alfafa",
        "without_desc": "as mesmas propriedades e rebanhos sem alfafa (modelo de cada rebanho: "
        "curva de Wood, sazonalidade de Ica)",
        "feed": "Concentrado e forragem comprados",
        "services": "Frete e resfriamento (descontados no acerto)",
        "upkeep": "Manutenção da alfafa (água, adubo, mão de obra)",
        "risks": [
            "Sem turno de irrigação a alfafa se perde (uma propriedade em 2026: empréstimo {dry}).",
            "Uma vaca doente baixa o leite e a parcela fica em atraso (empréstimo {sick}).",
            "Um cooperado que vende o rebanho deixa de entregar leite (empréstimo {leaves}).",
        ],
        "training": [
            "Curso de finanças da cooperativa para todos os tomadores (sábados a partir de "
            "10 de janeiro)",
        ],
        "notes": "Gerado por examples/generate.py com os dados do exemplo; o empréstimo do plano "
        "reúne os {loans} empréstimos da carteira (mesmo total, taxa e prazo).",
    },
}


def _month_starts() -> list[dt.date]:
    out, day = [], PLAN_START
    for _ in range(12 * PLAN_YEARS):
        out.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


def _month_days(first: dt.date) -> list[dt.date]:
    after = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return [first + dt.timedelta(days=i) for i in range((after - first).days)]


def _per_day(total: Decimal, days: int) -> Decimal:
    return (total / days).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _toml(value: object) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


def plans(
    people: list[dict[str, str]],
    cows: dict[str, list[dict[str, str]]],
    loan_rows: list[dict[str, object]],
    delivery_text: str,
    trouble: dict[str, str],
) -> dict[str, str]:
    """``plan-manantial.<lang>.toml`` in Spanish, English and Portuguese (the same figures)."""
    by_id = {f["id"]: f for f in people}
    borrowers = [str(r["farmer"]) for r in loan_rows]
    mine = set(borrowers)
    recorded: dict[tuple[int, int], Decimal] = {}
    for line in delivery_text.splitlines()[1:]:
        farmer, day, litres = line.split(",")[:3]
        if farmer in mine:
            key = (int(day[:4]), int(day[5:7]))
            recorded[key] = recorded.get(key, Decimal(0)) + Decimal(litres)
    before = _per_day(recorded[(2026, 1)], 31)
    after = _per_day(recorded[(2026, 12)], 31)
    hectares = Decimal(0)
    with_herds, without_herds = [], []
    for row in loan_rows:
        f = by_id[str(row["farmer"])]
        herd = _herd(f, cows[f["id"]])
        without_herds.append(herd)
        if trouble.get(f["id"]) == "leaves":
            with_herds.append(herd)
            continue
        ha = (Decimal(str(row["principal"])) / COST_PER_HECTARE).quantize(Decimal("0.01"))
        hectares += ha
        sown = dt.date.fromisoformat(str(row["disbursed"])) + dt.timedelta(days=7)
        with_herds.append(
            attrs.evolve(herd, alfalfa=[Alfalfa(hectares=ha, sown=sown, establishment_days=90)])
        )
    with_litres, without_litres = [], []
    for first in _month_starts():
        days = _month_days(first)
        bare = sum((h.litres(d) for h in without_herds for d in days), Decimal(0))
        fed = sum((h.litres(d) for h in with_herds for d in days), Decimal(0))
        seen = recorded.get((first.year, first.month))
        if seen is None:
            with_litres.append(_per_day(fed, len(days)))
            without_litres.append(_per_day(bare, len(days)))
        else:  # the month recorded, and what it would have been without the alfalfa's uplift
            with_litres.append(_per_day(seen, len(days)))
            without_litres.append(_per_day(seen * bare / fed, len(days)))
    total = sum((Decimal(str(r["principal"])) for r in loan_rows), Decimal(0))
    first_loan = min(str(r["disbursed"]) for r in loan_rows)
    loan_of = {str(r["farmer"]): str(r["id"]) for r in loan_rows}
    kinds = {kind: loan_of[f] for f, kind in trouble.items()}
    members = [f for f in people if f["role"] == "member"]
    fields = {
        "ha": f"{hectares:.2f}",
        "farms": len(borrowers),
        "members": sum(1 for f in borrowers if by_id[f]["role"] == "member"),
        "suppliers": sum(1 for f in borrowers if by_id[f]["role"] == "supplier"),
        "before": f"{before:,}",
        "after": f"{after:,}",
        "loans": len(loan_rows),
        "dry": kinds["dry-spell"],
        "sick": kinds["sick-cow"],
        "leaves": kinds["leaves"],
    }
    coop_litres = sum(
        (Decimal(line.split(",")[2]) for line in delivery_text.splitlines()[1:]
         if line.split(",")[1].startswith("2026-12")),
        Decimal(0),
    )  # fmt: skip
    services = sum(Decimal(v) for v in ("0.04", "0.015"))  # prices(): transport + chilling
    out = {}
    for lang, t in PLAN_TEXT.items():

        def say(key: str, t: dict[str, Any] = t) -> Any:
            value = t[key]
            if isinstance(value, list):
                return [v.format(**fields) for v in value]
            return value.format(**fields)

        lines = [
            say("head"),
            "# Generated by examples/generate.py (do not edit: edit the generator). Render it with",
            f"#   coopfinance plan examples/plan-manantial.{lang}.toml --lang {lang}",
            "# production.litres_per_day holds one value per plan month (March 2026 on): the",
            "# months of 2026 are the borrowers' recorded deliveries, the later ones each herd's model.",
            "",
            f"title = {_toml(say('title'))}",
            f"start = {PLAN_START.isoformat()}",
            f"horizon_years = {PLAN_YEARS}",
            'currency = "PEN"',
            'cok = "10%"',
            'income_tax_rate = "0%"',
            f'repayment_capacity_limit = "{Decimal(CAPACITY) * 100:.0f}%"',
            'sensitivity_steps = ["-20%", "-10%", "0%", "10%", "20%"]',
            f"risks = {_toml(say('risks'))}",
            f"training = {_toml(say('training'))}",
            f"notes = {_toml(say('notes'))}",
            "",
            "[enterprise]",
            'name = "Cooperativa Agraria Manantial de Vida (ejemplo ilustrativo)"',
            f"kind = {_toml(say('kind'))}",
            f"location = {_toml(say('location'))}",
            f"members = {len(members)}",
            f"women_members = {sum(1 for f in members if f['name'].split()[0] in WOMEN)}",
            f"objectives = {_toml(say('objectives'))}",
            f"market = {_toml(say('market'))}",
            "",
            "[[enterprise.buyers]]",
            f"name = {_toml(say('buyer'))}",
            f"litres_per_day = {_per_day(coop_litres, 31)}",
            f'price_per_litre = "{BUYER_PRICE}"',
            f"commitment = {_toml(say('commitment'))}",
            "",
            "[[investments]]",
            f"name = {_toml(say('investment'))}",
            f"date = {first_loan}",
            f"cost = {total}",
            "useful_life_years = 5",
            f"category = {_toml(say('category'))}",
            "",
            "[financing]",
            f"lender = {_toml(say('lender'))}",
            "",
            "[financing.loan]",
            f'principal = "{total}"',
            'rate = "18%"',
            'rate_type = "effective-annual"',
            f"disbursed = {first_loan}",
            f"installments = {TERM}",
            'frequency = "monthly"',
            'charges = ["insurance:0.0675%:original"]',
            'holidays = "none"',
        ]
        for key, litres, feed, upkeep in (
            ("with", with_litres, FEED_WITH, True),
            ("without", without_litres, FEED_WITHOUT, False),
        ):
            lines += [
                "",
                f"[{key}_plan]",
                f"name = {_toml(say(key))}",
                f"description = {_toml(say(key + '_desc'))}",
                'price_per_litre = "1.35"  # the base price from 1 July 2026 (prices.toml)',
                "",
                f"[{key}_plan.production]",
                "litres_per_day = [",
                *(
                    "  " + ", ".join(str(v) for v in litres[k : k + 12]) + ","
                    for k in range(0, len(litres), 12)
                ),
                "]",
            ]
            costs = [("feed", feed, "litre"), ("services", str(services), "litre")]
            if upkeep:
                costs.append(("upkeep", str(hectares * UPKEEP_PER_HECTARE), "year"))
            for name, amount, per in costs:
                lines += [
                    "",
                    f"[[{key}_plan.costs]]",
                    f"name = {_toml(say(name))}",
                    f'amount = "{amount}"',
                    f'per = "{per}"',
                ]
        out[f"plan-manantial.{lang}.toml"] = "\n".join(lines) + "\n"
    return out


# Milk-linked loans besides the seed-capital ones (linked-loans.toml): three members who did not
# apply for alfalfa take a revenue-share loan for a cooling can and hygiene kit (15 % of each
# fortnight's milk value, between S/ 20 and S/ 200, TEA 18 %, a balloon after 36 fortnights);
# and the borrower who lost the irrigation turn (dry spell) is in a solidarity group with two
# borrowers of the same route, whose milk and pooled savings guarantee each other's installments.
REVENUE_SHARE = {"principal": "1500", "rate": "18%", "disbursed": "2026-03-01", "share": "15%",
                 "floor": "20", "cap": "200", "max_periods": 36}  # fmt: skip
GROUP_SAVINGS = "300"


def linked(
    people: list[dict[str, str]], loan_rows: list[dict[str, object]], trouble: dict[str, str]
) -> str:
    rng = _stream("linked")
    borrowers = {str(r["farmer"]) for r in loan_rows}
    free = [f for f in people[:MEMBERS] if f["id"] not in borrowers and int(f["cows"]) >= 3]
    chosen = sorted(rng.sample(free, 3), key=lambda f: f["id"])
    lines = [
        "# Milk-linked loans of the example co-op besides the seed-capital loans (illustrative).",
        "# Generated by examples/generate.py. [[revenue_share]]: RevenueSharePlan keys, recorded",
        "# with Book.add_revenue_share_loan and collected at each close from the fortnight's milk",
        "# value. [[group]]: a solidarity group (linked.SolidarityGroup): its members' milk, then",
        "# its pooled savings, cover a member's installment left short by the check-off.",
        "",
    ]
    for k, f in enumerate(chosen, start=1):
        lines += ["[[revenue_share]]", f'id = "R{k:03d}"', f'farmer = "{f["id"]}"',
                  'purpose = "porongo de enfriamiento y kit de higiene"']  # fmt: skip
        lines += [
            f"{key} = {value}" if isinstance(value, int) else f'{key} = "{value}"'
            for key, value in REVENUE_SHARE.items()
        ]
        lines.append("")
    sick = next(f for f, kind in trouble.items() if kind == "dry-spell")
    route = next(f["route"] for f in people if f["id"] == sick)
    mates = [
        f["id"] for f in people
        if f["route"] == route and f["id"] in borrowers and f["id"] not in trouble
    ]  # fmt: skip
    members = [sick, *rng.sample(mates, 2)]
    lines += [
        "[[group]]",
        'id = "G01"',
        "members = [" + ", ".join(f'"{m}"' for m in members) + "]",
        'order = ["members-milk", "group-savings"]',
        f'savings = "{GROUP_SAVINGS}"',
        "",
    ]
    return "\n".join(lines)


def write_all(out: Path) -> None:
    """Write every generated file to ``out``; the deliveries compressed only,
    ``deliveries.csv.gz`` (reproducible: no name, no time in the header): ``coopfinance examples
    DIR`` and the demo's ``inputs/`` folder write the plain CSV to read and edit."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    people = farmers(rng)
    cow_rows = herds(people)
    cows: dict[str, list[dict[str, str]]] = {}
    for row in cow_rows:
        cows.setdefault(row["farmer"], []).append(row)
    loans_text = loans(people, cows)
    loan_rows = tomllib.loads(loans_text)["loan"]
    trouble = troubles(loan_rows, people)
    for farmer, kind in trouble.items():
        mine = cows[farmer]
        for row in mine[:2] if kind == "sick-cow" else mine if kind == "leaves" else []:
            row["leaves"] = (SICK_COW if kind == "sick-cow" else LEAVES).isoformat()
    notes = _csv(
        [{"loan": str(row["id"]), "note": TROUBLE[trouble[str(row["farmer"])]]}
         for row in loan_rows if str(row["farmer"]) in trouble]
    )  # fmt: skip
    delivery_text = deliveries(people, loan_rows, cows, trouble)
    files = {
        "farmers.csv": _csv(people),
        "herds.csv": _csv(cow_rows),
        "loans.toml": loans_text,
        "loan-notes.csv": notes,
        "prices.toml": prices(),
        "entries.csv": entries(),
        "obligations.csv": obligations(people),
        "cohort.toml": cohort(people, loan_rows),
        "pickup-plan.toml": pickup_plan(people),
        "linked-loans.toml": linked(people, loan_rows, trouble),
        **plans(people, cows, loan_rows, delivery_text, trouble),
    }
    (out / "deliveries.csv.gz").write_bytes(
        gzip.compress(delivery_text.encode("utf-8"), compresslevel=9, mtime=0)
    )
    for name, text in files.items():
        with (out / name).open("w", encoding="utf-8", newline="") as fh:
            fh.write(text)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="output directory (default: here)")
    write_all(parser.parse_args(argv).out)


if __name__ == "__main__":
    main()
