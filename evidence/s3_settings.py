"""The S3 evidence setting, read without loading the S3 client (boto3 takes a second to
import; only an installation that uses a bucket pays for it)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

# S3's bucket naming rules (3-63 characters, lowercase letters, digits, dots and hyphens)
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_PREFIX_PART = re.compile(r"[A-Za-z0-9._-]{1,100}")


class BadEvidenceUrl(ValueError):
    """Not of the form s3://BUCKET/PREFIX; ``reason`` says which part is wrong."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class S3Settings:
    bucket: str
    prefix: str  # "" or "a/b", without slashes at either end
    endpoint_url: str | None = None
    region: str | None = None
    access_key_id: str | None = field(default=None, repr=False)
    secret_access_key: str | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}".rstrip("/")


def parse_evidence_url(url: str) -> tuple[str, str]:
    """(bucket, prefix) of ``s3://BUCKET/PREFIX``; the prefix may be empty."""
    if not url.startswith("s3://"):
        raise BadEvidenceUrl("not_s3")
    bucket, _, prefix = url[5:].partition("/")
    if not _BUCKET.fullmatch(bucket) or ".." in bucket:
        raise BadEvidenceUrl("bad_bucket")
    prefix = prefix.strip("/")
    if prefix and not all(
        _PREFIX_PART.fullmatch(p) and p not in (".", "..") for p in prefix.split("/")
    ):
        raise BadEvidenceUrl("bad_prefix")
    return bucket, prefix


def s3_settings(env: Mapping[str, str], url: str) -> S3Settings:
    bucket, prefix = parse_evidence_url(url)
    return S3Settings(
        bucket=bucket,
        prefix=prefix,
        endpoint_url=env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL") or None,
        region=env.get("AWS_DEFAULT_REGION") or env.get("AWS_REGION") or None,
        access_key_id=env.get("AWS_ACCESS_KEY_ID") or None,
        secret_access_key=env.get("AWS_SECRET_ACCESS_KEY") or None,
    )
