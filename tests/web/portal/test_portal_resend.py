""" "Send me my link again": the link goes only to its owner, and the page never tells."""

from __future__ import annotations

import pytest
from django.urls import reverse

from netweave.web.events.models import Event
from tests.web.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

NEUTRAL = "If that address is registered for this event, we have just emailed its personal link."


def _url(event: Event) -> str:
    return reverse("portal:resend", args=[event.community.slug, event.slug])


def test_resend_unknown_email_shows_neutral_message(client):
    event = EventFactory()

    response = client.post(_url(event), {"email": "nobody@example.org"}, follow=True)

    assert NEUTRAL in response.content.decode()


def test_resend_unknown_email_sends_nothing(client, mailoutbox):
    event = EventFactory()

    client.post(_url(event), {"email": "nobody@example.org"})

    assert mailoutbox == []


def test_resend_known_email_shows_same_neutral_message(client):
    registration = RegistrationFactory()

    response = client.post(
        _url(registration.event), {"email": registration.member.email}, follow=True
    )

    assert NEUTRAL in response.content.decode()
    assert registration.token not in response.content.decode()


def test_resend_known_email_sends_link(client, mailoutbox):
    registration = RegistrationFactory()

    client.post(_url(registration.event), {"email": registration.member.email.upper()})

    (sent,) = mailoutbox
    assert sent.to == [registration.member.email]
    assert reverse("portal:mine", args=[registration.token]) in sent.body


def test_resend_registration_of_another_event_not_sent(client, mailoutbox):
    registration = RegistrationFactory()
    other = EventFactory(community=registration.event.community)

    client.post(_url(other), {"email": registration.member.email})

    assert mailoutbox == []


def test_resend_invalid_email_shows_field_error(client):
    response = client.post(_url(EventFactory()), {"email": "not an email"})

    assert "Enter a valid email address." in response.content.decode()
