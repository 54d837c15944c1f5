"""Lists of many organisations degrade per row: one organisation whose records cannot be read
(written by an older version's unchecked import, or damaged) is marked, the others are shown.
The damage is written straight into the database, as such an import left it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from store_helpers import company, test_audit

from cli.main import main
from scoring import Status
from store import open_store
from ui.portfolio_rows import portfolio_rows


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GBT_AUDIT_DATABASE_URL", raising=False)
    from store_helpers import CATALOGUE_TEXT

    store = open_store()
    store.register_catalogue(CATALOGUE_TEXT, "test-catalogue.yaml")
    return store


def two_organisations(store):
    sound = test_audit(store, company(store, name="完好的公司"))
    store.save_item(sound.id, "1.1.1", expected_version=0, actor="qm", status=Status.CONFORMING)
    damaged = test_audit(store, company(store, name="受损的公司"))
    store.save_item(damaged.id, "1.1.1", expected_version=0, actor="qm", status=Status.CONFORMING)
    return sound, damaged


DAMAGE = {
    "status banana": "UPDATE item_assessments SET status = 'banana' WHERE audit_id = :audit",
    "invalid audit state": "UPDATE audits SET state = 'hacked' WHERE id = :audit",
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_the_portfolio_marks_the_broken_organisation_and_shows_the_others(store, damage):
    _, damaged = two_organisations(store)
    with store.engine.begin() as connection:
        connection.execute(text(damage), {"audit": damaged.id})

    rows = portfolio_rows(store, date(2026, 11, 20), "en")

    assert [(r.organisation, r.broken) for r in rows] == [
        ("完好的公司", False),
        ("受损的公司", True),
    ]
    assert rows[0].score == 10 / 100 * 100
    assert rows[1].tier == "records cannot be read"
    assert "not a valid" in rows[1].problem and len(rows[1].problem) <= 250


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_gbt_audit_list_marks_the_broken_organisation_and_lists_the_others(store, damage, capsys):
    sound, damaged = two_organisations(store)
    with store.engine.begin() as connection:
        connection.execute(text(damage), {"audit": damaged.id})

    status = main(["list"])

    out, err = capsys.readouterr()
    assert status == 1
    assert f"audit {sound.id}: round 1 · 2026-11-01 · draft · 10.0" in out
    assert "受损的公司" in out and "⚠" in out and "not a valid" in out
    assert "1 record(s) marked ⚠ cannot be read" in err
    assert "Traceback" not in out + err
