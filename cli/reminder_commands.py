"""``gbt-audit remind`` (for cron) and ``gbt-audit calendar``: reminders over the store."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cli.store_commands import REFUSED, _store
from domain.owners import Person
from dossier.brief import build_brief, render_brief
from dossier.fonts import MissingCJKFont
from notify.due_events import record_due_events
from notify.message import of_digest
from notify.send import deliver_due, load_channels
from notify.webhooks import WebhookError, post
from reminders.dates import audit_due_dates, owner_due_dates
from reminders.digest import body, digests, subject, team_digests
from reminders.ics import calendar_ics
from reminders.mail import MailError, message, send_all
from scoring import display
from settings import SettingsError
from store import StoreError
from store.accounts import Accounts
from store.config import display_zone
from store.uow import UnitOfWork
from texts import t

DEFAULT_DAYS = 14


def add_reminder_commands(commands: Any) -> None:
    remind = commands.add_parser(
        "remind",
        help="mail what is overdue or due soon and post it to the chat robots (SMTP from "
        "GBT_AUDIT_SMTP_* settings, robots from GBT_AUDIT_WEBHOOK_URL); send the notifications",
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
    """The digest by mail (to each organisation's contact and each owner with an address) and
    to the group-chat robots (one per organisation); then the overdue-action and surveillance
    events are recorded and the outbox sent. Either channel alone is enough."""
    if args.days < 0:
        print(f"--days must be 0 or more, got {args.days}", file=sys.stderr)
        return 2
    try:
        channels = load_channels()
    except SettingsError as exc:
        print(exc.message(args.lang), file=sys.stderr)
        return REFUSED
    if not args.dry_run and not channels.any:
        print(t("reminders.no_channel", args.lang), file=sys.stderr)
        return REFUSED
    store = _store()
    if store is None:
        return REFUSED
    today = display.today(display_zone())
    people = [Person(u.display_name, u.login, u.email or "") for u in Accounts(store).users()]
    found = digests(store, today, args.days, people)
    team = team_digests(store, today, args.days)
    if args.dry_run:
        for digest in found:
            print(f"To: {digest.recipient}\nSubject: {subject(digest)}\n\n{body(digest)}\n")
        for digest in team if channels.webhooks else ():
            print(json.dumps(of_digest(digest).data, ensure_ascii=False, indent=2))
        if not (found or team):
            print(t("reminders.nothing", args.lang))
        print(t("reminders.dry_run", args.lang))
        return 0
    failed = False
    if channels.smtp is not None and found:
        mails = [message(channels.smtp.sender, d.recipient, subject(d), body(d)) for d in found]
        try:
            send_all(channels.smtp, mails, lang=args.lang)
        except MailError as exc:
            print(exc, file=sys.stderr)
            failed = True
        else:
            print(t("reminders.sent", args.lang, n=len(mails)))
    if channels.webhooks and team:
        posted = 0
        for hook in channels.webhooks:
            try:
                for digest in team:
                    post(hook, of_digest(digest))
                    posted += 1
            except WebhookError as exc:
                print(exc.text(args.lang), file=sys.stderr)
                failed = True
        print(t("reminders.posted", args.lang, n=posted, robots=len(channels.webhooks)))
    if not (found or team):
        print(t("reminders.nothing", args.lang))
    record_due_events(store, today, args.days)
    delivery = deliver_due(store, channels)
    with UnitOfWork(store) as uow:
        uow.outbox.prune()
    if delivery.ids:
        print(
            t(
                "reminders.notifications",
                args.lang,
                sent=delivery.sent,
                retrying=delivery.retrying,
                failed=delivery.failed,
            )
        )
    return REFUSED if failed else 0


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
