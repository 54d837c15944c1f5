"""Who may do what: the role table, as data. The README's role table and the table test are
both read from ROLE_ACTIONS, so the three cannot drift apart."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from domain.errors import Refused
from texts import t

# settings/logs.PERMISSIONS, named here: the domain imports nothing but domain and texts
log = logging.getLogger("gbt_audit.permissions")


class Role(StrEnum):
    """A role someone holds in one organisation. ``administrator`` is installation-wide."""

    ADMINISTRATOR = "administrator"
    CONSULTANT = "consultant"
    # a company's own quality manager: runs its audits without a consultant (starts rounds,
    # keeps the company data, closes a round once someone else signed it off)
    QUALITY_MANAGER = "quality_manager"
    EDITOR = "editor"
    REVIEWER = "reviewer"
    VIEWER = "viewer"


class Action(StrEnum):
    READ = "read"  # audits, checklist, dashboard, rounds, dossier, change log
    SCORE = "score"  # item statuses, findings, rectification, special items, audit details
    MANAGE_EVIDENCE = "manage_evidence"  # upload, describe, link, unlink
    EDIT_ORGANISATION = "edit_organisation"  # the application form's company data
    CREATE_ROUND = "create_round"  # start an audit of the organisation
    CLOSE_ROUND = "close_round"  # freeze a signed-off round and open the next
    ARCHIVE = "archive"  # hide an organisation or audit from the lists (and back)
    EXPORT_ARCHIVE = "export_archive"  # an audit as a .zip for another machine
    IMPORT_ARCHIVE = "import_archive"  # a .zip from another machine (a new organisation)
    CREATE_ORGANISATION = "create_organisation"
    SUBMIT_REVIEW = "submit_review"
    RETURN_REVIEW = "return_review"  # back to the editors, with comments
    SIGN_OFF = "sign_off"
    MANAGE_USERS = "manage_users"
    # a body's scoring table or a catalogue file, kept for everyone (catalogues are shared and
    # content-addressed; an audit chooses one when it starts)
    IMPORT_CATALOGUE = "import_catalogue"
    # give an item or an indicator of a round to a colleague, by a date; link an action's
    # free-text owner to an account
    ASSIGN = "assign"
    COMMENT = "comment"  # write in an item's thread (everyone with a role there reads it)
    MY_WORK = "my_work"  # see what is assigned to, owned by or asks for oneself, everywhere
    # one's own personal API tokens, and the read-only API with them (what it reads is READ's);
    # an administrator keeps anyone's tokens
    USE_API = "use_api"


# Actions not about one organisation: permitted when any role the person holds permits them.
GLOBAL_ACTIONS = frozenset(
    {
        Action.CREATE_ORGANISATION,
        Action.IMPORT_ARCHIVE,
        Action.MANAGE_USERS,
        Action.IMPORT_CATALOGUE,
        Action.MY_WORK,
        Action.USE_API,
    }
)

ROLE_ACTIONS: Mapping[Role, frozenset[Action]] = {
    Role.ADMINISTRATOR: frozenset(Action),
    Role.CONSULTANT: frozenset(Action) - {Action.MANAGE_USERS},
    Role.QUALITY_MANAGER: frozenset(
        {
            Action.READ,
            Action.SCORE,
            Action.MANAGE_EVIDENCE,
            Action.EDIT_ORGANISATION,
            Action.CREATE_ROUND,
            Action.CLOSE_ROUND,
            Action.EXPORT_ARCHIVE,
            Action.SUBMIT_REVIEW,
            Action.ASSIGN,
            Action.COMMENT,
            Action.MY_WORK,
            Action.USE_API,
        }
    ),
    Role.EDITOR: frozenset(
        {
            Action.READ,
            Action.SCORE,
            Action.MANAGE_EVIDENCE,
            Action.SUBMIT_REVIEW,
            Action.COMMENT,
            Action.MY_WORK,
            Action.USE_API,
        }
    ),
    Role.REVIEWER: frozenset(
        {
            Action.READ,
            Action.RETURN_REVIEW,
            Action.SIGN_OFF,
            Action.COMMENT,
            Action.MY_WORK,
            Action.USE_API,
        }
    ),
    Role.VIEWER: frozenset({Action.READ, Action.MY_WORK, Action.USE_API}),
}

# Roles granted per organisation (administrator is a property of the account instead).
ORGANISATION_ROLES = (
    Role.CONSULTANT,
    Role.QUALITY_MANAGER,
    Role.EDITOR,
    Role.REVIEWER,
    Role.VIEWER,
)


@dataclass(frozen=True)
class Actor:
    """A signed-in person as the access checks see them: loaded fresh from the store."""

    user_id: int
    login: str
    display_name: str
    administrator: bool = False
    grants: Mapping[int, Role] = field(default_factory=dict)  # organisation id → role

    def roles(self) -> set[Role]:
        return ({Role.ADMINISTRATOR} if self.administrator else set()) | set(self.grants.values())

    def readable_organisations(self) -> set[int] | None:
        """The organisations this person may see; None means every one (administrator)."""
        if self.administrator:
            return None
        return {org for org, role in self.grants.items() if Action.READ in ROLE_ACTIONS[role]}


def permits(actor: Actor, organisation_id: int | None, action: Action) -> bool:
    """Whether ``actor`` may do ``action`` in ``organisation_id`` (None: a global action)."""
    if actor.administrator:
        return True
    if action in GLOBAL_ACTIONS:
        return any(action in ROLE_ACTIONS[role] for role in actor.grants.values())
    if organisation_id is None:
        return False
    role = actor.grants.get(organisation_id)
    return role is not None and action in ROLE_ACTIONS[role]


class NotPermitted(Refused):
    """The person's role does not allow this here; nothing was read or changed. Values: the
    person's ``name``, the ``action`` and, for an organisation's action, ``organisation_id``.
    Its text names the action and the roles that may do it, in the reader's language."""

    @property
    def action(self) -> Action:
        return Action(str(self.values["action"]))

    def text(self, lang: str) -> str:
        roles = [
            r for r in (Role.ADMINISTRATOR, *ORGANISATION_ROLES) if self.action in ROLE_ACTIONS[r]
        ]
        joiner = "、" if lang == "zh" else ", "
        values = dict(self.values)
        values["action"] = t(f"auth.action.{self.action.value}", lang)
        values["roles"] = joiner.join(t(f"auth.role.{r.value}", lang) for r in roles)
        return t(self.code, lang, **values)


