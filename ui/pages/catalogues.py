"""Catalogues: the bundled and imported catalogues; bring in a body's table (xlsx) or a catalogue
file (YAML); view one as a tree; compare two; move the open audit onto another."""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st
from openpyxl.utils import get_column_letter

from criteria import Catalogue, CatalogueError, default_catalogue, parse_catalogue
from criteria.diff import diff_catalogues
from criteria.workbook import ImportOptions, import_workbook, preview
from criteria.workbook_columns import REQUIRED, ROLES
from criteria.workbook_export import export_blank
from criteria.workbook_problems import WorkbookError
from domain.permissions import Action
from domain.records import AuditState
from scoring import display
from store.catalogue_move import MappingError, plan_move
from ui.catalogue_rows import diff_rows, list_rows, totals_rows, tree_rows
from ui.state import (
    actor,
    administrator,
    attempt,
    current_audit_id,
    flash,
    lang,
    may,
    open_audit,
    page_store,
    show_flashes,
    tr,
)

NONE = "—"

store = page_store()
st.title(tr("catalogues.nav"))
show_flashes()
bundled_hash = default_catalogue().content_hash
catalogues = sorted(store.catalogues(), key=lambda c: (c.content_hash != bundled_hash, c.id))
by_hash = {c.content_hash: c for c in catalogues}


def label(content_hash: str) -> str:
    c = by_hash[content_hash]
    return f"{c.spec.title.get(lang())} · {c.id} · {c.short_hash}"


st.dataframe(pd.DataFrame(list_rows(catalogues, lang())), hide_index=True)

# -- bring a catalogue in ----------------------------------------------------------------------

st.subheader(tr("catalogues.import_title"))
st.caption(tr("catalogues.import_help"))
upload = st.file_uploader(
    tr("catalogues.upload"), type=["xlsx", "yaml", "yml"], key="catalogues.upload"
)


def register(text: str, name: str) -> None:
    catalogue = attempt(lambda: store.register_catalogue(text, name))
    if catalogue is not None:
        flash("success", tr("catalogues.registered", id=catalogue.id, hash=catalogue.short_hash))
        st.rerun()


def yaml_upload(data: bytes, name: str) -> None:
    try:
        text = data.decode("utf-8")
        catalogue = parse_catalogue(text, name)
    except UnicodeDecodeError:
        st.error(tr("catalogues.not_utf8"))
        return
    except CatalogueError as exc:
        st.error(tr("catalogues.refused", count=len(exc.problems)))
        st.code(str(exc), language=None)
        return
    st.success(tr("catalogues.valid", id=catalogue.id, items=len(catalogue.items)))
    if st.button(tr("catalogues.register"), type="primary", disabled=not administrator()):
        register(text, name)


def workbook_upload(data: bytes, name: str) -> None:
    try:
        shown = preview(data, name, st.session_state.get(f"catalogues.sheet.{name}"))
    except WorkbookError as exc:
        st.error("\n\n".join(exc.lines(lang())))
        return
    if len(shown.sheets) > 1:
        st.selectbox(tr("catalogues.sheet"), shown.sheets, key=f"catalogues.sheet.{name}")
    width = max((len(r) for r in shown.rows), default=0)
    letters = [get_column_letter(i) for i in range(1, width + 1)]
    table = [
        [("" if v is None else str(v)) for v in r] + [""] * (width - len(r)) for r in shown.rows
    ]
    st.caption(tr("catalogues.preview", rows=len(shown.rows), header=shown.header_row or NONE))
    st.dataframe(pd.DataFrame(table, columns=letters), hide_index=False)
    guessed = shown.columns.letters()
    st.markdown(f"**{tr('catalogues.mapping')}**")
    mapping: dict[str, int] = {}
    options = [NONE, *letters]
    grid = st.columns(5)
    for n, role in enumerate(ROLES):
        default = guessed.get(role, NONE)
        chosen = grid[n % 5].selectbox(
            tr(f"catalogues.role_{role}") + (" *" if role in REQUIRED else ""),
            options,
            index=options.index(default) if default in options else 0,
            key=f"catalogues.role.{name}.{shown.sheet}.{role}",
        )
        if chosen != NONE:
            mapping[role] = letters.index(chosen) + 1
    id_col, title_col = st.columns(2)
    catalogue_id = id_col.text_input(
        tr("catalogues.new_id"), key=f"catalogues.id.{name}", placeholder="body-2026"
    )
    title = title_col.text_input(tr("catalogues.new_title"), key=f"catalogues.title.{name}")
    if not st.button(tr("catalogues.import_button"), type="primary", disabled=not administrator()):
        return
    try:
        imported = import_workbook(
            data,
            name,
            ImportOptions(
                sheet=shown.sheet,
                columns=mapping,
                exact_columns=True,
                catalogue_id=catalogue_id.strip() or None,
                title=title.strip() or None,
            ),
        )
    except WorkbookError as exc:
        st.error(tr("catalogues.refused", count=len(exc.problems)))
        st.code("\n".join(p.describe(lang()) for p in exc.problems), language=None)
        return
    register(imported.text, name)


