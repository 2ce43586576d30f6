"""Whom the registration form offers to meet: this event's registrants who agreed to be
listed, found by name or community; never the member directory, never another community."""

from __future__ import annotations

import pytest
from django.urls import reverse

from netweave.web.events.models import Event, Registration
from netweave.web.events.registering import listed_registrants
from tests.web.factories import EventFactory, MemberFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event() -> Event:
    return EventFactory()


def _url(event: Event) -> str:
    return reverse("portal:register", args=[event.community.slug, event.slug])


def _page(client, event: Event) -> str:
    return client.get(_url(event)).content.decode()


def _answers(**overrides: object) -> dict[str, object]:
    return {
        "name": "Zoe Quinn",
        "email": "zoe@example.org",
        "timezone": "Europe/Lisbon",
        "mode": "live",
        **overrides,
    }


def test_registrants_listed_registrant_is_offered_with_their_community(client, event):
    RegistrationFactory(event=event, member__name="Lin Park", member__listed=True)

    page = _page(client, event)

    assert "Lin Park (data science community)" in page
    assert 'id="registrant-search"' in page


def test_registrants_unlisted_registrant_never_appears(client, event):
    RegistrationFactory(event=event, member__name="Private Pat", member__listed=False)
    RegistrationFactory(event=event, member__name="Lin Park", member__listed=True)

    page = _page(client, event)

    assert "Lin Park" in page
    assert "Private Pat" not in page


def test_registrants_listed_member_not_coming_never_appears(client, event):
    MemberFactory(community=event.community, name="Stay Home", listed=True)
    RegistrationFactory(event=event, member__name="Lin Park", member__listed=True)

    assert "Stay Home" not in _page(client, event)


def test_registrants_of_another_event_never_appear(client, event):
    other = EventFactory(community=event.community)
    RegistrationFactory(event=other, member__name="Other Otto", member__listed=True)
    RegistrationFactory(event=event, member__name="Lin Park", member__listed=True)

    assert "Other Otto" not in _page(client, event)


def test_registrants_of_another_community_never_appear(client, event):
    elsewhere = RegistrationFactory(member__name="Far Away", member__listed=True).member

    assert list(listed_registrants(event)) == []
    assert "Far Away" not in _page(client, event)
    # nor can a crafted post reach them
    client.post(_url(event), _answers(requests=[elsewhere.pk]))
    assert not Registration.objects.filter(event=event, member__email="zoe@example.org").exists()


def test_registrants_without_anyone_listed_shows_no_picker(client, event):
    RegistrationFactory(event=event, member__listed=False)

    assert 'id="registrant-picker"' not in _page(client, event)


def test_registrants_request_for_listed_non_registrant_is_refused(client, event):
    absent = MemberFactory(community=event.community, listed=True)

    response = client.post(_url(event), _answers(requests=[absent.pk]))

    assert "Select a valid choice" in response.content.decode()
    assert not Registration.objects.filter(event=event).exists()


def test_registrants_request_for_listed_registrant_is_kept(client, event):
    lin = RegistrationFactory(event=event, member__name="Lin Park", member__listed=True).member

    client.post(_url(event), _answers(requests=[lin.pk]))

    zoe = Registration.objects.get(event=event, member__email="zoe@example.org")
    assert list(zoe.requests.all()) == [lin]


def test_registrants_listing_is_off_unless_ticked(client, event):
    client.post(_url(event), _answers())

    assert Registration.objects.get(event=event).member.listed is False
