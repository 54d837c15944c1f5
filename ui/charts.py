"""Plotly figures of a score result (pure functions: result in, figure out)."""

from __future__ import annotations

import plotly.graph_objects as go

from scoring import ScoreResult, display

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
BRAND = "#1f6feb"
GREY = "#8b949e"


def _title(zh: str, en: str, lang: str) -> str:
    return en if lang == "en" else zh


def radar(result: ScoreResult, lang: str = "zh") -> go.Figure:
    """Percent of applicable points earned for each of the 15 second-level indicators."""
    seconds = [child for section in result.sections for child in section.children]
    labels = [f"{c.indicator_id} {_title(c.title_zh, c.title_en, lang)}" for c in seconds]
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
            "angularaxis": {"direction": "clockwise", "rotation": 90},  # 1.1 at the top
        },
        showlegend=False,
        margin={"l": 90, "r": 90, "t": 30, "b": 30},
        font={"family": FONT},
        height=460,
    )
    return figure


def first_level_bars(result: ScoreResult, lang: str = "zh") -> go.Figure:
    """Earned against applicable points per first-level indicator."""
    sections = result.sections
    labels = [f"{s.indicator_id} {_title(s.title_zh, s.title_en, lang)}" for s in sections]
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
