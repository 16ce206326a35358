"""The bundled example co-op: illustrative data modelled on Manantial de Vida (Cabeza de Toro, Ica).

The files live in ``examples/`` of the repository and inside the wheel; they are plain CSV and TOML a
user can copy and edit, generated reproducibly by ``examples/generate.py`` (except the hand-written
business plan), each in the format of the library's own loader:

============================  ================================================================
``farmers.csv``               id, name, role, route, cows, litres_per_cow_day
``herds.csv``                 farmer, cow, calved, leaves: each cow's last calving (and the day
                              she left the herd), on the curve of :func:`herd_curve`
``loans.toml``                ``[[loan]]`` tables: id, farmer, plan + ``LoanTerms.from_dict``
                              keys; ``[[declined]]`` tables: farmer, requested, reason
``loan-notes.csv``            loan, note: what went wrong for a loan in trouble
``deliveries.csv.gz``         ``dairy.Deliveries.from_csv`` of the decompressed text: a year of
                              daily deliveries with a reception sample (total solids, bacterial
                              count, cooled); a ``deliveries.csv`` next to it wins (to edit)
``prices.toml``               ``dairy.MilkPriceSchedule.from_file`` (a price change on 1 July)
``entries.csv``               the co-op's own costs by month (``Book.record_entries``: transport,
                              staff, chilling, interest on its borrowing, depreciation, a
                              provision); the milk sold to the plant is added by the demo
``obligations.csv``           ``dairy.obligations_from_file`` with due dates: input advances and
                              members' contributions (loan installments come from the schedules)
``cohort.toml``               ``training.Cohort.from_file``
``pickup-plan.toml``          ``dairy.PickupPlan.from_file``
``linked-loans.toml``         ``[[revenue_share]]``: id, farmer, purpose + ``RevenueSharePlan``
                              keys; ``[[group]]``: a ``linked.SolidarityGroup`` (read by the demo)
``plan-alfalfa.toml``         ``plans.BusinessPlan.from_file``: a generic alfalfa plan
``plan-manantial.*.toml``     ``plans.BusinessPlan.from_file``: the co-op's own plan (es, en,
                              pt_BR): the alfalfa of its loans, from its own figures
============================  ================================================================

:func:`load` reads and cross-checks them all (every farmer named anywhere exists, deliveries and due
dates fall in 2026, the pickup plan has every farmer on the route of ``farmers.csv``). Loading
parses about 65,000 deliveries (a few seconds), so the result is cached while the files are unchanged.

>>> coop = load()
>>> len(coop.farmers), sum(f.role == "member" for f in coop.farmers)
(188, 38)
>>> loan = coop.loans[0]
>>> loan.id, loan.farmer, loan.terms.schedule().installment_amount
('L001', 'M001', Decimal('107.63'))
>>> coop.prices.terms_on(YEAR.end).base, len(coop.cohort.participants)
(Decimal('1.35'), 45)
>>> by_period = coop.obligations_by_period()
>>> [ob.reference for ob in by_period[coop.periods()[0]]][:2]
['aportación 1/24', 'aportación 1/24']
"""

from __future__ import annotations

import csv
import gzip
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from coopfinance._decimal import to_decimal
from coopfinance._fields import to_whole
from coopfinance._files import read_data, read_text
from coopfinance._terms import LoanTerms
from coopfinance.dairy import (
    Cow,
    Deliveries,
    Herd,
    LactationCurve,
    MilkPriceSchedule,
    Obligation,
    Period,
    PickupPlan,
    SeasonalProfile,
    SettlementFrequency,
    obligations_by_period,
    obligations_from_file,
    periods_between,
)
from coopfinance.errors import E_, InvalidValue, ParseError
from coopfinance.plans import BusinessPlan
from coopfinance.training import Cohort

__all__ = [
    "CYCLE",
    "FILES",
    "PLAN_FILES",
    "YEAR",
    "Declined",
    "ExampleCoop",
    "ExampleFarmer",
    "ExampleLoan",
    "examples_dir",
    "herd_curve",
    "load",
    "read_example",
]

