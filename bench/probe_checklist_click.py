"""Where a checklist status click goes, in the browser (run by hand; prints, asserts nothing).

    python bench/probe_checklist_click.py [--clicks 12] [--profile]

The same page as bench_checklist_browser.py (the open-items view, 52 cards). For each click it
prints what the server sent (every websocket frame decoded: deltas by kind and fragment,
script_finished, their arrival after the pointer-down), the page's long animation frames
(their script and style/layout time) and the DOM size. With --profile it also records a
JavaScript CPU profile (CDP Profiler) of the clicks and prints the functions with the most
self time, and a trace's style/layout/paint totals (CDP Tracing)."""

from __future__ import annotations

import argparse
import base64
import collections
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from bench_checklist_browser import open_checklist  # noqa: E402
from browser_app import Server, launch  # noqa: E402
from screen_timing import settled_ms  # noqa: E402
from seeding import seed  # noqa: E402

LOAF = """
(() => {
  window.__loaf = [];
  window.__frames = [];
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) {
      window.__loaf.push({start: e.startTime, duration: e.duration,
        blocking: e.blockingDuration, render: e.renderStart, style: e.styleAndLayoutStart,
        scripts: e.scripts.map(s => ({fn: s.sourceFunctionName, url: s.sourceURL,
          inv: s.invoker, d: s.duration, layout: s.forcedStyleAndLayoutDuration}))});
    }
  }).observe({type: 'long-animation-frame', buffered: true});
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', e => {
        window.__frames.push({t: performance.now(), size: e.data.byteLength || e.data.size || 0});
      });
    }
  };
})();
"""


# every change to the page in a click: when, and what it touched (the nearest test id)
MUTATIONS = """(() => {
  window.__mut = 0; window.__muts = [];
  if (window.__mo) return;
  const name = n => {
    let e = n.nodeType === 1 ? n : n.parentElement;
    const own = e ? (e.tagName + (e.className && e.className.baseVal === undefined
      ? '.' + String(e.className).split(' ').filter(c => c.startsWith('st')).join('.') : '')) : '?';
    while (e && !e.dataset?.testid) e = e.parentElement;
    return (e ? e.dataset.testid : '-') + ' ' + own;
  };
  window.__mo = new MutationObserver(list => {
    window.__mut += list.length;
    const t = performance.now();
    for (const r of list) window.__muts.push([t, r.type + (r.attributeName ? ':'
      + r.attributeName : '') + ' ' + name(r.target)]);
  });
  window.__mo.observe(document, {subtree: true, childList: true, attributes: true,
    characterData: true});
})()"""


