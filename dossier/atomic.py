"""Write a file so that readers see the old one or the complete new one, never half of it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

# mkstemp creates the file readable by its owner only; a dossier is made to be handed on
FILE_MODE = 0o644


@contextmanager
def atomic_output(destination: Path) -> Iterator[BinaryIO]:
    """A temporary file next to ``destination`` that replaces it once the block succeeds."""
    # a short name of its own: the destination's name may already be near the length limit
    descriptor, temporary = tempfile.mkstemp(
        dir=destination.parent, prefix=".dossier-", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, destination)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
