"""The small groups as they run: the published groups for the people there (absent people out,
late arrivals seated where nobody avoids them), recorded as held when they start."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from netweave.core.plan import Group as CoreGroup
from netweave.web.events.models import Event
from netweave.web.live.domain.roster import Roster, absent_ids
from netweave.web.live.models import HeldMeeting, HeldSeat
from netweave.web.matching.domain.forbidden import forbidden_pairs
from netweave.web.matching.domain.inputs import core_id, event_people
from netweave.web.matching.domain.storage import plan_from_version
from netweave.web.matching.models import PlanVersion

__all__ = ["groups_now", "record_groups"]

Source = HeldMeeting.Source


def groups_now(event: Event, version: PlanVersion, roster: Roster) -> list[CoreGroup]:
    """The published groups for the people there: absent people out, people left alone in
    a group and late arrivals seated where nobody avoids them."""
    # core.live loads numpy and rustworkx: only when groups are seated
    from netweave.core.live import regroup  # noqa: PLC0415 - numpy, loaded when used

    held = HeldMeeting.objects.filter(event=event, round=0)
    if held.exists():
        return _held_groups(event)
    plan = plan_from_version(version)
    people = event_people(event)
    index = {p.id: i for i, p in enumerate(people)}
    aff = _avoid_only(event, people, index)
    absent = absent_ids(event)
    present = [i for i, p in enumerate(people) if p.mode == "live" and p.id not in absent]
    planned = [[index[p] for p in g.members if p in index] for g in plan.groups]
    result = regroup(aff, planned, present)
    groups = []
    for g, members in zip(plan.groups, result.groups, strict=True):
        if len(members) >= 2:
            groups.append(replace(g, members=tuple(people[i].id for i in members)))
    k = len(plan.groups)
    for extra in result.alone:
        k += 1  # nobody could take them: their own room, so the host can see and help
        groups.append(CoreGroup(f"Group {k}", (people[extra].id,)))
    return groups


def _avoid_only(event: Event, people: Sequence[Any], index: Mapping[str, int]) -> Any:
    """An affinity with no scores, only who must not sit together: seating a late arrival
    needs no profile comparison, and it must be instant when the host presses the button."""
    # numpy and the affinity module: only when groups are seated
    import numpy as np  # noqa: PLC0415 - numpy, loaded when used

    from netweave.core.affinity import Affinity  # noqa: PLC0415 - numpy, loaded when used

    forbidden = set()
    for p in people:
        for q in p.avoid:
            if q in index:
                i, j = index[p.id], index[q]
                forbidden.add((min(i, j), max(i, j)))
    for pair in forbidden_pairs(event):
        a, b = core_id(pair.a.member.email), core_id(pair.b.member.email)
        if a in index and b in index:
            forbidden.add((min(index[a], index[b]), max(index[a], index[b])))
    n = len(people)
    return Affinity(tuple(p.id for p in people), np.zeros((n, n), np.float32), frozenset(forbidden))


def _held_groups(event: Event) -> list[CoreGroup]:
    seats = defaultdict(list)
    rows = (
        HeldSeat.objects.filter(meeting__event=event, meeting__round=0)
        .order_by("meeting_id", "position")
        .values_list("meeting_id", "registration__member__email")
    )
    for pk, email in rows:
        seats[pk].append(core_id(email))
    return [
        CoreGroup(g.room or f"Group {k}", tuple(seats[g.pk]), g.theme, 0.0, tuple(g.reasons))
        for k, g in enumerate(HeldMeeting.objects.filter(event=event, round=0), start=1)
    ]


def record_groups(event: Event, groups: Sequence[CoreGroup], roster: Roster) -> None:
    rows = [(g, [p for p in g.members if p in roster.pk]) for g in groups]
    created = HeldMeeting.objects.bulk_create(
        HeldMeeting(
            event=event,
            round=0,
            room=g.room,
            reasons=list(g.reasons),
            theme=g.theme[:200],
            source=Source.GROUP,
        )
        for g, _ in rows
    )
    HeldSeat.objects.bulk_create(
        HeldSeat(meeting=held, registration_id=roster.pk[p], position=i)
        for held, (_, members) in zip(created, rows, strict=True)
        for i, p in enumerate(members)
    )
