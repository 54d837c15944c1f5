"""Put evidence PDF pages onto the appendix frame pages WeasyPrint laid out for them.

Each evidence page becomes a form XObject (its content stream and resources, untouched) drawn
scaled-to-fit into the frame's evidence area. Unlike pypdf's ``merge_page`` this parses no
content stream and renames no resources, so it is fast and leaves the evidence exactly as it
was drawn. Evidence files are opened one at a time and closed once their pages are placed;
the writer keeps only the copied page objects until it streams the result to the output file.
Annotations of evidence pages (links, comments, form fields) are not carried over.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    PdfObject,
)

from dossier.evidence import open_pdf

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in PDF points, origin bottom-left
Matrix = tuple[float, float, float, float, float, float]

XOBJECT_NAME = "/DossierEvidence"
BORDER_GREY = 0.72


@dataclass(frozen=True)
class Slot:
    page_index: int  # 0-based, in the rendered document
    box: Box  # the frame's evidence area


@dataclass(frozen=True)
class MergeJob:
    ref: str
    path: Path
    slots: Sequence[Slot]  # one per page of the evidence PDF, in order


def merge_evidence(
    rendered: BinaryIO,
    jobs: Sequence[MergeJob],
    target: BinaryIO,
    on_job: Callable[[int, MergeJob], None] = lambda n, job: None,
) -> list[str]:
    """Write the rendered document with every job's pages placed; returns the refs of the
    evidence that could not be placed (its frame pages stay without the evidence)."""
    reader = PdfReader(rendered)
    writer = PdfWriter(clone_from=reader)
    header = reader.pdf_header
    failed = []
    for n, job in enumerate(jobs):
        on_job(n, job)
        try:
            with open_pdf(job.path) as reader:
                header = max(header, reader.pdf_header, key=_version)
                for slot, page in zip(job.slots, reader.pages, strict=True):
                    place_page(writer, writer.pages[slot.page_index], page, slot.box)
        except Exception:  # a file that changed or broke since it was inspected
            failed.append(job.ref)
    writer.pdf_header = header  # what the document uses: WeasyPrint's, or an evidence file's
    writer.write(target)
    return failed


def _version(header: str) -> tuple[int, ...]:
    """ "%PDF-1.7" -> (1, 7); anything unreadable sorts first."""
    try:
        return tuple(int(part) for part in header.removeprefix("%PDF-").split("."))
    except ValueError:
        return ()


def place_page(writer: PdfWriter, frame: PageObject, page: PageObject, box: Box) -> None:
    crop = page.cropbox
    matrix, (left, bottom, right, top) = fit(
        (float(crop.left), float(crop.bottom), float(crop.right), float(crop.top)),
        page.rotation,
        box,
    )
    _add_xobject(writer, frame, _page_as_form(writer, page))
    # the frame's own drawing leaves a transformed graphics state: isolate it with q ... Q
    drawing = (
        f"q {_numbers(matrix)} cm {XOBJECT_NAME} Do Q\n"
        f"q {BORDER_GREY} G 0.5 w {_numbers((left, bottom, right - left, top - bottom))} re S Q\n"
    )
    contents = frame.get_contents()
    before = contents.get_data() if contents is not None else b""
    combined = ContentStream(None, writer)
    combined.set_data(b"q\n" + before + b"\nQ\n" + drawing.encode("ascii"))
    frame.replace_contents(combined)
    frame.compress_content_streams()


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


def _page_as_form(writer: PdfWriter, page: PageObject) -> IndirectObject:
    contents = page.get_contents()
    form = DecodedStreamObject()
    form.set_data(contents.get_data() if contents is not None else b"")
    crop = page.cropbox
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject(
        FloatObject(v) for v in (crop.left, crop.bottom, crop.right, crop.top)
    )
    resources = page.get("/Resources")
    if resources is not None:
        cloned = resources.get_object().clone(writer)
        form[NameObject("/Resources")] = getattr(cloned, "indirect_reference", None) or cloned
    return _indirect(writer, form.flate_encode())


def _add_xobject(writer: PdfWriter, frame: PageObject, form: IndirectObject) -> None:
    """Give the frame page resources of its own: WeasyPrint shares one dictionary among pages."""
    shared = frame.get("/Resources")
    resources = DictionaryObject(shared.get_object()) if shared is not None else DictionaryObject()
    xobjects = resources.get("/XObject")
    xobjects = DictionaryObject(xobjects.get_object()) if xobjects else DictionaryObject()
    xobjects[NameObject(XOBJECT_NAME)] = form
    resources[NameObject("/XObject")] = xobjects
    frame[NameObject("/Resources")] = _indirect(writer, resources)


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


def _indirect(writer: PdfWriter, obj: PdfObject) -> IndirectObject:
    # streams must be indirect objects; pypdf has no public call to add a new one
    return writer._add_object(obj)
