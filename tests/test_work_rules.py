"""Rules of assignments and comments as plain functions: who a comment @mentions, how long its
author may change it, what a comment may hold."""

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.work import (
    EDIT_WINDOW,
    Comment,
    Member,
    WorkRefused,
    check_edit,
    checked_body,
    is_late,
    may_edit,
    mentioned,
    unknown_mentions,
)

WANG = Member(1, "wang", "王工")
WANG_LONG = Member(2, "wangl", "王工程师")
LI = Member(3, "li.na", "Li Na")
PEOPLE = (WANG, WANG_LONG, LI)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("@王工，请补充三包记录", (1,)),
        ("请@王工程师 看一下", (2,)),  # the longest name that ends there
        ("@WANG please", (1,)),  # a login, case-folded
        ("@Li Na and @wangl.", (3, 2)),  # a display name with a space; in order
        ("@王工 @王工 again", (1,)),  # once
        ("send it to zhang@wang.example", ()),  # an e-mail address mentions no one
        ("@王工作组 is not 王工", ()),  # a name must end where the mention ends
        ("no mention", ()),
    ],
)
def test_a_comment_mentions_accounts_by_login_or_display_name(body, expected):
    assert mentioned(body, PEOPLE) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("@不存在的人 请看", ("不存在的人",)),
        ("@王工，@张三。@张三", ("张三",)),  # a known name is no unknown one; each once
        ("@王工作组 is not 王工", ("王工作组",)),
        ("@wang，@zhao!", ("zhao",)),  # a login is known; the word ends at punctuation
        ("send it to zhang@wang.example", ()),  # an e-mail address mentions no one
        ("a lone @ or @。", ()),  # nothing after it names nobody
    ],
)
def test_a_mention_that_names_nobody_is_found_to_tell_its_writer(body, expected):
    assert unknown_mentions(body, PEOPLE) == expected


def _comment(author_id, at):
    return Comment(1, 1, 1, "1.1.1", author_id, "王工", "wang", "text", at, None, 1)


def test_only_its_author_may_change_a_comment_and_only_within_the_window():
    written = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    comment = _comment(1, written)
    assert may_edit(comment, 1, written + EDIT_WINDOW)
    assert not may_edit(comment, 1, written + EDIT_WINDOW + timedelta(seconds=1))
    assert not may_edit(comment, 2, written)
    with pytest.raises(WorkRefused) as late:
        check_edit(comment, 1, written + EDIT_WINDOW + timedelta(minutes=1))
    assert late.value.code == "work.error.edit_window_over"
    assert late.value.values == {"minutes": 15}
    with pytest.raises(WorkRefused) as other:
        check_edit(comment, 2, written)
    assert other.value.code == "work.error.not_author"


def test_a_comment_is_trimmed_and_neither_empty_nor_too_long():
    assert checked_body("  **看** <b>这里</b>\n") == "**看** <b>这里</b>"  # kept as typed
    with pytest.raises(WorkRefused) as empty:
        checked_body(" \n ")
    assert empty.value.code == "work.error.empty_comment"
    with pytest.raises(WorkRefused) as long:
        checked_body("字" * 4001)
    assert long.value.code == "work.error.comment_too_long"


def test_a_date_is_late_the_day_after_it():
    assert not is_late(date(2026, 12, 7), date(2026, 12, 7))
    assert is_late(date(2026, 12, 6), date(2026, 12, 7))
    assert not is_late(None, date(2026, 12, 7))
