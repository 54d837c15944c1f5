"""Ten people clicking while a large dossier is exported (issue 22; run by hand, prints numbers,
asserts nothing). Run it through the shared lock:

    flock /work/wt/browser.lock .venv/bin/python bench/bench_export_load.py \
        [--clients browser|protocol] [--sessions 10] [--seconds 60] [--evidence 50] \
        [--pages 5] [--worker-nice 10] [--rounds 1]

One `streamlit run` server on a fresh data folder (SQLite), one audit of the full GB/T 27922
catalogue per person (as bench/bench_load.py: switch indicators, score items, a pause between
actions, each click timed inside its page by bench/screen_timing.py), and one more audit whose
dossier runs to about 270 pages (``--evidence`` PDFs of ``--pages`` pages linked to its items).
Three phases, in one run and on the same server, each ``--seconds`` of clicking after the
sessions have signed in:

1. baseline: nobody exports;
2. export in the app: one more browser session clicks 生成申请资料 again and again with no
   worker running, so the app makes the dossier itself (in a child process at
   GBT_AUDIT_WORKER_NICE = ``--worker-nice``; ``0``: in the Streamlit server's own process,
   which every session shares, as before that setting);
3. export in the worker: the same, with ``gbt-audit worker`` running (as its own process,
   lowering its priority by the same setting), so the app only queues the job and its page
   polls it.

It prints each phase's click p50/p95 side by side, the change against the baseline (target of
the issue: the export costs the others < 20 % at p95), and the exports' own times and pages.
With --clients browser (the default) the people and the exporter are Chromium pages (nice the
run, `nice -n 10`, as before); they run on the server's machine and take the same cores the
server and the worker need: on a shared or 2-core machine the three phases differ by that
too, by more than the export costs. With --clients protocol they are bench/streamlit_client.py
clients (see bench/bench_load.py): each click is timed from its message to the server's end
of the run it started, and the exporter is one more such client (it opens the dossier page,
presses 生成申请资料 without waiting for that run, lets the page's job fragment poll as the
browser does, and waits for the export in the database before pressing again), so no browser
shares the cores and what moves between the phases is the export. It also prints each phase's
first loads, every action and the saves the database does not hold, and the machine's load
average before and after each phase.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import io
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

import bench_load  # noqa: E402
from bench_load import (  # noqa: E402
    Session,
    loadavg,
    make_people,
    signed_in_cookie,
    unsaved,
    warm_up,
)
from browser_app import CHROMIUM, CHROMIUM_ARGS, Server  # noqa: E402
from screen_timing import INIT, quantiles  # noqa: E402
from seeding import Seeded, seed  # noqa: E402

PHASES = ("baseline", "export in the app", "export in the worker")
# ten sign-ins at once on a loaded 2-core machine can take over a minute to the first card:
# the sessions (bench_load's) and the exporter wait this long for a page before giving up
LONG = 240_000
bench_load.LONG = LONG


def evidence_pdf(pages: int) -> bytes:
    """A realistic evidence file: a heading, Chinese prose and a table on every page."""
    from weasyprint import HTML

    rows = "".join(
        f"<tr><td>{n}</td><td>2026-0{n % 9 + 1}-1{n % 10}</td><td>上门维修空调，更换压缩机</td>"
        "<td>已完成</td><td>满意</td></tr>"
        for n in range(1, 16)
    )
    body = "".join(
        f"<section style='break-before: page'><h1>服务记录 第 {p + 1} 页</h1>"
        "<p>本记录依据《售后服务管理制度》第 4.2 条填写，记录顾客报修、派工、上门、完工确认及"
        "回访的全过程。服务人员须在接单后 2 小时内与顾客联系，24 小时内上门。</p>"
        "<table cellspacing=0 cellpadding=4 width=100% border=1><tr><th>序号</th><th>日期</th>"
        f"<th>服务内容</th><th>状态</th><th>回访</th></tr>{rows}</table></section>"
        for p in range(pages)
    )
    return HTML(string=f"<html lang=zh><body>{body}</body></html>").write_pdf()


def seed_export(audit_id: int, evidence: int, pages: int) -> None:
    """Link ``evidence`` distinct PDFs of ``pages`` pages across the audit's items."""
    from store import open_store

    store = open_store()
    audit = store.audit(audit_id)
    items = [i.id for i in store.catalogue(audit.catalogue_hash).items]
    base = evidence_pdf(pages)
    for k in range(evidence):
        record, _ = store.add_evidence(
            audit.organisation_id,
            f"服务记录{k:03d}.pdf",
            io.BytesIO(base + f"\n% evidence {k}\n".encode()),  # distinct, still valid
            title=f"服务记录 {k:03d}",
            kind="record",
            actor="bench",
        )
        store.link_evidence(audit.id, items[k % len(items)], record.id, actor="bench")


