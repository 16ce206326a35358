"""``benchmarks/run.py --quick`` runs every row of issue 22's table, so the benchmarks keep working.

No assertion depends on a time: the test checks that every row was measured (or skipped for a
missing anchor of the ``bench`` extra) and that the JSON carries the figures the docs are made of.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

RUNNER = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"


@pytest.fixture(scope="module")
def runner():  # type: ignore[no-untyped-def]
    if not RUNNER.exists():  # pragma: no cover - the wheel leg has no benchmarks/
        pytest.skip("benchmarks/ is not in this checkout")
    spec = importlib.util.spec_from_file_location("coopfinance_benchmarks_run", RUNNER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_quick_run_measures_every_row(runner, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "bench.json"
    assert runner.main(["--quick", "--json", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data["rows"]) == {r.key for r in runner.ROWS}
    measured = {k: v for k, v in data["rows"].items() if "skipped" not in v}
    assert "report_many" in measured
    assert "settlement" in measured
    for key, row in measured.items():
        assert row["ratio_min"] <= row["ratio"] <= row["ratio_max"], key
        assert row["ratio"] > 0, key
        assert len(row["rounds"]) == 2, key
    for key in ("report_many", "settlement", "batch_schedules", "monte_carlo"):
        assert measured[key]["peak_mb"] > 0, key
    assert "growth" in measured["report_many"]
    printed = capsys.readouterr().out
    assert "| work | anchor |" in printed
    assert "load average" in printed


def test_unknown_row_is_refused(runner) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit):
        runner.main(["--only", "no-such-row"])


def test_the_plain_numpy_anchor_models_the_same_run(runner) -> None:  # type: ignore[no-untyped-def]
    """The Monte Carlo anchor does the same work: on its own random numbers it collects what
    ``simulate`` collects and finds the same yield, to sampling error (800 scenarios)."""
    import numpy as np

    from coopfinance.linked import Portfolio, simulate

    pf = Portfolio.example(runner.MC_FARMERS, runner.MC_PERIODS, seed=0)
    ours = simulate(pf, scenarios=800, seed=0)
    plain = runner._plain_numpy(pf, 800, 0)
    assert plain["collected"].shape == ours.collected.shape
    got, want = plain["collected"].sum(axis=1), ours.collected.sum(axis=1)
    assert abs(got.mean() - want.mean()) < 4 * want.std() / np.sqrt(800) + 0.01
    assert abs(float(np.mean(plain["yield"])) - float(np.mean(ours.effective_yield))) < 1e-3
