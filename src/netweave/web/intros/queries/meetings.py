"""Who meets whom, as this app reads it.

From the published plan, or from what really happened (``HeldMeeting``, written by the live
app) once there is a record of it: per round, the held meetings where the live app recorded
that round, else the plan's. Small groups count, planned and held, for who may watch whose
intro; the partner form and the digest are for one-on-one partners only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q

from netweave.web.events.models import Event, Registration
from netweave.web.intros.errors import NotPartnerError
from netweave.web.live.models import HeldMeeting, HeldSeat
from netweave.web.matching.models import GroupSeat, Seat
from netweave.web.matching.queries.schedule import published_plan

__all__ = [
    "can_watch",
    "group_mates",
    "meetings_of_event",
    "partners_of",
    "require_partners",
]


Meetings = dict[int, list[list[int]]]  # round -> meetings, each a list of registration pks


def _by_round(rows: Iterable[tuple[int, int, int]]) -> Meetings:
    """``(round, meeting pk, registration pk)`` rows, in seat order, as meetings per round."""
    meetings: dict[tuple[int, int], list[int]] = defaultdict(list)
    for number, meeting, registration in rows:
        meetings[number, meeting].append(registration)
    out: Meetings = defaultdict(list)
    for (number, _), members in meetings.items():
        out[number].append(members)
    return dict(out)


def _plan_meetings(event: Event) -> Meetings:
    plan = published_plan(event)
    if plan is None:
        return {}
    rows = Seat.objects.filter(meeting__plan=plan).order_by(
        "meeting__round", "meeting_id", "position"
    )
    return _by_round(rows.values_list("meeting__round", "meeting_id", "registration_id"))


def _held_stage() -> Q:
    return Q(meeting__source=HeldMeeting.Source.GROUP) | Q(meeting__round=0)


def _held_meetings(event: Event) -> Meetings:
    rows = HeldSeat.objects.filter(meeting__event=event).exclude(_held_stage())
    rows = rows.order_by("meeting__round", "meeting_id", "position")
    return _by_round(rows.values_list("meeting__round", "meeting_id", "registration_id"))


def _group_lists(event: Event) -> list[list[int]]:
    """Small groups, planned and held, as lists of registration pks."""
    groups: dict[tuple[str, int], list[int]] = defaultdict(list)
    plan = published_plan(event)
    if plan is not None:
        seats = GroupSeat.objects.filter(group__plan=plan).order_by(
            "group_id", "remote", "position"
        )
        for group, registration in seats.values_list("group_id", "registration_id"):
            groups["plan", group].append(registration)
    held = HeldSeat.objects.filter(meeting__event=event).filter(_held_stage())
    for meeting, registration in held.values_list("meeting_id", "registration_id"):
        groups["held", meeting].append(registration)
    return list(groups.values())


def _pairs_map(meetings: Iterable[list[int]]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    for members in meetings:
        for a in members:
            out[a] += [b for b in members if b != a and b not in out[a]]
    return dict(out)


def meetings_of_event(event: Event) -> dict[int, list[int]]:
    """registration pk -> partner pks, in round order: per round, what really happened where
    the live app recorded it (the plan may change on the day), else the published plan."""
    planned, held = _plan_meetings(event), _held_meetings(event)
    rounds = sorted(planned.keys() | held.keys())
    return _pairs_map(m for n in rounds for m in held.get(n) or planned.get(n, []))


def partners_of(registration: Registration) -> list[Registration]:
    """The people ``registration`` meets one-on-one (or in a trio), in round order."""
    ids = meetings_of_event(registration.event).get(registration.pk, [])
    found = Registration.objects.filter(pk__in=ids).select_related("member", "event")
    by_pk = {r.pk: r for r in found}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def group_mates(registration: Registration) -> set[int]:
    """Registration pks sharing a small group with ``registration`` (planned or held)."""
    groups = _group_lists(registration.event)
    mates = {pk for members in groups if registration.pk in members for pk in members}
    return mates - {registration.pk}


def can_watch(viewer: Registration, owner: Registration) -> bool:
    """Whether ``viewer`` may see ``owner``'s intro: themselves, anyone they are matched with
    in the published plan or met in reality, and their small group."""
    if viewer.event_id != owner.event_id:
        return False
    if viewer.pk == owner.pk:
        return True
    event = viewer.event
    everything = [*_plan_meetings(event).values(), *_held_meetings(event).values()]
    matched = _pairs_map(m for meetings in everything for m in meetings)
    return owner.pk in matched.get(viewer.pk, []) or owner.pk in group_mates(viewer)


def require_partners(author: Registration, subject: Registration) -> None:
    """The form is for one-on-one partners (what the subject's digest lists)."""
    if author.pk == subject.pk or author.event_id != subject.event_id:
        raise NotPartnerError(author.pk)
    if subject.pk not in meetings_of_event(author.event).get(author.pk, []):
        raise NotPartnerError(author.pk)
