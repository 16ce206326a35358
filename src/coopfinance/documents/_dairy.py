"""The milk settlement documents: a farmer's statement (liquidación) and the co-op's period summary.

The *statement* shows, for one farmer and one period: every delivery with its quality, its price per
litre (base price plus the quality bonuses and penalties) and its value; the gross milk value; each
deduction in the order it was applied with what was due, what was collected and what is left
(arrears created, and whether they carry to the next settlement); the net paid; and what the
intermediary's price would have paid for the same litres. The numbers come from the
:class:`~coopfinance.dairy.Settlement` and its statement; this module only arranges them::

    gross          = round(Σ litres × price)            (the settlement's own figure)
    base value     = round(Σ litres × base price)
    quality        = gross − base value                  (bonuses and penalties, net)
    line amount    = round(litres × price)               (a rounding line makes the lines add up)
    co-op value    = gross − this period's service charges
    intermediary   = round(Σ litres × intermediary price)
    difference     = co-op value − intermediary

Loan, input and savings deductions are not part of the comparison: they are the farmer's own debts
and savings, paid whoever buys the milk.

The *summary* shows the co-op's totals for the period, one line per farmer, the deductions by kind
(due, collected, short) and a reconciliation table: each total summed from the statements next to
the summary's figure and their difference (0.00 when they reconcile to the céntimo).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from coopfinance import text
from coopfinance._decimal import CONTEXT, ZERO, exact
from coopfinance._fields import to_text
from coopfinance.dairy import (
    FarmerSettlement,
    ObligationKind,
    Period,
    PriceTerms,
    Settlement,
    SettlementPolicy,
)
from coopfinance.documents._env import render
from coopfinance.errors import E_, InvalidSettlement, WrongType
from coopfinance.linked import GroupGuarantee

__all__ = [
    "render_settlement",
    "render_settlement_summary",
    "settlement_context",
    "settlement_summary_context",
]

_MAX_PRICE_PLACES = 4


def _settlement(value: object) -> Settlement:
    if not isinstance(value, Settlement):
        raise WrongType(
            E_(
                "'settlement' must be a coopfinance.dairy Settlement (got %(type)s).",
                type=type(value).__name__,
            ),
            field="settlement",
            value=value,
        )
    return value


def _places(values: Iterable[Decimal]) -> int:
    """Decimals to print prices with: as many as the most precise one has, 2 to 4."""
    places = 2
    for v in values:
        exponent = v.normalize(CONTEXT).as_tuple().exponent
        if isinstance(exponent, int):
            places = max(places, -exponent)
    return min(places, _MAX_PRICE_PLACES)


def _carried_from(reference: str) -> tuple[Period | None, str]:
    """``(period, original reference)`` of an obligation carried by ``Settlement.carried``."""
    if not reference.startswith("arrears "):
        return None, reference
    head, _, rest = reference[len("arrears ") :].partition(" ")
    try:
        return Period.parse(head), rest
    except InvalidSettlement:
        return None, reference


_DUE = "due "


def _due_on(reference: str) -> tuple[dt.date | None, str]:
    """``(date, rest)`` of the reference the check-off gives a loan installment it collects
    (``"due 2026-01-15"``: :func:`coopfinance.dairy.loan_obligations`), which documents
    show in words ("vence el 15/01/2026"); any other reference is the co-op's own text."""
    if not reference.startswith(_DUE):
        return None, reference
    head, _, rest = reference[len(_DUE) :].partition(" ")
    try:
        return dt.date.fromisoformat(head), rest
    except ValueError:
        return None, reference


