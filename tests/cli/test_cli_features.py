"""Progress bars, shell completion, ``portfolio``, ``examples``, the limits on absurd requests, the
demo's folder rule, and a fast ``--help``."""

from __future__ import annotations

import csv
import io
import json
import pathlib
import shutil
import subprocess
import sys
from decimal import Decimal

import pytest
from cli_helpers import LOAN, Run, env, fixture_cli, no_locale, run_process  # noqa: F401

from coopfinance import LoanTerms
from coopfinance._demo import MANIFEST, run_demo
from coopfinance.cli._console import Console
from coopfinance.cli._main import build_parser
from coopfinance.cli.completion import script
from coopfinance.cost import cost_of_credit
from coopfinance.errors import InvalidValue
from coopfinance.examples import examples_dir

EXAMPLES = examples_dir()  # the bundled inputs: a checkout's examples/ or the installed wheel's


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bars_only_on_a_terminal_and_not_quiet() -> None:
    term = _Terminal()
    c = Console(io.StringIO(), term, lang="es", quiet=False, verbose=False)
    with c.progress(10, "préstamos", unit="loan") as bar:
        bar.update(10)
    assert "préstamos" in term.getvalue()
    assert "/10" in term.getvalue()
    for quiet, stream in ((True, _Terminal()), (False, io.StringIO())):
        c = Console(io.StringIO(), stream, lang="es", quiet=quiet, verbose=False)
        with c.progress(10, "x") as bar:
            bar.update(10)
        assert stream.getvalue() == ""


def test_completion_scripts(cli: Run, tmp_path: pathlib.Path) -> None:
    parser = build_parser(full=True)
    for shell in ("bash", "zsh", "fish"):
        r = cli("completion", shell)
        assert r.code == 0
        assert r.out == script(shell, parser)
        for word in ("schedule", "portfolio", "select-period", "principal", "quiz", "close"):
            assert word in r.out, (shell, word)
    bash = tmp_path / "c.bash"
    bash.write_text(cli("completion", "bash").out, encoding="utf-8")
    assert subprocess.run(["bash", "-n", str(bash)], check=False).returncode == 0

    def complete(*words: str) -> list[str]:
        line = " ".join(["coopfinance", *words])
        probe = (
            f"source {bash}; COMP_WORDS=({line}); COMP_CWORD={len(words)}; _coopfinance; "
            'printf "%s\\n" "${COMPREPLY[@]}"'
        )
        done = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, check=True)
        return done.stdout.split()

    assert "schedule" in complete("sch")
    assert set(complete("schedule", "--format", "")) >= {"csv", "json", "html", "terms"}
    assert "--principal" in complete("schedule", "--pri")
    assert "quiz" in complete("training", "")
    assert "--topic" in complete("training", "quiz", "--to")
    for shell, check in (("zsh", ["zsh", "-n"]), ("fish", ["fish", "--no-execute"])):
        if shutil.which(check[0]):
            path = tmp_path / f"c.{shell}"
            path.write_text(cli("completion", shell).out, encoding="utf-8")
            assert subprocess.run([*check, str(path)], check=False).returncode == 0


def _loans_csv(path: pathlib.Path, rows: int) -> list[tuple[str, str, str, int, str]]:
    loans = []
    for k in range(rows):
        loans.append(
            (
                f"L{k:06d}",
                f"{500 + (k * 37) % 9500}",
                f"{12 + k % 30}%",
                3 + k % 34,
                f"2026-{1 + k % 12:02d}-{1 + k % 28:02d}",
            )
        )
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "principal", "rate", "installments", "disbursed"])
        w.writerows(loans)
    return loans


