"""The farmer's statement (liquidación) and the co-op summary: numbers, reconciliation, escaping.

The documents only arrange the figures of a :class:`~coopfinance.dairy.Settlement`, so the tests
read the rendered Markdown back and check it against the settlement: gross = deductions + net to the
céntimo, the deduction rows add up to the deductions, the delivery lines (with their rounding line)
add up to the gross, and the summary's farmer table and reconciliation add up to its totals.
Defaults (S/1.30 base price, loan installments capped at 30 % of gross, services → inputs → loans →
savings) are those of ``shared/reference/dairy-and-coop.md`` §8.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import pathlib
import re
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.catalogs import labels as catalog_labels
from tests.dairy.settlement_examples import COOP, NAMES, PRICES, golden_settlement

from coopfinance.dairy import (
    Delivery,
    MilkPriceSchedule,
    Obligation,
    ObligationKind,
    Period,
    Quality,
    Settlement,
    SettlementPolicy,
    settle,
)
from coopfinance.documents import (
    bundled_templates,
    render_pdf,
    render_settlement,
    render_settlement_summary,
    settlement_context,
    settlement_summary_context,
)
from coopfinance.errors import InvalidSettlement, InvalidValue, WrongType

PERIOD = Period.parse("2026-01-16..2026-01-31")
EVIL = "<script>alert(1)</script>"
FARMERS = ("F1", "F2", "F3")


def _amount(text: str) -> Decimal:
    """``S/ 1,234.50`` or ``-S/ 3.00`` or ``1,234.50`` → Decimal."""
    clean = text.replace("*", "").replace("S/", "").replace(",", "").replace(" ", "")
    return Decimal(clean)


def _item(text: str, label: str) -> Decimal:
    """The amount of the first ``- **label:** S/ x`` line."""
    for line in text.splitlines():
        if line.startswith(f"- **{label}:**"):
            return _amount(line.split(":**", 1)[1])
    raise AssertionError(f"no line {label!r} in the document")


def _table(text: str, heading: str) -> list[list[str]]:
    """The body rows (cells) of the first Markdown table after ``## heading``."""
    lines = text.split(f"## {heading}", 1)[1].splitlines()
    rows = [ln for ln in lines if ln.startswith("|")]
    first = lines.index(rows[0])
    block = []
    for ln in lines[first:]:
        if not ln.startswith("|"):
            break
        block.append([c.strip() for c in re.split(r"(?<!\\)\|", ln.strip()[1:-1])])
    return block[2:]  # skip the header and the alignment row


# --- strategies -----------------------------------------------------------------------------------

qualities = st.none() | st.builds(
    Quality,
    total_solids=st.none() | st.decimals("10.5", "14.0", places=2).map(str),
    bacterial_count=st.none() | st.integers(0, 900_000),
    cooled=st.booleans(),
)


@st.composite
def settlements(draw: st.DrawFn) -> Settlement:
    milk = []
    for farmer in FARMERS:
        for day in draw(st.lists(st.integers(16, 31), max_size=6)):
            milk.append(
                Delivery(
                    farmer=farmer,
                    date=dt.date(2026, 1, day),
                    litres=draw(st.decimals("0", "60", places=1)),
                    quality=draw(qualities),
                )
            )
    obligations = []
    for farmer in FARMERS:
        for kind in draw(st.lists(st.sampled_from(list(ObligationKind)), max_size=4)):
            carried = draw(st.booleans())
            obligations.append(
                Obligation(
                    farmer=farmer,
                    kind=kind,
                    amount=draw(st.decimals("0", "150", places=2)),
                    loan_id="L-1" if kind is ObligationKind.LOAN_INSTALLMENT else None,
                    reference="arrears 2026-01-01..2026-01-15" if carried else "",
                )
            )
    policy = SettlementPolicy(
        floor_share=draw(st.sampled_from(["0", "0.4", "0.6"])),
        carry_voluntary=draw(st.booleans()),
    )
    return settle(milk, PRICES, PERIOD, obligations, policy, farmers=FARMERS)


# --- the statement --------------------------------------------------------------------------------


