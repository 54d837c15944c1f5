"""Organisations: the company profiles of an application form."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.errors import InvalidEntry
from domain.profile import normalise, profile_problems
from domain.records import (
    Organisation,
    OrganisationProfile,
)
from store import convert
from store.base import StoreBase, utcnow
from store.tables import (
    OrganisationRow,
)


class OrganisationsMixin(StoreBase):
    # -- organisations ---------------------------------------------------------------------

    def create_organisation(self, profile: OrganisationProfile, actor: str) -> Organisation:
        profile = self._checked_profile(profile)
        with self._write("organisation") as session:
            self._refuse_duplicate_code(session, profile.credit_code)
            row = OrganisationRow(**asdict(profile), created_at=utcnow(), archived=False)
            session.add(row)
            session.flush()
            self._log(
                session,
                actor,
                "organisation",
                [("created", None, profile.name)],
                organisation_id=row.id,
            )
            return convert.organisation(row)

    def update_organisation(
        self,
        organisation_id: int,
        profile: OrganisationProfile,
        *,
        expected_version: int,
        actor: str,
    ) -> Organisation:
        profile = self._checked_profile(profile)
        with self._write("organisation") as session:
            row = self._organisation_row(session, organisation_id)
            self._check_version("organisation", row.version, expected_version)
            if profile.credit_code != row.credit_code:
                self._refuse_duplicate_code(session, profile.credit_code)
            before = convert.organisation(row).profile
            changes = [
                (name, getattr(before, name), getattr(profile, name))
                for name in convert.PROFILE_FIELDS
                if getattr(before, name) != getattr(profile, name)
            ]
            for name, _, new in changes:
                setattr(row, name, new)
            self._log(session, actor, "organisation", changes, organisation_id=row.id)
            session.flush()
            return convert.organisation(row)

    def set_organisation_archived(
        self, organisation_id: int, archived: bool, *, expected_version: int, actor: str
    ) -> Organisation:
        with self._write("organisation") as session:
            row = self._organisation_row(session, organisation_id)
            self._check_version("organisation", row.version, expected_version)
            if row.archived != archived:
                self._log(
                    session,
                    actor,
                    "organisation",
                    [("archived", row.archived, archived)],
                    organisation_id=row.id,
                )
                row.archived = archived
            session.flush()
            return convert.organisation(row)

    def organisation(self, organisation_id: int) -> Organisation:
        with self._read() as session:
            return convert.organisation(self._organisation_row(session, organisation_id))

    def organisations(self, *, include_archived: bool = False) -> list[Organisation]:
        query = select(OrganisationRow).order_by(OrganisationRow.name, OrganisationRow.id)
        if not include_archived:
            query = query.where(OrganisationRow.archived.is_(False))
        with self._read() as session:
            return [convert.organisation(row) for row in session.scalars(query)]

    @staticmethod
    def _checked_profile(profile: OrganisationProfile) -> OrganisationProfile:
        profile = normalise(profile)
        problems = profile_problems(profile)
        if problems:
            raise InvalidEntry([str(p) for p in problems], problems)
        return profile

    @staticmethod
    def _refuse_duplicate_code(session: Session, credit_code: str) -> None:
        if not credit_code:
            return
        other = session.scalars(
            select(OrganisationRow).where(OrganisationRow.credit_code == credit_code)
        ).first()
        if other is not None:
            raise InvalidEntry(
                f"统一社会信用代码 {credit_code} 已属于组织 #{other.id}「{other.name}」 — "
                f"credit code {credit_code} already belongs to organisation #{other.id}"
            )
