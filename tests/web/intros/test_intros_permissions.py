"""Who may watch an intro: the participant, their matched partners, their community's
organizers. Media go through permission-checking views only."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from netweave.web.events.models import Registration
from netweave.web.intros.domain.intros import save_intro_video, update_intro
from netweave.web.intros.queries.intros import intro_of
from netweave.web.live.models import HeldMeeting
from tests.web.factories import (
    EventFactory,
    GroupFactory,
    MeetingFactory,
    PlanVersionFactory,
    RegistrationFactory,
    mp4_bytes,
)

pytestmark = pytest.mark.django_db

VIDEO = mp4_bytes(20.0)


@pytest.fixture(autouse=True)
def media_dir(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "intros": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }


@pytest.fixture
def scene(community):
    """An async participant with a video, their live partner (published plan), and a
    stranger registered for the same event."""
    event = EventFactory(community=community)
    owner = RegistrationFactory(event=event, mode=Registration.Mode.ASYNC)
    partner, stranger = RegistrationFactory.create_batch(2, event=event)
    plan = PlanVersionFactory(event=event, published_at=timezone.now())
    MeetingFactory(plan=plan, room=None, is_async=True, seats=[partner, owner])
    save_intro_video(owner, SimpleUploadedFile("me.mp4", VIDEO))
    vtt = b"WEBVTT\n\n00:00.000 --> 00:01.000\nHi\n"
    update_intro(owner, text="Hi", link="", captions=vtt)
    return SimpleNamespace(event=event, owner=owner, partner=partner, stranger=stranger, plan=plan)


def media_url(viewer, owner, which="video"):
    return reverse(
        "portal:intro_media", kwargs={"token": viewer.token, "owner_pk": owner.pk, "which": which}
    )


def orga_url(scene, which="video"):
    kwargs = {"event_pk": scene.event.pk, "registration_pk": scene.owner.pk, "which": which}
    return reverse("orga:intros_media", kwargs=kwargs)


def fetch(client, url, **headers):
    """GET ``url``; the response with its streamed body read (which closes the file)."""
    response = client.get(url, **headers)
    response.body = b"".join(response.streaming_content) if response.streaming else b""
    response.close()
    return response


def test_media_owner_can_watch(client, scene):
    response = fetch(client, media_url(scene.owner, scene.owner))
    assert (response.status_code, response.body) == (200, VIDEO)


def test_media_partner_can_watch(client, scene):
    response = fetch(client, media_url(scene.partner, scene.owner))
    assert (response.status_code, response["Content-Type"]) == (200, "video/mp4")


def test_media_stranger_gets_404(client, scene):
    assert fetch(client, media_url(scene.stranger, scene.owner)).status_code == 404


def test_media_someone_of_another_event_gets_404(client, scene):
    elsewhere = RegistrationFactory()
    assert fetch(client, media_url(elsewhere, scene.owner)).status_code == 404


def test_media_partner_in_unpublished_plan_gets_404(client, scene):
    scene.plan.published_at = None
    scene.plan.save()
    assert fetch(client, media_url(scene.partner, scene.owner)).status_code == 404


def test_media_partner_who_really_met_can_watch(client, scene):
    scene.plan.delete()
    held = HeldMeeting.objects.create(event=scene.event, round=1, is_async=True)
    held.seats.create(registration=scene.stranger, position=0)
    held.seats.create(registration=scene.owner, position=1)
    assert fetch(client, media_url(scene.stranger, scene.owner)).status_code == 200


def test_media_group_mate_can_watch(client, scene):
    GroupFactory(plan=scene.plan, seats=[scene.stranger, scene.owner])
    assert fetch(client, media_url(scene.stranger, scene.owner)).status_code == 200


def test_media_organizer_can_watch(orga_client, scene):
    response = fetch(orga_client, orga_url(scene))
    assert (response.status_code, response.body) == (200, VIDEO)


def test_media_organizer_of_another_community_gets_404(outsider_client, scene):
    assert fetch(outsider_client, orga_url(scene)).status_code == 404


def test_media_anonymous_organizer_url_asks_to_log_in(client, scene):
    response = fetch(client, orga_url(scene))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_media_captions_served_as_webvtt(client, scene):
    response = fetch(client, media_url(scene.partner, scene.owner, "captions"))
    assert response["Content-Type"].startswith("text/vtt")
    assert response.body.startswith(b"WEBVTT")


def test_media_range_request_returns_that_part(client, scene):
    response = fetch(client, media_url(scene.partner, scene.owner), HTTP_RANGE="bytes=4-11")
    assert (response.status_code, response.body) == (206, VIDEO[4:12])
    assert response["Content-Range"] == f"bytes 4-11/{len(VIDEO)}"


def test_media_range_past_the_end_is_416(client, scene):
    response = fetch(client, media_url(scene.partner, scene.owner), HTTP_RANGE="bytes=99999-")
    assert response.status_code == 416


def test_media_never_cached_by_shared_caches(client, scene):
    response = fetch(client, media_url(scene.partner, scene.owner))
    assert response["Cache-Control"] == "private, no-store"


def test_media_does_not_reveal_stored_name(client, scene):
    response = fetch(client, media_url(scene.partner, scene.owner))
    assert response["Content-Disposition"] == "inline"


def test_media_unknown_kind_404(client, scene):
    assert fetch(client, media_url(scene.owner, scene.owner, "secret")).status_code == 404


def test_intro_files_not_under_a_public_url(client, scene):
    name = intro_of(scene.owner).video_name
    assert client.get(f"/media/{name}").status_code == 404


def test_partner_page_stranger_gets_404(client, scene):
    url = reverse(
        "portal:intro_partner", kwargs={"token": scene.stranger.token, "partner_pk": scene.owner.pk}
    )
    assert client.get(url).status_code == 404
