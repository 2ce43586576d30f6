"""What one person's day is: the one answer the personal page, the live page and every other
reader of :func:`netweave.web.matching.queries.schedule.schedule_for` show.

Round by round, the rule of who met whom (:func:`netweave.web.live.queries.met.counted_as`)
decides which half counts, and this module fills in the details (room, partners, reasons):

- a round the live run recorded is shown **as it really happened**: the viewer's held
  meeting, or no meeting when they (or their partner) were absent;
- a round still to come is shown as the live console last decided it: the round's newest
  re-plan (what the round starts with), else the published plan;
- once the event is done, a round it never ran did not take place.

The small groups follow the same rule (round 0); an async member attached to a group keeps
the group the plan attached them to, as on the live page. Registered as the planner app's
day source in this app's ``ready()`` (matching sits below live and may not import it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Subquery

from netweave.core.rooms import room_label
from netweave.web.events.models import Event, Registration
from netweave.web.events.partners import PartnerView, partner_views
from netweave.web.live.models import HeldMeeting, HeldSeat, Replan
from netweave.web.live.queries.met import HELD, PLANNED, REPLANNED, counted_as, newest_replans
from netweave.web.matching.queries.schedule import GroupSlot, Schedule, Slot, planned_schedule

__all__ = ["Held", "day_for", "held_of"]

#: what :attr:`Slot.status` says of a round the event ended without (the others: the rule's)
NOT_HELD = "not held"


@dataclass(frozen=True)
class Held:
    """A held meeting the viewer is in, with everyone else in it."""

    meeting: HeldMeeting
    others: tuple[Registration, ...]


def held_of(registration: Registration, number: int | None = None) -> list[Held]:
    """The viewer's held meetings (of round ``number``, else of every round, the groups as
    round 0) with their people, in one query: every participant's live page asks this within
    seconds of each other at each change."""
    mine = HeldSeat.objects.filter(
        meeting__event_id=registration.event_id, registration_id=registration.pk
    )
    if number is not None:
        mine = mine.filter(meeting__round=number)
    seats = (
        HeldSeat.objects.filter(meeting_id__in=Subquery(mine.values("meeting_id")))
        .select_related("meeting", "registration__member")
        .order_by("meeting_id", "position")
    )
    meetings: dict[int, HeldMeeting] = {}
    others: dict[int, list[Registration]] = defaultdict(list)
    for seat in seats:
        meetings.setdefault(seat.meeting_id, seat.meeting)
        if seat.registration_id != registration.pk:
            others[seat.meeting_id].append(seat.registration)
    return [Held(m, tuple(others[pk])) for pk, m in meetings.items()]


def _my_rows(replans: Mapping[int, Replan], me: int) -> dict[int, dict[str, Any] | None]:
    """round -> the re-planned meeting ``me`` (a registration pk) sits in, or None."""
    return {
        n: next((row for row in r.meetings if me in row.get("members", ())), None)
        for n, r in replans.items()
    }


def _views(
    me: Registration, held: Sequence[Held], rows: Mapping[int, dict[str, Any] | None]
) -> dict[int, PartnerView]:
    """Everyone the viewer meets by the record or a re-plan, as they may see them (one go)."""
    people = {r.pk: r for h in held for r in h.others}
    wanted = {pk for row in rows.values() if row for pk in row["members"]} - set(people)
    wanted.discard(me.pk)
    if wanted:
        found = Registration.objects.filter(pk__in=wanted).select_related("member")
        people.update({r.pk: r for r in found})
    return {v.pk: v for v in partner_views(me, list(people.values()))}


def _held_slot(slot: Slot, held: Held | None, views: Mapping[int, PartnerView]) -> Slot:
    if held is None:
        return Slot(round=slot.round, starts_at=slot.starts_at, status=HELD)
    meeting = held.meeting
    return Slot(
        round=slot.round,
        # when it really started: the round's record is written as it starts
        starts_at=meeting.created,
        room=room_label(meeting.room) or None,  # as the live page and chat text say it
        is_async=meeting.is_async,
        partners=tuple(views[r.pk] for r in held.others),
        reasons=tuple(str(r) for r in meeting.reasons or ()),
        status=HELD,
    )


def _replanned_slot(
    slot: Slot, row: dict[str, Any] | None, me: int, views: Mapping[int, PartnerView]
) -> Slot:
    if row is None:
        return Slot(round=slot.round, starts_at=slot.starts_at, status=REPLANNED)
    return Slot(
        round=slot.round,
        starts_at=slot.starts_at,
        room=room_label(row.get("room")) or None,
        is_async=bool(row.get("is_async")),
        partners=tuple(views[pk] for pk in row["members"] if pk != me and pk in views),
        reasons=tuple(str(r) for r in row.get("reasons", ())),
        status=REPLANNED,
    )


def _slot(
    event: Event,
    slot: Slot,
    recorded: set[int],
    held: Mapping[int, Held],
    rows: Mapping[int, dict[str, Any] | None],
    context: tuple[int, Mapping[int, PartnerView]],
) -> Slot:
    me, views = context
    counted = counted_as(event, slot.round, recorded, rows.keys())
    if counted == HELD:
        return _held_slot(slot, held.get(slot.round), views)
    if counted == REPLANNED:
        return _replanned_slot(slot, rows[slot.round], me, views)
    if counted == PLANNED:
        return slot
    return Slot(round=slot.round, starts_at=slot.starts_at, status=NOT_HELD)


def _group(
    event: Event,
    planned: GroupSlot | None,
    recorded: set[int],
    held: Held | None,
    views: Mapping[int, PartnerView],
) -> GroupSlot | None:
    counted = counted_as(event, 0, recorded)
    if counted == PLANNED or (planned is not None and planned.remote and counted == HELD):
        # an attached async member is never in the groups' room: the plan's group is theirs
        return planned
    if counted is None or held is None:
        return None
    meeting = held.meeting
    return GroupSlot(
        starts_at=meeting.created,
        room=meeting.room or "",
        theme=meeting.theme,
        members=tuple(views[r.pk] for r in held.others),
        reasons=tuple(str(r) for r in meeting.reasons or ()),
        remote=False,
    )


def day_for(registration: Registration) -> Schedule | None:
    """What ``registration``'s day is, round by round (see the module): held rounds as they
    really happened, rounds to come as the live console last decided them (the newest
    re-plan, else the published plan), rounds a done event never ran as not held. None
    before a plan is published.

    A fixed number of queries, whatever the number of rounds: the published schedule's,
    then the record, the re-plans and the people they name.
    """
    planned = planned_schedule(registration)
    if planned is None:
        return None
    event = registration.event
    recorded = set(
        HeldMeeting.objects.filter(event=event).values_list("round", flat=True).distinct()
    )
    mine = {h.meeting.round: h for h in held_of(registration)}
    replans = {r.round: r for r in newest_replans([event]) if r.round not in recorded}
    rows = _my_rows(replans, registration.pk)
    views = _views(registration, list(mine.values()), rows)
    context = (registration.pk, views)
    slots = tuple(_slot(event, s, recorded, mine, rows, context) for s in planned.slots)
    return replace(
        planned,
        slots=slots,
        group=_group(event, planned.group, recorded, mine.get(0), views),
        as_happened=event.status == Event.Status.DONE,
    )