@given(settlements(), st.sampled_from(["es", "en"]))
def test_statement_numbers_are_the_settlements(s: Settlement, lang: str) -> None:
    """gross = deductions + net to the céntimo, as printed, and every column adds up."""
    labels = catalog_labels(lang)
    for f in s.statements:
        text = render_settlement(f, s, farmer_name=NAMES["F01"], coop_name=COOP, lang=lang)
        gross = _item(text, labels["dairy.field.gross"])
        deductions = _item(text, labels["dairy.field.deductions"])
        net = _amount(
            next(
                ln for ln in text.splitlines() if ln.startswith(f"- **{labels['dairy.field.net']}")
            ).split(":**", 1)[1]
        )
        assert (gross, deductions, net) == (f.gross, f.deductions, f.net)
        assert gross == deductions + net
        if f.collections:
            rows = _table(text, labels["dairy.section.deductions"])
            body, total = rows[:-1], rows[-1]
            assert [_amount(r[3]) for r in body] == [c.collected for c in f.collections]
            assert sum(_amount(r[3]) for r in body) == _amount(total[3]) == f.deductions
            assert sum(_amount(r[2]) for r in body) == _amount(total[2]) == f.due
            assert sum(_amount(r[4]) for r in body) == _amount(total[4]) == f.arrears
            for r in body:
                assert _amount(r[2]) == _amount(r[3]) + _amount(r[4])
        lines = _table(text, labels["dairy.section.milk"])
        assert _amount(lines[-1][-1]) == f.gross
        assert sum(_amount(r[-1]) for r in lines[:-1]) == f.gross  # with the rounding line
        ctx = settlement_context(f, s, farmer_name="x", coop_name="y")
        assert ctx["base_value"] + ctx["quality_value"] == f.gross
        assert ctx["carried_out"] + ctx["dropped"] == f.arrears
        if ctx["comparison"] is not None:
            c = ctx["comparison"]
            assert c["coop"] - c["intermediary"] == c["difference"]
            assert c["coop"] + c["services"] == f.gross


def test_statement_worked_example() -> None:
    """The golden F03: 8 deliveries of 7.3 L; 30 % loan cap and 40 % floor (reference §8)."""
    s = golden_settlement()
    f = s.statement("F03")
    ctx = settlement_context(f, s, farmer_name=NAMES["F03"], coop_name=COOP)
    # 2 × 7.3 × 1.30 + 5 × 7.3 × 1.335 + 7.3 × 1.365 = 77.672 → 77.67; the lines round to 77.69
    assert (f.gross, ctx["rounding"]) == (Decimal("77.67"), Decimal("-0.02"))
    assert (ctx["base_value"], ctx["quality_value"]) == (Decimal("75.92"), Decimal("1.75"))
    # the floor ⌈0.40 × 77.67⌉ = 31.07 would leave more, but the cap and order decide first:
    assert (f.floor, f.net, f.arrears) == (Decimal("31.07"), f.gross - f.deductions, f.arrears)
    kinds = [(r["kind"], r["carried_from"] is not None, r["carried"]) for r in ctx["rows"]]
    assert kinds[-1] == ("voluntary-savings", False, False)  # voluntary savings are let go
    assert ctx["carried_out"] + ctx["dropped"] == f.arrears
    assert ctx["dropped"] == Decimal("5.00")
    # intermediary 1.10 × 58.4 = 64.24; co-op after services 77.67 − 2.34 − 0.88 = 74.45
    c = ctx["comparison"]
    assert (c["intermediary"], c["coop"], c["difference"]) == (
        Decimal("64.24"),
        Decimal("74.45"),
        Decimal("10.21"),
    )


def test_statement_says_when_the_intermediary_pays_more() -> None:
    """A negative difference is said in words, as a positive amount 'against you'."""
    prices = MilkPriceSchedule.flat("1.00", "2026-01-01", "2026-12-31", intermediary="1.10")
    milk = [Delivery(farmer="F1", date=dt.date(2026, 1, 20), litres=100)]
    s = settle(milk, prices, PERIOD)
    text = render_settlement(s.statement("F1"), s, farmer_name="Ana", coop_name="C")
    assert "| **Diferencia en su contra** | **S/ 0.1000** | **S/ 10.00** |" in text
    html = render_settlement(s.statement("F1"), s, farmer_name="Ana", coop_name="C", fmt="html")
    assert "Diferencia en su contra" in html
    assert "-S/" not in html


def test_statement_without_intermediary_price_has_no_comparison() -> None:
    prices = MilkPriceSchedule.flat("1.30", "2026-01-01", "2026-12-31")
    s = settle([Delivery(farmer="F1", date=dt.date(2026, 1, 20), litres=10)], prices, PERIOD)
    text = render_settlement(s.statement("F1"), s, farmer_name="Ana", coop_name="C", lang="en")
    assert "intermediary" not in text.lower()
    assert "There were no deductions in this period." in text
    assert "Nothing is left unpaid" in text


