"""``gbt-audit worker``: run the app's heavy jobs (dossier, large imports) in this process."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from typing import Any

from store import StoreError, open_store
from store.config import SettingsError

REFUSED = 1


def add_worker_commands(commands: Any) -> None:
    worker = commands.add_parser(
        "worker",
        help="run the jobs the app queues (dossier exports, large imports) and send the "
        "notifications (mail, chat robots) until stopped",
    )
    worker.add_argument(
        "--once", action="store_true", help="run the queued jobs, then exit (for cron, tests)"
    )
    worker.add_argument(
        "--poll", type=float, default=1.0, metavar="SECONDS", help="look for jobs this often"
    )
    worker.set_defaults(run=run_worker_command)


def run_worker_command(args: argparse.Namespace) -> int:
    from notify.send import load_channels
    from store.jobs import Job
    from worker.loop import run_worker
    from worker.priority import job_niceness, lower_priority

    if not 0.05 <= args.poll <= 60:
        print("--poll must be between 0.05 and 60 seconds", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # before any thread starts (the store's, the heartbeat): a thread keeps its creator's
    lower_priority(job_niceness())
    print(f"worker running at niceness {os.getpriority(os.PRIO_PROCESS, 0)}", flush=True)
    try:
        store = open_store()
    except (SettingsError, StoreError) as exc:
        print(f"cannot open the store: {exc}", file=sys.stderr)
        return REFUSED
    try:  # the notification channels (GBT_AUDIT_SMTP_*, GBT_AUDIT_WEBHOOK_URL)
        channels = load_channels()
    except SettingsError as exc:
        print(exc.message("en"), file=sys.stderr)
        return REFUSED
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())  # the running job finishes first

    def said(job: Job, done: bool) -> None:
        print(f"job {job.id} ({job.kind}): {'done' if done else 'failed'}", flush=True)

    handled = run_worker(
        store, once=args.once, poll=args.poll, stop=stop, on_job=said, channels=channels
    )
    print(f"{handled} jobs handled", flush=True)
    return 0
