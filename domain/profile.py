"""Checks on the company data of an application form."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any

from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as NumberError

from domain.records import OrganisationProfile
from texts import t

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^[0-9+()\- ]{5,30}$")


@dataclass(frozen=True)
class ProfileProblem:
    """A company field that cannot be saved: ``field`` names it (texts/ ``profile.field.*``),
    ``code`` says what is wrong, each sentence in one language."""

    field: str
    code: str
    values: tuple[tuple[str, object], ...] = ()

    def text(self, lang: str = "zh") -> str:
        values = dict(self.values)
        if "other" in values:
            values["other"] = t(f"profile.field.{values['other']}", lang)
        return t(
            "profile.problem",
            lang,
            field=t(f"profile.field.{self.field}", lang),
            what=t(self.code, lang, **values),
        )

    def __str__(self) -> str:  # where no reader's language is known (CLI, archive import)
        return f"{self.text('zh')} / {self.text('en')}"


def normalise(profile: OrganisationProfile) -> OrganisationProfile:
    """Trim text fields; credit codes are upper case without spaces."""
    values: dict[str, Any] = {}
    for f in fields(profile):
        value = getattr(profile, f.name)
        values[f.name] = value.strip() if isinstance(value, str) else value
    values["credit_code"] = uscc.compact(values["credit_code"]) if values["credit_code"] else ""
    return OrganisationProfile(**values)


def profile_problems(profile: OrganisationProfile) -> list[ProfileProblem]:
    problems = []
    if not profile.name:
        problems.append(ProfileProblem("name", "profile.required"))
    if profile.credit_code:
        try:
            uscc.validate(profile.credit_code)
        except NumberError:  # its own reason is English only; the check says enough
            problems.append(
                ProfileProblem(
                    "credit_code", "profile.credit_code_invalid", (("value", profile.credit_code),)
                )
            )
    if profile.contact_email and not EMAIL.match(profile.contact_email):
        problems.append(
            ProfileProblem(
                "contact_email", "profile.malformed", (("value", profile.contact_email),)
            )
        )
    if profile.contact_phone and not PHONE.match(profile.contact_phone):
        problems.append(
            ProfileProblem(
                "contact_phone", "profile.malformed", (("value", profile.contact_phone),)
            )
        )
    for name in ("headcount", "service_headcount", "service_outlets", "sales_outlets"):
        value = getattr(profile, name)
        if value is not None and value < 0:
            problems.append(ProfileProblem(name, "profile.negative", (("value", value),)))
    if (
        profile.headcount is not None
        and profile.service_headcount is not None
        and profile.service_headcount > profile.headcount
    ):
        problems.append(
            ProfileProblem(
                "service_headcount",
                "profile.exceeds",
                (
                    ("value", profile.service_headcount),
                    ("other", "headcount"),
                    ("limit", profile.headcount),
                ),
            )
        )
    return problems
