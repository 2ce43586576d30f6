"""The one rule for a meeting's room number and its name in Zoom.

A plan names each live meeting of a round ``Room <k>`` (the planner numbers them from 1; a
live re-plan keeps the room of every meeting it keeps and gives new meetings free numbers), so
the room number of a meeting in a round is the number in its stored room name. Every page,
the console, the chat text, the run sheet and the Zoom CSV show it through :func:`room_label`,
so "Room 07" on a participant's phone is "Room 07" on the host's screen and in Zoom.

Text only: this module loads no numpy, so the web layer may import it where pages are made.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["ZOOM_MAX_ROOMS", "room_label", "room_number", "rooms_needed"]

#: Zoom opens at most this many breakout rooms in one meeting, and pre-assigns at most this
#: many (Zoom's support article "Managing breakout rooms"; see docs/organizer-guide.md).
ZOOM_MAX_ROOMS = 100

_NUMBER = re.compile(r"(\d+)\s*$")


def room_number(room: str | None) -> int | None:
    """The number of the room named ``room`` (``None`` for no room or a name without one).

    Examples
    --------
    >>> room_number("Room 7"), room_number("Room 07"), room_number(None), room_number("Lobby")
    (7, 7, None, None)
    """
    if not room:
        return None
    found = _NUMBER.search(room)
    return int(found.group(1)) if found else None


def room_label(room: str | None) -> str:
    """The name to show and to use in Zoom: ``Room 01`` ... ``Room 99``, ``Room 100``, ...

    Two digits keep Zoom's room list in the order of the numbers up to 99 (one more digit
    only beyond, where Zoom has no room anyway: see :data:`ZOOM_MAX_ROOMS`). A name without a
    number (an imported plan's own) is shown as it is.

    Examples
    --------
    >>> room_label("Room 7"), room_label("Room 12"), room_label("Room 101"), room_label("Blue")
    ('Room 07', 'Room 12', 'Room 101', 'Blue')
    >>> room_label(None)
    ''
    """
    number = room_number(room)
    if number is None:
        return room or ""
    return f"Room {number:02d}"


def rooms_needed(rooms: Iterable[str | None]) -> int:
    """How many rooms to create once for every round: the highest room number used.

    Examples
    --------
    >>> rooms_needed(["Room 1", "Room 3", None, "Room 2"])
    3
    >>> rooms_needed([])
    0
    """
    return max((n for n in map(room_number, rooms) if n is not None), default=0)
