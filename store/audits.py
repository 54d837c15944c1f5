"""Audits, their item assessments, special deductions and bonus, and scoring."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from criteria import Catalogue
from criteria.schema import Tier
from domain.errors import InvalidEntry
from domain.records import (
    ActionState,
    AuditRecord,
    AuditState,
    BonusRecord,
    DeductionRecord,
    ItemRecord,
    Rectification,
)
from scoring import (
    AuditInput,
    ItemAssessment,
    Plan,
    ScoreResult,
    Severity,
    SpecialBonus,
    SpecialDeduction,
    Status,
    plan_next_tier,
    score_audit,
    validate_audit,
)
from scoring.validation import MAX_SPECIAL_DEDUCTIONS, AuditProblem
from store import convert
from store.base import StoreBase, utcnow
from store.tables import (
    AuditRow,
    BonusRow,
    DeductionRow,
    ItemRow,
)

ITEM_FIELDS = (
    "status",
    "samples_checked",
    "samples_conforming",
    "justification",
    "notes",
    "finding",
    "effort",
    "rectification",
)
AUDIT_FIELDS = (
    "title",
    "scheme_id",
    "audit_date",
    "assessor",
    "prerequisites",
    "planned_certification_on",
)


class AuditsMixin(StoreBase):
    # -- audits ----------------------------------------------------------------------------

    def create_audit(
        self,
        organisation_id: int,
        *,
        catalogue_hash: str,
        title: str,
        audit_date: date,
        assessor: str,
        actor: str,
        scheme_id: str | None = None,
    ) -> AuditRecord:
        catalogue = self.catalogue(catalogue_hash)
        scheme = self._scheme(catalogue, scheme_id)
        if not title.strip():
            raise InvalidEntry("审核名称必填 — the audit needs a title")
        with self._write("audit") as session:
            org = self._organisation_row(session, organisation_id)
            last_round = session.scalar(
                select(func.max(AuditRow.round_no)).where(AuditRow.organisation_id == org.id)
            )
            row = AuditRow(
                organisation_id=org.id,
                title=title.strip(),
                catalogue_id=catalogue.id,
                catalogue_hash=catalogue.content_hash,
                scheme_id=scheme,
                round_no=(last_round or 0) + 1,
                audit_date=audit_date,
                assessor=assessor.strip(),
                state=AuditState.DRAFT.value,
                prerequisites={},
                created_at=utcnow(),
            )
            session.add(row)
            session.flush()
            self._log(
                session,
                actor,
                "audit",
                [("created", None, row.title)],
                organisation_id=org.id,
                audit_id=row.id,
            )
            return convert.audit(row)

    def audit(self, audit_id: int) -> AuditRecord:
        with self._read() as session:
            return convert.audit(self._audit_row(session, audit_id))

    def audits(
        self, organisation_id: int | None = None, *, include_archived: bool = False
    ) -> list[AuditRecord]:
        query = select(AuditRow).order_by(AuditRow.organisation_id, AuditRow.round_no)
        if organisation_id is not None:
            query = query.where(AuditRow.organisation_id == organisation_id)
        if not include_archived:
            query = query.where(AuditRow.state != AuditState.ARCHIVED.value)
        with self._read() as session:
            return [convert.audit(row) for row in session.scalars(query)]

    def latest_tiers(self, organisation_id: int) -> tuple[Tier, ...]:
        """The tiers of the scheme the organisation's latest round is scored under (none
        before its first round): the tiers a certificate of it is named by."""
        rounds = self.audits(organisation_id)
        if not rounds:
            return ()
        latest = rounds[-1]
        return self.catalogue(latest.catalogue_hash).scheme(latest.scheme_id).tiers

    def update_audit(
        self, audit_id: int, *, expected_version: int, actor: str, **changes: Any
    ) -> AuditRecord:
        unknown = set(changes) - set(AUDIT_FIELDS)
        if unknown:
            raise InvalidEntry(f"audit has no field(s) {', '.join(sorted(unknown))}")
        with self._write("audit") as session:
            row = self._draft_audit(session, audit_id, exclusive=True)
            self._check_version("audit", row.version, expected_version)
            catalogue = self.catalogue(row.catalogue_hash)
            if "scheme_id" in changes:
                changes["scheme_id"] = self._scheme(catalogue, changes["scheme_id"])
            if "prerequisites" in changes:
                changes["prerequisites"] = self._prerequisites(catalogue, changes["prerequisites"])
            if "title" in changes and not str(changes["title"]).strip():
                raise InvalidEntry("审核名称必填 — the audit needs a title")
            diff = [(k, getattr(row, k), v) for k, v in changes.items() if getattr(row, k) != v]
            for field, _, new in diff:
                setattr(row, field, new)
            self._log(
                session, actor, "audit", diff, organisation_id=row.organisation_id, audit_id=row.id
            )
            session.flush()
            return convert.audit(row)

    def set_audit_archived(
        self, audit_id: int, archived: bool, *, expected_version: int, actor: str
    ) -> AuditRecord:
        """Archived audits leave the default lists; unarchiving restores draft or frozen."""
        with self._write("audit") as session:
            row = self._locked_audit(session, audit_id, exclusive=True)
            self._check_version("audit", row.version, expected_version)
            new_state = (
                AuditState.ARCHIVED
                if archived
                else (AuditState.FROZEN if row.frozen_at else AuditState.DRAFT)
            )
            if row.state != new_state.value:
                self._log(
                    session,
                    actor,
                    "audit",
                    [("state", row.state, new_state.value)],
                    organisation_id=row.organisation_id,
                    audit_id=row.id,
                )
                row.state = new_state.value
            session.flush()
            return convert.audit(row)

    @staticmethod
    def _scheme(catalogue: Catalogue, scheme_id: str | None) -> str:
        try:
            return catalogue.scheme(scheme_id).id
        except KeyError as exc:
            raise InvalidEntry(str(exc.args[0])) from None

    @staticmethod
    def _prerequisites(catalogue: Catalogue, values: Mapping[str, Any]) -> dict[str, bool | None]:
        known = {p.id for p in catalogue.spec.prerequisites}
        unknown = sorted(set(values) - known)
        if unknown:
            raise InvalidEntry(f"unknown prerequisite(s): {', '.join(unknown)}")
        bad = sorted(k for k, v in values.items() if v not in (True, False, None))
        if bad:
            raise InvalidEntry(f"prerequisites must be true, false or unset: {', '.join(bad)}")
        return {k: values[k] for k in sorted(values)}

    # -- item assessments ------------------------------------------------------------------

    def items(self, audit_id: int) -> dict[str, ItemRecord]:
        with self._read() as session:
            self._audit_row(session, audit_id)
            links = self._links(session, audit_id)  # type: ignore[attr-defined]  # EvidenceMixin's
            rows = session.scalars(select(ItemRow).where(ItemRow.audit_id == audit_id))
            return {row.item_id: convert.item(row, links.get(row.item_id, ())) for row in rows}

    def item(self, audit_id: int, item_id: str) -> ItemRecord:
        with self._read() as session:
            row = session.get(ItemRow, (audit_id, item_id))
            links = self._links(session, audit_id).get(item_id, ())  # type: ignore[attr-defined]  # EvidenceMixin's
            if row is None:
                self._audit_row(session, audit_id)
                return ItemRecord(audit_id, item_id, evidence_ids=tuple(sorted(links)))
            return convert.item(row, links)

    def save_item(
        self, audit_id: int, item_id: str, *, expected_version: int, actor: str, **changes: Any
    ) -> ItemRecord:
        """Save some fields of one item's assessment. ``expected_version`` is the version the
        user saw (0 for an item never saved)."""
        unknown = set(changes) - set(ITEM_FIELDS)
        if unknown:
            raise InvalidEntry(f"item assessment has no field(s) {', '.join(sorted(unknown))}")
        what = f"item {item_id}"
        with self._write(what) as session:
            audit_row = self._draft_audit(session, audit_id)
            catalogue = self.catalogue(audit_row.catalogue_hash)
            if not catalogue.has_item(item_id):
                raise InvalidEntry(f"item {item_id}: unknown item id (not in {catalogue.id})")
            row = session.get(ItemRow, (audit_id, item_id))
            before = convert.item(row) if row else ItemRecord(audit_id, item_id)
            self._check_version(
                what, before.version, expected_version, before.updated_by, before.updated_at
            )
            after = self._checked_item(catalogue, replace(before, **changes))
            diff = [
                (field, getattr(before, field), getattr(after, field))
                for field in ITEM_FIELDS
                if getattr(before, field) != getattr(after, field)
            ]
            if not diff:
                return self._with_links(session, before)
            if row is None:
                row = ItemRow(audit_id=audit_id, item_id=item_id)
                session.add(row)
            self._write_item(row, after, actor)
            self._log(
                session,
                actor,
                f"item {item_id}",
                diff,
                organisation_id=audit_row.organisation_id,
                audit_id=audit_id,
            )
            session.flush()
            return self._with_links(session, convert.item(row))

    def _with_links(self, session: Session, record: ItemRecord) -> ItemRecord:
        links = self._links(session, record.audit_id).get(record.item_id, ())  # type: ignore[attr-defined]  # EvidenceMixin's
        return replace(record, evidence_ids=tuple(sorted(links)))

    @staticmethod
    def _write_item(row: ItemRow, record: ItemRecord, actor: str) -> None:
        row.status = record.status.value
        row.samples_checked = record.samples_checked
        row.samples_conforming = record.samples_conforming
        row.justification = record.justification
        row.notes = record.notes
        row.finding = record.finding
        row.effort = Decimal(str(record.effort)) if record.effort is not None else None
        _write_action(row, record.rectification)
        row.updated_at = utcnow()
        row.updated_by = actor

    @staticmethod
    def _checked_item(catalogue: Catalogue, record: ItemRecord) -> ItemRecord:
        status = Status(record.status)
        if status is not Status.SAMPLED:  # counts only mean something for sampled items
            record = replace(record, samples_checked=None, samples_conforming=None)
        record = replace(
            record,
            status=status,
            justification=(record.justification or "").strip(),
            notes=record.notes or "",
            finding=record.finding or "",
            rectification=_checked_action(record.rectification),
        )
        probe = AuditInput(assessments={record.item_id: _assessment(record)})
        problems = [
            p
            for p in validate_audit(catalogue, probe)
            if p.severity is Severity.ERROR and p.path[:2] == ("items", record.item_id)
        ]
        if problems:
            worded = problems if all(p.code for p in problems) else []
            raise InvalidEntry([str(p) for p in problems], worded)
        return record

    # -- special deductions and bonus ------------------------------------------------------

    def deductions(self, audit_id: int) -> list[DeductionRecord]:
        with self._read() as session:
            rows = session.scalars(
                select(DeductionRow)
                .where(DeductionRow.audit_id == audit_id)
                .order_by(DeductionRow.id)
            )
            return [convert.deduction(row) for row in rows]

    def add_deduction(
        self,
        audit_id: int,
        *,
        reason: str,
        category: str,
        actor: str,
        item_id: str | None = None,
        rectification: Rectification | None = None,
    ) -> DeductionRecord:
        with self._write("special deduction") as session:
            audit_row = self._draft_audit(session, audit_id)
            catalogue = self.catalogue(audit_row.catalogue_hash)
            recorded = (
                session.scalar(
                    select(func.count())
                    .select_from(DeductionRow)
                    .where(DeductionRow.audit_id == audit_id)
                )
                or 0
            )
            if recorded >= MAX_SPECIAL_DEDUCTIONS:  # the plausibility bound scoring refuses above
                too_many = AuditProblem(
                    ("special_deductions",),
                    f"at most {MAX_SPECIAL_DEDUCTIONS} special deductions can be recorded "
                    "(5 already fail the evaluation)",
                    code="audit.deduction_too_many",
                    values=(("limit", MAX_SPECIAL_DEDUCTIONS),),
                )
                raise InvalidEntry(str(too_many), [too_many])
            record = self._checked_deduction(
                catalogue,
                DeductionRecord(
                    0, audit_id, reason, category, item_id or None, rectification or Rectification()
                ),
            )
            row = DeductionRow(audit_id=audit_id)
            _write_deduction(row, record)
            session.add(row)
            session.flush()
            self._log(
                session,
                actor,
                f"special deduction {row.id}",
                [("created", None, f"[{record.category}] {record.reason}")],
                organisation_id=audit_row.organisation_id,
                audit_id=audit_id,
            )
            return convert.deduction(row)

    def update_deduction(
        self, deduction_id: int, *, expected_version: int, actor: str, **changes: Any
    ) -> DeductionRecord:
        allowed = {"reason", "category", "item_id", "rectification"}
        if set(changes) - allowed:
            raise InvalidEntry(f"special deduction has no field(s) {set(changes) - allowed}")
        with self._write("special deduction") as session:
            row = self._existing(session, DeductionRow, deduction_id, "special deduction")
            audit_row = self._draft_audit(session, row.audit_id)
            self._check_version("special deduction", row.version, expected_version)
            before = convert.deduction(row)
            after = self._checked_deduction(
                self.catalogue(audit_row.catalogue_hash), replace(before, **changes)
            )
            diff = [
                (f, getattr(before, f), getattr(after, f))
                for f in sorted(allowed)
                if getattr(before, f) != getattr(after, f)
            ]
            _write_deduction(row, after)
            self._log(
                session,
                actor,
                f"special deduction {row.id}",
                diff,
                organisation_id=audit_row.organisation_id,
                audit_id=row.audit_id,
            )
            session.flush()
            return convert.deduction(row)

    def remove_deduction(self, deduction_id: int, *, expected_version: int, actor: str) -> None:
        with self._write("special deduction") as session:
            row = self._existing(session, DeductionRow, deduction_id, "special deduction")
            audit_row = self._draft_audit(session, row.audit_id)
            self._check_version("special deduction", row.version, expected_version)
            self._log(
                session,
                actor,
                f"special deduction {row.id}",
                [("removed", f"[{row.category}] {row.reason}", None)],
                organisation_id=audit_row.organisation_id,
                audit_id=row.audit_id,
            )
            session.delete(row)

    @staticmethod
    def _checked_deduction(catalogue: Catalogue, record: DeductionRecord) -> DeductionRecord:
        record = replace(
            record,
            reason=record.reason.strip(),
            rectification=_checked_action(record.rectification),
        )
        probe = AuditInput(
            deductions=(SpecialDeduction(record.reason, record.category, record.item_id),)
        )
        problems = [
            p for p in validate_audit(catalogue, probe) if p.path[:1] == ("special_deductions",)
        ]
        if problems:  # each worded by its code, in the reader's language
            raise InvalidEntry([f"special deduction: {p.message}" for p in problems], problems)
        return record

    def bonus(self, audit_id: int) -> BonusRecord | None:
        with self._read() as session:
            row = session.scalars(select(BonusRow).where(BonusRow.audit_id == audit_id)).first()
            return convert.bonus(row) if row else None

    def set_bonus(
        self, audit_id: int, reason: str | None, *, expected_version: int, actor: str
    ) -> BonusRecord | None:
        """Give (or with ``reason=None`` withdraw) the special bonus. ``expected_version`` is the
        bonus's version as seen, 0 when there was none."""
        with self._write("special bonus") as session:
            audit_row = self._draft_audit(session, audit_id)
            catalogue = self.catalogue(audit_row.catalogue_hash)
            if catalogue.spec.special_items.max_bonuses < 1 and reason is not None:
                raise InvalidEntry("this catalogue allows no special bonus")
            row = session.scalars(select(BonusRow).where(BonusRow.audit_id == audit_id)).first()
            self._check_version("special bonus", row.version if row else 0, expected_version)
            old = row.reason if row else None
            if reason is None:
                if row is not None:
                    session.delete(row)
                    self._log(
                        session,
                        actor,
                        "special bonus",
                        [("reason", old, None)],
                        organisation_id=audit_row.organisation_id,
                        audit_id=audit_id,
                    )
                return None
            if not reason.strip():
                raise InvalidEntry("特别加分项需写明理由 — a special bonus needs its reason")
            if row is None:
                row = BonusRow(audit_id=audit_id, reason=reason.strip())
                session.add(row)
            else:
                row.reason = reason.strip()
            self._log(
                session,
                actor,
                "special bonus",
                [("reason", old, reason.strip())],
                organisation_id=audit_row.organisation_id,
                audit_id=audit_id,
            )
            session.flush()
            return convert.bonus(row)

    # -- scoring ---------------------------------------------------------------------------

    def audit_input(self, audit_id: int) -> AuditInput:
        with self._read() as session:
            return self._entries(session, self._audit_row(session, audit_id))

    @staticmethod
    def _entries(session: Session, row: AuditRow) -> AuditInput:
        """The audit's entries as scoring input, read in the caller's transaction."""
        items = session.scalars(select(ItemRow).where(ItemRow.audit_id == row.id))
        deductions = session.scalars(
            select(DeductionRow).where(DeductionRow.audit_id == row.id).order_by(DeductionRow.id)
        )
        bonuses = session.scalars(select(BonusRow).where(BonusRow.audit_id == row.id))
        return AuditInput(
            assessments={i.item_id: _assessment(convert.item(i)) for i in items},
            deductions=tuple(SpecialDeduction(d.reason, d.category, d.item_id) for d in deductions),
            bonuses=tuple(SpecialBonus(b.reason) for b in bonuses),
            prerequisites=dict(row.prerequisites or {}),
            scheme_id=row.scheme_id,
        )

    def score(self, audit_id: int) -> tuple[ScoreResult, Plan]:
        """The audit's score and next-tier plan, from one consistent read of its entries."""
        result, entries = self._scored(audit_id)
        return result, plan_next_tier(result, entries)

    def result(self, audit_id: int) -> ScoreResult:
        """The audit's score without the plan, which costs as much again: what the checklist
        shows after every save (score, tier, each item's points)."""
        return self._scored(audit_id)[0]

    def _scored(self, audit_id: int) -> tuple[ScoreResult, AuditInput]:
        with self._read() as session:
            row = self._audit_row(session, audit_id)
            entries, catalogue_hash = self._entries(session, row), row.catalogue_hash
        return score_audit(self.catalogue(catalogue_hash), entries), entries


def _assessment(record: ItemRecord) -> ItemAssessment:
    return ItemAssessment(
        item_id=record.item_id,
        status=Status(record.status),
        samples_checked=record.samples_checked,
        samples_conforming=record.samples_conforming,
        justification=record.justification,
        finding=record.finding,
        effort=Fraction(str(record.effort)) if record.effort is not None else None,
    )


def _checked_action(action: Rectification) -> Rectification:
    action = Rectification(
        action.action.strip(), action.owner.strip(), action.due, ActionState(action.state)
    )
    if not action.is_set and (action.owner or action.due):
        raise InvalidEntry("整改措施需写明内容 — a rectification needs its action text")
    return action


def _write_deduction(row: DeductionRow, record: DeductionRecord) -> None:
    row.reason = record.reason
    row.category = record.category
    row.item_id = record.item_id
    _write_action(row, record.rectification)


def _write_action(row: ItemRow | DeductionRow, action: Rectification) -> None:
    """The rectification columns, the same on items and deductions (read by convert)."""
    row.action = action.action
    row.action_owner = action.owner
    row.action_due = action.due
    row.action_state = action.state.value
