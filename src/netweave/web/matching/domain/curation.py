"""An organizer's changes by hand: pins, and swapping two people in a round."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from netweave.core.people import Person
from netweave.core.plan import Plan
from netweave.web.events.models import Event, Registration
from netweave.web.matching.domain.checks import names_of, plan_violations, violation_key
from netweave.web.matching.domain.errors import PlanError
from netweave.web.matching.domain.inputs import (
    check_config,
    community_history,
    core_id,
    event_people,
)
from netweave.web.matching.domain.storage import plan_from_version, save_plan
from netweave.web.matching.domain.versions import lock_event, refuse_if_changed, require_ready
from netweave.web.matching.models import Group, Meeting, PlanVersion

__all__ = ["pin_group", "pin_meeting", "swap_people"]

User = AbstractBaseUser


def pin_meeting(meeting: Meeting, pinned: bool = True, *, seen: int | None = None) -> Meeting:
    """Pin (or unpin) a meeting in place: a re-plan keeps pinned meetings exactly as they are.

    In place rather than as a new version because a pin changes nobody's schedule; it only
    marks what the organizer wants kept. A pin in a version someone else has since
    replaced would be lost, hence ``seen`` (see :func:`refuse_if_changed`).
    """
    with transaction.atomic():
        refuse_if_changed(lock_event(meeting.plan.event), seen)
        Meeting.objects.filter(pk=meeting.pk).update(pinned=pinned)
    meeting.pinned = pinned
    return meeting


def pin_group(group: Group, pinned: bool = True, *, seen: int | None = None) -> Group:
    """Pin (or unpin) a group in place; see :func:`pin_meeting`."""
    with transaction.atomic():
        refuse_if_changed(lock_event(group.plan.event), seen)
        Group.objects.filter(pk=group.pk).update(pinned=pinned)
    group.pinned = pinned
    return group


def _rescored(event: Event, old: Plan, new: Plan, people: Sequence[Person]) -> Plan:
    """``new`` with the scores and reasons the planner would give its changed meetings."""
    # the planner behind the scores loads numpy and the solvers: only when a plan is edited
    from netweave.core.curation import rescored  # noqa: PLC0415 - numpy, loaded when used
    from netweave.core.scoring import affinity_for  # noqa: PLC0415 - numpy, loaded when used

    known = {p.id for p in people}
    history = [p for p in community_history(event) if known.issuperset(p)]
    return rescored(old, new, affinity_for(people, check_config(event), history=history), people)


def swap_people(
    version: PlanVersion,
    round_number: int,
    a_registration: Registration,
    b_registration: Registration,
    user: User | None,
    *,
    seen: int | None = None,
) -> PlanVersion:
    """Exchange two people's places in one round, as a new version.

    Both meetings that change are pinned (an organizer's hand choice must survive a
    re-plan) and get fresh scores and reasons. Refuses with :class:`PlanError` when either
    person has no meeting that round, or when the swap breaks a rule the plan kept before
    (a repeat meeting, a forbidden pair, an async person in a live room, ...).
    """
    # the swap itself is pure, but its module holds the rescoring, which loads numpy
    from netweave.core.curation import CurationError, swap_in_round  # noqa: PLC0415 - numpy, loaded when used

    require_ready(version, "changed")
    event = version.event
    for reg in (a_registration, b_registration):
        if reg.event_id != event.pk:
            raise PlanError(f"{reg.member.name} is not registered for this event.")
    # Reading and re-scoring take seconds for a big event and touch no rows (a version never
    # changes, pins aside), so they stay outside the transaction; save_plan writes atomically.
    plan = plan_from_version(version)
    people = event_people(event)
    names = names_of(plan, people)
    a, b = core_id(a_registration.member.email), core_id(b_registration.member.email)
    try:
        swapped = swap_in_round(plan, round_number, a, b, names)
    except CurationError as exc:
        raise PlanError(exc.args[0]) from exc
    before = {violation_key(v) for v in plan_violations(event, plan, people)}
    new = [v for v in plan_violations(event, swapped, people) if violation_key(v) not in before]
    if new:
        raise PlanError(
            f"Swapping {names[a]} and {names[b]} in round {round_number} would break "
            f"{'a rule' if len(new) == 1 else f'{len(new)} rules'}:",
            [v.message for v in new],
        )
    result = _rescored(event, plan, swapped, people)
    note = f"Swapped {names[a]} and {names[b]} in round {round_number}"
    return save_plan(event, result, note=note, user=user, parent=version, seen=seen)
