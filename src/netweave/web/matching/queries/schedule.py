"""A participant's schedule in the published plan: their rounds, partners and group, with
each partner shown as the one contact rule allows (:mod:`netweave.web.events.partners`).

Only a published version is ever read: drafts the organizers are still curating stay
private to them.

**What a person's day is** is answered by :func:`schedule_for`, which asks the registered
day source (:func:`register_day_source`): the live app, which knows what the live console
decided on the day and what really happened, registers its answer in its ``ready()``; this
app sits below it and may not import it. Without one, the day is the published plan
(:func:`planned_schedule`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from django.db.models import Prefetch, QuerySet

from netweave.core.reason_words import for_viewer
from netweave.core.rooms import room_label
from netweave.web.events.models import Event, Registration
from netweave.web.events.partners import PartnerView, partner_views
from netweave.web.events.timeline import groups_start_at, round_starts_at
from netweave.web.matching.models import GroupSeat, Meeting, PlanVersion, Seat

__all__ = [
    "GroupSlot",
    "Schedule",
    "Slot",
    "plan_is_published",
    "planned_schedule",
    "published_plan",
    "reasons_for",
    "register_day_source",
    "schedule_for",
    "worded_for",
]


def published_plan(event: Event) -> PlanVersion | None:
    """The plan participants may see: the most recently published version, if any."""
    return (
        PlanVersion.objects.filter(event=event, published_at__isnull=False)
        .order_by("-published_at", "-number")
        .first()
    )


def plan_is_published(event: Event) -> bool:
    return PlanVersion.objects.filter(event=event, published_at__isnull=False).exists()


@dataclass(frozen=True, slots=True)
class Slot:
    """One round for the participant; no partners means a free round."""

    round: int
    starts_at: dt.datetime
    room: str | None = None
    is_async: bool = False
    partners: tuple[PartnerView, ...] = ()
    reasons: tuple[str, ...] = ()
    #: where the slot comes from: "planned" (the published plan), "replanned" (the live
    #: console re-planned the round, not started yet), "held" (as it really happened) or
    #: "not held" (the event ended without running the round)
    status: str = "planned"


@dataclass(frozen=True, slots=True)
class GroupSlot:
    starts_at: dt.datetime
    room: str
    theme: str
    members: tuple[PartnerView, ...]
    reasons: tuple[str, ...]
    #: the participant is attached remotely (async) rather than in the live room
    remote: bool


@dataclass(frozen=True, slots=True)
class Schedule:
    plan: PlanVersion
    slots: tuple[Slot, ...]
    group: GroupSlot | None
    #: the event is over and the slots say what really happened
    as_happened: bool = False


Views = dict[int, PartnerView]


def _others(
    seats: list[Seat] | list[GroupSeat], me: Registration, views: Views
) -> tuple[PartnerView, ...]:
    return tuple(views[s.registration_id] for s in seats if s.registration_id != me.pk)


def _views(me: Registration, *seatings: list[Seat] | list[GroupSeat]) -> Views:
    """Everyone the participant meets in the plan, as they may see them (one rule, one go)."""
    people = {s.registration_id: s.registration for seats in seatings for s in seats}
    people.pop(me.pk, None)
    return {v.pk: v for v in partner_views(me, list(people.values()))}


def _seats() -> QuerySet[Seat]:
    return Seat.objects.select_related("registration__member").order_by("position")


def _meetings(plan: PlanVersion, registration: Registration) -> dict[int, Meeting]:
    meetings = (
        Meeting.objects.filter(plan=plan, seats__registration=registration)
        .prefetch_related(Prefetch("seats", queryset=_seats()))
        .order_by("round", "id")
    )
    return {m.round: m for m in meetings}


def _slots(
    by_round: dict[int, Meeting], registration: Registration, views: Views
) -> tuple[Slot, ...]:
    event = registration.event
    slots = []
    for number in range(1, max([event.rounds, *by_round]) + 1):
        meeting = by_round.get(number)
        start = round_starts_at(event, number)
        if meeting is None:
            slots.append(Slot(round=number, starts_at=start))
            continue
        slots.append(
            Slot(
                round=number,
                starts_at=start,
                # named as on the live page and in the host's chat text ("Room 07")
                room=room_label(meeting.room) or None,
                is_async=meeting.is_async,
                partners=_others(list(meeting.seats.all()), registration, views),
                reasons=tuple(str(r) for r in meeting.reasons or ()),
            )
        )
    return tuple(slots)


def _group_seats(
    plan: PlanVersion, registration: Registration
) -> tuple[GroupSeat | None, list[GroupSeat]]:
    """The participant's own group seat and everyone's seats in that group."""
    mine = (
        GroupSeat.objects.filter(group__plan=plan, registration=registration)
        .select_related("group")
        .first()
    )
    if mine is None:
        return None, []
    seats = list(
        GroupSeat.objects.filter(group=mine.group)
        .select_related("registration__member")
        .order_by("remote", "position")
    )
    return mine, seats


def _group(
    mine: GroupSeat, seats: list[GroupSeat], registration: Registration, views: Views
) -> GroupSlot:
    group = mine.group
    return GroupSlot(
        starts_at=groups_start_at(registration.event),
        room=group.room,
        theme=group.theme,
        members=_others(seats, registration, views),
        reasons=tuple(str(r) for r in group.reasons or ()),
        remote=mine.remote,
    )


def planned_schedule(
    registration: Registration, plan: PlanVersion | None = None
) -> Schedule | None:
    """The participant's rounds and group in the published plan; None before publishing.

    Only a published version is ever read: drafts the organizers are still curating stay
    private to them. ``plan`` names an earlier published version instead (the one an email
    was sent from), to tell what changed since. Pages show :func:`schedule_for` (the day as
    it stands) instead.
    """
    plan = plan or published_plan(registration.event)
    if plan is None:
        return None
    by_round = _meetings(plan, registration)
    mine, group_seats = _group_seats(plan, registration)
    seats = [list(m.seats.all()) for m in by_round.values()]
    views = _views(registration, *seats, group_seats)
    schedule = Schedule(
        plan=plan,
        slots=_slots(by_round, registration, views),
        group=_group(mine, group_seats, registration, views) if mine else None,
    )
    return worded_for(schedule, registration)  # emails read it too: "Bo asked to meet you"


def reasons_for(
    viewer: Registration, reasons: Iterable[object], partners: Sequence[PartnerView]
) -> tuple[str, ...]:
    """A meeting's stored reasons as ``viewer`` reads them: "Bo asked to meet you", "You
    and Bo both work on mentoring" (the organizer reads the stored "Ana and Bo ...").

    One place for every page and email a participant reads; the wording itself is the
    core's :func:`~netweave.core.reason_words.for_viewer`.
    """
    me = viewer.member.name
    names = [me, *(p.name for p in partners)]
    return tuple(for_viewer(str(r), me, names) for r in reasons)


def worded_for(schedule: Schedule | None, viewer: Registration) -> Schedule | None:
    """``schedule`` with every reason worded for ``viewer`` (see :func:`reasons_for`)."""
    if schedule is None:
        return None
    slots = tuple(
        replace(s, reasons=reasons_for(viewer, s.reasons, s.partners)) for s in schedule.slots
    )
    group = schedule.group
    if group is not None:
        group = replace(group, reasons=reasons_for(viewer, group.reasons, group.members))
    return replace(schedule, slots=slots, group=group)


#: ``registration`` -> their day as it stands (or None before publishing); see
#: :func:`register_day_source`
DaySource = Callable[[Registration], Schedule | None]

_day_source: list[DaySource] = []


def register_day_source(source: DaySource) -> None:
    """Make ``source`` the answer of :func:`schedule_for`.

    The live app registers :func:`netweave.web.live.queries.day.day_for` in its ``ready()``:
    it knows the rounds re-planned on the day and what really happened, and this app sits
    below it. Registering again replaces the source.
    """
    _day_source[:] = [source]


def schedule_for(registration: Registration) -> Schedule | None:
    """What this person's day is: their rounds and group as the registered day source says
    (the live app: the published plan for rounds still to come, the live console's
    re-plans, and held rounds as they really happened); without one, the published plan.
    None before publishing.
    """
    source = _day_source[0] if _day_source else planned_schedule
    return worded_for(source(registration), registration)
