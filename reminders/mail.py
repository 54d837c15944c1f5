"""Sending the digest through the SMTP server named in settings (standard library smtplib).

Settings, by environment variable, from the settings list (settings/): GBT_AUDIT_SMTP_HOST,
GBT_AUDIT_SMTP_PORT (587 with STARTTLS, else 25), GBT_AUDIT_SMTP_FROM, GBT_AUDIT_SMTP_STARTTLS
(true/false, default true), GBT_AUDIT_SMTP_USER, GBT_AUDIT_SMTP_PASSWORD.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import settings as listed
from domain.errors import network_failure
from settings import SettingsError
from texts import t

TIMEOUT_SECONDS = 20


class MailError(RuntimeError):
    """The server could not be reached or refused the mail; the message says which setting.
    ``str()`` is the text in the language asked for; ``text(lang)`` words it in another."""

    def __init__(self, code: str, lang: str, **values: object) -> None:
        self.code = code
        self.values = values
        super().__init__(t(code, lang, **values))

    def text(self, lang: str) -> str:
        return t(self.code, lang, **self.values)


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    starttls: bool = True
    user: str = ""
    password: str = ""


def load_smtp_settings(env: Mapping[str, str] | None = None) -> SmtpSettings:
    """The mail server from the environment; SettingsError names the setting that is wrong."""
    host = listed.SMTP_HOST.read(env)
    sender = listed.SMTP_FROM.read(env)
    starttls = listed.SMTP_STARTTLS.read(env)
    port = listed.SMTP_PORT.read(env, default="587" if starttls else "25")
    user = listed.SMTP_USER.read(env)
    password = listed.SMTP_PASSWORD.read(env)
    if user and not password:
        name = listed.SMTP_PASSWORD.name
        raise SettingsError("mail.setting_missing", name, name=name)
    return SmtpSettings(host, port, sender, starttls, user, password)


def message(sender: str, recipient: str, subject: str, text: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = recipient
    mail["Subject"] = subject
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    mail.set_content(text)  # UTF-8, encoded as the content needs
    return mail


def send_all(settings: SmtpSettings, mails: Sequence[EmailMessage], lang: str = "zh") -> None:
    """Send over one connection; any failure is a MailError naming the setting to check."""
    where = f"{settings.host}:{settings.port}"
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS) as server:
            if settings.starttls:
                try:
                    server.starttls(context=ssl.create_default_context())
                except smtplib.SMTPNotSupportedError:
                    raise MailError("mail.no_starttls", lang, server=where) from None
            if settings.user:
                try:
                    server.login(settings.user, settings.password)
                except smtplib.SMTPException as exc:
                    raise MailError("mail.login_refused", lang, server=where, reason=exc) from None
            for mail in mails:
                server.send_message(mail)
    except MailError:
        raise
    except smtplib.SMTPException as exc:
        raise MailError("mail.refused", lang, server=where, reason=exc) from None
    except (OSError, TimeoutError) as exc:
        kind = network_failure(exc)
        if kind is not None:  # worded in each language, not the system's English
            raise MailError(f"mail.{kind}", lang, server=where) from None
        raise MailError("mail.unreachable", lang, server=where, reason=exc) from None
