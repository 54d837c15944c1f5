"""A real S3-compatible server on 127.0.0.1 for the bucket tests: moto in server mode
(``moto_server``, from the dev dependencies), started as its own process on a free port."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from smtp_server import free_port

from evidence.s3_settings import S3Settings

ACCESS_KEY = "gbt-audit-test"
SECRET_KEY = "gbt-audit-test-secret"
REGION = "us-east-1"


def moto_command() -> list[str]:
    beside = Path(sys.executable).parent / "moto_server"
    found = str(beside) if beside.exists() else shutil.which("moto_server")
    if found is None:
        raise RuntimeError("moto_server not found: pip install -e '.[dev]'")
    return [found]


@contextmanager
def moto_server() -> Iterator[str]:
    """The endpoint URL of a fresh moto server, stopped on exit."""
    port = free_port()
    process = subprocess.Popen(
        [*moto_command(), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "MOTO_ALLOW_NONEXISTENT_REGION": "true"},
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto_server did not start on port {port}") from None
                time.sleep(0.1)
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def client(endpoint: str):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name=REGION,
    )


def new_bucket(endpoint: str, prefix: str = "evidence") -> S3Settings:
    """A new, empty bucket on the server, as the settings an installation would read."""
    bucket = f"gbt-{uuid.uuid4().hex[:20]}"
    client(endpoint).create_bucket(Bucket=bucket)
    return S3Settings(
        bucket=bucket,
        prefix=prefix,
        endpoint_url=endpoint,
        region=REGION,
        access_key_id=ACCESS_KEY,
        secret_access_key=SECRET_KEY,
    )


def environment(endpoint: str, settings: S3Settings) -> dict[str, str]:
    """The environment variables an installation using this bucket is given."""
    return {
        "GBT_AUDIT_EVIDENCE_URL": settings.url,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_DEFAULT_REGION": REGION,
    }


def object_key(settings: S3Settings, sha256: str) -> str:
    return f"{settings.prefix}/{sha256[:2]}/{sha256[2:4]}/{sha256}"
