"""The audit store: one object over the database and the evidence blobs.

Every write runs in one transaction together with its change-log lines, so a crash mid-save
leaves the database as it was. Records carry a version; a write names the version it was based
on and is refused with ConflictError if someone saved in between (two tabs, two people).
"""

from __future__ import annotations

from store.catalogue_move import CatalogueMoveMixin
from store.evidence_requests import EvidenceRequestsMixin
from store.organisations import OrganisationsMixin


class AuditStore(OrganisationsMixin, CatalogueMoveMixin, EvidenceRequestsMixin):
    """Organisations, audits and their rounds, item assessments, evidence, certificates and the
    change log."""
