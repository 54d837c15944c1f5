"""Signing off and closing a round while a colleague keeps saving: a save that lands after the
sign-off withdraws it, so the close is refused and the round stays open; a close that goes
through froze exactly what was signed off. Every confirmed save either lands before the snapshot
(and is copied into the next round) or is refused — none is lost, and the frozen round's stored
score is the score of its own entries."""

import random
import threading
from fractions import Fraction

import pytest
from store_helpers import new_store, sign_off, test_audit

from domain.account_records import ReviewError
from scoring import Status, result_to_dict, score_audit
from store import ConflictError, ReadOnly
from store.uow import UnitOfWork

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
        self.stop = threading.Event()  # the close was refused: stop saving
        self.store, self.audit_id = store, audit_id
        self.confirmed: list[tuple[str, Status]] = []
        self.started_saving = threading.Event()
        self.failure: BaseException | None = None

    def run(self) -> None:
        n = 0
        try:
            while not self.stop.is_set():
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
    lost, snapshot_mismatches, unsigned_freezes, refused = [], [], [], 0
    for close in range(CLOSES):
        colleague = Colleague(store, audit.id)
        colleague.start()
        assert colleague.started_saving.wait(30)
        threading.Event().wait(rng.uniform(0, 0.02))  # sign off at a random point of a save
        sign_off(store, audit.id)
        threading.Event().wait(rng.uniform(0, 0.02))  # and close at another
        current = store.audit(audit.id)
        try:
            following = store.close_round(audit.id, expected_version=current.version, actor="qm")
        except ReviewError as exc:  # a save landed after the sign-off: withdrawn, not frozen
            assert exc.code == "auth.review.error.not_signed_off"
            colleague.stop.set()
            following = None
        colleague.join(30)
        assert not colleague.is_alive()
        assert colleague.failure is None, colleague.failure

        last_notes, last_status = colleague.confirmed[-1]
        frozen_item = store.item(audit.id, ITEM)
        if following is None:
            refused += 1
            assert store.audit(audit.id).state == "draft"
            if (frozen_item.notes, frozen_item.status) != (last_notes, last_status):
                lost.append((close, last_notes, frozen_item.notes, None))
            continue
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
        with UnitOfWork(store, write=False) as uow:
            signed = uow.reviews.status(audit.id).sign_off
        if signed is None or signed.score != Fraction(stored["score_exact"]):
            unsigned_freezes.append((close, signed and signed.score, stored["score_exact"]))
        audit = following

    assert (lost, snapshot_mismatches, unsigned_freezes) == ([], [], []), (
        f"of {CLOSES} closes ({refused} refused after a later save), {len(lost)} lost a "
        f"confirmed save (e.g. {lost[:2]}), {len(snapshot_mismatches)} froze a score that "
        f"disagrees with the round's own entries and {len(unsigned_freezes)} froze a score "
        f"other than the one signed off (e.g. {unsigned_freezes[:2]})"
    )
