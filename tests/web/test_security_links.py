"""Participant links: one lookup for all apps, revocable by the organizer, expiring a set
number of days after the event (NETWEAVE_LINK_DAYS_AFTER_EVENT)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from netweave.web.events import links as security
from netweave.web.orga.views.registrations import revoke_link_view
from tests.web.factories import EventFactory, RegistrationFactory


def _mine(registration) -> str:
    return reverse("portal:mine", args=[registration.token])


def _past_registration(days_ago: float):
    event = EventFactory(starts_at=timezone.now() - dt.timedelta(days=days_ago))
    return RegistrationFactory(event=event)


def test_registration_for_token_finds_the_registration(db):
    registration = RegistrationFactory()

    assert security.registration_for_token(registration.token) == registration


def test_registration_for_token_unknown_is_404(db):
    with pytest.raises(Http404):
        security.registration_for_token("no-such-token")


def test_link_works_89_days_after_the_event(client, db):
    registration = _past_registration(89)

    assert client.get(_mine(registration)).status_code == 200


def test_link_expired_91_days_after_the_event_is_404(client, db, settings):
    settings.NETWEAVE_LINK_DAYS_AFTER_EVENT = 90  # the production default
    registration = _past_registration(91)

    assert client.get(_mine(registration)).status_code == 404


def test_link_expiry_follows_the_setting(client, db, settings):
    settings.NETWEAVE_LINK_DAYS_AFTER_EVENT = 7
    registration = _past_registration(8)

    with pytest.raises(security.LinkExpiredError):
        security.registration_for_token(registration.token)


def test_link_never_expires_with_zero_days(db, settings):
    settings.NETWEAVE_LINK_DAYS_AFTER_EVENT = 0
    registration = _past_registration(3650)

    assert security.registration_for_token(registration.token) == registration


def test_link_expires_at_is_days_after_the_start(db, settings):
    settings.NETWEAVE_LINK_DAYS_AFTER_EVENT = 30
    event = EventFactory()

    assert security.link_expires_at(event) == event.starts_at + dt.timedelta(days=30)


def test_revoke_link_old_link_is_404(client, db):
    registration = RegistrationFactory()
    old = _mine(registration)

    security.revoke_link(registration)

    assert client.get(old).status_code == 404


def test_revoke_link_new_link_works(client, db):
    registration = security.revoke_link(RegistrationFactory())

    assert client.get(_mine(registration)).status_code == 200


def test_revoke_link_view_changes_the_token(rf, organizer, community):
    registration = RegistrationFactory(event=EventFactory(community=community))
    old = registration.token
    request = rf.post("/")
    request.user = organizer

    response = revoke_link_view(request, registration.event.pk, registration.pk)

    registration.refresh_from_db()
    assert response.status_code == 302
    assert registration.token != old


def test_revoke_link_view_other_organizer_is_404(rf, db):
    from tests.web.factories import UserFactory

    registration = RegistrationFactory()
    request = rf.post("/")
    request.user = UserFactory()

    with pytest.raises(Http404):
        revoke_link_view(request, registration.event.pk, registration.pk)


def test_revoke_link_view_refuses_get(rf, organizer, community):
    registration = RegistrationFactory(event=EventFactory(community=community))
    request = rf.get("/")
    request.user = organizer

    response = revoke_link_view(request, registration.event.pk, registration.pk)

    assert response.status_code == 405
