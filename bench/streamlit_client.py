"""A Streamlit client without a browser, for the load benchmarks: it speaks Streamlit's own
protocol (protobuf over the `/_stcore/stream` WebSocket) as the browser's JavaScript does, and
times what the server owes a person, not what a browser on the server's cores costs.

What a browser does, and what this client does the same way (Streamlit 1.67; the frontend is
the server's static/js bundle, the server side streamlit/web/server/starlette/):

- open the page: GET the page's address (through the app's sign-in gate, with the session
  cookie), then GET `_stcore/health` (which sets the `_streamlit_xsrf` cookie) and
  `_stcore/host-config` together, then open the WebSocket with the subprotocols
  ["streamlit", <xsrf cookie>] plus the Origin and Cookie headers, and send a `rerun_script`
  BackMsg naming the page by its path (page_name "checklist", page_script_hash "") with the
  query string and the browser's context (time zone, locale, address);
- keep the screen: apply every `delta` ForwardMsg at its `delta_path` (an element replaces what
  was there; a block keeps its children until a finished run drops those it did not draw,
  as the frontend's stale-element clearing does: a full run drops every node it did not send,
  a fragment run only the nodes of its fragments);
- change a widget: send `rerun_script` with the states of every widget on the screen (the
  browser's widget manager sends them all, with the new value), the page's script hash, the
  query string and, when the widget was drawn inside an `st.fragment`, that fragment's id
  (the delta's `fragment_id`), so the server reruns only the fragment, as it does for a click;
- a run is done at its `script_finished` (a run cut short for another, FINISHED_EARLY_FOR_RERUN,
  is not the end: the one after it is).

Static files (the JavaScript and CSS bundles, fonts) are not fetched: they are fixed files a
browser caches after its first visit, and this client measures the app's own work. Widget
states are kept for radios and checkboxes (the widgets the benchmarks touch and most of what
the checklist draws); the server keeps the others' last values itself.

Not product code: bench/ only. Run one first load by hand:

    python bench/streamlit_client.py http://127.0.0.1:8501/ checklist "audit=1" COOKIE=VALUE
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlsplit

import httpx
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Block_pb2 import Block
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.typing import Origin, Subprotocol

FINISHED = {
    ForwardMsg.FINISHED_SUCCESSFULLY,
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
}
XSRF_COOKIE = "_streamlit_xsrf"


@dataclass
class Node:
    """One element or block on the screen, at its delta path."""

    path: tuple[int, ...]
    kind: str  # the Element's or Block's oneof name: "radio", "markdown", "vertical", ...
    proto: Any  # the Element or Block
    fragment_id: str
    run_id: str

    @property
    def widget_id(self) -> str:
        inner = getattr(self.proto, self.kind, None)
        return str(getattr(inner, "id", "") or "")

    @property
    def block_id(self) -> str:
        return str(self.proto.id) if self.kind in BLOCK_KINDS else ""


BLOCK_KINDS = {f.name for f in Block.DESCRIPTOR.oneofs_by_name["type"].fields}


@dataclass
class Run:
    """What one request to the server cost: sent → its last run's script_finished."""

    seconds: float
    status: int
    runs: int  # script runs it took (a callback's st.rerun adds one)
    messages: int
    bytes: int
    run_id: str  # of the last run: what it drew carries this id (Node.run_id)


