"""No traceback for anyone: an unexpected error is logged on the server with its traceback,
and the visitor sees our own message (Streamlit's own details are off, .streamlit/config.toml)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import streamlit as st

from domain.errors import StoreUnavailable
from domain.permissions import NotPermitted
from settings import SettingsError, logs
from ui.state import lang, tr

log = logging.getLogger(logs.APP)
P = ParamSpec("P")
R = TypeVar("R")


def show_unexpected(exc: Exception) -> None:
    """Log ``exc`` with its traceback under a reference the visitor can quote."""
    reference = f"{id(exc):x}"[-6:]
    log.error("unexpected error (reference %s)", reference, exc_info=exc)
    st.error(tr("ui.unexpected_error", reference=reference))


def guarded(body: Callable[P, R]) -> Callable[P, R | None]:
    """Run ``body``; an unexpected exception is shown as our message, not a traceback, and a
    call the person's role does not allow as "not permitted" (nothing was read or changed).
    A setting the installation cannot use, or a database it cannot reach, is named on the
    page (and in the log) with what to check. Streamlit's rerun/stop signals are
    BaseExceptions and pass through."""

    @functools.wraps(body)
    def run(*args: P.args, **kwargs: P.kwargs) -> R | None:
        try:
            return body(*args, **kwargs)
        except NotPermitted as refused:
            st.error(refused.text(lang()))
            return None
        except SettingsError as unusable:  # logged (gbt_audit.settings) when it was raised
            st.error(unusable.message(lang()))
            return None
        except StoreUnavailable as unusable:
            log.warning("%s", unusable.message("en"))
            st.error(unusable.message(lang()))
            return None
        except Exception as exc:
            show_unexpected(exc)
            return None

    return run
