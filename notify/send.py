"""Sending the outbox: claim what is due, tell each target outside any transaction, record the
outcome (store/outbox.py keeps the attempts, the back-off and the failed state). Called by the
worker (worker/loop.py) and by ``gbt-audit remind``, never by a page.

A target is a recipient's mail ("mail:<account id>", for an active account with an address,
when a mail server is set) or a robot ("webhook:<digest of its URL>", so a changed list of URLs
does not confuse who already has it). A retry tells only the targets that did not take it."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage

import settings as listed
from domain.notifications import DeliveryState, Notification
from notify.message import Message, of_notification
from notify.webhooks import WebhookError, post
from reminders.mail import MailError, SmtpSettings, load_smtp_settings, message, send_all
from settings import WebhookUrl, logs
from store.repository import AuditStore
from store.uow import UnitOfWork
from texts import LANGS, t

log = logging.getLogger(logs.WORKER)


@dataclass(frozen=True)
class Channels:
    smtp: SmtpSettings | None
    webhooks: tuple[WebhookUrl, ...]

    @property
    def any(self) -> bool:
        return self.smtp is not None or bool(self.webhooks)


def load_channels(env: Mapping[str, str] | None = None) -> Channels:
    """The mail server (when GBT_AUDIT_SMTP_HOST is set) and the robots; a SettingsError
    names a setting that is set but wrong."""
    smtp = load_smtp_settings(env) if listed.SMTP_HOST.is_set(env) else None
    return Channels(smtp, listed.WEBHOOK_URL.read(env))


def webhook_target(hook: WebhookUrl) -> str:
    return "webhook:" + hashlib.sha256(hook.url.encode()).hexdigest()[:16]


@dataclass
class Delivery:
    """What one run of the sender did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    ids: list[int] = field(default_factory=list)


def error_text(stored: str, lang: str) -> str:
    """A stored failure in the reader's language (kept as {"zh": …, "en": …})."""
    try:
        worded = json.loads(stored)
    except ValueError:
        return stored
    if isinstance(worded, dict):
        return str(worded.get(lang) or worded.get("zh") or "")
    return stored


def deliver_due(
    store: AuditStore, channels: Channels, *, now: datetime | None = None, limit: int = 50
) -> Delivery:
    """Send every notification due now (at most ``limit``), once each."""
    done = Delivery()
    with UnitOfWork(store) as uow:
        claimed = uow.outbox.claim(limit=limit, now=now)
        mailboxes = {n.id: _mailboxes(uow, n) for n in claimed}
    for notification in claimed:
        delivered, errors = _send(notification, mailboxes[notification.id], channels)
        stored = json.dumps({lang: "; ".join(e[lang] for e in errors) for lang in LANGS})
        with UnitOfWork(store) as uow:
            outcome = uow.outbox.record(
                notification.id,
                delivered=delivered,
                error=stored if errors else "",
                now=now,
            )
        done.ids.append(notification.id)
        if outcome.state is DeliveryState.SENT:
            done.sent += 1
        elif outcome.state is DeliveryState.FAILED:
            done.failed += 1
            log.warning("notification %s failed: %s", outcome.id, error_text(stored, "en"))
        else:
            done.retrying += 1
    return done


def _mailboxes(uow: UnitOfWork, notification: Notification) -> dict[str, str]:
    """target → address, for the recipients who can be mailed."""
    found: dict[str, str] = {}
    for account_id in notification.recipients:
        account = uow.accounts.user_by_id(account_id)
        if account is not None and account.active and account.email:
            found[f"mail:{account_id}"] = account.email
    return found


def _send(
    notification: Notification, mailboxes: dict[str, str], channels: Channels
) -> tuple[list[str], list[dict[str, str]]]:
    said = of_notification(notification)
    delivered: list[str] = []
    errors: list[dict[str, str]] = []
    if channels.smtp is not None:
        for target, address in mailboxes.items():
            if target in notification.delivered:
                continue
            try:
                send_all(channels.smtp, [_mail(channels.smtp, address, said)])
            except MailError as exc:
                errors.append({lang: exc.text(lang) for lang in LANGS})
            else:
                delivered.append(target)
    for hook in channels.webhooks:
        target = webhook_target(hook)
        if target in notification.delivered:
            continue
        try:
            post(hook, said)
        except WebhookError as exc:
            errors.append({lang: exc.text(lang) for lang in LANGS})
        else:
            delivered.append(target)
    return delivered, errors


def _mail(smtp: SmtpSettings, address: str, said: Message) -> EmailMessage:
    footer = "\n".join(t("notify.footer", lang) for lang in LANGS)
    return message(smtp.sender, address, said.subject, f"{said.text()}\n\n{footer}")
