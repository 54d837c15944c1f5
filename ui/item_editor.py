"""One checklist item: status, samples, findings, rectification and evidence, saved as you go.

Each item keeps the version it was loaded at; a save names that version, so a change someone
made in another tab is never overwritten silently — the store refuses and we say so.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

import streamlit as st

from criteria import Item
from domain.records import ActionState, EvidenceRecord, EvidenceRequest, ItemRecord, Rectification
from domain.work import Assignment, is_late
from evidence import EvidenceRefused
from scoring import ItemResult, Status, display
from services import evidence as evidence_services
from services import rounds
from store import ConflictError, StoreError
from ui import live_figures
from ui.confirm import ask_button, confirmation
from ui.errors import guarded
from ui.evidence_intake import EVIDENCE_KINDS, kind_label, kind_labels, upload_limit_mb
from ui.item_comments import item_thread
from ui.item_evidence import camera_photo, item_requests, open_document
from ui.labels import action_labels, points, status_labels
from ui.markup import plain
from ui.run_memo import fragments_only
from ui.state import (
    attempt,
    context,
    flash,
    lang,
    noting_tier_change,
    page_store,
    refusal,
    scored,
    tr,
    when,
    zone,
)

FIELDS = (
    "status",
    "checked",
    "conforming",
    "justification",
    "finding",
    "notes",
    "action",
    "owner",
    "due",
    "action_state",
    "effort",
)
# which save each field belongs to (save() takes these group names)
SAVED_AS = {
    "status": "status",
    "checked": "status",
    "conforming": "status",
    "justification": "justification",
    "finding": "finding",
    "notes": "notes",
    "action": "rectification",
    "owner": "rectification",
    "due": "rectification",
    "action_state": "rectification",
    "effort": "effort",
}
FIELD_LABELS = {
    "status": "ui.status",
    "checked": "ui.samples_checked",
    "conforming": "ui.samples_conforming",
    "justification": "ui.justification",
    "finding": "ui.finding",
    "notes": "ui.notes",
    "action": "ui.action",
    "owner": "ui.owner",
    "due": "ui.due",
    "action_state": "ui.action_state",
    "effort": "ui.effort",
}
DETAILS = ("finding", "notes", "action", "owner", "due", "action_state", "effort")  # when open
TOUCHED = "checklist.touched"  # items changed in this view; filters keep them in view


@dataclass(frozen=True)
class ItemContext:
    audit_id: int
    organisation_id: int
    editable: bool
    library: dict[int, EvidenceRecord]
    today: date
    requests: tuple[EvidenceRequest, ...] = ()  # the round's requests for evidence
    # item id → the assignment covering it (its own, else its indicator's), read once a run
    assignments: Mapping[str, Assignment] = dataclasses.field(default_factory=dict)
    may_comment: bool = False


def _key(audit_id: int, item_id: str, field: str) -> str:
    return f"item.{audit_id}.{item_id}.{field}"


def is_details_key(key: str) -> bool:
    """Whether a session key holds an item's details being open (``_key(…, "open")``)."""
    return key.startswith("item.") and key.endswith(".open")


def _saved_values(record: ItemRecord) -> dict[str, object]:
    return {
        "status": record.status.value,
        "checked": record.samples_checked,
        "conforming": record.samples_conforming,
        "justification": record.justification,
        "finding": record.finding,
        "notes": record.notes,
        "action": record.rectification.action,
        "owner": record.rectification.owner,
        "due": record.rectification.due,
        "action_state": record.rectification.state.value,
        "effort": record.effort,
    }


