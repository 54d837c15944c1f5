"""Every page of the menu in Chinese and in English, at 1440 and 390 px, in Chromium: no word
of the other language outside user data (issue 25).

The audit is seeded with data on every page: items scored with findings and rectifications
(the checklist, dashboard, register, rounds and dossier show them), a special deduction, a
certificate, an evidence file, a second account. Everything a user typed is Chinese and is
listed in USER_DATA (the certificate's tier too: it is typed, not the catalogue's); those exact
strings are taken out of the page's text before it is read, on both languages' pages, since a
user's words are shown as typed. What is left is ours or Streamlit's, and must be in the page's
language:

- a Chinese page may hold no ASCII word of two letters or more, except the proper names,
  units, formats and codes in ALLOWED (GB/T, PDF, xlsx, ID, OIDC, S3, the date fields'
  yyyy/mm/dd…); item ids are digits and the certificate number is user data;
- an English page may hold no CJK character (ideographic spaces and full-width punctuation
  included). The catalogue's titles are catalogue data, but the bundled catalogue has every
  title in English too, so they are checked as ours: a Chinese title on an English page is a
  leak.

Not read (NOT_READ): Material icons, whose text is the icon's name drawn as a picture, and the
language switch, which names each language in itself on purpose ("语言 Language", 中文 /
English) so that a reader who cannot read the page still finds it. Charts draw their labels
in SVG/canvas, which ``innerText`` does not see: the screenshots show them.

Only visible text is read (``innerText`` of the page, and the placeholders of visible empty
fields), at each width after the page is drawn; the menu is walked at 1440 (at 390 the sidebar
is folded away) and each page is then read again at 390. Screenshots of every page at both
widths go to the screenshot folder (two-languages-<lang>-<page>-<width>.png), and the leaks
found, if any, to two-languages-leaks.txt beside them."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from app_ui import AuditApp
from browser_app import SHOTS, settle, shot
from test_accessibility import PAGES

from domain.records import ActionState, OrganisationProfile, Rectification
from scoring import Status
from services import certification
from services.context import Context
from store import open_store
from store.accounts import Accounts
from texts import t

PASSWORD = "correct horse battery"
TODAY = date.today()
ORGANISATION = "华东家电服务有限公司"
USER_DATA = (  # every string a user typed, longest first when one holds another
    ORGANISATION,
    "2026 年度自评",
    "王敏",
    "李娜",
    "wangmin",
    "lina",
    "售后服务部未设立专人负责投诉处理",
    "抽查 10 份回访记录，2 份缺少签字",
    "设立售后服务部并明确职责",
    "建立顾客档案管理制度",
    "门店未按规定公示三包服务承诺",
    "公示三包服务承诺",
    "中国商业联合会",
    "CSC-2024-0123",
    "售后服务管理制度",
)
# proper names, units and codes a Chinese page may show in Latin letters
ALLOWED = {
    "GB",
    "yyyy",  # the date fields' placeholder: a format, not a word
    "mm",
    "dd",
    "PDF",
    "pdf",
    "xlsx",
    "XLSX",
    "ID",
    "API",  # 我的 API 令牌: the name of the thing, as in texts/ (tests/test_texts.py)
    "HTTP",
    "OIDC",
    "S3",
    "CSV",
    "csv",
    "ics",
    "Excel",
    "KB",
    "MB",
    "MiB",
    "KiB",
    "UTC",
    "Asia",
    "Shanghai",
    "Streamlit",
    "YAML",
    "yaml",
    "YML",
    "SHA",
    "PNG",
    "JPG",
    "JPEG",
    "png",
    "jpg",
    "jpeg",
    "docx",
    "zip",
    "ZIP",
}
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+")
WORD = re.compile(r"(?<![A-Za-z0-9_/.-])[A-Za-z][A-Za-z]+(?![A-Za-z0-9_])")


def seed(data_dir, monkeypatch) -> int:
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(data_dir))
    monkeypatch.delenv("GBT_AUDIT_DATABASE_URL", raising=False)
    store = open_store()
    accounts = Accounts(store)
    accounts.add_user("wangmin", "王敏", password=PASSWORD, administrator=True, actor="setup")
    organisation = store.create_organisation(OrganisationProfile(name=ORGANISATION), "王敏")
    accounts.add_user("lina", "李娜", password=PASSWORD, actor="王敏")
    accounts.grant("lina", organisation.id, "editor", actor="王敏")
    catalogue = store.catalogues()[0]
    audit = store.create_audit(
        organisation.id,
        catalogue_hash=catalogue.content_hash,
        title="2026 年度自评",
        audit_date=date(2026, 11, 1),
        assessor="王敏",
        actor="王敏",
    )
    soon, later = TODAY + timedelta(days=21), TODAY - timedelta(days=3)  # one overdue
    for n, item in enumerate(catalogue.items):
        extra: dict = {}
        if item.id == "1.1.1":
            extra = dict(
                status=Status.NOT_CONFORMING,
                finding="售后服务部未设立专人负责投诉处理",
                rectification=Rectification(
                    "设立售后服务部并明确职责", "李娜", later, ActionState.IN_PROGRESS
                ),
            )
        elif item.id == "1.3.2":
            extra = dict(
                status=Status.SAMPLED,
                samples_checked=10,
                samples_conforming=8,
                finding="抽查 10 份回访记录，2 份缺少签字",
            )
        elif item.id == "3.1.1":
            extra = dict(
                status=Status.NOT_CONFORMING,
                rectification=Rectification("建立顾客档案管理制度", "王敏", soon),
            )
        elif n % 7 == 3:
            continue  # some items left to assess
        else:
            extra = dict(status=Status.CONFORMING)
        store.save_item(audit.id, item.id, expected_version=0, actor="王敏", **extra)
    store.add_deduction(
        audit.id,
        reason="门店未按规定公示三包服务承诺",
        category="own_rules",
        actor="王敏",
        item_id="1.1.2",
        rectification=Rectification("公示三包服务承诺", "李娜", soon),
    )
    certification.add_certificate(
        Context.local_administrator(store, "王敏"),
        organisation.id,
        body="中国商业联合会",
        number="CSC-2024-0123",
        tier="三星级",
        issued_on=TODAY - timedelta(days=500),
    )
    store.add_evidence(
        organisation.id,
        "售后服务管理制度.pdf",
        io.BytesIO(_pdf()),
        title="售后服务管理制度",
        kind="policy",
        actor="王敏",
    )
    store.engine.dispose()
    return audit.id


def _pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<h1>售后服务管理制度</h1><p>第一条</p>").write_pdf()


# not read: Material icons (their text is the icon's name, drawn as a picture) and the
# language switch, which names each language in itself on purpose ("语言 Language", 中文 /
# English), so a reader who cannot read the page's language still finds it
NOT_READ = (
    '[data-testid="stIconMaterial"]',
    '[data-testid="stAlertDynamicIcon"]',  # an alert's icon, also a Material icon's name
    ".st-key-lang",
)


def shown(app: AuditApp) -> str:
    """The page's visible text and its visible fields' placeholders, user data taken out."""
    text = app.page.evaluate(
        """(skipped) => {
            const hidden = [...document.querySelectorAll(skipped.join(','))];
            const before = hidden.map((el) => el.style.display);
            hidden.forEach((el) => { el.style.display = 'none'; });
            const seen = [document.body.innerText];
            for (const field of document.querySelectorAll('input, textarea')) {
                if (field.placeholder && !field.value && field.checkVisibility()) {
                    seen.push('▸ ' + field.placeholder);  // marked as a placeholder in the report
                }
            }
            hidden.forEach((el, i) => { el.style.display = before[i]; });
            return seen.join('\\n');
        }""",
        list(NOT_READ),
    )
    for value in sorted(USER_DATA, key=len, reverse=True):
        text = text.replace(value, " ")
    return text


def leaks(text: str, lang: str) -> list[str]:
    """Words of the other language in ``text``, each with a little of its line around it."""
    found: list[str] = []
    for line in text.splitlines():
        if lang == "en":
            hits = CJK.findall(line)
        else:
            hits = [w for w in WORD.findall(line) if w not in ALLOWED]
        found.extend(f"{hit!r} in {line.strip()[:120]!r}" for hit in hits)
    return found


def test_every_page_is_in_one_language(chromium, server, monkeypatch):
    server.stop()
    audit_id = seed(server.data_dir, monkeypatch)
    server.start()
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    app = AuditApp(context.new_page(), server.url, "two-languages")
    app.open(f"checklist?audit={audit_id}")
    app.sign_in("wangmin", PASSWORD)
    app.see("已评项目")
    found: dict[str, list[str]] = {}
    walked = 0
    for lang in ("zh", "en"):
        if lang == "en":
            app.page.set_viewport_size({"width": 1440, "height": 900})  # the sidebar shown
            app.language("English")
        for key in PAGES:  # through the menu: a new address would start a new session
            app.page.set_viewport_size({"width": 1440, "height": 900})
            app.go(t(key, lang))
            app.page.locator("h1").first.wait_for(timeout=30_000)
            app.page.wait_for_timeout(500)
            settle(app.page)
            for width in (1440, 390):
                app.page.set_viewport_size({"width": width, "height": 2400})
                app.page.wait_for_timeout(400)
                settle(app.page)
                shot(app.page, f"two-languages-{lang}-{key}-{width}")
                for leak in leaks(shown(app), lang):
                    found.setdefault(f"{lang}/{key}@{width}", []).append(leak)
                walked += 1
            app.no_error()
    context.close()
    report = "\n".join(f"{where}: {leak}" for where, all_ in found.items() for leak in all_)
    (SHOTS / "two-languages-leaks.txt").write_text(report + f"\nwalked {walked}\n")
    assert walked == len(PAGES) * 2 * 2
    assert not found, report
