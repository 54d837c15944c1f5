"""End to end in a real browser: `streamlit run` on 127.0.0.1 driven by Debian's headless
Chromium. A newcomer's first audit: create the company and the audit, score every item, attach
evidence, see the tier — and find it all again after the server restarts.

Screenshots go to artifacts/screenshots/ for a person to look at."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = pytest.mark.browser
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (Debian package chromium)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {**os.environ, "GBT_AUDIT_DATA_DIR": str(self.data_dir)}
        env.pop("GBT_AUDIT_DATABASE_URL", None)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "audit_app.py"),
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
        raise RuntimeError("streamlit did not start within 60 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None


@pytest.fixture
def server(tmp_path):
    running = Server(tmp_path / "data")
    running.start()
    yield running
    running.stop()


@pytest.fixture
def browser():
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


def evidence_pdf(folder: Path) -> Path:
    """A real one-page PDF with Chinese text, made here."""
    from weasyprint import HTML

    path = folder / "售后服务管理制度.pdf"
    HTML(string="<h1>售后服务管理制度</h1><p>第一条 为规范售后服务……</p>").write_pdf(path)
    return path


def settle(page) -> None:
    """Wait until Streamlit has finished the rerun the last action started."""
    page.wait_for_timeout(250)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000
    )


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_first_audit_from_company_to_tier_survives_a_restart(server, browser, tmp_path):
    expect = playwright.expect
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(server.url)
    page.get_by_label("企业名称 *").fill("华东家电服务有限公司")
    page.get_by_label("统一社会信用代码").fill("91110000600037341L")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存组织「华东家电服务有限公司」")).to_be_visible(timeout=15_000)
    shot(page, "01-organisation")

    page.get_by_role("button", name="创建并开始审核").click()
    expect(page.get_by_text("已评项目")).to_be_visible(timeout=15_000)
    settle(page)
    shot(page, "02-checklist")

    page.get_by_text("未评项目", exact=True).click()
    settle(page)
    # every item conforming, always the first open one (the filter's own radio comes first)
    open_items = page.get_by_test_id("stRadio").filter(has_text="未评")
    for _ in range(80):
        if open_items.count() < 2:
            break
        open_items.nth(1).get_by_text("符合", exact=True).click()
        settle(page)
    expect(page.get_by_text("52 / 52")).to_be_visible()
    shot(page, "03-all-assessed")

    page.get_by_role("link", name="证据库").click()
    settle(page)
    page.locator("input[type=file]").first.set_input_files(str(evidence_pdf(tmp_path)))
    page.wait_for_timeout(1000)
    page.get_by_role("button", name="上传").click()
    expect(page.get_by_text("售后服务管理制度.pdf：已保存为「售后服务管理制度」")).to_be_visible(
        timeout=15_000
    )
    settle(page)
    expect(page.get_by_text("预览（首页）")).to_be_visible()
    shot(page, "04-evidence")

    page.get_by_role("link", name="仪表盘").click()
    settle(page)
    expect(page.get_by_text("五星级").first).to_be_visible()
    expect(page.get_by_text("100.0").first).to_be_visible()
    shot(page, "05-dashboard")

    server.stop()
    server.start()
    page.goto(f"{server.url}dashboard?audit=1")
    settle(page)
    expect(page.get_by_text("五星级").first).to_be_visible(timeout=15_000)
    page.get_by_role("link", name="证据库").click()
    settle(page)
    expect(page.get_by_text("证据库 (1)")).to_be_visible()
    shot(page, "06-after-restart")
