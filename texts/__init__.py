"""User-facing texts, Chinese first and English second, kept as data in ``messages.yaml``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
_MESSAGES = Path(__file__).with_name("messages.yaml")


@lru_cache(maxsize=1)
def _messages() -> dict[str, dict[str, str]]:
    data = yaml.safe_load(_MESSAGES.read_text(encoding="utf-8"))
    for key, value in data.items():
        if not isinstance(value, dict) or set(value) != set(LANGS):
            raise ValueError(f"{_MESSAGES}: message {key!r} needs exactly zh and en")
    return data


def t(key: str, lang: str = "zh", **values: object) -> str:
    """The text for ``key`` in ``lang`` with ``{placeholders}`` filled in."""
    try:
        text = _messages()[key][lang if lang in LANGS else "zh"]
    except KeyError:
        raise KeyError(f"no text {key!r} in {_MESSAGES.name}") from None
    return text.format(**values) if values else text


def keys() -> frozenset[str]:
    return frozenset(_messages())
