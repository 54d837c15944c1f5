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
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from criteria import Catalogue
from domain.account_records import ReviewError, ReviewState
from domain.errors import ConflictError, InvalidEntry
from domain.records import AuditRecord, AuditState
from scoring import Status
from store import convert, review_rows
from store.base import utcnow
from store.evidence_library import EvidenceMixin
from store.rounds import DEDUCTION_COPY, ITEM_COPY, RoundsMixin
from store.tables import (
    AuditRow,
    BonusRow,
    DeductionRow,
    EvidenceLinkRow,
    ItemRow,
)
from texts import t


class MappingError(InvalidEntry):
    """A mapping between two catalogues' items that cannot be followed."""


class MoveChanged(ConflictError):
    """The round changed after its move was previewed: the move would no longer do what was
    confirmed, so nothing was done. ``code`` is its texts/ key."""

    code = "catalogues.move_changed"

    def __init__(self, audit_id: int) -> None:
        self.values = {"audit": audit_id}
        super().__init__("audit", reason="catalogues.move_changed")

    def text(self, lang: str) -> str:
        return t(self.code, lang, **self.values)


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


class Fate(StrEnum):
    """What a move does to one item."""

    KEPT = "kept"  # carried to the item with the same number, as it was
    MAPPED = "mapped"  # carried to the item the user mapped it to, as it was
    RESET = "reset"  # carried, but its status cannot stand there: starts from 未评
    LEFT_BEHIND = "left_behind"  # entered here, no item there: stays in the frozen round only
    START_OPEN = "start_open"  # a target item nothing is carried to: starts from 未评


class ResetReason(StrEnum):
    TARGET_NOT_SAMPLED = "target_not_sampled"  # sampled here, scored as a whole there
    TARGET_NOT_EXCLUDABLE = "target_not_excludable"  # not applicable here, required there


@dataclass(frozen=True)
class EnteredItem:
    """What an item of the open round holds that a move can carry."""

    status: Status
    samples_checked: int | None = None
    samples_conforming: int | None = None
    evidence: int = 0  # evidence links


@dataclass(frozen=True)
class ItemMove:
    """One item's fate: from ``source_id`` (None: a target item nothing reaches) to
    ``target_id`` (None: left behind), its status before and after, the samples carried where
    it stays sampled, and why a status is reset."""

    source_id: str | None
    target_id: str | None
    fate: Fate
    status_before: Status | None
    status_after: Status | None
    samples: tuple[int, int] | None = None  # (checked, conforming) carried
    reason: ResetReason | None = None
    evidence: int = 0  # evidence links carried (or left behind)


@dataclass(frozen=True)
class MovePreview:
    """Exactly what a move will do, item by item: what the confirmation shows and what the
    move applies (both from ``preview_move``)."""

    source_hash: str
    target_hash: str
    items: tuple[ItemMove, ...]
    deductions: int  # special deductions carried
    bonus_dropped: bool  # the target takes no special bonus

    def of(self, fate: Fate) -> tuple[ItemMove, ...]:
        return tuple(m for m in self.items if m.fate is fate)

    def count(self, fate: Fate) -> int:
        return len(self.of(fate))

    @property
    def starting_unassessed(self) -> tuple[ItemMove, ...]:
        """Target items that start from 未评: reset, nothing carried, or carried as 未评."""
        return tuple(
            m
            for m in self.items
            if m.target_id is not None and m.status_after is Status.NOT_ASSESSED
        )


def preview_move(
    source: Catalogue,
    target: Catalogue,
    entered: Mapping[str, EnteredItem],
    mapping: Mapping[str, str | None] | None = None,
    *,
    deductions: int = 0,
    bonuses: int = 0,
) -> MovePreview:
    """What moving the round whose items hold ``entered`` (by source item id) onto ``target``
    does to every item. Raises MappingError for a mapping that cannot be followed."""
    plan = plan_move(source, target, mapping)
    moves: list[ItemMove] = []
    for source_id, target_id in plan.carried.items():
        entry = entered.get(source_id, EnteredItem(Status.NOT_ASSESSED))
        fate = Fate.KEPT if source_id == target_id else Fate.MAPPED
        reason = _reset_reason(entry.status, target, target_id)
        after = Status.NOT_ASSESSED if reason else entry.status
        samples = None
        if after is Status.SAMPLED and entry.samples_checked is not None:
            samples = (entry.samples_checked, entry.samples_conforming or 0)
        moves.append(
            ItemMove(
                source_id,
                target_id,
                Fate.RESET if reason else fate,
                entry.status,
                after,
                samples,
                reason,
                entry.evidence,
            )
        )
    for source_id in plan.left_behind:
        if source_id in entered:
            entry = entered[source_id]
            moves.append(
                ItemMove(
                    source_id, None, Fate.LEFT_BEHIND, entry.status, None, evidence=entry.evidence
                )
            )
    for target_id in plan.start_open:
        moves.append(ItemMove(None, target_id, Fate.START_OPEN, None, Status.NOT_ASSESSED))
    return MovePreview(
        source_hash=source.content_hash,
        target_hash=target.content_hash,
        items=tuple(moves),
        deductions=deductions,
        bonus_dropped=bonuses > 0 and target.spec.special_items.max_bonuses < 1,
    )


