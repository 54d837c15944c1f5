"""Several files at once, each described on its own row before anything is stored: title,
kind, validity and covered period, proposed from the file's name and editable."""

from __future__ import annotations

from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from domain.records import AuditRecord
from evidence import format_bytes
from services import evidence as evidence_services
from ui.evidence_intake import EVIDENCE_KINDS, FileMeta, ingest_files, kind_labels, upload_limit_mb
from ui.markup import plain
from ui.state import actor, attempt, context, flash, lang, tr

ROUND = "evidence.batch_round"  # a new key empties the uploader after a batch is stored


def _cell_date(value: Any) -> Any:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def batch_table(names: list[str], labels: dict[str, str]) -> pd.DataFrame:
    """One row per chosen file, its details guessed from its name, for the batch editor."""
    proposed = [FileMeta.from_name(name) for name in names]

    def dates(values: list[Any]) -> pd.Series:
        # datetimes, so a missing date is NaT: an empty cell (as objects it showed "None")
        return pd.Series(pd.to_datetime(values), dtype="datetime64[ns]")

    return pd.DataFrame(
        {
            "file": names,
            "title": [m.title for m in proposed],
            "kind": [labels.get(m.kind, labels["other"]) for m in proposed],
            "valid_until": dates([m.valid_until for m in proposed]),
            "covered_from": dates([m.covered_from for m in proposed]),
            "covered_to": dates([m.covered_to for m in proposed]),
        }
    )


def batch_upload(
    store: Any, audit: AuditRecord, catalogue: Any, organisation_id: int, disabled: bool = False
) -> None:
    """Choose files, describe each in a row, upload (``disabled`` for a read-only role)."""
    round_no = st.session_state.setdefault(ROUND, 0)
    files = st.file_uploader(
        tr("ui.choose_files"),
        accept_multiple_files=True,
        max_upload_size=upload_limit_mb(store),
        key=f"evidence.files.{round_no}",
        disabled=disabled,
    )
    st.caption(tr("ui.upload_rules", limit=format_bytes(store.upload_policy.max_bytes)))
    if not files:
        return
    labels = kind_labels()
    by_label = {label: kind for kind, label in labels.items()}
    table = batch_table([f.name for f in files], labels)
    st.caption(tr("evidence.ui.batch_help"))
    edited = st.data_editor(
        table,
        hide_index=True,
        num_rows="fixed",
        width="stretch",
        disabled=["file"],
        # the rows are the files chosen: another choice starts a fresh table
        key=f"evidence.batch.{round_no}.{hash(tuple(f.file_id for f in files))}",
        column_config={
            "file": st.column_config.TextColumn(tr("ui.col_file")),
            "title": st.column_config.TextColumn(tr("ui.col_title"), required=True),
            "kind": st.column_config.SelectboxColumn(
                tr("ui.kind"), options=[labels[k] for k in EVIDENCE_KINDS], required=True
            ),
            "valid_until": st.column_config.DateColumn(tr("ui.valid_until")),
            "covered_from": st.column_config.DateColumn(tr("evidence.ui.covered_from")),
            "covered_to": st.column_config.DateColumn(tr("evidence.ui.covered_to")),
        },
    )
    # each file supports its own items (one choice for the whole batch linked a spare-parts
    # photo to every item chosen for the policies beside it)
    choices = [i.id for i in catalogue.items]
    linkable = audit.state.value == "draft"
    st.caption(tr("evidence.ui.batch_items_help"))
    items = {
        upload.file_id: st.multiselect(
            tr("evidence.ui.batch_items_for", name=plain(upload.name)),
            choices,
            placeholder=tr("ui.choose"),
            format_func=lambda i: f"{i} {catalogue.item(i).title.get(lang())}",
            disabled=not linkable or disabled,
            key=f"evidence.batch_items.{round_no}.{upload.file_id}",
        )
        for upload in files
    }
    done_key = f"evidence.batch_done.{round_no}"
    done: dict[str, str] = st.session_state.setdefault(done_key, {})  # file id -> its line
    if not st.button(tr("ui.upload"), type="primary", key=f"evidence.batch_go.{round_no}"):
        return
    uploads = []
    for upload, (_, row) in zip(files, edited.iterrows(), strict=True):
        if upload.file_id in done:  # stored by an earlier press of this batch: not again
            continue
        meta = FileMeta(
            title=str(row["title"] or "").strip() or upload.name,
            kind=by_label.get(row["kind"], "other"),
            valid_until=_cell_date(row["valid_until"]),
            covered_from=_cell_date(row["covered_from"]),
            covered_to=_cell_date(row["covered_to"]),
        )
        uploads.append((upload, meta))
    bar = st.progress(0.0)

    def progress(done_count: int, total: int, name: str) -> None:
        bar.progress(done_count / total, text=tr("ui.uploading", name=name) if name else None)

    outcomes = ingest_files(
        store, organisation_id, uploads, actor=actor(), lang=lang(), progress=progress
    )
    lines: list[tuple[str, str]] = []  # one per file of the batch, in the order chosen
    refused = {}
    for (upload, _), outcome in zip(uploads, outcomes, strict=True):
        if outcome.record is None:
            refused[upload.file_id] = tr(
                "evidence.ui.batch_refused",
                name=plain(outcome.name),
                reason=plain(outcome.refusal or ""),
            )
            continue
        chosen = items.get(upload.file_id, []) if linkable else []
        for item_id in chosen:
            attempt(
                partial(
                    evidence_services.link_evidence, context(), audit.id, item_id, outcome.record.id
                )
            )
        key = "ui.upload_stored" if outcome.new else "ui.upload_duplicate"
        line = tr(key, name=plain(outcome.name), title=plain(outcome.record.title))
        if chosen:
            line += tr("evidence.ui.batch_linked", items=tr("next.separator").join(chosen))
        done[upload.file_id] = line
    for upload in files:
        if upload.file_id in refused:
            lines.append(("error", refused[upload.file_id]))
        elif upload.file_id in done:
            lines.append(("success", done[upload.file_id]))
    if not refused:  # all stored: the uploader is emptied, each file's line shown after
        for kind, line in lines:
            flash(kind, line)
        st.session_state[ROUND] = round_no + 1
        st.rerun()
    # a refusal stays on screen with the files, to fix and press again; those stored are
    # not stored again, and every file has its line
    st.warning(tr("evidence.ui.batch_some_refused", refused=len(refused), total=len(files)))
    for kind, line in lines:
        getattr(st, kind)(line)
