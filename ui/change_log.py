"""The change log in the reader's language: the store records stable codes
(``item 1.3.2`` / ``status`` / ``not_conforming``); these functions turn them into labels.
A code this module does not know is shown as recorded, never hidden."""

from __future__ import annotations

import re

from domain.records import ActionState, AuditState
from scoring import Status
from texts import keys, t

_ENTITY = re.compile(r"^(item|special deduction|evidence) #?(\S+)$")
_ENTITY_KEYS = {
    "item": "log.item",
    "special deduction": "log.deduction",
    "evidence": "log.evidence",
}
_STATUSES = {s.value for s in Status}
_ACTION_STATES = {s.value for s in ActionState}
_AUDIT_STATES = {s.value for s in AuditState}


def entity_label(entity: str, lang: str) -> str:
    match = _ENTITY.match(entity)
    if match:
        return t(_ENTITY_KEYS[match[1]], lang, id=match[2])
    key = f"log.entity.{entity.replace(' ', '_')}"
    return t(key, lang) if key in keys() else entity


def field_label(field: str, lang: str) -> str:
    key = f"log.field.{field}"
    return t(key, lang) if key in keys() else field


def value_label(field: str, value: str | None, lang: str) -> str:
    if not value:
        return ""
    if field == "status" and value in _STATUSES:
        return t(f"status.{value}", lang)
    if field == "state" and value in _AUDIT_STATES:
        return t(f"state.{value}", lang)
    if field == "rectification":
        parts = value.split(" | ")
        if len(parts) == 4 and parts[3] in _ACTION_STATES:
            parts[3] = t(f"action.{parts[3]}", lang)
            return " | ".join(parts)
    return value
