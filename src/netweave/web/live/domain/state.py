"""The live state's transitions: start the event, a round, the groups; the end; the messages.

**One transition at a time.** Every change of the live state locks the event's
:class:`~netweave.web.live.models.LiveState` row inside ``transaction.atomic()`` and checks the
version the organizer's page showed: when two organizers press "Next round" together, the
second press finds a newer version and is refused (:class:`StaleStateError`) instead of
skipping a round.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from netweave.core.plan import Meeting as CoreMeeting
from netweave.web.events.models import Event
from netweave.web.live.domain.errors import LiveError, StaleStateError
from netweave.web.live.domain.groups import groups_now, record_groups
from netweave.web.live.domain.record import record_round
from netweave.web.live.domain.replan import replan_round_for
from netweave.web.live.domain.roster import Roster, absent_ids, roster_of
from netweave.web.live.domain.rounds import (
    has_groups,
    live_state,
    require_published,
    round_base,
    round_numbers,
)
from netweave.web.live.domain.watchable import intro_gaps, missing_intros
from netweave.web.live.models import HeldMeeting, LiveState
from netweave.web.matching.models import PlanVersion

__all__ = [
    "end_event",
    "live_state",
    "next_round",
    "next_round_number",
    "rounds_skipped",
    "set_messages",
    "start_event",
    "start_groups",
    "start_round",
    "version_key",
]

Phase = LiveState.Phase


@contextmanager
def _change(event: Event, expected_version: int | None) -> Iterator[LiveState]:
    """Lock the live state, check it is still what the organizer saw, and bump its version
    on success. Everything done inside happens with the state change or not at all."""
    with transaction.atomic():
        LiveState.objects.get_or_create(event=event)
        state = LiveState.objects.select_for_update().get(event=event)
        if expected_version is not None and state.version != expected_version:
            raise StaleStateError(
                "Someone else moved the event on a moment ago (another organizer, or another "
                "tab): nothing was changed. The page now shows where the event is."
            )
        yield state
        state.version += 1
        state.save()
        # forget the polled version now and after the commit (a poll in between may have
        # cached the old one again)
        cache.delete(version_key(event.pk))
        transaction.on_commit(partial(cache.delete, version_key(event.pk)))


def version_key(event_id: int) -> str:
    """The cache key of the event's live-state version, as polled by the live pages."""
    return f"netweave:live-version:{event_id}"


def _mark_event(event: Event, status: str) -> None:
    Event.objects.filter(pk=event.pk).update(status=status)
    event.status = status


def start_event(event: Event, expected_version: int | None) -> LiveState:
    """Open the doors: the event is live, participants' live pages say it has started, and
    the organizers check people in before the first round."""
    require_published(event)
    with _change(event, expected_version) as state:
        if state.phase != Phase.WAITING:
            raise LiveError("The event has already started.")
        state.started_at = timezone.now()
        _mark_event(event, Event.Status.LIVE)
    return state


def start_round(event: Event, number: int, expected_version: int | None) -> LiveState:
    """Start round ``number``: its meetings (the newest re-plan, else the published plan,
    without people marked absent) are recorded as held, and the countdown starts. A meeting
    with an async partner whose intro has vanished is re-planned first, so that nobody is
    sent to watch an intro that does not exist."""
    version = require_published(event)
    if number not in round_numbers(version):
        raise LiveError(f"The published plan has no round {number}.")
    with _change(event, expected_version) as state:
        if state.phase == Phase.ENDED:
            raise LiveError("The event has ended.")
        if HeldMeeting.objects.filter(event=event, round=number).exists():
            raise LiveError(f"Round {number} has already been run.")
        roster = roster_of(event)
        meetings, source = round_base(event, version, number, roster)
        if intro_gaps(meetings, roster, missing_intros(event)):
            meetings, source = _without_gaps(event, version, number, roster, meetings, source)
        record_round(event, number, meetings, source, roster, absent_ids(event))
        now = timezone.now()
        state.phase, state.round = Phase.ROUND, number
        state.started_at = state.started_at or now
        state.ends_at = now + dt.timedelta(minutes=event.minutes_per_round)
        _mark_event(event, Event.Status.LIVE)
    return state


