"""``gbt-audit evidence``: add a batch of files to an audit; move the evidence between the
local folder and a bucket."""

from __future__ import annotations

import argparse
import functools
import sys
from datetime import date
from pathlib import Path
from typing import Any

from cli.acting import acting_context, add_as_option
from services import evidence
from store import StoreError, open_store
from store.config import SettingsError
from store.evidence_batch import EVIDENCE_KINDS, Outcome, add_files
from texts import LANGS, t

REFUSED = 1


def add_evidence_commands(commands: Any) -> None:
    evidence = commands.add_parser("evidence", help="add evidence files; move the evidence store")
    actions = evidence.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser(
        "add",
        help="store files in an audit's evidence library (the app's intake checks), one line "
        "per file: stored, already there, or refused with why",
    )
    add.add_argument("audit_id", type=int, metavar="AUDIT_ID")
    add.add_argument("files", type=Path, nargs="+", metavar="FILE")
    add.add_argument(
        "--item", action="append", default=[], metavar="ID", help="link to this item (repeatable)"
    )
    add.add_argument("--title", help="title of every file (default: from each file's name)")
    add.add_argument("--kind", choices=EVIDENCE_KINDS, help="default: from each file's name")
    add.add_argument("--valid-until", type=date.fromisoformat, metavar="YYYY-MM-DD")
    add_as_option(add)
    add.add_argument("--lang", choices=LANGS, default="zh", help="language of the lines")
    add.set_defaults(run=run_add)

    move = actions.add_parser(
        "move",
        help="copy every evidence file to another store (a folder or s3://BUCKET/PREFIX), "
        "verify each copy, then remove the originals; afterwards point the installation's "
        "settings at the new store",
    )
    move.add_argument("target", metavar="FOLDER|s3://BUCKET/PREFIX")
    move.add_argument(
        "--keep", action="store_true", help="leave the originals where they are (a copy)"
    )
    move.set_defaults(run=run_move)


def run_add(args: argparse.Namespace) -> int:
    try:
        store = open_store()
    except (SettingsError, StoreError) as exc:
        print(f"cannot open the store: {exc}", file=sys.stderr)
        return REFUSED
    ctx = acting_context(args, store, args.lang)
    if ctx is None:
        return REFUSED
    # each file through the same service as the app's upload: stored, linked to the items and
    # the round's sign-off withdrawn by the change, in one transaction
    file_one = functools.partial(evidence.file_evidence, ctx, args.audit_id, items=args.item)
    try:
        outcomes = add_files(
            store,
            args.audit_id,
            args.files,
            file_one=file_one,
            items=args.item,
            title=args.title,
            kind=args.kind,
            valid_until=args.valid_until,
        )
    except StoreError as exc:
        message = exc.message(args.lang) if hasattr(exc, "message") else str(exc)
        print(f"nothing added: {message}", file=sys.stderr)
        return REFUSED
    counts = {outcome: 0 for outcome in Outcome}
    for outcome in outcomes:
        counts[outcome.outcome] += 1
        stream = sys.stderr if outcome.outcome is Outcome.REFUSED else sys.stdout
        print(outcome.line(args.lang), file=stream)
    print(
        t(
            "cli.evidence.summary",
            args.lang,
            total=len(outcomes),
            stored=counts[Outcome.STORED],
            already=counts[Outcome.ALREADY],
            refused=counts[Outcome.REFUSED],
        )
    )
    return REFUSED if counts[Outcome.REFUSED] else 0


def run_move(args: argparse.Namespace) -> int:
    from store.evidence_move import MoveRefused, move_evidence

    try:
        store = open_store()
        report = move_evidence(store, args.target, keep=args.keep, progress=_progress)
    except (SettingsError, StoreError, MoveRefused) as exc:
        print(f"\nnothing removed: {exc}", file=sys.stderr)
        return REFUSED
    print(file=sys.stderr)
    print(
        f"{report.copied} copied, {report.present} already there, {report.removed} removed "
        f"from {report.source}; all {report.total} verified in {report.target}"
    )
    if report.removed or not args.keep:
        print(f"now set the installation's evidence store to {report.target}")
    return 0


def _progress(done: int, total: int) -> None:
    print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)
