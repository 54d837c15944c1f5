"""The menu shows each person only the pages their roles can use (issue 25: a viewer saw the
consultant's section)."""

from __future__ import annotations

from domain.permissions import Actor, Role
from ui.menu import menu


def pages(actor: Actor | None) -> dict[str, list[str]]:
    return {section: [e.path for e in entries] for section, entries in menu(actor).items()}


def person(*roles: Role, administrator: bool = False) -> Actor:
    return Actor(
        user_id=7,
        login="p",
        display_name="某人",
        administrator=administrator,
        grants={n: role for n, role in enumerate(roles, start=1)},
    )


def test_a_viewer_sees_the_audit_and_their_own_tokens_but_no_consultant_section():
    shown = pages(person(Role.VIEWER))
    assert "nav.group_consultant" not in shown
    assert "my_work" in shown["nav.group_audit"]
    assert shown["nav.group_account"] == ["my_tokens"]


def test_an_editor_a_reviewer_and_a_quality_manager_see_no_consultant_section():
    for role in (Role.EDITOR, Role.REVIEWER, Role.QUALITY_MANAGER):
        assert "nav.group_consultant" not in pages(person(role)), role


def test_a_consultant_somewhere_sees_the_portfolio_and_catalogues_but_not_users():
    shown = pages(person(Role.VIEWER, Role.CONSULTANT))
    assert shown["nav.group_consultant"] == ["portfolio", "catalogues"]


def test_an_administrator_sees_every_page():
    shown = pages(person(administrator=True))
    assert shown["nav.group_consultant"] == ["portfolio", "catalogues", "users"]
    assert shown["nav.group_account"] == ["my_tokens"]


def test_someone_with_no_role_anywhere_sees_the_audit_pages_only():
    # they can make no token (the page would say so); the audit pages say there is nothing yet
    assert list(pages(person())) == ["nav.group_audit"]


def test_signed_out_every_page_is_known_so_a_pasted_address_survives_the_sign_in():
    shown = pages(None)
    every = [path for paths in shown.values() for path in paths]
    assert {"users", "my_tokens", "portfolio", "checklist"} <= set(every)
