"""Re-planning the next round for the people checked in.

**All or nothing.** A re-plan is computed before anything is written, then stored in one
transaction; a failure leaves the running round and the stored rounds as they were.

Async people take part through their intro: one whose intro is missing
(:func:`~netweave.web.live.domain.watchable.missing_intros`) is left out, so no live person is
sent to watch nothing, and no live person watches more intros than the event's cap.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from netweave.core.config import ConfigError
from netweave.core.plan import Meeting as CoreMeeting
from netweave.core.plan import Plan
from netweave.web.events.models import Event
from netweave.web.live.domain.errors import LiveError
from netweave.web.live.domain.roster import Roster, attendance_statuses, roster_of
from netweave.web.live.domain.rounds import (
    live_state,
    require_published,
    round_base,
    round_numbers,
)
from netweave.web.live.domain.watchable import intro_gaps, missing_intros
from netweave.web.live.models import Attendance, HeldMeeting, LiveState, Replan
from netweave.web.live.queries.met import held_rounds
from netweave.web.matching.domain.forbidden import forbidden_pairs
from netweave.web.matching.domain.inputs import (
    community_history,
    core_id,
    event_config,
    event_people,
)
from netweave.web.matching.domain.storage import plan_from_version
from netweave.web.matching.models import PlanVersion

__all__ = ["replan_missing_intros", "replan_next_round", "replan_round_for"]

User = AbstractBaseUser
Phase = LiveState.Phase
Status = Attendance.Status


def _affinity(event: Event, people: Sequence[Any]) -> Any:
    """The scores the planner used (same weights, history and must-meet pairs), plus the
    organizers' forbidden pairs."""
    # the scores load numpy and the text models: only when a round is re-planned
    from netweave.core.scoring import affinity_for  # noqa: PLC0415 - numpy, loaded when used

    try:
        config = event_config(event)
    except ConfigError as exc:
        raise LiveError(f"The event's settings have a problem: {exc}") from exc
    known = {p.id for p in people}
    history = [p for p in community_history(event) if known.issuperset(p)]
    forbidden = [
        (core_id(pair.a.member.email), core_id(pair.b.member.email))
        for pair in forbidden_pairs(event)
    ]
    return affinity_for(people, config, history=history, forbidden=forbidden), config


def replan_next_round(event: Event, number: int, user: User | None = None) -> Replan:
    """Re-plan round ``number`` for the people checked in; see :func:`replan_round_for`."""
    return replan_round_for(event, number, user, checked_in=True)


def replan_round_for(
    event: Event, number: int, user: User | None = None, *, checked_in: bool
) -> Replan:
    """Re-plan round ``number`` before it starts, for the live people checked in
    (``checked_in``; walk-ins included) or for every live person not marked absent (before
    the event, or when an intro vanished at a round's start), and the async people whose
    intro exists.

    Keeps every meeting of the round as it stands (the newest re-plan, else the published
    plan) whose people are all there, pairs the others well, never repeats a pair that met
    at this event or (when the settings exclude repeats) at an earlier one, and respects
    every avoid list and forbidden pair. Pairs planned for later rounds are avoided when
    that costs nobody a partner, so later rounds stay as planned. Nothing is written
    unless the whole re-plan succeeds.
    """
    version = require_published(event)
    state = live_state(event)
    _check_replannable(state, version, number)
    people = event_people(event)
    if len(people) < 2:
        raise LiveError("At least two people must be registered to re-plan.")
    roster = roster_of(event)
    plan = plan_from_version(version)
    base, _ = round_base(event, version, number, roster, plan)
    try:
        rows, changes, present = _replanned(
            event, people, roster, plan, base, number, checked_in=checked_in
        )
    except LiveError:
        raise
    except ValueError as exc:  # the core's refusals (nobody present, ...)
        raise LiveError(f"Round {number} could not be re-planned: {exc}") from exc
    with transaction.atomic():
        # the round may have started while this was computed (another organizer)
        state = LiveState.objects.select_for_update().get(event=event)
        _check_replannable(state, version, number)
        if HeldMeeting.objects.filter(event=event, round=number).exists():
            raise LiveError(f"Round {number} has already started: re-plan a later round.")
        return Replan.objects.create(
            event=event,
            round=number,
            meetings=rows,
            changes=changes,
            present=present,
            created_by=user if user is not None and user.is_authenticated else None,
        )


