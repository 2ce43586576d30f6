"""An event's registrations: permissions, list, filters, editing and switching mode."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from netweave.web.events.domain import switch_mode, update_registration
from netweave.web.events.models import Registration
from tests.web.factories import EventFactory, MemberFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

LIVE, ASYNC = Registration.Mode.LIVE, Registration.Mode.ASYNC


@pytest.fixture
def event(community):
    return EventFactory(community=community)


@pytest.fixture
def registration(event):
    member = MemberFactory(community=event.community, name="Ana Lima")
    return RegistrationFactory(event=event, member=member)


def _list(client, event, **params: str):
    return client.get(reverse("orga:registrations", args=[event.pk]), params)


def _edit_url(registration) -> str:
    return reverse("orga:registration_edit", args=[registration.event_id, registration.pk])


def _switch_url(registration) -> str:
    return reverse("orga:registration_switch_mode", args=[registration.event_id, registration.pk])


# --------------------------------------------------------------------------- permissions


def test_registrations_anonymous_redirects_to_login(client, event):
    response = _list(client, event)
    assert response.status_code == 302
    assert response.url.startswith(reverse("orga:login"))


def test_registrations_other_organizer_gets_404(outsider_client, event):
    assert _list(outsider_client, event).status_code == 404


def test_registration_edit_anonymous_redirects_to_login(client, registration):
    assert client.get(_edit_url(registration)).status_code == 302


def test_registration_edit_other_organizer_gets_404(outsider_client, registration):
    assert outsider_client.get(_edit_url(registration)).status_code == 404


def test_registration_edit_of_another_event_gets_404(orga_client, community, registration):
    other_event = EventFactory(community=community)
    url = reverse("orga:registration_edit", args=[other_event.pk, registration.pk])
    assert orga_client.get(url).status_code == 404


def test_switch_mode_other_organizer_gets_404(outsider_client, registration):
    assert outsider_client.post(_switch_url(registration)).status_code == 404


# --------------------------------------------------------------------------- list


def test_registrations_lists_people(orga_client, event, registration):
    response = _list(orga_client, event)
    assert response.status_code == 200
    assert b"Ana Lima" in response.content


def test_registrations_empty_explains_next_step(orga_client, event):
    response = _list(orga_client, event)
    assert b"Nobody has registered yet" in response.content


def test_registrations_filter_by_mode(orga_client, event, registration):
    RegistrationFactory(event=event, mode=ASYNC, member__name="Kofi Mensah")
    response = _list(orga_client, event, mode="async")
    assert b"Kofi Mensah" in response.content
    assert b"Ana Lima" not in response.content


def test_registrations_filter_with_requests(orga_client, event, registration):
    other = RegistrationFactory(event=event, member__name="Kofi Mensah")
    other.requests.add(registration.member)
    response = _list(orga_client, event, requests="yes")
    assert [r.pk for r in response.context["page"]] == [other.pk]


def test_registrations_filter_without_requests(orga_client, event, registration):
    other = RegistrationFactory(event=event, member__name="Kofi Mensah")
    other.requests.add(registration.member)
    response = _list(orga_client, event, requests="no")
    assert [r.pk for r in response.context["page"]] == [registration.pk]


def test_registrations_search_by_name(orga_client, event, registration):
    RegistrationFactory(event=event, member__name="Kofi Mensah")
    response = _list(orga_client, event, q="kofi")
    assert [r.member.name for r in response.context["page"]] == ["Kofi Mensah"]


def test_registrations_counts_modes(orga_client, event, registration):
    RegistrationFactory(event=event, mode=ASYNC)
    counts = _list(orga_client, event).context["counts"]
    assert (counts["total"], counts["live"], counts["async_"]) == (2, 1, 1)


def test_registrations_htmx_returns_only_results(orga_client, event, registration):
    url = reverse("orga:registrations", args=[event.pk])
    response = orga_client.get(url, headers={"HX-Request": "true"})
    assert b"Ana Lima" in response.content
    assert b"<html" not in response.content


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_registrations_query_count_constant(orga_client, event):
    url = reverse("orga:registrations", args=[event.pk])

    def add(n: int) -> None:
        for registration in RegistrationFactory.create_batch(n, event=event):
            registration.requests.add(MemberFactory(community=event.community))
            registration.avoid.add(MemberFactory(community=event.community))

    add(5)
    few = _queries(orga_client, url)
    add(45)
    assert _queries(orga_client, url) == few


# --------------------------------------------------------------------------- edit


def test_registration_edit_saves_requests(orga_client, event, registration):
    kofi = MemberFactory(community=event.community)
    data = {"mode": "async", "looking_for": "Mentors", "requests": [kofi.pk]}
    response = orga_client.post(_edit_url(registration), data)
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.mode == ASYNC
    assert list(registration.requests.all()) == [kofi]


def test_registration_edit_request_and_avoid_same_person_shows_error(
    orga_client, event, registration
):
    kofi = MemberFactory(community=event.community, name="Kofi Mensah")
    data = {"mode": "live", "requests": [kofi.pk], "avoid": [kofi.pk]}
    response = orga_client.post(_edit_url(registration), data)
    assert response.context["form"].errors["avoid"] == [
        "Requested and avoided at the same time: Kofi Mensah."
    ]


def test_registration_edit_refuses_member_of_other_community(orga_client, registration):
    stranger = MemberFactory()
    data = {"mode": "live", "requests": [stranger.pk]}
    response = orga_client.post(_edit_url(registration), data)
    assert "requests" in response.context["form"].errors


def test_registration_edit_offers_no_self_request(orga_client, registration):
    form = orga_client.get(_edit_url(registration)).context["form"]
    assert registration.member not in form.fields["requests"].queryset


def test_update_registration_refuses_avoiding_a_requested_person(registration):
    kofi = MemberFactory(community=registration.event.community)
    registration.requests.add(kofi)
    with pytest.raises(ValueError, match="both requested and avoided"):
        update_registration(registration, avoid=[kofi])


def test_update_registration_refuses_self(registration):
    with pytest.raises(ValueError, match="own requests"):
        update_registration(registration, requests=[registration.member])


# --------------------------------------------------------------------------- switch mode


def test_switch_mode_turns_live_into_async(orga_client, registration):
    response = orga_client.post(_switch_url(registration))
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.mode == ASYNC


def test_switch_mode_ignores_outside_next_url(orga_client, registration):
    response = orga_client.post(_switch_url(registration), {"next": "https://evil.example/"})
    assert response.url == reverse("orga:registrations", args=[registration.event_id])


def test_switch_mode_htmx_returns_the_row(orga_client, registration):
    response = orga_client.post(_switch_url(registration), headers={"HX-Request": "true"})
    assert response.content.decode().lstrip().startswith(f'<tr id="registration-{registration.pk}"')
    assert b"Make live" in response.content


def test_switch_mode_by_get_is_refused(orga_client, registration):
    assert orga_client.get(_switch_url(registration)).status_code == 405


def test_switch_mode_twice_is_back_to_live(registration):
    switch_mode(switch_mode(registration))
    registration.refresh_from_db()
    assert registration.mode == LIVE
