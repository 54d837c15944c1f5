"""The certification cycle as bodies run it: valid three years (through the day before the third
anniversary), a surveillance each certificate year by its anniversary, renewal by the last valid
day. An overdue surveillance puts the certificate at risk of suspension."""

from datetime import date

import pytest

from scoring.cycle import (
    CertificateState,
    CycleEventKind,
    EventState,
    HeldSurveillance,
    SurveillanceResult,
    add_years,
    certification_cycle,
    cycle_status,
    status_to_dict,
)


def states(status):
    return [(e.kind.value, e.number, e.state.value) for e in status.events]


def test_a_certificate_issued_on_29_february_is_valid_through_28_february_three_years_on():
    assert certification_cycle(date(2028, 2, 29)).valid_until == date(2031, 2, 28)


def test_a_certificate_issued_on_31_december_is_valid_through_30_december_three_years_on():
    assert certification_cycle(date(2026, 12, 31)).valid_until == date(2029, 12, 30)


def test_a_certificate_issued_on_1_march_is_valid_through_the_last_day_of_february():
    assert certification_cycle(date(2024, 3, 1)).valid_until == date(2027, 2, 28)


def test_checked_after_its_anniversary_with_none_held_the_first_surveillance_is_overdue():
    """Issued 2028-02-29; on 2029-07-01 no surveillance has been held: the first (due by
    2029-02-28) is overdue, and the certificate is at risk of suspension."""
    status = cycle_status(date(2028, 2, 29), "四星级", [], date(2029, 7, 1))
    assert states(status) == [
        ("surveillance", 1, "overdue"),
        ("surveillance", 2, "upcoming"),
        ("renewal", 1, "upcoming"),
    ]
    assert status.state is CertificateState.AT_RISK and status.at_risk
    assert status.events[0].due == date(2029, 2, 28)


def test_a_late_surveillance_is_the_first_one_held_on_its_day_and_the_certificate_is_valid():
    """The same certificate; the surveillance held late on 2029-10-15 is the first one."""
    held = [HeldSurveillance(date(2029, 10, 15))]
    status = cycle_status(date(2028, 2, 29), "四星级", held, date(2029, 10, 15))
    first, second, _ = status.events
    assert (first.number, first.state, first.held_on) == (1, EventState.HELD, date(2029, 10, 15))
    assert (second.number, second.state) == (2, EventState.UPCOMING)
    assert status.state is CertificateState.VALID
    # and a year on, the second falls due: it is not taken by the late first one
    later = cycle_status(date(2028, 2, 29), "四星级", held, date(2030, 3, 1))
    assert states(later)[1] == ("surveillance", 2, "overdue") and later.at_risk


def test_a_late_surveillance_is_numbered_by_its_certificate_year_not_the_nearest_anniversary():
    cycle = certification_cycle(date(2026, 12, 1))
    assert cycle.surveillance_number(date(2027, 11, 15)) == 1  # a little early
    assert cycle.surveillance_number(date(2028, 9, 1)) == 1  # nine months late: still the first
    assert cycle.surveillance_number(date(2028, 11, 15), held=[date(2027, 11, 15)]) == 2
    # both years covered: an extra surveillance belongs to the year it falls in
    both = [date(2027, 11, 15), date(2028, 1, 10)]
    assert cycle.surveillance_number(date(2028, 6, 1), held=both) == 2


def test_an_event_is_due_within_the_window_ahead_of_its_date():
    issued = date(2026, 12, 1)  # first surveillance due by 2027-12-01
    assert states(cycle_status(issued, "三星级", [], date(2027, 9, 1)))[0][2] == "upcoming"
    assert states(cycle_status(issued, "三星级", [], date(2027, 9, 2)))[0][2] == "due"  # 90 days
    assert states(cycle_status(issued, "三星级", [], date(2027, 12, 1)))[0][2] == "due"  # the day
    assert states(cycle_status(issued, "三星级", [], date(2027, 12, 2)))[0][2] == "overdue"
    narrow = cycle_status(issued, "三星级", [], date(2027, 10, 1), window_days=30)
    assert states(narrow)[0][2] == "upcoming"
    with pytest.raises(ValueError):
        cycle_status(issued, "三星级", [], date(2027, 10, 1), window_days=-1)


