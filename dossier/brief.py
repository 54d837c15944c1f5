"""The readiness brief: one A4 page for the executive — which tier (or why none), may we apply,
how far to the next tier, the cheapest plan to get there with who fixes what by when, and how
many actions are overdue. Same WeasyPrint pipeline, fonts and fetcher as the dossier.

Every number is shown through dossier/numbers.py (the template's score/needed/pts filters).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup
from weasyprint import HTML

from domain.records import ActionState, Rectification
from dossier.atomic import atomic_output
from dossier.fetcher import DossierFetcher
from dossier.fonts import find_cjk_fonts
from dossier.templating import TEMPLATES, environment
from scoring import FailReason, FixKind, Plan, ScoreResult, display
from store.access import bare
from store.action_register import action_rows
from store.uow import UnitOfWork
from texts import t

if TYPE_CHECKING:
    from store.access import GuardedStore
    from store.repository import AuditStore

BASE_URL = TEMPLATES.as_uri() + "/"
MAX_PLAN_ROWS = 12  # more would not fit the page; the rest is counted


@dataclass(frozen=True)
class PlanLine:
    ref: str
    label: str
    gain: Fraction
    action: Rectification


@dataclass(frozen=True)
class Brief:
    organisation: str
    audit_title: str
    round_no: int
    today: date
    result: ScoreResult
    plan: Plan
    tier: str  # the tier reached, or the scheme's name for none
    fail_reason: str  # why no tier (or "" when one is reached)
    eligibility: str
    eligibility_detail: str
    plan_lines: tuple[PlanLine, ...]
    plan_more: int
    actions_total: int
    actions_open: int
    actions_overdue: int
    certificate: str
    next_cycle_event: str
    certificate_risk: str = ""  # an overdue surveillance: the certificate at risk of suspension
    next_value: str = ""  # the next step for the small box (scoring.display.next_step_tile)
    next_caption: str = ""
    next_step: str = ""  # the next step in one sentence, as every surface words it


def fail_reason(result: ScoreResult, prerequisite_titles: dict[str, str], lang: str) -> str:
    """Why no tier, from the verdict: unmet prerequisites, a score below the lowest threshold,
    too many special deductions (every reason that applies)."""
    verdict = result.verdict
    reasons = []
    if verdict.not_eligible:
        names = t("brief.separator", lang).join(
            prerequisite_titles[p] for p in result.eligibility.unmet
        )
        reasons.append(t("brief.fail_not_eligible", lang, prerequisites=names))
    for reason in verdict.fail_reasons:
        if reason is FailReason.SCORE_BELOW_FIRST_TIER:
            lowest = result.scheme.tiers[0]
            reasons.append(
                t(
                    "brief.fail_below",
                    lang,
                    tier=lowest.title.get(lang),
                    threshold=display.score(Fraction(lowest.min_score)),
                )
            )
        else:
            reasons.append(
                t(
                    f"verdict.reason.{reason.value}",
                    lang,
                    count=verdict.deductions,
                    limit=verdict.fail_at_deductions,
                )
            )
    return "；".join(reasons) if lang != "en" else "; ".join(reasons)


def tier_text(result: ScoreResult, lang: str) -> str:
    """The tier awarded (unconfirmed prerequisites are in the eligibility box beside it), the
    scheme's name when the evaluation fails, or "not eligible" with the tier once eligible; the
    reasons are ``fail_reason``."""
    if result.tier is not None:
        return result.tier.title.get(lang)
    if result.verdict.failed:
        return result.scheme.fail_title.get(lang)
    return display.verdict_label(result, lang)


def build_brief(
    store: AuditStore | GuardedStore, audit_id: int, today: date, lang: str = "zh"
) -> Brief:
    """The brief's figures, read in one transaction."""
    with UnitOfWork(bare(store), write=False) as uow:
        return _brief(store, uow, audit_id, today, lang)