if upload is not None:
    data = upload.getvalue()
    if upload.name.lower().endswith(".xlsx"):
        workbook_upload(data, upload.name)
    else:
        yaml_upload(data, upload.name)

# -- one catalogue as a tree -------------------------------------------------------------------

st.subheader(tr("catalogues.tree_title"))
hashes = list(by_hash)
shown_hash = st.selectbox(
    tr("catalogues.pick"), hashes, format_func=label, key="catalogues.tree_pick"
)
chosen: Catalogue = by_hash[shown_hash]
st.dataframe(pd.DataFrame(tree_rows(chosen, lang())), hide_index=True, height=420)
blank = io.BytesIO()
export_blank(chosen, blank)
st.download_button(
    tr("catalogues.export_blank"),
    blank.getvalue(),
    file_name=f"{chosen.id}-自评表.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)

# -- compare two -------------------------------------------------------------------------------

st.subheader(tr("catalogues.diff_title"))
left, right = st.columns(2)
before_hash = left.selectbox(
    tr("catalogues.diff_before"), hashes, format_func=label, key="catalogues.before"
)
after_hash = right.selectbox(
    tr("catalogues.diff_after"),
    hashes,
    index=len(hashes) - 1,
    format_func=label,
    key=f"catalogues.after.{len(hashes)}",  # a new catalogue is what one wants to compare
)
diff = diff_catalogues(by_hash[before_hash], by_hash[after_hash])
counts = st.columns(4)
for column, kind, changes in zip(
    counts,
    ("added", "removed", "renamed", "repointed"),
    (diff.added, diff.removed, diff.renamed, diff.repointed),
    strict=True,
):
    column.metric(tr(f"catalogues.change_{kind}"), len(changes))
if diff.same_items:
    st.info(tr("catalogues.no_item_changes"))
else:
    st.dataframe(pd.DataFrame(diff_rows(diff, lang())), hide_index=True)
totals = totals_rows(diff, lang())
if totals:
    st.markdown(f"**{tr('catalogues.totals')}**")
    st.dataframe(pd.DataFrame(totals), hide_index=True)

# -- move the open audit -----------------------------------------------------------------------

st.subheader(tr("catalogues.move_title"))
audit_id = current_audit_id()
audit = store.audit(audit_id) if audit_id is not None else None
if audit is None or audit.state is not AuditState.DRAFT:
    st.info(tr("catalogues.move_needs_open_audit"))
    st.stop()
source = store.catalogue(audit.catalogue_hash)
st.caption(
    tr(
        "catalogues.move_from",
        title=audit.title,
        round=audit.round_no,
        id=label(source.content_hash),
    )
)
targets = [h for h in hashes if h != audit.catalogue_hash]
if not targets:
    st.info(tr("catalogues.move_no_target"))
    st.stop()
target_hash = st.selectbox(
    tr("catalogues.move_to"), targets, format_func=label, key="catalogues.move_target"
)
target = by_hash[target_hash]
plan = plan_move(source, target)
entered = set(store.items(audit.id)) | set(store.evidence_links(audit.id))
to_map = [i for i in plan.left_behind if i in entered]
st.caption(
    tr(
        "catalogues.move_plan",
        same=len(plan.carried),
        left=len(plan.left_behind),
        open=len(plan.start_open),
    )
)
mapping: dict[str, str | None] = {}
if to_map:
    st.markdown(f"**{tr('catalogues.move_mapping')}**")
    choices = [NONE, *plan.start_open]
    for item_id in to_map:
        picked = st.selectbox(
            f"{item_id} {source.item(item_id).title.get(lang())}",
            choices,
            format_func=lambda i: (
                tr("catalogues.start_open")
                if i == NONE
                else f"{i} {target.item(i).title.get(lang())}"
            ),
            key=f"catalogues.map.{target.short_hash}.{item_id}",
        )
        if picked != NONE:
            mapping[item_id] = picked
if st.button(
    tr("catalogues.move_button"),
    type="primary",
    disabled=not may(Action.CLOSE_ROUND, audit.organisation_id),
):
    try:
        plan_move(source, target, mapping)
    except MappingError as exc:
        st.error(str(exc))
        st.stop()
    moving_id, moving_version = audit.id, audit.version  # (a lambda would not see it narrowed)
    new = attempt(
        lambda: store.move_to_catalogue(
            moving_id, target_hash, mapping=mapping, expected_version=moving_version, actor=actor()
        )
    )
    if new is not None:
        result, _ = store.score(new.id)
        open_audit(new.id)
        flash(
            "success",
            tr(
                "catalogues.moved",
                round=new.round_no,
                id=target.id,
                score=display.score(result.score),
            ),
        )
        st.rerun()