def require(actor: Actor, organisation_id: int | None, action: Action) -> None:
    """Refuse (NotPermitted) unless ``actor`` may do ``action`` in ``organisation_id``."""
    if permits(actor, organisation_id, action):
        return
    log.warning(
        "refused: %s (%s) may not %s in organisation %s",
        actor.login,
        actor.display_name,
        action.value,
        organisation_id if organisation_id is not None else "(installation-wide)",
    )
    if organisation_id is None or action in GLOBAL_ACTIONS:
        raise NotPermitted(
            "auth.error.not_permitted_global", name=actor.display_name, action=action.value
        )
    raise NotPermitted(
        "auth.error.not_permitted",
        name=actor.display_name,
        organisation_id=organisation_id,
        action=action.value,
    )


def permits_for_account(actor: Actor, account_id: int, action: Action) -> bool:
    """Whether ``actor`` may do ``action`` for the account ``account_id`` (its API tokens, what
    it reads through them): an administrator for anyone; a person for their own account alone,
    when a role they hold permits the action."""
    if actor.administrator:
        return True
    return bool(actor.user_id) and actor.user_id == account_id and permits(actor, None, action)


def require_for_account(actor: Actor, account_id: int, action: Action) -> None:
    """Refuse (NotPermitted) unless ``actor`` may do ``action`` for the account ``account_id``."""
    if permits_for_account(actor, account_id, action):
        return
    log.warning(
        "refused: %s (%s) may not %s for account %s",
        actor.login,
        actor.display_name,
        action.value,
        account_id,
    )
    raise NotPermitted(
        "auth.error.not_permitted_account",
        name=actor.display_name,
        account_id=account_id,
        action=action.value,
    )


def role_table() -> list[tuple[Action, dict[Role, bool]]]:
    """Every action with the roles that may do it, in declaration order (for the README)."""
    return [(action, {role: action in ROLE_ACTIONS[role] for role in Role}) for action in Action]
