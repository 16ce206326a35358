"""The bundled example co-op: illustrative data modelled on Manantial de Vida (Cabeza de Toro, Ica).

The files live in ``examples/`` of the repository and inside the wheel; they are plain CSV and TOML a
user can copy and edit, generated reproducibly by ``examples/generate.py`` (except the hand-written
business plan), each in the format of the library's own loader:

============================  ================================================================
``farmers.csv``               id, name, role, route, cows, litres_per_cow_day
``loans.toml``                ``[[loan]]`` tables: id, farmer, plan + ``LoanTerms.from_dict`` keys
``deliveries.csv``            ``dairy.Deliveries.from_file``: a year of daily deliveries with a
                              reception sample (total solids, bacterial count, cooled)
``prices.toml``               ``dairy.MilkPriceSchedule.from_file`` (a price change on 1 July)
``obligations.csv``           ``dairy.obligations_from_file`` with due dates: input advances and
                              members' contributions (loan installments come from the schedules)
``cohort.toml``               ``training.Cohort.from_file``
``pickup-plan.toml``          ``dairy.PickupPlan.from_file``
``plan-alfalfa.toml``         ``plans.BusinessPlan.from_file``
============================  ================================================================

:func:`load` reads and cross-checks them all (every farmer named anywhere exists, deliveries and due
dates fall in 2026, the pickup plan has every farmer on the route of ``farmers.csv``). Loading
parses about 65,000 deliveries (a few seconds), so the result is cached while the files are unchanged.

>>> coop = load()
>>> len(coop.farmers), sum(f.role == "member" for f in coop.farmers)
(188, 38)
>>> loan = coop.loans[0]
>>> loan.id, loan.farmer, loan.terms.schedule().installment_amount
('L001', 'M001', Decimal('136.65'))
>>> coop.prices.terms_on(YEAR.end).base, len(coop.cohort.participants)
(Decimal('1.35'), 42)
>>> by_period = coop.obligations_by_period()
>>> [ob.reference for ob in by_period[coop.periods()[0]]][:2]
['aportación 1/24', 'aportación 1/24']
"""

from __future__ import annotations

import csv
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
    Deliveries,
    MilkPriceSchedule,
    Obligation,
    Period,
    PickupPlan,
    SettlementFrequency,
    obligations_by_period,
    obligations_from_file,
    periods_between,
)
from coopfinance.errors import InvalidValue, ParseError
from coopfinance.plans import BusinessPlan
from coopfinance.training import Cohort

__all__ = ["FILES", "YEAR", "ExampleCoop", "ExampleFarmer", "ExampleLoan", "examples_dir", "load"]

YEAR = Period.parse("2026-01-01..2026-12-31")
"""The example's season."""

FILES = (
    "farmers.csv",
    "loans.toml",
    "deliveries.csv",
    "prices.toml",
    "obligations.csv",
    "cohort.toml",
    "pickup-plan.toml",
    "plan-alfalfa.toml",
)
"""The files of the bundled example (all but ``plan-alfalfa.toml`` written by ``generate.py``)."""

_HERE = Path(__file__).resolve()
_CANDIDATES = (_HERE.parent / "_bundled" / "examples", _HERE.parents[2] / "examples")


def examples_dir() -> Path:
    """The directory of the bundled example files (installed wheel or repository checkout)."""
    for candidate in _CANDIDATES:
        if (candidate / "farmers.csv").is_file():
            return candidate
    raise InvalidValue(
        f"coopfinance's example data is missing: looked in {_CANDIDATES[0]} and {_CANDIDATES[1]}; "
        "reinstall coopfinance.",
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
            f"'farmer' {farmer_id!r} is not in the example co-op.", field="farmer", value=farmer_id
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
                f"line {line} of {source}: the column {exc.args[0]!r} is missing.",
                field=str(exc.args[0]),
                value=row,
            ) from None
        except InvalidValue as exc:
            raise exc.at(f"line {line} of {source}") from None
    return tuple(out)


def _loans(data: dict[str, Any], source: str, farmers: set[str]) -> tuple[ExampleLoan, ...]:
    out = []
    for k, entry in enumerate(data.get("loan", [])):
        body = dict(entry)
        try:
            loan_id, farmer, plan = body.pop("id"), body.pop("farmer"), body.pop("plan")
        except KeyError as exc:
            raise ParseError(
                f"{source} loan[{k}] needs the key {exc.args[0]!r}.",
                field=f"loan[{k}].{exc.args[0]}",
                value=None,
            ) from None
        if farmer not in farmers:
            raise InvalidValue(
                f"{source} loan[{k}].farmer {farmer!r} is not a known farmer.",
                field=f"loan[{k}].farmer",
                value=farmer,
            )
        out.append(
            ExampleLoan(id=loan_id, farmer=farmer, plan=plan, terms=LoanTerms.from_dict(body))
        )
    return tuple(out)


def _check_plan(plan: PickupPlan, farmers: tuple[ExampleFarmer, ...]) -> None:
    routes = plan.farmers()
    for f in farmers:
        if routes.get(f.id) != f.route:
            raise InvalidValue(
                f"pickup-plan.toml: farmer {f.id!r} should be on route {f.route!r} as in "
                f"farmers.csv (got {routes.get(f.id)!r}).",
                field="pickup_plan",
                value=f.id,
            )
    stray = sorted(set(routes) - {f.id for f in farmers})
    if stray:
        raise InvalidValue(
            f"pickup-plan.toml names {stray[0]!r}, who is not in farmers.csv.",
            field="pickup_plan",
            value=stray[0],
        )


def _check_known(what: str, ids: list[str], known: set[str]) -> None:
    unknown = sorted(set(ids) - known)
    if unknown:
        raise InvalidValue(
            f"{what} names {unknown[0]!r}, who is not in farmers.csv.", field=what, value=unknown[0]
        )


def _load(root: Path) -> ExampleCoop:
    farmers = _farmers(read_text(root / "farmers.csv", field="farmers"), "farmers.csv")
    ids = {f.id for f in farmers}
    data = read_data(root / "loans.toml", field="loans", error=ParseError)
    loans = _loans(data, "loans.toml", ids)
    prices = MilkPriceSchedule.from_file(root / "prices.toml")
    if prices.start > YEAR.start or prices.end < YEAR.end:
        raise InvalidValue(
            f"prices.toml must cover {YEAR} (got {prices.start}..{prices.end}).",
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
    deliveries = Deliveries.from_file(root / "deliveries.csv", farmers=ids, period=YEAR)
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
        try:
            st = (root / name).stat()
        except OSError:
            raise InvalidValue(
                f"the example co-op needs the file {name!r} in {root}.",
                field="examples",
                value=name,
            ) from None
        stamp.append((name, st.st_size, st.st_mtime_ns))
    key = tuple(stamp)
    cached = _CACHE.get(root)
    if cached is not None and cached[0] == key:
        return cached[1]
    coop = _load(root)
    _CACHE[root] = (key, coop)
    return coop
