"""Every user value reaches the files as the characters typed, as it reaches the pages
(test_app_plain_text.py): the PDF dossier (its text as pypdf reads it), the 自评表 and the
action register (cell values as text; a value starting with = + - @ is text Excel and
LibreOffice will not turn into a formula, not even when the cell is edited) and the calendar
(.ics properties escaped: a line break or ";" in an action cannot start another event)."""

import io
import re
from datetime import date, timedelta

import pytest
from icalendar import Calendar
from openpyxl import load_workbook
from pypdf import PdfReader
from store_helpers import new_store

from domain.records import OrganisationProfile, Rectification
from dossier.actions_xlsx import actions_xlsx
from dossier.assemble import export_dossier
from reminders.dates import audit_due_dates
from reminders.ics import calendar_ics
from scoring import Status
from store.action_register import action_rows

LINK = "[点我](http://evil.example/x)"
HTML = "<b>粗</b><img src=x>"
FORMULAS = ('=HYPERLINK("http://evil.example","点我")', "+1+1 措施", "-1+2 发现", "@SUM(A1:A2)")
ICS = "措施;分号,逗号\\反斜杠\nBEGIN:VEVENT\nSUMMARY:伪造"  # tries to start an event of its own
SOON = date.today() + timedelta(days=5)


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("planted")
    store = new_store(f"sqlite:///{folder / 'audit.db'}", folder)
    organisation = store.create_organisation(
        OrganisationProfile(name=f"公司 {LINK} {HTML}"), actor="t"
    )
    catalogue = store.catalogues()[0]
    audit = store.create_audit(
        organisation.id,
        catalogue_hash=catalogue.content_hash,
        title=f"自评 {HTML}",
        audit_date=date(2026, 11, 1),
        assessor=f"王 {LINK}",
        actor="t",
    )
    first, second, third = (i.id for i in catalogue.items[:3])
    for item_id, finding, action, owner in (
        (first, FORMULAS[0], FORMULAS[1], f"负责人 {HTML}"),
        (second, FORMULAS[2], ICS, FORMULAS[3]),
        (third, f"发现 {LINK} {HTML}", f"措施 {LINK}", "李强"),
    ):
        store.save_item(
            audit.id,
            item_id,
            expected_version=0,
            actor="t",
            status=Status.NOT_CONFORMING,
            finding=finding,
            rectification=Rectification(action=action, owner=owner, due=SOON),
        )
    evidence, _ = store.add_evidence(
        organisation.id,
        "记录.txt",
        io.BytesIO("回访记录\n".encode()),
        title=f"证据 {HTML} {LINK}",
        kind="record",
        actor="t",
    )
    store.link_evidence(audit.id, first, evidence.id, actor="t")
    exported = export_dossier(store, audit.id, folder / "out")
    return store, audit, exported


def squashed(text: str) -> str:
    """Text without white space: pypdf breaks long cells into lines where the PDF wraps."""
    return re.sub(r"\s+", "", text)


def test_planted_markdown_html_and_formulas_print_literally_in_the_pdf(planted):
    _, _, exported = planted
    text = squashed("\n".join(p.extract_text() for p in PdfReader(exported.pdf).pages))
    for value in (f"公司 {LINK} {HTML}", f"自评 {HTML}", f"发现 {LINK} {HTML}", *FORMULAS):
        assert squashed(value) in text, value
    assert squashed(f"证据 {HTML} {LINK}") in text


def text_cells(path_or_bytes):
    book = load_workbook(path_or_bytes)
    return [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]


def check_cells(cells) -> None:
    """Each planted value is one text cell's value; one that starts like a formula is text and
    quote-prefixed; no formula cell holds anything a user typed."""
    formulas = [c.value for c in cells if c.data_type == "f"]
    assert not [f for f in formulas if "evil" in f or "SUM(A1" in f or "1+1" in f]
    for value in FORMULAS:
        [cell] = [c for c in cells if c.value == value]
        assert cell.data_type == "s" and cell.quotePrefix, value


def test_planted_values_are_text_in_the_self_evaluation_table(planted):
    _, _, exported = planted
    cells = text_cells(exported.xlsx)
    check_cells(cells)
    values = {c.value for c in cells}
    for value in (f"公司 {LINK} {HTML}", f"自评 {HTML}", f"发现 {LINK} {HTML}"):
        assert value in values, value


def test_planted_values_are_text_in_the_action_register(planted):
    store, audit, _ = planted
    rows = action_rows(store, audit.id, date.today(), "zh")
    cells = text_cells(io.BytesIO(actions_xlsx(rows, "zh")))
    formulas = [c.value for c in cells if c.data_type == "f"]
    assert formulas == []
    for value in (FORMULAS[1], FORMULAS[3]):  # an action and an owner
        [cell] = [c for c in cells if c.value == value]
        assert cell.data_type == "s" and cell.quotePrefix, value


def test_planted_values_come_back_literally_from_the_calendar(planted):
    store, audit, _ = planted
    dates = audit_due_dates(store, audit.id, date.today(), "zh")
    name = f"公司 {LINK} {HTML} · 自评 {HTML}"
    ics = calendar_ics(name, dates)
    calendar = Calendar.from_ical(ics)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(dates) == 3  # the line break started no event of its own
    assert ics.count(b"BEGIN:VEVENT") == 3
    assert str(calendar["X-WR-CALNAME"]) == name
    summaries = {str(e["SUMMARY"]) for e in events}
    assert any(s.endswith(ICS) for s in summaries), summaries
    details = {str(e["DESCRIPTION"]) for e in events}
    assert any(f"负责人 {HTML}" in d for d in details)
