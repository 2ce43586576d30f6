"""The one rule for a meeting's room number and name (core.rooms), and that the chat text and
Zoom's CSV follow it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from netweave.core.exports import zoom_round_table
from netweave.core.live_words import chat_lines
from netweave.core.plan import Meeting, Participant, Plan, Round
from netweave.core.rooms import ZOOM_MAX_ROOMS, room_label, room_number, rooms_needed


def test_room_number_reads_the_planners_names():
    assert [room_number(r) for r in ("Room 1", "Room 09", "Room 100", "Group 3")] == [1, 9, 100, 3]


def test_room_number_none_without_a_room_or_a_number():
    assert (room_number(None), room_number(""), room_number("Blue room")) == (None, None, None)


def test_room_label_pads_to_two_digits_and_keeps_other_names():
    assert [room_label(r) for r in ("Room 1", "Room 42", "Room 100", "Blue")] == [
        "Room 01",
        "Room 42",
        "Room 100",
        "Blue",
    ]


@given(st.integers(min_value=1, max_value=5000))
def test_room_label_keeps_the_number(k):
    # whatever the room, the page's label and the console's show the same number
    assert room_number(room_label(f"Room {k}")) == k
    assert room_label(room_label(f"Room {k}")) == room_label(f"Room {k}")


@given(st.lists(st.integers(min_value=1, max_value=50), max_size=20))
def test_rooms_needed_is_the_highest_number(numbers):
    assert rooms_needed([f"Room {k}" for k in numbers] + [None]) == max(numbers, default=0)


def test_zoom_room_limit_is_100():
    assert ZOOM_MAX_ROOMS == 100


def test_chat_lines_and_zoom_csv_name_rooms_alike():
    meetings = (Meeting("Room 7", ("ana", "kofi")), Meeting("Room 12", ("bo", "cy")))
    people = tuple(Participant(p, p.title()) for p in ("ana", "kofi", "bo", "cy"))
    plan = Plan(participants=people, rounds=(Round(3, meetings),))

    lines = chat_lines(3, meetings, {p.id: p.name for p in people})
    csv_rooms = [room for room, _ in zoom_round_table(plan, 3).rows]

    assert lines == ["Round 3: Room 07 - Ana & Kofi", "Round 3: Room 12 - Bo & Cy"]
    assert csv_rooms == ["Room 07", "Room 07", "Room 12", "Room 12"]
