"""Single sign-on for real: a local OpenID Connect provider (oidc-provider-mock) on 127.0.0.1,
`streamlit run` configured for it through a secrets file, Debian's headless Chromium. An e-mail
an administrator gave an account signs in as that account; any other e-mail is refused."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator

import pytest
from browser_app import ROOT, free_port

from store import open_store
from store.accounts import Accounts
from texts import t

pytestmark = pytest.mark.browser
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
provider_mock = pytest.importorskip("oidc_provider_mock", reason="oidc-provider-mock missing")


@pytest.fixture
def identity_provider() -> Iterator[str]:
    """A real OpenID Connect provider on 127.0.0.1 that signs in whichever e-mail is chosen."""
    import werkzeug.serving

    users = [
        provider_mock.User(
            sub="wang@example.cn", claims={"email": "wang@example.cn", "email_verified": True}
        ),
        provider_mock.User(
            sub="stranger@example.cn",
            claims={"email": "stranger@example.cn", "email_verified": True},
        ),
    ]
    server = werkzeug.serving.make_server(
        "127.0.0.1", 0, provider_mock.app(user_claims=users), threaded=True
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture
def app_with_sso(tmp_path, monkeypatch, identity_provider) -> Iterator[str]:
    data = tmp_path / "data"
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(data))
    monkeypatch.delenv("GBT_AUDIT_DATABASE_URL", raising=False)
    accounts = Accounts(open_store())
    accounts.add_user("admin", "管理员", password="admin password", administrator=True, actor="t")
    accounts.add_user("wang", "王经理", email="Wang@Example.cn", actor="admin")  # SSO only
    port = free_port()  # GBT_AUDIT_BROWSER_PORTS's range, this worker's share of it
    url = f"http://127.0.0.1:{port}/"
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "{url}oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "gbt-audit"\n'
        'client_secret = "not-checked-by-the-test-provider"\n'
        f'server_metadata_url = "{identity_provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    env = {**os.environ, "GBT_AUDIT_DATA_DIR": str(data)}
    env.pop("GBT_AUDIT_DATABASE_URL", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "audit_server.py"),
            "--server.address=127.0.0.1",
            f"--server.port={port}",
            "--server.headless=true",
            "--browser.gatherUsageStats=false",
            f"--secrets.files={secrets_file}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "streamlit.log").open("wb"),
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("streamlit did not start within 60 s") from None
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def sign_in_at_provider(page, app_url: str, email: str) -> None:
    expect = playwright.expect
    page.goto(app_url)
    page.get_by_role("link", name=t("auth.sso_button")).click()
    expect(page.get_by_text("Authorize Client")).to_be_visible(timeout=15_000)
    page.get_by_role("button", name=email).click()  # the provider's one-click user
    page.wait_for_url(f"{app_url}**", timeout=15_000)
    page.wait_for_load_state()  # the app, or the app's sign-in page saying why not


def test_an_email_an_administrator_registered_signs_in_as_that_account(app_with_sso, chromium):
    page = chromium.new_page()
    sign_in_at_provider(page, app_with_sso, "wang@example.cn")
    playwright.expect(page.get_by_text(t("auth.signed_in_as", name="王经理"))).to_be_visible(
        timeout=15_000
    )
    assert Accounts(open_store()).user("wang").last_login_at is not None
    # the identity provider's answer became a session of the app's own: a reload keeps it
    cookie = {c["name"]: c for c in page.context.cookies()}["gbt_session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    page.reload()
    playwright.expect(page.get_by_text(t("auth.signed_in_as", name="王经理"))).to_be_visible(
        timeout=15_000
    )


def test_an_email_without_an_account_is_refused_clearly(app_with_sso, chromium):
    page = chromium.new_page()
    sign_in_at_provider(page, app_with_sso, "stranger@example.cn")
    playwright.expect(
        page.get_by_text(t("auth.sso_unknown_email", email="stranger@example.cn"))
    ).to_be_visible(timeout=15_000)
    assert page.get_by_text(t("nav.audits")).count() == 0
