"""Benchmark of the workbook bounds (run by hand; prints numbers, asserts nothing).

    python bench/bench_workbook.py [--cli] [--memory-gib 1.5]

Writes each hostile workbook of tests/hostile_workbooks.py to a temporary folder, then imports
it in a fresh process — ``import_workbook`` itself, or with --cli the whole
``gbt-audit catalogue import`` command (interpreter start and imports included) — under an
address-space limit (default 1.5 GiB), and prints for each: the file size, the wall time, the
peak resident memory of that process and the refusal's first line. A traceback or a process
killed by the memory limit shows as such. The first row imports a valid 7-row table: the
interpreter's start and imports, which on a loaded machine are most of each figure. The last
row imports the largest table the bounds let through (``largest_accepted``): 4,994 rows of 39
columns (194,766 cells of the 200,000), 4,800 items each with a scoring mode in words — the
worst case the app reads on an upload (once, as a job: worker/tasks.py ``workbook``).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from hostile_workbooks import HOSTILE  # noqa: E402
from workbook_builder import table  # noqa: E402

IN_PROCESS = """
import sys
from criteria.workbook import import_workbook
from criteria.workbook_problems import WorkbookError
from cli.catalogue_commands import read_bounded
from pathlib import Path
path = Path(sys.argv[1])
try:
    import_workbook(read_bounded(path), path.name)
    print("imported")
except WorkbookError as exc:
    print(exc.lines("en")[0])
    sys.exit(1)
"""


def largest_accepted() -> bytes:
    """96 indicators × (indicator row, sub-indicator row, 50 items of 1 point) = 4,992 rows, a
    合计 of 4,800; 评分方法 in words on every item; 34 filler number columns up to 39."""
    filler = list(range(34))
    rows: list[tuple[object, ...]] = []
    for a in range(1, 97):
        rows.append((f"{a}", f"一级指标{a}", 50, "", "", *filler))
        rows.append((f"{a}.1", f"二级指标{a}.1", 50, "", "", *filler))
        for c in range(1, 51):
            words = "按抽样比例扣分" if c % 2 else "不符合不得分"
            rows.append((f"{a}.1.{c}", f"评价内容{a}.{c}", 1, words, "否", *filler))
    rows.append(("合计", "", 4800, "", "", *filler))
    header = ("编号", "评价内容", "分值", "评分方法", "可删减", *(f"备用{n}" for n in filler))
    return table(rows, header=header)


def measure(command: list[str], memory_bytes: int) -> tuple[float, int, int, str]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    started = time.monotonic()
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        preexec_fn=limit,
        cwd=ROOT,
    )
    assert process.stdout is not None
    output = process.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.monotonic() - started
    lines = [line for line in output.splitlines() if line.strip()]
    shown = "TRACEBACK: " + lines[-1] if "Traceback" in output else (lines[0] if lines else "")
    return elapsed, usage.ru_maxrss * 1024, process.returncode, shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", action="store_true", help="time the whole gbt-audit command")
    parser.add_argument("--memory-gib", type=float, default=1.5)
    args = parser.parse_args()
    memory = int(args.memory_gib * (1 << 30))
    gbt = Path(sys.executable).with_name("gbt-audit")
    with tempfile.TemporaryDirectory() as folder:
        print(f"{'case':28} {'file':>10} {'time':>8} {'peak RSS':>10} exit  refusal")
        cases = {
            "(baseline: a valid table)": table,
            **HOSTILE,
            "largest accepted": largest_accepted,
        }
        for name, make in cases.items():
            path = Path(folder) / (name.replace(" ", "-") + ".xlsx")
            path.write_bytes(make())
            if args.cli:
                out = Path(folder) / "out.yaml"
                command = [str(gbt), "catalogue", "import", str(path), "--out", str(out)]
                command += ["--lang", "en"]
            else:
                command = [sys.executable, "-c", IN_PROCESS, str(path)]
            elapsed, peak, code, shown = measure(command, memory)
            size = path.stat().st_size
            print(
                f"{name:28} {size / 1e6:8.2f}MB {elapsed:7.2f}s {peak / (1 << 20):8.0f}MiB "
                f"{code:>4}  {shown[:110]}"
            )


if __name__ == "__main__":
    main()
