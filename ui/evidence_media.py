"""Which organisation a file offered for download belongs to: evidence, the dossier, the
自评表, calendars, briefs, archives.

Streamlit serves a download button's bytes under ``/media/<id>.<ext>``, to any session that
asks for the id. The gate (ui/web.py) lets such a request through only for an account with a
role in the organisation the file belongs to; the pages record that here when they offer the
file, through ``download_button``. Bytes made on the click (a callable) are recorded when they
are made, before Streamlit stores them. A preview picture is not a /media file at all
(``inline_png``).

The id is Streamlit's own: ``media_id`` is the one place that computes it, with Streamlit's
``_calculate_file_id`` (private; streamlit is pinned >=1.67,<1.68). tests/test_app_media.py
renders real download buttons and checks the address Streamlit gives each equals ``media_id``:
a Streamlit that changes its ids fails that test."""

from __future__ import annotations

import base64
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from streamlit.runtime.memory_media_file_storage import _calculate_file_id

MAX_REMEMBERED = 10_000  # bounded: the oldest offers are forgotten first

_owners: OrderedDict[str, int] = OrderedDict()
_lock = threading.Lock()


def media_id(data: bytes, mimetype: str, file_name: str | None) -> str:
    """The id Streamlit gives these bytes offered under this type and name."""
    return _calculate_file_id(data, mimetype, file_name)


def remember(file_id: str, organisation_id: int) -> None:
    with _lock:
        _owners[file_id] = organisation_id
        _owners.move_to_end(file_id)
        while len(_owners) > MAX_REMEMBERED:
            _owners.popitem(last=False)


def offered(data: bytes, mimetype: str, file_name: str | None, organisation_id: int) -> None:
    """The page offers ``data`` for download as ``file_name``: remember whose it is."""
    remember(media_id(data, mimetype, file_name), organisation_id)


def download_button(
    container: Any,
    label: str,
    data: bytes | Callable[[], bytes],
    *,
    organisation_id: int,
    file_name: str,
    mime: str,
    **kwargs: Any,
) -> Any:
    """``container.download_button`` for a file of ``organisation_id`` (bytes, or a callable
    that makes them on the click): served only to people with a role there."""
    if callable(data):
        make = data

        def made() -> bytes:
            content = make()
            offered(content, mime, file_name, organisation_id)
            return content

        return container.download_button(label, made, file_name=file_name, mime=mime, **kwargs)
    offered(data, mime, file_name, organisation_id)
    return container.download_button(label, data, file_name=file_name, mime=mime, **kwargs)


def inline_png(png: bytes) -> str:
    """A picture of an organisation's file (a preview) as a ``data:`` address: it reaches the
    page in the session's own messages and is never a ``/media`` file another session could
    ask for."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def owner_of(path: str) -> int | None:
    """The organisation of the file at a ``/media/…`` path; None for files no organisation
    owns (a blank 自评表 of a catalogue)."""
    file_id = path.rsplit("/", 1)[-1].split(".", 1)[0]
    with _lock:
        return _owners.get(file_id)
