"""Intake of an evidence file: name, type, size and content rules, then storage in one pass.

The first ``SNIFF_BYTES`` decide what the file is; the same bytes and the rest then stream
through the store's hashing write, with the size limit (and for text, the text check) applied
on the way. A refused file leaves nothing behind.
"""

from __future__ import annotations

import errno
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from evidence.blobs import BlobIntake, BlobTooLarge, Readable
from evidence.formats import FORMATS
from evidence.image_check import DECODED_KINDS, ImageProblem, check_decodes, check_header
from evidence.names import (
    MAX_NAME_BYTES,
    device_name,
    extension,
    forbidden_characters,
    name_problem,
    normalise,
    shown,
)
from evidence.sniff import OTHER, SNIFF_BYTES, TEXT, Sniffed, TextCheck, sniff
from scoring import display
from texts import t

MiB = 1 << 20
DEFAULT_EXTENSIONS = frozenset(FORMATS)


class RefusalCode(StrEnum):
    EMPTY = "empty"  # 0 bytes
    TOO_LARGE = "too_large"  # more bytes than the policy allows, counted while reading
    TYPE_NOT_ALLOWED = "type_not_allowed"  # extension missing or not in the policy
    CONTENT_MISMATCH = "content_mismatch"  # the bytes are not what the extension says
    BAD_NAME = "bad_name"  # empty, padded, path-like, control characters, too long
    BROKEN_IMAGE = "broken_image"  # an image that does not decode to its end (cut off, garbled)
    TOO_MANY_PIXELS = "too_many_pixels"  # an image canvas larger than image_check.MAX_PIXELS
    NO_SPACE = "no_space"  # the evidence folder's disk is full: not the file's fault


class EvidenceRefused(Exception):
    """An upload that is not taken, with the reason for people in both languages."""

    def __init__(self, code: RefusalCode, reason: str, message_zh: str, message_en: str) -> None:
        super().__init__(f"{message_zh} / {message_en}")
        self.code = code
        self.reason = reason  # the finer reason, e.g. "name_control" or "no_extension"
        self.message_zh = message_zh
        self.message_en = message_en

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh


@dataclass(frozen=True)
class UploadPolicy:
    max_bytes: int = 50 * MiB
    extensions: frozenset[str] = field(default=DEFAULT_EXTENSIONS)  # lowercase, without dot

    def __post_init__(self) -> None:
        if self.max_bytes <= 0:
            raise ValueError("max_bytes must be positive")
        object.__setattr__(self, "extensions", frozenset(self.extensions))
        unknown = sorted(self.extensions - FORMATS.keys())
        if unknown:  # the content of an unknown format could not be checked
            raise ValueError(f"no content check for: {', '.join(unknown)}")


@dataclass(frozen=True)
class IngestedFile:
    sha256: str
    size: int
    media_type: str  # from the content; text gets "; charset=utf-8" or "; charset=gb18030"
    original_name: str  # as uploaded, in Unicode NFC
    created: bool  # False: the same bytes were stored already