@functools.cache
def bench_store():
    from store import open_store

    return open_store()


def finished_dossiers() -> list[tuple[float, int]]:
    """(seconds from queued to finished, pages) of every dossier job done so far."""
    from sqlalchemy import select

    from store.tables import JobRow

    with bench_store()._read() as session:
        rows = session.execute(
            select(JobRow.created_at, JobRow.finished_at, JobRow.result, JobRow.state)
            .where(JobRow.kind == "dossier", JobRow.finished_at.is_not(None))
            .order_by(JobRow.id)
        ).all()
    return [
        ((done - queued).total_seconds(), int((result or {}).get("pages", 0)))
        for queued, done, result, state in rows
        if state == "done"
    ]


class Exporter:
    """One more person, on the big audit's dossier page, building the dossier again and again
    until the others are done clicking."""

    def __init__(self, audit_id: int, seeded: Seeded) -> None:
        self.audit_id, self.seeded = audit_id, seeded
        self.exports: list[tuple[float, int]] = []
        self.errors: list[str] = []

    async def run(self, browser, url: str, people: list[Session], done: asyncio.Event) -> None:
        context = await browser.new_context(viewport={"width": 1440, "height": 900})
        page = await context.new_page()
        await page.add_init_script(INIT)
        try:
            await context.add_cookies([signed_in_cookie(url, self.seeded)])  # as the others
            await page.goto(f"{url}dossier?audit={self.audit_id}")
            build = page.get_by_role("button", name="生成申请资料")
            await build.wait_for(timeout=LONG)
            while not all(p.first_load is not None or p.errors for p in people):
                await asyncio.sleep(0.2)  # everyone has signed in: the clicking starts now
            while not done.is_set():
                before = len(finished_dossiers())
                await build.click()
                # the export under way is let finish (leaving would stop it midway)
                deadline = time.monotonic() + 600
                while len(finished_dossiers()) <= before and time.monotonic() < deadline:
                    await asyncio.sleep(0.25)
        except Exception as exc:  # reported with the figures, not raised
            self.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
        finally:
            await context.close()


class ProtocolExporter(Exporter):
    """The exporter through bench/streamlit_client.py (--clients protocol): the dossier page
    opened, 生成申请资料 pressed (the button's trigger, not waited for: with no worker the
    click's own run lasts the whole export), the page's job fragment polled as the browser
    does (its run_every), each export let finish before the next press."""

    async def run(self, browser, url: str, people: list[Session], done: asyncio.Event) -> None:
        from streamlit_client import StreamlitClient

        cookie = signed_in_cookie(url, self.seeded)
        client = StreamlitClient(url, {cookie["name"]: cookie["value"]}, timeout=LONG / 1000)
        try:
            await client.open("dossier", f"audit={self.audit_id}")
            while not all(p.first_load is not None or p.errors for p in people):
                await asyncio.sleep(0.2)  # everyone has loaded: the clicking starts now
            while not done.is_set():
                before = len(finished_dossiers())
                build = client.screen.find("button", lambda b: b.label == "生成申请资料")
                if build is None:
                    raise LookupError(f"no 生成申请资料 button ({client.errors})")
                await client.click(build, wait=False)
                deadline = time.monotonic() + 600
                while len(finished_dossiers()) <= before and time.monotonic() < deadline:
                    await asyncio.sleep(0.25)
                await asyncio.sleep(2)  # the page's poll sees the end and reruns the page
        except Exception as exc:  # reported with the figures, not raised
            self.errors.append(f"{type(exc).__name__}: {exc}; {client.errors}")
        finally:
            await client.close()


