"""Which organisation an evidence file offered for download belongs to.

Streamlit serves a download button's bytes under ``/media/<id>.<ext>``, to any session that
asks for the id. The gate (ui/web.py) lets such a request through only for an account with a
role in the organisation the file belongs to; the evidence pages record that here when they
offer the file. The id is Streamlit's own (a hash of the bytes, type and name)."""

from __future__ import annotations

import threading
from collections import OrderedDict

from streamlit.runtime.memory_media_file_storage import _calculate_file_id

MAX_REMEMBERED = 10_000  # bounded: the oldest offers are forgotten first

_owners: OrderedDict[str, int] = OrderedDict()
_lock = threading.Lock()


def remember(file_id: str, organisation_id: int) -> None:
    with _lock:
        _owners[file_id] = organisation_id
        _owners.move_to_end(file_id)
        while len(_owners) > MAX_REMEMBERED:
            _owners.popitem(last=False)


def offered(data: bytes, mimetype: str, file_name: str, organisation_id: int) -> None:
    """The page offers ``data`` for download as ``file_name``: remember whose it is."""
    remember(_calculate_file_id(data, mimetype, file_name), organisation_id)


def owner_of(path: str) -> int | None:
    """The organisation of the evidence file at a ``/media/…`` path; None for other files."""
    file_id = path.rsplit("/", 1)[-1].split(".", 1)[0]
    with _lock:
        return _owners.get(file_id)
