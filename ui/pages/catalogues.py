"""Catalogues: the bundled and imported catalogues; bring in a body's table (xlsx) or a catalogue
file (YAML); view one as a tree; compare two; move the open audit onto another."""

from __future__ import annotations

import functools
import io
from typing import Any

import pandas as pd
import streamlit as st
from openpyxl.utils import get_column_letter

from criteria import Catalogue, CatalogueError, default_catalogue, parse_catalogue
from criteria.diff import diff_catalogues
from criteria.workbook import ScoringRead
from criteria.workbook_columns import REQUIRED, ROLES
from criteria.workbook_export import export_blank
from criteria.workbook_problems import WorkbookError
from domain.permissions import Action
from domain.records import AuditState
from scoring import display
from scoring.display import catalogue_name
from store.access import bare
from store.catalogue_move import MappingError, plan_move
from store.jobs import Job, Jobs, JobState
from ui.catalogue_move_view import move_confirmation, move_rows, move_summary
from ui.catalogue_rows import (
    catalogue_names,
    diff_rows,
    list_rows,
    totals_rows,
    tree_rows,
)
from ui.confirm import ask_button, confirmation
from ui.evidence_intake import upload_limit_mb
from ui.markup import plain
from ui.state import (
    actor,
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
from worker.requests import request_workbook, run_queued_here
from worker.tasks import refusal_data

NONE = "—"

store = page_store()
st.title(tr("catalogues.nav"))
show_flashes()
bundled_hash = default_catalogue().content_hash
catalogues = sorted(store.catalogues(), key=lambda c: (c.content_hash != bundled_hash, c.id))
by_hash = {c.content_hash: c for c in catalogues}


names = catalogue_names(catalogues, lang())


def label(content_hash: str) -> str:
    return names[content_hash]


st.dataframe(pd.DataFrame(list_rows(catalogues, lang())), hide_index=True)

# -- bring a catalogue in ----------------------------------------------------------------------

st.subheader(tr("catalogues.import_title"))
st.caption(tr("catalogues.import_help"))
may_import = may(Action.IMPORT_CATALOGUE, None)
upload = st.file_uploader(
    tr("catalogues.upload"),
    type=["xlsx", "yaml", "yml"],
    key="catalogues.upload",
    disabled=not may_import,  # a preview is work: only for those who may import
    max_upload_size=upload_limit_mb(store),
)
if not may_import:
    st.caption(tr("catalogues.import_not_permitted"))


def register(text: str, name: str) -> None:
    catalogue = attempt(lambda: store.register_catalogue(text, name))
    if catalogue is not None:
        flash("success", tr("catalogues.registered", name=catalogue_name(catalogue, lang())))
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
    if st.button(tr("catalogues.register"), type="primary", disabled=not may_import):
        register(text, name)


def workbook_job(data: bytes, name: str, options: dict[str, Any]) -> Job | None:
    """The reading of this upload with these options: found by its content hash when a rerun,
    another page or another session already asked (nothing is read twice), else queued for the
    worker, or read here when no worker runs (and said so). None when refused on its size."""
    bar = st.empty()

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=message or tr("catalogues.reading"))

    try:
        job, here = request_workbook(
            store, data, name, options, actor=actor(), here_progress=progress
        )
    except WorkbookError as exc:
        show_refusal(refusal_data(exc))
        return None
    bar.empty()
    if here:
        st.caption(tr("catalogues.read_here"))
    return job


def show_refusal(refusal: dict[str, Any]) -> None:
    st.error(tr("catalogues.refused", count=refusal["count"]))
    st.code("\n".join(refusal["lines"][lang()]), language=None)


@st.fragment(run_every=1.0)
def follow(job_id: int) -> None:
    """A queued or running reading, polled once a second; the page runs again when it ends
    (closing the tab loses nothing: the worker goes on, and the result is found again)."""
    jobs = Jobs(bare(store))
    job = jobs.job(job_id)
    if job.finished or (job.state is JobState.QUEUED and not jobs.worker_running()):
        st.rerun()  # done; or no worker will take it: the page runs it itself
    if job.state is JobState.QUEUED:
        text = tr("jobs.retrying") if job.message == "worker_lost_retry" else tr("jobs.queued")
        st.progress(0.0, text=text)
    else:
        st.progress(min(max(job.progress, 0.0), 1.0), text=tr("catalogues.reading"))


def finished(job: Job | None) -> dict[str, Any] | None:
    """The job's result once it is done; while it runs, its progress (and None)."""
    if job is None:
        return None
    if not job.finished:
        follow(job.id)
        return None
    if job.state is JobState.FAILED:
        reason = tr("jobs.worker_lost") if job.error == "worker_lost" else job.error
        st.error(tr("catalogues.read_failed", reason=plain(reason)))
        return None
    return job.result or {}


