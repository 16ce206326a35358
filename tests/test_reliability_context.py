"""Results never depend on the caller's environment (issue 20 §1).

A representative computation of every engine — schedules, cost of credit, servicing, settlements
with check-off, the portfolio, the business plan, training, documents, the book's close and the
Monte Carlo simulation — run under hostile decimal contexts (5 digits, ``ROUND_FLOOR``,
``ROUND_UP``, every trap off, every trap on) gives the default-context result byte for byte; the
same under other ``LC_ALL``/``LANG``/``TZ`` (a subprocess); and 16 threads building schedules give
the serial result.
"""

from __future__ import annotations

import datetime as dt
import decimal
import importlib.util
import json
import os
import pathlib
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest

from coopfinance import LoanTerms, json_default
from coopfinance._decimal import CONTEXT, exact
from coopfinance.book import Book
from coopfinance.cost import cost_of_credit, tcea
from coopfinance.dairy import Deliveries, SettlementPolicy, run_checkoff
from coopfinance.documents import (
    render,
    render_plan,
    render_settlement_summary,
    render_statement,
    render_worksheet,
    schedule_context,
)
from coopfinance.examples import ExampleCoop, load
from coopfinance.linked import Portfolio, simulate
from coopfinance.portfolio import report
from coopfinance.servicing import LoanAccount, statement
from coopfinance.training import MemberData, generate, worksheet

_HELPERS = pathlib.Path(__file__).parent / "book" / "book_helpers.py"
_spec = importlib.util.spec_from_file_location("_reliability_book_helpers", _HELPERS)
assert _spec is not None
assert _spec.loader is not None
book_helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(book_helpers)

_ALL_SIGNALS = list(decimal.Context().flags.keys())
HOSTILE = {
    "prec=5": decimal.Context(prec=5),
    "ROUND_FLOOR": decimal.Context(rounding=decimal.ROUND_FLOOR),
    "ROUND_UP prec=12": decimal.Context(prec=12, rounding=decimal.ROUND_UP),
    "traps off": decimal.Context(traps=[]),
    "traps on": decimal.Context(traps=_ALL_SIGNALS),
    "tiny exponent range": decimal.Context(prec=9, Emin=-5, Emax=5),
}


def _dump(value: Any) -> str:
    return json.dumps(value, default=json_default, sort_keys=True, ensure_ascii=False)


def _book(tmp: pathlib.Path) -> str:
    book = Book.init(f"sqlite:///{tmp / 'coop.db'}", coop="c1", name="Manantial", pay_delay_days=5)
    try:
        write = book_helpers.write
        book.import_roster(write(tmp, "roster.csv", book_helpers.ROSTER))
        book.import_prices(write(tmp, "prices.toml", book_helpers.PRICES))
        rows = "".join(
            f"{f},{dt.date(2026, 1, 1) + dt.timedelta(days=k)},{s},40.3,12.1\n"
            for k in range(20)
            for f in ("M001", "M002")
            for s in ("am", "pm")
        )
        book.import_deliveries(
            write(tmp, "d.csv", "farmer,date,shift,litres,total_solids\n" + rows)
        )
        book.import_loans(
            write(
                tmp,
                "loans.toml",
                '[[loan]]\nid = "L1"\nfarmer = "M001"\nprincipal = "1500"\nrate = "18%"\n'
                'disbursed = "2026-01-01"\ninstallments = 6\nfrequency = "semi-monthly"\n',
            )
        )
        closing = book.close()
        return repr(closing.settlement) + book.ledger_csv()
    finally:
        book.close_connection()


def compute_all(coop: ExampleCoop, tmp: pathlib.Path) -> dict[str, str]:
    """One representative computation per engine, as text (JSON or a rendered document)."""
    out: dict[str, str] = {}
    loans = coop.loans[:4]
    for loan in loans:
        schedule = loan.terms.schedule()
        out[f"schedule {loan.id}"] = schedule.to_json()
        out[f"cost {loan.id}"] = _dump(cost_of_credit(loan.terms).tcea) + str(tcea(schedule))
        out[f"document {loan.id}"] = render(
            "schedule", schedule_context(schedule, borrower="x", lender="y"), fmt="md"
        )
    odd = LoanTerms.from_dict(
        {"principal": "1000", "rate": "37%", "installments": 7, "disbursed": "2026-01-03"}
    )
    out["odd schedule"] = odd.schedule().to_json()
    accounts = {ln.farmer: [LoanAccount(terms=ln.terms, id=ln.id)] for ln in loans}
    periods = coop.periods()[:3]
    end = periods[-1].end
    deliveries = Deliveries(items=tuple(d for d in coop.deliveries.items if d.date <= end))
    season = run_checkoff(
        deliveries,
        coop.prices,
        accounts,
        periods,
        policy=SettlementPolicy(),
        farmers=[f.id for f in coop.farmers],
    )
    last = season.settlements[-1]
    out["settlement"] = render_settlement_summary(last, coop_name="c", fmt="md")
    final = [a for accs in season.accounts.values() for a in accs]
    as_of = periods[-1].end + dt.timedelta(days=40)
    states = [a.state(as_of) for a in final]
    out["states"] = repr(states)
    out["payoff"] = repr(final[0].payoff(as_of))
    out["statement"] = render_statement(
        statement(final[0], as_of), borrower="b", lender="l", fmt="md"
    )
    out["portfolio"] = repr(report(states))
    out["plan"] = render_plan(coop.plan, lang="en", fmt="md")
    member = MemberData(
        id="M", name="Ana", loan=loans[0].terms, litres=Decimal("812.5"), price=Decimal("1.37")
    )
    out["worksheet"] = render_worksheet(worksheet(member, seed=3), coop="c", fmt="md")
    out["quiz"] = _dump(generate("milk_gross", litres=1240, price="1.31").answer)
    sim = simulate(Portfolio.example(farmers=6, periods=6, seed=2), scenarios=30, seed=5)
    out["simulation"] = _dump(sim.summary())
    out["book"] = _book(tmp)
    return out