@dataclass
class Screen:
    """The element tree as the browser would hold it."""

    nodes: dict[tuple[int, ...], Node] = field(default_factory=dict)

    def apply(self, path: tuple[int, ...], delta: Any, run_id: str) -> None:
        kind = delta.WhichOneof("type")
        if kind == "new_element":
            element = delta.new_element
            for stale in [p for p in self.nodes if p[: len(path)] == path and p != path]:
                del self.nodes[stale]  # an element has no children
            self.nodes[path] = Node(
                path, element.WhichOneof("type") or "", element, delta.fragment_id, run_id
            )
        elif kind == "add_block":
            block = delta.add_block
            self.nodes[path] = Node(
                path, block.WhichOneof("type") or "", block, delta.fragment_id, run_id
            )

    def finish(self, run_id: str, fragment_ids: list[str]) -> None:
        """Drop what a finished run did not draw (all of it, or within its fragments)."""
        for path, node in list(self.nodes.items()):
            if node.run_id == run_id:
                continue
            if not fragment_ids or node.fragment_id in fragment_ids:
                del self.nodes[path]

    def elements(self, under: tuple[int, ...] = ()) -> Iterator[Node]:
        for path in sorted(self.nodes):
            if path[: len(under)] == under:
                yield self.nodes[path]

    def widget(self, key: str) -> Node | None:
        """The widget whose user key is ``key`` (Streamlit's ids end in "-<key>")."""
        for node in self.nodes.values():
            if node.widget_id.endswith("-" + key):
                return node
        return None

    def find(self, kind: str, accept: Callable[[Any], bool]) -> Node | None:
        """The first element of ``kind`` (e.g. "button") whose proto of that kind ``accept``s."""
        for node in self.elements():
            if node.kind == kind and accept(getattr(node.proto, kind)):
                return node
        return None

    def block(self, key: str) -> Node | None:
        for node in self.nodes.values():
            if node.block_id.endswith("-" + key):
                return node
        return None

    def texts(self, under: tuple[int, ...] = ()) -> list[str]:
        """The markdown, text and caption bodies under a path."""
        out = []
        for node in self.elements(under):
            if node.kind in ("markdown", "text", "heading", "alert"):
                out.append(str(getattr(node.proto, node.kind).body))
        return out


def widget_value(node: Node) -> WidgetState | None:
    """The state the browser's widget manager holds for a drawn widget (radios, checkboxes)."""
    state = WidgetState(id=node.widget_id)
    if node.kind == "radio":
        radio = node.proto.radio
        if radio.set_value:
            state.string_value = radio.raw_value
        elif radio.HasField("default") and 0 <= radio.default < len(radio.options):
            state.string_value = radio.options[radio.default]
        else:
            return None
        return state
    if node.kind == "checkbox":
        box = node.proto.checkbox
        state.bool_value = box.value if box.set_value else box.default
        return state
    return None