def workbook_upload(data: bytes, name: str) -> None:
    first = finished(workbook_job(data, name, {"sheet": None}))  # the sheet the table is on
    if first is None:
        return
    shown = first.get("preview")
    picked = st.session_state.get(f"catalogues.sheet.{name}")
    if shown is not None and picked in shown["sheets"] and picked != shown["sheet"]:
        first = finished(workbook_job(data, name, {"sheet": picked}))  # another, chosen
        if first is None:
            return
        shown = first.get("preview")
    if shown is None:  # refused before any sheet could be shown (the bounds)
        show_refusal(first["refusal"])
        return
    sheets = shown["sheets"]
    if len(sheets) > 1:
        st.selectbox(  # the sheet the table was found on first (instruction sheets skipped)
            tr("catalogues.sheet"),
            sheets,
            index=sheets.index(shown["sheet"]),
            key=f"catalogues.sheet.{name}",
        )
    rows = shown["rows"]
    width = max((len(r) for r in rows), default=0)
    letters = [get_column_letter(i) for i in range(1, width + 1)]
    table = [list(r) + [""] * (width - len(r)) for r in rows]
    header_row = shown["header_row"]
    st.caption(tr("catalogues.preview", rows=len(rows), header=header_row or NONE))
    st.dataframe(pd.DataFrame(table, columns=letters), hide_index=False)
    layout = shown["layout"]
    sure = {role: float(v) for role, v in shown["sure"].items()}
    guessed = {role: get_column_letter(int(i)) for role, i in shown["guessed"].items()}
    remembered = store.remembered_columns(layout) if layout and may_import else None
    if remembered:  # this layout was imported before: its mapping, not the guess
        guessed = {
            role: get_column_letter(index) for role, index in remembered.items() if role in ROLES
        }
        st.info(tr("catalogues.layout_remembered"))
    st.markdown(f"**{tr('catalogues.mapping')}**")
    mapping: dict[str, int] = {}
    choices = [NONE, *letters]
    grid = st.columns(5)
    for n, role in enumerate(ROLES):
        default = guessed.get(role, NONE)
        chosen = grid[n % 5].selectbox(
            tr(f"catalogues.role_{role}") + (" *" if role in REQUIRED else ""),
            choices,
            index=choices.index(default) if default in choices else 0,
            key=f"catalogues.role.{name}.{shown['sheet']}.{role}",
        )
        if chosen != NONE:
            mapping[role] = letters.index(chosen) + 1
    unsure = [
        f"{tr(f'catalogues.role_{role}')} = {letter} ({sure.get(role, 1.0):.0%})"
        for role, letter in guessed.items()
        if sure.get(role, 1.0) < SURE and not remembered
    ]
    if unsure:
        st.warning(tr("catalogues.unsure_columns", columns="; ".join(unsure)))
    id_col, title_col, version_col = st.columns(3)
    catalogue_id = id_col.text_input(
        tr("catalogues.new_id"), key=f"catalogues.id.{name}", placeholder="body-2026"
    )
    title = title_col.text_input(tr("catalogues.new_title"), key=f"catalogues.title.{name}")
    version = version_col.text_input(tr("catalogues.new_version"), key=f"catalogues.version.{name}")
    overrides: dict[str, str] = st.session_state.setdefault(f"catalogues.modes.{name}", {})
    # the table as it would import with this mapping, so the scoring modes read from words can
    # be confirmed: the first reading already is that when the mapping is the guessed one
    used = {role: int(i) for role, i in (first.get("columns") or shown["guessed"]).items()}
    trial: dict[str, Any] | None = first
    if mapping != used:
        trial = finished(workbook_job(data, name, {"sheet": shown["sheet"], "columns": mapping}))
    if trial is None:
        return
    if trial.get("refusal") is not None:  # said now, naming the cells, before anyone clicks
        show_refusal(trial["refusal"])
    elif trial.get("scoring_read"):
        read = tuple(ScoringRead(*entry) for entry in trial["scoring_read"])
        confirm_modes(read, overrides)
    disabled = not may_import or trial.get("refusal") is not None
    if st.button(tr("catalogues.import_button"), type="primary", disabled=disabled):
        asked = {
            "sheet": shown["sheet"],
            "columns": mapping,
            "catalogue_id": catalogue_id.strip() or None,
            "title": title.strip() or None,
            "version": version.strip() or None,
            "overrides": dict(sorted(overrides.items())),
            "register": True,
        }
        job = workbook_job(data, name, asked)
        if job is not None and job.finished:
            imported_here(job)
        elif job is not None:  # the worker imports it, whether this tab stays open or not
            follow(job.id)