def _load(audit_id: int, record: ItemRecord, fields: tuple[str, ...]) -> None:
    """Put the saved entry into those of ``fields`` (the ones about to be drawn) that do not
    hold this session's entry yet. Only drawn fields are keys in the session: Streamlit copies
    the whole session state for every keyed widget it draws, so eleven keys for each of 52
    cards (drawn or not) made every card cost 5.5 ms. The card's saved values at the version
    it was loaded at are kept in one entry (``item_loaded``) beside it; a field drawn later (the
    details opened, sampled chosen) starts from there, and a save reads a field not drawn from
    there. (Streamlit forgets a widget that was not drawn in a run; its field reloads.)"""
    keys = {field: _key(audit_id, record.item_id, field) for field in fields}
    missing = [field for field, key in keys.items() if key not in st.session_state]
    if not missing:
        return
    card = (audit_id, record.item_id)
    loaded = st.session_state.setdefault("item_loaded", {})
    if "status" in missing or card not in loaded:  # the card is drawn afresh: its saved entry
        loaded[card] = _saved_values(record)
        st.session_state.setdefault("item_versions", {})[card] = record.version
    for field in missing:
        st.session_state[keys[field]] = loaded[card][field]


def _value(audit_id: int, item_id: str, field: str) -> Any:
    """A field's value: its widget's, as it set it, or (not drawn) the saved one it started at."""
    key = _key(audit_id, item_id, field)
    if key in st.session_state:
        return st.session_state[key]
    return st.session_state.get("item_loaded", {}).get((audit_id, item_id), {}).get(field)


def _message(audit_id: int, item_id: str, kind: str | None, text: str = "") -> None:
    messages = st.session_state.setdefault("item_messages", {})
    if kind is None:
        messages.pop((audit_id, item_id), None)
    else:
        messages[(audit_id, item_id)] = (kind, text)


def save(audit_id: int, item_id: str, *fields: str) -> None:
    """Widget callback: save the named fields of one item, then rerun its card and, when the
    save went through, the figures (the score may have moved) — not the page."""
    saved = _save(audit_id, item_id, *fields)
    live_figures.rerun_card(card_key(item_id), figures=saved)


def _save(audit_id: int, item_id: str, *fields: str) -> bool:
    """Save the named fields; False when nothing was saved (the card says why)."""
    st.session_state.setdefault(TOUCHED, set()).add(item_id)
    value = lambda field: _value(audit_id, item_id, field)  # noqa: E731
    changes: dict[str, object] = {}
    if "status" in fields:
        status = Status(value("status"))
        if status is Status.SAMPLED and (value("checked") is None or value("conforming") is None):
            _message(audit_id, item_id, "warning", tr("ui.enter_samples"))
            return False  # saved once the sample counts are given
        changes["status"] = status
        if status is Status.SAMPLED:
            changes["samples_checked"] = int(value("checked"))
            changes["samples_conforming"] = int(value("conforming"))
        if status is Status.NOT_APPLICABLE:
            changes["justification"] = value("justification") or ""
    for field in ("justification", "finding", "notes"):
        if field in fields:
            changes[field] = value(field) or ""
    if "effort" in fields:
        changes["effort"] = value("effort")
    if "rectification" in fields:
        changes["rectification"] = Rectification(
            str(value("action") or ""),
            str(value("owner") or ""),
            value("due"),
            ActionState(value("action_state") or "open"),
        )
    versions = st.session_state.setdefault("item_versions", {})
    store = page_store()  # the session checked once for the save and the score it moves
    try:
        saved = noting_tier_change(
            audit_id,
            lambda: rounds.save_item(
                context(store),
                audit_id,
                item_id,
                expected_version=versions.get((audit_id, item_id), 0),
                **changes,
            ),
            store,
        )
    except ConflictError as exc:
        _message(audit_id, item_id, "conflict", refusal(exc))
        return False
    except StoreError as exc:
        _message(audit_id, item_id, "error", refusal(exc))
        return False
    versions[(audit_id, item_id)] = saved.version
    st.session_state.setdefault("item_loaded", {})[(audit_id, item_id)] = _saved_values(saved)
    if "status" in fields and saved.status in (Status.NOT_CONFORMING, Status.SAMPLED):
        # points lost: open the details, where the finding and the action are typed
        st.session_state[_key(audit_id, item_id, "open")] = True
    _message(audit_id, item_id, "saved", display.clock(datetime.now(UTC), zone()))
    return True


