"""Who the published plan puts together: the plan's half of "who met whom".

The rule that decides between this and what really happened lives one layer up, in
:mod:`netweave.web.live.queries.met`; here is only the plan, read in bulk for many events
(a fixed number of queries, whatever their number) so that a community's history costs the
same for one earlier event as for twenty. A read, next to :mod:`.inputs` (which builds the
planner's history from it) rather than in :mod:`netweave.web.matching.queries`, whose
modules import this package's verbs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

from netweave.web.events.models import Event
from netweave.web.matching.models import GroupSeat, PlanVersion, Seat

__all__ = ["Meetings", "meeting_pairs", "meetings_from_rows", "planned_meetings", "published_plans"]

#: round -> its meetings, each the registration pks in seat order; round 0 holds the groups
Meetings = dict[int, list[list[int]]]


def published_plans(events: Iterable[Event | int]) -> dict[int, int]:
    """event pk -> pk of its published plan (the newest published version, as
    :func:`~netweave.web.matching.queries.schedule.published_plan` picks it). One query."""
    pks = [e if isinstance(e, int) else e.pk for e in events]
    rows = (
        PlanVersion.objects.filter(event_id__in=pks, published_at__isnull=False)
        .order_by("event_id", "-published_at", "-number")
        .values_list("event_id", "pk")
    )
    out: dict[int, int] = {}
    for event_pk, plan_pk in rows:
        out.setdefault(event_pk, plan_pk)
    return out


def meetings_from_rows(rows: Iterable[tuple[int, int, int, int]]) -> dict[int, Meetings]:
    """``(event, round, meeting, registration)`` rows in seat order -> event pk -> meetings
    per round (the held record is read into the same shape)."""
    seats: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for event_pk, number, meeting_pk, reg_pk in rows:
        seats[event_pk, number, meeting_pk].append(reg_pk)
    out: dict[int, Meetings] = defaultdict(lambda: defaultdict(list))
    for (event_pk, number, _), members in seats.items():
        out[event_pk][number].append(members)
    return {pk: dict(rounds) for pk, rounds in out.items()}


def planned_meetings(events: Sequence[Event | int], *, groups: bool = False) -> dict[int, Meetings]:
    """event pk -> the published plan's meetings per round (small groups as round 0 when
    ``groups``). Events without a published plan are left out. Two or three queries."""
    plans = published_plans(events)
    event_of = {plan_pk: event_pk for event_pk, plan_pk in plans.items()}
    rows = (
        Seat.objects.filter(meeting__plan_id__in=list(event_of))
        .order_by("meeting__plan_id", "meeting__round", "meeting_id", "position")
        .values_list("meeting__plan_id", "meeting__round", "meeting_id", "registration_id")
    )
    found = [(event_of[plan], n, m, r) for plan, n, m, r in rows]
    if groups:
        group_rows = (
            GroupSeat.objects.filter(group__plan_id__in=list(event_of))
            .order_by("group__plan_id", "group_id", "remote", "position")
            .values_list("group__plan_id", "group_id", "registration_id")
        )
        found += [(event_of[plan], 0, g, r) for plan, g, r in group_rows]
    grouped = meetings_from_rows(found)
    return {pk: grouped.get(pk, {}) for pk in plans}


def meeting_pairs(meetings: Iterable[Sequence[int]]) -> Iterator[tuple[int, int]]:
    """Every pair of different people sharing one of ``meetings``, smaller pk first."""
    for members in meetings:
        for k, a in enumerate(members):
            for b in members[k + 1 :]:
                if a != b:
                    yield (a, b) if a < b else (b, a)
