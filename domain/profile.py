"""Checks on the company data of an application form."""

from __future__ import annotations

import re
from dataclasses import fields
from typing import Any

from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as NumberError

from domain.records import OrganisationProfile

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^[0-9+()\- ]{5,30}$")

LABELS = {
    "name": "企业名称 company name",
    "credit_code": "统一社会信用代码 unified social credit code",
    "contact_email": "电子邮箱 e-mail",
    "contact_phone": "联系电话 phone",
    "headcount": "员工总数 headcount",
    "service_headcount": "售后服务人员数 service staff",
    "service_outlets": "售后服务网点数 service outlets",
    "sales_outlets": "销售网点数 sales outlets",
}


def normalise(profile: OrganisationProfile) -> OrganisationProfile:
    """Trim text fields; credit codes are upper case without spaces."""
    values: dict[str, Any] = {}
    for f in fields(profile):
        value = getattr(profile, f.name)
        values[f.name] = value.strip() if isinstance(value, str) else value
    values["credit_code"] = uscc.compact(values["credit_code"]) if values["credit_code"] else ""
    return OrganisationProfile(**values)


def profile_problems(profile: OrganisationProfile) -> list[str]:
    problems = []
    if not profile.name:
        problems.append(f"{LABELS['name']}: 必填 required")
    if profile.credit_code:
        try:
            uscc.validate(profile.credit_code)
        except NumberError as exc:
            problems.append(
                f"{LABELS['credit_code']}: {profile.credit_code!r} 无效 is not valid ({exc})"
            )
    if profile.contact_email and not EMAIL.match(profile.contact_email):
        problems.append(f"{LABELS['contact_email']}: {profile.contact_email!r} 格式不对 malformed")
    if profile.contact_phone and not PHONE.match(profile.contact_phone):
        problems.append(f"{LABELS['contact_phone']}: {profile.contact_phone!r} 格式不对 malformed")
    for name in ("headcount", "service_headcount", "service_outlets", "sales_outlets"):
        value = getattr(profile, name)
        if value is not None and value < 0:
            problems.append(f"{LABELS[name]}: 不能为负数 cannot be negative ({value})")
    if (
        profile.headcount is not None
        and profile.service_headcount is not None
        and profile.service_headcount > profile.headcount
    ):
        problems.append(
            f"{LABELS['service_headcount']} ({profile.service_headcount}) 超过员工总数 exceeds "
            f"{LABELS['headcount']} ({profile.headcount})"
        )
    return problems
