"""Who an action's owner is. Owners are free text today; once accounts exist (issue 10) the same
text is matched to an account here, and only here, by display name, login or e-mail."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    """Someone an action can belong to: an account, or a name with no account."""

    display_name: str
    login: str = ""
    email: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(_norm(n) for n in (self.display_name, self.login, self.email) if n.strip())


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def owner_key(text: str) -> str:
    """An owner text as compared: spaces collapsed, case folded ("王工" and " 王工 " are one)."""
    return _norm(text)


def is_owner(owner: str, person: Person) -> bool:
    """Does the owner text of an action name this person?"""
    return bool(owner.strip()) and _norm(owner) in person.names


def resolve_owner(owner: str, people: Iterable[Person]) -> Person | None:
    """The person an owner text names; a bare e-mail address is a person of its own."""
    for person in people:
        if is_owner(owner, person):
            return person
    text = owner.strip()
    if _looks_like_email(text):
        return Person(display_name=text, email=text)
    return None


def _looks_like_email(text: str) -> bool:
    local, at, domain = text.partition("@")
    return bool(at and local and "." in domain and not any(c.isspace() for c in text))
