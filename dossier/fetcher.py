"""The only way WeasyPrint may read anything while rendering a dossier.

Everything a user typed ends up in the HTML (escaped), and evidence files come from outside, so
the renderer must not be able to follow a URL anywhere else: no network, no file outside the
templates folder, no ``data:`` URLs. What it may read:

- ``file://`` URLs inside the templates folder (the stylesheet), after resolving symlinks;
- ``dossier-generated://<name>``: the charts, generated in memory for this dossier;
- ``evidence://<sha256>``: the image evidence of this dossier, through the EvidenceSource.

Everything else is refused (and recorded, so the export can report it).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

GENERATED = "dossier-generated"
EVIDENCE = "evidence"


class URLRefused(ValueError):
    pass


class DossierFetcher(URLFetcher):
    def __init__(
        self,
        assets: Path,
        generated: Mapping[str, tuple[bytes, str]],
        images: Mapping[str, tuple[Path, str]],
    ) -> None:
        # WeasyPrint turns a failed fetch into a warning and goes on; a refused URL must not
        # stop the export, it is reported instead
        super().__init__(fail_on_errors=False)
        self._assets = assets.resolve()
        self._generated = dict(generated)  # name -> (content, media type)
        self._images = dict(images)  # sha256 -> (local path, media type)
        self.requested: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        self.requested.append(url)
        try:
            return self._serve(url)
        except URLRefused:
            self.refused.append(url)
            raise

    def _serve(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "file" and parts.netloc in ("", "localhost") and not parts.query:
            path = self._asset(Path(url2pathname(unquote(parts.path))))
            return URLFetcherResponse(url, path.open("rb"), {"Content-Type": _media(path)})
        if scheme == GENERATED and parts.netloc in self._generated:
            content, media_type = self._generated[parts.netloc]
            return URLFetcherResponse(url, content, {"Content-Type": media_type})
        if scheme == EVIDENCE and parts.netloc.lower() in self._images:
            path, media_type = self._images[parts.netloc.lower()]
            return URLFetcherResponse(url, path.open("rb"), {"Content-Type": media_type})
        raise URLRefused(f"the dossier does not fetch {url}")

    def _asset(self, path: Path) -> Path:
        # decide on the path as written first, so a foreign path is never even looked at;
        # then resolve symlinks, so a link inside the folder cannot lead out of it
        if not Path(os.path.normpath(path)).is_relative_to(self._assets):
            raise URLRefused(f"{path} is not a dossier asset")
        try:
            resolved = path.resolve(strict=True)
        except OSError:
            raise URLRefused(f"no asset {path}") from None
        if not resolved.is_relative_to(self._assets) or not resolved.is_file():
            raise URLRefused(f"{path} is not a dossier asset")
        return resolved


def _media(path: Path) -> str:
    return {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}.get(
        path.suffix, "application/octet-stream"
    )
