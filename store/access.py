"""The store as one signed-in person may use it. ``GuardedStore(store, actor)`` offers the
store's methods; each checks the person's role in the organisation concerned before it runs,
writes record the person's display name and account (id and login) in the change log (whatever
name a caller passes), and lists show only what the person may read. A method not in ``RULES``
is not offered at all, so a new store method stays closed until someone decides who may call it
(a test checks this).

The command line keeps using the bare store: it is the administrator's local tool."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from domain.permissions import Action, Actor, permits, require
from store.acting import acting_as
from store.repository import AuditStore
from store.review import require_signed_off, withdraw_if_changed
from store.uow import UnitOfWork

# Where a call's organisation comes from: the id it is about (its first argument) names an
# organisation, an audit, an evidence document, a request for evidence or a special deduction.
Locate = Callable[[AuditStore, Any], int]


def _organisation(store: AuditStore, key: Any) -> int:
    return store.organisation(key).id


def _audit(store: AuditStore, key: Any) -> int:
    return store.audit(key).organisation_id


def _evidence(store: AuditStore, key: Any) -> int:
    return store.evidence(key).organisation_id


def _request(store: AuditStore, key: Any) -> int:
    return store.evidence_request(key).organisation_id


def _deduction(store: AuditStore, key: Any) -> int:
    with UnitOfWork(store, write=False) as uow:
        return uow.rounds.get(uow.rounds.of_deduction(key)).organisation_id


@dataclass(frozen=True)
class Rule:
    action: Action
    locate: Locate
    changes_audit: bool = False  # a change to a round's content: withdraws its sign-off


A, R, S, E, _r = Action, Action.READ, Action.SCORE, Action.MANAGE_EVIDENCE, Rule
RULES: dict[str, Rule] = {
    # reading
    "organisation": _r(R, _organisation),
    "evidence_library": _r(R, _organisation),
    "latest_tiers": _r(R, _organisation),
    "audit": _r(R, _audit),
    "items": _r(R, _audit),
    "item": _r(R, _audit),
    "deductions": _r(R, _audit),
    "bonus": _r(R, _audit),
    "audit_input": _r(R, _audit),
    "score": _r(R, _audit),
    "result": _r(R, _audit),
    "round_result": _r(R, _audit),
    "preview_catalogue_move": _r(R, _audit),
    "evidence_links": _r(R, _audit),
    "evidence": _r(R, _evidence),
    "items_supported_by": _r(R, _evidence),
    "evidence_content": _r(R, _evidence),
    "evidence_revisions": _r(R, _evidence),
    "evidence_requests": _r(R, _audit),
    "evidence_request": _r(R, _request),
    # changing a round's entries
    "update_audit": _r(S, _audit, changes_audit=True),
    "save_item": _r(S, _audit, changes_audit=True),
    "add_deduction": _r(S, _audit, changes_audit=True),
    "update_deduction": _r(S, _deduction, changes_audit=True),
    "remove_deduction": _r(S, _deduction, changes_audit=True),
    "set_bonus": _r(S, _audit, changes_audit=True),
    "link_evidence": _r(E, _audit, changes_audit=True),
    "unlink_evidence": _r(E, _audit, changes_audit=True),
    "add_evidence": _r(E, _organisation),
    "update_evidence": _r(E, _evidence),
    "replace_evidence": _r(E, _evidence),
    "remove_evidence": _r(E, _evidence),
    # asking for evidence is part of scoring a round; answering it is managing evidence
    "request_evidence": _r(S, _audit),
    "update_evidence_request": _r(S, _request),
    # organisations and rounds
    "update_organisation": _r(A.EDIT_ORGANISATION, _organisation),
    "set_organisation_archived": _r(A.ARCHIVE, _organisation),
    "create_audit": _r(A.CREATE_ROUND, _organisation),
    "set_audit_archived": _r(A.ARCHIVE, _audit),
}
# the store's public methods the facade implements itself (filtered lists, checked closing...)
OWN = frozenset(
    {
        "organisations",
        "audits",
        "changes",
        "compare",
        "catalogue",
        "catalogues",
        "register_catalogue",
        "remembered_columns",
        "remember_columns",
        "verify_evidence",
        "verify_change_log",
        "collect_garbage",
        "close_round",
        "move_to_catalogue",
        "transaction",
    }
)
# the store's public methods a signed-in person reaches only through a service (services/): the
# guard does not offer them
THROUGH_SERVICES = frozenset({"create_organisation"})
PASSED_THROUGH = frozenset({"blobs", "upload_policy"})  # reached only through checked records


def _acting(method: Callable[..., Any]) -> Callable[..., Any]:
    """The change-log lines the method writes record the signed-in account."""

    @functools.wraps(method)
    def acting(self: GuardedStore, *args: Any, **kwargs: Any) -> Any:
        with acting_as(self.actor.user_id, self.actor.login):
            return method(self, *args, **kwargs)

    return acting


class GuardedStore:
    def __init__(self, store: AuditStore, actor: Actor) -> None:
        self._store = store
        self.actor = actor

    def __getattr__(self, name: str) -> Any:
        if name in PASSED_THROUGH:
            return getattr(self._store, name)
        rule = RULES.get(name)
        if rule is None:
            raise AttributeError(f"the guarded store offers no {name!r}")
        method = getattr(self._store, name)

        def guarded(*args: Any, **kwargs: Any) -> Any:
            # the check, the change and the sign-off it withdraws: one transaction, recorded
            # in the change log with the acting account
            with (
                acting_as(self.actor.user_id, self.actor.login),
                UnitOfWork(self._store, write=rule.action is not Action.READ) as uow,
            ):
                key = _first_argument(method, args, kwargs)
                require(self.actor, rule.locate(self._store, key), rule.action)
                if "actor" in kwargs:
                    kwargs["actor"] = self.actor.display_name
                audit_id = None
                if rule.changes_audit:
                    audit_id = key if rule.locate is _audit else uow.rounds.of_deduction(key)
                outcome = method(*args, **kwargs)
                if audit_id is not None:
                    withdraw_if_changed(uow, audit_id, self.actor.display_name)
                return outcome

        guarded.__name__ = name
        return guarded

    def transaction(self, what: str) -> Any:
        """One transaction around several calls; each call inside is still checked."""
        return self._store.transaction(what)

    # -- lists: only what may be read ------------------------------------------------------

    def _readable(self, organisation_id: int) -> bool:
        return permits(self.actor, organisation_id, Action.READ)

    def organisations(self, *, include_archived: bool = False) -> list[Any]:
        return [
            o
            for o in self._store.organisations(include_archived=include_archived)
            if self._readable(o.id)
        ]

    def audits(
        self, organisation_id: int | None = None, *, include_archived: bool = False
    ) -> list[Any]:
        if organisation_id is not None:
            require(self.actor, organisation_id, Action.READ)
        return [
            a
            for a in self._store.audits(organisation_id, include_archived=include_archived)
            if self._readable(a.organisation_id)
        ]

    def changes(
        self,
        *,
        audit_id: int | None = None,
        organisation_id: int | None = None,
        limit: int | None = None,
    ) -> list[Any]:
        if audit_id is not None:
            require(self.actor, self._store.audit(audit_id).organisation_id, Action.READ)
        elif organisation_id is not None:
            require(self.actor, organisation_id, Action.READ)
        elif not self.actor.administrator:
            require(self.actor, None, Action.MANAGE_USERS)  # the whole log: administrators
        return self._store.changes(audit_id=audit_id, organisation_id=organisation_id, limit=limit)

    def compare(self, before_id: int, after_id: int) -> Any:
        for audit_id in (before_id, after_id):
            require(self.actor, self._store.audit(audit_id).organisation_id, Action.READ)
        return self._store.compare(before_id, after_id)

    # -- the catalogue is the same for everyone; adding one is an administrator's task ----

    def catalogue(self, content_hash: str) -> Any:
        return self._store.catalogue(content_hash)

    def catalogues(self) -> list[Any]:
        return self._store.catalogues()

    def register_catalogue(self, text: str, source: str = "<text>") -> Any:
        require(self.actor, None, Action.IMPORT_CATALOGUE)
        return self._store.register_catalogue(text, source)

    def remembered_columns(self, layout_key: str) -> dict[str, int] | None:
        require(self.actor, None, Action.IMPORT_CATALOGUE)
        return self._store.remembered_columns(layout_key)

    @_acting
    def remember_columns(self, layout_key: str, columns: dict[str, int], actor: str) -> None:
        require(self.actor, None, Action.IMPORT_CATALOGUE)
        self._store.remember_columns(layout_key, columns, actor)

    def verify_evidence(self, organisation_id: int | None = None) -> list[Any]:
        if organisation_id is None:
            require(self.actor, None, Action.MANAGE_USERS)
        else:
            require(self.actor, organisation_id, Action.READ)
        return self._store.verify_evidence(organisation_id)

    def verify_change_log(self) -> Any:
        require(self.actor, None, Action.MANAGE_USERS)  # the whole log: administrators
        return self._store.verify_change_log()

    @_acting
    def collect_garbage(self, *args: Any, **kwargs: Any) -> Any:
        """Acts on every organisation's files: administrators only."""
        require(self.actor, None, Action.MANAGE_USERS)
        return self._store.collect_garbage(*args, **kwargs)

    # -- creating an organisation; closing a round; archives -------------------------------

    def close_round(self, audit_id: int, **kwargs: Any) -> Any:
        """Only a round whose sign-off holds can be closed."""
        with UnitOfWork(self._store) as uow:
            require(self.actor, uow.rounds.get(audit_id).organisation_id, Action.CLOSE_ROUND)
            require_signed_off(uow, audit_id)
            kwargs["actor"] = self.actor.display_name
            return self._store.close_round(audit_id, **kwargs)

    @_acting
    def move_to_catalogue(self, audit_id: int, target_hash: str, **kwargs: Any) -> Any:
        """Moving freezes the round as closing does: the same role, and the sign-off must hold."""
        with UnitOfWork(self._store) as uow:
            require(self.actor, uow.rounds.get(audit_id).organisation_id, Action.CLOSE_ROUND)
            require_signed_off(uow, audit_id)
            kwargs["actor"] = self.actor.display_name
            return self._store.move_to_catalogue(audit_id, target_hash, **kwargs)

    def export_archive(self, audit_id: int, destination: Path) -> Path:
        from store.archive import export_audit

        require(self.actor, self._store.audit(audit_id).organisation_id, Action.EXPORT_ARCHIVE)
        return export_audit(self._store, audit_id, destination)

    @_acting
    def import_archive(self, source: Path) -> Any:
        from store.archive import import_archive

        require(self.actor, None, Action.IMPORT_ARCHIVE)
        return import_archive(self._store, source, actor=self.actor.display_name)


def _first_argument(
    method: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """The call's first argument (the id it is about), given by position or by name."""
    bound = inspect.signature(method).bind_partial(*args, **kwargs).arguments
    return next(iter(bound.values()))


def bare(store: AuditStore | GuardedStore) -> AuditStore:
    """The store under a guard, to open a unit of work on (the guard still checks each call)."""
    return store._store if isinstance(store, GuardedStore) else store
