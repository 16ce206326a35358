"""``coopfinance demo`` runs end to end on the bundled example and every link of its index resolves."""

from __future__ import annotations

import io
import pathlib
import re
from decimal import Decimal

from coopfinance._demo import run_demo
from coopfinance.cli import main
from coopfinance.examples import load


def test_demo_writes_documents_and_an_index_whose_links_resolve(tmp_path: pathlib.Path) -> None:
    messages: list[str] = []
    result = run_demo(tmp_path, lang="es", progress=messages.append)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+)"', index)
    assert all((tmp_path / link).is_file() for link in links)
    # three documents per loan, 24 fortnights, every farmer's last statement, the portfolio,
    # the plan, the training report and a worksheet per participant
    assert len(links) >= 3 * result.loans + 24 + 188 + 3
    for page in ("portfolio.html", "plan.html", "training/report.html"):
        assert page in links
    assert any("installments collected in the settlements" in c for c in result.checks)
    assert "http://" not in index
    assert messages[0].startswith("loaded")
    coop = load()
    assert result.total_lent == sum(
        (loan.terms.principal.amount for loan in coop.loans), Decimal(0)
    )


def test_demo_command(tmp_path: pathlib.Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["demo", str(tmp_path / "out"), "--lang", "en"], out=out, err=err) == 0
    assert "ok  42 schedules repay exactly the principal lent" in out.getvalue()
    assert (tmp_path / "out" / "loans" / "L001-key-facts.html").is_file()


def test_example_data_is_consistent() -> None:
    coop = load()
    ids = [f.id for f in coop.farmers]
    assert len(ids) == len(set(ids)) == 188
    assert sum(f.is_member for f in coop.farmers) == 38
    assert all(1 <= f.cows <= 10 for f in coop.farmers)
    assert {loan.farmer for loan in coop.loans} <= set(ids)
