"""What a participant sees on their live page now: the current round's partners (from what is
really happening, not the plan), or their group, and the clock."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, replace

from django.utils import timezone

from netweave.core.live_words import conversation_prompt
from netweave.core.rooms import ZOOM_MAX_ROOMS, room_label, room_number
from netweave.web.events.models import Event, Registration
from netweave.web.events.partners import PartnerView, partner_views
from netweave.web.events.rooms import room_link, room_mode
from netweave.web.live.domain.state import live_state
from netweave.web.live.models import LiveState
from netweave.web.live.queries.day import Held, day_for, held_of
from netweave.web.matching.queries.schedule import reasons_for

__all__ = [
    "REGIONS",
    "LiveGroup",
    "LiveMeeting",
    "LivePage",
    "LiveSeat",
    "live_page",
    "region_keys",
]

Phase = LiveState.Phase


@dataclass(frozen=True)
class LiveSeat:
    """Someone the participant meets now: what they may see, and the registration (for the
    async partner's intro)."""

    partner: PartnerView
    registration: Registration


@dataclass(frozen=True)
class LiveMeeting:
    room: str | None
    is_async: bool
    seats: tuple[LiveSeat, ...]
    reasons: tuple[str, ...]
    prompt: str
    #: the room's name as everyone sees it ("Room 07": :func:`netweave.core.rooms.room_label`)
    label: str = ""
    #: its number (:func:`netweave.core.rooms.room_number`), for Zoom's "Breakout Room 7"
    number: int | None = None
    #: the meeting's own room, when the event gives each meeting a link
    join_url: str | None = None

    @property
    def with_host(self) -> bool:
        return not self.seats and not self.is_async

    @property
    def beyond_zoom(self) -> bool:
        """Whether the room's number is above what Zoom opens in one meeting."""
        return (self.number or 0) > ZOOM_MAX_ROOMS


@dataclass(frozen=True)
class LiveGroup:
    room: str
    theme: str
    members: tuple[PartnerView, ...]
    reasons: tuple[str, ...]
    #: an async member attached to the group: they follow it on their pages
    remote: bool = False
    #: in Zoom, where participants choose, the group meets in the room of its number
    label: str = ""
    number: int | None = None
    join_url: str | None = None

    @property
    def beyond_zoom(self) -> bool:
        return (self.number or 0) > ZOOM_MAX_ROOMS


@dataclass(frozen=True)
class LivePage:
    state: LiveState
    rounds: int
    #: how people reach their room (:func:`netweave.web.events.rooms.room_mode`)
    room_mode: str = ""
    meetings: tuple[LiveMeeting, ...] = ()
    group: LiveGroup | None = None
    now: dt.datetime = field(default_factory=timezone.now)
    #: the viewer watches an async partner's intro now (and fills in their form)
    watching: bool = False


def _live_meeting(held: Held, number: int, viewer: Registration) -> LiveMeeting:
    stored = tuple(str(r) for r in held.meeting.reasons or ())
    views = partner_views(viewer, held.others)
    reasons = reasons_for(viewer, stored, views)
    room = None if held.meeting.is_async else held.meeting.room
    return LiveMeeting(
        room=held.meeting.room,
        is_async=held.meeting.is_async,
        seats=tuple(LiveSeat(v, r) for v, r in zip(views, held.others, strict=True)),
        reasons=reasons,
        prompt=conversation_prompt(stored, number),  # it reads the stored wording
        label=room_label(room),
        number=room_number(room),
        join_url=room_link(viewer.event, number, room),
    )


def _with_room(group: LiveGroup, event: Event) -> LiveGroup:
    if group.remote:
        return group
    return replace(
        group,
        label=room_label(group.room),
        number=room_number(group.room),
        join_url=room_link(event, 0, group.room),
    )


def _group_of(registration: Registration) -> LiveGroup | None:
    """The group the participant sits in now, as their day says (:mod:`.day`): the held
    group, or for an async member attached to a group the group the plan attached them to
    (they are not in its room)."""
    day = day_for(registration)
    slot = day.group if day is not None else None
    if slot is None:
        return None
    reasons = reasons_for(registration, slot.reasons, slot.members)
    group = LiveGroup(slot.room, slot.theme, slot.members, reasons, remote=slot.remote)
    return _with_room(group, registration.event)


def _state_of(event: Event) -> LiveState:
    """The live state, as loaded with the event when it was (``select_related``)."""
    try:
        return event.live
    except LiveState.DoesNotExist:
        return live_state(event)


def live_page(registration: Registration) -> LivePage:
    """What ``registration`` sees on their live page now: the current round's partners
    (from what is really happening, not the plan), or their group, and the clock.

    With the event's live state loaded (``select_related("event__live")``) a round's
    page costs one query, and one more when a partner and the viewer did not both tick
    "share my email" (the stay-in-touch consent of the contact rule).
    """
    event = registration.event
    state = _state_of(event)
    page = LivePage(state=state, rounds=event.rounds, room_mode=room_mode(event))
    if state.phase == Phase.ROUND:
        held = held_of(registration, state.round)
        meetings = tuple(_live_meeting(h, state.round, registration) for h in held)
        watching = registration.mode != Registration.Mode.ASYNC and any(
            m.is_async for m in meetings
        )
        page = replace(page, meetings=meetings, watching=watching)
    elif state.phase == Phase.GROUPS:
        page = replace(page, group=_group_of(registration))
    return page


#: the live page's regions, each replaced on its own when its key changes
REGIONS = ("banner", "head", "stage")


def _key(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def _stage_parts(page: LivePage) -> tuple[object, ...]:
    """Who is in the stage: what it shows, not how (a form's CSRF token changes each time)."""
    meetings = tuple(
        (m.room, m.is_async, tuple(s.partner.pk for s in m.seats)) for m in page.meetings
    )
    group = page.group
    if group is not None:
        group = (group.room, group.theme, group.remote, tuple(p.pk for p in group.members))
    return meetings, group


def region_keys(page: LivePage, event: Event) -> dict[str, str]:
    """region -> a key that changes exactly when what the region shows changes: the banner
    with the broadcast, the head with the accessibility reminder, the round and its end,
    the stage with the round and whom the viewer meets in it. The poll sends only regions
    whose key the page does not have, so a broadcast never replaces the stage (a playing
    video, a half-typed answer).
    """
    state = page.state
    ended = state.phase == Phase.ENDED
    note = "" if ended else state.accessibility_note
    return {
        "banner": _key(state.broadcast),
        "head": _key(note, state.phase, state.round, page.rounds, state.ends_at),
        "stage": _key(state.phase, state.round, event.status, *_stage_parts(page)),
    }