def reload(audit_id: int, item_id: str) -> None:
    """Show the newer saved entry; what this session typed and had not saved is kept aside
    (``item_pending``) to be applied on top of it or dropped — never thrown away silently."""
    loaded = st.session_state.get("item_loaded", {}).get((audit_id, item_id), {})
    typed = {
        field: _value(audit_id, item_id, field)
        for field in FIELDS
        if _key(audit_id, item_id, field) in st.session_state
        and _value(audit_id, item_id, field) != loaded.get(field)
    }
    for field in FIELDS:
        st.session_state.pop(_key(audit_id, item_id, field), None)
    pending = st.session_state.setdefault("item_pending", {})
    if typed:
        pending[(audit_id, item_id)] = typed
    _message(audit_id, item_id, None)


def reapply(audit_id: int, item_id: str) -> None:
    """Put the kept-aside entry into the fields and save it on top of the newer version."""
    typed = st.session_state.get("item_pending", {}).pop((audit_id, item_id), {})
    for field, value in typed.items():
        st.session_state[_key(audit_id, item_id, field)] = value
    groups = dict.fromkeys(SAVED_AS[field] for field in typed)
    if groups:
        save(audit_id, item_id, *groups)


def discard(audit_id: int, item_id: str) -> None:
    st.session_state.get("item_pending", {}).pop((audit_id, item_id), None)


def entry(audit_id: int, item_id: str) -> ItemRecord:
    """An item's saved entry. A full run reads every item's once (two queries, kept until the
    next run or save, like the score) instead of once per card; a card rerunning on its own
    reads its own afresh."""
    if fragments_only():
        return page_store().item(audit_id, item_id)
    memo = st.session_state.setdefault("_entries", {})
    if audit_id not in memo:
        store = page_store()
        memo[audit_id] = (store.items(audit_id), store.evidence_links(audit_id))
    records, links = memo[audit_id]
    unsaved = ItemRecord(audit_id, item_id, evidence_ids=links.get(item_id, ()))
    return records.get(item_id) or unsaved


def card_key(item_id: str) -> str:
    """The fragment key of an item's card: its save reruns the card by this name."""
    return f"item_card.{item_id}"


def item_card(item: Item, ctx: ItemContext) -> None:
    """One item as a fragment of its own name: a change in it reruns this card and the
    figures (ui.live_figures), not the page."""
    st.fragment(_card, key=card_key(item.id))(item, ctx)


@guarded  # a fragment reruns outside the page's own guard
def _card(item: Item, ctx: ItemContext) -> None:
    record = entry(ctx.audit_id, item.id)
    result = scored(ctx.audit_id).item(item.id)
    render_item(item, record, result, ctx)


def _status_options(item: Item) -> list[str]:
    options = [Status.CONFORMING, Status.NOT_CONFORMING]
    if item.scoring == "sampled":
        options.append(Status.SAMPLED)
    if item.excludable:
        options.append(Status.NOT_APPLICABLE)
    options.append(Status.NOT_ASSESSED)
    return [s.value for s in options]


