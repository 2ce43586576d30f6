"""How people reach their room: the event's room mode, the link template (validated,
unguessable, stable) and the host's Zoom steps."""

from __future__ import annotations

import re

import pytest

from netweave.web.events.models import RoomMode
from netweave.web.events.rooms import (
    room_link,
    room_mode,
    room_secret,
    round_steps,
    template_problems,
)
from tests.web.factories import EventFactory

pytestmark = pytest.mark.django_db

JITSI = "https://meet.jit.si/{event}-{round}-{room}-{secret}"


def _links_event(**extra):
    return EventFactory(room_mode=RoomMode.LINKS, room_link_template=JITSI, **extra)


def test_room_mode_automatic_is_choose_with_several_rounds():
    assert room_mode(EventFactory(rounds=4)) == RoomMode.ZOOM_CHOOSE


def test_room_mode_automatic_is_host_assigns_with_one_round():
    assert room_mode(EventFactory(rounds=1)) == RoomMode.ZOOM_HOST


def test_room_mode_as_chosen():
    assert room_mode(EventFactory(rounds=4, room_mode=RoomMode.ZOOM_HOST)) == RoomMode.ZOOM_HOST


def test_template_with_every_placeholder_is_fine():
    assert template_problems(JITSI) == []
    assert template_problems("https://bbb.example.org/rooms/{secret}?r={round}&n={room}") == []


@pytest.mark.parametrize(
    ("template", "words"),
    [
        ("http://meet.jit.si/{room}-{secret}", "https://"),
        ("meet.jit.si/{room}-{secret}", "https://"),
        ("javascript:alert(1)//{secret}", "https://"),
        ("https://meet.jit.si/{room}", "Add {secret}"),
        ("https://meet.jit.si/{name}-{secret}", "Unknown placeholder {name}"),
        ("https://meet.jit.si/{room:>5}-{secret}", "Unknown placeholder"),
        ("https://meet.jit.si/{secret!r}", "Unknown placeholder"),
        ("https://meet.jit.si/{event.pk}-{secret}", "Unknown placeholder {event.pk}"),
        ("https://meet.jit.si/{room-{secret}", "is not closed"),
        ("https://meet.jit.si/}{secret}", "is not closed"),
    ],
)
def test_template_refused(template, words):
    problems = template_problems(template)
    assert any(words in p for p in problems), problems


def test_room_link_fills_the_placeholders():
    event = _links_event(slug="spring")
    link = room_link(event, 2, "Room 7")
    assert re.fullmatch(r"https://meet\.jit\.si/spring-2-07-[0-9a-f]{20}", link)
    assert link.endswith(room_secret(event, 2, 7))


def test_room_link_is_stable():
    event = _links_event()
    assert room_link(event, 1, "Room 3") == room_link(event, 1, "Room 03")


def test_room_links_differ_per_room_round_and_event():
    event, other = _links_event(), _links_event()
    secrets = {
        room_secret(event, 1, 1),
        room_secret(event, 1, 2),
        room_secret(event, 2, 1),
        room_secret(other, 1, 1),
    }
    assert len(secrets) == 4


def test_room_secret_depends_on_the_secret_key(settings):
    # nobody without the server's key can work out a room's link from its number and round
    event = _links_event()
    before = room_secret(event, 1, 1)
    settings.SECRET_KEY = "another-key-" + "x" * 40
    assert room_secret(event, 1, 1) != before


def test_room_link_none_outside_the_links_mode():
    event = EventFactory(room_mode=RoomMode.ZOOM_CHOOSE, room_link_template=JITSI)
    assert room_link(event, 1, "Room 1") is None


def test_room_link_none_for_an_async_meeting():
    assert room_link(_links_event(), 1, None) is None


def test_steps_in_choose_mode_create_rooms_once_and_never_upload():
    event = EventFactory(rounds=4)
    first = " ".join(round_steps(event, 1, 12, first=True))
    later = " ".join(round_steps(event, 2, 12, first=False))
    assert "create 12 rooms with “Let participants choose room”" in first
    assert "Room 01 … Room 12" in first
    assert "create" not in later
    assert "Upload" not in first + later


def test_steps_in_host_mode_recreate_after_the_first_round():
    event = EventFactory(rounds=4, room_mode=RoomMode.ZOOM_HOST)
    assert "Breakout Rooms → create 3 rooms" in round_steps(event, 1, 3, first=True)[0]
    later = round_steps(event, 2, 3, first=False)[0]
    assert "Recreate → 3 rooms" in later
    assert "pre-assigned" not in later  # Zoom keeps one pre-assignment: not round 2's


def test_steps_beyond_zoom_limit_say_what_happens():
    steps = round_steps(EventFactory(rounds=4), 1, 101, first=True)
    assert "Zoom opens at most 100" in steps[0]
    assert "rooms above Room 100 have no Zoom room" in steps[0]


def test_steps_with_links_need_no_breakout_rooms():
    steps = round_steps(_links_event(), 1, 101, first=True)
    assert steps == (
        "No breakout rooms: each participant's live page has a “Join your room” button to "
        "their meeting's own room. Stay in the main meeting for anyone who needs help.",
    )


def test_steps_offer_recovering_the_one_pre_assignment_only_for_round_1_or_the_groups():
    event = EventFactory(rounds=4)
    recover = "“Recover to pre-assigned rooms”"
    assert recover in " ".join(round_steps(event, 1, 5, first=True))
    assert recover not in " ".join(round_steps(event, 3, 5, first=False))
    groups = " ".join(round_steps(event, 0, 5, first=False))
    assert recover in groups
    assert "Group 1 meets in Room 01" in groups


def test_template_without_a_host_name_is_refused():
    assert "This is not a web address once the placeholders are filled." in template_problems(
        "https:///{secret}"
    )
