"""One settings list (settings/): every GBT_AUDIT_* variable the project knows is in it, only
it reads them from the environment, and the README's table is the one it generates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import settings as listed
from settings import SETTINGS, SettingsError, readme_table

ROOT = Path(__file__).resolve().parent.parent
NAME = re.compile(r"GBT_AUDIT_[A-Z0-9_]*[A-Z0-9](?![A-Z0-9_*])")  # not a prefix: GBT_AUDIT_SMTP_*
READ = re.compile(r"""(?:environ\.get|getenv|env\.get)\(\s*["']GBT_AUDIT_""")


def _project_files() -> list[Path]:
    skipped = {".venv", ".git", ".mypy_cache", "build", "gbt_audit.egg-info"}
    return [
        p
        for p in ROOT.rglob("*")
        if p.suffix in {".py", ".md", ".sh", ".toml", ".yaml"}
        and not skipped.intersection(p.relative_to(ROOT).parts)
    ]


def test_the_readme_table_is_the_one_the_list_generates():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_table() in readme


def test_every_variable_named_anywhere_is_in_the_list():
    listed_names = {s.name for s in SETTINGS}
    named = {
        name
        for path in _project_files()
        for name in NAME.findall(path.read_text(encoding="utf-8", errors="replace"))
    }
    assert named - listed_names == set()
    assert len(listed_names) == len(SETTINGS)  # each once


def test_only_the_list_reads_them_from_the_environment():
    readers = [
        str(path.relative_to(ROOT))
        for path in _project_files()
        if path.suffix == ".py"
        and path.parent.name != "settings"
        and READ.search(path.read_text(encoding="utf-8"))
    ]
    assert readers == []


def test_a_derived_default_gives_way_to_a_value_set():
    assert listed.SMTP_PORT.read({}, default="25") == 25
    assert listed.SMTP_PORT.read({"GBT_AUDIT_SMTP_PORT": "2525"}, default="25") == 2525
    assert listed.SMTP_STARTTLS.read({}) is True  # its own default
    assert listed.MAX_UPLOAD_MB.read({"GBT_AUDIT_MAX_UPLOAD_MB": ""}) == 50  # empty is unset


@pytest.mark.parametrize(
    ("setting", "raw", "code"),
    [
        (listed.MAX_UPLOAD_MB, "nan", "settings.out_of_range"),
        (listed.IDLE_MINUTES, "inf", "settings.out_of_range"),
        (listed.SESSION_HOURS, "0", "settings.out_of_range"),
        (listed.SECURE_COOKIE, "maybe", "settings.not_a_flag"),
        (listed.SINGLE_PERSON_SIGN_OFF, "2", "settings.not_a_flag"),
        (listed.TRUSTED_PROXIES, "10.0.0.0/8, proxy", "settings.not_an_address"),
        (listed.PUBLIC_ORIGIN, "https://audit.example.cn/app", "settings.not_an_origin"),
        (listed.TIME_ZONE, "Mars/Olympus", "settings.bad_time_zone"),
        (listed.TIME_ZONE, "../etc/passwd", "settings.bad_time_zone"),
        (listed.SMTP_PORT, "70000", "mail.setting_invalid"),
        (listed.SMTP_STARTTLS, "maybe", "mail.setting_invalid"),
        (listed.DATABASE_URL, "mysql://x@y/z", "settings.unsupported_database"),
    ],
)
def test_a_value_that_cannot_be_used_is_refused_naming_the_variable(setting, raw, code, caplog):
    with pytest.raises(SettingsError) as refused:
        setting.read({setting.name: raw})
    assert (refused.value.code, refused.value.setting) == (code, setting.name)
    logged = [r for r in caplog.records if r.name == "gbt_audit.settings"]
    assert len(logged) == 1 and setting.name in logged[0].getMessage()  # once, on the server
