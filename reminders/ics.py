"""Calendar feeds (.ics, RFC 5545) made with the icalendar library: one all-day event per due
date, with a UID that stays the same from export to export so calendar apps update the event."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event, vDuration

from reminders.dates import DueDate

PRODUCT = "-//gbt-audit//星级售后自评//ZH"
REMIND_DAYS_BEFORE = 7


def calendar_ics(
    name: str,
    dates: Sequence[DueDate],
    stamp: datetime | None = None,
    *,
    refresh: timedelta | None = None,
) -> bytes:
    """The dates as an iCalendar file. ``stamp`` (DTSTAMP) is when the feed was made;
    ``refresh``, for a subscription, how often a calendar client should fetch it again
    (REFRESH-INTERVAL of RFC 7986, and X-PUBLISHED-TTL, which Outlook and Apple read)."""
    stamp = stamp or datetime.now(UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    if refresh is not None:
        calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(refresh).to_ical().decode())
    for item in dates:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due)  # a date: an all-day event
        event.add("dtend", item.due + timedelta(days=1))
        event.add("summary", item.summary)
        event.add("description", item.detail)
        event.add("categories", [item.kind.value])
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", item.summary)
        alarm.add("trigger", timedelta(days=-REMIND_DAYS_BEFORE))
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()
