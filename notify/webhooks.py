"""Posting a message to group-chat robots, in the shape each one reads.

- 企业微信 (qyapi.weixin.qq.com): ``{"msgtype": "markdown", "markdown": {"content": …}}``
- 钉钉 (oapi.dingtalk.com): ``{"msgtype": "markdown", "markdown": {"title", "text"}}``; with a
  secret the URL gets ``timestamp`` (ms) and ``sign`` = base64(HMAC-SHA256(secret,
  "timestamp\\nsecret")), as DingTalk's robot security settings ask ("加签")
- 飞书 / Lark (open.feishu.cn, open.larksuite.com): a ``post`` of plain text elements; with a
  secret the body gets ``timestamp`` (s) and ``sign`` = base64(HMAC-SHA256(key="timestamp\\n
  secret", empty message)), as Feishu's custom bot asks ("签名校验")
- any other URL: plain JSON, the message's text and data (``notify/message.py``); with a
  secret, headers ``X-Gbt-Audit-Timestamp`` (s) and ``X-Gbt-Audit-Signature: sha256=`` hex
  HMAC-SHA256(secret, "timestamp." + body), so a receiver can check who sent it

User values in the Markdown shapes go through ``notify/plain.chat_text``. The HTTP client is the
standard library's ``urllib.request``: one small JSON POST with a timeout needs nothing more, and
the installed ``httpx`` (only a test tool's dependency) and ``requests`` (only Streamlit's) are
not dependencies of ours to rely on."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from enum import StrEnum
from typing import Any
from urllib.parse import quote

from domain.errors import Refused, network_failure
from notify.message import Message, Section
from notify.plain import chat_text
from settings import WebhookUrl

TIMEOUT_SECONDS = 10


class Shape(StrEnum):
    WECOM = "wecom"
    DINGTALK = "dingtalk"
    FEISHU = "feishu"
    JSON = "json"


class WebhookError(Refused):
    """A robot that could not be reached or did not take the message (codes notify.error.*)."""


_HOSTS = {
    "qyapi.weixin.qq.com": Shape.WECOM,
    "oapi.dingtalk.com": Shape.DINGTALK,
    "open.feishu.cn": Shape.FEISHU,
    "open.larksuite.com": Shape.FEISHU,
}


def shape_of(hook: WebhookUrl) -> Shape:
    return Shape(hook.shape) if hook.shape else _HOSTS.get(hook.host, Shape.JSON)


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _markdown(section: Section) -> str:
    lines = [f"**{chat_text(section.title)}**"]
    for label, value in section.lines:
        if label:
            lines.append(f"> {chat_text(label)}: {chat_text(value)}")
        else:
            lines.append(f"**{chat_text(value)}**")
    return "\n".join(lines)


def markdown(message: Message) -> str:
    return "\n\n".join(_markdown(s) for s in message.sections)


def _post_content(message: Message) -> list[list[dict[str, str]]]:
    rows: list[list[dict[str, str]]] = []
    for section in message.sections:
        if rows:
            rows.append([{"tag": "text", "text": chat_text(section.title)}])
        for label, value in section.lines:
            text = f"{label}: {value}" if label else value
            rows.append([{"tag": "text", "text": chat_text(text)}])
    return rows


def request_for(hook: WebhookUrl, message: Message, *, now: float | None = None) -> tuple[str, Any]:
    """The URL to post to (signed where the robot asks) and the JSON body."""
    now = time.time() if now is None else now
    shape = shape_of(hook)
    url = hook.url
    body: dict[str, Any]
    if shape is Shape.WECOM:
        body = {"msgtype": "markdown", "markdown": {"content": markdown(message)}}
    elif shape is Shape.DINGTALK:
        title = chat_text(message.sections[0].title)
        body = {"msgtype": "markdown", "markdown": {"title": title, "text": markdown(message)}}
        if hook.secret:
            stamp = int(now * 1000)
            sign = quote(dingtalk_sign(hook.secret, stamp), safe="")
            url += ("&" if "?" in url else "?") + f"timestamp={stamp}&sign={sign}"
    elif shape is Shape.FEISHU:
        post = {"title": chat_text(message.sections[0].title), "content": _post_content(message)}
        body = {"msg_type": "post", "content": {"post": {"zh_cn": post}}}
        if hook.secret:
            stamp = int(now)
            body = {"timestamp": str(stamp), "sign": feishu_sign(hook.secret, stamp), **body}
    else:
        body = {**message.data, "title": message.subject, "text": message.text()}
    return url, body


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A robot that answers with a redirect did not take the message: urllib would follow a
    POST's 301/302/303 as a GET without the body and call it a success."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def json_signature(secret: str, timestamp_s: int, data: bytes) -> str:
    """A plain-JSON receiver's check: sha256= hex HMAC-SHA256(secret, "timestamp." + body)."""
    signed = f"{timestamp_s}.".encode() + data
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def post(hook: WebhookUrl, message: Message, *, timeout: float = TIMEOUT_SECONDS) -> None:
    """Send ``message`` to one robot; WebhookError says why it did not take it."""
    now = time.time()
    url, body = request_for(hook, message, now=now)
    data = json.dumps(body, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if hook.secret and shape_of(hook) is Shape.JSON:
        headers["X-Gbt-Audit-Timestamp"] = str(int(now))
        headers["X-Gbt-Audit-Signature"] = json_signature(hook.secret, int(now), data)
    request = urllib.request.Request(url, data, headers, method="POST")
    host = hook.host
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            answer = response.read(65536)
    except urllib.error.HTTPError as exc:
        raise WebhookError("notify.error.http_status", host=host, status=exc.code) from None
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        kind = network_failure(exc)
        if kind is not None:  # worded in each language, not the system's English
            raise WebhookError(f"notify.error.{kind}", host=host) from None
        reason = getattr(exc, "reason", exc)
        raise WebhookError("notify.error.unreachable", host=host, reason=reason) from None
    _check_answer(shape_of(hook), host, answer)


def _check_answer(shape: Shape, host: str, answer: bytes) -> None:
    """企业微信 and 钉钉 answer ``errcode`` 0, 飞书 ``code`` 0 (older: ``StatusCode``) when they
    took the message, with HTTP 200 either way; a plain JSON receiver's 2xx is enough."""
    if shape is Shape.JSON:
        return
    try:
        reply = json.loads(answer or b"{}")
    except ValueError:
        reply = {}
    if not isinstance(reply, dict):
        reply = {}
    code = reply.get("errcode", reply.get("code", reply.get("StatusCode", 0)))
    if code not in (0, None):
        reason = reply.get("errmsg") or reply.get("msg") or reply.get("StatusMessage") or code
        raise WebhookError("notify.error.robot_refused", host=host, reason=str(reason)[:200])
