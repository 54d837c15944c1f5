"""The change log in the reader's language: the store records stable codes
(``item 1.3.2`` / ``status`` / ``not_conforming``); these functions turn them into labels.
A code this module does not know is shown as recorded, never hidden."""

from __future__ import annotations

import re

from criteria import Catalogue
from domain.records import ActionState, AuditState
from scoring import Status
from texts import keys, t

_ENTITY = re.compile(
    r"^(item|special deduction|evidence) #?(\S+)$|^(assignment|comment|owner) (.+)$"
)
_ENTITY_KEYS = {
    "item": "log.item",
    "special deduction": "log.deduction",
    "evidence": "log.evidence",
    "assignment": "log.assignment",  # "assignment 5/1.2.3": round 5, item or indicator 1.2.3
    "comment": "log.comment",  # "comment 5/1.2.3"
    "owner": "log.owner",  # "owner 王工": a free-text owner linked to an account
}
_STATUSES = {s.value for s in Status}
_ACTION_STATES = {s.value for s in ActionState}
_AUDIT_STATES = {s.value for s in AuditState}


def entity_label(entity: str, lang: str) -> str:
    match = _ENTITY.match(entity)
    if match:
        kind, ident = (match[1], match[2]) if match[1] else (match[3], match[4])
        return t(_ENTITY_KEYS[kind], lang, id=ident)
    key = f"log.entity.{entity.replace(' ', '_')}"
    return t(key, lang) if key in keys() else entity


def field_label(field: str, lang: str) -> str:
    key = f"log.field.{field}"
    return t(key, lang) if key in keys() else field


_CATEGORY = re.compile(r"^\[([a-z_]+)\] (.*)$", re.DOTALL)  # a deduction: "[law] reason"
_PREREQUISITE = re.compile(r"^([a-z_0-9]+)=(True|False|None)$")
_REVIEW = re.compile(r"^(submitted|returned|signed_off|withdrawn)(: changed after sign-off)?(.*)$")
_ANSWERS = {"True": "log.yes", "False": "log.no", "None": "log.unconfirmed"}


def value_label(
    field: str, value: str | None, lang: str, catalogue: Catalogue | None = None
) -> str:
    """A recorded value in the reader's language: states, categories, prerequisites and roles
    by their labels (the catalogue names its own categories and prerequisites)."""
    if not value:
        return ""
    if field == "status" and value in _STATUSES:
        return t(f"status.{value}", lang)
    if field == "state" and value in _AUDIT_STATES:
        return t(f"state.{value}", lang)
    if field == "role" and f"auth.role.{value}" in keys():
        return t(f"auth.role.{value}", lang)
    if field in ("created", "removed") and catalogue is not None:
        match = _CATEGORY.match(value)
        titles = {
            c.id: c.title.get(lang) for c in catalogue.spec.special_items.deduction_categories
        }
        if match and match[1] in titles:
            return f"[{titles[match[1]]}] {match[2]}"
    if field == "prerequisites" and catalogue is not None:
        titles = {p.id: p.title.get(lang) for p in catalogue.spec.prerequisites}
        parts = [_PREREQUISITE.match(part) for part in value.split(", ")]
        if all(m and m[1] in titles for m in parts):
            sep = "；" if lang == "zh" else "; "
            colon = "：" if lang == "zh" else ": "
            return sep.join(f"{titles[m[1]]}{colon}{t(_ANSWERS[m[2]], lang)}" for m in parts if m)
    if field == "review":
        match = _REVIEW.match(value)
        if match:
            return t(f"log.review.{match[1]}", lang) + match[3]
    if field == "rectification":
        pieces = value.split(" | ")
        if len(pieces) == 4 and pieces[3] in _ACTION_STATES:
            pieces[3] = t(f"action.{pieces[3]}", lang)
            return " | ".join(pieces)
    return value
