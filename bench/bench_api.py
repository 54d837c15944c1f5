"""Benchmark of the read-only API (run by hand; prints numbers, asserts nothing).

    python bench/bench_api.py [--organisations 30] [--runs 5]

On a fresh data folder with the full GB/T 27922 catalogue and N organisations, each with a draft
round whose items are all assessed (every tenth not conforming, with an action due), it prints
the median time of GET /api/v1/audits, GET /api/v1/audits/{id} and the round's calendar feed
through the server's ASGI stack (gate, routes, token check, services), and as the baseline the
portfolio's rows (ui.portfolio_rows) over the same store, computed afresh.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def median_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--organisations", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from seeding import seed

    seeded = seed(Path(tempfile.mkdtemp(prefix="gbt-bench-api-")), audits=args.organisations)
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.testclient import TestClient

    from domain.records import Rectification
    from services import api_tokens
    from services.context import Context
    from store import open_store
    from store.access import GuardedStore
    from store.accounts import Accounts
    from ui.portfolio_rows import portfolio_rows
    from ui.web import ROUTES, SignInGate

    store = open_store()
    today = date.today()
    catalogue = store.catalogues()[0]
    for audit_id in seeded.audit_ids:
        for n, item in enumerate(catalogue.items):
            changes: dict[str, object] = {"status": "conforming"}
            if n % 10 == 0:
                changes = {
                    "status": "not_conforming",
                    "finding": "记录缺失",
                    "rectification": Rectification("补齐", "王经理", today + timedelta(days=n)),
                }
            store.save_item(audit_id, item.id, expected_version=0, actor="bench", **changes)
    admin = Context.local_administrator(store, "bench")
    token = api_tokens.add_token(admin, seeded.user_id, today=today).token
    web = TestClient(Starlette(routes=ROUTES, middleware=[Middleware(SignInGate)]))
    headers = {"Authorization": f"Bearer {token}"}
    first = seeded.audit_id

    def get(path: str) -> None:
        answer = web.get(path, headers=headers)
        assert answer.status_code == 200, answer.text

    actor = Accounts(store).actor(seeded.user_id)
    assert actor is not None
    guarded = GuardedStore(store, actor)
    print(
        f"{args.organisations} organisations, {len(catalogue.items)} items each, "
        f"median of {args.runs} runs"
    )
    for label, work in [
        ("GET /api/v1/audits", lambda: get("/api/v1/audits")),
        (f"GET /api/v1/audits/{first}", lambda: get(f"/api/v1/audits/{first}")),
        ("GET calendar.ics", lambda: get(f"/api/v1/audits/{first}/calendar.ics")),
        (
            "baseline: portfolio rows",
            lambda: portfolio_rows(guarded, today, "zh"),
        ),
    ]:
        print(f"{label:32} {median_of(args.runs, work) * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
