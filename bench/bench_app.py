"""Benchmark of the app's responsiveness (run by hand; prints numbers, asserts nothing).

    python bench/bench_app.py [--evidence 200] [--changes 20]

On a fresh data folder with the full GB/T 27922 catalogue, one audit and N evidence files
linked across its items, streamlit.testing runs, in the same process:

- baseline: an empty Streamlit script's rerun (the framework's own cost per interaction);
- item change: the checklist page's rerun after one item's status changes (the save included),
  browsing by indicator and with the "open items" filter;
- page loads: each page's first run.

It prints medians and the ratio of an item change to the empty rerun. Browser rendering comes on
top of these numbers, and in the browser a change reruns only its card and the figures (AppTest
always runs the whole page): bench/bench_checklist_browser.py times that loop in Chromium.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from seeding import seed  # noqa: E402

EMPTY_APP = "import streamlit as st\nst.write('empty')\n"


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--evidence", type=int, default=200)
    parser.add_argument("--changes", type=int, default=20)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-app-"))
    started = time.perf_counter()
    seeded = seed(folder / "data", evidence=args.evidence)
    audit_id = seeded.audit_id
    print(
        f"seeded 1 audit, 52 items, {args.evidence} evidence files "
        f"in {time.perf_counter() - started:.1f} s"
    )

    from streamlit.testing.v1 import AppTest

    from store import open_store
    from store.sessions import SignInSessions
    from ui.auth import TOKEN_KEY

    empty = AppTest.from_string(EMPTY_APP, default_timeout=60)
    empty.run()
    baseline = [timed(empty.run) for _ in range(args.changes)]

    app = AppTest.from_file(str(ROOT / "audit_app.py"), default_timeout=60)
    app.session_state["audit_id"] = audit_id
    # signed in through a real session (the sign-in page is not measured)
    app.session_state[TOKEN_KEY] = SignInSessions(open_store()).start(seeded.user_id)
    app.run()
    loads = {}
    for page in ("audits", "evidence", "dashboard", "rounds", "portfolio", "dossier", "checklist"):
        loads[page] = timed(lambda p=page: app.switch_page(f"ui/pages/{p}.py").run())

    results = {}
    for mode in ("all", "open"):
        app.radio(key="checklist.filter").set_value(mode).run()
        samples = []
        for n in range(args.changes):
            # keys read item.<audit>.<item id>.status; take the first item the page shows
            first = next(str(r.key) for r in app.radio if str(r.key).endswith(".status"))
            item = "1.1.1" if mode == "all" else ".".join(first.split(".")[2:-1])
            status = "not_conforming" if n % 2 == 0 else "conforming"
            radio = app.radio(key=f"item.{audit_id}.{item}.status")
            samples.append(timed(lambda r=radio, s=status: r.set_value(s).run()))
            assert not app.exception, app.exception
        results[mode] = samples

    empty_ms = median_ms(baseline)
    print(f"empty app rerun (baseline): median {empty_ms:7.1f} ms")
    for mode, label in (("all", "by indicator"), ("open", "open-items filter")):
        change_ms = median_ms(results[mode])
        print(
            f"item change, {label:17}: median {change_ms:7.1f} ms, "
            f"max {max(results[mode]) * 1000:7.1f} ms, ratio to empty {change_ms / empty_ms:5.1f}×"
        )
    for page, seconds in loads.items():
        print(f"first load of {page:10}: {seconds * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
