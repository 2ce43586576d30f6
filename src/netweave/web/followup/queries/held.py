"""What really happened at an event: the one table everything after the event reads.

:class:`~netweave.web.live.models.HeldMeeting` is written by the live run as rounds happen;
without a live run, the published plan is copied into it once the event is over
(:func:`record_plan_as_held`), by the first reader (:func:`meetings_held`); a round the
live console re-planned is copied as re-planned. That copy is the one write among these
reads: it fills the table the readers need, once, under a lock.

Who met whom is not decided here: :mod:`netweave.web.live.queries.met` holds that rule
(held rounds, else the newest re-plan, else the published plan), and the copy made here
is what that rule reads as held afterwards, so both agree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from netweave.web.events.models import Event, Registration
from netweave.web.events.timeline import event_ends_at
from netweave.web.followup.errors import FollowupError
from netweave.web.live.models import HeldMeeting, HeldSeat
from netweave.web.live.queries.met import async_not_happened, newest_replans
from netweave.web.matching.models import Group, GroupSeat, Meeting, Seat
from netweave.web.matching.queries.schedule import published_plan

__all__ = [
    "event_is_over",
    "meeting_of",
    "meetings_happened",
    "meetings_held",
    "record_plan_as_held",
]


def event_is_over(event: Event, now: dt.datetime | None = None) -> bool:
    """Done, or published and past its end. A live event is over when the host says so."""
    if event.status == Event.Status.DONE:
        return True
    moment = now or timezone.now()
    return event.status == Event.Status.PUBLISHED and moment >= event_ends_at(event)


def meetings_held(event: Event) -> QuerySet[HeldMeeting]:
    """The meetings of ``event`` that really happened, groups as round 0.

    When the live run recorded nothing and the event is over, the published plan is taken
    as what happened, once, so that every reader downstream works from one table.
    """
    held = HeldMeeting.objects.filter(event=event)
    if not held.exists() and event_is_over(event):
        record_plan_as_held(event)
    return held.order_by("round", "id")


def meetings_happened(event: Event) -> QuerySet[HeldMeeting]:
    """The held meetings of ``event`` that really happened, what follow-up counts: an async
    meeting only when an intro was watched and answered
    (:func:`~netweave.web.live.queries.met.async_not_happened`); the others as held."""
    held = meetings_held(event)
    return held.exclude(pk__in=async_not_happened(event))


def record_plan_as_held(event: Event) -> int:
    """Copy the published plan of ``event`` into held meetings (a round's newest re-plan in
    place of its planned meetings); how many were made.

    Does nothing (0) when the event already has held meetings or no published plan. Runs
    under a lock on the event, so two first readers cannot both copy.
    """
    with transaction.atomic():
        Event.objects.select_for_update().get(pk=event.pk)
        plan = published_plan(event)
        if plan is None or HeldMeeting.objects.filter(event=event).exists():
            return 0
        made = _copy_meetings(event, plan.pk) + _copy_groups(event, plan.pk)
    return made


def _copy_meetings(event: Event, plan_pk: int) -> int:
    seats: dict[int, list[int]] = defaultdict(list)
    for meeting_pk, reg_pk in (
        Seat.objects.filter(meeting__plan_id=plan_pk)
        .order_by("meeting_id", "position")
        .values_list("meeting_id", "registration_id")
    ):
        seats[meeting_pk].append(reg_pk)
    # a round the live console re-planned is what was decided for it (the rule's rule 2)
    replans = {r.round: r for r in newest_replans([event])}
    meetings = list(
        Meeting.objects.filter(plan_id=plan_pk).exclude(round__in=replans).order_by("round", "id")
    )
    made = [
        HeldMeeting(
            event=event,
            round=m.round,
            room=m.room,
            is_async=m.is_async,
            reasons=list(m.reasons or ()),
            source=HeldMeeting.Source.PLAN,
        )
        for m in meetings
    ]
    members = [seats[m.pk] for m in meetings]
    # a re-plan names registrations by pk in JSON: someone deleted since is left out
    known = set(Registration.objects.filter(event=event).values_list("pk", flat=True))
    for number, replan in sorted(replans.items()):
        for row in replan.meetings:
            there = [pk for pk in row.get("members", ()) if pk in known]
            if there:
                made.append(_replanned(event, number, row))
                members.append(there)
    rows = HeldMeeting.objects.bulk_create(made)
    _seat(rows, members)
    return len(rows)


def _replanned(event: Event, number: int, row: dict) -> HeldMeeting:
    return HeldMeeting(
        event=event,
        round=number,
        room=row.get("room"),
        is_async=bool(row.get("is_async")),
        reasons=list(row.get("reasons", ())),
        source=HeldMeeting.Source.REPLAN,
    )


def _copy_groups(event: Event, plan_pk: int) -> int:
    seats: dict[int, list[int]] = defaultdict(list)
    for group_pk, reg_pk in (
        GroupSeat.objects.filter(group__plan_id=plan_pk)
        .order_by("group_id", "remote", "position")
        .values_list("group_id", "registration_id")
    ):
        seats[group_pk].append(reg_pk)
    groups = list(Group.objects.filter(plan_id=plan_pk).order_by("id"))
    rows = HeldMeeting.objects.bulk_create(
        HeldMeeting(
            event=event,
            round=0,
            room=g.room,
            reasons=list(g.reasons or ()),
            source=HeldMeeting.Source.GROUP,
            **_theme(g.theme),
        )
        for g in groups
    )
    _seat(rows, [seats[g.pk] for g in groups])
    return len(rows)


def _theme(theme: str) -> dict[str, str]:
    # HeldMeeting gains a ``theme`` with the live app's second migration; until then the
    # theme is simply not copied
    fields = {f.name for f in HeldMeeting._meta.get_fields()}
    return {"theme": theme} if "theme" in fields else {}


def _seat(rows: list[HeldMeeting], members: list[list[int]]) -> None:
    HeldSeat.objects.bulk_create(
        HeldSeat(meeting=row, registration_id=reg_pk, position=k)
        for row, regs in zip(rows, members, strict=True)
        for k, reg_pk in enumerate(regs)
    )


def meeting_of(registration: Registration, meeting_pk: int) -> HeldMeeting:
    """The held meeting ``meeting_pk`` if ``registration`` took part in it and it happened
    (an async pairing whose intro was never watched and answered did not).

    Raises :class:`FollowupError` otherwise: a feedback link works only for the meeting's
    own members, whatever number is typed into it.
    """
    meeting = HeldMeeting.objects.filter(
        pk=meeting_pk, event_id=registration.event_id, seats__registration=registration
    ).first()
    if meeting is None or meeting.pk in async_not_happened(registration.event):
        raise FollowupError("This feedback link is not for one of your meetings.")
    return meeting
