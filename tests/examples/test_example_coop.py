"""The bundled example co-op: every file loads with the library's own loaders, the files agree with
each other, the figures are in the ranges the generator promises, and ``examples/generate.py``
reproduces the checked-in files byte for byte."""

from __future__ import annotations

import collections
import datetime as dt
import gzip
import pathlib
import shutil
import subprocess
import sys
from decimal import Decimal

import pytest

from coopfinance.dairy import ObligationKind, missed_pickups, settle
from coopfinance.errors import InvalidValue
from coopfinance.examples import FILES, YEAR, ExampleCoop, examples_dir, load, read_example

GENERATED = [name for name in FILES if name != "plan-alfalfa.toml"]


@pytest.fixture(scope="module")
def coop() -> ExampleCoop:
    return load()


def test_counts_and_cross_references(coop: ExampleCoop) -> None:
    ids = {f.id for f in coop.farmers}
    assert len(ids) == len(coop.farmers) == 188
    assert (len(coop.members), len(coop.suppliers)) == (38, 150)
    assert {d.farmer for d in coop.deliveries} == ids  # everyone delivers, no stranger does
    assert all(YEAR.contains(d.date) for d in coop.deliveries)
    assert {d.date for d in coop.deliveries} == {
        YEAR.start + dt.timedelta(days=i) for i in range(YEAR.days)
    }
    assert {loan.farmer for loan in coop.loans} <= ids
    assert len(coop.loans) == 45
    assert {d.farmer for d in coop.declined} <= ids - {loan.farmer for loan in coop.loans}
    assert {p.id for p in coop.cohort.participants} == {loan.farmer for loan in coop.loans}
    assert {ob.farmer for ob in coop.obligations} <= ids
    assert coop.pickup_plan.farmers() == {f.id: f.route for f in coop.farmers}


def test_one_delivery_per_farmer_and_day_with_a_sample(coop: ExampleCoop) -> None:
    seen = collections.Counter((d.farmer, d.date) for d in coop.deliveries)
    assert max(seen.values()) == 1
    assert all(d.quality is not None and d.litres > 0 for d in coop.deliveries)
    assert 60_000 < len(coop.deliveries) < 69_000


def test_quality_is_around_the_reference_and_spans_every_hygiene_tier(coop: ExampleCoop) -> None:
    solids = [d.quality.total_solids for d in coop.deliveries if d.quality]
    mean = sum(solids, Decimal(0)) / len(solids)
    assert Decimal("12.0") < mean < Decimal("12.2")
    terms = coop.prices.terms_on(YEAR.start)
    tiers = {
        terms.hygiene_adjustment(d.quality.bacterial_count) for d in coop.deliveries if d.quality
    }
    assert tiers == {t.adjustment for t in terms.hygiene}


def test_litres_follow_the_farmers_herds(coop: ExampleCoop) -> None:
    """A farm without alfalfa delivers about cows × litres per cow per day over the year (within
    the generator's noise, dry spells of small herds and missed pickups); borrowers get more."""
    litres = coop.deliveries.litres_by_farmer()
    borrowers = {loan.farmer for loan in coop.loans}
    ratios = [
        litres[f.id] / 365 / (f.cows * f.litres_per_cow_day)
        for f in coop.farmers
        if f.id not in borrowers and f.cows >= 3
    ]
    assert all(Decimal("0.8") < r < Decimal("1.15") for r in ratios), (min(ratios), max(ratios))
    lifted = [litres[i] / 365 / (coop.farmer(i).cows * coop.farmer(i).litres_per_cow_day)
              for i in borrowers]  # fmt: skip
    assert sum(lifted) / len(lifted) > sum(ratios) / len(ratios)


def test_price_change_mid_year_and_intermediary(coop: ExampleCoop) -> None:
    first, second = coop.prices.terms
    assert (first.base, second.base) == (Decimal("1.30"), Decimal("1.35"))
    assert second.valid_from == dt.date(2026, 7, 1)
    assert all(t.intermediary is not None and t.intermediary < t.base for t in coop.prices.terms)
    assert dict(first.service_charges) == {
        "transport": Decimal("0.04"),
        "chilling": Decimal("0.015"),
    }


