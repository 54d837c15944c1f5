"""Plotly figures of a score result (pure functions: result in, figure out)."""

from __future__ import annotations

import html
import textwrap

import plotly.graph_objects as go

from scoring import ScoreResult, display

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
BRAND = "#1f6feb"
GREY = "#8b949e"


def _title(zh: str, en: str, lang: str) -> str:
    return en if lang == "en" else zh


def _text(value: str) -> str:
    """A value as Plotly text: Plotly reads tags (<a href>, <b>, <br>) and entities in labels,
    and an imported catalogue's titles come from a consultant's workbook, so they are escaped
    to be drawn as the characters they are."""
    return html.escape(value, quote=False)


# A spoke's label on at most a few short lines: Plotly does not widen a polar chart's margins
# for its labels, so a long one ("2.6 Discarded products recycling") was cut at the chart's
# edge, at 1440 px in its column and on a phone. Characters per line by script.
SPOKE_LINE = {"zh": 6, "en": 13}


def spoke_label(indicator_id: str, title: str, lang: str) -> str:
    """``1.1 组织架构`` or ``1.1<br>Organisational<br>structure``: the id, then the title
    wrapped (Chinese by characters, English by words). Plotly draws ``<br>`` as a line break;
    each line is escaped after wrapping, so an entity is never cut in two."""
    width = SPOKE_LINE["en" if lang == "en" else "zh"]
    if lang == "en":
        lines = textwrap.wrap(title, width, break_long_words=False)
    else:
        lines = [title[i : i + width] for i in range(0, len(title), width)]
        if lines:
            lines[0] = f"{indicator_id} {lines[0]}"
        return "<br>".join(_text(line) for line in lines or [indicator_id])
    return "<br>".join(_text(line) for line in [indicator_id, *lines])


def radar(result: ScoreResult, lang: str = "zh") -> go.Figure:
    """Percent of applicable points earned for each of the 15 second-level indicators."""
    seconds = [child for section in result.sections for child in section.children]
    labels = [
        spoke_label(c.indicator_id, _title(c.title_zh, c.title_en, lang), lang) for c in seconds
    ]
    values = [float(c.percent) if c.percent is not None else None for c in seconds]
    # plotly would format the float itself (and round it): hover shows our text instead
    shown = [display.percent(c.percent) for c in seconds]
    figure = go.Figure(
        go.Scatterpolar(
            r=[*values, values[0]],
            theta=[*labels, labels[0]],
            customdata=[*shown, shown[0]],
            fill="toself",
            line={"color": BRAND},
            hovertemplate="%{theta}: %{customdata}<extra></extra>",
            connectgaps=True,
        )
    )
    figure.update_layout(
        polar={
            "radialaxis": {
                "range": [0, 100],
                "ticksuffix": "%",
                "angle": 78,  # between the spokes of 1.1 and 1.2
                "tickangle": 78,
                "tickfont": {"size": 9},
                "showline": False,
            },
            "angularaxis": {
                "direction": "clockwise",
                "rotation": 90,  # 1.1 at the top
                "tickfont": {"size": 10},
            },
        },
        showlegend=False,
        margin={"l": 80, "r": 80, "t": 50, "b": 50},
        font={"family": FONT},
        height=460,
    )
    return figure


def first_level_bars(result: ScoreResult, lang: str = "zh") -> go.Figure:
    """Earned against applicable points per first-level indicator."""
    sections = result.sections
    labels = [_text(f"{s.indicator_id} {_title(s.title_zh, s.title_en, lang)}") for s in sections]
    earned = [float(s.earned) for s in sections]
    lost = [float(s.applicable - s.earned) for s in sections]
    earned_text = [display.points(s.earned) for s in sections]
    lost_text = [display.shortfall(s.applicable - s.earned) for s in sections]
    names = ("实得", "失分") if lang != "en" else ("Earned", "Lost")
    figure = go.Figure(
        [
            go.Bar(
                y=labels,
                x=earned,
                name=names[0],
                orientation="h",
                marker_color=BRAND,
                customdata=earned_text,
                hovertemplate="%{y}: %{customdata}<extra></extra>",
            ),
            go.Bar(
                y=labels,
                x=lost,
                name=names[1],
                orientation="h",
                marker_color=GREY,
                customdata=lost_text,
                hovertemplate="%{y}: %{customdata}<extra></extra>",
            ),
        ]
    )
    figure.update_layout(
        barmode="stack",
        yaxis={"autorange": "reversed"},
        margin={"l": 10, "r": 10, "t": 30, "b": 30},
        font={"family": FONT},
        legend={"orientation": "h", "y": -0.2},
        height=260,
    )
    return figure
