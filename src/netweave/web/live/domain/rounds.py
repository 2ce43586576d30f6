"""The rounds the live run follows: the published plan's, each as it stands now (the
newest re-plan of the round, else the published plan)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from netweave.core.plan import Meeting as CoreMeeting
from netweave.core.plan import Plan
from netweave.web.events.models import Event
from netweave.web.live.domain.errors import LiveError
from netweave.web.live.domain.roster import Roster
from netweave.web.live.models import HeldMeeting, LiveState, Replan
from netweave.web.matching.domain.storage import plan_from_version
from netweave.web.matching.models import PlanVersion
from netweave.web.matching.queries.schedule import published_plan

__all__ = [
    "has_groups",
    "latest_replan",
    "live_state",
    "require_published",
    "round_base",
    "round_numbers",
]

Source = HeldMeeting.Source


def live_state(event: Event) -> LiveState:
    """The event's live state, created (not started) on first use."""
    state, _ = LiveState.objects.get_or_create(event=event)
    return state


def require_published(event: Event) -> PlanVersion:
    """The event's published version; :class:`LiveError` when there is none."""
    version = published_plan(event)
    if version is None:
        raise LiveError("Publish a plan first: the live run follows the published plan.")
    return version


def round_numbers(version: PlanVersion) -> list[int]:
    """The numbers of ``version``'s rounds, in order."""
    return sorted(int(n) for n in version.round_numbers)


def has_groups(event: Event, version: PlanVersion) -> bool:
    """Whether the event runs small groups and ``version`` has some."""
    return event.groups_enabled and version.groups.exists()


def _core_meeting(row: Mapping[str, Any], roster: Roster) -> CoreMeeting | None:
    members = tuple(roster.pid[pk] for pk in row["members"] if pk in roster.pid)
    if not members:
        return None
    return CoreMeeting(
        row.get("room"),
        members,
        float(row.get("score", 0.0)),
        tuple(row.get("reasons", ())),
        is_async=bool(row.get("is_async")),
    )


def latest_replan(event: Event, number: int, version: PlanVersion | None = None) -> Replan | None:
    """Round ``number``'s newest re-plan, if it has one; with ``version``, only one made
    since it was published (a plan published again, after the intro deadline re-planned the
    old one, is not overridden by those older re-plans)."""
    found = Replan.objects.filter(event=event, round=number)
    if version is not None and version.published_at is not None:
        found = found.filter(created__gte=version.published_at)
    return found.order_by("-id").first()


def _plan_round(plan: Plan, number: int) -> list[CoreMeeting]:
    return [m for r in plan.rounds if r.number == number for m in r.meetings]


def round_base(
    event: Event,
    version: PlanVersion,
    number: int,
    roster: Roster,
    plan: Plan | None = None,
) -> tuple[list[CoreMeeting], str]:
    """Round ``number`` as it stands: the newest re-plan, else the published plan."""
    latest = latest_replan(event, number, version)
    if latest is not None:
        meetings = [_core_meeting(row, roster) for row in latest.meetings]
        return [m for m in meetings if m is not None], Source.REPLAN
    plan = plan or plan_from_version(version)
    return _plan_round(plan, number), Source.PLAN