YEAR = Period.parse("2026-01-01..2026-12-31")
"""The example's season."""

CYCLE = 305 + 86
"""A cow's lactation and dry days (the :class:`~coopfinance.dairy.Herd` defaults, reference §8)."""

PLAN_FILES = ("plan-manantial.es.toml", "plan-manantial.en.toml", "plan-manantial.pt_BR.toml")
"""The co-op's own business plan (the alfalfa of its seed-capital loans, from its own figures:
members, loans, hectares, recorded litres), the same figures in Spanish, English and Portuguese;
written by ``generate.py``."""

FILES = (
    "farmers.csv",
    "herds.csv",
    "loans.toml",
    "loan-notes.csv",
    "deliveries.csv.gz",
    "prices.toml",
    "entries.csv",
    "obligations.csv",
    "cohort.toml",
    "pickup-plan.toml",
    "linked-loans.toml",
    "plan-alfalfa.toml",
    *PLAN_FILES,
)
"""The files of the bundled example (all but ``plan-alfalfa.toml`` written by ``generate.py``).
The deliveries ship compressed; a folder may hold the plain ``deliveries.csv`` instead (it wins
when both are there: the file a user edits)."""

_HERE = Path(__file__).resolve()
_CANDIDATES = (_HERE.parent / "_bundled" / "examples", _HERE.parents[2] / "examples")


def examples_dir() -> Path:
    """The directory of the bundled example files (installed wheel or repository checkout)."""
    for candidate in _CANDIDATES:
        if (candidate / "farmers.csv").is_file():
            return candidate
    raise InvalidValue(
        E_(
            "coopfinance's example data is missing: looked in %(candidates)s and "
            "%(candidates2)s; reinstall coopfinance.",
            candidates=_CANDIDATES[0],
            candidates2=_CANDIDATES[1],
        ),
        field="examples",
        value=str(_CANDIDATES[0]),
    )


@attrs.frozen(slots=True, kw_only=True)
class ExampleFarmer:
    """A member (socio) or non-member supplier of the example co-op."""

    id: str
    name: str
    role: str
    route: str
    cows: int
    litres_per_cow_day: Decimal

    @property
    def is_member(self) -> bool:
        """Whether the farmer is a member (socio) rather than a supplier."""
        return self.role == "member"


@attrs.frozen(slots=True, kw_only=True)
class ExampleLoan:
    """A seed-capital loan of the example co-op: its id, borrower, kind of plan and terms."""

    id: str
    farmer: str
    plan: str
    terms: LoanTerms
    note: str = ""
    """What went wrong for a loan in trouble (a sick cow, a dry spell, a member who leaves), as
    the loan officer recorded it; empty for the others."""


@attrs.frozen(slots=True, kw_only=True)
class Declined:
    """An application the co-op declined: who asked, how much, and why (the affordability or
    loan-limit figure that refused it)."""

    farmer: str
    requested: Decimal
    reason: str


