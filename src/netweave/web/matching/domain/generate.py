"""Planning a queued version: the worker's side of "Generate" (see
:mod:`netweave.web.matching.domain.request` for the asking side).

The planner runs outside any transaction (it takes seconds to minutes); its result is stored
in one, and only if the version is still RUNNING.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from netweave.core.fully_async import all_async
from netweave.core.newcomers import connection_boost
from netweave.core.plan import Plan
from netweave.web.events.models import Event
from netweave.web.matching.domain.errors import PlanError
from netweave.web.matching.domain.forbidden import forbidden_ids
from netweave.web.matching.domain.inputs import (
    community_history,
    event_config,
    event_people,
    matchable_people,
)
from netweave.web.matching.domain.storage import plan_from_version, store_plan
from netweave.web.matching.heartbeat import Heartbeat
from netweave.web.matching.models import PlanVersion

__all__ = ["generate_plan"]

log = logging.getLogger(__name__)

State = PlanVersion.State


class _Progress:
    """Writes the planner's progress to the version row, only when the percentage grows."""

    def __init__(self, pk: int) -> None:
        self.pk, self.last = pk, 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        share = done / total if total else 1.0
        # rounds are most of the work; groups and storing the rows share the rest
        pct = int(5 + 80 * share) if stage == "rounds" else 90 if stage == "groups" else self.last
        pct = min(pct, 99)
        if pct > self.last:
            self.last = pct
            PlanVersion.objects.filter(pk=self.pk).update(progress=pct, heartbeat=timezone.now())


def _pins(
    parent: PlanVersion | None, known: set[str], rounds: int
) -> tuple[dict[int, list[tuple[str, ...]]], list[tuple[str, ...]]]:
    """Pinned meetings (by round) and groups of ``parent`` that still make sense: everyone
    in them still registered, and the round still part of the event."""
    if parent is None:
        return {}, []
    plan = plan_from_version(parent)
    meetings: dict[int, list[tuple[str, ...]]] = defaultdict(list)
    for r in plan.rounds:
        for m in r.meetings:
            if m.pinned and r.number <= rounds and known.issuperset(m.members):
                meetings[r.number].append(m.members)
    groups = [g.members for g in plan.groups if g.pinned and known.issuperset(g.members)]
    return dict(meetings), groups


def _run_planner(version: PlanVersion) -> Plan:
    event = version.event
    people = event_people(event)
    if len(people) < 2:
        raise PlanError(f"At least 2 people must be registered to make a plan; {len(people)} are.")
    config = event_config(event)
    # The planner pulls in numpy, scipy and the solvers: load them only where plans are made.
    from netweave.core.planner import PlanningInput, plan_event  # noqa: PLC0415 - numpy, loaded when used

    known = {p.id for p in people}
    pinned_rounds, pinned_groups = _pins(version.parent, known, config.rounds)
    matchable = matchable_people(event, people)
    history = [p for p in community_history(event) if known.issuperset(p)]
    data = PlanningInput(
        people=matchable,
        history=history,
        groups=event.groups_enabled,
        pinned_rounds=pinned_rounds,
        pinned_groups=pinned_groups,
        forbidden=[p for p in forbidden_ids(event) if known.issuperset(p)],
        # favour members who have made few connections in the community so far
        newcomer_boost=connection_boost(matchable, history),
    )
    # the planner flags the pins it kept, so they survive any number of re-plans
    plan = plan_event(data, config, progress=_Progress(version.pk))
    return all_async(plan) if event.fully_async else plan


def _failure_message(exc: Exception) -> str:
    if isinstance(exc, PlanError):
        return exc.message
    if isinstance(exc, ValueError):  # the core's infeasible asks and configuration problems
        return f"The plan cannot be made as asked: {exc}"
    return f"Planning failed unexpectedly ({type(exc).__name__}: {exc}). Nothing else changed."


def _mark_planned(event: Event) -> None:
    # Closed registration + a plan = "planned". An event still open for registration stays
    # open: a plan made early is a preview, and must not shut the door on late sign-ups.
    Event.objects.filter(pk=event.pk, status=Event.Status.CLOSED).update(
        status=Event.Status.PLANNED
    )


def generate_plan(version: PlanVersion) -> PlanVersion:
    """Plan a queued ``version``: READY with its rows, or FAILED with a readable error.

    Nothing but ``version`` is ever touched, so a failure leaves the published plan (and
    every other version) as it was. A version that is not QUEUED is left alone: a task run
    twice must not plan twice. While it plans, the version's heartbeat shows it is alive;
    a version given up for silent meanwhile
    (:func:`~netweave.web.matching.heartbeat.settle_stale`) keeps its message.
    """
    claimed = PlanVersion.objects.filter(pk=version.pk, state=State.QUEUED).update(
        state=State.RUNNING, progress=1, heartbeat=timezone.now()
    )
    if claimed:
        running = PlanVersion.objects.filter(pk=version.pk, state=State.RUNNING)
        try:
            with Heartbeat(version.pk):
                plan = _run_planner(version)
            with transaction.atomic():
                if running.select_for_update().exists():
                    store_plan(version, plan)
                    _mark_planned(version.event)
        except Exception as exc:  # any failure must reach the organizer as a message
            if not isinstance(exc, ValueError):
                log.exception("planning version %s failed", version.pk)
            running.update(state=State.FAILED, error=_failure_message(exc)[:2000])
    version.refresh_from_db()
    return version
