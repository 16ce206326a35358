"""Small pure-Python SVG charts for HTML documents: bars and lines, no JavaScript, no network.

:func:`bar_chart` and :func:`line_chart` return one ``<svg>`` element as text, with a ``viewBox``
(so it scales to the page and to print), a ``<title>`` for screen readers, a legend, a y axis with
"nice" ticks (1, 2 or 5 × 10ⁿ) always including zero, and x labels. Every piece of text (title,
series names, labels) is HTML-escaped; tick values are formatted with
:func:`~coopfinance.documents.format_number` in the document's language. The output depends only on
the arguments (coordinates are printed with one decimal), so golden files can pin it.

Values are ``Decimal`` (floats are refused like everywhere in coopfinance); geometry is computed in
binary floating point, which is exact enough for a drawing and deterministic (IEEE 754 basic
operations are correctly rounded on every platform).

>>> from decimal import Decimal
>>> svg = bar_chart(["Jan", "Feb"], [("Flow <net>", [Decimal("1200"), Decimal("-300")])],
...                 title="Cash", lang="es")
>>> svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 260"')
True
>>> "Flow &lt;net&gt;" in svg, ">1,500<" in svg, "<script" in svg
(True, True, False)
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Final

from coopfinance._decimal import to_decimal
from coopfinance.documents._format import check_lang, format_number
from coopfinance.errors import E_, InvalidValue, WrongType, fmt_value

__all__ = ["PALETTE", "bar_chart", "line_chart", "nice_ticks"]

PALETTE: Final[tuple[str, ...]] = ("#1f5f8b", "#c8553d", "#3a7d44", "#8a6d1d", "#6b4c9a")
"""Series colours, in order (dark enough to print in grey)."""

_WIDTH: Final = 640
_HEIGHT: Final = 260
_LEFT: Final = 64  # room for the tick labels
_RIGHT: Final = 24
_TOP: Final = 34  # room for the legend
_BOTTOM: Final = 36  # room for the x labels

Series = tuple[str, Sequence[Decimal]]


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _f(x: float) -> str:
    """A coordinate with one decimal, without ``-0.0``."""
    text = f"{x:.1f}"
    return "0.0" if text == "-0.0" else text


def nice_ticks(low: Decimal, high: Decimal, target: int = 5) -> tuple[Decimal, ...]:
    """Axis ticks from ≤ ``min(low, 0)`` to ≥ ``max(high, 0)`` in steps of 1, 2 or 5 × 10ⁿ.

    >>> nice_ticks(Decimal("-300"), Decimal("1200"))
    (Decimal('-500'), Decimal('0'), Decimal('500'), Decimal('1000'), Decimal('1500'))
    >>> nice_ticks(Decimal("0"), Decimal("0"))
    (Decimal('0'), Decimal('1'))
    """
    lo = min(low, Decimal(0))
    hi = max(high, Decimal(0))
    span = hi - lo
    if span == 0:
        return (Decimal(0), Decimal(1))
    raw = span / target
    base = Decimal(1).scaleb(raw.adjusted())
    step = next(base * m for m in (1, 2, 5, 10) if base * m >= raw)
    first = (lo / step).to_integral_value(ROUND_FLOOR) * step
    last = (hi / step).to_integral_value(ROUND_CEILING) * step
    count = int((last - first) / step)
    return tuple((first + k * step).normalize() + 0 for k in range(count + 1))


def _check(labels: Sequence[str], series: Sequence[Series]) -> list[tuple[str, list[Decimal]]]:
    if isinstance(labels, str) or not all(isinstance(x, str) for x in labels):
        raise WrongType(
            E_(
                "'labels' must be a sequence of strings (got %(labels)s).", labels=fmt_value(labels)
            ),
            field="labels",
            value=labels,
        )
    if not series:
        raise InvalidValue(E_("'series' must hold at least one series (got none)."), field="series")
    out = []
    for k, item in enumerate(series):
        name, values = item
        decimals = [to_decimal(v, field=f"series[{k}].values") for v in values]
        if len(decimals) != len(labels):
            raise InvalidValue(
                E_(
                    "'series[%(k)s]' must have one value per label, %(labels)s (got %(decimals)s).",
                    k=k,
                    labels=len(labels),
                    decimals=len(decimals),
                ),
                field=f"series[{k}]",
                value=len(decimals),
            )
        out.append((str(name), decimals))
    if not labels:
        raise InvalidValue(
            E_("'labels' must not be empty (got none)."), field="labels", value=labels
        )
    return out


class _Frame:
    """The plot area, its y scale and the shared pieces (title, legend, axes) of a chart."""

    def __init__(
        self,
        labels: Sequence[str],
        series: list[tuple[str, list[Decimal]]],
        *,
        title: str,
        lang: str,
        places: int,
        label_every: int | None,
    ) -> None:
        self.labels = list(labels)
        self.series = series
        every = [v for _, values in series for v in values]
        self.ticks = nice_ticks(min(every), max(every))
        self.lo, self.hi = float(self.ticks[0]), float(self.ticks[-1])
        self.x0, self.x1 = _LEFT, _WIDTH - _RIGHT
        self.y0, self.y1 = _TOP, _HEIGHT - _BOTTOM
        self.title = title
        self.lang = check_lang(lang)
        self.places = places
        n = len(labels)
        self.label_every = label_every or max(1, math.ceil(n / 12))

    def y(self, value: Decimal) -> float:
        return self.y1 - (float(value) - self.lo) / (self.hi - self.lo) * (self.y1 - self.y0)

    def open(self, kind: str) -> list[str]:
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {_HEIGHT}" '
            f'width="{_WIDTH}" height="{_HEIGHT}" class="chart chart-{kind}" role="img" '
            'font-size="10">',
            f"<title>{_esc(self.title)}</title>",
        ]
        # legend: a swatch and the series name, left to right
        x = float(self.x0)
        for k, (name, _) in enumerate(self.series):
            colour = PALETTE[k % len(PALETTE)]
            parts.append(
                f'<rect x="{_f(x)}" y="10" width="10" height="10" fill="{colour}"/>'
                f'<text x="{_f(x + 14)}" y="19">{_esc(name)}</text>'
            )
            x += 24 + 6.2 * len(name)
        # y axis: grid lines and tick labels
        for tick in self.ticks:
            y = _f(self.y(tick))
            stroke = "#333" if tick == 0 else "#ddd"
            parts.append(
                f'<line x1="{self.x0}" y1="{y}" x2="{self.x1}" y2="{y}" stroke="{stroke}" '
                f'stroke-width="{"1" if tick == 0 else "0.5"}"/>'
                f'<text x="{self.x0 - 4}" y="{y}" text-anchor="end" dominant-baseline="middle">'
                f"{_esc(format_number(tick, lang=self.lang, places=self.places))}</text>"
            )
        return parts

    def x_labels(self, centres: Sequence[float]) -> list[str]:
        parts = []
        for k, (label, x) in enumerate(zip(self.labels, centres, strict=True)):
            if label and k % self.label_every == 0:
                parts.append(
                    f'<line x1="{_f(x)}" y1="{self.y1}" x2="{_f(x)}" y2="{self.y1 + 3}" '
                    f'stroke="#333" stroke-width="0.5"/>'
                    f'<text x="{_f(x)}" y="{self.y1 + 14}" text-anchor="middle">{_esc(label)}</text>'
                )
        return parts


def bar_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    lang: str = "es",
    places: int = 0,
    label_every: int | None = None,
) -> str:
    """An SVG bar chart: one group of bars per label, one bar per series, from the zero line.

    ``series`` is a sequence of ``(name, values)`` with one value per label; ``places`` is the
    number of decimals of the tick labels; every ``label_every``-th x label is printed (by default
    at most 12 are), and empty labels are skipped.
    """
    checked = _check(labels, series)
    frame = _Frame(labels, checked, title=title, lang=lang, places=places, label_every=label_every)
    parts = frame.open("bars")
    n, m = len(labels), len(checked)
    slot = (frame.x1 - frame.x0) / n
    bar = slot * 0.8 / m
    zero = frame.y(Decimal(0))
    for j, (_, values) in enumerate(checked):
        colour = PALETTE[j % len(PALETTE)]
        for k, value in enumerate(values):
            x = frame.x0 + k * slot + slot * 0.1 + j * bar
            y = frame.y(value)
            top, height = min(y, zero), abs(y - zero)
            parts.append(
                f'<rect x="{_f(x)}" y="{_f(top)}" width="{_f(bar)}" height="{_f(height)}" '
                f'fill="{colour}"/>'
            )
    parts += frame.x_labels([frame.x0 + (k + 0.5) * slot for k in range(n)])
    parts.append("</svg>")
    return "\n".join(parts)


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    lang: str = "es",
    places: int = 0,
    label_every: int | None = None,
    markers: bool = False,
) -> str:
    """An SVG line chart: one polyline per series over evenly spaced labels (dots if ``markers``).

    >>> svg = line_chart(["-20 %", "0 %", "+20 %"], [("VAN", [Decimal(-5), Decimal(3), Decimal(9)])],
    ...                  title="Sensibilidad", lang="es", markers=True)
    >>> svg.count("<circle"), 'points="64.0,' in svg
    (3, True)
    """
    checked = _check(labels, series)
    frame = _Frame(labels, checked, title=title, lang=lang, places=places, label_every=label_every)
    parts = frame.open("lines")
    n = len(labels)
    step = (frame.x1 - frame.x0) / max(n - 1, 1)
    xs = [frame.x0 + k * step for k in range(n)] if n > 1 else [(frame.x0 + frame.x1) / 2]
    for j, (_, values) in enumerate(checked):
        colour = PALETTE[j % len(PALETTE)]
        points = " ".join(f"{_f(x)},{_f(frame.y(v))}" for x, v in zip(xs, values, strict=True))
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )
        if markers:
            parts += [
                f'<circle cx="{_f(x)}" cy="{_f(frame.y(v))}" r="3" fill="{colour}"/>'
                for x, v in zip(xs, values, strict=True)
            ]
    parts += frame.x_labels(xs)
    parts.append("</svg>")
    return "\n".join(parts)
