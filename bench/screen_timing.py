"""Click → screen settled, timed inside the page (shared by the browser benchmarks).

Timing from outside the page misleads twice. Waiting until the app is idle (poll, then wait a
moment to be sure no other run starts) adds 200–300 ms: an empty Streamlit page "took" 269 ms
per radio click that way. And Playwright's text and role queries run on the page's own main
thread: polling for "saved" while the app renders took more of it than the app's own React
work (a CPU profile of six clicks: ~1 s in Playwright's accessibility code, 0.36 s in React
and its styling). So the page times itself and the driver only asks a cheap question:

- a listener notes when the pointer went down (the input event's own time stamp);
- every change to the page (a node, an attribute, a text) notes when the next frame after it
  had been drawn, i.e. when that change reached the screen;
- the driver waits, polling every 50 ms with two attribute reads, until the server has
  answered since the pointer went down, the app is idle and the page has been quiet for
  ``QUIET_MS``; the action's time is the last change's frame minus the pointer-down. What the
  action should have shown is checked after that, untimed."""

from __future__ import annotations

import statistics
from typing import Any

QUIET_MS = 400  # no change for this long after the app is idle: the screen has settled

INIT = """
(() => {
  const t = {down: 0, last: 0, answered: 0};
  window.__screenTiming = t;
  // the input's own time stamp: a click that waits behind a busy page is counted from the press
  document.addEventListener('pointerdown', e => { t.down = e.timeStamp; }, true);
  // a frame's callbacks run before its style, layout and paint; a task queued from one runs
  // after that frame was drawn
  new MutationObserver(() => {
    requestAnimationFrame(() => setTimeout(() => { t.last = performance.now(); }, 0));
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  // when the server last sent something (it answers every run it starts)
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => { t.answered = performance.now(); });
    }
  };
})();
"""

# the server has answered since the pointer went down (the page shows nothing of a click
# until then, so quiet alone would end the wait early when the server is slow to start), the
# app root is idle (as tests/browser_app.IDLE) and the page quiet
SETTLED = """quiet => {
  const t = window.__screenTiming;
  const app = document.querySelector('[data-testid="stApp"]');
  return t && t.answered > t.down && app && app.dataset.testConnectionState === 'CONNECTED'
    && ['notRunning', 'initial'].includes(app.dataset.testScriptState)
    && performance.now() - t.last >= quiet;
}"""

ELAPSED = "() => window.__screenTiming.last - window.__screenTiming.down"


def install(page: Any) -> None:
    """Time every later navigation of ``page`` (call before ``goto``)."""
    page.add_init_script(INIT)


def settled_ms(page: Any) -> float:
    """Milliseconds from the last pointer-down to the last change on screen, read once the
    server has answered, the app is idle and the page has been quiet for QUIET_MS."""
    page.wait_for_function(SETTLED, arg=QUIET_MS, timeout=30_000, polling=50)
    return float(page.evaluate(ELAPSED))


def quantiles(samples: list[float]) -> str:
    """p50, p95 and max of times in seconds, as the benchmarks print them."""
    if not samples:
        return "no samples"
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"p50 {statistics.median(ordered) * 1000:6.0f} ms · p95 {p95 * 1000:6.0f} ms · "
        f"max {ordered[-1] * 1000:6.0f} ms  (n={len(ordered)})"
    )


async def settled_ms_async(page: Any) -> float:
    await page.wait_for_function(SETTLED, arg=QUIET_MS, timeout=60_000, polling=50)
    return float(await page.evaluate(ELAPSED))
