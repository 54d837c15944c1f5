"""The role table: what each role may do, as the README states it. Every row is one rule."""

import pytest

from domain.permissions import (
    GLOBAL_ACTIONS,
    ROLE_ACTIONS,
    Action,
    Actor,
    Role,
    permits,
    permits_for_account,
    role_table,
)

Y, N = True, False
# action               admin consultant quality_manager editor reviewer viewer
EXPECTED = {
    Action.READ: (Y, Y, Y, Y, Y, Y),
    Action.SCORE: (Y, Y, Y, Y, N, N),
    Action.MANAGE_EVIDENCE: (Y, Y, Y, Y, N, N),
    Action.EDIT_ORGANISATION: (Y, Y, Y, N, N, N),
    Action.CREATE_ROUND: (Y, Y, Y, N, N, N),
    Action.CLOSE_ROUND: (Y, Y, Y, N, N, N),
    Action.ARCHIVE: (Y, Y, N, N, N, N),
    Action.EXPORT_ARCHIVE: (Y, Y, Y, N, N, N),
    Action.IMPORT_ARCHIVE: (Y, Y, N, N, N, N),
    Action.CREATE_ORGANISATION: (Y, Y, N, N, N, N),
    Action.SUBMIT_REVIEW: (Y, Y, Y, Y, N, N),
    Action.RETURN_REVIEW: (Y, Y, N, N, Y, N),
    Action.SIGN_OFF: (Y, Y, N, N, Y, N),
    Action.MANAGE_USERS: (Y, N, N, N, N, N),
    Action.IMPORT_CATALOGUE: (Y, Y, N, N, N, N),
    Action.ASSIGN: (Y, Y, Y, N, N, N),
    Action.COMMENT: (Y, Y, Y, Y, Y, N),
    Action.MY_WORK: (Y, Y, Y, Y, Y, Y),
    Action.USE_API: (Y, Y, Y, Y, Y, Y),  # one's own tokens (an administrator's: anyone's)
}
ROLES = (
    Role.ADMINISTRATOR,
    Role.CONSULTANT,
    Role.QUALITY_MANAGER,
    Role.EDITOR,
    Role.REVIEWER,
    Role.VIEWER,
)
ORG, OTHER = 1, 2


def holder(role: Role) -> Actor:
    if role is Role.ADMINISTRATOR:
        return Actor(1, "admin", "Admin", administrator=True)
    return Actor(2, role.value, role.value, grants={ORG: role})


CASES = [
    (role, action, expected)
    for action, row in EXPECTED.items()
    for role, expected in zip(ROLES, row, strict=True)
]


@pytest.mark.parametrize(("role", "action", "expected"), CASES)
def test_each_role_may_do_exactly_its_actions_in_its_own_organisation(role, action, expected):
    assert permits(holder(role), ORG, action) is expected


@pytest.mark.parametrize("role", [r for r in ROLES if r is not Role.ADMINISTRATOR])
@pytest.mark.parametrize(
    "action",
    [a for a in Action if a not in GLOBAL_ACTIONS],
)
def test_a_role_in_one_organisation_gives_nothing_in_another(role, action):
    assert not permits(holder(role), OTHER, action)


def test_the_table_covers_every_action_and_the_data_says_the_same():
    assert set(EXPECTED) == set(Action)
    for action, row in role_table():
        assert tuple(row[role] for role in ROLES) == EXPECTED[action]
    assert set(ROLE_ACTIONS) == set(Role)


def test_the_readme_role_table_is_the_data():
    from pathlib import Path

    from domain.role_table import markdown_table

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme


@pytest.mark.parametrize("role", ROLES)
def test_api_tokens_are_a_persons_own_and_an_administrators_for_anyone(role):
    person = holder(role)
    assert permits_for_account(person, person.user_id, Action.USE_API)
    assert permits_for_account(person, 99, Action.USE_API) is (role is Role.ADMINISTRATOR)


def test_an_account_without_any_role_keeps_no_tokens_not_even_its_own():
    nobody = Actor(5, "nobody", "Nobody")
    assert not permits_for_account(nobody, 5, Action.USE_API)
    assert not permits_for_account(Actor(0, "", "cli"), 0, Action.USE_API)  # user id 0: none
