"""``gbt-audit certificate``: a consultant's script records the certificate and the
surveillances held, and reads the certificate's status on a day as JSON."""

import json
from datetime import date

import pytest
from account_helpers import cli_administrator

from cli.main import main
from domain.records import OrganisationProfile
from services import certification
from services.context import Context
from store import open_store
from texts import t


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GBT_AUDIT_DATABASE_URL", raising=False)
    store = open_store()
    cli_administrator(store, monkeypatch)
    return store


@pytest.fixture
def organisation(store):
    organisation = store.create_organisation(
        OrganisationProfile(name="华东家电连锁有限公司"), actor="qm"
    )
    store.create_audit(
        organisation.id,
        catalogue_hash=store.catalogues()[0].content_hash,
        title="2028 年度自评",
        audit_date=date(2028, 1, 10),
        assessor="王敏",
        actor="qm",
    )
    return organisation


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def status(capsys, org_id, on):
    code, out, err = run(capsys, "certificate", "status", org_id, "--on", on, "--json")
    assert code == 0, err
    return json.loads(out)


def test_a_script_records_a_certificate_a_late_surveillance_and_reads_the_status(
    capsys, organisation
):
    code, out, err = run(
        capsys,
        "certificate", "add", organisation.id,
        "--body", "中国质量认证中心", "--number", "CQC-SS-2028-0042",
        "--tier", "four_star", "--issued", "2028-02-29",
    )  # fmt: skip
    assert code == 0, err
    assert "2031-02-28" in out

    overdue = status(capsys, organisation.id, "2029-07-01")
    assert (overdue["valid_until"], overdue["state"]) == ("2031-02-28", "at_risk")
    assert [(e["kind"], e["number"], e["state"]) for e in overdue["events"]] == [
        ("surveillance", 1, "overdue"),
        ("surveillance", 2, "upcoming"),
        ("renewal", 1, "upcoming"),
    ]
    assert overdue["events"][0]["due"] == "2029-02-28"
    assert overdue["events"][0]["held_on"] is None
    assert overdue["tier"] == "四星级"

    code, out, err = run(capsys, "certificate", "record", organisation.id, "--on", "2029-10-15")
    assert code == 0, err
    assert t("cycle.surveillance", "zh", n=1) in out  # by its certificate year, however late

    held = status(capsys, organisation.id, "2029-10-15")
    assert held["state"] == "valid"
    first, second, _ = held["events"]
    assert (first["state"], first["held_on"]) == ("held", "2029-10-15")
    assert second["state"] == "upcoming"


def test_a_surveillance_that_changes_the_tier_is_recorded_with_its_new_tier(capsys, organisation):
    run(capsys, "certificate", "add", organisation.id, "--body", "机构", "--number", "N-1",
        "--tier", "three_star", "--issued", "2026-12-31")  # fmt: skip
    code, _, err = run(
        capsys, "certificate", "record", organisation.id, "--on", "2027-12-01", "--tier", "四星级"
    )
    assert code == 0, err
    data = status(capsys, organisation.id, "2027-12-02")
    assert (data["valid_until"], data["tier"]) == ("2029-12-30", "四星级")
    assert data["events"][0]["result"] == "changed"


def test_the_text_status_names_the_state_and_every_event(capsys, organisation):
    run(capsys, "certificate", "add", organisation.id, "--body", "机构", "--number", "N-1",
        "--tier", "three_star", "--issued", "2026-12-31")  # fmt: skip
    code, out, _ = run(
        capsys, "certificate", "status", organisation.id, "--on", "2028-01-05", "--lang", "en"
    )
    assert code == 0
    assert "2029-12-30" in out and t("cycle.state.at_risk", "en") in out
    assert t("cycle.event.overdue", "en") in out and t("cycle.renewal", "en") in out


def test_refusals_name_what_is_wrong_and_save_nothing(capsys, store, organisation):
    code, _, err = run(
        capsys, "certificate", "add", organisation.id, "--body", "机构", "--number", "N-1",
        "--tier", "six_star", "--issued", "2026-12-31",
    )  # fmt: skip
    assert code == 1 and "six_star" in err and "four_star" in err
    assert (
        certification.certificates(Context.local_administrator(store, "qm"), organisation.id) == []
    )

    code, _, err = run(capsys, "certificate", "status", organisation.id, "--lang", "en")
    assert code == 1 and t("cycle.no_certificate", "en") in err

    run(capsys, "certificate", "add", organisation.id, "--body", "机构", "--number", "N-1",
        "--tier", "three_star", "--issued", "2026-12-31")  # fmt: skip
    code, _, err = run(
        capsys, "certificate", "record", organisation.id, "--on", "2030-01-01", "--lang", "en"
    )
    assert code == 1
    assert t("cycle.outside_validity", "en", on="2030-01-01", issued="2026-12-31",
             until="2029-12-30") in err  # fmt: skip
    run(capsys, "certificate", "record", organisation.id, "--on", "2027-12-01")
    code, _, err = run(
        capsys, "certificate", "record", organisation.id, "--on", "2027-12-01", "--lang", "en"
    )
    assert code == 1 and t("cycle.already_held", "en", on="2027-12-01") in err
    assert (
        len(
            certification.current_certificate(
                Context.local_administrator(store, "qm"), organisation.id
            ).held
        )
        == 1
    )

    code, _, err = run(
        capsys, "certificate", "status", organisation.id, "--window", "9999", "--lang", "en"
    )
    assert code == 1 and t("cycle.bad_window", "en", value=9999, limit=366) in err


def test_a_bad_date_or_an_unknown_organisation_is_refused(capsys, organisation):
    with pytest.raises(SystemExit) as usage:
        main(["certificate", "status", str(organisation.id), "--on", "2029-02-30"])
    assert usage.value.code == 2
    assert "2029-02-30" in capsys.readouterr().err
    code, _, err = run(capsys, "certificate", "status", 999)
    assert code == 1 and "999" in err


def test_an_extra_surveillance_in_a_covered_year_is_recorded_as_that_years(capsys, organisation):
    run(capsys, "certificate", "add", organisation.id, "--body", "机构", "--number", "N-1",
        "--tier", "three_star", "--issued", "2026-12-31")  # fmt: skip
    for day in ("2027-06-01", "2027-09-01"):  # the second is early for year 2: it is year 1's
        code, out, err = run(capsys, "certificate", "record", organisation.id, "--on", day)
        assert code == 0, err
    assert t("cycle.surveillance", "zh", n=1) in out
    code, out, err = run(capsys, "certificate", "record", organisation.id, "--on", "2027-10-01")
    assert code == 0, err
    assert t("cycle.surveillance", "zh", n=1) in out  # year 1 covered twice: still year 1
    data = status(capsys, organisation.id, "2028-01-05")
    assert [e["state"] for e in data["events"]] == ["held", "upcoming", "upcoming"]
