"""Sample files for the evidence tests, all built here from scratch: no binary fixtures."""

from __future__ import annotations

import hashlib

MiB = 1 << 20


# ---- streams -------------------------------------------------------------------------------


def _noise(size: int, seed: int = 0) -> bytes:
    """Deterministic bytes that do not compress (SHA-256 in counter mode)."""
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(b"%d:%d" % (seed, counter)).digest()
        counter += 1
    return bytes(out[:size])


class GeneratedStream:
    """``size`` bytes made on demand (``head`` first, then ``block`` over and over; noise by
    default), never all in memory. ``sha256`` is the hash of everything handed out so far."""

    def __init__(
        self,
        size: int,
        head: bytes = b"",
        *,
        block: bytes | None = None,
        fail_after: int | None = None,
    ) -> None:
        self.remaining = size
        self.head = head
        self.block = block or _noise(MiB)
        self.fail_after = fail_after
        self.handed_out = 0
        self._hash = hashlib.sha256()

    def read(self, size: int = -1, /) -> bytes:
        if self.fail_after is not None and self.handed_out >= self.fail_after:
            raise ConnectionResetError("the upload broke off")
        size = self.remaining if size < 0 else min(size, self.remaining)
        if self.head:
            data, self.head = self.head[:size], self.head[size:]
        else:
            offset = self.handed_out % len(self.block)
            data = self.block[offset : offset + min(size, len(self.block) - offset)]
        self.remaining -= len(data)
        self.handed_out += len(data)
        self._hash.update(data)
        return data

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()
