"""Event set-up: permissions, create and edit with validation, overview, status, import."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from netweave.web.events.domain import set_event_status
from netweave.web.events.models import Event, Registration
from tests.web.factories import EventFactory, MemberFactory, RegistrationFactory
from tests.web.importing import accept_reading

pytestmark = pytest.mark.django_db

Status = Event.Status


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # each test's uploads go to its own folder
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def event(community):
    return EventFactory(community=community, title="Spring forum", status=Status.DRAFT)


def _form(**changes: object) -> dict[str, object]:
    data = {
        "title": "Autumn forum",
        "slug": "",
        "description": "",
        "timezone": "Asia/Tokyo",
        "starts_at": "2030-10-01T09:00",
        "rounds": 4,
        "minutes_per_round": 8,
        "groups_enabled": "on",
        "group_min": 4,
        "group_max": 6,
        "group_minutes": 20,
        "registration_opens": "",
        "registration_closes": "",
    }
    data.update(changes)
    return data


def _create(client, community, **changes: object):
    return client.post(reverse("orga:event_create", args=[community.pk]), _form(**changes))


# --------------------------------------------------------------------------- permissions

EVENT_PAGES = ["orga:event", "orga:event_edit", "orga:event_import"]


@pytest.mark.parametrize("name", EVENT_PAGES)
def test_event_pages_anonymous_redirects_to_login(client, event, name):
    response = client.get(reverse(name, args=[event.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("orga:login"))


@pytest.mark.parametrize("name", EVENT_PAGES)
def test_event_pages_other_organizer_gets_404(outsider_client, event, name):
    assert outsider_client.get(reverse(name, args=[event.pk])).status_code == 404


@pytest.mark.parametrize("name", EVENT_PAGES)
def test_event_pages_own_event_renders(orga_client, event, name):
    response = orga_client.get(reverse(name, args=[event.pk]))
    assert response.status_code == 200
    assert b"Spring forum" in response.content


def test_event_create_anonymous_redirects_to_login(client, community):
    response = client.get(reverse("orga:event_create", args=[community.pk]))
    assert response.status_code == 302


def test_event_create_other_organizer_gets_404(outsider_client, community):
    response = outsider_client.get(reverse("orga:event_create", args=[community.pk]))
    assert response.status_code == 404


def test_event_status_other_organizer_gets_404(outsider_client, event):
    url = reverse("orga:event_status", args=[event.pk])
    assert outsider_client.post(url, {"status": "open"}).status_code == 404


# --------------------------------------------------------------------------- create and edit


def test_event_create_form_shows_community_zone(orga_client, community):
    community.timezone = "Europe/Berlin"
    community.save()
    response = orga_client.get(reverse("orga:event_create", args=[community.pk]))
    assert response.context["form"]["timezone"].value() == "Europe/Berlin"


def test_event_create_saves_draft_and_redirects(orga_client, community):
    response = _create(orga_client, community)
    event = community.events.get()
    assert response.url == reverse("orga:event", args=[event.pk])
    assert event.status == Status.DRAFT


def test_event_create_reads_start_in_chosen_zone(orga_client, community):
    _create(orga_client, community, timezone="Asia/Tokyo", starts_at="2030-10-01T09:00")
    expected = dt.datetime(2030, 10, 1, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert community.events.get().starts_at == expected


def test_event_create_makes_slug_from_title(orga_client, community):
    EventFactory(community=community, slug="autumn-forum")
    _create(orga_client, community, title="Autumn Forum")
    assert community.events.filter(slug="autumn-forum-2").exists()


def test_event_create_taken_slug_shows_field_error(orga_client, community):
    EventFactory(community=community, slug="autumn")
    response = _create(orga_client, community, slug="autumn")
    errors = response.context["form"].errors["slug"]
    assert errors == ["Another event of this community uses this address."]


def test_event_create_group_min_above_max_shows_error(orga_client, community):
    response = _create(orga_client, community, group_min=6, group_max=4)
    assert response.context["form"].errors["group_max"] == [
        "The largest group cannot be smaller than the smallest."
    ]


def test_event_create_group_min_below_two_shows_error(orga_client, community):
    response = _create(orga_client, community, group_min=1)
    assert "group_min" in response.context["form"].errors


def test_event_create_zero_rounds_shows_error(orga_client, community):
    response = _create(orga_client, community, rounds=0)
    assert "rounds" in response.context["form"].errors
    assert not Event.objects.exists()


def test_event_create_close_before_open_shows_error(orga_client, community):
    response = _create(
        orga_client,
        community,
        registration_opens="2030-09-10T09:00",
        registration_closes="2030-09-01T09:00",
    )
    assert response.context["form"].errors["registration_closes"] == [
        "Registration must close after it opens."
    ]


def test_event_create_missing_start_redisplays_form(orga_client, community):
    response = _create(orga_client, community, starts_at="")
    assert response.status_code == 200
    assert b"This field is required" in response.content


def test_event_edit_shows_start_in_event_zone(orga_client, event):
    event.timezone = "Asia/Tokyo"
    event.starts_at = dt.datetime(2030, 3, 5, 15, 0, tzinfo=dt.UTC)
    event.save()
    response = orga_client.get(reverse("orga:event_edit", args=[event.pk]))
    assert b'value="2030-03-06T00:00"' in response.content


def test_event_edit_saves_changes(orga_client, event):
    url = reverse("orga:event_edit", args=[event.pk])
    response = orga_client.post(url, _form(title="Renamed", slug=event.slug))
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.title, event.rounds) == ("Renamed", 4)


# --------------------------------------------------------------------------- overview


def test_overview_counts_live_and_async(orga_client, event):
    RegistrationFactory.create_batch(2, event=event)
    RegistrationFactory(event=event, mode=Registration.Mode.ASYNC)
    counts = orga_client.get(reverse("orga:event", args=[event.pk])).context["counts"]
    assert (counts["total"], counts["live"], counts["async_"]) == (3, 2, 1)


def test_overview_draft_offers_open_registration(orga_client, event):
    response = orga_client.get(reverse("orga:event", args=[event.pk]))
    assert b"Open registration" in response.content


def test_overview_links_plan_tab(orga_client, event):
    response = orga_client.get(reverse("orga:event", args=[event.pk]))
    assert reverse("orga:plan", kwargs={"event_pk": event.pk}).encode() in response.content


# --------------------------------------------------------------------------- status


def test_status_button_opens_registration(orga_client, event):
    orga_client.post(reverse("orga:event_status", args=[event.pk]), {"status": "open"})
    event.refresh_from_db()
    assert event.status == Status.OPEN


def test_status_button_refuses_planning_by_hand(orga_client, event):
    event.status = Status.CLOSED
    event.save()
    url = reverse("orga:event_status", args=[event.pk])
    response = orga_client.post(url, {"status": "published"}, follow=True)
    event.refresh_from_db()
    assert event.status == Status.CLOSED
    assert b"not possible from this page" in response.content


def test_status_change_by_get_is_refused(orga_client, event):
    assert orga_client.get(reverse("orga:event_status", args=[event.pk])).status_code == 405


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (Status.DRAFT, Status.OPEN),
        (Status.OPEN, Status.CLOSED),
        (Status.CLOSED, Status.OPEN),
        (Status.CLOSED, Status.PLANNED),
        (Status.PLANNED, Status.PUBLISHED),
        (Status.PUBLISHED, Status.LIVE),
        (Status.LIVE, Status.DONE),
    ],
)
def test_set_event_status_allowed_transition(event, start, end):
    event.status = start
    set_event_status(event, end)
    event.refresh_from_db()
    assert event.status == end


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (Status.DRAFT, Status.CLOSED),
        (Status.DRAFT, Status.PUBLISHED),
        (Status.OPEN, Status.DRAFT),
        (Status.DONE, Status.OPEN),
    ],
)
def test_set_event_status_refuses_skipping(event, start, end):
    event.status = start
    with pytest.raises(ValueError, match="cannot become"):
        set_event_status(event, end)


def test_set_event_status_refuses_unknown_status(event):
    with pytest.raises(ValueError, match="not an event status"):
        set_event_status(event, "cancelled")


# --------------------------------------------------------------------------- registration import

REGISTRATIONS = (
    "Email Address,Full name,How will you join?,People you would like to meet\n"
    "ana@example.org,Ana Lima,Live (Zoom),Kofi Mensah\n"
    "kofi@example.org,Kofi Mensah,async,\n"
)


def _import(client, event, text: str):
    upload = SimpleUploadedFile("signups.csv", text.encode())
    response = client.post(reverse("orga:event_import", args=[event.pk]), {"file": upload})
    accept_reading(client, response)
    return client.post(reverse("orga:event_import_confirm", args=[event.pk]))


def test_event_import_registers_everyone(orga_client, event):
    response = _import(orga_client, event, REGISTRATIONS)
    assert response.url == reverse("orga:registrations", args=[event.pk])
    modes = dict(event.registrations.values_list("member__email", "mode"))
    assert modes == {"ana@example.org": "live", "kofi@example.org": "async"}


def test_event_import_resolves_requests_to_members(orga_client, event):
    _import(orga_client, event, REGISTRATIONS)
    ana = event.registrations.get(member__email="ana@example.org")
    assert [m.email for m in ana.requests.all()] == ["kofi@example.org"]


def test_event_import_updates_existing_registration(orga_client, event):
    member = MemberFactory(community=event.community, email="kofi@example.org")
    RegistrationFactory(event=event, member=member, mode=Registration.Mode.LIVE)
    _import(orga_client, event, REGISTRATIONS)
    assert event.registrations.count() == 2
    assert event.registrations.get(member=member).mode == Registration.Mode.ASYNC


def test_event_import_preview_counts_registrations(orga_client, event):
    member = MemberFactory(community=event.community, email="kofi@example.org")
    RegistrationFactory(event=event, member=member)
    upload = SimpleUploadedFile("signups.csv", REGISTRATIONS.encode())
    response = orga_client.post(reverse("orga:event_import", args=[event.pk]), {"file": upload})
    preview = accept_reading(orga_client, response).context["preview"]
    assert (preview.new_registration_count, preview.registered_count) == (1, 1)


def test_event_create_form_starts_with_the_defaults(orga_client, community):
    from django.urls import reverse

    page = orga_client.get(reverse("orga:event_create", args=[community.pk])).content.decode()
    assert 'name="minutes_per_round" value="8"' in page
