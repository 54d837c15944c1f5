"""User-facing texts, Chinese first and English second, kept as data in this folder's YAML files
(``messages.yaml`` for reports and checks, ``ui.yaml`` for the app). A key lives in one file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
_FOLDER = Path(__file__).parent
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 3 s less at every start


@lru_cache(maxsize=1)
def _messages() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(_FOLDER.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
        for key, value in data.items():
            if not isinstance(value, dict) or set(value) != set(LANGS):
                raise ValueError(f"{path.name}: text {key!r} needs exactly zh and en")
            if key in merged:
                raise ValueError(f"{path.name}: text {key!r} is defined twice")
            merged[key] = value
    return merged


def t(key: str, lang: str = "zh", **values: object) -> str:
    """The text for ``key`` in ``lang`` with ``{placeholders}`` filled in."""
    try:
        text = _messages()[key][lang if lang in LANGS else "zh"]
    except KeyError:
        raise KeyError(f"no text {key!r} in {_FOLDER}/*.yaml") from None
    return text.format(**values) if values else text


def keys() -> frozenset[str]:
    return frozenset(_messages())
