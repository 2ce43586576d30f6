"""Every participant knows which room to join, in each room mode: their live page, the
console's steps and chat text agree on the room, also after a re-plan."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from netweave.web.events.models import Registration, RoomMode
from netweave.web.events.rooms import room_link
from netweave.web.live.domain.checkin import set_attendance
from netweave.web.live.domain.replan import replan_next_round
from netweave.web.live.domain.state import live_state, next_round, start_groups
from netweave.web.live.models import HeldMeeting
from netweave.web.matching.queries.schedule import schedule_for
from tests.web.factories import AttendanceFactory, EventFactory, published_example

pytestmark = pytest.mark.django_db

JITSI = "https://meet.jit.si/{event}-{round}-{room}-{secret}"
_CHAT = re.compile(r"^Round (\d+): (Room \d+) - (.+)$")
_ROOM_NOW = re.compile(r'<p class="room-now">(?:Join |Your room: )(Room \d+)</p>')


@pytest.fixture
def live_event(community):
    """8 live people, all checked in, and 1 async (the last); the example plan published.
    Round 1: a trio (0, 1, 2) in Room 1, (3, 4) in Room 2, (5, 6) in Room 3, 7 watches 8's
    intro; round 2: (0, 3), (1, 4), (2, 5), 7 with the host in Room 4."""
    regs, _ = published_example(EventFactory(community=community))
    for reg in regs[:8]:
        AttendanceFactory(registration=reg)
    return regs[0].event, regs


def _mode(event, mode: str, template: str = "") -> None:
    event.room_mode, event.room_link_template = mode, template
    event.save()


def _page(client, registration: Registration) -> str:
    response = client.get(reverse("portal:live", args=[registration.token]))
    assert response.status_code == 200
    return response.content.decode()


def _console(client, event) -> str:
    response = client.get(reverse("orga:live", kwargs={"event_pk": event.pk}))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _chat_rooms(console: str) -> dict[str, str]:
    """name -> room, from the console's text for Zoom's chat."""
    start = console.index('<textarea id="chat-text"')  # check-in's paste box may come first
    text = console[start : console.index("</textarea>", start)]
    rooms = {}
    for line in text.splitlines():
        if found := _CHAT.match(line.strip()):
            for name in re.split(r", | & | with the host", found.group(3)):
                if name:
                    rooms[name] = found.group(2)
    return rooms


def _next(event) -> None:
    next_round(event, live_state(event).version)


def test_choose_mode_page_says_the_room_in_big_type(client, live_event):
    event, regs = live_event
    _next(event)
    page = _page(client, regs[3])
    assert '<p class="room-now">Join Room 02</p>' in page
    assert "click <strong>Breakout Rooms</strong> and choose Room 02" in page
    assert "“Breakout Room 2”" in page


def test_host_mode_page_says_the_host_moves_them(client, live_event):
    event, regs = live_event
    _mode(event, RoomMode.ZOOM_HOST)
    _next(event)
    page = _page(client, regs[5])
    assert '<p class="room-now">Your room: Room 03</p>' in page
    assert "The host moves you there" in page


def test_links_mode_page_has_its_meetings_own_button(client, live_event):
    event, regs = live_event
    _mode(event, RoomMode.LINKS, JITSI)
    _next(event)
    link = room_link(event, 1, "Room 2")
    for reg in regs[3:5]:
        page = html.unescape(_page(client, reg))
        assert f'<a class="button big" href="{link}"' in page
        assert "Join your room" in page
    assert link not in html.unescape(_page(client, regs[5]))  # another meeting, another room


def test_async_meeting_shows_no_room(client, live_event):
    event, regs = live_event
    _next(event)
    assert 'class="room-now"' not in _page(client, regs[7])


def test_choose_mode_groups_meet_in_the_room_of_their_number(client, live_event):
    event, regs = live_event
    start_groups(event, live_state(event).version)
    page = _page(client, regs[5])
    assert '<p class="room-now">Join Room 02</p>' in page
    assert "or “Group 2”" in page


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        (RoomMode.ZOOM_CHOOSE, "create 4 rooms with “Let participants choose room”"),
        (RoomMode.ZOOM_HOST, "Breakout Rooms → create 4 rooms, “Assign manually”"),
        (RoomMode.LINKS, "No breakout rooms"),
    ],
)
def test_console_steps_match_the_mode(orga_client, live_event, mode, words):
    event, _ = live_event
    _mode(event, mode, JITSI)
    console = _console(orga_client, event)
    assert words in console
    assert "Upload" not in console  # Zoom takes no room file during the meeting


@pytest.mark.parametrize(
    ("mode", "header"),
    [
        (RoomMode.ZOOM_CHOOSE, "Round 1: click Breakout Rooms and join your room below"),
        (RoomMode.ZOOM_HOST, "Round 1: I am moving you to your rooms now"),
        (RoomMode.LINKS, "Round 1: open your netweave live page and click “Join your room”"),
    ],
)
def test_chat_text_says_how_to_reach_the_room(orga_client, live_event, mode, header):
    event, _ = live_event
    _mode(event, mode, JITSI)
    assert header in _console(orga_client, event)


def _agree(client, orga_client, event, regs) -> None:
    """The console's chat text names the room each live person's page shows, once the
    round it prepares has started."""
    chat = _chat_rooms(_console(orga_client, event))
    _next(event)
    shown = {}
    for reg in regs[:8]:
        found = _ROOM_NOW.search(_page(client, reg))
        if found:
            shown[reg.member.name] = found.group(1)
    assert shown
    assert shown == {name: room for name, room in chat.items() if name in shown}
    assert set(shown) == set(chat)


def test_page_and_chat_agree_every_round_and_after_a_replan(client, orga_client, live_event):
    event, regs = live_event
    _agree(client, orga_client, event, regs)  # round 1 as planned
    set_attendance(regs[4], "absent")
    replan_next_round(event, 2)
    chat = _chat_rooms(_console(orga_client, event))
    assert chat[regs[0].member.name] == "Room 01"  # a kept meeting keeps its room
    _agree(client, orga_client, event, regs)  # round 2 re-planned


def test_personal_page_names_rooms_as_the_live_page(client, live_event):
    event, regs = live_event
    assert [s.room for s in schedule_for(regs[3]).slots][:2] == ["Room 02", "Room 01"]
    _next(event)
    assert '<p class="room-now">Join Room 02</p>' in _page(client, regs[3])


def _move_to_room_101(event, registration) -> None:
    HeldMeeting.objects.filter(event=event, round=1, seats__registration=registration).update(
        room="Room 101"
    )


def test_room_beyond_zoom_limit_says_so(client, live_event):
    event, regs = live_event
    _next(event)
    _move_to_room_101(event, regs[3])
    page = _page(client, regs[3])
    assert '<p class="room-now">Room 101</p>' in page
    assert "this room is not in Zoom: stay in the main room" in page


def test_room_beyond_zoom_limit_still_has_its_link(client, live_event):
    event, regs = live_event
    _mode(event, RoomMode.LINKS, JITSI)
    _next(event)
    _move_to_room_101(event, regs[3])
    page = html.unescape(_page(client, regs[3]))
    assert f'href="{room_link(event, 1, "Room 101")}"' in page
    assert "not in Zoom" not in page
