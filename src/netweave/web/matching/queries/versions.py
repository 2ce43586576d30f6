"""A plan's versions as the organizer pages list, compare and export them."""

from __future__ import annotations

from netweave.core.diff import PlanDiff, compare_plans
from netweave.web.events.models import Event
from netweave.web.matching.domain.storage import plan_from_version
from netweave.web.matching.models import PlanVersion

__all__ = ["diff_plans", "version_for_export", "versions_of"]

State = PlanVersion.State


def versions_of(event: Event) -> list[PlanVersion]:
    """Every version of the event's plan, newest first, without the bulky JSON fields."""
    return list(
        PlanVersion.objects.filter(event=event)
        .select_related("created_by")
        .defer("metrics", "unmatched", "participants")
        .order_by("-number")
    )


def version_for_export(event: Event, number: int | None = None) -> PlanVersion | None:
    """Version ``number`` if READY; else the published version, else the latest READY one."""
    ready = PlanVersion.objects.filter(event=event, state=State.READY).select_related("event")
    if number is not None:
        return ready.filter(number=number).first()
    return ready.filter(published_at__isnull=False).first() or ready.order_by("-number").first()


def diff_plans(old: PlanVersion, new: PlanVersion) -> PlanDiff:
    """What changed from version ``old`` to version ``new``, per round and for the groups."""
    return compare_plans(plan_from_version(old), plan_from_version(new))
