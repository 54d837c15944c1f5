"""The rules a personal API token meets: its label, its expiry, how many an account keeps live,
whose tokens a person may keep (their own; an administrator anyone's), and the shape a token
must have before it is looked up."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from account_helpers import team
from store_helpers import new_store

from domain.api_tokens import (
    MAX_LIVE,
    TokenRefused,
    TokenState,
    check_expiry,
    checked_label,
    plausible,
)
from domain.permissions import NotPermitted
from services import api_tokens
from services.context import Context

DAY = date(2026, 12, 7)


def test_a_label_is_one_line_of_printable_text():
    assert checked_label("  日历   订阅 ") == "日历 订阅"
    for wrong in ("a\nb", "\u202etxt", "x" * 101):
        with pytest.raises(TokenRefused) as refused:
            checked_label(wrong)
        assert refused.value.code == "api_token.label_invalid"


@pytest.mark.parametrize(
    ("expires", "code"),
    [
        (DAY, "api_token.expiry_past"),
        (DAY - timedelta(days=1), "api_token.expiry_past"),
        (date(2032, 1, 1), "api_token.expiry_far"),
    ],
)
def test_an_expiry_is_after_today_and_within_five_years(expires, code):
    with pytest.raises(TokenRefused) as refused:
        check_expiry(expires, DAY)
    assert refused.value.code == code
    check_expiry(DAY + timedelta(days=1), DAY)
    check_expiry(None, DAY)


@pytest.mark.parametrize(
    "token", [None, "", "gbt_", "Bearer gbt_x", "gbt_" + "a" * 200, "gbt_ä", "gbt_a\nb"]
)
def test_only_a_token_shaped_string_is_looked_up(token):
    assert not plausible(token)


def test_a_person_keeps_their_own_tokens_and_an_administrator_anyones(database_url, tmp_path):
    store = new_store(database_url, tmp_path)
    people = team(store)
    editor = Context(people.actor("editor"), store)
    mine = people.accounts.user("editor").id
    made = api_tokens.add_token(editor, mine, today=DAY, label="mine")
    assert made.record.created_by == "编辑王" and made.token not in repr(made)
    consultant = people.accounts.user("consultant").id
    with pytest.raises(NotPermitted):
        api_tokens.add_token(editor, consultant, today=DAY)
    with pytest.raises(NotPermitted):
        api_tokens.revoke_token(Context(people.actor("viewer"), store), made.record.id)
    admin = Context(people.actor("admin"), store)
    assert [r.id for r in api_tokens.tokens(admin, mine)] == [made.record.id]
    revoked = api_tokens.revoke_token(admin, made.record.id)
    assert revoked.state(DAY) is TokenState.REVOKED
    for n in range(MAX_LIVE):
        api_tokens.add_token(editor, mine, today=DAY, label=f"n{n}")
    with pytest.raises(TokenRefused) as refused:
        api_tokens.add_token(editor, mine, today=DAY)
    assert refused.value.code == "api_token.too_many"
    store.engine.dispose()