def _adjustments(terms: PriceTerms, line_quality: Any) -> dict[str, Decimal]:
    """Per-litre bonuses (+) and penalties (−) of one delivery, by criterion."""
    q = line_quality
    out = {"solids": ZERO, "fat": ZERO, "hygiene": ZERO, "cooling": ZERO}
    if q is None:
        return out
    if q.total_solids is not None:
        out["solids"] = CONTEXT.multiply(
            terms.solids_bonus_per_point, q.total_solids - terms.solids_reference
        )
    if q.fat is not None:
        out["fat"] = CONTEXT.multiply(terms.fat_bonus_per_point, q.fat - terms.fat_reference)
    out["hygiene"] = terms.hygiene_adjustment(q.bacterial_count)
    if q.cooled:
        out["cooling"] = terms.cooling_bonus
    return out


def _itemised(terms: PriceTerms) -> bool:
    """Whether a line's price is shown as its components (:meth:`PriceTerms.components`) rather
    than base + adjustment: with a fat × SNF rate chart, protein or somatic-cell tiers, or a price
    per kg, "price − base" would hide how the price was made."""
    return bool(
        terms.rate_chart is not None
        or terms.protein_bonus_per_point
        or terms.somatic_cells
        or terms.per == "kg"
    )


def _milk(statement: FarmerSettlement, settlement: Settlement) -> dict[str, Any]:
    """The delivery lines, the base value / quality split and the intermediary comparison."""
    unit = settlement.currency.unit
    deliveries = settlement.deliveries_of(statement.farmer)
    prices = settlement.prices
    empty: dict[str, Any] = {
        "lines": None,
        "rounding": ZERO,
        "base_value": None,
        "quality_value": None,
        "price_places": 2,
        "itemised": False,
        "density": None,
        "comparison": None,
    }
    if prices is None or (not deliveries and statement.litres):
        return empty
    litres = sum((d.litres for d in deliveries), ZERO)
    if litres != statement.litres:
        raise InvalidSettlement(
            E_(
                "the deliveries kept with the settlement add up to %(litres)s litres "
                "for %(farmer)s, but the statement says %(litres2)s.",
                litres=litres,
                farmer=repr(statement.farmer),
                litres2=statement.litres,
            ),
            field="deliveries",
            value=litres,
        )
    lines: list[dict[str, Any]] = []
    exact = base_exact = middle_exact = ZERO
    middle_known = bool(deliveries)
    for d in deliveries:
        terms = prices.terms_on(d.date)
        price = terms.price(d.quality)
        value = CONTEXT.multiply(d.litres, price)
        exact += value
        base_exact += CONTEXT.multiply(d.litres, terms.base)
        if terms.intermediary is None:
            middle_known = False
        else:
            middle_exact += CONTEXT.multiply(d.litres, terms.intermediary)
        adj = _adjustments(terms, d.quality)
        parts = terms.components(d.quality) if _itemised(terms) else None
        lines.append(
            {
                "date": d.date,
                "shift": d.shift,
                "litres": d.litres,
                "quality": d.quality,
                "base": terms.base,
                "adjustments": adj,
                "adjustment": price - terms.base,
                "composition": None if parts is None else parts[0][2],
                "components": None if parts is None else [(k, a) for k, _, a in parts[1:]],
                "density": terms.density if terms.per == "kg" else None,
                "price": price,
                "amount": value.quantize(unit, ROUND_HALF_UP, CONTEXT),
            }
        )
    gross = exact.quantize(unit, ROUND_HALF_UP, CONTEXT)
    if gross != statement.gross:
        raise InvalidSettlement(
            E_(
                "the deliveries and prices kept with the settlement are worth "
                "%(gross)s for %(farmer)s, but the statement's gross is %(gross2)s.",
                gross=gross,
                farmer=repr(statement.farmer),
                gross2=statement.gross,
            ),
            field="gross",
            value=gross,
        )
    base_value = base_exact.quantize(unit, ROUND_HALF_UP, CONTEXT)
    comparison = None
    if middle_known and litres:
        services = sum(
            (
                c.due
                for c in statement.collections
                if c.obligation.kind is ObligationKind.SERVICE_CHARGE
                and _carried_from(c.obligation.reference)[0] is None
            ),
            ZERO,
        )
        coop = statement.gross - services
        middle = middle_exact.quantize(unit, ROUND_HALF_UP, CONTEXT)
        comparison = {
            "litres": litres,
            "services": services,
            "coop": coop,
            "intermediary": middle,
            "difference": coop - middle,
            "coop_per_litre": CONTEXT.divide(coop, litres),
            "intermediary_per_litre": CONTEXT.divide(middle, litres),
            "difference_per_litre": CONTEXT.divide(coop - middle, litres),
        }
    return {
        "lines": lines,
        "rounding": statement.gross - sum((ln["amount"] for ln in lines), ZERO),
        "base_value": base_value,
        "quality_value": statement.gross - base_value,
        "price_places": _places(
            [v for ln in lines for v in (ln["base"], ln["adjustment"], ln["price"])]
            + [a for ln in lines for _, a in ln["components"] or ()]
            + [ln["composition"] for ln in lines if ln["composition"] is not None]
        ),
        "itemised": any(ln["components"] is not None for ln in lines),
        "density": next((ln["density"] for ln in lines if ln["density"] is not None), None),
        "comparison": comparison,
    }


