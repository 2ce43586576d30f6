"""Two organizers editing the same plan: an action made from a page that showed an older
state of the plan is refused, never silently applied over the other organizer's work."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from netweave.web.events.models import Event
from netweave.web.matching.domain.curation import swap_people
from netweave.web.matching.domain.publish import publish_plan
from netweave.web.matching.domain.storage import save_plan
from netweave.web.matching.models import Meeting, PlanVersion
from tests.web.factories import EventFactory, example_plan, example_registrations

pytestmark = pytest.mark.django_db

CONFLICT = "Someone else changed the plan (now version 2): review it and try again."
SWAP = {"swap-round": "2"}


@pytest.fixture
def event(community):
    return EventFactory(community=community, rounds=2, status=Event.Status.CLOSED)


@pytest.fixture
def regs(event):
    return example_registrations(event)


@pytest.fixture
def v1(event, regs):
    return save_plan(event, example_plan(regs), note="Generated")


@pytest.fixture
def v2(v1, regs):
    """The other organizer's change: a new version made from version 1."""
    return save_plan(v1.event, example_plan(regs), note="Someone else's swap", parent=v1)


def url(name: str, *args: object) -> str:
    return reverse(f"orga:{name}", args=args)


def _swap(client, event, number: int, regs, **extra: object):
    data = {**SWAP, "swap-a": regs[3].pk, "swap-b": regs[5].pk, **extra}
    return client.post(url("plan_swap", event.pk, number), data)


def test_swap_from_an_outdated_page_is_refused(orga_client, event, regs, v1, v2):
    response = _swap(orga_client, event, 1, regs, **{"swap-seen": 1})

    assert CONFLICT in response.content.decode()
    assert PlanVersion.objects.filter(event=event).count() == 2


def test_swap_without_seen_on_an_old_version_is_refused(orga_client, event, regs, v1, v2):
    response = _swap(orga_client, event, 1, regs)

    assert CONFLICT in response.content.decode()


def test_swap_from_the_newest_page_works(orga_client, event, regs, v1, v2):
    response = _swap(orga_client, event, 2, regs, **{"swap-seen": 2})

    assert response.status_code == 302
    assert PlanVersion.objects.filter(event=event).count() == 3


def test_replan_from_an_outdated_page_is_refused(orga_client, event, v1, v2):
    response = orga_client.post(url("plan_replan", event.pk, 1), {"seen": 1}, follow=True)

    assert CONFLICT in response.content.decode()
    assert PlanVersion.objects.filter(event=event).count() == 2


def test_publish_from_an_outdated_page_is_refused(orga_client, event, v1, v2):
    data = {"publish-confirm": "on", "publish-seen": 1}

    response = orga_client.post(url("plan_publish", event.pk, 1), data)

    assert CONFLICT in response.content.decode()
    assert not PlanVersion.objects.filter(event=event, published_at__isnull=False).exists()


def test_publish_older_version_seen_on_the_newest_page_works(orga_client, event, v1, v2):
    """Going back to an older version on purpose stays possible."""
    data = {"publish-confirm": "on", "publish-seen": 2}

    orga_client.post(url("plan_publish", event.pk, 1), data)

    v1.refresh_from_db()
    assert v1.published_at is not None


def test_pin_in_an_outdated_version_is_refused(orga_client, event, v1, v2):
    meeting = Meeting.objects.filter(plan=v1).first()

    response = orga_client.post(url("plan_pin_meeting", event.pk, meeting.pk), {"pinned": "true"})

    meeting.refresh_from_db()
    assert response.status_code == 302
    assert meeting.pinned is False


def test_pin_in_an_outdated_version_says_why(orga_client, event, v1, v2):
    meeting = Meeting.objects.filter(plan=v1).first()
    data = {"pinned": "true", "seen": 1}

    response = orga_client.post(url("plan_pin_meeting", event.pk, meeting.pk), data, follow=True)

    assert CONFLICT in response.content.decode()


def test_pin_in_the_newest_version_works(orga_client, event, v1, v2):
    meeting = Meeting.objects.filter(plan=v2).first()

    orga_client.post(url("plan_pin_meeting", event.pk, meeting.pk), {"pinned": "true"})

    meeting.refresh_from_db()
    assert meeting.pinned is True


def test_failed_newer_run_does_not_count_as_a_change(event, regs, v1):
    PlanVersion.objects.create(event=event, number=2, state=PlanVersion.State.FAILED)

    made = swap_people(v1, 2, regs[3], regs[5], None, seen=1)

    assert made.number == 3


def test_board_forms_carry_the_newest_version(orga_client, event, v1, v2):
    page = orga_client.get(url("plan_version", event.pk, 1)).content.decode()

    assert re.search(r'name="swap-seen" value="2"', page)
    assert re.search(r'name="publish-seen" value="2"', page)


def test_domain_without_seen_keeps_old_behaviour(event, regs, v1, v2):
    """The CLI, the demo and the live day call the verbs without ``seen``."""
    assert publish_plan(v1).published_at is not None
