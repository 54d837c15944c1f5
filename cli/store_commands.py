"""Commands over the audit store (the same data folder or database URL as the app)."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from cli.acting import acting, add_as_option
from criteria.yaml_source import bounded
from evidence import format_bytes
from evidence.blobs import GC_GRACE
from scoring import display
from scoring.history import tier_title
from settings import SettingsError
from store import AuditStore, StoreError, open_store
from store.acting import acting_as
from texts import LANGS, t

REFUSED = 1


def add_commands(commands: Any) -> None:
    listing = commands.add_parser("list", help="organisations and their audits, with ids")
    listing.set_defaults(run=run_list)

    export = commands.add_parser("export", help="the application dossier (PDF) and 自评表 (xlsx)")
    export.add_argument("audit_id", type=int, metavar="AUDIT_ID")
    export.add_argument(
        "--out",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="folder for the two files (default: here)",
    )
    export.set_defaults(run=run_export)

    archive = commands.add_parser("archive", help="move one audit between machines as a .zip")
    actions = archive.add_subparsers(dest="action", required=True, metavar="ACTION")
    pack = actions.add_parser("export", help="write AUDIT_ID with its rounds and evidence")
    pack.add_argument("audit_id", type=int, metavar="AUDIT_ID")
    pack.add_argument("file", type=Path, metavar="FILE.zip")
    pack.set_defaults(run=run_archive_export)
    unpack = actions.add_parser(
        "import", help="import an archive (checked before anything is written)"
    )
    unpack.add_argument("file", type=Path, metavar="FILE.zip")
    add_as_option(unpack)
    unpack.set_defaults(run=run_archive_import)

    verify = commands.add_parser(
        "verify",
        help="re-hash every evidence file, check the change log's hash chain; exit 1 on damage",
    )
    verify.set_defaults(run=run_verify)

    gc = commands.add_parser(
        "gc", help="remove evidence files no record references (safe while the app runs)"
    )
    gc.add_argument(
        "--grace-minutes",
        type=int,
        default=int(GC_GRACE.total_seconds() // 60),
        metavar="N",
        help="keep unreferenced files younger than this: an upload may be about to commit "
        "(default: %(default)s)",
    )
    gc.set_defaults(run=run_gc)


def _store() -> AuditStore | None:
    try:
        return open_store()
    except (SettingsError, StoreError) as exc:
        print(f"cannot open the store: {exc}", file=sys.stderr)
        return None


def run_list(args: argparse.Namespace) -> int:
    store = _store()
    if store is None:
        return REFUSED
    broken = 0
    for organisation in store.organisations(include_archived=True):
        print(
            f"#{organisation.id} {organisation.profile.name}"
            f"{' (archived)' if organisation.archived else ''}"
        )
        try:
            audits = store.audits(organisation.id, include_archived=True)
        except Exception as exc:  # this organisation's records alone; the others are listed
            broken += 1
            print(f"  ⚠ its audits cannot be read: {_reason(exc)}")
            continue
        for audit in audits:
            try:
                result = store.round_result(audit.id)
            except Exception as exc:  # one damaged audit does not hide the rest
                broken += 1
                print(
                    f"  audit {audit.id}: round {audit.round_no} · ⚠ cannot be read: {_reason(exc)}"
                )
                continue
            tier = tier_title(result, "zh")
            print(
                f"  audit {audit.id}: round {audit.round_no} · {audit.audit_date} · "
                f"{audit.state.value} · {display.score_of(result)} {tier} · {audit.title}"
            )
    if broken:
        print(f"{broken} record(s) marked ⚠ cannot be read; the rest is listed", file=sys.stderr)
        return REFUSED
    return 0


def _reason(exc: Exception) -> str:
    return bounded(f"{type(exc).__name__}: {exc}", 200)


def run_export(args: argparse.Namespace) -> int:
    from dossier import DossierDataError, MissingCJKFont
    from dossier.assemble import export_dossier

    store = _store()
    if store is None:
        return REFUSED

    def progress(fraction: float, message: str) -> None:
        print(f"\r{fraction:4.0%} {message[:60]:<60}", end="", file=sys.stderr, flush=True)

    try:
        exported = export_dossier(store, args.audit_id, args.out, progress)
    except (StoreError, DossierDataError, MissingCJKFont) as exc:
        print(f"\nexport refused: {exc}", file=sys.stderr)
        return REFUSED
    print(file=sys.stderr)
    report = exported.report
    print(
        f"{exported.pdf}  ({report.pages} pages; evidence embedded {len(report.embedded)}, "
        f"listed {len(report.listed_only)}, missing {len(report.missing)})"
    )
    print(f"{exported.xlsx}")
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def run_archive_export(args: argparse.Namespace) -> int:
    from store.archive import export_audit

    store = _store()
    if store is None:
        return REFUSED
    try:
        path = export_audit(store, args.audit_id, args.file)
    except StoreError as exc:
        print(f"archive refused: {exc}", file=sys.stderr)
        return REFUSED
    print(path)
    return 0


def run_archive_import(args: argparse.Namespace) -> int:
    from store.archive import import_archive

    store = _store()
    if store is None:
        return REFUSED
    account = acting(args, store)
    if account is None:
        return REFUSED
    try:
        with acting_as(account.id, account.login):
            outcome = import_archive(store, args.file, actor=account.display_name)
    except StoreError as exc:
        print(f"archive refused, nothing was changed: {exc}", file=sys.stderr)
        return REFUSED
    print(
        f"imported as organisation #{outcome.organisation_id}: audits "
        + ", ".join(f"{old}→{new}" for old, new in outcome.audit_ids.items())
        + f"; {outcome.evidence_files} evidence files"
    )
    if outcome.unmatched_logins:
        print(_both("ui.imported_unmatched", logins=", ".join(outcome.unmatched_logins)))
    return 0


def run_verify(args: argparse.Namespace) -> int:
    store = _store()
    if store is None:
        return REFUSED
    checks = store.verify_evidence()
    bad = [c for c in checks if not c.ok]
    for check in bad:
        print(f"{check.state.value}: {check.sha256}", file=sys.stderr)
    print(f"{len(checks) - len(bad)} of {len(checks)} evidence files are as uploaded")
    chain = store.verify_change_log()
    if chain.ok:
        print(_both("store.verify.chain_ok", entries=chain.entries))
    else:
        reason = {lang: t(f"store.verify.reason.{chain.reason}", lang) for lang in LANGS}
        print(
            _both(
                "store.verify.chain_broken",
                entry=chain.first_broken,
                entries=chain.entries,
                reason=reason,
            ),
            file=sys.stderr,
        )
    return REFUSED if bad or not chain.ok else 0


def _both(key: str, **values: object) -> str:
    """A message in Chinese, then English; a dict value holds one text per language."""
    return " / ".join(
        t(key, lang, **{k: v[lang] if isinstance(v, dict) else v for k, v in values.items()})
        for lang in LANGS
    )


def run_gc(args: argparse.Namespace) -> int:
    if args.grace_minutes < 0:
        print("--grace-minutes must not be negative", file=sys.stderr)
        return 2
    store = _store()
    if store is None:
        return REFUSED
    from store.jobs import Jobs

    Jobs(store).expire()  # finished jobs a day old: their result files go with this run
    report = store.collect_garbage(timedelta(minutes=args.grace_minutes))
    print(
        f"removed {len(report.removed)} unreferenced evidence files "
        f"({format_bytes(report.freed_bytes)}); kept {report.kept_recent} younger than "
        f"{args.grace_minutes} minutes"
    )
    return 0
