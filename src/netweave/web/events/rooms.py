"""How participants reach their room each round: the event's room mode, the link of a
meeting's room, and what the host does in Zoom (one wording for the run sheet and the console).

What Zoom offers, and why the modes are what they are, is in docs/organizer-guide.md
("Running the rounds in Zoom"): Zoom keeps one pre-assignment per meeting, set when it is
scheduled, so every round after the first needs participants to choose their room, the host
to assign it, or a room of its own outside Zoom.
"""

from __future__ import annotations

import string
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.crypto import salted_hmac

from netweave.core.rooms import ZOOM_MAX_ROOMS, room_label, room_number
from netweave.web.events.models import Event, RoomMode

__all__ = [
    "PLACEHOLDERS",
    "RoomMode",
    "chat_header",
    "how_to_reach",
    "room_link",
    "room_mode",
    "room_mode_label",
    "room_secret",
    "round_steps",
    "template_problems",
]

#: what a room link template may hold, each as ``{name}``
PLACEHOLDERS = ("event", "round", "room", "secret")


def room_mode(event: Event) -> str:
    """The event's room mode: as chosen, else participants choose (several rounds) or the host
    assigns (one round, which Zoom's one pre-assignment covers)."""
    if event.room_mode:
        return event.room_mode
    return RoomMode.ZOOM_CHOOSE if event.rounds > 1 else RoomMode.ZOOM_HOST


def room_mode_label(event: Event) -> str:
    """The event's room mode in words, saying when it was chosen automatically."""
    label = RoomMode(room_mode(event)).label
    return label if event.room_mode else f"{label} (automatic: {event.rounds} round(s))"


def template_problems(template: str) -> list[str]:
    """Why ``template`` cannot be a room link template (empty when it can): only ``https``
    addresses, only the :data:`PLACEHOLDERS` (plain, without a format), ``{secret}`` in it."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:
        return ["A { or } is not closed: write placeholders as {room}, {round}, {event}, {secret}."]
    fields = [(f, spec, conv) for _, f, spec, conv in parts if f is not None]
    names = {f for f, _, _ in fields}
    problems = []
    unknown = sorted(names - set(PLACEHOLDERS))
    if unknown or any(spec or conv for _, spec, conv in fields):
        known = ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
        shown = ", ".join(f"{{{f}}}" for f in unknown) or "a format after a colon"
        problems.append(f"Unknown placeholder {shown}: use only {known}.")
    if "secret" not in names:
        problems.append("Add {secret}: without it anyone could guess another meeting's link.")
    # the address with each placeholder replaced by a plain word
    sample = "".join(text + ("x" if f is not None else "") for text, f, _, _ in parts)
    if urlsplit(sample).scheme != "https":
        problems.append("The link must start with https://.")
    else:
        try:
            URLValidator(schemes=["https"])(sample)
        except ValidationError:
            problems.append("This is not a web address once the placeholders are filled.")
    return problems


def room_secret(event: Event, number: int, room: int) -> str:
    """20 hex characters that only this server can make for room ``room`` of round
    ``number`` (0 for the groups): an HMAC of the settings' ``SECRET_KEY``, so knowing
    other rooms' links tells nothing about this one, and the same room keeps its link."""
    value = f"{event.pk}:{number}:{room}"
    return salted_hmac("netweave.events.rooms", value, algorithm="sha256").hexdigest()[:20]


def room_link(event: Event, number: int, room: str | None) -> str | None:
    """The link to room ``room`` of round ``number`` (0 for the groups), when the event
    gives each meeting its own link; ``None`` otherwise or for a room without a number."""
    numbered = room_number(room)
    if room_mode(event) != RoomMode.LINKS or not event.room_link_template or numbered is None:
        return None
    return event.room_link_template.format(
        event=event.slug or event.pk,
        round=number,
        room=f"{numbered:02d}",
        secret=room_secret(event, number, numbered),
    )


