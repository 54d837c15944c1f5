"""Drive the Streamlit app in-process (streamlit.testing) on a fresh data folder."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from datetime import date
from functools import lru_cache
from pathlib import Path

from streamlit.testing.v1 import AppTest

from domain.records import AuditRecord, OrganisationProfile
from store import AuditStore, Settings, open_store

APP = str(Path(__file__).parent.parent / "audit_app.py")


def fresh_app(monkeypatch, folder: Path) -> AuditStore:
    """Point the app at a new data folder, its database a copy of one migrated once per test
    process (as the app's first start leaves it: no account, the bundled catalogue); returns a
    store on the same database."""
    from ui.context import get_store

    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "audit.db").exists():  # a folder the test filled itself is kept
        shutil.copyfile(_migrated_database(), folder / "audit.db")
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(folder))
    monkeypatch.delenv("GBT_AUDIT_DATABASE_URL", raising=False)
    get_store.clear()
    return open_store()


@lru_cache(maxsize=1)
def _migrated_database() -> Path:
    """A SQLite file migrated to the newest revision, made once per process in a folder of its
    own (each pytest-xdist worker has its own), removed when the process ends."""
    folder = Path(tempfile.mkdtemp(prefix="gbt-audit-template-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "audit.db"
    open_store(Settings(folder, f"sqlite:///{path}", folder / "evidence", 1 << 20)).engine.dispose()
    return path


def app(page: str | None = None, audit_id: int | None = None, lang: str = "zh") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["lang"] = lang
    sign_in_as_tester(at)
    if audit_id is not None:
        at.session_state["audit_id"] = audit_id
    at.run()
    if page is not None:
        at.switch_page(f"ui/pages/{page}.py").run()
    return at


def sign_in_as_tester(at: AppTest, login: str = "tester") -> None:
    """Start the session signed in (the sign-in page itself is tested in test_app_auth.py):
    an administrator named 测试员, created on first use."""
    sign_in_as(at, tester(login))


def tester(login: str = "tester") -> int:
    """The id of the administrator 测试员, created on first use."""
    from store.accounts import AccountError, Accounts

    accounts = Accounts(open_store())
    try:
        return accounts.user(login).id
    except AccountError:
        return accounts.add_user(
            login, "测试员", actor="tests", password="tester password", administrator=True
        ).id


def sign_in_as(at: AppTest, user_id: int) -> str:
    """A real server-side session for the account, as the sign-in route starts one; its token
    is handed to the app through the session (streamlit.testing sends no cookies)."""
    from store.sessions import SignInSessions
    from ui.auth import TOKEN_KEY

    token = SignInSessions(open_store()).start(user_id, user_agent="AppTest")
    at.session_state[TOKEN_KEY] = token
    return token


def signed_off(store: AuditStore, audit_id: int) -> None:
    """Submit the round for review and sign it off (as 测试员): only then can it be closed."""
    from store_helpers import submit_and_sign_off

    submit_and_sign_off(store, audit_id, tester())


def on_tab(at: AppTest, label: str) -> AppTest:
    """Open a tab of a page's tab set (the checklist's tabs are tracked by the server)."""
    at.session_state["checklist.tab"] = label
    return at.run()


def confirm(at: AppTest, ask_label: str) -> AppTest:
    """Click a button that asks first, then confirm in its dialog."""
    next(
        b for b in at.button if b.label == ask_label and (b.key or "").startswith("ask.")
    ).click().run()
    next(b for b in at.button if (b.key or "").startswith("confirm.")).click().run()
    return at


def new_audit(store: AuditStore, name: str = "华东家电服务有限公司") -> AuditRecord:
    organisation = store.create_organisation(OrganisationProfile(name=name), actor="测试员")
    catalogue = store.catalogues()[0]
    return store.create_audit(
        organisation.id,
        catalogue_hash=catalogue.content_hash,
        title="2026 年度自评",
        audit_date=date(2026, 11, 1),
        assessor="王敏",
        actor="测试员",
    )


def texts(at: AppTest) -> str:
    """Everything the page shows as text, for assertions."""
    parts = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "success",
        "warning",
        "error",
        "metric",
    ):
        for element in getattr(at, kind):
            value = getattr(element, "value", None)
            label = getattr(element, "label", None)
            parts.append(" ".join(str(x) for x in (label, value) if x is not None))
    return "\n".join(parts)