@pytest.fixture(scope="module", name="coop")
def fixture_coop() -> ExampleCoop:
    return load()


@pytest.fixture(scope="module", name="expected")
def fixture_expected(coop: ExampleCoop) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        return compute_all(coop, pathlib.Path(tmp))


@pytest.mark.parametrize("name", list(HOSTILE))
def test_every_engine_ignores_the_callers_decimal_context(
    name: str, coop: ExampleCoop, expected: dict[str, str], tmp_path: pathlib.Path
) -> None:
    """Under each hostile context the results are the default's, byte for byte; the caller's
    context is unchanged afterwards (no flags leak in from the library)."""
    hostile = HOSTILE[name].copy()
    with decimal.localcontext(hostile) as ctx:
        got = compute_all(coop, tmp_path)
        assert ctx.prec == hostile.prec
        assert ctx.rounding == hostile.rounding
        assert not any(ctx.flags.values()), ctx.flags
    for key, value in expected.items():
        assert got[key] == value, key


def test_loading_under_a_hostile_context_loads_the_same(expected: dict[str, str]) -> None:
    """The loaders (here the bundled example's TOML and CSV files) also ignore the context."""
    with decimal.localcontext(decimal.Context(prec=5, rounding=decimal.ROUND_FLOOR)):
        coop = load()
        schedule = coop.loans[0].terms.schedule()
    assert schedule.to_json() == expected[f"schedule {coop.loans[0].id}"]


def test_exact_restores_the_callers_context_and_wraps_generators() -> None:
    @exact
    def steps() -> Any:
        yield Decimal(1) / 3
        yield decimal.getcontext().prec

    with decimal.localcontext(decimal.Context(prec=5)):
        it = steps()
        assert str(next(it)) == str(CONTEXT.divide(Decimal(1), Decimal(3)))
        assert decimal.getcontext().prec == 5  # between items the caller's context is back
        assert next(it) == CONTEXT.prec
        assert decimal.getcontext().prec == 5


def test_sixteen_threads_build_the_serial_schedules(coop: ExampleCoop) -> None:
    """Each thread starts from ``decimal.DefaultContext``: made hostile here, it must not matter."""
    terms = [ln.terms for ln in coop.loans] * 2
    serial = [t.schedule().to_json() for t in terms]
    saved = decimal.DefaultContext.prec, decimal.DefaultContext.rounding
    decimal.DefaultContext.prec, decimal.DefaultContext.rounding = 6, decimal.ROUND_FLOOR
    try:
        with ThreadPoolExecutor(max_workers=16) as pool:
            threaded = list(pool.map(lambda t: t.schedule().to_json(), terms))
    finally:
        decimal.DefaultContext.prec, decimal.DefaultContext.rounding = saved
    assert threaded == serial


_SNIPPET = """
import json, sys
from coopfinance.examples import load
from coopfinance.documents import render_schedule, format_date, format_money
import datetime as dt
coop = load()
s = coop.loans[0].terms.schedule()
sys.stdout.write(s.to_json())
sys.stdout.write(render_schedule(s, borrower="b", lender="l", lang="es", fmt="md"))
sys.stdout.write(format_date(dt.date(2026, 3, 1), lang="pt_BR") + format_money("1234.5", "PEN"))
"""


def _run(env: dict[str, str]) -> str:
    full = {k: v for k, v in os.environ.items() if k not in {"LC_ALL", "LANG", "TZ", "LANGUAGE"}}
    full.update(env)
    done = subprocess.run(
        [sys.executable, "-c", _SNIPPET], env=full, capture_output=True, text=True, check=True
    )
    return done.stdout


def test_locale_and_time_zone_do_not_change_outputs() -> None:
    """``LC_ALL``/``LANG``/``TZ`` of the process change nothing: the documents' language is an
    argument, dates are calendar dates (no clock, no time zone). Locales that are not installed
    fall back to C in the C library, which is still a different environment; the test machine need
    not install any (``locale -a`` lists what is there)."""
    base = _run({"LC_ALL": "C", "TZ": "UTC"})
    for env in (
        {"LC_ALL": "de_DE.UTF-8", "TZ": "Pacific/Kiritimati"},
        {"LANG": "es_PE.UTF-8", "LC_ALL": "tr_TR.UTF-8", "TZ": "America/Lima"},
        {"LC_ALL": "C.UTF-8", "TZ": "Etc/GMT+12", "LANGUAGE": "pt_BR"},
    ):
        assert _run(env) == base, env