class StreamlitClient:
    """One person's tab, without the browser: see the module's docstring."""

    def __init__(
        self,
        base_url: str,
        cookies: dict[str, str] | None = None,
        *,
        timezone: str = "Asia/Shanghai",
        timezone_offset: int = -480,
        locale: str = "zh-CN",
        timeout: float = 240,
    ) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.cookies = dict(cookies or {})
        self.context = (timezone, timezone_offset, locale)
        self.timeout = timeout
        self.screen = Screen()
        self.values: dict[str, WidgetState] = {}  # widget id → value the user set
        self.page_script_hash = ""
        self.query_string = ""
        self.url = ""
        self.session_id = ""
        self.errors: list[str] = []  # exceptions and session events the server sent
        self._socket: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._run_id = ""
        self._fragments: list[str] = []
        self._finished: list[tuple[float, int, str]] = []  # (time, status, run id)
        self._starts = 0
        self._messages = 0
        self._bytes = 0
        self._changed = asyncio.Event()
        self._timers: dict[str, tuple[asyncio.Task[None], float]] = {}  # fragment → auto rerun

    # the page ---------------------------------------------------------------------------

    async def open(self, page: str, query: str = "") -> Run:
        """Load ``page`` (its path, e.g. "checklist") with ``query`` ("audit=3") as a browser's
        first visit does, timed from the page's request to its first run's script_finished."""
        self.query_string = query
        self.url = f"{self.base_url}{page}" + (f"?{query}" if query else "")
        parts = urlsplit(self.base_url)
        origin = f"{parts.scheme}://{parts.netloc}"
        start = time.perf_counter()
        async with httpx.AsyncClient(timeout=self.timeout, cookies=self.cookies) as http:
            answer = await http.get(self.url)
            if answer.status_code != 200:
                raise RuntimeError(f"GET {self.url}: {answer.status_code} {answer.headers}")
            health, _config = await asyncio.gather(
                http.get(f"{self.base_url}_stcore/health"),
                http.get(f"{self.base_url}_stcore/host-config"),
            )
            for name, value in http.cookies.items():
                self.cookies[name] = value
            if XSRF_COOKIE not in self.cookies:  # set on the health check's answer
                cookie = SimpleCookie(health.headers.get("set-cookie", ""))
                if XSRF_COOKIE in cookie:
                    self.cookies[XSRF_COOKIE] = cookie[XSRF_COOKIE].value
        xsrf = self.cookies.get(XSRF_COOKIE, "")
        stream = self.base_url.replace("http", "ws", 1) + "_stcore/stream"
        self._socket = await websockets.connect(
            stream,
            # the frontend's tokens: the protocol's name, then the XSRF cookie's value
            subprotocols=[Subprotocol(p) for p in ("streamlit", xsrf) if p],
            origin=Origin(origin),
            additional_headers={"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())},
            max_size=None,
            open_timeout=self.timeout,
        )
        self._reader = asyncio.create_task(self._read())
        run = await self._rerun(page_name=page, started=start)
        assert run is not None
        return run

    async def close(self) -> None:
        for task, _ in self._timers.values():
            task.cancel()
        self._timers.clear()
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader

    # actions ----------------------------------------------------------------------------

    def options(self, key: str) -> list[str]:
        node = self.screen.widget(key)
        if node is None or node.kind != "radio":
            raise LookupError(f"no radio {key!r} on the screen")
        return list(node.proto.radio.options)

    def chosen(self, key: str) -> str | None:
        """A radio's option as the browser shows it: the user's choice, else the server's."""
        node = self.screen.widget(key)
        if node is None:
            return None
        state = self.values.get(node.widget_id) or widget_value(node)
        return state.string_value if state is not None else None

    async def click(self, node: Node, wait: bool = True) -> Run | None:
        """Press a button (a trigger: true for this one run); ``wait=False`` returns once sent."""
        state = WidgetState(id=node.widget_id, trigger_value=True)
        return await self._rerun(changed=state, fragment_id=node.fragment_id, wait=wait)

    async def choose(self, key: str, option: str | Callable[[str], bool]) -> Run:
        """Choose a radio's option (its shown label, or the first label ``option`` accepts),
        as a click on it: the page's or the widget's fragment reruns."""
        node = self.screen.widget(key)
        if node is None or node.kind != "radio":
            raise LookupError(f"no radio {key!r} on the screen")
        labels = list(node.proto.radio.options)
        label = option if isinstance(option, str) else next(o for o in labels if option(o))
        if label not in labels:
            raise LookupError(f"{key!r} has no option {label!r}")
        state = WidgetState(id=node.widget_id, string_value=label)
        self.values[node.widget_id] = state
        run = await self._rerun(changed=state, fragment_id=node.fragment_id)
        assert run is not None
        return run

    # the protocol -----------------------------------------------------------------------

    def _widget_states(self, changed: WidgetState | None) -> list[WidgetState]:
        states: dict[str, WidgetState] = {}
        for node in self.screen.nodes.values():
            if node.widget_id and (state := widget_value(node)) is not None:
                states[node.widget_id] = state
        for widget_id, state in self.values.items():
            if widget_id in states:  # still drawn: the value the user gave it
                states[widget_id] = state
        if changed is not None:
            states[changed.id] = changed
        return list(states.values())

    async def _rerun(
        self,
        *,
        page_name: str = "",
        changed: WidgetState | None = None,
        fragment_id: str = "",
        started: float | None = None,
        auto: bool = False,
        wait: bool = True,
    ) -> Run | None:
        message = BackMsg()
        rerun = message.rerun_script
        rerun.query_string = self.query_string
        rerun.page_script_hash = "" if page_name else self.page_script_hash
        rerun.page_name = page_name
        rerun.fragment_id = fragment_id
        rerun.is_auto_rerun = auto
        rerun.widget_states.widgets.extend(self._widget_states(changed))
        timezone, offset, locale = self.context
        info = rerun.context_info
        info.timezone, info.timezone_offset, info.locale = timezone, offset, locale
        info.url, info.is_embedded, info.color_scheme = self.url, False, "light"
        finished_before, starts_before = len(self._finished), self._starts
        messages_before, bytes_before = self._messages, self._bytes
        start = time.perf_counter() if started is None else started
        await self._socket.send(message.SerializeToString())
        if not wait:
            return None
        deadline = time.perf_counter() + self.timeout
        while True:
            done = [f for f in self._finished[finished_before:] if f[1] in FINISHED]
            if done:
                end, status, run_id = done[0]
                return Run(
                    end - start,
                    status,
                    self._starts - starts_before,
                    self._messages - messages_before,
                    self._bytes - bytes_before,
                    run_id,
                )
            if self._reader is not None and self._reader.done():
                raise ConnectionError(f"the server closed the connection: {self.errors}")
            self._changed.clear()
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"no script_finished within {self.timeout:.0f} s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)

    def _auto_rerun(self, fragment_id: str, interval: float) -> None:
        """As the frontend: every ``interval`` s a rerun of the fragment (not waited for)."""
        if not fragment_id or (
            fragment_id in self._timers and self._timers[fragment_id][1] == interval
        ):
            return
        if (timer := self._timers.pop(fragment_id, None)) is not None:
            timer[0].cancel()

        async def tick() -> None:
            while True:
                await asyncio.sleep(interval)
                await self._rerun(fragment_id=fragment_id, auto=True, wait=False)

        self._timers[fragment_id] = (asyncio.create_task(tick()), interval)

    async def _read(self) -> None:
        try:
            async for data in self._socket:
                now = time.perf_counter()
                self._messages += 1
                self._bytes += len(data)
                message = ForwardMsg()
                message.ParseFromString(data)
                self._apply(message, now)
                self._changed.set()
        finally:
            self._changed.set()

    def _apply(self, message: ForwardMsg, now: float) -> None:
        kind = message.WhichOneof("type")
        if kind == "new_session":
            self._starts += 1
            self._run_id = message.metadata.run.script_run_id
            self._fragments = list(message.metadata.run.fragment_ids)
            session = message.new_session
            if session.page_script_hash:
                self.page_script_hash = session.page_script_hash
            if session.initialize.session_id:
                self.session_id = session.initialize.session_id
        elif kind == "delta":
            path = tuple(message.metadata.delta_path)
            self.screen.apply(path, message.delta, self._run_id)
            element = message.delta.new_element
            if message.delta.WhichOneof("type") == "new_element" and element.HasField("exception"):
                self.errors.append(f"exception: {element.exception.message}")
        elif kind == "script_finished":
            status = message.script_finished
            run_id = message.metadata.run.script_run_id or self._run_id
            if status in (
                ForwardMsg.FINISHED_SUCCESSFULLY,
                ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
            ):
                fragments = list(message.metadata.run.fragment_ids) or self._fragments
                self.screen.finish(run_id, fragments)
                # widgets no longer drawn lose the value the user gave them, as in the browser
                drawn = {n.widget_id for n in self.screen.nodes.values() if n.widget_id}
                self.values = {k: v for k, v in self.values.items() if k in drawn}
            self._finished.append((now, status, run_id))
        elif kind == "navigation":  # st.navigation: the page drawn (new_session names the main
            # script); the browser sends this page's hash with its next reruns
            self.page_script_hash = message.navigation.page_script_hash
        elif kind == "page_info_changed":  # st.query_params changed the address
            self.query_string = message.page_info_changed.query_string
        elif kind == "auto_rerun":  # st.fragment(run_every=...): the browser reruns it
            self._auto_rerun(message.auto_rerun.fragment_id, message.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fragment_id in message.stop_auto_rerun.fragment_ids:
                if (timer := self._timers.pop(fragment_id, None)) is not None:
                    timer[0].cancel()
        elif kind == "page_not_found":
            self.errors.append(f"page not found: {message.page_not_found.page_name}")
        elif kind == "session_event" and message.session_event.HasField(
            "script_compilation_exception"
        ):
            self.errors.append("script compilation error")


async def _main(url: str, page: str, query: str, cookie: str) -> None:
    name, _, value = cookie.partition("=")
    client = StreamlitClient(url, {name: value} if name else {})
    run = await client.open(page, query)
    print(f"first load: {run}")
    for node in client.screen.elements():
        label = node.widget_id or node.block_id or ""
        print(node.path, node.kind, label[-60:], node.fragment_id[:12])
    await client.close()


if __name__ == "__main__":
    asyncio.run(_main(*sys.argv[1:5]))