@exact
def settlement_context(
    statement: FarmerSettlement,
    settlement: Settlement,
    *,
    farmer_name: str,
    coop_name: str,
    guarantee: GroupGuarantee | None = None,
) -> dict[str, Any]:
    """What the ``settlement`` templates use (see the module docstring for the figures).

    ``statement``, ``settlement``, ``currency``, ``period``, ``farmer_id``, ``farmer_name``,
    ``coop_name``, ``litres``, ``gross``, ``deductions``, ``net``, ``floor``, ``due``,
    ``arrears`` (short in this period), ``carried_in`` (arrears of earlier periods due now),
    ``carried_out`` (what passes to the next settlement), ``dropped`` (short and not carried:
    voluntary savings unless the policy carries them), ``loan_cap`` (the cap of loan installments
    as a share of gross, or ``None``), ``rows`` (one per deduction, in the order applied: ``kind``,
    ``reference``, ``names`` (a service charge's display name by language, from the price file),
    ``due_on`` (the due date of a loan installment the check-off collects), ``loan_id``,
    ``carried_from``, ``due``, ``collected``, ``short``, ``carried``),
    ``charts`` (``days`` of the period and the ``litres`` delivered each day, every shift, or
    ``None`` without the deliveries: the litres-per-day chart),
    and from the deliveries kept with the settlement: ``lines`` (each with its ``shift``;
    ``None`` when they were not kept),
    ``rounding``, ``base_value``, ``quality_value``, ``price_places`` and ``comparison``
    (``None`` without an intermediary price for every delivery); ``itemised`` (the lines show
    the price components: a rate chart, protein or somatic-cell tiers, a price per kg) and
    ``density`` (kg/L, for a price per kg);
    ``guarantee`` (with a solidarity group's :class:`~coopfinance.linked.GroupGuarantee`, else
    ``None``): ``group``, ``covered`` (the steps covering this farmer's loans: ``loan_id``,
    ``source``, ``guarantor``, ``amount``), ``paid`` (what this farmer's milk paid for others:
    ``borrower``, ``loan_id``, ``amount``), ``uncovered`` (this farmer's shortfall left) and
    ``net_after`` (the net less what their milk paid).
    """
    settlement = _settlement(settlement)
    if not isinstance(statement, FarmerSettlement):
        raise WrongType(
            E_(
                "'statement' must be a FarmerSettlement (got %(type)s).",
                type=type(statement).__name__,
            ),
            field="statement",
            value=statement,
        )
    if statement not in settlement.statements:
        raise InvalidSettlement(
            E_(
                "'statement' of %(farmer)s is not one of this settlement's statements "
                "(%(period)s).",
                farmer=repr(statement.farmer),
                period=settlement.period,
            ),
            field="statement",
            value=statement.farmer,
        )
    policy = settlement.policy or SettlementPolicy()
    rows = []
    carried_in = carried_out = dropped = ZERO
    for c in statement.collections:
        ob = c.obligation
        origin, reference = _carried_from(ob.reference)
        due_on, reference = _due_on(reference)
        names: dict[str, str] = {}
        if ob.kind is ObligationKind.SERVICE_CHARGE and settlement.prices is not None:
            for lang in text.LANGUAGES:
                name = settlement.prices.service_name(reference, lang)
                if name is not None:
                    names[lang] = name
        carried = c.short > 0 and (
            ob.kind is not ObligationKind.VOLUNTARY_SAVINGS or policy.carry_voluntary
        )
        if origin is not None:
            carried_in += c.due
        if carried:
            carried_out += c.short
        else:
            dropped += c.short
        rows.append(
            {
                "kind": ob.kind.value,
                "reference": reference,
                "names": names,
                "due_on": due_on,
                "loan_id": ob.loan_id,
                "carried_from": origin,
                "due": c.due,
                "collected": c.collected,
                "short": c.short,
                "carried": carried,
            }
        )
    return {
        "statement": statement,
        "settlement": settlement,
        "currency": settlement.currency,
        "period": settlement.period,
        "farmer_id": statement.farmer,
        "farmer_name": to_text(farmer_name, field="farmer_name"),
        "coop_name": to_text(coop_name, field="coop_name"),
        "litres": statement.litres,
        "gross": statement.gross,
        "deductions": statement.deductions,
        "net": statement.net,
        "floor": statement.floor,
        "due": statement.due,
        "arrears": statement.arrears,
        "carried_in": carried_in,
        "carried_out": carried_out,
        "dropped": dropped,
        "loan_cap": policy.cap_share(ObligationKind.LOAN_INSTALLMENT),
        "rows": rows,
        "charts": _litres_per_day(statement, settlement),
        "guarantee": _guarantee(statement, guarantee),
        **_milk(statement, settlement),
    }


