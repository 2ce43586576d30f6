"""Who gets which schedule email: everyone of the event the first time, and after a new
version is published, only those whose schedule changed since the one they were sent.

What was sent is read from the outbox's keys (:func:`schedule_key`), so the answer is the
same for the page that previews it and the task that sends it. Unlike the board's queries it
reads two schedules per person who was sent an earlier version (a few queries each): fine
for the sending page and its task, not for a page that polls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from netweave.web.events.models import Event, Registration
from netweave.web.mail.models import OutboxMessage
from netweave.web.matching.models import PlanVersion
from netweave.web.matching.queries.schedule import Schedule, planned_schedule, published_plan

__all__ = [
    "SCHEDULE_KIND",
    "Recipients",
    "schedule_fingerprint",
    "schedule_key",
    "schedule_recipients",
]

#: the outbox kind of the schedule email (and its template, ``mail/schedule.txt``)
SCHEDULE_KIND = "schedule"


def schedule_key(registration: Registration, plan: PlanVersion) -> str:
    """The outbox key of ``registration``'s schedule from ``plan``: one email each, ever."""
    return f"{SCHEDULE_KIND}-e{registration.event_id}-r{registration.pk}-v{plan.number}"


_KEY = re.compile(rf"^{SCHEDULE_KIND}-e\d+-r(?P<r>\d+)-v(?P<v>\d+)$")


@dataclass(frozen=True, slots=True)
class Recipients:
    """Whom sending ``plan`` now would email, and why."""

    plan: PlanVersion
    #: never sent a schedule of this event (or every try failed)
    first: tuple[Registration, ...]
    #: sent an earlier version's schedule, and theirs has changed since
    updates: tuple[Registration, ...]
    #: already have this version's schedule, or one that reads the same
    unchanged: int

    @property
    def everyone(self) -> tuple[Registration, ...]:
        return self.first + self.updates


def schedule_fingerprint(schedule: Schedule | None) -> tuple[object, ...]:
    """What of a schedule a participant acts on: rounds, rooms, partners and group.
    Two versions with the same fingerprint need no update email (reasons may be reworded)."""
    if schedule is None:
        return ()
    slots = tuple(
        (s.round, s.room, s.is_async, tuple(sorted(p.pk for p in s.partners)))
        for s in schedule.slots
    )
    group = schedule.group
    seats = (group.room, group.remote, tuple(sorted(p.pk for p in group.members))) if group else ()
    return (slots, seats)


def _last_sent(event: Event) -> dict[int, int]:
    """Registration pk -> the newest plan version number whose schedule reached them."""
    sent = OutboxMessage.objects.filter(
        key__startswith=f"{SCHEDULE_KIND}-e{event.pk}-", state=OutboxMessage.State.SENT
    ).values_list("key", flat=True)
    last: dict[int, int] = {}
    for key in sent:
        if found := _KEY.match(key or ""):
            pk, number = int(found["r"]), int(found["v"])
            last[pk] = max(number, last.get(pk, 0))
    return last


def schedule_recipients(event: Event) -> Recipients | None:
    """Whom sending the published plan would email now; None while nothing is published."""
    plan = published_plan(event)
    if plan is None:
        return None
    last = _last_sent(event)
    earlier = {
        v.number: v for v in PlanVersion.objects.filter(event=event, number__in=set(last.values()))
    }
    first, updates, unchanged = [], [], 0
    registrations = Registration.objects.filter(event=event).select_related(
        "member", "event__community"
    )
    for registration in registrations.order_by("member__name", "pk"):
        number = last.get(registration.pk)
        if number is None:
            first.append(registration)
        elif number != plan.number and _changed(registration, earlier.get(number), plan):
            updates.append(registration)
        else:
            unchanged += 1
    return Recipients(plan=plan, first=tuple(first), updates=tuple(updates), unchanged=unchanged)


def _changed(registration: Registration, before: PlanVersion | None, now: PlanVersion) -> bool:
    if before is None:  # the version they were sent is gone: tell them what holds now
        return True
    old = schedule_fingerprint(planned_schedule(registration, before))
    return old != schedule_fingerprint(planned_schedule(registration, now))
