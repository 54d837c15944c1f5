"""How every number and verdict a person sees is written: the app, the command line, the
dossier and the spreadsheet all call these, and nothing else formats a score or a point.

The rule, and why:
- Scores and points always show two decimals. A catalogue's points have at most two, so every
  item's points show exactly, and one value reads the same on every surface.
- What was reached (a score, earned points, an item's points, a fix's gain, a percentage) is
  truncated toward zero: 94.997 reads 94.99, never 95.00 — a number must never read as reaching
  a threshold the exact value missed.
- What is missing (points to the next tier, a plan's shortfall, an item's lost points) is
  rounded up: 0.003 short reads 0.01, never 0.00 — nothing reads as done that is not. So an
  item's earned + lost, as shown, add up to its points.
- Percentages (an indicator's share of its points) follow the same rule: two decimals, truncated.
Everything stays exact internally (fractions); certification bodies that report to 0.5 round
their own way, which is why we neither round to 0.5 nor round to nearest.

The other values a person reads are written here too, one way on every surface:
- Dates: ISO, 2026-03-18 (Chinese forms in the PDF add 2026年3月18日 through ``cn_day``).
- Times: in the organisation's time zone (Asia/Shanghai unless GBT_AUDIT_TIME_ZONE says
  otherwise), to the minute, without a zone suffix: a page names the zone once (``zone_note``).
  Stored times are UTC; a naive one is read as UTC.
- File sizes: binary units with their IEC names (B, KiB, MiB, GiB), at most one decimal — what
  the uploader's limit (GBT_AUDIT_MAX_UPLOAD_MB, counted in MiB) is measured in.
- The empty value: an em dash, ``EMPTY``.
- A catalogue: its title and version (``catalogue_name``); an imported table given no version
  carries its file's hash as version ("sha256-…"), which reads "no version given".
- A certificate's tier: the scheme's tier title in the reader's language when the recorded
  words name one (``held_tier``), else as typed.
Nothing stores a formatted value: records keep the exact one and are written through here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from texts import t

if TYPE_CHECKING:
    from criteria import Catalogue
    from criteria.schema import Tier
    from scoring.engine import ScoreResult, Verdict

DECIMALS = 2
_Number = (
    Fraction | Decimal | int
)  # Fraction(...) takes each exactly (a catalogue's points are Decimal)
EMPTY = "—"  # a value not given, on every surface
DEFAULT_ZONE = "Asia/Shanghai"


def truncated(value: _Number, decimals: int = DECIMALS) -> Fraction:
    """``value`` cut (toward zero) to ``decimals`` places: the number a reached amount shows."""
    scale = 10**decimals
    return Fraction(math.trunc(Fraction(value) * scale), scale)


def rounded_up(value: _Number, decimals: int = DECIMALS) -> Fraction:
    """``value`` rounded up to ``decimals`` places: the number a shortfall shows."""
    scale = 10**decimals
    return Fraction(math.ceil(Fraction(value) * scale), scale)


def _fixed(value: Fraction, decimals: int) -> str:
    scale = 10**decimals
    units = value * scale  # an integer by construction
    sign = "-" if units < 0 else ""
    whole, part = divmod(abs(int(units)), scale)
    return f"{sign}{whole}.{part:0{decimals}d}" if decimals else f"{sign}{whole}"


def score(value: _Number) -> str:
    """A score, truncated: 69.999 reads 69.99."""
    return _fixed(truncated(value), DECIMALS)


def points(value: _Number) -> str:
    """Points reached (an item's points, earned points, a gain), truncated."""
    return _fixed(truncated(value), DECIMALS)


def shortfall(value: _Number) -> str:
    """Points still missing (to a tier, lost by an item), rounded up: 0.003 reads 0.01."""
    return _fixed(rounded_up(value), DECIMALS)


def signed(value: _Number) -> str:
    """A change between two values, truncated toward zero, with its sign: +0.50, −0.25."""
    cut = truncated(value)
    text = _fixed(abs(cut), DECIMALS)
    return f"+{text}" if cut > 0 else (f"−{text}" if cut < 0 else text)


def percent(value: _Number | None) -> str:
    """A share in percent, truncated: 99.999 % reads 99.99%."""
    if value is None:
        return EMPTY
    return f"{_fixed(truncated(value), DECIMALS)}%"


def score_of(result: Mapping[str, Any]) -> str:
    """The score of a result in its JSON form (a stored snapshot), shown by the rule above:
    from its exact value, so a snapshot written under an older display rule reads the same."""
    return score(Fraction(result["score_exact"]))


def score_or_empty(value: _Number | None) -> str:
    return EMPTY if value is None else score(value)


def day(value: date | None) -> str:
    """A date: 2026-03-18; a datetime gives its own date as written (convert it first)."""
    if value is None:
        return EMPTY
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat()


def cn_day(value: date | None) -> str:
    """A date as Chinese forms write it: 2026年3月18日."""
    if value is None:
        return EMPTY
    return f"{value.year}年{value.month}月{value.day}日"


def zone(name: str = DEFAULT_ZONE) -> ZoneInfo:
    """The organisation's time zone by its IANA name (checked where the setting is read)."""
    return ZoneInfo(name)


def local(value: datetime, where: tzinfo) -> datetime:
    """A stored moment in ``where``: stored times are UTC, a naive one is taken as UTC."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(where)


def moment(value: datetime | None, where: tzinfo, *, seconds: bool = False) -> str:
    """A moment in the organisation's zone: 2026-03-18 14:05 (with seconds for the change log,
    where two edits a few seconds apart must read apart). The page names the zone once."""
    if value is None:
        return EMPTY
    shown = local(value, where)
    return shown.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def today(where: tzinfo) -> date:
    """Today's date where the organisation is (a server in UTC is a day behind at 07:00 in
    Shanghai): what "due", "overdue" and "expired" are measured against."""
    return datetime.now(where).date()


def clock(value: datetime, where: tzinfo) -> str:
    """The time of day of a moment, to the second: 14:05:09 (a save confirmed just now)."""
    return local(value, where).strftime("%H:%M:%S")


def utc_offset(where: tzinfo, at: datetime | None = None) -> str:
    """UTC+08:00: the zone's offset at ``at`` (now by default)."""
    offset = (at or datetime.now(UTC)).astimezone(where).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def zone_note(where: tzinfo, lang: str = "zh") -> str:
    """The one line a page (or document) gives to say which zone its times are in."""
    name = getattr(where, "key", None) or str(where)
    return t("display.zone_note", lang, zone=name, offset=utc_offset(where))


