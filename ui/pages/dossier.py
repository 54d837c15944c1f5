"""Dossier: the application dossier (PDF) and the self-evaluation table (xlsx) to download."""

from __future__ import annotations

import streamlit as st

from dossier import DossierDataError, MissingCJKFont
from dossier.assemble import DossierDownloads, export_downloads
from scoring import display
from store import StoreError
from ui.catalogue_rows import catalogue_line
from ui.labels import verdict_metric
from ui.markup import plain
from ui.state import lang, page_store, require_audit, scored, tr

store = page_store()
audit = require_audit()
organisation = store.organisation(audit.organisation_id)
result, _ = scored(audit.id)
linked = {i for ids in store.evidence_links(audit.id).values() for i in ids}

st.title(tr("nav.dossier"))
st.caption(
    f"{plain(organisation.profile.name)} · {plain(audit.title)} · "
    f"{tr('ui.round_n', n=audit.round_no)}"
)
st.caption(catalogue_line(store.catalogue(audit.catalogue_hash), lang()))
st.markdown(tr("ui.dossier_intro"))
score_col, tier_col, evidence_col = st.columns(3)
score_col.metric(tr("ui.score"), display.score(result.score))
verdict_metric(tier_col, result, lang(), tr("ui.tier"))
evidence_col.metric(tr("ui.dossier_evidence"), len(linked))
if result.open_items:
    st.warning(tr("ui.dossier_open_items", n=len(result.open_items)))

key = f"dossier.{audit.id}"
if st.button(tr("ui.dossier_build"), type="primary"):
    bar = st.progress(0.0, text=tr("ui.dossier_building"))

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=message or tr("ui.dossier_building"))

    try:
        st.session_state[key] = export_downloads(store, audit.id, progress)
    except MissingCJKFont as exc:
        st.error(str(exc))
    except (DossierDataError, StoreError) as exc:
        st.error(tr("ui.dossier_refused", reason=str(exc)))

exported = st.session_state.get(key)
if isinstance(exported, DossierDownloads):
    report = exported.report
    st.success(
        tr(
            "ui.dossier_ready",
            pages=report.pages,
            embedded=len(report.embedded),
            listed=len(report.listed_only),
            missing=len(report.missing),
        )
    )
    for warning in report.warnings:
        st.warning(warning.text(lang()))
    pdf_col, xlsx_col = st.columns(2)
    pdf_col.download_button(
        tr("ui.download_pdf"),
        data=exported.pdf,
        file_name=exported.pdf_name,
        mime="application/pdf",
        type="primary",
    )
    xlsx_col.download_button(
        tr("ui.download_xlsx"),
        data=exported.xlsx,
        file_name=exported.xlsx_name,
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
