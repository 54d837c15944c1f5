"""Move an audit onto another catalogue (e.g. from the bundled one to the body's own table).

The open round is frozen as it stands, with its score as computed on its own catalogue — that
score is never rewritten. A new round opens on the target catalogue: an item with the same number
carries its status, samples, findings, rectification and evidence links over; an item whose
number changed is carried where the user maps it; every other target item starts open. A status
the target item cannot take (sampled on a binary item, excluded where exclusion is not allowed)
starts open too, its findings and evidence kept. The new round's change log records the
catalogues, the mapping and every reset.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from criteria import Catalogue
from domain.errors import InvalidEntry
from domain.records import AuditRecord, AuditState
from scoring import Status
from store import convert
from store.base import utcnow
from store.rounds import DEDUCTION_COPY, ITEM_COPY, RoundsMixin
from store.tables import (
    AuditRow,
    BonusRow,
    DeductionRow,
    EvidenceLinkRow,
    ItemRow,
)


class MappingError(InvalidEntry):
    """A mapping between two catalogues' items that cannot be followed."""


@dataclass(frozen=True)
class MovePlan:
    carried: Mapping[str, str]  # source item -> target item
    left_behind: tuple[str, ...]  # source items that go nowhere
    start_open: tuple[str, ...]  # target items nothing is carried to


def parse_mapping(text: str) -> dict[str, str | None]:
    """``3.2.5=3.2.6,2.3.4=`` -> {"3.2.5": "3.2.6", "2.3.4": None} (empty: leave behind)."""
    mapping: dict[str, str | None] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        old, sep, new = part.partition("=")
        if not sep or not old.strip():
            raise MappingError(f"{part!r}: expected OLD=NEW")
        mapping[old.strip()] = new.strip() or None
    return mapping


def plan_move(
    source: Catalogue, target: Catalogue, mapping: Mapping[str, str | None] | None = None
) -> MovePlan:
    """Which source item goes where: same number unless ``mapping`` says otherwise."""
    mapping = dict(mapping or {})
    unknown = [old for old in mapping if not source.has_item(old)]
    if unknown:
        raise MappingError(f"映射中的评价项不在原目录中 — not items of {source.id}: {unknown}")
    missing = [new for new in mapping.values() if new is not None and not target.has_item(new)]
    if missing:
        raise MappingError(f"映射的目标项不在新目录中 — not items of {target.id}: {missing}")
    carried: dict[str, str] = {}
    for item in source.items:
        new = mapping.get(item.id, item.id if target.has_item(item.id) else None)
        if new is not None:
            carried[item.id] = new
    taken: dict[str, str] = {}
    for old, new in carried.items():
        if new in taken:
            raise MappingError(
                f"{taken[new]} 与 {old} 都映射到 {new} — {taken[new]} and {old} both map to {new}"
            )
        taken[new] = old
    return MovePlan(
        carried=carried,
        left_behind=tuple(i.id for i in source.items if i.id not in carried),
        start_open=tuple(i.id for i in target.items if i.id not in taken),
    )


