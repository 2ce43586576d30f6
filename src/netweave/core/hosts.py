"""Staff hosts: team members who fill the odd seat of a round instead of a trio.

With ``odd = "host"`` the planner leaves the odd person of a round to meet "the host" (a
one-person meeting). When the organizers name some team members as hosts, :func:`assign_hosts`
says which of them fills each such seat: the hosts take turns (the one who hosted least so
far first), a host never meets the same person twice when another host can, and never
someone who asked not to meet them (or whom they asked not to meet). Pure and deterministic:
the same plan and hosts always give the same duties, so pages can compute them on the fly.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from netweave.core.plan import Plan

__all__ = ["HostDuty", "assign_hosts", "host_seats"]


@dataclass(frozen=True, slots=True)
class HostDuty:
    """A host's place in one round: the room of the odd seat and whom they meet there."""

    round: int
    room: str
    host: str
    guest: str


def host_seats(plan: Plan) -> list[tuple[int, str, str]]:
    """``(round, room, person)`` of every live one-person meeting (the odd seat), in order.

    >>> from netweave.core.plan import Meeting, Participant, Round
    >>> plan = Plan((Participant("a", "A"),), (Round(1, (Meeting("Room 2", ("a",)),)),))
    >>> host_seats(plan)
    [(1, 'Room 2', 'a')]
    """
    return [
        (r.number, m.room or "", m.members[0])
        for r in plan.rounds
        for m in r.meetings
        if len(m.members) == 1 and not m.is_async
    ]


def assign_hosts(
    plan: Plan,
    hosts: Sequence[str],
    avoid: Mapping[str, Collection[str]] | None = None,
) -> list[HostDuty]:
    """Which host fills each odd seat of ``plan`` (see the module).

    Parameters
    ----------
    plan
        The plan; its one-person live meetings are the odd seats.
    hosts
        The hosts' ids, in the organizers' order (ties go to the earlier one).
    avoid
        Person id -> ids they must not meet, either way round (avoid lists).

    Returns
    -------
    list of HostDuty
        One per odd seat that some host may fill, by round; a seat whose guest avoids every
        host (or is avoided by them) stays with "the host" (an organizer).

    Examples
    --------
    >>> from netweave.core.plan import Meeting, Participant, Round
    >>> rounds = tuple(Round(n, (Meeting("Room 3", ("ana",)),)) for n in (1, 2, 3))
    >>> plan = Plan((Participant("ana", "Ana"),), rounds)
    >>> [(d.round, d.host) for d in assign_hosts(plan, ["kim", "lee"])]
    [(1, 'kim'), (2, 'lee'), (3, 'kim')]
    >>> [d.host for d in assign_hosts(plan, ["kim", "lee"], {"ana": {"kim"}})]
    ['lee', 'lee', 'lee']
    """
    avoid = avoid or {}
    load = dict.fromkeys(hosts, 0)
    met: set[tuple[str, str]] = set()
    duties = []
    for number, room, guest in host_seats(plan):
        allowed = [
            h
            for h in hosts
            if h != guest and h not in avoid.get(guest, ()) and guest not in avoid.get(h, ())
        ]
        if not allowed:
            continue
        # a new face first, then whoever hosted least, then the organizers' order
        host = min(allowed, key=lambda h: ((h, guest) in met, load[h], hosts.index(h)))
        load[host] += 1
        met.add((host, guest))
        duties.append(HostDuty(number, room, host, guest))
    return duties
