"""A page's run never builds a download nobody asked for: each download button hands
Streamlit a callable, run when the button is pressed (outside the page's run, so it may read
nothing of the session). The builders are counted across runs; then each callable is run as
Streamlit runs it and makes the file the button names."""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from datetime import date, timedelta

import pytest
from app_helpers import app, fresh_app, new_audit
from streamlit.runtime.media_file_manager import MediaFileManager

import dossier.actions_xlsx
import reminders.ics
from domain.records import Rectification
from scoring import Status, display
from store.config import display_zone


@pytest.fixture
def store(monkeypatch, tmp_path):
    return fresh_app(monkeypatch, tmp_path)


@pytest.fixture
def built(monkeypatch):
    """How often each builder ran."""
    counts: Counter[str] = Counter()

    def counted(module, name):
        original = getattr(module, name)

        def wrapper(*args, **kwargs):
            counts[name] += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    counted(dossier.actions_xlsx, "actions_xlsx")
    counted(reminders.ics, "calendar_ics")
    return counts


@pytest.fixture
def deferred(monkeypatch):
    """The callables the page handed to its download buttons, by file name (the latest run's
    last): Streamlit keeps them to run when a button is pressed."""
    callables: dict[str, object] = {}
    original = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        callables[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return callables


def with_actions(store):
    audit = new_audit(store)
    item_id = store.catalogue(audit.catalogue_hash).items[0].id
    store.save_item(
        audit.id,
        item_id,
        expected_version=0,
        actor="测试员",
        status=Status.NOT_CONFORMING,
        finding="现场未见记录",
        rectification=Rectification("修订服务制度", "王敏", date.today() + timedelta(days=9)),
    )
    return audit


def test_the_action_register_builds_its_export_and_calendars_only_when_pressed(
    store, built, deferred
):
    audit = with_actions(store)
    at = app("actions", audit.id)
    at.multiselect(key="actions.owners").set_value(["王敏"]).run()  # the owner's calendar too
    at.run()
    assert not at.exception
    assert len(at.get("download_button")) == 3
    assert built == Counter()  # three runs, nothing built
    xlsx = deferred[f"actions-{audit.id}-{display.today(display_zone()).isoformat()}.xlsx"]()
    assert zipfile.ZipFile(io.BytesIO(xlsx)).namelist()  # a workbook
    assert deferred[f"audit-{audit.id}.ics"]().startswith(b"BEGIN:VCALENDAR")
    assert b"BEGIN:VCALENDAR" in deferred["owner.ics"]()
    assert built == Counter(actions_xlsx=1, calendar_ics=2)


def test_the_catalogue_page_builds_the_blank_table_only_when_pressed(store, monkeypatch, deferred):
    import criteria.workbook_export

    calls = []
    original = criteria.workbook_export.export_blank
    monkeypatch.setattr(
        criteria.workbook_export,
        "export_blank",
        lambda *args: calls.append(1) or original(*args),
    )
    at = app("catalogues")
    at.run()
    assert not at.exception
    assert calls == []
    [name] = [n for n in deferred if n.endswith("-自评表.xlsx")]
    assert zipfile.ZipFile(io.BytesIO(deferred[name]())).namelist()
    assert calls == [1]


def test_a_prepared_archive_is_read_only_when_its_download_is_pressed(store, deferred):
    audit = new_audit(store)
    at = app("audits", audit.id)
    at.button(key=f"prep.{audit.id}").click().run()
    at.run()
    assert not at.exception
    archive = deferred[f"gbt27922-audit-{audit.id}-round{audit.round_no}.zip"]()
    assert zipfile.ZipFile(io.BytesIO(archive)).namelist()
