"""Files under Streamlit's /media — the 自评表 of actions, calendars, briefs, the dossier — are
served only to people with a role in their organisation, as evidence is; the id the gate looks
up is the one Streamlit really gives a download button."""

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from app_helpers import app, fresh_app, new_audit
from test_app_auth import client, sign_in

from domain.records import ActionState, Rectification
from scoring import Status
from store.accounts import Accounts
from ui.evidence_media import download_button, media_id, owner_of

PASSWORD = "correct horse battery"


def media_path(url: str) -> str:
    """``/media/<id>.<ext>`` of a download button's address (AppTest serves under its own
    prefix)."""
    return "/media/" + url.rsplit("/", 1)[-1]


@pytest.fixture
def deferred(monkeypatch):
    """The files the page's download buttons make when pressed (deferred): each callable, its
    media type and file name, as the page handed them to Streamlit."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    made: list[tuple[Callable[[], bytes], str, str]] = []
    original = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        made.append((data_callable, mimetype, file_name))
        return original(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return made


def pressed(made: tuple[Callable[[], bytes], str, str]) -> str:
    """The /media path a press serves: Streamlit runs the callable and stores its bytes under
    the id computed from them (the one the gate looks up)."""
    make, mimetype, file_name = made
    return f"/media/{media_id(make(), mimetype, file_name)}.bin"


def test_streamlit_gives_a_download_button_the_id_media_id_computes():
    """The guard on the private function media_id relies on: a Streamlit that computes its ids
    another way fails here, not silently in the gate."""
    from streamlit.testing.v1 import AppTest

    def page():
        import streamlit as st

        st.download_button("a", b"%PDF-1.7 x", file_name="申报材料.pdf", mime="application/pdf")
        st.download_button("b", b"BEGIN:VCALENDAR", file_name="audit-1.ics", mime="text/calendar")
        big = bytes(range(256)) * 5000  # above Streamlit's 1 MiB partial-hash threshold
        st.download_button("c", big, file_name="archive.zip", mime="application/zip")

    at = AppTest.from_function(page).run()
    urls = [b.proto.url for b in at.get("download_button")]
    expected = [
        media_id(b"%PDF-1.7 x", "application/pdf", "申报材料.pdf"),
        media_id(b"BEGIN:VCALENDAR", "text/calendar", "audit-1.ics"),
        media_id(bytes(range(256)) * 5000, "application/zip", "archive.zip"),
    ]
    assert [url.rsplit("/", 1)[-1].split(".", 1)[0] for url in urls] == expected


class Column:
    """Stands in for a Streamlit container: keeps what a download button was given."""

    def download_button(self, label, data, **kwargs):
        self.data, self.kwargs = data, kwargs


def test_a_file_made_on_the_click_is_owned_by_its_organisation_once_it_is_made():
    column = Column()
    download_button(
        column, "PDF", lambda: b"%PDF made now", organisation_id=7, file_name="d.pdf", mime="p/q"
    )
    made_id = media_id(b"%PDF made now", "p/q", "d.pdf")
    assert owner_of(f"/media/{made_id}.pdf") is None  # nothing made, nothing offered yet
    assert column.data() == b"%PDF made now"
    assert owner_of(f"/media/{made_id}.pdf") == 7


@pytest.fixture
def store(monkeypatch, tmp_path):
    return fresh_app(monkeypatch, tmp_path)


def test_the_actions_calendars_and_table_download_only_for_a_role_in_their_organisation(
    store, deferred
):
    audit = new_audit(store)
    other = new_audit(store, name="另一家公司")
    item = store.catalogue(audit.catalogue_hash).items[0].id
    store.save_item(
        audit.id,
        item,
        expected_version=0,
        actor="测试员",
        status=Status.NOT_CONFORMING,
        finding="现场未见记录",
        rectification=Rectification(
            "修订服务制度", "王敏", date.today() + timedelta(days=3), ActionState.OPEN
        ),
    )
    at = app("actions", audit_id=audit.id)
    assert not at.exception
    # the buttons make their files when pressed: the table and the audit's calendar
    paths = [pressed(made) for made in deferred]
    assert len(paths) == 2, [b.proto.label for b in at.get("download_button")]
    assert {owner_of(path) for path in paths} == {audit.organisation_id}
    people = Accounts(store)
    people.add_user("wang", "王", password=PASSWORD, actor="setup")
    people.grant("wang", other.organisation_id, "editor", actor="setup")  # a role elsewhere
    web = client()
    sign_in(web)
    assert [web.get(path).status_code for path in paths] == [403] * len(paths)
    people.grant("wang", audit.organisation_id, "viewer", actor="setup")
    web = client()
    sign_in(web)
    assert [web.get(path).status_code for path in paths] == [200] * len(paths)
