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

    @property
    def css_stacks(self) -> dict[str, str]:
        """CSS font-family values; every fallback after ours is generic."""
        serif = self.serif or self.sans
        mono = self.mono or self.sans
        return {
            "sans": f'"{self.sans}", sans-serif',
            "serif": f'"{serif}", "{self.sans}", serif',
            "mono": f'"{mono}", "{self.sans}", monospace',
        }


def chinese_font_families() -> list[str]:
    """Every font family fontconfig says covers Chinese (empty without fontconfig)."""
    if shutil.which("fc-list") is None:
        return []
    listing = subprocess.run(
        ["fc-list", ":lang=zh", "family"],
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
    return CJKFonts(
        sans=sans,
        serif=_first(PREFERRED_SERIF, available),
        mono=_first(PREFERRED_MONO, available),
    )


def _first(preferred: tuple[str, ...], available: list[str]) -> str | None:
    return next((name for name in preferred if name in available), None)