def imported_here(job: Job) -> None:
    """An import job that ended: say so once (here, or on the person's return)."""
    st.session_state[f"catalogues.seen.{job.id}"] = True
    result = job.result or {}
    registered = result.get("registered")
    if job.state is JobState.FAILED:
        reason = tr("jobs.worker_lost") if job.error == "worker_lost" else job.error
        st.error(tr("catalogues.read_failed", reason=plain(reason)))
    elif registered:
        saved = store.catalogue(registered["hash"])
        flash("success", tr("catalogues.registered", name=catalogue_name(saved, lang())))
        st.rerun()
    elif result.get("refusal") is not None:
        show_refusal(result["refusal"])


def last_import() -> None:
    """The person's last import job: still running (they closed the tab, or the session ended),
    or ended since they last saw it: its progress or its result."""
    job = Jobs(bare(store)).latest("workbook", actor())
    if job is None or not job.params.get("register"):
        return
    job, _ = run_queued_here(store, job)  # its worker is gone: done here, now
    if not job.finished:
        st.caption(tr("catalogues.import_running", name=plain(str(job.params.get("name")))))
        follow(job.id)
    elif not st.session_state.get(f"catalogues.seen.{job.id}"):
        imported_here(job)


SURE = 0.9  # a guessed column below this is pointed out


MODES_PAGE = 50  # choices shown at once: a 5,000-row table stays usable


def confirm_modes(read: tuple[ScoringRead, ...], overrides: dict[str, str]) -> None:
    """Per item: the 评分方法 words and the mode read from them; the person may change each.
    A page of MODES_PAGE items at a time; choices made on other pages are kept."""
    st.markdown(f"**{tr('catalogues.modes_title', count=len(read))}**")
    st.caption(tr("catalogues.modes_help"))
    pages = max(1, -(-len(read) // MODES_PAGE))
    page = 1
    if pages > 1:
        page = st.selectbox(
            tr("catalogues.modes_page", pages=pages),
            range(1, pages + 1),
            format_func=lambda n: tr(
                "catalogues.modes_page_range",
                first=read[(n - 1) * MODES_PAGE].item_id,
                last=read[min(n * MODES_PAGE, len(read)) - 1].item_id,
            ),
            key="catalogues.modes_page",
        )
    modes = ["binary", "sampled"]
    for entry in read[(page - 1) * MODES_PAGE : page * MODES_PAGE]:
        words, choice = st.columns([3, 1])
        words.text(f"{entry.item_id}  {entry.text}")
        picked = choice.selectbox(
            entry.item_id,
            modes,
            index=modes.index(entry.used),
            format_func=lambda mode: tr(f"workbook.scoring_{mode}"),
            key=f"catalogues.mode.{entry.item_id}",
            label_visibility="collapsed",
        )
        if picked != entry.read:
            overrides[entry.item_id] = picked
        else:
            overrides.pop(entry.item_id, None)


if may_import:
    last_import()
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


def blank_workbook(catalogue: Catalogue) -> bytes:
    blank = io.BytesIO()
    export_blank(catalogue, blank)
    return blank.getvalue()


st.download_button(
    tr("catalogues.export_blank"),
    functools.partial(blank_workbook, chosen),  # made when pressed, not on every run
    file_name=f"{chosen.id}-自评表.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    on_click="ignore",
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
kinds = diff.kinds()
for column, (kind, changes) in zip(st.columns(len(kinds)), kinds, strict=True):
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
        title=plain(audit.title),
        round=audit.round_no,
        name=plain(catalogue_name(source, lang())),
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
try:  # the exact preview: the move itself follows the same function
    move = store.preview_catalogue_move(audit.id, target_hash, mapping)
except MappingError as exc:
    st.error(str(exc))
    st.stop()
st.caption(move_summary(move))
st.dataframe(
    pd.DataFrame(move_rows(move, source, target, lang())),
    hide_index=True,
    use_container_width=True,
)
move_key = f"move-catalogue.{audit.id}.{target.short_hash}"
ask_button(
    tr("catalogues.move_button"),
    move_key,
    type="primary",
    disabled=not may(Action.CLOSE_ROUND, audit.organisation_id),
)


moving_id, moving_version = audit.id, audit.version  # (do_move would not see audit narrowed)


def do_move() -> None:
    new = store.move_to_catalogue(
        moving_id,
        target_hash,
        mapping=mapping,
        expected_version=moving_version,
        actor=actor(),
        expected_preview=move,
    )
    result = store.result(new.id)
    open_audit(new.id)
    flash(
        "success",
        tr("catalogues.moved", round=new.round_no, id=target.id, score=display.score(result.score)),
    )


confirmation(
    move_key,
    tr("catalogues.move_confirm_title"),
    move_confirmation(move, audit.round_no, target.id),
    tr("catalogues.move_confirm"),
    do_move,
)