def _reset_reason(status: Status, target: Catalogue, item_id: str) -> ResetReason | None:
    """Why the target item cannot take ``status`` (None: it can)."""
    item = target.item(item_id)
    if status is Status.SAMPLED and item.scoring != "sampled":
        return ResetReason.TARGET_NOT_SAMPLED
    if status is Status.NOT_APPLICABLE and not item.excludable:
        return ResetReason.TARGET_NOT_EXCLUDABLE
    return None


class CatalogueMoveMixin(RoundsMixin):
    def preview_catalogue_move(
        self, audit_id: int, target_hash: str, mapping: Mapping[str, str | None] | None = None
    ) -> MovePreview:
        """What moving the open round onto the target would do, item by item (nothing changes):
        the same function the move itself follows."""
        target = self.catalogue(target_hash)
        with self._read() as session:
            row = self._draft_audit(session, audit_id)
            return self._preview(session, row, target, mapping)

    def _preview(
        self,
        session: Session,
        row: AuditRow,
        target: Catalogue,
        mapping: Mapping[str, str | None] | None,
    ) -> MovePreview:
        source = self.catalogue(row.catalogue_hash)
        if source.content_hash == target.content_hash:
            raise InvalidEntry("审核已在此目录上 — the audit already uses this catalogue")
        links = EvidenceMixin._links(session, row.id)
        entered = {
            item.item_id: EnteredItem(
                Status(item.status),
                item.samples_checked,
                item.samples_conforming,
                len(links.get(item.item_id, ())),
            )
            for item in session.scalars(select(ItemRow).where(ItemRow.audit_id == row.id))
        }
        for item_id, linked in links.items():
            entered.setdefault(item_id, EnteredItem(Status.NOT_ASSESSED, evidence=len(linked)))
        deductions = session.scalar(
            select(func.count()).select_from(DeductionRow).where(DeductionRow.audit_id == row.id)
        )
        bonuses = session.scalar(
            select(func.count()).select_from(BonusRow).where(BonusRow.audit_id == row.id)
        )
        return preview_move(
            source, target, entered, mapping, deductions=deductions or 0, bonuses=bonuses or 0
        )

    def move_to_catalogue(
        self,
        audit_id: int,
        target_hash: str,
        *,
        mapping: Mapping[str, str | None] | None = None,
        expected_version: int,
        actor: str,
        expected_preview: MovePreview | None = None,
    ) -> AuditRecord:
        """Freeze this round and open the next on the target catalogue. Returns the new round.
        ``expected_preview`` is the preview the user confirmed: if the round changed since so
        that the move would do anything else, nothing is done (ConflictError)."""
        target = self.catalogue(target_hash)
        with self._write("audit") as session:
            # the audit's lock, as close_round takes it: a concurrent save lands before the
            # freeze (and is carried over) or is refused
            row = self._draft_audit(session, audit_id, exclusive=True)
            self._check_version("audit", row.version, expected_version)
            # moving freezes the round as closing does: here, so that every door (the app,
            # the command line) meets the rule inside the transaction that freezes
            state = review_rows.status(session, row.id).state
            if state is not ReviewState.SIGNED_OFF:
                raise ReviewError(
                    "auth.review.error.not_signed_off", round_no=row.round_no, state=state.value
                )
            source = self.catalogue(row.catalogue_hash)
            preview = self._preview(session, row, target, mapping)
            if expected_preview is not None and preview != expected_preview:
                raise MoveChanged(audit_id)
            plan = plan_move(source, target, mapping)
            categories = {c.id for c in target.spec.special_items.deduction_categories}
            self._freeze(session, row, source, actor)
            nxt = self._next_round(session, row, target)
            resets = self._carry_items(session, row.id, nxt.id, preview, actor)
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
        session: Session, source_id: int, target_id: int, preview: MovePreview, actor: str
    ) -> list[tuple[str, object, object]]:
        """Each item as the preview says: carried as it was (who assessed it and when kept), or
        reset to 未评 (findings and evidence kept; the mover recorded as the one who changed it)."""
        now = utcnow()
        moves = {m.source_id: m for m in preview.items if m.source_id and m.target_id}
        resets: list[tuple[str, object, object]] = []
        for item in session.scalars(select(ItemRow).where(ItemRow.audit_id == source_id)):
            move = moves.get(item.item_id)
            if move is None or move.target_id is None or move.status_after is None:
                continue
            values = {k: getattr(item, k) for k in ITEM_COPY}
            values["item_id"] = move.target_id
            if move.fate is Fate.RESET:
                resets.append(
                    (f"item {move.target_id} status", values["status"], move.status_after)
                )
                values.update(
                    status=move.status_after.value,
                    samples_checked=None,
                    samples_conforming=None,
                    updated_at=now,
                    updated_by=actor,
                )
            session.add(ItemRow(audit_id=target_id, **values))
        for link in session.scalars(
            select(EvidenceLinkRow).where(EvidenceLinkRow.audit_id == source_id)
        ):
            move = moves.get(link.item_id)
            if move is not None and move.target_id is not None:
                session.add(
                    EvidenceLinkRow(
                        audit_id=target_id,
                        item_id=move.target_id,
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
