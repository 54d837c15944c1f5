"""The certification cycle: valid three years, surveillance every year, renewal after three."""

from datetime import date

from scoring.cycle import CycleEventKind, add_years, certification_cycle


def test_a_certificate_is_surveilled_on_its_first_and_second_anniversary_and_renewed_on_its_third():
    cycle = certification_cycle(date(2026, 3, 18))
    assert cycle.surveillances == (date(2027, 3, 18), date(2028, 3, 18))
    assert cycle.renewal == date(2029, 3, 18)
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
    assert cycle.next_event(date(2029, 3, 19)) is None


def test_a_certificate_is_valid_from_its_issue_day_until_the_day_before_its_renewal_date():
    cycle = certification_cycle(date(2026, 3, 18))
    assert not cycle.valid_on(date(2026, 3, 17))
    assert cycle.valid_on(date(2026, 3, 18)) and cycle.valid_on(date(2029, 3, 17))
    assert not cycle.valid_on(date(2029, 3, 18))


def test_a_certificate_issued_on_29_february_falls_due_on_28_february():
    assert add_years(date(2028, 2, 29), 1) == date(2029, 2, 28)
    assert add_years(date(2028, 2, 29), 4) == date(2032, 2, 29)
    assert certification_cycle(date(2028, 2, 29)).renewal == date(2031, 2, 28)


def test_a_surveillance_round_is_numbered_by_the_nearest_anniversary_early_or_late():
    cycle = certification_cycle(date(2026, 12, 1))
    assert cycle.surveillance_number(date(2027, 11, 15)) == 1  # a little early
    assert cycle.surveillance_number(date(2028, 2, 1)) == 1  # late, but still the first
    assert cycle.surveillance_number(date(2028, 11, 15)) == 2