async def phase(
    url: str,
    seeded: Seeded,
    number: int,
    sessions: int,
    seconds: float,
    think: float,
    clients: str = "browser",
    slot: int | None = None,
) -> tuple[list[Session], Exporter | None]:
    """Phase ``number`` (0: baseline): each person on an audit of their own that no earlier
    phase touched (a click on a status an item already has starts no run, and would wait);
    ``slot``: which set of audits, when phases repeat (``--rounds``)."""
    first = 1 + (number if slot is None else slot) * sessions  # audit 0 is the exporter's
    people = make_people(clients, seeded.audit_ids[first : first + sessions], seeded)
    exporter: Exporter | None = None
    if number:
        kind = ProtocolExporter if clients == "protocol" else Exporter
        exporter = kind(seeded.audit_ids[0], seeded)
    done = asyncio.Event()

    async def phase(browser) -> None:
        """The people clicking until their time is up, and the exporter until they are done
        (``browser``: None for protocol clients)."""

        async def clicking() -> None:
            await asyncio.gather(*(p.run(browser, url, seconds, think) for p in people))
            done.set()

        work = [clicking()]
        if exporter is not None:
            work.append(exporter.run(browser, url, people, done))
        await asyncio.gather(*work)

    if clients == "protocol":
        await phase(None)
        return people, exporter
    from playwright.async_api import async_playwright

    async with async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        await phase(browser)
        await browser.close()
    return people, exporter
    from playwright.async_api import async_playwright

    async with async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        async def clicking() -> None:
            await asyncio.gather(*(p.run(browser, url, seconds, think) for p in people))
            done.set()

        work = [clicking()]
        if exporter is not None:
            work.append(exporter.run(browser, url, people, done))
        await asyncio.gather(*work)
        await browser.close()
    return people, exporter


