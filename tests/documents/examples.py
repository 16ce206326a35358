"""The golden loan of the documents tests: S/ 5,000 at TEA 35 %, 6 monthly installments."""

from __future__ import annotations

from decimal import Decimal

import coopfinance
from coopfinance.documents import KeyFacts


def golden_schedule() -> coopfinance.Schedule:
    """The loan every golden file shows."""
    return coopfinance.LoanTerms(
        principal="5000",
        rate=coopfinance.Rate.effective_annual("35%"),
        installments=6,
        disbursed="2026-01-15",
    ).schedule()


def golden_facts(base: coopfinance.Schedule | None = None, **changes: object) -> KeyFacts:
    """Key facts of the golden loan with S/ 50 withheld at disbursement.

    The TCEA is ``coopfinance.cost.tcea(schedule, received="4950")`` (0.398275...) to 4 places,
    written out so that the goldens depend on the documents layer only.
    """
    s = base or golden_schedule()
    values: dict[str, object] = {
        "borrower": "Juana Quispe Mamani",
        "lender": "Cooperativa Agraria Manantial de Vida",
        "product": "Capital semilla para ganado lechero",
        "schedule": s,
        "tea": Decimal("0.35"),
        "tcea": Decimal("0.3983"),
        "fees_withheld": Decimal("50.00"),
        "fees_financed": Decimal("0.00"),
        "total_interest": s.total_interest,
        "total_fees": Decimal("50.00"),
        "total_insurance": Decimal("0.00"),
        "total_taxes": Decimal("0.00"),
        "total_to_pay": s.total_payments,
        "moratorium_rate": Decimal("0.12"),
        "late_fee": Decimal("15.00"),
        "notes": (
            "Puede pagar en la oficina de la cooperativa o por descuento de su liquidación de leche.",
            "Puede adelantar pagos (totales o parciales) sin penalidad.",
        ),
    }
    values.update(changes)
    return KeyFacts(**values)  # type: ignore[arg-type]
