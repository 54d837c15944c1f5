"""Put evidence PDF pages onto the appendix frame pages WeasyPrint laid out for them.

Each evidence page becomes a form XObject (its content stream and resources, untouched) drawn
scaled-to-fit into the frame's evidence area. The pages are placed while WeasyPrint writes the
document (its ``finisher``, on the PDF objects before they are written), so the rendered
document is written once and never read back. Unlike pypdf's ``merge_page`` this parses no
content stream and renames no resources, so it is fast and leaves the evidence exactly as it
was drawn. Evidence files are opened one at a time and closed once their objects are copied;
the copies are raw bytes the writer streams to the output. Annotations of evidence pages
(links, comments, form fields) are not carried over.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydyf
from pypdf import PageObject
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject, StreamObject

from dossier.evidence import open_pdf

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in PDF points, origin bottom-left
Matrix = tuple[float, float, float, float, float, float]

XOBJECT_NAME = "DossierEvidence"
BORDER_GREY = 0.72
WEASYPRINT_VERSION = (1, 7)  # the version pydyf writes when it is given none
_HEADER = re.compile(rb"%PDF-(\d+)\.(\d+)")


@dataclass(frozen=True)
class Slot:
    page_index: int  # 0-based, in the rendered document
    box: Box  # the frame's evidence area


@dataclass(frozen=True)
class MergeJob:
    ref: str
    path: Path
    slots: Sequence[Slot]  # one per page of the evidence PDF, in order


class EvidencePlacer:
    """WeasyPrint's ``finisher``: places every job's pages on their frames in the PDF being
    written. ``failed`` then holds the refs of the evidence that could not be placed (its frame
    pages stay without the evidence)."""

    def __init__(
        self,
        jobs: Sequence[MergeJob],
        on_job: Callable[[int, MergeJob], None] = lambda n, job: None,
    ) -> None:
        self.jobs = jobs
        self.on_job = on_job
        self.failed: list[str] = []

    def __call__(self, document: object, pdf: pydyf.PDF) -> None:
        pages = [pdf.objects[number] for number in pdf.pages["Kids"][::3]]
        for n, job in enumerate(self.jobs):
            self.on_job(n, job)
            try:
                copied = _copy_job(job, len(pdf.objects))
            except Exception:  # a file that changed or broke since it was inspected
                self.failed.append(job.ref)
                continue
            for raw in copied.objects:
                pdf.add_object(raw)
            for slot, (form, drawing) in zip(job.slots, copied.forms, strict=True):
                _place(pdf, pages[slot.page_index], form, drawing)


def pdf_version(paths: Iterable[Path]) -> str | None:
    """The version the document must declare: WeasyPrint's (None), or a newer evidence file's."""
    newest = WEASYPRINT_VERSION
    for path in paths:
        try:
            with path.open("rb") as stream:
                found = _HEADER.search(stream.read(1024))
        except OSError:
            continue
        if found:
            newest = max(newest, (int(found[1]), int(found[2])))
    return None if newest == WEASYPRINT_VERSION else f"{newest[0]}.{newest[1]}"


class RawObject(pydyf.Object):
    """An object copied from an evidence file, already serialised."""

    def __init__(self, data: bytes, stream: bool) -> None:
        super().__init__()
        self._data = data
        self._stream = stream

    @property
    def data(self) -> bytes:
        return self._data

    @property
    def compressible(self) -> bool:
        return not self._stream


@dataclass
class _Copied:
    objects: list[RawObject]  # in the order they are to be numbered
    forms: list[tuple[int, str]]  # per evidence page: its form's number, the frame's drawing


def _copy_job(job: MergeJob, first_number: int) -> _Copied:
    """Every page of the job's file as a form, with what it uses, numbered from
    ``first_number``; nothing is added to the document until the whole file is read."""
    copier = _Copier(first_number)
    forms = []
    with open_pdf(job.path) as reader:
        for slot, page in zip(job.slots, reader.pages, strict=True):
            forms.append((copier.form(page), _drawing(page, slot.box)))
    return _Copied(copier.objects, forms)


def _drawing(page: PageObject, box: Box) -> str:
    crop = page.cropbox
    matrix, (left, bottom, right, top) = fit(
        (float(crop.left), float(crop.bottom), float(crop.right), float(crop.top)),
        page.rotation,
        box,
    )
    return (
        f"q {_numbers(matrix)} cm /{XOBJECT_NAME} Do Q\n"
        f"q {BORDER_GREY} G 0.5 w {_numbers((left, bottom, right - left, top - bottom))} re S Q\n"
    )


def _place(pdf: pydyf.PDF, frame: Any, form: int, drawing: str) -> None:
    """Draw the form on the frame page, after the frame's own drawing, which leaves a
    transformed graphics state: isolate it with q ... Q. The frame gets resources of its own:
    WeasyPrint shares one dictionary among pages."""
    shared = _resolve(pdf, frame["Resources"])
    resources = pydyf.Dictionary(dict(shared))
    xobjects = _resolve(pdf, shared.get("XObject")) if shared.get("XObject") else {}
    resources["XObject"] = pydyf.Dictionary({**xobjects, XOBJECT_NAME: f"{form} 0 R".encode()})
    pdf.add_object(resources)
    frame["Resources"] = resources.reference
    before, after = _stream(b"q\n"), _stream(b"\nQ\n" + drawing.encode("ascii"))
    pdf.add_object(before)
    pdf.add_object(after)
    contents = frame["Contents"]
    inner = list(contents) if isinstance(contents, pydyf.Array) else [contents]
    frame["Contents"] = pydyf.Array([before.reference, *inner, after.reference])


def _resolve(pdf: pydyf.PDF, value: Any) -> Any:
    """A reference (b"12 0 R") to the object it names; any other value as it is."""
    if isinstance(value, bytes) and value.endswith(b" R"):
        return pdf.objects[int(value.split()[0])]
    return value


def _stream(data: bytes) -> pydyf.Stream:
    return pydyf.Stream([data], compress=True)


class _Copier:
    """Serialises the objects a page uses, each once, renumbered for the document."""

    def __init__(self, first_number: int) -> None:
        self.first_number = first_number
        self.objects: list[RawObject] = []
        self.numbers: dict[tuple[int, int], int] = {}

    def form(self, page: PageObject) -> int:
        contents = page.get_contents()
        crop = page.cropbox
        bbox = _numbers([float(v) for v in (crop.left, crop.bottom, crop.right, crop.top)])
        entries = [b"/Type /XObject /Subtype /Form", f"/BBox [{bbox}]".encode()]
        resources = page.get("/Resources")
        if resources is not None:
            entries.append(b"/Resources " + self.value(resources))
        data = zlib.compress(contents.get_data() if contents is not None else b"")
        entries.append(f"/Filter /FlateDecode /Length {len(data)}".encode())
        return self._add(b"<<" + b" ".join(entries) + b">>\nstream\n" + data + b"\nendstream", True)

    def value(self, obj: PdfObject) -> bytes:
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key not in self.numbers:
                target = obj.get_object()
                if target is None:
                    return b"null"
                if isinstance(target, DictionaryObject) and target.get("/Type") in (
                    "/Page",
                    "/Pages",
                ):
                    return b"null"  # never the evidence file's page tree
                number = self.first_number + len(self.objects)
                self.numbers[key] = number
                placeholder = RawObject(b"", False)
                self.objects.append(placeholder)
                serialised = self.direct(target)
                placeholder._data = serialised
                placeholder._stream = isinstance(target, StreamObject)
            return f"{self.numbers[key]} 0 R".encode()
        return self.direct(obj)

    def direct(self, obj: PdfObject) -> bytes:
        if isinstance(obj, StreamObject):
            data = obj._data
            entries = b"".join(
                self.direct(key) + b" " + self.value(value) + b"\n"
                for key, value in obj.items()
                if key != "/Length"
            )
            return (
                b"<<"
                + entries
                + f"/Length {len(data)}>>\nstream\n".encode()
                + data
                + b"\nendstream"
            )
        if isinstance(obj, DictionaryObject):
            entries = b"".join(
                self.direct(key) + b" " + self.value(value) + b"\n" for key, value in obj.items()
            )
            return b"<<" + entries + b">>"
        if isinstance(obj, ArrayObject):
            return b"[" + b" ".join(self.value(item) for item in obj) + b"]"
        out = io.BytesIO()
        obj.write_to_stream(out)
        return out.getvalue()

    def _add(self, data: bytes, stream: bool) -> int:
        number = self.first_number + len(self.objects)
        self.objects.append(RawObject(data, stream))
        return number


def fit(crop: Box, rotation: int, area: Box) -> tuple[Matrix, Box]:
    """The matrix that shows a page's crop box upright (its /Rotate applied), as large as fits
    in ``area``, centred across it and aligned to its top; and the box it then covers."""
    upright, width, height = _upright(crop[2] - crop[0], crop[3] - crop[1], rotation)
    x0, y0, x1, y1 = area
    scale = min((x1 - x0) / width, (y1 - y0) / height)
    shown_w, shown_h = width * scale, height * scale
    left, bottom = x0 + (x1 - x0 - shown_w) / 2, y1 - shown_h
    matrix = _then(
        _then((1, 0, 0, 1, -crop[0], -crop[1]), upright),
        (scale, 0, 0, scale, left, bottom),
    )
    return matrix, (left, bottom, left + shown_w, y1)


def _upright(width: float, height: float, rotation: int) -> tuple[Matrix, float, float]:
    """The matrix that turns a width × height box at the origin the way a viewer shows it
    (/Rotate turns clockwise), with the shown width and height."""
    rotation %= 360
    if rotation == 90:
        return (0, -1, 1, 0, 0, width), height, width
    if rotation == 180:
        return (-1, 0, 0, -1, width, height), width, height
    if rotation == 270:
        return (0, 1, -1, 0, height, 0), height, width
    return (1, 0, 0, 1, 0, 0), width, height


def _then(first: Matrix, second: Matrix) -> Matrix:
    """The matrix that applies ``first``, then ``second`` (PDF's row-vector convention)."""
    a, b, c, d, e, f = first
    A, B, C, D, E, F = second
    return (
        a * A + b * C,
        a * B + b * D,
        c * A + d * C,
        c * B + d * D,
        e * A + f * C + E,
        e * B + f * D + F,
    )


def _numbers(values: Sequence[float]) -> str:
    return " ".join(f"{v:.4f}".rstrip("0").rstrip(".") for v in values)