def _guarantee(statement: FarmerSettlement, guarantee: GroupGuarantee | None) -> Any:
    """A member's guarantee lines (see :func:`settlement_context`)."""
    if guarantee is None:
        return None
    if not isinstance(guarantee, GroupGuarantee):
        raise WrongType(
            E_(
                "'guarantee' must be a GroupGuarantee (got %(type)s).",
                type=type(guarantee).__name__,
            ),
            field="guarantee",
            value=guarantee,
        )
    farmer = statement.farmer
    if farmer not in guarantee.group.members:
        return None
    covered = [
        {"loan_id": s.loan_id, "source": s.source.value.replace("-", "_"),
         "source_key": "dairy.guarantee.source." + s.source.value.replace("-", "_"),
         "guarantor": s.guarantor, "amount": s.amount}
        for s in guarantee.steps
        if s.borrower == farmer
    ]  # fmt: skip
    paid = [
        {"borrower": s.borrower, "loan_id": s.loan_id, "amount": s.amount}
        for s in guarantee.steps
        if s.guarantor == farmer
    ]
    short = sum((x for b, _, x in guarantee.shortfalls if b == farmer), ZERO)
    return {
        "group": guarantee.group.id,
        "covered": covered,
        "paid": paid,
        "uncovered": short - guarantee.covered(farmer),
        "net_after": statement.net - guarantee.paid_by(farmer),
    }


def _litres_per_day(statement: FarmerSettlement, settlement: Settlement) -> dict[str, Any] | None:
    """The series of the liquidación's chart: ``days`` (every day of the period) and ``litres``
    (what the farmer delivered that day, every shift; 0 on a day without a delivery), or ``None``
    when the deliveries were not kept with the settlement."""
    deliveries = settlement.deliveries_of(statement.farmer)
    if not deliveries:
        return None
    period = settlement.period
    days = [
        period.start + dt.timedelta(days=k) for k in range((period.end - period.start).days + 1)
    ]
    per_day = dict.fromkeys(days, ZERO)
    for d in deliveries:
        if d.date in per_day:
            per_day[d.date] += d.litres
    return {"days": days, "litres": [per_day[day] for day in days]}


