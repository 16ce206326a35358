"""The money engine's options on the command line (issue 15): the late policy of ``statement``
and the time basis of ``cost``, each the library's own computation."""

from __future__ import annotations

import datetime as dt
import json
import pathlib
from decimal import Decimal

import pytest
from cli_helpers import LOAN, Run, fixture_cli, no_locale  # noqa: F401

from coopfinance import LoanTerms, Payment, Rate
from coopfinance.cost import cost_of_credit
from coopfinance.servicing import LatePolicy, LoanAccount

TERMS = {"principal": "5000", "rate": "35%", "installments": 3, "disbursed": "2026-01-15"}


def _files(tmp_path: pathlib.Path) -> tuple[str, str]:
    terms = tmp_path / "terms.json"
    terms.write_text(json.dumps(TERMS), encoding="utf-8")
    events = tmp_path / "events.csv"
    events.write_text("type,date,id,amount\npayment,2026-03-30,p1,1751.80\n", encoding="utf-8")
    return str(terms), str(events)


def _state(cli: Run, tmp_path: pathlib.Path, *options: str) -> dict[str, object]:
    terms, events = _files(tmp_path)
    r = cli(
        "statement", "--terms", terms, "--events", events, "--as-of", "2026-04-20",
        "--format", "json", *options,
    )  # fmt: skip
    assert r.code == 0, r.err
    return json.loads(r.out)  # type: ignore[no-any-return]


def test_statement_charges_what_the_library_charges(cli: Run, tmp_path: pathlib.Path) -> None:
    """A 5 % late fee on the overdue cuota, charged again every 30 days, capped, with the defaults
    of the Peruvian sheets (moratorium on the whole cuota plus compensatory interest)."""
    options = ("--late-fee", "5%", "--late-fee-basis", "installment", "--late-fee-every", "30",
               "--late-fee-cap", "150")  # fmt: skip
    printed = _state(cli, tmp_path, *options)
    terms = LoanTerms(principal="5000", rate=Rate.effective_annual("35%"), installments=3,
                      disbursed=dt.date(2026, 1, 15))  # fmt: skip
    policy = LatePolicy(late_fee="5%", late_fee_basis="installment", late_fee_every=30,
                        late_fee_cap="150")  # fmt: skip
    account = LoanAccount(
        terms=terms,
        events=[Payment(date="2026-03-30", amount="1751.80", id="p1")],
        late=policy,
    )
    from coopfinance.servicing import statement

    expected = statement(account, dt.date(2026, 4, 20)).to_dict()
    assert printed == json.loads(json.dumps(expected))
    lighter = _state(cli, tmp_path, *options, "--no-compensatory", "--late-base", "principal")
    summary, light = printed["summary"], lighter["summary"]
    assert isinstance(summary, dict)
    assert isinstance(light, dict)
    assert Decimal(light["owed"]) < Decimal(summary["owed"])


def test_a_bare_late_fee_rate_is_refused_on_the_command_line(
    cli: Run, tmp_path: pathlib.Path
) -> None:
    terms, events = _files(tmp_path)
    r = cli("statement", "--terms", terms, "--events", events, "--as-of", "2026-04-20",
            "--moratorium", "19")  # fmt: skip
    assert r.code == 1
    assert "'19'" in r.err
    assert "19%" in r.err
    assert "Traceback" not in r.err


@pytest.mark.parametrize("basis", ["calendar", "equal-months"])
def test_cost_time_basis_is_the_library_aprc(cli: Run, basis: str) -> None:
    r = cli("cost", *LOAN, "--charge", "upfront:2%", "--time-basis", basis, "--format", "json")
    assert r.code == 0, r.err
    printed = json.loads(r.out)
    terms = LoanTerms(principal="5000", rate=Rate.effective_annual("35%"), installments=12,
                      disbursed=dt.date(2026, 1, 15), charges=["upfront:2%"])  # fmt: skip
    assert printed["aprc"] == str(cost_of_credit(terms, time_basis=basis).aprc)
