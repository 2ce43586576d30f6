"""A participant's small group in the published plan, and its members."""

from __future__ import annotations

from netweave.web.events.models import Registration
from netweave.web.matching.models import Group, GroupSeat
from netweave.web.matching.queries.schedule import published_plan

__all__ = [
    "group_members",
    "group_of",
]


def group_of(registration: Registration) -> Group | None:
    """The registration's small group in the published plan, if any."""
    plan = published_plan(registration.event)
    if plan is None:
        return None
    seat = GroupSeat.objects.filter(group__plan=plan, registration=registration).first()
    return seat.group if seat else None


def group_members(group: Group) -> list[Registration]:
    seats = GroupSeat.objects.filter(group=group).select_related(
        "registration__member", "registration__event"
    )
    return [s.registration for s in seats.order_by("remote", "position")]
