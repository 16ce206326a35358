"""``coopfinance plan FILE --format table|json``, run in-process."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from coopfinance.cli import main
from coopfinance.examples import examples_dir

EXAMPLE = str(examples_dir() / "plan-alfalfa.toml")


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_plan_table():
    code, out, err = run(["plan", EXAMPLE, "--lang", "en"])  # the CLI follows the locale, else es
    assert (code, err) == (0, "")
    assert "incremental (with − without plan)" in out
    assert "NPV (S/)                           49,464.84" in out
    assert "IRR                                  31.39 %" in out
    assert "switching price (economic): S/ 0.9680 per litre" in out
    assert "within the 30.00 % limit" in out


def test_plan_json():
    code, out, _ = run(["plan", EXAMPLE, "--format", "json"])
    assert code == 0
    data = json.loads(out)
    assert data["economic"]["npv"].startswith("49464.83")
    assert data["repayment_capacity"]["within_limit"] is True
    assert len(data["break_even"]) == 5


def test_plan_errors_exit_1_with_the_key_path(tmp_path, monkeypatch: pytest.MonkeyPatch):
    # the error texts below are English: the CLI speaks it when asked (the locale here)
    monkeypatch.setenv("LANGUAGE", "en")
    bad = tmp_path / "plan.toml"
    text = Path(EXAMPLE).read_text(encoding="utf-8").replace("cost = 18000", "cost = -18000")
    bad.write_text(text, encoding="utf-8")
    code, out, err = run(["plan", str(bad)])
    assert (code, out) == (1, "")
    assert err == "Error: 'investments[1].cost' must not be negative (got -18000).\n"


def test_plan_usage_error_exits_2():
    code, _, _ = run(["plan", EXAMPLE, "--format", "pdf"])  # a PDF needs -o FILE.pdf
    assert code == 1
    code, _, _ = run(["plan", EXAMPLE, "--format", "docx"])
    assert code == 2