def test_a_surveillance_that_changes_the_tier_or_suspends_the_certificate_says_so():
    issued = date(2026, 12, 1)
    changed = [HeldSurveillance(date(2027, 11, 20), SurveillanceResult.CHANGED, "五星级")]
    status = cycle_status(issued, "四星级", changed, date(2027, 12, 31))
    assert (status.tier, status.state) == ("五星级", CertificateState.VALID)
    suspended = [*changed, HeldSurveillance(date(2028, 11, 20), SurveillanceResult.SUSPENDED)]
    status = cycle_status(issued, "四星级", suspended, date(2028, 12, 31))
    assert status.state is CertificateState.SUSPENDED


def test_past_its_last_valid_day_the_certificate_has_expired():
    issued = date(2026, 12, 31)
    held = [HeldSurveillance(date(2027, 12, 1)), HeldSurveillance(date(2028, 12, 1))]
    assert cycle_status(issued, "三星级", held, date(2029, 12, 30)).state is CertificateState.VALID
    assert cycle_status(issued, "三星级", held, date(2029, 12, 31)).state is (
        CertificateState.EXPIRED
    )


def test_a_surveillance_recorded_later_than_the_day_checked_does_not_count_yet():
    held = [HeldSurveillance(date(2029, 10, 15))]
    status = cycle_status(date(2028, 2, 29), "四星级", held, date(2029, 7, 1))
    assert states(status)[0][2] == "overdue"


def test_the_status_as_json_has_valid_until_state_and_events():
    held = [HeldSurveillance(date(2029, 10, 15))]
    data = status_to_dict(cycle_status(date(2028, 2, 29), "四星级", held, date(2029, 10, 15)))
    assert data["valid_until"] == "2031-02-28" and data["state"] == "valid"
    assert data["events"][0] == {
        "kind": "surveillance",
        "number": 1,
        "due": "2029-02-28",
        "state": "held",
        "held_on": "2029-10-15",
        "result": "kept",
    }
    assert data["events"][2]["kind"] == "renewal" and data["events"][2]["due"] == "2031-02-28"


def test_surveillances_fall_on_the_first_and_second_anniversary_and_renewal_by_the_last_day():
    cycle = certification_cycle(date(2026, 3, 18))
    assert cycle.surveillances == (date(2027, 3, 18), date(2028, 3, 18))
    assert cycle.renewal == cycle.valid_until == date(2029, 3, 17)
    assert [(e.kind, e.number) for e in cycle.events] == [
        (CycleEventKind.SURVEILLANCE, 1),
        (CycleEventKind.SURVEILLANCE, 2),
        (CycleEventKind.RENEWAL, 1),
    ]


def test_the_next_event_is_the_first_due_today_or_later_and_none_after_expiry():
    cycle = certification_cycle(date(2026, 3, 18))
    assert cycle.next_event(date(2026, 3, 18)).due == date(2027, 3, 18)
    assert cycle.next_event(date(2027, 3, 18)).due == date(2027, 3, 18)  # due today still counts
    assert cycle.next_event(date(2027, 3, 19)).number == 2
    assert cycle.next_event(date(2028, 12, 1)).kind is CycleEventKind.RENEWAL
    assert cycle.next_event(date(2029, 3, 18)) is None


def test_a_certificate_is_valid_from_its_issue_day_through_its_last_valid_day():
    cycle = certification_cycle(date(2026, 3, 18))
    assert not cycle.valid_on(date(2026, 3, 17))
    assert cycle.valid_on(date(2026, 3, 18)) and cycle.valid_on(date(2029, 3, 17))
    assert not cycle.valid_on(date(2029, 3, 18))


def test_a_surveillance_of_a_29_february_certificate_falls_due_on_28_february():
    assert add_years(date(2028, 2, 29), 1) == date(2029, 2, 28)
    assert add_years(date(2028, 2, 29), 4) == date(2032, 2, 29)