@exact
def render_settlement(
    statement: FarmerSettlement,
    settlement: Settlement,
    *,
    farmer_name: str,
    coop_name: str,
    lang: str = "es",
    fmt: str = "md",
    template_dirs: Iterable[str | os.PathLike[str]] = (),
    messages: text.Overrides | None = None,
    guarantee: GroupGuarantee | None = None,
) -> str:
    """A farmer's settlement statement (liquidación) in Markdown or HTML, Spanish or English;
    with ``guarantee`` (a solidarity group's), the group guarantee's lines for this member.

    For PDF: ``render_pdf("settlement", settlement_context(...), lang=...)``.

    >>> import datetime as dt
    >>> from coopfinance.dairy import Delivery, MilkPriceSchedule, Obligation, Period, settle
    >>> prices = MilkPriceSchedule.flat("1.30", "2026-01-01", "2026-12-31",
    ...                                 service_charges={"transporte": "0.05"})
    >>> milk = [Delivery(farmer="F01", date=dt.date(2026, 1, d), litres=40) for d in range(1, 16)]
    >>> loan = Obligation(farmer="F01", kind="loan-installment", amount="300", loan_id="L-9")
    >>> s = settle(milk, prices, Period.parse("2026-01-01..2026-01-15"), [loan])
    >>> text = render_settlement(s.statement("F01"), s, farmer_name="Juana Quispe",
    ...                          coop_name="Cooperativa Manantial de Vida")
    >>> print(text.splitlines()[0])
    # Liquidación de leche
    >>> [line for line in text.splitlines() if "Neto a pagar" in line][0]
    '- **Neto a pagar:** **S/ 516.00**'
    """
    context = settlement_context(
        statement, settlement, farmer_name=farmer_name, coop_name=coop_name, guarantee=guarantee
    )
    return render(
        "settlement", context, lang=lang, fmt=fmt, template_dirs=template_dirs, messages=messages
    )


_SUMMED = ("litres", "gross", "deductions", "net", "arrears")