def describe(payload: bytes) -> str:
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    try:
        msg.ParseFromString(payload)
    except Exception:
        return f"?({len(payload)} B)"
    kind = msg.WhichOneof("type")
    if kind == "delta":
        delta = msg.delta
        what: str | None = delta.WhichOneof("type")
        if what == "new_element":
            what = "el:" + (delta.new_element.WhichOneof("type") or "?")
        elif what == "add_block":
            what = "block"
        path = ".".join(str(p) for p in msg.metadata.delta_path)
        return f"{what}@{path}" + (f"[{delta.fragment_id[:12]}]" if delta.fragment_id else "")
    if kind == "script_finished":
        return f"finished:{msg.script_finished}"
    if kind == "session_status_changed":
        s = msg.session_status_changed
        return f"status(running={s.script_is_running})"
    if kind == "ref_hash":
        return "ref_hash"
    return kind or "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clicks", type=int, default=12)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--all", action="store_true", help="the 'all' view (one indicator's cards) instead"
    )
    parser.add_argument("--shot", help="a screenshot of the page's top after the clicks, here")
    args = parser.parse_args()
    from playwright.sync_api import expect, sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder) / "data"
        seeded = seed(data_dir)
        app = Server(data_dir)
        app.start()
        try:
            with sync_playwright() as driver:
                browser = launch(driver)
                page, _ = open_checklist(browser, app.url, seeded, LOAF)
                context = page.context
                cdp = context.new_cdp_session(page)
                received: list[tuple[float, bytes]] = []
                cdp.on(
                    "Network.webSocketFrameReceived",
                    lambda e: received.append(
                        (
                            e["timestamp"],
                            base64.b64decode(e["response"]["payloadData"])
                            if e["response"]["opcode"] == 2
                            else e["response"]["payloadData"].encode(),
                        )
                    ),
                )
                sent: list[float] = []
                cdp.on("Network.webSocketFrameSent", lambda e: sent.append(e["timestamp"]))
                cdp.send("Network.enable")
                cards = page.locator("[class*='st-key-card_']")
                if not args.all:
                    page.get_by_text("未评项目", exact=True).click()
                    expect(cards).to_have_count(52, timeout=60_000)
                settled_ms(page)
                nodes = page.evaluate("document.getElementsByTagName('*').length")
                per_card = page.evaluate(
                    "[...document.querySelectorAll(\"[class*='st-key-card_']\")]"
                    ".map(c => c.getElementsByTagName('*').length)"
                )
                print(
                    f"{len(per_card)} cards; DOM elements: {nodes}; per card: "
                    f"{statistics.median(per_card)} (median)"
                )
                ids = [
                    c.split("st-key-card_")[1].split()[0]
                    for c in cards.evaluate_all("els => els.map(e => e.className)")
                ]
                if args.profile:
                    cdp.send("Profiler.enable")
                    cdp.send("Profiler.setSamplingInterval", {"interval": 200})
                    cdp.send("Profiler.start")
                totals: list[float] = []
                per_click_frames: list[int] = []
                for item in ids[: args.clicks]:
                    card = page.locator(f".st-key-card_{item}")
                    choice = card.get_by_role("radiogroup").get_by_text("符合", exact=True)
                    choice.scroll_into_view_if_needed()
                    target = choice.element_handle()
                    settled_ms(page)
                    page.evaluate("window.__loaf.length = 0; window.__frames.length = 0")
                    received.clear()
                    sent.clear()
                    mutations = page.evaluate(MUTATIONS)
                    target.click()
                    total = settled_ms(page)
                    totals.append(total)
                    data = page.evaluate(
                        "({down: window.__screenTiming.down, last: window.__screenTiming.last,"
                        " loaf: window.__loaf, frames: window.__frames, mut: window.__mut,"
                        " muts: window.__muts})"
                    )
                    down = data["down"]
                    frames = data["frames"]
                    per_click_frames.append(len(frames))
                    kinds = collections.Counter(describe(p).split("@")[0] for _, p in received)
                    arrivals = ", ".join(f"{f['t'] - down:.0f}" for f in frames)
                    print(
                        f"\n{item}: settled {total:.0f} ms; {len(frames)} frames at +[{arrivals}] "
                        f"ms; {data['mut']} mutation records; kinds {dict(kinds)}"
                    )
                    origin = sent[0] if sent else received[0][0]
                    print(f"    sent at monotonic {origin * 1000:.2f} ms")
                    print(f"    {len(sent)} frames sent; received (ms after the first sent):")
                    for at, p in received:
                        print(f"    +{(at - origin) * 1000:6.1f}", describe(p), len(p), "B")
                    groups = collections.Counter(
                        (round(t - down), what) for t, what in data["muts"]
                    )
                    for (at, what), n in sorted(groups.items()):
                        print(f"    change +{at} ms ×{n}: {what}")
                    for lo in data["loaf"]:
                        if lo["start"] + lo["duration"] < down:
                            continue
                        scripts = sorted(lo["scripts"], key=lambda s: -s["d"])[:3]
                        print(
                            f"    LoAF +{lo['start'] - down:.0f} ms dur {lo['duration']:.0f} "
                            f"(style+layout {lo['start'] + lo['duration'] - lo['style']:.0f}"
                            f" render {lo['start'] + lo['duration'] - lo['render']:.0f}) "
                            + "; ".join(
                                f"{s['inv'][:40]} {s['d']:.0f}ms forced {s['layout']:.0f}"
                                for s in scripts
                            )
                        )
                    del mutations
                print(
                    f"\nclicks: p50 {statistics.median(totals):.0f} ms, frames per click "
                    f"{statistics.median(per_click_frames)}"
                )
                if args.shot:
                    page.evaluate("window.scrollTo(0, 0)")
                    page.screenshot(path=args.shot)
                if args.profile:
                    profile = cdp.send("Profiler.stop")["profile"]
                    self_time: collections.Counter[str] = collections.Counter()
                    by_id = {n["id"]: n for n in profile["nodes"]}
                    deltas = profile["timeDeltas"]
                    for sample, dt in zip(profile["samples"], deltas, strict=False):
                        node = by_id[sample]
                        frame = node["callFrame"]
                        name = (
                            f"{frame['functionName'] or '(anon)'} "
                            f"{frame['url'].rsplit('/', 1)[-1]}:{frame['lineNumber']}"
                        )
                        self_time[name] += dt / 1000
                    total_ms = sum(self_time.values())
                    print(f"\nCPU profile: {total_ms:.0f} ms sampled over {args.clicks} clicks")
                    for name, ms in self_time.most_common(40):
                        print(f"  {ms:8.1f} ms  {name}")
                    Path(folder, "profile.json").write_text(json.dumps(profile))
                browser.close()
        finally:
            app.stop()
    _ = time


if __name__ == "__main__":
    main()
