"""Staff hosts in the web app: marked on a registration, not matched, the odd seat is theirs
instead of a trio, and their page and the run sheet say where they are needed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from netweave.web.events.models import Event
from netweave.web.matching.domain.inputs import event_config, event_people
from netweave.web.matching.domain.publish import publish_plan
from netweave.web.matching.domain.request import request_plan
from netweave.web.matching.domain.storage import plan_from_version
from netweave.web.matching.queries.hosts import host_duties
from tests.web.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(community) -> Event:
    return EventFactory(
        community=community, rounds=2, groups_enabled=False, status=Event.Status.CLOSED
    )


@pytest.fixture
def host(event):
    return RegistrationFactory(event=event, member__name="Kim Host", is_host=True)


def _published(event, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        version = request_plan(event, None)
    version.refresh_from_db()
    assert version.state == "ready", version.error
    return publish_plan(version)


def test_a_host_is_not_matched_and_makes_the_odd_seat_a_host_meeting(event, host):
    RegistrationFactory.create_batch(5, event=event)
    assert host.member.email not in {p.id for p in event_people(event)}
    assert event_config(event).odd == "host"


def test_without_hosts_the_odd_seat_stays_as_configured(event):
    RegistrationFactory.create_batch(5, event=event)
    assert event_config(event).odd == "trio"


def test_generated_plan_has_no_trio_and_the_host_fills_each_odd_seat(
    event, host, django_capture_on_commit_callbacks
):
    regs = RegistrationFactory.create_batch(5, event=event)
    version = _published(event, django_capture_on_commit_callbacks)
    plan = plan_from_version(version)
    sizes = [len(m.members) for r in plan.rounds for m in r.meetings]
    assert 3 not in sizes
    duties = host_duties(event)
    assert [(d.round, d.host_name) for d in duties] == [(1, "Kim Host"), (2, "Kim Host")]
    assert {d.guest for d in duties} <= {r.member.email for r in regs}


def test_host_page_shows_where_they_are_needed(
    client, event, host, django_capture_on_commit_callbacks
):
    RegistrationFactory.create_batch(5, event=event)
    _published(event, django_capture_on_commit_callbacks)
    (first, _) = host_duties(event)
    page = client.get(reverse("portal:mine", args=[host.token])).content.decode()
    assert "Where you are needed" in page
    assert f"<strong>Round 1</strong>, {first.room}: you meet {first.guest_name}" in page


def test_run_sheet_names_the_host_who_joins(
    orga_client, event, host, django_capture_on_commit_callbacks
):
    RegistrationFactory.create_batch(5, event=event)
    _published(event, django_capture_on_commit_callbacks)
    (first, _) = host_duties(event)
    page = orga_client.get(reverse("orga:runsheet", args=[event.pk])).content.decode()
    assert f"Kim Host (a host) joins {first.guest_name}" in page


def test_organizer_marks_a_host_on_the_registration(orga_client, event):
    registration = RegistrationFactory(event=event)
    url = reverse("orga:registration_edit", args=[event.pk, registration.pk])
    orga_client.post(url, {"mode": "live", "is_host": "on"})
    registration.refresh_from_db()
    assert registration.is_host


def test_a_host_never_meets_someone_who_avoids_them(
    event, host, django_capture_on_commit_callbacks
):
    other = RegistrationFactory(event=event, member__name="Lee Host", is_host=True)
    regs = RegistrationFactory.create_batch(5, event=event)
    for r in regs:
        r.avoid.add(host.member)
    _published(event, django_capture_on_commit_callbacks)
    assert {d.host_name for d in host_duties(event)} == {other.member.name}


def test_board_says_where_the_hosts_are_needed(
    orga_client, event, host, django_capture_on_commit_callbacks
):
    RegistrationFactory.create_batch(5, event=event)
    _published(event, django_capture_on_commit_callbacks)
    (first, _) = host_duties(event)
    page = orga_client.get(reverse("orga:plan", args=[event.pk])).content.decode()
    assert "Where the hosts are needed" in page
    assert f"Round 1, {first.room}: Kim Host meets {first.guest_name}" in page
