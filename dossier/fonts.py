"""Find a CJK font through fontconfig, or refuse: a dossier with tofu boxes is worse than none.

WeasyPrint resolves CSS font families through fontconfig, so asking fontconfig (``fc-list``)
which families cover Chinese tells us exactly what WeasyPrint will be able to use.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

# preferred first: Noto (Debian's fonts-noto-cjk) and its twin Source Han, then older free fonts
PREFERRED_SANS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
)
PREFERRED_SERIF = ("Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN")
PREFERRED_MONO = ("Noto Sans Mono CJK SC", "WenQuanYi Zen Hei Mono")
# after the CJK font, for what it lacks: CJK Extension B and beyond (Debian's fonts-hanazono),
# used only where fontconfig lists them. Emoji (fonts-noto-color-emoji) are left to fontconfig's
# own fallback on purpose: that font has glyphs for digits, "#" and "*" (keycap bases), and
# naming it in a stack makes Pango set every plain digit with them
FALLBACKS = ("HanaMinA", "HanaMinB")

# a family name we can put into CSS and SVG without any quoting trouble
_SAFE_FAMILY = re.compile(r"^[A-Za-z0-9 ._-]+$")


class MissingCJKFont(RuntimeError):
    def __init__(self) -> None:
        super().__init__(
            "No font for Chinese text was found (fontconfig lists none for :lang=zh), so the "
            "dossier would print boxes instead of characters. Install Debian's fonts-noto-cjk: "
            "sudo apt-get install fonts-noto-cjk"
        )


@dataclass(frozen=True)
class CJKFonts:
    sans: str
    serif: str | None = None
    mono: str | None = None
    fallbacks: tuple[str, ...] = ()  # installed FALLBACKS, in that order

    @property
    def css_stacks(self) -> dict[str, str]:
        """CSS font-family values: ours, the fallbacks, then a generic family."""
        serif = self.serif or self.sans
        mono = self.mono or self.sans
        after = "".join(f', "{name}"' for name in self.fallbacks)
        return {
            "sans": f'"{self.sans}"{after}, sans-serif',
            "serif": f'"{serif}", "{self.sans}"{after}, serif',
            "mono": f'"{mono}", "{self.sans}"{after}, monospace',
        }


def chinese_font_families() -> list[str]:
    """Every font family fontconfig says covers Chinese (empty without fontconfig)."""
    return _families(":lang=zh")


def installed_families() -> list[str]:
    """Every font family fontconfig knows (empty without fontconfig)."""
    return _families(":")


def _families(pattern: str) -> list[str]:
    if shutil.which("fc-list") is None:
        return []
    listing = subprocess.run(
        ["fc-list", pattern, "family"],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    ).stdout
    families: list[str] = []
    for line in listing.splitlines():
        # one font per line; a font with localised names lists them comma-separated
        for name in line.split(","):
            name = name.strip().replace("\\-", "-")
            if name and name not in families:
                families.append(name)
    return families


def find_cjk_fonts() -> CJKFonts:
    available = [f for f in chinese_font_families() if _SAFE_FAMILY.match(f)]
    if not available:
        raise MissingCJKFont()
    sans = _first(PREFERRED_SANS, available) or sorted(available)[0]
    installed = set(installed_families())
    return CJKFonts(
        sans=sans,
        serif=_first(PREFERRED_SERIF, available),
        mono=_first(PREFERRED_MONO, available),
        fallbacks=tuple(name for name in FALLBACKS if name in installed),
    )


def _first(preferred: tuple[str, ...], available: list[str]) -> str | None:
    return next((name for name in preferred if name in available), None)
