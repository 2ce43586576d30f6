"""Changing the dates of an event people registered for tells each of them once, with an
invite that updates their calendar entry."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest

from netweave.web.events.domain import update_event
from netweave.web.events.invites import send_dates_changed
from netweave.web.events.models import Event
from netweave.web.mail.models import OutboxMessage
from tests.web.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2031, 3, 12, 16, 0, tzinfo=dt.UTC)


@pytest.fixture
def published():
    event = EventFactory(starts_at=START, status=Event.Status.PUBLISHED)
    RegistrationFactory.create_batch(2, event=event)
    RegistrationFactory(event=event, member__timezone="Asia/Tokyo")
    return event


def move(event: Event, run, **fields) -> None:
    with run(execute=True):
        update_event(event, **fields)


def test_moving_a_published_event_emails_everyone_once(
    published, mailoutbox, django_capture_on_commit_callbacks
):
    move(published, django_capture_on_commit_callbacks, starts_at=START + dt.timedelta(days=1))
    assert len(mailoutbox) == 3
    assert {m.subject for m in mailoutbox} == {f"New dates for {published.title}"}
    assert OutboxMessage.objects.filter(kind="dates_changed").count() == 3


def test_dates_email_gives_the_new_time_in_the_readers_zone(
    published, mailoutbox, django_capture_on_commit_callbacks
):
    move(published, django_capture_on_commit_callbacks, starts_at=START + dt.timedelta(days=1))
    tokyo = next(m for m in mailoutbox if "(Asia/Tokyo)" in m.body)
    assert "Friday 14 March 2031, 01:00" in tokyo.body  # 16:00 UTC on the 13th


def test_dates_email_invite_updates_the_calendar_entry(
    published, mailoutbox, django_capture_on_commit_callbacks
):
    later = START + dt.timedelta(days=1)
    move(published, django_capture_on_commit_callbacks, starts_at=later)
    (invite,) = [a for a in mailoutbox[0].attachments if a.mimetype == "text/calendar"]
    (entry,) = icalendar.Calendar.from_ical(invite.content).walk("VEVENT")
    assert entry.decoded("dtstart") == later
    assert str(entry["uid"]).startswith(f"event-{published.pk}-registration-")


def test_other_changes_email_nobody(published, mailoutbox, django_capture_on_commit_callbacks):
    move(published, django_capture_on_commit_callbacks, title="A new name", starts_at=START)
    assert mailoutbox == []


def test_moving_a_draft_emails_nobody(mailoutbox, django_capture_on_commit_callbacks):
    event = EventFactory(starts_at=START, status=Event.Status.DRAFT)
    RegistrationFactory(event=event)
    move(event, django_capture_on_commit_callbacks, starts_at=START + dt.timedelta(days=1))
    assert mailoutbox == []


def test_dates_email_not_repeated_for_the_same_times(published, mailoutbox):
    published.starts_at = START + dt.timedelta(days=2)
    published.save()
    assert send_dates_changed(published) == 3
    assert send_dates_changed(published) == 0
    assert len(mailoutbox) == 3
