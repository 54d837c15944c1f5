"""The application dossier a company hands to a certification body: a PDF and a spreadsheet."""

from dossier.checks import DossierDataError
from dossier.data import DossierData, EvidenceSource
from dossier.fonts import MissingCJKFont
from dossier.pdf import render_pdf
from dossier.report import (
    DossierReport,
    DossierWarning,
    EvidenceOutcome,
    Inclusion,
    SectionStart,
)
from dossier.xlsx import write_xlsx

__all__ = [
    "DossierData",
    "DossierDataError",
    "DossierReport",
    "DossierWarning",
    "EvidenceOutcome",
    "EvidenceSource",
    "Inclusion",
    "MissingCJKFont",
    "SectionStart",
    "render_pdf",
    "write_xlsx",
]
