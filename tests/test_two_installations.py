"""Two installations on one database and one bucket (the issue's "done when"): evidence added
on one is in the bucket and not on its disk; the other, with its own data folder, verifies it
and exports the dossier with it embedded. And the local default needs no setting at all."""

from __future__ import annotations

import hashlib
import io
from datetime import date

import pytest
from blob_helpers import files_on_disk
from evidence_samples import pdf
from s3_server import client, environment, object_key

from cli.main import main
from domain.records import OrganisationProfile
from dossier.assemble import export_dossier
from store import load_settings, open_store

EVIDENCE = pdf(pages=3)


@pytest.fixture
def installations(tmp_path, database_url, s3_endpoint):
    from s3_server import new_bucket

    bucket = new_bucket(s3_endpoint)
    shared = {"GBT_AUDIT_DATABASE_URL": database_url, **environment(s3_endpoint, bucket)}
    first = {**shared, "GBT_AUDIT_DATA_DIR": str(tmp_path / "first")}
    second = {**shared, "GBT_AUDIT_DATA_DIR": str(tmp_path / "second")}
    return bucket, first, second


def test_evidence_added_on_one_installation_is_verified_and_exported_by_the_other(
    installations, tmp_path, s3_endpoint, monkeypatch, capsys
):
    bucket, first_env, second_env = installations
    first = open_store(load_settings(first_env))
    organisation = first.create_organisation(OrganisationProfile(name="华东家电"), actor="qm")
    audit = first.create_audit(
        organisation.id,
        catalogue_hash=first.catalogues()[0].content_hash,
        title="2026 年度自评",
        audit_date=date(2026, 11, 10),
        assessor="王敏",
        actor="qm",
    )
    record, _ = first.add_evidence(
        organisation.id, "制度.pdf", io.BytesIO(EVIDENCE), title="制度", kind="policy", actor="qm"
    )
    first.link_evidence(audit.id, "1.4.1", record.id, actor="qm")

    sha256 = hashlib.sha256(EVIDENCE).hexdigest()
    stored = client(s3_endpoint).get_object(Bucket=bucket.bucket, Key=object_key(bucket, sha256))
    assert stored["Body"].read() == EVIDENCE
    on_disk = files_on_disk(tmp_path / "first")
    assert [p for p in on_disk if p.suffix != ".db"] == []  # nothing of the evidence stays

    second = open_store(load_settings(second_env))
    assert [c.ok for c in second.verify_evidence()] == [True]
    exported = export_dossier(second, audit.id, tmp_path / "out")
    assert len(exported.report.embedded) == 1 and exported.report.missing == ()
    assert [p for p in files_on_disk(tmp_path / "second") if p.suffix != ".db"] == []

    for name, value in second_env.items():
        monkeypatch.setenv(name, value)
    assert main(["verify"]) == 0
    assert "1 of 1 evidence files are as uploaded" in capsys.readouterr().out


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_with_no_setting_at_all_the_evidence_is_in_the_data_folder(tmp_path, database_url):
    settings = load_settings({"GBT_AUDIT_DATA_DIR": str(tmp_path / "data")})
    assert settings.evidence_s3 is None
    store = open_store(settings)
    organisation = store.create_organisation(OrganisationProfile(name="华东家电"), actor="qm")
    record, _ = store.add_evidence(
        organisation.id, "制度.pdf", io.BytesIO(EVIDENCE), title="制度", kind="policy", actor="qm"
    )
    path = tmp_path / "data" / "evidence" / record.sha256[:2] / record.sha256[2:4] / record.sha256
    assert path.read_bytes() == EVIDENCE


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://bucket/x", "settings.bad_evidence_url.not_s3"),
        ("s3://Bad_Bucket/x", "settings.bad_evidence_url.bad_bucket"),
        ("s3://bucket/../x", "settings.bad_evidence_url.bad_prefix"),
    ],
)
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_bad_evidence_url_is_named_with_its_setting(tmp_path, database_url, url, code):
    from store.config import SettingsError

    with pytest.raises(SettingsError) as refused:
        load_settings({"GBT_AUDIT_DATA_DIR": str(tmp_path), "GBT_AUDIT_EVIDENCE_URL": url})
    assert refused.value.code == code and refused.value.setting == "GBT_AUDIT_EVIDENCE_URL"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_bucket_that_cannot_be_reached_is_named_when_the_store_opens(
    tmp_path, database_url, s3_endpoint
):
    from store.config import SettingsError

    env = {
        "GBT_AUDIT_DATA_DIR": str(tmp_path),
        **environment(s3_endpoint, __import__("s3_server").new_bucket(s3_endpoint)),
        "GBT_AUDIT_EVIDENCE_URL": "s3://no-such-bucket-anywhere/evidence",
    }
    with pytest.raises(SettingsError) as refused:
        open_store(load_settings(env))
    assert refused.value.code == "settings.unusable_evidence_store"
