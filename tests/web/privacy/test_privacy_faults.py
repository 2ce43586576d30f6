"""Faults: a plan task that crashes leaves the published plan as it was and says why."""

from __future__ import annotations

import pytest
from django.urls import reverse

from netweave.web.events.models import Event
from netweave.web.matching.domain.storage import plan_from_version
from netweave.web.matching.models import PlanVersion
from tests.web.factories import EventFactory, published_example

pytestmark = pytest.mark.django_db

#: weights that pass the configuration's checks but overflow to infinity inside the core
OVERFLOWING = {"weights": {"interests": 1e308, "looking_for": 1e308}}


@pytest.fixture
def crashed(orga_client, community, django_capture_on_commit_callbacks):
    """A published plan, then a generation that fails on the event's settings."""
    event = EventFactory(community=community, rounds=2, status=Event.Status.CLOSED)
    _, published = published_example(event)
    before = plan_from_version(published)
    Event.objects.filter(pk=event.pk).update(settings=OVERFLOWING)
    with django_capture_on_commit_callbacks(execute=True):
        orga_client.post(reverse("orga:plan_generate", args=[event.pk]))
    return event, published, before


def test_crashed_generation_marks_new_version_failed(crashed):
    event, published, _ = crashed
    failed = PlanVersion.objects.exclude(pk=published.pk).get(event=event)
    assert (failed.state, bool(failed.error)) == (PlanVersion.State.FAILED, True)


def test_crashed_generation_leaves_published_plan_untouched(crashed):
    _, published, before = crashed
    after = PlanVersion.objects.get(pk=published.pk)
    assert (after.published_at, after.state) == (published.published_at, published.state)
    assert plan_from_version(after) == before


def test_crashed_generation_keeps_event_published(crashed):
    event, *_ = crashed
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED


def test_crashed_generation_shows_error_on_board(crashed, orga_client):
    event, *_ = crashed
    failed = PlanVersion.objects.filter(event=event, state="failed").get()
    board = orga_client.get(reverse("orga:plan", args=[event.pk])).content.decode()
    assert f"Version {failed.number} could not be made" in board
