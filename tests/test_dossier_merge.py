"""Evidence pages are placed on their frames while WeasyPrint writes the document (its finisher),
so the rendered document is written once; a file that broke since it was inspected is reported
and leaves its frames empty, the rest of the document whole."""

from __future__ import annotations

import io

import evidence_samples as samples
import pypdfium2 as pdfium
from pypdf import PdfReader
from weasyprint import HTML

from dossier.merge import XOBJECT_NAME, EvidencePlacer, MergeJob, Slot, pdf_version

BOX = (100.0, 300.0, 400.0, 700.0)  # in PDF points, on an A4 page
THREE_PAGES = "".join(f"<p style='break-after: page'>frame {n}</p>" for n in range(3))


def write(jobs, tmp_path):
    placer = EvidencePlacer(jobs)
    out = io.BytesIO()
    HTML(string=THREE_PAGES).render().write_pdf(out, finisher=placer)
    return placer, out.getvalue()


def placed(page) -> bool:
    xobjects = page["/Resources"].get_object().get("/XObject", {})
    return "/" + XOBJECT_NAME in xobjects


def test_evidence_is_drawn_on_its_frames_and_a_broken_file_only_leaves_its_own_empty(tmp_path):
    good, broken = tmp_path / "good.pdf", tmp_path / "broken.pdf"
    good.write_bytes(samples.pdf(pages=2))
    broken.write_bytes(samples.pdf()[:200])  # cut short after it was inspected
    jobs = [
        MergeJob("E-01", good, [Slot(0, BOX), Slot(1, BOX)]),
        MergeJob("E-02", broken, [Slot(2, BOX)]),
    ]
    placer, pdf = write(jobs, tmp_path)
    assert placer.failed == ["E-02"]
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    assert [placed(page) for page in reader.pages] == [True, True, False]
    assert [reader.pages[n].extract_text().strip() for n in range(3)] == [
        "frame 0",
        "frame 1",
        "frame 2",
    ]
    # the evidence's red rectangle is drawn inside the box, the page without it has no red
    document = pdfium.PdfDocument(pdf)
    red = [_red_pixels(document[n]) for n in range(3)]
    assert red[0] > 1000 and red[1] > 1000 and red[2] == 0


def test_a_frame_gets_resources_of_its_own_the_other_pages_are_untouched(tmp_path):
    good = tmp_path / "good.pdf"
    good.write_bytes(samples.pdf())
    _, pdf = write([MergeJob("E-01", good, [Slot(1, BOX)])], tmp_path)
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    own, other = (reader.pages[n].raw_get("/Resources").idnum for n in (1, 0))
    assert own != other  # WeasyPrint's pages share one dictionary; the frame got a copy
    assert not placed(reader.pages[0]) and not placed(reader.pages[2])


def test_the_document_declares_the_newest_version_its_evidence_uses(tmp_path):
    old, new = tmp_path / "old.pdf", tmp_path / "new.pdf"
    old.write_bytes(samples.pdf())  # %PDF-1.4
    new.write_bytes(samples.pdf().replace(b"%PDF-1.4", b"%PDF-2.0", 1))
    assert pdf_version([old]) is None  # WeasyPrint's own 1.7
    assert pdf_version([old, new, tmp_path / "gone.pdf"]) == "2.0"


def _red_pixels(page) -> int:
    image = page.render(scale=1).to_pil().convert("RGB")
    return sum(1 for r, g, b in image.get_flattened_data() if r > 200 and g < 80 and b < 80)
