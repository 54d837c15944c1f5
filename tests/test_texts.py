"""Every text the code asks for exists in both languages."""

import re
from pathlib import Path

from texts import keys, t

ROOT = Path(__file__).parent.parent
LITERAL = re.compile(r"""\btr?\(\s*["']([a-z_]+\.[a-z_.]+)["']""")
PREFIX = re.compile(r"""\btr?\(\s*f["']([a-z_]+\.[a-z_.]*)\{""")


def sources():
    for folder in (
        "ui",
        "scoring",
        "store",
        "dossier",
        "evidence",
        "cli",
        "reminders",
        "domain",
        "services",
    ):
        yield from (ROOT / folder).rglob("*.py")
    yield ROOT / "audit_app.py"


def test_every_literal_text_key_used_in_the_code_exists():
    used = {m for path in sources() for m in LITERAL.findall(path.read_text(encoding="utf-8"))}
    missing = sorted(used - keys())
    assert not missing, f"texts missing from texts/*.yaml: {missing}"


def test_every_key_prefix_built_in_code_has_texts():
    prefixes = {m for path in sources() for m in PREFIX.findall(path.read_text(encoding="utf-8"))}
    for prefix in prefixes:
        assert any(k.startswith(prefix) for k in keys()), prefix


def test_texts_fill_their_placeholders():
    assert t("ui.round_n", "zh", n=3) == "第 3 轮"
    assert t("ui.round_n", "en", n=3) == "Round 3"


def test_every_refusal_code_the_store_raises_has_texts():
    raised = re.compile(
        r"""(?:Error|NotPermitted|Refused|notice)\(\s*["']((?:auth|cycle|store|accounts)\.[a-z_.]+)["']"""
    )
    tuples = re.compile(r"""\(\s*["'](auth\.[a-z_.]+)["']\s*,\s*\{""")
    used = {
        m
        for path in sources()
        for pattern in (raised, tuples)
        for m in pattern.findall(path.read_text(encoding="utf-8"))
    }
    assert len(used) > 20
    assert not sorted(used - keys())


def test_no_text_key_is_given_twice_in_one_file():
    """YAML keeps the last of two equal keys silently; the strict reader refuses them."""
    from criteria.yaml_source import read_yaml

    for path in sorted((Path(__file__).parent.parent / "texts").glob("*.yaml")):
        read_yaml(path)  # raises YamlSourceError naming the key and both lines


# Latin words a Chinese text may hold: proper names of products, formats and standards, units,
# and the command line's own words where a text tells the reader what to type
NAMES_IN_CHINESE = {
    "GB",  # GB/T
    "PDF",
    "Excel",
    "Word",
    "PowerPoint",
    "Office",
    "OpenDocument",
    "Windows",
    "Linux",
    "ELF",
    "OLE",
    "PNG",
    "JPEG",
    "GIF",
    "WebP",
    "TIFF",
    "BMP",
    "ZIP",
    "CSV",
    "SHA",  # SHA-256
    "UTF",  # UTF-8
    "DTD",
    "IP",
    "HTTP",
    "API",
    "STARTTLS",
    "Enter",  # the key
    "English",  # the language switch names each language in itself
}
# texts that quote what a person types or reads elsewhere, in that other language: a command
# (gbt-audit …), a setting's example value, the column roles of a mapping, the Chinese cells
# of a body's table an English reader must match
QUOTING = {
    "zh": {
        "workbook.columns_missing",  # number=A,title=B,points=C
        "workbook.yaml_header",  # gbt-audit catalogue import
        "selfeval.file_header",  # gbt-audit selfeval import
        "selfeval.cli.written",  # gbt-audit score
        "catalogues.read_here",  # gbt-audit worker
        "jobs.ran_here",
        "jobs.ran_here_brief",
        "jobs.ran_here_import",
        "reminders.footer",  # gbt-audit remind
        "mail.no_starttls",  # GBT_AUDIT_SMTP_STARTTLS=false
        "settings.bad_database_url",  # postgresql+psycopg://user@host:5432/audits
        "settings.bad_time_zone",  # Asia/Shanghai
        "settings.not_an_origin",  # https://audit.example.cn
        "settings.not_a_webhook",  # https://…#shape=dingtalk&secret=SEC…
        "notify.log.caption",  # gbt-audit worker, gbt-audit remind
        "notify.log.no_channel",
        "api.unauthorized",  # Authorization: Bearer …, ?token=
    },
    "en": {
        "auth.language_other",  # 中文, the language switch
        "workbook.columns_missing",  # the header cells 编号 / 评价内容 / 分值
        "workbook.total_not_100",  # a row “合计”
        "catalogues.cli.scoring_read",  # write “抽样” or “符合性” in the table
        "workbook.selfeval_status",  # 符合 / 不符合 / 抽样 a/b / 删减 / 未评
        "workbook.selfeval_samples",
        "workbook.selfeval_progress",
        "workbook.selfeval_earned_partial",
        "selfeval.no_company",  # the sheet 基本信息, the cell 企业名称
        "owners.link_help",  # a free-text owner as people type it, 王工
    },
}
CJK_CHARS = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+")
LATIN_WORD = re.compile(r"(?<![A-Za-z0-9_/.-])[A-Za-z][A-Za-z]+(?![A-Za-z0-9_])")
PLACEHOLDER = re.compile(r"\{[^{}]*\}|\$\d")


def other_language(text: str, lang: str) -> list[str]:
    """Words of the other language in one of ``lang``'s texts, its placeholders left out."""
    bare = PLACEHOLDER.sub(" ", text)
    if lang == "en":
        return CJK_CHARS.findall(bare)
    return [w for w in LATIN_WORD.findall(bare) if w not in NAMES_IN_CHINESE]


def test_no_text_holds_words_of_the_other_language():
    """Every Chinese text is Chinese and every English text English, but for proper names and
    what a text quotes from the other language (QUOTING, each saying what it quotes)."""
    from texts import _messages

    found = [
        f"{key} ({lang}): {words} in {variants[lang]!r}"
        for key, variants in _messages().items()
        for lang in ("zh", "en")
        if key not in QUOTING[lang]
        for words in [other_language(variants[lang], lang)]
        if words
    ]
    assert not found, "\n".join(found)


def test_a_text_naming_a_field_names_it_in_the_readers_language():
    """A refusal filled with a field's code read "number 过长" in the Chinese page: every
    refusal raised with a ``field`` value is shown with the field's label, not its code."""
    from domain.certificate_rules import CertificateRule
    from services.certification import FIELDS, CertificateFieldTooLong

    for field in FIELDS:
        refused = CertificateFieldTooLong("cycle.too_long", field=field, limit=200)
        assert isinstance(refused, CertificateRule)
        assert not other_language(refused.text("zh"), "zh"), refused.text("zh")
        assert not other_language(refused.text("en"), "en"), refused.text("en")
        assert field not in refused.text("zh")
