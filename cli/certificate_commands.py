"""``gbt-audit certificate add|record|status``: the certification cycle for consultants' scripts.
The use cases are services/certification.py, called as the local administrator; this file reads
arguments and prints."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from cli.acting import acting_context, add_as_option
from cli.store_commands import REFUSED, _store
from domain.certificate_rules import CertificateRule
from domain.errors import Refused
from scoring import display
from scoring.cycle import (
    DUE_WINDOW_DAYS,
    CycleEventKind,
    CycleStatus,
    EventStatus,
    HeldSurveillance,
    status_to_dict,
)
from services import certification
from services.context import Context
from store.certification import CertificateRecord
from texts import t


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text[:40]!r}") from None


def add_certificate_commands(commands: Any) -> None:
    certificate = commands.add_parser(
        "certificate", help="an organisation's certificate: add, record a surveillance, status"
    )
    actions = certificate.add_subparsers(dest="action", required=True, metavar="ACTION")

    add = actions.add_parser("add", help="record the certificate ORG_ID was granted")
    add.add_argument("organisation", type=int, metavar="ORG_ID")
    add.add_argument("--body", required=True, metavar="NAME", help="the certification body")
    add.add_argument("--number", required=True, metavar="NO", help="the certificate number")
    add.add_argument("--tier", required=True, metavar="TIER_ID", help="e.g. four_star")
    add.add_argument("--issued", required=True, type=_day, metavar="YYYY-MM-DD")
    add.add_argument("--lang", choices=["zh", "en"], default="zh", help="message language")
    add_as_option(add)
    add.set_defaults(run=run_add)

    record = actions.add_parser("record", help="a surveillance evaluation held on a day")
    record.add_argument("organisation", type=int, metavar="ORG_ID")
    record.add_argument("--on", required=True, type=_day, metavar="YYYY-MM-DD")
    record.add_argument("--tier", metavar="TIER_ID", help="the tier after it, if it changed")
    record.add_argument("--suspended", action="store_true", help="it suspended the certificate")
    record.add_argument("--lang", choices=["zh", "en"], default="zh", help="message language")
    add_as_option(record)
    record.set_defaults(run=run_record)

    status = actions.add_parser("status", help="validity, surveillances and renewal on a day")
    status.add_argument("organisation", type=int, metavar="ORG_ID")
    status.add_argument("--on", type=_day, metavar="YYYY-MM-DD", help="the day (default today)")
    status.add_argument(
        "--window",
        type=int,
        default=DUE_WINDOW_DAYS,
        metavar="DAYS",
        help=f"an event is due this many days ahead (default {DUE_WINDOW_DAYS})",
    )
    status.add_argument("--json", action="store_true", help="print the status as JSON")
    status.add_argument("--lang", choices=["zh", "en"], default="zh", help="text language")
    status.set_defaults(run=run_status)


def _context(args: argparse.Namespace, *, reading: bool = False) -> Context | None:
    """The named administrator account (--as), acting through the services; reading needs no
    name (it changes nothing)."""
    store = _store()
    if store is None:
        return None
    if reading:
        return Context.local_administrator(store, "gbt-audit")
    return acting_context(args, store, args.lang)


def run_add(args: argparse.Namespace) -> int:
    ctx = _context(args)
    if ctx is None:
        return REFUSED
    try:
        tier = certification.resolve_tier(ctx, args.organisation, args.tier)
        record = certification.add_certificate(
            ctx,
            args.organisation,
            body=args.body,
            number=args.number,
            tier=tier,
            issued_on=args.issued,
        )
    except (CertificateRule, Refused) as exc:
        print(exc.text(args.lang), file=sys.stderr)
        return REFUSED
    print(
        t(
            "cycle.added",
            args.lang,
            id=record.id,
            body=record.body,
            number=record.number,
            tier=record.tier,
            until=display.day(record.cycle.valid_until),
        )
    )
    return 0


def _result(held: HeldSurveillance, lang: str) -> str:
    return t(f"cycle.result.{held.result.value}", lang, tier=held.tier or "")


def run_record(args: argparse.Namespace) -> int:
    ctx = _context(args)
    if ctx is None:
        return REFUSED
    try:
        recorded = certification.record_surveillance(
            ctx, args.organisation, on=args.on, tier_id=args.tier, suspended=args.suspended
        )
    except (CertificateRule, Refused) as exc:
        print(exc.text(args.lang), file=sys.stderr)
        return REFUSED
    held = recorded.held
    print(
        t(
            "cycle.recorded",
            args.lang,
            n=recorded.number,
            on=display.day(held.held_on),
            result=_result(held, args.lang),
        )
    )
    return 0


def event_label(event: EventStatus, lang: str) -> str:
    if event.kind is CycleEventKind.SURVEILLANCE:
        return t("cycle.surveillance", lang, n=event.number)
    return t("cycle.renewal", lang)


def event_state(event: EventStatus, lang: str) -> str:
    on = display.day(event.held_on)
    if event.held and event.kind is CycleEventKind.SURVEILLANCE:
        return t("cycle.event.held_result", lang, on=on, result=_result(event.held, lang))
    return t(f"cycle.event.{event.state.value}", lang, on=on)


def status_lines(certificate: CertificateRecord, status: CycleStatus, lang: str) -> list[str]:
    lines = [
        t(
            "cycle.status_line",
            lang,
            body=certificate.body,
            number=certificate.number,
            tier=status.tier,
            until=display.day(status.valid_until),
            state=t(f"cycle.state.{status.state.value}", lang),
        )
    ]
    lines += [
        t(
            "cycle.event_line",
            lang,
            event=event_label(e, lang),
            due=display.day(e.due),
            state=event_state(e, lang),
        )
        for e in status.events
    ]
    return lines


def run_status(args: argparse.Namespace) -> int:
    ctx = _context(args, reading=True)
    if ctx is None:
        return REFUSED
    try:
        certificate, status = certification.certificate_status(
            ctx, args.organisation, on=args.on or date.today(), window_days=args.window
        )
    except (CertificateRule, Refused) as exc:
        print(exc.text(args.lang), file=sys.stderr)
        return REFUSED
    if args.json:
        data = {
            "organisation": args.organisation,
            "body": certificate.body,
            "number": certificate.number,
            **status_to_dict(status),
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print("\n".join(status_lines(certificate, status, args.lang)))
    return 0
