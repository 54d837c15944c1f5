"""Accounts: people who sign in, their passwords (argon2), administrators, and the role each
holds per organisation. Every change is one transaction with its change-log line."""

from __future__ import annotations

import unicodedata
from contextlib import nullcontext
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.account_records import UserRecord
from domain.errors import AccountError
from domain.permissions import ORGANISATION_ROLES, Actor, Role
from store.account_tables import FirstAdministratorRow, GrantRow, UserRow
from store.acting import acting_as
from store.base import utcnow
from store.repository import AuditStore
from store.sessions import end_sessions_of
from store.tables import OrganisationRow

MIN_PASSWORD = 10
_HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters
# verified against when the login name is unknown, so both answers take the same time
_UNKNOWN_USER_HASH = _HASHER.hash("no account has this login name")


def normalise_login(login: str) -> str:
    """One account per name whatever the width or case: 'Ｗang', 'WANG' and 'wang' are one."""
    name = unicodedata.normalize("NFKC", login).strip().casefold()
    if not name or len(name) > 100 or any(c.isspace() or not c.isprintable() for c in name):
        raise AccountError("auth.error.login_invalid", login=login)
    return name


def display_key(display_name: str) -> str:
    """A display name as compared: width, case and runs of spaces make no second name."""
    return " ".join(unicodedata.normalize("NFKC", display_name).casefold().split())


def normalise_email(email: str | None) -> str | None:
    if email is None or not email.strip():
        return None
    address = unicodedata.normalize("NFKC", email).strip().casefold()
    local, _, domain = address.partition("@")
    if not local or "." not in domain or any(c.isspace() for c in address) or len(address) > 320:
        raise AccountError("auth.error.email_invalid", email=email)
    return address


def check_password_rules(password: str, login: str | None = None) -> None:
    """Refuse a password that is too short, blank, one character repeated, or the login name
    itself (in any case or width, backwards too, or with only digits or spaces added)."""
    if len(password) < MIN_PASSWORD:
        raise AccountError("auth.error.password_short", min=MIN_PASSWORD)
    if len(password) > 1000:
        raise AccountError("auth.error.password_long", max=1000)
    if not password.strip():
        raise AccountError("auth.error.password_blank")
    folded = unicodedata.normalize("NFKC", password).casefold()
    if len(set(folded.strip())) == 1:
        raise AccountError("auth.error.password_repeated")
    if login:
        name = unicodedata.normalize("NFKC", login).strip().casefold()
        core = folded.strip(" 0123456789!.-_")
        if name and name in (core, core[::-1], folded.replace(" ", "")):
            raise AccountError("auth.error.password_is_login")


def hash_password(password: str, login: str | None = None) -> str:
    check_password_rules(password, login)
    return _HASHER.hash(password)


@dataclass(frozen=True)
class PasswordCheck:
    user: UserRecord | None  # None: unknown login name or wrong password (never said which)
    rehash: bool = False


def _record(row: UserRow, grants: list[GrantRow]) -> UserRecord:
    return UserRecord(
        id=row.id,
        login=row.login,
        display_name=row.display_name,
        email=row.email,
        administrator=row.administrator,
        active=row.active,
        has_password=bool(row.password_hash),
        created_at=row.created_at,
        last_login_at=row.last_login_at,
        grants=tuple(sorted((g.organisation_id, Role(g.role)) for g in grants)),
    )


