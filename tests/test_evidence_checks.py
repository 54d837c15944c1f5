"""Intake rules for evidence files: what is taken, what is refused and why, and what is left."""

import io
import tracemalloc
import unicodedata
from pathlib import Path

import evidence_samples as samples
import pytest
from evidence_samples import GeneratedStream, MiB

from evidence import (
    EvidenceRefused,
    LocalBlobStore,
    RefusalCode,
    UploadPolicy,
    ingest,
)
from evidence.sniff import SNIFF_BYTES

OPENXML = "application/vnd.openxmlformats-officedocument"


@pytest.fixture
def store(tmp_path: Path) -> LocalBlobStore:
    return LocalBlobStore(tmp_path / "blobs")


def take(store, name: str, data: bytes, policy: UploadPolicy | None = None):
    return ingest(store, name, io.BytesIO(data), policy or UploadPolicy())


def refusal(store, name: str, data: bytes, policy: UploadPolicy | None = None) -> EvidenceRefused:
    before = stored_files(store)
    with pytest.raises(EvidenceRefused) as refused:
        take(store, name, data, policy)
    assert stored_files(store) == before, "a refused file must leave nothing behind"
    return refused.value


def stored_files(store: LocalBlobStore) -> list[Path]:
    return sorted(p for p in store.root.rglob("*") if p.is_file())


# ---- what is taken -------------------------------------------------------------------------

ACCEPTED = [
    ("制度.pdf", samples.pdf(), "application/pdf"),
    ("现场.png", samples.image("PNG"), "image/png"),
    ("现场.jpg", samples.image("JPEG"), "image/jpeg"),
    ("现场.jpeg", samples.image("JPEG"), "image/jpeg"),
    ("现场.gif", samples.image("GIF"), "image/gif"),
    ("现场.webp", samples.image("WEBP"), "image/webp"),
    ("扫描.tif", samples.image("TIFF"), "image/tiff"),
    ("扫描.tiff", samples.image("TIFF"), "image/tiff"),
    ("截图.bmp", samples.image("BMP"), "image/bmp"),
    ("制度.docx", samples.ooxml("docx"), f"{OPENXML}.wordprocessingml.document"),
    ("台账.xlsx", samples.ooxml("xlsx"), f"{OPENXML}.spreadsheetml.sheet"),
    ("培训.pptx", samples.ooxml("pptx"), f"{OPENXML}.presentationml.presentation"),
    ("制度.doc", samples.word_97(), "application/msword"),
    ("台账.xls", samples.excel_97(), "application/vnd.ms-excel"),
    ("培训.ppt", samples.powerpoint_97(), "application/vnd.ms-powerpoint"),
    ("制度.odt", samples.odf("odt"), "application/vnd.oasis.opendocument.text"),
    ("台账.ods", samples.odf("ods"), "application/vnd.oasis.opendocument.spreadsheet"),
    ("培训.odp", samples.odf("odp"), "application/vnd.oasis.opendocument.presentation"),
    ("说明.txt", "回访记录：已解决\n".encode(), "text/plain; charset=utf-8"),
    ("说明.txt", "回访记录：已解决\r\n".encode("gb18030"), "text/plain; charset=gb18030"),
    ("回访.csv", "日期,客户,结果\n2026-01-05,张三,满意\n".encode(), "text/csv; charset=utf-8"),
    ("流程.md", "# 投诉处理流程\n\n1. 登记\n".encode(), "text/markdown; charset=utf-8"),
]


