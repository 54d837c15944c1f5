"""Refuse a dossier whose parts do not belong together.

A dossier claims that its score was computed from the entries it prints, against the catalogue
whose hash is on the cover. If the result came from another catalogue, other entries or another
tier scheme, printing it would be a false statement, so we refuse rather than warn.
"""

from __future__ import annotations

from fractions import Fraction

from dossier.data import DossierData
from scoring import Status


class DossierDataError(ValueError):
    """The dossier data contradicts itself; ``problems`` lists every contradiction found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("dossier data is inconsistent:\n" + "\n".join(problems))


def check_consistency(data: DossierData) -> None:
    problems = [*_same_catalogue(data), *_same_entries(data), *_same_specials(data)]
    if problems:
        raise DossierDataError(problems)


def _same_catalogue(data: DossierData) -> list[str]:
    catalogue, audit, result = data.catalogue, data.audit, data.result
    problems = []
    if result.catalogue_hash != catalogue.content_hash:
        problems.append(
            f"the score result was computed against catalogue {result.catalogue_hash[:12]}, "
            f"not {catalogue.content_hash[:12]}"
        )
    if (audit.catalogue_id, audit.catalogue_hash) != (catalogue.id, catalogue.content_hash):
        problems.append(
            f"audit {audit.id} uses catalogue {audit.catalogue_id} {audit.catalogue_hash[:12]}, "
            f"not {catalogue.id} {catalogue.content_hash[:12]}"
        )
    if data.plan.target != result.next_tier:
        problems.append("the next-tier plan was made for another score result")
    if result.scheme.id != audit.scheme_id:
        problems.append(
            f"the score result uses tier scheme {result.scheme.id!r}, the audit {audit.scheme_id!r}"
        )
    return problems


def _same_entries(data: DossierData) -> list[str]:
    problems = [
        f"item record {item_id} is not in catalogue {data.catalogue.id}"
        for item_id in data.items
        if not data.catalogue.has_item(item_id)
    ]
    for scored in data.result.items:
        record = data.items.get(scored.item_id)
        recorded = record.status if record else Status.NOT_ASSESSED
        assessed = scored.assessment
        if assessed.status is not recorded:
            problems.append(
                f"item {scored.item_id}: scored as {assessed.status.value}, "
                f"recorded as {recorded.value}"
            )
        elif record and recorded is Status.SAMPLED:
            samples = (record.samples_checked, record.samples_conforming)
            if samples != (assessed.samples_checked, assessed.samples_conforming):
                problems.append(f"item {scored.item_id}: scored with other sample counts")
    return problems


def _same_specials(data: DossierData) -> list[str]:
    special = data.catalogue.spec.special_items
    deductions = Fraction(special.deduction_points) * len(data.deductions)
    bonuses = Fraction(special.bonus_points) * min(len(data.bonuses), special.max_bonuses)
    problems = []
    if deductions != data.result.deduction_total:
        problems.append(
            f"{len(data.deductions)} special deductions recorded, but the score result "
            f"deducts {data.result.deduction_total}"
        )
    if bonuses != data.result.bonus_total:
        problems.append(
            f"{len(data.bonuses)} special bonuses recorded, but the score result "
            f"adds {data.result.bonus_total}"
        )
    return problems
