"""Signing in and out, the organizer navigation, and the dashboard."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from netweave.web.events.models import Event
from tests.web.factories import (
    PASSWORD,
    CommunityFactory,
    EventFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_login_page_renders_form(client):
    response = client.get(reverse("orga:login"))
    assert response.status_code == 200
    assert b'name="password"' in response.content


def test_login_with_right_password_goes_to_dashboard(client, organizer):
    data = {"username": organizer.username, "password": PASSWORD}
    response = client.post(reverse("orga:login"), data)
    assert response.status_code == 302
    assert response.url == reverse("orga:dashboard")


def test_login_with_wrong_password_shows_message(client, organizer):
    data = {"username": organizer.username, "password": "wrong"}
    response = client.post(reverse("orga:login"), data)
    assert response.status_code == 200
    assert b"enter a correct username and password" in response.content


def test_logout_by_post_signs_out(orga_client):
    response = orga_client.post(reverse("orga:logout"))
    assert response.status_code == 302
    assert orga_client.get(reverse("orga:dashboard")).status_code == 302


def test_logout_by_get_is_refused(orga_client):
    assert orga_client.get(reverse("orga:logout")).status_code == 405


def test_dashboard_anonymous_redirects_to_login(client):
    response = client.get(reverse("orga:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("orga:login"))


def test_dashboard_lists_own_communities_events(orga_client, community):
    EventFactory(community=community, title="Spring forum")
    response = orga_client.get(reverse("orga:dashboard"))
    assert response.status_code == 200
    assert b"Spring forum" in response.content
    assert community.name.encode() in response.content


def test_dashboard_hides_other_communities(orga_client, community):
    EventFactory(title="Someone else's forum")
    response = orga_client.get(reverse("orga:dashboard"))
    assert b"Someone else" not in response.content


def test_dashboard_shows_registration_counts(orga_client, community):
    event = EventFactory(community=community)
    RegistrationFactory.create_batch(2, event=event)
    RegistrationFactory(event=event, mode="async")
    content = orga_client.get(reverse("orga:dashboard")).content.decode()
    assert "<strong>3</strong> registered" in content
    assert "2 live, 1 async" in content


def test_dashboard_shows_start_in_event_zone(orga_client, community):
    start = dt.datetime(2030, 3, 5, 15, 0, tzinfo=dt.UTC)
    EventFactory(community=community, starts_at=start, timezone="Asia/Tokyo")
    content = orga_client.get(reverse("orga:dashboard")).content.decode()
    assert "Tue 5 Mar 2030, 24:00" not in content
    assert "Wed 6 Mar 2030, 00:00" in content


def test_dashboard_shows_next_step_for_draft(orga_client, community):
    EventFactory(community=community, status=Event.Status.DRAFT)
    response = orga_client.get(reverse("orga:dashboard"))
    assert b"then open registration" in response.content


def test_dashboard_without_communities_explains(client):
    client.force_login(UserFactory())
    response = client.get(reverse("orga:dashboard"))
    assert b"Ask an administrator" in response.content


def test_dashboard_has_new_event_button(orga_client, community):
    response = orga_client.get(reverse("orga:dashboard"))
    assert reverse("orga:event_create", args=[community.pk]).encode() in response.content


def test_nav_links_members_of_own_community(orga_client, community):
    response = orga_client.get(reverse("orga:dashboard"))
    assert reverse("orga:members", args=[community.pk]).encode() in response.content


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_dashboard_query_count_constant_in_events(orga_client, organizer, community):
    second = CommunityFactory(organizers=[organizer])
    for c in (community, second):
        RegistrationFactory(event=EventFactory(community=c))
    few = _queries(orga_client, reverse("orga:dashboard"))
    for c in (community, second):
        for event in EventFactory.create_batch(8, community=c):
            RegistrationFactory.create_batch(2, event=event)
    assert _queries(orga_client, reverse("orga:dashboard")) == few
