"""Journeys in a real browser: a server per journey on a fresh data folder, one Chromium."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the page object next to the journeys

from browser_app import CHROMIUM, Server, launch

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


# tryfirst: pytest-xdist's worker reads the xdist_group marks in its own hook and appends the
# group to each test's id, which is what --dist loadgroup schedules by; a mark added after that
# hook (as a trylast hook once did) is silently ignored, and two journeys ran at once.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    for item in items:
        if "journeys" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # Under pytest-xdist (./dev.sh test runs two workers, --dist loadgroup) the journeys
            # all go to one worker, one after the other: a Streamlit server and Chromium each
            # are two cores' worth of load, and two journeys at once on 2 cores time out.
            item.add_marker(pytest.mark.xdist_group("browser"))
            # A browser on a loaded 2-core machine sometimes acts before Streamlit's frontend
            # has drawn a run (seen once in CI in ~100 journey runs). One more try, listed as
            # "rerun" in pytest's summary so it is seen, never silent; two failures fail.
            item.add_marker(pytest.mark.flaky(reruns=1))


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian package chromium)")
    with playwright.sync_playwright() as driver:
        browser = launch(driver)
        yield browser
        browser.close()


@pytest.fixture
def server(tmp_path):
    running = Server(tmp_path / "data")
    running.start()
    yield running
    running.stop()


@pytest.fixture
def evidence_pdf(tmp_path) -> Path:
    """A real one-page PDF with Chinese text, made here."""
    from weasyprint import HTML

    path = tmp_path / "售后服务管理制度.pdf"
    HTML(string="<h1>售后服务管理制度</h1><p>第一条 为规范售后服务……</p>").write_pdf(path)
    return path