def test_portfolio_agrees_with_the_exact_engine(cli: Run, tmp_path: pathlib.Path) -> None:
    """Differential: each loan's installment and TCEA against ``LoanTerms`` and ``cost_of_credit``."""
    path = tmp_path / "loans.csv"
    loans = _loans_csv(path, 60)
    r = cli("portfolio", str(path), "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["report"]["loans"] == 60
    for (loan_id, principal, rate, n, disbursed), got in zip(loans, data["loans"], strict=True):
        terms = LoanTerms.from_dict(
            {"principal": principal, "rate": rate, "installments": n, "disbursed": disbursed}
        )
        assert got["id"] == loan_id
        assert Decimal(got["installment"]) == terms.schedule().installment_amount
        assert abs(Decimal(got["tcea"]) - cost_of_credit(terms).tcea) < Decimal("1e-7")
    lent = sum(Decimal(p) for _, p, _, _, _ in loans)
    assert Decimal(data["report"]["lent"]) == lent
    table = cli("portfolio", str(path), "--lang", "en")
    assert "Average TCEA" in table.out
    assert "PAR30" in table.out
    assert "Préstamos" in cli("portfolio", str(path)).out


def test_portfolio_of_100000_loans(cli: Run, tmp_path: pathlib.Path) -> None:
    path = tmp_path / "loans.csv"
    _loans_csv(path, 100_000)
    r = cli("portfolio", str(path), "--format", "csv", "--as-of", "2026-12-31")
    assert r.code == 0, r.err
    assert r.out.count("\n") == 100_001


def test_portfolio_writes_every_installment(cli: Run, tmp_path: pathlib.Path) -> None:
    path = tmp_path / "loans.csv"
    loans = _loans_csv(path, 50)
    sched = tmp_path / "schedules.csv"
    assert cli("portfolio", str(path), "--schedules", str(sched)).code == 0
    with sched.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == sum(n for _, _, _, n, _ in loans)
    first = LoanTerms.from_dict(
        {
            "principal": loans[0][1],
            "rate": loans[0][2],
            "installments": loans[0][3],
            "disbursed": loans[0][4],
        }
    ).schedule()
    mine = [r for r in rows if r["loan"] == loans[0][0]]
    assert [Decimal(r["interest"]) for r in mine] == [i.interest for i in first.installments]


def test_portfolio_bad_rows_name_their_line(cli: Run, tmp_path: pathlib.Path) -> None:
    path = tmp_path / "loans.csv"
    path.write_text(
        "id,principal,rate,installments,disbursed\nA,100,20%,12,2026-01-01\nB,-5,20%,12,2026-01-01\n",
        encoding="utf-8",
    )
    r = cli("portfolio", str(path))
    assert r.code == 1
    assert "línea 3" in r.err  # the default language, Spanish
    assert "principal" in r.err
    path.write_text("id,principal\nA,100\n", encoding="utf-8")
    assert "faltan rate, installments, disbursed" in cli("portfolio", str(path)).err


def test_examples_then_the_docs_commands_run_there(cli: Run, tmp_path: pathlib.Path) -> None:
    folder = tmp_path / "ex"
    r = cli("examples", str(folder))
    assert r.code == 0, r.err
    for name in ("deliveries.csv", "prices.toml", "plan-alfalfa.toml", "loans.csv", "terms.toml"):
        assert (folder / name).is_file(), name
    assert not (folder / "generate.py").exists()
    again = cli("examples", str(folder))
    assert again.code == 1
    assert "--force" in again.err
    assert cli("examples", str(folder), "--force").code == 0
    for argv in (
        ["schedule", "--terms", str(folder / "terms.toml")],
        ["portfolio", str(folder / "loans.csv")],
        ["plan", str(folder / "plan-alfalfa.toml")],
        [
            "settle",
            "--deliveries",
            str(folder / "deliveries.csv"),
            "--prices",
            str(folder / "prices.toml"),
            "--period",
            "2026-01-01..2026-01-15",
            "--select-period",
        ],
    ):
        done = cli(*argv)
        assert done.code == 0, (argv, done.err)


@pytest.mark.parametrize(
    ("argv", "limit"),
    [
        (["training", "quiz", "--topic", "credit", "--seed", "1", "--count", "100000"], "200"),
        (["simulate", "--scenarios", "100000000"], "1,000,000"),
        (["simulate", "--farmers", "0"], "100,000"),
        (["simulate", "--scenarios", "1000000", "--farmers", "10000"], "2,000,000,000"),
    ],
)
def test_absurd_requests_are_refused_with_the_limit(cli: Run, argv: list[str], limit: str) -> None:
    r = cli(*argv)
    assert r.code == 1
    assert limit in r.err
    assert r.err.count("\n") == 1


def test_the_demo_refuses_a_folder_holding_other_files(tmp_path: pathlib.Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(InvalidValue, match="holds files the demo did not write"):
        run_demo(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_the_demo_may_rewrite_its_own_folder(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its manifest lists what it wrote; a file it listed is its own."""
    (tmp_path / "index.html").write_text("old", encoding="utf-8")
    (tmp_path / MANIFEST).write_text(json.dumps({"files": ["index.html"]}), encoding="utf-8")
    from coopfinance import _demo

    out = _demo._Out(tmp_path)
    out.check()  # no complaint
    out.write("index.html", "new")
    out.save_manifest()
    assert json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8")) == {
        "files": ["index.html"]
    }
    assert (tmp_path / "index.html").read_text(encoding="utf-8") == "new"


def test_help_is_fast_no_heavy_import() -> None:
    """``coopfinance --help`` imports neither the book (SQLAlchemy) nor the documents nor training."""
    code = (
        "import sys, io, contextlib\n"
        "from coopfinance.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])\n"
        "heavy = [m for m in ('sqlalchemy', 'coopfinance.book', 'coopfinance.documents',"
        " 'coopfinance.training', 'jinja2', 'babel', 'tqdm', 'numpy') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env(), check=True
    )
    assert done.stdout.strip() == "[]", done.stdout


def test_quiet_and_verbose(cli: Run, tmp_path: pathlib.Path) -> None:
    path = tmp_path / "loans.csv"
    _loans_csv(path, 3)
    assert "3 préstamos leídos" in cli("portfolio", str(path), "-v").err
    assert cli("portfolio", str(path), "-q").err == ""
    assert cli("portfolio", str(path)).err == ""


def test_stdin_for_a_loans_file(cli: Run) -> None:
    text = "id,principal,rate,installments,disbursed\nA,5000,35%,12,2026-01-15\n"
    r = cli("portfolio", "-", "--format", "csv", stdin=text)
    assert r.code == 0, r.err
    assert r.out.splitlines()[1].startswith("A,5000.00,12,489.11,")


def test_real_process_help_starts(tmp_path: pathlib.Path) -> None:
    done = run_process(["--help"], cwd=str(tmp_path))
    assert done.returncode == 0
    assert "portfolio" in done.stdout
    assert LOAN