def render_item(item: Item, record: ItemRecord, result: ItemResult, ctx: ItemContext) -> None:
    """Title, then the status choice (the first control, so keyboard users reach it at once:
    Tab to the group, arrow keys to choose), then the details in one expander, so the next
    item's status is two Tab presses away."""
    audit_id, item_id = ctx.audit_id, item.id
    _load(audit_id, record, ("status",))
    key = lambda field: _key(audit_id, item_id, field)  # noqa: E731
    disabled = not ctx.editable
    # the key names the card in the page (CSS class st-key-card_1_1_1), for tests and styling
    with st.container(border=True, key=f"card_{item_id.replace('.', '_')}"):
        # one element for the heading, the item's points, what it earns and when it was
        # saved: the browser redraws every element of the page at each run's start and end
        # (Streamlit's run state is a React context every element reads), so each card keeps
        # to three (heading, status, details) inside its two blocks
        mode = tr("ui.mode_sampled") if item.scoring == "sampled" else tr("ui.mode_binary")
        earned = (
            tr("ui.excluded_short")
            if not result.applicable
            else (f"{points(result.earned)} / {points(result.points)}")
        )
        st.markdown(
            f"**{tr('ui.item_title', id=item.id, title=plain(item.title.get(lang())))}**  \n"
            f":gray[{points(item.points)} {tr('ui.points_unit')} · {mode}"
            f"{' · ' + tr('ui.excludable') if item.excludable else ''} ·] **{earned}**"
            + _assigned(ctx.assignments.get(item_id), ctx.today)
            + _saved_line(audit_id, item_id, record)
        )
        values = _status_options(item)
        if st.session_state.get(key("status")) not in values:
            st.session_state[key("status")] = Status.NOT_ASSESSED.value
        st.radio(
            tr("ui.status"),
            values,
            key=key("status"),
            horizontal=True,
            disabled=disabled,
            format_func=status_labels(lang()).__getitem__,
            label_visibility="collapsed",
            on_change=save,
            args=(audit_id, item_id, "status"),
        )
        status = Status(st.session_state[key("status")])
        if status is Status.SAMPLED:
            _load(audit_id, record, ("checked", "conforming"))
            left, right, button = st.columns([2, 2, 1], vertical_alignment="bottom")
            left.number_input(
                tr("ui.samples_checked"), min_value=1, step=1, key=key("checked"), disabled=disabled
            )
            right.number_input(
                tr("ui.samples_conforming"),
                min_value=0,
                step=1,
                key=key("conforming"),
                disabled=disabled,
            )
            button.button(
                tr("ui.save_samples"),
                key=key("save_samples"),
                disabled=disabled,
                on_click=save,
                args=(audit_id, item_id, "status"),
            )
        if status is Status.NOT_APPLICABLE:
            _load(audit_id, record, ("justification",))
            st.text_input(
                tr("ui.justification"),
                key=key("justification"),
                disabled=disabled,
                on_change=save,
                args=(audit_id, item_id, "justification"),
            )
            if not (st.session_state.get(key("justification")) or "").strip():
                st.warning(tr("ui.justification_needed"))
        _status_line(audit_id, item_id)
        _pending(audit_id, item_id)
        open_key = key("open")
        if open_key not in st.session_state:
            has_text = any(
                (_value(audit_id, item_id, f) or "").strip() for f in ("finding", "notes", "action")
            )
            st.session_state[open_key] = has_text or (result.lost > 0 and not result.is_open)
        details = st.expander(
            tr("ui.item_details", n=len(record.evidence_ids)), key=open_key, on_change="rerun"
        )
        if not details.open:
            return  # drawn only when open: a closed card is cheap to send and to render
        _load(audit_id, record, DETAILS)
        with details:
            left, right = st.columns(2)
            left.text_area(
                tr("ui.finding"),
                key=key("finding"),
                height=68,
                disabled=disabled,
                on_change=save,
                args=(audit_id, item_id, "finding"),
            )
            right.text_area(
                tr("ui.notes"),
                key=key("notes"),
                height=68,
                disabled=disabled,
                on_change=save,
                args=(audit_id, item_id, "notes"),
            )
            _rectification(audit_id, item_id, disabled)
            _evidence(item, record, ctx)
            item_thread(audit_id, ctx.organisation_id, item_id, may_write=ctx.may_comment)
            _guidance(item)


def _assigned(assignment: Assignment | None, today: date) -> str:
    """Who the item is assigned to, in the card's heading (no element of its own); when its
    date has passed, red and said in words (colour alone is not seen by everyone)."""
    if assignment is None:
        return ""
    name = plain(assignment.user_name)
    if assignment.due is None:
        return f"  \n:material/person: {tr('assign.card', name=name)}"
    text = tr("assign.card_due", name=name, due=display.day(assignment.due))
    if is_late(assignment.due, today):
        text = f":red[{text} · {tr('work.overdue')}]"
    return "  \n:material/person: " + text


