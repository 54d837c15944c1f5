"""Benchmark of the dossier export (run by hand; prints numbers, asserts nothing).

    python bench/bench_dossier.py [--evidence 50] [--pages 5] [--repeat 3] [--no-trace]
        [--keep out.pdf]
    python bench/bench_dossier.py --image 12000x12000 [--image 7000x7000 ...]

Builds the realistic 48-item catalogue's dossier with N evidence PDFs of P pages each (made
with WeasyPrint in a temporary folder), then measures, each in a fresh process so that peak
memory belongs to that measurement alone:

- export: render_pdf end to end (checks, hashing, layout, evidence merge, atomic write);
- baseline: WeasyPrint rendering the very same HTML to a PDF, nothing else;
- traced: render_pdf again under tracemalloc, for the peak of Python allocations.

Export and baseline alternate ``--repeat`` times; each prints its wall and CPU time (the
process's own, which a busy machine hardly moves) and the medians of the ratios. The baseline's
clock starts after the page's HTML is made (``prepare_page``), so the checks and the HTML count
as the export's extra.

With --image, it measures instead the dossier with one large-dimension PNG as its only evidence
(a plain picture, so the file stays small), against the same dossier without it: the peak RSS
of each export, and whether the image was placed (reduced to print size) or refused.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from dossier_fixtures import ITEMS, FolderEvidence, dossier_data, item_records  # noqa: E402
from weasyprint import HTML  # noqa: E402

from domain.records import EvidenceRecord  # noqa: E402
from dossier import render_pdf  # noqa: E402
from dossier.pdf import prepare_page  # noqa: E402

KINDS = ("制度文件", "记录", "报告", "证照", "清单")
MIB = 2**20
EVIDENCE_CSS = "body { font-family: sans-serif } td, th { border: 0.5pt solid #888 }"


def make_evidence(folder: Path, count: int, pages: int) -> tuple[FolderEvidence, tuple]:
    """``count`` PDFs of ``pages`` pages: a heading, Chinese prose and a table per page.
    Files already in ``folder`` are reused, so every process sees the same evidence."""
    source = FolderEvidence()
    records = []
    rows = "".join(
        f"<tr><td>{n}</td><td>2024-0{n % 9 + 1}-1{n % 10}</td><td>上门维修空调，更换压缩机</td>"
        f"<td>已完成</td><td>满意</td></tr>"
        for n in range(1, 16)
    )
    for n in range(count):
        body = "".join(
            f"<section style='break-before: page'><h1>证据 {n + 1}：服务记录 第 {p + 1} 页</h1>"
            "<p>本记录依据《售后服务管理制度》第 4.2 条填写，记录顾客报修、派工、上门、"
            "完工确认及回访的全过程。服务人员须在接单后 2 小时内与顾客联系，24 小时内上门。</p>"
            f"<table cellspacing=0 cellpadding=4 width=100%><tr><th>序号</th><th>日期</th>"
            f"<th>服务内容</th><th>状态</th><th>回访</th></tr>{rows}</table></section>"
            for p in range(pages)
        )
        path = folder / f"evidence-{n:03d}.pdf"
        if not path.exists():
            html = f"<html lang=zh><style>{EVIDENCE_CSS}</style><body>{body}</body></html>"
            HTML(string=html).write_pdf(path)
        records.append(
            EvidenceRecord(
                id=1000 + n,
                organisation_id=1,
                sha256=source.add(path),
                title=f"服务记录 {n + 1:02d}",
                kind=KINDS[n % len(KINDS)],
                original_name=f"服务记录{n + 1:02d}.pdf",
                size=path.stat().st_size,
                media_type="application/pdf",
                uploaded_by="李敏",
                uploaded_at=datetime(2025, 2, 10, 9, 30),
                valid_until=date(2026, 12, 31),
            )
        )
    return source, tuple(records)


def build(folder: Path, count: int, pages: int):
    source, records = make_evidence(folder, count, pages)
    items = item_records()
    ids = [item_id for item_id, *_ in ITEMS if item_id in items]
    for n, item_id in enumerate(ids):  # every file cited by one or two items
        cited = (records[n % count].id, records[(n * 7 + 3) % count].id)
        items[item_id] = replace(items[item_id], evidence_ids=tuple(dict.fromkeys(cited)))
    return source, dossier_data(records, items=items)


def measure(kind: str, folder: str, count: int, pages: int, keep: str | None, results) -> None:
    """One measurement in this (fresh) process; the data is rebuilt from the files on disk."""
    source, data = build(Path(folder), count, pages)
    destination = Path(folder, f"{kind}.pdf")
    if kind == "baseline":
        page = prepare_page(data, source, Path(folder))
        started, cpu = time.perf_counter(), time.process_time()
        page.html().write_pdf(destination)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        pages_out = None
    else:
        if kind == "traced":
            tracemalloc.start()
        started, cpu = time.perf_counter(), time.process_time()
        report = render_pdf(data, source, destination)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        pages_out = report.pages
        if keep and kind == "export":
            shutil.copy(destination, keep)
    traced = tracemalloc.get_traced_memory()[1] if tracemalloc.is_tracing() else None
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    results.put((kind, elapsed, cpu, max_rss, traced, pages_out))


def big_png(folder: Path, width: int, height: int) -> Path:
    """A photo-sized canvas with a frame and a few lines: megapixels, yet a small file."""
    from PIL import Image, ImageDraw

    path = folder / f"image-{width}x{height}.png"
    image = Image.new("RGB", (width, height), (236, 242, 248))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, width - 20, height - 20), outline=(31, 78, 121), width=40)
    for n in range(1, 10):
        draw.line((0, height * n // 10, width, height * n // 10), fill=(90, 120, 160), width=12)
    image.save(path, "PNG")
    return path


def measure_image(image: str | None, results) -> None:
    """One export of the small dossier, with the image ``image`` as its only evidence or none."""
    items = item_records()
    records: tuple[EvidenceRecord, ...] = ()
    source = FolderEvidence()
    if image:
        path = Path(image)
        records = (
            EvidenceRecord(
                id=101,
                organisation_id=1,
                sha256=source.add(path),
                title="服务网点照片",
                kind="照片",
                original_name=path.name,
                size=path.stat().st_size,
                media_type="image/png",
                uploaded_by="李敏",
                uploaded_at=datetime(2025, 2, 10, 9, 30),
            ),
        )
        items["1.3.1"] = replace(items["1.3.1"], evidence_ids=(101,))
    data = dossier_data(records, items=items)
    with tempfile.TemporaryDirectory(prefix="bench-dossier-image-") as out:
        started = time.perf_counter()
        report = render_pdf(data, source, Path(out, "dossier.pdf"))
        elapsed = time.perf_counter() - started
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    outcome = report.evidence[0].inclusion.value if report.evidence else "-"
    results.put((image, elapsed, max_rss, report.pages, outcome))


def run_images(sizes: list[str]) -> None:
    spawn = multiprocessing.get_context("spawn")
    results = spawn.Queue()
    with tempfile.TemporaryDirectory(prefix="bench-dossier-") as folder:
        images: list[str | None] = [None]
        for size in sizes:
            width, height = (int(n) for n in size.lower().split("x"))
            images.append(str(Path(folder, f"image-{width}x{height}.png")))
            # drawn in a child: a process's peak RSS passes on to the children it forks
            child = spawn.Process(target=big_png, args=(Path(folder), width, height))
            child.start()
            child.join()
        for image in images:
            child = spawn.Process(target=measure_image, args=(image, results))
            child.start()
            got = results.get()
            child.join()
            image, elapsed, max_rss, pages, outcome = got
            label = "no image (baseline)" if image is None else Path(image).stem
            size = f"{Path(image).stat().st_size / 1e6:5.2f} MB" if image else " " * 8
            print(
                f"{label:<26} {size}  {elapsed:6.2f} s   peak RSS {mib(max_rss):>9}"
                f"   {pages} pages   evidence: {outcome}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evidence", type=int, default=50)
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--keep", help="copy the exported dossier here")
    parser.add_argument("--repeat", type=int, default=3, help="export/baseline pairs")
    parser.add_argument(
        "--trace",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="one more export under tracemalloc (slow)",
    )
    parser.add_argument(
        "--image", action="append", metavar="WxH", help="measure a PNG of this size instead"
    )
    args = parser.parse_args()
    if args.image:
        run_images(args.image)
        return

    with tempfile.TemporaryDirectory(prefix="bench-dossier-") as folder:
        started = time.perf_counter()
        _, data = build(Path(folder), args.evidence, args.pages)
        evidence_bytes = sum(r.size for r in data.evidence)
        print(
            f"evidence: {args.evidence} PDFs × {args.pages} pages, "
            f"{evidence_bytes / 1e6:.1f} MB, made in {time.perf_counter() - started:.1f} s"
        )

        spawn = multiprocessing.get_context("spawn")  # a fresh interpreter: its own peak RSS
        results = spawn.Queue()

        def run(kind: str) -> tuple:
            child = spawn.Process(
                target=measure,
                args=(kind, folder, args.evidence, args.pages, args.keep, results),
            )
            child.start()
            got = results.get()
            child.join()
            return got[1:]

        # export and baseline alternate, so that a change in the machine's load over the run
        # falls on both; CPU time (the process's own) hardly moves with the load, wall time does
        pairs = [(run("export"), run("baseline")) for _ in range(args.repeat)]
        traced = run("traced") if args.trace else None

    print(f"pages in the dossier:         {pairs[0][0][4]}")
    for n, (export, base) in enumerate(pairs, 1):
        print(
            f"pair {n}: export {export[0]:6.2f} s wall {export[1]:6.2f} s CPU, peak RSS "
            f"{mib(export[2])} | WeasyPrint alone {base[0]:6.2f} s wall {base[1]:6.2f} s CPU, "
            f"peak RSS {mib(base[2])} | ratio wall {export[0] / base[0]:.3f} "
            f"CPU {export[1] / base[1]:.3f}"
        )
    wall = statistics.median(e[0] / b[0] for e, b in pairs)
    cpu = statistics.median(e[1] / b[1] for e, b in pairs)
    print(f"median ratio export / WeasyPrint: wall {wall:.3f}, CPU {cpu:.3f}")
    print(
        f"peak RSS: export {mib(max(e[2] for e, _ in pairs))}, "
        f"WeasyPrint alone {mib(max(b[2] for _, b in pairs))}"
    )
    if traced is not None:
        print(f"export under tracemalloc:     {traced[0]:6.2f} s   peak traced {mib(traced[3])}")
    if args.keep:
        print(f"dossier kept at {args.keep}")


def mib(size: int) -> str:
    return f"{size / MIB:.0f} MiB"


if __name__ == "__main__":
    main()
