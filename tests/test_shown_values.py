"""Every value a person reads is written one way (scoring/display.py): dates, times in the
organisation's zone, file sizes and the empty value, beside the scores tested in test_display."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from evidence import format_bytes
from scoring import display
from store.config import SettingsError, display_zone

SHANGHAI = display.zone("Asia/Shanghai")


def test_a_time_is_shown_in_the_organisations_zone_not_in_utc():
    # saved at 23:30 UTC on New Year's Eve: in Shanghai it is already the next morning
    saved = datetime(2025, 12, 31, 23, 30, 5, tzinfo=UTC)
    assert display.moment(saved, SHANGHAI) == "2026-01-01 07:30"
    assert display.moment(saved, SHANGHAI, seconds=True) == "2026-01-01 07:30:05"
    assert display.clock(saved, SHANGHAI) == "07:30:05"
    # SQLite hands back naive values: they were stored as UTC
    assert display.moment(saved.replace(tzinfo=None), SHANGHAI) == "2026-01-01 07:30"
    assert display.moment(saved, display.zone("Europe/Berlin")) == "2026-01-01 00:30"


def test_the_zone_is_named_once_in_each_language():
    assert display.zone_note(SHANGHAI, "zh") == "时间均为 Asia/Shanghai 时间（UTC+08:00）"
    assert display.zone_note(SHANGHAI, "en") == "Times are in Asia/Shanghai (UTC+08:00)"
    assert display.utc_offset(timezone(timedelta(hours=-3, minutes=-30))) == "UTC-03:30"


def test_today_is_the_organisations_day():
    assert display.today(SHANGHAI) == datetime.now(UTC).astimezone(SHANGHAI).date()


def test_dates_and_the_empty_value():
    assert display.day(date(2026, 3, 8)) == "2026-03-08"
    assert display.cn_day(date(2026, 3, 8)) == "2026年3月8日"
    assert display.day(None) == display.cn_day(None) == display.EMPTY == "—"
    assert display.moment(None, SHANGHAI) == display.score_or_empty(None) == display.EMPTY
    assert display.percent(None) == display.EMPTY


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (0, "0 B"),
        (999, "999 B"),
        (1024, "1 KiB"),
        (12_800, "12.5 KiB"),
        (50 << 20, "50 MiB"),
        (3_400_000, "3.2 MiB"),
        (5 << 30, "5 GiB"),
        (None, "—"),
    ],
)
def test_file_sizes_have_one_convention_in_the_app_and_the_pdf(size, shown):
    """The app showed MiB and the PDF MB for the same file; both are binary, named by IEC."""
    from dossier.numbers import file_size_text

    assert display.file_size(size) == shown
    if size is not None:
        assert format_bytes(size) == file_size_text(size) == shown


def test_the_time_zone_setting_is_checked():
    assert display_zone({}).key == "Asia/Shanghai"
    assert display_zone({"GBT_AUDIT_TIME_ZONE": "Europe/Berlin"}).key == "Europe/Berlin"
    for bad in ("Mars/Olympus", "../../etc/passwd", "/etc/localtime"):
        with pytest.raises(SettingsError) as refused:
            display_zone({"GBT_AUDIT_TIME_ZONE": bad})
        assert refused.value.code == "settings.bad_time_zone"