def file_size(size: int | None) -> str:
    """A file size in binary units, at most one decimal: 999 B, 12.5 KiB, 50 MiB."""
    if size is None:
        return EMPTY
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(value) < 1024 or unit == "GiB":
            text = f"{value:.1f}".removesuffix(".0") if unit != "B" else str(int(value))
            return f"{text} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def catalogue_version(catalogue: Catalogue, lang: str = "zh") -> str:
    """The catalogue's version as a person reads it: an imported table given none carries its
    file's hash as version ("sha256-…"), which is shown as "no version given"."""
    version = catalogue.spec.version
    return t("catalogues.version_none", lang) if version.startswith("sha256-") else version


def held_tier(recorded: str, tiers: Iterable[Tier], lang: str = "zh") -> str:
    """A certificate's tier as recorded (typed on the certificate, or a surveillance result's
    tier kept as its Chinese title) in the reader's language when it names a tier of the
    scheme by id or title; anything else is the holder's own words, shown as typed."""
    given = recorded.strip()
    for tier in tiers:
        if given and given in (tier.id, tier.title.zh, tier.title.en):
            return tier.title.get(lang)
    return recorded


def catalogue_name(catalogue: Catalogue, lang: str = "zh") -> str:
    """How a catalogue is named wherever one is chosen or named (pickers, pages, the PDF's
    cover, the spreadsheet): its title and version."""
    return t(
        "catalogues.name",
        lang,
        title=catalogue.spec.title.get(lang),
        version=catalogue_version(catalogue, lang),
    )


def exact(value: _Number | None) -> str | None:
    """The exact value as text, for machine-readable output beside a float."""
    return None if value is None else str(Fraction(value))


def verdict_label(result: ScoreResult, lang: str = "zh") -> str:
    """The verdict in one line: the tier awarded (flagged when prerequisites are unconfirmed),
    or why none is: the evaluation fails (score, deductions) or the company is not eligible."""
    return verdict_text(result.verdict, result, lang)


def verdict_headline(result: ScoreResult, lang: str = "zh") -> tuple[str, str | None]:
    """The verdict for a small tile: a short headline (the tier awarded, the fail title, or "no
    tier") and the qualifier that goes beneath it, so neither is cut off."""
    verdict = result.verdict
    if verdict.failed:
        return result.scheme.fail_title.get(lang), "；".join(fail_reasons(result, lang))
    if verdict.not_eligible:
        return t("verdict.no_tier", lang), verdict_text(verdict, result, lang)
    assert verdict.tier is not None  # neither failed nor ineligible: a tier is awarded
    if verdict.unconfirmed:
        return verdict.tier.title.get(lang), t(
            "verdict.unconfirmed_count", lang, count=len(verdict.unconfirmed)
        )
    return verdict.tier.title.get(lang), None


