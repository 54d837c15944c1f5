"""Benchmark of the consultant's portfolio page (run by hand; prints numbers, asserts nothing).

    python bench/bench_portfolio.py [--organisations 30] [--runs 5]

On a fresh data folder with the full GB/T 27922 catalogue, N organisations each with a draft
round whose items are all assessed (a few not conforming, with rectification actions and due
dates) and, for every third one, a certificate, it prints the median time of:

- the rows alone (ui.portfolio_rows.portfolio_rows over the store), computed afresh and
  remembered from an earlier run (nothing changed since: one change-log read per organisation);
- the portfolio page's run in streamlit.testing, the first and the following ones.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from services import certification
from services.context import Context

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def credit_code(n: int) -> str:
    from stdnum.cn import uscc

    stem = f"91310000{n:09d}"
    return stem + uscc.calc_check_digit(stem)


def seed(organisations: int) -> None:
    from domain.records import OrganisationProfile, Rectification
    from scoring import Status
    from store import open_store

    store = open_store()
    catalogue = store.catalogues()[0]
    today = date.today()
    for n in range(organisations):
        organisation = store.create_organisation(
            OrganisationProfile(name=f"基准客户{n:02d}有限公司", credit_code=credit_code(n)),
            "bench",
        )
        audit = store.create_audit(
            organisation.id,
            catalogue_hash=catalogue.content_hash,
            title="benchmark",
            audit_date=today,
            assessor="bench",
            actor="bench",
        )
        for k, item in enumerate(catalogue.items):
            failing = (k + n) % 9 == 0
            store.save_item(
                audit.id,
                item.id,
                expected_version=0,
                actor="bench",
                status=Status.NOT_CONFORMING if failing else Status.CONFORMING,
                rectification=Rectification(
                    "整改", f"负责人{k % 4}", today + timedelta(days=(k * 7 + n) % 60 - 10)
                )
                if failing
                else Rectification(),
            )
        if n % 3 == 0:
            certification.add_certificate(
                Context.local_administrator(store, "bench"),
                organisation.id,
                body="认证机构",
                number=f"CERT-{n:03d}",
                tier="五星级",
                issued_on=today - timedelta(days=30 * n),
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--organisations", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data", type=Path, help="a data folder seeded by an earlier run")
    args = parser.parse_args()

    folder = args.data or Path(tempfile.mkdtemp(prefix="bench-portfolio-")) / "data"
    os.environ["GBT_AUDIT_DATA_DIR"] = str(folder)
    if args.data is None:
        started = time.perf_counter()
        seed(args.organisations)
        print(f"seeded {args.organisations} organisations in {time.perf_counter() - started:.1f} s")
        print(f"data folder (reuse with --data): {folder}")

    from streamlit.testing.v1 import AppTest

    from store import open_store
    from store.accounts import Accounts
    from store.sessions import SignInSessions
    from ui.auth import TOKEN_KEY
    from ui.portfolio_rows import portfolio_rows

    store = open_store()
    rows = [timed(lambda: portfolio_rows(store, date.today(), "zh")) for _ in range(args.runs)]
    memo: dict = {}
    portfolio_rows(store, date.today(), "zh", memo)
    remembered = [
        timed(lambda: portfolio_rows(store, date.today(), "zh", memo)) for _ in range(args.runs)
    ]

    app = AppTest.from_file(str(ROOT / "audit_app.py"), default_timeout=120)
    accounts = Accounts(store)
    if accounts.count() == 0:
        accounts.add_user(
            "bench", "bench", actor="bench", password="bench password", administrator=True
        )
    user = accounts.user("bench")
    app.session_state[TOKEN_KEY] = SignInSessions(store).start(user.id)
    app.run()
    first = timed(lambda: app.switch_page("ui/pages/portfolio.py").run())
    assert not app.exception, app.exception
    again = [timed(app.run) for _ in range(args.runs)]

    ms = 1000
    print(f"rows alone:          median {statistics.median(rows) * ms:7.1f} ms")
    print(f"rows, remembered:    median {statistics.median(remembered) * ms:7.1f} ms")
    print(f"page, first run:            {first * ms:7.1f} ms")
    print(f"page, next runs:     median {statistics.median(again) * ms:7.1f} ms")


if __name__ == "__main__":
    main()