def _without_gaps(
    event: Event,
    version: PlanVersion,
    number: int,
    roster: Roster,
    meetings: list[CoreMeeting],
    source: str,
) -> tuple[list[CoreMeeting], str]:
    """Round ``number`` re-planned around the intros that vanished; as it was when that
    cannot be done (fewer than two live people left): the round must still start."""
    try:
        replan_round_for(event, number, checked_in=False)
    except LiveError:
        return meetings, source
    return round_base(event, version, number, roster)


def next_round_number(event: Event, version: PlanVersion, state: LiveState) -> int | None:
    """The first published round after the current one that has not been held yet."""
    held = set(HeldMeeting.objects.filter(event=event, round__gt=0).values_list("round", flat=True))
    later = [n for n in round_numbers(version) if n > state.round and n not in held]
    return later[0] if later else None


def rounds_skipped(
    event: Event, version: PlanVersion, state: LiveState, number: int | None
) -> list[int]:
    """The rounds that starting round ``number`` now (``None``: the small groups) would pass
    over: those after the current one, before ``number``, not held yet. Empty for the next
    round; the console asks the host to confirm anything else.

    A round passed over is not held later by "Next" (which moves on from the current round),
    so nobody meets the people the plan had for them there.
    """
    if state.phase in (Phase.GROUPS, Phase.ENDED):
        return []
    held = set(HeldMeeting.objects.filter(event=event, round__gt=0).values_list("round", flat=True))
    return [
        n
        for n in round_numbers(version)
        if n > state.round and (number is None or n < number) and n not in held
    ]


def next_round(event: Event, expected_version: int | None) -> LiveState:
    """Whatever comes next: the next round, else the small groups, else the end."""
    version = require_published(event)
    state = live_state(event)
    if state.phase == Phase.ENDED:
        raise LiveError("The event has ended.")
    number = next_round_number(event, version, state) if state.phase != Phase.GROUPS else None
    if number is not None:
        return start_round(event, number, expected_version)
    if state.phase != Phase.GROUPS and has_groups(event, version):
        return start_groups(event, expected_version)
    return end_event(event, expected_version)


def start_groups(event: Event, expected_version: int | None) -> LiveState:
    """Start the small groups: the planned groups for the people there (absent people out,
    late arrivals seated) are recorded as held (round 0), and the countdown starts."""
    version = require_published(event)
    if not has_groups(event, version):
        raise LiveError("This event has no small groups in its published plan.")
    with _change(event, expected_version) as state:
        if state.phase == Phase.ENDED:
            raise LiveError("The event has ended.")
        if HeldMeeting.objects.filter(event=event, round=0).exists():
            raise LiveError("The small groups have already started.")
        roster = roster_of(event)
        record_groups(event, groups_now(event, version, roster), roster)
        now = timezone.now()
        state.phase = Phase.GROUPS
        state.started_at = state.started_at or now
        state.ends_at = now + dt.timedelta(minutes=event.group_minutes)
        _mark_event(event, Event.Status.LIVE)
    return state


def end_event(event: Event, expected_version: int | None) -> LiveState:
    """The end: the countdown stops, the event is done (follow-up can begin)."""
    with _change(event, expected_version) as state:
        if state.phase == Phase.ENDED:
            raise LiveError("The event has already ended.")
        state.phase, state.ends_at = Phase.ENDED, None
        _mark_event(event, Event.Status.DONE)
    return state


def set_messages(event: Event, broadcast: str, accessibility_note: str) -> LiveState:
    """The message shown on every participant's live page, and the accessibility reminder
    shown at every change. Both reach open pages within seconds (the version changes)."""
    with _change(event, None) as state:
        state.broadcast = broadcast.strip()
        state.accessibility_note = accessibility_note.strip()
    return state
