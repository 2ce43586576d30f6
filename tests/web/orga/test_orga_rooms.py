"""How people reach their room, as the organizer sets it (the event form) and as the host's
run sheet and downloads say it in each room mode."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse

from netweave.web.events.models import RoomMode
from netweave.web.events.rooms import room_link
from netweave.web.matching.domain.storage import save_plan
from tests.web.factories import EventFactory, example_plan, example_registrations

pytestmark = pytest.mark.django_db

JITSI = "https://meet.jit.si/{event}-{round}-{room}-{secret}"


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


def test_event_form_offers_the_room_modes(orga_client, community):
    content = orga_client.get(reverse("orga:event_create", args=[community.pk])).content.decode()
    assert "How people reach their room" in content
    assert "Zoom: participants choose their room" in content
    assert "A link per meeting (no breakout rooms)" in content


def test_event_form_saves_automatic_by_default(orga_client, community):
    _create(orga_client, community)
    assert community.events.get().room_mode == ""


def test_event_form_saves_a_link_template(orga_client, community):
    _create(orga_client, community, room_mode=RoomMode.LINKS, room_link_template=f" {JITSI} ")
    event = community.events.get()
    assert (event.room_mode, event.room_link_template) == (RoomMode.LINKS, JITSI)


def test_event_form_links_mode_needs_a_template(orga_client, community):
    response = _create(orga_client, community, room_mode=RoomMode.LINKS)
    assert response.context["form"].errors["room_link_template"] == [
        "Give the link template: each meeting's room comes from it."
    ]


def test_event_form_refuses_a_guessable_or_plain_http_template(orga_client, community):
    response = _create(
        orga_client,
        community,
        room_mode=RoomMode.LINKS,
        room_link_template="http://meet.jit.si/{room}-{color}",
    )
    errors = response.context["form"].errors["room_link_template"]
    assert any("Unknown placeholder {color}" in e for e in errors)
    assert any("Add {secret}" in e for e in errors)
    assert not community.events.exists()


# --------------------------------------------------------------------------- run sheet


@pytest.fixture
def event(community):
    starts = dt.datetime(2031, 3, 12, 16, 0, tzinfo=dt.UTC)
    return EventFactory(
        community=community, rounds=2, slug="spring-forum", starts_at=starts, minutes_per_round=10
    )


@pytest.fixture
def regs(event):
    """Round 1: a trio (0, 1, 2) in Room 1, (3, 4) in Room 2, (5, 6) in Room 3; round 2:
    (0, 3), (1, 4), (2, 5), 7 with the host in Room 4."""
    regs = example_registrations(event)
    save_plan(event, example_plan(regs), note="Generated")
    return regs


def _sheet(client, event) -> str:
    response = client.get(reverse("orga:runsheet", args=[event.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _set_mode(event, mode: str, template: str = "") -> None:
    event.room_mode, event.room_link_template = mode, template
    event.save()


def test_runsheet_choose_mode_creates_rooms_once(orga_client, event, regs):
    content = _sheet(orga_client, event)
    assert content.count("“Let participants choose room”") == 1  # before round 1 only
    assert "create 4 rooms" in content  # the most any stage uses: round 2's Room 4
    assert "click Breakout Rooms and join the room your netweave live page shows" in content


def test_runsheet_never_says_to_upload_during_the_meeting(orga_client, event, regs):
    for mode in RoomMode.values:
        _set_mode(event, mode, JITSI)
        content = _sheet(orga_client, event)
        assert "Upload" not in content, mode
        assert "round-2.csv" not in content, mode


def test_runsheet_host_mode_lists_rooms_in_order_and_people_by_name(orga_client, event, regs):
    _set_mode(event, RoomMode.ZOOM_HOST)
    content = _sheet(orga_client, event)
    round_1 = content[content.index("Round 1 ·") : content.index("Round 2 ·")]
    trio = sorted((r.member.name for r in regs[:3]), key=str.casefold)
    assert round_1.index("<td>Room 01</td>") < round_1.index("<td>Room 02</td>")
    assert f"<td>Room 01</td><td>{', '.join(trio)}</td>" in round_1
    assert "<details open>" in round_1  # who goes where, open for the host's manual moves
    moves = [r.member.name for r in regs[:7]]
    rows = [
        round_1.index(f"<tr><td>{name}</td><td>Room 0") for name in sorted(moves, key=str.casefold)
    ]
    assert rows == sorted(rows)


def test_runsheet_links_mode_lists_each_rooms_link(orga_client, event, regs):
    _set_mode(event, RoomMode.LINKS, JITSI)
    content = _sheet(orga_client, event)
    assert room_link(event, 2, "Room 4") in content
    assert "No breakout rooms" in content
    assert "Who goes where" not in content


def test_zoom_zip_readme_tells_the_truth_about_pre_assignment(orga_client, event, regs):
    response = orga_client.get(reverse("orga:export_zoom", args=[event.pk]))
    readme = zipfile.ZipFile(io.BytesIO(response.content)).read("README.txt").decode()
    assert "one set of pre-assigned rooms per meeting" in readme
    assert "when the meeting is scheduled" in readme
    assert "not in the web client" in readme


def test_export_links_say_pre_assign_when_scheduling(orga_client, event, regs):
    version = event.plans.get()
    url = reverse("orga:plan_version", args=[event.pk, version.number])
    content = orga_client.get(url).content.decode()
    assert "Upload from a CSV" not in content
    assert "when you schedule the meeting" in content


def test_event_overview_says_the_room_mode(orga_client, event):
    content = orga_client.get(reverse("orga:event", args=[event.pk])).content.decode()
    assert "Zoom: participants choose their room (automatic: 2 round(s))" in content
