"""Audit files: a YAML mapping of item ids to statuses, for scoring without the app.

    catalogue: gbt27922-2011        # optional; must match the catalogue scored against
    scheme: default                 # optional tier scheme id
    prerequisites: {legal_entity: true, no_major_incident: true, system_running_3_months: true}
    items:
      "1.1.1": conforming
      "1.2.2": {status: sampled, checked: 10, conforming: 8}
      "2.3.1": {status: not_applicable, justification: 不从事配送业务}
      "3.2.4": {status: not_conforming, finding: 投诉记录缺少处理结果, effort: 2}
      "3.3.1": {status: not_conforming, rectification: {action: 补建回访记录, owner: 张伟}}
    special_deductions:
      - {category: law, reason: 未按三包规定更换, item: "2.5.2"}
    special_bonus: {reason: 行业领先的服务承诺}

Items not listed are not yet assessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, StrictInt, ValidationError

from criteria import Catalogue
from criteria.rules import format_path
from criteria.yaml_source import YamlDocument, YamlSourceError, read_yaml
from scoring.model import AuditInput, ItemAssessment, SpecialBonus, SpecialDeduction, Status
from scoring.validation import AuditProblem


class AuditFileError(ValueError):
    """An audit file that cannot be read; each message names the file and line."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = tuple(messages)
        super().__init__("\n".join(messages))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RectificationEntry(_Strict):
    """整改措施 kept with the item (a 自评表 brought back); scoring does not read it."""

    action: str = ""
    owner: str = ""
    due: Any = None
    progress: str = "open"


class ItemEntry(_Strict):
    status: Status
    # strict: `checked: yes` (a YAML bool) or `checked: "10"` is a typo to refuse, not a count
    checked: StrictInt | None = None
    conforming: StrictInt | None = None
    justification: str | None = None
    finding: str | None = None
    effort: Decimal | None = None
    rectification: RectificationEntry | None = None


def _entry(value: Any) -> Any:
    return {"status": value} if isinstance(value, str) else value


def _listed(value: Any) -> Any:
    return [value] if isinstance(value, dict) else value


class DeductionEntry(_Strict):
    category: str
    reason: str
    item: str | None = None
    effort: Decimal | None = None


class BonusEntry(_Strict):
    reason: str


class AuditFileSpec(_Strict):
    catalogue: str | None = None
    catalogue_hash: str | None = None
    scheme: str | None = None
    organisation: str | None = None
    date: Any = None
    assessor: str | None = None
    prerequisites: dict[str, bool | None] = {}
    items: dict[str, Annotated[ItemEntry, BeforeValidator(_entry)]] = {}
    special_deductions: list[DeductionEntry] = []
    special_bonus: Annotated[list[BonusEntry], BeforeValidator(_listed)] = []


@dataclass(frozen=True)
class AuditFile:
    document: YamlDocument
    spec: AuditFileSpec
    audit: AuditInput

    def locate(self, problem: AuditProblem) -> str:
        """``file:line: where: message`` for a problem found in this file."""
        line = self.document.line_of(problem.path)
        where = f"{self.document.source}:{line}" if line else self.document.source
        return f"{where}: {problem}"


def _fraction(value: Decimal | None) -> Fraction | None:
    return None if value is None else Fraction(value)


def read_audit_file(path: str | Path, catalogue: Catalogue) -> AuditFile:
    """Read an audit file and check it belongs to ``catalogue``. Raises AuditFileError for
    anything that is not a well-formed audit of this catalogue; whether its entries can be
    scored is ``scoring.validate_audit``'s to say."""
    source = str(path)
    try:
        document = read_yaml(Path(path))
    except YamlSourceError as exc:
        raise AuditFileError([str(exc)]) from exc
    if not isinstance(document.data, dict):
        raise AuditFileError([f"{source}: expected a mapping of audit fields"])
    try:
        spec = AuditFileSpec.model_validate(document.data)
    except ValidationError as exc:
        messages = []
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            line = document.line_of(loc)
            at = f"{source}:{line}" if line else source
            messages.append(f"{at}: {format_path(loc)}: {err['msg']}")
        raise AuditFileError(messages) from None

    problems: list[AuditProblem] = []
    if spec.catalogue is not None and spec.catalogue != catalogue.id:
        problems.append(
            AuditProblem(("catalogue",), f"audit is for {spec.catalogue!r}, not {catalogue.id!r}")
        )
    if spec.catalogue_hash is not None and spec.catalogue_hash != catalogue.content_hash:
        problems.append(
            AuditProblem(
                ("catalogue_hash",),
                f"audit was scored against catalogue {spec.catalogue_hash[:12]}…, "
                f"this one is {catalogue.short_hash}…",
            )
        )
    audit = AuditInput(
        assessments={
            str(item_id): ItemAssessment(
                item_id=str(item_id),
                status=entry.status,
                samples_checked=entry.checked,
                samples_conforming=entry.conforming,
                justification=entry.justification,
                finding=entry.finding,
                effort=_fraction(entry.effort),
            )
            for item_id, entry in spec.items.items()
        },
        deductions=tuple(
            SpecialDeduction(d.reason, d.category, d.item, _fraction(d.effort))
            for d in spec.special_deductions
        ),
        bonuses=tuple(SpecialBonus(b.reason) for b in spec.special_bonus),
        prerequisites=spec.prerequisites,
        scheme_id=spec.scheme,
    )
    result = AuditFile(document, spec, audit)
    if problems:
        raise AuditFileError([result.locate(p) for p in problems])
    return result
