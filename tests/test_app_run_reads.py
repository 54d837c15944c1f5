"""One read of the open audit and its organisation per run: the sidebar and the page show the
same records. Never a stale one: the next run (a colleague's save in between) reads afresh."""

from collections import Counter

import pytest
from app_helpers import app, fresh_app, new_audit, texts

from store.access import GuardedStore


@pytest.fixture
def store(monkeypatch, tmp_path):
    return fresh_app(monkeypatch, tmp_path)


@pytest.mark.parametrize("page", ["checklist", "dashboard", "evidence", "dossier"])
def test_a_run_reads_the_audit_and_its_organisation_once(store, monkeypatch, page):
    audit = new_audit(store)
    at = app(page, audit.id)
    reads: Counter[str] = Counter()
    original = GuardedStore.__getattr__

    def counting(self, name):
        if name in ("audit", "organisation"):
            reads[name] += 1
        return original(self, name)

    monkeypatch.setattr(GuardedStore, "__getattr__", counting)
    at.run()
    assert not at.exception
    assert reads == Counter(audit=1, organisation=1)


def test_the_next_run_shows_a_colleagues_change(store):
    audit = new_audit(store)
    at = app("checklist", audit.id)
    store.update_audit(audit.id, expected_version=audit.version, actor="同事", title="第二次自评")
    at.run()
    assert not at.exception
    assert "第二次自评" in texts(at)