def _guidance(item: Item) -> None:
    st.markdown(f"**{tr('ui.guidance')}**")
    st.markdown(item.guidance.get(lang()))
    st.markdown(
        f"**{tr('ui.expected_evidence')}**  \n"
        + "  \n".join(f"· {e.get(lang())}" for e in item.evidence)
    )
    level = item.source.confidence
    st.caption(
        tr(
            "ui.item_confidence",
            level=tr(f"confidence.{level}"),
            explain=tr(f"confidence.explain.{level}"),
            # the bundled catalogue's source notes are written in English (changing them would
            # change its content hash): the Chinese page gives the level and its explanation
            note=(item.source.note or "") if lang() == "en" else "",
        )
    )


def _pending(audit_id: int, item_id: str) -> None:
    typed = st.session_state.get("item_pending", {}).get((audit_id, item_id))
    if not typed:
        return
    with st.container(border=True):
        st.markdown(f"**{tr('ui.your_unsaved_entry')}**")
        for field, value in typed.items():
            shown = status_labels(lang()).get(str(value), value) if field == "status" else value
            st.markdown(f"{tr(FIELD_LABELS[field])}：{plain(shown if shown is not None else '—')}")
        apply_col, drop_col = st.columns(2)
        apply_col.button(
            tr("ui.apply_my_entry"),
            key=f"reapply.{audit_id}.{item_id}",
            on_click=reapply,
            args=(audit_id, item_id),
        )
        drop_col.button(
            tr("ui.discard_my_entry"),
            key=f"discard.{audit_id}.{item_id}",
            on_click=discard,
            args=(audit_id, item_id),
        )


def _rectification(audit_id: int, item_id: str, disabled: bool) -> None:
    key = lambda field: _key(audit_id, item_id, field)  # noqa: E731
    st.markdown(f"**{tr('ui.rectification')}**")
    st.text_input(
        tr("ui.action"),
        key=key("action"),
        disabled=disabled,
        on_change=save,
        args=(audit_id, item_id, "rectification"),
    )
    owner, due, state, effort = st.columns(4)
    owner.text_input(
        tr("ui.owner"),
        key=key("owner"),
        disabled=disabled,
        on_change=save,
        args=(audit_id, item_id, "rectification"),
    )
    due.date_input(
        tr("ui.due"),
        key=key("due"),
        disabled=disabled,
        on_change=save,
        args=(audit_id, item_id, "rectification"),
    )
    state.selectbox(
        tr("ui.action_state"),
        [s.value for s in ActionState],
        key=key("action_state"),
        disabled=disabled,
        format_func=action_labels().__getitem__,
        on_change=save,
        args=(audit_id, item_id, "rectification"),
    )
    effort.number_input(
        tr("ui.effort"),
        min_value=0.5,
        step=0.5,
        key=key("effort"),
        help=tr("ui.effort_help"),
        disabled=disabled,
        on_change=save,
        args=(audit_id, item_id, "effort"),
    )


