"""The file formats evidence may come in: extension, media type, and the sniffed kinds that fit."""

from __future__ import annotations

from dataclasses import dataclass

from evidence import sniff


@dataclass(frozen=True)
class Format:
    extension: str
    media_type: str
    kind: str  # what the content must be (a kind from evidence.sniff), named in refusals
    also: frozenset[str] = frozenset()  # undecided kinds that are accepted too

    def accepts(self, kind: str) -> bool:
        return kind == self.kind or kind in self.also


_OOXML = frozenset({sniff.OOXML})
_OLE = frozenset({sniff.OLE})
_OPENXML = "application/vnd.openxmlformats-officedocument"
_OPENDOCUMENT = "application/vnd.oasis.opendocument"

FORMATS: dict[str, Format] = {
    f.extension: f
    for f in (
        Format("pdf", "application/pdf", "pdf"),
        Format("png", "image/png", "png"),
        Format("jpg", "image/jpeg", "jpeg"),
        Format("jpeg", "image/jpeg", "jpeg"),
        Format("gif", "image/gif", "gif"),
        Format("webp", "image/webp", "webp"),
        Format("tif", "image/tiff", "tiff"),
        Format("tiff", "image/tiff", "tiff"),
        Format("bmp", "image/bmp", "bmp"),
        Format("docx", f"{_OPENXML}.wordprocessingml.document", "docx", _OOXML),
        Format("xlsx", f"{_OPENXML}.spreadsheetml.sheet", "xlsx", _OOXML),
        Format("pptx", f"{_OPENXML}.presentationml.presentation", "pptx", _OOXML),
        Format("doc", "application/msword", "doc", _OLE),
        Format("xls", "application/vnd.ms-excel", "xls", _OLE),
        Format("ppt", "application/vnd.ms-powerpoint", "ppt", _OLE),
        Format("odt", f"{_OPENDOCUMENT}.text", "odt"),
        Format("ods", f"{_OPENDOCUMENT}.spreadsheet", "ods"),
        Format("odp", f"{_OPENDOCUMENT}.presentation", "odp"),
        Format("txt", "text/plain", sniff.TEXT),
        Format("csv", "text/csv", sniff.TEXT),
        Format("md", "text/markdown", sniff.TEXT),
    )
}