def test_statement_of_a_settlement_without_its_deliveries() -> None:
    """A Settlement built by hand (no deliveries kept) still renders, without the milk lines."""
    s = attrs.evolve(golden_settlement(), deliveries=(), prices=None)
    text = render_settlement(s.statement("F01"), s, farmer_name="Juana", coop_name=COOP)
    assert "El detalle de las entregas no está disponible" in text
    assert "intermediario" not in text
    assert _item(text, "Valor de su leche") == s.statement("F01").gross


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("document", ["settlement", "settlement_summary"])
def test_user_text_is_escaped(document: str, fmt: str) -> None:
    """Names, references, loan ids and service names never become markup."""
    prices = MilkPriceSchedule.flat(
        "1.30", "2026-01-01", "2026-12-31", service_charges={EVIL: "0.05"}, intermediary="1.1"
    )
    due = [
        Obligation(farmer="F1", kind="loan-installment", amount="5", loan_id=EVIL),
        Obligation(farmer="F1", kind="input-advance", amount="5", reference=EVIL),
    ]
    s = settle([Delivery(farmer="F1", date=dt.date(2026, 1, 20), litres=40)], prices, PERIOD, due)
    if document == "settlement":
        text = render_settlement(s.statement("F1"), s, farmer_name=EVIL, coop_name=EVIL, fmt=fmt)
        expected = 5  # name, coop, loan id, reference, service name (+ the HTML title)
    else:
        text = render_settlement_summary(s, coop_name=EVIL, farmer_names={"F1": EVIL}, fmt=fmt)
        expected = 2  # coop and farmer (+ the HTML title)
    assert "<script>" not in text
    assert "&amp;lt;" not in text  # escaped once, not twice
    marker = "&lt;script&gt;" if fmt == "html" else r"\<script\>"
    assert text.count(marker) == expected + (fmt == "html")


BAD: list[tuple[str, Any, type[Exception], str]] = [
    ("statement", "F01", WrongType, r"'statement' must be a FarmerSettlement \(got str\)"),
    ("settlement", {}, WrongType, r"'settlement' must be a coopfinance.dairy Settlement"),
    ("farmer_name", "  ", InvalidValue, r"'farmer_name' must not be empty \(got '  '\)"),
    ("coop_name", 7, InvalidValue, r"'coop_name' must be text \(got int 7\)"),
]


@pytest.mark.parametrize(("field", "value", "error", "message"), BAD)
def test_statement_bad_input(field: str, value: Any, error: type[Exception], message: str) -> None:
    s = golden_settlement()
    kwargs: dict[str, Any] = {
        "statement": s.statement("F01"),
        "settlement": s,
        "farmer_name": "Juana",
        "coop_name": COOP,
        field: value,
    }
    with pytest.raises(error, match=message):
        render_settlement(**kwargs)


def test_statement_of_another_settlement_is_refused() -> None:
    first, second = golden_settlement(), attrs.evolve(golden_settlement(), statements=())
    with pytest.raises(InvalidSettlement, match=r"'statement' of 'F01' is not one of this"):
        settlement_context(first.statement("F01"), second, farmer_name="J", coop_name="C")


def test_deliveries_that_do_not_match_the_statement_are_refused() -> None:
    s = golden_settlement()
    fewer = attrs.evolve(s, deliveries=s.deliveries[1:])
    with pytest.raises(
        InvalidSettlement,
        match=r"add up to [\d.]+ litres for 'F01', but the statement says 340.0\.",
    ):
        settlement_context(fewer.statement("F01"), fewer, farmer_name="J", coop_name="C")
    cheaper = attrs.evolve(s, prices=MilkPriceSchedule.flat("1.00", "2026-01-01", "2026-12-31"))
    with pytest.raises(InvalidSettlement, match=r"worth 340.00 for 'F01', but the statement's"):
        settlement_context(cheaper.statement("F01"), cheaper, farmer_name="J", coop_name="C")


def test_carried_defaults_to_the_settlements_own_policy() -> None:
    """Settlement.carried() follows the policy it was settled with (here: carry voluntary)."""
    prices = MilkPriceSchedule.flat("1.30", "2026-01-01", "2026-12-31")
    due = [Obligation(farmer="F1", kind="voluntary-savings", amount="50")]
    milk = [Delivery(farmer="F1", date=dt.date(2026, 1, 20), litres=10)]
    keep = settle(milk, prices, PERIOD, due, SettlementPolicy(carry_voluntary=True))
    drop = settle(milk, prices, PERIOD, due)
    assert [o.amount for o in keep.carried()] == [Decimal("37.00")]
    assert drop.carried() == ()


# --- the summary ----------------------------------------------------------------------------------


