"""Small server-rendered SVG charts (no JavaScript, no chart library): stacked bars per day and
lines per day with an optional target line. Colours come from CSS classes (``console.css``);
every label is escaped; each bar and point has a ``<title>`` tooltip.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 28


@dataclass(frozen=True)
class Series:
    name: str
    css: str  # a class from console.css, e.g. "s-deflected"
    values: Sequence[float | None]


def nice_max(value: float) -> float:
    """A round upper bound for an axis (1, 2, 5 x 10^n)."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return float(step * magnitude)
    return float(10 * magnitude)


def _fmt(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def _frame(title: str, y_max: float, unit: str, days: Sequence[date]) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for fraction in (0.0, 0.5, 1.0):
        y = TOP + plot_h * (1 - fraction)
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        label = escape(_fmt(y_max * fraction) + unit)
        parts.append(
            f'<text class="axis" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{label}</text>'
        )
    every = max(1, len(days) // 10)
    slot = (WIDTH - LEFT - RIGHT) / max(len(days), 1)
    for index, day in enumerate(days):
        if index % every == 0:
            x = LEFT + slot * (index + 0.5)
            parts.append(
                f'<text class="axis" x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="middle">'
                f"{day.day}/{day.month}</text>"
            )
    return parts


def stacked_bars(
    title: str, days: Sequence[date], series: Sequence[Series], unit: str = ""
) -> Markup:
    """One bar per day, the series stacked bottom-up."""
    totals = [sum(s.values[i] or 0 for s in series) for i in range(len(days))]
    y_max = nice_max(max(totals, default=0))
    parts = _frame(title, y_max, unit, days)
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(days), 1)
    for index, day in enumerate(days):
        base = 0.0
        for s in series:
            value = s.values[index] or 0
            if value <= 0:
                continue
            height = plot_h * value / y_max
            y = TOP + plot_h * (1 - (base + value) / y_max)
            tip = escape(f"{day.isoformat()} · {s.name}: {_fmt(value)}{unit}")
            parts.append(
                f'<rect class="{escape(s.css)}" x="{LEFT + slot * index + slot * 0.15:.1f}" '
                f'y="{y:.1f}" width="{slot * 0.7:.1f}" height="{height:.1f}">'
                f"<title>{tip}</title></rect>"
            )
            base += value
    parts.append("</svg>")
    return Markup("".join(parts))


def lines(
    title: str,
    days: Sequence[date],
    series: Sequence[Series],
    *,
    unit: str = "",
    target: float | None = None,
    target_label: str = "",
    y_max: float | None = None,
) -> Markup:
    """One line per series (gaps where a day has no value), and a dashed target line."""
    values = [v for s in series for v in s.values if v is not None]
    top = y_max or nice_max(max([*values, target or 0], default=0))
    parts = _frame(title, top, unit, days)
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(days), 1)

    def y_of(value: float) -> float:
        return TOP + plot_h * (1 - min(value, top) / top)

    if target is not None:
        y = y_of(target)
        parts.append(
            f'<line class="target" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}">'
            f"<title>{escape(target_label)}</title></line>"
        )
    for s in series:
        points = [
            (LEFT + slot * (i + 0.5), y_of(v), days[i], v)
            for i, v in enumerate(s.values)
            if v is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _d, _v in points)
            parts.append(f'<polyline class="{escape(s.css)}" points="{path}"/>')
        for x, y, day, value in points:
            tip = escape(f"{day.isoformat()} · {s.name}: {_fmt(value)}{unit}")
            parts.append(
                f'<circle class="{escape(s.css)}" cx="{x:.1f}" cy="{y:.1f}" r="3">'
                f"<title>{tip}</title></circle>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def meter(fraction: float | None, css: str = "s-deflected") -> Markup:
    """A small horizontal bar (0..1) for table cells."""
    width = 0.0 if fraction is None else max(0.0, min(fraction, 1.0)) * 100
    return Markup(
        '<svg class="meter" viewBox="0 0 100 8" role="presentation" '
        'xmlns="http://www.w3.org/2000/svg"><rect class="meter-bg" width="100" height="8"/>'
        f'<rect class="{escape(css)}" width="{width:.1f}" height="8"/></svg>'
    )


def ladder_bar(segments: Sequence[Series], width: int = WIDTH) -> Markup:
    """One horizontal bar split into the segments' shares (each series holds one count)."""
    counts = [s.values[0] or 0 for s in segments]
    total = sum(counts)
    parts = [
        f'<svg class="ladder-bar" viewBox="0 0 {width} 28" preserveAspectRatio="none" role="img" '
        f'xmlns="http://www.w3.org/2000/svg"><rect class="meter-bg" width="{width}" height="28"/>'
    ]
    x = 0.0
    for segment, count in zip(segments, counts, strict=True):
        if count <= 0:
            continue
        part = width * count / total
        tip = escape(f"{segment.name}: {_fmt(count)} ({100 * count / total:.1f}%)")
        parts.append(
            f'<rect class="{escape(segment.css)}" x="{x:.1f}" width="{part:.1f}" height="28">'
            f"<title>{tip}</title></rect>"
        )
        x += part
    parts.append("</svg>")
    return Markup("".join(parts))
