"""Plans between the database and the pure core.

A plan is stored as a :class:`~netweave.web.matching.models.PlanVersion` with Meeting/Seat and
Group/GroupSeat rows. :func:`save_plan` and :func:`plan_from_version` convert a core
:class:`~netweave.core.plan.Plan` to rows and back exactly, so every verb can work on the core's
value objects and the core's checks, and store the result as a new version.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from netweave.core.plan import Group as CoreGroup
from netweave.core.plan import Meeting as CoreMeeting
from netweave.core.plan import Participant, Plan, Round, Unmatched
from netweave.web.events.models import Event, Registration
from netweave.web.matching.domain.errors import PlanError
from netweave.web.matching.domain.inputs import core_id, seat_ids
from netweave.web.matching.domain.versions import lock_event, new_version, refuse_if_changed
from netweave.web.matching.models import Group, GroupSeat, Meeting, PlanVersion, Seat

__all__ = ["plan_from_version", "save_plan", "store_plan"]

User = AbstractBaseUser
State = PlanVersion.State


def _jsonable(value: Any) -> Any:
    # The planner's metrics may hold numpy numbers; a JSONField needs plain values.
    def default(v: Any) -> Any:
        if hasattr(v, "tolist"):
            return v.tolist()
        if isinstance(v, set | frozenset):
            return sorted(v)
        raise TypeError(f"cannot store {type(v).__name__} in plan metrics")

    return json.loads(json.dumps(value, default=default))


def _registration_pks(event: Event) -> dict[str, int]:
    rows = Registration.objects.filter(event=event).values_list("member__email", "pk")
    return {core_id(email): pk for email, pk in rows}


def store_plan(version: PlanVersion, plan: Plan) -> None:
    """Fill ``version`` with ``plan`` as rows and mark it READY (five queries, any size)."""
    regs = _registration_pks(version.event)
    placed = {pid for r in plan.rounds for m in r.meetings for pid in m.members}
    placed |= {pid for g in plan.groups for pid in (*g.members, *g.remote)}
    unknown = sorted(placed - regs.keys())
    if unknown:
        raise PlanError(f"Not registered for this event: {', '.join(unknown)}")
    version.participants = [[p.id, p.name, p.mode] for p in plan.participants]
    version.round_numbers = [r.number for r in plan.rounds]
    version.metrics = _jsonable(dict(plan.metrics))
    version.unmatched = [u.to_dict() for u in plan.unmatched]
    version.state, version.progress, version.error = State.READY, 100, ""
    version.save()
    _store_meetings(version, plan.rounds, regs)
    _store_groups(version, plan.groups, regs)


def _store_meetings(version: PlanVersion, rounds: Sequence[Round], regs: Mapping[str, int]) -> None:
    flat = [(r.number, m) for r in rounds for m in r.meetings]
    rows = Meeting.objects.bulk_create(
        Meeting(
            plan=version,
            round=number,
            room=m.room,
            is_async=m.is_async,
            score=m.score,
            reasons=list(m.reasons),
            pinned=m.pinned,
        )
        for number, m in flat
    )
    Seat.objects.bulk_create(
        Seat(meeting=row, registration_id=regs[pid], position=i)
        for row, (_, m) in zip(rows, flat, strict=True)
        for i, pid in enumerate(m.members)
    )


def _store_groups(
    version: PlanVersion, groups: Sequence[CoreGroup], regs: Mapping[str, int]
) -> None:
    rows = Group.objects.bulk_create(
        Group(
            plan=version,
            room=g.room,
            theme=g.theme,
            score=g.score,
            reasons=list(g.reasons),
            pinned=g.pinned,
        )
        for g in groups
    )
    seats = []
    for row, g in zip(rows, groups, strict=True):
        seats += [
            GroupSeat(group=row, registration_id=regs[p], position=i)
            for i, p in enumerate(g.members)
        ]
        seats += [
            GroupSeat(group=row, registration_id=regs[p], position=i, remote=True)
            for i, p in enumerate(g.remote)
        ]
    GroupSeat.objects.bulk_create(seats)


def save_plan(
    event: Event,
    plan: Plan,
    *,
    note: str,
    user: User | None = None,
    parent: PlanVersion | None = None,
    seen: int | None = None,
) -> PlanVersion:
    """Store ``plan`` as the event's next version (READY), all or nothing.

    Raises :class:`PlanError` when the plan places somebody not registered for the event,
    :class:`~netweave.web.matching.domain.errors.PlanConflictError` when a version newer
    than ``seen`` exists.
    """
    with transaction.atomic():
        event = lock_event(event)
        refuse_if_changed(event, seen)
        version = new_version(event, note=note, user=user, parent=parent, state=State.READY)
        store_plan(version, plan)
    return version


def plan_from_version(version: PlanVersion) -> Plan:
    """The core :class:`Plan` stored in ``version`` (four queries): the exact inverse of
    :func:`save_plan`."""
    rounds: dict[int, list[CoreMeeting]] = {n: [] for n in version.round_numbers}
    members = seat_ids(Seat.objects.filter(meeting__plan=version), "meeting_id")
    rows = (
        Meeting.objects.filter(plan=version)
        .order_by("round", "id")
        .values_list("pk", "round", "room", "score", "reasons", "is_async", "pinned")
    )
    for pk, number, room, score, reasons, is_async, pinned in rows:
        rounds.setdefault(number, []).append(
            CoreMeeting(room, tuple(members[pk]), score, tuple(reasons), is_async, pinned)
        )
    return Plan(
        participants=tuple(Participant(*p) for p in version.participants),
        rounds=tuple(Round(n, tuple(ms)) for n, ms in rounds.items()),
        groups=_core_groups(version),
        unmatched=tuple(Unmatched.from_dict(u) for u in version.unmatched),
        metrics=dict(version.metrics),
    )


def _core_groups(version: PlanVersion) -> tuple[CoreGroup, ...]:
    rows = (
        GroupSeat.objects.filter(group__plan=version)
        .order_by("group_id", "remote", "position")
        .values_list("group_id", "remote", "registration__member__email")
    )
    seats: dict[tuple[int, bool], list[str]] = defaultdict(list)
    for group_pk, remote, email in rows:
        seats[group_pk, remote].append(core_id(email))
    return tuple(
        CoreGroup(
            room=g.room,
            members=tuple(seats[g.pk, False]),
            theme=g.theme,
            score=g.score,
            reasons=tuple(g.reasons),
            remote=tuple(seats[g.pk, True]),
            pinned=g.pinned,
        )
        for g in Group.objects.filter(plan=version).order_by("id")
    )
