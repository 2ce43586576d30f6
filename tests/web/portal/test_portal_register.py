"""The public registration form: who may register, what it writes, what it sends."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from netweave.web.community.models import Member
from netweave.web.events.models import Event, Registration
from netweave.web.mail.models import OutboxMessage
from tests.web.factories import (
    CONFIRM_LINK,
    PERSONAL_LINK,
    EventFactory,
    MemberFactory,
    PlanVersionFactory,
    RegistrationFactory,
    emailed_path,
)

pytestmark = pytest.mark.django_db

FOUR_PM_UTC = dt.datetime(2031, 3, 12, 16, 0, tzinfo=dt.UTC)


def _url(event: Event) -> str:
    return reverse("portal:register", args=[event.community.slug, event.slug])


def _answers(**overrides: object) -> dict[str, object]:
    answers: dict[str, object] = {
        "name": "Ana Pereira",
        "email": "Ana.Pereira@Example.org",
        "pronouns": "she/her",
        "organization": "Open Lab",
        "manages": "an open science nonprofit",
        "location": "Lisbon, Portugal",
        "timezone": "Europe/Lisbon",
        "interests": "Onboarding; mentoring, onboarding",
        "about": "I run onboarding for volunteers.",
        "looking_for": "Someone who has scaled a mentoring programme.",
        "avoid_text": "",
        "mode": "live",
        "consent_share_email": "on",
        "listed": "on",
    }
    answers.update(overrides)
    return {k: v for k, v in answers.items() if v is not None}


@pytest.fixture
def event() -> Event:
    return EventFactory(starts_at=FOUR_PM_UTC)


def test_register_creates_member_and_registration(client, event):
    client.post(_url(event), _answers())

    member = Member.objects.get(community=event.community)
    registration = Registration.objects.get(event=event)
    assert (member.email, member.timezone, member.interests) == (
        "ana.pereira@example.org",
        "Europe/Lisbon",
        ["onboarding", "mentoring"],
    )
    assert registration.member == member


def test_register_redirects_to_check_your_inbox_without_personal_link(client, event):
    response = client.post(_url(event), _answers(), follow=True)

    registration = Registration.objects.get(event=event)
    assert response.redirect_chain == [
        (reverse("portal:register_sent", args=[event.community.slug, event.slug]), 302)
    ]
    assert "Check your inbox" in response.content.decode()
    assert registration.token not in response.content.decode()


def test_register_sends_one_email_with_ics_at_event_start(client, event, mailoutbox):
    client.post(_url(event), _answers())

    assert len(mailoutbox) == 1
    (invite,) = [a for a in mailoutbox[0].attachments if a.mimetype == "text/calendar"]
    calendar = icalendar.Calendar.from_ical(invite.content)
    (entry,) = calendar.walk("VEVENT")
    assert entry.decoded("dtstart") == FOUR_PM_UTC


def test_register_email_contains_personal_link(client, event, mailoutbox):
    client.post(_url(event), _answers())

    registration = Registration.objects.get(event=event)
    assert emailed_path(mailoutbox, PERSONAL_LINK) == f"/p/{registration.token}/"


def test_register_email_shows_time_in_registrant_zone(client, event, mailoutbox):
    client.post(_url(event), _answers(timezone="Asia/Tokyo"))

    # 16:00 UTC is 01:00 the next day in Tokyo
    assert "Thursday 13 March 2031, 01:00" in mailoutbox[0].body


def test_register_email_recorded_in_outbox(client, event):
    client.post(_url(event), _answers())

    sent = OutboxMessage.objects.get()
    assert (sent.community, sent.kind, sent.to) == (
        event.community,
        "registration",
        "ana.pereira@example.org",
    )


def _register_again_and_confirm(client, event, mailoutbox, **answers: object) -> None:
    """The second registration with a known address waits for its owner's confirmation."""
    client.post(_url(event), _answers(**answers))
    client.post(emailed_path(mailoutbox, CONFIRM_LINK))


def test_register_ics_uid_stable_per_registration(client, event, mailoutbox):
    client.post(_url(event), _answers())
    _register_again_and_confirm(client, event, mailoutbox, about="Changed my mind.")

    invites = [m for m in mailoutbox if m.attachments]
    uids = [
        icalendar.Calendar.from_ical(m.attachments[0].content).walk("VEVENT")[0]["uid"]
        for m in invites
    ]
    assert (len(uids), uids[0]) == (2, uids[1])


def test_register_duplicate_email_waits_for_confirmation(client, event):
    client.post(_url(event), _answers())
    client.post(_url(event), _answers(email="ana.pereira@example.org", mode="async"))

    registration = Registration.objects.get(event=event)
    assert registration.mode == Registration.Mode.LIVE


def test_register_duplicate_email_confirmed_updates_single_registration(client, event, mailoutbox):
    client.post(_url(event), _answers())
    _register_again_and_confirm(
        client, event, mailoutbox, email="ana.pereira@example.org", mode="async"
    )

    registration = Registration.objects.get(event=event)
    assert registration.mode == Registration.Mode.ASYNC


def test_register_duplicate_email_gives_the_same_answer(client, event):
    first = client.post(_url(event), _answers())
    second = client.post(_url(event), _answers())

    assert (first.status_code, first.url) == (second.status_code, second.url)


