"""``gbt-audit``: validate catalogues and score audits without the app.

Exit status: 0 success, 1 the input was refused (the messages say why and where), 2 usage,
141 the reader closed the output pipe early (``gbt-audit score … | head``: quiet, as a shell tool
killed by SIGPIPE).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from cli.catalogue_commands import add_catalogue_commands
from cli.certificate_commands import add_certificate_commands
from cli.evidence_commands import add_evidence_commands
from cli.reminder_commands import add_reminder_commands
from cli.selfeval_commands import add_selfeval_commands
from cli.store_commands import add_commands
from cli.token_commands import add_token_commands
from cli.user_commands import add_user_commands
from cli.worker_commands import add_worker_commands
from criteria import DEFAULT_CATALOGUE, Catalogue, CatalogueError, load_catalogue
from criteria.schema import CONFIDENCES
from scoring import (
    AuditError,
    AuditFileError,
    plan_next_tier,
    read_audit_file,
    result_to_dict,
    score_audit,
)
from scoring.text_report import render_text
from settings import SettingsError
from store import StoreError

REFUSED = 1
USAGE = 2  # as argparse exits for a bad option
CLOSED_PIPE = 141  # 128 + SIGPIPE, the status a shell reports for a tool that met a closed pipe


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gbt-audit",
        description="星级售后自评 — GB/T 27922-2011 after-sales service self-audit",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check a criteria catalogue file")
    validate.add_argument("catalogue", type=Path, metavar="CATALOGUE.yaml")
    validate.set_defaults(run=run_validate)

    score = commands.add_parser("score", help="score an audit file")
    score.add_argument("audit", type=Path, metavar="AUDIT.yaml")
    score.add_argument(
        "--catalogue",
        type=Path,
        default=DEFAULT_CATALOGUE,
        metavar="FILE",
        help="catalogue to score against (default: the bundled GB/T 27922-2011)",
    )
    score.add_argument(
        "--scheme",
        metavar="NAME",
        help="tier scheme id (default: the audit's, else the catalogue's default)",
    )
    score.add_argument("--json", action="store_true", help="print the result as JSON")
    score.add_argument("--lang", choices=["zh", "en"], default="zh", help="text output language")
    score.set_defaults(run=run_score)
    add_commands(commands)
    add_catalogue_commands(commands)
    add_selfeval_commands(commands)
    add_reminder_commands(commands)
    add_user_commands(commands)
    add_token_commands(commands)
    add_certificate_commands(commands)
    add_evidence_commands(commands)
    add_worker_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = int(args.run(args))
        sys.stdout.flush()  # a closed pipe shows here, not at exit where it cannot be caught
        return code
    except BrokenPipeError:
        _silence_stdout()
        return CLOSED_PIPE
    except (SettingsError, StoreError) as exc:  # a database gone away, a full disk: no traceback
        print(exc, file=sys.stderr)
        return 1


def _silence_stdout() -> None:
    """The reader has gone (``| head``): point stdout at /dev/null so the interpreter's own flush at
    exit finds nothing to write and prints no second traceback (as the Python docs advise)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # captured by a test: nothing to redirect
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def _load(path: Path) -> Catalogue | None:
    try:
        return load_catalogue(path)
    except CatalogueError as exc:
        print(f"catalogue refused: {len(exc.problems)} problem(s)", file=sys.stderr)
        print(str(exc), file=sys.stderr)
        return None


def run_validate(args: argparse.Namespace) -> int:
    catalogue = _load(args.catalogue)
    if catalogue is None:
        return REFUSED
    spec = catalogue.spec
    counts = Counter(item.source.confidence for item in catalogue.items)
    confidence = ", ".join(f"{counts[level]} {level}" for level in CONFIDENCES)
    print(
        f"{args.catalogue}: OK — {spec.standard} {catalogue.id}: "
        f"{len(spec.indicators)} first-level, {len(catalogue.second_levels)} second-level "
        f"indicators, {len(catalogue.items)} items, {spec.total_points} points "
        f"(confidence: {confidence}); tier schemes: "
        f"{', '.join(s.id for s in spec.tier_schemes)}; sha256 {catalogue.content_hash}"
    )
    return 0


def run_score(args: argparse.Namespace) -> int:
    catalogue = _load(args.catalogue)
    if catalogue is None:
        return REFUSED
    known = [s.id for s in catalogue.spec.tier_schemes]
    if args.scheme is not None and args.scheme not in known:
        # a mistake on the command line, not in the audit file: a usage error
        print(
            f"gbt-audit score: error: argument --scheme: unknown tier scheme {args.scheme!r}; "
            f"catalogue {catalogue.id} defines: {', '.join(known)}",
            file=sys.stderr,
        )
        return USAGE
    try:
        audit_file = read_audit_file(args.audit, catalogue)
    except AuditFileError as exc:
        print(f"audit refused:\n{exc}", file=sys.stderr)
        return REFUSED
    try:
        result = score_audit(catalogue, audit_file.audit, args.scheme, strict=True)
    except AuditError as exc:
        print("audit refused:", file=sys.stderr)
        for problem in exc.problems:
            print(audit_file.locate(problem), file=sys.stderr)
        return REFUSED
    plan = plan_next_tier(result, audit_file.audit)
    if args.json:
        json.dump(result_to_dict(result, plan), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(render_text(result, plan, catalogue, lang=args.lang))
    return 0
