"""What the Catalogues page shows of a move onto another catalogue: its exact preview as rows (a
table: values are cells, not Markdown), a summary, and the confirmation that says what cannot be
undone (Markdown: every value in it escaped)."""

from __future__ import annotations

from criteria import Catalogue
from store.catalogue_move import Fate, MovePreview
from ui.labels import status_label
from ui.markup import plain
from ui.state import tr


def move_rows(
    move: MovePreview, source: Catalogue, target: Catalogue, lang: str
) -> list[dict[str, str]]:
    """One row per item: where from, where to, what happens, status before → after, samples
    carried, and why a status is reset."""
    rows = []
    for m in move.items:
        item = target.item(m.target_id) if m.target_id else source.item(m.source_id or "")
        rows.append(
            {
                tr("catalogues.move_col.from"): m.source_id or "—",
                tr("catalogues.move_col.to"): m.target_id or "—",
                tr("catalogues.move_col.title"): item.title.get(lang),
                tr("catalogues.move_col.fate"): tr(f"catalogues.fate.{m.fate.value}"),
                tr("catalogues.move_col.before"): status_label(m.status_before, lang)
                if m.status_before
                else "—",
                tr("catalogues.move_col.after"): status_label(m.status_after, lang)
                if m.status_after
                else "—",
                tr("catalogues.move_col.samples"): f"{m.samples[1]}/{m.samples[0]}"
                if m.samples
                else "",
                tr("catalogues.move_col.why"): tr(f"catalogues.reset.{m.reason.value}")
                if m.reason
                else "",
            }
        )
    return rows


def move_summary(move: MovePreview) -> str:
    return tr(
        "catalogues.move_summary",
        kept=move.count(Fate.KEPT),
        mapped=move.count(Fate.MAPPED),
        reset=move.count(Fate.RESET),
        left=move.count(Fate.LEFT_BEHIND),
        open=move.count(Fate.START_OPEN),
        unassessed=len(move.starting_unassessed),
    )


def move_confirmation(move: MovePreview, round_no: int, target_id: str) -> str:
    """What the move does and what cannot be undone (shown as the dialog's body)."""
    reset = plain(", ".join(m.target_id or "" for m in move.of(Fate.RESET)) or "—")
    left = plain(", ".join(m.source_id or "" for m in move.of(Fate.LEFT_BEHIND)) or "—")
    return tr(
        "catalogues.move_confirm_body",
        round=round_no,
        catalogue=plain(target_id),
        reset=reset,
        left=left,
        unassessed=len(move.starting_unassessed),
    )
