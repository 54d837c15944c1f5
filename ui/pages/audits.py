"""Audits: organisations and their audit rounds; create, open, close a round, archive, move."""

from __future__ import annotations

import tempfile
from dataclasses import fields
from datetime import date
from pathlib import Path

import streamlit as st

from scoring.report import tier_title
from store import StoreError
from store.archive import ArchiveRefused, export_audit, import_archive
from store.records import AuditRecord, Organisation, OrganisationProfile
from ui.state import (
    actor,
    attempt,
    flash,
    get_store,
    lang,
    open_audit,
    save_and_rerun,
    show_flashes,
    tr,
)

NUMBER_FIELDS = {"headcount", "service_headcount", "service_outlets", "sales_outlets"}
LONG_FIELDS = {"business_scope", "profile", "honours", "products_in_scope"}

store = get_store()
st.title(tr("nav.audits"))
show_flashes()


def profile_form(key: str, profile: OrganisationProfile | None) -> OrganisationProfile | None:
    """The application form's company fields; returns the entered profile when submitted."""
    values: dict[str, object] = {}
    with st.form(key, clear_on_submit=profile is None):
        columns = st.columns(2)
        for n, field in enumerate(fields(OrganisationProfile)):
            current = getattr(profile, field.name) if profile else None
            label = tr(f"org.{field.name}")
            column = columns[n % 2] if field.name not in LONG_FIELDS else st
            if field.name in NUMBER_FIELDS:
                values[field.name] = column.number_input(
                    label, min_value=0, step=1, value=current, key=f"{key}.{field.name}"
                )
            elif field.name in LONG_FIELDS:
                values[field.name] = st.text_area(
                    label, value=current or "", key=f"{key}.{field.name}", height=80
                )
            else:
                values[field.name] = column.text_input(
                    label, value=current or "", key=f"{key}.{field.name}"
                )
        submitted = st.form_submit_button(tr("ui.save"), type="primary")
    if not submitted:
        return None
    for name in NUMBER_FIELDS:
        values[name] = int(values[name]) if values[name] is not None else None
    return OrganisationProfile(**values)  # type: ignore[arg-type]


def new_organisation() -> None:
    with st.expander(tr("ui.new_organisation"), expanded=not store.organisations()):
        profile = profile_form("new_org", None)
        if profile is not None:
            created = attempt(
                lambda: store.create_organisation(profile, actor()),
                tr("ui.saved_organisation", name=profile.name),
            )
            if created is not None:
                st.session_state["org_id"] = created.id
                st.rerun()


def import_panel() -> None:
    with st.expander(tr("ui.import_archive")):
        upload = st.file_uploader(tr("ui.archive_file"), type=["zip"], key="import_zip")
        if upload is not None and st.button(tr("ui.import"), key="do_import"):
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "archive.zip"
                path.write_bytes(upload.getvalue())
                try:
                    outcome = import_archive(store, path, actor=actor())
                except (ArchiveRefused, StoreError) as exc:
                    st.error(tr("ui.import_refused", reason=str(exc)))
                    return
            st.session_state["org_id"] = outcome.organisation_id
            flash(
                "success",
                tr("ui.imported", audits=len(outcome.audit_ids), files=outcome.evidence_files),
            )
            st.rerun()


def audit_rows(organisation: Organisation) -> None:
    audits = store.audits(organisation.id, include_archived=st.session_state.get("show_archived"))
    if not audits:
        st.caption(tr("ui.no_audits"))
    for audit in audits:
        audit_row(audit)


