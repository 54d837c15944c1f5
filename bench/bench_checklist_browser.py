"""Click → screen in a real browser (run by hand; prints numbers, asserts nothing).

    python bench/bench_checklist_browser.py [--view open|indicator]

Starts `streamlit run` on 127.0.0.1 twice — the app on a fresh data folder with one audit of
the full GB/T 27922 catalogue (bench/seeding.py; the bench signs in as its administrator), and
an empty Streamlit page with one radio (the baseline) — and drives both with headless Chromium:

- app: the checklist with the "open items" filter, i.e. the whole catalogue on one page; every
  item is scored "conforming" in turn, each click timed until that card shows it was saved
  (the card's own rerun, the save, the header figures) and nothing is left running. With
  ``--view indicator``, the view the checklist opens on instead: one indicator's 2–5 cards at a
  time, every item scored in turn (moving on to the next indicator untimed);
- baseline: the same number of clicks on the empty page's radio, each timed until the page
  shows the new choice.

It prints p50/p95/max of both, the items shown on one page and the first load of the page.
Targets for the app: p50 ≤ 150 ms, p95 ≤ 400 ms. Set GBT_AUDIT_BROWSER_PORTS=8600-8649 to
keep to a port range.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from browser_app import Server, launch, sign_in  # noqa: E402
from screen_timing import install, quantiles, settled_ms  # noqa: E402
from seeding import Seeded, seed  # noqa: E402

from criteria import default_catalogue  # noqa: E402

EMPTY_PAGE = """import streamlit as st
choice = st.radio("choice", ["a", "b"], horizontal=True)
st.write(f"chosen: {choice}")
"""


def open_checklist(browser, url: str, seeded: Seeded, script: str = ""):
    """A new tab signed in on the checklist; returns (page, seconds from address to cards).
    ``script`` runs in the page before its own (bench/probe_checklist_click.py)."""
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1440, "height": 900})
    install(page)
    if script:
        page.add_init_script(script)
    start = time.perf_counter()
    page.goto(f"{url}checklist?audit={seeded.audit_id}")
    sign_in(page, seeded.login, seeded.password)
    expect(page.locator(".st-key-card_1_1_1")).to_be_visible(timeout=60_000)
    return page, time.perf_counter() - start


def card_ids(cards) -> list[str]:
    """The item ids of the cards on the page, in their order (1_1_1 for item 1.1.1)."""
    return [
        c.split("st-key-card_")[1].split()[0]
        for c in cards.evaluate_all("els => els.map(e => e.className)")
    ]


def score_each(page, ids: list[str], clicks: list[float], unsaved: list[str]) -> None:
    """Score every card of ``ids`` "conforming" in turn, each click timed from the press to the
    screen settled (into ``clicks``); a card that does not show its save goes into ``unsaved``."""
    for item in ids:
        card = page.locator(f".st-key-card_{item}")
        choice = card.get_by_role("radiogroup").get_by_text("符合", exact=True)
        choice.scroll_into_view_if_needed()
        target = choice.element_handle()  # found before the clock starts
        settled_ms(page)  # the scroll's own changes are over
        target.click()
        clicks.append(settled_ms(page) / 1000)
        if card.get_by_text("已自动保存").count() != 1:  # checked untimed, after it settled
            unsaved.append(item)


def bench_app(browser, url: str, seeded: Seeded) -> tuple[list[float], float, int, list[str]]:
    from playwright.sync_api import expect

    page, first_load = open_checklist(browser, url, seeded)
    page.get_by_text("未评项目", exact=True).click()
    cards = page.locator("[class*='st-key-card_']")
    expect(cards).to_have_count(52, timeout=60_000)
    ids = card_ids(cards)
    settled_ms(page)
    clicks: list[float] = []
    unsaved: list[str] = []
    score_each(page, ids, clicks, unsaved)
    page.close()
    return clicks, first_load, len(ids), unsaved


def bench_indicator_view(browser, url: str, seeded: Seeded) -> tuple[list[float], int, list[str]]:
    """The checklist as it opens (the "all" filter): one second-level indicator's 2–5 cards
    beside the indicator list. Every item scored "conforming" in turn, each click timed as
    above; moving to the next indicator is a click of its own, not timed."""
    from playwright.sync_api import expect

    page, _ = open_checklist(browser, url, seeded)
    group = page.get_by_role("radiogroup", name="二级指标")
    clicks: list[float] = []
    unsaved: list[str] = []
    most = 0
    for n, indicator in enumerate(s.id for s in default_catalogue().second_levels):
        if n:  # the option's own text, not its caption
            group.get_by_text(re.compile(rf"^{re.escape(indicator)} ")).click()
            settled_ms(page)
        cards = page.locator("[class*='st-key-card_']")
        expect(cards.first).to_be_visible(timeout=60_000)
        ids = card_ids(cards)
        most = max(most, len(ids))
        score_each(page, ids, clicks, unsaved)
    page.close()
    return clicks, most, unsaved


def bench_empty(browser, url: str, n: int) -> list[float]:
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1440, "height": 900})
    install(page)
    page.goto(url)
    expect(page.get_by_text("chosen: a")).to_be_visible(timeout=60_000)
    settled_ms(page)
    clicks = []
    for i in range(n):
        wanted = "b" if i % 2 == 0 else "a"
        target = page.get_by_role("radiogroup").get_by_text(wanted, exact=True).element_handle()
        target.click()
        clicks.append(settled_ms(page) / 1000)
        expect(page.get_by_text(f"chosen: {wanted}")).to_be_visible()
    page.close()
    return clicks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--view",
        choices=("open", "indicator"),
        default="open",
        help="the open-items view with all 52 cards (default), or the indicator view the "
        "checklist opens on (2–5 cards at a time)",
    )
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder) / "data"
        seeded = seed(data_dir)
        empty_script = Path(folder) / "empty_page.py"
        empty_script.write_text(EMPTY_PAGE, encoding="utf-8")
        app = Server(data_dir)
        app.start()  # before choosing the next port, which is free until a server takes it
        empty = Server(Path(folder) / "unused", script=empty_script)
        empty.start()
        try:
            with sync_playwright() as driver:
                browser = launch(driver)
                if args.view == "indicator":
                    clicks, shown, unsaved = bench_indicator_view(browser, app.url, seeded)
                    print(f"indicator view: at most {shown} items on one page")
                else:
                    clicks, first_load, shown, unsaved = bench_app(browser, app.url, seeded)
                    print(f"items on one page: {shown}; first load, signing in: {first_load:.2f} s")
                print(f"app, status click → screen settled: {quantiles(clicks)}", flush=True)
                if unsaved:
                    print(f"cards that did not show their save once settled: {', '.join(unsaved)}")
                baseline = bench_empty(browser, empty.url, len(clicks))
                browser.close()
        finally:
            app.stop()
            empty.stop()
    print(f"empty page, radio click → settled:  {quantiles(baseline)}")
    ratio = statistics.median(clicks) / statistics.median(baseline)
    print(f"median ratio app / empty page: {ratio:.1f}×   (targets: p50 ≤ 150 ms, p95 ≤ 400 ms)")


if __name__ == "__main__":
    main()