def round_steps(event: Event, number: int, rooms: int, first: bool) -> tuple[str, ...]:
    """What the host does in Zoom before round ``number`` (0: the groups), when the day uses
    ``rooms`` rooms; ``first``: the first stage of the day. One wording for the run sheet and
    the live console, matching what Zoom offers (docs/organizer-guide.md)."""
    mode = room_mode(event)
    steps: list[str] = []
    if rooms > ZOOM_MAX_ROOMS and mode != RoomMode.LINKS:
        steps.append(
            f"This needs {rooms} rooms; Zoom opens at most {ZOOM_MAX_ROOMS}: the meetings in "
            f"rooms above Room {ZOOM_MAX_ROOMS} have no Zoom room. Give each meeting its own "
            "link (the event's room setting) or split the event over several Zoom meetings."
        )
    if mode == RoomMode.LINKS:
        steps.append(
            "No breakout rooms: each participant's live page has a “Join your room” button to "
            "their meeting's own room. Stay in the main meeting for anyone who needs help."
        )
    elif mode == RoomMode.ZOOM_CHOOSE:
        steps += _choose_steps(number, max(rooms, 1), first)
    else:
        steps += _host_steps(number, max(rooms, 1), first)
    return tuple(steps)


def _choose_steps(number: int, rooms: int, first: bool) -> list[str]:
    top = room_label(f"Room {rooms}")
    steps = []
    if first:
        steps.append(
            f"Once, before the first round: Breakout Rooms → create {rooms} rooms with “Let "
            f"participants choose room”. Zoom names them “Breakout Room 1” …; renaming them "
            f"Room 01 … {top} is optional: the numbers are what people look for. Keep these "
            "rooms all day: never Recreate them."
        )
    if first or number == 0:
        # Zoom keeps one pre-assignment, set when scheduling: round 1's or the groups'
        steps.append(
            "Only if you pre-assigned this stage when scheduling the meeting: click Recreate → "
            f"“Recover to pre-assigned rooms” instead, add rooms up to {top} and tick “Allow "
            "participants to choose room” under Options."
        )
    else:
        # a re-plan with walk-ins may need a room more than were created before round 1
        steps.append(
            f"The rooms stay from round 1; this needs Room 01 … {top}: add any missing "
            "with Add a Room."
        )
    if number == 0:
        steps.append(
            "The groups use the same rooms: Group 1 meets in Room 01, Group 2 in Room 02, "
            "and so on; each member's live page says which."
        )
    steps.append(
        "Paste the chat text, then Open All Rooms: everyone picks their room from the "
        "Breakout Rooms button; their live page shows which, in big type. People on Zoom's "
        "web client cannot choose: move them (and anyone left in the main room) with Move to."
    )
    return steps


def _host_steps(number: int, rooms: int, first: bool) -> list[str]:
    steps = [
        f"Breakout Rooms → {'create' if first else 'Recreate →'} {rooms} rooms, “Assign "
        "manually”; then, in the order below, click Assign next to each room and tick its "
        "people (or Move to from the list sorted by name). Open All Rooms."
    ]
    if first or number == 0:
        # Zoom keeps one pre-assignment, set when scheduling: round 1's or the groups'
        steps.append(
            "Only if you pre-assigned this stage when scheduling the meeting: Recreate → "
            "“Recover to pre-assigned rooms” places those signed in to the Zoom app with "
            "their registered email; assign the others by hand."
        )
    return steps


def chat_header(event: Event, number: int) -> str:
    """The first line of the text the host pastes in Zoom's chat for round ``number``."""
    mode = room_mode(event)
    if mode == RoomMode.LINKS:
        return (
            f"Round {number}: open your netweave live page and click “Join your room”: "
            "each meeting has its own link."
        )
    if mode == RoomMode.ZOOM_CHOOSE:
        return (
            f"Round {number}: click Breakout Rooms and join your room below (your netweave "
            "live page shows it too)."
        )
    return f"Round {number}: I am moving you to your rooms now: click Join when Zoom asks."


def how_to_reach(event: Event) -> str:
    """How participants reach their room, as the host says it when a round starts."""
    mode = room_mode(event)
    if mode == RoomMode.LINKS:
        return "click “Join your room” on your netweave live page"
    if mode == RoomMode.ZOOM_CHOOSE:
        return "click Breakout Rooms and join the room your netweave live page shows"
    return "I am moving you into your breakout rooms: click Join when Zoom asks"
