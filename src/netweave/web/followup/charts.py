"""Charts drawn on the server as SVG: no script, no remote service, readable by screen readers.

Every chart is an ``<svg role="img">`` labelled by its ``<title>`` and ``<desc>``; each bar and
point carries its own ``<title>`` with the exact value, and the pages show the same figures
as text beside the chart. Colours are set with SVG presentation attributes (not ``style``),
so a strict content security policy does not blank them. All text is escaped.

>>> svg = bar_chart("Attendance", "Who came", [Bar("Registered", 10), Bar("Came", 8)], "att")
>>> svg.count("<rect"), "<title id=\\"att-title\\">Attendance</title>" in svg
(2, True)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

__all__ = ["ACCENT", "Bar", "Point", "bar_chart", "fmt", "line_chart"]

#: Okabe-Ito blue: tells apart from the other colours for every kind of colour vision
ACCENT = "#0072B2"
MUTED = "#6e7781"
GRID = "#d0d7de"
FONT = 'font-family="system-ui, sans-serif" font-size="13"'


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    colour: str = ACCENT


@dataclass(frozen=True, slots=True)
class Point:
    label: str
    #: None leaves a gap (e.g. a share suppressed for too few answers)
    value: float | None


def fmt(value: float | None, percent: bool = False) -> str:
    """``0.456`` -> ``"46%"`` (percent), ``12.0`` -> ``"12"``, ``3.25`` -> ``"3.2"``;
    None (unknown or suppressed) -> ``"–"``."""
    if value is None:
        return "–"
    if percent:
        return f"{100 * value:.0f}%"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _open(chart_id: str, title: str, desc: str, width: int, height: int) -> str:
    cid = escape(chart_id)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" {FONT}>'
        f'<title id="{cid}-title">{escape(title)}</title>'
        f'<desc id="{cid}-desc">{escape(desc)}</desc>'
    )


def bar_chart(
    title: str,
    desc: str,
    bars: Sequence[Bar],
    chart_id: str,
    *,
    percent: bool = False,
    maximum: float | None = None,
) -> SafeString:
    """Horizontal bars, one row per :class:`Bar`, the label left and the value right.

    ``maximum`` fixes the scale (e.g. 1 for shares); by default the largest value fills it.
    """
    # room for the longest label (about 7 px a character at 13 px), within reason
    label_w = min(max(8 * max((len(b.label) for b in bars), default=0) + 12, 90), 260)
    row, width = 28, 560
    bar_w = width - label_w - 60
    height = row * max(len(bars), 1) + 8
    top = max([maximum or 0.0, *(b.value for b in bars)]) or 1.0
    parts = [_open(chart_id, title, desc, width, height)]
    for k, bar in enumerate(bars):
        y = 4 + k * row
        length = bar_w * max(bar.value, 0) / top
        label, value = escape(bar.label), escape(fmt(bar.value, percent))
        parts.append(
            f'<g><text x="{label_w - 8}" y="{y + 18}" text-anchor="end" fill="#1f2328">'
            f"{label}</text>"
            f'<rect x="{label_w}" y="{y + 4}" width="{length:.1f}" height="{row - 10}" '
            f'rx="3" fill="{escape(bar.colour)}"><title>{label}: {value}</title></rect>'
            f'<text x="{label_w + length + 6:.1f}" y="{y + 18}" fill="#1f2328">{value}</text></g>'
        )
    parts.append("</svg>")
    # every piece of text above went through escape()
    return mark_safe("".join(parts))


def _nice_top(value: float, percent: bool) -> float:
    if percent:
        return 1.0
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def line_chart(
    title: str, desc: str, points: Sequence[Point], chart_id: str, *, percent: bool = False
) -> SafeString:
    """A line over the points in order (events, oldest first); a None value leaves a gap."""
    width, height, left, right, top_m, bottom = 560, 220, 52, 20, 16, 44
    known = [p.value for p in points if p.value is not None]
    top = _nice_top(max(known, default=0.0), percent)
    inner_w, inner_h = width - left - right, height - top_m - bottom
    step = inner_w / (len(points) - 1) if len(points) > 1 else 0.0

    def x(k: int) -> float:
        return left + (k * step if len(points) > 1 else inner_w / 2)

    def y(v: float) -> float:
        return top_m + inner_h * (1 - v / top)

    parts = [_open(chart_id, title, desc, width, height)]
    parts.append(_axes(left, width - right, y, top, percent))
    parts += _line_segments(points, x, y)
    every = max(1, math.ceil(len(points) / 7))
    for k, p in enumerate(points):
        if p.value is not None:
            text = f"{escape(p.label)}: {escape(fmt(p.value, percent))}"
            parts.append(
                f'<circle cx="{x(k):.1f}" cy="{y(p.value):.1f}" r="4" fill="{ACCENT}">'
                f"<title>{text}</title></circle>"
            )
        if k % every == 0:
            parts.append(
                f'<text x="{x(k):.1f}" y="{height - bottom + 18}" text-anchor="middle" '
                f'fill="{MUTED}">{escape(p.label)}</text>'
            )
    parts.append("</svg>")
    # every piece of text above went through escape()
    return mark_safe("".join(parts))


def _axes(left: float, right: float, y: Callable[[float], float], top: float, percent: bool) -> str:
    lines = []
    for v in (0.0, top / 2, top):
        lines.append(
            f'<line x1="{left}" x2="{right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" fill="{MUTED}">'
            f"{escape(fmt(v, percent))}</text>"
        )
    return "".join(lines)


def _line_segments(
    points: Sequence[Point], x: Callable[[int], float], y: Callable[[float], float]
) -> list[str]:
    """One polyline per run of known values: a suppressed value breaks the line."""
    runs: list[list[str]] = [[]]
    for k, p in enumerate(points):
        if p.value is None:
            runs.append([])
        else:
            runs[-1].append(f"{x(k):.1f},{y(p.value):.1f}")
    return [
        f'<polyline points="{" ".join(run)}" fill="none" stroke="{ACCENT}" stroke-width="2"/>'
        for run in runs
        if len(run) > 1
    ]
