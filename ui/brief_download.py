"""The readiness brief (dossier/brief.py) as a one-click download: the PDF is made when the
button is clicked (Streamlit runs the callable then), not on every run of the page."""

from __future__ import annotations

import tempfile
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import streamlit as st

from dossier.brief import build_brief, render_brief
from dossier.fonts import MissingCJKFont, find_cjk_fonts
from ui.evidence_media import download_button
from ui.state import tr


@lru_cache(maxsize=1)
def missing_fonts() -> str | None:
    """Why no PDF can be made here (no Chinese font), asked once per server process."""
    try:
        find_cjk_fonts()
    except MissingCJKFont as exc:
        return str(exc)
    return None


def brief_pdf(store: Any, audit_id: int, today: date, lang: str) -> bytes:
    with tempfile.TemporaryDirectory() as work:
        target = Path(work, "brief.pdf")
        render_brief(build_brief(store, audit_id, today, lang), target, lang)
        return target.read_bytes()


def brief_button(store: Any, audit_id: int, today: date, lang: str) -> None:
    """The download button, or why there is none."""
    problem = missing_fonts()
    if problem:
        st.caption(problem)
        return
    download_button(  # served only to people with a role in the organisation
        st,
        tr("dash.brief_download"),
        lambda: brief_pdf(store, audit_id, today, lang),
        organisation_id=store.audit(audit_id).organisation_id,
        file_name=f"brief-{audit_id}-{today.isoformat()}.pdf",
        mime="application/pdf",
        key=f"dash.brief.{audit_id}",
        help=tr("dash.brief_help"),
        icon=":material/picture_as_pdf:",
        on_click="ignore",  # the page need not run again for a download
    )
