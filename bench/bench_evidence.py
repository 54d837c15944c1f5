"""What taking in evidence costs over the bare minimum, measured in one run.

    python bench/bench_evidence.py [--mib 200] [--dir DIR] [--repeat 3]

For a generated stream of --mib MiB it times ``ingest`` (sniff, SHA-256, temp file, fsync,
atomic rename) against a baseline of the same work done plainly: ``hashlib.sha256`` over the
stream, plus copying the stream into a file with ``shutil.copyfileobj`` and one fsync. Times
are the best of --repeat runs; peak memory is measured in a separate run under tracemalloc (which
slows allocation, so it is not timed). Run by hand; pytest does not collect it.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evidence import LocalBlobStore, UploadPolicy, ingest

MiB = 1 << 20


class Stream:
    """``size`` bytes: ``head``, then ``block`` over and over; made on demand, never held."""

    def __init__(self, size: int, head: bytes, block: bytes) -> None:
        self.remaining = size
        self.head = head
        self.block = block
        self.offset = 0

    def read(self, size: int = -1, /) -> bytes:
        size = self.remaining if size < 0 else min(size, self.remaining)
        if self.head:
            data, self.head = self.head[:size], self.head[size:]
        else:
            start = self.offset % len(self.block)
            end = start + min(size, len(self.block) - start)
            data = bytes(memoryview(self.block)[start:end])  # a fresh object, as a socket gives
        self.remaining -= len(data)
        self.offset += len(data)
        return data


def plain_hash(stream: Stream, _: Path) -> None:
    digest = hashlib.sha256()
    while chunk := stream.read(MiB):
        digest.update(chunk)


def plain_copy(stream: Stream, work: Path) -> None:
    with (work / "copy").open("wb") as out:
        shutil.copyfileobj(stream, out, MiB)
        out.flush()
        os.fsync(out.fileno())


def ingest_as(name: str, size: int) -> Callable[[Stream, Path], None]:
    def run(stream: Stream, work: Path) -> None:
        store = LocalBlobStore(work / "blobs")
        ingest(store, name, stream, UploadPolicy(max_bytes=size))

    return run


def measure(
    job: Callable[[Stream, Path], None], make: Callable[[], Stream], parent: Path, repeat: int
) -> tuple[float, int]:
    """Best time in seconds over ``repeat`` runs, and the peak traced memory of one more run."""
    best = min(timed(job, make, parent) for _ in range(repeat))
    tracemalloc.start()
    try:
        timed(job, make, parent)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return best, peak


def timed(job: Callable[[Stream, Path], None], make: Callable[[], Stream], parent: Path) -> float:
    with tempfile.TemporaryDirectory(dir=parent) as work:
        stream = make()
        started = time.perf_counter()
        job(stream, Path(work))
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=200, help="stream size in MiB")
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    size = args.mib * MiB

    noise = os.urandom(MiB)  # made before measuring, so it is in no peak
    text = "2026-01-05,售后回访,客户满意,已归档\n".encode() * 20_000
    text_size = size - size % len(text)  # whole lines, so the text ends on a character
    cases = {
        "binary (PDF)": (lambda: Stream(size, b"%PDF-1.7\n", noise), "年度报告.pdf", size),
        "text (CSV)": (lambda: Stream(text_size, b"", text), "回访台账.csv", text_size),
    }

    python = sys.version.split()[0]
    print(f"{args.mib} MiB through {args.dir} (best of {args.repeat}; Python {python})")
    print(f"{'':28}{'time s':>9}{'MiB/s':>9}{'peak MiB':>10}")

    def row(label: str, seconds: float, peak: int | None, mib: float) -> None:
        peak_text = f"{peak / MiB:10.2f}" if peak is not None else f"{'':10}"
        print(f"{label:28}{seconds:9.3f}{mib / seconds:9.0f}{peak_text}")

    for case, (make, name, case_size) in cases.items():
        mib = case_size / MiB
        hashed, hash_peak = measure(plain_hash, make, args.dir, args.repeat)
        copied, copy_peak = measure(plain_copy, make, args.dir, args.repeat)
        taken, take_peak = measure(ingest_as(name, case_size), make, args.dir, args.repeat)
        print(f"-- {case}")
        row("  hashlib.sha256", hashed, hash_peak, mib)
        row("  file copy + fsync", copied, copy_peak, mib)
        row("  baseline (hash + copy)", hashed + copied, max(hash_peak, copy_peak), mib)
        row("  ingest", taken, take_peak, mib)
        print(f"  ingest / baseline: {taken / (hashed + copied):.2f}x")


if __name__ == "__main__":
    main()