@pytest.mark.parametrize(("name", "data", "media_type"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_every_allowed_format_is_taken_with_the_media_type_of_its_content(
    store, name, data, media_type
):
    taken = take(store, name, data)
    assert taken.media_type == media_type
    assert taken.size == len(data)
    assert taken.original_name == name
    with store.open(taken.sha256) as stored:
        assert stored.read() == data


def test_chinese_names_are_taken_as_given(store):
    taken = take(store, "售后服务管理制度（2026版）.pdf", samples.pdf())
    assert taken.original_name == "售后服务管理制度（2026版）.pdf"


def test_the_extension_may_be_in_capitals(store):
    assert take(store, "SCAN.PDF", samples.pdf()).media_type == "application/pdf"


def test_a_decomposed_unicode_name_is_kept_in_composed_form(store):
    decomposed = unicodedata.normalize("NFD", "Qualitätsnachweis.pdf")
    assert take(store, decomposed, samples.pdf()).original_name == "Qualitätsnachweis.pdf"


def test_the_same_file_uploaded_twice_is_stored_once(store):
    first = take(store, "制度.pdf", samples.pdf())
    second = take(store, "制度（副本）.pdf", samples.pdf())
    assert (first.created, second.created) == (True, False)
    assert first.sha256 == second.sha256
    assert len(stored_files(store)) == 1


def test_a_large_file_is_taken_in_one_pass_with_bounded_memory(store):
    stream = GeneratedStream(60 * MiB, head=b"%PDF-1.7\n")
    tracemalloc.start()
    try:
        taken = ingest(store, "年度报告.pdf", stream, UploadPolicy(max_bytes=100 * MiB))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert taken.sha256 == stream.sha256
    assert taken.size == 60 * MiB
    assert peak < 4 * MiB


def test_a_large_text_file_is_checked_throughout_with_bounded_memory(store):
    block = "2026-01-05,售后回访,客户满意,已归档\n".encode() * 1000
    stream = GeneratedStream(len(block) * 500, block=block)  # about 20 MiB, whole lines
    tracemalloc.start()
    try:
        taken = ingest(store, "回访台账.csv", stream, UploadPolicy())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert taken.media_type == "text/csv; charset=utf-8"
    assert peak < 4 * MiB


# ---- empty and too large -------------------------------------------------------------------


def test_an_empty_file_is_refused(store):
    refused = refusal(store, "空白.pdf", b"")
    assert refused.code is RefusalCode.EMPTY
    assert refused.message("zh") == "空白.pdf：文件是空的（0 字节）"
    assert refused.message("en") == "空白.pdf: the file is empty (0 bytes)"


def test_a_file_over_the_limit_is_refused_while_streaming_and_nothing_is_left(store):
    stream = GeneratedStream(500 * MiB, head=b"%PDF-1.7\n")
    with pytest.raises(EvidenceRefused) as refused:
        ingest(store, "扫描件.pdf", stream, UploadPolicy(max_bytes=2 * MiB))
    assert refused.value.code is RefusalCode.TOO_LARGE
    assert refused.value.message("zh") == "扫描件.pdf：文件超过 2 MiB 的大小上限"
    assert stream.handed_out <= 3 * MiB  # the rest of the upload was never read
    assert stored_files(store) == []


class UploadClaimingToBeSmall(io.BytesIO):
    """Like an upload object whose size comes from the client's request."""

    size = 10


def test_the_size_limit_counts_the_bytes_not_a_declared_size(store):
    upload = UploadClaimingToBeSmall(b"%PDF-1.7\n" + bytes(2 * MiB))
    with pytest.raises(EvidenceRefused) as refused:
        ingest(store, "小文件.pdf", upload, UploadPolicy(max_bytes=MiB))
    assert refused.value.code is RefusalCode.TOO_LARGE


def test_the_default_limit_is_50_mib():
    assert UploadPolicy().max_bytes == 50 * MiB


# ---- names ---------------------------------------------------------------------------------

BAD_NAMES = [
    ("", "name_empty"),
    ("   ", "name_empty"),
    (" 报告.pdf", "name_spaces"),
    ("报告.pdf ", "name_spaces"),
    ("报告.pdf\u3000", "name_spaces"),  # an ideographic space counts too
    ("制度/报告.pdf", "name_separator"),
    ("制度\\报告.pdf", "name_separator"),
    ("../报告.pdf", "name_separator"),
    ("..", "name_dots"),
    (".", "name_dots"),
    ("报\x00告.pdf", "name_control"),
    ("报\n告.pdf", "name_control"),
    ("报\x1b告.pdf", "name_control"),
    ("报告\u202efdp.exe", "name_bidi"),  # shown as "报告exe.pdf"
    ("报告\u2067.pdf", "name_bidi"),  # an isolate
    ("报告\u061c.pdf", "name_bidi"),  # the Arabic letter mark
    ("长" * 84 + ".pdf", "name_too_long"),  # 256 bytes of UTF-8
    # Windows: device names whatever the case or extension, its forbidden characters
    ("CON.pdf", "name_reserved"),
    ("con.txt", "name_reserved"),
    ("NUL.txt", "name_reserved"),
    ("Aux.docx", "name_reserved"),
    ("prn.tar.pdf", "name_reserved"),
    ("COM1.pdf", "name_reserved"),
    ("lpt9.xlsx", "name_reserved"),
    ("COM¹.pdf", "name_reserved"),
    ("CON .pdf", "name_reserved"),  # Windows drops the space before the dot
    ("CONIN$.txt", "name_reserved"),
    ("报告.pdf.", "name_trailing_dot"),
    *[(f"报告{c}2026.pdf", "name_forbidden") for c in ':*?<>|"'],
    # invisible characters: the name shown is not the name stored
    ("报\u200b告.pdf", "name_invisible"),  # zero-width space
    ("报\u200d告.pdf", "name_invisible"),  # zero-width joiner
    ("报\u2060告.pdf", "name_invisible"),  # word joiner
    ("报\ufeff告.pdf", "name_invisible"),  # byte order mark
    ("报\u00ad告.pdf", "name_invisible"),  # soft hyphen
    ("报\U000e0041告.pdf", "name_invisible"),  # a tag character
    ("报\u2028告.pdf", "name_invisible"),  # line separator
]


@pytest.mark.parametrize(("name", "reason"), BAD_NAMES, ids=[ascii(n) for n, _ in BAD_NAMES])
def test_unsafe_names_are_refused(store, name, reason):
    refused = refusal(store, name, samples.pdf())
    assert refused.code is RefusalCode.BAD_NAME
    assert refused.reason == reason


def test_a_name_of_exactly_255_bytes_is_taken(store):
    name = "长" * 83 + "xy.pdf"
    assert len(name.encode()) == 255
    assert take(store, name, samples.pdf()).original_name == name


def test_a_refused_name_is_shown_with_its_control_characters_escaped(store):
    refused = refusal(store, "报\x00告.pdf", samples.pdf())
    assert refused.message("en") == (
        r"报\x00告.pdf: the file name contains control or invalid characters"
    )


def test_a_name_with_two_dots_inside_is_an_ordinary_name(store):
    assert take(store, "报告..最终版.pdf", samples.pdf()).original_name == "报告..最终版.pdf"


# ---- types ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["setup.exe", "资料.zip", "图纸.svg", "页面.html", "制度.rtf"])
def test_extensions_outside_the_policy_are_refused(store, name):
    refused = refusal(store, name, b"anything")
    assert refused.code is RefusalCode.TYPE_NOT_ALLOWED
    assert refused.reason == "type_not_allowed"


def test_a_name_without_an_extension_is_refused(store):
    refused = refusal(store, "售后制度", samples.pdf())
    assert refused.code is RefusalCode.TYPE_NOT_ALLOWED
    assert refused.reason == "no_extension"


def test_a_policy_can_narrow_the_allowed_types(store):
    only_pdf = UploadPolicy(extensions=frozenset({"pdf"}))
    assert take(store, "制度.pdf", samples.pdf(), only_pdf)
    refused = refusal(store, "现场.png", samples.image("PNG"), only_pdf)
    assert refused.code is RefusalCode.TYPE_NOT_ALLOWED
    assert refused.message("en") == "现场.png: .png files are not accepted (accepted: pdf)"


def test_a_policy_cannot_allow_a_type_whose_content_cannot_be_checked():
    with pytest.raises(ValueError, match="svg"):
        UploadPolicy(extensions=frozenset({"pdf", "svg"}))
    with pytest.raises(ValueError):
        UploadPolicy(max_bytes=0)


# ---- content against extension -------------------------------------------------------------


def test_a_png_named_pdf_is_refused_saying_what_it_really_is(store):
    refused = refusal(store, "报告.pdf", samples.image("PNG"))
    assert refused.code is RefusalCode.CONTENT_MISMATCH
    assert refused.message("zh") == "报告.pdf：文件内容不是 PDF（识别为 PNG 图片）"
    assert refused.message("en") == "报告.pdf: the content is not a PDF (it is a PNG image)"
    assert str(refused) == f"{refused.message_zh} / {refused.message_en}"


MISMATCHES = [
    ("制度.docx", "一份纯文本\n".encode(), "plain text"),
    ("制度.pdf", samples.elf_program(), "a Linux executable (ELF)"),
    ("制度.doc", samples.windows_program(), "a Windows executable"),
    ("制度.docx", samples.plain_zip(), "a ZIP archive (not an Office document)"),
    ("制度.docx", samples.ooxml("xlsx"), "an Excel workbook (.xlsx)"),
    ("制度.docx", samples.odf("odt"), "an OpenDocument text (.odt)"),
    ("制度.doc", samples.excel_97(), "an Excel 97-2003 workbook (.xls)"),
    (
        "制度.doc",
        samples.ole({"\x05SummaryInformation": b"s", "Property": b"msi"}),
        "an OLE compound file that is not Word, Excel or PowerPoint (such as .msi or .msg)",
    ),
    ("现场.jpg", samples.image("PNG"), "a PNG image"),
    ("说明.txt", samples.pdf(), "a PDF"),
    ("说明.txt", samples.image("GIF"), "a GIF image"),
    ("说明.txt", bytes(range(256)) * 10, "unrecognised binary data"),
    ("现场.png", b"\x00\x01\x02 nothing known", "unrecognised binary data"),
    ("截图.bmp", b"BMW,320i,2020\n", "plain text"),  # "BM" alone does not make a bitmap
    ("制度.pdf", b"ID3\x03\x00" + bytes(100), "a mp3 file (audio/mpeg)"),
]


@pytest.mark.parametrize(("name", "data", "found"), MISMATCHES, ids=[m[2] for m in MISMATCHES])
def test_content_that_is_not_what_the_extension_says_is_refused(store, name, data, found):
    refused = refusal(store, name, data)
    assert refused.code is RefusalCode.CONTENT_MISMATCH
    assert refused.message("en").endswith(f"(it is {found})")


def test_a_text_file_turning_binary_after_the_sniffed_head_is_refused(store):
    text = "序号,内容\n".encode() * (SNIFF_BYTES // 10 + 1000)
    refused = refusal(store, "台账.csv", text + b"\x00\x01binary")
    assert refused.code is RefusalCode.CONTENT_MISMATCH
    assert refused.reason == "not_text_at"
    assert str(len(text)) in refused.message("en")


def test_a_text_file_ending_inside_a_character_is_refused(store):
    refused = refusal(store, "说明.txt", "说明".encode()[:-1])
    assert refused.code is RefusalCode.CONTENT_MISMATCH


def test_a_long_text_whose_chinese_starts_after_the_head_is_judged_on_all_of_it(store):
    text = b"id,note\n" * (SNIFF_BYTES // 8 + 10) + "1,已回访\n".encode("gb18030")
    assert take(store, "回访.csv", text).media_type == "text/csv; charset=gb18030"


@pytest.mark.parametrize("text", [b"BMW,320i,2020\n", b"MZ-2000,ok\n", b"ID3,tag\n"])
def test_csv_lines_that_begin_like_a_binary_signature_are_still_text(store, text):
    assert take(store, "车辆.csv", text).media_type == "text/csv; charset=utf-8"


def test_office_files_written_with_data_descriptors_and_many_parts_are_recognised(store):
    # filetype alone calls this a plain ZIP: the main part is the 8th entry
    docx = samples.ooxml("docx", streamed=True, filler_parts=4, filler_size=100)
    assert take(store, "制度.docx", docx).media_type.endswith("wordprocessingml.document")


def test_an_office_file_whose_main_part_lies_beyond_the_head_is_taken_by_its_extension(store):
    xlsx = samples.ooxml("xlsx", filler_parts=3)
    assert len(xlsx) > SNIFF_BYTES
    assert take(store, "台账.xlsx", xlsx).media_type.endswith("spreadsheetml.sheet")
    assert refusal(store, "台账.pdf", xlsx).code is RefusalCode.CONTENT_MISMATCH


def test_old_office_files_are_told_apart_whatever_their_sector_layout(store):
    for data_first in (False, True):
        assert take(store, "制度.doc", samples.word_97(data_first=data_first))
        assert take(store, "台账.xls", samples.excel_97(data_first=data_first))
        assert take(store, "培训.ppt", samples.powerpoint_97(data_first=data_first))


def test_a_word_file_with_an_embedded_workbook_is_still_a_word_file(store):
    word = samples.ole({"WordDocument": b"text"}, {"ObjectPool": {"Workbook": b"chart"}})
    assert take(store, "制度.doc", word).media_type == "application/msword"
    assert refusal(store, "制度.xls", word).code is RefusalCode.CONTENT_MISMATCH


def test_an_old_office_file_whose_directory_lies_beyond_the_head_is_taken_by_extension(store):
    big = samples.ole({"Workbook": b"\x09\x08" + bytes(100_000)}, data_first=True)
    assert take(store, "台账.xls", big).media_type == "application/vnd.ms-excel"


# ---- nothing left behind -------------------------------------------------------------------


def test_an_upload_that_breaks_off_leaves_nothing(store):
    stream = GeneratedStream(10 * MiB, head=b"%PDF-1.7\n", fail_after=3 * MiB)
    with pytest.raises(ConnectionResetError):
        ingest(store, "报告.pdf", stream, UploadPolicy())
    assert stored_files(store) == []


@pytest.mark.parametrize("name", ["Console.pdf", "COM10.pdf", "报告 CON.pdf", "nul报告.txt"])
def test_names_that_only_resemble_a_windows_device_are_taken(store, name):
    assert take(store, name, samples.pdf() if name.endswith("pdf") else b"text").size


def test_a_refused_name_says_which_windows_rule_it_breaks(store):
    refused = refusal(store, "检查:记录?.pdf", samples.pdf())
    assert refused.message("en") == (
        "检查:记录?.pdf: the file name must not contain : ? (Windows does not allow them)"
    )
    refused = refusal(store, "com1.pdf", samples.pdf())
    assert refused.message("zh") == "com1.pdf：com1 是 Windows 保留的设备名，不能用作文件名"
    refused = refusal(store, "报\u200b告.pdf", samples.pdf())
    assert "\\u200b" in refused.message("en")  # shown escaped, so the person can find it


# ---- images must decode to their end -------------------------------------------------------


def noisy_image(image_format: str, size=(640, 480)) -> bytes:
    """A photo-like image: noise does not compress, so a cut loses real pixels."""
    from PIL import Image

    out = io.BytesIO()
    Image.effect_noise(size, 60).convert("RGB").save(out, image_format)
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares a huge canvas (a decompression bomb's first step)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1000)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


BROKEN_IMAGES = [
    ("截断.png", noisy_image("PNG")[:200_000]),  # an upload cut off halfway
    ("截断.png", noisy_image("PNG")[:-2000]),  # only the last rows missing
    ("截断.jpg", noisy_image("JPEG")[:20_000]),
    ("乱码.png", noisy_image("PNG")[:60] + bytes(range(256)) * 400),  # signature, then garbage
    ("乱码.jpg", noisy_image("JPEG")[:700] + b"\xff\x00garbage" * 3000),
    ("截断.gif", noisy_image("GIF")[:50_000]),
    ("截断.tif", noisy_image("TIFF")[:50_000]),
]


@pytest.mark.parametrize("weasyprint_imported", [False, True])
@pytest.mark.parametrize(("name", "data"), BROKEN_IMAGES, ids=[n for n, _ in BROKEN_IMAGES])
def test_a_truncated_or_garbled_image_is_refused(
    store, name, data, weasyprint_imported, monkeypatch
):
    from PIL import ImageFile

    # importing WeasyPrint (the dossier) sets this process-wide; the check must hold regardless
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", weasyprint_imported)
    refused = refusal(store, name, data)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is weasyprint_imported  # left as it was
    assert refused.code is RefusalCode.BROKEN_IMAGE
    assert "cut off or damaged" in refused.message("en")


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "GIF", "TIFF", "BMP", "WEBP"])
def test_a_whole_photo_is_taken(store, image_format):
    extension = {"JPEG": "jpg", "TIFF": "tif"}.get(image_format, image_format.lower())
    assert take(store, f"现场照片.{extension}", noisy_image(image_format)).created


def test_an_image_declaring_a_huge_canvas_is_refused_before_decoding(store):
    bomb = png_declaring(8_000, 8_000)  # 64 megapixels: below Pillow's own bound, above ours
    refused = refusal(store, "大图.png", bomb)
    assert refused.code is RefusalCode.TOO_MANY_PIXELS
    assert "64,000,000 pixels" in refused.message("en")
    bomb = png_declaring(40_000, 40_000)  # 1.6 gigapixels in 100 bytes
    tracemalloc.start()
    try:
        refused = refusal(store, "炸弹.png", bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert refused.code is RefusalCode.TOO_MANY_PIXELS
    assert "1,600,000,000 pixels" in refused.message("en")
    assert peak < 4 * MiB


def test_an_upload_known_to_be_too_large_is_refused_before_it_is_read(store):
    class DeclaredUpload(GeneratedStream):
        size = 190 * MiB  # what Streamlit's UploadedFile states

    upload = DeclaredUpload(190 * MiB, head=b"%PDF-1.7\n")
    with pytest.raises(EvidenceRefused) as refused:
        ingest(store, "扫描件.pdf", upload, UploadPolicy())
    assert refused.value.code is RefusalCode.TOO_LARGE
    assert upload.handed_out == 0 and stored_files(store) == []


def test_a_seekable_upload_over_the_limit_is_refused_unread(store):
    upload = io.BytesIO(b"%PDF-1.7\n" + bytes(3 * MiB))
    with pytest.raises(EvidenceRefused) as refused:
        ingest(store, "扫描件.pdf", upload, UploadPolicy(max_bytes=2 * MiB))
    assert refused.value.code is RefusalCode.TOO_LARGE
    assert upload.tell() == 0


def test_a_full_disk_is_a_clear_refusal_that_leaves_nothing(tmp_path):
    """The kernel's own refusal: the process may write no file over 1 MiB (EFBIG, as ENOSPC)."""
    import subprocess
    import sys

    script = f"""
import io, resource, sys
sys.path.insert(0, {str(Path(__file__).parent)!r})
from evidence import LocalBlobStore, UploadPolicy, ingest, EvidenceRefused
store = LocalBlobStore(__import__("pathlib").Path({str(tmp_path / "blobs")!r}))
resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, resource.RLIM_INFINITY))
try:
    ingest(store, "大文件.pdf", io.BytesIO(b"%PDF-1.7\\n" + bytes(3 << 20)), UploadPolicy())
except EvidenceRefused as refused:
    print(refused.code.value, refused.message("en"), sep="|")
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
        check=True,
    )
    code, message = done.stdout.strip().split("|")
    assert code == "no_space" and "disk holding the evidence folder is full" in message
    assert [p for p in (tmp_path / "blobs").rglob("*") if p.is_file()] == []
