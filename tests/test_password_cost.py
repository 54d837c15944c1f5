"""The app hashes passwords with argon2id at the library's recommended cost. The tests'
own process hashes cheaply (tests/conftest.py), so this is checked in a process of its own,
as the app's server and the command line run."""

from __future__ import annotations

import subprocess
import sys

from argon2 import PasswordHasher

PASSWORD = "足够长的测试密码 2026"


def test_the_app_hashes_passwords_at_the_recommended_cost():
    made = subprocess.run(
        [
            sys.executable,
            "-c",
            f"from store.accounts import hash_password; print(hash_password({PASSWORD!r}))",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
    recommended = PasswordHasher()
    assert made.startswith("$argon2id$v=19$")
    assert not recommended.check_needs_rehash(made)  # memory, time and lanes as recommended
    assert recommended.verify(made, PASSWORD)
