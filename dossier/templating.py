"""The Jinja2 environment of the dossier: autoescaping everywhere, strict about typos."""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from dossier import numbers
from dossier.text import printable, shortened
from scoring import display
from store.config import display_zone
from texts import keys, t

TEMPLATES = Path(__file__).with_name("templates").resolve()


def cn_date(value: date | datetime | None) -> str:
    """2025年3月18日, as Chinese forms write dates."""
    if isinstance(value, datetime):
        value = display.local(value, display_zone()).date()
    return display.cn_day(value)


def iso_date(value: date | None) -> str:
    return display.day(value)


def timestamp(value: datetime | None) -> str:
    """A moment in the organisation's zone, as the app shows it; the cover names the zone."""
    return display.moment(value, display_zone())


def kind_label(kind: str) -> str:
    """An evidence kind by its Chinese label (a kind without one as recorded)."""
    key = f"kind.{kind}"
    return t(key, "zh") if key in keys() else kind


def zone_note(lang: str = "zh") -> str:
    return display.zone_note(display_zone(), lang)


# about half a page of Chinese in the narrowest text column: a row with more may be split
LONG_ROW_CHARS = 600


def splittable(*texts: str | None) -> str:
    """The CSS class for a table row whose texts may not fit on one page."""
    return "splittable" if sum(len(text or "") for text in texts) > LONG_ROW_CHARS else ""


def points(value: Fraction) -> str:
    return numbers.points_text(value)


def _printed(value: object) -> object:
    """Every value a template prints: text loses its bidi controls (dossier/text.py); markup
    was put together from values that went through here already."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return printable(value)
    return value


@lru_cache(maxsize=1)
def environment() -> Environment:
    # autoescape for every template, HTML and SVG alike: every value a user typed is text
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_printed,
    )
    env.filters.update(
        pts=points,
        needed=numbers.needed_text,
        score=numbers.score_text,
        size=numbers.file_size_text,
        cn_date=cn_date,
        iso_date=iso_date,
        timestamp=timestamp,
        shortened=shortened,
    )
    env.globals["splittable"] = splittable
    env.globals["zone_note"] = zone_note
    env.filters["catalogue_name"] = display.catalogue_name
    env.filters["kind"] = kind_label
    return env