class CatalogueMoveMixin(RoundsMixin):
    def move_to_catalogue(
        self,
        audit_id: int,
        target_hash: str,
        *,
        mapping: Mapping[str, str | None] | None = None,
        expected_version: int,
        actor: str,
    ) -> AuditRecord:
        """Freeze this round and open the next on the target catalogue. Returns the new round."""
        target = self.catalogue(target_hash)
        with self._write("audit") as session:
            # the audit's lock, as close_round takes it: a concurrent save lands before the
            # freeze (and is carried over) or is refused
            row = self._draft_audit(session, audit_id, exclusive=True)
            self._check_version("audit", row.version, expected_version)
            source = self.catalogue(row.catalogue_hash)
            if source.content_hash == target.content_hash:
                raise InvalidEntry("审核已在此目录上 — the audit already uses this catalogue")
            plan = plan_move(source, target, mapping)
            categories = {c.id for c in target.spec.special_items.deduction_categories}
            self._freeze(session, row, source, actor)
            nxt = self._next_round(session, row, target)
            resets = self._carry_items(session, row.id, nxt.id, plan, target, actor)
            self._carry_specials(session, row.id, nxt.id, plan, target, categories)
            self._log(
                session,
                actor,
                "audit",
                [
                    ("created", None, f"round {nxt.round_no} from round {row.round_no}"),
                    ("catalogue", _label(source), _label(target)),
                    ("mapping", None, _mapping_text(plan)),
                    *resets,
                ],
                organisation_id=row.organisation_id,
                audit_id=nxt.id,
            )
            session.flush()
            return convert.audit(nxt)

    @staticmethod
    def _next_round(session: Session, row: AuditRow, target: Catalogue) -> AuditRow:
        last_round = session.scalar(
            select(func.max(AuditRow.round_no)).where(
                AuditRow.organisation_id == row.organisation_id
            )
        )
        scheme_ids = {s.id for s in target.spec.tier_schemes}
        known = {p.id for p in target.spec.prerequisites}
        nxt = AuditRow(
            organisation_id=row.organisation_id,
            title=row.title,
            catalogue_id=target.id,
            catalogue_hash=target.content_hash,
            scheme_id=row.scheme_id if row.scheme_id in scheme_ids else target.scheme().id,
            round_no=(last_round or 0) + 1,
            audit_date=utcnow().date(),
            assessor=row.assessor,
            state=AuditState.DRAFT.value,
            previous_audit_id=row.id,
            prerequisites={k: v for k, v in (row.prerequisites or {}).items() if k in known},
            created_at=utcnow(),
        )
        session.add(nxt)
        session.flush()
        return nxt

    @staticmethod
    def _carry_items(
        session: Session,
        source_id: int,
        target_id: int,
        plan: MovePlan,
        target: Catalogue,
        actor: str,
    ) -> list[tuple[str, object, object]]:
        now = utcnow()
        resets: list[tuple[str, object, object]] = []
        for item in session.scalars(select(ItemRow).where(ItemRow.audit_id == source_id)):
            new_id = plan.carried.get(item.item_id)
            if new_id is None:
                continue
            values = {k: getattr(item, k) for k in ITEM_COPY}
            values["item_id"] = new_id
            if not _status_fits(values, target, new_id):
                resets.append((f"item {new_id} status", values["status"], Status.NOT_ASSESSED))
                values.update(
                    status=Status.NOT_ASSESSED.value, samples_checked=None, samples_conforming=None
                )
            session.add(ItemRow(audit_id=target_id, updated_at=now, updated_by=actor, **values))
        for link in session.scalars(
            select(EvidenceLinkRow).where(EvidenceLinkRow.audit_id == source_id)
        ):
            new_id = plan.carried.get(link.item_id)
            if new_id is not None:
                session.add(
                    EvidenceLinkRow(
                        audit_id=target_id,
                        item_id=new_id,
                        evidence_id=link.evidence_id,
                        linked_at=now,
                    )
                )
        return resets

    @staticmethod
    def _carry_specials(
        session: Session,
        source_id: int,
        target_id: int,
        plan: MovePlan,
        target: Catalogue,
        categories: set[str],
    ) -> None:
        for deduction in session.scalars(
            select(DeductionRow).where(DeductionRow.audit_id == source_id).order_by(DeductionRow.id)
        ):
            if deduction.category not in categories:
                raise InvalidEntry(
                    f"特别扣分项类别 {deduction.category} 不在新目录中 — the target catalogue "
                    f"{target.id} has no special deduction category {deduction.category!r}"
                )
            values = {k: getattr(deduction, k) for k in DEDUCTION_COPY}
            values["item_id"] = plan.carried.get(deduction.item_id or "")
            session.add(DeductionRow(audit_id=target_id, **values))
        if target.spec.special_items.max_bonuses >= 1:
            for bonus in session.scalars(select(BonusRow).where(BonusRow.audit_id == source_id)):
                session.add(BonusRow(audit_id=target_id, reason=bonus.reason))


def _status_fits(values: Mapping[str, object], target: Catalogue, item_id: str) -> bool:
    item = target.item(item_id)
    status = Status(str(values["status"]))
    if status is Status.SAMPLED:
        return item.scoring == "sampled"
    if status is Status.NOT_APPLICABLE:
        return item.excludable
    return True


def _label(catalogue: Catalogue) -> str:
    return f"{catalogue.id} {catalogue.short_hash}"


def _mapping_text(plan: MovePlan) -> str:
    same = sum(1 for old, new in plan.carried.items() if old == new)
    moved = [f"{old}→{new}" for old, new in plan.carried.items() if old != new]
    parts = [f"{same} same number"]
    if moved:
        parts.append("mapped " + ", ".join(moved))
    if plan.left_behind:
        parts.append("left behind " + ", ".join(plan.left_behind))
    if plan.start_open:
        parts.append("start open " + ", ".join(plan.start_open))
    return "; ".join(parts)
