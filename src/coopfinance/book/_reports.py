"""The contexts of the accounts' documents (``coopfinance.documents.render_contributions``,
``render_liquidation``, ``render_assembly``; PDF by ``render_pdf`` of the same name): plain data
from the book's values, nothing recomputed but the totals the documents reconcile."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from coopfinance.book._accounts import ContributionStatement
from coopfinance.book._compat import Currency
from coopfinance.book._income import YearDistribution
from coopfinance.book._members import Liquidation

__all__ = ["assembly_context", "contributions_context", "liquidation_context"]

ZERO = Decimal(0)


def contributions_context(
    statement: ContributionStatement, *, coop_name: str, currency: str
) -> dict[str, Any]:
    """``coop_name``, ``currency``, ``farmer``, ``name``, ``as_of``, ``lines`` (``date``,
    ``kind``, ``reference``, ``amount``, ``capital`` and ``payable`` after the line) and the totals
    ``compulsory``, ``voluntary``, ``capital``, ``interest``, ``retornos``, ``payable``."""
    s = statement
    return {
        "coop_name": coop_name,
        "currency": Currency.of(currency),
        "farmer": s.farmer,
        "name": s.name,
        "as_of": s.as_of,
        "lines": [
            {
                "date": e.date,
                "kind": e.kind,
                "reference": e.reference,
                "amount": e.amount,
                "capital": capital,
                "payable": payable,
            }
            for e, capital, payable in s.lines
        ],
        "compulsory": s.compulsory,
        "voluntary": s.voluntary,
        "capital": s.capital,
        "interest": s.interest,
        "retornos": s.retornos,
        "payable": s.payable,
    }


def liquidation_context(liq: Liquidation, *, coop_name: str, currency: str) -> dict[str, Any]:
    """The liquidación's fields, ``credits``, ``debts`` and ``loans`` (``id``, ``netted``,
    ``left``)."""
    return {
        "coop_name": coop_name,
        "currency": Currency.of(currency),
        "farmer": liq.farmer,
        "name": liq.name,
        "exit": liq.exit,
        "exit_date": liq.exit_date,
        "date": liq.date,
        "refund": liq.refund,
        "pending": liq.pending,
        "milk": liq.milk,
        "credits": liq.credits,
        "service_due": liq.service_due,
        "service_paid": liq.service_paid,
        "inputs_due": liq.inputs_due,
        "inputs_paid": liq.inputs_paid,
        "loans": [{"id": a, "netted": b, "left": c} for a, b, c in liq.loans],
        "debts": liq.debts,
        "paid_out": liq.paid_out,
        "left_owed": liq.left_owed,
        "written_off": liq.written_off,
    }


def assembly_context(
    year: YearDistribution,
    *,
    coop_name: str,
    interest_rate: Decimal,
    interest_cap: Decimal | None,
) -> dict[str, Any]:
    """The income statement (``income``/``costs`` rows of ``key``, ``amount``; ``total_income``,
    ``total_costs``, ``result``, ``third_party_result``), the distribution (``reserve``,
    ``third_party_reserve``, ``education``, ``funds``, ``distributed``), ``members`` (``id``,
    ``name``, ``contributions``, ``patronage``, ``interest``, ``retorno``, ``total``), ``totals``
    and ``reconciles`` (the parts sum to the result and the members' lines to their totals)."""
    d, st = year.distribution, year.statement
    names = dict(year.names)
    capital, patronage = dict(year.contributions), dict(year.patronage)
    interest, refunds = dict(d.interest), dict(d.patronage)
    members: list[dict[str, Any]] = [
        {
            "id": f,
            "name": names.get(f, ""),
            "contributions": capital.get(f, ZERO),
            "patronage": patronage.get(f, ZERO),
            "interest": interest[f],
            "retorno": refunds[f],
            "total": interest[f] + refunds[f],
        }
        for f, _ in d.interest
    ]
    totals = {
        "interest": sum((m["interest"] for m in members), ZERO),
        "retorno": sum((m["retorno"] for m in members), ZERO),
        "total": sum((m["total"] for m in members), ZERO),
    }
    return {
        "coop_name": coop_name,
        "currency": d.currency,
        "year": year.year,
        "date": year.date,
        "income": [{"key": k, "amount": v} for k, v in st.income],
        "costs": [{"key": k, "amount": v} for k, v in st.costs],
        "total_income": st.total_income,
        "total_costs": st.total_costs,
        "result": d.surplus,
        "third_party_result": st.third_party_result,
        "reserve": d.reserve,
        "third_party_reserve": d.third_party_reserve,
        "education": d.education,
        "funds": [{"name": k, "amount": v} for k, v in d.funds],
        "distributed": d.total,
        "members": members,
        "totals": totals,
        "interest_rate": interest_rate,
        "interest_cap": interest_cap,
        "reconciles": d.total == d.surplus == st.result
        and totals["total"] == sum((v for _, v in d.interest + d.patronage), ZERO),
    }