def test_obligations_are_dated_and_fall_in_the_season(coop: ExampleCoop) -> None:
    by_period = coop.obligations_by_period()
    assert len(by_period) == 24
    assert sum(len(v) for v in by_period.values()) == len(coop.obligations)
    kinds = collections.Counter(ob.kind for ob in coop.obligations)
    assert kinds[ObligationKind.COMPULSORY_SAVINGS] == 38 * 24
    assert kinds[ObligationKind.INPUT_ADVANCE] > 0
    assert set(kinds) == {ObligationKind.COMPULSORY_SAVINGS, ObligationKind.INPUT_ADVANCE}
    members = {f.id for f in coop.members}
    assert all(
        ob.farmer in members
        for ob in coop.obligations
        if ob.kind is ObligationKind.COMPULSORY_SAVINGS
    )


def test_a_fortnight_settles_and_adds_up(coop: ExampleCoop) -> None:
    period = coop.periods()[0]
    s = settle(
        coop.deliveries.within(period),
        coop.prices,
        period,
        coop.obligations_by_period()[period],
        farmers=[f.id for f in coop.farmers],
    )
    assert s.summary.farmers == 188
    assert s.summary.gross == s.summary.deductions + s.summary.net
    for f in s.statements:
        assert f.gross == f.deductions + f.net


def test_missed_pickups_are_few_and_none_on_chincha_baja_sundays(coop: ExampleCoop) -> None:
    missed, counts = missed_pickups(coop.pickup_plan, coop.deliveries, YEAR)
    expected = sum(
        1
        for route, farmers in coop.pickup_plan.routes.items()
        for days in farmers.values()
        for i in range(YEAR.days)
        if (YEAR.start + dt.timedelta(days=i)).weekday() in days
    )
    assert 0 < len(missed) < expected * 3 // 100
    assert not any(m.route == "Chincha Baja" and m.date.weekday() == 6 for m in missed)
    whole_route_days = [k for k, n in counts.items() if n >= 40]
    assert 3 * 4 <= len(whole_route_days) <= 6 * 4  # the truck did not come, 3–6 days a route
    assert not any(
        d.date.weekday() == 6 and coop.farmer(d.farmer).route == "Chincha Baja"
        for d in coop.deliveries
    )


def test_cohort_has_sessions_scores_and_gains(coop: ExampleCoop) -> None:
    c = coop.cohort
    # every session held on its Saturday, some again at make-up sessions (recuperación)
    saturdays = [h for h in c.sessions_held if h.date.weekday() == 5]
    assert [h.session_id for h in saturdays] == [s.id for _, s in c.curriculum.sessions()]
    assert len(c.sessions_held) > len(saturdays)
    assert all(YEAR.contains(h.date) for h in c.sessions_held)
    gains = c.gains()
    assert [g.module_id for g in gains] == [m.id for m in c.curriculum.modules]
    assert all(g.gain > 0 for g in gains)
    assert 0 < sum(p.completed for p in c.progress_all()) < len(c.participants)


def test_business_plan_loads(coop: ExampleCoop) -> None:
    assert coop.plan.title.startswith("Alfalfa")


def test_generate_reproduces_the_checked_in_files(tmp_path: pathlib.Path) -> None:
    script = examples_dir() / "generate.py"
    subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], check=True, timeout=120)
    for name in GENERATED:
        assert (tmp_path / name).read_bytes() == (examples_dir() / name).read_bytes(), name


def _copy(to: pathlib.Path) -> None:
    """The example files, with the first 2,000 deliveries only (quick to load)."""
    for name in FILES:
        shutil.copy(examples_dir() / name, to / name)
    text = gzip.decompress((to / "deliveries.csv.gz").read_bytes()).decode("utf-8")
    lines = text.splitlines(keepends=True)
    (to / "deliveries.csv").write_text("".join(lines[:2001]), encoding="utf-8")  # it wins


def test_load_is_cached_and_sees_edits(tmp_path: pathlib.Path) -> None:
    _copy(tmp_path)
    first = load(tmp_path)
    assert load(tmp_path) is first
    with (tmp_path / "cohort.toml").open("a", encoding="utf-8") as fh:
        fh.write("# edited\n")
    assert load(tmp_path) is not first


