"""The board's POST forms: generate, swap, forbid, re-plan and publish."""

from __future__ import annotations

import pytest
from django.urls import reverse

from netweave.web.events.models import Event
from netweave.web.matching.domain.storage import save_plan
from netweave.web.matching.models import ForbiddenPair, PlanVersion
from tests.web.factories import (
    EventFactory,
    ForbiddenPairFactory,
    RegistrationFactory,
    example_plan,
    example_registrations,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(community):
    return EventFactory(community=community, rounds=2, status=Event.Status.CLOSED)


@pytest.fixture
def regs(event):
    return example_registrations(event)


@pytest.fixture
def version(event, regs):
    return save_plan(event, example_plan(regs), note="Generated")


def url(name: str, *args: object) -> str:
    return reverse(f"orga:{name}", args=args)


def test_generate_post_makes_a_ready_version(
    orga_client, event, django_capture_on_commit_callbacks
):
    RegistrationFactory.create_batch(6, event=event)
    with django_capture_on_commit_callbacks(execute=True):
        response = orga_client.post(url("plan_generate", event.pk))
    assert response.status_code == 302
    assert PlanVersion.objects.get(event=event).state == "ready"


def test_generate_post_other_community_404(outsider_client, event):
    assert outsider_client.post(url("plan_generate", event.pk)).status_code == 404
    assert not PlanVersion.objects.exists()


def test_generate_get_not_allowed(orga_client, event):
    assert orga_client.get(url("plan_generate", event.pk)).status_code == 405


def test_generate_post_while_running_says_so(orga_client, event):
    PlanVersion.objects.create(event=event, number=1, state="running")
    response = orga_client.post(url("plan_generate", event.pk), follow=True)
    assert b"still being planned" in response.content


def test_swap_post_makes_new_version_and_redirects_to_round(orga_client, version, regs):
    data = {"swap-round": "2", "swap-a": regs[3].pk, "swap-b": regs[5].pk}
    response = orga_client.post(url("plan_swap", version.event_id, 1), data)
    assert response.status_code == 302
    assert response["Location"].endswith(url("plan_version", version.event_id, 2) + "?round=2")


def test_swap_post_repeat_meeting_shows_the_rule_broken(orga_client, version, regs):
    data = {"swap-round": "2", "swap-a": regs[3].pk, "swap-b": regs[2].pk}
    response = orga_client.post(url("plan_swap", version.event_id, 1), data)
    assert response.status_code == 200
    assert b"would break" in response.content
    assert b"already met in round 1" in response.content
    assert PlanVersion.objects.count() == 1


def test_swap_post_same_person_field_error(orga_client, version, regs):
    data = {"swap-round": "2", "swap-a": regs[3].pk, "swap-b": regs[3].pk}
    response = orga_client.post(url("plan_swap", version.event_id, 1), data)
    assert b"Choose two different people." in response.content


def test_swap_post_registration_of_other_event_rejected(orga_client, version, regs):
    stranger = RegistrationFactory()
    data = {"swap-round": "2", "swap-a": regs[3].pk, "swap-b": stranger.pk}
    response = orga_client.post(url("plan_swap", version.event_id, 1), data)
    assert b"Select a valid choice" in response.content
    assert PlanVersion.objects.count() == 1


def test_forbid_post_records_pair_and_returns_to_version(orga_client, version, regs):
    data = {"forbid-a": regs[0].pk, "forbid-b": regs[1].pk, "version": "1"}
    response = orga_client.post(url("plan_forbid", version.event_id), data)
    assert ForbiddenPair.objects.filter(event=version.event).count() == 1
    assert response["Location"] == url("plan_version", version.event_id, 1)


def test_forbid_post_missing_person_shows_field_error(orga_client, version, regs):
    response = orga_client.post(url("plan_forbid", version.event_id), {"forbid-a": regs[0].pk})
    assert response.status_code == 200
    assert b"This field is required." in response.content


def test_unforbid_post_removes_pair(orga_client, version, regs):
    pair = ForbiddenPairFactory(event=version.event, a=regs[0], b=regs[1])
    orga_client.post(url("plan_unforbid", version.event_id, pair.pk))
    assert not ForbiddenPair.objects.exists()


def test_unforbid_other_community_404(outsider_client, version, regs):
    pair = ForbiddenPairFactory(event=version.event, a=regs[0], b=regs[1])
    assert outsider_client.post(url("plan_unforbid", version.event_id, pair.pk)).status_code == 404


def test_publish_post_without_confirmation_asks_for_it(orga_client, version):
    response = orga_client.post(url("plan_publish", version.event_id, 1), {})
    assert b"Tick the box to confirm" in response.content
    version.refresh_from_db()
    assert version.published_at is None


def test_publish_post_confirmed_publishes(orga_client, version):
    response = orga_client.post(url("plan_publish", version.event_id, 1), {"publish-confirm": "on"})
    version.refresh_from_db()
    assert response.status_code == 302
    assert version.published_at is not None


def test_publish_post_violation_listed(orga_client, version):
    RegistrationFactory(event=version.event, member__name="Late Larry")
    response = orga_client.post(url("plan_publish", version.event_id, 1), {"publish-confirm": "on"})
    assert b"cannot be published" in response.content
    assert b"Late Larry has no meeting" in response.content


def test_replan_post_queues_new_version_with_parent(
    orga_client, version, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        orga_client.post(url("plan_replan", version.event_id, 1))
    second = PlanVersion.objects.get(event=version.event, number=2)
    assert second.parent == version
    assert second.state == "ready"