@attrs.frozen(slots=True, kw_only=True)
class ExampleCoop:
    """Everything in the bundled example, loaded and validated."""

    name: str
    directory: Path
    farmers: tuple[ExampleFarmer, ...]
    loans: tuple[ExampleLoan, ...]
    deliveries: Deliveries
    prices: MilkPriceSchedule
    obligations: tuple[Obligation, ...]
    """Input advances and members' contributions, each with its ``due`` date (not the loan
    installments, which come from the loans' schedules, nor the service charges, which come
    from the price schedule)."""
    cohort: Cohort
    pickup_plan: PickupPlan
    plan: BusinessPlan
    herds: dict[str, Herd] = attrs.field(factory=dict)
    """Each farmer's herd (``herds.csv``: calvings, and the day a cow left), on the curve of
    :func:`herd_curve`: whether a farm had milk on a day."""
    declined: tuple[Declined, ...] = ()
    """The applications the co-op declined (``[[declined]]`` of ``loans.toml``)."""

    @property
    def members(self) -> tuple[ExampleFarmer, ...]:
        """The members (socios)."""
        return tuple(f for f in self.farmers if f.is_member)

    @property
    def suppliers(self) -> tuple[ExampleFarmer, ...]:
        """The non-member suppliers."""
        return tuple(f for f in self.farmers if not f.is_member)

    def periods(
        self, frequency: SettlementFrequency = SettlementFrequency.SEMI_MONTHLY
    ) -> tuple[Period, ...]:
        """The settlement periods of the season (fortnights by default)."""
        return tuple(periods_between(YEAR.start, YEAR.end, frequency))

    def obligations_by_period(
        self, frequency: SettlementFrequency = SettlementFrequency.SEMI_MONTHLY
    ) -> dict[Period, tuple[Obligation, ...]]:
        """:attr:`obligations` sorted into the season's periods, as ``settle_season`` takes them."""
        return obligations_by_period(self.obligations, self.periods(frequency))

    def farmer(self, farmer_id: str) -> ExampleFarmer:
        """The farmer with ``farmer_id``."""
        for f in self.farmers:
            if f.id == farmer_id:
                return f
        raise InvalidValue(
            E_("'farmer' %(farmer_id)s is not in the example co-op.", farmer_id=repr(farmer_id)),
            field="farmer",
            value=farmer_id,
        )


def _farmers(text: str, source: str) -> tuple[ExampleFarmer, ...]:
    out = []
    for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        try:
            out.append(
                ExampleFarmer(
                    id=row["id"],
                    name=row["name"],
                    role=row["role"],
                    route=row["route"],
                    cows=to_whole(row["cows"], field="cows", error=ParseError),
                    litres_per_cow_day=to_decimal(
                        row["litres_per_cow_day"], field="litres_per_cow_day"
                    ),
                )
            )
        except KeyError as exc:
            raise ParseError(
                E_(
                    "line %(line)s of %(source)s: the column %(args)s is missing.",
                    line=line,
                    source=source,
                    args=repr(exc.args[0]),
                ),
                field=str(exc.args[0]),
                value=row,
            ) from None
        except InvalidValue as exc:
            raise exc.at(E_("line %(line)s of %(source)s", line=line, source=source)) from None
    return tuple(out)


def _loans(
    data: dict[str, Any], source: str, farmers: set[str], notes: dict[str, str]
) -> tuple[ExampleLoan, ...]:
    out = []
    for k, entry in enumerate(data.get("loan", [])):
        body = dict(entry)
        note = notes.get(str(body.get("id")), "")
        try:
            loan_id, farmer, plan = body.pop("id"), body.pop("farmer"), body.pop("plan")
        except KeyError as exc:
            raise ParseError(
                E_(
                    "%(source)s loan[%(k)s] needs the key %(args)s.",
                    source=source,
                    k=k,
                    args=repr(exc.args[0]),
                ),
                field=f"loan[{k}].{exc.args[0]}",
                value=None,
            ) from None
        if farmer not in farmers:
            raise InvalidValue(
                E_(
                    "%(source)s loan[%(k)s].farmer %(farmer)s is not a known farmer.",
                    source=source,
                    k=k,
                    farmer=repr(farmer),
                ),
                field=f"loan[{k}].farmer",
                value=farmer,
            )
        out.append(
            ExampleLoan(
                id=loan_id, farmer=farmer, plan=plan, terms=LoanTerms.from_dict(body), note=note
            )
        )
    return tuple(out)


def _declined(data: dict[str, Any], source: str, farmers: set[str]) -> tuple[Declined, ...]:
    out = []
    for k, entry in enumerate(data.get("declined", [])):
        try:
            farmer = str(entry["farmer"])
            item = Declined(
                farmer=farmer,
                requested=to_decimal(entry["requested"], field=f"declined[{k}].requested"),
                reason=str(entry["reason"]),
            )
        except KeyError as exc:
            raise ParseError(
                E_(
                    "%(source)s declined[%(k)s] needs the key %(args)s.",
                    source=source,
                    k=k,
                    args=repr(exc.args[0]),
                ),
                field=f"declined[{k}].{exc.args[0]}",
                value=None,
            ) from None
        _check_known(source, [farmer], farmers)
        out.append(item)
    return tuple(out)


