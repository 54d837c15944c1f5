"""The benchmarks' protocol client (bench/streamlit_client.py) against a real server: a signed-in
first load of the checklist, then one status click, saved in the database."""

from __future__ import annotations

import asyncio
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_load import SAVED, signed_in_cookie  # noqa: E402
from browser_app import Server  # noqa: E402
from seeding import seed  # noqa: E402
from streamlit_client import FINISHED, StreamlitClient  # noqa: E402


def test_first_load_and_a_saved_click(tmp_path, monkeypatch):
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(tmp_path / "data"))  # restored afterwards
    monkeypatch.delenv("GBT_AUDIT_DATABASE_URL", raising=False)
    seeded = seed(tmp_path / "data")
    server = Server(tmp_path / "data")
    server.start()
    try:
        cookie = signed_in_cookie(server.url, seeded)
        client = StreamlitClient(server.url, {cookie["name"]: cookie["value"]}, timeout=60)
        key = f"item.{seeded.audit_id}.1.1.1.status"

        async def visit():
            try:
                load = await client.open("checklist", f"audit={seeded.audit_id}")
                options = client.options(key)
                click = await client.choose(key, "符合")
                return load, options, click
            finally:
                await client.close()

        # in its own thread: a worker process that ran a browser journey before has
        # Playwright's event loop running in this one, where asyncio.run refuses to start
        with ThreadPoolExecutor(1) as thread:
            load, options, click = thread.submit(asyncio.run, visit()).result()
    finally:
        server.stop()

    assert load.status in FINISHED and not client.errors
    assert client.page_script_hash  # the checklist page's, from the navigation message
    assert options == ["符合", "不符合", "未评"]
    assert click.status in FINISHED
    card = client.screen.block("card_1_1_1")
    assert card is not None
    assert any(SAVED in text for text in client.screen.texts(card.path))
    assert client.chosen(key) == "符合"
    from store import open_store

    assert open_store().items(seeded.audit_id)["1.1.1"].status.value == "conforming"