class Accounts:
    """The accounts kept in an audit store's database."""

    def __init__(self, store: AuditStore) -> None:
        self.store = store

    # -- reading ---------------------------------------------------------------------------

    def count(self) -> int:
        with self.store._read() as session:
            return session.scalar(select(func.count()).select_from(UserRow)) or 0

    def users(self) -> list[UserRecord]:
        with self.store._read() as session:
            rows = session.scalars(select(UserRow).order_by(UserRow.login)).all()
            return [_record(row, self._grants(session, row.id)) for row in rows]

    def user(self, login: str) -> UserRecord:
        with self.store._read() as session:
            row = self._user_row(session, login)
            return _record(row, self._grants(session, row.id))

    def user_by_id(self, user_id: int) -> UserRecord | None:
        with self.store._read() as session:
            row = session.get(UserRow, user_id)
            return _record(row, self._grants(session, row.id)) if row else None

    def user_by_email(self, email: str) -> UserRecord | None:
        address = normalise_email(email)
        with self.store._read() as session:
            row = session.scalar(select(UserRow).where(UserRow.email == address))
            return _record(row, self._grants(session, row.id)) if row else None

    def actor(self, user_id: int) -> Actor | None:
        """The access-check view of an active account; None when disabled or gone."""
        user = self.user_by_id(user_id)
        if user is None or not user.active:
            return None
        return Actor(
            user_id=user.id,
            login=user.login,
            display_name=user.display_name,
            administrator=user.administrator,
            grants=dict(user.grants),
        )

    # -- changing --------------------------------------------------------------------------

    def add_user(
        self,
        login: str,
        display_name: str,
        *,
        actor: str,
        password: str | None = None,
        email: str | None = None,
        administrator: bool = False,
    ) -> UserRecord:
        """A new active account. Without a password it can sign in only by single sign-on."""
        return self._add(login, display_name, actor, password, email, administrator, only=False)

    def add_first_administrator(
        self, login: str, display_name: str, password: str, *, email: str | None = None
    ) -> UserRecord:
        """The one-time set-up of a new installation: refused once any account exists."""
        actor = display_name.strip() or login
        return self._add(login, display_name, actor, password, email, True, only=True)

    def _add(
        self,
        login: str,
        display_name: str,
        actor: str,
        password: str | None,
        email: str | None,
        administrator: bool,
        *,
        only: bool,
    ) -> UserRecord:
        name = normalise_login(login)
        shown = display_name.strip()
        if not shown:
            raise AccountError("auth.error.display_name_empty")
        if len(shown) > 100 or any(not c.isprintable() for c in shown):
            # a line break or a control character would let a name imitate another line
            raise AccountError("auth.error.display_name_invalid", name=shown[:100])
        address = normalise_email(email)
        hashed = hash_password(password, name) if password is not None else ""
        with self.store._write("user") as session:
            if only and session.scalar(select(func.count()).select_from(UserRow)):
                raise AccountError("auth.first_admin_taken")
            if session.scalar(select(UserRow.id).where(UserRow.login == name)) is not None:
                raise AccountError("auth.error.login_taken", login=name)
            if address and session.scalar(select(UserRow.id).where(UserRow.email == address)):
                raise AccountError("auth.error.email_taken", email=address)
            key = display_key(shown)
            if session.scalar(select(UserRow.id).where(UserRow.display_key == key)) is not None:
                raise AccountError("auth.error.display_name_taken", name=shown)
            row = UserRow(
                login=name,
                display_name=shown,
                display_key=key,
                email=address,
                password_hash=hashed,
                administrator=administrator,
                active=True,
                created_at=utcnow(),
            )
            session.add(row)
            session.flush()
            if only:
                # a row that can exist once: of two first administrators created at the same
                # moment, the second's transaction fails here, whatever the engine
                try:
                    with session.begin_nested():
                        session.add(
                            FirstAdministratorRow(id=1, user_id=row.id, created_at=utcnow())
                        )
                except IntegrityError:
                    raise AccountError("auth.first_admin_taken") from None
            changes: list[tuple[str, object, object]] = [("created", None, f"{shown} ({name})")]
            if administrator:
                changes.append(("administrator", None, True))
            # the first administrator creates herself: her own account acted
            with acting_as(row.id, row.login) if only else nullcontext():
                self.store._log(session, actor, f"user {name}", changes)
            return _record(row, [])

    def set_password(self, login: str, password: str, *, actor: str) -> None:
        with self.store._write("user") as session:
            row = self._user_row(session, login)
            row.password_hash = hash_password(password, row.login)
            self.store._log(session, actor, f"user {row.login}", [("password", None, "changed")])
            end_sessions_of(session, row.id)  # whoever knew the old password is signed out

    def set_email(self, login: str, email: str | None, *, actor: str) -> UserRecord:
        """The account's e-mail address (None or empty: none): where notifications are mailed,
        and its single sign-on identity."""
        address = normalise_email(email)
        with self.store._write("user") as session:
            row = self._user_row(session, login)
            if address and session.scalar(
                select(UserRow.id).where(UserRow.email == address, UserRow.id != row.id)
            ):
                raise AccountError("auth.error.email_taken", email=address)
            if row.email != address:
                self.store._log(
                    session, actor, f"user {row.login}", [("email", row.email, address)]
                )
                row.email = address
            return _record(row, self._grants(session, row.id))

    def set_active(self, login: str, active: bool, *, actor: str) -> UserRecord:
        with self.store._write("user") as session:
            row = self._user_row(session, login)
            if not active and row.administrator and row.active:
                self._refuse_last_admin(session, row)
            if row.active != active:
                self.store._log(
                    session, actor, f"user {row.login}", [("active", row.active, active)]
                )
                row.active = active
            if not active:
                end_sessions_of(session, row.id)
            return _record(row, self._grants(session, row.id))

    def set_administrator(self, login: str, administrator: bool, *, actor: str) -> UserRecord:
        with self.store._write("user") as session:
            row = self._user_row(session, login)
            if row.administrator == administrator:
                code = "auth.error.already_admin" if administrator else "auth.error.not_admin"
                raise AccountError(code, login=row.login)
            if not administrator and row.active:
                self._refuse_last_admin(session, row)
            self.store._log(
                session,
                actor,
                f"user {row.login}",
                [("administrator", row.administrator, administrator)],
            )
            row.administrator = administrator
            if not administrator:
                end_sessions_of(session, row.id)  # a power taken away ends its sessions
            return _record(row, self._grants(session, row.id))

    def grant(self, login: str, organisation_id: int, role: str, *, actor: str) -> UserRecord:
        chosen = self._organisation_role(role)
        with self.store._write("grant") as session:
            row = self._user_row(session, login)
            if session.get(OrganisationRow, organisation_id) is None:
                raise AccountError(
                    "auth.error.no_such_organisation", organisation_id=organisation_id
                )
            held = self._grant_row(session, row.id, organisation_id)
            if held is not None:
                raise AccountError(
                    "auth.error.granted_twice",
                    login=row.login,
                    organisation_id=organisation_id,
                    role=held.role,
                )
            session.add(
                GrantRow(
                    user_id=row.id,
                    organisation_id=organisation_id,
                    role=chosen.value,
                    granted_at=utcnow(),
                )
            )
            self.store._log(
                session,
                actor,
                f"user {row.login}",
                [("role", None, chosen.value)],
                organisation_id=organisation_id,
            )
            session.flush()
            return _record(row, self._grants(session, row.id))

    def revoke(self, login: str, organisation_id: int, *, actor: str) -> UserRecord:
        with self.store._write("grant") as session:
            row = self._user_row(session, login)
            held = self._grant_row(session, row.id, organisation_id)
            if held is None:
                raise AccountError(
                    "auth.error.not_granted", login=row.login, organisation_id=organisation_id
                )
            self.store._log(
                session,
                actor,
                f"user {row.login}",
                [("role", held.role, None)],
                organisation_id=organisation_id,
            )
            session.delete(held)
            end_sessions_of(session, row.id)  # a role taken away ends the account's sessions
            session.flush()
            return _record(row, self._grants(session, row.id))

    # -- signing in ------------------------------------------------------------------------

    def check_password(self, login: str, password: str) -> PasswordCheck:
        """The account if the password is right (active or not: the caller says which);
        an unknown name costs the same argon2 verification as a wrong password."""
        try:
            name = normalise_login(login)
        except AccountError:
            name = ""
        with self.store._read() as session:
            row = session.scalar(select(UserRow).where(UserRow.login == name)) if name else None
            grants = self._grants(session, row.id) if row else []
        stored = row.password_hash if row is not None and row.password_hash else None
        try:
            _HASHER.verify(stored or _UNKNOWN_USER_HASH, password)
        except (VerificationError, InvalidHashError):
            return PasswordCheck(None)
        if row is None or stored is None:
            return PasswordCheck(None)
        return PasswordCheck(_record(row, grants), rehash=_HASHER.check_needs_rehash(stored))

    def signed_in(self, user_id: int, *, password: str | None = None) -> None:
        """Note the time of a sign-in (and upgrade an old password hash when given one)."""
        with self.store._write("user") as session:
            row = session.get(UserRow, user_id)
            if row is None:
                return
            row.last_login_at = utcnow()
            if password is not None:
                row.password_hash = _HASHER.hash(password)

    # -- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _organisation_role(role: str) -> Role:
        try:
            chosen = Role(role.strip().lower())
        except ValueError:
            chosen = None
        if chosen not in ORGANISATION_ROLES:
            raise AccountError(
                "auth.error.unknown_role",
                role=role,
                roles=", ".join(r.value for r in ORGANISATION_ROLES),
            )
        return chosen

    @staticmethod
    def _user_row(session: Session, login: str) -> UserRow:
        try:
            name = normalise_login(login)
        except AccountError:
            raise AccountError("auth.error.no_such_user", login=login) from None
        row = session.scalar(select(UserRow).where(UserRow.login == name))
        if row is None:
            raise AccountError("auth.error.no_such_user", login=login)
        return row

    @staticmethod
    def _grants(session: Session, user_id: int) -> list[GrantRow]:
        return list(session.scalars(select(GrantRow).where(GrantRow.user_id == user_id)))

    @staticmethod
    def _grant_row(session: Session, user_id: int, organisation_id: int) -> GrantRow | None:
        return session.scalar(
            select(GrantRow).where(
                GrantRow.user_id == user_id, GrantRow.organisation_id == organisation_id
            )
        )

    @staticmethod
    def _refuse_last_admin(session: Session, row: UserRow) -> None:
        # locking the administrators' rows keeps two of them from disabling each other at once
        others = session.scalars(
            select(UserRow.id)
            .where(UserRow.administrator, UserRow.active, UserRow.id != row.id)
            .with_for_update()
        ).all()
        if not others:
            raise AccountError("auth.error.last_admin", login=row.login)