def herd_curve(litres_per_cow_day: Decimal) -> LactationCurve:
    """Wood's Peruvian crossbred curve scaled so that a cow's mean over her whole cycle (305 days
    in milk, 86 dry) is ``litres_per_cow_day`` (reference §8)."""
    base = LactationCurve.peruvian_crossbred()
    scale = litres_per_cow_day / (base.total(305) / CYCLE)
    return LactationCurve.wood(base.a * scale, base.b, base.c)


def _herds(text: str, source: str, farmers: tuple[ExampleFarmer, ...]) -> dict[str, Herd]:
    cows: dict[str, list[Cow]] = {}
    known = {f.id for f in farmers}
    for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        try:
            if row["farmer"] not in known:
                raise InvalidValue(
                    E_("'farmer' %(farmer)s is not in farmers.csv.", farmer=repr(row["farmer"])),
                    field="farmer",
                    value=row["farmer"],
                )
            cows.setdefault(row["farmer"], []).append(
                Cow(calved=row["calved"], leaves=row["leaves"] or None)
            )
        except KeyError as exc:
            raise ParseError(
                E_(
                    "line %(line)s of %(source)s: the column %(args)s is missing.",
                    line=line,
                    source=source,
                    args=repr(exc.args[0]),
                ),
                field=str(exc.args[0]),
                value=row,
            ) from None
        except InvalidValue as exc:
            raise exc.at(E_("line %(line)s of %(source)s", line=line, source=source)) from None
    return {
        f.id: Herd(
            cows=cows.get(f.id, []),
            curve=herd_curve(f.litres_per_cow_day),
            seasonality=SeasonalProfile.ica(),
        )
        for f in farmers
    }


def _deliveries(root: Path, ids: set[str]) -> Deliveries:
    """``deliveries.csv`` when the user wrote one (it wins), else the shipped ``deliveries.csv.gz``
    (the largest file, compressed: the wheel stays small)."""
    plain = root / "deliveries.csv"
    if plain.is_file():
        return Deliveries.from_file(plain, farmers=ids, period=YEAR)
    return Deliveries.from_csv(read_example("deliveries.csv", root), farmers=ids, period=YEAR)


def read_example(name: str, directory: str | Path | None = None) -> str:
    """The text of the example file ``name`` in ``directory`` (default: the bundled one): the
    file itself, else its compressed ``name.gz`` decompressed (the wheel ships only
    ``deliveries.csv.gz``).

    >>> read_example("deliveries.csv").splitlines()[0]
    'farmer,date,litres,total_solids,bacterial_count,cooled'
    """
    root = Path(directory) if directory is not None else examples_dir()
    plain = root / name
    if plain.is_file():
        return read_text(plain, field=name)
    packed = root / f"{name}.gz"
    try:
        return gzip.decompress(packed.read_bytes()).decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise InvalidValue(
            E_(
                "the example file %(name)s cannot be read from %(root)s: %(exc)s.",
                name=repr(name),
                root=repr(str(root)),
                exc=exc,
            ),
            field="examples",
            value=name,
        ) from None


def _check_plan(plan: PickupPlan, farmers: tuple[ExampleFarmer, ...]) -> None:
    routes = plan.farmers()
    for f in farmers:
        if routes.get(f.id) != f.route:
            raise InvalidValue(
                E_(
                    "pickup-plan.toml: farmer %(id)s should be on route %(route)s as in "
                    "farmers.csv (got %(get_id)s).",
                    id=repr(f.id),
                    route=repr(f.route),
                    get_id=repr(routes.get(f.id)),
                ),
                field="pickup_plan",
                value=f.id,
            )
    stray = sorted(set(routes) - {f.id for f in farmers})
    if stray:
        raise InvalidValue(
            E_(
                "pickup-plan.toml names %(stray)s, who is not in farmers.csv.", stray=repr(stray[0])
            ),
            field="pickup_plan",
            value=stray[0],
        )


