"""What a participant sees on their live page now: the current round's partners (from what is
really happening, not the plan), or their group, and the clock."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.db.models import Subquery
from django.utils import timezone

from netweave.core.live_words import conversation_prompt
from netweave.core.rooms import ZOOM_MAX_ROOMS, room_label, room_number
from netweave.web.events.models import Event, Registration
from netweave.web.events.partners import PartnerView, partner_views
from netweave.web.events.rooms import room_link, room_mode
from netweave.web.live.domain.state import live_state
from netweave.web.live.models import HeldMeeting, HeldSeat, LiveState
from netweave.web.matching.queries.schedule import schedule_for

__all__ = ["LiveGroup", "LiveMeeting", "LivePage", "LiveSeat", "live_page"]

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


@dataclass(frozen=True)
class _Held:
    """A held meeting the viewer is in, with everyone else in it."""

    meeting: HeldMeeting
    others: tuple[Registration, ...]


def _held_of(registration: Registration, number: int) -> list[_Held]:
    """The viewer's held meetings of round ``number`` with their people, in one query:
    every participant's page asks this within seconds of each other at each change."""
    mine = HeldSeat.objects.filter(
        meeting__event_id=registration.event_id,
        meeting__round=number,
        registration_id=registration.pk,
    ).values("meeting_id")
    seats = (
        HeldSeat.objects.filter(meeting_id__in=Subquery(mine))
        .select_related("meeting", "registration__member")
        .order_by("meeting_id", "position")
    )
    meetings: dict[int, HeldMeeting] = {}
    others: dict[int, list[Registration]] = defaultdict(list)
    for seat in seats:
        meetings.setdefault(seat.meeting_id, seat.meeting)
        if seat.registration_id != registration.pk:
            others[seat.meeting_id].append(seat.registration)
    return [_Held(m, tuple(others[pk])) for pk, m in meetings.items()]


def _live_meeting(held: _Held, number: int, viewer: Registration) -> LiveMeeting:
    reasons = tuple(str(r) for r in held.meeting.reasons or ())
    views = partner_views(viewer, held.others)
    room = None if held.meeting.is_async else held.meeting.room
    return LiveMeeting(
        room=held.meeting.room,
        is_async=held.meeting.is_async,
        seats=tuple(LiveSeat(v, r) for v, r in zip(views, held.others, strict=True)),
        reasons=reasons,
        prompt=conversation_prompt(reasons, number),
        label=room_label(room),
        number=room_number(room),
        join_url=room_link(viewer.event, number, room),
    )


def _live_group(held: _Held, viewer: Registration) -> LiveGroup:
    return LiveGroup(
        room=held.meeting.room or "",
        theme=held.meeting.theme,
        members=partner_views(viewer, held.others),
        reasons=tuple(str(r) for r in held.meeting.reasons or ()),
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
    """The group the participant sits in now; an async member attached to a group sees the
    group the plan attached them to (they are not in its room)."""
    held = _held_of(registration, 0)
    if held:
        return _with_room(_live_group(held[0], registration), registration.event)
    schedule = schedule_for(registration)
    slot = schedule.group if schedule is not None else None
    if slot is None:
        return None
    group = LiveGroup(slot.room, slot.theme, slot.members, slot.reasons, remote=slot.remote)
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
        held = _held_of(registration, state.round)
        page = replace(
            page, meetings=tuple(_live_meeting(h, state.round, registration) for h in held)
        )
    elif state.phase == Phase.GROUPS:
        page = replace(page, group=_group_of(registration))
    return page
