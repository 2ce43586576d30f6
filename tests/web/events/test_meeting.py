"""The event's video meeting: on the event form (https only), and shown to registered people
only: their emails, calendar invite, personal page and live page, never public pages."""

from __future__ import annotations

import icalendar
import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from netweave.web.events.forms import EventForm, parse_reminder_hours
from netweave.web.events.invites import registration_ics, send_registration_email
from netweave.web.events.meeting import JoinInfo, join_info, validate_meeting_url
from netweave.web.events.models import Event
from tests.web.factories import EventFactory, RegistrationFactory, published_example

pytestmark = pytest.mark.django_db

ZOOM = "https://us02web.zoom.us/j/81234567890?pwd=Zm9v"
MEETING = {"meeting_url": ZOOM, "meeting_id": "812 3456 7890", "meeting_passcode": "462190"}


def _event(**fields: object) -> Event:
    return EventFactory(**{**MEETING, **fields})


# --------------------------------------------------------------------------- the rule


def test_join_info_for_a_registered_person():
    registration = RegistrationFactory(event=_event())
    assert join_info(registration) == JoinInfo(ZOOM, "812 3456 7890", "462190")


def test_join_info_none_without_a_meeting():
    assert join_info(RegistrationFactory()) is None


def test_join_info_none_for_a_fully_async_event():
    assert join_info(RegistrationFactory(event=_event(fully_async=True))) is None


def test_join_info_lines_leave_out_what_is_missing():
    registration = RegistrationFactory(event=_event(meeting_id="", meeting_passcode=""))
    assert join_info(registration).lines == (f"Join the video meeting: {ZOOM}",)


@pytest.mark.parametrize(
    "url", ["http://zoom.us/j/1", "javascript:alert(1)", "https://", "ftp://meet.example.org/x"]
)
def test_validate_meeting_url_refuses_all_but_https(url):
    with pytest.raises(ValidationError):
        validate_meeting_url(url)


def test_validate_meeting_url_takes_jitsi():
    validate_meeting_url("https://meet.jit.si/netweave-forum-2026")


# --------------------------------------------------------------------------- the form


def _form_data(**changes: object) -> dict[str, object]:
    data = {
        "title": "Autumn forum",
        "timezone": "Europe/London",
        "starts_at": "2030-10-01T09:00",
        "rounds": 4,
        "minutes_per_round": 8,
        "group_min": 4,
        "group_max": 6,
        "group_minutes": 20,
        "reminder_hours": "24, 1",
        **MEETING,
    }
    return {**data, **changes}


def test_event_form_saves_the_meeting_and_reminders():
    event = EventFactory()
    form = EventForm(_form_data(reminder_hours="1, 48"), instance=event, community=event.community)
    assert form.is_valid(), form.errors
    saved = form.save()
    assert (saved.meeting_url, saved.meeting_passcode, saved.reminder_hours) == (
        ZOOM,
        "462190",
        [48, 1],
    )


def test_event_form_refuses_a_plain_http_link():
    event = EventFactory()
    form = EventForm(
        _form_data(meeting_url="http://zoom.us/j/1"), instance=event, community=event.community
    )
    assert "https://" in form.errors["meeting_url"][0]


def test_event_form_shows_the_reminder_hours():
    event = EventFactory(reminder_hours=[24, 1])
    assert EventForm(instance=event, community=event.community).initial["reminder_hours"] == "24, 1"


@pytest.mark.parametrize("text", ["a day", "0", "24, 500", "1, 2, 3, 4, 5"])
def test_parse_reminder_hours_refuses(text):
    with pytest.raises(forms.ValidationError):
        parse_reminder_hours(text)


def test_event_edit_page_has_the_meeting_fields(orga_client, community):
    event = EventFactory(community=community)
    page = orga_client.get(reverse("orga:event_edit", args=[event.pk])).content.decode()
    assert 'name="meeting_url"' in page
    assert 'name="reminder_hours"' in page


# --------------------------------------------------------------------------- where it shows


def test_ics_location_url_and_description_carry_the_meeting():
    registration = RegistrationFactory(event=_event())
    entry = icalendar.Calendar.from_ical(registration_ics(registration)).walk("VEVENT")[0]
    assert (str(entry["LOCATION"]), str(entry["URL"])) == (ZOOM, ZOOM)
    assert "Passcode: 462190" in str(entry["DESCRIPTION"])


def test_ics_without_a_meeting_links_the_personal_page():
    registration = RegistrationFactory()
    entry = icalendar.Calendar.from_ical(registration_ics(registration)).walk("VEVENT")[0]
    assert ("LOCATION" in entry, str(entry["URL"]).endswith(f"/p/{registration.token}/")) == (
        False,
        True,
    )


def test_confirmation_email_carries_the_join_information(mailoutbox):
    send_registration_email(RegistrationFactory(event=_event()), updated=False)
    assert f"Join the video meeting: {ZOOM}" in mailoutbox[0].body
    assert "Meeting ID: 812 3456 7890" in mailoutbox[0].body


def test_personal_page_shows_the_join_link(client):
    registration = RegistrationFactory(event=_event())
    page = client.get(reverse("portal:mine", args=[registration.token])).content.decode()
    assert f'href="{ZOOM}"' in page.replace("&amp;", "&")
    assert "462190" in page


def test_live_page_shows_the_join_link(client):
    regs, _ = published_example(_event())
    page = client.get(reverse("portal:live", args=[regs[0].token])).content.decode()
    assert "462190" in page


def test_public_registration_page_never_shows_the_meeting(client):
    event = _event(status=Event.Status.OPEN)
    page = client.get(reverse("portal:register", args=[event.community.slug, event.slug]))
    text = page.content.decode()
    assert (page.status_code, "zoom.us" in text, "462190" in text) == (200, False, False)


def test_event_overview_shows_the_meeting_and_reminders(orga_client, community):
    event = _event(community=community, reminder_hours=[24, 1])
    page = orga_client.get(reverse("orga:event", args=[event.pk])).content.decode()
    assert ZOOM.split("?")[0] in page
    assert "24 hours and 1 hour before the start" in page


def test_event_overview_asks_for_a_missing_meeting(orga_client, community):
    event = EventFactory(community=community)
    page = orga_client.get(reverse("orga:event", args=[event.pk])).content.decode()
    assert "Add the join link" in page
