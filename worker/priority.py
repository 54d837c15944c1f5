"""Heavy jobs at a lower CPU priority than the app's clicks (GBT_AUDIT_WORKER_NICE).

On a machine the app shares with its worker (two cores, say), a dossier's layout takes a whole
core for as long as it runs; at nice 10 the kernel gives the server's threads the CPU first
whenever both want it, so the people clicking wait less and the export only takes longer
when the machine is busy."""

from __future__ import annotations

import logging
import os

from settings import WORKER_NICE, SettingsError, logs

log = logging.getLogger(logs.WORKER)
LOWEST = 19


def job_niceness() -> int:
    """The setting; a value that cannot be used is logged (by the setting) and taken as 0."""
    try:
        return WORKER_NICE.read()
    except SettingsError:
        return 0


def lower_priority(niceness: int, pid: int = 0) -> None:
    """Lower the priority of process ``pid`` (0: this one, each of its threads) by ``niceness``
    below this thread's own. On Linux the priority is a thread's, and a new thread keeps its
    creator's: a child is lowered before it starts any."""
    if niceness <= 0 or not hasattr(os, "setpriority"):
        return
    try:
        target = min(LOWEST, os.getpriority(os.PRIO_PROCESS, 0) + niceness)
        for thread in _threads() if pid == 0 else [pid]:
            os.setpriority(os.PRIO_PROCESS, thread, target)
    except OSError as exc:  # not allowed here (a container's seccomp), or the child is gone
        log.warning("could not lower the priority of a job's process: %s", exc)


def _threads() -> list[int]:
    """This process's threads (a library's native ones too), or 0 (this thread) without /proc."""
    try:
        return [int(task) for task in os.listdir("/proc/self/task")]
    except OSError:
        return [0]
