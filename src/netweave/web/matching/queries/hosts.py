"""Where the staff hosts are needed: the odd seats of the published (or a given) plan and
which host fills each, by :func:`netweave.core.hosts.assign_hosts`."""

from __future__ import annotations

from dataclasses import dataclass

from netweave.core.hosts import assign_hosts
from netweave.web.events.models import Event, Registration
from netweave.web.matching.domain.inputs import core_id, event_avoid, event_hosts, event_people
from netweave.web.matching.domain.storage import plan_from_version
from netweave.web.matching.models import PlanVersion
from netweave.web.matching.queries.schedule import published_plan

__all__ = ["Duty", "host_duties", "host_schedule"]


@dataclass(frozen=True)
class Duty:
    """One odd seat: the round, its room, the host who fills it and the person they meet."""

    round: int
    room: str
    host: str
    host_name: str
    guest: str
    guest_name: str


def host_duties(event: Event, version: PlanVersion | None = None) -> list[Duty]:
    """Every odd seat of ``version`` (the published plan by default) with its host; empty
    without hosts or plan."""
    version = version or published_plan(event)
    hosts = event_hosts(event)
    if version is None or not hosts:
        return []
    plan = plan_from_version(version)
    names = {p.id: p.name for p in (*plan.participants, *event_people(event))}
    rows = Registration.objects.filter(event=event, is_host=True)
    names |= {core_id(e): n for e, n in rows.values_list("member__email", "member__name")}
    return [
        Duty(
            d.round, d.room, d.host, names.get(d.host, d.host), d.guest, names.get(d.guest, d.guest)
        )
        for d in assign_hosts(plan, hosts, event_avoid(event))
    ]


def host_schedule(registration: Registration) -> list[Duty]:
    """The rounds where ``registration`` (a staff host) is needed, in the published plan."""
    if not registration.is_host:
        return []
    me = core_id(registration.member.email)
    return [d for d in host_duties(registration.event) if d.host == me]
