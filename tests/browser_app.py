"""The app for real in a browser: `streamlit run` on 127.0.0.1 and Debian's headless Chromium.
Shared by the browser tests (tests/journeys/) and the browser benchmark (bench/)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import settings as listed

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# where screenshots go for a person to look at (outside the repository by default)
SHOTS = listed.SCREENSHOTS.read()


def free_port() -> int:
    """A free port on 127.0.0.1; GBT_AUDIT_BROWSER_PORTS=8600-8649 keeps to a range. Under
    pytest-xdist each worker takes its own share of the range (gw0 the 1st, 3rd… port, gw1 the
    2nd, 4th…): a port probed free here is bound by the server only seconds later, and another
    worker probing meanwhile must not pick it too."""
    wanted = listed.BROWSER_PORTS.read()
    candidates = worker_share(parse_ports(wanted)) if wanted else [0]
    for port in candidates:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError(f"no free port in {wanted}")


def parse_ports(wanted: str) -> range:
    """``8600-8649`` (both ends included) or one port."""
    low, _, high = wanted.partition("-")
    return range(int(low), int(high or low) + 1)


def worker_share(ports: range) -> range:
    """This pytest-xdist worker's ports of ``ports`` (all of them outside xdist)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # gw0, gw1, …
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT") or 1)
    index = int(worker[2:]) if worker.startswith("gw") and worker[2:].isdigit() else 0
    return ports[index % count :: count]


class Server:
    """`streamlit run <script>` on a data folder; start() waits until it answers. The app's
    script is audit_server.py: st.App with the sign-in routes and gate around audit_app.py."""

    def __init__(
        self,
        data_dir: Path,
        script: Path = ROOT / "audit_server.py",
        env: dict[str, str] | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.script = script
        self.extra_env = env or {}  # e.g. a shared database and bucket for several servers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {**os.environ, "GBT_AUDIT_DATA_DIR": str(self.data_dir)}
        env.pop("GBT_AUDIT_DATABASE_URL", None)
        env.pop("GBT_AUDIT_EVIDENCE_URL", None)
        env.update(self.extra_env)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(self.script),
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(self.port),
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("streamlit did not start within 60 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None


def launch(driver: Any) -> Any:
    """Headless Chromium from Debian (no browser download)."""
    return driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


# the app root's run state, as Streamlit's own browser tests read it: the status widget shows
# only after a delay, so its absence alone can be read before a slow run has even begun
# (the sign-in page is the server's own HTML page, not Streamlit's: it is idle once drawn)
IDLE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app && document.querySelector('form[action^="/account/"]')) return true;
  return app && app.dataset.testConnectionState === 'CONNECTED'
    && ['notRunning', 'initial'].includes(app.dataset.testScriptState)
    && !document.querySelector('[data-testid="stStatusWidget"]');
}"""


def settle(page: Any, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished the run the last action started (and any run that
    run asked for: a fragment's save reruns, a callback may rerun the page)."""
    for _ in range(2):  # idle twice, a moment apart: a requested rerun starts in between
        page.wait_for_timeout(100)
        page.wait_for_function(IDLE, timeout=timeout)


def shot(page: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Any, login: str, password: str) -> None:
    """Sign in through the app's sign-in page (a form of the server's own route, outside
    Streamlit) and wait until the app is shown."""
    form = page.locator("form")
    form.get_by_label("登录名").fill(login)
    form.get_by_label("密码", exact=True).fill(password)
    form.get_by_role("button", name="登录", exact=True).click()
    page.get_by_text("当前用户：").first.wait_for(timeout=30_000)
    settle(page)