def _check_known(what: str, ids: list[str], known: set[str]) -> None:
    unknown = sorted(set(ids) - known)
    if unknown:
        raise InvalidValue(
            E_(
                "%(what)s names %(unknown)s, who is not in farmers.csv.",
                what=what,
                unknown=repr(unknown[0]),
            ),
            field=what,
            value=unknown[0],
        )


def _load(root: Path) -> ExampleCoop:
    farmers = _farmers(read_text(root / "farmers.csv", field="farmers"), "farmers.csv")
    ids = {f.id for f in farmers}
    data = read_data(root / "loans.toml", field="loans", error=ParseError)
    notes = {
        row["loan"]: row["note"]
        for row in csv.DictReader(io.StringIO(read_text(root / "loan-notes.csv", field="notes")))
    }
    loans = _loans(data, "loans.toml", ids, notes)
    declined = _declined(data, "loans.toml", ids)
    herds = _herds(read_text(root / "herds.csv", field="herds"), "herds.csv", farmers)
    prices = MilkPriceSchedule.from_file(root / "prices.toml")
    if prices.start > YEAR.start or prices.end < YEAR.end:
        raise InvalidValue(
            E_(
                "prices.toml must cover %(year)s (got %(start)s..%(end)s).",
                year=YEAR,
                start=prices.start,
                end=prices.end,
            ),
            field="prices",
            value=(prices.start, prices.end),
        )
    obligations = obligations_from_file(root / "obligations.csv")
    _check_known("obligations.csv", [ob.farmer for ob in obligations], ids)
    cohort = Cohort.from_file(root / "cohort.toml")
    _check_known("cohort.toml", [p.id for p in cohort.participants], ids)
    pickup_plan = PickupPlan.from_file(root / "pickup-plan.toml")
    _check_plan(pickup_plan, farmers)
    plan = BusinessPlan.from_file(root / "plan-alfalfa.toml")
    # last: the largest file, a few seconds to parse
    deliveries = _deliveries(root, ids)
    coop = ExampleCoop(
        name="Cooperativa Agraria Manantial de Vida (ejemplo ilustrativo)",
        directory=root,
        farmers=farmers,
        loans=loans,
        deliveries=deliveries,
        prices=prices,
        obligations=obligations,
        cohort=cohort,
        pickup_plan=pickup_plan,
        plan=plan,
        herds=herds,
        declined=declined,
    )
    coop.obligations_by_period()  # every due date falls in the season
    return coop


_CACHE: dict[Path, tuple[tuple[tuple[str, int, int], ...], ExampleCoop]] = {}


def load(directory: str | Path | None = None) -> ExampleCoop:
    """Load and cross-check the example co-op from ``directory`` (default: the bundled one).

    The result is immutable and cached per directory while the files' sizes and modification
    times are unchanged, so repeated calls are cheap.
    """
    root = (Path(directory) if directory is not None else examples_dir()).resolve()
    stamp = []
    for name in FILES:
        found = [n for n in dict.fromkeys((name, name.removesuffix(".gz"))) if (root / n).is_file()]
        if not found:
            raise InvalidValue(
                E_(
                    "the example co-op needs the file %(removesuffix_name)s in %(root)s.",
                    removesuffix_name=repr(name.removesuffix(".gz")),
                    root=root,
                ),
                field="examples",
                value=name,
            )
        for n in found:
            st = (root / n).stat()
            stamp.append((n, st.st_size, st.st_mtime_ns))
    key = tuple(stamp)
    cached = _CACHE.get(root)
    if cached is not None and cached[0] == key:
        return cached[1]
    coop = _load(root)
    _CACHE[root] = (key, coop)
    return coop
