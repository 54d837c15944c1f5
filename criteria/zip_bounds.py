"""Bounds on a zip file's members before any byte is decompressed: how many there are, how large
each declares itself, how far each and all together expand. Shared by the archive import
(store/archive_members.py) and the workbook import (criteria/workbook_bounds.py); each says in its
own words what was exceeded."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

Excess = Literal["members", "member_size", "member_ratio", "total_size", "total_ratio"]


@dataclass(frozen=True)
class ZipExcess:
    kind: Excess
    member: str | None  # None for the whole file
    value: int  # the count, size in bytes or ratio found
    limit: int


def zip_excess(
    infos: Sequence[zipfile.ZipInfo],
    limit_of: Callable[[str], int],
    *,
    max_members: int,
    max_total: int,
    max_ratio: int,
) -> ZipExcess | None:
    """The first bound the members' declared sizes exceed, or None. The declared sizes may lie:
    the reader must still refuse more bytes than declared (store.archive_members.CappedStream)."""
    if len(infos) > max_members:
        return ZipExcess("members", None, len(infos), max_members)
    total = compressed = 0
    for info in infos:
        limit = limit_of(info.filename)
        if info.file_size > limit:
            return ZipExcess("member_size", info.filename, info.file_size, limit)
        if info.file_size > max_ratio * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            return ZipExcess("member_ratio", info.filename, ratio, max_ratio)
        total += info.file_size
        compressed += info.compress_size
    if total > max_total:
        return ZipExcess("total_size", None, total, max_total)
    if total > max_ratio * max(compressed, 1):
        return ZipExcess("total_ratio", None, total // max(compressed, 1), max_ratio)
    return None