def test_register_duplicate_email_does_not_show_personal_link(client, event):
    client.post(_url(event), _answers())
    response = client.post(_url(event), _answers(), follow=True)

    # whoever typed a known address may not own it: the link only goes by email
    registration = Registration.objects.get(event=event)
    assert registration.token not in response.content.decode()


def test_register_keeps_imported_profile_when_left_blank(client, event, mailoutbox):
    MemberFactory(
        community=event.community, email="ana.pereira@example.org", organization="Open Lab"
    )

    _register_again_and_confirm(client, event, mailoutbox, organization="")

    assert Member.objects.get(community=event.community).organization == "Open Lab"


def test_register_closed_event_shows_friendly_page(client):
    event = EventFactory(status=Event.Status.CLOSED)

    response = client.get(_url(event))

    assert response.status_code == 200
    assert "Registration for this event is closed" in response.content.decode()


def test_register_closed_event_post_creates_nothing(client):
    event = EventFactory(status=Event.Status.CLOSED)

    client.post(_url(event), _answers())

    assert not Registration.objects.exists()


def test_register_not_yet_open_says_when(client):
    opens = dt.datetime(2031, 2, 1, 9, 0, tzinfo=dt.UTC)
    event = EventFactory(registration_opens=opens, starts_at=FOUR_PM_UTC, timezone="UTC")

    response = client.get(_url(event))

    assert "Registration opens on Saturday 1 February 2031, 09:00" in response.content.decode()


def test_register_after_close_says_when_it_closed(client):
    closed = dt.datetime(2020, 5, 4, 12, 0, tzinfo=dt.UTC)
    event = EventFactory(registration_closes=closed, timezone="UTC")

    response = client.get(_url(event))

    assert "Registration closed on Monday 4 May 2020, 12:00" in response.content.decode()


def test_register_unknown_event_404(client, event):
    url = reverse("portal:register", args=[event.community.slug, "no-such-event"])

    assert client.get(url).status_code == 404


def test_register_night_warning_for_sydney_at_4pm_utc(client, event):
    response = client.post(
        _url(event), _answers(timezone="Australia/Sydney", mode="live"), follow=True
    )

    assert "which is night where you are" in response.content.decode()


def test_register_no_night_warning_when_async(client, event):
    response = client.post(
        _url(event), _answers(timezone="Australia/Sydney", mode="async"), follow=True
    )

    assert "which is night where you are" not in response.content.decode()


def test_register_night_warning_on_redisplayed_form(client, event):
    response = client.post(_url(event), _answers(timezone="Australia/Sydney", email="not-email"))

    assert "which is night where you are" in response.content.decode()


def test_register_invalid_email_redisplays_with_field_error(client, event):
    response = client.post(_url(event), _answers(email="not-an-email"))

    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()


def test_register_unknown_timezone_rejected(client, event):
    response = client.post(_url(event), _answers(timezone="Mars/Olympus_Mons"))

    assert "Select a valid choice" in response.content.decode()


def test_register_requests_listed_registrant(client, event):
    wanted = RegistrationFactory(event=event, member__listed=True).member

    client.post(_url(event), _answers(requests=[wanted.pk]))

    mine = Registration.objects.exclude(member=wanted).get(event=event)
    assert list(mine.requests.all()) == [wanted]


def test_register_rejects_request_for_unlisted_member(client, event):
    hidden = MemberFactory(community=event.community, listed=False)

    client.post(_url(event), _answers(requests=[hidden.pk]))

    assert not Registration.objects.exists()


def test_register_form_lists_only_listed_registrants(client, event):
    RegistrationFactory(event=event, member__name="Listed Lin", member__listed=True)
    RegistrationFactory(event=event, member__name="Private Pat", member__listed=False)

    page = client.get(_url(event)).content.decode()

    assert "Listed Lin" in page
    assert "Private Pat" not in page


def test_register_avoid_text_resolved_to_member(client, event):
    avoided = MemberFactory(community=event.community, name="Bo Carter")

    client.post(_url(event), _answers(avoid_text="bo carter"))

    assert list(Registration.objects.get(event=event).avoid.all()) == [avoided]


def test_register_form_suggests_community_interests(client, event):
    MemberFactory(community=event.community, interests=["volunteer burnout"])

    page = client.get(_url(event)).content.decode()

    assert '<option value="volunteer burnout">' in page


def test_register_form_defaults_timezone_to_utc(client, event):
    page = client.get(_url(event)).content.decode()

    assert '<option value="UTC" selected>' in page


def test_register_escapes_user_input(client, event, mailoutbox):
    """What someone typed for a known address is shown to its owner: as text, never code."""
    MemberFactory(community=event.community, email="ana.pereira@example.org")
    client.post(_url(event), _answers(name="<script>alert(1)</script>"))

    page = client.get(emailed_path(mailoutbox, CONFIRM_LINK)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_register_post_without_csrf_token_forbidden(event):
    client = Client(enforce_csrf_checks=True)

    response = client.post(_url(event), _answers())

    assert response.status_code == 403


def test_register_again_after_publishing_refused(client, event, mailoutbox):
    client.post(_url(event), _answers())
    PlanVersionFactory(event=event, published_at=timezone.now())
    client.post(_url(event), _answers(mode="async"))
    link = emailed_path(mailoutbox, CONFIRM_LINK)

    shown, confirmed = client.get(link), client.post(link)

    assert "plan for this event is published" in shown.content.decode()
    assert "plan for this event is published" in confirmed.content.decode()
    assert Registration.objects.get(event=event).mode == Registration.Mode.LIVE
