"""The bundled example co-op: illustrative data modelled on Manantial de Vida (Cabeza de Toro, Ica).

The files live in ``examples/`` of the repository and inside the wheel; they are plain CSV and TOML a
user can copy and edit, generated reproducibly by ``examples/generate.py``.

>>> coop = load()
>>> len(coop.farmers), sum(f.role == "member" for f in coop.farmers)
(188, 38)
>>> loan = coop.loans[0]
>>> loan.id, loan.farmer, loan.terms.schedule().installment_amount
('L001', 'M001', Decimal('136.65'))
"""

from __future__ import annotations

import csv
import io
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from coopfinance._decimal import to_decimal
from coopfinance._terms import LoanTerms
from coopfinance.errors import InvalidValue, ParseError

__all__ = ["ExampleCoop", "ExampleFarmer", "ExampleLoan", "examples_dir", "load"]

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
                    cows=int(row["cows"]),
                    litres_per_cow_day=to_decimal(
                        row["litres_per_cow_day"], field="litres_per_cow_day"
                    ),
                )
            )
        except (KeyError, ValueError) as exc:
            raise ParseError(f"{source} line {line}: {exc}", field="farmers", value=row) from None
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
            ExampleLoan(id=loan_id, farmer=farmer, plan=plan, terms=LoanTerms.from_mapping(body))
        )
    return tuple(out)


def load(directory: str | Path | None = None) -> ExampleCoop:
    """Load the example co-op from ``directory`` (default: the bundled one)."""
    root = Path(directory) if directory is not None else examples_dir()
    farmers = _farmers((root / "farmers.csv").read_text(encoding="utf-8"), "farmers.csv")
    data = tomllib.loads((root / "loans.toml").read_text(encoding="utf-8"), parse_float=Decimal)
    loans = _loans(data, "loans.toml", {f.id for f in farmers})
    return ExampleCoop(
        name="Cooperativa Agraria Manantial de Vida (ejemplo ilustrativo)",
        directory=root,
        farmers=farmers,
        loans=loans,
    )
