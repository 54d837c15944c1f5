"""Signing in with a password: the throttle first, then argon2, with answers that never say
whether a login name exists."""

from __future__ import annotations

import math
from datetime import datetime

from domain.account_records import UserRecord
from store.accounts import AccountError, Accounts, normalise_login
from store.throttle import SignInThrottle


def sign_in(
    accounts: Accounts,
    throttle: SignInThrottle,
    login: str,
    password: str,
    address: str | None,
    now: datetime | None = None,
) -> UserRecord:
    """The signed-in account; AccountError ``auth.throttled``, ``auth.refused`` (unknown name
    and wrong password alike) or ``auth.disabled`` (only once the password was right)."""
    try:
        name = normalise_login(login)
    except AccountError:
        name = login.strip()
    wait = throttle.wait(name, address, now)
    if wait.total_seconds() > 0:
        raise AccountError("auth.throttled", seconds=math.ceil(wait.total_seconds()))
    check = accounts.check_password(name, password)
    if check.user is None:
        throttle.failed(name, address, now)
        raise AccountError("auth.refused")
    if not check.user.active:
        raise AccountError("auth.disabled")
    throttle.succeeded(name)
    accounts.signed_in(check.user.id, password=password if check.rehash else None)
    return check.user