@exact
def settlement_summary_context(
    settlement: Settlement,
    *,
    coop_name: str,
    farmer_names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """What the ``settlement_summary`` templates use.

    ``settlement``, ``summary``, ``currency``, ``period``, ``coop_name``, ``farmers`` (one dict per
    statement: ``id``, ``name`` or ``None``, ``litres``, ``gross``, ``deductions``, ``net``,
    ``arrears``), ``charts`` (per farmer, in the statements' order: ``farmers`` (ids), ``litres``,
    ``deductions`` and ``net``: the litres and payments charts), ``kinds`` (per kind in the
    policy's order: ``kind``, ``due``, ``collected``, ``short``), ``totals`` (the summary's
    figures), ``reconciliation`` (rows of ``key``,
    ``statements`` = summed from the statements, ``summary`` and ``difference``),
    ``reconciles`` (every difference is 0 and gross = deductions + net for every statement),
    ``balanced`` (how many statements satisfy gross = deductions + net) and ``comparison``
    (the co-op's total advantage over the intermediary, or ``None``).
    """
    settlement = _settlement(settlement)
    names = dict(farmer_names or {})
    for key, value in names.items():
        to_text(value, field=f"farmer_names[{key}]")
    s = settlement.summary
    farmers: list[dict[str, Any]] = [
        {
            "id": f.farmer,
            "name": names.get(f.farmer),
            "litres": f.litres,
            "gross": f.gross,
            "deductions": f.deductions,
            "net": f.net,
            "arrears": f.arrears,
        }
        for f in settlement.statements
    ]
    summed = {k: sum((f[k] for f in farmers), ZERO) for k in _SUMMED}
    by_kind_statements: dict[ObligationKind, list[Decimal]] = {}
    for f in settlement.statements:
        for c in f.collections:
            got = by_kind_statements.setdefault(c.obligation.kind, [ZERO, ZERO])
            got[0] += c.collected
            got[1] += c.short
    short_of = dict(s.arrears_by_kind)
    kinds = [
        {
            "kind": kind.value,
            "due": collected + short_of.get(kind, ZERO),
            "collected": collected,
            "short": short_of.get(kind, ZERO),
        }
        for kind, collected in s.deductions_by_kind
    ]
    reconciliation: list[dict[str, Any]] = [
        {"key": "litres", "statements": summed["litres"], "summary": s.litres},
        {"key": "gross", "statements": summed["gross"], "summary": s.gross},
        *(
            {
                "key": f"collected.{kind.value}",
                "kind": kind.value,
                "statements": by_kind_statements.get(kind, [ZERO, ZERO])[0],
                "summary": collected,
            }
            for kind, collected in s.deductions_by_kind
        ),
        {"key": "deductions", "statements": summed["deductions"], "summary": s.deductions},
        {"key": "net", "statements": summed["net"], "summary": s.net},
        {"key": "arrears", "statements": summed["arrears"], "summary": s.arrears},
    ]
    for row in reconciliation:
        row["difference"] = row["summary"] - row["statements"]
    balanced = sum(1 for f in settlement.statements if f.gross == f.deductions + f.net)
    comparison = None
    parts = [_milk(f, settlement)["comparison"] for f in settlement.statements if f.litres]
    if parts and all(p is not None for p in parts):
        comparison = {
            k: sum((p[k] for p in parts), ZERO)
            for k in ("litres", "coop", "intermediary", "difference")
        }
    return {
        "settlement": settlement,
        "summary": s,
        "currency": settlement.currency,
        "period": settlement.period,
        "coop_name": to_text(coop_name, field="coop_name"),
        "farmers": farmers,
        "kinds": kinds,
        "totals": {k: getattr(s, k) for k in _SUMMED},
        "reconciliation": reconciliation,
        "balanced": balanced,
        "reconciles": balanced == len(farmers)
        and all(row["difference"] == 0 for row in reconciliation)
        and s.gross == s.deductions + s.net,
        "comparison": comparison,
        "charts": {
            "farmers": [f["id"] for f in farmers],
            "litres": [f["litres"] for f in farmers],
            "deductions": [f["deductions"] for f in farmers],
            "net": [f["net"] for f in farmers],
        },
    }


@exact
def render_settlement_summary(
    settlement: Settlement,
    *,
    coop_name: str,
    farmer_names: Mapping[str, str] | None = None,
    lang: str = "es",
    fmt: str = "md",
    template_dirs: Iterable[str | os.PathLike[str]] = (),
    messages: text.Overrides | None = None,
) -> str:
    """The co-op's summary of one settlement period, with its reconciliation to the statements.

    ``farmer_names`` maps farmer ids to names (ids without a name show the id alone). For PDF:
    ``render_pdf("settlement_summary", settlement_summary_context(...), lang=...)``.

    >>> import datetime as dt
    >>> from coopfinance.dairy import Delivery, MilkPriceSchedule, Period, settle
    >>> prices = MilkPriceSchedule.flat("1.30", "2026-01-01", "2026-12-31")
    >>> milk = [Delivery(farmer=f, date=dt.date(2026, 1, 2), litres=40) for f in ("F01", "F02")]
    >>> s = settle(milk, prices, Period.parse("2026-01-01..2026-01-15"))
    >>> text = render_settlement_summary(s, coop_name="Manantial de Vida", lang="en")
    >>> [line for line in text.splitlines() if line.startswith("- **Net paid")]
    ['- **Net paid:** S/ 104.00']
    """
    context = settlement_summary_context(settlement, coop_name=coop_name, farmer_names=farmer_names)
    return render(
        "settlement_summary",
        context,
        lang=lang,
        fmt=fmt,
        template_dirs=template_dirs,
        messages=messages,
    )
