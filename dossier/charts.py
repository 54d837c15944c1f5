"""The summary's charts as SVG, drawn from Jinja2 SVG templates.

Why templates and not a plotting library: the charts are simple geometry (a radar of fifteen
percentages, three bars), and an SVG written by us keeps every label real text set in the
document's CJK font, so it is crisp, searchable and never falls back to tofu. matplotlib would
add a large dependency whose SVG text (svg.fonttype='none') only names fonts that the renderer
must resolve again; plotly's static export (kaleido) needs a Chrome at run time. The templates
autoescape like the HTML ones, and WeasyPrint draws the SVG itself, as vectors.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from dossier.templating import environment
from scoring import Rollup, display

RADAR_SIZE = (640, 330)
RADAR_CENTRE = (320, 165)
RADAR_RADIUS = 120
RINGS = (20, 40, 60, 80, 100)


@dataclass(frozen=True)
class Spoke:
    rollup: Rollup
    axis_x: float  # the end of the axis (100 %)
    axis_y: float
    value_x: float  # the indicator's percentage on its axis
    value_y: float
    label_x: float
    label_y: float
    anchor: str  # text-anchor: start, middle, end

    @property
    def value_text(self) -> str:
        percent = self.rollup.percent
        return "删减" if percent is None else display.percent(percent)


@dataclass(frozen=True)
class Bar:
    rollup: Rollup
    y: float
    width: float

    @property
    def value_text(self) -> str:
        percent = self.rollup.percent
        return "全部删减" if percent is None else display.percent(percent)


def radar_svg(indicators: tuple[Rollup, ...], font_family: str) -> str:
    """A radar of the second-level indicators' percentages, clockwise from the top."""
    cx, cy = RADAR_CENTRE
    spokes = []
    for n, rollup in enumerate(indicators):
        angle = -math.pi / 2 + 2 * math.pi * n / len(indicators)
        cos, sin = math.cos(angle), math.sin(angle)
        share = float(rollup.percent or 0) / 100
        label_radius = RADAR_RADIUS + 12
        anchor = "start" if cos > 0.2 else "end" if cos < -0.2 else "middle"
        # one line per label: above the centre it sits on its baseline, below it hangs from it
        label_dy = -3 if sin < -0.5 else 11 if sin > 0.5 else 4
        spokes.append(
            Spoke(
                rollup,
                axis_x=cx + RADAR_RADIUS * cos,
                axis_y=cy + RADAR_RADIUS * sin,
                value_x=cx + RADAR_RADIUS * share * cos,
                value_y=cy + RADAR_RADIUS * share * sin,
                label_x=cx + label_radius * cos,
                label_y=cy + label_radius * sin + label_dy,
                anchor=anchor,
            )
        )
    rings = [(percent, RADAR_RADIUS * percent / 100) for percent in RINGS]
    return (
        environment()
        .get_template("radar.svg")
        .render(
            width=RADAR_SIZE[0],
            height=RADAR_SIZE[1],
            cx=cx,
            cy=cy,
            spokes=spokes,
            rings=rings,
            polygon=" ".join(f"{s.value_x:.1f},{s.value_y:.1f}" for s in spokes),
            font_family=font_family,
        )
    )


BARS_WIDTH = 640
BARS_LEFT = 190  # where the bars start, after the labels
BARS_RIGHT = 500  # where 100 % ends; the value texts follow
BAR_PITCH = 34


def bars_svg(indicators: tuple[Rollup, ...], font_family: str) -> str:
    """One bar per first-level indicator: earned over applicable points, in percent."""
    span = BARS_RIGHT - BARS_LEFT
    bars = [
        Bar(rollup, y=12 + n * BAR_PITCH, width=span * float(rollup.percent or Fraction(0)) / 100)
        for n, rollup in enumerate(indicators)
    ]
    height = 12 + len(bars) * BAR_PITCH + 18
    grid = [(percent, BARS_LEFT + span * percent / 100) for percent in (0, 25, 50, 75, 100)]
    return (
        environment()
        .get_template("bars.svg")
        .render(
            width=BARS_WIDTH,
            height=height,
            bars=bars,
            grid=grid,
            left=BARS_LEFT,
            right=BARS_RIGHT,
            axis_y=height - 16,
            font_family=font_family,
        )
    )
