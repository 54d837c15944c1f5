"""Closing a round while a colleague keeps saving: every confirmed save either lands before the
snapshot (and is copied into the next round) or is refused — none is lost, and the frozen round's
stored score is the score of its own entries."""

import random
import threading

import pytest
from store_helpers import new_store, test_audit

from scoring import Status, result_to_dict, score_audit
from store import ConflictError, ReadOnly

CLOSES = 30
ITEM = "1.1.1"


@pytest.fixture
def store(database_url, tmp_path):
    return new_store(database_url, tmp_path)


class Colleague(threading.Thread):
    """Saves one item over and over (alternating its status, so the score moves) until the
    round is closed under them; remembers every save the store confirmed."""

    def __init__(self, store, audit_id: int) -> None:
        super().__init__(daemon=True)
        self.store, self.audit_id = store, audit_id
        self.confirmed: list[tuple[str, Status]] = []
        self.started_saving = threading.Event()
        self.failure: BaseException | None = None

    def run(self) -> None:
        n = 0
        try:
            while True:
                n += 1
                status = Status.CONFORMING if n % 2 else Status.NOT_CONFORMING
                version = self.store.item(self.audit_id, ITEM).version
                try:
                    saved = self.store.save_item(
                        self.audit_id,
                        ITEM,
                        expected_version=version,
                        actor="colleague",
                        status=status,
                        notes=f"save {n}",
                    )
                except ConflictError:
                    continue
                except ReadOnly:
                    return  # the round was closed: refused, and the colleague is told so
                self.confirmed.append((saved.notes, saved.status))
                self.started_saving.set()
        except BaseException as exc:  # surfaced by the test, not swallowed by the thread
            self.failure = exc
            self.started_saving.set()


def test_closing_a_round_never_loses_a_concurrent_confirmed_save(store):
    rng = random.Random(27922)
    audit = test_audit(store)
    lost, snapshot_mismatches = [], []
    for close in range(CLOSES):
        colleague = Colleague(store, audit.id)
        colleague.start()
        assert colleague.started_saving.wait(30)
        threading.Event().wait(rng.uniform(0, 0.02))  # close at a random point of a save
        current = store.audit(audit.id)
        following = store.close_round(audit.id, expected_version=current.version, actor="qm")
        colleague.join(30)
        assert not colleague.is_alive()
        assert colleague.failure is None, colleague.failure

        last_notes, last_status = colleague.confirmed[-1]
        frozen_item = store.item(audit.id, ITEM)
        copied_item = store.item(following.id, ITEM)
        confirmed = (last_notes, last_status)
        if {(frozen_item.notes, frozen_item.status), (copied_item.notes, copied_item.status)} != {
            confirmed
        }:
            lost.append((close, last_notes, frozen_item.notes, copied_item.notes))

        stored = store.round_result(audit.id)
        recomputed = result_to_dict(
            score_audit(store.catalogue(current.catalogue_hash), store.audit_input(audit.id))
        )
        if stored["score_exact"] != recomputed["score_exact"]:
            snapshot_mismatches.append((close, stored["score_exact"], recomputed["score_exact"]))
        audit = following

    assert (lost, snapshot_mismatches) == ([], []), (
        f"of {CLOSES} closes, {len(lost)} lost a confirmed save (e.g. {lost[:2]}) and "
        f"{len(snapshot_mismatches)} froze a score that disagrees with the round's own entries"
    )
