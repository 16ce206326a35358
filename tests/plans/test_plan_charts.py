"""The pure-Python SVG charts of coopfinance.documents._charts (used by the plan document)."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from coopfinance.documents._charts import bar_chart, line_chart, nice_ticks
from coopfinance.errors import FloatNotAllowed, InvalidValue, WrongType

NS = "{http://www.w3.org/2000/svg}"
amounts = st.integers(-(10**9), 10**9).map(lambda c: Decimal(c) / 100)


@example(Decimal(0), Decimal(0))
@example(Decimal("-0.01"), Decimal("0.01"))
@given(amounts, amounts)
def test_ticks_cover_the_values_and_zero_in_even_steps(a: Decimal, b: Decimal) -> None:
    low, high = min(a, b), max(a, b)
    ticks = nice_ticks(low, high)
    assert ticks[0] <= min(low, 0)
    assert ticks[-1] >= max(high, 0)
    assert Decimal(0) in ticks
    steps = {y - x for x, y in itertools.pairwise(ticks)}
    assert len(steps) == 1
    (step,) = steps
    assert step.normalize().as_tuple().digits[0] in (1, 2, 5)
    assert len(ticks) <= 12


@given(st.lists(amounts, min_size=1, max_size=70), st.sampled_from(["es", "en"]))
def test_charts_are_valid_svg_with_one_shape_per_value(values: list[Decimal], lang: str) -> None:
    labels = [f"m{k}" for k in range(len(values))]
    bars = bar_chart(labels, [("flow", values)], title="t", lang=lang)
    root = ET.fromstring(bars)  # well-formed XML
    assert root.tag == f"{NS}svg"
    assert root.get("viewBox") == "0 0 640 260"
    assert len(root.findall(f"{NS}rect")) == len(values) + 1  # one bar each, one legend swatch
    lines = line_chart(labels, [("a", values), ("b", values)], title="t", lang=lang, markers=True)
    root = ET.fromstring(lines)
    assert len(root.findall(f"{NS}polyline")) == 2
    assert len(root.findall(f"{NS}circle")) == 2 * len(values)
    assert bar_chart(labels, [("flow", values)], title="t", lang=lang) == bars  # deterministic
    # every coordinate lies inside the view box
    for x in re.findall(r' (?:x|x1|x2|cx)="(-?[\d.]+)"', bars + lines):
        assert 0 <= float(x) <= 640
    for y in re.findall(r' (?:y|y1|y2|cy)="(-?[\d.]+)"', bars + lines):
        assert 0 <= float(y) <= 260


def test_text_is_escaped_and_ticks_are_formatted_per_locale() -> None:
    svg = bar_chart(
        ["<b>", "a&b"],
        [('"x" <script>', [Decimal("1500000"), Decimal("-2")])],
        title="</title><script>alert(1)</script>",
        lang="en",
    )
    ET.fromstring(svg)
    assert "<script" not in svg
    assert "<b>" not in svg
    assert "&lt;/title&gt;&lt;script&gt;" in svg
    assert "&quot;x&quot; &lt;script&gt;" in svg
    assert ">a&amp;b<" in svg
    assert ">1,500,000<" in svg  # grouped thousands, no decimals


def test_empty_labels_are_skipped() -> None:
    svg = line_chart(
        ["03/2026", "", "", "03/2027"],
        [("s", [Decimal(k) for k in range(4)])],
        title="t",
        label_every=1,
    )
    assert svg.count(">03/20") == 2
    assert "></text>" not in svg


@pytest.mark.parametrize(
    ("labels", "series", "error", "message"),
    [
        (["a"], [("s", [0.5])], FloatNotAllowed, "float"),
        (
            ["a", "b"],
            [("s", [Decimal(1)])],
            InvalidValue,
            r"'series\[0\]' must have one value per label, 2 \(got 1\)",
        ),
        ([], [("s", [])], InvalidValue, r"'labels' must not be empty"),
        (["a"], [], InvalidValue, r"'series' must hold at least one series \(got none\)"),
        (
            "ab",
            [("s", [Decimal(1), Decimal(2)])],
            WrongType,
            r"'labels' must be a sequence of strings",
        ),
        ([1], [("s", [Decimal(1)])], WrongType, r"'labels' must be a sequence of strings"),
    ],
)
def test_bad_chart_input(
    labels: object, series: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        bar_chart(labels, series, title="t")  # type: ignore[arg-type]
