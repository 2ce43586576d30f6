"""Reminders before the event: when each goes, once each, with the schedule and join info."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from netweave.web.events.models import Event, Registration
from netweave.web.followup.domain.consent import set_optional_emails
from netweave.web.mail.domain import UNSUBSCRIBED
from netweave.web.mail.due import send_due
from netweave.web.mail.models import OutboxMessage
from netweave.web.matching.domain.reminders import (
    due_reminder,
    reminder_at,
    send_due_reminders,
    send_reminder,
)
from tests.web.factories import EventFactory, RegistrationFactory, published_example

pytestmark = pytest.mark.django_db

#: Thursday 12 March 2026, 16:00 UTC
START = dt.datetime(2026, 3, 12, 16, 0, tzinfo=dt.UTC)
ZOOM = "https://zoom.us/j/81234567890?pwd=abc"


def _local(moment: dt.datetime, tz: str) -> str:
    return f"{moment.astimezone(zoneinfo.ZoneInfo(tz)):%a %H:%M}"


def _old(registration: Registration) -> Registration:
    Registration.objects.filter(pk=registration.pk).update(created=START - dt.timedelta(days=9))
    registration.refresh_from_db()
    return registration


def _registration(
    tz: str = "Europe/London", status: str = Event.Status.PUBLISHED, **event: object
) -> Registration:
    event_row = EventFactory(starts_at=START, status=status, **event)
    return _old(RegistrationFactory(event=event_row, member__timezone=tz))


# --------------------------------------------------------------------------- when


def test_reminder_at_24_hours_before_in_daytime():
    event = EventFactory(starts_at=START)
    assert _local(reminder_at(event, "Europe/London", 24), "Europe/London") == "Wed 16:00"


def test_reminder_at_night_moves_to_morning():
    event = EventFactory(starts_at=START)  # 16:00 UTC is 03:00 in Sydney
    assert _local(reminder_at(event, "Australia/Sydney", 24), "Australia/Sydney") == "Thu 08:00"


def test_reminder_at_late_evening_moves_to_20h():
    event = EventFactory(starts_at=START)  # 16:00 UTC is 21:30 in Kolkata
    assert _local(reminder_at(event, "Asia/Kolkata", 24), "Asia/Kolkata") == "Wed 20:00"


def test_reminder_at_across_daylight_saving_change():
    # New York moves its clocks on Sunday 8 March 2026: 07:00 local on Monday 9th is
    # 11:00 UTC (EDT), not 12:00 (EST)
    event = EventFactory(starts_at=dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC))
    expected = dt.datetime(2026, 3, 9, 12, 0, tzinfo=dt.UTC)
    assert reminder_at(event, "America/New_York", 24) == expected


def test_reminder_at_unknown_zone_uses_utc():
    event = EventFactory(starts_at=START)
    assert reminder_at(event, "Mars/Olympus", 24) == START - dt.timedelta(hours=24)


def test_reminder_at_an_hour_before_is_not_moved_into_daytime():
    event = EventFactory(starts_at=START)  # 03:00 in Sydney: a live person is up for it
    assert reminder_at(event, "Australia/Sydney", 1) == START - dt.timedelta(hours=1)


def test_due_reminder_latest_past_slot_only():
    registration = _registration()
    # the sender was down for a day: at 30 minutes before, only the hour's reminder is due
    assert due_reminder(registration, START - dt.timedelta(minutes=30)) == 1


def test_due_reminder_async_person_gets_no_hour_reminder():
    registration = _registration()
    Registration.objects.filter(pk=registration.pk).update(mode=Registration.Mode.ASYNC)
    registration.refresh_from_db()
    assert due_reminder(registration, START - dt.timedelta(minutes=30)) == 24


def test_due_reminder_follows_the_events_hours():
    registration = _registration(reminder_hours=[48])
    assert due_reminder(registration, START - dt.timedelta(hours=47)) == 48


def test_due_reminder_none_when_the_event_turned_them_off():
    registration = _registration(reminder_hours=[])
    assert due_reminder(registration, START - dt.timedelta(minutes=30)) is None


# --------------------------------------------------------------------------- sending


def test_send_due_reminders_sends_when_due(mailoutbox):
    _registration()
    sent = send_due_reminders(START - dt.timedelta(hours=23))
    assert (sent, mailoutbox[0].subject.startswith("Reminder:")) == (1, True)


def test_send_due_reminders_is_what_send_due_runs(mailoutbox):
    _registration()
    assert send_due(START - dt.timedelta(hours=23))["reminders"] == 1


def test_send_due_reminders_not_before_due(mailoutbox):
    _registration()
    assert (send_due_reminders(START - dt.timedelta(hours=25)), len(mailoutbox)) == (0, 0)


def test_send_due_reminders_each_slot_once(mailoutbox):
    _registration()
    for hours_before in (23, 22, 0.9, 0.5):
        send_due_reminders(START - dt.timedelta(hours=hours_before))
    keys = sorted(OutboxMessage.objects.values_list("key", flat=True))
    assert (len(mailoutbox), [k.rsplit("-", 1)[1] for k in keys]) == (2, ["h1", "h24"])


def test_send_reminder_twice_sends_once(mailoutbox):
    registration = _registration()
    send_reminder(registration, 24)
    assert (send_reminder(registration, 24), len(mailoutbox)) == (None, 1)


def test_send_due_reminders_none_after_the_start(mailoutbox):
    _registration()
    assert send_due_reminders(START + dt.timedelta(minutes=1)) == 0


def test_send_due_reminders_none_for_late_registration(mailoutbox):
    registration = _registration()
    Registration.objects.filter(pk=registration.pk).update(created=START - dt.timedelta(minutes=30))
    assert send_due_reminders(START - dt.timedelta(minutes=20)) == 0


def test_send_due_reminders_none_for_draft_event(mailoutbox):
    _registration(status=Event.Status.DRAFT)
    assert send_due_reminders(START - dt.timedelta(hours=23)) == 0


def test_send_due_reminders_none_for_fully_async_event(mailoutbox):
    _registration(fully_async=True)
    assert send_due_reminders(START - dt.timedelta(hours=23)) == 0


def test_reminder_carries_calendar_invite(mailoutbox):
    send_reminder(_registration(), 24)
    assert [a.mimetype for a in mailoutbox[0].attachments] == ["text/calendar"]


def test_reminder_shows_time_in_recipients_zone(mailoutbox):
    send_reminder(_registration(tz="Asia/Tokyo"), 24)
    assert "Friday 13 March 2026, 01:00" in mailoutbox[0].body


def test_reminder_carries_join_information(mailoutbox):
    send_reminder(_registration(meeting_url=ZOOM, meeting_passcode="462 190"), 1)
    assert (ZOOM in mailoutbox[0].body, "Passcode: 462 190" in mailoutbox[0].body) == (True, True)


def test_reminder_carries_the_published_schedule(mailoutbox):
    regs, _ = published_example(EventFactory(starts_at=START, meeting_url=ZOOM))
    send_reminder(_old(regs[0]), 24)
    partner = regs[3].member.name  # round 2: regs[0] meets regs[3] in Room 1
    assert f"Round 2, 16:08, Room 01\n  You meet {partner}" in mailoutbox[0].body


def test_unsubscribed_member_gets_no_reminder(mailoutbox):
    registration = _registration()
    set_optional_emails(registration.member, False)
    send_due_reminders(START - dt.timedelta(hours=23))
    assert (len(mailoutbox), OutboxMessage.objects.get().error) == (0, UNSUBSCRIBED)


def test_unsubscribed_member_reminder_recorded_once(mailoutbox):
    registration = _registration()
    set_optional_emails(registration.member, False)
    send_due_reminders(START - dt.timedelta(hours=23))
    send_due_reminders(START - dt.timedelta(hours=22))
    assert OutboxMessage.objects.count() == 1
