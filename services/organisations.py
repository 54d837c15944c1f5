"""Organisations: creating a client organisation. Its creator, when not an administrator,
becomes its consultant in the same transaction (an organisation nobody may open is never
left behind)."""

from __future__ import annotations

from domain.permissions import Action, Role
from domain.records import Organisation, OrganisationProfile
from services.context import Context
from services.registry import By, service


@service(Action.CREATE_ORGANISATION, By.NOTHING)
def create_organisation(ctx: Context, profile: OrganisationProfile) -> Organisation:
    organisation = ctx.store.create_organisation(profile, actor=ctx.name)
    if not ctx.actor.administrator:
        ctx.uow.accounts.grant(
            ctx.actor.login, organisation.id, Role.CONSULTANT.value, actor=ctx.name
        )
    return organisation