def _evidence(item: Item, record: ItemRecord, ctx: ItemContext) -> None:
    store = page_store()
    linked = [ctx.library[i] for i in record.evidence_ids if i in ctx.library]
    st.markdown(f"**{tr('ui.evidence_n', n=len(linked))}**")
    for document in linked:
        text, button = st.columns([5, 1])
        expired = document.expired_on(ctx.today)
        valid = f" · {tr('ui.valid_until')} {document.valid_until}" if document.valid_until else ""
        mark = f" :red[{tr('ui.expired')}]" if expired else ""
        revision = f" · {tr('evidence.ui.revision', n=document.revision)}" * (document.revision > 1)
        text.markdown(
            f":material/description: {plain(document.title)} · {kind_label(document.kind)} · "
            f"`{document.sha256[:10]}`{revision}{valid}{mark}"
        )
        open_document(document, f"{ctx.audit_id}.{item.id}", container=text)
        if ctx.editable:
            question = f"unlink.{ctx.audit_id}.{item.id}.{document.id}"
            ask_button(tr("ui.unlink"), question, container=button)
            confirmation(
                question,
                tr("ui.unlink_title"),
                tr("ui.unlink_body", title=plain(document.title), item=item.id),
                tr("ui.unlink"),
                partial(
                    evidence_services.unlink_evidence, context(), ctx.audit_id, item.id, document.id
                ),
            )
    item_requests(
        [r for r in ctx.requests if r.item_id == item.id], ctx.audit_id, item.id, ctx.editable
    )
    if not ctx.editable:
        return
    camera_photo(ctx.organisation_id, ctx.audit_id, item.id)
    others = [d for d in ctx.library.values() if d.current and d.id not in record.evidence_ids]
    pick_key = f"pick.{ctx.audit_id}.{item.id}"
    if others:
        chosen = st.multiselect(
            tr("ui.pick_from_library"),
            [d.id for d in others],
            key=pick_key,
            placeholder=tr("ui.choose"),
            format_func=lambda i: ctx.library[i].title,
        )
        if chosen and st.button(tr("ui.attach"), key=f"attach.{ctx.audit_id}.{item.id}"):
            for evidence_id in chosen:
                evidence_services.link_evidence(context(), ctx.audit_id, item.id, evidence_id)
            st.session_state.pop(pick_key, None)
            st.rerun()
    upload_key = f"upload.{ctx.audit_id}.{item.id}"
    kind_col, file_col = st.columns([1, 3])
    kind = kind_col.selectbox(
        tr("ui.kind"),
        EVIDENCE_KINDS,
        format_func=kind_labels().__getitem__,
        key=f"kind.{ctx.audit_id}.{item.id}",
    )
    upload = file_col.file_uploader(
        tr("ui.upload_and_attach"), key=upload_key, max_upload_size=upload_limit_mb(store)
    )
    done = st.session_state.setdefault("uploaded_files", set())
    if upload is not None and (upload_key, upload.file_id) not in done:
        done.add((upload_key, upload.file_id))
        try:
            # stored and linked in one transaction (with the sign-off it withdraws)
            filed = attempt(
                lambda: evidence_services.file_evidence(
                    context(),
                    ctx.audit_id,
                    upload.name,
                    upload,
                    items=[item.id],
                    title=upload.name.rsplit(".", 1)[0],
                    kind=kind,
                )
            )
        except EvidenceRefused as exc:
            st.error(exc.message(lang()))
            return
        if filed is None:
            return
        document, new = filed
        flash(
            "success",
            tr("ui.attached_new" if new else "ui.attached_existing", title=plain(document.title)),
        )
        st.rerun()


def _saved_line(audit_id: int, item_id: str, record: ItemRecord) -> str:
    """Who saved the item and when, or that this session just saved it: the heading's last
    line (no element of its own); nothing when the card has a message instead."""
    message = st.session_state.get("item_messages", {}).get((audit_id, item_id))
    if message is None:
        if not record.version:
            return ""
        at = when(record.updated_at) if record.updated_at else ""
        return f"  \n:gray[{tr('ui.saved_by', who=plain(record.updated_by), at=at)}]"
    kind, text = message
    return f"  \n:gray[✓ {tr('ui.saved_at', at=text)}]" if kind == "saved" else ""


def _status_line(audit_id: int, item_id: str) -> None:
    """A message the save left on the card (the saved line is in its heading)."""
    message = st.session_state.get("item_messages", {}).get((audit_id, item_id))
    if message is None:
        return
    kind, text = message
    if kind == "saved":
        return
    if kind == "conflict":
        st.error(text)
        st.button(
            tr("ui.load_newer"),
            key=f"reload.{audit_id}.{item_id}",
            on_click=reload,
            args=(audit_id, item_id),
        )
    elif kind == "warning":
        st.warning(text)
    else:
        st.error(text)
