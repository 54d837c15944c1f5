"""Audits: organisations and their audit rounds; create, open, close a round, archive, move."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

import streamlit as st

from domain.permissions import Action
from domain.records import AuditRecord, Organisation, OrganisationProfile
from evidence.blobs import BlobTooLarge
from scoring import display
from scoring.history import tier_title
from services import organisations as organisation_services
from store import StoreError
from store.access import bare
from store.archive import ArchiveRefused
from store.jobs import Job, JobState
from ui import job_view
from ui.catalogue_rows import catalogue_names
from ui.confirm import ask_button, confirmation
from ui.evidence_intake import upload_limit_mb
from ui.evidence_media import download_button
from ui.markup import plain
from ui.round_verdicts import verdicts_note
from ui.selfeval_panel import selfeval_panel
from ui.state import (
    LANDING,
    actor,
    attempt,
    context,
    current_audit_id,
    flash,
    go_to,
    lang,
    may,
    page_store,
    refusal,
    show_flashes,
    tr,
)
from ui.state import today as today_here
from worker.requests import request_job

NUMBER_FIELDS = {"headcount", "service_headcount", "service_outlets", "sales_outlets"}
LONG_FIELDS = {"business_scope", "profile", "honours", "products_in_scope"}

IMPORT_JOB = "audits.import_job"  # this session's archive import, while a worker has it


def imported(job: Job) -> None:
    """A finished import: its organisation chosen and what it brought, or why it was refused."""
    if job.state is JobState.DONE:
        result = job.result or {}
        st.session_state["org_id"] = result["organisation_id"]
        audits, files = len(result.get("audit_ids", {})), result.get("evidence_files", 0)
        flash("success", tr("ui.imported", audits=audits, files=files))
        unmatched = result.get("unmatched_logins") or []
        if unmatched:
            logins = ("、" if lang() == "zh" else ", ").join(unmatched)
            flash("warning", tr("ui.imported_unmatched", logins=plain(logins)))
    else:
        flash("error", tr("ui.import_refused", reason=plain(job_view.failure(job))))


store = page_store()
pending_import = job_view.current(store, IMPORT_JOB, lambda job: job.kind == "import")
if pending_import is not None and pending_import.finished:
    st.session_state.pop(IMPORT_JOB, None)
    imported(pending_import)
    pending_import = None
st.title(tr("nav.audits"))
show_flashes()
ORG_FORM_ERROR = "org_form.error"  # (form key, message) of a refused organisation form


def profile_form(
    key: str, profile: OrganisationProfile | None, on_submit: Callable[[], None]
) -> None:
    """The application form's company fields. The form never clears itself: a refused entry
    stays as typed; a saved new one is cleared by its callback."""
    with st.form(key, clear_on_submit=False):
        columns = st.columns(2)
        for n, field in enumerate(fields(OrganisationProfile)):
            widget_key = f"{key}.{field.name}"
            current = getattr(profile, field.name) if profile else None
            if widget_key not in st.session_state:
                st.session_state[widget_key] = (
                    current if field.name in NUMBER_FIELDS else (current or "")
                )
            label = tr(f"org.{field.name}")
            column = columns[n % 2] if field.name not in LONG_FIELDS else st
            if field.name in NUMBER_FIELDS:
                column.number_input(label, min_value=0, step=1, key=widget_key)
            elif field.name in LONG_FIELDS:
                st.text_area(label, key=widget_key, height=80)
            else:
                column.text_input(label, key=widget_key)
        error = st.session_state.get(ORG_FORM_ERROR)
        if error and error[0] == key:
            st.error(error[1])
        st.form_submit_button(tr("ui.save"), type="primary", on_click=on_submit)


def entered_profile(key: str) -> OrganisationProfile:
    values: dict[str, Any] = {}
    for field in fields(OrganisationProfile):
        value = st.session_state.get(f"{key}.{field.name}")
        if field.name in NUMBER_FIELDS:
            values[field.name] = int(value) if value is not None else None
        else:
            values[field.name] = str(value or "")
    return OrganisationProfile(**values)


def refused(key: str, exc: StoreError) -> None:
    st.session_state[ORG_FORM_ERROR] = (key, str(exc))


def create_organisation() -> None:
    """Form callback: runs before the page is drawn, so the new organisation can be chosen."""
    profile = entered_profile("new_org")
    try:
        created = organisation_services.create_organisation(context(), profile)
    except StoreError as exc:
        refused("new_org", exc)
        return
    st.session_state.pop(ORG_FORM_ERROR, None)
    st.session_state["org_id"] = created.id
    for field in fields(OrganisationProfile):  # assigned: the browser keeps typed values
        st.session_state[f"new_org.{field.name}"] = None if field.name in NUMBER_FIELDS else ""
    flash("success", tr("ui.saved_organisation", name=plain(profile.name)))


def update_organisation(organisation: Organisation) -> None:
    key = f"edit_org.{organisation.id}"
    profile = entered_profile(key)
    try:
        store.update_organisation(
            organisation.id, profile, expected_version=organisation.version, actor=actor()
        )
    except StoreError as exc:
        refused(key, exc)
        return
    st.session_state.pop(ORG_FORM_ERROR, None)
    flash("success", tr("ui.saved_organisation", name=plain(profile.name)))


def new_organisation() -> None:
    if not may(Action.CREATE_ORGANISATION, None):
        return
    with st.expander(tr("ui.new_organisation"), expanded=not store.organisations()):
        profile_form("new_org", None, create_organisation)


def import_upload() -> None:
    """Button callback: keep the chosen archive as a blob and import it as a job (in the worker
    when one runs, else here, now); then choose its organisation."""
    upload = st.session_state.get("import_zip")
    if upload is None or not may(Action.IMPORT_ARCHIVE, None):
        return
    upload.seek(0)
    try:
        # a blob, so that a worker on another machine (same database and bucket) can read it;
        # kept until the job is forgotten (store.jobs.Jobs.expire), then garbage collection
        stored = bare(store).blobs.put(upload, max_bytes=upload_limit_mb(store) << 20)
        job, here = request_job(
            store, "import", {"input_sha256": stored.sha256, "actor": actor()}, actor=actor()
        )
    except (ArchiveRefused, StoreError, BlobTooLarge, OSError) as exc:  # OSError: the bucket
        flash("error", tr("ui.import_refused", reason=plain(refusal(exc))))
        return
    if here:
        flash("caption", tr("jobs.ran_here_import"))
        imported(job)
    else:
        st.session_state[IMPORT_JOB] = job.id


def import_panel() -> None:
    if not may(Action.IMPORT_ARCHIVE, None):
        return
    if pending_import is not None:
        st.caption(tr("jobs.import_queued"))
        job_view.follow(store, pending_import.id)
    with st.expander(tr("ui.import_archive")):
        upload = st.file_uploader(
            tr("ui.archive_file"),
            type=["zip"],
            key="import_zip",
            max_upload_size=upload_limit_mb(store),
        )
        if upload is not None:
            st.button(
                tr("ui.import"),
                key="do_import",
                on_click=import_upload,
                disabled=pending_import is not None,
            )


def audit_rows(organisation: Organisation) -> None:
    audits = store.audits(
        organisation.id, include_archived=bool(st.session_state.get("show_archived"))
    )
    if not audits:
        st.caption(tr("ui.no_audits"))
    for audit in audits:
        audit_row(audit)


def audit_row(audit: AuditRecord) -> None:
    # frozen rounds: the scores as computed then; a draft's live, the plan left to its dashboard
    snapshot = store.round_result(audit.id, plan=False)
    with st.container(border=True):
        info, score, actions = st.columns([3, 3, 3])
        info.markdown(
            f"**{plain(audit.title)}** · {tr('ui.round_n', n=audit.round_no)}  \n"
            f"{audit.audit_date:%Y-%m-%d} · {plain(audit.assessor or '—')} · "
            f"{tr('state.' + audit.state.value)}"
        )
        score.metric(
            tr("ui.score"),
            display.score_of(snapshot),
            tier_title(snapshot, lang()),
            delta_color="off",
            delta_arrow="off",
        )
        note = verdicts_note(store, audit.id) if audit.frozen_at is not None else None
        if note:
            info.caption(note)
        # buttons as wide as their words, wrapping when the column is narrow: three equal
        # columns cut "签核与关闭" to "签核与…" at 1440 px
        buttons = actions.container(horizontal=True)
        if buttons.button(tr("ui.open"), key=f"open.{audit.id}", type="primary"):
            go_to(LANDING, audit.id)
        archived = audit.state.value == "archived"
        organisation_id = audit.organisation_id
        # a round is reviewed, signed off and closed on the rounds page: the way there is for
        # those who take part in that (submit, return, sign off or close)
        takes_part = any(
            may(a, organisation_id)
            for a in (Action.SUBMIT_REVIEW, Action.SIGN_OFF, Action.CLOSE_ROUND)
        )
        if (
            audit.state.value == "draft"
            and takes_part
            and buttons.button(
                tr("ui.review_and_close"),
                key=f"to_review.{audit.id}",
                help=tr("ui.close_round_help"),
            )
        ):
            go_to("rounds", audit.id)
        if may(Action.ARCHIVE, organisation_id):
            archive_label = tr("ui.unarchive" if archived else "ui.archive")
            ask_button(archive_label, f"archive.{audit.id}", container=buttons)
            confirmation(
                f"archive.{audit.id}",
                archive_label,
                tr(
                    "ui.unarchive_body" if archived else "ui.archive_body", title=plain(audit.title)
                ),
                archive_label,
                lambda: store.set_audit_archived(
                    audit.id, not archived, expected_version=audit.version, actor=actor()
                ),
            )
        if audit.state.value == "draft" and may(Action.SCORE, organisation_id):
            with st.expander(tr("ui.rename_audit")):
                rename_key = f"rename.{audit.id}"
                with st.form(rename_key, border=False):
                    st.text_input(
                        tr("ui.audit_title"), value=audit.title, key=f"{rename_key}.title"
                    )
                    st.form_submit_button(
                        tr("ui.rename"), on_click=rename_audit, args=(audit, rename_key)
                    )
        if not may(Action.EXPORT_ARCHIVE, organisation_id):
            return
        with st.expander(tr("ui.export_archive")):
            if st.button(tr("ui.prepare_archive"), key=f"prep.{audit.id}"):
                with st.spinner(tr("ui.preparing")):
                    folder = store.blobs.work_folder("export-")  # gc removes it
                    path = store.export_archive(audit.id, folder / f"audit-{audit.id}.zip")
                st.session_state[f"archive_path.{audit.id}"] = path
            prepared = st.session_state.get(f"archive_path.{audit.id}")
            if prepared is not None and Path(prepared).exists():
                download_button(
                    st,
                    tr("ui.download_archive"),
                    Path(prepared).read_bytes,  # read when pressed
                    organisation_id=organisation_id,
                    file_name=f"gbt27922-audit-{audit.id}-round{audit.round_no}.zip",
                    mime="application/zip",
                    key=f"dl.{audit.id}",
                )


def rename_audit(audit: AuditRecord, key: str) -> None:
    title = str(st.session_state.get(f"{key}.title") or "")
    try:
        store.update_audit(audit.id, expected_version=audit.version, actor=actor(), title=title)
    except StoreError as exc:
        flash("error", plain(exc))
        return
    flash("success", tr("ui.renamed", title=plain(title.strip())))


def new_audit(organisation: Organisation) -> None:
    if not may(Action.CREATE_ROUND, organisation.id):
        return
    catalogues = store.catalogues()
    with st.expander(tr("ui.new_audit"), expanded=not store.audits(organisation.id)):
        by_hash = {c.content_hash: c for c in catalogues}
        names = catalogue_names(catalogues, lang())
        chosen_hash = st.selectbox(
            tr("ui.catalogue"),
            list(by_hash),
            key="new_audit.catalogue",
            format_func=names.__getitem__,
        )
        catalogue = by_hash[chosen_hash]
        with st.form("new_audit"):  # not cleared: a refused entry stays as typed
            title = st.text_input(
                tr("ui.audit_title"), value=tr("ui.default_audit_title", year=today_here().year)
            )
            scheme = st.selectbox(
                tr("ui.scheme"),
                [s.id for s in catalogue.spec.tier_schemes],
                format_func={
                    s.id: s.title.get(lang()) for s in catalogue.spec.tier_schemes
                }.__getitem__,
            )
            audit_date = st.date_input(tr("ui.audit_date"), value=today_here())
            assessor = st.text_input(tr("ui.assessor"), value=st.session_state.get("actor", ""))
            if st.form_submit_button(tr("ui.create_audit"), type="primary"):
                created = attempt(
                    lambda: store.create_audit(
                        organisation.id,
                        catalogue_hash=catalogue.content_hash,
                        title=title,
                        audit_date=audit_date,
                        assessor=assessor,
                        actor=actor(),
                        scheme_id=scheme,
                    )
                )
                if created is not None:
                    go_to("checklist", created.id)


def edit_organisation(organisation: Organisation) -> None:
    with st.expander(tr("ui.edit_organisation")):
        profile_form(
            f"edit_org.{organisation.id}",
            organisation.profile,
            lambda: update_organisation(organisation),
        )
        if not may(Action.ARCHIVE, organisation.id):
            return
        label = "ui.unarchive_organisation" if organisation.archived else "ui.archive_organisation"
        ask_button(tr(label), "archive_org")
        confirmation(
            "archive_org",
            tr(label),
            tr(
                "ui.unarchive_organisation_body"
                if organisation.archived
                else "ui.archive_organisation_body",
                name=plain(organisation.profile.name),
            ),
            tr(label),
            lambda: store.set_organisation_archived(
                organisation.id,
                not organisation.archived,
                expected_version=organisation.version,
                actor=actor(),
            ),
        )


organisations = store.organisations(include_archived=True)
top_left, top_right = st.columns([3, 1])
top_right.toggle(tr("ui.show_archived"), key="show_archived")
visible = [o for o in organisations if st.session_state.get("show_archived") or not o.archived]
if visible:
    ids = [o.id for o in visible]
    if st.session_state.get("org_id") not in ids:
        # back on this page: the organisation of the open audit, else the first
        open_id = current_audit_id()
        try:
            open_org = store.audit(open_id).organisation_id if open_id is not None else None
        except StoreError:
            open_org = None
        st.session_state["org_id"] = open_org if open_org in ids else ids[0]
    chosen = top_left.selectbox(
        tr("ui.organisation"),
        ids,
        key="org_id",
        format_func=lambda i: next(o.profile.name for o in visible if o.id == i),
    )
    organisation = next(o for o in visible if o.id == chosen)
    st.subheader(plain(organisation.profile.name))
    st.caption(
        " · ".join(
            plain(part)
            for part in (
                organisation.profile.credit_code,
                organisation.profile.products_in_scope,
                organisation.profile.address,
            )
            if part
        )
    )
    audit_rows(organisation)
    new_audit(organisation)
    if may(Action.EDIT_ORGANISATION, organisation.id):
        edit_organisation(organisation)
else:
    st.info(tr("ui.welcome") if may(Action.CREATE_ORGANISATION, None) else tr("auth.no_grants"))
new_organisation()
import_panel()
selfeval_panel(store.organisations())
