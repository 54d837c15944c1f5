"""What a script run is (a full run of the page, or a rerun of fragments), and values worked out
once per run.

Every page call of the store goes through the signed-in account's guard, and the guard needs
the account with its grants: read from the database each time, that was two to four reads per
click. The page's own code cannot change the account while it draws, so the account is read
once per run; the next run (the next click) reads it afresh, so a revoked grant holds from the
next click on. Widget callbacks are not remembered: they run before the page in the same run
and may change what they read (creating an organisation grants it to its creator)."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, TypeVar

from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_run_context import RunLocation, ThreadState

T = TypeVar("T")

# Streamlit makes a new fragment coordinator at the start of every run (its docstring says
# so): it names the run, and the run's values go with it
_RUNS: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()


def once_per_run(name: str, compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave earlier in this run under ``name``."""
    ctx = get_script_run_ctx(suppress_warning=True)
    run = getattr(ctx, "parallel_coordinator", None)
    if run is None or ThreadState.get().run_location is RunLocation.CALLBACK:
        return compute()  # outside a run (a test calling page code), or in a callback
    values = _RUNS.setdefault(run, {})
    if name not in values:
        values[name] = compute()
    return values[name]


def fragments_only() -> bool:
    """Whether this run reruns fragments alone (a card's own change), not the whole page."""
    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx is not None and bool(ctx.fragment_ids_this_run)
