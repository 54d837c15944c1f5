"""The outbox (store/outbox.py): a notification is saved with the change that caused it or not
at all; claimed once while it is being sent; retried with a growing wait; failed at the end."""

from datetime import timedelta

import pytest
from store_helpers import company, new_store

from domain.notifications import MAX_ATTEMPTS, DeliveryState, EventKind, next_wait
from store.base import utcnow
from store.uow import UnitOfWork


@pytest.fixture
def store(database_url, tmp_path):
    return new_store(database_url, tmp_path)


def test_a_notification_is_saved_only_with_the_change_that_caused_it(store):
    organisation = company(store)
    with pytest.raises(RuntimeError), UnitOfWork(store) as uow:
        uow.outbox.add(
            EventKind.RETURNED, organisation_id=organisation.id, recipients=[1], values={}
        )
        raise RuntimeError("the change failed")
    with UnitOfWork(store) as uow:
        assert uow.outbox.recent() == []
        made = uow.outbox.add(
            "assigned",
            organisation_id=organisation.id,
            recipients=[3, 2, 3],
            values={"item": "1.2.1", "due_on": "2026-12-31", "count": 3, "note": None},
            actor="qm",
        )
    with UnitOfWork(store, write=False) as uow:
        [saved] = uow.outbox.recent()
    assert saved.id == made
    assert saved.kind is EventKind.ASSIGNED and saved.state is DeliveryState.PENDING
    assert saved.recipients == (2, 3)
    assert saved.values == {"item": "1.2.1", "due_on": "2026-12-31", "count": 3, "note": None}
    assert saved.created_by == "qm" and saved.attempts == 0 and saved.delivered == ()


def test_values_must_be_plain_and_the_kind_known(store):
    with UnitOfWork(store) as uow:
        with pytest.raises(ValueError):
            uow.outbox.add("praised", organisation_id=None, recipients=[], values={})
        with pytest.raises(ValueError):
            uow.outbox.add(
                EventKind.MENTIONED, organisation_id=None, recipients=[], values={"x": 1.5}
            )
        with pytest.raises(ValueError):
            uow.outbox.add(
                EventKind.MENTIONED, organisation_id=None, recipients=[], values={"x": True}
            )


def test_an_event_recorded_again_under_its_key_is_one_notification(store):
    with UnitOfWork(store) as uow:
        first = uow.outbox.add(
            EventKind.ACTION_OVERDUE,
            organisation_id=None,
            recipients=[],
            values={},
            key="overdue:1:2026-12-01",
        )
    with UnitOfWork(store) as uow:
        again = uow.outbox.add(
            EventKind.ACTION_OVERDUE,
            organisation_id=None,
            recipients=[],
            values={},
            key="overdue:1:2026-12-01",
        )
    assert first is not None and again is None
    with UnitOfWork(store, write=False) as uow:
        assert len(uow.outbox.recent()) == 1


def test_a_claimed_notification_is_not_claimed_again_until_its_outcome_is_recorded(store):
    with UnitOfWork(store) as uow:
        made = uow.outbox.add(EventKind.SIGNED_OFF, organisation_id=None, recipients=[], values={})
    assert made is not None
    with UnitOfWork(store) as uow:
        assert [n.id for n in uow.outbox.claim()] == [made]
    with UnitOfWork(store) as uow:
        assert uow.outbox.claim() == []
        sent = uow.outbox.record(made, delivered=["webhook:0"])
    assert sent.state is DeliveryState.SENT and sent.sent_at is not None
    with UnitOfWork(store) as uow:
        assert uow.outbox.claim(now=utcnow() + timedelta(days=1)) == []


def test_each_failure_waits_longer_and_the_last_attempt_marks_it_failed(store):
    with UnitOfWork(store) as uow:
        made = uow.outbox.add(EventKind.RETURNED, organisation_id=None, recipients=[], values={})
    assert made is not None
    now = utcnow()
    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        with UnitOfWork(store) as uow:
            [claimed] = uow.outbox.claim(now=now)
            outcome = uow.outbox.record(
                claimed.id, delivered=["mail:1"] if attempt == 1 else [], error="refused", now=now
            )
        assert outcome.attempts == attempt and outcome.last_error == "refused"
        assert outcome.delivered == ("mail:1",)  # a retry does not forget who has it already
        if attempt < MAX_ATTEMPTS:
            assert outcome.state is DeliveryState.PENDING
            assert outcome.next_attempt_at is not None
            waits.append(outcome.next_attempt_at - now)
            with UnitOfWork(store) as uow:
                assert uow.outbox.claim(now=outcome.next_attempt_at - timedelta(seconds=1)) == []
            now = outcome.next_attempt_at
    assert outcome.state is DeliveryState.FAILED and outcome.next_attempt_at is None
    assert waits == [next_wait(n) for n in range(1, MAX_ATTEMPTS)]
    assert waits == sorted(waits) and waits[1] == 2 * waits[0]
    with UnitOfWork(store) as uow:
        assert uow.outbox.claim(now=now + timedelta(days=1)) == []
        assert [n.id for n in uow.outbox.recent(state=DeliveryState.FAILED)] == [made]