def verdict_text(verdict: Verdict, result: ScoreResult, lang: str = "zh") -> str:
    if verdict.failed:
        reasons = "；".join(fail_reasons(result, lang))
        head = t("verdict.failed", lang, fail=result.scheme.fail_title.get(lang), reasons=reasons)
        if verdict.not_eligible:
            return t("verdict.also_not_eligible", lang, verdict=head)
        return head
    if verdict.not_eligible:
        once = verdict.tier_once_eligible
        return t(
            "verdict.not_eligible",
            lang,
            tier=once.title.get(lang) if once else result.scheme.fail_title.get(lang),
        )
    assert verdict.tier is not None  # neither failed nor ineligible: a tier is awarded
    tier = verdict.tier.title.get(lang)
    if verdict.unconfirmed:  # which ones: the eligibility line beside it lists them
        return t("verdict.tier_unconfirmed", lang, tier=tier, count=len(verdict.unconfirmed))
    return tier


def fail_reasons(result: ScoreResult, lang: str = "zh") -> list[str]:
    """Why the evaluation fails, one sentence per reason (empty when it does not)."""
    verdict = result.verdict
    first = result.scheme.tiers[0]
    texts = []
    for reason in verdict.fail_reasons:
        texts.append(
            t(
                f"verdict.reason.{reason.value}",
                lang,
                score=score(result.score),
                min=score(Fraction(first.min_score)),
                count=verdict.deductions,
                limit=verdict.fail_at_deductions,
            )
        )
    return texts


def confidence_label(level: str, lang: str = "zh") -> str:
    """An item's confidence (sourced / low / provisional) in words."""
    return t(f"confidence.{level}", lang)


def next_step_text(result: ScoreResult, lang: str = "zh", quote: Callable[[str], str] = str) -> str:
    """The next step in one sentence (scoring/next_step.py): the points to the next tier, the
    deductions to rectify and the tier that reaches, the top tier, or the prerequisites to meet.
    ``quote`` shows a user's text (a deduction's reason) as text where Markdown would read it."""
    from scoring.next_step import NextStepKind, next_step

    step = next_step(result)
    first = result.scheme.tiers[0]
    if step.kind is NextStepKind.RECTIFY_DEDUCTIONS:
        assert step.score_after is not None
        values = {
            "count": len(step.deductions),
            "reasons": t("next.separator", lang).join(quote(r) for r in step.deductions),
            "score": score(step.score_after),
        }
        if step.tier is not None:
            return t("next.rectify_reaches", lang, tier=step.tier.title.get(lang), **values)
        return t(
            "next.rectify_short",
            lang,
            tier=first.title.get(lang),
            min=score(Fraction(first.min_score)),
            need=shortfall(step.points or 0),
            **values,
        )
    if step.kind is NextStepKind.NEXT_TIER:
        assert step.tier is not None
        return t(
            "report.next_tier",
            lang,
            tier=step.tier.title.get(lang),
            min=score(Fraction(step.tier.min_score)),
            need=shortfall(step.points or 0),
        )
    if step.kind is NextStepKind.MEET_PREREQUISITES:
        titles = {p.id: p.title.get(lang) for p in result.catalogue.spec.prerequisites}
        unmet = t("next.separator", lang).join(titles.get(p, p) for p in step.unmet)
        return t("next.meet_prerequisites", lang, unmet=unmet)
    return t("report.top_tier", lang)


def next_step_tile(result: ScoreResult, lang: str = "zh") -> tuple[str, str]:
    """The next step for a small tile: a short value and the line beneath it."""
    from scoring.next_step import NextStepKind, next_step

    step = next_step(result)
    if step.kind is NextStepKind.RECTIFY_DEDUCTIONS:
        value = t("next.tile_rectify", lang, count=len(step.deductions))
        if step.tier is not None:
            return value, t("next.tile_reaches", lang, tier=step.tier.title.get(lang))
        first = result.scheme.tiers[0]
        need = shortfall(step.points or 0)
        return value, t("next.tile_short", lang, tier=first.title.get(lang), need=need)
    if step.kind is NextStepKind.NEXT_TIER:
        assert step.tier is not None
        return shortfall(step.points or 0), step.tier.title.get(lang)
    if step.kind is NextStepKind.MEET_PREREQUISITES:
        return "—", t("next.tile_no_tier", lang)
    return "—", t("ui.top_tier", lang)


def tier_change(before: ScoreResult, after: ScoreResult, lang: str = "zh") -> str | None:
    """When a change of entries changed the verdict's tier: from → to, as the verdict tile
    heads them (a tier, the fail title, or "no tier"); None when the tier stayed."""
    old, new = before.verdict.tier, after.verdict.tier
    if (old.id if old else None) == (new.id if new else None):
        return None
    return t(
        "verdict.tier_changed",
        lang,
        before=verdict_headline(before, lang)[0],
        after=verdict_headline(after, lang)[0],
    )