@pytest.mark.parametrize(
    ("name", "old", "new", "match"),
    [
        ("cohort.toml", '"M001"', '"X999"', "cohort.toml names 'X999'"),
        ("obligations.csv", "M001,compulsory", "Z001,compulsory", "obligations.csv names 'Z001'"),
        ("pickup-plan.toml", '"M001", ', "", "farmer 'M001' should be on route 'Cabeza de Toro'"),
        ("prices.toml", "to = 2026-12-31", "to = 2026-11-30", r"prices.toml must cover"),
        ("obligations.csv", ",2026-01-15\n", ",2027-01-15\n", r"'due' 2027-01-15 is outside"),
        (
            "deliveries.csv",
            "M001,2026-01-01,",
            "Q001,2026-01-01,",
            "'farmer' 'Q001' is not a known",
        ),
    ],
)
def test_inconsistent_files_are_refused(
    tmp_path: pathlib.Path, name: str, old: str, new: str, match: str
) -> None:
    _copy(tmp_path)
    text = (tmp_path / name).read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, -1 if name == "cohort.toml" else 1)
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(InvalidValue, match=match):
        load(tmp_path)


def test_a_missing_file_is_named(tmp_path: pathlib.Path) -> None:
    shutil.copy(examples_dir() / "farmers.csv", tmp_path / "farmers.csv")
    with pytest.raises(InvalidValue, match=r"needs the file 'herds\.csv'"):
        load(tmp_path)


def test_a_written_deliveries_csv_wins_over_the_shipped_archive(tmp_path: pathlib.Path) -> None:
    _copy(tmp_path)
    assert len(load(tmp_path).deliveries) == 2000


def test_the_archive_alone_loads_the_same_season(tmp_path: pathlib.Path, coop: ExampleCoop) -> None:
    for name in FILES:
        shutil.copy(examples_dir() / name, tmp_path / name)
    assert not (tmp_path / "deliveries.csv").exists()
    assert load(tmp_path).deliveries.items == coop.deliveries.items


def test_only_the_compressed_deliveries_are_shipped() -> None:
    """The repository (and so the wheel) holds ``deliveries.csv.gz`` only; ``read_example`` opens
    it decompressed, and ``coopfinance examples DIR`` writes the plain CSV (tests/cli)."""
    assert not (examples_dir() / "deliveries.csv").exists()
    text = read_example("deliveries.csv")
    assert text.startswith("farmer,date,litres,")
    assert len(text.splitlines()) - 1 == len(load().deliveries)


def test_the_shipped_data_is_small() -> None:
    """The files a wheel needs (:data:`FILES`: the deliveries compressed) stay under 1 MB (the
    plain CSV alone is 2.4 MB, two thirds of the wheel today)."""
    total = sum((examples_dir() / name).stat().st_size for name in FILES)
    assert total < 1_000_000, total


def test_loans_are_sized_by_affordability_and_the_loan_limit(coop: ExampleCoop) -> None:
    """Every installment stays within 30 % of the forecast net milk of the fortnight paying it
    (the herd at application, S/ 1.245 a litre), and some applications were declined, each
    with the figure that refused it."""
    assert 2 <= len(coop.declined) <= 8
    assert all(d.reason for d in coop.declined)
    notes = [loan for loan in coop.loans if loan.note]
    assert len(notes) == 3
    for loan in coop.loans:
        assert Decimal(1000) <= loan.terms.principal.amount <= Decimal(6000)
        assert loan.terms.installments == (12 if loan.farmer == "M003" else 18)  # the tutorial


def test_the_seasonal_loans_follow_the_forecast(coop: ExampleCoop) -> None:
    seasonal = [loan for loan in coop.loans if loan.plan == "seasonal"]
    assert seasonal
    for loan in seasonal:
        weights = loan.terms.weights
        assert weights is not None
        assert len(set(weights)) > 3  # not hand-set by installment
        assert abs(sum(weights, Decimal(0)) / len(weights) - 1) < Decimal("0.001")


def test_herds_say_which_days_a_farm_had_milk(coop: ExampleCoop) -> None:
    assert set(coop.herds) == {f.id for f in coop.farmers}
    assert all(len(coop.herds[f.id].cows) == f.cows for f in coop.farmers)
    leaver = next(loan.farmer for loan in coop.loans if "retiró" in loan.note)
    assert coop.herds[leaver].litres(dt.date(2026, 10, 1)) == 0
    assert not [d for d in coop.deliveries if d.farmer == leaver and d.date.month >= 9]