@given(settlements())
def test_summary_reconciles_with_the_statements(s: Settlement) -> None:
    """Every total of the summary equals the sum of the statements, to the céntimo, as printed."""
    ctx = settlement_summary_context(s, coop_name=COOP)
    assert ctx["reconciles"]
    assert all(r["difference"] == 0 for r in ctx["reconciliation"])
    text = render_settlement_summary(s, coop_name=COOP, lang="en")
    rows = _table(text, "Statement by farmer")
    body, total = rows[:-1], rows[-1]
    assert len(body) == len(s.statements)
    for col in range(2, 6):
        assert sum(_amount(r[col]) for r in body) == _amount(total[col])
    for r, f in zip(body, s.statements, strict=True):
        assert [_amount(c) for c in r[2:]] == [f.gross, f.deductions, f.net, f.arrears]
        assert _amount(r[2]) == _amount(r[3]) + _amount(r[4])
    kinds = _table(text, "Deductions by kind")
    for r in kinds:
        assert _amount(r[1]) == _amount(r[2]) + _amount(r[3])
    assert _amount(kinds[-1][2]) == s.summary.deductions
    assert "**The summary reconciles to the cent with the statements.**" in text
    assert _item(text, "Gross milk value") == _item(text, "Deductions collected") + _item(
        text, "Net paid"
    )


def test_summary_shows_a_difference_when_it_does_not_reconcile() -> None:
    """A summary that does not match its statements is shown as such, with the difference."""
    s = golden_settlement()
    off = attrs.evolve(s, summary=attrs.evolve(s.summary, net=s.summary.net + Decimal("0.01")))
    text = render_settlement_summary(off, coop_name=COOP)
    stmts = sum((f.net for f in s.statements), Decimal(0))
    assert f"| Neto pagado | {stmts:,} | {stmts + Decimal('0.01'):,} | 0.01 |" in text
    assert "**El resumen NO cuadra con las liquidaciones: revise las diferencias.**" in text


def test_summary_worked_example() -> None:
    s = golden_settlement()
    ctx = settlement_summary_context(s, coop_name=COOP, farmer_names=NAMES)
    assert ctx["balanced"] == 3
    assert ctx["reconciles"]
    loans = next(k for k in ctx["kinds"] if k["kind"] == "loan-installment")
    assert loans["due"] == loans["collected"] + loans["short"]
    parts = [
        settlement_context(f, s, farmer_name="x", coop_name="y")["comparison"]["difference"]
        for f in s.statements
    ]
    assert ctx["comparison"]["difference"] == sum(parts)


def test_summary_bad_names() -> None:
    with pytest.raises(InvalidValue, match=r"'farmer_names\[F01\]' must be text \(got int 1\)"):
        settlement_summary_context(golden_settlement(), coop_name="C", farmer_names={"F01": 1})  # type: ignore[dict-item]


# --- catalogs and PDF -----------------------------------------------------------------------------


def test_dairy_labels_cover_every_kind_and_reconciliation_line() -> None:
    es = {k: v for k, v in catalog_labels("es").items() if k.startswith("dairy.")}
    en = {k: v for k, v in catalog_labels("en").items() if k.startswith("dairy.")}
    assert set(es) == set(en)
    used = set()
    for path in pathlib.Path(bundled_templates()).glob("**/*.j2"):
        used |= set(re.findall(r"\"(dairy\.[a-z_.\-]+)\"", path.read_text(encoding="utf-8")))
    dynamic = {k for k in used if k.endswith(".")}
    assert used - dynamic <= set(es)
    assert dynamic == {"dairy.kind.", "dairy.recon."}
    assert {f"dairy.kind.{k.value}" for k in ObligationKind} <= set(es)
    recon = settlement_summary_context(golden_settlement(), coop_name="C")["reconciliation"]
    assert {f"dairy.recon.{r['key']}" for r in recon if "kind" not in r} <= set(es)


@pytest.mark.skipif(importlib.util.find_spec("weasyprint") is None, reason="WeasyPrint missing")
# WeasyPrint warns about an optional system library (HarfBuzz-Subset) it may need in the future
@pytest.mark.filterwarnings("ignore:HarfBuzz-Subset:DeprecationWarning")
def test_statement_as_pdf() -> None:
    """One PDF only (WeasyPrint takes seconds); the summary's HTML is the same machinery."""
    s = golden_settlement()
    ctx = settlement_context(s.statement("F03"), s, farmer_name=NAMES["F03"], coop_name=COOP)
    assert render_pdf("settlement", ctx, lang="es").startswith(b"%PDF")