def audit_row(audit: AuditRecord) -> None:
    snapshot = store.round_result(audit.id)  # frozen rounds: the scores as computed then
    with st.container(border=True):
        info, score, actions = st.columns([4, 2, 3])
        info.markdown(
            f"**{audit.title}** · {tr('ui.round_n', n=audit.round_no)}  \n"
            f"{audit.audit_date:%Y-%m-%d} · {audit.assessor or '—'} · "
            f"{tr('state.' + audit.state.value)}"
        )
        score.metric(
            tr("ui.score"),
            snapshot["score_display"],
            tier_title(snapshot, lang()),
            delta_color="off",
            delta_arrow="off",
        )
        open_col, round_col, archive_col = actions.columns(3)
        if open_col.button(tr("ui.open"), key=f"open.{audit.id}", type="primary"):
            open_audit(audit.id)
            st.switch_page("ui/pages/checklist.py")
        if audit.state.value == "draft" and round_col.button(
            tr("ui.close_round"), key=f"close.{audit.id}", help=tr("ui.close_round_help")
        ):
            nxt = attempt(
                lambda: store.close_round(audit.id, expected_version=audit.version, actor=actor()),
                tr("ui.round_closed", n=audit.round_no),
            )
            if nxt is not None:
                open_audit(nxt.id)
                st.rerun()
        archived = audit.state.value == "archived"
        if archive_col.button(
            tr("ui.unarchive" if archived else "ui.archive"), key=f"archive.{audit.id}"
        ):
            save_and_rerun(
                lambda: store.set_audit_archived(
                    audit.id, not archived, expected_version=audit.version, actor=actor()
                )
            )
        with st.expander(tr("ui.export_archive")):
            if st.button(tr("ui.prepare_archive"), key=f"prep.{audit.id}"):
                with st.spinner(tr("ui.preparing")):
                    folder = Path(tempfile.mkdtemp())
                    path = export_audit(store, audit.id, folder / f"audit-{audit.id}.zip")
                st.session_state[f"archive_path.{audit.id}"] = path
            path = st.session_state.get(f"archive_path.{audit.id}")
            if path is not None and Path(path).exists():
                st.download_button(
                    tr("ui.download_archive"),
                    data=Path(path).read_bytes(),
                    file_name=f"gbt27922-audit-{audit.id}-round{audit.round_no}.zip",
                    mime="application/zip",
                    key=f"dl.{audit.id}",
                )


def new_audit(organisation: Organisation) -> None:
    catalogues = store.catalogues()
    with st.expander(tr("ui.new_audit"), expanded=not store.audits(organisation.id)):
        by_hash = {c.content_hash: c for c in catalogues}
        chosen_hash = st.selectbox(
            tr("ui.catalogue"),
            list(by_hash),
            key="new_audit.catalogue",
            format_func=lambda h: f"{by_hash[h].spec.standard} · {by_hash[h].id} · {h[:12]}",
        )
        catalogue = by_hash[chosen_hash]
        with st.form("new_audit", clear_on_submit=True):
            title = st.text_input(
                tr("ui.audit_title"), value=tr("ui.default_audit_title", year=date.today().year)
            )
            scheme = st.selectbox(
                tr("ui.scheme"),
                [s.id for s in catalogue.spec.tier_schemes],
                format_func={
                    s.id: s.title.get(lang()) for s in catalogue.spec.tier_schemes
                }.__getitem__,
            )
            audit_date = st.date_input(tr("ui.audit_date"), value=date.today())
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
                    open_audit(created.id)
                    st.switch_page("ui/pages/checklist.py")


organisations = store.organisations(include_archived=True)
top_left, top_right = st.columns([3, 1])
top_right.toggle(tr("ui.show_archived"), key="show_archived")
visible = [o for o in organisations if st.session_state.get("show_archived") or not o.archived]
if visible:
    ids = [o.id for o in visible]
    if st.session_state.get("org_id") not in ids:
        st.session_state["org_id"] = ids[0]
    chosen = top_left.selectbox(
        tr("ui.organisation"),
        ids,
        key="org_id",
        format_func=lambda i: next(o.profile.name for o in visible if o.id == i),
    )
    organisation = next(o for o in visible if o.id == chosen)
    st.subheader(organisation.profile.name)
    st.caption(
        " · ".join(
            filter(
                None,
                [
                    organisation.profile.credit_code,
                    organisation.profile.products_in_scope,
                    organisation.profile.address,
                ],
            )
        )
    )
    audit_rows(organisation)
    new_audit(organisation)
    with st.expander(tr("ui.edit_organisation")):
        profile = profile_form(f"edit_org.{organisation.id}", organisation.profile)
        if profile is not None:
            save_and_rerun(
                lambda: store.update_organisation(
                    organisation.id, profile, expected_version=organisation.version, actor=actor()
                ),
                tr("ui.saved_organisation", name=profile.name),
            )
        label = "ui.unarchive_organisation" if organisation.archived else "ui.archive_organisation"
        if st.button(tr(label), key="archive_org"):
            save_and_rerun(
                lambda: store.set_organisation_archived(
                    organisation.id,
                    not organisation.archived,
                    expected_version=organisation.version,
                    actor=actor(),
                )
            )
else:
    st.info(tr("ui.welcome"))
new_organisation()
import_panel()
