"""Reminders before the event, and the unsubscribe link and headers on every email."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from netweave.web.events.invites import send_link_email
from netweave.web.events.models import Event, Registration
from netweave.web.followup.domain.consent import set_optional_emails
from netweave.web.followup.domain.sending import reminder_at, send_due_reminders, send_reminder
from netweave.web.mail.domain import (
    UNSUBSCRIBED,
    member_for_preferences_token,
    preferences_token,
    send_email,
    wants_optional_email,
)
from netweave.web.mail.models import OutboxMessage
from tests.web.factories import EventFactory, MemberFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

#: Thursday 12 March 2026, 16:00 UTC
START = dt.datetime(2026, 3, 12, 16, 0, tzinfo=dt.UTC)


def _local(moment: dt.datetime, tz: str) -> str:
    return f"{moment.astimezone(zoneinfo.ZoneInfo(tz)):%a %H:%M}"


def _registration(tz: str = "Europe/London", status: str = Event.Status.PUBLISHED) -> Registration:
    event = EventFactory(starts_at=START, status=status)
    registration = RegistrationFactory(event=event, member__timezone=tz)
    Registration.objects.filter(pk=registration.pk).update(created=START - dt.timedelta(days=9))
    registration.refresh_from_db()
    return registration


# --------------------------------------------------------------------------- when


def test_reminder_at_24_hours_before_in_daytime():
    event = EventFactory(starts_at=START)
    assert _local(reminder_at(event, "Europe/London"), "Europe/London") == "Wed 16:00"


def test_reminder_at_night_moves_to_morning():
    event = EventFactory(starts_at=START)  # 16:00 UTC is 03:00 in Sydney
    assert _local(reminder_at(event, "Australia/Sydney"), "Australia/Sydney") == "Thu 08:00"


def test_reminder_at_late_evening_moves_to_20h():
    event = EventFactory(starts_at=START)  # 16:00 UTC is 21:30 in Kolkata
    assert _local(reminder_at(event, "Asia/Kolkata"), "Asia/Kolkata") == "Wed 20:00"


def test_reminder_at_across_daylight_saving_change():
    # New York moves its clocks on Sunday 8 March 2026: 07:00 local on Monday 9th is
    # 11:00 UTC (EDT), not 12:00 (EST)
    event = EventFactory(starts_at=dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC))
    assert reminder_at(event, "America/New_York") == dt.datetime(2026, 3, 9, 12, 0, tzinfo=dt.UTC)


def test_reminder_at_unknown_zone_uses_utc():
    event = EventFactory(starts_at=START)
    assert reminder_at(event, "Mars/Olympus") == START - dt.timedelta(hours=24)


# --------------------------------------------------------------------------- sending


def test_send_due_reminders_sends_when_due(mailoutbox):
    _registration()
    sent = send_due_reminders(START - dt.timedelta(hours=23))
    assert (sent, mailoutbox[0].subject.startswith("Reminder:")) == (1, True)


def test_send_due_reminders_not_before_due(mailoutbox):
    _registration()
    assert (send_due_reminders(START - dt.timedelta(hours=25)), len(mailoutbox)) == (0, 0)


def test_send_due_reminders_twice_sends_once(mailoutbox):
    _registration()
    send_due_reminders(START - dt.timedelta(hours=23))
    assert (send_due_reminders(START - dt.timedelta(hours=22)), len(mailoutbox)) == (0, 1)


def test_send_reminder_twice_sends_once(mailoutbox):
    registration = _registration()
    send_reminder(registration)
    assert (send_reminder(registration), len(mailoutbox)) == (None, 1)


def test_send_due_reminders_none_after_the_start(mailoutbox):
    _registration()
    assert send_due_reminders(START + dt.timedelta(minutes=1)) == 0


def test_send_due_reminders_none_for_late_registration(mailoutbox):
    registration = _registration()
    Registration.objects.filter(pk=registration.pk).update(created=START - dt.timedelta(hours=2))
    assert send_due_reminders(START - dt.timedelta(hours=1)) == 0


def test_send_due_reminders_none_for_draft_event(mailoutbox):
    _registration(status=Event.Status.DRAFT)
    assert send_due_reminders(START - dt.timedelta(hours=23)) == 0


def test_reminder_carries_calendar_invite(mailoutbox):
    send_reminder(_registration())
    assert [a.mimetype for a in mailoutbox[0].attachments] == ["text/calendar"]


def test_reminder_shows_time_in_recipients_zone(mailoutbox):
    send_reminder(_registration(tz="Asia/Tokyo"))
    assert "Friday 13 March 2026, 01:00" in mailoutbox[0].body


# --------------------------------------------------------------------------- unsubscribing


def test_every_email_has_list_unsubscribe_headers(mailoutbox):
    registration = _registration()
    send_link_email(registration)
    headers = mailoutbox[0].extra_headers
    token = preferences_token(registration.member)
    assert headers["List-Unsubscribe"].endswith(
        reverse("portal:email_unsubscribe", args=[token]) + ">"
    )
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_every_email_has_preferences_link(mailoutbox):
    registration = _registration()
    send_link_email(registration)
    token = preferences_token(registration.member)
    assert reverse("portal:email_preferences", args=[token]) in mailoutbox[0].body


def test_email_to_non_member_has_no_unsubscribe_header(mailoutbox):
    send_email("someone@example.org", "link", {"event": EventFactory(), "member": None})
    assert "List-Unsubscribe" not in mailoutbox[0].extra_headers


def test_unsubscribed_member_gets_no_reminder(mailoutbox):
    registration = _registration()
    set_optional_emails(registration.member, False)
    send_due_reminders(START - dt.timedelta(hours=23))
    assert (len(mailoutbox), OutboxMessage.objects.get().error) == (0, UNSUBSCRIBED)


def test_unsubscribed_member_reminder_not_retried(mailoutbox):
    registration = _registration()
    set_optional_emails(registration.member, False)
    send_due_reminders(START - dt.timedelta(hours=23))
    send_due_reminders(START - dt.timedelta(hours=22))
    assert OutboxMessage.objects.count() == 1


def test_unsubscribed_member_still_gets_link_they_asked_for(mailoutbox):
    registration = _registration()
    set_optional_emails(registration.member, False)
    send_link_email(registration)
    assert len(mailoutbox) == 1


def test_one_click_unsubscribe_post_without_csrf():
    from django.test import Client

    member = MemberFactory()
    url = reverse("portal:email_unsubscribe", args=[preferences_token(member)])
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert (response.status_code, wants_optional_email(member)) == (200, False)


def test_unsubscribe_get_only_asks(client):
    member = MemberFactory()
    client.get(reverse("portal:email_unsubscribe", args=[preferences_token(member)]))
    assert wants_optional_email(member)


def test_unsubscribe_bad_token_404(client):
    assert client.post(reverse("portal:email_unsubscribe", args=["x:y"])).status_code == 404


def test_preferences_token_tampered_is_refused():
    token = preferences_token(MemberFactory())
    assert member_for_preferences_token(token[:-2] + "xx") is None


def test_preferences_token_refused_after_email_change():
    member = MemberFactory()
    token = preferences_token(member)
    member.email = "new@example.org"
    member.save()
    assert member_for_preferences_token(token) is None


def test_preferences_page_turns_optional_emails_back_on(client):
    member = MemberFactory()
    set_optional_emails(member, False)
    url = reverse("portal:email_preferences", args=[preferences_token(member)])
    client.post(url, {"optional_emails": "on"})
    assert wants_optional_email(member)


def test_preferences_page_refuses_without_csrf():
    from django.test import Client

    member = MemberFactory()
    url = reverse("portal:email_preferences", args=[preferences_token(member)])
    assert Client(enforce_csrf_checks=True).post(url, {}).status_code == 403


def test_send_due_reminders_none_for_fully_async_event(mailoutbox):
    registration = _registration()
    Event.objects.filter(pk=registration.event_id).update(fully_async=True)
    assert send_due_reminders(START - dt.timedelta(hours=23)) == 0