def replan_missing_intros(event: Event, user: User | None = None) -> list[int]:
    """Re-plan every round not started yet that pairs someone with an async person whose
    intro is missing (:func:`~netweave.web.live.domain.watchable.missing_intros`): their live
    partners meet someone live instead. The rounds re-planned, in order; one that cannot be
    (fewer than two live people left) keeps its plan, and the round start tries again."""
    version = require_published(event)
    missing = missing_intros(event)
    if not missing:
        return []
    state = live_state(event)
    held = set(HeldMeeting.objects.filter(event=event).values_list("round", flat=True))
    started = state.round if state.phase == Phase.ROUND else 0
    if state.phase in (Phase.GROUPS, Phase.ENDED):
        return []
    roster = roster_of(event)
    plan = plan_from_version(version)
    done = []
    for number in round_numbers(version):
        if number <= started or number in held:
            continue
        base, _ = round_base(event, version, number, roster, plan)
        if intro_gaps(base, roster, missing):
            try:
                replan_round_for(event, number, user, checked_in=False)
            except LiveError:
                continue
            done.append(number)
    return done


def _check_replannable(state: LiveState, version: PlanVersion, number: int) -> None:
    if number not in round_numbers(version):
        raise LiveError(f"The published plan has no round {number}.")
    if state.phase == Phase.ENDED:
        raise LiveError("The event has ended.")
    if state.phase == Phase.GROUPS or (state.phase == Phase.ROUND and number <= state.round):
        raise LiveError(f"Round {number} has already started: re-plan a later round.")


def _replanned(
    event: Event,
    people: Sequence[Any],
    roster: Roster,
    plan: Plan,
    base: Sequence[CoreMeeting],
    number: int,
    *,
    checked_in: bool,
) -> tuple[list[dict[str, Any]], dict[str, Any], int]:
    # core.live loads numpy and rustworkx: only when a round is re-planned
    from netweave.core.live import replan_for_present  # noqa: PLC0415 - numpy, loaded when used

    aff, config = _affinity(event, people)
    statuses = attendance_statuses(event)
    missing = missing_intros(event)

    def here(pk: int, mode: str) -> bool:
        if mode == "async":
            return pk not in missing
        status = statuses.get(pk, Status.UNKNOWN)
        return status == Status.PRESENT if checked_in else status != Status.ABSENT

    present = [i for i, p in enumerate(people) if here(roster.pk[p.id], p.mode)]
    live_present = sum(1 for i in present if people[i].mode == "live")
    if live_present < 2:
        raise LiveError(
            "Fewer than two live people are checked in: tick who is here (or paste Zoom's "
            "participant list) before re-planning."
        )
    held_by_round = held_rounds(event)
    held = [m for n, ms in held_by_round.items() if n > 0 for m in ms]
    if not checked_in and live_state(event).phase == Phase.WAITING:
        # re-planning ahead, before the event (the intro deadline): the earlier rounds will
        # be held as they stand now
        version = require_published(event)
        for n in range(1, number):
            if n not in held_by_round:
                held += [m.members for m in round_base(event, version, n, roster, plan)[0]]
    later = [m for r in plan.rounds if r.number > number for m in r.meetings]
    out = replan_for_present(
        aff,
        people,
        base,
        present,
        held=held,
        later=later,
        odd=config.odd,
        seed=config.seed,
        watch_cap=config.watch_cap,
    )
    return [_row(m, roster) for m in out.meetings], out.changes, live_present


def _row(meeting: CoreMeeting, roster: Roster) -> dict[str, Any]:
    """A re-planned meeting as :attr:`Replan.meetings` stores it: registrations, not ids."""
    return {
        "room": meeting.room,
        "members": [roster.pk[p] for p in meeting.members],
        "is_async": meeting.is_async,
        "score": round(float(meeting.score), 6),
        "reasons": list(meeting.reasons),
    }
