"""A real HTTP receiver on 127.0.0.1 (http.server in a thread) standing in for a chat robot: it
records every request and can be told to fail the first N of them (HTTP 500), or to answer like
a robot that refuses (``{"errcode": 310000, ...}``). ``secret`` checks 钉钉's signature the way
DingTalk does: timestamp within an hour, sign = base64(HMAC-SHA256(secret, "ts\\nsecret"))."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Received:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Robot:
    port: int = 0
    fail_first: int = 0  # answer HTTP 500 to this many requests first
    refuse: bool = False  # answer 200 with a non-zero errcode, as a robot that refuses does
    secret: str = ""  # check the DingTalk signature; a wrong one is errcode 310000
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str = "/robot/send?access_token=t0ken") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def answer(self, got: Received) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.received.append(got)
            if self.fail_first > 0:
                self.fail_first -= 1
                return 500, {"errcode": -1, "errmsg": "down"}
        if self.refuse:
            return 200, {"errcode": 93000, "errmsg": "invalid webhook url"}
        if self.secret and not dingtalk_signed(got.query, self.secret):
            return 200, {"errcode": 310000, "errmsg": "sign not match"}
        return 200, {"errcode": 0, "errmsg": "ok"}


def dingtalk_signed(query: dict[str, str], secret: str) -> bool:
    try:
        stamp = int(query["timestamp"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() * 1000 - stamp) > 3600_000:
        return False
    digest = hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
    return hmac.compare_digest(query.get("sign", ""), base64.b64encode(digest).decode())


@contextmanager
def webhook_receiver(**options: Any) -> Iterator[Robot]:
    robot = Robot(**options)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            parts = urlsplit(self.path)
            got = Received(
                parts.path,
                {k: v[0] for k, v in parse_qs(parts.query).items()},
                dict(self.headers.items()),
                self.rfile.read(length),
            )
            status, reply = robot.answer(got)
            data = json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    robot.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield robot
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
