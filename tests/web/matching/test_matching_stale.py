"""A plan whose worker died (issue 10, finding 10): a RUNNING version silent for more than a
minute is shown as stopped, with when, and "Generate" works again at once."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from netweave.web.events.models import Event
from netweave.web.matching.heartbeat import Heartbeat, settle_stale
from netweave.web.matching.models import PlanVersion
from tests.web.factories import EventFactory, RegistrationFactory


@pytest.fixture
def event(community):
    event = EventFactory(
        community=community, rounds=2, status=Event.Status.CLOSED, timezone="Asia/Tokyo"
    )
    RegistrationFactory.create_batch(6, event=event)
    return event


def _running(event: Event, *, silent_for: dt.timedelta, started: dt.timedelta) -> PlanVersion:
    """A version left RUNNING by a worker: its last heartbeat ``silent_for`` ago."""
    now = timezone.now()
    version = PlanVersion.objects.create(event=event, number=1, state="running", progress=40)
    PlanVersion.objects.filter(pk=version.pk).update(
        created=now - started, heartbeat=now - silent_for
    )
    return version


def _plan_page(client, event: Event) -> str:
    return client.get(reverse("orga:plan", args=[event.pk])).content.decode()


@pytest.mark.django_db
def test_plan_page_reports_planner_that_stopped_and_generates_again(
    orga_client, event, django_capture_on_commit_callbacks
):
    version = _running(event, silent_for=dt.timedelta(seconds=90), started=dt.timedelta(minutes=3))
    last_beat = PlanVersion.objects.get(pk=version.pk).heartbeat
    clock = f"{last_beat.astimezone(dt.timezone(dt.timedelta(hours=9))):%H:%M} (Asia/Tokyo)"

    page = _plan_page(orga_client, event)
    with django_capture_on_commit_callbacks(execute=True):
        orga_client.post(reverse("orga:plan_generate", args=[event.pk]))

    assert f"The planner stopped unexpectedly at {clock}" in page
    assert "generate again" in page
    assert list(PlanVersion.objects.order_by("number").values_list("state", flat=True)) == [
        "failed",
        "ready",
    ]


@pytest.mark.django_db
def test_plan_with_recent_heartbeat_still_blocks_generate(orga_client, event):
    # started long ago, but it said it was alive 20 seconds ago: a big plan still working
    _running(event, silent_for=dt.timedelta(seconds=20), started=dt.timedelta(minutes=45))

    response = orga_client.post(reverse("orga:plan_generate", args=[event.pk]), follow=True)

    assert b"still being planned" in response.content
    assert PlanVersion.objects.get().state == "running"


@pytest.mark.django_db
def test_progress_box_of_stopped_planner_reloads_the_page(orga_client, event):
    version = _running(event, silent_for=dt.timedelta(minutes=2), started=dt.timedelta(minutes=2))

    response = orga_client.get(
        reverse("orga:plan_progress", args=[event.pk, version.number]), HTTP_HX_REQUEST="true"
    )

    assert response.headers["HX-Refresh"] == "true"
    assert PlanVersion.objects.get().state == "failed"


@pytest.mark.django_db
def test_settle_stale_gives_up_a_queued_version_no_worker_took(event):
    version = PlanVersion.objects.create(event=event, number=1, state="queued")
    PlanVersion.objects.filter(pk=version.pk).update(
        created=timezone.now() - dt.timedelta(minutes=31)
    )

    assert settle_stale(event) == 1
    version.refresh_from_db()
    assert version.state == "failed"
    assert "netweave worker" in version.error


@pytest.mark.django_db(transaction=True)
def test_heartbeat_beats_while_the_block_runs():
    event = EventFactory()
    version = PlanVersion.objects.create(event=event, number=1, state="running")
    PlanVersion.objects.filter(pk=version.pk).update(
        heartbeat=timezone.now() - dt.timedelta(minutes=5)
    )
    old = PlanVersion.objects.get(pk=version.pk).heartbeat

    with Heartbeat(version.pk, every=dt.timedelta(milliseconds=20)):
        # the first beat is written on entering; later ones come from the thread
        first = PlanVersion.objects.get(pk=version.pk).heartbeat
        later = first
        for _ in range(500):
            later = PlanVersion.objects.get(pk=version.pk).heartbeat
            if later > first:
                break
            time.sleep(0.01)

    assert first > old
    assert later > first