def start_worker(data_dir: Path, niceness: int) -> subprocess.Popen[bytes]:
    from store.jobs import Jobs

    env = {
        **os.environ,
        "GBT_AUDIT_DATA_DIR": str(data_dir),
        "GBT_AUDIT_WORKER_NICE": str(niceness),
    }
    env.pop("GBT_AUDIT_DATABASE_URL", None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "cli", "worker", "--poll", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    jobs = Jobs(bench_store())
    deadline = time.monotonic() + 60
    while not jobs.worker_running():
        if time.monotonic() > deadline or worker.poll() is not None:
            raise RuntimeError("the worker did not start")
        time.sleep(0.2)
    return worker


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    worker.send_signal(signal.SIGTERM)  # the running job finishes first
    try:
        worker.wait(timeout=120)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def click_times(people: list[Session]) -> list[float]:
    return [s for p in people for samples in p.times.values() for s in samples]


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60, help="of clicking, per phase")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between actions")
    parser.add_argument("--evidence", type=int, default=50, help="evidence PDFs in the dossier")
    parser.add_argument("--pages", type=int, default=5, help="pages of each evidence PDF")
    parser.add_argument(
        "--worker-nice", type=int, default=10, help="GBT_AUDIT_WORKER_NICE (app and worker)"
    )
    parser.add_argument(
        "--clients",
        choices=("browser", "protocol"),
        default="browser",
        help="Chromium pages, timed on screen; or protocol clients (the exporter too), timed "
        "to the server's answer",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="the three phases in turn this many times (baseline, app, worker, baseline, ...), "
        "so that a drift in the machine's load falls on every phase",
    )
    args = parser.parse_args()
    print(f"load average before: {loadavg()}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the server and the worker

    rounds: list[dict[str, list[Session]]] = []  # each round's sessions, by phase
    exports: dict[str, list[tuple[float, int]]] = defaultdict(list)
    missing: dict[str, list[str]] = defaultdict(list)  # saves seen that the database lacks
    stopped: dict[str, list[str]] = defaultdict(list)  # the exporter's errors
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder) / "data"
        seeded = seed(data_dir, audits=1 + len(PHASES) * args.rounds * args.sessions)
        seed_export(seeded.audit_ids[0], args.evidence, args.pages)
        app = Server(data_dir, env={"GBT_AUDIT_WORKER_NICE": str(args.worker_nice)})
        app.start()
        try:
            if args.clients == "protocol":  # as bench_load: the server has served a page
                asyncio.run(warm_up(app.url, seeded.audit_ids[-1], seeded))
            for turn in range(args.rounds):
                this_round: dict[str, list[Session]] = {}
                for number, name in enumerate(PHASES):
                    worker = start_worker(data_dir, args.worker_nice) if "worker" in name else None
                    try:
                        seen = len(finished_dossiers())
                        print(f"{name} ({turn + 1}): load average before {loadavg()}", flush=True)
                        people, exporter = asyncio.run(
                            phase(
                                app.url,
                                seeded,
                                number,
                                args.sessions,
                                args.seconds,
                                args.think,
                                args.clients,
                                slot=turn * len(PHASES) + number,
                            )
                        )
                        print(f"{name} ({turn + 1}): load average after {loadavg()}", flush=True)
                    finally:
                        if worker is not None:
                            stop_worker(worker)
                    exports[name] += finished_dossiers()[seen:]
                    missing[name] += unsaved(people)
                    this_round[name] = people
                    if exporter is not None:
                        stopped[name] += exporter.errors
                rounds.append(this_round)
        finally:
            app.stop()
    results = {name: [p for r in rounds for p in r[name]] for name in PHASES}

    print(f"load average after: {loadavg()}")
    print(
        f"{args.sessions} {args.clients} sessions clicking for {args.seconds:.0f} s per phase; "
        f"the dossier: {args.evidence} evidence PDFs × {args.pages} pages; "
        f"worker niceness {args.worker_nice}; {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} at the end"
    )
    if args.rounds > 1:
        print("p95 of each round, baseline / export in the app / export in the worker:")
        for turn, this_round in enumerate(rounds, 1):
            shown = [p95(click_times(this_round[name])) * 1000 for name in PHASES]
            print(f"  round {turn}: " + " / ".join(f"{v:.0f} ms" for v in shown))
    base = click_times(results["baseline"])
    base_p50, base_p95 = (statistics.median(base), p95(base)) if base else (0.0, 0.0)
    print(f"{'phase':22} {'clicks':>6} {'p50':>8} {'p95':>8} {'p95 vs baseline':>16}  exports")
    for name in PHASES:
        people = results[name]
        samples = click_times(people)
        if not samples:
            print(f"{name:22} no clicks")
            continue
        made = exports[name]
        change = f"{(p95(samples) / base_p95 - 1) * 100:+.0f} %" if base_p95 else "—"
        export_text = (
            f"{len(made)} × {made[0][1]} pages, {statistics.median([m[0] for m in made]):.1f} s "
            "each (median, queued to done)"
            if made
            else ("" if name == "baseline" else "none")
        )
        print(
            f"{name:22} {len(samples):6} {statistics.median(samples) * 1000:6.0f} ms "
            f"{p95(samples) * 1000:6.0f} ms {change:>16}  {export_text}"
        )
    for name in PHASES:
        people = results[name]
        print(f"\n{name}:")
        times: dict[str, list[float]] = defaultdict(list)
        for person in people:
            for action, samples in person.times.items():
                times[action].extend(samples)
        loads = [p.first_load for p in people if p.first_load is not None]
        print(f"  {'first load':17}: {quantiles(loads)}")
        for action in ("score an item", "switch indicator"):
            print(f"  {action:17}: {quantiles(times[action])}")
        print(f"  {'all actions':17}: {quantiles(click_times(people))}")
        lost = [f"session {p.number}: {c}" for p in people for c in p.lost_clicks]
        print(f"  clicks the screen did not keep: {len(lost)} {', '.join(lost)}")
        gone = missing.get(name, [])
        print(f"  saves shown but not in the database: {len(gone)} {', '.join(gone)}")
        for person in people:
            for error in person.errors:
                print(f"  session {person.number} stopped: {error}")
        for error in stopped[name]:
            print(f"  the exporter stopped: {error}")
    print(f"\nbaseline p50 {base_p50 * 1000:.0f} ms, p95 {base_p95 * 1000:.0f} ms")


if __name__ == "__main__":
    main()
