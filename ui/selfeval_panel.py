"""The audits page's panel for a filled 自评表 (ours of any release, or a body's filled table):
read and checked on upload, what is left out named, then imported as a new audit round of the
chosen organisation or of a new one from the sheet's 基本信息. The reading and the import are
dossier.selfeval_import and store.selfeval_import; this only draws them."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any

import streamlit as st

from criteria import Catalogue, default_catalogue
from criteria.workbook_problems import WorkbookError
from domain.permissions import Action
from dossier.selfeval_import import FilledTable, read_filled_table
from scoring.model import Status
from store.selfeval_import import import_filled_table
from ui.evidence_intake import upload_limit_mb
from ui.markup import plain
from ui.state import actor, attempt, flash, lang, may, open_audit, page_store, tr

NEW = 0  # the choice "a new organisation from the sheet"
SHOWN_NOTICES = 50
KEPT_READINGS = 8  # readings kept in this server process, the newest first


class _Readings:
    """Filled tables read in this process, by the upload's content hash, its name and the
    catalogue: a rerun, a change of target, another page and back, or a reload read nothing
    again (a 自评表 of a few thousand rows takes seconds to read). Refusals are kept too."""

    def __init__(self) -> None:
        self._kept: OrderedDict[tuple[str, str, str], FilledTable | WorkbookError] = OrderedDict()
        self._lock = threading.Lock()

    def read(self, data: bytes, name: str, catalogue: Catalogue) -> FilledTable:
        key = (hashlib.sha256(data).hexdigest(), name, catalogue.content_hash)
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
        if kept is None:
            try:
                kept = read_filled_table(data, name, catalogue)
            except WorkbookError as exc:
                kept = exc
            with self._lock:
                self._kept[key] = kept
                while len(self._kept) > KEPT_READINGS:
                    self._kept.popitem(last=False)
        if isinstance(kept, WorkbookError):
            raise kept.with_traceback(None)
        return kept


READINGS = _Readings()


def selfeval_panel(organisations: list[Any]) -> None:
    store = page_store()
    targets = [o for o in organisations if may(Action.CREATE_ROUND, o.id)]
    may_create = may(Action.CREATE_ORGANISATION, None)
    if not targets and not may_create:
        return
    with st.expander(tr("selfeval.panel")):
        st.caption(tr("selfeval.panel_help"))
        upload = st.file_uploader(
            tr("selfeval.file"),
            type=["xlsx"],
            key="selfeval.upload",
            max_upload_size=upload_limit_mb(store),
        )
        if upload is None:
            return
        data, name = upload.getvalue(), upload.name
        catalogue = _catalogue(store, data, name)
        try:
            table = READINGS.read(data, name, catalogue)
        except WorkbookError as exc:
            st.error(tr("selfeval.refused", count=len(exc.problems)))
            st.code("\n".join(exc.lines(lang())), language=None)
            return
        assessed = sum(1 for i in table.items if i.status is not Status.NOT_ASSESSED)
        st.success(
            tr(
                "selfeval.read",
                items=len(table.items),
                assessed=assessed,
                sheet=table.sheet,
                catalogue=catalogue.id,
            )
        )
        if table.notices:
            st.warning(tr("selfeval.notices", count=len(table.notices)))
            lines = [n.describe(lang()) for n in table.notices[:SHOWN_NOTICES]]
            if len(table.notices) > SHOWN_NOTICES:
                more = len(table.notices) - SHOWN_NOTICES
                lines.append(tr("workbook.more_problems", count=more))
            st.code("\n".join(lines), language=None)
        choices = [o.id for o in targets]
        if may_create and table.company is not None:
            choices.insert(0, NEW)
        if not choices:
            st.info(tr("selfeval.no_target"))
            return
        names = {o.id: o.profile.name for o in targets}
        if table.company is not None:
            names[NEW] = tr("selfeval.new_org", name=table.company.name)
        target = st.selectbox(
            tr("selfeval.target"), choices, format_func=names.__getitem__, key="selfeval.target"
        )
        if st.button(tr("selfeval.import"), type="primary", key="selfeval.do_import"):
            _import(store, table, catalogue, name, None if target == NEW else target)


def _catalogue(store: Any, data: bytes, name: str) -> Catalogue:
    """The catalogue the table was exported from when the store has it, else the bundled one."""
    bundled = default_catalogue()
    try:
        exported = READINGS.read(data, name, bundled).catalogue_hash
    except WorkbookError:
        return bundled
    for known in store.catalogues():
        if exported and known.content_hash == exported:
            return known
    return bundled


def _import(
    store: Any, table: FilledTable, catalogue: Catalogue, name: str, organisation_id: int | None
) -> None:
    imported = attempt(
        lambda: import_filled_table(
            store,
            table,
            catalogue,
            source=name,
            organisation_id=organisation_id,
            actor=actor(),
        )
    )
    if imported is None:
        return
    open_audit(imported.audit.id)
    flash(
        "success",
        tr(
            "selfeval.imported",
            round=imported.audit.round_no,
            name=plain(imported.organisation.profile.name),
            items=imported.items_saved,
        ),
    )
    st.rerun()
