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
    *,
    device: str | None = None,
) -> UserRecord:
    """The signed-in account; AccountError ``auth.throttled``, ``auth.refused`` (unknown name
    and wrong password alike) or ``auth.disabled`` (only once the password was right).
    ``device`` is the browser's own token (its ``gbt_device`` cookie): a browser that signed in
    to this account before is counted on its own, so others' guesses do not keep it out."""
    try:
        name = normalise_login(login)
    except AccountError:
        name = login.strip()[:200]
    attempt = throttle.begin(name, address, device, now)  # counted before the password
    if attempt.wait.total_seconds() > 0:
        raise AccountError("auth.throttled", seconds=math.ceil(attempt.wait.total_seconds()))
    check = accounts.check_password(name, password)
    if check.user is None:
        raise AccountError("auth.refused")
    if not check.user.active:
        raise AccountError("auth.disabled")
    throttle.succeeded(attempt, now)
    accounts.signed_in(check.user.id, password=password if check.rehash else None)
    return check.user
