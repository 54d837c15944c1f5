"""Dossier: the application dossier (PDF) and the self-evaluation table (xlsx) to download."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from dossier import DossierDataError, MissingCJKFont
from dossier.assemble import export_dossier
from scoring import display_score
from store import StoreError
from ui.labels import tier_label
from ui.state import get_store, lang, require_audit, tr

store = get_store()
audit = require_audit()
organisation = store.organisation(audit.organisation_id)
result, _ = store.score(audit.id)
linked = {i for ids in store.evidence_links(audit.id).values() for i in ids}

st.title(tr("nav.dossier"))
st.caption(f"{organisation.profile.name} · {audit.title} · {tr('ui.round_n', n=audit.round_no)}")
st.markdown(tr("ui.dossier_intro"))
score_col, tier_col, evidence_col = st.columns(3)
score_col.metric(tr("ui.score"), display_score(result.score))
tier_col.metric(tr("ui.tier"), tier_label(result, lang()))
evidence_col.metric(tr("ui.dossier_evidence"), len(linked))
if result.open_items:
    st.warning(tr("ui.dossier_open_items", n=len(result.open_items)))

key = f"dossier.{audit.id}"
if st.button(tr("ui.dossier_build"), type="primary"):
    bar = st.progress(0.0, text=tr("ui.dossier_building"))

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=message or tr("ui.dossier_building"))

    try:
        exported = export_dossier(
            store, audit.id, Path(tempfile.mkdtemp(prefix="dossier-")), progress
        )
    except MissingCJKFont as exc:
        st.error(str(exc))
    except (DossierDataError, StoreError) as exc:
        st.error(tr("ui.dossier_refused", reason=str(exc)))
    else:
        st.session_state[key] = exported

exported = st.session_state.get(key)
if exported is not None and exported.pdf.exists() and exported.xlsx.exists():
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
        data=exported.pdf.read_bytes(),
        file_name=exported.pdf.name,
        mime="application/pdf",
        type="primary",
    )
    xlsx_col.download_button(
        tr("ui.download_xlsx"),
        data=exported.xlsx.read_bytes(),
        file_name=exported.xlsx.name,
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