def _brief(
    store: AuditStore | GuardedStore, uow: UnitOfWork, audit_id: int, today: date, lang: str
) -> Brief:
    audit = store.audit(audit_id)
    organisation = store.organisation(audit.organisation_id)
    catalogue = store.catalogue(audit.catalogue_hash)
    result, plan = store.score(audit_id)
    titles = {p.id: p.title.get(lang) for p in catalogue.spec.prerequisites}
    records = store.items(audit_id)
    deductions = store.deductions(audit_id)

    def action_of(kind: FixKind, ref: str) -> Rectification:
        if kind is FixKind.ITEM:
            record = records.get(ref)
            return record.rectification if record else Rectification()
        index = int(ref.removeprefix("special_deductions[").removesuffix("]"))
        return deductions[index].rectification if index < len(deductions) else Rectification()

    lines = tuple(
        PlanLine(
            ref=fix.ref if fix.kind is FixKind.ITEM else t("brief.deduction", lang),
            label=catalogue.item(fix.ref).title.get(lang)
            if fix.kind is FixKind.ITEM
            else fix.label,
            gain=fix.gain,
            action=action_of(fix.kind, fix.ref),
        )
        for fix in plan.fixes
    )
    rows = action_rows(store, audit_id, today, lang)
    eligibility = result.eligibility
    detail = t("brief.separator", lang).join(
        titles[p] for p in (*eligibility.unmet, *eligibility.unconfirmed)
    )
    certificate = next(iter(uow.certificates.of_organisation(organisation.id)), None)
    cycle = certificate.status(today) if certificate else None
    event = cycle.next_ahead if cycle else None
    risks = [
        t(
            "cycle.at_risk",
            lang,
            event=t(f"cycle.{late.kind.value}", lang, n=late.number),
            due=display.day(late.due),
        )
        for late in (cycle.overdue if cycle and cycle.at_risk else ())
    ]
    return Brief(
        organisation=organisation.profile.name,
        audit_title=audit.title,
        round_no=audit.round_no,
        today=today,
        result=result,
        plan=plan,
        tier=tier_text(result, lang),
        fail_reason=fail_reason(result, titles, lang),
        eligibility=t(f"eligibility.{eligibility.status.value}", lang),
        eligibility_detail=detail,
        plan_lines=lines[:MAX_PLAN_ROWS],
        plan_more=max(0, len(lines) - MAX_PLAN_ROWS),
        actions_total=len(rows),
        actions_open=sum(1 for r in rows if r.state is not ActionState.DONE),
        actions_overdue=sum(1 for r in rows if r.overdue),
        certificate=(
            t(
                "reminders.certificate_detail",
                lang,
                body=certificate.body,
                number=certificate.number,
                tier=cycle.tier,
            )
            if certificate and cycle
            else ""
        ),
        next_cycle_event=(
            f"{t(f'cycle.{event.kind.value}', lang, n=event.number)} {display.day(event.due)}"
            if event
            else ""
        ),
        certificate_risk=t("brief.separator", lang).join(risks),
        next_value=display.next_step_tile(result, lang)[0],
        next_caption=display.next_step_tile(result, lang)[1],
        next_step=display.next_step_text(result, lang),
    )


def brief_html(brief: Brief, lang: str = "zh") -> str:
    fonts = find_cjk_fonts()
    context: dict[str, Any] = {
        "b": brief,
        "fonts": {name: Markup(stack) for name, stack in fonts.css_stacks.items()},
        "tx": lambda key, **values: t(key, lang, **values),
        "action_state": lambda state: t(f"action.{state.value}", lang),
        "lang": lang,
    }
    return environment().get_template("brief.html").render(context)


def render_brief(brief: Brief, destination: Path, lang: str = "zh") -> int:
    """Write the brief's PDF; returns its page count (the layout keeps it to one)."""
    fetcher = DossierFetcher(TEMPLATES, {}, {})
    document = HTML(string=brief_html(brief, lang), base_url=BASE_URL, url_fetcher=fetcher).render()
    with atomic_output(destination) as stream:
        document.write_pdf(stream)
    return len(document.pages)