def ingest(
    store: BlobIntake,
    original_name: str,
    stream: Readable,
    policy: UploadPolicy = UploadPolicy(),  # frozen, so one shared default is safe
) -> IngestedFile:
    """Check and store one uploaded file, or raise ``EvidenceRefused`` with nothing stored."""
    name = normalise(original_name)
    if (problem := name_problem(name)) is not None:
        size = len(name.encode("utf-8", "surrogatepass"))
        raise _refused(
            RefusalCode.BAD_NAME,
            problem,
            name=shown(name),
            size=size,
            limit=MAX_NAME_BYTES,
            chars=" ".join(forbidden_characters(name)),
            device=device_name(name),
        )
    ext = extension(name)
    allowed = _allowed_list(policy.extensions)
    if not ext:
        raise _refused(RefusalCode.TYPE_NOT_ALLOWED, "no_extension", name=name, allowed=allowed)
    if ext not in policy.extensions:
        raise _refused(
            RefusalCode.TYPE_NOT_ALLOWED, "type_not_allowed", name=name, ext=ext, allowed=allowed
        )
    expected = FORMATS[ext]

    def too_large() -> EvidenceRefused:
        limit = format_bytes(policy.max_bytes)
        return _refused(RefusalCode.TOO_LARGE, "too_large", name=name, limit=limit)

    declared = _declared_size(stream)
    if declared is not None and declared > policy.max_bytes:
        raise too_large()  # known too large: refused before a byte is read or written
    head = _read_head(stream)
    if not head:
        raise _refused(RefusalCode.EMPTY, "empty", name=name)
    sniffed = sniff(head, complete=len(head) < SNIFF_BYTES)
    if not expected.accepts(sniffed.kind):
        raise _refused(
            RefusalCode.CONTENT_MISMATCH,
            "content_mismatch",
            name=name,
            expected=_label(Sniffed(expected.kind)),
            found=_label(sniffed),
        )

    text = TextCheck() if expected.kind == TEXT else None
    image = expected.kind in DECODED_KINDS
    try:
        if image:
            check_header(head)  # a canvas too large is refused before anything is stored
        # an image must decode to its end: checked on the complete file, before it is stored
        check = check_decodes if image else None
        blob = store.put(_Intake(head, stream, text), max_bytes=policy.max_bytes, check=check)
    except BlobTooLarge:
        raise too_large() from None
    except _NotText as not_text:
        raise _refused(
            RefusalCode.CONTENT_MISMATCH, "not_text_at", name=name, offset=not_text.offset
        ) from None
    except ImageProblem as image_problem:
        code = (
            RefusalCode.TOO_MANY_PIXELS
            if image_problem.reason == "image_too_many_pixels"
            else RefusalCode.BROKEN_IMAGE
        )
        raise _refused(code, image_problem.reason, name=name, **image_problem.values) from None
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            raise _refused(RefusalCode.NO_SPACE, "no_space", name=name) from None
        raise
    media_type = expected.media_type
    if text is not None:
        media_type += f"; charset={text.encoding}"
    return IngestedFile(blob.sha256, blob.size, media_type, name, blob.created)


def format_bytes(size: int) -> str:
    """1.5 MiB, 50 MiB, 999 B: as every size is shown (scoring.display.file_size)."""
    return display.file_size(size)


class _NotText(Exception):
    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset


class _Intake:
    """The stream ``put`` reads: the sniffed head first, then the rest, text-checked if needed."""

    def __init__(self, head: bytes, rest: Readable, text: TextCheck | None) -> None:
        self._head = head
        self._rest = rest
        self._text = text

    def read(self, size: int = -1, /) -> bytes:
        if self._head:
            cut = len(self._head) if size < 0 else size
            data, self._head = self._head[:cut], self._head[cut:]
        else:
            data = self._rest.read(size)
        if self._text is not None and not self._text.feed(data, final=not data):
            raise _NotText(self._text.failed_at or 0)
        return data


def _declared_size(stream: Readable) -> int | None:
    """The size an upload object states (Streamlit's UploadedFile.size) or a seekable stream's
    remaining length; None when unknown. Only ever used to refuse early: the limit is still
    enforced on the bytes actually read."""
    size = getattr(stream, "size", None)
    if isinstance(size, int):
        return size
    seekable = getattr(stream, "seekable", None)
    if callable(seekable) and seekable():
        try:
            seekable_stream: Any = stream  # seekable() said it has tell() and seek()
            here = seekable_stream.tell()
            end = seekable_stream.seek(0, io.SEEK_END)
            seekable_stream.seek(here)
            return int(end - here)
        except (OSError, AttributeError, ValueError):
            return None
    return None


def _read_head(stream: Readable) -> bytes:
    parts: list[bytes] = []
    got = 0
    while got < SNIFF_BYTES and (part := stream.read(SNIFF_BYTES - got)):
        parts.append(part)
        got += len(part)
    return b"".join(parts)


def _label(sniffed: Sniffed) -> Callable[[str], str]:
    def label(lang: str) -> str:
        if sniffed.kind == OTHER:
            text = t(
                "evidence.kind.other", lang, ext=sniffed.extension, media_type=sniffed.media_type
            )
        else:
            text = t(f"evidence.kind.{sniffed.kind}", lang)
        # Chinese puts a space between Han characters and a following Latin word: 不是 PDF
        return " " + text if lang == "zh" and text[:1].isascii() else text

    return label


def _allowed_list(extensions: Iterable[str]) -> Callable[[str], str]:
    ordered = sorted(extensions)
    return lambda lang: ("、" if lang == "zh" else ", ").join(ordered)


def _refused(code: RefusalCode, reason: str, **values: object) -> EvidenceRefused:
    def message(lang: str) -> str:
        filled = {key: v(lang) if callable(v) else v for key, v in values.items()}
        return t(f"evidence.refused.{reason}", lang, **filled)

    return EvidenceRefused(code, reason, message("zh"), message("en"))
