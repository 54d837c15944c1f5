"""User text as the dossier prints it: one cleaning, used by the PDF and the spreadsheet alike.

Bidi controls (embeddings, overrides, isolates, marks) change the order characters are shown in:
"abc\u202edef" prints as "abcfed", so a finding could be made to read differently on paper than
it was typed. The dossier shows what was typed, in typing order, so they are removed.
"""

from __future__ import annotations

import re

BIDI_CONTROLS = frozenset(
    "\u061c"  # Arabic letter mark
    "\u200e\u200f"  # left-to-right and right-to-left marks
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings, pop, overrides
    "\u2066\u2067\u2068\u2069"  # isolates
)
_BIDI = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "]")


def printable(text: str) -> str:
    """``text`` without bidi controls, so it prints in the order it was typed."""
    return _BIDI.sub("", text)


def shortened(text: str, limit: int) -> str:
    """At most ``limit`` characters, with "…" where it was cut (for running headers)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
