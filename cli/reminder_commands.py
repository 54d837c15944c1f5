"""``gbt-audit remind`` (for cron) and ``gbt-audit calendar``: reminders over the store."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cli.store_commands import REFUSED, _store
from domain.owners import Person
from dossier.brief import build_brief, render_brief
from dossier.fonts import MissingCJKFont
from reminders.dates import audit_due_dates, owner_due_dates
from reminders.digest import body, digests, subject
from reminders.ics import calendar_ics
from reminders.mail import MailError, load_smtp_settings, message, send_all
from scoring import display
from settings import SettingsError
from store import StoreError
from store.config import display_zone
from texts import t

DEFAULT_DAYS = 14


def add_reminder_commands(commands: Any) -> None:
    remind = commands.add_parser(
        "remind", help="mail what is overdue or due soon (SMTP from GBT_AUDIT_SMTP_* settings)"
    )
    remind.add_argument(
        "--days", type=int, default=DEFAULT_DAYS, help=f"look ahead (default {DEFAULT_DAYS})"
    )
    remind.add_argument("--dry-run", action="store_true", help="print the mails, send nothing")
    remind.add_argument("--lang", choices=["zh", "en"], default="zh", help="message language")
    remind.set_defaults(run=run_remind)

    feed = commands.add_parser("calendar", help="an .ics calendar of an audit's or owner's dates")
    which = feed.add_mutually_exclusive_group(required=True)
    which.add_argument("--audit", type=int, metavar="AUDIT_ID")
    which.add_argument("--owner", metavar="NAME_OR_EMAIL", help="one owner's actions")
    feed.add_argument("--out", type=Path, required=True, metavar="FILE.ics")
    feed.set_defaults(run=run_calendar)

    brief = commands.add_parser("brief", help="the one-page readiness brief (PDF) of an audit")
    brief.add_argument("audit_id", type=int, metavar="AUDIT_ID")
    brief.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    brief.add_argument("--lang", choices=["zh", "en"], default="zh", help="language")
    brief.set_defaults(run=run_brief)


def run_remind(args: argparse.Namespace) -> int:
    if args.days < 0:
        print(f"--days must be 0 or more, got {args.days}", file=sys.stderr)
        return 2
    settings = None
    if not args.dry_run:
        try:
            settings = load_smtp_settings()
        except SettingsError as exc:
            print(exc.message(args.lang), file=sys.stderr)
            return REFUSED
    store = _store()
    if store is None:
        return REFUSED
    found = digests(store, display.today(display_zone()), args.days)
    if not found:
        print(t("reminders.nothing", args.lang))
        return 0
    if settings is None:
        for digest in found:
            print(f"To: {digest.recipient}\nSubject: {subject(digest)}\n\n{body(digest)}\n")
        print(t("reminders.dry_run", args.lang))
        return 0
    mails = [message(settings.sender, d.recipient, subject(d), body(d)) for d in found]
    try:
        send_all(settings, mails, lang=args.lang)
    except MailError as exc:
        print(exc, file=sys.stderr)
        return REFUSED
    print(t("reminders.sent", args.lang, n=len(mails)))
    return 0


def run_calendar(args: argparse.Namespace) -> int:
    store = _store()
    if store is None:
        return REFUSED
    try:
        if args.audit is not None:
            audit = store.audit(args.audit)
            name = f"{store.organisation(audit.organisation_id).profile.name} · {audit.title}"
            dates = audit_due_dates(store, audit.id, display.today(display_zone()))
        else:
            name = args.owner
            dates = owner_due_dates(store, Person(args.owner), display.today(display_zone()))
        args.out.write_bytes(calendar_ics(name, dates))
    except (StoreError, OSError) as exc:
        print(exc, file=sys.stderr)
        return REFUSED
    print(f"{args.out}: {len(dates)} events")
    return 0


def run_brief(args: argparse.Namespace) -> int:
    store = _store()
    if store is None:
        return REFUSED
    try:
        brief = build_brief(store, args.audit_id, display.today(display_zone()), args.lang)
        pages = render_brief(brief, args.out, args.lang)
    except (StoreError, MissingCJKFont, OSError) as exc:
        print(exc, file=sys.stderr)
        return REFUSED
    print(f"{args.out}: {pages} page(s)")
    return 0
